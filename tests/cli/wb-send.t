#!/bin/sh
# wb-send: content types on the wire (the fake API's log against Meta's
# samples), --dry-run, media upload, JSONL input, usage and config errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
export WB_NOW=2026-11-25T10:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
MEI=8613912345678

exits 78 "no token: configuration missing" -- wb-send --to $MEI --template hello_world
like "$(cat "$T/err")" "^wb-send: WB_PHONE_ID is not set|^wb-send: WB_TOKEN is not set" "names what is missing"
exits 0 "--dry-run needs no token" -- wb-send --dry-run --to "+86 139 1234 5678" --template hello_world
json_same "$(cat "$T/out")" "$(cat "$FIXTURES/send/template-no-params.json")"
ok $? "--dry-run prints the request body (template-no-params.json)"
is "$(sql 'SELECT count(*) FROM message')" "0" "--dry-run stores no message"
exits 0 "dry-run template with header, params and a URL button" -- wb-send --dry-run --to $MEI \
	--template order_shipped --lang en_US --header image:https://example.com/img/parcel.jpg \
	--param Mei --param '#1042' --button 1042
json_same "$(cat "$T/out")" "$(cat "$FIXTURES/send/template.json")"
ok $? "matches template.json"

fake_start
# a customer who wrote an hour ago: the window is open
wb-label apply Paid $MEI >/dev/null
sql "UPDATE contact SET last_in_at = strftime('%s','2026-11-25T09:00:00Z'), name = 'Mei' WHERE wa_id = '$MEI'"

n=0
check() { # check FIXTURE DESCRIPTION -- wb-send ARGS…: sends, compares the body the fake got
	_fx=$1 _d=$2; shift 3
	exits 0 "$_d" -- "$@"
	n=$(api_requests)
	body_is "$n" "$FIXTURES/send/$_fx"
	ok $? "$_d: the API got $_fx"
}
check text-reply.json "a reply" -- wb-send --to $MEI --text "2 boxes reserved." \
	--reply-to "wamid.HBgNODYxMzkxMjM0NTY3OBUCABIYFjNFQjBDMDEyRDk0RTdGMEY0002AA=="
like "$(cat "$T/out")" "^1,$MEI,,wamid\.[^,]+,sent,,,$" "one result row: id, phone, user_id, wamid, sent (no error, tag or template)"
is "$(sql "SELECT status, type, body FROM message WHERE id = 1")" "sent|text|2 boxes reserved." "the row is sent"
is "$(sql "SELECT count(*) FROM status_event WHERE status = 'sent'")" "1" "its status history has sent"
check image-link.json "an image by link" -- wb-send --to $MEI --image https://example.com/img/oolong.jpg --caption "New harvest"
check video.json "a video by link" -- wb-send --to $MEI --video https://example.com/v/brew.mp4 --caption "How to brew"
check location.json "a location" -- wb-send --to $MEI --location 31.2304,121.4737 --name "Lucky Tea House" \
	--address "12 Nanjing Rd, Shanghai"
exits 0 "a location as written" -- wb-send --dry-run --to $MEI --location '37.4611978, -122.0841'
like "$(cat "$T/out")" '"location":\{"latitude":37.4611978,"longitude":-122.0841\}' \
	"keeps its digits in the request, not those of the nearest double"
exits 0 "the API takes it" -- wb-send --to $MEI --location '37.4611978, -122.0841'

exits 65 "a location that is no number" -- wb-send --to $MEI --location 'nan,0'
# --tag: Meta's biz_opaque_callback_data, kept and shown
exits 0 "--tag with a placeholder" -- wb-send --to $MEI --text 'Your order' --tag 'order-{{name}}'
is "$(body_at "$(api_requests)" .biz_opaque_callback_data)" "order-Mei" "the API gets the tag, filled"
like "$(cat "$T/out")" ",sent,,order-Mei,$" "the result row shows it"
is "$(sql "SELECT tag FROM message ORDER BY id DESC LIMIT 1")" "order-Mei" "the message row keeps it"
before=$(api_requests)
exits 65 "a tag over 512 characters" -- wb-send --to $MEI --text x --tag "$(printf 'é%.0s' $(seq 513))"
like "$(cat "$T/err")" "tag is 513 characters; Meta takes 512 at most" "is refused, saying why"
is "$(api_requests)" "$before" "before the API is called"
exits 0 "a tagged message for later" -- wb-send --to $MEI --text later --tag t-later --at '2026-11-25T12:00'
exits 65 "an --at that is no time" -- wb-send --to $MEI --text later --at noonish
like "$(cat "$T/err")" "^wb-send: $MEI: --at: 'noonish': not a time" "names the option"
exits 0 "is in the queue" -- wb-send queue
like "$(cat "$T/out")" ",queued,.*,t-later$" "with its tag"
check reaction.json "a reaction" -- wb-send --to $MEI --react 🙏 \
	--reply-to "wamid.HBgNODYxMzkxMjM0NTY3OBUCABIYFjNFQjBDMDEyRDk0RTdGMEY0001AA=="
