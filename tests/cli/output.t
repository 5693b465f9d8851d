#!/bin/sh
# The output module end to end: formats from -o and WB_OUTPUT, a bad
# format, CSV by default when piped, and a reader that goes away early.
. "$(dirname "$0")/lib.sh"

awk 'BEGIN { print "phone,name"; for (i = 0; i < 5000; i++) printf "+1 650 %07d,Customer %d\n", 2000000 + i, i }' \
	>"$T/many.csv"
wb-contact import "$T/many.csv" >/dev/null
ok $? "5000 contacts"

{ wb-contact ls 2>"$T/err"; echo $? >"$T/rc"; } | head -1 >"$T/first"
is "$(cat "$T/first")" "phone,user_id,name,profile_name,username,labels,opted_out,last_in" "piped: CSV with a header"
is "$(cat "$T/rc")" "0" "a reader that stops early (| head) ends it quietly with status 0"
is "$(cat "$T/err")" "" "and nothing on stderr"

is "$(wb-contact ls -o jsonl | wc -l | tr -d ' ')" "5000" "-o jsonl: a line a row"
is "$(WB_OUTPUT=tsv wb-contact ls | head -1)" "$(printf 'phone\tuser_id\tname\tprofile_name\tusername\tlabels\topted_out\tlast_in')" "WB_OUTPUT=tsv"
is "$(WB_OUTPUT=tsv wb-contact ls -o csv | head -1)" "phone,user_id,name,profile_name,username,labels,opted_out,last_in" "-o wins over WB_OUTPUT"
wb-contact ls -o json >"$T/all.json"
jq -e 'length == 5000 and .[0].phone == "16502000000"' "$T/all.json" >/dev/null
ok $? "-o json: one array of 5000 objects"
exits 64 "-o of no such format" -- wb-contact ls -o xml
like "$(cat "$T/err")" "unknown output format 'xml'" "names it"
WB_OUTPUT=xml exits 64 "WB_OUTPUT of no such format" -- wb-label ls
wb-label add '=cmd|calc' >/dev/null
is "$(wb-label ls -o csv | grep cmd)" "\"'=cmd|calc\",1,0,0" "a formula is neutralised in CSV"
is "$(wb-label ls -o tsv | grep cmd)" "$(printf "'=cmd|calc\t1\t0\t0")" "and in TSV"
is "$(wb-label ls -o jsonl | grep cmd)" '{"name":"=cmd|calc","color":1,"contacts":0,"messages":0}' "but not in JSON"
done_testing
