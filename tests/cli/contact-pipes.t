#!/bin/sh
# Listings pipe into commands that act on contacts: wb-contact ls into
# wb-label apply, wb-label who into wb-contact optout, in CSV and JSONL.
. "$(dirname "$0")/lib.sh"

export WB_NOW=2026-11-25T10:00:00Z
members() { wb-label who "$1" -o csv | tail -n +2 | cut -d, -f1 | tr '\n' ' '; }

printf 'phone,name,tier\n16505550001,Ann,gold\n16505550002,"Bo, Jr",gold\n16505550003,Cy,\n16505550004,Di,\n' |
	wb-contact import >/dev/null
ok $? "a small world"
wb-label add vip >/dev/null && wb-label add promo >/dev/null && wb-label add dormant >/dev/null
wb-label apply vip 16505550001 16505550002 >/dev/null
sqlite3 "$WB_DB" "UPDATE contact SET last_in_at = strftime('%s', '2026-11-20') WHERE wa_id IN ('16505550001', '16505550003');
	UPDATE contact SET last_in_at = strftime('%s', '2026-08-01') WHERE wa_id = '16505550002';"

wb-contact ls --label vip -o csv | wb-label apply promo >"$T/out" 2>"$T/err"
ok $? "ls --label vip -o csv | wb-label apply promo"
is "$(members promo)" "16505550001 16505550002 " "the vips (a quoted name does not confuse the reader)"

wb-contact ls --inactive 30d | wb-label apply dormant >"$T/out" 2>"$T/err"
ok $? "ls --inactive 30d | wb-label apply dormant (csv when piped)"
is "$(members dormant)" "16505550002 16505550004 " "the long-silent and the never-written"

wb-contact ls --label dormant --not-label vip -o jsonl | wb-label remove dormant >"$T/out" 2>"$T/err"
ok $? "JSONL from ls into remove"
is "$(members dormant)" "16505550002 " "only the dormant vip keeps the label"

wb-label who vip | wb-contact optout >"$T/out" 2>"$T/err"
ok $? "wb-label who vip | wb-contact optout"
is "$(wb-contact ls --opted-out -o csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "16505550001 16505550002 " "the vips opted out"

wb-contact ls --opted-out -o tsv | wb-contact optin >/dev/null
ok $? "TSV into optin"
is "$(wb-contact ls --opted-out -o jsonl | wc -l)" "0" "everyone is back in"

wb-contact ls --not-label vip --not-label dormant -o json | wb-label apply promo >"$T/out" 2>"$T/err"
ok $? "ls -o json (one JSON array) into apply"
is "$(members promo)" "16505550001 16505550002 16505550003 16505550004 " "read back like JSONL"

wb-contact ls --label vip -o jsonl | wb-contact rm >/dev/null
ok $? "JSONL into rm"
is "$(wb-contact ls -o csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "16505550003 16505550004 " "removed"
done_testing
