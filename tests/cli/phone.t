#!/bin/sh
# Phone numbers as the utilities read them: a national number needs a
# default region (WB_DEFAULT_REGION, from the environment or the config
# file; WB_DEFAULT_CC as a fallback), an invalid number is refused naming
# where it was, and what wb writes reads back as the same contact, whatever
# the region (no phantom contacts from a listing piped back in).
. "$(dirname "$0")/lib.sh"

contacts() { wb-contact ls -o csv | tail -n +2 | cut -d, -f1 | tr '\n' ' '; }

exits 65 "a national number with no region" -- wb-contact add '(650) 555-0104'
is "$(cat "$T/err")" "wb-contact: '(650) 555-0104': national number: set WB_DEFAULT_REGION (e.g. US)" \
	"says what to set"
is "$(contacts)" "" "nothing stored (6505550104 would be Singapore)"
exits 0 "in region US" -- env WB_DEFAULT_REGION=US wb-contact add '(650) 555-0104' name=Sam
is "$(contacts)" "16505550104 " "stored with its country code"
exits 0 "the region in any case" -- env WB_DEFAULT_REGION=us wb-contact show 650.555.0104

exits 0 "a '(0)' after the country code" -- wb-contact add '+44 (0)20 7946 0958'
is "$(contacts)" "16505550104 442079460958 " "is dropped, as people mean it"
exits 0 "00 for +, with no region" -- wb-contact show '0044 20 7946 0958'
exits 0 "and in a region whose prefix is 011" -- env WB_DEFAULT_REGION=US wb-contact show '0044 20 7946 0958'

mkdir -p "$XDG_CONFIG_HOME/wb"
printf 'WB_DEFAULT_REGION=CN\n' >"$XDG_CONFIG_HOME/wb/config"
chmod 600 "$XDG_CONFIG_HOME/wb/config"
exits 0 "the region from the config file" -- wb-contact add '139 1234 5678'
like "$(cat "$T/out")" "^8613912345678," "a Chinese mobile"
exits 0 "the environment wins over the file" -- env WB_DEFAULT_REGION=GB wb-contact show '020 7946 0958'
rm "$XDG_CONFIG_HOME/wb/config"

exits 0 "WB_DEFAULT_CC still works: 44 is GB" -- env WB_DEFAULT_CC=44 wb-contact add '07400 123456'
like "$(cat "$T/out")" "^447400123456," "a British mobile"
exits 78 "a region that is none" -- env WB_DEFAULT_REGION=XX wb-contact add '020 7946 0958'
like "$(cat "$T/err")" "WB_DEFAULT_REGION 'XX' is not a region" "names the setting"
exits 78 "a country code that is none" -- env WB_DEFAULT_CC=999 wb-contact add '020 7946 0958'

exits 65 "no such country code" -- wb-contact add '+999 123 4567'
like "$(cat "$T/err")" "'\+999 123 4567': not a valid phone number \(no such country code\)" "says so"
exits 65 "a +1 number of 9 digits" -- wb-contact add '+1 650 555 010'
like "$(cat "$T/err")" "too short" "says so"
exits 65 "an extension" -- env WB_DEFAULT_REGION=US wb-contact add '650-555-0104 ext. 12'
like "$(cat "$T/err")" "extension" "says so"
exits 65 "an optout of a bad number" -- env WB_DEFAULT_REGION=US wb-contact optout 16505550104 '+1 650 555 010'
is "$(contacts)" "16505550104 442079460958 447400123456 8613912345678 " "nothing was added on the way"

# a CRM export: a US column of national numbers
printf 'phone,name\n(650) 555-0111,Ann\n+86 139 1234 5679,Bo\n' >"$T/crm.csv"
exits 65 "import of national numbers with no region" -- wb-contact import "$T/crm.csv"
like "$(cat "$T/err")" "crm.csv:2: column 'phone': '\(650\) 555-0111': national number: set WB_DEFAULT_REGION" \
	"names the file and line"
exits 0 "import in region US" -- env WB_DEFAULT_REGION=US wb-contact import "$T/crm.csv"
is "$(wb-contact show 16505550111 -o csv | tail -1 | cut -d, -f1,3)" "16505550111,Ann" "with the US country code"
printf 'phone,name\n16505550112,Cy\n+1 650 555 011,Di\n' >"$T/bad.csv"
exits 65 "an invalid number in an import" -- wb-contact import "$T/bad.csv"
like "$(cat "$T/err")" "bad.csv:3: column 'phone': '\+1 650 555 011': not a valid phone number" "names the line"
exits 65 "a national number on stdin" -- sh -c "printf '16505550104\n(650) 555-0104\n' | wb-label apply Paid"
like "$(cat "$T/err")" "^wb-label: stdin:2: '\(650\) 555-0104': national number" "names the line"

# What wb writes reads back as the same contacts: a listing piped into
# apply, with a default country code whose region reads them otherwise,
# creates no contact 4416505550104 or 448613912345678.
before=$(contacts)
wb-label add vip >/dev/null
wb-contact ls -o csv | WB_DEFAULT_CC=44 wb-label apply vip >/dev/null
ok $? "a listing piped into apply with WB_DEFAULT_CC=44"
is "$(contacts)" "$before" "no phantom contact"
is "$(wb-label who vip -o csv | tail -n +2 | wc -l | tr -d ' ')" "6" "every contact got the label"
is "$(wb-contact ls -o csv | WB_DEFAULT_CC=44 wb-send --template promo --dry-run |
	sed 's/.*"to":"\([0-9]*\)".*/\1/' | tr '\n' ' ')" "$before" "a broadcast from the listing goes to them"

# Seychelles +248 2 510 123, written as digits alone, is also a valid
# Michigan number: the contact it is stays that contact in region US.
wb-contact add '+248 2 510 123' >/dev/null
exits 0 "a contact's wa_id in a region that reads it otherwise" -- env WB_DEFAULT_REGION=US wb-contact show 2482510123
like "$(cat "$T/out")" "^2482510123," "is that contact"
wb-label add sc >/dev/null
wb-contact ls -o csv | WB_DEFAULT_REGION=US wb-label apply sc >/dev/null
is "$(wb-label who sc -o csv | grep -c '^2482510123,')" "1" "a listing piped back in labels it"
is "$(wb-contact ls -o csv | grep -c '^12482510123,')" "0" "and makes no Michigan contact"
# An import reads its numbers in worker threads, by the rules alone, and
# writes in order: a row's wa_id that an earlier row of the same file made
# a contact is still that contact.
printf 'phone,name\n+248 2 510 124,Sey\n2482510124,Sey again\n2482510123,Old\n' >"$T/sc.csv"
exits 0 "an import in region US of numbers made contacts just before" -- env WB_DEFAULT_REGION=US wb-contact import "$T/sc.csv"
is "$(tail -1 "$T/out")" "1,1,0,1" "one created, one updated, one repeat"
is "$(wb-contact ls -o csv | grep -c '^1248251012[34],')" "0" "no Michigan contact"
exits 1 "written as a person would, it is the US number" -- env WB_DEFAULT_REGION=US wb-contact show '248 251 0123'
like "$(cat "$T/err")" "12482510123: no such contact" "which is no contact"
# Gambia +220 301 2345 likewise: sent to, with '+', it stays Gambian
# however many times wb-send reads it before the contact exists.
is "$(env WB_DEFAULT_REGION=US wb-send --to '+220 301 2345' --template promo --dry-run |
	sed 's/.*"to":"\([0-9]*\)".*/\1/')" "2203012345" "wb-send --to a number that is no contact yet"
done_testing
