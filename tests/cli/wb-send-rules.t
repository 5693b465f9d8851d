#!/bin/sh
# wb-send rules: the 24-hour window, opt-out and --force, segments and
# CSV broadcasts (dedup, placeholders, --cap), idempotency keys, --at
# scheduling with per-row times, queue, cancel and flush; --kind, and
# what the cap and wb-stats --by broadcast count.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
export WB_NOW=2026-11-25T10:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
fake_start
A=16505550001 B=16505550002 C=16505550003
wb-label add vip >/dev/null
wb-label apply vip $A $B $C >/dev/null
sql "UPDATE contact SET last_in_at = strftime('%s','2026-11-25T09:00:00Z') WHERE wa_id = '$A'"
sql "UPDATE contact SET last_in_at = strftime('%s','2026-11-22T10:00:00Z') WHERE wa_id = '$B'"
sql "UPDATE contact SET opted_out = 1, name = 'Cy' WHERE wa_id = '$C'"

exits 0 "free-form inside the window" -- wb-send --to $A --text hello
exits 65 "free-form outside the window is refused" -- wb-send --to $B --text hello
like "$(cat "$T/err")" "^wb-send: $B: outside the 24-hour window \(closed 2026-11-23T10:00:00Z\); use a template" \
	"names the contact and when the window closed"
wb-profile set timezone=Asia/Shanghai >/dev/null
exits 65 "with a business zone" -- wb-send --to $B --text hello
like "$(cat "$T/err")" "outside the 24-hour window \(closed 2026-11-23 18:00\+08:00\)" "the closing time is told in it"
sql "DELETE FROM setting WHERE key = 'profile.timezone'"
is "$(sends_to $B)" "0" "the API was not called"
exits 0 "a template outside the window" -- wb-send --to $B --template nov_promo
exits 0 "--force outside the window" -- wb-send --to $B --text hello --force
is "$(sends_to $B)" "2" "both reached the API"
exits 0 "a direct send to an opted-out contact is skipped" -- wb-send --to $C --template nov_promo
like "$(cat "$T/out")" ",$C,,,skipped,opted out" "reported as skipped"
is "$(sends_to $C)" "0" "not sent"
exits 0 "--force reaches an opted-out contact on a direct send" -- wb-send --to $C --template nov_promo --force
is "$(sends_to $C)" "1" "sent"
exits 0 "an automatic reply never reaches them, even forced" -- wb-send --to $C --template t --auto away --force
is "$(sends_to $C)" "1" "not sent"

# a segment broadcast: opted-out skipped even with --force, named, deduped
exits 0 "a broadcast to a label" -- wb-send --label vip --template nov_promo --param '{{name}}' --name nov --force
is "$(tail -n +2 "$T/out" | cut -d, -f2,5 | sort | tr '\n' ' ')" "$A,sent $B,sent $C,skipped " \
	"sent to two, the opted-out one skipped"
is "$(sql "SELECT name, count(m.id) FROM broadcast b JOIN message m ON m.broadcast_id = b.id GROUP BY b.id")" \
	"nov|2" "the broadcast row names both messages"
like "$(body_of "$(api_requests)")" '"text": "16505550002"' "{{name}} falls back to the phone"
exits 0 "--cap 1/7d skips who got a broadcast this week" -- wb-send --label vip --template dec_promo --cap 1/7d
is "$(tail -n +2 "$T/out" | cut -d, -f5 | sort | uniq -c | tr -s ' ' | tr '\n' ' ')" " 3 skipped " "all skipped"
like "$(cat "$T/out")" "frequency cap: 1 marketing message in 1w" "says why"
exits 0 "--cap 2/7d lets a second one through" -- wb-send --label vip --not-label Paid --template dec_promo --cap 2/7d
is "$(grep -c ',sent,' "$T/out")" "2" "sent to the two who may get it"
# a segment by attribute: --where, with --not-label
wb-contact add $A tier=gold >/dev/null && wb-contact add $C tier=gold >/dev/null && wb-contact add $B tier=silver >/dev/null
# (an order notice: the promotions the cap counts below stay as they were)
exits 0 "a broadcast to --where tier=gold" -- wb-send --where tier=gold --template nov_promo --kind utility --name gold
is "$(tail -n +2 "$T/out" | cut -d, -f2,5 | sort | tr '\n' ' ')" "$A,sent $C,skipped " \
	"the gold ones; the opted-out one skipped, as in any broadcast"
