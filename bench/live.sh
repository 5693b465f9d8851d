#!/bin/sh
# The live path, measured on this machine against baselines run here:
#   1. the whole pipeline  wb-recv --listen | wb-reply auto | wb-send -
#      against the fake Cloud API, fed signed one-message webhooks at a
#      fixed offered rate over keep-alive connections (build/bench/
#      webhook-load): for each customer message, the time from its POST
#      to the reply's request arriving at the fake (its log's at_us),
#      p50 and p99 (targets at 1000/s: 10 ms and 50 ms), and that every
#      message got exactly one reply, with the listener's own answer
#      (p50, p99) beside it to tell the first stage from the two after
#      it; then the same at a low rate (100/s);
#   2. the listener alone, deliveries acknowledged per second as fast as
#      16 keep-alive connections go, against a libmicrohttpd server that
#      only answers 200 (build/bench/mhd-ok, set up as the listener is)
#      (goal >= 0.5x), and against the floor (build/bench/mhd-floor, set
#      up alike: the signature checked, the body parsed and INSERTed as
#      one row, answered after its group's commit: the least a listener
#      that acknowledges after commit does), each with its CPU per
#      request, and the CPU each of the listener's threads spends on a
#      delivery against what mhd-ok spends on a request;
#   3. the listener's peak memory after a small and a big run (goal: flat);
#   4. the listener's answers (p50, p99; target < 50 ms) to good signed
#      POSTs at 200/s while 300 slowloris connections (build/bench/
#      slow-clients, one byte every 4 s from five addresses) are open,
#      against the same load without them.
# Sizes: BENCH_LIVE_RATE (1000/s), BENCH_LIVE_N (10000),
# BENCH_LIVE_LOW_RATE (100/s), BENCH_LIVE_LOW_N (1000), BENCH_LISTEN_N
# (50000), BENCH_MEM_SMALL (20000), BENCH_MEM_BIG (200000). BENCH_PS=1
# also shows the CPU time each stage of the pipeline took, per 1000
# messages (which one holds the others up), and what each wrote
# (WB_DEBUG_COMMITS): its write transactions, the pages they wrote (WAL
# frames) and its naps waiting for the write lock, per message.
# BENCH_LIVE_ONLY=1 stops after part 1; BENCH_LIVE_ONLY=2 runs part 2
# alone (and stops there),
# BENCH_LIVE_ONLY=3 part 3 alone (likewise).
# BENCH_LOAD=K runs part 1 under a fixed load it makes itself: K busy
# loops at this script's nice level for the pipeline's runs, so that
# runs before and after a change meet the same competition for the
# cores whatever else the machine is doing.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
RATE=${BENCH_LIVE_RATE:-1000} N=${BENCH_LIVE_N:-10000} LN=${BENCH_LISTEN_N:-50000}
LOW_RATE=${BENCH_LIVE_LOW_RATE:-100} LOW_N=${BENCH_LIVE_LOW_N:-1000}
MEM_SMALL=${BENCH_MEM_SMALL:-20000} MEM_BIG=${BENCH_MEM_BIG:-200000}
T=$(mktemp -d "${TMPDIR:-/tmp}/wb-bench.XXXXXX")
PIDS=
trap 'for p in $PIDS; do kill $p 2>/dev/null || true; done; rm -rf "$T"' EXIT
LOAD="$TOP/build/bench/webhook-load"
export WB_APP_SECRET=bench-app-secret WB_VERIFY_TOKEN=bench-verify XDG_CONFIG_HOME="$T/config"
unset WB_NOW WB_OUTPUT WB_DEFAULT_CC WB_DEFAULT_REGION
PATH="$TOP/bin:$PATH"

