#!/bin/sh
# wb-survey: add and its checks, send over HTTP through wb-send, answers
# from list replies and typed numbers (late, repeated and out-of-range
# ones), results (rate, mean, NPS, CSAT, distribution), detractors labelled;
# an on-resolve survey sent by wb-inbox resolve and by wb-chat's /resolve.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
export WB_NOW=2026-11-25T10:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
A=14155550101 B=14155550102 C=14155550103 D=14155550104 E=14155550105
NOW=1795600800

exits 0 "add an NPS survey" -- wb-survey add nps --ask "Would you recommend us?" --scale nps
exits 0 "add a CSAT survey with a window" -- wb-survey add csat --ask "How did we do?" --scale csat --window 2h
exits 64 "an option over Meta's button limit" -- wb-survey add x --ask q --scale 'Yes|This option title is too long'
like "$(cat "$T/err")" "^wb-survey: --scale: --buttons '2:This option title is too long': the title is 29 characters; Meta's limit is 20" "names the limit"
exits 64 "eleven options" -- wb-survey add x --ask q --scale 'a|b|c|d|e|f|g|h|i|j|k'
exits 65 "a name in use" -- wb-survey add nps --ask q --scale yesno
exits 65 "a bad name (a value, not the command line)" -- wb-survey add 'a b' --ask q --scale yesno
exits 65 "a bad --window" -- wb-survey add w --ask q --scale yesno --window soon
is "$(cat "$T/err")" "wb-survey: --window: 'soon': not a duration (like 90s, 30m, 2h, 14d, 2w)" "names the option"
exits 65 "a question that is not UTF-8" -- wb-survey add w --ask "$(printf 'caf\351?')" --scale yesno
is "$(cat "$T/err")" "wb-survey: --ask: not valid UTF-8" "names the option (it said nothing)"
exits 65 "a question over Meta's 1024 characters" -- wb-survey add w --ask "$(printf '?%.0s' $(seq 1025))" --scale yesno
is "$(cat "$T/err")" "wb-survey: --ask: 1025 characters; Meta's limit is 1024" "names --ask, not --scale"
exits 0 "show" -- wb-survey -o tsv show csat
is "$(sed -n 2p "$T/out")" "$(printf 'csat\tcsat\tHow did we do?\t\t2h\tfalse\t\t0\t0')" "its row"

fake_start
wb-label apply Paid $A $B $C $D $E >/dev/null
sql "UPDATE contact SET last_in_at = $NOW - 3600"
exits 0 "send to four" -- wb-survey send nps --to $A --to $B --to $C --to $D
is "$(sends_to $A)" 1 "A got it"
is "$(sed -n 1p "$T/api.log" | jq -c '[.body.interactive.type, (.body.interactive.action.sections[0].rows | length), .body.interactive.action.sections[0].rows[0].id]')" \
	'["list",10,"10"]' "NPS as a list of 10 rows, 10 first (0 is typed)"
exits 0 "sent again at the same time: its key is used" -- wb-survey send nps --to $A
is "$(sends_to $A)" 1 "not sent twice"

wamid() { sql "SELECT m.wamid FROM message m JOIN contact c ON c.id = m.contact_id WHERE c.wa_id = '$1' AND direction = 'out' ORDER BY m.id LIMIT 1"; }
mkhook() { # mkhook FROM TS MESSAGE-JSON-TAIL: a webhook with one message in $T/hook.json
	printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"x"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"wamid.in%s.%s","timestamp":"%s",%s}]}}]}]}\n' \
		"$1" "$1" "$1" "$2" "$2" "$3" > "$T/hook.json"
}
hook() { mkhook "$@"; wb-recv "$T/hook.json" >/dev/null; }
text() { printf '"type":"text","text":{"body":"%s"}' "$1"; }
hook $A $((NOW + 300)) "\"type\":\"interactive\",\"interactive\":{\"type\":\"list_reply\",\"list_reply\":{\"id\":\"10\",\"title\":\"10 Extremely likely\"}},\"context\":{\"from\":\"15550783881\",\"id\":\"$(wamid $A)\"}"
hook $B $((NOW + 600)) "$(text 7)"
hook $B $((NOW + 1200)) "$(text ' 3 ')"
hook $C $((NOW + 300)) "$(text 15)"
hook $D $((NOW + 2 * 86400)) "$(text 9)"
hook $E $((NOW + 300)) "$(text 5)"
exits 0 "answers" -- wb-survey -o csv answers nps
is "$(cut -d, -f1,5,7 "$T/out" | tail -n +2 | tr '\n' ' ')" "$A,10,false $B,3,true " \
	"A's list reply; B's last typed number; C out of range, D late, E never asked: none"
