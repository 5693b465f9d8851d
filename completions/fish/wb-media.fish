# fish completion for wb-media
complete -c wb-media -f
complete -c wb-media -s d -l db -r -F -d 'database'
complete -c wb-media -s o -l output -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c wb-media -l no-header -d 'no header line (csv, tsv, table)'
complete -c wb-media -s h -l help -d 'show usage'
complete -c wb-media -s V -l version -d 'show version'
complete -c wb-media -s O -l out -r -F -d 'file or directory to save to'
complete -c wb-media -n 'not __fish_seen_subcommand_from get' -a get -d 'download a medium a customer sent'
