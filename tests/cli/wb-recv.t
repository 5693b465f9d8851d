#!/bin/sh
# wb-recv: every message type and status in the fixtures, idempotence,
# contacts, opt-out words, bad input, streams, and the HTTP listener.
. "$(dirname "$0")/lib.sh"
W="$FIXTURES/webhook"
q() { sqlite3 "$WB_DB" "$1"; }

for f in "$W"/msg-*.json; do
	t=$(basename "$f" .json)
	exits 0 "ingest $t" -- wb-recv "$f"
	is "$(wc -l < "$T/out" | tr -d ' ')" 1 "$t: one event"
	like "$(cat "$T/out")" '^\{"event":"message","wamid":"wamid\.[^"]+","from":"8613912345678","name":"Mei Chen 陈梅","ts":"2025-11-25T' "$t: event head"
done
ev() { wb-recv "$W/$1.json" 2>&1; }
is "$(q "select count(*) from message where direction='in'")" 14 "14 messages stored"
is "$(q "select type||'|'||coalesce(body,'')||'|'||coalesce(media_id,'')||'|'||coalesce(media_mime,'') from message where wamid like '%0004AA=='")" \
	"audio||907733961375410|audio/ogg; codecs=opus" "audio: media id and mime stored"
is "$(q "select body||'|'||media_id||'|'||media_mime from message where type='image'")" \
	"This one?|1284061392617345|image/jpeg" "image: caption, id, mime"
is "$(q "select count(*) from message where type in ('video','document','sticker') and media_id is not null")" 3 "video, document, sticker media"
is "$(q "select reply_to from message where wamid like '%0002AA=='")" "wamid.HBgNODYxMzkxMjM0NTY3OBUCABEYEjQwRjE0QzBBQTg4MDQ2QjI1AA==" "reply context kept"
is "$(q "select body||'|'||reply_to from message where type='reaction'")" "👍|wamid.HBgNODYxMzkxMjM0NTY3OBUCABEYEjc3RDE4MEY4Q0Q5NjRGMzQ2AA==" "reaction: emoji and target"
is "$(q "select error_code from message where type='unsupported'")" 131051 "unsupported: error kept"
like "$(q "select payload from message where type='unsupported'")" '"type":"unsupported"' "unsupported: raw JSON stored"
is "$(q "select count(*) from message where payload is null")" 0 "every message keeps its raw JSON"
long=$(printf '%06000d' 7)
sed -e "s/0001AA==/LONGAA==/" -e "s/你好, is the oolong in stock?/$long/" "$W/msg-text.json" > "$T/long.json"
exits 0 "a message larger than the usual buffer" -- wb-recv -q "$T/long.json"
is "$(q "select length(payload) > 6000 and json_extract(payload, '$.text.body') = '$long' from message
	where wamid like '%LONGAA=='")" 1 "keeps all of its raw JSON"
q "delete from message where wamid like '%LONGAA=='"
is "$(q "select wa_id||'|'||profile_name from contact")" "8613912345678|Mei Chen 陈梅" "contact from the profile name"
is "$(q "select last_in_at from contact")" 1764050840 "last_in_at is the latest message"

