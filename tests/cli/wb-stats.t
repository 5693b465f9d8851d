#!/bin/sh
# wb-stats: every column against values worked out by hand (a day boundary
# in Asia/Shanghai, a DST change in New York, first responses with automatic
# replies left out, empty periods) and against an independent model
# (stats-model.py) over a generated month; top, conversations, formats,
# CSV safety, the default range, and every error path.
. "$(dirname "$0")/lib.sh"
MODEL="$TOP/tests/cli/stats-model.py"

sql() { sqlite3 "$WB_DB" "$@"; }
zone() { sql "INSERT OR REPLACE INTO setting VALUES ('profile.timezone', '$1')"; }
# msg CONTACT DIRECTION TS STATUS SENT_AT AUTO AGENT BROADCAST (NULL for none)
msg() {
	sql "INSERT INTO message (contact_id, direction, type, ts, status, sent_at, auto, agent, broadcast_id)
	     VALUES ($1, '$2', 'text', strftime('%s', '$3'), '$4', $5, $6, $7, $8)"
}
at() { echo "strftime('%s', '$1')"; }
csv() { wb-stats -o csv "$@" 2>&1; }
H="received,sent,delivered,read,failed,delivery_rate,read_rate,contacts,new_contacts,first_response_median_s,first_response_p90_s,auto_replies,broadcasts,csat,nps"
HA="assigned,resolved,inbox_response_median_s,inbox_response_p90_s,resolution_median_s,resolution_p90_s"

exits 66 "no database: an error, none made" -- wb-stats
[ ! -e "$WB_DB" ]; ok $? "no file either"
wb-profile set timezone=UTC >/dev/null
exits 0 "a new database has no statistics" -- wb-stats --since 2026-11-01 --until 2026-11-02 -o csv
is "$(tail -n 1 "$T/out")" "2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,0,0,0,0,0,,,0,0,,,0,0,," \
	"one summary row of zeros, rates and times empty"

# --- by hand: Asia/Shanghai (UTC+8) ---
zone Asia/Shanghai
sql "INSERT INTO contact (id, wa_id, name, created_at, updated_at) VALUES
	(1, '8613900000001', 'Ann Lee', 0, 0), (2, '8613900000002', '=HYPERLINK(1)', 0, 0),
	(3, '8613900000003', NULL, 0, 0)"
sql "UPDATE contact SET profile_name = 'Cai' WHERE id = 3"
# 23:59:59 on the 24th in Shanghai; the away message and the answer fall on the 25th
msg 1 in 2026-11-24T15:59:59Z received NULL NULL NULL NULL
msg 1 out 2026-11-24T16:00:01Z delivered "$(at 2026-11-24T16:00:01Z)" "'away'" NULL NULL
msg 1 out 2026-11-24T16:10:00Z read "$(at 2026-11-24T16:10:00Z)" NULL "'bob'" NULL
# midnight of the 26th; answered 60 s later by a message that failed after the API took it
msg 2 in 2026-11-25T16:00:00Z received NULL NULL NULL NULL
msg 2 out 2026-11-25T16:00:30Z failed "$(at 2026-11-25T16:01:00Z)" NULL "'ann'" NULL
# never sent: queued, cancelled, failed before the API; they count nowhere except failed
msg 2 out 2026-11-25T17:00:00Z queued NULL NULL NULL NULL
msg 2 out 2026-11-25T17:00:00Z cancelled NULL NULL NULL NULL
msg 2 out 2026-11-25T17:00:00Z failed NULL NULL NULL NULL
# the 27th: five conversations answered after 10, 20, 30, 40, 1000 s, each
# with a keyword reply a second after the question that must not count
i=0
for d in 10 20 30 40 1000; do
	i=$((i + 1))
	t=$(( $(date -u -d 2026-11-27T01:00:00Z +%s) + i * 7200 ))
	sql "INSERT INTO message (contact_id, direction, type, ts, status, sent_at, auto, agent) VALUES
		(3, 'in', 'text', $t, 'received', NULL, NULL, NULL),
		(3, 'out', 'text', $t + 1, 'read', $t + 1, 'keyword', NULL),
		(3, 'out', 'text', $t + $d, 'delivered', $t + $d, NULL, 'ann')"
