#!/bin/sh
# wb-reply: quick replies, keywords, greeting, away, opt words, and auto:
# one reply per message, replay, duplicates, 24 h away cooldown, opt-out.
. "$(dirname "$0")/lib.sh"
W="$FIXTURES/webhook"
q() { sqlite3 "$WB_DB" "$1"; }
# msg ID TS TEXT [FROM]: a text webhook from Mei (or FROM) at TS (Unix seconds)
msg() {
	sed -e "s/\"body\": \"[^\"]*\"/\"body\": \"$3\"/" -e "s/\"id\": \"wamid[^\"]*\"/\"id\": \"wamid.$1\"/" \
	    -e "s/\"timestamp\": \"[0-9]*\"/\"timestamp\": \"$2\"/" -e "s/8613912345678/${4:-8613912345678}/g" "$W/msg-text.json"
}
# ingest and answer: events of the messages go through wb-reply auto
# (to, text, reply_to, key, auto: the columns of a text reply)
answer() { wb-recv | wb-reply auto -o tsv | tail -n +2 | cut -f1,2,6-8 | tr '\t' '|'; }

exits 0 "quick add with keywords" -- wb-reply quick add /price 'Hi {{name}}, prices at {{business}}: tea 5' --keyword price --keyword 价格
exits 65 "quick add again" -- wb-reply quick add /price 'x'
exits 65 "a shortcut needs its slash" -- wb-reply quick add price 'x'
exits 65 "an empty text" -- wb-reply quick add /empty ''
exits 65 "a text that is not UTF-8" -- wb-reply quick add /latin1 "$(printf 'caf\351')"
is "$(cat "$T/err")" "wb-reply: /latin1: not valid UTF-8" "is refused, naming the shortcut"
exits 65 "a keyword that is not UTF-8" -- wb-reply quick add /latin1 'x' --keyword "$(printf 'caf\351')"
is "$(cat "$T/err") $(wb-reply quick ls -o csv | grep -c latin1)" "wb-reply: keyword 'caf\\xE9': not valid UTF-8 0" \
	"is refused, and its quick reply not kept"
exits 65 "a text over Meta's 4096 characters" -- wb-reply greeting set "$(printf '茶%.0s' $(seq 4097))"
is "$(cat "$T/err")" "wb-reply: greeting: 4097 characters; a text message has at most 4096" "is refused when set, not on every send"
exits 64 "quick add without text" -- wb-reply quick add /x
exits 0 "quick ls" -- wb-reply quick ls -o csv
is "$(tail -n +2 "$T/out")" '/price,"Hi {{name}}, prices at {{business}}: tea 5","price,价格",' "lists it with keywords"
exits 0 "quick show" -- wb-reply quick show /price -o tsv
is "$(tail -n +2 "$T/out")" "$(printf '/price\tHi {{name}}, prices at {{business}}: tea 5\t')" "raw text"
wb-recv -q "$W/msg-text.json"
q "insert into setting values ('profile.name', 'Leaf & Co')"
exits 0 "quick show --for" -- wb-reply quick show /price --for '+86 139 1234 5678' -o tsv
is "$(tail -n +2 "$T/out" | cut -f2)" "Hi Mei Chen 陈梅, prices at Leaf & Co: tea 5" "placeholders filled"
exits 0 "quick show --for an unknown number" -- wb-reply quick show /price --for 16505551234 -o tsv
like "$(cat "$T/out")" "Hi 16505551234," "the phone stands in for the name"
exits 65 "a placeholder no contact can fill is refused" -- wb-reply quick add /attr 'Order {{order_id}}'
is "$(cat "$T/err")" "wb-reply: /attr: {{order_id}} is not a placeholder it can fill (known: name, phone, wa_id, user_id, username, profile_name, business)" \
	"listing the known ones"
wb-contact add 8613912345678 order_id=A-77 >/dev/null && wb-contact add 16505550000 >/dev/null
exits 0 "once a contact has the attribute it is known" -- wb-reply quick add /attr 'Order {{order_id}}'
like "$(cat "$T/err")" "/attr: \{\{order_id\}\}: 1 of 2 contacts have it; the others will get no such reply" \
	"and who lacks it is said"
exits 65 "a missing attribute" -- wb-reply quick show /attr --for 16505551234
exits 1 "quick show of nothing" -- wb-reply quick show /nope
exits 1 "quick rm of nothing" -- wb-reply quick rm /nope
exits 64 "--for only with show" -- wb-reply quick ls --for 1

