#!/bin/sh
# wb-template over real HTTP against the fake Cloud API: sync of several
# pages (idempotent; what disappears upstream is marked), ls and its
# filters, show as a customer sees it and as Meta's JSON, create from
# Meta's JSON and from the short form, rm, the messaging limit, and
# status changes arriving as webhooks through wb-recv --listen; the
# template webhooks Meta documents (tests/samples) applied in turn.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
sql() { sqlite3 "$WB_DB" "$@"; }
S="$TOP/tests/samples/webhook"
export WB_APP_SECRET=test-app-secret WB_WABA_ID=102290129340398

exits 78 "sync without WB_WABA_ID" -- env -u WB_WABA_ID wb-template sync
like "$(cat "$T/err")" "WB_WABA_ID" "names it"

# the listener the fake's template webhooks go to
wb-recv --listen 127.0.0.1:0 -q 2> "$T/recv.log" &
RECV=$!
for _ in $(seq 500); do
	PORT=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' "$T/recv.log" 2>/dev/null)
	[ -n "$PORT" ] && break
	sleep 0.02
done
trap 'kill $RECV 2>/dev/null; fake_stop; rm -rf "$T"' EXIT
fake_start --templates "$TOP/tests/fixtures/templates.json" --page-size 3 --tier TIER_2K \
	--webhook "http://127.0.0.1:$PORT/webhook" --app-secret "$WB_APP_SECRET"

exits 0 "sync" -- wb-template sync
is "$(tail -n +2 "$T/out")" "7,7,0,0,TIER_2K" "seven templates, all new, and the messaging limit"
is "$(grep -c '"method":"GET","path":"/v26.0/102290129340398/message_templates"' "$T/api.log")" "3" \
	"read in three pages"
# an answer without Meta's "data" list (the fake's own faults object, a URL
# fragment cutting the rest off) is no answer: 69, as unreachable, on the list
exits 69 "a listing that is not Meta's" -- env WB_API_URL="$FAKE_URL/_fake/faults#" wb-template sync
is "$(cat "$T/err")" 'wb-template: GET 102290129340398/message_templates: the answer holds no "data" list' "says what it lacks"
exits 0 "sync again" -- wb-template sync
is "$(tail -n +2 "$T/out")" "7,0,0,0,TIER_2K" "changes nothing: idempotent"
is "$(sql "SELECT count(*) FROM template") $(sql "SELECT count(*) FROM template_slot")" "7 15" "one row each, their slots"
is "$(sql "SELECT component || ' ' || kind || ' ' || coalesce(s.name, '-') || ' ' || coalesce(example, '-')
	FROM template_slot s JOIN template t ON t.id = s.template_id
	WHERE t.name = 'winter_sampler_promo' ORDER BY component, position" | tr '\n' '|')" \
	"body text first_name Mei|body text discount 15%|body text until Sunday|button payload - -|header image - 4::aW1hZ2UvanBlZw==|" \
	"the named parameters, the image header and the quick reply, with their examples"

exits 0 "ls --status paused" -- wb-template ls --status paused -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f1,4,5)" "spring_teaser,PAUSED,RED" "the paused one, with its quality"
exits 0 "ls --lang fr" -- wb-template ls --lang fr -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f1,2,6)" "order_shipped,fr,2" "by language, with its parameter count"
exits 0 "ls --category marketing" -- wb-template ls --category marketing -o tsv
is "$(tail -n +2 "$T/out" | cut -f1 | tr '\n' ' ')" "old_loyalty spring_teaser winter_sampler_promo " "by category"

exits 0 "show" -- wb-template show order_shipped --lang en_US -o tsv
is "$(tail -n +2 "$T/out" | cut -f2,3 | tr '\t\n' '=|')" \
	"header=Order {{1=A-1042}}|body=Hi {{1=Mei}}, your order {{2=A-1042}} has shipped.|footer=Lucky Tea House|button=[Track it] https://tea.example/track/{{1}} (e.g. https://tea.example/track/A-1042)|button=[Copy code] (e.g. TEA10)|" \
	"as a customer sees it, each parameter marked with its example"
exits 0 "show -o jsonl" -- wb-template show winter_sampler_promo -o jsonl
json_same "$(jq -c 'del(.status)' "$T/out")" "$(jq -c '.[] | select(.name == "winter_sampler_promo") |
	{name, language, category, parameter_format, components, id}' "$TOP/tests/fixtures/templates.json")"
