# fish completion for wb-template
set -l cmds sync ls show create rm limit
function __wb_template_names
	wb-send --complete template 2>/dev/null
end
complete -c wb-template -f
complete -c wb-template -s d -l db -r -F -d 'database'
complete -c wb-template -s o -l output -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c wb-template -l no-header -d 'no header line (csv, tsv, table)'
complete -c wb-template -s h -l help -d 'show usage'
complete -c wb-template -s V -l version -d 'show version'
complete -c wb-template -n "not __fish_seen_subcommand_from $cmds" -a sync -d 'read templates and the limit'
complete -c wb-template -n "not __fish_seen_subcommand_from $cmds" -a ls -d 'templates, status, quality'
complete -c wb-template -n "not __fish_seen_subcommand_from $cmds" -a show -d 'as a customer sees it'
complete -c wb-template -n "not __fish_seen_subcommand_from $cmds" -a create -d 'submit a template'
complete -c wb-template -n "not __fish_seen_subcommand_from $cmds" -a rm -d 'delete a template'
complete -c wb-template -n "not __fish_seen_subcommand_from $cmds" -a limit -d 'the messaging limit'
complete -c wb-template -n '__fish_seen_subcommand_from show rm' -a '(__wb_template_names)'
complete -c wb-template -n '__fish_seen_subcommand_from create' -F
complete -c wb-template -n '__fish_seen_subcommand_from ls' -l status -x -a 'APPROVED PENDING REJECTED PAUSED DISABLED' -d 'only this status'
complete -c wb-template -n '__fish_seen_subcommand_from ls create' -l category -x -a 'marketing utility authentication' -d 'the category'
complete -c wb-template -n '__fish_seen_subcommand_from ls show create rm' -l lang -x -d 'the language'
complete -c wb-template -n '__fish_seen_subcommand_from create' -l body -x -d 'the body text'
complete -c wb-template -n '__fish_seen_subcommand_from create' -l header -x -a 'text: image: video: document: location' -d 'the header'
complete -c wb-template -n '__fish_seen_subcommand_from create' -l footer -x -d 'the footer'
complete -c wb-template -n '__fish_seen_subcommand_from create' -l example -x -d 'an example of a parameter'
complete -c wb-template -n '__fish_seen_subcommand_from create' -l button -x -a 'quick_reply: url: phone: copy_code: flow:' -d 'a button'
