/* import — CSV (or TSV) into contacts (wb-contact import, a CRM sync),
 * read with in_rows: the header says which column is the phone (as
 * in_phone_column finds it) or the user ID, which the name and which
 * attributes;
 * each row is checked whole before anything of it is written, and the
 * file goes in as one transaction. Writes only through contact.h; no SQL
 * here. The header and row checks are pure and unit-tested. */
#ifndef WB_IMPORT_H
#define WB_IMPORT_H
#include <stdint.h>
#include <stdio.h>

#include "contact.h"
#include "db.h"

/* What each column of a header means. */
typedef struct {
	int ncols;
	int phone;   /* the phone (or wa_id) column, -1 when there is none */
	int user_id; /* the user_id column, -1 when there is none */
	int name;    /* -1 when there is none */
	int other_phone; /* a column named phone that is not the phone column; -1 */
	char **keys; /* per column: the attribute key, NULL for phone, name and unnamed columns */
} import_map;

/* Reads a header row, trimming its cells: a phone column
 * (in_phone_column) or a user_id column, or both, are required (a row's
 * phone, else its user ID, names the contact), name sets the name, every other named column is an
 * attribute, but for those wb-contact ls writes of the contact's own
 * state (wa_id, profile_name, labels, opted_out, last_in) and a column
 * named phone beside a likelier phone column (other_phone), which are
 * ignored; so is a column with an empty header. 0 or EX_DATAERR (no file
 * or line prefix). */
int import_header(char **f, int n, import_map *m);
void import_map_free(import_map *m);

/* One checked row. name is NULL when the cell is empty (the old name
 * stays); pointers are into the row's fields. */
typedef struct {
	char key[CONTACT_KEY_MAX]; /* the phone (wa_id), else the user ID */
	const char *name;
} import_row;

/* Checks a row against the map: as many fields as the header, valid
 * UTF-8 everywhere, a phone that reads (against db's contacts; NULL: by
 * the rules alone) or a user ID. 0 or EX_DATAERR naming the column (no file or line
 * prefix). */
int import_check(wb_db *db, const import_map *m, char **f, int n, import_row *r);

typedef struct {
	long created, updated, skipped, removed;
	long duplicates; /* rows whose phone an earlier row had */
} import_stats;

/* A full sync from a CRM (--key, --delete-missing, --dry-run). */
typedef struct {
	/* The attribute a row is matched on before its phone (the CRM's id,
	 * a column of the file): a contact holding the row's value is that
	 * row's contact, whose phone changes when the row's does. Every row
	 * needs a value; one value on two lines is an error naming both.
	 * NULL: by phone alone. */
	const char *key;
	/* Removes the contacts that hold key with a value no row has: those
	 * an earlier import with this key brought, and the CRM dropped since.
	 * Contacts without key (who only wrote in) stay. */
	int delete_missing;
	/* Nothing is written; removing hears of each contact that would go. */
	int dry_run;
	int (*removing)(const contact *c, void *ctx);
	void *ctx;
} import_sync;

/* Told about each row --skip-bad skips: msg is "FILE:LINE: why". */
typedef void (*import_skip_fn)(const char *msg, void *ctx);

/* Upserts every row of the table in fp (called name in messages) by phone
 * or user ID: a new one creates a contact, a known one is updated; an empty cell
 * leaves that field or attribute as it was. One transaction. A bad row
 * fails the whole import (EX_DATAERR "FILE:LINE: …", nothing written)
 * unless skip is non-NULL: then the row is passed to skip and the rest go
 * in. A malformed CSV (an unterminated quote) or header always fails.
 * sync (NULL: none) makes it a keyed, full sync. */
int import_contacts(wb_db *db, FILE *fp, const char *name, int64_t now,
		    import_skip_fn skip, void *ctx, const import_sync *sync, import_stats *st);

#endif