# event fields per type
exits 0 "re-ingest is quiet" -- wb-recv "$W/msg-location.json"
is "$(cat "$T/out")" "" "a re-delivered webhook emits nothing"
is "$(q "select count(*) from message")" 14 "and stores nothing"
rm -f "$WB_DB"*
like "$(ev msg-location)" '"location":\{"lat":31.2304,"lon":121.4737,"name":"People.s Square","address":"Huangpu, Shanghai"\}' "location event"
like "$(ev msg-audio-voice)" '"media":\{"id":"907733961375410","mime":"audio/ogg; codecs=opus".*"voice":true' "voice event"
like "$(ev msg-document)" '"text":"my order","media":\{.*"filename":"order-1042.pdf"' "document event"
like "$(ev msg-button)" '"button":\{"text":"Stop promotions","payload":"STOP_PROMOTIONS"\}' "button event"
like "$(ev msg-interactive-button-reply)" '"interactive":\{"id":"confirm-1042","title":"Confirm order","type":"button_reply"\}' "button_reply event"
like "$(ev msg-interactive-list-reply)" '"interactive":\{"id":"slot-tue-10","title":"Tue 10:00","description":"Tasting session","type":"list_reply"\}' "list_reply event"
like "$(ev msg-reaction)" '"reaction":\{"to":"wamid\.[^"]+","emoji":"👍"\}' "reaction event"
like "$(ev msg-contacts)" '"contacts":\[\{"name":\{"formatted_name":"Li Lei"' "contacts event"
like "$(ev msg-sticker)" '"media":\{"id":"783145926381045","mime":"image/webp".*"animated":false' "sticker event"
like "$(ev msg-text-reply-context)" '"text":"Yes please, 2 boxes","reply_to":"wamid\.' "reply_to event"
like "$(ev msg-unsupported)" '"type":"unsupported","raw":\{.*"error":\{"code":131051' "unsupported event"
like "$(ev msg-video)" '"text":"unboxing","media":\{"id":"1029384756473829"' "video event"

# statuses: recorded, forward only, kept for unknown wamids
for s in sent delivered read failed; do
	exits 0 "status $s" -- wb-recv "$W/status-$s.json"
	like "$(cat "$T/out")" "^\\{\"event\":\"status\",\"wamid\":\"wamid\\.[^\"]+\",\"to\":\"8613912345678\",\"ts\":\"[^\"]+\",\"status\":\"$s\"" "status $s event"
done
like "$(wb-recv "$W/status-failed.json"; cat "$T/out")" '"error":\{"code":131047,"text":"Message failed to send' "failed carries the error"
is "$(q "select count(*) from status_event")" 4 "statuses for unknown messages are kept"
exits 0 "a repeated status" -- wb-recv "$W/status-read.json"
is "$(cat "$T/out")" "" "emits nothing"
WAMID=wamid.HBgNODYxMzkxMjM0NTY3OBUCABEYEjQwRjE0QzBBQTg4MDQ2QjI1AA==
q "insert into message (wamid, contact_id, direction, type, ts, status) select 'wamid.OUT1', id, 'out', 'text', 1, 'sent' from contact"
sed "s/$WAMID/wamid.OUT1/" "$W/status-read.json" > "$T/read.json"
sed "s/$WAMID/wamid.OUT1/" "$W/status-sent.json" > "$T/sent.json"
wb-recv "$T/read.json" "$T/sent.json" >/dev/null
is "$(q "select status from message where wamid='wamid.OUT1'")" read "a late sent does not move read back"

# batches: two entries, contacts, a status
exits 0 "a batch" -- wb-recv "$W/batch-two-entries.json"
is "$(cut -c1-60 "$T/out" | grep -c '"event":"message"')" 2 "two messages"
is "$(grep -c '"event":"status"' "$T/out")" 1 "and a status"
is "$(q "select profile_name from contact where wa_id='447700900123'")" "Tom Hardy" "second contact named"

# streams on stdin: JSONL and pretty documents back to back
rm -f "$WB_DB"*
cat "$W/msg-text.json" "$W/msg-image.json" | wb-recv > "$T/s"
is "$(wc -l < "$T/s" | tr -d ' ')" 2 "pretty documents back to back"
for f in "$W"/msg-*.json; do tr -d '\n' < "$f"; echo; done | wb-recv > "$T/s"
is "$(wc -l < "$T/s" | tr -d ' ')" 12 "JSONL stream: only the new ones"
exits 0 "- reads stdin" -- sh -c "wb-recv - < '$W/msg-text.json'"

