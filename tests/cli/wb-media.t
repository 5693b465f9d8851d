#!/bin/sh
# wb-media get over real HTTP against the fake: a received image by its
# wamid and by its media id, the path on the message, an expired URL
# looked up again, a wrong sha256 or size refused with no file left, an
# unknown wamid or media id; a contact known by user ID only; and
# wb-recv --fetch-media from files and under --listen (the downloads on a
# thread of their own: a held download holds up no answer to Meta).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
q() { sqlite3 "$WB_DB" "$1"; }
fake_start
# register ID MIME FILE [KNOBS]: a medium the fake serves
register() {
	curl -sf -X POST --data-binary "@$3" "$FAKE_URL/_fake/media?id=$1&mime=$2${4:+&$4}" >/dev/null
}
WAMID='wamid.HBgNODYxMzkxMjM0NTY3OBUCABIYFjNFQjBDMDEyRDk0RTdGMEY0003AA=='
printf '\377\330\377\340 a photo of tea\000 with a NUL' > "$T/photo.jpg"
register 1284061392617345 image/jpeg "$T/photo.jpg"
wb-recv "$FIXTURES/webhook/msg-image.json" >/dev/null
mkdir "$T/dl"

exits 0 "get by wamid into a directory" -- wb-media get "$WAMID" -O "$T/dl" -o tsv --no-header
cmp -s "$T/photo.jpg" "$T/dl/1284061392617345.jpg"; ok $? "the bytes arrive whole, named MEDIA_ID.EXT"
like "$(cat "$T/out")" "^$WAMID	1284061392617345	image/jpeg	31	[0-9a-f]{64}	$T/dl/1284061392617345.jpg\$" "the row names what was saved"
is "$(q "select media_path from message where wamid = '$WAMID'")" "$T/dl/1284061392617345.jpg" "the path is recorded on the message"
like "$(wb-contact log 8613912345678 -o csv --no-header)" ",$T/dl/1284061392617345.jpg\$" "wb-contact log shows it last"
is "$(grep -c '"path":"/_media/' "$T/api.log")" 1 "one download"

exits 0 "get by media id into a file" -- wb-media get 1284061392617345 -O "$T/copy"
cmp -s "$T/photo.jpg" "$T/copy"; ok $? "the file has the bytes"

register 5550000000000001 application/pdf "$T/photo.jpg" expire=1
exits 0 "an expired URL is looked up again" -- wb-media get 5550000000000001 -O "$T/dl/"
cmp -s "$T/photo.jpg" "$T/dl/5550000000000001.pdf"; ok $? "and the download then succeeds"
is "$(grep -c '"path":"/v26.0/5550000000000001"' "$T/api.log")" 2 "two look-ups"

register 5550000000000002 image/png "$T/photo.jpg" expire=5
exits 65 "a URL that stays expired gives up after 3 look-ups" -- wb-media get 5550000000000002 -O "$T/dl"
is "$(grep -c '"path":"/v26.0/5550000000000002"' "$T/api.log")" 3 "three look-ups, no more"

register 5550000000000003 image/jpeg "$T/photo.jpg" sha256=wrong
exits 65 "a wrong sha256 is refused (bad data)" -- wb-media get 5550000000000003 -O "$T/dl"
like "$(cat "$T/err")" "sha256" "the message says why"
register 5550000000000004 image/jpeg "$T/photo.jpg" size=99
exits 65 "a size that differs is refused" -- wb-media get 5550000000000004 -O "$T/dl"
like "$(cat "$T/err")" "31 bytes came, Meta gave the size as 99" "the message names both sizes"
is "$(ls "$T/dl" | tr '\n' ' ')" "1284061392617345.jpg 5550000000000001.pdf " "nothing half-written is left"

exits 1 "an unknown wamid: no such thing" -- wb-media get wamid.nosuch
like "$(cat "$T/err")" "wamid.nosuch: no such message" "names it"
exits 65 "an unknown media id (the API's refusal)" -- wb-media get 9990000000000000 -O "$T/dl"
# a contact known by user ID only: its log shows the path too
q "insert into contact (user_id, created_at, updated_at) values ('US.13491208655302741918', 1, 1);
	insert into message (wamid, contact_id, direction, type, media_id, ts, status)
	select 'wamid.U1', id, 'in', 'document', '5550000000000001', 7, 'received' from contact where user_id like 'US.%'"
