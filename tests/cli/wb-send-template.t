#!/bin/sh
# wb-send and templates, over real HTTP against the fake Cloud API, which
# holds the same templates: a send checked and bound (named and
# positional, header, buttons); each kind of refusal made before any
# request; the answers Meta gives when the check is bypassed (--no-check,
# a database never synced); --fallback-template when the window is
# closed; the messaging limit: refused with the figures, or --spread; the
# template's category as the send's kind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
export WB_NOW=2026-11-25T10:00:00Z WB_WABA_ID=102290129340398
sql() { sqlite3 "$WB_DB" "$@"; }
fake_start --templates "$TOP/tests/fixtures/templates.json" --tier TIER_UNLIMITED
A=16505550101 B=16505550102
wb-template sync >/dev/null
wb-contact add $A name=Mei city=Lyon >/dev/null
wb-contact add $B name=Bo >/dev/null
sql "UPDATE contact SET last_in_at = strftime('%s','2026-11-25T09:00:00Z') WHERE wa_id = '$A'"
sql "UPDATE contact SET last_in_at = strftime('%s','2026-11-23T09:00:00Z') WHERE wa_id = '$B'"
last() { sed -n "$(api_requests)p" "$T/api.log" | jq -c "$1"; }

exits 0 "a template with every kind of value" -- wb-send --to $A --template order_shipped --header text:A-1042 \
	--param '{{name}}' --param A-1042 --button A-1042 --button TEA10
like "$(tail -n +2 "$T/out")" ",$A,,wamid\.[^,]+,sent,,,order_shipped$" "sent; the row names the template"
is "$(last '.body.template.components')" '[{"type":"header","parameters":[{"type":"text","text":"A-1042"}]},{"type":"body","parameters":[{"type":"text","text":"Mei"},{"type":"text","text":"A-1042"}]},{"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":"A-1042"}]},{"type":"button","sub_type":"copy_code","index":"1","parameters":[{"type":"coupon_code","coupon_code":"TEA10"}]}]' \
	"each value where the template has it"
exits 0 "named parameters by name" -- wb-send --to $A --template winter_sampler_promo \
	--header image:https://tea.example/winter.jpg --param until=Sunday --param 'first_name={{name}}' \
	--param 'discount=currency:4.50 USD' --button quick_reply:STOP-PROMO
is "$(last '[.body.template.components[1].parameters[] | .parameter_name] | join(",")')" '"first_name,discount,until"' \
	"in the template's order, each with its name"
is "$(sql "SELECT body || ':' || kind FROM message ORDER BY id" | tr '\n' ' ')" \
	"order_shipped:utility winter_sampler_promo:marketing " "the template's category is the message's kind"
exits 0 "a UTILITY template to a segment" -- wb-send --where city=Lyon --template hello_again --param Mei --name notice
is "$(sql "SELECT b.kind || ' ' || m.kind FROM broadcast b JOIN message m ON m.broadcast_id = b.id WHERE b.name = 'notice'")" \
	"utility utility" "is utility, not marketing: the broadcast and its message"
exits 64 "so --cap refuses it" -- wb-send --where city=Lyon --template hello_again --param Mei --cap 1/7d
like "$(cat "$T/err")" "cap limits marketing sends; this one is utility" "saying why"
exits 0 "unless --kind says marketing" -- wb-send --where city=Lyon --template hello_again --param Mei --cap 1/7d \
	--kind marketing --dry-run

# each kind of refusal, made before any request
before=$(api_requests)
refused() { # refused PATTERN DESCRIPTION -- ARGS: exit 65, the message, no request
	_p=$1 _d=$2; shift 3
	exits 65 "$_d" -- wb-send --to $A "$@"
	like "$(cat "$T/err")" "$_p" "$_d: says why"
}
refused "^wb-send: $A: template order_shipped \(en_US\): body: 1 value given; the template has 2 \(\{\{1\}\}, \{\{2\}\}\)" \
	"a value short (132000)" -- --template order_shipped --header text:A-1 --param Mei --button A-1 --button TEA10
