#!/bin/sh
# wb-send against the fake Cloud API, as ratios against baselines run here:
#   throughput of an unthrottled broadcast / a shell loop of curl (goal >= 50)
#   messages per second at --rate 1000 over 10 s / 1000   (goal 0.98-1.02)
#   peak memory of a 1M-recipient broadcast / a 100k one  (goal <= 1.5)
# Sizes: BENCH_CURL_N (500), BENCH_N (100000), BENCH_RATE_N (15000),
# BENCH_MEM_SMALL (100000), BENCH_MEM_BIG (1000000).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
CURL_N=${BENCH_CURL_N:-500} N=${BENCH_N:-100000} RATE_N=${BENCH_RATE_N:-15000}
MEM_SMALL=${BENCH_MEM_SMALL:-100000} MEM_BIG=${BENCH_MEM_BIG:-1000000}
T=$(mktemp -d "${TMPDIR:-/tmp}/wb-bench.XXXXXX")
FAKE_PID=
trap '[ -n "$FAKE_PID" ] && kill $FAKE_PID; rm -rf "$T"' EXIT
"$TOP/build/fake-cloudapi" --listen 127.0.0.1:0 --port-file "$T/port" --token bench-token --quiet &
FAKE_PID=$!
while [ ! -s "$T/port" ]; do sleep 0.05; done
URL="http://127.0.0.1:$(cat "$T/port")"
export WB_API_URL="$URL/v26.0" WB_PHONE_ID=106540352242922 WB_TOKEN=bench-token
export XDG_CONFIG_HOME="$T/config"
unset WB_NOW WB_OUTPUT WB_DEFAULT_CC WB_DEFAULT_REGION
PATH="$TOP/bin:$PATH"

now() { date +%s.%N; }
phones() { # phones N PREFIX: a CSV with N recipients
	awk -v n="$1" -v p="$2" 'BEGIN { print "phone"; for (i = 0; i < n; i++) printf "%s%07d\n", p, 2000000 + i }'
}
messages() { curl -s "$URL/_fake/stats" | sed 's/.*"messages":\([0-9]*\).*/\1/'; }

# 1. throughput: the curl loop, then wb-send unthrottled
phones "$CURL_N" 1650 | tail -n +2 > "$T/loop.txt"
t0=$(now); sh "$TOP/bench/curl-loop.sh" < "$T/loop.txt"; t1=$(now)
phones "$N" 1651 > "$T/big.csv"
t2=$(now); WB_DB="$T/t.db" wb-send --template nov_promo --rate off --concurrency 64 -o csv < "$T/big.csv" > "$T/t.out"; t3=$(now)
sent=$(grep -c ',sent,' "$T/t.out")
[ "$sent" -eq "$N" ] || { echo "only $sent of $N sent" >&2; exit 1; }
awk -v a="$CURL_N" -v ta="$t0" -v tb="$t1" -v b="$N" -v tc="$t2" -v td="$t3" 'BEGIN {
	printf "throughput, %d-message broadcast vs a curl loop: %.1fx (goal >= 50x)\n", b, (b / (td - tc)) / (a / (tb - ta)) }'

# 2. --rate 1000, measured at the API over 10 s once it runs
phones "$RATE_N" 1212 > "$T/rate.csv"
WB_DB="$T/r.db" wb-send --template nov_promo --rate 1000/s -o csv < "$T/rate.csv" > /dev/null &
sender=$!
m=$(messages); while [ "$m" -lt $((N + CURL_N + 1000)) ]; do sleep 0.1; m=$(messages); done
m0=$(messages); t0=$(now); sleep 10; m1=$(messages); t1=$(now)
wait $sender
awk -v m0="$m0" -v m1="$m1" -v t0="$t0" -v t1="$t1" 'BEGIN {
	printf "--rate 1000: achieved / asked over %.1f s: %.4f (goal 0.98-1.02)\n", t1 - t0, (m1 - m0) / (t1 - t0) / 1000 }'

# 3. peak memory, a small and a big broadcast, delivered in full
mem() { # mem N PREFIX: peak resident KB
	phones "$1" "$2" > "$T/m.csv"
	rm -f "$T/m.db"*
	/usr/bin/time -f %M -o "$T/rss" env WB_DB="$T/m.db" wb-send --template nov_promo --rate off \
		--concurrency 64 -o csv < "$T/m.csv" > /dev/null
	cat "$T/rss"
}
small=$(mem "$MEM_SMALL" 1312)
big=$(mem "$MEM_BIG" 1415)
awk -v s="$small" -v b="$big" -v ns="$MEM_SMALL" -v nb="$MEM_BIG" 'BEGIN {
	printf "peak memory, %d recipients vs %d: %.2fx (goal <= 1.5x)\n", nb, ns, b / s }'
