# fish completion for wb-inbox
set -l cmds ls take assign unassign resolve reopen note
function __wb_inbox_phones
	wb-inbox --state all -o tsv --no-header 2>/dev/null | cut -f1
end
function __wb_inbox_agents
	wb-send --complete agent 2>/dev/null
end
complete -c wb-inbox -f
complete -c wb-inbox -s d -l db -r -F -d 'database'
complete -c wb-inbox -s o -l output -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c wb-inbox -l no-header -d 'no header line (csv, tsv, table)'
complete -c wb-inbox -s h -l help -d 'show usage'
complete -c wb-inbox -s V -l version -d 'show version'
complete -c wb-inbox -n "not __fish_seen_subcommand_from $cmds" -a ls -d 'conversations, longest waiting first'
complete -c wb-inbox -n "not __fish_seen_subcommand_from $cmds" -a take -d 'take the next conversation'
complete -c wb-inbox -n "not __fish_seen_subcommand_from $cmds" -a assign -d 'give a conversation to an agent'
complete -c wb-inbox -n "not __fish_seen_subcommand_from $cmds" -a unassign -d 'back in the queue'
complete -c wb-inbox -n "not __fish_seen_subcommand_from $cmds" -a resolve -d 'resolve conversations'
complete -c wb-inbox -n "not __fish_seen_subcommand_from $cmds" -a reopen -d 'open conversations again'
complete -c wb-inbox -n "not __fish_seen_subcommand_from $cmds" -a note -d 'a private note'
complete -c wb-inbox -n "__fish_seen_subcommand_from take assign unassign resolve reopen note" -a '(__wb_inbox_phones)'
complete -c wb-inbox -n "not __fish_seen_subcommand_from take assign unassign resolve reopen note" -l mine -d 'assigned to me'
complete -c wb-inbox -n "not __fish_seen_subcommand_from take assign unassign resolve reopen note" -l unassigned -d 'in the queue'
complete -c wb-inbox -n "not __fish_seen_subcommand_from take assign unassign resolve reopen note" -l agent -x -a '(__wb_inbox_agents)' -d 'assigned to an agent'
complete -c wb-inbox -n "not __fish_seen_subcommand_from take assign unassign resolve reopen note" -l label -x -a '(wb-send --complete label 2>/dev/null)' -d 'the contact has a label'
complete -c wb-inbox -n "not __fish_seen_subcommand_from take assign unassign resolve reopen note" -l state -x -a 'open pending resolved all' -d 'which conversations'
