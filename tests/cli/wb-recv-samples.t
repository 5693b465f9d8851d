#!/bin/sh
# wb-recv on the webhook samples of every kind Meta sends in 2026
# (tests/samples/webhook, whose README says what each holds): each checked
# in the database and in the event stream, from files and through the
# signed listener (which must agree to the byte); the bad neighbour's good
# parts stored and its bad parts quarantined, listed and retried.
. "$(dirname "$0")/lib.sh"
S="$TOP/tests/samples/webhook"
export WB_NOW=2026-11-25T13:00:00Z
q() { sqlite3 "$WB_DB" "$1"; }
# ev PATTERN: the events that match (grep -E), one a line
ev() { grep -E -- "$1" "$T/events"; }

# The samples chain: the people recur, edits and deletions follow what they
# change, echoes and their edits likewise, and the number and user ID
# changes come last.
ORDER="bsuid-text-phone-and-user-id bsuid-text-username-only bsuid-text-parent-user-id
msg-referral-ctwa-image-ad msg-referral-ctwa-video-ad-status-placement msg-forwarded
msg-frequently-forwarded msg-reply-context msg-referred-product msg-unsupported-errors
msg-unavailable-131060 msg-edit-delivered-as-unsupported msg-edit msg-edit-image-caption msg-revoke
msg-order msg-request-welcome msg-nfm-reply-flow msg-button-template-quick-reply
msg-call-permission-reply msg-reaction-removed msg-reaction-removed-empty-emoji msg-group-text
msg-value-errors status-played-voice status-sent-pricing-conversation status-delivered-free-service
status-read-free-entry-point status-failed-errors status-group-delivered-participant
bsuid-status-delivered-to-user-id bsuid-status-read-parent bsuid-status-failed-to-user-id
smb-message-echoes-text smb-message-echoes-to-user-id smb-message-echoes-edit-revoke
history-sync-threads history-media history-declined smb-app-state-sync user-preferences-stop
user-preferences-resume-user-id template-status-approved template-status-rejected
template-status-paused template-status-disabled template-status-pending-deletion
template-quality-update template-category-update-impending template-category-update-completed
account-update-restriction account-update-partner-removed-coexistence phone-number-quality-update
business-username-update calls-connect-user-initiated calls-terminate-completed
calls-status-business-initiated calls-terminate-failed bsuid-user-id-update-retracted
mixed-fields-one-delivery bad-neighbour bsuid-contacts-request-contact-info
bsuid-system-user-changed-number bsuid-system-user-changed-user-id"
FILES=$(for f in $ORDER; do echo "$S/$f.json"; done)
is "$(echo "$FILES" | wc -l | tr -d ' ')" "$(ls "$S"/*.json | wc -l | tr -d ' ')" "every sample is in the chain"

exits 3 "all the samples: stored, some parts quarantined (exit 3)" -- wb-recv $FILES
cp "$T/out" "$T/events"
cp "$T/err" "$T/warnings"
dump() { # every table but the quarantine's origin and the times wb-recv chose
	sqlite3 "$1" "SELECT * FROM contact ORDER BY id; SELECT * FROM contact_alias ORDER BY 1, 2;
		SELECT * FROM message ORDER BY id; SELECT * FROM message_change ORDER BY 1;
		SELECT * FROM status_event ORDER BY id; SELECT * FROM call ORDER BY id; SELECT * FROM call_event ORDER BY 1, 2;
		SELECT id, field, waba_id, ts, event, template_id, value, known FROM webhook_change ORDER BY id;
		SELECT path, reason, raw FROM quarantine ORDER BY id"
}
dump "$WB_DB" > "$T/files.dump" # for the listener's, below
like "$(cat "$T/warnings")" "bad-neighbour.json: offset 0 \(line 1\): entry\[0\]\.changes\[0\]\.value\.messages\[1\]: no id \(quarantined\)" \
	"a bad part is warned about with its file, offset and path"
like "$(tail -n 1 "$T/warnings")" "^wb-recv: 6 parts quarantined \(wb-recv quarantine lists them\); 2 changes of a field wb does not model kept raw \(user_id_update, some_future_field\)$" \
	"the summary counts what was set aside and what wb does not model"