exits 0 "keyword add" -- wb-reply keyword add hours /attr
exits 0 "keyword add again is harmless" -- wb-reply keyword add hours /attr
exits 65 "a keyword already answering otherwise" -- wb-reply keyword add price /attr
exits 65 "a keyword to no quick reply" -- wb-reply keyword add foo /nope
exits 0 "keyword ls" -- wb-reply keyword ls -o csv
is "$(tail -n +2 "$T/out" | tr '\n' ' ')" "hours,/attr price,/price 价格,/price " "lists words"
exits 0 "keyword rm" -- wb-reply keyword rm hours
exits 1 "keyword rm again" -- wb-reply keyword rm hours
exits 0 "quick rm" -- wb-reply quick rm /attr
exits 64 "keyword bad subcommand" -- wb-reply keyword frob

exits 0 "greeting shows" -- wb-reply greeting -o csv
is "$(tail -n +2 "$T/out")" "false,,2w,everyone," "off by default, 14 days, no fallback"
exits 65 "greeting --on without text" -- wb-reply greeting --on
exits 0 "greeting set" -- wb-reply greeting set 'Welcome {{name}}!' --after 3d -o csv
is "$(tail -n +2 "$T/out")" "true,Welcome {{name}}!,3d,everyone," "set turns it on"
exits 64 "greeting --to outside its list" -- wb-reply greeting --to some
exits 65 "greeting bad --after" -- wb-reply greeting --after soon
exits 64 "greeting --when" -- wb-reply greeting --when always
exits 0 "away set" -- wb-reply away set 'Closed, back at 9' --when always --off -o csv
is "$(tail -n +2 "$T/out")" "false,\"Closed, back at 9\",always," "away stored, off"
exits 65 "away bad window" -- wb-reply away --when 2026-12-27/2026-12-24
exits 65 "away bad --when" -- wb-reply away --when sometimes
exits 0 "away window" -- wb-reply away --when '2026-12-24T18:00Z/2026-12-27T09:00Z' -o csv
like "$(cat "$T/out")" "2026-12-24T18:00:00Z/2026-12-27T09:00:00Z" "window in UTC"
exits 0 "away, for people" -- env WB_OUTPUT=table sh -c "wb-profile set timezone=Asia/Shanghai >/dev/null && wb-reply away"
like "$(cat "$T/out")" "2026-12-25 02:00\+08:00/2026-12-27 17:00\+08:00" "the window in the business zone"
exits 0 "words" -- wb-reply words -o csv
is "$(tail -n +2 "$T/out" | tr '\n' ' ')" "stop,\"STOP,UNSUBSCRIBE\" start,START " "default words"
exits 64 "--stop only with words" -- wb-reply auto --stop X
exits 64 "unknown command" -- wb-reply frob
exits 0 "a fallback template for the away message" -- wb-reply away --fallback-template closed_note \
	--fallback-lang en_GB --fallback-param '{{name}}' -o tsv
is "$(tail -n +2 "$T/out" | cut -f4)" "closed_note" "shown with it"
exits 0 "and for keyword replies" -- wb-reply keyword fallback --fallback-template hello_again --fallback-param '{{name}}' -o csv
is "$(tail -n +2 "$T/out")" 'hello_again,,"[""{{name}}""]"' "keyword fallback shows it"
exits 64 "--fallback-param alone" -- wb-reply away --fallback-param x
exits 64 "--fallback-template with quick" -- wb-reply quick ls --fallback-template x
exits 0 "'' removes one" -- wb-reply keyword fallback --fallback-template '' -o csv
is "$(tail -n +2 "$T/out")" ",," "gone"

# auto: greeting on first contact, keywords, after inactivity
rm -f "$WB_DB"*
wb-reply quick add /price 'Tea is 5, {{name}}' --keyword price --keyword 价格 >/dev/null
wb-reply greeting set 'Welcome {{name}}!' --after 14d >/dev/null
D=1795000000  # 2026-11-19T08:26:40Z
is "$(msg A1 $D 'hello' | answer)" "8613912345678|Welcome Mei Chen 陈梅!|wamid.A1|auto:wamid.A1|greeting" "first contact: greeting"
is "$(msg A2 $((D + 60)) 'the PRICE?' | answer)" "8613912345678|Tea is 5, Mei Chen 陈梅|wamid.A2|auto:wamid.A2|keyword" "keyword, any case"
is "$(msg A3 $((D + 120)) 'prices' | answer)" "" "whole words only"
is "$(msg A4 $((D + 180)) '请问价格多少' | answer)" "8613912345678|Tea is 5, Mei Chen 陈梅|wamid.A4|auto:wamid.A4|keyword" "Chinese: a substring matches"
is "$(msg A5 $((D + 15 * 86400)) 'hi again' | answer)" "8613912345678|Welcome Mei Chen 陈梅!|wamid.A5|auto:wamid.A5|greeting" "greeting after the inactivity period"
is "$(msg A6 $((D + 15 * 86400 + 5)) 'price' | answer)" "8613912345678|Tea is 5, Mei Chen 陈梅|wamid.A6|auto:wamid.A6|keyword" "then keywords again"
is "$(q "select kind from auto_reply where inbound_wamid='wamid.A3'")" none "no reply is a decision too"
wb-reply quick add /open 'We are open' --keyword opening >/dev/null
wb-reply quick add /hours 'Open 9 to 6' --keyword 'opening hours' >/dev/null
is "$(msg A7 $((D + 15 * 86400 + 10)) 'your opening hours?' | answer | cut -d"|" -f2)" "Open 9 to 6" \
	"two keywords at one place: the longer answers"

