#!/bin/sh
# CRM sync: wb-contact log --all streams every change after a cursor in
# commit order (also under two concurrent writers); --cursor FILE moves
# only once the rows are out, across kill -9; import --key matches on a
# CRM id, --delete-missing removes what the CRM dropped (--dry-run lists).
. "$(dirname "$0")/lib.sh"
export WB_NOW=2026-11-25T10:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
# gen FIRST LAST TAG: webhook documents for messages FIRST..LAST from 50 contacts
gen() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { for (i = a; i <= b; i++)
		printf "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"profile\":{\"name\":\"C%d\"},\"wa_id\":\"1650%07d\"}],\"messages\":[{\"from\":\"1650%07d\",\"id\":\"wamid.%s%06d\",\"timestamp\":\"%d\",\"type\":\"text\",\"text\":{\"body\":\"m%d\"}}]}}]}]}\n", i % 50, 2000000 + i % 50, 2000000 + i % 50, t, i, 1796000000 + i, i }'
}
# cursors FILE: the cursor of each whole line of a JSONL output
cursors() { head -n "$(wc -l <"$1")" "$1" | sed 's/^{"cursor":\([0-9]*\),.*/\1/'; }

# --- every kind of change, in order ---
A=16505550001
wb-contact add $A name=Ann city=Paris >/dev/null
gen 1 1 X | wb-recv -q >/dev/null
wb-label add vip >/dev/null
wb-label apply vip 16502000001 >/dev/null
wb-label apply vip --message wamid.X000001 >/dev/null
WB_TOKEN=t WB_PHONE_ID=1 wb-send --to 16502000001 --text later --at +2h -o csv >"$T/q"
wb-send cancel "$(tail -n +2 "$T/q" | cut -d, -f1)" >/dev/null
wb-label remove vip 16502000001 >/dev/null
wb-contact optout $A >/dev/null
wb-contact add $A name=Anne >/dev/null
wb-label rm vip >/dev/null
wb-contact rm 16502000001 >/dev/null
exits 0 "log --all" -- wb-contact log --all -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f1,3,4,5,8 | tr '\n' ' ')" \
	"1,contact,created,$A, 2,contact,updated,$A, 3,contact,created,16502000001, 4,message,in,16502000001, 5,label,applied,16502000001,vip 6,label,applied,16502000001,vip 7,message,out,16502000001, 8,status,cancelled,16502000001, 9,label,removed,16502000001,vip 10,contact,opted_out,$A, 11,contact,updated,$A, 12,label,removed,16502000001,vip 13,contact,removed,16502000001, " \
	"messages, statuses, label changes and contact changes, in commit order"
exits 0 "as JSONL" -- wb-contact log --all --after 3 -o jsonl
cp "$T/out" "$T/after3"
tail -n +8 "$T/after3" >"$T/out"
is "$(head -1 "$T/out")" \
	"{\"cursor\":11,\"time\":\"$(sql "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', at, 'unixepoch') FROM change WHERE id = 11")\",\"kind\":\"contact\",\"change\":\"updated\",\"phone\":\"$A\",\"user_id\":null,\"wamid\":null,\"label\":null,\"data\":{\"name\":\"Anne\",\"profile_name\":null,\"attrs\":{\"city\":\"Paris\"},\"changed\":[\"name\"]}}" \
	"a contact change: its fields and the names of those that changed"
like "$(sed -n 3p "$T/out")" '"kind":"contact","change":"removed","phone":"16502000001"' "the removal"
like "$(sed -n 3p "$T/out")" '"change":"removed","phone":"16502000001".*"data":\{"name":null,"profile_name":"C1","attrs":\{\}\}' \
	"a removed contact's row keeps its last fields"
like "$(sed -n 1p "$T/after3")" '"kind":"message","change":"in","phone":"16502000001".*"wamid":null.*"data":\{"direction":null' \
	"a removed message keeps its phone, not its fields"
exits 0 "nothing after the last cursor" -- wb-contact log --all --after 13 -o jsonl
is "$(cat "$T/out")" "" "no rows"
exits 64 "log with neither a phone nor --all" -- wb-contact log
exits 64 "--after and --cursor together" -- wb-contact log --all --after 1 --cursor "$T/c"
exits 64 "--after without --all" -- wb-contact log $A --after 1
exits 64 "--after that is no number" -- wb-contact log --all --after x
echo junk >"$T/bad.cursor"
exits 65 "a cursor file that holds no cursor" -- wb-contact log --all --cursor "$T/bad.cursor"
like "$(cat "$T/err")" "bad.cursor: not a cursor" "names the file"

n=$(sql "SELECT max(id) FROM change")
gen 2 2 X | wb-recv -q >/dev/null
sql "UPDATE message SET status = 'failed', error_code = 131047, error_text = 'Re-engagement message'
	WHERE wamid = 'wamid.X000002'"
exits 0 "a writer that is not wb (sqlite3) is logged too" -- wb-contact log --all --after "$n" -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f3-7 | tr '\n' ' ')" \
	"contact,created,16502000002,, message,in,16502000002,,wamid.X000002 status,failed,16502000002,,wamid.X000002 " \
	"the contact, its message and the message's failure"
