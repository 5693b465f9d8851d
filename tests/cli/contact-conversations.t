#!/bin/sh
# wb-contact ls --sort last-in|last-out|name, --unanswered (their last
# message came after our last reply; automatic replies are none),
# --unread (a message of theirs nobody opened, no reply after it).
. "$(dirname "$0")/lib.sh"
export WB_NOW=2026-11-25T12:00:00Z
A=16505550001 B=16505550002 C=16505550003 D=16505550004 E=16505550005
for p in "$A name=Ann" "$B name=bob" "$C name=Cy" "$D" "$E name=Eve"; do
	wb-contact add $p >/dev/null
done
# t HH:MM: that time on the 25th, in Unix seconds
t() { echo "strftime('%s', '2026-11-25T$1:00Z')"; }
msg() { # msg PHONE DIRECTION TS STATUS SENT_AT AUTO READ_AT
	sqlite3 "$WB_DB" "INSERT INTO message (contact_id, direction, type, ts, status, sent_at, auto, read_at)
		SELECT id, '$2', 'text', $3, '$4', $5, $6, $7 FROM contact WHERE wa_id = '$1'"
}
msg $A in "$(t 10:00)" received NULL NULL NULL
msg $A out "$(t 10:04)" sent "$(t 10:05)" NULL NULL       # a person answered
msg $B in "$(t 09:00)" received NULL NULL NULL
msg $B out "$(t 09:01)" read "$(t 09:01)" "'away'" NULL   # only the away message
msg $C in "$(t 08:00)" received NULL NULL "$(t 08:30)"   # an agent opened it
msg $E in "$(t 07:00)" received NULL NULL NULL
msg $E out "$(t 07:10)" queued NULL NULL NULL             # a reply not sent yet
msg $E out "$(t 06:00)" failed "$(t 06:00)" NULL NULL     # an earlier one that failed
sqlite3 "$WB_DB" "UPDATE contact SET last_in_at = (SELECT max(ts) FROM message WHERE contact_id = contact.id
		AND direction = 'in'),
	last_out_at = (SELECT max(sent_at) FROM message WHERE contact_id = contact.id AND direction = 'out')"

phones() { tail -n +2 | cut -d, -f1 | tr '\n' ' '; }
is "$(wb-contact ls --unanswered | phones)" "$B $C $E " \
	"--unanswered: the away message, an opened message and a queued reply are no answer"
is "$(wb-contact ls --unread | phones)" "$B $E " "--unread: what an agent opened is read"
is "$(wb-contact ls --sort last-in | phones)" "$A $B $C $E $D " "--sort last-in: the latest first, never last"
is "$(wb-contact ls --sort last-out | phones)" "$A $B $E $C $D " "--sort last-out: ours, the latest first"
is "$(wb-contact ls --sort name | phones)" "$D $A $B $C $E " "--sort name, ignoring case; no name: the phone"
is "$(wb-contact ls --unanswered --sort last-in -o jsonl | jq -r .name | tr '\n' ' ')" "bob Cy Eve " \
	"filters and the order together"
msg $B out "$(t 11:00)" delivered "$(t 11:00)" NULL NULL
is "$(wb-contact ls --unanswered | phones)" "$C $E " "a person's reply answers B"
is "$(wb-contact ls --unread | phones)" "$E " "and makes B's message read"
exits 64 "--sort takes a known key" -- wb-contact ls --sort age
like "$(cat "$T/err")" "last-in, last-out, name" "naming them"
exits 64 "--unread goes with ls" -- wb-contact show $A --unread
done_testing
