#!/bin/sh
# Texts that cannot go wrong later: greeting, away and quick replies
# refuse unknown {{placeholders}} when set; the away message says when
# the business opens again ({{opens_at}}); quick replies are edited with
# their keywords kept, and carry an image or a document that wb-send
# --quick and wb-reply auto's keyword replies send with the text.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
q() { sqlite3 "$WB_DB" "$1"; }
MEI=8613912345678
# event ID UNIXTIME TEXT: Mei's text message, as a webhook body
event() {
	sed -e "s/\"body\": \"[^\"]*\"/\"body\": \"$3\"/" -e "s/\"id\": \"wamid[^\"]*\"/\"id\": \"wamid.$1\"/" \
	    -e "s/\"timestamp\": \"[0-9]*\"/\"timestamp\": \"$2\"/" "$FIXTURES/webhook/msg-text.json"
}
wb-profile set name='Lucky Tea' timezone=Asia/Shanghai >/dev/null
wb-profile hours mon-fri 09:00-12:00,13:00-18:00 >/dev/null

exits 65 "greeting set with an unknown placeholder" -- wb-reply greeting set 'Hi {{nmae}}!'
is "$(cat "$T/err")" "wb-reply: greeting: {{nmae}} is not a placeholder it can fill (known: name, phone, wa_id, user_id, username, profile_name, business)" \
	"is refused, listing the known ones"
is "$(q "SELECT count(*) FROM setting WHERE key LIKE 'greeting.%'")" 0 "and nothing is saved"
exits 65 "{{opens_at}} is the away message's alone" -- wb-reply greeting set 'Back {{opens_at}}'
exits 0 "the away message may say when the business opens again" -- \
	wb-reply away set 'Closed now, {{name}}; back {{opens_at}}.' --when outside-hours
is "$(cat "$T/err")" "" "without a warning when the hours give an opening"
wb-contact add $MEI tier=gold >/dev/null
exits 0 "an attribute some contact has" -- wb-reply quick add /tier 'Your tier: {{ tier }}' --keyword tier
exits 65 "quick set checks too" -- wb-reply quick set /tier 'Your tier: {{level}}'
like "$(cat "$T/err")" "known: name, phone, wa_id, user_id, username, profile_name, business, tier\)" "attributes are listed"

# {{opens_at}}: Mon 30 Nov 12:30 is the lunch break; Sun 29 Nov 22:30 night
export WB_NOW=2026-11-30T04:30:00Z
event L1 1796013000 'hello' | wb-recv | wb-reply auto >"$T/lunch"
is "$(json_get "$T/lunch" '$.text')" "Closed now, Mei Chen 陈梅; back 13:00." "in the lunch break: back at 13:00"
event L2 1795962600 'hello?' | wb-recv | wb-reply auto >"$T/night"
is "$(json_get "$T/night" '$.text')" "Closed now, Mei Chen 陈梅; back Mon 09:00." "on Sunday night: Monday 09:00"
wb-profile hours always >/dev/null
exits 0 "always open" -- wb-reply away set 'Back {{opens_at}}' --when always
like "$(cat "$T/err")" "opens_at\}\}: the opening hours give no next opening" "warns that it will have no value"

# quick set: a new text, the keywords kept
exits 0 "quick set changes the text" -- wb-reply quick set /tier 'Tier: {{tier}}'
is "$(wb-reply quick ls -o csv | tail -n +2)" "/tier,Tier: {{tier}},tier," "and keeps its keyword"
exits 1 "quick set of no such reply" -- wb-reply quick set /nope 'x'
exits 64 "--keyword goes with add" -- wb-reply quick set /tier x --keyword t

# a medium with the text
printf '\377\330\377\340 a tiny jpeg' >"$T/menu.jpg"
printf '%%PDF-1.4 a tiny pdf' >"$T/prices.pdf"
cd "$T" || exit 1
exits 0 "quick add --image FILE" -- wb-reply quick add /menu 'Our menu, {{name}}' --image menu.jpg --keyword menu
is "$(q "SELECT media_type || ' ' || media FROM quick_reply WHERE shortcut = 'menu'")" "image $T/menu.jpg" \
	"kept as an absolute path"
exits 66 "a file that is not there" -- wb-reply quick add /x 'x' --document nothere.pdf
exits 65 "a file of the wrong type" -- wb-reply quick add /x 'x' --image prices.pdf
exits 64 "one medium" -- wb-reply quick add /x 'x' --image menu.jpg --document prices.pdf
exits 0 "quick set --document replaces the medium" -- wb-reply quick set /tier 'Tier: {{tier}}' --document prices.pdf
is "$(wb-reply quick ls -o csv | grep '^/tier')" "/tier,Tier: {{tier}},tier,document:$T/prices.pdf" "listed with its medium"
exits 0 "a URL or a media id" -- wb-reply quick add /id 'By id' --image 1234567890
is "$(q "SELECT media FROM quick_reply WHERE shortcut = 'id'")" 1234567890 "an id is kept as it is"

fake_start
export WB_NOW=2026-11-30T04:35:00Z
exits 0 "wb-send --quick sends the medium with the text as caption" -- wb-send --to $MEI --quick /menu
like "$(body_of "$(api_requests)")" '"type": "image", "image": \{"id": "[0-9]+", "caption": "Our menu, Mei Chen 陈梅"\}' \
	"an uploaded image, the text filled as its caption"
like "$(sed -n "$(($(api_requests) - 1))p" "$T/api.log")" '"path":"/v26.0/106540352242922/media"' "uploaded first"
exits 0 "a media id is sent as it is" -- wb-send --to $MEI --quick /id
like "$(body_of "$(api_requests)")" '"image": \{"id": "1234567890", "caption": "By id"\}' "no upload"
wb-profile hours mon-fri 09:00-18:00 >/dev/null
wb-reply away --off >/dev/null
event K1 1796014800 'the menu please' | wb-recv | wb-reply auto >"$T/kw"
is "$(json_pick "$T/kw" '$.text' '$.image' '$.caption' '$.auto')" "[null,\"$T/menu.jpg\",\"Our menu, Mei Chen 陈梅\",\"keyword\"]" \
	"a keyword's reply carries its medium and caption"
exits 0 "and wb-send - sends it" -- wb-send - <"$T/kw"
like "$(body_of "$(api_requests)")" '"image": \{"id": "[0-9]+", "caption": "Our menu, Mei Chen 陈梅"\}, "context"' \
	"as an image quoting the message"
done_testing
