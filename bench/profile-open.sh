#!/bin/sh
# Opening-hours evaluation with holidays and special days: ratios against
# a plain week in the same run. WB_BENCH_CALLS and WB_BENCH_EXCEPTIONS
# set the sizes.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
for n in 30 365; do
	WB_BENCH_EXCEPTIONS=${WB_BENCH_EXCEPTIONS:-$n} "$top/build/bench/profile-open"
done
