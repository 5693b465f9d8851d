#!/bin/sh
# wb-contact import against sqlite3's own .import of the same CSV into a
# fresh table: the ratio of the two, best of a few runs each. The goal is
# at most 3x: an upsert with attributes in one transaction should not cost
# much more than a plain bulk insert.
#   WB_BENCH_CONTACTS  rows in the CSV (default 100000)
#   WB_BENCH_RUNS      runs of each, best taken (default 3)
set -eu
N=${WB_BENCH_CONTACTS:-100000}
RUNS=${WB_BENCH_RUNS:-3}
TOP=$(cd "$(dirname "$0")/.." && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/wb-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
unset WB_DEFAULT_CC WB_DEFAULT_REGION WB_NOW

# phone, name and three attribute columns; some quoted fields, some UTF-8
awk -v n="$N" 'BEGIN {
	print "phone,name,city,tier,order_id"
	split("Paris,London,北京,São Paulo,\"Washington, D.C.\"", city, ",")
	for (i = 0; i < n; i++)
		printf "+1 650 %07d,Customer %d,%s,%s,A-%d\n", 2000000 + i, i,
			(i % 5 == 4 ? "\"Washington, D.C.\"" : city[i % 5 + 1]), (i % 3 ? "gold" : "silver"), i
}' >"$W/contacts.csv"

now() { date +%s%N; }

# best (smallest) of RUNS timings, in nanoseconds, of the command "$@"
# run against a fresh database each time
best() {
	b=0
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		rm -f "$W"/db*
		t0=$(now)
		"$@" >/dev/null
		t=$(($(now) - t0))
		if [ "$b" -eq 0 ] || [ "$t" -lt "$b" ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}

wb_import() { "$TOP/bin/wb-contact" -d "$W/db.wb" import "$W/contacts.csv"; }
sqlite_import() { sqlite3 "$W/db.sqlite" ".import --csv $W/contacts.csv contacts"; }

# wb's timing includes creating the database with its schema (a few ms)
wb=$(best wb_import)
"$TOP/bin/wb-contact" -d "$W/db.wb" ls -o jsonl | wc -l | {
	read -r rows
	[ "$rows" -eq "$N" ] || { echo "import wrote $rows contacts, not $N" >&2; exit 1; }
}
sq=$(best sqlite_import)
awk -v a="$wb" -v b="$sq" -v n="$N" 'BEGIN {
	r = a / b
	printf "import ratio wb/sqlite3: %.1fx (goal <= 3x%s; %d contacts, 3 attributes each)\n", r,
		(r > 3 ? ", NOT MET" : ""), n
}'
