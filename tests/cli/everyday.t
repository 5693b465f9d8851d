#!/bin/sh
# What a new user and a cron job meet first: commands that only read make
# no database (and without HOME nothing is made in the current
# directory); --at in the past is refused, a clock time is the next one,
# a dry run says when; a send to nobody says so and exits 1; a flush with
# nothing due writes nothing.
. "$(dirname "$0")/lib.sh"
export WB_NOW=2026-11-25T10:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
A=16505550001 B=16505550002

# --- reading never creates
for cmd in "wb-contact ls" "wb-contact show $A" "wb-contact log $A" "wb-label ls" "wb-label who vip" \
	"wb-stats" "wb-stats top" "wb-send queue" "wb-reply quick ls" "wb-reply greeting" \
	"wb-profile show" "wb-profile hours" "wb-profile open" "wb-profile export"; do
	$cmd >"$T/out" 2>"$T/err"
	is "$?:$(cat "$T/out")" "66:" "$cmd: no database, exit 66, no output"
done
is "$(cat "$T/err")" "wb-profile: $WB_DB: no database yet; commands that write make it (wb-contact add or import, wb-profile set); -d or WB_DB names another" \
	"names the path and how to start"
[ ! -e "$WB_DB" ] && [ ! -e "$XDG_DATA_HOME" ]; ok $? "none was made"

# --- no HOME: nothing made in the current directory
mkdir "$T/cwd"
(cd "$T/cwd" && env -u HOME -u WB_DB -u XDG_DATA_HOME -u XDG_CONFIG_HOME wb-contact add $A) >"$T/out" 2>"$T/err"
is "$?" "78" "a command that writes, without HOME: configuration missing"
is "$(cat "$T/err")" "wb-contact: no database: HOME is not set; name one with -d or WB_DB" "says what to do"
is "$(ls -A "$T/cwd")" "" "and makes nothing where it runs"

# --- --at
export WB_TOKEN=t WB_PHONE_ID=1 WB_API_URL=http://127.0.0.1:9 # nothing here is sent
wb-contact add $A name=Ann >/dev/null
wb-profile set timezone=Asia/Shanghai >/dev/null
exits 65 "--at an hour ago" -- wb-send --to $A --template hi --at 2026-11-25T17:00
is "$(cat "$T/err")" "wb-send: $A: --at '2026-11-25T17:00' is 2026-11-25 17:00+08:00, in the past; --now-if-past sends it now" \
	"refused, showing the time it was read as"
is "$(sql 'SELECT count(*) FROM message')" "0" "nothing queued"
exits 64 "--now-if-past without --at" -- wb-send --to $A --template hi --now-if-past
exits 0 "--at 09:00 after 18:00" -- wb-send --to $A --template hi --at 09:00 -o csv
like "$(cat "$T/out")" "^[0-9]+,$A,,,queued,,,hi$" "is queued"
is "$(sql 'SELECT datetime(due_at, "unixepoch") FROM message')" "2026-11-26 01:00:00" "for tomorrow's 09:00 in the business zone"
# (no template synced here: each run says its template went unchecked)
unchecked="wb-send: template hi (en_US): not checked: no templates are synced (wb-template sync)"
exits 0 "a dry run with --at" -- wb-send --dry-run --to $A --template hi --at '2026-12-01T09:00'
is "$(cat "$T/err")" "$unchecked
wb-send: $A: would be sent at 2026-12-01 09:00+08:00" "says when each would go"
exits 0 "a dry run with --at half a minute ago" -- wb-send --dry-run --to $A --template hi --at '2026-11-25T17:59:30'
is "$(cat "$T/err")" "$unchecked
wb-send: $A: would be sent now" "within a minute: now"

# --- a send to nobody
wb-label add vip >/dev/null
exits 1 "a label nobody has" -- wb-send --label vip --template hi
is "$(cat "$T/err"):$(cat "$T/out")" "wb-send: nobody to send to: no contact is labelled vip:" "says so, writes no row"
wb-label apply vip $A >/dev/null && wb-label add wholesale >/dev/null
exits 1 "an empty intersection" -- wb-send --label vip --label wholesale --not-label Paid --template hi
is "$(cat "$T/err")" "wb-send: nobody to send to: no contact is labelled vip and wholesale, not Paid" "names the segment"
exits 1 "CSV without rows" -- sh -c 'echo phone | wb-send --template hi'
is "$(cat "$T/err")" "wb-send: nobody to send to: no recipients on stdin" "says so"
is "$(sql 'SELECT count(*) FROM broadcast')" "0" "no broadcast recorded"

# --- flush with nothing due: nothing at all
exits 0 "flush with nothing due" -- wb-send flush -o csv
is "$(wc -c <"$T/out" | tr -d ' ')" "0" "writes nothing, not even a header"
exits 0 "the queue is a listing" -- wb-send queue -o csv
is "$(head -1 "$T/out")" "id,phone,user_id,type,status,due,attempts,key,error,tag" "with its header"
done_testing
