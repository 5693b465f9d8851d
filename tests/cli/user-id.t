#!/bin/sh
# A customer without a phone number (a username user, known by a
# business-scoped user ID) through every utility: listings, labels,
# stats, stdin readers, wb-send to a user ID (recipient), wb-reply auto
# answering from the number they wrote to, only to real messages, and
# broadcasts that skip who stopped marketing messages.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
S="$TOP/tests/samples/webhook"
export WB_NOW=2026-11-25T12:30:00Z
q() { sqlite3 "$WB_DB" "$1"; }
OLIVER=GB.41099238170556612
PRIYA=16505550147

wb-recv -q "$S/bsuid-text-phone-and-user-id.json" "$S/bsuid-text-username-only.json" "$S/user-preferences-stop.json"
ok $? "a user with a phone and one without write"

# --- listings and readers ------------------------------------------------
exits 0 "ls" -- wb-contact ls -o csv
is "$(cat "$T/out")" "phone,user_id,name,profile_name,username,labels,opted_out,last_in
$PRIYA,US.7305512948810462201,,Priya Raman,,,false,2026-11-25T12:00:00Z
,$OLIVER,,Oliver Grant,\"'@olly.grant_tea\",,false,2026-11-25T12:00:10Z" \
	"both, the one without a phone last, by user ID (a username is no formula)"
exits 0 "show by user ID" -- wb-contact show $OLIVER -o json
like "$(cat "$T/out")" '"phone":null,"user_id":"GB\.41099238170556612",.*"username":"@olly\.grant_tea"' "phone null, user ID and username"
exits 0 "show Priya" -- wb-contact show $PRIYA -o csv
like "$(tail -n 1 "$T/out")" ',,true,2026-11-25T12:10:00Z$' "her stop of marketing messages, and when"
wb-label add vip >/dev/null
wb-contact ls -o csv | wb-label apply vip >"$T/out"
is "$(cut -d, -f2,3 "$T/out" | tr '\n' ' ')" "target,changed $PRIYA,true $OLIVER,true " "a listing piped into apply: the user ID row too"
exits 0 "who" -- wb-label who vip -o csv
is "$(cat "$T/out")" "phone,user_id,name
$PRIYA,US.7305512948810462201,Priya Raman
,$OLIVER,Oliver Grant" "who lists the user ID"
printf '%s\n' "$OLIVER" | wb-contact optout >"$T/out"
is "$(cat "$T/out")" "phone,user_id,opted_out,changed
,$OLIVER,true,true" "a user ID on stdin, in the user_id column"
printf '{"user_id":"%s"}\n' "$OLIVER" | wb-contact optin >/dev/null
is "$(q "SELECT opted_out FROM contact WHERE user_id = '$OLIVER'")" 0 "JSONL with user_id"
exits 0 "add by user ID" -- wb-contact add US.99 name=Sam
is "$(cat "$T/out")" "phone,user_id,created
,US.99,true" "a contact with only a user ID"
exits 0 "rm by user ID" -- wb-contact rm US.99
exits 0 "stats by contact" -- wb-stats --by contact --since 2026-11-25 --until 2026-11-26 -o csv
like "$(cat "$T/out")" "^,$OLIVER,Oliver Grant,1,0," "a row for the contact without a phone"
exits 0 "top" -- wb-stats top --since 2026-11-25 --until 2026-11-26 -o csv
like "$(cat "$T/out")" "^,$OLIVER,Oliver Grant,1,1,0," "top too"
printf 'user_id,name\nGB.5,Zed\n' | wb-contact import >/dev/null
is "$(q "SELECT name FROM contact WHERE user_id = 'GB.5'")" "Zed" "import by user ID"

# --- sending to a user ID -------------------------------------------------
fake_start --phone-id 106540352242922,731000418520377
exits 0 "wb-send --to a user ID" -- wb-send --to $OLIVER --text "We do ship to Leeds."
like "$(cat "$T/out")" "^[0-9]+,,$OLIVER,wamid\.[^,]+,sent,,,$" "the result row names the user ID"
body=$(body_of "$(api_requests)")
like "$body" '"recipient": "GB\.41099238170556612"' "the request names the recipient by user ID"
like "$body" '^\{"messaging_product": "whatsapp", "recipient_type": "individual", "recipient": ' "and has no to"
exits 0 "to Priya, who has both" -- wb-send --to US.7305512948810462201 --text "Back in stock."
like "$(body_of "$(api_requests)")" '"to": "16505550147"' "a contact with a phone is sent to by phone"

# --- automatic replies: from the number they wrote to, to real messages ----
wb-reply greeting set 'Hi {{name}}' >/dev/null
rm -f "$WB_DB"*
wb-reply greeting set 'Hi {{name}}' >/dev/null
for f in msg-reaction-removed msg-edit msg-revoke msg-request-welcome msg-unsupported-errors \
	msg-nfm-reply-flow msg-call-permission-reply bsuid-system-user-changed-user-id \
	bsuid-text-username-only smb-message-echoes-text; do cat "$S/$f.json"; done | wb-recv > "$T/events"
exits 0 "wb-reply auto" -- sh -c "wb-reply auto < '$T/events'"
is "$(cat "$T/out")" '{"to":"GB.41099238170556612","text":"Hi Oliver Grant","image":null,"document":null,"caption":null,"reply_to":"wamid.HBgLlCJDMvVxrnbulFFwAOyrhFYUx/CWz+SSt678","key":"auto:wamid.HBgLlCJDMvVxrnbulFFwAOyrhFYUx/CWz+SSt678","auto":"greeting","rendered":true,"from_number":"731000418520377","fallback_template":null,"fallback_lang":null,"fallback_param":null}' \
	"one greeting, to the one real message: to the user ID, from the number they wrote to"
is "$(q "SELECT kind || ':' || count(*) FROM auto_reply GROUP BY kind ORDER BY kind" | tr '\n' ' ')" "greeting:1 none:7 " \
	"reactions, edits, deletions, welcome requests, unsupported, flows, call permissions, system notices: decided, answered nothing"
cp "$T/out" "$T/reply"
n=$(api_requests)
exits 0 "the reply goes out through wb-send -" -- sh -c "wb-send - < '$T/reply'"
is "$(sed -n "$((n + 1))p" "$T/api.log" | jq -r .path)" "/v26.0/731000418520377/messages" "from the business number in the line"
exits 65 "a number the account does not have" -- wb-send --to $PRIYA --template hello --from-number 731000000000000
like "$(cat "$T/err")" "does not exist" "the API says so"
exits 64 "--from-number takes digits" -- wb-send --to $PRIYA --template hello --from-number ../x

# --- broadcasts skip who stopped marketing messages -----------------------
wb-recv -q "$S/bsuid-text-phone-and-user-id.json" "$S/user-preferences-stop.json"
wb-label add promo >/dev/null
wb-label apply promo $PRIYA $OLIVER >/dev/null
exits 0 "a broadcast" -- wb-send --label promo --template winter_sampler --rate off
is "$(tail -n +2 "$T/out" | cut -d, -f2,3,5,6 | sort | tr '\n' ' ')" \
	",GB.73310982456610024,sent, $PRIYA,US.7305512948810462201,skipped,opted out of marketing " \
	"the one who stopped marketing is skipped, saying why"
q "UPDATE contact SET marketing_stop = 1 WHERE username = '@olly.grant_tea'"
wb-recv -q "$S/user-preferences-resume-user-id.json"
is "$(q "SELECT marketing_stop FROM contact WHERE username = '@olly.grant_tea'")" 0 "resume: marketing again"
done_testing
