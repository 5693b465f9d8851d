#!/bin/sh
# wb-inbox: customers' messages (through the fake API's /_fake/inbound and
# wb-recv) open conversations; the listing, its filters and order; take,
# assign, unassign; a reply makes it pending, resolve, a new message
# reopens it; notes in the log; wb-send --read and --typing at the fake
# API; wb-stats --by agent; history and echoes open nothing; a customer
# known by user ID only (his read receipt's row too); the errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
export WB_NOW=2026-11-25T12:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
A=16505550001 B=16505550002 C=16505550003
fake_start

# say PHONE NAME TIME TEXT: the customer writes, through the fake API into
# wb-recv; the message id is kept in $T/wamid
say() {
	curl -sf -X POST -H 'Content-Type: application/json' "$FAKE_URL/_fake/inbound" \
		-d "{\"from\":\"$1\",\"name\":\"$2\",\"timestamp\":$(date -ud "$3" +%s),\"text\":\"$4\"}" >"$T/hook"
	json_get "$T/hook" '$.entry[0].changes[0].value.messages[0].id' >"$T/wamid"
	wb-recv -q "$T/hook"
}
say $A Ann 2026-11-25T09:00Z "Where is my order?"
say $B Bo 2026-11-25T09:30Z "Price of oolong?"
say $C Cy 2026-11-25T10:00Z "hello"
say $A Ann 2026-11-25T10:30Z "??"
wb-label add vip >/dev/null && wb-label apply vip $B >/dev/null

exits 0 "the inbox" -- wb-inbox -o csv
is "$(cat "$T/out")" "phone,user_id,name,state,assignee,wait_s,unread,window_left_s,labels,last_message,opened
$A,,Ann,open,,10800,2,81000,,??,2026-11-25T09:00:00Z
$B,,Bo,open,,9000,1,77400,vip,Price of oolong?,2026-11-25T09:30:00Z
$C,,Cy,open,,7200,1,79200,,hello,2026-11-25T10:00:00Z" \
	"open conversations, longest waiting first: wait, unread, window left, labels, last message"
is "$(wb-inbox --label vip -o csv | tail -n +2 | cut -d, -f1)" "$B" "--label"
exits 65 "--label of no label" -- wb-inbox --label nope

wb-agent add mei >/dev/null && wb-agent add bob >/dev/null
WB_AGENT=mei exits 0 "take" -- wb-inbox take -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f1,5)" "$A,mei" "the one waiting longest, now mei's"
WB_AGENT=bob exits 1 "take one taken" -- wb-inbox take $A
like "$(cat "$T/err")" "$A: taken by mei" "says by whom"
WB_AGENT=bob exits 0 "take a given one" -- wb-inbox take "+1 650 555 0003"
is "$(tail -n +2 "$T/out" | cut -d, -f1,5)" "$C,bob" "by its phone"
is "$(WB_AGENT=mei wb-inbox --mine -o csv | tail -n +2 | cut -d, -f1)" "$A" "--mine"
is "$(wb-inbox --unassigned -o csv | tail -n +2 | cut -d, -f1)" "$B" "--unassigned"
is "$(wb-inbox --agent bob -o csv | tail -n +2 | cut -d, -f1)" "$C" "--agent"
exits 0 "assign" -- wb-inbox assign $B bob
is "$(cat "$T/out")" "phone,user_id,assignee,changed
$B,,bob,true" "a row for it"
exits 0 "unassign from stdin" -- sh -c "wb-inbox --agent bob | wb-inbox unassign"
is "$(tail -n +2 "$T/out" | sort | tr '\n' ' ')" "$B,,,true $C,,,true " "every phone of the listing"
WB_AGENT=bob exits 1 "the queue, then empty" -- sh -c 'wb-inbox take && wb-inbox take && wb-inbox take'
like "$(cat "$T/err")" "nobody is waiting in the queue" "says so"

# a reply by the API makes it pending; a second customer message opens it
WB_AGENT=mei exits 0 "mei replies" -- wb-send --to $A --text "It ships today"
is "$(wb-inbox --state pending -o csv | tail -n +2 | cut -d, -f1,4,5,6,7)" "$A,pending,mei,,0" \
	"pending: nothing waiting, nothing unread"
is "$(sql "SELECT first_response_at - opened_at, first_response_by FROM conversation WHERE first_response_at")" "10800|mei" \
	"the first response, and who"
exits 0 "resolve what waits on the customer" -- sh -c "wb-inbox --state pending | wb-inbox resolve"
is "$(cat "$T/out")" "phone,user_id,state,changed
$A,,resolved,true" "resolved"
say $A Ann 2026-11-25T12:00Z "one more thing"
is "$(wb-inbox -o csv | grep "^$A" | cut -d, -f4,5,7)" "open,mei,1" "a message the same day reopens it, still mei's"
is "$(sql "SELECT count(*) FROM conversation WHERE contact_id = (SELECT id FROM contact WHERE wa_id = '$A')")" "1" \
	"the same conversation"

