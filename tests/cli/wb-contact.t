#!/bin/sh
# wb-contact: add with attributes, CSV import (quoting, UTF-8, BOM, bad
# rows, --skip-bad), ls filters, show, log, optout/optin, rm, exit codes.
. "$(dirname "$0")/lib.sh"

count() { sqlite3 "$WB_DB" "$1"; }
export WB_NOW=2026-11-25T10:00:00Z

# --- usage ------------------------------------------------------------
exits 0 "--help" -- wb-contact --help
like "$(cat "$T/out")" "^usage: wb-contact" "prints usage"
exits 0 "--version" -- wb-contact --version
like "$(cat "$T/out")" "^wb-contact \(wb\) " "prints the version"
exits 64 "no command" -- wb-contact
exits 64 "unknown command" -- wb-contact frob
exits 64 "unknown option" -- wb-contact ls --frob
exits 64 "bad -o" -- wb-contact ls -o xml
exits 64 "filters go with ls only" -- wb-contact show 16505551234 --label vip
exits 64 "--skip-bad goes with import only" -- wb-contact ls --skip-bad

# --- add --------------------------------------------------------------
exits 0 "add with a name and attributes" -- wb-contact add "+1 (650) 555-1234" name=Mei city=Paris order_id=A-77
is "$(cat "$T/out")" "$(printf 'phone,user_id,created\n16505551234,,true')" "stored as E.164 digits, created"
is "$(count "SELECT key || '=' || value FROM contact_attr ORDER BY key" | tr '\n' ' ')" "city=Paris order_id=A-77 " \
	"extra keys are attributes"
exits 0 "add again updates" -- wb-contact add 16505551234 city=Lyon note="a, b"
like "$(cat "$T/out")" "16505551234,,false" "not created twice"
is "$(count "SELECT name || '|' || (SELECT value FROM contact_attr WHERE key = 'city') FROM contact")" "Mei|Lyon" \
	"name kept, attribute replaced"
exits 0 "KEY= removes an attribute" -- wb-contact add 16505551234 note=
is "$(count "SELECT count(*) FROM contact_attr WHERE key = 'note'")" "0" "removed"
exits 64 "add without a phone" -- wb-contact add
exits 64 "an argument that is not KEY=VALUE" -- wb-contact add 16505551234 Paris
exits 65 "a bad phone" -- wb-contact add 12ab
like "$(cat "$T/err")" "^wb-contact: '12ab': not a phone number" "names it"
exits 65 "a reserved key" -- wb-contact add 16505551234 phone=1
like "$(cat "$T/err")" "'phone' is the contact's own field" "says why"
exits 65 "braces in a key" -- wb-contact add 16505551234 "{{x}}=1"
exits 65 "an empty name" -- wb-contact add 16505551234 name=
exits 65 "a value that is not UTF-8" -- wb-contact add 16505551234 "city=$(printf 'Z\377rich')"
is "$(count "SELECT value FROM contact_attr WHERE key = 'city'")" "Lyon" "a failed add writes nothing"

# --- import -----------------------------------------------------------
printf '\357\273\277Phone,Name,city,notes\n' >"$T/crm.csv"
printf '+44 20 7946 0958,"Smith, J",London,"two\nlines"\n' >>"$T/crm.csv"
printf '8613912345678,李雷,北京,\n' >>"$T/crm.csv"
printf '16505551234,,,"said ""hi"""\n' >>"$T/crm.csv"
exits 0 "import a spreadsheet's CSV (BOM, quotes, multi-line, UTF-8)" -- wb-contact import "$T/crm.csv"
is "$(cat "$T/out")" "$(printf 'created,updated,skipped,duplicates\n2,1,0,0')" "summary row"
is "$(count "SELECT name FROM contact WHERE wa_id = '442079460958'")" "Smith, J" "quoted comma"
is "$(count "SELECT value FROM contact_attr a JOIN contact c ON c.id = a.contact_id WHERE wa_id = '442079460958' AND key = 'notes'")" \
	"$(printf 'two\nlines')" "multi-line field"
is "$(count "SELECT name || '|' || (SELECT value FROM contact_attr WHERE contact_id = c.id AND key = 'city') FROM contact c WHERE wa_id = '8613912345678'")" \
	"李雷|北京" "UTF-8 kept"
