#!/bin/sh
# The schema: a database of version 1 (tests/fixtures/schema-v1.sql),
# migrated, has the shape of a new one (tables, columns, constraints,
# indexes, views) and keeps every row.
. "$(dirname "$0")/lib.sh"
q() { sqlite3 "$1" "$2"; }

# shape DB: one line per column, foreign key, index column and view, in
# a stable order; automatic index names (which a rebuilt table changes)
# left out, the SQL of explicit indexes with its spacing squeezed. The
# queries of every table go to one sqlite3.
shape() {
	for t in $(q "$1" "select name from sqlite_master where type = 'table' order by name"); do
		echo "select '$t col', cid, name, type, \"notnull\", dflt_value, pk from pragma_table_info('$t');"
		echo "select '$t fk', \"table\", \"from\", \"to\", on_update, on_delete from pragma_foreign_key_list('$t')
			order by \"from\";"
		echo "select '$t index', l.\"unique\", l.origin, l.partial,
				(select group_concat(coalesce(i.name, '<expr>'), ',') from pragma_index_info(l.name) i),
				case l.origin when 'c' then l.name end
			from pragma_index_list('$t') l order by 5, 2, 3;"
	done | sqlite3 "$1"
	q "$1" "select type, name, tbl_name, replace(replace(replace(sql, char(10), ' '), char(9), ' '), '  ', ' ')
		from sqlite_master where type in ('view', 'trigger') or (type = 'index' and sql is not null)
		order by type, name" | tr -s ' '
}

sqlite3 "$T/old.db" < "$TOP/tests/fixtures/schema-v1.sql"
q "$T/old.db" "insert into contact (wa_id, name, profile_name, opted_out, opted_out_at, created_at, updated_at,
		last_in_at, last_out_at, attrs) values ('16505550147', 'Priya', 'Priya R', 1, 7, 1, 2, 3, 4, '{\"city\":\"Leeds\"}');
	insert into message (wamid, contact_id, direction, type, body, ts, status, idem_key)
		values ('wamid.1', 1, 'in', 'text', 'hi', 5, 'received', NULL), ('wamid.2', 1, 'out', 'text', 'hello', 6, 'read', 'k1');
	insert into contact_label select 1, id, 8 from label where name = 'Paid';
	insert into message_label select 2, id, 9 from label where name = 'New order';
	insert into status_event (wamid, status, ts, error_code, error_text, recipient)
		values ('wamid.2', 'read', 10, NULL, NULL, '16505550147'), ('wamid.9', 'failed', 11, 131026, 'gone', NULL);
	insert into auto_reply values ('wamid.1', 1, 'none', 5, 5);
	insert into setting values ('profile.name', 'Tea House');"
before=$(q "$T/old.db" "select count(*) from contact_label")$(q "$T/old.db" "select count(*) from message_label")

wb-label add new >/dev/null # a new database
is "$(shape "$T/old.db" | grep -c .)" 117 "the shape of version 1 reads"
ok "$(shape "$T/old.db" > "$T/v1-shape"; shape "$WB_DB" | cmp -s - "$T/v1-shape"; [ $? -ne 0 ]; echo $?)" \
	"and is not that of a new database"
exits 0 "a version-1 database opens" -- wb-contact -d "$T/old.db" ls -o csv
is "$(q "$T/old.db" "pragma user_version")" "$(q "$WB_DB" "pragma user_version")" "it is migrated to the version of a new one"
is "$(shape "$T/old.db")" "$(shape "$WB_DB")" "migrated, it has the shape of a new database"
is "$(q "$T/old.db" "pragma foreign_key_check")" "" "every row keeps its parent"
is "$(q "$T/old.db" "select wa_id, user_id is null, name, profile_name, opted_out, opted_out_at, created_at, updated_at,
		last_in_at, last_out_at, attrs, marketing_stop from contact")" \
	'16505550147|1|Priya|Priya R|1|7|1|2|3|4|{"city":"Leeds"}|0' "the contact keeps every field"
is "$(q "$T/old.db" "select count(*) from message where contact_id = 1")" 2 "its messages stay with it"
is "$(q "$T/old.db" "select group_concat(id || ':' || coalesce(idem_key, '-'), ' ') from message")" "1:- 2:k1" \
	"with their ids and keys (the table was rebuilt for its partial key index)"
q "$T/old.db" "insert into message (contact_id, direction, type, ts, status, idem_key)
	values (1, 'out', 'text', 7, 'queued', 'k1')" 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "a key is still used once"