is "$(sql "SELECT count(*) FROM broadcast WHERE name = 'gold'")" "1" "recorded as a broadcast"
exits 0 "--where tier!=gold --not-label Paid" -- wb-send --where 'tier!=gold' --not-label Paid --template t --dry-run
is "$(jq -r .to "$T/out" | tr '\n' ' ')" "$B " "the rest, without the Paid ones"
exits 0 "a --where segment is marketing, which --cap limits" -- wb-send --where tier=gold --template t --cap 9/7d --dry-run
exits 1 "nobody matches --where" -- wb-send --where tier=bronze --not-label Paid --template t
is "$(cat "$T/err")" "wb-send: nobody to send to: no contact has tier=bronze, not Paid" "names the segment"
exits 64 "a malformed --where" -- wb-send --where tier --template t
like "$(cat "$T/err")" "^wb-send: --where 'tier': expected KEY=VALUE" "says what it takes"
exits 65 "a bad --cap" -- wb-send --label vip --template t --cap often
exits 65 "an unknown label" -- wb-send --label nope --template t

# CSV on stdin: columns fill placeholders; duplicates dropped
printf 'phone,name,order_id\n+1 650 555 0001,Ann,A-1\n16505550002,Bob,B-2\n(650) 555-0001,Ann,A-1\n' > "$T/orders.csv"
before=$(api_requests)
exits 0 "CSV recipients" -- sh -c "WB_DEFAULT_CC=1 wb-send --template shipped --param '{{name}}' --param '{{order_id}}' --key 'shipped-{{order_id}}' < '$T/orders.csv'"
is "$(tail -n +2 "$T/out" | cut -d, -f2,5 | tr '\n' ' ')" "$A,duplicate $A,sent $B,sent " \
	"one message each; the repeated row is a duplicate"
is "$(($(api_requests) - before))" "2" "two requests"
like "$(body_of "$(api_requests)")" '"text": "B-2"' "CSV columns fill the parameters"
exits 0 "the same export again (an ERP every five minutes)" -- sh -c "WB_DEFAULT_CC=1 wb-send --template shipped --param '{{name}}' --param '{{order_id}}' --key 'shipped-{{order_id}}' < '$T/orders.csv'"
is "$(tail -n +2 "$T/out" | cut -d, -f5 | sort | uniq -c | tr -s ' ' | tr '\n' ' ')" " 3 duplicate " "nobody is notified twice"
is "$(($(api_requests) - before))" "2" "no new request"
exits 65 "a CSV without a phone column" -- sh -c "printf 'name\nx\ny\n' | wb-send --template t"
like "$(cat "$T/err")" "stdin:1: no phone column in the header \(name\)" "names the line and lists the header"
exits 65 "a bad phone in row 3 fails the whole CSV" -- sh -c "printf 'phone\n16505550001\nnope\n' | wb-send --template t"
like "$(cat "$T/err")" "^wb-send: stdin:3:" "names the line"
is "$(sql "SELECT count(*) FROM broadcast")" "6" "and wrote nothing, not even the broadcast"

# --at: per-row times; a time already past is refused, showing the time
# it was read as, or with --now-if-past sent at once
printf 'phone,name,appointment\n16505550001,Ann,2026-12-03T15:00\n16505550002,Bob,2026-11-25T10:30\n' > "$T/appts.csv"
before=$(api_requests)
exits 65 "a past --at is refused" -- sh -c "wb-send --template appt_reminder --param '{{name}}' --at '{{appointment}} -1d' < '$T/appts.csv'"
is "$(cat "$T/err")" "wb-send: template appt_reminder (en_US): not checked: no templates are synced (wb-template sync)
wb-send: stdin:3: $B: --at '2026-11-25T10:30 -1d' is 2026-11-24 10:30+00:00, in the past; --now-if-past sends it now" \
	"naming the row and the time it was read as"