is "$(count "SELECT name || '|' || (SELECT value FROM contact_attr WHERE contact_id = c.id AND key = 'city') FROM contact c WHERE wa_id = '16505551234'")" \
	"Mei|Lyon" "empty cells leave the name and attribute as they were"
is "$(count "SELECT value FROM contact_attr a JOIN contact c ON c.id = a.contact_id WHERE wa_id = '16505551234' AND key = 'notes'")" \
	'said "hi"' "doubled quotes"
exits 0 "the same file again only updates" -- wb-contact import "$T/crm.csv"
is "$(tail -1 "$T/out")" "0,3,0,0" "all updated"

printf 'wa_id,name\n4915112345678,Hans\n' | wb-contact import >"$T/out" 2>"$T/err"
ok $? "import from stdin with a wa_id column"
is "$(count "SELECT name FROM contact WHERE wa_id = '4915112345678'")" "Hans" "imported"
printf 'phone\n4915112345679\n' | wb-contact import - >/dev/null
ok $? "'-' is stdin"

before=$(count "SELECT count(*) || '/' || (SELECT count(*) FROM contact_attr) FROM contact")
printf 'phone,name,city\n33612345678,Anne,Paris\n\n33612345679,"Bob\nBrown",Nice\n1650555000x,Bad,Rome\n33612345670,Cid,Lille\n' >"$T/bad.csv"
exits 65 "a bad row fails the whole import" -- wb-contact import "$T/bad.csv"
is "$(cat "$T/err")" "wb-contact: $T/bad.csv:6: column 'phone': '1650555000x': not a phone number (unexpected 'x')" \
	"names file, line (counting multi-line fields and blank lines) and field"
is "$(count "SELECT count(*) || '/' || (SELECT count(*) FROM contact_attr) FROM contact")" "$before" "nothing written"
is "$(cat "$T/out")" "" "no summary"
exits 0 "--skip-bad imports the rest" -- wb-contact import --skip-bad "$T/bad.csv"
is "$(cat "$T/out")" "$(printf 'created,updated,skipped,duplicates\n3,0,1,0')" "and counts the skipped row"
is "$(cat "$T/err")" "wb-contact: skipped $T/bad.csv:6: column 'phone': '1650555000x': not a phone number (unexpected 'x')" \
	"lists exactly the skipped row"

printf 'phone,name\n33700000001,Ok\n33700000002,"Z\377rich"\n33700000003,a,b\n33700000004\n,NoPhone\n' >"$T/rows.csv"
exits 65 "invalid UTF-8 is a bad row" -- wb-contact import "$T/rows.csv"
like "$(cat "$T/err")" "rows.csv:3: column 'name': not valid UTF-8" "names the column"
exits 0 "--skip-bad over several kinds of bad rows" -- wb-contact import --skip-bad "$T/rows.csv"
is "$(sed 's/.*rows.csv://' "$T/err" | tr '\n' '|')" \
	"3: column 'name': not valid UTF-8|4: 3 fields, the header has 2: quote a cell that holds the delimiter|5: 1 field, the header has 2: quote a cell that holds a line break, or add the missing cells|6: column 'phone': empty|" \
	"each skipped row with its line and reason"
is "$(tail -1 "$T/out")" "1,0,4,0" "one imported, four skipped"

# names and values are bounded (256 and 1024 characters): refused, never cut
# (on a database of their own, which the listings below do not see)
main_db=$WB_DB
export WB_DB="$T/bounds.db"
long=$(printf 'é%.0s' $(seq 257))
exits 65 "a name of 257 characters" -- wb-contact add 33799900009 "name=$long"
is "$(cat "$T/err")" "wb-contact: name: 257 characters, at most 256" "says how long and how long it may be"
exits 0 "a name of 256 characters" -- wb-contact add 33799900009 "name=${long%é}"
exits 65 "a value of 1025 characters" -- wb-contact add 33799900009 "memo=$(printf '%01025d' 0)"
exits 0 "a value of 1024" -- wb-contact add 33799900009 "memo=$(printf '%01024d' 0)"
printf 'phone,name,memo\n33799900011,Ann,ok\n33799900012,Bo,%01025d\n' 0 > "$T/long.csv"
exits 65 "an import with a value too long" -- wb-contact import "$T/long.csv"
is "$(cat "$T/err")" "wb-contact: $T/long.csv:3: attribute 'memo': 1025 characters, at most 1024" "names file, line and column"
printf 'phone,name\n33799900013,%s\n' "$long" > "$T/long2.csv"
exits 65 "an import with a name too long" -- wb-contact import "$T/long2.csv"
is "$(cat "$T/err")" "wb-contact: $T/long2.csv:2: name: 257 characters, at most 256" "names file and line"
is "$(count "SELECT count(*) FROM contact WHERE wa_id IN ('33799900011', '33799900013')")" 0 "nothing of them stored"