# --- who: phone numbers, user IDs, usernames, parents ---------------------
is "$(q "SELECT id, coalesce(wa_id, '-'), user_id, coalesce(parent_user_id, '-'), coalesce(username, '-'),
		coalesce(name, '-'), profile_name, marketing_stop FROM contact ORDER BY id")" \
"1|16505550147|US.7305512948810462201|-|-|-|Priya Raman|1
2|447700900833|GB.73310982456610024|-|@olly.grant_tea|-|Oliver Grant|0
3|61491570156|AU.55018231942770315|AU.ENT.30917725560184411|@jackwu.brews|-|Jack Wu|0
4|447700900512|GB.20761193348025167|-|-|Amara Okafor|Amara Okafor|0" \
	"four people, one contact each: user IDs, a parent, usernames; the shared number linked; the new number and ID; the address-book name"
is "$(q "SELECT kind, value, contact_id FROM contact_alias ORDER BY 1, 2")" \
"phone|447700900461|4
user_id|GB.41099238170556612|2
user_id|GB.88213075546190331|4" "the identifiers they changed from are kept"
is "$(q "SELECT count(*) FROM contact WHERE wa_id = '447700900299'")" 0 "an address-book removal makes nobody a contact"

# --- messages: one row each, the business number, edits and deletions ----
is "$(q "SELECT substr(wamid, 7, 10), contact_id, direction, type, coalesce(media_id, '-'), status, coalesce(source, '-'),
		phone_number_id, (edited_at IS NOT NULL) || (deleted_at IS NOT NULL), coalesce(error_code, '-'),
		coalesce(body, '') FROM message ORDER BY id")" \
"HBgLr83FEE|1|in|text|-|received|-|731000418520377|10|-|Hi! Is the jasmine green tea (100 g) back in stock?
HBgLlCJDMv|2|in|text|-|received|-|731000418520377|00|-|hello, do you ship to Leeds?
HBgLHhUZIc|3|in|text|-|received|-|731000418520377|00|-|Can I pick up my order on Saturday?
HBgLvdukhg|1|in|text|-|received|-|731000418520377|00|-|I saw your ad, what flavours are in the sampler?
HBgLWYhobl|4|in|text|-|received|-|731000418520377|00|-|Is the brewing class on Sunday?
HBgLQV5sfs|1|in|text|-|received|-|731000418520377|01|-|Look what my friend found: tea tasting on the 3rd!
HBgL4Na6YN|4|in|image|2750119384412095|received|-|731000418520377|10|-|Is this discount real? (the 30% one)
HBgLfUqUW7|1|in|text|-|received|-|731000418520377|00|-|Yes please, two tins.
HBgL4V9Img|4|in|text|-|received|-|731000418520377|00|-|Does this come in a larger tin?
HBgLv3bSq2|1|in|unsupported|-|received|-|731000418520377|00|131051|
HBgLDjjDZb|4|in|unsupported|-|received|-|731000418520377|00|131060|
HBgLIXNH+j|1|in|unsupported|-|received|-|731000418520377|00|131051|
HBgLW8fMWO|4|in|order|-|received|-|731000418520377|00|-|For my mum's birthday
HBgLSOyMz7|3|in|request_welcome|-|received|-|731000418520377|00|-|
HBgLl9WOxh|1|in|interactive|-|received|-|731000418520377|00|-|Sent
HBgLxF1e/t|4|in|button|-|received|-|731000418520377|00|-|Stop promotions
HBgLElKi3j|1|in|interactive|-|received|-|731000418520377|00|-|accept
HBgL8ct4GC|4|in|interactive|-|received|-|731000418520377|00|-|reject
HBgLUAy+qy|1|in|reaction|-|received|-|731000418520377|00|-|
HBgLXRAzWL|1|in|reaction|-|received|-|731000418520377|00|-|
HBgLa1fAFb|1|in|text|-|received|-|731000418520377|00|-|Who's bringing the cups on Saturday?
HBgLk8JlAb|4|out|text|-|read|app|731000418520377|10|-|Your order is packed, it leaves on Friday morning.
HBgLEb3Ymn|2|out|image|1559027713840466|sent|app|731000418520377|01|-|Here is the gift box you asked about
HBgLzVPs+D|1|out|text|-|read|history|731000418520377|00|-|Thanks for visiting the shop today!
HBgLMqA7V1|1|out|audio|2204958113367720|read|history|731000418520377|00|-|
HBgLDLVONS|1|in|text|-|received|history|731000418520377|00|-|Lovely, see you next week
HBgLBLdYu7|2|out|text|-|delivered|history|731000418520377|00|-|Your parcel was posted today.
HBgLamjI7H|1|in|image|3318820475519043|received|history|731000418520377|00|-|The cups I meant
HBgLc2zErh|4|in|text|-|received|-|731000418520377|00|-|Got it, thank you!
HBgLK2QVUF|4|out|text|-|sent|app|731000418520377|00|-|You're welcome!
HBgLTto8vg|3|in|text|-|received|-|731000418520991|00|-|Is the city shop open today?
HBgLDc3gxx|1|in|text|-|received|-|731000418520377|00|-|first good message
HBgLzxxRNQ|4|in|image|1887302254491106|received|-|731000418520377|00|-|
HBgLVLZ+lN|2|in|text|-|received|-|731000418520991|00|-|good message from a username user
HBgLR0ojPm|3|in|text|-|received|-|731000418520377|00|-|last good message
HBgL35rtKT|2|in|contacts|-|received|-|731000418520377|00|-|
HBgLZtqC7S|4|in|system|-|received|-|731000418520377|00|-|User Amara Okafor changed from 447700900461 to 447700900512
HBgLh/TLHk|2|in|system|-|received|-|731000418520377|00|-|User Oliver Grant changed from GB.41099238170556612 to GB.73310982456610024" \
	"every message once: theirs, the app's echoes, the history (its media placeholder filled), edited and deleted ones"
