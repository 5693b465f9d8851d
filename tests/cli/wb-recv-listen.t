#!/bin/sh
# wb-recv --listen over real HTTP on 127.0.0.1: the verification handshake,
# good, forged and missing signatures, an oversized body, other methods,
# bad JSON, events written live, and a clean exit on SIGTERM.
. "$(dirname "$0")/lib.sh"
W="$FIXTURES/webhook"
export WB_APP_SECRET=test-app-secret WB_VERIFY_TOKEN=test-verify-token
q() { sqlite3 "$WB_DB" "$1"; }
sign() { openssl dgst -sha256 -hmac "$WB_APP_SECRET" -r < "$1" | cut -d' ' -f1; }

# start ARGS...: a listener, events to $OUT_TO (default $T/events)
start() { listener "${OUT_TO:-$T/events}" "$@"; }
code() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }
post() { _f=$1; shift; code -X POST -H 'Content-Type: application/json' --data-binary "@$_f" "$URL" "$@"; }

start --max-body 4K
ok "$([ -n "$PORT" ]; echo $?)" "listens on a port of its own"
is "$(code "$URL?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444")" 200 "handshake answered"
is "$(cat "$T/body")" 1158201444 "with the challenge"
is "$(code "$URL?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")" 403 "wrong verify token: 403"
is "$(code "$URL?hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1")" 403 "wrong mode: 403"

is "$(post "$W/msg-text.json" -H "X-Hub-Signature-256: sha256=$(sign "$W/msg-text.json")")" 200 "signed POST: 200"
is "$(q "select count(*) from message")" 1 "stored before the answer"
like "$(cat "$T/events")" '"event":"message","wamid":"wamid\.[^"]*0001AA=="' "event written at once"
is "$(post "$W/msg-text.json" -H "X-Hub-Signature-256: sha256=$(sign "$W/msg-text.json")")" 200 "a retried delivery: 200"
is "$(wc -l < "$T/events" | tr -d ' ')" 1 "and no second event"
SIG=$(sign "$W/msg-image.json" | tr a-f A-F)
is "$(post "$W/msg-image.json" -H "X-Hub-Signature-256: sha256=$SIG")" 200 "upper-case hex is the same signature"

is "$(post "$W/msg-video.json" -H "X-Hub-Signature-256: sha256=$(sign "$W/msg-text.json")")" 403 "forged signature: 403"
is "$(post "$W/msg-video.json")" 401 "missing signature: 401"
is "$(post "$W/msg-video.json" -H "X-Hub-Signature-256: sha1=abc")" 403 "malformed signature: 403"
is "$(q "select count(*) from message where type='video'")" 0 "nothing stored from refused posts"
like "$(cat "$T/log")" "refused a POST with a wrong signature" "refusals are logged"
grep -q "test-app-secret" "$T/log" "$T/events"
ok "$([ $? -ne 0 ]; echo $?)" "the secret appears nowhere"

head -c 5000 /dev/zero | tr '\0' ' ' > "$T/big.json"
is "$(post "$T/big.json" -H "X-Hub-Signature-256: sha256=$(sign "$T/big.json")")" 413 "oversized body: 413"
printf '{"object":"whatsapp_business_account","entry":[' > "$T/trunc.json"
is "$(post "$T/trunc.json" -H "X-Hub-Signature-256: sha256=$(sign "$T/trunc.json")")" 200 \
	"bad JSON: 200, for Meta would send it again and again"
is "$(q "select source || ' ' || (byte_offset is null) || ' ' || reason from quarantine")" \
	"listener 1 not JSON (at byte 47 of it): ']' expected near end of file" "it is quarantined"
like "$(cat "$T/log")" "listener: not JSON .* \(quarantined\)" "and said so"
is "$(code -X PUT "$URL")" 405 "other methods: 405"
is "$(code -X PUT --data-binary "@$W/msg-text.json" "$URL")" 405 "other methods with a body: 405, not a dropped connection"
is "$(code -X DELETE -D "$T/head" "$URL")" 405 "DELETE: 405"
like "$(cat "$T/head")" "Allow: GET, POST" "saying what is allowed"
is "$(URL=http://127.0.0.1:$PORT/other; post "$W/msg-video.json" -H "X-Hub-Signature-256: sha256=$(sign "$W/msg-video.json")")" 404 "a signed POST to another path: 404"
is "$(code "http://127.0.0.1:$PORT/webhook/x?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1")" 404 \
	"a handshake on another path: 404"
is "$(q "select count(*) from message where type='video'")" 0 "nothing stored from another path"

# a body of one part is stored without a savepoint of its own: a part
# the database fails (not refuses) leaves nothing of it, not its contact
sed 's/8613912345678/8613900000009/g; s/"body": *"[^"]*"/"body": "fail here"/; s/"id": *"wamid[^"]*"/"id": "wamid.FAILHERE"/' \
	"$W/msg-text.json" > "$T/fail.json"
q "CREATE TRIGGER fail_here BEFORE INSERT ON message WHEN NEW.body = 'fail here' BEGIN SELECT json('no'); END"
is "$(post "$T/fail.json" -H "X-Hub-Signature-256: sha256=$(sign "$T/fail.json")")" 503 \
	"a part the database fails: 503 (Meta tries again)"
is "$(q "select count(*) from contact where wa_id = '8613900000009'") $(q "select count(*) from conversation")" "0 1" \
	"nothing of it stays: no contact, no conversation"