is "$(q "$T/old.db" "insert into message (contact_id, direction, type, ts, status) values (1, 'in', 'text', 8, 'received'),
		(1, 'in', 'text', 9, 'received'); select count(*) from change where kind = 'message'")" 2 \
	"messages without a key are many, and the change log's trigger logs them"
is "$(q "$T/old.db" "select group_concat(wamid||':'||status||':'||coalesce(error_code,'')||':'||coalesce(recipient,'')||':'||participant, ' ')
		from status_event order by id")" "wamid.2:read::16505550147: wamid.9:failed:131026::" "statuses are kept"
is "$(q "$T/old.db" "select count(*) from contact_label")$(q "$T/old.db" "select count(*) from message_label")" "$before" "labels are kept"
is "$(q "$T/old.db" "select count(*) from auto_reply")" 1 "automatic replies are kept"
like "$(cat "$T/out")" '^16505550147,,Priya,Priya R,,Paid,true,' "wb-contact lists the migrated contact"
is "$(q "$T/old.db" "select key||'='||value from contact_attr")" "city=Leeds" "contact_attr works again"
q "$T/old.db" "insert into contact (created_at, updated_at) values (1, 1)" 2>/dev/null
ok "$([ $? -ne 0 ]; echo $?)" "a contact needs a phone or a user ID"

# A version-9 database whose messages search has indexed: made from a new
# one by giving message back its column UNIQUE (SQLite's rebuild, by hand)
# and conversation its index on version.
wb-label -d "$T/v9.db" add v9 >/dev/null
q "$T/v9.db" "insert into contact (wa_id, created_at, updated_at) values ('16505550147', 1, 1);
	insert into message (id, wamid, contact_id, direction, type, body, ts, status, idem_key)
	values (7, 'w7', 1, 'in', 'text', 'about matcha', 5, 'received', NULL),
	(9, 'w9', 1, 'out', 'text', 'sencha is in', 6, 'sent', 'k1')"
wb-contact -d "$T/v9.db" search matcha >/dev/null
{
	echo "PRAGMA foreign_keys = OFF; BEGIN; PRAGMA legacy_alter_table = ON;"
	q "$T/v9.db" "select replace(replace(sql, 'CREATE TABLE message ', 'CREATE TABLE message_old '),
		'idem_key    TEXT,', 'idem_key    TEXT UNIQUE,') || ';' from sqlite_schema where name = 'message'"
	echo "INSERT INTO message_old SELECT * FROM message; DROP TABLE message;
		ALTER TABLE message_old RENAME TO message;"
	q "$T/v9.db" "select sql || ';' from sqlite_schema where tbl_name = 'message' and type != 'table'
		and sql is not null and name != 'message_by_key'"
	echo "CREATE INDEX conversation_by_version ON conversation(version); PRAGMA user_version = 9; COMMIT;"
} | sqlite3 "$T/v9.db"
is "$(q "$T/v9.db" "select count(*) from pragma_index_list('message') where origin = 'u'")" 2 "(version 9: wamid and the key UNIQUE)"
# a big one says so while it copies (a copy, not to change the one above)
cp "$T/v9.db" "$T/v9big.db"
q "$T/v9big.db" "with recursive n(i) as (select 100 union all select i + 1 from n where i < 10099)
	insert into message (id, contact_id, direction, type, ts, status) select i, 1, 'in', 'text', i, 'received' from n"
is "$(wb-label -d "$T/v9big.db" ls 2>&1 >/dev/null)" \
	"wb-label: $T/v9big.db: upgrading the database: copying 10002 rows of message into its new form, once" \
	"an upgrade that copies 10,000 rows or more says so on stderr"
is "$(wb-contact -d "$T/v9.db" search sencha -o tsv --no-header | cut -f8)" "w9" \
	"migrated, search finds what it had indexed"
is "$(q "$T/v9.db" "select upto from message_fts_upto; select group_concat(id || ':' || coalesce(idem_key, '-'), ' ')
	from message; select count(*) from pragma_index_list('message') where origin = 'u'")" "9
7:- 9:k1
1" "without indexing it again; ids and keys kept, the key's index partial"
is "$(wb-contact -d "$T/v9.db" search matcha -o tsv --no-header | cut -f8)" "w7" "and the rest too"

# Version 1 migrated through every version (b11-texts' kinds too).

# columns DB: every table's and index's columns, in order, as sqlite3 sees them
columns() {
	sqlite3 "$1" "SELECT m.type, m.name, p.cid, p.name, p.type, p.[notnull], p.dflt_value, p.pk
		FROM sqlite_schema m, pragma_table_info(m.name) p WHERE m.type IN ('table', 'view')
		UNION ALL SELECT 'index', m.name, i.seqno, i.name, m.tbl_name, 0, NULL, 0
		FROM sqlite_schema m, pragma_index_info(m.name) i WHERE m.type = 'index'
		ORDER BY 1, 2, 3"
}