is "$(sql "SELECT count(*) FROM message WHERE body = 'appt_reminder'")$(($(api_requests) - before))" "00" "nothing queued, nothing sent"
exits 0 "reminders a day before each appointment" -- sh -c "wb-send --template appt_reminder --param '{{name}}' --at '{{appointment}} -1d' --now-if-past -o csv < '$T/appts.csv'"
is "$(tail -n +2 "$T/out" | cut -d, -f2,5 | sort | tr '\n' ' ')" "$A,queued $B,sent " "Ann's waits; Bob's was due already"
exits 0 "queue lists it" -- wb-send queue -o csv
like "$(cat "$T/out")" "^[0-9]+,$A,,template,queued,2026-12-02T15:00:00Z,0,," "with its due time (UTC)"
qid=$(tail -n +2 "$T/out" | cut -d, -f1)
exits 0 "flush before it is due sends nothing" -- wb-send flush
is "$(($(api_requests) - before))" "1" "still one request"
WB_NOW=2026-12-02T15:00:01Z wb-send flush -o csv > "$T/flush.out"
ok $? "flush when it is due"
like "$(cat "$T/flush.out")" "^$qid,$A,,wamid\.[^,]+,sent," "sends it"
exits 0 "an --at in the future, then cancel" -- wb-send --to $A --text later --at +2h
cid=$(tail -n +2 "$T/out" | cut -d, -f1)
exits 0 "cancel" -- wb-send cancel "$cid"
exits 65 "cancel again: no longer queued" -- wb-send cancel "$cid"
exits 1 "cancel of no such message" -- wb-send cancel 9999
exits 65 "cancel of a non-number" -- wb-send cancel x
WB_NOW=2026-11-25T13:00:00Z wb-send flush >/dev/null
is "$(sql "SELECT status FROM message WHERE id = $cid")" "cancelled" "a cancelled message is not sent"
exits 65 "a bad --at" -- wb-send --to $A --template t --at 'next tuesday'

# the window is judged again when a scheduled message goes out: A wrote at
# 09:00 on the 25th, so it closes at 09:00 on the 26th
exits 0 "a text scheduled past the window's end is queued" -- wb-send --to $A --text 'see you' --at 2026-11-26T12:00Z
late=$(tail -n +2 "$T/out" | cut -d, -f1)
exits 0 "so is a forced one" -- wb-send --to $A --text 'see you anyway' --at 2026-11-26T12:00Z --force
forced=$(tail -n +2 "$T/out" | cut -d, -f1)
before=$(sends_to $A)
WB_NOW=2026-11-26T12:00:01Z exits 65 "flush after the window closed refuses the text" -- wb-send flush -o csv
like "$(cat "$T/out")" "^$late,$A,,,failed,outside the 24-hour window \(closed 2026-11-26T09:00:00Z\); use a template" \
	"names when the window closed"
like "$(cat "$T/out")" "^$forced,$A,,wamid\.[^,]+,sent," "the forced one goes"
is "$(($(sends_to $A) - before))" "1" "only the forced one reached the API"
is "$(sql "SELECT status || '|' || error_text FROM message WHERE id = $late")" \
	"failed|outside the 24-hour window (closed 2026-11-26T09:00:00Z); use a template" "recorded as failed"

# --kind: a segment is marketing, a CSV list utility; only marketing
# counts toward the cap (A and B got two promotions and several notices)
is "$(sql "SELECT group_concat(DISTINCT kind) FROM message WHERE broadcast_id IN (SELECT id FROM broadcast WHERE name = 'nov')")" \
	"marketing" "the label broadcast's messages are marketing"
is "$(sql "SELECT group_concat(DISTINCT kind) FROM message WHERE body = 'shipped'")" "utility" "the CSV's order notices utility"
exits 0 "--cap 3/7d counts the promotions, not the order notices" -- wb-send --label vip --template jan_promo --name jan --cap 3/7d
is "$(tail -n +2 "$T/out" | cut -d, -f2,5 | sort | tr '\n' ' ')" "$A,sent $B,sent $C,skipped " "so A and B get it"
exits 64 "--cap on a CSV list (utility) is a usage error" -- sh -c "printf 'phone\n$A\n' | wb-send --template t --cap 1/7d"
like "$(cat "$T/err")" "cap limits marketing sends.*--kind marketing" "saying how to make it marketing"
exits 0 "--kind marketing makes a CSV list a marketing broadcast" -- sh -c "printf 'phone\n$A\n' | wb-send --template feb_promo --kind marketing --cap 3/7d"
like "$(cat "$T/out")" ",$A,,,skipped,frequency cap: 3 marketing messages in 1w" "which the cap stops"
exits 0 "--kind utility makes a segment send an order notice" -- wb-send --label vip --not-label Paid --template t --kind utility --name notice
is "$(sql "SELECT kind FROM broadcast WHERE name = 'notice'")" "utility" "stored on the broadcast"
exits 64 "--kind takes marketing or utility" -- wb-send --to $A --template t --kind promo
printf '{"to":"%s","template":"t","kind":"marketing"}\n' $A | wb-send - >/dev/null 2>&1
is "$(sql "SELECT kind FROM message ORDER BY id DESC LIMIT 1")" "marketing" "a JSONL line may say its kind"
exits 0 "wb-stats --by broadcast" -- wb-stats --by broadcast --since 2026-11-01 --until 2026-12-31 -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f2 | tr '\n' ' ')" "nov  jan " "lists the marketing broadcasts only"
done_testing
