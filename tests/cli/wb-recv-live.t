#!/bin/sh
# wb-recv --listen under trouble: its reader goes away (EPIPE: an error, a
# 503, and --replay --since writes again what was stored), another process
# holds the write lock (handshakes and refusals go on; a signed POST gets
# 503 after a bounded wait), and hundreds of slow clients (good POSTs are
# still answered; the slow ones are closed). No assertion on how fast.
. "$(dirname "$0")/lib.sh"
W="$FIXTURES/webhook"
export WB_APP_SECRET=test-app-secret WB_VERIFY_TOKEN=test-verify-token
sign() { openssl dgst -sha256 -hmac "$WB_APP_SECRET" -r < "$1" | cut -d' ' -f1; }
# post FILE [CURL ARGS]: a signed POST of FILE; prints the HTTP status
post() { _f=$1; shift; curl -s -o /dev/null --max-time 5 -w '%{http_code}' -X POST \
	-H "X-Hub-Signature-256: sha256=$(sign "$_f")" --data-binary "@$_f" "$@" "$URL"; }

# ---- the reader goes away: wb-recv --listen | head -n1
mkfifo "$T/pipe"
head -n1 < "$T/pipe" > "$T/first" &
HEAD=$!
listener "$T/pipe"
is "$(post "$W/msg-text.json")" 200 "the first message: 200"
wait $HEAD
is "$(wc -l < "$T/first" | tr -d ' ')" 1 "and its event reached the reader"
is "$(post "$W/msg-image.json")" 503 "the reader gone: the next is answered 503, so Meta tries again"
wait $PID
is "$?" 74 "the listener stops with 74 (I/O error)"
like "$(cat "$T/log")" "standard output: the reader is gone \(broken pipe\)" "and says why on stderr"
is "$(sqlite3 "$WB_DB" "select count(*) from message where type = 'image'")" 1 "the message it could not write is stored"

# what was stored and not written is written again, as it would have been
exits 0 "--replay --since" -- wb-recv --replay --since 2025-11-01
sed -n 1p "$T/out" > "$T/replayed-first"
is "$(cat "$T/replayed-first")" "$(cat "$T/first")" "the event written live comes again, the same line"
WB_DB="$T/other.db" wb-recv < "$W/msg-image.json" > "$T/image-event"
is "$(sed -n 2p "$T/out")" "$(cat "$T/image-event")" "the one never written comes as wb-recv writes it"
like "$(cat "$T/err")" "replayed 2 events stored since 2025-11-01" "and says how many"
# what wb-reply auto answered once it does not answer again when replayed
wb-reply greeting set 'Welcome {{name}}' >/dev/null
wb-recv --replay --since 2025-11-01 2>/dev/null | wb-reply auto > "$T/replies1"
wb-recv --replay --since 2025-11-01 2>/dev/null | wb-reply auto > "$T/replies2"
is "$(wc -l < "$T/replies1" | tr -d ' '),$(wc -l < "$T/replies2" | tr -d ' ')" "1,0" \
	"a replay into wb-reply auto: one greeting, and none the second time"
exits 0 "--replay --since after the last" -- wb-recv --replay --since 2026-01-01
is "$(cat "$T/out")" "" "nothing stored since: nothing written"
exits 65 "--since that is no time" -- wb-recv --replay --since yesteryear
exits 64 "--replay without --since" -- wb-recv --replay
exits 64 "--replay with -q" -- wb-recv --replay --since -1h -q
exits 64 "--path that is no path" -- wb-recv --listen 127.0.0.1:0 --path webhook
exits 64 "--path without --listen" -- wb-recv --path /webhook

# every kind of message and status, replayed, is what wb-recv wrote for it
export WB_DB="$T/all.db"
cat "$W"/*.json | wb-recv > "$T/live"
wb-recv --replay --since 2000-01-01 > "$T/replay" 2>/dev/null
is "$(sort "$T/replay" | cksum)" "$(sort "$T/live" | cksum)" "a replay of every fixture is the live events, line for line"
listener "$T/listen-events" --replay --since 2000-01-01
is "$(wc -l < "$T/listen-events" | tr -d ' ')" "$(wc -l < "$T/live" | tr -d ' ')" "--listen --replay writes the stored events before it listens"
kill -TERM $PID; wait $PID

# ---- another process holds the write lock
export WB_DB="$T/locked.db" WB_LISTEN_BUSY_MS=300
wb-recv < /dev/null
mkfifo "$T/sql"
sqlite3 "$WB_DB" < "$T/sql" > "$T/held" &
SQL=$!
exec 3> "$T/sql"
echo "BEGIN IMMEDIATE; SELECT 'held';" >&3
while ! grep -q held "$T/held"; do sleep 0.02; done
listener /dev/null
post "$W/msg-text.json" > "$T/locked-code" 3>&- &
CURL=$!
is "$(curl -s --max-time 5 "$URL?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=77")" 77 \
	"the handshake is answered while the database is locked"
is "$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' -X POST --data-binary @"$W/msg-video.json" "$URL")" 401 \
	"an unsigned POST is refused while it is locked"
wait $CURL
is "$(cat "$T/locked-code")" 503 "a signed POST gets 503 once WB_LISTEN_BUSY_MS has passed"
like "$(cat "$T/log")" "database is locked: 1 webhook answered 503" "the log says so"
echo "COMMIT;" >&3
exec 3>&-
wait $SQL
is "$(post "$W/msg-text.json")" 200 "the lock released: 200"
kill -TERM $PID; wait $PID
is "$?" 0 "and a clean exit"
WB_LISTEN_BUSY_MS=soon wb-recv --listen 127.0.0.1:0 2> "$T/err"
is "$?" 78 "WB_LISTEN_BUSY_MS that is no number: 78"
unset WB_LISTEN_BUSY_MS
WB_CHECKPOINT_PAGES=0 wb-recv --listen 127.0.0.1:0 2> "$T/err"
is "$?:$(cat "$T/err")" "78:wb-recv: WB_CHECKPOINT_PAGES '0': pages, 1 to 1000000" "WB_CHECKPOINT_PAGES below 1: 78"

# ---- slow clients: 300 connections, one byte each half second, from
# three addresses (64 at most each: the rest are turned away at once),
# and a second to send a whole request
listener /dev/null --timeout 1
"$TOP/build/bench/slow-clients" -n 300 -a 127.0.0.2,127.0.0.3,127.0.0.4 -i 500 -t 20 -r "$T/ready" \
	127.0.0.1 "$PORT" > "$T/slow" &
SLOW=$!
while [ ! -s "$T/ready" ] && kill -0 $SLOW 2>/dev/null; do sleep 0.02; done
is "$(post "$W/msg-text.json")$(post "$W/msg-image.json")$(post "$W/msg-video.json")" 200200200 \
	"signed POSTs are answered while 300 slow connections are open"
wait $SLOW
is "$(cat "$T/slow")" "closed 300 of 300" "every slow connection is closed by the listener"
like "$(cat "$T/log")" "closed [0-9]+ connections that sent no whole request within 1 s" "and it says so"
kill -TERM $PID; wait $PID

# one address may hold --max-conn connections; the next is closed at once
listener /dev/null --max-conn 2 --timeout 60
"$TOP/build/bench/slow-clients" -n 3 -a 127.0.0.5 -i 60000 -e 1 -t 20 127.0.0.1 "$PORT" > "$T/slow"
is "$(cat "$T/slow")" "closed 1 of 3" "--max-conn 2: a third connection from one address is refused"
kill -TERM $PID; wait $PID
done_testing
