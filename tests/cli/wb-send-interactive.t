#!/bin/sh
# wb-send --buttons and --list: the bodies over HTTP, Meta's limits
# refused before any request, a broken --interactive refused by the fake
# like Meta, and the customer's choice linked to the message it answers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
export WB_NOW=2026-11-25T10:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
MEI=8613912345678
fake_start
wb-label apply Paid $MEI >/dev/null
sql "UPDATE contact SET last_in_at = strftime('%s','2026-11-25T09:00:00Z') WHERE wa_id = '$MEI'"
last() { body_at "$(api_requests)" .interactive; }

exits 0 "reply buttons" -- wb-send --to $MEI --text "How was your order?" --buttons 'Great|ok:Okay|Bad' \
	--header "Quick question" --footer "Reply any time"
is "$(last)" '{"type":"button","body":{"text":"How was your order?"},"action":{"buttons":[{"type":"reply","reply":{"id":"Great","title":"Great"}},{"type":"reply","reply":{"id":"ok","title":"Okay"}},{"type":"reply","reply":{"id":"Bad","title":"Bad"}}]},"header":{"type":"text","text":"Quick question"},"footer":{"text":"Reply any time"}}' \
	"ids derived from titles or given as id:title; header and footer"
# Meta's wamids are base64 and may hold '/' and '+' (the fake's do, for
# some pids and seconds): this one always does, so the reply below must be
# built without pasting the id into a sed expression (json_set).
fake_faults '{"next_wamid":"wamid.HBgL/Rate+us/AA=="}'
exits 0 "a list in sections" -- wb-send --to $MEI --text "Rate us" --list "Choose" \
	--section Happy --row "5:Excellent:Loved it" --row 4:Good --section Unhappy --row 1:Poor
is "$(last)" '{"type":"list","body":{"text":"Rate us"},"action":{"button":"Choose","sections":[{"title":"Happy","rows":[{"id":"5","title":"Excellent","description":"Loved it"},{"id":"4","title":"Good"}]},{"title":"Unhappy","rows":[{"id":"1","title":"Poor"}]}]}}' \
	"rows in the sections named before them"
echo "{\"to\":\"$MEI\",\"text\":\"Pick\",\"list\":\"Open\",\"row\":[\"a:A\",\"b:B\"],\"section\":\"S\",\"footer\":\"f\"}" > "$T/l.jsonl"
exits 0 "JSONL keys list, row, section, footer" -- wb-send - < "$T/l.jsonl"
is "$(last)" '{"type":"list","body":{"text":"Pick"},"action":{"button":"Open","sections":[{"title":"S","rows":[{"id":"a","title":"A"},{"id":"b","title":"B"}]}]},"footer":{"text":"f"}}' "the same body from a line"

# Meta's limits: exit 64 with one line, and no request
n=$(api_requests)
limit() { # limit PATTERN DESCRIPTION -- ARGS
	_p=$1 _d=$2; shift 3
	exits 64 "$_d" -- wb-send --to $MEI --text "Rate us" "$@"
	like "$(head -1 "$T/err")" "$_p" "$_d: names the limit"
}
limit "4 buttons; Meta allows 1 to 3" "four buttons" -- --buttons 'A|B|C|D'
limit "the title is 21 characters; Meta's limit is 20" "a button title of 21" -- --buttons 'abcdefghijklmnopqrstu|B'
limit "11 rows; Meta allows 1 to 10 in all" "eleven rows" -- --list Pick $(for i in 0 1 2 3 4 5 6 7 8 9 10; do printf -- '--row %s:n%s ' $i $i; done)
limit "the title is 25 characters; Meta's limit is 24" "a row title of 25" -- --list Pick --row "a:abcdefghijklmnopqrstuvwxy"
limit "the description is 73 characters" "a description of 73" -- --list Pick --row "a:b:$(printf '%073d' 0)"
limit "the button text is 21 characters" "a list button of 21" -- --list abcdefghijklmnopqrstu --row a:b
limit "the footer is 61 characters" "a footer of 61" -- --buttons A --footer "$(printf '%061d' 0)"
limit "needs a title on each" "two sections, one untitled" -- --list Pick --row a:b --section S --row c:d
limit "one message has one kind of choice" "buttons and a list" -- --buttons A --list Pick --row a:b
# a title that is not UTF-8 was left out of the request, the rest sent
limit "--buttons 'B.xFF': the title is not valid UTF-8" "a button title not UTF-8" -- --buttons "A|B$(printf '\377')"
limit "--row 'a:b.xFF': the title is not valid UTF-8" "a row title not UTF-8" -- --list Pick --row "a:b$(printf '\377')"
is "$(api_requests)" "$n" "nothing over a limit reached the API"

# a body the fake refuses like Meta: 400, code 100, details naming the field
exits 65 "four buttons in --interactive: refused by the API" -- wb-send --to $MEI \
	--interactive '{"type":"button","body":{"text":"x"},"action":{"buttons":[{"type":"reply","reply":{"id":"1","title":"a"}},{"type":"reply","reply":{"id":"2","title":"b"}},{"type":"reply","reply":{"id":"3","title":"c"}},{"type":"reply","reply":{"id":"4","title":"d"}}]}}'
like "$(sql "SELECT error_code || ' ' || error_text FROM message ORDER BY id DESC LIMIT 1")" "^100 .*interactive.action.buttons" "the error names the field"

# the customer's choice quotes the message: reply_to holds its wamid
W=$(sql "SELECT wamid FROM message WHERE payload LIKE '%\"Rate us\"%'")
sed -e 's/"button_reply"/"list_reply"/g' -e 's/confirm-1042/5/' -e 's/Confirm order/Excellent/' \
	"$FIXTURES/webhook/msg-interactive-button-reply.json" >"$T/list-reply.json"
json_set "$T/list-reply.json" '$.entry[0].changes[0].value.messages[0].context.id' "$W" >"$T/reply.json"
exits 0 "the list reply comes in" -- wb-recv "$T/reply.json"
is "$(sql "SELECT o.body || '|' || json_extract(i.payload, '\$.interactive.list_reply.id') FROM message i JOIN message o ON o.wamid = i.reply_to WHERE i.direction = 'in'")" \
	"Rate us|5" "linked to the message it answers, with the row's id"
done_testing
