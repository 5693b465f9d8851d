#!/bin/sh
# Several processes on one database at once: four wb-recv ingesting
# overlapping webhook streams (Meta re-delivers), a CRM import, and labels
# applied from the shell — nothing lost, nothing twice, nobody "locked".
. "$(dirname "$0")/lib.sh"

gen() { # gen FIRST LAST: webhook documents for messages FIRST..LAST
	awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i <= b; i++)
		printf "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"profile\":{\"name\":\"C%d\"},\"wa_id\":\"1650%07d\"}],\"messages\":[{\"from\":\"1650%07d\",\"id\":\"wamid.C%06d\",\"timestamp\":\"%d\",\"type\":\"text\",\"text\":{\"body\":\"m%d\"}}]}}]}]}\n", i % 300, 2000000 + i % 300, 2000000 + i % 300, i, 1796000000 + i, i }'
}
gen 1 1500 >"$T/a"
gen 1000 2500 >"$T/b"
gen 2000 3000 >"$T/c"
gen 1 3000 >"$T/d"
awk 'BEGIN { print "phone,name,tier"; for (i = 0; i < 3000; i++) printf "+1 650 %07d,N%d,gold\n", 2000000 + i, i }' >"$T/crm.csv"
wb-label add busy >/dev/null

pids=
for f in a b c d; do
	wb-recv -q "$T/$f" 2>"$T/err.$f" &
	pids="$pids $!"
done
wb-contact import "$T/crm.csv" >/dev/null 2>"$T/err.import" &
pids="$pids $!"
( for i in $(seq 0 9); do wb-label apply busy "1650200000$i" || exit 1; done ) >/dev/null 2>"$T/err.label" &
pids="$pids $!"
status=0
for p in $pids; do wait "$p" || status=1; done
is "$status" 0 "every process finished without error"
is "$(cat "$T"/err.* | head -3)" "" "no 'database is locked' or other complaint"
is "$(sqlite3 "$WB_DB" "SELECT count(*), count(DISTINCT wamid) FROM message")" "3000|3000" \
	"each of the 3000 messages stored exactly once"
is "$(sqlite3 "$WB_DB" "SELECT count(*) FROM contact")" "3000" "contacts from the webhooks and the import, once each"
is "$(sqlite3 "$WB_DB" "SELECT count(*) FROM contact WHERE last_in_at IS NOT NULL AND name IS NOT NULL AND profile_name IS NOT NULL AND json_extract(attrs, '\$.tier') = 'gold' AND wa_id < '16502000300'")" \
	"300" "the webhook's fields and the import's both kept"
is "$(wb-label who busy -o csv | tail -n +2 | wc -l | tr -d ' ')" "10" "the labels applied meanwhile"
done_testing