check interactive-buttons.json "reply buttons" -- wb-send --to $MEI --text "Confirm order #1042?" \
	--choice "confirm-1042:Confirm order" --choice "cancel-1042:Cancel"
json_get "$FIXTURES/send/interactive-list.json" '$.interactive' >"$T/list.json"
check interactive-list.json "a list from --interactive @FILE" -- wb-send --to $MEI --interactive "@$T/list.json"
printf 'Hi Mei, your oolong ships today 🚚' > "$T/msg.txt"
exits 0 "--text @FILE" -- wb-send --to $MEI --text "@$T/msg.txt"
is "$(body_at "$(api_requests)" .text.body)" \
	"Hi Mei, your oolong ships today 🚚" "reads the text from the file"
printf '\357\273\277Saved by Notepad' > "$T/bom.txt"
exits 0 "--text @FILE with a BOM" -- wb-send --to $MEI --text "@$T/bom.txt" --dry-run
like "$(cat "$T/out")" '"body":"Saved by Notepad"' "the BOM is not part of the message"
exits 0 "--text @- with recipients in arguments" -- sh -c "echo 'from stdin' | wb-send --to $MEI --text @-"
like "$(body_of "$(api_requests)")" '"body": "from stdin"' "reads the text from stdin"
exits 0 "placeholders from the contact" -- wb-send --to $MEI --text 'Hi {{name}}'
like "$(body_of "$(api_requests)")" '"body": "Hi Mei"' "{{name}} is the contact's name"
exits 65 "a placeholder without a value" -- wb-send --to $MEI --text 'Hi {{nickname}}'
like "$(cat "$T/err")" "^wb-send: $MEI: no value for \{\{nickname\}\}" "names the contact and the placeholder"
# bytes that are not UTF-8 (a file, an argument, a CSV cell) would leave
# the request without its text: refused before a row or a request
printf 'Hi \377 there' > "$T/latin1.txt"
before=$(api_requests) rows=$(sql "SELECT count(*) FROM message")
exits 65 "a text that is not UTF-8" -- wb-send --to $MEI --text "@$T/latin1.txt"
is "$(cat "$T/err")" "wb-send: $MEI: --text: not valid UTF-8" "names the contact and the option"
printf 'Hi\000 there' > "$T/nul.txt"
exits 65 "a text file holding a NUL byte" -- wb-send --to $MEI --text "@$T/nul.txt"
is "$(cat "$T/err")" "wb-send: --text: $T/nul.txt: a NUL byte, which text does not hold (a UTF-16 file? save it as UTF-8)" \
	"is refused, not sent cut to 'Hi'"
exits 65 "a --reply-to that is not UTF-8" -- wb-send --to $MEI --text x --reply-to "wamid.$(printf '\377')"
is "$(cat "$T/err")" "wb-send: $MEI: --reply-to: not valid UTF-8" "is named (it went out without its context)"
is "$(api_requests) $(sql "SELECT count(*) FROM message")" "$before $rows" "no request, no message row"

# media: a local file is uploaded, then sent by id
printf '\377\330\377\340 a tiny jpeg' > "$T/tea.jpg"
before=$(api_requests)
exits 0 "an image file" -- wb-send --to $MEI --image "$T/tea.jpg" --caption "New harvest"
is "$(sed -n "$((before + 1))p" "$T/api.log" | grep -c '"path":"/v26.0/106540352242922/media".*"type":"image/jpeg"')" "1" \
	"uploaded first, as image/jpeg"