like "$(q "SELECT payload FROM message WHERE wamid LIKE 'wamid.HBgLvdukhg%'")" '"referral":\{"source_url":"https://fb.me/9QwTea7Kx".*"ctwa_clid":"ARAk' \
	"the referral is kept in the payload"
like "$(q "SELECT payload FROM message WHERE wamid LIKE 'wamid.HBgLW8fMWO%'")" '"item_price":18.5,"currency":"GBP"' \
	"decimals are kept as written"
is "$(q "SELECT kind || ' ' || substr(target, 7, 10) FROM message_change ORDER BY ts")" \
"edit HBgLr83FEE
edit HBgL4Na6YN
revoke HBgLQV5sfs
edit HBgLk8JlAb
revoke HBgLEb3Ymn" "each edit and deletion once, with what it changed"
is "$(q "SELECT last_in_at, last_out_at FROM contact WHERE id = 4")" "1795609403|1795609302" \
	"the app's echoes are our last message to them, not theirs"

# --- statuses -----------------------------------------------------------
is "$(q "SELECT substr(wamid, 7, 10), status, coalesce(recipient, '-'), coalesce(recipient_user_id, '-'),
		coalesce(nullif(participant, ''), '-'), coalesce(callback_data, '-'), coalesce(error_code, '-'),
		coalesce(error_title, '-'), coalesce(json_extract(payload, '$.pricing.category'), '-')
		FROM status_event ORDER BY id")" \
"HBgLFPGtGv|played|16505550147|US.7305512948810462201|-|-|-|-|-
HBgLfr5wB/|sent|447700900461|GB.88213075546190331|-|wb:broadcast=winter-sampler;key=promo-amara|-|-|marketing
HBgL6RBxzS|delivered|16505550147|US.7305512948810462201|-|-|-|-|service
HBgLVzqxuS|read|16505550147|US.7305512948810462201|-|-|-|-|referral_conversion
HBgLq8Zmi6|failed|16505550147|-|-|wb:broadcast=winter-sampler;key=promo-priya|131049|This message was not delivered to maintain healthy ecosystem engagement.|-
HBgL+juh3b|delivered|Y2FwaV9ncm91cDp3YlRlYUNsdWJTYXR1cmRheTIwMjY|-|16505550147|-|-|-|group_service
HBgL+juh3b|read|Y2FwaV9ncm91cDp3YlRlYUNsdWJTYXR1cmRheTIwMjY|-|GB.41099238170556612|-|-|-|-
HBgLhj78KA|delivered|-|GB.41099238170556612|-|-|-|-|service
HBgLLvXvB7|read|61491570156|AU.55018231942770315|-|-|-|-|-
HBgL9ytMPg|failed|-|GB.41099238170556612|-|-|131026|Message undeliverable|-
HBgLk8JlAb|read|447700900461|GB.88213075546190331|-|-|-|-|-
HBgL6vK5mW|delivered|16505550147|US.7305512948810462201|-|-|-|-|-
HBgLCeX1gy|read|447700900461|GB.88213075546190331|-|-|-|-|-" \
	"every status: played, pricing, callback data, errors, group members, user IDs"
