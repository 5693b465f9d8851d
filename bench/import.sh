#!/bin/sh
# wb-contact import against sqlite3's own .import of the same CSV into a
# fresh table: the ratio of the two, best of a few runs each. The goal is
# at most 3x: an upsert with attributes in one transaction, every number
# validated by libphonenumber, should not cost much more than a plain bulk
# insert. The runs of the two alternate, so that a machine busy with
# something else slows both alike; the ratio of CPU time (user and
# system, all threads) is printed too, since wb-contact validates numbers
# in a thread per processor and a busy machine takes that away.
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

# timed NAME CMD...: runs CMD against a fresh database, keeping the
# smallest wall-clock and CPU seconds so far in NAME_wall and NAME_cpu.
# wb's time includes creating the database with its schema (a few ms).
timed() {
	name=$1
	shift
	rm -f "$W"/db*
	/usr/bin/time -f '%e %U %S' -o "$W/time" "$@" >/dev/null
	read -r wall user sys <"$W/time"
	eval "old_wall=\${${name}_wall:-} old_cpu=\${${name}_cpu:-}"
	cpu=$(echo "$user + $sys" | bc -l)
	if [ -z "$old_wall" ] || [ "$(echo "$wall < $old_wall" | bc -l)" -eq 1 ]; then eval "${name}_wall=$wall"; fi
	if [ -z "$old_cpu" ] || [ "$(echo "$cpu < $old_cpu" | bc -l)" -eq 1 ]; then eval "${name}_cpu=$cpu"; fi
}

i=0
while [ "$i" -lt "$RUNS" ]; do
	timed wb "$TOP/bin/wb-contact" -d "$W/db.wb" import "$W/contacts.csv"
	rows=$("$TOP/bin/wb-contact" -d "$W/db.wb" ls -o jsonl | wc -l)
	[ "$rows" -eq "$N" ] || { echo "import wrote $rows contacts, not $N" >&2; exit 1; }
	timed sq sqlite3 "$W/db.sqlite" ".import --csv $W/contacts.csv contacts"
	i=$((i + 1))
done
awk -v a="$wb_wall" -v b="$sq_wall" -v c="$wb_cpu" -v d="$sq_cpu" -v n="$N" -v runs="$RUNS" 'BEGIN {
	r = a / b
	printf "import ratio wb/sqlite3: %.1fx (goal <= 3x%s; %d contacts, 3 attributes each; best of %d)\n", r,
		(r > 3 ? ", NOT MET" : ""), n, runs
	printf "CPU time ratio wb/sqlite3: %.1fx (all of wb-contact'"'"'s threads)\n", c / d
}'