done
# a broadcast to Ann on the 27th: sent, not an answer
sql "INSERT INTO broadcast (id, name, created_at) VALUES (7, 'november promo', 0)"
msg 1 out 2026-11-27T02:00:00Z sent "$(at 2026-11-27T02:00:00Z)" NULL "'ann'" 7

exits 0 "--by day" -- wb-stats --since 2026-11-23 --until 2026-11-28 --by day -o csv
is "$(cat "$T/out")" "day,$H
2026-11-23,0,0,0,0,0,,,0,0,,,0,0,,
2026-11-24,1,0,0,0,0,,,1,1,601,601,0,0,,
2026-11-25,0,2,2,1,0,1,0.5,1,0,,,1,0,,
2026-11-26,1,1,0,0,2,0,0,1,1,60,60,0,0,,
2026-11-27,5,11,10,5,0,0.9091,0.4545,2,1,30,1000,5,1,," \
	"days in Asia/Shanghai: the boundary at 16:00Z, empty days as zeros, auto replies left out"
zone UTC
is "$(csv --since 2026-11-24 --until 2026-11-25 --by day | tail -n 1)" \
	"2026-11-24,1,2,2,1,0,1,0.5,1,1,601,601,1,0,," "in UTC the same messages fall on one day"
zone Asia/Shanghai
is "$(csv --since 2026-11-23 --until 2026-11-28 | tail -n 1)" \
	"2026-11-22T16:00:00Z,2026-11-27T16:00:00Z,7,14,12,6,2,0.8571,0.4286,3,3,40,1000,6,1,," \
	"the summary row"
is "$(csv --since 2026-11-23 --until 2026-11-28 --by contact)" "phone,user_id,name,$H
8613900000001,,Ann Lee,1,3,2,1,0,0.6667,0.3333,1,1,601,601,1,1,,
8613900000002,,\"'=HYPERLINK(1)\",1,1,0,0,2,0,0,1,1,60,60,0,0,,
8613900000003,,Cai,5,10,10,5,0,1,0.5,1,1,30,1000,5,0,," \
	"--by contact: names (else the profile name), a formula neutralised"
is "$(csv --since 2026-11-23 --until 2026-11-28 --by agent)" "agent,$H,$HA
,7,6,6,5,1,1,0.8333,3,3,,,6,0,,,0,0,,,,
ann,0,7,5,0,1,0.7143,0,3,0,30,1000,0,1,,,0,0,,,,
bob,0,1,1,1,0,1,1,1,0,601,601,0,0,,,0,0,,,," \
	"--by agent: first responses go to whoever answered"
is "$(csv --since 2026-11-23 --until 2026-11-28 --by broadcast)" "broadcast,name,$H
7,november promo,0,1,0,0,0,0,0,1,0,,,0,1,," "--by broadcast"
sql "INSERT INTO label (name, color, created_at) VALUES ('vip', 2, 0)"
sql "INSERT INTO contact_label SELECT 3, id, 0 FROM label WHERE name IN ('vip', 'Paid')"
sql "INSERT INTO contact_label SELECT 1, id, 0 FROM label WHERE name = 'vip'"
is "$(csv --since 2026-11-23 --until 2026-11-28 --by label | grep -E '^(vip|Paid|New order),')" \
	"New order,0,0,0,0,0,,,0,0,,,0,0,,
Paid,5,10,10,5,0,1,0.5,1,1,30,1000,5,0,,
vip,6,13,12,6,0,0.9231,0.4615,2,2,30,1000,6,1,," "--by label: every label, a contact in each of its labels"
is "$(csv --since 2026-11-27 --until 2026-11-28 --by hour | sed -n '12,14p')" \
	"10,0,1,0,0,0,0,0,1,0,,,0,1,,
11,1,2,2,1,0,1,0.5,1,1,10,10,1,0,,
12,0,0,0,0,0,,,0,0,,,0,0,," "--by hour: hours of the local day"
is "$(csv --since 2026-11-23 --until 2026-11-30 --by weekday | cut -d, -f1,2 | tr '\n' ' ')" \
	"weekday,received Mon,0 Tue,1 Wed,0 Thu,1 Fri,5 Sat,0 Sun,0 " "--by weekday: Mon..Sun"