ok $? "gives Meta's definition"
exits 1 "show of no such template" -- wb-template show nope
exits 64 "show without a name" -- wb-template show

exits 0 "limit" -- wb-template limit -o csv
is "$(tail -n +2 "$T/out")" '"2,000",0,2000' "2,000 a day, none used"

# create: the short form, then Meta's JSON on stdin
before=$(api_requests)
exits 65 "a bad short form goes nowhere" -- wb-template create Tea-Time --body 'Hi {{1}}!' --example Mei --category utility
is "$(api_requests)" "$before" "no request"
exits 65 "an example that is not UTF-8" -- wb-template create tea_time --body 'Hi {{1}}!' --example "$(printf 'M\351i')" --category utility
is "$(cat "$T/err") $(api_requests)" "wb-template: --example 1: not UTF-8 $before" "is named; not left out of a request"
exits 64 "--body's parts without create" -- wb-template ls --body x
exits 0 "create from parts" -- wb-template create pickup_ready --category utility --header 'text:Order {{1}}' \
	--body 'Hi {{1}}, order {{2}} is ready at {{3}}.' --footer 'Lucky Tea House' --example A-7 --example Mei \
	--example A-7 --example 'Nanjing Rd' --button 'url:Directions:https://tea.example/shop/{{1}}' --example nanjing \
	--button quick_reply:Thanks -o csv
is "$(tail -n +2 "$T/out")" "pickup_ready,en_US,UTILITY,PENDING" "submitted; pending review"
is "$(sed -n "$(api_requests)p" "$T/api.log" | jq -c '.body.components[1].example')" '{"body_text":[["Mei","A-7","Nanjing Rd"]]}' \
	"the examples went where Meta wants them"
printf '%s\n' '{"name":"tea_tasting","language":"en_US","category":"MARKETING","components":[{"type":"BODY","text":"Tea tasting on Sunday."}]}' > "$T/new.json"
exits 0 "create from Meta's JSON" -- sh -c "wb-template create - -o csv < '$T/new.json'"
is "$(tail -n +2 "$T/out")" "tea_tasting,en_US,MARKETING,PENDING" "submitted"
exits 65 "the same again: Meta refuses" -- sh -c "wb-template create - < '$T/new.json'"
exits 66 "create from a missing file" -- wb-template create "$T/none.json"

# its approval arrives as a webhook: fake → wb-recv --listen → the table
curl -sf -X POST -d '{"name":"pickup_ready","language":"en_US","event":"APPROVED"}' "$FAKE_URL/_fake/template_status" >/dev/null
for _ in $(seq 250); do
	[ "$(sql "SELECT status FROM template WHERE name = 'pickup_ready'")" = APPROVED ] && break
	sleep 0.02
done
is "$(sql "SELECT status FROM template WHERE name = 'pickup_ready'")" "APPROVED" "a status webhook approved it"
curl -sf -X POST -d '{"name":"order_shipped","language":"en_US","quality":"YELLOW"}' "$FAKE_URL/_fake/template_status" >/dev/null
for _ in $(seq 250); do
	[ "$(sql "SELECT quality FROM template WHERE name = 'order_shipped' AND lang = 'en_US'")" = YELLOW ] && break
	sleep 0.02
done
exits 0 "ls shows what webhooks changed" -- wb-template ls -o csv
like "$(cat "$T/out")" "order_shipped,en_US,UTILITY,APPROVED,YELLOW," "a quality webhook lowered its quality"

# gone upstream: deleted here, or elsewhere and found missing by sync
exits 0 "rm" -- wb-template rm tea_tasting -o csv
is "$(tail -n +2 "$T/out")" "tea_tasting,,1" "deleted, one row marked"
like "$(sed -n "$(api_requests)p" "$T/api.log")" '"method":"DELETE","path":"/v26.0/102290129340398/message_templates"' "by DELETE"
curl -sf -X DELETE "$FAKE_URL/v26.0/102290129340398/message_templates?name=old_loyalty" -H "Authorization: Bearer $FAKE_TOKEN" >/dev/null
exits 0 "sync after a template vanished upstream" -- wb-template sync
is "$(tail -n +2 "$T/out" | cut -d, -f1-4)" "7,0,2,1" "seven listed, two changed (approved; quality), one gone"
exits 0 "ls keeps the gone" -- wb-template ls -o csv
like "$(grep old_loyalty "$T/out")" "DISABLED,.*,[0-9T:-]+Z$" "marked gone, not lost"
is "$(sql "SELECT status FROM template WHERE name = 'tea_tasting'")" "DELETED" "the deleted one kept as DELETED"
sql "UPDATE template SET gone_at = 1795600000 WHERE name = 'tea_tasting'"
wb-profile set timezone=Asia/Shanghai >/dev/null
exits 65 "a send of the deleted one" -- wb-send --to 16505550100 --template tea_tasting --dry-run
like "$(cat "$T/err")" "tea_tasting.*deleted since 2026-11-25 17:46\+08:00" "is refused, saying since when in the business zone"
exits 1 "rm of a language wb does not know" -- wb-template rm order_shipped --lang de