is "$(q "SELECT error_text || ' ' || error_href FROM status_event WHERE status = 'failed' AND error_code = 131026")" \
	"The recipient could not be reached on this number or ID. /documentation/business-messaging/whatsapp/support/error-codes" \
	"a failure's details and href"

# --- calls, preferences, changes kept whole ------------------------------
is "$(q "SELECT substr(wacid, 7, 10), contact_id, direction, status, coalesce(duration, '-'), coalesce(callback_data, '-'),
		coalesce(error_code, '-') FROM call ORDER BY id")" \
"HBgL0gQM44|1|in|completed|125|-|-
HBgLWZfMjP|4|out|accepted|-|wb:callback=order-1187|-
HBgL+Lnd/R|4|out|failed|-|wb:callback=order-1190|131000" "a call a row: who, which way, how it ended"
is "$(q "SELECT count(*) FROM call_event")" 5 "each call event once"
is "$(q "SELECT marketing_stop_at FROM contact WHERE id = 1")" 1795608600 "stop: no more marketing for Priya, and when"
is "$(q "SELECT field || ' ' || coalesce(event, '-') || ' ' || coalesce(template_name, '-') || ' ' || known
		FROM webhook_change ORDER BY id")" \
"messages errors - 1
history errors - 1
message_template_status_update APPROVED winter_sampler_promo 1
message_template_status_update REJECTED order_ready_v2 1
message_template_status_update PAUSED winter_sampler_promo 1
message_template_status_update DISABLED winter_sampler_promo 1
message_template_status_update PENDING_DELETION order_ready_v2 1
message_template_quality_update YELLOW winter_sampler_promo 1
template_category_update UTILITY loyalty_points 1
template_category_update MARKETING loyalty_points 1
account_update ACCOUNT_RESTRICTION - 1
account_update PARTNER_REMOVED - 1
phone_number_quality_update THROUGHPUT_UPGRADE - 1
business_username_update approved - 1
user_id_update - - 0
some_future_field - - 0" "template, account and number changes kept; unknown fields kept raw"
is "$(q "SELECT template_id || ' ' || waba_id || ' ' || ts FROM webhook_change WHERE event = 'APPROVED'")" \
	"1418820573306621 884120553010742 1795608700" "a template's id (all 16 digits), the account and the time"

# --- the log of a contact: deletions, edits, calls ------------------------
exits 0 "wb-contact log of Priya" -- wb-contact log 16505550147 -o csv
like "$(cat "$T/out")" ',in,text,,deleted,wamid\.HBgLQV5sfs' "a deleted message shows as deleted, without its text"
like "$(cat "$T/out")" ',in,text,Hi! Is the jasmine green tea \(100 g\) back in stock\?,edited,' "an edited one with its new text"
like "$(cat "$T/out")" ',in,call,call 2m05s,completed,wacid\.' "a call, with how long it lasted"
exits 0 "wb-contact log of a user ID" -- wb-contact log GB.73310982456610024 -o csv
like "$(cat "$T/out")" '^2026-11-25T12:00:10Z,447700900833,GB\.73310982456610024,in,text,"hello, do you ship to Leeds\?"' \
	"with both identifiers"

# --- the event stream ---------------------------------------------------
is "$(grep -c '"event":"message"' "$T/events")" 33 "a message event for each new message, edits and deletions, none for the history"
like "$(ev 'HBgLlCJDMv')" '"from":"GB\.41099238170556612","name":"Oliver Grant",.*"user_id":"GB\.41099238170556612","username":"@olly\.grant_tea","phone_number_id":"731000418520377"' \
	"a user without a phone: from is the user ID; username and business number"
like "$(ev 'HBgLHhUZIc')" '"from":"61491570156",.*"user_id":"AU\.55018231942770315"' "a parent's user keeps its own ID"
like "$(ev 'HBgLvdukhg')" '"referral":\{"source_url":"https://fb\.me/9QwTea7Kx","source_id":"120231185500437719","source_type":"ad",.*"headline":"Winter Tea Sampler","media_type":"image",.*"ctwa_clid":"ARAk' \
	"referral: source, headline, media, ctwa_clid"
