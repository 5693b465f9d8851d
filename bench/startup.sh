#!/bin/sh
# Start-up: the time a program takes to start, do a small thing and end,
# as a ratio to a bare C program (int main, libc only) run the same way in
# the same run; and, for scale, the same bare program linked the way the
# programs were before their heavy libraries were opened on first use
# (lib/lazy.h). BENCH_STARTS (200) runs of each, the best of BENCH_RUNS (3).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
PATH="$top/bin:$PATH"
N=${BENCH_STARTS:-200}
RUNS=${BENCH_RUNS:-3}
t=$(mktemp -d "${TMPDIR:-/tmp}/wb-bench.XXXXXX")
trap 'rm -rf "$t"' EXIT
export WB_DB="$t/wb.db" HOME="$t" XDG_CONFIG_HOME="$t/config" XDG_DATA_HOME="$t/data"
unset WB_DEFAULT_CC WB_DEFAULT_REGION

echo 'int main(void) { return 0; }' > "$t/bare.c"
${CC:-cc} -o "$t/bare" "$t/bare.c"
${CC:-cc} -Wl,--no-as-needed -o "$t/bare-linked" "$t/bare.c" \
	$(pkg-config --libs sqlite3 jansson libcurl libmicrohttpd libcrypto libqrencode libpng) \
	-lcsv -lreadline -lm -lpthread -lphonenumber -lstdc++
wb-label add vip >/dev/null

# per_start CMD...: seconds per start of CMD, the best of RUNS runs of N
per_start() {
	b=
	for r in $(seq "$RUNS"); do
		s=$(date +%s%N)
		i=0
		while [ $i -lt "$N" ]; do
			"$@" >/dev/null
			i=$((i + 1))
		done
		e=$(date +%s%N)
		b=$(awk -v s="$s" -v e="$e" -v b="$b" -v n="$N" \
			'BEGIN { t = (e - s) / n / 1e9; print (b == "" || t < b) ? t : b }')
	done
	echo "$b"
}

bare=$(per_start "$t/bare")
printf '%-44s %8.2f ms  1.00\n' "bare C program" "$(awk -v b="$bare" 'BEGIN { print b * 1000 }')"
row() {
	name=$1
	shift
	s=$(per_start "$@")
	awk -v n="$name" -v s="$s" -v b="$bare" 'BEGIN { printf "%-44s %8.2f ms %5.2f\n", n, s * 1000, s / b }'
}
row "bare, linked as the programs were" "$t/bare-linked"
row "wb-send --help" wb-send --help
row "wb-label ls" wb-label ls
row "wb-contact add +1 650 555 1234 (a phone)" wb-contact add '+1 650 555 1234'
