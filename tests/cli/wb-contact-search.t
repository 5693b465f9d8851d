#!/bin/sh
# wb-contact search: text both ways, Chinese, quotes and FTS5 operators
# taken as text, short text, deleted and removed messages no longer
# found, --limit, and a version-3 database indexed by its migration.
. "$(dirname "$0")/lib.sh"
q() { sqlite3 "$WB_DB" "$1"; }
wb-contact add 16505550147 name=Priya >/dev/null
wb-contact add 8613912345678 name=Mei >/dev/null
q "insert into message (wamid, contact_id, direction, type, body, ts, status) values
	('w1', 1, 'in', 'text', 'Do you ship oolong to Leeds?', 100, 'received'),
	('w2', 1, 'out', 'text', 'Yes, oolong ships in 2 days', 200, 'read'),
	('w3', 2, 'in', 'text', '你好，我想买乌龙茶', 300, 'received'),
	('w4', 2, 'in', 'image', 'a \"quoted\" OR NEAR(x) tea* ^cup', 400, 'received'),
	('w5', 1, 'in', 'text', 'secret oolong order', 500, 'received'),
	('w6', 2, 'in', 'text', '100% 普洱', 600, 'received')"

exits 0 "search finds text both ways" -- wb-contact search OOLONG -o tsv --no-header
is "$(cut -f2,4,5,7,8 "$T/out")" "16505550147	Priya	in	secret oolong order	w5
16505550147	Priya	out	Yes, oolong ships in 2 days	w2
16505550147	Priya	in	Do you ship oolong to Leeds?	w1" "newest first, case-insensitive, the plain text for programs"
like "$(head -1 "$T/out")" '^1970-01-01T00:08:20Z	' "the time first"
is "$(wb-contact search 乌龙茶 -o tsv --no-header | cut -f2,7)" "8613912345678	你好，我想买乌龙茶" "Chinese is found"
is "$(wb-contact search 你好 -o tsv --no-header | cut -f8)" "w3" "two Chinese characters (a LIKE scan)"
is "$(wb-contact search '"quoted" OR NEAR(x) tea*' -o tsv --no-header | cut -f8)" "w4" "quotes and operators are text"
exits 0 "a lone quote is no syntax error" -- wb-contact search '"'
is "$(cut -f8 -d, "$T/out" | tail -1)" "w4" "and finds the quote"
is "$(wb-contact search '0%' -o tsv --no-header | cut -f8)" "w6" "% in short text is literal"
is "$(wb-contact search ship --limit 1 -o tsv --no-header | cut -f8)" "w2" "--limit"
tty() { script -qec "$1" /dev/null | tr -d '\r'; }
like "$(tty "wb-contact search Leeds")" 'ship oolong to «Leeds»\?' "on a terminal the match is marked"
like "$(tty "wb-contact search 你好")" '«你好»，' "a short match too"
is "$(wb-contact search Leeds -o json | jq -r '.[0].snippet')" "Do you ship oolong to Leeds?" "json has the plain snippet"

q "update message set deleted_at = 600 where wamid = 'w5'"
is "$(wb-contact search secret -o tsv --no-header)" "" "a deleted message is not found"
q "update message set body = 'Do you ship pu-erh to York?' where wamid = 'w1'"
is "$(wb-contact search Leeds -o tsv --no-header)" "" "an edited message is found by its new text only"
is "$(wb-contact search York -o tsv --no-header | cut -f8)" "w1" "and by that"
wb-contact rm 8613912345678 >/dev/null
is "$(wb-contact search 乌龙茶 -o tsv --no-header)" "" "a removed contact's messages are gone from the index"
is "$(q "insert into message_fts(message_fts) values ('integrity-check'); select 'ok'")" ok "the index agrees with message"
exits 65 "empty text" -- wb-contact search ''
exits 64 "--limit goes with search" -- wb-contact ls --limit 3

# a version-3 database (no index yet): its messages are found once migrated
sqlite3 "$T/v3.db" < "$TOP/tests/fixtures/schema-v1.sql"
sqlite3 "$T/v3.db" "insert into contact (wa_id, created_at, updated_at) values ('16505550147', 1, 1);
	insert into message (wamid, contact_id, direction, type, body, ts, status)
	values ('old1', 1, 'in', 'text', 'an old message about matcha', 5, 'received')"
is "$(wb-contact -d "$T/v3.db" search matcha -o tsv --no-header | cut -f8)" "old1" "the migration indexes existing messages"

done_testing