# port_of LOG: the port a server named on stderr, once it listens
port_of() {
	while ! grep -q 'listening on' "$1" 2>/dev/null; do sleep 0.05; done
	sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$1"
}
# rss PID: its peak resident memory, KB
rss() { sed -n 's/^VmHWM:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
# field NAME LINE: a value from webhook-load's summary
field() { printf '%s\n' "$2" | sed -n "s/.* $1 \([0-9.]*\).*/\1/p"; }

"$TOP/build/fake-cloudapi" --listen 127.0.0.1:0 --port-file "$T/port" --token bench-token \
	--log "$T/api.log" --quiet &
FAKE=$!
PIDS="$PIDS $FAKE"
while [ ! -s "$T/port" ]; do sleep 0.05; done
export WB_API_URL="http://127.0.0.1:$(cat "$T/port")/v26.0" WB_PHONE_ID=106540352242922 WB_TOKEN=bench-token

# 1. the pipeline at a fixed rate
# cpu PID: the CPU time it has used, ms
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print int(($12 + $13) * 1000 / hz) }' "/proc/$1/stat"; }
pipeline_run() { # pipeline_run RATE N: p50, p99, lost and twice on a new database
	export WB_DB="$T/live-$1.db"
	wb-reply quick add /price 'Oolong is 5, {{name}}' --keyword price > /dev/null
	rm -f "$T/events" "$T/replies" "$T/recv.log"
	mkfifo "$T/events" "$T/replies"
	: > "$T/api.log"
	fake0=$(cpu $FAKE)
	[ -n "${BENCH_PS:-}" ] && export WB_DEBUG_COMMITS=1
	wb-send - --rate off -o csv < "$T/replies" > "$T/sent.csv" 2> "$T/send.err" &
	SEND=$!
	wb-reply auto < "$T/events" > "$T/replies" 2> "$T/reply.err" &
	REPLY=$!
	wb-recv --listen 127.0.0.1:0 > "$T/events" 2> "$T/recv.log" &
	RECV=$!
	PIDS="$PIDS $RECV $REPLY $SEND"
	URL="http://127.0.0.1:$(port_of "$T/recv.log")/webhook"
	summary=$("$LOAD" -c 32 -r "$1" -n "$2" -o "$T/times" "$URL") || true
	# every reply in (or 30 s more at most), then the pipeline winds down
	i=0
	while [ "$(grep -c '"context":{"message_id"' "$T/api.log")" -lt "$2" ] && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -n "${BENCH_PS:-}" ] && printf '  CPU ms per 1000 messages: wb-recv %d, wb-reply auto %d, wb-send - %d, fake API %d\n' \
		$(($(cpu $RECV) * 1000 / $2)) $(($(cpu $REPLY) * 1000 / $2)) $(($(cpu $SEND) * 1000 / $2)) \
		$((($(cpu $FAKE) - fake0) * 1000 / $2)) >&2
	kill -TERM $RECV; wait $RECV $REPLY $SEND || true
	unset WB_DEBUG_COMMITS
	if [ -n "${BENCH_PS:-}" ]; then
		for f in recv.log reply.err send.err; do
			awk -v n="$2" '/ write transactions, / { t += $2; p += $5; z += $8; name = $1 }
				END { printf "%s %.2f/%.1f/%.2f, ", name, t / n, p / n, z / n }' "$T/$f"
		done | sed 's/, $//; s/^/  per message, write transactions\/pages written\/naps for the lock: /' >&2
		echo >&2
	fi
	jq -r 'select(.status == 200 and .body.context.message_id != null) |
		"\(.body.context.message_id) \(.at_us)"' "$T/api.log" | sort > "$T/replied"
	sort "$T/times" > "$T/posted"
	join "$T/posted" "$T/replied" | awk '{ print ($5 - $2) / 1000 }' | sort -n > "$T/lat"
	got=$(wc -l < "$T/lat" | tr -d ' ')
	twice=$(cut -d' ' -f1 "$T/replied" | uniq -d | wc -l | tr -d ' ')
	lost=$(cut -d' ' -f1 "$T/replied" | uniq | join -v1 "$T/posted" - | wc -l | tr -d ' ')
	printf 'pipeline at %s/s offered (%s webhooks, %s posted late by >1 ms), webhook to reply request:\n' \
		"$1" "$2" "$(field late " $summary")"
	printf '  p50 %s ms (target <= 10), p99 %s ms (target <= 50); replies %s, lost %s, twice %s (target 0, 0)\n' \
		"$(pct 50)" "$(pct 99)" "$got" "$lost" "$twice"
	# the first stage alone: the listener's answer (stored, event written)
	printf '  of which the listener answering: p50 %s ms, p99 %s ms; load average now %s\n' \
		"$(field p50_ms " $summary")" "$(field p99_ms " $summary")" "$(cut -d' ' -f1 /proc/loadavg)"
}
pct() { awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p / 100); if (i < 1) i = 1; printf "%.1f", v[i] }' "$T/lat"; }
# other processes on the machine compete for its cores: say how many
echo "load average before part 1: $(cut -d' ' -f1-3 /proc/loadavg) (on $(getconf _NPROCESSORS_ONLN) cores)"
ONLY=${BENCH_LIVE_ONLY:-}
if [ "$ONLY" != 2 ] && [ "$ONLY" != 3 ]; then
BUSY=
for i in $(seq "${BENCH_LOAD:-0}"); do
	sh -c 'while :; do :; done' &
	BUSY="$BUSY $!"
