#!/bin/sh
# Ingest benchmark: BENCH_N webhook deliveries (default 1000000) from
# BENCH_CONTACTS contacts (default 10000), fed on stdin to
#   - bench/ingest-baseline.c: plain C, prepared statements, one transaction
#   - bench/ingest.py: a straightforward json + sqlite3 script doing what
#     wb-recv does (events out only once their document is committed)
#   - bench/ingest-min.py: the smallest script a user would write instead
#     (json + sqlite3, one transaction, only the contact and message rows)
#   - wb-recv (events to a file), then wb-reply auto over those events.
# Prints ratios of rates only, each against a run in this same script.
# BENCH_INGEST_MIN=1 runs only the minimal script and wb-recv, BENCH_RUNS
# times.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
N=${BENCH_N:-1000000}
C=${BENCH_CONTACTS:-10000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/wb-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export WB_NOW=2026-11-25T10:00:00Z

awk -v N="$N" -v C="$C" -f "$top/bench/gen.awk" > "$dir/in.jsonl"

now() { date +%s.%N; }
# run NAME DB CMD...: times CMD with stdin from the input, into $NAME
run() {
	name=$1; shift
	"$top/bin/wb-label" -d "$1" add bench > /dev/null # a fresh database with wb's schema (ls no longer makes one)
	shift
	t0=$(now)
	"$@"
	t1=$(now)
	eval "$name=\$(echo \"$t1 - $t0\" | bc -l)"
}

# BENCH_INGEST_MIN=1: only the minimal script and wb-recv, the target's
# pair, each BENCH_RUNS times (default 3), a ratio a line
if [ -n "${BENCH_INGEST_MIN:-}" ]; then
	echo "events: $N; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	for i in $(seq "${BENCH_RUNS:-3}"); do
		rm -f "$dir"/pymin.db* "$dir"/wb.db*
		run pymin "$dir/pymin.db" python3 "$top/bench/ingest-min.py" "$dir/pymin.db" < "$dir/in.jsonl"
		run recv "$dir/wb.db" "$top/bin/wb-recv" -d "$dir/wb.db" < "$dir/in.jsonl" > /dev/null
		printf 'wb-recv rate / minimal Python rate:    %.2f  (target >= 1.5; load %s)\n' \
			"$(echo "$pymin / $recv" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
	done
	exit 0
fi
run base "$dir/base.db" "$top/build/bench/ingest-baseline" "$dir/base.db" < "$dir/in.jsonl"
run py "$dir/py.db" python3 "$top/bench/ingest.py" "$dir/py.db" < "$dir/in.jsonl" > "$dir/py-events.jsonl"
run pymin "$dir/pymin.db" python3 "$top/bench/ingest-min.py" "$dir/pymin.db" < "$dir/in.jsonl"
run recv "$dir/wb.db" "$top/bin/wb-recv" -d "$dir/wb.db" < "$dir/in.jsonl" > "$dir/events.jsonl"
# what wb-contact search's index costs wb-recv: the same run without its
# triggers (message_fts_update, message_fts_delete; new messages are
# indexed by the search, not here), and with the insert trigger that
# indexed each message as it was stored (the eager way, given up); each
# set up before the clock starts
# prep NAME SQL: a database with wb's schema, changed by SQL
prep() {
	"$top/bin/wb-label" -d "$dir/$1.db" add prep > /dev/null
	sqlite3 "$dir/$1.db" "$2"
}
prep plain "DROP TRIGGER message_fts_delete; DROP TRIGGER message_fts_update"
run plain "$dir/plain.db" "$top/bin/wb-recv" -d "$dir/plain.db" < "$dir/in.jsonl" > /dev/null
prep eager "CREATE TRIGGER message_fts_insert AFTER INSERT ON message BEGIN
	INSERT INTO message_fts(rowid, body) VALUES (new.id, new.body); END"
run eager "$dir/eager.db" "$top/bin/wb-recv" -d "$dir/eager.db" < "$dir/in.jsonl" > /dev/null
# the first search after the run indexes all of it: its time against the run's
t0=$(now)
"$top/bin/wb-contact" -d "$dir/wb.db" search 'no such text' > /dev/null
t1=$(now)
catchup=$(echo "$t1 - $t0" | bc -l)
"$top/bin/wb-reply" -d "$dir/wb.db" quick add /price 'Oolong is 5, {{name}}' --keyword price > /dev/null
"$top/bin/wb-reply" -d "$dir/wb.db" greeting set 'Welcome {{name}}!' > /dev/null
t0=$(now)
"$top/bin/wb-reply" -d "$dir/wb.db" auto < "$dir/events.jsonl" > "$dir/replies.jsonl"
t1=$(now)
reply=$(echo "$t1 - $t0" | bc -l)

rows=$(sqlite3 "$dir/wb.db" "select count(*) from message")
[ "$rows" -eq "$N" ] || { echo "wb-recv stored $rows of $N messages" >&2; exit 1; }
[ "$(wc -l < "$dir/events.jsonl")" -eq "$N" ] || { echo "wb-recv wrote too few events" >&2; exit 1; }
[ "$(wc -l < "$dir/py-events.jsonl")" -eq "$N" ] || { echo "the Python script wrote too few events" >&2; exit 1; }
[ "$(sqlite3 "$dir/pymin.db" "select count(*) from message")" -eq "$N" ] || { echo "the minimal Python script stored too few" >&2; exit 1; }
[ "$(sqlite3 "$dir/wb.db" "select count(*) from auto_reply")" -eq "$N" ] || { echo "wb-reply decided too few" >&2; exit 1; }

printf 'events: %s\n' "$N"
printf 'wb-recv rate / plain C baseline rate:  %.2f  (target >= 0.5)\n' "$(echo "$base / $recv" | bc -l)"
printf 'wb-recv rate / Python script rate:     %.2f  (target >= 2)\n' "$(echo "$py / $recv" | bc -l)"
printf 'wb-recv rate / minimal Python rate:    %.2f  (target >= 1.5)\n' "$(echo "$pymin / $recv" | bc -l)"
printf 'wb-reply auto rate / wb-recv rate:     %.2f  (target >= 1)\n' "$(echo "$recv / $reply" | bc -l)"
printf 'wb-recv rate with the search index / without:  %.2f  (indexed by the search)\n' "$(echo "$plain / $recv" | bc -l)"
printf 'the same, indexed as stored (insert trigger):   %.2f  (given up)\n' "$(echo "$plain / $eager" | bc -l)"
printf 'first search (indexes all of it) / wb-recv run: %.2f times the time\n' "$(echo "$catchup / $recv" | bc -l)"