# a full disk, made by a file size limit (the WAL cannot grow past it;
# SIGXFSZ ignored, so the write fails as on a full disk)
awk 'BEGIN { print "phone,name,city"; for (i = 0; i < 3000; i++) printf "+3361%07d,Name %d,Somewhere %d\n", i, i, i }' \
	> "$T/huge.csv"
wb-contact add 33799900020 name=Kept >/dev/null
before=$(count "SELECT count(*) FROM contact")
(trap '' XFSZ; ulimit -f 200; wb-contact import "$T/huge.csv" >"$T/out" 2>"$T/err"; echo $? >"$T/rc")
is "$(cat "$T/rc")" 73 "an import that fills the disk: 73"
like "$(cat "$T/err")" "needs more than [0-9.]+ MB free \(it had written [0-9.]+ MB for [0-9]+% of its input\); nothing was imported" \
	"says how much room it needed"
is "$(stat -c %s "$WB_DB-wal")" 0 "the WAL it filled is emptied, the space given back"
is "$(count "SELECT count(*) FROM contact")" "$before" "nothing imported"
exits 0 "and the database takes writes again" -- wb-contact add 33799900021 name=After
export WB_DB="$main_db"

# a phone twice in one file: told, the later row's cells win
printf 'phone,name,city,notes\n33700000030,Ann,Paris,\n+33 7 00 00 00 31,Bo,,\n33700000030,,Nantes,x\n+33 700000030,Annie,,\n' >"$T/twice.csv"
exits 0 "a phone on several rows of one file" -- wb-contact import "$T/twice.csv"
is "$(cat "$T/err")" "wb-contact: $T/twice.csv:4: 33700000030 is on line 2 too; the later row's cells win
wb-contact: $T/twice.csv:5: 33700000030 is on line 2 too; the later row's cells win" \
	"each repeat is reported with the line it repeats, however the number is written"
is "$(tail -1 "$T/out")" "2,0,0,2" "two contacts created, two rows were repeats"
is "$(count "SELECT name || '|' || (attrs ->> 'city') || '|' || (attrs ->> 'notes') FROM contact WHERE wa_id = '33700000030'")" \
	"Annie|Nantes|x" "rows apply in order: the last name, the later city, notes only one row had"
exits 66 "a missing file" -- wb-contact import "$T/nope.csv"
like "$(cat "$T/err")" "^wb-contact: .*nope.csv: cannot open" "names it"
exits 64 "two files" -- wb-contact import a.csv b.csv
printf 'name,city\nAnne,Paris\n' >"$T/nophone.csv"
exits 65 "no phone column" -- wb-contact import "$T/nophone.csv"
is "$(cat "$T/err")" "wb-contact: $T/nophone.csv:1: no phone column in the header (name, city); name it with --phone-column" \
	"says so, at line 1, listing the header"
: >"$T/empty.csv"
exits 65 "an empty file has no header" -- wb-contact import "$T/empty.csv"
printf 'phone,city,City,city\n1,2,3,4\n' >"$T/dup.csv"
exits 65 "a column twice" -- wb-contact import "$T/dup.csv"
like "$(cat "$T/err")" "dup.csv:1: column 'city' appears twice" "names it"
printf 'phone,business\n33700000009,x\n' >"$T/res.csv"
exits 65 "a reserved column" -- wb-contact import "$T/res.csv"
like "$(cat "$T/err")" "res.csv:1: column 2: 'business'" "names it"
printf 'phone,name\n33700000010,"open\n' >"$T/open.csv"
exits 65 "an unterminated quote fails even with --skip-bad" -- wb-contact import --skip-bad "$T/open.csv"
like "$(cat "$T/err")" "open.csv:2: unterminated quoted field: a field that starts with '\"' ends with one" \
	"names the line and says what to do"