like "$(body_of "$((before + 2))")" '"image": \{"id": "[0-9]+", "caption": "New harvest"\}' "then sent by id"
printf 'OggS\0 a voice note' > "$T/note.ogg"
exits 0 "a voice note" -- wb-send --to $MEI --audio "$T/note.ogg" --voice
like "$(body_of "$(api_requests)")" '"type": "audio", "audio": \{"id": "[0-9]+", "voice": true\}' \
	"audio by id, marked as a voice note as Meta documents it"
exits 0 "plain audio" -- wb-send --to $MEI --audio "$T/note.ogg"
like "$(body_of "$(api_requests)")" '"audio": \{"id": "[0-9]+"\}' "is not"
exits 65 "--voice with an mp3" -- wb-send --to $MEI --audio "$T/tea.jpg" --voice
exits 66 "a missing file" -- wb-send --to $MEI --document "$T/nope.pdf"
head -c 6000000 /dev/zero | tr '\0' 'x' > "$T/big.jpg"; printf '\377\330\377' | dd of="$T/big.jpg" conv=notrunc 2>/dev/null
before=$(api_requests)
exits 65 "an image over 5 MB" -- wb-send --to $MEI --image "$T/big.jpg"
like "$(cat "$T/err")" "limited to 5120 KB" "says the limit"
is "$(api_requests)" "$before" "nothing reached the API"
exits 0 "a document with a file name" -- wb-send --to $MEI --document "$T/msg.txt" --filename invoice.txt --caption c
like "$(body_of "$(api_requests)")" '"filename": "invoice.txt"' "carries the filename"

# JSONL message objects, as wb-reply auto writes them
printf '%s\n' '{"to":"'$MEI'","text":"Hi Sheena","reply_to":"wamid.IN1","key":"auto:wamid.IN1","auto":"greeting"}' \
	'{"to":"'$MEI'","template":"order_shipped","lang":"en_US","param":["A-77"]}' > "$T/msgs.jsonl"
exits 0 "JSONL on stdin with -" -- sh -c "wb-send - -o csv < '$T/msgs.jsonl'"
is "$(tail -n +2 "$T/out" | cut -d, -f5 | tr '\n' ' ')" "sent sent " "both sent"
is "$(sql "SELECT auto, idem_key FROM message WHERE reply_to = 'wamid.IN1'")" "greeting|auto:wamid.IN1" \
	"auto and key are stored"
exits 0 "the same lines again" -- sh -c "wb-send - -o csv < '$T/msgs.jsonl'"
is "$(tail -n +2 "$T/out" | cut -d, -f5 | tr '\n' ' ')" "duplicate sent " "the keyed reply is a duplicate"
exits 65 "a bad JSONL line" -- sh -c "printf '{\"to\":\"$MEI\"}\n' | wb-send -"
like "$(cat "$T/err")" "^wb-send: stdin:1: nothing to send" "names the line"
exits 65 "not JSON" -- sh -c "printf 'hello\n' | wb-send -"
printf '{"to":"%s","text":"a\\u0000b"}\n' $MEI > "$T/nul.jsonl"
exits 65 "a NUL in a JSONL text" -- wb-send - < "$T/nul.jsonl"
is "$(cat "$T/err" | head -n1)" 'wb-send: stdin:1: not JSON: a \u0000 (NUL) character, which no text may hold' \
	"in words, not a jansson flag's name"
# a file an editor saved: a BOM first, CRLF line ends
printf '\357\273\277{"to":"%s","text":"from Notepad"}\r\n' $MEI >"$T/bom.jsonl"
exits 0 "a JSONL file with a BOM and CRLF" -- wb-send - --dry-run < "$T/bom.jsonl"
like "$(cat "$T/out")" '"body":"from Notepad"' "is read"
exits 65 "a misspelt key" -- sh -c "printf '%s\n' '{\"to\":\"$MEI\",\"text\":\"x\",\"ky\":\"k1\"}' | wb-send -"
like "$(cat "$T/err")" '^wb-send: stdin:1: unknown key "ky"' "is an error for its line, not ignored"
is "$(sql "SELECT count(*) FROM message WHERE body = 'x'")" 0 "and nothing is sent without its key"
# a bad line costs only itself
{ echo '{"to":"'$MEI'","text":"good 1"}'; echo 'nope'; echo '{"to":"not a phone","text":"x"}'
  head -c 1100000 /dev/zero | tr '\0' x; echo; echo '{"to":"'$MEI'","text":"{{nosuch}}"}'
  echo '{"to":"16505550999","text":"never wrote"}'; echo '{"to":"'$MEI'","text":"good 2"}'; } > "$T/mixed.jsonl"
