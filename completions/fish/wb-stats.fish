# fish completion for wb-stats
set -l cmds top conversations report
complete -c wb-stats -f
complete -c wb-stats -n "not __fish_seen_subcommand_from $cmds" -a top -d 'the most active customers'
complete -c wb-stats -n "not __fish_seen_subcommand_from $cmds" -a conversations -d 'one row per conversation'
complete -c wb-stats -n "not __fish_seen_subcommand_from $cmds" -a report -d 'an HTML page with charts'
complete -c wb-stats -s d -l db -r -F -d 'database'
complete -c wb-stats -n "not __fish_seen_subcommand_from report" -s o -l output -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c wb-stats -n "__fish_seen_subcommand_from report" -s o -l output -r -F -d 'the HTML file (-: stdout)'
complete -c wb-stats -l no-header -d 'no header line (csv, tsv, table)'
complete -c wb-stats -s s -l since -x -a 'now today yesterday -7d -30d' -d 'start of the range'
complete -c wb-stats -s u -l until -x -a 'now today yesterday' -d 'end of the range, not included'
complete -c wb-stats -n "__fish_seen_subcommand_from top" -s b -l by -x -a 'messages received' -d 'order by'
complete -c wb-stats -n "not __fish_seen_subcommand_from top" -s b -l by -x -a 'day week month hour weekday contact label agent broadcast' -d 'grouping'
complete -c wb-stats -n "__fish_seen_subcommand_from top" -s n -l limit -x -d 'how many customers'
complete -c wb-stats -l plot -x -a 'received sent delivered read failed delivery_rate read_rate contacts new_contacts first_response_median_s first_response_p90_s auto_replies broadcasts messages first_response_s' -d 'a bar chart of a column'
complete -c wb-stats -s h -l help -d 'usage'
complete -c wb-stats -s V -l version -d 'version'
