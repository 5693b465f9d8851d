#!/bin/sh
# wb-profile: show and set with validation (all or nothing), the week,
# holidays and special days, open at a fixed clock in Asia/Shanghai
# (holiday, special day, day boundary), export → import → export.
. "$(dirname "$0")/lib.sh"

csv() { "$@" -o csv | tail -n +2; }
field() { wb-profile show -o csv | grep "^$1," | cut -d, -f2-; }

exits 0 "--help" -- wb-profile --help
like "$(cat "$T/out")" "^usage: wb-profile" "prints usage"
like "$(cat "$T/out")" "hours on DATE RANGES" "names the hours grammar"
exits 0 "--version" -- wb-profile -V
like "$(cat "$T/out")" "^wb-profile \(wb\) " "prints the version"
exits 64 "no command" -- wb-profile
exits 64 "unknown command" -- wb-profile frob
exits 64 "unknown option" -- wb-profile show --frob

# show reads: it makes no database
exits 66 "show without a database" -- wb-profile show
like "$(cat "$T/err")" "^wb-profile: $WB_DB: no database yet; commands that write make it" "names it and how to start"
[ ! -e "$WB_DB" ]; ok $? "and makes none"
wb-profile set name= >/dev/null
exits 0 "show on a new database" -- wb-profile show -o csv
is "$(tail -n +2 "$T/out" | tr '\n' '|')" "name,|about,|description,|category,|address,|email,|websites,|timezone,|hours,unset|" \
	"every field, empty; hours unset"
exits 64 "show takes no arguments" -- wb-profile show name

# set
exits 0 "set several fields" -- wb-profile set "name=Lucky Shrub" "about=Succulent specialists" \
	category=retail email=lucky@luckyshrub.com website=https://luckyshrub.example \
	website=https://shop.example/cacti timezone=Asia/Shanghai "address=1 Hacker Way, Menlo Park"
is "$(field name)" "Lucky Shrub" "name stored"
is "$(field category)" "RETAIL" "category stored as Meta's value"
is "$(field websites)" "https://luckyshrub.example https://shop.example/cacti" "two websites"
is "$(field address)" '"1 Hacker Way, Menlo Park"' "address stored"
is "$(field timezone)" "Asia/Shanghai" "time zone stored"
is "$(wb-profile show -o jsonl | grep '"email"')" '{"field":"email","value":"lucky@luckyshrub.com"}' "show -o jsonl"

about139=$(printf '%0139d' 0 | sed 's/0/é/g')
exits 0 "about of 139 characters (278 bytes)" -- wb-profile set "about=$about139"
exits 65 "about of 140 characters" -- wb-profile set "name=Other" "about=${about139}é"
like "$(cat "$T/err")" "^wb-profile: about: 140 characters, at most 139" "names the field and the count"
is "$(field name)" "Lucky Shrub" "nothing of that set was written"
desc512=$(printf '%0512d' 0 | sed 's/0/字/g')
exits 0 "description of 512 characters" -- wb-profile set "description=$desc512"
exits 65 "description of 513 characters" -- wb-profile set "description=${desc512}字"
like "$(cat "$T/err")" "description: 513 characters, at most 512" "says so"
exits 65 "a bad email" -- wb-profile set email=lucky-at-shrub
like "$(cat "$T/err")" "^wb-profile: email: 'lucky-at-shrub' is not an email address" "names the field"
exits 65 "three websites" -- wb-profile set websites=https://a.example,https://b.example website=https://c.example
like "$(cat "$T/err")" "websites: at most 2" "at most two"
exits 65 "a website without http" -- wb-profile set website=luckyshrub.example
exits 65 "an unknown category" -- wb-profile set category=shoes
exits 65 "an unknown time zone" -- wb-profile set timezone=Mars/Olympus
exits 64 "an unknown key" -- wb-profile set colour=green
like "$(cat "$T/err")" "unknown key 'colour'" "names the key"
exits 64 "not KEY=VALUE" -- wb-profile set name
exits 64 "a key twice" -- wb-profile set name=a name=b
exits 64 "set with nothing" -- wb-profile set
exits 0 "websites=A,B replaces the list" -- wb-profile set websites=https://a.example,https://b.example
is "$(field websites)" "https://a.example https://b.example" "replaced"
exits 0 "KEY= clears a field" -- wb-profile set description=
is "$(field description)" "" "cleared"