# opt-out words
rm -f "$WB_DB"*
mk() { sed -e "s/\"body\": \"[^\"]*\"/\"body\": \"$2\"/" -e "s/0001AA==/$1AA==/" "$W/msg-text.json"; }
mk 0901 " stop " | wb-recv >/dev/null
is "$(q "select opted_out from contact")" 1 "STOP (any case, padded) opts out"
mk 0902 "Start" | wb-recv >/dev/null
is "$(q "select opted_out from contact")" 0 "START opts back in"
mk 0903 "please stop sending" | wb-recv >/dev/null
is "$(q "select opted_out from contact")" 0 "not a whole-message STOP"
wb-reply words --stop "ALTO,停止" --start "VOLVER" >/dev/null
mk 0904 "停止" | wb-recv >/dev/null
is "$(q "select opted_out from contact")" 1 "configured opt-out word"
mk 0905 "volver" | wb-recv >/dev/null
is "$(q "select opted_out from contact")" 0 "configured opt-in word"

# bad input
printf 'not json' > "$T/bad.json"
exits 3 "not JSON: quarantined" -- wb-recv "$T/bad.json"
like "$(cat "$T/err")" "^wb-recv: .*bad.json: offset 0 \\(line 1\\): not JSON \\(at byte 3 of it\\).* \\(quarantined\\)" "names file and offset"
# a NUL in a customer's text is valid JSON: the message is kept, the NUL
# shown as U+FFFD, not the whole delivery quarantined
mk 0906 'a\\u0000b' > "$T/nul.json"
exits 0 "a text holding \\u0000: stored" -- wb-recv "$T/nul.json"
is "$(q "select hex(body) from message where wamid like '%0906AA=='")" "61EFBFBD62" "its NUL is U+FFFD"
like "$(cat "$T/out")" '"text":"a�b"' "so is the event's"
printf '{"object":"page","entry":[]}' > "$T/bad.json"
exits 3 "not a webhook: quarantined" -- wb-recv "$T/bad.json"
like "$(cat "$T/err")" "not a WhatsApp webhook" "says so"
head -c 300 "$W/msg-text.json" > "$T/trunc.json"
exits 65 "truncated" -- wb-recv "$T/trunc.json"
like "$(cat "$T/err")" "trunc.json: offset 0: truncated document" "says truncated"
sed 's/"from": "8613912345678"/"from": "x"/' "$W/msg-video.json" > "$T/bad.json"
exits 3 "a bad sender: quarantined" -- wb-recv "$T/bad.json"
like "$(cat "$T/err")" 'messages\[0\]: "from" is not a WhatsApp number' "names the field"
is "$(q "select count(*) from message where type='video'")" 0 "nothing stored from it"
{ tr -d '\n' < "$W/msg-video.json"; echo; echo '{"object":'; } > "$T/mixed.jsonl"
exits 65 "a good document then a bad one" -- wb-recv "$T/mixed.jsonl"
like "$(cat "$T/err")" "mixed.jsonl: offset [0-9]+: truncated document \\(line 2\\)" "offset and line of the bad one"
is "$(q "select count(*) from message where type='video'")" 1 "the good one before it is kept"
is "$(wc -l < "$T/out" | tr -d ' ')" 1 "and its event written"
exits 66 "a missing file" -- wb-recv "$T/nope.json"
exits 64 "unknown option" -- wb-recv --frob
exits 64 "-o other than jsonl" -- wb-recv -o csv "$W/msg-text.json"
exits 64 "--insecure without --listen" -- wb-recv --insecure
exits 64 "--listen with files" -- wb-recv --listen 127.0.0.1:0 "$W/msg-text.json"
exits 64 "bad --timeout" -- wb-recv --listen 127.0.0.1:0 --timeout 0
exits 64 "bad --max-body" -- wb-recv --listen 127.0.0.1:0 --max-body lots
exits 78 "--listen needs the app secret" -- wb-recv --listen 127.0.0.1:0
exits 0 "-q stores quietly" -- wb-recv -q "$W/msg-sticker.json"
is "$(cat "$T/out")" "" "no events with -q"
exits 0 "--help" -- wb-recv --help
like "$(cat "$T/out")" "^usage: wb-recv" "usage"
exits 0 "--version" -- wb-recv --version
done_testing
