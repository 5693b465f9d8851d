# fish completion for wb-profile
set -l cmds show set hours open export import push link photo
complete -c wb-profile -f
complete -c wb-profile -s d -l db -r -F -d 'database'
complete -c wb-profile -s o -l output -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c wb-profile -l no-header -d 'no header line (csv, tsv, table)'
complete -c wb-profile -s h -l help -d 'usage'
complete -c wb-profile -s V -l version -d 'version'
complete -c wb-profile -n "not __fish_seen_subcommand_from $cmds" -a show -d 'every profile field, the time zone, the hours mode'
complete -c wb-profile -n "not __fish_seen_subcommand_from $cmds" -a set -d 'set KEY=VALUE fields'
complete -c wb-profile -n "not __fish_seen_subcommand_from $cmds" -a hours -d 'the week, holidays and special days'
complete -c wb-profile -n "not __fish_seen_subcommand_from $cmds" -a open -d 'exit 0 when open, 1 when closed'
complete -c wb-profile -n "not __fish_seen_subcommand_from $cmds" -a export -d 'the whole profile as JSON'
complete -c wb-profile -n "not __fish_seen_subcommand_from $cmds" -a import -d 'read a profile document'
complete -c wb-profile -n "__fish_seen_subcommand_from set" -a 'name= about= description= category= address= email= website= websites= timezone='
set -l categories UNDEFINED OTHER AUTO BEAUTY APPAREL EDU ENTERTAIN EVENT_PLAN FINANCE GROCERY \
    GOVT HOTEL HEALTH NONPROFIT PROF_SERVICES RETAIL TRAVEL RESTAURANT NOT_A_BIZ
complete -c wb-profile -n "__fish_seen_subcommand_from set" -a (string join ' ' -- category=$categories)
complete -c wb-profile -n "__fish_seen_subcommand_from hours" -a 'always appointment closed on exceptions clear mon tue wed thu fri sat sun mon-fri'
complete -c wb-profile -n "__fish_seen_subcommand_from hours" -l all -d 'with exceptions: past dates too'
complete -c wb-profile -n "__fish_seen_subcommand_from open" -l at -x -a 'now today tomorrow' -d 'the time to ask about'
complete -c wb-profile -n "__fish_seen_subcommand_from import" -F
complete -c wb-profile -n "not __fish_seen_subcommand_from $cmds" -a push -d 'send the profile to the Cloud API'
complete -c wb-profile -n "__fish_seen_subcommand_from push" -l dry-run -d 'print the request body instead'
complete -c wb-profile -n "not __fish_seen_subcommand_from $cmds" -a link -d 'the wa.me link and its QR code'
complete -c wb-profile -n "not __fish_seen_subcommand_from $cmds" -a photo -d 'set the profile picture'
complete -c wb-profile -n "__fish_seen_subcommand_from link" -l text -x -d 'the message to prefill'
complete -c wb-profile -n "__fish_seen_subcommand_from link" -l qr -r -F -d 'write its QR code (.svg, .png)'
complete -c wb-profile -n "__fish_seen_subcommand_from photo" -F