# the listener stores a group without savepoints, and takes a group that
# failed again post by post: a body of two parts, the second of which the
# database fails, leaves nothing of either, and no event
jq -c '.entry += [.entry[0] | .changes[0].value.messages[0] |= (.id = "wamid.FAILTOO" | .text.body = "fail here")]
	| .entry[0].changes[0].value.messages[0].id = "wamid.GOODFIRST"' "$W/msg-text.json" > "$T/two.json"
is "$(post "$T/two.json" -H "X-Hub-Signature-256: sha256=$(sign "$T/two.json")")" 503 \
	"a body of two parts, one the database fails: 503"
is "$(q "select count(*) from message where wamid in ('wamid.GOODFIRST', 'wamid.FAILTOO')")" 0 "neither part stays"
q "DROP TRIGGER fail_here"
is "$(post "$T/fail.json" -H "X-Hub-Signature-256: sha256=$(sign "$T/fail.json")")" 200 "tried again: 200"
is "$(post "$T/two.json" -H "X-Hub-Signature-256: sha256=$(sign "$T/two.json")")" 200 "and the body of two parts: 200"
is "$(q "select count(*) from message m join contact c on c.id = m.contact_id where c.wa_id = '8613900000009'")" 1 \
	"stored once"

kill -TERM "$PID"
wait "$PID"
is "$?" 0 "SIGTERM: a clean exit"
is "$(wc -l < "$T/events" | tr -d ' ')" 5 "five events in all"
is "$(grep -c GOODFIRST "$T/events")" 1 "the part stored after its body failed once: one event"

start --insecure --path /hooks/wa
like "$(cat "$T/log")" "insecure" "--insecure warns"
like "$(cat "$T/log")" "path /hooks/wa" "and names the path it serves"
is "$(post "$W/msg-video.json")" 404 "--path: the default path is not served"
is "$(URL=http://127.0.0.1:$PORT/hooks/wa; post "$W/msg-video.json")" 200 "--insecure takes an unsigned post on --path"
kill -INT "$PID"
wait "$PID"
is "$?" 0 "SIGINT: a clean exit"

unset WB_VERIFY_TOKEN
start
like "$(cat "$T/log")" "WB_VERIFY_TOKEN is not set" "warns without a verify token"
is "$(code "$URL?hub.mode=subscribe&hub.verify_token=&hub.challenge=1")" 403 "and refuses the handshake"
kill -TERM "$PID"
wait "$PID"

# The listener's own thread copies the WAL into the database (here every
# 8 pages), not its commits; kill -9 while it copies loses nothing
# answered 200 (the copy itself is checked with the pipeline below). N
# POSTs in order on one connection (one curl), each its own message; the
# listener dies after 20 answers.
N=100
jq -c --argjson n $N '. as $d | range($n) as $i | $d | .entry[0].changes[0].value.messages[0].id = "wamid.ck.\($i)"' \
	"$W/msg-text.json" | awk -v url="http://127.0.0.1:PORT/hooks/wa" '{
	gsub(/\\/, "\\\\"); gsub(/"/, "\\\"")
	printf "url = \"%s\"\nheader = \"Content-Type: application/json\"\ndata-binary = \"%s\"\n", url, $0
	printf "output = \"/dev/null\"\nwrite-out = \"%%{stderr}%%{http_code}\\n\"\nnext\n" }' > "$T/many.cfg"
WB_CHECKPOINT_PAGES=8 start --insecure --path /hooks/wa
sed -i "s/:PORT/:$PORT/" "$T/many.cfg"
curl -s -K "$T/many.cfg" 2> "$T/codes" &
CURL=$!
for _ in $(seq 1000); do
	[ "$(grep -c 200 "$T/codes")" -ge 20 ] && break
	sleep 0.01
done
kill -9 "$PID"
wait "$CURL" "$PID" 2>/dev/null
K=$(sed -n '/^200$/!q; p' "$T/codes" | wc -l | tr -d ' ')
ok "$([ "$K" -ge 20 ]; echo $?)" "kill -9 after answers ($K of $N answered 200)"
is "$(q "select count(*) from message where wamid like 'wamid.ck.%' and cast(substr(wamid, 10) as int) < $K")" "$K" \
	"every POST answered 200 is in the database"
is "$(q "pragma integrity_check")" ok "which is whole"

# the live pipeline: each event reaches wb-reply as it comes
wb-reply greeting set 'Hello {{name}}' >/dev/null
export WB_VERIFY_TOKEN=t
mkfifo "$T/pipe"
wb-reply auto < "$T/pipe" > "$T/replies" &
RPID=$!
OUT_TO="$T/pipe" start
post "$W/batch-two-entries.json" -H "X-Hub-Signature-256: sha256=$(sign "$W/batch-two-entries.json")" >/dev/null
for _ in $(seq 200); do
	[ "$(wc -l < "$T/replies")" -ge 2 ] && break
	sleep 0.05
done
like "$(cat "$T/replies")" '"to":"447700900123","text":"Hello Tom Hardy"' "a reply comes out while the listener runs"
# and the listener's thread copies the WAL into the database when things
# are quiet: the file alone (immutable: without the WAL) has it all
in_file() { sqlite3 "file:$WB_DB?immutable=1" "select count(*) from message"; }
for _ in $(seq 100); do
	[ "$(in_file)" = "$(q "select count(*) from message")" ] && break
	sleep 0.05
done
is "$(in_file)" "$(q "select count(*) from message")" "the WAL is copied into the database while the listener runs"
kill -TERM "$PID"
wait "$PID" "$RPID"
done_testing