refused "body: the template's parameters are named \(\{\{first_name\}\}, \{\{discount\}\}, \{\{until\}\}\)" \
	"positional values for named parameters (132012)" -- --template winter_sampler_promo \
	--header image:https://tea.example/w.jpg --param Mei --param 15% --param Sunday
refused "header: the template's header is an image; '--header video:…' given" "the wrong medium (132012)" -- \
	--template winter_sampler_promo --header video:https://tea.example/w.mp4 --param first_name=Mei \
	--param discount=15% --param until=Sunday
refused "body \{\{2\}\}: a newline, a tab or more than 4 spaces in a row" "a newline in a value" -- \
	--template order_shipped --header text:A-1 --param Mei --param "$(printf 'A-1\nA-2')" --button A-1 --button TEA10
refused "button 1 \(COPY_CODE \"\"\): no value \(--button copy_code:VALUE\)" "a button without its value" -- \
	--template order_shipped --header text:A-1 --param Mei --param A-1 --button A-1
refused "spring_teaser \(en_US\): paused for its quality \(Meta answers 132015" "a paused template" -- --template spring_teaser
refused "old_loyalty \(en_US\): disabled \(Meta answers 132016\)" "a disabled one" -- --template old_loyalty --param 120
refused "order_ready_v2 \(en_US\): PENDING, not approved" "a pending one" -- --template order_ready_v2 --param A-1
refused "order_shipped \(de\): not among the synced templates \(it has en_US, fr\)" "a language it does not have" -- \
	--template order_shipped --lang de --param Mei --param A-1
refused "nov_promo \(en_US\): not among the synced templates \(wb-template sync" "a name it does not have" -- \
	--template nov_promo
is "$(api_requests)" "$before" "not one request"
is "$(sql "SELECT count(*) FROM message WHERE status = 'queued'")" "0" "and no row left queued"

# per row: the placeholders are filled, then checked
printf 'phone,name,order\n%s,Mei,A-1\n%s,Bo,\n' $A $B > "$T/rows.csv"
exits 65 "a CSV row with an empty value" -- sh -c "wb-send --template order_shipped --lang fr --param '{{name}}' \
	--param '{{order}}' -o csv < '$T/rows.csv'"
is "$(tail -n +2 "$T/out" | cut -d, -f2,5 | sort | tr '\n' ' ')" "$A,sent $B,refused " "is refused; the others go"
like "$(cat "$T/err")" "$B: template order_shipped \(fr\): body \{\{2\}\}: an empty value" "naming the row's recipient"

# bypassed: Meta's own answers (the fake checks against the same templates)
nocheck() { # nocheck CODE DESCRIPTION -- ARGS
	_c=$1 _d=$2; shift 3
	exits 65 "$_d" -- wb-send --to $A --no-check "$@" -o csv
	like "$(tail -n +2 "$T/out")" ",failed,\(#$_c\)" "$_d: the API answers $_c"
}
nocheck 132000 "--no-check: a value short" -- --template order_shipped --header text:A-1 --param Mei --button A-1 --button TEA10
nocheck 132012 "--no-check: positional for named" -- --template winter_sampler_promo --header image:https://tea.example/w.jpg \
	--param Mei --param 15% --param Sunday
nocheck 132018 "--no-check: a newline" -- --template hello_again --param "$(printf 'Mei\nChen')"
nocheck 132015 "--no-check: paused" -- --template spring_teaser
nocheck 132016 "--no-check: disabled" -- --template old_loyalty --param 120
nocheck 132001 "--no-check: no such template" -- --template nov_promo
WB_DB="$T/never-synced.db" exits 65 "a database never synced sends it unchecked" -- \
	wb-send --to $A --template hello_again --param Mei --param extra -o csv
like "$(cat "$T/err")" "template hello_again \(en_US\): not checked: no templates are synced" "with a warning"
like "$(tail -n +2 "$T/out")" ",failed,\(#132000\)" "and Meta answers"