like "$(ev 'HBgLWYhobl')" '"media_type":"video","video_url":"[^"]*","thumbnail_url":"[^"]*"\}' "a Status ad placement has no ctwa_clid"
like "$(ev 'HBgLQV5sfs')" '"forwarded":true' "forwarded"
like "$(ev 'HBgL4Na6YN.*"type":"image"')" '"frequently_forwarded":true' "frequently forwarded"
like "$(ev 'HBgLfUqUW7')" '"reply_to":"wamid\.HBgL6RBx[^"]*",.*"reply_to_from":"15550142208"' "a quoted reply: reply_to and who wrote it"
like "$(ev 'HBgL4V9Img')" '"product":\{"catalog_id":"774310982215507","retailer_id":"oolong-250g"\}' "a referred product"
like "$(ev 'HBgLv3bSq2')" '"error":\{"code":131051,"text":"Message type is currently not supported\.","title":"Message type unknown"\}.*"unsupported":"poll_creation"' \
	"errors beside a message: code, text, title; the unsupported type"
like "$(ev 'HBgLIXNH\+j')" '"unsupported":"edit"' "an edit that came as unsupported says so"
like "$(ev 'HBgL2BDo\+1')" '"type":"edit","text":"Hi! Is the jasmine green tea \(100 g\) back in stock\?".*"edits":"wamid\.HBgLr83FEE' \
	"an edit: its new text and what it edits"
like "$(ev 'HBgLgpfNK4')" '"type":"edit","text":"Is this discount real\? \(the 30% one\)","media":\{"id":"2750119384412095"' \
	"an edited caption, with its medium"
like "$(ev 'HBgLyRhEFR')" '"type":"revoke",.*"deletes":"wamid\.HBgLQV5sfs' "a deletion: what it deletes"
like "$(ev 'HBgLW8fMWO')" '"order":\{"catalog_id":"774310982215507","text":"For my mum.s birthday","product_items":\[\{"product_retailer_id":"oolong-250g","quantity":2,"item_price":18\.5' \
	"an order with its items"
like "$(ev 'HBgLSOyMz7')" '"type":"request_welcome"' "a welcome request"
like "$(ev 'HBgLl9WOxh')" '"interactive":\{"response_json":"\{\\"flow_token\\":\\"wb-booking-7781\\"' "a flow's answer"
like "$(ev 'HBgLElKi3j')" '"call_permission":\{"response":"accept","permanent":false,"source":"user_action","expires":"2026-12-02T12:03:00Z"\}' \
	"a call permission granted, until when"
like "$(ev 'HBgL8ct4GC')" '"call_permission":\{"response":"reject","permanent":false,"source":"user_action"\}' "and refused"
is "$(ev 'HBgLUAy\+qy|HBgLXRAzWL' | grep -c '"reaction":{"to":"wamid\.HBgL6RBx[^"]*","emoji":""}')" 2 \
	"a removed reaction, with or without an empty emoji"
like "$(ev 'HBgLa1fAFb')" '"group":"Y2FwaV9ncm91cDp3YlRlYUNsdWJTYXR1cmRheTIwMjY"' "a group message"
like "$(ev 'HBgL35rtKT')" '"contacts":\[\{"origin":"contact_request","phones":\[\{"phone":"\+44 7700 900833","wa_id":"447700900833"' \
	"a shared number on request"
like "$(ev 'HBgLZtqC7S')" '"type":"system",.*"system":\{"body":"User Amara Okafor changed from 447700900461 to 447700900512","wa_id":"447700900512","user_id":"GB\.20761193348025167","previous_user_id":"GB\.88213075546190331","type":"user_changed_number"\}' \
	"a changed number"
like "$(ev 'HBgLTto8vg')" '"phone_number_id":"731000418520991"' "a message to the second number says so"
like "$(ev 'HBgLFPGtGv')" '"status":"played","user_id":"US\.7305512948810462201"' "played"
like "$(ev 'HBgLfr5wB/')" '"tag":"wb:broadcast=winter-sampler;key=promo-amara","pricing":\{"billable":true,"model":"PMP","type":"regular","category":"marketing"\},"conversation":\{"id":"c41f0a9e7b2d4c18a6e35f90d2b7e104","origin":"marketing","expires":"2026-11-26T12:05:10Z"\}' \
	"a status's tag, pricing and conversation"