exits 65 "good lines between bad ones" -- sh -c "wb-send - -o csv < '$T/mixed.jsonl'"
is "$(tail -n +2 "$T/out" | cut -d, -f5 | tr '\n' ' ')" "sent refused sent " "are sent; a rule's refusal is a row"
is "$(grep -o '^wb-send: stdin:[0-9]*' "$T/err" | tr '\n' ' ')" \
	"wb-send: stdin:2 wb-send: stdin:3 wb-send: stdin:4 wb-send: stdin:5 wb-send: stdin:6 " "every other line is named"
like "$(tail -1 "$T/err")" "4 lines not sent \(said above\), 0 failed, 1 refused" "and counted at the end"
# placeholders are filled once, by whoever owns the text
printf '%s\n' '{"to":"'$MEI'","text":"Hi {{name}}"}' '{"to":"'$MEI'","text":"Hi {{name}}","rendered":true}' |
	wb-send - --dry-run > "$T/out"
is "$(jq -r .text.body "$T/out" | tr '\n' '|')" "Hi Mei|Hi {{name}}|" \
	"a hand-written line is filled; a line marked rendered is sent as it is"
exits 0 "--rendered on the command line" -- wb-send --dry-run --to $MEI --text 'Use {{code}}' --rendered
like "$(cat "$T/out")" '"body":"Use \{\{code\}\}"' "sends the braces as they are"
printf 'phone,note\n%s,{{name}} {{nosuch}}\n' $MEI > "$T/cells.csv"
exits 0 "a CSV cell holding {{...}}" -- sh -c "wb-send --dry-run --text 'Note: {{note}}' < '$T/cells.csv'"
like "$(cat "$T/out")" '"body":"Note: \{\{name\}\} \{\{nosuch\}\}"' "is data, not a placeholder"
# a live pipe: the first line is answered before the second is written
mkfifo "$T/fifo"
( wb-send - -o csv < "$T/fifo" > "$T/live.out" ) &
live=$!
exec 3>"$T/fifo"
printf '%s\n' '{"to":"'$MEI'","text":"first","force":true}' >&3
while ! grep -q ',sent,' "$T/live.out" 2>/dev/null; do sleep 0.05; done
ok 0 "a line is sent as it arrives, before the stream ends"
exec 3>&-
wait $live

exits 64 "unknown option" -- wb-send --frob
exits 64 "two contents" -- wb-send --to $MEI --text a --template b
exits 64 "no content" -- wb-send --to $MEI
exits 64 "--param without --template" -- wb-send --to $MEI --text a --param x
exits 65 "a bad --rate" -- wb-send --to $MEI --text a --rate fast
exits 64 "a bad --auto" -- wb-send --to $MEI --text a --auto sometimes
exits 64 "--retry-unknown without flush" -- wb-send --to $MEI --text a --retry-unknown
exits 64 "unknown subcommand" -- wb-send frob
exits 65 "a bad phone" -- wb-send --to not-a-phone --template t
exits 65 "a bad location" -- wb-send --to $MEI --location north
# --quick: a quick reply (wb-reply's table), placeholders filled for the recipient
wb-reply quick add /thanks 'Thank you {{name}}, see you at {{business}}!' >/dev/null
wb-profile set name='Lucky Tea' >/dev/null
exits 0 "--quick sends a quick reply's text" -- wb-send --dry-run --to $MEI --quick /thanks
like "$(cat "$T/out")" '"body":"Thank you Mei, see you at Lucky Tea!"' "with its placeholders filled"
exits 65 "--quick of no such quick reply" -- wb-send --dry-run --to $MEI --quick /nope
like "$(cat "$T/err")" "/nope: no such quick reply" "names it"
exits 0 "--help" -- wb-send --help
like "$(cat "$T/out")" "^usage: wb-send" "prints usage"
exits 0 "--version" -- wb-send -V
grep -q "$FAKE_TOKEN" "$T/out" "$T/err" "$WB_DB" 2>/dev/null
ok $((! $?)) "the token is in no output and not in the database"
done_testing
