#!/bin/sh
# wb-label: defaults, add/rm/rename/color, apply/remove from args and stdin,
# message labels, who, exit codes.
. "$(dirname "$0")/lib.sh"

exits 0 "ls on a new database" -- wb-label ls
is "$(cut -d, -f1 "$T/out" | tr '\n' '|')" "name|New customer|New order|Order complete|Paid|Pending payment|" \
	"a new database has WhatsApp's default labels"
exits 0 "add with a color" -- wb-label add vip --color 7
exits 65 "add an existing label (any case)" -- wb-label add VIP
like "$(cat "$T/err")" "^wb-label: label 'VIP' exists" "says it exists"
exits 65 "color out of range" -- wb-label add x --color 21
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
exits 0 "--help" -- wb-label --help
like "$(cat "$T/out")" "^usage: wb-label" "prints usage"
exits 0 "--version" -- wb-label -V
done_testing