is "$(csv --since 2026-11-01 --until 2026-12-31 --by week | cut -d, -f1,2 | tr '\n' ' ')" \
	"week,received 2026-10-26,0 2026-11-02,0 2026-11-09,0 2026-11-16,0 2026-11-23,7 2026-11-30,0 2026-12-07,0 2026-12-14,0 2026-12-21,0 2026-12-28,0 " \
	"--by week: from Mondays, empty weeks listed"
is "$(csv --since 2026-10-01 --until 2027-01-01 --by month | cut -d, -f1,2 | tr '\n' ' ')" \
	"month,received 2026-10,0 2026-11,7 2026-12,0 " "--by month"

exits 0 "conversations" -- wb-stats conversations --since 2026-11-24 --until 2026-11-27 -o csv
is "$(cat "$T/out")" "phone,user_id,name,opened_at,first_response_s,received,sent,last_activity,agent,labels
8613900000001,,Ann Lee,2026-11-24T15:59:59Z,601,1,2,2026-11-24T16:10:00Z,bob,vip
8613900000002,,\"'=HYPERLINK(1)\",2026-11-25T16:00:00Z,60,1,1,2026-11-25T17:00:00Z,ann," \
	"one row per conversation, times in the business zone"
is "$(csv conversations --since 2026-11-27 --until 2026-11-28 | sed -n 2p)" \
	"8613900000003,,Cai,2026-11-27T03:00:00Z,10,1,2,2026-11-27T03:00:10Z,ann,\"Paid,vip\"" \
	"labels of the contact, quoted in CSV"
exits 0 "top" -- wb-stats top --since 2026-11-23 --until 2026-11-28 -o csv
is "$(cat "$T/out")" "phone,user_id,name,messages,received,sent,last_message
8613900000003,,Cai,15,5,10,2026-11-27T11:16:40Z
8613900000001,,Ann Lee,4,1,3,2026-11-27T02:00:00Z
8613900000002,,\"'=HYPERLINK(1)\",2,1,1,2026-11-25T16:01:00Z" "top by messages"
is "$(csv top --by received --limit 2 --since 2026-11-23 --until 2026-11-28 | cut -d, -f1,5 | tr '\n' ' ')" \
	"phone,received 8613900000003,5 8613900000001,1 " "top --by received --limit 2 (ties by phone)"

# --- by hand: the end of daylight saving time in New York (2026-11-01) ---
zone America/New_York
sql "INSERT INTO contact (id, wa_id, created_at, updated_at) VALUES (4, '12125550004', 0, 0)"
msg 4 in 2026-11-01T05:30:00Z received NULL NULL NULL NULL # 01:30 EDT
msg 4 in 2026-11-01T06:30:00Z received NULL NULL NULL NULL # 01:30 EST, an hour later
msg 4 in 2026-11-02T04:30:00Z received NULL NULL NULL NULL # 23:30 EST, still the 1st
is "$(csv --since 2026-10-31 --until 2026-11-03 --by day | cut -d, -f1,2,9 | tr '\n' ' ')" \
	"day,received,contacts 2026-10-31,0,0 2026-11-01,3,1 2026-11-02,0,0 " "a 25-hour day"
is "$(csv --since 2026-11-01 --until 2026-11-02 --by hour | grep -E '^(1|2|23),' | cut -d, -f1,2 | tr '\n' ' ')" \
	"1,2 2,0 23,1 " "the repeated hour counts as hour 1"
is "$(csv conversations --since 2026-11-01 --until 2026-11-03 | sed -n 2p)" \
	"12125550004,,,2026-11-01T05:30:00Z,,3,0,2026-11-02T04:30:00Z,," \
	"an unanswered conversation: no first response, offsets change with DST"

# --- the default range: the last 7 days, today included ---
zone Asia/Shanghai
WB_NOW=2026-11-28T03:00:00Z wb-stats --by day -o csv >"$T/out"
is "$(cut -d, -f1 "$T/out" | sed -n '2p;$p' | tr '\n' ' ')$(($(wc -l <"$T/out") - 1))" \
	"2026-11-22 2026-11-28 7" "seven days ending today"
is "$(WB_NOW=2026-11-28T03:00:00Z wb-stats -o csv --until 2026-11-27 | tail -n 1 | cut -d, -f1,2)" \
	"2026-11-19T16:00:00Z,2026-11-26T16:00:00Z" "seven days before --until"

