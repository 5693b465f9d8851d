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
	json_get "$T/hook" '$.entry[0].changes[0].value.messages[0].id' >"$T/wamid"
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
is "$(log_sql "SELECT json_extract(j, '\$.body.message_id') FROM l WHERE json_extract(j, '\$.body.status') = 'read'")" "$(sql "SELECT wamid FROM message WHERE direction = 'in' AND body LIKE 'Where%'")" \
	"opening marked the customer's message read on WhatsApp"
is "$(wb-contact log $A -o csv --no-header | grep -c 'gave the tracking number')" 1 "/note is in the log"
is "$(wb-label who vip -o csv --no-header | cut -d, -f1)" "$A" "/l labels the contact"
echo 'hello again' >"$T/in"
exits 77 "a colleague's conversation is read-only" -- env WB_AGENT=bob wb-chat $A <"$T/in"
like "$(cat "$T/out" "$T/err")" "taken by alice" "says who has it"
is "$(sends_to $A)" 1 "and sends nothing"
# ... who has a name and an old message with control characters in them
wb-contact add 16505550009 name="$(printf 'Eve\342\200\256\033]0;pwned\007')" >/dev/null 2>&1
sql "INSERT INTO message (contact_id, direction, type, body, ts, status) SELECT id, 'in', 'text',
	'old$(printf '\033[2J\302\233')', 1700000000, 'received' FROM contact WHERE wa_id = '16505550009'"
printf 'hi\n/note no window\n' >"$T/in"
exits 65 "outside the 24-hour window" -- env WB_AGENT=alice wb-chat 16505550009 <"$T/in"
like "$(head -1 "$T/err")" "^wb-chat: stdin:1: not sent: .*window" "stderr says why, naming the line"
is "$(tail -n +2 "$T/err")" "wb-chat: 1 of 2 lines failed" "then only how many failed (the error is not said twice)"
like "$(cat "$T/out")" "note alice: no window" "the other lines still run"
is "$(grep -c 'not sent' "$T/out")" 0 "stdout keeps the conversation only"
like "$(cat "$T/out")" "< Eve<U\+202E>\^\[\]0;pwned\^G: old\^\[\[2J\^\[\[" \
	"a customer's control characters are shown, not obeyed; a bidi override as <U+202E>"
is "$(tr -d '\033\007' < "$T/out" | cmp -s - "$T/out" && echo none)" "none" "no escape or bell reaches the terminal"
printf '/resolve\n' >"$T/in"
exits 0 "/resolve" -- env WB_AGENT=alice wb-chat $A <"$T/in"
is "$(wb-inbox --state all -o csv --no-header | grep "^$A" | cut -d, -f4)" "resolved" "the conversation is resolved"
U=GB.41099238170556612 # a customer known by user ID only
json_set "$TOP/tests/samples/webhook/bsuid-text-username-only.json" \
	'$.entry[0].changes[0].value.messages[0].timestamp' "$(date +%s)" |
	curl -sf -X POST -H 'Content-Type: application/json' "$FAKE_URL/_fake/inbound" -d @- | wb-recv -q
printf 'Hello Oliver\n/note by user ID\n/resolve\n' >"$T/in"
exits 0 "a customer without a phone" -- env WB_AGENT=alice wb-chat $U <"$T/in"
like "$(cat "$T/out")" "^-- $U: taken by you" "taken by user ID"
is "$(sql "SELECT count(*) FROM message WHERE direction = 'out' AND body = 'Hello Oliver'")" 1 "the line is sent"
like "$(cat "$T/out")" "note alice: by user ID" "noted"
is "$(wb-inbox --state all -o csv --no-header | grep ",$U," | cut -d, -f4)" "resolved" "and resolved"

# ---- two agents in two terminals (one tmux server)
S="$T/tmux"
tm() { tmux -S "$S" "$@"; }
trap 'tm kill-server 2>/dev/null; fake_stop; rm -rf "$T"' EXIT
# screen PANE TEXT: waits (up to 10 s) until the pane shows TEXT
screen() {
	_i=0
	while [ $_i -lt 200 ]; do
		tm capture-pane -p -t "$1" | grep -qF -- "$2" && return 0
		sleep 0.05; _i=$((_i + 1))
	done
	tm capture-pane -p -t "$1" | sed 's/^/#   screen: /'
	return 1
}
# api CONDITION: waits until a request the fake logged meets the SQL
# condition on its body b (log_sql)
api() {
	_i=0
	while [ $_i -lt 200 ]; do
		[ "$(log_sql "SELECT count(*) FROM (SELECT json_extract(j, '\$.body') AS b FROM l) WHERE $1")" -gt 0 ] && return 0
		sleep 0.05; _i=$((_i + 1))
	done
	return 1
}
tm -f /dev/null new-session -d -s a -x 120 -y 30 "WB_AGENT=alice wb-chat $B; sleep 60"
screen a "< Bo: hello"; ok $? "A's terminal: the conversation"
screen a "taken by you"; ok $? "A takes it"
screen a "left] >"; ok $? "the prompt shows the window's time left"
api "b ->> 'status' = 'read' AND b ->> 'message_id' = '$(cat "$T/wamid")'"
ok $? "opening it marked Bo's message read"
tm new-session -d -s b -x 120 -y 30 "WB_AGENT=bob wb-chat $B; sleep 60"
screen b "taken by alice"; ok $? "B's terminal: taken by alice"
screen b "read-only"; ok $? "read-only for B"
tm send-keys -t a "On its way"
api "b ->> '\$.typing_indicator.type' = 'text'"; ok $? "typing shows the typing indicator"
tm send-keys -t a Enter
api "b ->> 'to' = '$B' AND b ->> '\$.text.body' = 'On its way'"; ok $? "A's line reaches the API"
screen b "> alice: On its way"; ok $? "and B's screen"
# the customer's phone got it: the status webhook through wb-recv
w=$(sql "SELECT wamid FROM message WHERE body = 'On its way'")
S0='$.entry[0].changes[0].value.statuses[0]'
json_set "$FIXTURES/webhook/status-delivered.json" "$S0.id" "$w" "$S0.timestamp" "$(date +%s)" "$S0.recipient_id" "$B" |
	wb-recv -q
screen a "✓✓  On its way"; ok $? "the delivered tick appears"
say $B Bo "great, thanks"
screen a "< Bo: great, thanks"; ok $? "the customer's new message appears on A's screen"
tm send-keys -t a "/tha" Tab Enter
api "b ->> 'to' = '$B' AND b ->> '\$.text.body' = 'Thank you, Bo!'"; ok $? "/sho<Tab> completes a quick reply, sent filled in"
tm send-keys -t a "/note called back" Enter
screen b "note alice: called back"; ok $? "/note, on both screens"
tm send-keys -t a "/resolve" Enter
screen a "-- resolved"; ok $? "/resolve"
tm capture-pane -p -t a >"$T/screen"
tm send-keys -t a "/quit" Enter
tm send-keys -t b C-d
tm kill-server
is "$(sql "SELECT group_concat(agent || ':' || body, '|') FROM message WHERE direction = 'out' AND (body LIKE '%way' OR body LIKE 'Thank%')")" \
	"alice:On its way|alice:Thank you, Bo!" "sent as alice"

# ---- nobody waiting
exits 1 "nobody waiting: exit 1" -- env WB_AGENT=bob wb-chat
like "$(cat "$T/err")" "nobody is waiting" "says so"
done_testing