# the week
exits 0 "hours on a new database" -- wb-profile hours -o csv
is "$(sed -n 2p "$T/out")" "mon,,unset" "no hours: mode unset"
exits 0 "set the week" -- wb-profile hours mon-fri 09:00-12:00,13:00-18:00 sat 10:00-14:00
exits 0 "show the week" -- wb-profile hours -o tsv
is "$(tail -n +2 "$T/out" | tr '\t\n' ' |')" \
	"mon 09:00-12:00,13:00-18:00 week|tue 09:00-12:00,13:00-18:00 week|wed 09:00-12:00,13:00-18:00 week|thu 09:00-12:00,13:00-18:00 week|fri 09:00-12:00,13:00-18:00 week|sat 10:00-14:00 week|sun closed week|" \
	"one row a day; days not named are closed"
exits 65 "bad hours" -- wb-profile hours mon 18:00-09:00
exits 65 "bad day" -- wb-profile hours funday 09:00-10:00
exits 65 "odd words" -- wb-profile hours mon
is "$(csv wb-profile hours | head -1)" 'mon,"09:00-12:00,13:00-18:00",week' "a bad week changes nothing"
is "$(field hours)" "week" "show has the mode"

# holidays and special days
exits 0 "holidays" -- wb-profile hours closed 2026-12-25 2026-12-26
exits 0 "a special day" -- wb-profile hours on 2026-12-24 10:00-14:00
exits 0 "a past special day" -- wb-profile hours on 2026-01-02 10:00-12:00
WB_NOW=2026-11-29T00:00:00Z exits 0 "exceptions from today" -- wb-profile hours exceptions -o csv
is "$(tail -n +2 "$T/out" | tr '\n' '|')" "2026-12-24,thu,10:00-14:00|2026-12-25,fri,closed|2026-12-26,sat,closed|" \
	"upcoming ones, with the weekday"
WB_NOW=2026-11-29T00:00:00Z exits 0 "exceptions --all" -- wb-profile hours exceptions --all -o csv
is "$(sed -n 2p "$T/out")" "2026-01-02,fri,10:00-12:00" "the past too"
exits 65 "a bad date" -- wb-profile hours closed 2026-02-30
like "$(cat "$T/err")" "'2026-02-30': not a date" "names it"
exits 65 "bad ranges on a special day" -- wb-profile hours on 2026-12-31 25:00-26:00
exits 64 "on without ranges" -- wb-profile hours on 2026-12-31
exits 64 "closed without dates" -- wb-profile hours closed
exits 64 "--all without exceptions" -- wb-profile hours --all
exits 64 "exceptions takes no arguments" -- wb-profile hours exceptions 2026
exits 0 "clear a date" -- wb-profile hours clear 2026-01-02
exits 1 "clear it again" -- wb-profile hours clear 2026-01-02
like "$(cat "$T/err")" "no holiday or special day on 2026-01-02" "says so"
exits 64 "clear without dates" -- wb-profile hours clear

