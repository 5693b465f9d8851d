#include "in.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "contact.h"
#include "err.h"
#include "util.h"

struct csvr {
	FILE *fp;
	char *name;
	struct csv_parser p;
	/* records parsed but not yet handed out */
	struct rec {
		char **f;
		int n;
		long line;
	} *q;
	size_t qhead, qlen, qcap;
	/* the record being built */
	char **cur;
	int ncur, capcur;
	long line, rec_start;
	int eof, first;
	/* the record handed out last, freed on the next call */
	struct rec out;
	char *buf;
	size_t bufcap;
	/* a first line the caller has read already (with its '\n') */
	char *pre;
	size_t prelen;
};

static void on_field(void *s, size_t len, void *ctx)
{
	csvr *r = ctx;
	if (r->ncur == r->capcur) {
		r->capcur = r->capcur ? r->capcur * 2 : 16;
		r->cur = xrealloc(r->cur, (size_t)r->capcur * sizeof *r->cur);
	}
	r->cur[r->ncur++] = xstrndup(s ? s : "", len);
}

static void on_record(int c, void *ctx)
{
	csvr *r = ctx;
	(void)c;
	if (r->qhead + r->qlen == r->qcap) {
		if (r->qhead) {
			memmove(r->q, r->q + r->qhead, r->qlen * sizeof *r->q);
			r->qhead = 0;
		} else {
			r->qcap = r->qcap ? r->qcap * 2 : 16;
			r->q = xrealloc(r->q, r->qcap * sizeof *r->q);
		}
	}
	struct rec *rec = &r->q[r->qhead + r->qlen++];
	rec->f = r->cur;
	rec->n = r->ncur;
	rec->line = r->rec_start;
	r->cur = NULL;
	r->ncur = r->capcur = 0;
	r->rec_start = 0;
}

csvr *csvr_open(FILE *fp, const char *name, char sep)
{
	csvr *r = xcalloc(1, sizeof *r);
	r->fp = fp;
	r->name = xstrdup(name);
	r->first = 1;
	if (csv_init(&r->p, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI) != 0)
		wb_die(EX_OSERR, "out of memory");
	csv_set_delim(&r->p, (unsigned char)sep);
	return r;
}

/* A line of nothing but spaces and tabs (other than the delimiter):
 * libcsv makes no record of it, so it must not start one here either,
 * or the next record would be said to start on it. */
static int blank_line(const char *s, char sep)
{
	for (; *s == ' ' || *s == '\t'; s++)
		if (*s == sep)
			return 0;
	return !*s || *s == '\r' || *s == '\n';
}

static void free_rec(struct rec *rec)
{
	for (int i = 0; i < rec->n; i++)
		free(rec->f[i]);
	free(rec->f);
	rec->f = NULL;
	rec->n = 0;
}

int csvr_next(csvr *r, char ***fields, int *n, long *line)
{
	free_rec(&r->out);
	while (!r->qlen) {
		if (r->eof)
			return 0;
		ssize_t len;
		if (r->pre) {
			free(r->buf);
			r->buf = r->pre;
			r->bufcap = r->prelen + 1;
			len = (ssize_t)r->prelen;
			r->pre = NULL;
		} else {
			len = getline(&r->buf, &r->bufcap, r->fp);
		}
		if (len < 0) {
			if (ferror(r->fp))
				return wb_err(EX_IOERR, "%s: %s", r->name, strerror(errno));
			r->eof = 1;
			if (csv_fini(&r->p, on_field, on_record, r) != 0)
				return wb_err(EX_DATAERR, "%s:%ld: unterminated quoted field", r->name,
					      r->rec_start ? r->rec_start : r->line);
			continue;
		}
		r->line++;
		char *s = r->buf;
		if (r->first) {
			r->first = 0;
			if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) { /* a spreadsheet's BOM */
				s += 3;
				len -= 3;
			}
		}
		/* blank lines between records are not records */
		if (!r->rec_start && blank_line(s, (char)csv_get_delim(&r->p)) && !r->ncur)
			continue;
		if (!r->rec_start)
			r->rec_start = r->line;
		if (csv_parse(&r->p, s, (size_t)len, on_field, on_record, r) != (size_t)len)
			return wb_err(EX_DATAERR, "%s:%ld: malformed CSV (%s)", r->name, r->line,
				      csv_strerror(csv_error(&r->p)));
	}
	r->out = r->q[r->qhead];
	r->qhead++;
	r->qlen--;
	if (!r->qlen)
		r->qhead = 0;
	*fields = r->out.f;
	*n = r->out.n;
	*line = r->out.line;
	return 1;
}

