# fish completion for wb-contact
set -l cmds add import ls show log optout optin rm
function __wb_contact_labels
	wb-send --complete label 2>/dev/null
end
complete -c wb-contact -f
complete -c wb-contact -s d -l db -r -F -d 'database'
complete -c wb-contact -s o -l output -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c wb-contact -l no-header -d 'no header line (csv, tsv, table)'
complete -c wb-contact -s h -l help -d 'show usage'
complete -c wb-contact -s V -l version -d 'show version'
complete -c wb-contact -n "not __fish_seen_subcommand_from $cmds" -a add -d 'add or update a contact'
complete -c wb-contact -n "not __fish_seen_subcommand_from $cmds" -a import -d 'upsert contacts from CSV'
complete -c wb-contact -n "not __fish_seen_subcommand_from $cmds" -a ls -d 'list contacts'
complete -c wb-contact -n "not __fish_seen_subcommand_from $cmds" -a show -d 'one contact'
complete -c wb-contact -n "not __fish_seen_subcommand_from $cmds" -a log -d 'the message log'
complete -c wb-contact -n "not __fish_seen_subcommand_from $cmds" -a optout -d 'no broadcasts or auto replies'
complete -c wb-contact -n "not __fish_seen_subcommand_from $cmds" -a optin -d 'undo optout'
complete -c wb-contact -n "not __fish_seen_subcommand_from $cmds" -a rm -d 'remove contacts'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l label -x -a '(__wb_contact_labels)' -d 'has this label'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l not-label -x -a '(__wb_contact_labels)' -d 'lacks this label'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l inactive -x -a '7d 14d 30d 90d' -d 'no message within'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l active -x -a '7d 14d 30d 90d' -d 'a message within'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l opted-out -d 'only opted-out contacts'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l unanswered -d 'our reply is due'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l unread -d 'a message nobody opened'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l sort -x -a 'last-in last-out name' -d 'the order'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l attrs -d 'every attribute a column'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l columns -x -d 'the columns, comma-separated'
complete -c wb-contact -n '__fish_seen_subcommand_from ls' -l where -x -d 'attribute KEY=VALUE, KEY!=VALUE, KEY= or KEY!='
complete -c wb-contact -n '__fish_seen_subcommand_from import' -l skip-bad -d 'skip and list bad rows'
complete -c wb-contact -n '__fish_seen_subcommand_from import' -F
complete -c wb-contact -n '__fish_seen_subcommand_from import optout optin rm' -l delimiter -x -a ", ';' tab '|'" -d 'the delimiter of a table read'
complete -c wb-contact -n '__fish_seen_subcommand_from import optout optin rm' -l phone-column -x -d 'the phone column of a table read'