# the window is closed for B: a text goes as its fallback template
exits 0 "--fallback-template outside the window" -- wb-send --to $B --text 'Your oolong is in.' \
	--fallback-template hello_again --fallback-param '{{name}}' -o csv
like "$(tail -n +2 "$T/out")" ",$B,,wamid\.[^,]+,sent,,,hello_again$" "the row says the fallback went"
like "$(cat "$T/err")" "$B: outside the 24-hour window \(closed 2026-11-24T09:00:00Z\); its fallback template goes instead: hello_again" \
	"and a line says why"
is "$(last '[.body.type, .body.template.name, .body.template.components[0].parameters[0].text] | join(" ")')" \
	'"template hello_again Bo"' "the API got the template, placeholders filled"
exits 0 "inside the window the text goes" -- wb-send --to $A --text 'Your oolong is in.' --fallback-template hello_again \
	--fallback-param '{{name}}' -o csv
like "$(tail -n +2 "$T/out")" ",$A,,wamid\.[^,]+,sent,,,$" "as a text"
exits 65 "a fallback is checked like any template" -- wb-send --to $B --text hi --fallback-template hello_again
like "$(cat "$T/err")" "template hello_again \(en_US\): body: 0 values given; the template has 1" "refused before sending"
printf '{"to":"%s","text":"Still there?","fallback_template":"hello_again","fallback_param":["Bo"],"fallback_lang":null}\n' $B |
	wb-send - -o csv > "$T/out" 2>/dev/null
like "$(tail -n +2 "$T/out")" ",$B,,wamid\.[^,]+,sent,,,hello_again$" "a JSONL line names its fallback too"
exits 64 "--fallback-template with --template" -- wb-send --to $B --template hello_again --fallback-template x
exits 64 "--fallback-param alone" -- wb-send --to $B --text hi --fallback-param x

# the messaging limit: 3 a day (WB_TIER), five customers in a new database
export WB_DB="$T/limit.db" WB_TIER=3
wb-label add tier >/dev/null
wb-label apply tier 16505550201 16505550202 16505550203 16505550204 16505550205 >/dev/null
before=$(api_requests)
exits 65 "a broadcast over the limit" -- wb-send --label tier --template hello_again --param Hi
like "$(cat "$T/err")" "messaging limit: 3 customers a day; 0 got a template within 24 hours of now and this broadcast reaches 5 more \(2 over\); --spread" \
	"is refused with the figures"
is "$(api_requests) $(sql 'SELECT count(*) FROM message')" "$before 0" "nothing sent, nothing kept"
wb-profile set timezone=Asia/Shanghai >/dev/null
exits 0 "--spread" -- wb-send --label tier --template hello_again --param Hi --spread -o csv
like "$(cat "$T/err")" "the last at 2026-11-26 18:00\+08:00 \(wb-send queue\)$" "says when, in the business zone"
is "$(tail -n +2 "$T/out" | cut -d, -f5 | sort | uniq -c | tr -s ' ' | tr '\n' ' ')" " 2 queued  3 sent " \
	"three go now, two wait"
exits 0 "wb-send queue shows them" -- wb-send queue -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f2,6 | tr '\n' ' ')" \
	"16505550204,2026-11-26T10:00:00Z 16505550205,2026-11-26T10:00:00Z " "for a day later"
wb-label apply tier 16505550206 16505550207 >/dev/null
exits 0 "another broadcast the same day" -- wb-send --label tier --not-label Paid --template hello_again --param Hi \
	--spread --name second -o csv
exits 0 "queue" -- wb-send queue -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f6 | sort | uniq -c | tr -s ' ' | tr '\n' ' ')" \
	" 3 2026-11-26T10:00:00Z  3 2026-11-27T10:00:00Z " \
	"its new customers fill the next day up to the limit, then the one after"
WB_NOW=2026-11-26T10:00:01Z exits 0 "a flush the next day" -- wb-send flush -o csv
is "$(tail -n +2 "$T/out" | grep -c ',sent,')" "3" "sends that day's share"
done_testing
