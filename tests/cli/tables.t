#!/bin/sh
# Tables as people have them: ';' and tab exports, the phone column by
# any usual name or --phone-column, --delimiter, a listing filtered by
# grep (no header), -o json read back, errors that say what to do.
. "$(dirname "$0")/lib.sh"
export WB_NOW=2026-11-25T10:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
members() { wb-label who "$1" -o csv | tail -n +2 | cut -d, -f1 | tr '\n' ' '; }

# --- detected from the header line ---------------------------------------
printf 'Name;Telefon;Stadt\nMüller;+49 30 1234567;"Berlin; Mitte"\nSchmidt;+49 30 7654321;Köln\n' >"$T/de.csv"
exits 0 "a European export: ';' and Telefon" -- wb-contact import "$T/de.csv"
is "$(sql "SELECT wa_id || '|' || name || '|' || (attrs ->> 'Stadt') FROM contact ORDER BY wa_id" | tr '\n' ' ')" \
	"49301234567|Müller|Berlin; Mitte 49307654321|Schmidt|Köln " "cells split at ';', quoted ones kept whole"
printf 'name\tHandy\n"Ng, K"\t+44 7911 123456\n' >"$T/tab.txt"
exits 0 "a tab-separated export with a Handy column" -- wb-contact import "$T/tab.txt"
is "$(sql "SELECT name FROM contact WHERE wa_id = '447911123456'")" "Ng, K" "read"
printf '姓名,手机号\n李雷,+86 139 1234 5679\n' | wb-contact import >/dev/null
ok $? "a Chinese header: 手机号"
is "$(sql "SELECT attrs ->> '姓名' FROM contact WHERE wa_id = '8613912345679'")" "李雷" "read"
printf 'Name,Phone,WhatsApp\nAnn,+1 650 555 0100,+1 650 555 0101\n' >"$T/two.csv"
exits 0 "a Phone column and a WhatsApp column" -- wb-contact import "$T/two.csv"
is "$(sql "SELECT name FROM contact WHERE wa_id = '16505550101'")" "Ann" "the WhatsApp number is the contact"
is "$(cat "$T/err")" "wb-contact: $T/two.csv:1: column 'Phone' is not imported: the phones are read from column 'WhatsApp' (--phone-column picks another)" \
	"the other is not dropped without a word"

# --- the user's word ------------------------------------------------------
printf 'Name|Kontakt|Ort\nKim|+49 30 1111111|Bonn\n' >"$T/pipe.csv"
exits 65 "a '|' file and an unusual phone column" -- wb-contact import "$T/pipe.csv"
is "$(cat "$T/err")" "wb-contact: $T/pipe.csv:1: no phone column in the header (Name|Kontakt|Ort); name it with --phone-column" \
	"the error lists the header as read"
exits 0 "--delimiter '|' --phone-column Kontakt" -- wb-contact import --delimiter '|' --phone-column Kontakt "$T/pipe.csv"
is "$(sql "SELECT attrs ->> 'Ort' FROM contact WHERE wa_id = '49301111111'")" "Bonn" "read the user's way"
exits 0 "--phone-column picks the Phone column over WhatsApp" -- wb-contact import --phone-column phone "$T/two.csv"
is "$(sql "SELECT name FROM contact WHERE wa_id = '16505550100'")" "Ann" "imported by the column named"
exits 65 "--phone-column naming no column" -- wb-contact import --phone-column Mobil "$T/de.csv"
is "$(cat "$T/err")" "wb-contact: $T/de.csv:1: no column 'Mobil' in the header (Name, Telefon, Stadt)" "says so"
# a NUL byte would cut a cell short unseen; a spreadsheet's "Unicode text"
# (UTF-16) is full of them
printf 'phone,name\n+33 6 12 34 56 70,Zo\000e\n' >"$T/nul.csv"
exits 65 "a NUL byte in a cell" -- wb-contact import "$T/nul.csv"
is "$(cat "$T/err") $(sql "SELECT count(*) FROM contact WHERE wa_id = '33612345670'")" \
	"wb-contact: $T/nul.csv:2: a NUL byte, which text does not hold (a UTF-16 file? save it as UTF-8) 0" \
	"names the line; the row is not imported cut to 'Zo'"
printf '\377\376p\000h\000o\000n\000e\000\n\000' >"$T/utf16.csv"
exits 65 "a UTF-16 file" -- wb-contact import "$T/utf16.csv"
like "$(cat "$T/err")" "utf16.csv:1: a NUL byte, .*UTF-16 file\\? save it as UTF-8" "says what it is likely to be"
exits 64 "--delimiter of two characters" -- wb-contact import --delimiter ';;' "$T/de.csv"
exits 64 "--delimiter goes with the commands that read tables" -- wb-contact ls --delimiter ';'
exits 64 "--phone-column does not go with --message" -- wb-label apply vip --message wamid.X --phone-column x
exits 64 "nor with wb-send --to" -- wb-send --to 16505550100 --text hi --delimiter ';'

wb-label add wholesale >/dev/null
printf 'Kontakt;Firma\n+49 30 1234567;A\n+49 30 7654321;B\n' |
	wb-label apply wholesale --phone-column Kontakt --delimiter ';' >/dev/null
ok $? "wb-label apply: --phone-column and --delimiter"
is "$(members wholesale)" "49301234567 49307654321 " "labelled"
printf 'Mobil\tx\n+49 30 1234567\t1\n' | wb-contact optout >/dev/null
ok $? "wb-contact optout: a tab-separated table with a Mobil column"
is "$(sql "SELECT opted_out FROM contact WHERE wa_id = '49301234567'")" "1" "opted out"
printf 'Tel;Stadt\n+49 30 7654321;Köln\n' |
	wb-send --dry-run --template stadt --param '{{Stadt}}' >"$T/out" 2>"$T/err"
ok $? "wb-send: recipients in a ';' table with a Tel column"
is "$(jq -r '.to + " " + .template.components[0].parameters[0].text' "$T/out")" "49307654321 Köln" \
	"to the phone, with the row's cells"

# --- a listing filtered by grep, and -o json --------------------------------
wb-label add berlin >/dev/null
wb-contact ls -o csv | grep Müller | wb-label apply berlin >"$T/out" 2>"$T/err"
ok $? "wb-contact ls | grep Müller | wb-label apply (no header)"
is "$(members berlin)" "49301234567 " "the row grep kept"
printf '49307654321,Schmidt\n1650555000x,Bad\n' | wb-label apply berlin >"$T/out" 2>"$T/err"
is "$?" "65" "a bad number in a headerless table is an error"
is "$(cat "$T/err")" "wb-label: stdin:2: '1650555000x': not a phone number (unexpected 'x')" "naming its line"
is "$(members berlin)" "49301234567 " "and nothing changes"
printf 'phone,name\n16505550101,Ann\n' | wb-label apply berlin >/dev/null
ok $? "a header is still a header"
is "$(members berlin)" "16505550101 49301234567 " "its rows read"
wb-contact ls -o json | wb-label apply wholesale >/dev/null
ok $? "ls -o json (an array) pipes"
is "$(members wholesale | wc -w)" "$(sql 'SELECT count(*) FROM contact')" "every contact"

# --- errors say where and what to do ----------------------------------------
printf 'phone,name\n16505550100,say "hi"\n' | wb-contact import >"$T/out" 2>"$T/err"
is "$(cat "$T/err")" "wb-contact: stdin:2: a '\"' inside a field that is not quoted, or after a closing one: quote the whole field and write each quote in it twice (\"say \"\"hi\"\"\")" \
	"a stray quote: the line and how to write it, not libcsv's words"
done_testing