# --- formats ---
exits 0 "json" -- wb-stats --since 2026-11-23 --until 2026-11-28 --by day -o json
is "$(jq -c '[length, .[1].first_response_median_s, .[0].delivery_rate, .[4].read_rate]' "$T/out")" \
	"[5,601,null,0.4545]" "json: numbers are numbers, undefined figures null"
is "$(wb-stats --since 2026-11-23 --until 2026-11-28 --by hour -o jsonl | wc -l)" "24" "jsonl: a line per row"
is "$(wb-stats --since 2026-11-24 --until 2026-11-25 --by day -o tsv | tail -n 1)" \
	"$(printf '2026-11-24\t1\t0\t0\t0\t0\t\t\t1\t1\t601\t601\t0\t0\t\t')" "tsv"
like "$(wb-stats --since 2026-11-24 --until 2026-11-26 --by day -o table)" "^day +received" "table"
like "$(wb-stats --since 2026-11-24 --until 2026-11-25 --by day -o table)" "^day: +2026-11-24" "a table of one row: a line a column"

# --- against the independent model, on a generated month ---
rm -f "$WB_DB"*
wb-profile set timezone=UTC >/dev/null
python3 "$MODEL" gen "$WB_DB" 7
# model DESCRIPTION QUERY -- WB-STATS ARGS…: keeps what wb-stats says now
# and the query whose answer the model must give; the model then answers
# them all in one run
: >"$T/queries"
: >"$T/descriptions"
model() {
	printf '%s\n' "$1" >>"$T/descriptions"
	printf '%s\n' "$2" >>"$T/queries"
	shift 3
	csv "$@" >"$T/got.$(wc -l <"$T/queries")"
}
for case in "Asia/Shanghai 2026-10-25T05:00 2026-11-12" "America/New_York 2026-10-28 2026-11-04T13:00"; do
	set -- $case
	zone "$1"
	for by in none day week month hour weekday contact label agent broadcast; do
		opt="--by $by"
		[ "$by" = none ] && opt=
		model "model: --by $by in $1 from $2" "report $1 $2 $3 $by" -- --since "$2" --until "$3" $opt
	done
	model "model: conversations in $1" "conversations $1 $2 $3" -- conversations --since "$2" --until "$3"
	model "model: top in $1" "top $1 $2 $3 10 messages" -- top --since "$2" --until "$3"
	model "model: top --by received in $1" "top $1 $2 $3 5 received" -- top --by received -n 5 --since "$2" --until "$3"
done
python3 "$MODEL" batch "$WB_DB" "$T/want" <"$T/queries"
i=0
while IFS= read -r d; do
	i=$((i + 1))
	is "$(cat "$T/got.$i")" "$(cat "$T/want.$i" 2>&1)" "$d"
done <"$T/descriptions"

# --- errors ---
exits 64 "--by fortnight" -- wb-stats --by fortnight
like "$(cat "$T/err")" "^wb-stats: --by: 'fortnight' is not one of day, week" "names the choices"
exits 65 "a bad --since" -- wb-stats --since yesterdayish
like "$(cat "$T/err")" "^wb-stats: --since: 'yesterdayish': not a time" "names the option and value"
exits 65 "a bad --until" -- wb-stats --until 2026-13-01
exits 65 "--until before --since" -- wb-stats --since 2026-11-28 --until 2026-11-27
exits 65 "an empty range" -- wb-stats --since 2026-11-28 --until 2026-11-28
exits 64 "top --by a report grouping" -- wb-stats top --by day
exits 64 "conversations --by" -- wb-stats conversations --by day
exits 64 "--limit without top" -- wb-stats --limit 5
exits 65 "--limit 0" -- wb-stats top --limit 0
exits 65 "--limit not a number" -- wb-stats top --limit many
exits 64 "unknown command" -- wb-stats frob
exits 64 "an extra argument" -- wb-stats top 5
exits 64 "unknown option" -- wb-stats --frob
exits 64 "--by without a value" -- wb-stats --by
exits 64 "bad output format" -- wb-stats -o xml
zone Mars/Olympus
exits 78 "a business time zone the system does not know" -- wb-stats
exits 0 "--help" -- wb-stats --help
like "$(cat "$T/out")" "^usage: wb-stats" "prints usage"
exits 0 "--version" -- wb-stats -V
like "$(cat "$T/out")" "^wb-stats \(wb\) " "prints the version"
done_testing
