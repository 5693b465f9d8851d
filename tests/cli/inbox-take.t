#!/bin/sh
# wb-inbox take under contention: six agents take from one queue of 60
# waiting conversations at the same time, each until the queue is empty.
# Every conversation is taken exactly once, by the agent the database
# says has it, and nobody is told "locked".
. "$(dirname "$0")/lib.sh"
N=60 K=6
awk -v n="$N" 'BEGIN { for (i = 1; i <= n; i++)
	printf "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"profile\":{\"name\":\"C%d\"},\"wa_id\":\"1650%07d\"}],\"messages\":[{\"from\":\"1650%07d\",\"id\":\"wamid.T%d\",\"timestamp\":\"%d\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}]}}]}]}\n", i, 3000000 + i, 3000000 + i, i, 1796000000 + i }' |
	wb-recv -q
for k in $(seq $K); do wb-agent add "t$k" >/dev/null; done

# taker K: takes until nothing is left; writes phone,agent per take and,
# last, the status that ended it
taker() {
	while WB_AGENT="t$1" wb-inbox take -o csv >"$T/one.$1" 2>>"$T/err.$1"; rc=$?; [ $rc = 0 ]; do
		tail -n +2 "$T/one.$1" | cut -d, -f1,5 >>"$T/took.$1"
	done
	echo $rc >"$T/end.$1"
}
pids=
for k in $(seq $K); do
	: >"$T/took.$k"
	taker "$k" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done

is "$(cat "$T"/end.* | sort -u)" "1" "every taker stopped at an empty queue (exit 1), none at an error"
is "$(grep -hv 'nobody is waiting' "$T"/err.* | head -3)" "" "no 'database is locked' or other complaint"
cat "$T"/took.* | sort >"$T/took"
is "$(wc -l <"$T/took" | tr -d ' ')" "$N" "$N takes in all"
is "$(cut -d, -f1 "$T/took" | sort -u | wc -l | tr -d ' ')" "$N" "each conversation taken once"
sqlite3 -csv "$WB_DB" "SELECT c.wa_id, v.assignee FROM conversation v JOIN contact c ON c.id = v.contact_id ORDER BY 1" >"$T/db"
is "$(diff "$T/took" "$T/db" && echo same)" "same" "by the agent the database says has it"
is "$(sqlite3 "$WB_DB" "SELECT count(*) FROM conversation_event WHERE kind = 'assigned'")" "$N" "one assignment event each"
done_testing