is "$(count "SELECT count(*) FROM contact WHERE wa_id = '33700000010'")" "0" "nothing written"
awk 'BEGIN { print "phone,name"; print "3360000000x,bad"
	for (i = 0; i < 700; i++) printf "+33 6 10 %06d,n%d\n", i, i; print "33610999999,\"open" }' >"$T/long.csv"
exits 65 "a bad row, and far below a malformed line" -- wb-contact import "$T/long.csv"
like "$(cat "$T/err")" "long.csv:2: column 'phone'" "the first error in the file is the one told"
exits 65 "the same with --skip-bad" -- wb-contact import --skip-bad "$T/long.csv"
is "$(sed -E 's/.*long\.csv:([0-9]+):.*/\1/' "$T/err" | tr '\n' ' ')" "2 703 " "the bad row skipped, then the malformed line"
is "$(count "SELECT count(*) FROM contact WHERE wa_id LIKE '33610%'")" "0" "nothing written"

# --- ls -----------------------------------------------------------------
sqlite3 "$WB_DB" "UPDATE contact SET last_in_at = strftime('%s', '2026-11-24T10:00:00Z') WHERE wa_id = '16505551234';
	UPDATE contact SET last_in_at = strftime('%s', '2026-09-01T10:00:00Z') WHERE wa_id = '442079460958';"
exits 0 "ls" -- wb-contact ls
is "$(head -1 "$T/out")" "phone,user_id,name,profile_name,username,labels,opted_out,last_in" "columns, phone first"
is "$(grep '^16505551234,' "$T/out")" "16505551234,,Mei,,,,false,2026-11-24T10:00:00Z" "last_in in ISO UTC"
total=$(count "SELECT count(*) FROM contact")
is "$(wb-contact ls -o jsonl | wc -l)" "$total" "every contact"
is "$(wb-contact ls --active 7d | tail -n +2 | cut -d, -f1)" "16505551234" "--active 7d"
is "$(wb-contact ls --inactive 30d -o jsonl | wc -l)" "$((total - 1))" \
	"--inactive 30d: the long-silent and those who never wrote"
is "$(wb-contact ls --inactive 30d --active 100d | tail -n +2 | cut -d, -f1)" "442079460958" "--inactive and --active together"
exits 65 "a bad duration" -- wb-contact ls --inactive soon
like "$(cat "$T/err")" "^wb-contact: --inactive: 'soon': not a duration" "names the option"
exits 65 "a zero duration" -- wb-contact ls --active 0s

wb-label add vip >/dev/null && wb-label add late >/dev/null
wb-label apply vip 16505551234 442079460958 8613912345678 >/dev/null
wb-label apply late 442079460958 4915112345678 >/dev/null
is "$(wb-contact ls --label vip | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "16505551234 442079460958 8613912345678 " "--label"
is "$(wb-contact ls --label vip --label late | tail -n +2 | cut -d, -f1)" "442079460958" "two --label: AND"
is "$(wb-contact ls --label vip --not-label late | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "16505551234 8613912345678 " \
	"--label with --not-label"
is "$(wb-contact ls --not-label vip --not-label late -o jsonl | wc -l)" "$((total - 4))" "two --not-label: neither"
is "$(wb-contact ls --label vip -o tsv | grep '^442079460958' | cut -f3-6)" "$(printf 'Smith, J\t\t\tlate,vip')" "labels column"
exits 65 "an unknown label" -- wb-contact ls --label nope
is "$(cat "$T/out")" "" "no rows, not even a header"
like "$(cat "$T/err")" "no label 'nope'" "names it"
# --where: segments by attribute (Mei is city=Lyon, Hans has none)
is "$(wb-contact ls --where city=Lyon | tail -n +2 | cut -d, -f1)" "16505551234" "--where KEY=VALUE"
is "$(wb-contact ls --where city=Lyon --where 'order_id!=' | tail -n +2 | cut -d, -f1)" "16505551234" \
	"several --where: AND; KEY!= is present"
