#include "in.h"

#include <csv.h>
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
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
		ssize_t len = getline(&r->buf, &r->bufcap, r->fp);
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
		if (!r->rec_start && (len == 0 || !strcspn(s, "\r\n")) && !r->ncur)
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
	free(r->name);
	csv_free(&r->p);
	free(r);
}

int in_phone_column(char *const *header, int n)
{
	int col = -1;
	for (int i = 0; i < n; i++)
		if (streq_ci(header[i], "phone"))
			return i;
		else if (col < 0 && streq_ci(header[i], "wa_id"))
			col = i;
	return col;
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

static int add_phone(phone_list *out, const char *raw, const char *name, long line)
{
	char wa[PHONE_MAX];
	int rc = contact_resolve_phone(out->db, raw, wa);
	if (rc)
		return wb_err_prefix(rc, "%s:%ld: ", name, line);
	phone_list_add(out, wa);
	return 0;
}

static int phones_jsonl(FILE *fp, const char *name, char *first, long line, phone_list *out)
{
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	for (char *l = first; l; ) {
		if (*strtrim(l)) {
			json_error_t e;
			json_t *o = json_loads(l, 0, &e);
			json_t *v = o ? json_object_get(o, "phone") : NULL;
			if (o && !v)
				v = json_object_get(o, "wa_id");
			if (!o || !json_is_object(o))
				rc = wb_err(EX_DATAERR, "%s:%ld: not a JSON object: %s", name, line, o ? "" : e.text);
			else if (!json_is_string(v))
				rc = wb_err(EX_DATAERR, "%s:%ld: no \"phone\" or \"wa_id\" string", name, line);
			else
				rc = add_phone(out, json_string_value(v), name, line);
			json_decref(o);
			if (rc)
				break;
		}
		int r = in_line(fp, &buf, &cap, &line);
		if (r < 0 || r > 1) {
			rc = r;
			break;
		}
		l = r ? buf : NULL;
	}
	free(buf);
	return rc;
}

/* A CSV or TSV whose header names a phone or wa_id column. The header has
 * been read already (first); the reader continues from line 2. */
static int phones_table(FILE *fp, const char *name, const char *first, char sep, phone_list *out)
{
	/* Parse the header line with the same reader for quoting rules. */
	FILE *hf = fmemopen((void *)first, strlen(first), "r");
	csvr *h = csvr_open(hf, name, sep);
	char **f;
	int n, col = -1, rc;
	long line;
	if ((rc = csvr_next(h, &f, &n, &line)) == 1)
		col = in_phone_column(f, n);
	csvr_close(h);
	fclose(hf);
	if (col < 0)
		return wb_err(EX_DATAERR, "%s:1: no phone or wa_id column in the header", name);
	csvr *r = csvr_open(fp, name, sep);
	rc = 0;
	int got;
	while ((got = csvr_next(r, &f, &n, &line)) == 1) {
		line += 1; /* the header was line 1 */
		if (col >= n || !*f[col]) {
			rc = wb_err(EX_DATAERR, "%s:%ld: no phone in this row", name, line);
			break;
		}
		if ((rc = add_phone(out, f[col], name, line)))
			break;
	}
	if (got > 1)
		rc = got;
	csvr_close(r);
	return rc;
}

static int header_names_phone(const char *l)
{
	char *low = xstrdup(l);
	for (char *p = low; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	int yes = strstr(low, "phone") || strstr(low, "wa_id");
	free(low);
	return yes;
}

int in_phones_stream(FILE *fp, const char *name, phone_list *out)
{
	char *buf = NULL;
	size_t cap = 0;
	long line = 0;
	int r, rc = 0;
	/* the first non-blank line tells the form */
	while ((r = in_line(fp, &buf, &cap, &line)) == 1 && !*strtrim(buf))
		;
	if (r != 1) {
		free(buf);
		return r;
	}
	char *first = buf;
	if (!strncmp(first, "\xEF\xBB\xBF", 3))
		memmove(first, first + 3, strlen(first + 3) + 1);
	if (*first == '{') {
		rc = phones_jsonl(fp, name, first, line, out);
	} else if (header_names_phone(first)) {
		rc = phones_table(fp, name, first, strchr(first, '\t') ? '\t' : ',', out);
	} else {
		do {
			if (*strtrim(buf) && (rc = add_phone(out, buf, name, line)))
				break;
		} while ((r = in_line(fp, &buf, &cap, &line)) == 1);
		if (!rc && r > 1)
			rc = r;
	}
	free(buf);
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
	int fd, eof;
	char *name;
	char *buf;
	size_t cap, start, end; /* unread bytes are buf[start, end) */
	long long base;         /* stream offset of buf[0] */
	long line;              /* line of buf[start] */
};

in_docs *in_docs_open(int fd, const char *name)
{
	in_docs *r = xcalloc(1, sizeof *r);
	r->fd = fd;
	r->name = xstrdup(name);
	r->cap = 1 << 16;
	r->buf = xmalloc(r->cap);
	r->line = 1;
	return r;
}

void in_docs_close(in_docs *r)
{
	if (!r)
		return;
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
