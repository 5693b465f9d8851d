# fish completion for wb-agent
set -l cmds ls add rm on off auto-assign
function __wb_agent_names
	wb-send --complete agent 2>/dev/null
end
complete -c wb-agent -f
complete -c wb-agent -s d -l db -r -F -d 'database'
complete -c wb-agent -s o -l output -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c wb-agent -l no-header -d 'no header line (csv, tsv, table)'
complete -c wb-agent -s h -l help -d 'show usage'
complete -c wb-agent -s V -l version -d 'show version'
complete -c wb-agent -n "not __fish_seen_subcommand_from $cmds" -a ls -d 'the agents'
complete -c wb-agent -n "not __fish_seen_subcommand_from $cmds" -a add -d 'add an agent'
complete -c wb-agent -n "not __fish_seen_subcommand_from $cmds" -a rm -d 'remove agents'
complete -c wb-agent -n "not __fish_seen_subcommand_from $cmds" -a on -d 'on duty'
complete -c wb-agent -n "not __fish_seen_subcommand_from $cmds" -a off -d 'off duty'
complete -c wb-agent -n "not __fish_seen_subcommand_from $cmds" -a auto-assign -d 'round robin for new conversations'
complete -c wb-agent -n '__fish_seen_subcommand_from rm on off' -a '(__wb_agent_names)'
complete -c wb-agent -n '__fish_seen_subcommand_from auto-assign' -a 'on off'
complete -c wb-agent -n '__fish_seen_subcommand_from add' -l display -x -d 'a name for people'
