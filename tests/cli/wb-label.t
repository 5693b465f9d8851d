#!/bin/sh
# wb-label: defaults, add/rm/rename/color, apply/remove from args and stdin,
# message labels, who, exit codes.
. "$(dirname "$0")/lib.sh"

exits 66 "ls without a database" -- wb-label ls
[ ! -e "$WB_DB" ]; ok $? "makes none"
exits 0 "add with a color" -- wb-label add vip --color 7
exits 0 "ls on a new database" -- wb-label ls
is "$(cut -d, -f1 "$T/out" | tr '\n' '|')" "name|New customer|New order|Order complete|Paid|Pending payment|vip|" \
	"a new database has WhatsApp's default labels"
exits 65 "add an existing label (any case)" -- wb-label add VIP
like "$(cat "$T/err")" "^wb-label: label 'VIP' exists" "says it exists"
exits 65 "color out of range" -- wb-label add x --color 21
# a contact's labels are listed joined by commas
exits 65 "a comma in a name" -- wb-label add 'Paid,VIP'
is "$(cat "$T/err")" "wb-label: 'Paid,VIP': a label name has no comma, control character, or space at either end" "says why"
exits 65 "a name that only a trailing space tells apart" -- wb-label rename VIP 'VIP '
exits 64 "unknown command" -- wb-label frob
exits 64 "missing argument" -- wb-label add
exits 64 "--color only with add" -- wb-label rm vip --color 3

exits 0 "apply to phones in any notation" -- wb-label apply vip "+1 (650) 555-1234" 8613912345678
is "$(wb-label who vip -o csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "16505551234 8613912345678 " "who lists them"
exits 0 "apply again is harmless" -- wb-label apply vip 16505551234
like "$(cat "$T/out")" "vip,16505551234,false" "and reports no change"
exits 65 "a bad phone fails the whole apply" -- wb-label apply Paid 16505551234 not-a-phone
is "$(wb-label who Paid -o csv | wc -l)" "1" "nothing was labelled"

wb-label who vip | wb-label apply Paid >/dev/null
ok $? "a listing pipes into apply"
is "$(wb-label who Paid -o csv | tail -n +2 | wc -l)" "2" "both got the label"
printf '{"phone":"+44 20 7946 0958"}\n' | wb-label apply Paid >/dev/null
ok $? "JSONL on stdin"
is "$(wb-label ls -o csv | grep '^Paid,')" "Paid,4,3,0" "counts members"

exits 0 "remove" -- wb-label remove Paid 442079460958
is "$(wb-label ls -o csv | grep '^Paid,')" "Paid,4,2,0" "removed"
exits 0 "rename" -- wb-label rename vip VIPs
exits 0 "who after rename" -- wb-label who VIPs
exits 1 "who of no such label" -- wb-label who vip
exits 0 "color" -- wb-label color VIPs 12
is "$(wb-label ls -o csv | grep '^VIPs,')" "VIPs,12,2,0" "color changed"
exits 65 "rename onto another label" -- wb-label rename VIPs Paid
exits 0 "rm" -- wb-label rm VIPs
exits 1 "rm again" -- wb-label rm VIPs
exits 65 "apply an unknown label" -- wb-label apply nope 16505551234
exits 64 "--message without ids" -- wb-label apply Paid --message
exits 65 "--message of an unknown message" -- wb-label apply Paid --message wamid.NOPE
exits 64 "--message goes with apply, remove and who" -- wb-label ls --message
exits 65 "color 0" -- wb-label color Paid 0
exits 65 "color not a number" -- wb-label color Paid red
exits 1 "rename of no such label" -- wb-label rename nope other
exits 1 "color of no such label" -- wb-label color nope 3
exits 65 "remove with a bad phone on stdin" -- sh -c 'printf "16505551234\nxyz\n" | wb-label remove Paid'
like "$(cat "$T/err")" "stdin:2: 'xyz'" "names the line"
is "$(wb-label who Paid -o csv | wc -l)" "3" "nothing removed"

# labels on single messages, as in the app: real message rows
sqlite3 "$WB_DB" "INSERT INTO message (wamid, contact_id, direction, type, body, ts, status)
	SELECT 'wamid.A', id, 'in', 'text', 'I paid', 1764064800, 'received' FROM contact WHERE wa_id = '16505551234';
	INSERT INTO message (wamid, contact_id, direction, type, body, ts, status)
	SELECT 'wamid.B', id, 'out', 'text', 'Thanks!', 1764064860, 'sent' FROM contact WHERE wa_id = '16505551234';
	INSERT INTO message (wamid, contact_id, direction, type, body, ts, status)
	SELECT 'wamid.C', id, 'in', 'text', 'order 2', 1764064700, 'received' FROM contact WHERE wa_id = '8613912345678';"
exits 0 "apply to messages" -- wb-label apply Paid --message wamid.A wamid.C
is "$(cat "$T/out")" "$(printf 'label,target,changed\nPaid,wamid.A,true\nPaid,wamid.C,true')" "reports each message"
is "$(sqlite3 "$WB_DB" "SELECT group_concat(wamid) FROM (SELECT m.wamid FROM message_label ml JOIN message m ON m.id = ml.message_id ORDER BY m.wamid)")" \
	"wamid.A,wamid.C" "stored on those messages only"
is "$(wb-label ls -o csv | grep '^Paid,')" "Paid,4,2,2" "ls counts labelled messages"
exits 0 "who --message" -- wb-label who Paid --message
is "$(cat "$T/out")" "time,phone,user_id,direction,type,text,status,wamid,labels,agent,media
2025-11-25T09:58:20Z,8613912345678,,in,text,order 2,received,wamid.C,Paid,,
2025-11-25T10:00:00Z,16505551234,,in,text,I paid,received,wamid.A,Paid,," "the labelled messages, oldest first"
exits 0 "apply to a message again" -- wb-label apply Paid --message wamid.A
is "$(tail -1 "$T/out")" "Paid,wamid.A,false" "no change"
exits 65 "one unknown message fails them all" -- wb-label apply New\ order --message wamid.B wamid.NOPE
like "$(cat "$T/err")" "wamid.NOPE: no such message" "names it"
is "$(wb-label ls -o csv | grep '^New order,')" "New order,2,0,0" "nothing labelled"
exits 0 "remove from a message" -- wb-label remove Paid --message wamid.C
is "$(wb-label who Paid --message -o csv | tail -n +2 | cut -d, -f8)" "wamid.A" "only the other is left"
is "$(wb-label who Paid -o csv | wc -l)" "3" "the contacts' own labels are untouched"
exits 0 "rm a label takes it off messages" -- wb-label rm Paid
is "$(sqlite3 "$WB_DB" "SELECT count(*) FROM message_label")" "0" "no message carries it"
is "$(sqlite3 "$WB_DB" "SELECT count(*) FROM message")" "3" "the messages stay"
exits 0 "--help" -- wb-label --help
like "$(cat "$T/out")" "^usage: wb-label" "prints usage"
exits 0 "--version" -- wb-label -V
done_testing