wb-label add fresh >/dev/null
ok $? "a fresh database"
sqlite3 "$T/v1.db" <"$TOP/tests/fixtures/schema-v1.sql"
sqlite3 "$T/v1.db" "PRAGMA user_version = 1;
	INSERT INTO contact (wa_id, created_at, updated_at) VALUES ('16505550101', 0, 0);
	INSERT INTO broadcast (id, spec, created_at) VALUES (1, '{\"labels\":[\"vip\"],\"not_labels\":[]}', 0),
		(2, '{\"labels\":[],\"not_labels\":[]}', 0);
	INSERT INTO message (contact_id, direction, type, ts, status, broadcast_id) VALUES
		(1, 'out', 'text', 1, 'sent', 1), (1, 'out', 'text', 2, 'sent', 2), (1, 'out', 'text', 3, 'sent', NULL),
		(1, 'in', 'text', 4, 'received', NULL);
	INSERT INTO quick_reply (shortcut, text, created_at) VALUES ('hi', 'Hello', 0);
	INSERT INTO setting VALUES ('greeting.text', 'Hello');"
WB_DB="$T/v1.db" wb-label ls >/dev/null
ok $? "a version-1 database opens"
is "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" "$(sqlite3 "$WB_DB" 'PRAGMA user_version')" \
	"and is migrated to the newest version"
is "$(columns "$T/v1.db")" "$(columns "$WB_DB")" "with the tables, columns and indexes of schema.sql"
triggers() { sqlite3 "$1" "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"; }
is "$(triggers "$T/v1.db")" "$(triggers "$WB_DB")" "and the triggers of schema.sql (the change log)"
like "$(triggers "$WB_DB")" "change_message" "which are there"
is "$(sqlite3 "$T/v1.db" 'SELECT group_concat(kind) FROM (SELECT kind FROM broadcast ORDER BY id)')" \
	"marketing,utility" "a broadcast to labels was marketing, a CSV list utility"
is "$(sqlite3 "$T/v1.db" "SELECT group_concat(coalesce(kind, '-')) FROM (SELECT kind FROM message ORDER BY id)")" \
	"marketing,utility,utility,-" "its messages take its kind; direct sends are utility; inbound none"
is "$(sqlite3 "$T/v1.db" "SELECT text || coalesce(media, '') FROM quick_reply")" "Hello" "quick replies kept"
# and the same down to each table's constraints and each index's WHERE:
# the schema as text that does not depend on how it was written
# (comments, line breaks, spacing, the quotes ALTER TABLE … RENAME
# leaves around a rebuilt table's name), table by table
sqltext() {
	sqlite3 "$1" "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name" |
		sed 's/--.*$//; s/^\(table|[a-z_]*|CREATE TABLE \)"\([a-z_]*\)"/\1\2/' | tr '\t' ' ' |
		awk '/^(table|index|view|trigger)\|/ { if (s != "") print s; s = $0; next } { s = s " " $0 } END { print s }' |
		tr -s ' ' | sed 's/ *\([(),]\) */\1/g; s/ *$//'
}
sqltext "$WB_DB" >"$T/new"
sqltext "$T/v1.db" >"$T/migrated"
diff "$T/new" "$T/migrated" >"$T/diff"
ok $? "its tables' constraints and indexes are written as schema.sql writes them"
sed 's/^/#   /' "$T/diff" | head -20

# the settings version and the triggers that move it
triggers() { sqlite3 "$1" "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"; }
is "$(triggers "$T/v1.db")" "$(triggers "$WB_DB")" "the same triggers"
is "$(sqlite3 "$T/v1.db" "SELECT count(*) FROM message WHERE tag IS NULL; SELECT version FROM settings_version")" "4
0" "messages kept, untagged; the settings version starts at 0"
WB_DB="$T/v1.db" wb-reply greeting set 'Hi' >/dev/null
sqlite3 "$T/v1.db" "INSERT INTO hours_exception (date) VALUES ('2026-12-25')"
is "$(sqlite3 "$T/v1.db" "SELECT version > 1 FROM settings_version")" 1 \
	"a change by wb-reply or by hand moves it"
is "$(sqlite3 "$T/v1.db" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema
	WHERE name LIKE 'template%' ORDER BY name)")" "template,template_slot" "and the template tables"
done_testing