void csvr_close(csvr *r)
{
	if (!r)
		return;
	free_rec(&r->out);
	while (r->qlen) {
		free_rec(&r->q[r->qhead++]);
		r->qlen--;
	}
	for (int i = 0; i < r->ncur; i++)
		free(r->cur[i]);
	free(r->cur);
	free(r->q);
	free(r->buf);
	free(r->pre);
	free(r->name);
	csv_free(&r->p);
	free(r);
}

/* A reader that starts with first, line lineno of fp (read already to
 * tell the form), and goes on with the rest of fp. */
static csvr *csvr_open_after(FILE *fp, const char *name, char sep, const char *first, long lineno)
{
	csvr *r = csvr_open(fp, name, sep);
	r->pre = xasprintf("%s\n", first);
	r->prelen = strlen(r->pre);
	r->line = lineno - 1;
	return r;
}

/* Whether a header cell is name, ignoring case and surrounding space. */
static int names_column(const char *cell, const char *name)
{
	while (*cell == ' ' || *cell == '\t')
		cell++;
	size_t n = strlen(name);
	if (strncasecmp(cell, name, n))
		return 0;
	for (cell += n; *cell; cell++)
		if (!strchr(" \t\r\n", *cell))
			return 0;
	return 1;
}

int in_column(char *const *header, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (names_column(header[i], name))
			return i;
	return -1;
}

int in_phone_column(char *const *header, int n)
{
	int col = in_column(header, n, "phone");
	return col >= 0 ? col : in_column(header, n, "wa_id");
}

/* Whether a first line of one cell (and no phone column) is the first
 * number of a plain list rather than a header: it holds a digit ("name"
 * is a header without a phone column; "12ab" a bad number) and does not
 * name a phone column in other words ("Phone 1"). */
static int starts_list(const char *cell)
{
	return strpbrk(cell, "0123456789") && !strcasestr(cell, "phone") && !strcasestr(cell, "wa_id");
}

char in_delimiter(const char *line)
{
	return strchr(line, '\t') ? '\t' : ',';
}

void phone_list_add(phone_list *l, const char *wa_id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	snprintf(l->v[l->n++], PHONE_MAX, "%s", wa_id);
}