# open: Asia/Shanghai, 2026-11-30 is a Monday
openat() { WB_NOW=2026-11-30T00:00:00Z wb-profile open -o csv "$@"; }
WB_NOW=2026-11-30T02:00:00Z exits 0 "open now (WB_NOW, 10:00 local)" -- wb-profile open -o csv
is "$(tail -n +2 "$T/out")" "open,2026-11-30T04:00:00Z" "until noon in the business zone (CSV: UTC)"
WB_NOW=2026-11-30T02:00:00Z exits 0 "a table" -- wb-profile open -o table --no-header
is "$(cat "$T/out")" "open  2026-11-30 12:00+08:00" "shows it in the business zone"
exits 1 "closed at lunch" -- openat --at 2026-11-30T12:30
is "$(cat "$T/err")" "" "an answer, not an error: nothing on stderr"
is "$(tail -n +2 "$T/out")" "closed,2026-11-30T05:00:00Z" "until 13:00"
exits 65 "a time that is none" -- openat --at lunchtime
like "$(cat "$T/err")" "^wb-profile: --at: 'lunchtime': not a time" "names the option"
exits 0 "a UTC time is read as UTC" -- openat --at 2026-11-30T01:30:00Z
is "$(tail -n +2 "$T/out")" "open,2026-11-30T04:00:00Z" "09:30 local is open"
exits 1 "a second before opening" -- openat --at 2026-11-30T08:59:59
is "$(tail -n +2 "$T/out")" "closed,2026-11-30T01:00:00Z" "opens at nine"
exits 1 "Saturday night, across the day boundary" -- openat --at 2026-12-05T23:59
is "$(tail -n +2 "$T/out")" "closed,2026-12-07T01:00:00Z" "closed through Sunday, until Monday"
exits 1 "the holiday" -- openat --at 2026-12-25T10:00
is "$(tail -n +2 "$T/out")" "closed,2026-12-28T01:00:00Z" "holidays Friday and Saturday, Sunday closed: Monday"
exits 1 "the special day, before it opens" -- openat --at 2026-12-24T09:30
is "$(tail -n +2 "$T/out")" "closed,2026-12-24T02:00:00Z" "opens at ten that day"
exits 0 "the special day, open" -- openat --at 2026-12-24T13:30
is "$(tail -n +2 "$T/out")" "open,2026-12-24T06:00:00Z" "until its own closing"
exits 0 "a relative time" -- openat --at +2h
is "$(tail -n +2 "$T/out")" "open,2026-11-30T04:00:00Z" "now +2h is Monday 10:00 local"
exits 65 "a bad time" -- openat --at someday
like "$(cat "$T/err")" "someday" "is named on stderr"
exits 64 "--at goes with open" -- wb-profile show --at now
exits 64 "open takes no arguments" -- wb-profile open now

# export → import into a fresh database → export
exits 0 "export" -- wb-profile export
cp "$T/out" "$T/one.json"
like "$(cat "$T/one.json")" '"2026-12-25": "closed"' "holds the exceptions"
like "$(cat "$T/one.json")" '"mode": "week"' "and the mode"
exits 0 "import into a fresh database" -- wb-profile -d "$T/two.db" import "$T/one.json"
wb-profile -d "$T/two.db" export >"$T/two.json"
cmp -s "$T/one.json" "$T/two.json"
ok $? "export → import → export is byte-identical"
exits 0 "import from stdin" -- sh -c "wb-profile -d '$T/three.db' import < '$T/one.json'"
is "$(wb-profile -d "$T/three.db" export | cksum)" "$(cksum <"$T/one.json")" "the same from stdin"

# partial and bad documents
exits 0 "a partial document keeps the rest" -- sh -c "echo '{\"about\":\"Cacti\"}' | wb-profile import -"
is "$(field about)" "Cacti" "about replaced"
is "$(field name)" "Lucky Shrub" "name kept"
printf '{"about": "ok", "email": "bad"}\n' >"$T/bad.json"
exits 65 "a bad field" -- wb-profile import "$T/bad.json"
like "$(cat "$T/err")" "bad.json: email: 'bad'" "names the file and the field"
is "$(field about)" "Cacti" "nothing written"
printf '{"about": "ok",\n "name": }\n' >"$T/broken.json"
exits 65 "broken JSON" -- wb-profile import "$T/broken.json"
like "$(cat "$T/err")" "broken.json:2:" "names the file and line"
printf '{"hours": {"mode": "always", "week": {"mon": "09:00-10:00"}}}\n' >"$T/mode.json"
exits 65 "week hours with mode always" -- wb-profile import "$T/mode.json"
exits 66 "a missing file" -- wb-profile import "$T/nope.json"
exits 64 "two files" -- wb-profile import a b
exits 64 "export takes no arguments" -- wb-profile export x

# modes
exits 0 "hours always" -- wb-profile hours always
exits 0 "always open" -- openat --at 2026-12-25T03:00
is "$(tail -n +2 "$T/out")" "open," "for good: no until"
is "$(csv wb-profile hours | head -1)" "mon,,always" "the week shows the mode"
exits 0 "hours appointment" -- wb-profile hours appointment
exits 1 "by appointment counts as closed" -- openat
exits 0 "a night across midnight" -- wb-profile hours fri 20:00-24:00 sat 00:00-02:00
exits 0 "Friday 23:30" -- openat --at 2026-12-04T23:30
is "$(tail -n +2 "$T/out")" "open,2026-12-04T18:00:00Z" "open until Saturday 02:00"
done_testing
