#!/bin/sh
# wb-stats report (every figure of the page, charts drawn) over a year of
# traffic against the hand-written sqlite3 queries for the same figures
# (bench/report.sql: the conversation rule once into a temporary table,
# then a query per figure), in the same conditions, best of BENCH_RUNS.
# A third of the customers carry a label, so the label table has work.
# Sizes: BENCH_MESSAGES (10000000), BENCH_CONTACTS (100000), BENCH_DAYS
# (365), BENCH_RUNS (3); the database is the one bench/stats.sh makes, kept
# under build/bench/. A quick run: BENCH_MESSAGES=1000000 BENCH_CONTACTS=10000.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
OUT=build/bench/report.out

DB=$(bench_db "$N" "$C")
sqlite3 "$DB" "DELETE FROM contact_label WHERE label_id IN (SELECT id FROM label WHERE name LIKE 'bench %');
	DELETE FROM label WHERE name LIKE 'bench %';
	INSERT INTO label (name, color, created_at) VALUES ('bench a', 1, 0), ('bench b', 2, 0);
	INSERT INTO contact_label (contact_id, label_id, created_at)
		SELECT c.id, l.id, 0 FROM contact c JOIN label l ON l.name = CASE c.id % 3 WHEN 0 THEN 'bench a' WHEN 1 THEN 'bench b' END;"

hand() { TZ=$ZONE sqlite3 -cmd ".parameter set :since $SINCE" -cmd ".parameter set :until $UNTIL" "$DB" <bench/report.sql; }

bench_range
echo "data: $(sqlite3 "$DB" 'SELECT count(*) FROM message') messages, $C contacts, $first to $last ($ZONE)"

t_wb=$(best "$OUT.html" bin/wb-stats report -d "$DB" --since "$first" --until "$last +1d" -o -)
t_sql=$(best "$OUT.sql" hand)
# the same numbers: the answered conversations and the busiest customer
n_sql=$(sed -n 's/^all,\([0-9]*\),.*/\1/p' "$OUT.sql")
n_wb=$(sed -n 's/^<p>\([0-9]*\) conversations answered.*/\1/p' "$OUT.html")
top_sql=$(sed -n '/^[0-9]\{6,\},/{s/,.*//p;q}' "$OUT.sql")
echo "answered conversations: wb $n_wb, sqlite3 $n_sql; busiest customer: $top_sql $(grep -c "<td>$top_sql</td>" "$OUT.html" | sed 's/^1$/in the page/')"
awk -v w="$t_wb" -v s="$t_sql" 'BEGIN {
	printf "wb-stats report: %.2fs   hand-written queries: %.2fs   ratio %.2f (goal <= 1.5)\n", w, s, w / s }'
[ "$n_wb" = "$n_sql" ] || { echo "the answered conversations differ" >&2; exit 1; }
