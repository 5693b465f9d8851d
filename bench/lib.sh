# Shared by the benchmarks that read gen-messages' year of traffic,
# sourced from the top of the tree: the sizes (BENCH_MESSAGES, 10000000;
# BENCH_CONTACTS, 100000; BENCH_DAYS, 365), the runs to take the best of
# (BENCH_RUNS, 3), the business zone, and helpers.
N=${BENCH_MESSAGES:-10000000}
C=${BENCH_CONTACTS:-100000}
D=${BENCH_DAYS:-365}
RUNS=${BENCH_RUNS:-3}
ZONE=America/New_York # a zone with DST: days of 23 and 25 hours
mkdir -p build/bench

# bench_db N C: a database of N messages from C contacts over D days,
# made once and kept under build/bench/, its business zone ZONE
bench_db() {
	f=build/bench/messages-$1-$2-$D.db
	[ -f "$f" ] || BENCH_MESSAGES=$1 BENCH_CONTACTS=$2 BENCH_DAYS=$D build/bench/gen-messages "$f"
	sqlite3 "$f" "INSERT OR REPLACE INTO setting VALUES ('profile.timezone', '$ZONE')"
	echo "$f"
}

# best RESULTFILE CMD...: the shortest wall-clock time of RUNS runs, in seconds
best() {
	res=$1
	shift
	b=
	for i in $(seq "$RUNS"); do
		s=$(date +%s.%N)
		"$@" >"$res"
		e=$(date +%s.%N)
		b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN { t = e - s; print (b == "" || t < b) ? t : b }')
	done
	echo "$b"
}

# bench_range: everything, from the local day the data starts in to the
# day it ends: first and last (dates), SINCE and UNTIL (Unix seconds)
bench_range() {
	end=1793491200 # gen-messages' fixed end, 2026-11-01T00:00:00Z
	first=$(TZ=$ZONE date -d "@$((end - D * 86400))" +%F)
	last=$(TZ=$ZONE date -d "@$end" +%F)
	SINCE=$(TZ=$ZONE date -d "$first" +%s)
	UNTIL=$(TZ=$ZONE date -d "$last +1 day" +%s)
}