void phone_list_free(phone_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int cmp_phone(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Drops repeated numbers, keeping the first of each in its place. */
static void dedupe(phone_list *l)
{
	if (l->n < 2)
		return;
	char (*sorted)[PHONE_MAX] = xmalloc(l->n * sizeof *sorted);
	memcpy(sorted, l->v, l->n * sizeof *sorted);
	qsort(sorted, l->n, sizeof *sorted, cmp_phone);
	char *seen = xcalloc(l->n, 1);
	size_t w = 0;
	for (size_t i = 0; i < l->n; i++) {
		char(*hit)[PHONE_MAX] = bsearch(l->v[i], sorted, l->n, sizeof *sorted, cmp_phone);
		/* step back to the first equal entry: it marks the number seen */
		while (hit > sorted && !strcmp(hit[-1], l->v[i]))
			hit--;
		size_t k = (size_t)(hit - sorted);
		if (seen[k])
			continue;
		seen[k] = 1;
		if (w != i)
			memcpy(l->v[w], l->v[i], PHONE_MAX);
		w++;
	}
	l->n = w;
	free(seen);
	free(sorted);
}

int in_line(FILE *fp, char **buf, size_t *cap, long *lineno)
{
	errno = 0;
	ssize_t n = getline(buf, cap, fp);
	if (n < 0)
		return ferror(fp) ? wb_err(EX_IOERR, "read error: %s", strerror(errno)) : 0;
	(*lineno)++;
	while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
		(*buf)[--n] = 0;
	return 1;
}

enum form { EMPTY, TABLE, LIST, JSONL };

struct in_rows {
	FILE *fp;
	char *name;
	int forms;      /* IN_ROWS_* allowed */
	enum form form;
	csvr *csv;      /* TABLE and LIST */
	in_row head;    /* TABLE: the header; LIST: its one cell is the first row */
	int phone;      /* TABLE: the phone column */
	int pending;    /* the first row is read but not handed out */
	char *buf;      /* JSONL: the line */
	size_t cap;
	long line;
	char **jnames, **jcells; /* JSONL: the row's string members */
	int jn, jcap;
};

static char *const list_names[] = {"phone"};

static void free_json_row(in_rows *r)
{
	for (int i = 0; i < r->jn; i++) {
		free(r->jnames[i]);
		free(r->jcells[i]);
	}
	r->jn = 0;
}

void in_rows_close(in_rows *r)
{
	if (!r)
		return;
	csvr_close(r->csv);
	for (int i = 0; i < r->head.n; i++)
		free(r->head.cell[i]);
	free(r->head.cell);
	free_json_row(r);
	free(r->jnames);
	free(r->jcells);
	free(r->buf);
	free(r->name);
	free(r);
}

/* Reads the header record of a table or list whose first line is first. */
static int open_table(in_rows *r, const char *first)
{
	r->csv = csvr_open_after(r->fp, r->name, in_delimiter(first), first, r->line);
	char **f;
	int n, got = csvr_next(r->csv, &f, &n, &r->head.line);
	if (got != 1)
		return got;
	r->head.file = r->name;
	r->head.cell = xcalloc((size_t)n, sizeof *r->head.cell);
	r->head.n = r->head.nnames = n;
	for (int i = 0; i < n; i++)
		r->head.cell[i] = strtrim(xstrdup(f[i]));
	r->head.names = r->head.cell;
	r->phone = in_phone_column(r->head.cell, n);
	if (r->phone >= 0) {
		r->form = TABLE;
		return 0;
	}
	if ((r->forms & IN_ROWS_LIST) && n == 1 && starts_list(r->head.cell[0])) {
		r->form = LIST;
		r->pending = 1;
		return 0;
	}
	return wb_err(EX_DATAERR, "%s:%ld: no phone or wa_id column in the header%s", r->name, r->head.line,
		      r->forms & IN_ROWS_LIST ? "" : " (a header row is required)");
}

void in_tty_hint(int fd, const char *what)
{
	if (isatty(fd))
		wb_warn("stdin is the terminal: type %s, then Ctrl-D", what);
}

int in_rows_open(FILE *fp, const char *name, int forms, in_rows **out)
{
	in_tty_hint(fileno(fp), forms & IN_ROWS_LIST ? "phone numbers, one a line (or CSV with a phone column)"
						   : "CSV with a header row");
	in_rows *r = *out = xcalloc(1, sizeof *r);
	r->fp = fp;
	r->name = xstrdup(name);
	r->forms = forms;
	int got;
	/* the first non-blank line tells the form */
	while ((got = in_line(fp, &r->buf, &r->cap, &r->line)) == 1 && !*strtrim(r->buf))
		;
	if (got != 1)
		return got;
	char *first = r->buf;
	if (!strncmp(first, "\xEF\xBB\xBF", 3)) /* a spreadsheet's BOM */
		first += 3;
	if ((forms & IN_ROWS_JSONL) && *first == '{') {
		memmove(r->buf, first, strlen(first) + 1);
		r->form = JSONL;
		r->pending = 1;
		return 0;
	}
	return open_table(r, first);
}

const in_row *in_rows_header(const in_rows *r)
{
	return r->form == TABLE ? &r->head : NULL;
}

/* One JSONL line into the row: its string members, in their order. */
static int json_row(in_rows *r, in_row *row)
{
	json_error_t e;
	json_t *o = json_loads(r->buf, 0, &e);
	if (!json_is_object(o)) {
		json_decref(o);
		return wb_err(EX_DATAERR, "%s:%ld: not a JSON object%s%s", r->name, r->line, o ? "" : ": ",
			      o ? "" : e.text);
	}
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		if (!json_is_string(v))
			continue;
		if (r->jn == r->jcap) {
			r->jcap = r->jcap ? r->jcap * 2 : 8;
			r->jnames = xrealloc(r->jnames, (size_t)r->jcap * sizeof *r->jnames);
			r->jcells = xrealloc(r->jcells, (size_t)r->jcap * sizeof *r->jcells);
		}
		r->jnames[r->jn] = xstrdup(k);
		r->jcells[r->jn++] = xstrdup(json_string_value(v));
	}
	json_decref(o);
	*row = (in_row){.file = r->name, .line = r->line, .cell = r->jcells, .n = r->jn,
			.names = r->jnames, .nnames = r->jn};
	int col = in_phone_column(r->jnames, r->jn);
	row->phone = col >= 0 ? r->jcells[col] : NULL;
	return 1;
}

static int next_json(in_rows *r, in_row *row)
{
	free_json_row(r);
	if (r->pending) {
		r->pending = 0;
		return json_row(r, row);
	}
	int got;
	while ((got = in_line(r->fp, &r->buf, &r->cap, &r->line)) == 1)
		if (*strtrim(r->buf))
			return json_row(r, row);
	return got;
}

static int next_record(in_rows *r, in_row *row)
{
	char **f;
	int n, got;
	long line;
	do {
		if (r->pending) { /* a list's first number, read as the header */
			r->pending = 0;
			f = r->head.cell;
			n = 1;
			line = r->head.line;
		} else if ((got = csvr_next(r->csv, &f, &n, &line)) != 1) {
			return got;
		}
		/* a line of spaces in a list is a blank line */
	} while (r->form == LIST && n == 1 && !*strtrim(f[0]));
	*row = (in_row){.file = r->name, .line = line, .cell = f, .n = n};
	if (r->form == LIST) {
		row->names = list_names;
		row->nnames = 1;
		row->phone = f[0];
	} else {
		row->names = r->head.names;
		row->nnames = r->head.nnames;
		row->phone = r->phone < n ? f[r->phone] : NULL;
	}
	return 1;
}

int in_rows_next(in_rows *r, in_row *row)
{
	switch (r->form) {
	case EMPTY:
		return 0;
	case JSONL:
		return next_json(r, row);
	default:
		return next_record(r, row);
	}
}

void in_row_vars(const in_row *row, kv *m)
{
	kv_clear(m);
	for (int i = 0; i < row->n && i < row->nnames; i++)
		kv_set(m, row->names[i], row->cell[i]);
}

int in_row_err(const in_row *row, int rc)
{
	return wb_err_prefix(rc, "%s:%ld: ", row->file, row->line);
}

static int add_phone(phone_list *out, const in_row *row)
{
	char wa[PHONE_MAX];
	int rc = contact_resolve_phone(out->db, row->phone, wa);
	if (rc)
		return in_row_err(row, rc);
	phone_list_add(out, wa);
	return 0;
}

int in_phones_stream(FILE *fp, const char *name, phone_list *out)
{
	in_rows *r;
	in_row row;
	int rc = in_rows_open(fp, name, IN_ROWS_LIST | IN_ROWS_JSONL, &r);
	while (!rc && (rc = in_rows_next(r, &row)) == 1)
		rc = row.phone && *row.phone ? add_phone(out, &row)
					     : in_row_err(&row, wb_err(EX_DATAERR, "no phone in this row"));
	in_rows_close(r);
	if (!rc)
		dedupe(out);
	return rc;
}

int in_phones(int argc, char **argv, FILE *fp, const char *name, phone_list *out)
{
	if (argc <= 0)
		return in_phones_stream(fp, name, out);
	for (int i = 0; i < argc; i++) {
		char wa[PHONE_MAX];
		int rc = contact_resolve_phone(out->db, argv[i], wa);
		if (rc)
			return rc;
		phone_list_add(out, wa);
	}
	dedupe(out);
	return 0;
}

int in_read_all(const char *path, char **text)
{
	int use_stdin = !path || !strcmp(path, "-");
	const char *name = use_stdin ? "stdin" : path;
	FILE *fp = use_stdin ? stdin : fopen(path, "r");
	if (use_stdin)
		in_tty_hint(STDIN_FILENO, "text");
	if (!fp)
		return wb_err(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "%s: %s", name, strerror(errno));
	sb b = {0};
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		sb_add(&b, chunk, n);
	int bad = ferror(fp);
	if (!use_stdin)
		fclose(fp);
	if (bad) {
		sb_free(&b);
		return wb_err(EX_IOERR, "%s: read error", name);
	}
	*text = b.s ? sb_take(&b) : xstrdup("");
	return 0;
}

#define DOC_MAX (64L << 20)

struct in_docs {
	int fd, eof, own_fd;
	char *name;
	char *buf;
	size_t cap, start, end; /* unread bytes are buf[start, end) */
	long long base;         /* stream offset of buf[0] */
	long line;              /* line of buf[start] */
};

in_docs *in_docs_open(int fd, const char *name)
{
	in_tty_hint(fd, "JSON documents, one after another");
	in_docs *r = xcalloc(1, sizeof *r);
	r->fd = fd;
	r->name = xstrdup(name);
	r->cap = 1 << 16;
	r->buf = xmalloc(r->cap);
	r->line = 1;
	return r;
}

int in_docs_path(const char *path, in_docs **out)
{
	*out = NULL;
	if (!path || !strcmp(path, "-")) {
		*out = in_docs_open(STDIN_FILENO, "stdin");
		return 0;
	}
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return wb_err(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "%s: %s", path, strerror(errno));
	*out = in_docs_open(fd, path);
	(*out)->own_fd = 1;
	return 0;
}

const char *in_docs_name(const in_docs *r)
{
	return r->name;
}

void in_docs_close(in_docs *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	free(r->name);
	free(r->buf);
	free(r);
}

/* Reads what is there (blocking only when nothing is); 0 at the end. */
static int fill(in_docs *r)
{
	if (r->start > 0 && (r->start == r->end || r->start > r->cap / 2)) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->base += (long long)r->start;
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap) {
		if (r->cap >= (size_t)DOC_MAX)
			return wb_err(EX_DATAERR, "%s: offset %lld: a document over %ld MB", r->name,
				      r->base + (long long)r->start, DOC_MAX >> 20);
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n > 0) {
			r->end += (size_t)n;
			return 1;
		}
		if (n == 0) {
			r->eof = 1;
			return 0;
		}
		if (errno != EINTR)
			return wb_err(EX_IOERR, "%s: %s", r->name, strerror(errno));
	}
}

