#!/bin/sh
# wb-contact search (the trigram FTS5 index) against a LIKE scan of the
# same messages by sqlite3, over BENCH_MESSAGES messages (default 1000000)
# whose text holds the searched phrase in 1 of 1000; best of BENCH_RUNS
# (3), both whole processes, printed as a ratio. Also the cost of the
# index: the time to insert the messages with its triggers against
# without them, and the first search, which indexes every message (the
# index is caught up by the search, not as messages are stored), against
# the later ones; all in the same script. The database is kept under
# build/bench/.
set -eu
cd "$(dirname "$0")/.."
N=${BENCH_MESSAGES:-1000000}
RUNS=${BENCH_RUNS:-3}
mkdir -p build/bench
DB=build/bench/search-$N.db
PLAIN=build/bench/search-$N-plain.db

now() { date +%s.%N; }
# fill DB: N messages of 500 contacts; every 1000th says "matcha latte"
fill() {
	sqlite3 "$1" "INSERT INTO contact (wa_id, created_at, updated_at)
		SELECT 16505550000 + value, 1, 1 FROM generate_series(1, 500);
	INSERT INTO message (contact_id, direction, type, body, ts, status)
		SELECT 1 + value % 500, CASE WHEN value % 2 THEN 'in' ELSE 'out' END, 'text',
			CASE WHEN value % 1000 = 7 THEN 'one matcha latte to go, order ' || value
			ELSE 'order ' || value || ': ' || CASE value % 5 WHEN 0 THEN 'oolong, two bags'
			WHEN 1 THEN '你好，我想买乌龙茶' WHEN 2 THEN 'is my parcel on its way?'
			WHEN 3 THEN 'thanks, it arrived' ELSE 'do you ship to Leeds?' END END,
			1700000000 + value, CASE WHEN value % 2 THEN 'received' ELSE 'read' END
		FROM generate_series(1, $N)"
}
# time DB [drop]: seconds to fill a fresh database (without the index's
# triggers when asked)
filled() {
	rm -f "$1" "$1-wal" "$1-shm"
	bin/wb-label -d "$1" add bench >/dev/null
	[ -z "${2:-}" ] || sqlite3 "$1" "DROP TRIGGER message_fts_delete; DROP TRIGGER message_fts_update"
	t0=$(now)
	fill "$1"
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}
best() {
	b=
	for i in $(seq "$RUNS"); do
		s=$(now)
		"$@" >build/bench/search.out
		e=$(now)
		b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { t = e - s; print (b == "" || t < b) ? t : b }')
	done
	echo "$b"
}
like() {
	sqlite3 -csv "$DB" "SELECT m.ts, c.wa_id, c.user_id, coalesce(c.name, c.profile_name), m.direction,
		m.type, m.body, m.wamid FROM message m JOIN contact c ON c.id = m.contact_id
		WHERE m.body LIKE '%matcha latte%' AND m.deleted_at IS NULL ORDER BY m.ts DESC, m.id DESC LIMIT 1000000"
}

with=$(filled "$DB")
without=$(filled "$PLAIN" drop)
rm -f "$PLAIN" "$PLAIN-wal" "$PLAIN-shm"
s=$(now)
bin/wb-contact -d "$DB" search 'matcha latte' --limit 1 >/dev/null
e=$(now)
first=$(echo "$e - $s" | bc -l)
t_fts=$(best bin/wb-contact -d "$DB" search 'matcha latte' --limit 1000000 -o csv --no-header)
hits=$(wc -l < build/bench/search.out)
t_like=$(best like)
[ "$(wc -l < build/bench/search.out)" -eq "$hits" ] || { echo "the LIKE scan found another number" >&2; exit 1; }
short=$(best bin/wb-contact -d "$DB" search '乌龙' --limit 10 -o csv --no-header)

printf 'messages: %s, found: %s\n' "$N" "$hits"
printf 'wb-contact search rate / sqlite3 LIKE scan rate:   %.1f\n' "$(echo "$t_like / $t_fts" | bc -l)"
printf 'a 2-character search (a LIKE scan) / the FTS one:  %.1f times the time\n' "$(echo "$short / $t_fts" | bc -l)"
printf 'inserting with the index triggers / without:       %.2f times the time\n' "$(echo "$with / $without" | bc -l)"
printf 'the first search (indexing all) / inserting them:  %.2f times the time\n' "$(echo "$first / $with" | bc -l)"
printf 'the first search / a later one:                    %.0f times the time\n' "$(echo "$first / $t_fts" | bc -l)"
printf 'database size with the index: %s MB\n' "$(($(stat -c %s "$DB") / 1048576))"
