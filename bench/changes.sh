#!/bin/sh
# The change log read whole: wb-contact log --all -o jsonl against
# sqlite3's own JSON output of the same rows (the change table joined to
# message and contact, as lib/changes.c reads it) on the same database.
# The ratio of the two, best of a few runs each; the goal is at most 2x.
#   WB_BENCH_CHANGES  contacts imported, then as many messages (default 100000)
#   WB_BENCH_RUNS     runs of each, best taken (default 3)
set -eu
N=${WB_BENCH_CHANGES:-100000}
RUNS=${WB_BENCH_RUNS:-3}
TOP=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/wb-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
unset WB_DEFAULT_CC WB_DEFAULT_REGION WB_NOW
DB="$W/wb.db"

awk -v n="$N" 'BEGIN { print "phone,name,city"; for (i = 0; i < n; i++) printf "+1 650 %07d,Customer %d,Paris\n", 2000000 + i, i }' >"$W/c.csv"
"$TOP/bin/wb-contact" -d "$DB" import "$W/c.csv" >/dev/null
awk -v N="$N" -v C="$N" -f "$TOP/bench/gen.awk" | "$TOP/bin/wb-recv" -d "$DB" -q >/dev/null
rows=$(sqlite3 "$DB" "SELECT count(*) FROM change")

now() { date +%s%N; }
best() {
	b=0
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(now)
		"$@" >/dev/null
		t=$(($(now) - t0))
		if [ "$b" -eq 0 ] || [ "$t" -lt "$b" ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}
wb_log() { "$TOP/bin/wb-contact" -d "$DB" log --all -o jsonl; }
sqlite_json() {
	sqlite3 -json "$DB" "SELECT ch.id AS cursor, strftime('%Y-%m-%dT%H:%M:%SZ', ch.at, 'unixepoch') AS time,
		ch.kind, ch.op AS change, ch.phone, ch.user_id, m.wamid, ch.label,
		CASE WHEN ch.kind = 'message' THEN json_object('direction', m.direction, 'type', m.type,
		'text', m.body, 'reply_to', m.reply_to, 'ts', strftime('%Y-%m-%dT%H:%M:%SZ', m.ts, 'unixepoch'))
		WHEN ch.kind = 'contact' AND ch.op <> 'removed' THEN json_patch(json_object('name', c.name,
		'profile_name', c.profile_name, 'attrs', json(coalesce(c.attrs, '{}'))), coalesce(ch.detail, '{}'))
		ELSE coalesce(ch.detail, '{}') END AS data
		FROM change ch LEFT JOIN message m ON m.id = ch.message_id
		LEFT JOIN contact c ON c.id = ch.contact_id ORDER BY ch.id"
}
[ "$(wb_log | wc -l)" -eq "$rows" ] || { echo "log --all wrote too few rows" >&2; exit 1; }
wb=$(best wb_log)
sq=$(best sqlite_json)
awk -v a="$wb" -v b="$sq" -v n="$rows" 'BEGIN {
	r = a / b
	printf "log --all ratio wb/sqlite3 -json: %.1fx (goal <= 2x%s; %d changes)\n", r, (r > 2 ? ", NOT MET" : ""), n
}'