# replay and duplicates: nothing twice
wb-recv "$W/msg-text.json" > /dev/null
is "$(sqlite3 "$WB_DB" "select json_object('event','message','wamid',wamid,'from','8613912345678','ts',strftime('%Y-%m-%dT%H:%M:%SZ',ts,'unixepoch'),'type',type,'text',body) from message where wamid like 'wamid.A%' order by ts" | wb-reply auto)" "" "replaying the events writes nothing"
msg A1 $D 'hello' > "$T/dup"
is "$(cat "$T/dup" "$T/dup" | answer)" "" "a re-delivered message gets nothing"

# only new numbers
rm -f "$WB_DB"*
wb-reply greeting set 'Welcome!' --to new >/dev/null
q "insert into contact (wa_id, created_at, updated_at) values ('16505551234', 1, 1)"
is "$(msg B1 $D 'hi' 16505551234 | answer)" "" "--to new: a known number gets no greeting"
is "$(msg B2 $D 'hi' 447700900123 | answer | cut -d"|" -f5)" "greeting" "--to new: an unknown one does"
is "$(msg B3 $((D + 30 * 86400)) 'hi' 447700900123 | answer)" "" "--to new: no greeting after inactivity"

# away: once per contact per 24 h, before greeting and keywords
rm -f "$WB_DB"*
wb-reply quick add /price 'Tea is 5' --keyword price >/dev/null
wb-reply greeting set 'Welcome!' >/dev/null
wb-reply away set 'Closed, back at 9' --when always >/dev/null
is "$(msg C1 $D 'price' | answer | cut -d"|" -f5)" "away" "closed: away wins"
is "$(msg C2 $((D + 3600)) 'price' | answer | cut -d"|" -f5)" "keyword" "away again within 24 h: not sent; the keyword answers"
is "$(msg C3 $((D + 7200)) 'thanks' | answer)" "" "and otherwise nothing"
is "$(msg C4 $((D + 86400)) 'hello' | answer | cut -d"|" -f5)" "away" "24 h later: away again"
is "$(msg C5 $D 'hi' 447700900123 | answer | cut -d"|" -f5)" "away" "the cooldown is per contact"
wb-reply away --fallback-template closed_note --fallback-param '{{name}}' --fallback-param 9am >/dev/null
msg C4b $((D + 2 * 86400)) 'still there?' | wb-recv | wb-reply auto > "$T/fb"
like "$(cat "$T/fb")" '"auto":"away","rendered":true,"from_number":"[0-9]+","fallback_template":"closed_note","fallback_lang":null,"fallback_param":\["Mei Chen 陈梅","9am"\]' \
	"an away reply carries its fallback, placeholders filled, in wb-send's names"
wb-reply away --fallback-template '' >/dev/null
wb-reply away --when '2026-12-24T18:00Z/2026-12-27T09:00Z' >/dev/null
is "$(msg C6 1798200000 'x' 447700900124 | answer | cut -d"|" -f5)" "away" "inside the window: away"
is "$(msg C7 1798400000 'x' 447700900124 | answer | cut -d"|" -f5)" "" "after it: the greeting was given near, nothing"
wb-reply away --when outside-hours >/dev/null
wb-profile hours mon-fri 09:00-18:00 >/dev/null 2>&1 || q "insert into setting values ('hours.mode', 'week'); insert into hours values (0,540,1080),(1,540,1080),(2,540,1080),(3,540,1080),(4,540,1080)"
q "insert or replace into setting values ('profile.timezone', 'UTC')"
# 2026-11-30 is a Monday
is "$(msg C8 $(date -u -d 2026-11-30T10:00:00Z +%s) 'price' 447700900125 | answer | cut -d"|" -f5)" "greeting" "open hours: no away"
is "$(msg C9 $(date -u -d 2026-11-30T20:00:00Z +%s) 'price' 447700900125 | answer | cut -d"|" -f5)" "away" "after hours: away"