int in_docs_next(in_docs *r, const char **doc, size_t *len, long long *offset, long *line)
{
	/* skip white space between documents, counting lines */
	for (;;) {
		while (r->start < r->end && strchr(" \t\r\n", r->buf[r->start]) && r->buf[r->start]) {
			r->line += r->buf[r->start] == '\n';
			r->start++;
		}
		if (r->start < r->end)
			break;
		int rc = r->eof ? 0 : fill(r);
		if (rc <= 0 || rc > 1)
			return rc;
	}
	/* a document ends where its outermost bracket closes; anything that
	 * does not start with one runs to the end of the line */
	size_t i = 0;
	int depth = 0, in_str = 0, esc = 0;
	int bracketed = r->buf[r->start] == '{' || r->buf[r->start] == '[';
	for (;;) {
		for (; r->start + i < r->end; i++) {
			char c = r->buf[r->start + i];
			if (!bracketed) {
				if (c == '\n')
					goto done;
			} else if (in_str) {
				if (esc)
					esc = 0;
				else if (c == '\\')
					esc = 1;
				else if (c == '"')
					in_str = 0;
			} else if (c == '"') {
				in_str = 1;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if ((c == '}' || c == ']') && --depth == 0) {
				i++;
				goto done;
			}
		}
		if (r->eof)
			break;
		int rc = fill(r);
		if (rc > 1)
			return rc;
	}
	if (bracketed)
		return wb_err(EX_DATAERR, "%s: offset %lld: truncated document (line %ld)", r->name,
			      r->base + (long long)r->start, r->line);
done:
	*doc = r->buf + r->start;
	*len = i;
	*offset = r->base + (long long)r->start;
	*line = r->line;
	for (size_t k = 0; k < i; k++)
		r->line += r->buf[r->start + k] == '\n';
	r->start += i;
	return 1;
}

int in_docs_pending(in_docs *r)
{
	for (size_t k = r->start; k < r->end; k++)
		if (!strchr(" \t\r\n", r->buf[k]))
			return 1;
	if (r->eof)
		return 0;
	struct pollfd p = {.fd = r->fd, .events = POLLIN};
	return poll(&p, 1, 0) > 0;
}