exits 0 "get for a contact without a phone" -- wb-media get wamid.U1 -O "$T/u.pdf"
# a webhook's media id is outside text: '../' would leave the API's URL
# path and the directory; refused before any request
q "insert into message (wamid, contact_id, direction, type, media_id, ts, status)
	select 'wamid.U2', id, 'in', 'image', '../../x', 8, 'received' from contact where user_id like 'US.%'"
before=$(api_requests)
exits 65 "a media id that is not Meta's" -- wb-media get wamid.U2 -O "$T/dl"
is "$(cat "$T/err") $(api_requests)" "wb-media: media id '../../x': not one of Meta's (digits) $before" "is named, nothing asked"
like "$(wb-contact log US.13491208655302741918 -o csv --no-header)" "^[^,]*,,US\.13491208655302741918,in,document,.*,$T/u.pdf\$" \
	"its log shows the path"

exits 65 "a message without a medium" -- sh -c "wb-recv '$FIXTURES/webhook/msg-text.json' >/dev/null &&
	wb-media get \$(sqlite3 '$WB_DB' \"select wamid from message where type = 'text'\")"

# wb-recv --fetch-media: the voice note is fetched once stored; the
# document the API does not know is a warning, its message and event kept
mkdir "$T/in"
printf 'OggS voice' > "$T/voice.ogg"
register 907733961375410 'audio/ogg%3B%20codecs%3Dopus' "$T/voice.ogg"
cat "$FIXTURES/webhook/msg-audio-voice.json" "$FIXTURES/webhook/msg-document.json" > "$T/two.json"
exits 0 "wb-recv --fetch-media" -- wb-recv --fetch-media "$T/in" "$T/two.json"
is "$(grep -c '"event":"message"' "$T/out")" 2 "both events are written"
cmp -s "$T/voice.ogg" "$T/in/907733961375410.ogg"; ok $? "the voice note is in the directory"
is "$(q "select count(*) from message where media_path = '$T/in/907733961375410.ogg'")" 1 "its path is recorded"
like "$(cat "$T/err")" "0006AA==: the medium was not fetched: .*wb-media get takes it later" "the failed one is a warning"
is "$(q "select count(*) from message where media_id = '620348195637281' and media_path is null")" 1 "its message is stored"
exits 0 "a message stored again fetches nothing" -- wb-recv --fetch-media "$T/in" "$T/two.json"
is "$(cat "$T/err")" "" "no download tried"
exits 73 "--fetch-media needs a directory" -- wb-recv --fetch-media "$T/photo.jpg" "$T/two.json"
exits 64 "--fetch-media does not go with quarantine" -- wb-recv --fetch-media "$T/in" quarantine

# --listen --fetch-media: the fake answers the first request (the video's
# look-up) and holds every later one (its download) until told; the
# listener answers both webhooks and writes both events meanwhile
register 1029384756473829 video/mp4 "$T/photo.jpg"
register 783145926381045 image/webp "$T/voice.ogg"
mkdir "$T/live"
fake_faults '{"stall_after":1}'
listener "$T/events" --insecure --fetch-media "$T/live"
post() { curl -s -m 20 -o /dev/null -w '%{http_code}' -X POST --data-binary "@$FIXTURES/webhook/$1" "$URL"; }
is "$(post msg-video.json)" 200 "a webhook with a video is answered"
is "$(post msg-sticker.json)" 200 "so is the next, the video's download held"
is "$(grep -c '"event":"message"' "$T/events")" 2 "both events are written"
is "$(q "select count(*) from message where type in ('video', 'sticker') and media_path is null")" 2 \
	"both stored, neither fetched yet"
fake_faults '{"stall_after":0}'
for _ in $(seq 500); do
	[ "$(q "select count(*) from message where media_path like '$T/live/%'")" = 2 ] && break
	sleep 0.02
done
cmp -s "$T/photo.jpg" "$T/live/1029384756473829.mp4" && cmp -s "$T/voice.ogg" "$T/live/783145926381045.webp"
ok $? "once let go, both media are fetched, their paths recorded"
kill -TERM "$PID"
wait "$PID"
is "$?" 0 "and the listener ends cleanly"

done_testing
