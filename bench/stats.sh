#!/bin/sh
# wb-stats --by day over a year of traffic against the fastest hand-written
# sqlite3 query that gives the same numbers (bench/stats-by-day.sql), in
# the same conditions, best of BENCH_RUNS; then the peak memory of
# --by contact -o csv at two sizes, to show it streams.
# Sizes: BENCH_MESSAGES (10000000), BENCH_CONTACTS (100000), BENCH_DAYS
# (365), BENCH_RUNS (3). Generated databases are kept under build/bench/.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
OUT=build/bench/stats.out

hand() { TZ=$ZONE sqlite3 -cmd ".parameter set :since $SINCE" -cmd ".parameter set :until $UNTIL" "$DB" <bench/stats-by-day.sql | tr -d '\r'; }
counts_only() {
	TZ=$ZONE sqlite3 "$DB" "SELECT date(coalesce(sent_at, ts), 'unixepoch', 'localtime') AS day,
		sum(direction = 'in'), sum(direction = 'out' AND status IN ('sent', 'delivered', 'read')),
		count(DISTINCT contact_id)
		FROM message WHERE coalesce(sent_at, ts) >= $SINCE AND coalesce(sent_at, ts) < $UNTIL GROUP BY day"
}

DB=$(bench_db "$N" "$C")
bench_range
echo "data: $(sqlite3 "$DB" 'SELECT count(*) FROM message') messages, $C contacts, $first to $last ($ZONE)"

t_wb=$(best "$OUT.wb" bin/wb-stats -d "$DB" --by day --since "$first" --until "$last +1d" -o csv)
t_sql=$(best "$OUT.sql" hand)
t_cnt=$(best "$OUT.cnt" counts_only)
if cmp -s "$OUT.wb" "$OUT.sql"; then same=yes; else same=NO; fi
echo "same numbers as the hand-written query: $same ($(($(wc -l <"$OUT.wb") - 1)) days)"
awk -v w="$t_wb" -v s="$t_sql" -v c="$t_cnt" 'BEGIN {
	printf "wb-stats --by day: %.2fs   hand-written query: %.2fs   ratio %.2f (goal <= 1.5)\n", w, s, w / s
	printf "for scale, a plain GROUP BY of four counts (not the same numbers): %.2fs, ratio %.2f\n", c, w / c }'
[ "$same" = yes ] || { diff "$OUT.wb" "$OUT.sql" | head -5; exit 1; }

# --by contact streams: peak memory at a tenth of the size and at the full size
small=$(bench_db $((N / 10)) $((C / 10)))
rss() { /usr/bin/time -f %M bin/wb-stats -d "$1" --by contact --since "$first" --until "$last +1d" -o csv 2>&1 >"$OUT.rows" | tail -n 1; }
r1=$(rss "$small")
n1=$(($(wc -l <"$OUT.rows") - 1))
r2=$(rss "$DB")
n2=$(($(wc -l <"$OUT.rows") - 1))
awk -v r1="$r1" -v r2="$r2" -v n1="$n1" -v n2="$n2" 'BEGIN {
	printf "--by contact -o csv: %d rows in %d KB peak, %d rows in %d KB: %.1fx the rows, %.2fx the memory\n",
		n1, r1, n2, r2, n2 / n1, r2 / r1 }'
