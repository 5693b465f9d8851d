#!/bin/sh
# wb-survey results over SURVEY_ANSWERS (1000000) answered NPS sends
# against the best hand-written sqlite3 query for the same figures (sent,
# answered, mean, NPS, under the same rules: the last in-window, in-range
# reply to the send or typed number), best of BENCH_RUNS (3). A tenth of
# the answers are typed numbers, a twentieth out of range; every contact
# got one survey. The database is made once under build/bench/ with
# sqlite3 CTEs. A quick run: SURVEY_ANSWERS=20000.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
A=${SURVEY_ANSWERS:-1000000}
DB=build/bench/survey-$A.db
OUT=build/bench/survey.out
T0=1790000000

if [ ! -f "$DB" ]; then
	bin/wb-survey -d "$DB.tmp" add nps --ask 'Would you recommend us?' --scale nps
	sqlite3 "$DB.tmp" "
	INSERT INTO contact (id, wa_id, created_at, updated_at)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $A)
		SELECT i, 10000000000 + i, 0, 0 FROM n;
	INSERT INTO message (contact_id, wamid, direction, type, ts, status, sent_at, idem_key)
		SELECT id, 'wamid.s' || id, 'out', 'interactive', $T0 + id, 'read', $T0 + id,
		       'survey:nps:$T0:' || wa_id FROM contact;
	INSERT INTO message (contact_id, wamid, direction, type, body, reply_to, payload, ts, status)
		SELECT id, 'wamid.a' || id, 'in', CASE WHEN id % 10 = 0 THEN 'text' ELSE 'interactive' END,
		       CASE WHEN id % 20 = 0 THEN '42' ELSE CAST(id * 7 % 11 AS TEXT) END,
		       CASE WHEN id % 10 THEN 'wamid.s' || id END,
		       CASE WHEN id % 10 THEN json_object('interactive', json_object('type', 'list_reply',
		            'list_reply', json_object('id', CAST(id * 7 % 11 AS TEXT), 'title', 'x'))) END,
		       $T0 + id + 60, 'received' FROM contact;"
	mv "$DB.tmp" "$DB"
fi

hand() {
	sqlite3 -csv "$DB" "
	WITH s AS (SELECT id, contact_id, wamid, coalesce(sent_at, ts) AS t, 86400 AS w FROM message
	           WHERE idem_key >= 'survey:nps:' AND idem_key < 'survey:nps;' AND direction = 'out'
	             AND wamid IS NOT NULL),
	a AS (SELECT (SELECT CAST(CASE WHEN i.type = 'interactive'
	                   THEN json_extract(i.payload, '$.interactive.list_reply.id') ELSE trim(i.body) END AS INTEGER) AS sc
	              FROM message i WHERE i.contact_id = s.contact_id AND i.direction = 'in'
	                AND i.ts BETWEEN s.t AND s.t + s.w
	                AND ((i.type = 'interactive' AND i.reply_to = s.wamid)
	                  OR (i.type = 'text' AND (trim(i.body) GLOB '[0-9]' OR trim(i.body) GLOB '[0-9][0-9]')))
	                AND sc BETWEEN 0 AND 10 ORDER BY i.ts DESC, i.id DESC LIMIT 1) AS score FROM s)
	SELECT (SELECT count(*) FROM s), count(score), avg(score),
	       100.0 * (sum(score >= 9) - sum(score <= 6)) / count(score) FROM a;"
}

echo "data: $A sends and replies ($(sqlite3 "$DB" 'SELECT count(*) FROM message') messages)"
t_wb=$(best "$OUT.wb" bin/wb-survey -d "$DB" -o csv --no-header results nps)
t_sql=$(best "$OUT.sql" hand)
echo "wb-survey: $(cut -d, -f1,2,4,6 "$OUT.wb")   sqlite3: $(cat "$OUT.sql")"
awk -v w="$t_wb" -v s="$t_sql" 'BEGIN {
	printf "wb-survey results: %.2fs   hand-written query: %.2fs   ratio %.2f (goal <= 1.5)\n", w, s, w / s }'
