#!/bin/sh
# The schema: a database made by an older wb and migrated equals one made
# fresh from share/schema.sql (tables, columns, indexes, views), and its
# version is the newest.
. "$(dirname "$0")/lib.sh"

# every object's SQL without comments, spaces normalised, one a line
schema() {
	sqlite3 "$1" "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master
		WHERE sql IS NOT NULL ORDER BY type, name" |
	sed 's/--.*$//' | tr '\n\t' '  ' | sed 's/;* *\(table\|index\|view\|trigger\) /\n\1 /g' |
	sed -e 's/  */ /g' -e 's/ *\([(),]\) */\1/g' -e 's/ *$//' | grep -v '^$'
}

WB_DB="$T/fresh.db" wb-label ls >/dev/null
ok $? "a fresh database"
sqlite3 "$T/v1.db" < "$TOP/tests/fixtures/schema-v1.sql" && sqlite3 "$T/v1.db" 'PRAGMA user_version = 1'
ok $? "a version-1 database (tests/fixtures/schema-v1.sql)"
WB_DB="$T/v1.db" wb-label ls >/dev/null
ok $? "opened by this wb: migrated"
is "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" "$(sqlite3 "$T/fresh.db" 'PRAGMA user_version')" "at the newest version"
schema "$T/fresh.db" > "$T/fresh.schema"
schema "$T/v1.db" > "$T/v1.schema"
is "$(diff "$T/fresh.schema" "$T/v1.schema")" "" "the migrated schema is the fresh one"
like "$(cat "$T/fresh.schema")" "^table template:" "which has the template table"
done_testing