exits 0 "results" -- wb-survey -o csv results nps
is "$(tail -1 "$T/out")" '4,2,0.5,6.5,,0,"{""3"":1,""10"":1}"' "sent 4, answered 2, rate, mean, NPS 1 promoter - 1 detractor of 2"
exits 0 "results in a range without the sends" -- wb-survey -o csv results nps --since 2026-11-26
is "$(tail -1 "$T/out")" "0,0,,,,,{}" "nothing in it"
wb-label add Unhappy >/dev/null
exits 0 "--label-detractors" -- wb-survey answers nps --label-detractors Unhappy
is "$(wb-label -o csv --no-header who Unhappy | cut -d, -f1)" "$B" "B is labelled"

# CSAT over a 2h window: a list reply counts, a number typed after it does not
exits 0 "send CSAT" -- wb-survey send csat --to $E
hook $E $((NOW + 400)) "\"type\":\"interactive\",\"interactive\":{\"type\":\"list_reply\",\"list_reply\":{\"id\":\"4\",\"title\":\"Satisfied\"}},\"context\":{\"from\":\"15550783881\",\"id\":\"$(sql "SELECT wamid FROM message WHERE idem_key LIKE 'survey:csat:%'")\"}"
hook $E $((NOW + 3 * 3600)) "$(text 1)"
exits 0 "CSAT results" -- wb-survey -o csv results csat
is "$(tail -1 "$T/out")" '1,1,1,4,1,,"{""4"":1}"' "the reply counts, the typed 1 after the window does not"
# wb-reply auto answers no survey answer with the away message
wb-reply away set 'Closed, back at 9' --when always --on >/dev/null
auto() { mkhook "$@"; wb-recv "$T/hook.json" | wb-reply auto -o csv --no-header | wc -l | tr -d ' '; }
is "$(auto $C $((NOW + 4000)) "$(text 8)")" 0 "a typed score gets no away message"
is "$(auto $C $((NOW + 4100)) "$(text hello)")" 1 "a text that is no answer does"
is "$(wb-stats -o csv --since 2026-11-24 --until 2026-11-28 | tail -1 | cut -d, -f16,17)" "1,0" \
	"wb-stats: csat (E's 4 of 1) and nps (A's 10 and B's 3: 0 points)"
exits 0 "the HTML report" -- wb-stats report --since 2026-11-24 --until 2026-11-28 -o "$T/r.html"
like "$(tr -d '\n' < "$T/r.html")" "Customer satisfaction.*csat.*nps" "has both surveys in its satisfaction section"

# the 24-hour window: G never wrote, so the survey is skipped (the row
# says why), or goes as the template named
G=14155550107
exits 0 "a closed window without a template" -- wb-survey -o csv send nps --to $G
like "$(cat "$T/out")" ",$G,.*skipped,outside the 24-hour window \\(they never wrote\\)" "G skipped, the reason in its row"
exits 0 "with --template" -- wb-survey send nps --to $G --template nps_ask
tail -1 "$T/api.log" >"$T/last"
is "$(json_pick "$T/last" '$.body.to' '$.body.type' '$.body.template.name')" "[\"$G\",\"template\",\"nps_ask\"]" \
	"the template went instead"

# --on-resolve: resolving F's conversation sends the survey, once per
# conversation; a low answer gets the follow-up question, once
F=14155550106 U=GB.41099238170556612
exits 0 "an on-resolve survey" -- wb-survey add after --ask "Rate us" --scale csat --on-resolve \
	--follow-up "Sorry! What went wrong?" --template rate_us
exits 65 "a second one" -- wb-survey add after2 --ask q --scale yesno --on-resolve
wb-agent add mei >/dev/null
hook $F $((NOW - 60)) "$(text 'where is my tea')"
wb-inbox assign $F mei >/dev/null
exits 0 "resolve F's conversation" -- wb-inbox resolve $F
is "$(sends_to $F)" 1 "the survey went to F"
is "$(sql "SELECT idem_key FROM message WHERE idem_key LIKE 'survey:after:%'")" \
	"survey:after:resolved:$(sql "SELECT v.id FROM conversation v JOIN contact c ON c.id = v.contact_id WHERE c.wa_id = '$F'")" \
	"a real message, under its conversation's key"
