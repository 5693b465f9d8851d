#!/bin/sh
# Migrations: a database made by an older wb (tests/schema/vN.sql is the
# schema as version N shipped it) is brought to the newest schema when a
# utility opens it, keeping its rows, and then has exactly the shape of a
# fresh database: the same tables and columns, constraints, indexes and
# views as share/schema.sql describes.
. "$(dirname "$0")/lib.sh"

# shape DB: the schema as text that does not depend on how it was
# written (comments, line breaks, spacing), table by table.
shape() {
	sqlite3 "$1" "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name;
		SELECT 'version', user_version FROM pragma_user_version" |
		sed 's/--.*$//' | tr '\t' ' ' | tr -s ' ' |
		awk '/^(table|index|view|trigger|version)\|/ { if (s != "") print s; s = $0; next } { s = s " " $0 } END { print s }' |
		sed 's/ *\([(),]\) */\1/g; s/ *$//'
}

wb-label ls -d "$T/fresh.db" >/dev/null
for old in "$TOP"/tests/schema/v*.sql; do
	v=$(basename "$old" .sql)
	v=${v#v}
	db="$T/v$v.db"
	{ cat "$old"; echo "PRAGMA user_version = $v;"
	  echo "INSERT INTO contact (wa_id, name, created_at, updated_at) VALUES ('16505550100', 'Old', 1, 1);"
	} | sqlite3 "$db"
	exits 0 "a version $v database opens" -- wb-contact ls -d "$db" -o csv
	is "$(tail -n +2 "$T/out" | cut -d, -f1,2)" "16505550100,Old" "its contacts are kept"
	shape "$db" >"$T/migrated"
	shape "$T/fresh.db" >"$T/new"
	diff "$T/new" "$T/migrated" >"$T/diff"
	ok $? "migrated from version $v, it has the shape of a new database"
	sed 's/^/#   /' "$T/diff" | head -20
done
done_testing