# a customer's name is data: a profile name that looks like a placeholder
# is not filled again, by wb-reply or by wb-send, and says so in the line
rm -f "$WB_DB"*
wb-contact add 447700900200 secret_note='code 7731' >/dev/null
wb-reply greeting set 'Hi {{name}}!' >/dev/null
named() { msg "$1" $D hello 447700900200 | sed "s/\"name\": \"[^\"]*\"/\"name\": \"$2\"/"; }
named N1 '{{secret_note}}' | wb-recv | wb-reply auto > "$T/line"
is "$(jq -r '.text, .rendered' "$T/line" | tr '\n' ' ')" "Hi {{secret_note}}! true " \
	"a name of {{secret_note}} is written as it is, in a line marked rendered"
exits 0 "wb-send - sends it as it is" -- sh -c "WB_NOW=2026-11-19T09:00:00Z wb-send - --dry-run < '$T/line'"
like "$(cat "$T/out")" '"body":"Hi \{\{secret_note\}\}!"' "the private attribute is not sent"
wb-reply greeting set 'Hello {{name}}' >/dev/null
named N2 '{{nosuch}}' | sed "s/\"timestamp\": \"[0-9]*\"/\"timestamp\": \"$((D + 20 * 86400))\"/" |
	wb-recv | wb-reply auto > "$T/line"
is "$(jq -r .text "$T/line")" "Hello {{nosuch}}" "a name of {{nosuch}} too"
exits 0 "and wb-send does not stop at it" -- sh -c "WB_NOW=2026-12-09T09:00:00Z wb-send - --dry-run < '$T/line'"

# opt-out, statuses, reactions
rm -f "$WB_DB"*
wb-reply greeting set 'Welcome!' >/dev/null
is "$(msg D1 $D 'STOP' | answer)" "" "STOP gets no reply"
is "$(msg D2 $((D + 60)) 'hello?' | answer)" "" "an opted-out contact gets none"
is "$(q "select kind from auto_reply where inbound_wamid='wamid.D2'")" none "but the decision is recorded"
is "$(wb-recv "$W/status-read.json" | wb-reply auto)" "" "statuses get no reply"
is "$(wb-recv "$W/msg-reaction.json" | wb-reply auto)" "" "reactions get no reply"

# bad input
printf '{"event":"message"}\n' > "$T/bad"
exits 65 "an event without fields" -- sh -c "wb-reply auto < '$T/bad'"
like "$(cat "$T/err")" '^wb-reply: stdin:1: no "wamid"' "names the line"
printf 'nope\n' > "$T/bad"
exits 65 "not JSON" -- sh -c "wb-reply auto < '$T/bad'"
printf '{"event":"message","wamid":"wamid.ZZ","from":"1650555","ts":"2026-01-01T00:00:00Z","type":"text"}\n{"event":"future"}\n' > "$T/unknown"
exits 0 "an unknown message and an unknown event kind" -- sh -c "wb-reply auto < '$T/unknown'"
like "$(cat "$T/err")" "wamid.ZZ: not in the database" "warns and goes on"
# a bad line costs only itself: the lines after it are answered, each
# failure is said with its line, and the exit status says some failed
rm -f "$WB_DB"*
wb-reply greeting set 'Welcome!' >/dev/null
{ msg H1 $D hi 447700900301; msg H2 $D hi 447700900302; msg H3 $D hi 447700900303; } | wb-recv > "$T/good"
{ sed -n 1p "$T/good"; echo 'nope'; echo '{"event":"message","wamid":"wamid.H9","from":"4477'
  sed -n 2p "$T/good"; head -c 1100000 /dev/zero | tr '\0' x; echo; printf '{"event":"message","text":"\001"}\n'
  sed -n 3p "$T/good"; } > "$T/mixed"
exits 65 "good events between bad lines" -- sh -c "wb-reply auto < '$T/mixed'"
is "$(jq -r .reply_to "$T/out" | tr '\n' ' ')" "wamid.H1 wamid.H2 wamid.H3 " "are each answered, in order"
is "$(grep -c '^wb-reply: stdin:[2-6]: ' "$T/err")" 4 "each bad line is named"
like "$(cat "$T/err")" "stdin:5: a line over 1048576 bytes" "a huge line too, without keeping it"
like "$(tail -1 "$T/err")" "4 lines got no answer" "the last line says how many"
exits 64 "auto takes no arguments" -- wb-reply auto x
exits 0 "--help" -- wb-reply --help
like "$(cat "$T/out")" "^usage: wb-reply" "usage"
exits 0 "--version" -- wb-reply -V
done_testing