autorow() { mkhook "$@"; wb-recv "$T/hook.json" | wb-reply auto -o csv --no-header | cut -d, -f1,2,8; }
is "$(autorow $F $((NOW + 30)) "\"type\":\"interactive\",\"interactive\":{\"type\":\"list_reply\",\"list_reply\":{\"id\":\"1\",\"title\":\"Very dissatisfied\"}},\"context\":{\"from\":\"15550783881\",\"id\":\"$(wamid $F | tail -1)\"}")" \
	"$F,Sorry! What went wrong?,follow_up" "a score of 1: wb-reply auto asks the follow-up question"
is "$(autorow $F $((NOW + 40)) "$(text 2)")" "" "a second low answer: not again (and no away message)"
is "$(wb-inbox -o csv --state all | grep "^$F," | cut -d, -f4)" resolved "the answers leave the conversation resolved"
hook $F $((NOW + 60)) "$(text 'and another thing')"
exits 0 "reopened by F, resolved again" -- wb-inbox resolve $F
is "$(sends_to $F)" 1 "the same conversation: no second survey"
wb-recv -q "$TOP/tests/samples/webhook/bsuid-text-username-only.json"
sql "UPDATE contact SET last_in_at = $NOW - 2 * 86400 WHERE user_id = '$U'"
exits 0 "resolve a customer known by user ID, whose window has closed" -- wb-inbox resolve $U
tail -1 "$T/api.log" >"$T/last"
is "$(json_pick "$T/last" '$.body.recipient' '$.body.type' '$.body.template.name')" "[\"$U\",\"template\",\"rate_us\"]" \
	"the survey's template went to the user ID"

# results by group: the same figures per label, agent, day
exits 0 "results --by label" -- wb-survey -o csv results nps --by label
is "$(cat "$T/out")" 'label,sent,answered,response_rate,mean,csat,nps,distribution
,1,0,0,,,,{}
Paid,4,3,0.75,7,,0,"{""3"":1,""8"":1,""10"":1}"
Unhappy,1,1,1,3,,-100,"{""3"":1}"' "G without a label, B under both of theirs (C typed 8 above)"
exits 0 "results --by agent" -- wb-survey -o csv results after --by agent
is "$(tail -n +2 "$T/out")" ',1,0,0,,,,{}
mei,1,1,1,2,0,,"{""2"":1}"' "F's conversation was mei's (the last answer, 2, counts); U's nobody's"
exits 65 "a bad --since" -- wb-survey results nps --since someday
like "$(cat "$T/err")" "^wb-survey: --since: 'someday': not a time" "names the option"
exits 0 "results --by day" -- wb-survey -o csv results nps --by day --since 2026-11-25
is "$(tail -n +2 "$T/out")" '2026-11-25,5,3,0.6,7,,0,"{""3"":1,""8"":1,""10"":1}"' "one day"
# wb-chat's /resolve sends the on-resolve survey too, once, after the
# resolution (a second /resolve changes nothing and sends nothing)
K=14155550109
hook $K $((NOW - 60)) "$(text 'is the shop open?')"
printf '/resolve\n/resolve\n' >"$T/in"
exits 0 "wb-chat /resolve with an on-resolve survey" -- env WB_AGENT=mei wb-chat $K <"$T/in"
like "$(cat "$T/out")" "-- resolved" "the conversation is resolved"
is "$(sends_to $K)" 1 "the survey went once"
is "$(sql "SELECT m.status || ' ' || m.idem_key || ' ' || (m.idem_key = 'survey:after:resolved:' || v.id)
	FROM message m JOIN contact c ON c.id = m.contact_id JOIN conversation v ON v.contact_id = c.id
	WHERE c.wa_id = '$K' AND m.direction = 'out'")" "sent survey:after:resolved:$(sql "SELECT v.id FROM conversation v JOIN contact c ON c.id = v.contact_id WHERE c.wa_id = '$K'") 1" \
	"one message, sent, under its conversation's key"
exits 0 "rm" -- wb-survey rm csat
# no such survey: exit 1 (DESIGN's "no such thing"), nothing on stdout
exits 1 "rm again" -- wb-survey rm csat
is "$(cat "$T/err")" "wb-survey: no survey 'csat'" "says so"
for sub in show results answers; do
	exits 1 "$sub of no such survey" -- wb-survey $sub csat
	! [ -s "$T/out" ]; ok $? "$sub: nothing printed, not even the header"
done
done_testing
