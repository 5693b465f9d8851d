#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bsuid.h"
#include "contact.h"
#include "err.h"
#include "in.h"
#include "par.h"
#include "util.h"

void import_map_free(import_map *m)
{
	for (int i = 0; i < m->ncols; i++)
		free(m->keys[i]);
	free(m->keys);
	m->keys = NULL;
	m->ncols = 0;
}

/* The columns wb-contact ls writes about a contact's own state (what
 * WhatsApp and the message log say, and the labels): not attributes, so
 * a listing imports back unchanged. */
static const char *const listing_columns[] = {"wa_id", "username", "profile_name", "labels", "opted_out", "last_in"};

static int listing_column(const char *name)
{
	for (size_t i = 0; i < sizeof listing_columns / sizeof *listing_columns; i++)
		if (streq_ci(name, listing_columns[i]))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The same attribute twice would make the later cell win without a word;
 * say so instead. Sorted, not compared pair by pair: a header of 100000
 * columns took minutes. */
static int no_twice(char **keys, int n)
{
	char **sorted = xcalloc((size_t)n + 1, sizeof *sorted);
	int k = 0, rc = 0;
	for (int i = 0; i < n; i++)
		if (keys[i])
			sorted[k++] = keys[i];
	qsort(sorted, (size_t)k, sizeof *sorted, cmp_str);
	for (int i = 1; i < k && !rc; i++)
		if (!strcmp(sorted[i - 1], sorted[i]))
			rc = wb_err(EX_DATAERR, "column '%s' appears twice", sorted[i]);
	free(sorted);
	return rc;
}

int import_header(char **f, int n, import_map *m)
{
	int rc = 0;
	for (int i = 0; i < n; i++)
		strtrim(f[i]);
	m->ncols = n;
	m->phone = in_phone_column(f, n);
	m->user_id = in_user_id_column(f, n);
	m->name = m->other_phone = -1;
	m->keys = xcalloc((size_t)n, sizeof *m->keys);
	for (int i = 0; i < n && !rc; i++) {
		if (i == m->phone || i == m->user_id || listing_column(f[i]))
			continue;
		if (streq_ci(f[i], "phone") && m->other_phone < 0)
			m->other_phone = i; /* the phone is read from a likelier column */
		else if (streq_ci(f[i], "name") && m->name < 0)
			m->name = i;
		else if (*f[i] && !(rc = contact_key_check(f[i])))
			m->keys[i] = xstrdup(f[i]);
		if (rc)
			wb_err_prefix(rc, "column %d: ", i + 1);
	}
	if (!rc)
		rc = no_twice(m->keys, n);
	if (!rc && m->phone < 0 && m->user_id < 0)
		rc = wb_err(EX_DATAERR, "no phone, wa_id or user_id column in the header (a header row is required)");
	if (rc)
		import_map_free(m);
	return rc;
}

/* A row's phone and user ID cells, "" when the header has no such column. */
static const char *phone_of(const import_map *m, char *const *f)
{
	return m->phone >= 0 ? f[m->phone] : "";
}

static const char *user_id_of(const import_map *m, char *const *f)
{
	return m->user_id >= 0 ? f[m->user_id] : "";
}

static int bad_utf8(const import_map *m, int i)
{
	const char *col = i == m->phone ? "phone" : i == m->user_id ? "user_id" : i == m->name ? "name" : m->keys[i];
	if (col)
		return wb_err(EX_DATAERR, "column '%s': not valid UTF-8", col);
	return wb_err(EX_DATAERR, "column %d: not valid UTF-8", i + 1);
}

/* What import_check asks of a row but the reading of its phone: pure. */
static int check_shape(const import_map *m, char *const *f, int n)
{
	if (n > m->ncols)
		return wb_err(EX_DATAERR, "%d fields, the header has %d: quote a cell that holds the delimiter",
			      n, m->ncols);
	if (n < m->ncols)
		return wb_err(EX_DATAERR, "%d field%s, the header has %d: quote a cell that holds a line break, "
			      "or add the missing cells", n, n == 1 ? "" : "s", m->ncols);
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
	const char *phone = phone_of(m, f), *uid = user_id_of(m, f);
	if (!*phone && !*uid)
		return wb_err(EX_DATAERR, "column '%s': empty", m->phone >= 0 ? "phone" : "user_id");
	if (!*phone && !bsuid_valid(uid))
		return wb_err(EX_DATAERR, "column 'user_id': '%s' is not a user ID", uid);
	return 0;
}

static const char *name_of(const import_map *m, char *const *f)
{
	return m->name >= 0 && *f[m->name] ? f[m->name] : NULL;
}

int import_check(wb_db *db, const import_map *m, char **f, int n, import_row *r)
{
	int rc = check_shape(m, f, n);
	if (rc)
		return rc;
	/* a row's phone, else its user ID, names the contact */
	if (!*phone_of(m, f))
		snprintf(r->key, sizeof r->key, "%s", user_id_of(m, f));
	else if ((rc = contact_resolve_phone(db, phone_of(m, f), r->key)))
		return wb_err_prefix(rc, "column 'phone': ");
	r->name = name_of(m, f);
	return 0;
}

/* The contacts an import has written, each with the line it was first
 * on: an open-addressing table keyed by the number a wa_id's digits make
 * (at most 15, never starting with 0, so 0 marks a free slot) or, for a
 * user ID, a 63-bit hash of it with the top bit set (a wa_id is below
 * 2^50); two user IDs sharing a hash would only be told as one twice. */
typedef struct {
	uint64_t *key;
	long *line;
	size_t cap, n;
} seen_set;

static long *seen_slot(seen_set *s, uint64_t key)
{
	size_t i = (size_t)(key * 0x9E3779B97F4A7C15u) & (s->cap - 1);
	while (s->key[i] && s->key[i] != key)
		i = (i + 1) & (s->cap - 1);
	s->key[i] = key;
	return &s->line[i];
}

static uint64_t seen_key(const char *key)
{
	if (!bsuid_valid(key))
		return strtoull(key, NULL, 10);
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return h | 1ull << 63;
}

/* The line key was first on, or 0 when it is new (then this line). */
static long seen_put(seen_set *s, const char *key, long line)
{
	if (2 * (s->n + 1) > s->cap) {
		seen_set bigger = {xcalloc(s->cap ? 2 * s->cap : 1024, sizeof *s->key), NULL,
				   s->cap ? 2 * s->cap : 1024, s->n};
		bigger.line = xcalloc(bigger.cap, sizeof *bigger.line);
		for (size_t i = 0; i < s->cap; i++)
			if (s->key[i])
				*seen_slot(&bigger, s->key[i]) = s->line[i];
		free(s->key);
		free(s->line);
		*s = bigger;
	}
	long *first = seen_slot(s, seen_key(key));
	if (*first)
		return *first;
	*first = line;
	s->n++;
	return 0;
}

/* An import under way: what the writer needs besides the rows. */
typedef struct {
	wb_db *db;
	const import_map *m;
	const char *name;
	int64_t now;
	import_skip_fn skip;
	void *ctx;
	import_stats *st;
	seen_set seen;
	const import_sync *sync; /* NULL: none */
	int keycol;              /* sync->key's column, or -1 */
} run;

/* A row's attributes as one JSON merge patch, appended to patch; they go
 * in with the upsert. Whether there were any. */
static int attrs_patch(const import_map *m, char *const *f, sb *patch)
{
	size_t start = patch->len;
	for (int i = 0; i < m->ncols; i++)
		if (m->keys[i] && *f[i]) {
			sb_putc(patch, patch->len > start ? ',' : '{');
			sb_json_string(patch, m->keys[i]);
			sb_putc(patch, ':');
			sb_json_string(patch, f[i]);
		}
	if (patch->len == start)
		return 0;
	sb_putc(patch, '}');
	return 1;
}

/* A keyed row (--key): the contact holding its key value takes the
 * row's phone or user ID, so the upsert by it that follows updates that
 * contact. A value two lines have is an error naming the other. */
static int match_key(run *w, const char *value, const char *key)
{
	long seen;
	int64_t id;
	if (!*value)
		return wb_err(EX_DATAERR, "column '%s': empty (every row needs its key)", w->sync->key);
	int rc = contact_sync_find(w->db, value, &id, &seen);
	if (rc == EX_FALSE)
		return 0;
	if (!rc && seen)
		rc = wb_err(EX_DATAERR, "%s '%s' is on line %ld too", w->sync->key, value, seen);
	return rc ? rc : contact_set_key(w->db, id, key, w->now);
}

/* Writes one checked row; a phone seen before in this import is said
 * so, and the later row's cells win (as any update's do). */
static int put_row(run *w, char *const *f, const char *key, const char *attrs, long line)
{
	const char *value = w->keycol >= 0 ? f[w->keycol] : NULL;
	int rc = value ? match_key(w, value, key) : 0;
	if (rc)
		return rc;
	long first = seen_put(&w->seen, key, line);
	if (first) {
		wb_warn("%s:%ld: %s is on line %ld too; the later row's cells win", w->name, line, key, first);
		w->st->duplicates++;
	}
	int64_t id;
	int created;
	rc = contact_upsert_attrs(w->db, key, name_of(w->m, f), attrs, w->now, &id, &created);
	if (!rc && !first)
		++*(created ? &w->st->created : &w->st->updated);
	if (!rc && value)
		rc = contact_sync_mark(w->db, value, id, line);
	return rc;
}

/* Rows go through in batches: the main thread reads a batch, worker
 * threads check it (libphonenumber's validation is most of an import's
 * work), and the main thread writes the batches checked before. */
#define BATCH_ROWS 256
#define BATCHES_IN_FLIGHT 8

typedef struct {
	long line;
	int n;        /* its cells: the batch's cell[first], … */
	size_t first;
	int rc;       /* the worker's check: 0, or an EX_ code and msg */
	int phone_rc; /* rc is the phone's: a contact's wa_id may still be it */
	char *msg;
	char key[CONTACT_KEY_MAX]; /* the phone by the rules, else the user ID */
	size_t attrs; /* where its attributes' patch starts in the batch's patches, + 1; 0: none */
} slot;

typedef struct {
	const import_map *m;
	slot row[BATCH_ROWS];
	size_t nrows;
	sb text;     /* every cell, each ended by a NUL */
	sb patches;  /* the rows' attributes as JSON, each ended by a NUL */
	size_t *off; /* where each starts in text */
	char **cell; /* and, once the batch is read, where it is */
	size_t ncells, cap;
} batch;

static void batch_free(batch *b)
{
	for (size_t i = 0; i < b->nrows; i++)
		free(b->row[i].msg);
	sb_free(&b->text);
	sb_free(&b->patches);
	free(b->off);
	free(b->cell);
	free(b);
}

/* Copies the next rows of r into a new batch: 1 when it is full, 0 at
 * the end of the input, or the reader's EX_ code. */
static int read_batch(in_rows *r, const import_map *m, batch **out)
{
	batch *b = *out = xcalloc(1, sizeof *b);
	b->m = m;
	in_row row;
	int got = 1;
	while (b->nrows < BATCH_ROWS && (got = in_rows_next(r, &row)) == 1) {
		b->row[b->nrows++] = (slot){.line = row.line, .n = row.n, .first = b->ncells};
		for (int i = 0; i < row.n; i++) {
			if (b->ncells == b->cap) {
				b->cap = b->cap ? 2 * b->cap : 1024;
				b->off = xrealloc(b->off, b->cap * sizeof *b->off);
			}
			b->off[b->ncells++] = b->text.len;
			sb_add(&b->text, row.cell[i], strlen(row.cell[i]) + 1);
		}
	}
	b->cell = xmalloc((b->ncells + 1) * sizeof *b->cell);
	for (size_t i = 0; i < b->ncells; i++)
		b->cell[i] = b->text.s + b->off[i];
	return got;
}

/* A worker's part: every row of a batch checked by the rules alone,
 * and its attributes made JSON. */
static void check_batch(void *items, size_t n, void *ctx)
{
	batch *b = items;
	for (size_t i = 0; i < n; i++) {
		slot *s = &b->row[i];
		char *const *f = b->cell + s->first;
		if ((s->rc = check_shape(b->m, f, s->n))) {
		} else if (!*phone_of(b->m, f)) {
			snprintf(s->key, sizeof s->key, "%s", user_id_of(b->m, f));
		} else if ((s->rc = phone_norm_env(phone_of(b->m, f), s->key))) {
			s->phone_rc = 1;
			wb_err_prefix(s->rc, "column 'phone': ");
		}
		if (s->rc) {
			s->msg = xstrdup(wb_errmsg());
			continue;
		}
		size_t at = b->patches.len;
		if (attrs_patch(b->m, f, &b->patches)) {
			sb_putc(&b->patches, 0);
			s->attrs = at + 1;
		}
	}
}

/* The main thread's part: a checked batch written, in order; a bad row
 * fails the import or, with skip, is told and left out. */
static int write_batch(run *w, const batch *b)
{
	for (size_t i = 0; i < b->nrows; i++) {
		const slot *s = &b->row[i];
		char *const *f = b->cell + s->first;
		char key[CONTACT_KEY_MAX];
		int rc = s->rc;
		memcpy(key, s->key, sizeof key);
		if ((!rc || s->phone_rc) && *phone_of(w->m, f)) { /* what wb wrote reads back as that contact */
			int known = contact_known_phone(w->db, phone_of(w->m, f), key);
			rc = known == EX_FALSE ? rc : known;
		}
		if (rc == s->rc && rc)
			wb_err(rc, "%s", s->msg);
		const char *attrs = s->attrs ? b->patches.s + s->attrs - 1 : NULL;
		if (!rc && (rc = put_row(w, f, key, attrs, s->line)) && rc != EX_DATAERR)
			return wb_err_prefix(rc, "%s:%ld: ", w->name, s->line);
		if (rc) {
			wb_err_prefix(rc, "%s:%ld: ", w->name, s->line);
			if (!w->skip)
				return rc;
			w->skip(wb_errmsg(), w->ctx);
			w->st->skipped++;
		}
	}
	return 0;
}

/* The end of a sync: the contacts the file no longer has, listed
 * (--dry-run) or removed. */
static int finish_sync(run *w)
{
	const import_sync *sync = w->sync;
	if (!sync || !sync->delete_missing)
		return 0;
	/* an export that failed half way leaves a header and nothing else:
	 * taken as the CRM's whole list, it would remove every customer */
	if (!w->st->created && !w->st->updated)
		return wb_err(EX_DATAERR, "--delete-missing: no row was taken, so every contact with a '%s' "
			      "would go; refused (wb-contact rm removes contacts)", sync->key);
	if (sync->dry_run && sync->removing)
		return contact_sync_missing(w->db, sync->removing, sync->ctx);
	return contact_sync_remove_missing(w->db, &w->st->removed);
}

/* Every row after the header, in one transaction (rolled back whole by
 * a dry run): read, checked in the workers and written, in that order,
 * BATCHES_IN_FLIGHT batches apart. A row's error is told before a later
 * line's malformed CSV. */
static int put_rows(run *w, in_rows *r)
{
	par *p = par_open(check_batch, NULL);
	int rc = db_begin(w->db), reading = 1, queued = 0, read_rc = 0;
	if (!rc && w->keycol >= 0)
		rc = contact_sync_begin(w->db, w->sync->key);
	char *read_msg = NULL;
	while (!rc && (reading || queued)) {
		batch *b;
		if (reading && queued < BATCHES_IN_FLIGHT) {
			int got = read_batch(r, w->m, &b);
			reading = got == 1;
			if (got > 1) { /* told once the rows before are written */
				read_rc = got;
				read_msg = xstrdup(wb_errmsg());
			}
			par_submit(p, b, b->nrows);
			queued++;
			continue;
		}
		b = par_wait(p);
		queued--;
		rc = write_batch(w, b);
		batch_free(b);
	}
	batch *left;
	while ((left = par_wait(p)))
		batch_free(left);
	par_close(p);
	if (!rc && read_rc)
		rc = wb_err(read_rc, "%s", read_msg);
	free(read_msg);
	if (!rc)
		rc = finish_sync(w);
	if (rc || (w->sync && w->sync->dry_run)) {
		db_rollback(w->db);
		return rc;
	}
	return db_commit(w->db);
}

/* The column --key names, or -1 without --key. */
static int key_column(const import_map *m, const import_sync *sync, int *col)
{
	*col = -1;
	if (!sync || !sync->key)
		return 0;
	for (int i = 0; i < m->ncols; i++)
		if (m->keys[i] && !strcmp(m->keys[i], sync->key))
			*col = i;
	return *col < 0 ? wb_err(EX_DATAERR, "--key %s: no such column in the header", sync->key) : 0;
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
		    import_skip_fn skip, void *ctx, const import_sync *sync, import_stats *st)
{
	memset(st, 0, sizeof *st);
	in_rows *r;
	import_map m = {0};
	int rc = in_rows_open(fp, name, 0, &r);
	const in_row *head = rc ? NULL : in_rows_header(r);
	if (!rc && !head)
		rc = wb_err(EX_DATAERR, "%s: empty; a header row is required", name);
	int keycol = -1;
	if (!rc && ((rc = import_header(head->cell, head->n, &m)) || (rc = key_column(&m, sync, &keycol))))
		in_row_err(head, rc);
	if (!rc && m.other_phone >= 0)
		wb_warn("%s:%ld: column '%s' is not imported: the phones are read from column '%s' "
			"(--phone-column picks another)", name, head->line, head->cell[m.other_phone],
			head->cell[m.phone]);
	run w = {.db = db, .m = &m, .name = name, .now = now, .skip = skip, .ctx = ctx, .st = st,
		.sync = sync, .keycol = keycol};
	if (!rc && (rc = put_rows(&w, r)) && db_full_bytes(db))
		rc = disk_full(db, fp);
	free(w.seen.key);
	free(w.seen.line);
	import_map_free(&m);
	in_rows_close(r);
	return rc;
}
