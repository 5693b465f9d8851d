#!/bin/sh
# The whole loop, live: the fake Cloud API posts statuses to the
# listener; customers' messages come in signed; wb-recv --listen |
# wb-reply auto | wb-send - answers each at once; statuses flow back and
# move every reply to read. Then the same events replayed send nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
export WB_APP_SECRET=test-app-secret WB_NOW=2026-11-30T03:00:00Z
q() { sqlite3 "$WB_DB" "$1"; }
# await SQL N: up to 10 s for a count to reach N
await() {
	for _ in $(seq 200); do [ "$(q "$1")" -ge "$2" ] && return 0; sleep 0.05; done
	return 1
}

wb-profile set name='Lucky Tea' timezone=Asia/Shanghai >/dev/null
wb-profile hours mon-fri 09:00-18:00 >/dev/null
wb-reply greeting set 'Hi {{name}}, welcome to {{business}}!' >/dev/null
wb-reply away set 'We are closed, back at 09:00.' --when outside-hours >/dev/null
wb-reply quick add /prices 'Oolong 38 CNY' --keyword price >/dev/null

# The listener first, on a port of its own, for the fake must know where
# to post statuses; then the fake; then wb-send, which must know the
# fake's URL. Held open read-write here meanwhile, the fifo lets wb-recv
# start before its reader; no one else may keep it (3>&-), or the
# pipeline would not end with wb-recv.
mkfifo "$T/events.fifo"
exec 3<>"$T/events.fifo"
wb-recv --listen 127.0.0.1:0 >"$T/events.fifo" 2>"$T/recv.err" 3>&- &
RECV=$!
HOOK_PORT=
while [ -z "$HOOK_PORT" ] && kill -0 $RECV 2>/dev/null; do
	HOOK_PORT=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' "$T/recv.err" 2>/dev/null)
	[ -n "$HOOK_PORT" ] || sleep 0.02
done
HOOK="http://127.0.0.1:$HOOK_PORT/webhook"
fake_start --webhook "$HOOK" --app-secret "$WB_APP_SECRET" 3>&-
tee "$T/events" <"$T/events.fifo" 3>&- | wb-reply auto 3>&- | tee "$T/replies" 3>&- |
	wb-send - -o csv >"$T/sent" 2>"$T/send.err" 3>&- &
PIPELINE=$!
exec 3>&-

post() { # post FROM WAMID UNIXTIME TEXT
	printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Mei"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%s","type":"text","text":{"body":"%s"}}]}}]}]}' \
		"$1" "$1" "$2" "$3" "$4" >"$T/body"
	sig=$(openssl dgst -sha256 -hmac "$WB_APP_SECRET" -r <"$T/body" | cut -d' ' -f1)
	curl -s -o /dev/null -w '%{http_code}' -H "X-Hub-Signature-256: sha256=$sig" --data-binary @"$T/body" "$HOOK"
}
MEI=8613912345678 TOM=447700900123
is "$(post $MEI wamid.P1 1796007480 'hello')" 200 "Mei writes on Monday 10:58 (open)"
await "SELECT count(*) FROM message WHERE direction = 'out'" 1
ok $? "a reply is on its way before the next message"
is "$(post $MEI wamid.P2 1796007540 'the price?')" 200 "Mei asks for the price"
is "$(post $TOM wamid.P3 1795962600 'open?')" 200 "Tom writes on Sunday 22:30 (closed)"
await "SELECT count(*) FROM message WHERE direction = 'out' AND status = 'read'" 3
ok $? "all three replies went out and came back read through the webhooks"
is "$(q "SELECT auto FROM message WHERE direction = 'out' ORDER BY id" | tr '\n' ' ')" "greeting keyword away " \
	"greeting, then the keyword's quick reply, then away"
is "$(q "SELECT body FROM message WHERE direction = 'out' AND auto = 'greeting'")" "Hi Mei, welcome to Lucky Tea!" \
	"placeholders filled"
is "$(q "SELECT count(*) FROM message WHERE direction = 'out' AND reply_to LIKE 'wamid.P%'")" 3 "each quotes its message"
# wb-recv writes an event after it stores it, and tee copies it later
# still: the file is polled, not read once
for _ in $(seq 200); do [ "$(grep -c '"status":"read"' "$T/events")" -ge 3 ] && break; sleep 0.05; done
is "$(grep -c '"status":"read"' "$T/events")" 3 "read statuses appear as events"
# settings change while it runs: today becomes a holiday, and the next
# message, in what were opening hours, gets the away message
wb-profile hours closed 2026-11-30 >/dev/null
is "$(post $MEI wamid.P4 1796009400 'thanks')" 200 "Mei writes again on Monday 11:30, now a holiday"
await "SELECT count(*) FROM message WHERE direction = 'out' AND reply_to = 'wamid.P4'" 1
ok $? "she is answered"
is "$(q "SELECT auto FROM message WHERE reply_to = 'wamid.P4'")" away "with the away message: the running pipeline read the holiday"
await "SELECT count(*) FROM message WHERE direction = 'out' AND status = 'read'" 4
kill "$RECV"
wait "$RECV"
is "$?" 0 "the listener stops cleanly"
wait "$PIPELINE"
is "$?" 0 "and the pipeline with it"
requests=$(api_requests)

# replaying the same events answers nothing new and sends nothing
wb-reply auto <"$T/events" | wb-send - -o csv >"$T/again" 2>&1
is "$(tail -n +2 "$T/again" | wc -l | tr -d ' ')" 0 "a replay decides nothing new"
is "$(api_requests)" "$requests" "and the API hears nothing"
is "$(sends_to $MEI)" 3 "Mei got exactly three replies"
is "$(sends_to $TOM)" 1 "Tom exactly one"
# waiting for its next line, wb-send - takes no write lock (an empty
# write transaction would queue behind the listener's and hold up the
# next): the process's transactions are its start and end alone,
# however long it waits (it woke every 50 ms to write nothing)
sleep 0.3 | WB_DEBUG_COMMITS=1 wb-send - -o csv >/dev/null 2>"$T/idle.err"
commits=$(sed -n 's/^wb-send: \([0-9]*\) write transactions.*$/\1/p' "$T/idle.err")
[ "${commits:-99}" -le 3 ]
ok $? "an idle wb-send - writes nothing while it waits ($commits write transactions)"
done_testing
