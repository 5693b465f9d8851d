#!/bin/sh
# wb-chat: lines from a pipe are sent as the agent (the window and the
# opt-out as wb-send has them), slash commands, mark-as-read; then two
# agents in two terminals (tmux): A takes, B sees it taken, what A types
# reaches the fake API, what the customer writes appears on A's screen.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
A=16505550001 B=16505550002
fake_start
wb-agent add alice >/dev/null && wb-agent add bob >/dev/null
say() {
	curl -sf -X POST -H 'Content-Type: application/json' "$FAKE_URL/_fake/inbound" \
		-d "{\"from\":\"$1\",\"name\":\"$2\",\"timestamp\":$(date +%s),\"text\":\"$3\"}" >"$T/hook"
	jq -r '.entry[0].changes[0].value.messages[0].id' "$T/hook" >"$T/wamid"
	wb-recv -q "$T/hook"
}
say $A Ann "Where is my order?"
say $B Bo "hello"
wb-reply quick add /thanks "Thank you, {{name}}!" >/dev/null

wb-label add vip >/dev/null
sql() { sqlite3 "$WB_DB" "$@"; }

# ---- without a terminal: each line of stdin
printf 'It left today.\n/note gave the tracking number\n/l vip\n' >"$T/in"
exits 0 "lines from stdin" -- env WB_AGENT=alice wb-chat $A <"$T/in"
like "$(cat "$T/out")" "^-- $A: taken by you" "alice takes the conversation"
like "$(cat "$T/out")" "< Ann: Where is my order\?" "the conversation so far"
is "$(sql "SELECT agent || ':' || body FROM message WHERE direction = 'out'")" "alice:It left today." \
	"the line is sent as alice"
is "$(sends_to $A)" 1 "the fake API got it"
is "$(jq -r 'select(.body.status == "read") | .body.message_id' "$T/api.log")" "$(sql "SELECT wamid FROM message WHERE direction = 'in' AND body LIKE 'Where%'")" \
	"opening marked the customer's message read on WhatsApp"
is "$(wb-contact log $A -o csv --no-header | grep -c 'gave the tracking number')" 1 "/note is in the log"
is "$(wb-label who vip -o csv --no-header | cut -d, -f1)" "$A" "/l labels the contact"
echo 'hello again' >"$T/in"
exits 77 "a colleague's conversation is read-only" -- env WB_AGENT=bob wb-chat $A <"$T/in"
like "$(cat "$T/out" "$T/err")" "taken by alice" "says who has it"
is "$(sends_to $A)" 1 "and sends nothing"
wb-contact add 16505550009 >/dev/null 2>&1
echo 'hi' >"$T/in"
exits 65 "outside the 24-hour window" -- env WB_AGENT=alice wb-chat 16505550009 <"$T/in"
like "$(cat "$T/out")" "not sent: .*window" "the console says why"
printf '/resolve\n' >"$T/in"
exits 0 "/resolve" -- env WB_AGENT=alice wb-chat $A <"$T/in"
is "$(wb-inbox --state all -o csv --no-header | grep "^$A" | cut -d, -f3)" "resolved" "the conversation is resolved"
