#!/bin/sh
# wb-contact search: text both ways, Chinese, quotes and FTS5 operators
# taken as text, short text, nothing found (exit 1, no output), deleted and removed messages no longer
# found, --limit, a contact known by user ID only; the index caught up
# by the search (messages stored since found at once, ids SQLite gives
# again, a writer holding the lock: the tail scanned), and a version-1
# database indexed by its first search.
. "$(dirname "$0")/lib.sh"
q() { sqlite3 "$WB_DB" "$1"; }
wb-contact add 16505550147 name=Priya >/dev/null
wb-contact add 8613912345678 name=Mei >/dev/null
wb-contact add US.13491208655302741918 name=Ana >/dev/null
q "insert into message (wamid, contact_id, direction, type, body, ts, status) values
	('w1', 1, 'in', 'text', 'Do you ship oolong to Leeds?', 100, 'received'),
	('w2', 1, 'out', 'text', 'Yes, oolong ships in 2 days', 200, 'read'),
	('w3', 2, 'in', 'text', '你好，我想买乌龙茶', 300, 'received'),
	('w4', 2, 'in', 'image', 'a \"quoted\" OR NEAR(x) tea* ^cup', 400, 'received'),
	('w5', 1, 'in', 'text', 'secret oolong order', 500, 'received'),
	('w6', 2, 'in', 'text', '100% 普洱', 600, 'received'),
	('w9', 3, 'in', 'text', 'matcha for Ana', 50, 'received')"
is "$(q "select upto from message_fts_upto")" 0 "storing messages indexes none of them"

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
is "$(wb-contact search matcha -o csv --no-header | cut -d, -f2-4,8)" ",US.13491208655302741918,Ana,w9" \
	"a contact without a phone: its user ID"
is "$(q "select upto = (select max(id) from message) from message_fts_upto")" 1 "the search caught the index up"
q "insert into message (wamid, contact_id, direction, type, body, ts, status) values
	('w7', 1, 'in', 'text', 'jasmine pearls please', 700, 'received')"
is "$(wb-contact search 'jasmine pearls' -o tsv --no-header | cut -f8)" "w7" "a message stored since is found at once"
q "delete from message where wamid = 'w7'"
is "$(q "select upto = (select max(id) from message) from message_fts_upto")" 1 \
	"deleting the newest message brings upto down with it"
q "insert into message (wamid, contact_id, direction, type, body, ts, status) values
	('w8', 1, 'in', 'text', 'white peony, two tins', 710, 'received')"
is "$(wb-contact search 'peony' -o tsv --no-header | cut -f8)" "w8" "a new message given the deleted one's id is found"
exits 1 "and the deleted one is not: nothing matched, like grep" -- wb-contact search 'jasmine'
! [ -s "$T/out" ]; ok $? "nothing printed, not even the header"

# another writer holds the lock: the search cannot catch up, and finds the
# messages the index lacks by scanning them
q "insert into message (wamid, contact_id, direction, type, body, ts, status) values
	('w10', 1, 'in', 'text', 'Silver Needle, 50g', 720, 'received')"
mkfifo "$T/lock"
# (it says when it holds the lock: probing with a BEGIN IMMEDIATE of our
# own could take the lock first and make the locker fail)
sqlite3 "$WB_DB" < "$T/lock" > "$T/held" &
LOCKER=$!
exec 4> "$T/lock"
echo "BEGIN IMMEDIATE; SELECT 'held';" >&4
while ! grep -q held "$T/held" && kill -0 $LOCKER 2>/dev/null; do sleep 0.01; done
is "$(wb-contact search 'silver needle' -o tsv --no-header | cut -f7,8)" "Silver Needle, 50g	w10" \
	"a locked index: the newer messages are scanned"
is "$(wb-contact search 'oolong ships' -o tsv --no-header | cut -f8)" "w2" "and the indexed ones looked up"
echo "COMMIT;" >&4
exec 4>&-
wait "$LOCKER"
is "$(q "select upto < (select max(id) from message) from message_fts_upto")" 1 "the index was left behind"
is "$(wb-contact search 'silver needle' -o tsv --no-header | cut -f8)" "w10" "the next search catches it up"
is "$(q "select upto = (select max(id) from message) from message_fts_upto")" 1 "and there it is"

q "update message set deleted_at = 600 where wamid = 'w5'"
exits 1 "a deleted message is not found" -- wb-contact search secret -o json
! [ -s "$T/out" ] && ! [ -s "$T/err" ]; ok $? "no [], and no message: the status says it"
q "update message set body = 'Do you ship pu-erh to York?' where wamid = 'w1'"
is "$(wb-contact search Leeds -o tsv --no-header)" "" "an edited message is found by its new text only"
is "$(wb-contact search York -o tsv --no-header | cut -f8)" "w1" "and by that"
wb-contact rm 8613912345678 >/dev/null
is "$(wb-contact search 乌龙茶 -o tsv --no-header)" "" "a removed contact's messages are gone from the index"
is "$(q "insert into message_fts(message_fts) values ('integrity-check'); select 'ok'")" ok "the index agrees with message"
exits 65 "empty text" -- wb-contact search ''
exits 64 "--limit goes with search" -- wb-contact ls --limit 3
exits 65 "--limit 0 is no count" -- wb-contact search ship --limit 0

# a version-1 database: its messages are found by its first search
sqlite3 "$T/v3.db" < "$TOP/tests/fixtures/schema-v1.sql"
sqlite3 "$T/v3.db" "insert into contact (wa_id, created_at, updated_at) values ('16505550147', 1, 1);
	insert into message (wamid, contact_id, direction, type, body, ts, status)
	values ('old1', 1, 'in', 'text', 'an old message about matcha', 5, 'received')"
is "$(wb-contact -d "$T/v3.db" search matcha -o tsv --no-header | cut -f8)" "old1" "the first search indexes existing messages"

done_testing
