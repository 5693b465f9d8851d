/* import — CSV (or TSV) into contacts (wb-contact import, a CRM sync),
 * read with in_rows: the header says which column is the phone (as
 * in_phone_column finds it), which the name and which attributes;
 * each row is checked whole before anything of it is written, and the
 * file goes in as one transaction. Writes only through contact.h; no SQL
 * here. The header and row checks are pure and unit-tested. */
#ifndef WB_IMPORT_H
#define WB_IMPORT_H
#include <stdint.h>
#include <stdio.h>

#include "contact.h"
#include "db.h"
#include "phone.h"

/* What each column of a header means. */
typedef struct {
	int ncols;
	int phone;   /* the phone (or wa_id) column */
	int name;    /* -1 when there is none */
	char **keys; /* per column: the attribute key, NULL for phone, name and unnamed columns */
} import_map;

/* Reads a header row, trimming its cells: a phone column is required
 * (in_phone_column; a wa_id column beside a phone column is ignored), name
 * sets the name, every other named column is an attribute; a column with
 * an empty header is ignored. 0 or EX_DATAERR (no file or line prefix). */
int import_header(char **f, int n, import_map *m);
void import_map_free(import_map *m);

/* One checked row. name is NULL when the cell is empty (the old name
 * stays); pointers are into the row's fields. */
typedef struct {
	char wa_id[PHONE_MAX];
	const char *name;
} import_row;

/* Checks a row against the map: as many fields as the header, valid
 * UTF-8 everywhere, a phone that reads (against db's contacts; NULL: by
 * the rules alone). 0 or EX_DATAERR naming the column (no file or line
 * prefix). */
int import_check(wb_db *db, const import_map *m, char **f, int n, import_row *r);

typedef struct {
	long created, updated, skipped, removed;
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

/* Upserts every row of the table in fp (called name in messages) by phone:
 * a new phone creates a contact, a known one is updated; an empty cell
 * leaves that field or attribute as it was. One transaction. A bad row
 * fails the whole import (EX_DATAERR "FILE:LINE: …", nothing written)
 * unless skip is non-NULL: then the row is passed to skip and the rest go
 * in. A malformed CSV (an unterminated quote) or header always fails.
 * sync (NULL: none) makes it a keyed, full sync. */
int import_contacts(wb_db *db, FILE *fp, const char *name, int64_t now,
		    import_skip_fn skip, void *ctx, const import_sync *sync, import_stats *st);

#endif