WB_AGENT=mei exits 0 "a note" -- wb-inbox note $A wants a refund, call back
is "$(wb-contact log $A -o csv | grep ',note,')" "2026-11-25T12:00:00Z,$A,,,note,\"wants a refund, call back\",,,,mei," \
	"in the log: a row of its own, with its author"
exits 1 "a note on no contact" -- wb-inbox note 16505559999 hello

# read receipts
exits 0 "--read" -- wb-send --read "$(cat "$T/wamid")"
is "$(cat "$T/out")" "id,phone,user_id,wamid,status,error,tag,template
,$A,,$(cat "$T/wamid"),read,,," "a row: phone, wamid, read"
json_same "$(body_of "$(api_requests)")" "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"$(cat "$T/wamid")\"}"
ok $? "the API got Meta's mark-as-read body"
is "$(wb-inbox -o csv | grep "^$A" | cut -d, -f7)" "0" "nothing unread"
is "$(wb-contact ls --unread -o csv --no-header | grep -c "^$A")" "0" "nor in wb-contact ls --unread"
exits 0 "--typing" -- wb-send --typing "$(cat "$T/wamid")"
is "$(body_at "$(api_requests)" .typing_indicator)" '{"type":"text"}' "with the typing indicator"
n=$(api_requests)
exits 65 "--read of no customer message" -- wb-send --read wamid.NOPE
is "$(api_requests)" "$n" "nothing is sent"
sql "INSERT INTO message (wamid, contact_id, direction, type, ts, status) VALUES ('wamid.UNSEEN', 1, 'in', 'text', 0, 'received')"
exits 65 "--read of a message the API never delivered" -- wb-send --read wamid.UNSEEN
like "$(cat "$T/err")" "wamid.UNSEEN: .*message_id" "the API's refusal, named"
exits 64 "--read with a message" -- wb-send --read wamid.X --text hi
exits 64 "--read with recipients" -- wb-send --read wamid.X --to $A

# (fields 15 and 16 are the survey figures, csat and nps)
exits 0 "--by agent" -- wb-stats --by agent --since 2026-11-25 --until 2026-11-26 -o csv
is "$(grep '^mei,' "$T/out" | cut -d, -f17-)" "1,1,10800,10800,10800,10800" \
	"mei: assigned 1, resolved 1, first response and resolution in 3 h"

# only what a customer writes now opens a conversation: not the app's
# history (their old messages in it included), the business's echoes, or
# WhatsApp's system message
S="$TOP/tests/samples/webhook" U=GB.41099238170556612
settings=$(sql "SELECT version FROM settings_version")
n=$(sql "SELECT count(*) FROM conversation")
for f in history-sync-threads smb-message-echoes-text bsuid-system-user-changed-number; do
	wb-recv -q "$S/$f.json"
done
is "$(sql "SELECT count(*) FROM conversation")" "$n" "history, echoes and a changed number open no conversation"
# through the fake, so that it takes his read receipt
curl -sf -X POST -H 'Content-Type: application/json' "$FAKE_URL/_fake/inbound" \
	--data-binary @"$S/bsuid-text-username-only.json" | wb-recv -q
is "$(wb-inbox -o csv | grep ",$U," | cut -d, -f1-4)" ",$U,Oliver Grant,open" \
	"a customer without a phone: listed by user ID"
w=$(json_get "$S/bsuid-text-username-only.json" '$.entry[0].changes[0].value.messages[0].id')
exits 0 "--read of his message" -- wb-send --read "$w"
is "$(cat "$T/out")" "id,phone,user_id,wamid,status,error,tag,template
,,$U,$w,read,,," "the row names him by user ID"
is "$(sql "SELECT version FROM settings_version")" "$settings" \
	"the inbox's changes leave settings_version (wb-reply auto's) alone"
WB_AGENT=bob exits 0 "take by user ID" -- wb-inbox take $U -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f2,5)" "$U,bob" "taken"
exits 0 "resolve by user ID" -- wb-inbox resolve $U
is "$(cat "$T/out")" "phone,user_id,state,changed
,$U,resolved,true" "its row names the user ID"

# errors
exits 78 "take without WB_AGENT" -- wb-inbox take
WB_AGENT=nobody exits 78 "take by no agent" -- wb-inbox take
like "$(cat "$T/err")" "WB_AGENT 'nobody' is no agent" "says so"
exits 65 "assign to no agent" -- wb-inbox assign $A ghost
exits 65 "assign a contact without a conversation" -- wb-inbox assign 16505559999 mei
exits 64 "--mine and --agent" -- wb-inbox --mine --agent bob
exits 64 "a filter with take" -- wb-inbox take --label vip
exits 64 "--state of no state" -- wb-inbox --state closed
exits 64 "assign with one argument" -- wb-inbox assign $A
exits 65 "a bad phone" -- wb-inbox resolve not-a-phone
done_testing