like "$(tail -1 "$T/out")" '"\{""error_code"":131047,""error_text"":""Re-engagement message""\}"$' "with the error"

# --- two concurrent writers, a reader following with a cursor file ---
n0=$(sql "SELECT max(id) FROM change")
echo "$n0" >"$T/follow.cursor"
gen 1 200 P >"$T/p"
gen 1001 1200 Q >"$T/q"
wb-recv -q "$T/p" >/dev/null 2>"$T/err.p" &
p1=$!
wb-recv -q "$T/q" >/dev/null 2>"$T/err.q" &
p2=$!
i=0
while kill -0 $p1 2>/dev/null || kill -0 $p2 2>/dev/null; do
	i=$((i + 1))
	wb-contact log --all --cursor "$T/follow.cursor" -o jsonl >"$T/follow.$i" || echo "reader failed" >>"$T/err.r"
done
wait $p1 && wait $p2
ok $? "both writers finished"
i=$((i + 1))
wb-contact log --all --cursor "$T/follow.cursor" -o jsonl >"$T/follow.$i"
is "$(cat "$T"/err.p "$T"/err.q "$T"/err.r 2>/dev/null)" "" "no complaint from writers or reader"
j=1
: >"$T/followed"
while [ $j -le $i ]; do cursors "$T/follow.$j" >>"$T/followed"; j=$((j + 1)); done
is "$(sort -n -c "$T/followed" 2>&1; uniq -d "$T/followed" | head -1)" "" "the reader's rows come in cursor order, none twice"
wb-contact log --all --after "$n0" -o jsonl | grep -m1 '"kind":"message"' >"$T/msg"
like "$(cat "$T/msg")" '"change":"in","phone":"1650200[0-9]{4}",.*"wamid":"wamid\.[PQ]00[0-9]{4}",.*"data":\{"direction":"in","type":"text","text":"m[0-9]+","reply_to":null,"ts":"2026-1[12]-[0-9]{2}T' \
	"a message with its phone, wamid, text and time"
is "$(wc -l <"$T/followed" | tr -d ' ')" "$(sql "SELECT count(*) FROM change WHERE id > $n0")" \
	"and none skipped: a later cursor is never seen before an earlier one commits"
is "$(sql "SELECT count(*) FROM change c JOIN message m ON m.id = c.message_id WHERE c.id > $n0 AND c.kind = 'message'")" \
	"400" "every message of both writers is in the log"
is "$(sql "SELECT count(*) FROM (SELECT m.wamid, c.id, lag(m.wamid) OVER (PARTITION BY substr(m.wamid, 7, 1) ORDER BY c.id) prev
	FROM change c JOIN message m ON m.id = c.message_id WHERE c.id > $n0 AND c.kind = 'message') WHERE prev > wamid")" \
	"0" "each writer's messages in the order it committed them"

# --- kill -9 at random points of a long export ---
awk 'BEGIN { print "phone,name,crm_id"; for (i = 0; i < 1000; i++) printf "+1 650 %07d,N%d,E%d\n", 3000000 + i, i, i }' >"$T/big.csv"
wb-contact import "$T/big.csv" >/dev/null
rm -f "$T/crm.cursor"
size=$(wb-contact log --all -o jsonl | wc -c)
seeds="3 17 29 41"
run=0
for seed in $seeds ""; do
	run=$((run + 1))
	before=$(cat "$T/crm.cursor" 2>/dev/null || echo 0)
	wb-contact log --all --cursor "$T/crm.cursor" -o jsonl >"$T/run.$run" 2>/dev/null &
	pid=$!
	if [ -n "$seed" ]; then
		# kill once the output passes a random share of the whole
		at=$(awk -v s="$seed" -v n="$size" 'BEGIN { srand(s); print int(rand() * n) }')
		while kill -0 $pid 2>/dev/null && [ "$(wc -c <"$T/run.$run")" -lt "$at" ]; do :; done
		kill -9 $pid 2>/dev/null
	fi
	wait $pid 2>/dev/null
	after=$(cat "$T/crm.cursor" 2>/dev/null || echo 0)
	echo "$before $after" >"$T/moved.$run"
done
last=$(sql "SELECT max(id) FROM change")
for r in $(seq 1 $run); do echo "# run $r: cursor $(cat "$T/moved.$r"), $(wc -l <"$T/run.$r") lines"; done
is "$(cat "$T/crm.cursor")" "$last" "the last run ends at the newest change"
: >"$T/committed"
: >"$T/bad"
r=1
while [ $r -le $run ]; do
	read -r before after <"$T/moved.$r"
	cursors "$T/run.$r" >"$T/c.$r"
	# every run, killed or not, writes whole rows from its cursor on, in order
	awk -v b="$before" '$1 != b + NR { print FILENAME ": row " NR " is " $1; exit }' "$T/c.$r" >>"$T/bad"
	# a run that moved the cursor wrote every row up to the new cursor
	[ "$before" = "$after" ] || awk -v a="$after" '$1 <= a' "$T/c.$r" >>"$T/committed"
	r=$((r + 1))
