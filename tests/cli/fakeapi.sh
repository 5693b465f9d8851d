# Runs the fake Cloud API (build/fake-cloudapi) for a test file. Source it
# after lib.sh:  . "$(dirname "$0")/fakeapi.sh"; fake_start [--fault …]
# It points WB_API_URL, WB_PHONE_ID and WB_TOKEN at the fake, logs every
# request to $T/api.log, and stops the fake when the test exits.
# Retries do not wait in tests (lib.sh sets WB_RETRY_BASE_MS=0); a test
# that sends hundreds passes --rate off, or waits for wb-send's pacing.
FAKE="$TOP/build/fake-cloudapi"
FAKE_PID=
FAKE_TOKEN=test-token-not-secret
[ -x "$FAKE" ] || { echo "Bail out! $FAKE is not built (make)"; exit 1; }

fake_stop() {
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
		FAKE_PID=
	fi
}
trap 'fake_stop; rm -rf "$T"' EXIT

# fake_start [FAKE OPTIONS…]: starts it and waits until it listens.
fake_start() {
	rm -f "$T/port"
	"$FAKE" --listen 127.0.0.1:0 --port-file "$T/port" --log "$T/api.log" \
		--token "$FAKE_TOKEN" --phone-id 106540352242922 --quiet "$@" &
	FAKE_PID=$!
	while [ ! -s "$T/port" ]; do
		kill -0 "$FAKE_PID" 2>/dev/null || { echo "Bail out! the fake API did not start"; exit 1; }
		sleep 0.02
	done
	FAKE_URL="http://127.0.0.1:$(cat "$T/port")"
	export WB_API_URL="$FAKE_URL/v26.0" WB_PHONE_ID=106540352242922 WB_TOKEN="$FAKE_TOKEN"
}

# fake_faults JSON: changes the faults while it runs.
fake_faults() {
	curl -sf -X POST -H 'Content-Type: application/json' -d "$1" "$FAKE_URL/_fake/faults" >/dev/null
}

# sends_to PHONE: how many messages to PHONE the fake accepted.
sends_to() {
	grep -c "\"to\":\"$1\",\"status\":200," "$T/api.log" 2>/dev/null || true
}

# api_requests: how many requests reached the fake.
api_requests() {
	if [ -f "$T/api.log" ]; then wc -l < "$T/api.log" | tr -d ' '; else echo 0; fi
}

# The JSON helpers use jq, not python3: a test calls them in loops, and
# jq starts several times faster.

# json_same A B: exit 0 when two JSON texts are equal as values.
json_same() {
	jq -ne --argjson a "$1" --argjson b "$2" '$a == $b' >/dev/null 2>&1
}

# body_is N FILE: exit 0 when the body of the Nth request in the log and
# the JSON in FILE are equal as values (json_same and body_of in one jq)
body_is() {
	sed -n "${1}p" "$T/api.log" | jq -e --slurpfile want "$2" '.body == $want[0]' >/dev/null 2>&1
}

# body_of N: the request body of the Nth request in the log, on one line
# with a space after each colon and comma ({"type": "text", "text": …}).
body_of() {
	sed -n "${1}p" "$T/api.log" | jq -r 'def spaced: if type == "object" then
		"{" + (to_entries | map((.key | tojson) + ": " + (.value | spaced)) | join(", ")) + "}"
		elif type == "array" then "[" + (map(spaced) | join(", ")) + "]" else tojson end;
		.body | spaced'
}
