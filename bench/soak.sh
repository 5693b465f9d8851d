#!/bin/sh
# The live pipeline under hostile traffic for a while: tests/cli/hostile.t
# (wb-recv --listen | wb-reply auto | wb-send - against the fake Cloud API,
# a bad line after every good one at each joint, hostile webhooks among
# good ones) kept going for SOAK_SECONDS (default 60) instead of two
# rounds. Prints, as ratios of what came out to what went in:
#   good customers answered exactly once / good customers   (goal 1.00)
#   bad lines named on stderr / bad lines put in            (goal 1.00)
# and fails when any check of the test fails.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
secs=${SOAK_SECONDS:-60}
out=$(WB_SOAK_SECONDS=$secs sh "$TOP/tests/cli/hostile.t" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -A3 '^not ok' >&2
printf '%s\n' "$out" | sed -n 's/^# soak: //p' | awk -v secs="$secs" '{
	rounds = $1; posts = $3; good = $6; once = $9; bad = $12; named = $16
	printf "soak %ss: %d rounds, %d signed posts (%.0f/s), %d good customers, %d bad lines\n",
		secs, rounds, posts, posts / secs, good, bad
	printf "answered exactly once / good customers: %.2f (goal 1.00)\n", once / good
	printf "bad lines named / bad lines put in: %.2f (goal 1.00)\n", named / bad }'
exit $rc