done
is "$(cat "$T/bad")" "" "each run's rows start after its cursor and follow in order"
is "$(cat "$T/committed" | tr '\n' ' ')" "$(seq 1 "$last" | tr '\n' ' ')" \
	"the runs that moved the cursor wrote every change exactly once, in order"
cat "$T"/c.* | sort -n -u >"$T/union"
is "$(wc -l <"$T/union" | tr -d ' ')" "$last" "the union of all outputs is the whole log"

# --- import --key and --delete-missing ---
printf 'phone,name,external_id\n+1 650 555 0101,Ann,C1\n+1 650 555 0102,Bob,C2\n+1 650 555 0103,Cy,C3\n' >"$T/crm1.csv"
exits 0 "import --key" -- wb-contact import --key external_id "$T/crm1.csv"
wb-contact add 16505550199 name=Walkin >/dev/null
printf 'phone,name,external_id\n+1 650 555 0111,Ann,C1\n+1 650 555 0103,Cy,C3\n+1 650 555 0104,Di,C4\n' >"$T/crm2.csv"
exits 0 "--delete-missing --dry-run" -- wb-contact import --key external_id --delete-missing --dry-run -o csv "$T/crm2.csv"
is "$(cat "$T/out")" "phone,user_id,name,removed
16505550102,,Bob,true" "lists the contact the CRM dropped, and only it"
is "$(wb-contact ls -o csv --no-header | grep -c '^1650555')" "5" "and writes nothing"
exits 0 "--delete-missing" -- wb-contact import --key external_id --delete-missing -o csv "$T/crm2.csv"
is "$(cat "$T/out")" "created,updated,skipped,duplicates,removed
1,2,0,0,1" "one created, two updated, one removed"
is "$(sql "SELECT group_concat(wa_id || ':' || coalesce(json_extract(attrs, '$.external_id'), '-'), ' ') FROM (SELECT * FROM contact WHERE wa_id LIKE '1650555%' ORDER BY wa_id)")" \
	"16505550001:- 16505550103:C3 16505550104:C4 16505550111:C1 16505550199:-" \
	"a changed phone moves its contact (no duplicate); a contact that only wrote in stays"
is "$(sql "SELECT count(*) FROM change WHERE kind = 'contact' AND op = 'updated' AND detail LIKE '%phone%'")" "1" \
	"the change of phone is in the log"
printf 'phone,name,external_id\n+1 650 555 0121,A,C9\n+1 650 555 0122,B,C8\n+1 650 555 0123,C,C9\n' >"$T/dup.csv"
exits 65 "a key on two lines" -- wb-contact import --key external_id "$T/dup.csv"
is "$(cat "$T/err")" "wb-contact: $T/dup.csv:4: external_id 'C9' is on line 2 too" "names both lines"
is "$(sql "SELECT count(*) FROM contact WHERE wa_id LIKE '165055501_2%'")" "0" "and writes nothing"
printf 'phone,name,external_id\n+1 650 555 0104,Di,C1\n' >"$T/clash.csv"
exits 65 "a key whose contact would take another contact's phone" -- wb-contact import --key external_id "$T/clash.csv"
like "$(cat "$T/err")" "clash.csv:2: 16505550104 is another contact's phone" "says so"
printf 'phone,name\n+1 650 555 0104,Di\n' >"$T/nokey.csv"
exits 65 "--key names no column of the file" -- wb-contact import --key external_id "$T/nokey.csv"
exits 64 "--delete-missing without --key" -- wb-contact import --delete-missing "$T/crm2.csv"
# a CRM export that failed after its header is no "the CRM dropped everyone"
printf 'phone,name,external_id\n' >"$T/header-only.csv"
exits 65 "--delete-missing with a file of no rows" -- wb-contact import --key external_id --delete-missing "$T/header-only.csv"
is "$(cat "$T/err") $(sql "SELECT count(*) FROM contact WHERE json_extract(attrs, '$.external_id') IS NOT NULL")" \
	"wb-contact: --delete-missing: no row was taken, so every contact with a 'external_id' would go; refused (wb-contact rm removes contacts) 3" \
	"is refused; the CRM's contacts stay"
# --- identities (b9): a user ID on every row; a changed number is an update ---
n=$(sql "SELECT max(id) FROM change")
printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","contacts":[{"profile":{"name":"Amara"},"wa_id":"447700900461"}],"messages":[{"from":"447700900461","id":"wamid.A1","timestamp":"1795600000","type":"text","text":{"body":"hi"}}]}}]}]}\n' |
	wb-recv -q
wb-recv -q <"$TOP/tests/samples/webhook/bsuid-system-user-changed-number.json"
exits 0 "log --all after a change of number" -- wb-contact log --all --after "$n" -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f3-6 | tr '\n' ' ')" \
	"contact,created,447700900461, message,in,447700900461, contact,updated,447700900461, contact,updated,447700900461, message,in,447700900512,GB.20761193348025167 " \
	"the old phone and user ID, each an update with the identifiers as they were; the new ones after"
like "$(sed -n 4p "$T/out")" '"changed"":\[""phone""\]' "the first names the phone"
done_testing