like "$(ev 'HBgLq8Zmi6')" '"status":"failed","error":\{"code":131049,"text":"To keep engagement healthy, this marketing message was not delivered\.","title":"This message was not delivered to maintain healthy ecosystem engagement\.","href":"/documentation/business-messaging/whatsapp/support/error-codes"\}' \
	"a failure: code, details, title, href"
like "$(ev 'HBgL\+juh3b.*"delivered"')" '"to":"Y2FwaV9ncm91cDp3YlRlYUNsdWJTYXR1cmRheTIwMjY",.*"group":"Y2Fw[^"]*","participant":"16505550147","participant_user_id":"US\.7305512948810462201"' \
	"a group status names the member"
like "$(ev 'HBgLhj78KA')" '"to":"GB\.41099238170556612",.*"user_id":"GB\.41099238170556612"' "a status of a message to a user ID"
like "$(ev '"echo","wamid":"wamid\.HBgLk8JlAb')" '^\{"event":"echo","wamid":"wamid\.HBgLk8JlAb[^"]*","to":"447700900461",.*"text":"Your order is packed, it leaves tomorrow morning\.",.*"source":"app"\}$' \
	"an echo of what the app sent is an event of its own"
like "$(ev '"echo","wamid":"wamid\.HBgLEb3Ymn')" '"to":"GB\.41099238170556612",.*"type":"image",.*"media":\{"id":"1559027713840466"' "an echo to a user ID"
is "$(grep -c '"event":"echo"' "$T/events")" 5 "echoes, edits of echoes included"
like "$(ev '"event":"preference"')" '"from":"16505550147",.*"value":"stop","category":"marketing_messages"' "a marketing stop"
is "$(ev '"event":"call"' | sed 's/.*"direction":"\([a-z]*\)","status":"\([a-z]*\)".*/\1 \2/' | tr '\n' ' ')" \
	"in connect in completed out ringing out accepted out failed " "calls: each event, which way, where it is"
like "$(ev '"status":"completed"')" '"duration":125,"started":"2026-11-25T12:15:05Z","ended":"2026-11-25T12:17:10Z"' "how long it lasted"
is "$(grep -c 'history\|"event":"change"' "$T/events")" 0 "no events for the history or changes kept whole"

# --- again: nothing twice --------------------------------------------------
exits 3 "all again: only the bad parts are warned about again" -- wb-recv $FILES
is "$(cat "$T/out")" "" "no event twice"
dump "$WB_DB" > "$T/again.dump"; cmp -s "$T/again.dump" "$T/files.dump" || diff "$T/again.dump" "$T/files.dump" | head | sed "s/^/# /"
ok $? "nothing changes: a delivery from before a change of number teaches nothing"
is "$(q "SELECT count(*) FROM message")|$(q "SELECT count(*) FROM quarantine")|$(q "SELECT count(*) FROM webhook_change")" \
	"38|6|16" "and nothing stored twice"

# --- the quarantine -------------------------------------------------------
exits 0 "quarantine lists the parts" -- wb-recv quarantine -o csv
is "$(cut -d, -f3-5 "$T/out" | tr '\n' ' ')" \
	"source,offset,path $S/bad-neighbour.json,0,entry[0].changes[0].value.messages[1] $S/bad-neighbour.json,0,entry[0].changes[0].value.messages[2] $S/bad-neighbour.json,0,entry[0].changes[1].value.statuses[1] $S/bad-neighbour.json,0,entry[1].changes[0] $S/bad-neighbour.json,0,entry[1].changes[1].value.messages[0] $S/bad-neighbour.json,0,entry[2] " \
	"where each came from"
is "$(q "SELECT reason FROM quarantine ORDER BY id" | tr '\n' '|')" \
	'no id|no timestamp (Unix seconds)|no id|no "value" object|"from" is not a WhatsApp number|no "changes" list|' "and why"
wb-profile set timezone=Asia/Shanghai >/dev/null
exits 0 "the quarantine as a table" -- wb-recv quarantine -o table 1
like "$(sed -n 2p "$T/out")" "^ *1  2026-11-25 21:00\+08:00  " "shows its time in the business zone, as every table does"
is "$(q "SELECT json_extract(raw, '$.entry[0].changes[0].value.messages[0].text.body') || ' ' ||
		json_extract(raw, '$.entry[0].changes[0].value.metadata.phone_number_id') || ' ' ||
		json_array_length(raw, '$.entry[0].changes[0].value.messages') || ' ' ||
		json_extract(raw, '$.entry[0].changes[0].value.contacts[0].wa_id') FROM quarantine WHERE id = 1")" \
	"I have no id 731000418520377 1 16505550147" "a part is kept with its change: business number, contacts, itself alone"
exits 3 "retry: still bad" -- wb-recv retry
like "$(cat "$T/err")" "quarantine 1: entry\[0\]\.changes\[0\]\.value\.messages\[1\]: no id \(still quarantined\)" "says which"
like "$(tail -n 1 "$T/err")" "retry: 0 taken in, 6 still quarantined" "and how many"
# a wb that can take it: here, the part as its sender should have sent it
q "UPDATE quarantine SET raw = json_set(raw, '$.entry[0].changes[0].value.messages[0].id', 'wamid.NOW1') WHERE id = 1"
exits 3 "retry after an upgrade" -- wb-recv retry
like "$(cat "$T/out")" '^\{"event":"message","wamid":"wamid\.NOW1","from":"16505550147",.*"text":"I have no id"' \
	"what is taken in comes out as an event"
is "$(q "SELECT count(*) FROM message WHERE wamid = 'wamid.NOW1'")|$(q "SELECT group_concat(id) FROM (SELECT id FROM quarantine ORDER BY id)")" \
	"1|2,3,4,5,6" "stored, and out of the quarantine; the rest stay"
like "$(tail -n 1 "$T/err")" "retry: 1 taken in, 5 still quarantined" "counted"
q "UPDATE quarantine SET raw = replace(raw, '\"timestamp\":{\"seconds\":1795609402}', '\"timestamp\":\"1795609402\"') WHERE id = 2"
exits 0 "retry of one by id" -- wb-recv retry 2
is "$(q "SELECT count(*) FROM quarantine WHERE id = 2")|$(q "SELECT body FROM message WHERE wamid LIKE 'wamid.HBgLfUhphl%'")" \
	"0|my timestamp is an object" "taken in"
is "$(q "SELECT tried_at FROM quarantine WHERE id = 3")" "$(date -d 2026-11-25T13:00:00Z +%s)" "a retry that failed is dated"
exits 64 "retry of no number" -- wb-recv retry x

# --- through the signed listener: the same, to the byte -------------------
export WB_APP_SECRET=test-app-secret WB_DB="$T/listen.db"
wb-recv --listen 127.0.0.1:0 2>"$T/log" >"$T/listen-events" &
PID=$!
PORT=
for _ in $(seq 500); do
	PORT=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' "$T/log")
	[ -n "$PORT" ] && break
	sleep 0.02
done
# one process signs and posts them all, in the chain's order
python3 - "http://127.0.0.1:$PORT/webhook" $FILES > "$T/codes" <<'EOF'
import hashlib, hmac, os, sys, urllib.request
for path in sys.argv[2:]:
    body = open(path, "rb").read()
    sig = hmac.new(os.environ["WB_APP_SECRET"].encode(), body, hashlib.sha256).hexdigest()
    req = urllib.request.Request(sys.argv[1], body, {"Content-Type": "application/json",
                                                     "X-Hub-Signature-256": "sha256=" + sig})
    print(urllib.request.urlopen(req).status)
EOF
kill -TERM "$PID"
wait "$PID"
is "$?" 0 "the listener ends well"
is "$(sort -u "$T/codes" | tr '\n' ' ')$(wc -l < "$T/codes" | tr -d ' ')" "200 64" \
	"every delivery answered 200, the bad neighbour's too (Meta would send it forever)"
cmp -s "$T/events" "$T/listen-events"
ok $? "the same events as from the files, in the same order"
dump "$T/listen.db" > "$T/listen.dump"
cmp -s "$T/listen.dump" "$T/files.dump" || diff "$T/listen.dump" "$T/files.dump" | head -20 | sed "s/^/# /"
ok $? "the same database, row by row"
is "$(sqlite3 "$T/listen.db" "SELECT DISTINCT source || ' ' || (byte_offset IS NULL) FROM quarantine")" "listener 1" \
	"its quarantine says the listener"
like "$(cat "$T/log")" "listener: entry\[2\]: no \"changes\" list \(quarantined\)" "and so does its log"
done_testing
