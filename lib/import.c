#include "import.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "contact.h"
#include "err.h"
#include "in.h"
#include "util.h"

void import_map_free(import_map *m)
{
	for (int i = 0; i < m->ncols; i++)
		free(m->keys[i]);
	free(m->keys);
	m->keys = NULL;
	m->ncols = 0;
}

int import_header(char **f, int n, import_map *m)
{
	int rc = 0;
	for (int i = 0; i < n; i++)
		strtrim(f[i]);
	m->ncols = n;
	m->phone = in_phone_column(f, n);
	m->name = -1;
	m->keys = xcalloc((size_t)n, sizeof *m->keys);
	/* with both, wa_id is the same number again: ignored */
	int wa_id = in_column(f, n, "wa_id");
	for (int i = 0; i < n && !rc; i++) {
		if (i == m->phone || i == wa_id)
			continue;
		if (streq_ci(f[i], "name") && m->name < 0)
			m->name = i;
		else if (*f[i] && !(rc = contact_key_check(f[i])))
			m->keys[i] = xstrdup(f[i]);
		if (rc)
			wb_err_prefix(rc, "column %d: ", i + 1);
	}
	/* The same attribute twice would make the later cell win without a
	 * word; say so instead. */
	for (int i = 0; i < n && !rc; i++)
		for (int j = 0; j < i && !rc; j++)
			if (m->keys[i] && m->keys[j] && !strcmp(m->keys[i], m->keys[j]))
				rc = wb_err(EX_DATAERR, "column '%s' appears twice", m->keys[i]);
	if (!rc && m->phone < 0)
		rc = wb_err(EX_DATAERR, "no phone or wa_id column in the header (a header row is required)");
	if (rc)
		import_map_free(m);
	return rc;
}

static int bad_utf8(const import_map *m, int i)
{
	const char *col = i == m->phone ? "phone" : i == m->name ? "name" : m->keys[i];
	if (col)
		return wb_err(EX_DATAERR, "column '%s': not valid UTF-8", col);
	return wb_err(EX_DATAERR, "column %d: not valid UTF-8", i + 1);
}

int import_check(wb_db *db, const import_map *m, char **f, int n, import_row *r)
{
	if (n != m->ncols)
		return wb_err(EX_DATAERR, "%d field%s, the header has %d", n, n == 1 ? "" : "s", m->ncols);
	int rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		if (utf8_len(f[i]) < 0)
			return bad_utf8(m, i);
		if (i == m->name)
			rc = contact_name_check(f[i]);
		else if (m->keys[i])
			rc = contact_value_check(m->keys[i], f[i]);
	}
	if (rc)
		return rc;
	const char *phone = f[m->phone];
	if (!*phone)
		return wb_err(EX_DATAERR, "column 'phone': empty");
	if ((rc = contact_resolve_phone(db, phone, r->wa_id)))
		return wb_err_prefix(rc, "column 'phone': ");
	r->name = m->name >= 0 && *f[m->name] ? f[m->name] : NULL;
	return 0;
}

/* Writes one checked row. */
static int put_row(wb_db *db, const import_map *m, char **f, const import_row *r, int64_t now,
		   import_stats *st)
{
	int64_t id;
	/* all of a row's attributes go in one merge with the upsert */
	static sb patch;
	sb_reset(&patch);
	for (int i = 0; i < m->ncols; i++)
		if (m->keys[i] && *f[i]) {
			sb_putc(&patch, patch.len ? ',' : '{');
			sb_json_string(&patch, m->keys[i]);
			sb_putc(&patch, ':');
			sb_json_string(&patch, f[i]);
		}
	if (patch.len)
		sb_putc(&patch, '}');
	int created, rc = contact_upsert_attrs(db, r->wa_id, r->name, patch.len ? patch.s : NULL,
					       now, &id, &created);
	if (!rc) {
		if (created)
			st->created++;
		else
			st->updated++;
	}
	return rc;
}

/* Every row after the header, in one transaction. */
static int put_rows(wb_db *db, in_rows *r, const import_map *m, int64_t now, import_skip_fn skip,
		    void *ctx, import_stats *st)
{
	in_row row;
	int rc = db_begin(db);
	while (!rc && (rc = in_rows_next(r, &row)) == 1) {
		import_row checked;
		if ((rc = import_check(db, m, row.cell, row.n, &checked))) {
			in_row_err(&row, rc);
			if (skip) {
				skip(wb_errmsg(), ctx);
				st->skipped++;
				rc = 0;
			}
		} else if ((rc = put_row(db, m, row.cell, &checked, now, st))) {
			in_row_err(&row, rc);
		}
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* Megabytes, for a person. */
static double mb(long long bytes)
{
	return (double)bytes / (1024 * 1024);
}

/* The disk filled up: says how much the import needed, estimated from
 * what it had written for the part of the input it had read. */
static int disk_full(wb_db *db, FILE *fp)
{
	long long wrote = db_full_bytes(db), at = ftello(fp);
	struct stat st;
	char *why = xstrdup(wb_errmsg());
	int rc;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && at > 0 && st.st_size >= at)
		rc = wb_err(EX_CANTCREAT, "%s: the import needs more than %.1f MB free (it had written %.1f MB "
			    "for %.0f%% of its input); nothing was imported", why, mb(wrote * st.st_size / at),
			    mb(wrote), 100.0 * (double)at / (double)st.st_size);
	else
		rc = wb_err(EX_CANTCREAT, "%s: the import needs more than %.1f MB free; nothing was imported",
			    why, mb(wrote));
	free(why);
	return rc;
}

int import_contacts(wb_db *db, FILE *fp, const char *name, int64_t now,
		    import_skip_fn skip, void *ctx, import_stats *st)
{
	memset(st, 0, sizeof *st);
	in_rows *r;
	import_map m = {0};
	int rc = in_rows_open(fp, name, 0, &r);
	const in_row *head = rc ? NULL : in_rows_header(r);
	if (!rc && !head)
		rc = wb_err(EX_DATAERR, "%s: empty; a header row is required", name);
	if (!rc && (rc = import_header(head->cell, head->n, &m)))
		in_row_err(head, rc);
	if (!rc && (rc = put_rows(db, r, &m, now, skip, ctx, st)) && db_full_bytes(db))
		rc = disk_full(db, fp);
	import_map_free(&m);
	in_rows_close(r);
	return rc;
}