is "$(wb-contact ls --where 'city!=Lyon' -o jsonl | wc -l)" "$((total - 1))" "KEY!=VALUE: another value or none"
is "$(wb-contact ls --where 'city=' -o csv | grep -c '^4915112345678,')" "1" "KEY=: missing"
is "$(wb-contact ls --where "city=x' OR 1=1 --" -o jsonl | wc -l)" "0" "a value is data, not SQL"
wb-contact add 4915112345678 "it's \"odd\"=\$.x" >/dev/null
is "$(wb-contact ls --where "it's \"odd\"=\$.x" | tail -n +2 | cut -d, -f1)" "4915112345678" \
	"so is a key, quotes and JSON path characters included"
exits 64 "--where without '='" -- wb-contact ls --where city
exits 64 "--where on a contact's own field" -- wb-contact ls --where name=Mei
like "$(cat "$T/err")" "'name' is the contact's own field" "says so"
# --columns and --attrs; what ls writes imports back unchanged
exits 0 "--columns: ls's own columns and attributes, in that order" -- wb-contact ls --label vip --columns phone,city,name
is "$(cat "$T/out")" "phone,city,name
16505551234,Lyon,Mei
442079460958,London,\"Smith, J\"
8613912345678,北京,李雷" "picked"
exits 64 "--columns with a name that can be neither" -- wb-contact ls --columns 'phone,{{x}}'
wb-contact add 33700000020 'name==Ann "the 2nd",
line' 'note=@home' 'score=-5' 'dash=-x' "tab=$(printf '\tx')" >/dev/null
exits 0 "--attrs: every attribute a column" -- wb-contact ls --attrs -o csv
is "$(head -1 "$T/out")" "phone,user_id,name,profile_name,username,labels,opted_out,last_in,city,dash,\"it's \"\"odd\"\"\",note,notes,order_id,score,tab" \
	"after ls's own, in name order"
is "$(wb-contact ls --columns phone --attrs --where note=@home -o jsonl)" \
	'{"phone":"33700000020","dash":"-x","note":"@home","score":"-5","tab":"\tx"}' \
	"with --columns: the attributes of the contacts listed"
is "$(wb-contact ls --columns phone,city --where 'note!=' -o jsonl)" '{"phone":"33700000020","city":null}' \
	"a missing attribute is null"
sqlite3 "$WB_DB" .dump >"$T/before.sql"
wb-contact ls --attrs -o csv | WB_NOW=2026-12-01T00:00:00Z wb-contact import >"$T/out"
ok $? "ls --attrs -o csv | wb-contact import"
is "$(tail -1 "$T/out")" "0,$((total + 1)),0,0" "every contact read back"
sqlite3 "$WB_DB" .dump >"$T/after.sql"
is "$(diff "$T/before.sql" "$T/after.sql")" "" \
	"the database is unchanged (quotes, line breaks, cells neutralised for spreadsheets, labels, opt-outs)"
exits 0 "-o jsonl" -- wb-contact ls --label late -o jsonl
is "$(head -1 "$T/out")" '{"phone":"442079460958","user_id":null,"name":"Smith, J","profile_name":null,"username":null,"labels":"late,vip","opted_out":false,"last_in":"2026-09-01T10:00:00Z"}' \
	"JSON types: booleans, nulls"

# --- show ---------------------------------------------------------------
exits 0 "show" -- wb-contact show "+1 650 555 1234" -o json
like "$(cat "$T/out")" '"phone":"16505551234","user_id":null,"name":"Mei"' "the record"
like "$(cat "$T/out")" '"labels":"vip"' "with labels"
like "$(cat "$T/out")" '"attrs":\{"city":"Lyon","notes":"said \\"hi\\"","order_id":"A-77"\}' "with attributes, as an object"
like "$(cat "$T/out")" '"created":"2026-11-25T10:00:00Z"' "times in ISO UTC"
exits 1 "show of no such contact" -- wb-contact show 16505559999
like "$(cat "$T/err")" "16505559999: no such contact" "says so"
exits 65 "show of a bad phone" -- wb-contact show nope
exits 64 "show without a phone" -- wb-contact show