done
PIDS="$PIDS $BUSY"
[ -n "$BUSY" ] && echo "part 1 under $BENCH_LOAD busy loops of its own"
pipeline_run "$RATE" "$N"
pipeline_run "$LOW_RATE" "$LOW_N"
if [ -n "$BUSY" ]; then kill $BUSY; fi
fi
[ "$ONLY" = 1 ] && exit 0

# 2. the listener alone, and the floor
# threads_cpu PID N: each thread's CPU time per request, us, as "name us"
threads_cpu() {
	for t in /proc/$1/task/*; do
		awk -v hz="$(getconf CLK_TCK)" -v n="$2" '{ c = $0; sub(/.*\) /, "", c); split(c, f, " ")
			name = $0; sub(/^[^(]*\(/, "", name); sub(/\).*/, "", name)
			printf "%s %.1f\n", name, (f[12] + f[13]) * 1e6 / hz / n }' "$t/stat"
	done
}
listen_run() { # listen_run N: N deliveries on a new database; $T/rate, $T/rss, $T/threads
	rm -f "$T/alone.db"* "$T/alone.log"
	WB_DB="$T/alone.db" wb-recv --listen 127.0.0.1:0 > /dev/null 2> "$T/alone.log" &
	pid=$!
	PIDS="$PIDS $pid"
	s=$("$LOAD" -c 16 -n "$1" -C 10000 "http://127.0.0.1:$(port_of "$T/alone.log")/webhook")
	rss $pid > "$T/rss"
	threads_cpu $pid "$1" > "$T/threads"
	kill -TERM $pid; wait $pid
	[ "$(field ok " $s")" = "$1" ] || { echo "the listener answered: $s" >&2; exit 1; }
	field rate " $s" > "$T/rate"
}
# ref_run NAME ARGS…: the reference server build/bench/NAME ARGS… under
# the listener's load; prints "rate cpu_us http_us" (all its threads' CPU
# per request, and its HTTP thread's)
ref_run() {
	name=$1; shift
	"$TOP/build/bench/$name" "$@" 2> "$T/$name.log" &
	ref=$!
	PIDS="$PIDS $ref"
	r=$(field rate " $("$LOAD" -c 16 -n "$LN" -C 10000 "http://127.0.0.1:$(port_of "$T/$name.log")/webhook")")
	echo "$r $(threads_cpu $ref "$LN" | awk '{ s += $2 } $1 == "MHD-single" { h = $2 } END { print s, h }')"
	kill $ref; wait $ref || true
}
if [ "$ONLY" != 3 ]; then
set -- $(ref_run mhd-ok 0)
base=$1 okcpu=$2
rm -f "$T/floor.db"*
set -- $(ref_run mhd-floor 0 "$T/floor.db")
floor=$1 floorcpu=$2 floorhttp=$3
listen_run "$LN"
awk -v a="$(cat "$T/rate")" -v b="$base" -v f="$floor" -v fc="$floorcpu" -v fh="$floorhttp" -v ok="$okcpu" \
	-v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
	printf "listener alone: %d signed deliveries/s acknowledged after commit, %.2fx a server that only answers 200 (%d/s) (goal >= 0.5x)\n", a, a / b, b
	printf "  the floor (mhd-floor: signature, jansson, one INSERT, answered after its group commit): %d/s, %.2fx mhd-ok; the listener is %.2fx the floor\n", f, f / b, a / f
	printf "  CPU per request: mhd-ok %.1f us, mhd-floor %.1f us (its HTTP thread %.1f us); load average %s\n", ok, fc, fh, load }'
