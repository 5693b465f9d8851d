#!/bin/sh
# share/schema.sql describes the newest schema; an older database is
# migrated to the same tables, columns and indexes, keeping its rows.
# tests/fixtures/schema-v1.sql is version 1 as it was released.
. "$(dirname "$0")/lib.sh"

# shape DB: every table's and index's columns, in order, as sqlite3 sees them
shape() {
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
	INSERT INTO quick_reply (shortcut, text, created_at) VALUES ('hi', 'Hello', 0);"
WB_DB="$T/v1.db" wb-label ls >/dev/null
ok $? "a version-1 database opens"
is "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" "$(sqlite3 "$WB_DB" 'PRAGMA user_version')" \
	"and is migrated to the newest version"
is "$(shape "$T/v1.db")" "$(shape "$WB_DB")" "with the tables, columns and indexes of schema.sql"
is "$(sqlite3 "$T/v1.db" 'SELECT group_concat(kind) FROM (SELECT kind FROM broadcast ORDER BY id)')" \
	"marketing,utility" "a broadcast to labels was marketing, a CSV list utility"
is "$(sqlite3 "$T/v1.db" "SELECT group_concat(coalesce(kind, '-')) FROM (SELECT kind FROM message ORDER BY id)")" \
	"marketing,utility,utility,-" "its messages take its kind; direct sends are utility; inbound none"
is "$(sqlite3 "$T/v1.db" "SELECT text || coalesce(media, '') FROM quick_reply")" "Hello" "quick replies kept"
# and the same down to each table's constraints and each index's WHERE:
# the schema as text that does not depend on how it was written
# (comments, line breaks, spacing), table by table
sqltext() {
	sqlite3 "$1" "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name" |
		sed 's/--.*$//' | tr '\t' ' ' |
		awk '/^(table|index|view|trigger)\|/ { if (s != "") print s; s = $0; next } { s = s " " $0 } END { print s }' |
		tr -s ' ' | sed 's/ *\([(),]\) */\1/g; s/ *$//'
}
sqltext "$WB_DB" >"$T/new"
sqltext "$T/v1.db" >"$T/migrated"
diff "$T/new" "$T/migrated" >"$T/diff"
ok $? "its tables' constraints and indexes are written as schema.sql writes them"
sed 's/^/#   /' "$T/diff" | head -20
done_testing