# --- log ----------------------------------------------------------------
exits 0 "log before any message" -- wb-contact log 16505551234
is "$(cat "$T/out")" "time,phone,user_id,direction,type,text,status,wamid,labels,agent" "empty: only the header"
sqlite3 "$WB_DB" "INSERT INTO message (wamid, contact_id, direction, type, body, ts, status)
	SELECT 'wamid.OUT1', id, 'out', 'text', 'Hi Mei, it ships today', strftime('%s', '2026-11-24T10:05:00Z'), 'read' FROM contact WHERE wa_id = '16505551234';
	INSERT INTO message (wamid, contact_id, direction, type, body, ts, status)
	SELECT 'wamid.IN1', id, 'in', 'text', 'Where is my order?', strftime('%s', '2026-11-24T10:00:00Z'), 'received' FROM contact WHERE wa_id = '16505551234';
	INSERT INTO message (wamid, contact_id, direction, type, body, ts, status)
	SELECT 'wamid.IN2', id, 'in', 'image', NULL, strftime('%s', '2026-11-24T11:00:00Z'), 'received' FROM contact WHERE wa_id = '16505551234';
	INSERT INTO message (wamid, contact_id, direction, type, body, ts, status)
	SELECT 'wamid.OTHER', id, 'in', 'text', 'not Mei', strftime('%s', '2026-11-24T10:01:00Z'), 'received' FROM contact WHERE wa_id = '442079460958';"
wb-label apply Paid --message wamid.IN1 >/dev/null
exits 0 "log" -- wb-contact log 16505551234
is "$(cat "$T/out")" "time,phone,user_id,direction,type,text,status,wamid,labels,agent
2026-11-24T10:00:00Z,16505551234,,in,text,Where is my order?,received,wamid.IN1,Paid,
2026-11-24T10:05:00Z,16505551234,,out,text,\"Hi Mei, it ships today\",read,wamid.OUT1,,
2026-11-24T11:00:00Z,16505551234,,in,image,,received,wamid.IN2,," "the message log, oldest first, with message labels"
exits 1 "log of no such contact" -- wb-contact log 16505559999

# --- optout / optin -------------------------------------------------------
exits 0 "optout" -- wb-contact optout 16505551234 "+44 20 7946 0958"
is "$(cat "$T/out")" "$(printf 'phone,user_id,opted_out,changed\n16505551234,,true,true\n442079460958,,true,true')" "reported"
is "$(wb-contact ls --opted-out | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "16505551234 442079460958 " "--opted-out"
is "$(count "SELECT opted_out_at = strftime('%s', '2026-11-25T10:00:00Z') FROM contact WHERE wa_id = '16505551234'")" "1" \
	"when is recorded"
exits 0 "optout again" -- wb-contact optout 16505551234
is "$(tail -1 "$T/out")" "16505551234,,true,false" "no change"
printf '{"phone":"16505551234"}\n' | wb-contact optin >"$T/out"
ok $? "optin from JSONL on stdin"
is "$(tail -1 "$T/out")" "16505551234,,false,true" "opted back in"
exits 0 "optout of a new number records it" -- wb-contact optout 33799999999
is "$(count "SELECT opted_out FROM contact WHERE wa_id = '33799999999'")" "1" "as an opted-out contact"
exits 65 "a bad phone fails the whole optout" -- wb-contact optout 8613912345678 bad
is "$(count "SELECT opted_out FROM contact WHERE wa_id = '8613912345678'")" "0" "nothing changed"

# --- rm -------------------------------------------------------------------
exits 1 "rm with an unknown phone removes nothing" -- wb-contact rm 33612345678 16505559999
like "$(cat "$T/err")" "16505559999: no such contact" "names it"
is "$(count "SELECT count(*) FROM contact WHERE wa_id = '33612345678'")" "1" "the known one is still there"
printf 'phone\n33612345678\n33612345679\n' | wb-contact rm >"$T/out"
ok $? "rm from CSV on stdin"
is "$(cat "$T/out")" "$(printf 'phone,user_id\n33612345678,\n33612345679,')" "lists what it removed"
is "$(count "SELECT count(*) FROM contact WHERE wa_id IN ('33612345678', '33612345679')")" "0" "removed"
exits 0 "rm takes the message log along" -- wb-contact rm 16505551234
is "$(count "SELECT count(*) FROM message WHERE wamid LIKE 'wamid.IN%' OR wamid = 'wamid.OUT1'")" "0" "messages gone"
exits 65 "rm of a bad phone" -- wb-contact rm nope
done_testing
