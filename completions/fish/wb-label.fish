# fish completion for wb-label
set -l cmds ls add rm rename color apply remove who
function __wb_label_names
	wb-send --complete label 2>/dev/null
end
complete -c wb-label -f
complete -c wb-label -s d -l db -r -F -d 'database'
complete -c wb-label -s o -l output -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c wb-label -l no-header -d 'no header line (csv, tsv, table)'
complete -c wb-label -s h -l help -d 'show usage'
complete -c wb-label -s V -l version -d 'show version'
complete -c wb-label -n "not __fish_seen_subcommand_from $cmds" -a ls -d 'labels with counts'
complete -c wb-label -n "not __fish_seen_subcommand_from $cmds" -a add -d 'create a label'
complete -c wb-label -n "not __fish_seen_subcommand_from $cmds" -a rm -d 'delete a label'
complete -c wb-label -n "not __fish_seen_subcommand_from $cmds" -a rename -d 'rename a label'
complete -c wb-label -n "not __fish_seen_subcommand_from $cmds" -a color -d "set a label's color"
complete -c wb-label -n "not __fish_seen_subcommand_from $cmds" -a apply -d 'label contacts or messages'
complete -c wb-label -n "not __fish_seen_subcommand_from $cmds" -a remove -d 'unlabel contacts or messages'
complete -c wb-label -n "not __fish_seen_subcommand_from $cmds" -a who -d 'who carries a label'
complete -c wb-label -n '__fish_seen_subcommand_from rm rename color apply remove who' -a '(__wb_label_names)'
complete -c wb-label -n '__fish_seen_subcommand_from add' -l color -x -a '(seq 1 20)' -d 'color 1-20'
complete -c wb-label -n '__fish_seen_subcommand_from apply remove who' -l message -d 'message ids, not phones'
complete -c wb-label -n '__fish_seen_subcommand_from apply remove' -l delimiter -x -a ", ';' tab '|'" -d 'the delimiter of a table on stdin'
complete -c wb-label -n '__fish_seen_subcommand_from apply remove' -l phone-column -x -d 'the phone column of a table on stdin'