# Meta's template webhooks (tests/samples), in the order Meta sent them
wb-recv "$S/template-status-approved.json" "$S/template-status-rejected.json" "$S/template-status-paused.json" \
	"$S/template-quality-update.json" "$S/template-status-disabled.json" "$S/template-status-pending-deletion.json" \
	"$S/template-category-update-impending.json" >/dev/null
ok $? "wb-recv takes the template webhooks"
is "$(sql "SELECT status || '|' || quality || '|' || reason FROM template WHERE name = 'winter_sampler_promo'")" \
	"DISABLED|YELLOW|disabled 2026-11-25T12:12:10Z" "approved, paused, lower quality, disabled"
is "$(sql "SELECT status || '|' || coalesce(reason, '') FROM template WHERE name = 'order_ready_v2'")" "PENDING_DELETION|" \
	"rejected, then pending deletion"
is "$(sql "SELECT category || '|' || reason FROM template WHERE name = 'loyalty_points'")" \
	"UTILITY|category becomes MARKETING at 2026-11-26T12:12:30Z" "a category change to come, for a template not synced"
wb-recv "$S/template-category-update-completed.json" "$S/phone-number-quality-update.json" >/dev/null
is "$(sql "SELECT category || '|' || reason FROM template WHERE name = 'loyalty_points'")" "MARKETING|category was UTILITY" \
	"and done"
is "$(sql "SELECT value FROM setting WHERE key = 'limit.tier'")" "TIER_10K" "a throughput webhook raises the limit"

# a template change wb cannot apply (no name) costs only itself: quarantined,
# the delivery's other change applied; a repeated delivery changes nothing.
# It comes between two messages of the same batch, which wb-recv stores
# without a savepoint a part: the batch is undone and replayed carefully
hook() { # hook WAMID: a customer's message
	printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","contacts":[{"profile":{"name":"Mei"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"%s","timestamp":"1795609000","type":"text","text":{"body":"hi"}}]}}]}]}\n' "$1"
}
{ hook wamid.HALF1; printf '%s\n' '{"object":"whatsapp_business_account","entry":[{"id":"884120553010742","time":1795609000,"changes":[
{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":1}},
{"field":"message_template_quality_update","value":{"message_template_id":2,"message_template_name":"order_ready_v2",
"message_template_language":"en_US","previous_quality_score":"GREEN","new_quality_score":"RED"}}]}]}'; hook wamid.HALF2; } >"$T/half.json"
exits 3 "a template change without its name (exit 3: quarantined)" -- wb-recv "$T/half.json"
like "$(cat "$T/err")" "message_template_status_update change: no message_template_name .*\(quarantined\)" "said so"
is "$(grep -c quarantined "$T/err")" 2 "once, and in the summary"
is "$(sql "SELECT count(*) FROM quarantine WHERE reason LIKE '%message_template_name%'")" 1 "kept in the quarantine"
is "$(sql "SELECT quality FROM template WHERE name = 'order_ready_v2'")" RED "the other change applied"
is "$(sql "SELECT group_concat(wamid) FROM (SELECT wamid FROM message WHERE wamid LIKE 'wamid.HALF%' ORDER BY id)")" \
	wamid.HALF1,wamid.HALF2 "the messages around it stored once each"
is "$(grep -o 'wamid.HALF[0-9]' "$T/out" | tr '\n' ' ')" "wamid.HALF1 wamid.HALF2 " "their events out once, in order"
sql "UPDATE template SET quality = 'GREEN' WHERE name = 'order_ready_v2'"
wb-recv "$T/half.json" >/dev/null 2>&1
is "$(sql "SELECT quality FROM template WHERE name = 'order_ready_v2'")" GREEN "a repeated delivery applies nothing again"
done_testing
