#!/bin/sh
# Runs each fuzz target given for $FUZZ_SECONDS (default 20) with a corpus
# seeded from the webhook fixtures and samples; exits non-zero when one crashes.
# Crash inputs are left in build/fuzz/crash-<target>-*.
set -u
secs=${FUZZ_SECONDS:-20}
top=$(cd "$(dirname "$0")/.." && pwd)
fixtures="$top/../shared/fixtures"
[ -d "$fixtures" ] || fixtures="$top/tests/fixtures"
status=0
for t in "$@"; do
	name=$(basename "$t")
	corpus="$top/build/fuzz/corpus-$name"
	mkdir -p "$corpus"
	case $name in
	fuzz-webhook|fuzz-docs|fuzz-quarantine) cp "$fixtures"/webhook/*.json "$corpus"/ 2>/dev/null
		cp "$top"/tests/samples/webhook/*.json "$corpus"/ ;;
	fuzz-event) for f in "$fixtures"/webhook/*.json; do
			"$top/bin/wb-recv" -d "$top/build/fuzz/seed.db" -q "$f" >/dev/null 2>&1
		done
		printf '%s\n' '{"event":"message","wamid":"wamid.1","from":"16505551234","ts":"2026-11-25T10:00:00Z","type":"text","text":"hi"}' > "$corpus/seed" ;;
	fuzz-phone) printf '+1 (650) 555-1234' > "$corpus/seed" ;;
	fuzz-when) printf '2026-12-03T15:00 -1d' > "$corpus/seed" ;;
	fuzz-hours) printf 'mon-fri 09:00-12:00,13:00-18:00 sat 10:00-14:00 sun closed' > "$corpus/seed" ;;
	fuzz-tmpl) printf 'Hi {{ name }}, {{x}}' > "$corpus/seed" ;;
	fuzz-message) printf '%s\n' '{"to":"16505551234","text":"Hi","reply_to":"wamid.IN1","key":"auto:wamid.IN1","auto":"away"}' > "$corpus/seed"
		printf '%s\n' '{"to":"16505551234","template":"order_shipped","lang":"en_US","param":["A-77"]}' > "$corpus/seed2" ;;
	fuzz-csv) printf 'phone,name\n"+1 650 555 1234","A, B"\n' > "$corpus/seed" ;;
	fuzz-template) jq -c '.[]' "$top/tests/fixtures/templates.json" | split -l 1 - "$corpus/seed-" ;;
	esac
	echo "== $name (${secs}s)"
	if ! "$t" -max_total_time="$secs" -max_len=65536 -artifact_prefix="$top/build/fuzz/crash-$name-" \
		"$corpus" > "$top/build/fuzz/$name.log" 2>&1; then
		tail -n 30 "$top/build/fuzz/$name.log"
		status=1
	fi
done
exit $status
