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

# The JSON helpers a test calls per request use sqlite3 and awk, not jq:
# jq (1.6) takes ~40 ms of CPU to start, sqlite3 ~3 ms, and a test file
# calls them dozens of times.

# same_json FILE-A FILE-B: exit 0 when the JSON in the two files are equal
# as values (objects in any key order): the same paths, types and atoms
same_json() {
	[ "$(sqlite3 :memory: "WITH a AS (SELECT fullkey, type, atom FROM json_tree(CAST(readfile('$1') AS TEXT))),
		b AS (SELECT fullkey, type, atom FROM json_tree(CAST(readfile('$2') AS TEXT)))
		SELECT NOT EXISTS (SELECT * FROM a EXCEPT SELECT * FROM b)
			AND NOT EXISTS (SELECT * FROM b EXCEPT SELECT * FROM a)" 2>/dev/null)" = 1 ]
}

# json_get FILE PATH: the value at the SQLite JSON path (\$.a.b[0]) of
# the JSON document in FILE, as jq -r would print it (a string's text,
# an object or array as compact JSON); nothing when there is none
json_get() {
	sqlite3 :memory: "SELECT json_extract(CAST(readfile('$1') AS TEXT), '$2')"
}

# json_pick FILE PATH...: the values at the paths, as a compact JSON array
# (jq -c '[.a, .b.c]'); for strings, numbers, booleans and nulls
json_pick() {
	_f=$1 _pick=
	shift
	for _p; do _pick="$_pick${_pick:+, }json_extract(d, '$_p')"; done
	sqlite3 :memory: "SELECT json_array($_pick) FROM (SELECT CAST(readfile('$_f') AS TEXT) AS d)"
}

# json_set FILE PATH TEXT [PATH TEXT]...: the JSON document in FILE, on
# one line, with the strings at the paths set to the texts (no quote in
# them: ids, times, phones)
json_set() {
	_f=$1 _set=
	shift
	while [ $# -gt 1 ]; do _set="$_set, '$1', '$2'"; shift 2; done
	sqlite3 :memory: "SELECT json_set(CAST(readfile('$_f') AS TEXT)$_set)"
}

# body_at N PATH: json_get of the body of the Nth request in the log
# (PATH after \$.body, e.g. .text.body)
body_at() {
	sed -n "${1}p" "$T/api.log" >"$T/json-a"
	json_get "$T/json-a" "\$.body$2"
}

# log_sql SQL: runs SQL over the log, a table l whose column j holds a
# line: SELECT json_extract(j, '\$.body.to') FROM l WHERE …
log_sql() {
	sqlite3 :memory: ".mode ascii" ".separator \"\\037\" \"\\n\"" "CREATE TABLE l(j)" \
		".import $T/api.log l" ".mode list" "$1"
}

# json_same A B: exit 0 when two JSON texts are equal as values.
json_same() {
	printf '%s' "$1" >"$T/json-a"
	printf '%s' "$2" >"$T/json-b"
	same_json "$T/json-a" "$T/json-b"
}

# body_is N FILE: exit 0 when the body of the Nth request in the log and
# the JSON in FILE are equal as values
body_is() {
	body_of "$1" >"$T/json-a"
	same_json "$T/json-a" "$2"
}

# body_of N: the request body of the Nth request in the log, on one line
# with a blank after each colon and comma ({"type": "text", "text": …});
# the log is compact JSON (the fake writes it so), read by one awk.
body_of() {
	awk -v n="$1" 'NR == n {
		q = "\""; d = 0; ins = 0; esc = 0; cap = 0; out = ""; len = length($0)
		for (i = 1; i <= len; i++) {
			c = substr($0, i, 1)
			if (ins) {
				if (cap) out = out c
				if (esc) esc = 0; else if (c == "\\") esc = 1; else if (c == q) ins = 0
				continue
			}
			if (!cap && d == 1 && substr($0, i, 7) == q "body" q ":") { cap = 1; i += 6; continue }
			if (c == q) ins = 1; else if (c == "{" || c == "[") d++; else if (c == "}" || c == "]") d--
			if (!cap) continue
			out = out c
			if (c == ":" || c == ",") out = out " "
			if (d == 1) break
		}
		print out; exit
	}' "$T/api.log"
}