# where the listener's time goes: CPU per delivery of each of its threads
# (libmicrohttpd's, which also verifies and parses; the store's; the
# checkpoint's), as multiples of the whole CPU mhd-ok spends on a request
awk -v ok="$okcpu" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
	$1 == "MHD-single" { http = $2 } $1 == "wb-store" { store = $2 } $1 == "wb-checkpoint" { ck = $2 } { all += $2 }
	END { printf "  CPU per delivery: %.1f us in all; HTTP thread %.1f us (%.1fx mhd-ok'"'"'s %.1f us a request), store thread %.1f us (%.1fx), checkpoint %.1f us; load average %s\n",
		all, http, http / ok, ok, store, store / ok, ck, load }' "$T/threads"
fi
[ "$ONLY" = 2 ] && exit 0

# 3. memory after a small and a big run
listen_run "$MEM_SMALL"; small=$(cat "$T/rss")
listen_run "$MEM_BIG"; big=$(cat "$T/rss")
awk -v s="$small" -v b="$big" -v ns="$MEM_SMALL" -v nb="$MEM_BIG" 'BEGIN {
	printf "listener peak memory: %d KB after %d deliveries, %d KB after %d: %.2fx (goal: flat, <= 1.2x)\n", s, ns, b, nb, b / s }'
[ "$ONLY" = 3 ] && exit 0

# 4. good POSTs while slow clients hold connections
slow_run() { # slow_run SLOW: p50 and p99 of 2000 POSTs at 200/s with SLOW slow connections open
	rm -f "$T/alone.db"* "$T/alone.log" "$T/ready"
	WB_DB="$T/alone.db" wb-recv --listen 127.0.0.1:0 > /dev/null 2> "$T/alone.log" &
	pid=$!
	PIDS="$PIDS $pid"
	port=$(port_of "$T/alone.log")
	if [ "$1" -gt 0 ]; then
		"$TOP/build/bench/slow-clients" -n "$1" -a 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6 \
			-i 4000 -t 15 -r "$T/ready" 127.0.0.1 "$port" > /dev/null &
		slow=$!
		while [ ! -s "$T/ready" ]; do sleep 0.05; done
	fi
	s=$("$LOAD" -c 4 -r 200 -n 2000 "http://127.0.0.1:$port/webhook")
	[ "$1" -gt 0 ] && kill $slow 2>/dev/null
	kill -TERM $pid; wait $pid
	[ "$(field ok " $s")" = 2000 ] || { echo "the listener answered: $s" >&2; exit 1; }
	echo "$(field p50_ms " $s") $(field p99_ms " $s")"
}
set -- $(slow_run 0) $(slow_run 300)
printf 'answers at 200/s: p50 %s ms, p99 %s ms alone; p50 %s ms, p99 %s ms with 300 slow connections open (target < 50 ms)\n' \
	"$1" "$2" "$3" "$4"
