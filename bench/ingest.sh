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

run base "$dir/base.db" "$top/build/bench/ingest-baseline" "$dir/base.db" < "$dir/in.jsonl"
run py "$dir/py.db" python3 "$top/bench/ingest.py" "$dir/py.db" < "$dir/in.jsonl" > "$dir/py-events.jsonl"
run pymin "$dir/pymin.db" python3 "$top/bench/ingest-min.py" "$dir/pymin.db" < "$dir/in.jsonl"
run recv "$dir/wb.db" "$top/bin/wb-recv" -d "$dir/wb.db" < "$dir/in.jsonl" > "$dir/events.jsonl"
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
