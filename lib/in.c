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
#include "out.h"
#include "util.h"

struct csvr {
	FILE *fp;
	char *name;
	struct csv_parser p;
	/* records parsed but not yet handed out: each one block, its field
	 * pointers and then their text, as one malloc is cheaper than one a
	 * field */
	struct rec {
		char **f;
		int n;
		long line;
	} *q;
	size_t qhead, qlen, qcap;
	/* the record being built: its fields' text, each ended by a NUL, and
	 * where each starts */
	sb text;
	size_t *start;
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
		r->start = xrealloc(r->start, (size_t)r->capcur * sizeof *r->start);
	}
	r->start[r->ncur++] = r->text.len;
	sb_add(&r->text, s ? s : "", len);
	sb_putc(&r->text, 0);
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
	size_t ptrs = (size_t)r->ncur * sizeof *rec->f;
	rec->f = xmalloc(ptrs + r->text.len + 1);
	char *text = (char *)rec->f + ptrs;
	memcpy(text, r->text.s ? r->text.s : "", r->text.len);
	for (int i = 0; i < r->ncur; i++)
		rec->f[i] = text + r->start[i];
	rec->n = r->ncur;
	rec->line = r->rec_start;
	sb_reset(&r->text);
	r->ncur = 0;
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
	free(rec->f);
	rec->f = NULL;
	rec->n = 0;
}

/* The length of the byte order mark a spreadsheet or an editor may put
 * first (UTF-8's, EF BB BF) at s, n bytes: 3, or 0 when there is none. */
static size_t bom_len(const char *s, size_t n)
{
	return n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

/* A NUL would end a cell's C string unseen, cutting its text. */
static int nul_byte(const char *name, long line)
{
	char at[24] = "";
	if (line)
		snprintf(at, sizeof at, ":%ld", line);
	return wb_err(EX_DATAERR, "%s%s: a NUL byte, which text does not hold (a UTF-16 file? save it as "
		      "UTF-8)", name, at);
}

/* libcsv's own words are for programmers: the user hears what is wrong
 * with the line and how to write it instead. */
static int malformed(csvr *r)
{
	if (csv_error(&r->p) != CSV_EPARSE)
		wb_die(EX_OSERR, "%s:%ld: out of memory reading CSV", r->name, r->line);
	return wb_err(EX_DATAERR, "%s:%ld: a '\"' inside a field that is not quoted, or after a "
		      "closing one: quote the whole field and write each quote in it twice "
		      "(\"say \"\"hi\"\"\")", r->name, r->line);
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
				return wb_err(EX_DATAERR, "%s:%ld: unterminated quoted field: a field that "
					      "starts with '\"' ends with one (a quote in the text is "
					      "written twice: \"\")", r->name, r->rec_start ? r->rec_start : r->line);
			continue;
		}
		r->line++;
		char *s = r->buf;
		if (memchr(s, 0, (size_t)len))
			return nul_byte(r->name, r->line);
		if (r->first) {
			r->first = 0;
			size_t bom = bom_len(s, (size_t)len);
			s += bom;
			len -= (ssize_t)bom;
		}
		/* blank lines between records are not records */
		if (!r->rec_start && blank_line(s, (char)csv_get_delim(&r->p)) && !r->ncur)
			continue;
		if (!r->rec_start)
			r->rec_start = r->line;
		if (csv_parse(&r->p, s, (size_t)len, on_field, on_record, r) != (size_t)len)
			return malformed(r);
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
	sb_free(&r->text);
	free(r->start);
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

/* How the user said tables are read (in_table_option); zero: as each
 * table's first line says. */
static struct {
	char delimiter;
	const char *phone_column;
} table;

int in_table_option(int opt, const char *arg)
{
	if (opt == IN_OPT_PHONE_COLUMN) {
		if (!*strtrim((char *)arg))
			wb_usage("--phone-column: a column name, as the header row spells it");
		table.phone_column = arg;
		return 1;
	}
	if (opt != IN_OPT_DELIMITER)
		return 0;
	if (!strcmp(arg, "tab") || !strcmp(arg, "\\t"))
		table.delimiter = '\t';
	else if (strlen(arg) == 1 && !strchr("\"\r\n", *arg) && (unsigned char)*arg < 0x80)
		table.delimiter = *arg;
	else
		wb_usage("--delimiter: '%s' is not one character (',' ';' '|' or tab)", arg);
	return 1;
}

/* A header cell folded for comparison with the names phone columns go
 * by: lower case (ASCII and Latin-1 letters, so "TÉLÉPHONE" is
 * "téléphone"), without the spaces and punctuation people put between
 * words ("Phone No." is "phoneno", "wa_id" "waid"). */
static void fold_name(const char *cell, char *out, size_t cap)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)cell; *p && n + 2 < cap; p++) {
		if (strchr(" \t\r\n_-.:#/()", *p))
			continue;
		if (*p >= 'A' && *p <= 'Z')
			out[n++] = (char)(*p + 32);
		else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97) {
			out[n++] = (char)*p++;
			out[n++] = (char)(*p + 0x20);
		} else
			out[n++] = (char)*p;
	}
	out[n] = 0;
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

/* The names a column of phone numbers goes by, folded (fold_name), the
 * likeliest WhatsApp number first: a column that says WhatsApp, wb's
 * own (phone, wa_id), then mobile numbers, then any phone. */
static const char *const phone_names[] = {
	"whatsapp", "whatsappnumber", "whatsappphone", "whatsappno",
	"phone", "waid", "msisdn",
	"mobile", "mobilephone", "mobilenumber", "mobileno", "cell", "cellphone", "cellnumber",
	"handy", "handynummer", "mobil", "mobilnummer", "mobiltelefon", "natel",
	"portable", "téléphoneportable", "móvil", "movil", "teléfonomóvil", "celular", "cellulare",
	"telemóvel", "telemovel", "gsm", "手机", "手机号", "手机号码", "手機", "携帯", "携帯電話",
	"携帯番号", "휴대폰", "핸드폰",
	"phonenumber", "phoneno", "primaryphone", "phone1", "phone1value", "contactnumber",
	"telephone", "telephonenumber", "tel", "telno", "telefon", "telefonnummer", "téléphone",
	"numérodetéléphone", "teléfono", "telefono", "telefone", "电话", "电话号码",
	"联系电话", "電話", "電話番号", "전화", "전화번호", "телефон", "Телефон",
};

int in_phone_column(char *const *header, int n)
{
	if (table.phone_column)
		return in_column(header, n, table.phone_column);
	char folded[256];
	int best = -1;
	size_t rank = sizeof phone_names / sizeof *phone_names;
	for (int i = 0; i < n; i++) {
		fold_name(header[i], folded, sizeof folded);
		for (size_t k = 0; k < rank; k++)
			if (!strcmp(folded, phone_names[k])) {
				best = i;
				rank = k;
			}
	}
	return best;
}

int in_user_id_column(char *const *header, int n)
{
	return in_column(header, n, "user_id");
}

const char *in_row_key(const in_row *row)
{
	if (row->phone && *row->phone)
		return row->phone;
	return row->user_id && *row->user_id ? row->user_id : NULL;
}

/* Whether a first line of one cell (and no phone column) is the first
 * number of a plain list rather than a header: it holds digits, at
 * least as many as other characters that are no punctuation ("name" is
 * a header; "Phone 1" too; "12ab" a bad number). */
static int starts_list(const char *cell)
{
	int digits = 0, other = 0;
	for (const char *p = cell; *p; p++)
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +-.()/", *p))
			other++;
	return digits && digits >= other;
}

char in_delimiter(const char *line)
{
	if (table.delimiter)
		return table.delimiter;
	/* the likeliest of the delimiters spreadsheets write, counted
	 * outside quotes: a European export's ';', a TSV's tab, else ',' */
	static const char seps[] = "\t;,";
	int count[3] = {0}, quoted = 0;
	for (const char *p = line; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		const char *s = quoted ? NULL : strchr(seps, *p);
		if (s && *p)
			count[s - seps]++;
	}
	int best = 2;
	for (int i = 1; i >= 0; i--)
		if (count[i] && count[i] >= count[best])
			best = i;
	return seps[best];
}

void phone_list_add(phone_list *l, const char *key)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = xstrdup(key);
}

void phone_list_free(phone_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Drops repeated keys, keeping the first of each in its place. */
static void dedupe(phone_list *l)
{
	if (l->n < 2)
		return;
	char **sorted = xmalloc(l->n * sizeof *sorted);
	memcpy(sorted, l->v, l->n * sizeof *sorted);
	qsort(sorted, l->n, sizeof *sorted, cmp_key);
	char *seen = xcalloc(l->n, 1), *repeat = xcalloc(l->n, 1);
	for (size_t i = 0; i < l->n; i++) {
		char **hit = bsearch(&l->v[i], sorted, l->n, sizeof *sorted, cmp_key);
		/* step back to the first equal entry: it marks the key seen */
		while (hit > sorted && !strcmp(hit[-1], l->v[i]))
			hit--;
		size_t k = (size_t)(hit - sorted);
		repeat[i] = seen[k];
		seen[k] = 1;
	}
	/* the repeats go once the sorted copy no longer points at them */
	size_t w = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (repeat[i])
			free(l->v[i]);
		else
			l->v[w++] = l->v[i];
	}
	l->n = w;
	free(seen);
	free(repeat);
	free(sorted);
}

int in_line(FILE *fp, const char *name, char **buf, size_t *cap, long *lineno)
{
	errno = 0;
	ssize_t n = getline(buf, cap, fp);
	if (n < 0)
		return ferror(fp) ? wb_err(EX_IOERR, "read error: %s", strerror(errno)) : 0;
	(*lineno)++;
	if (memchr(*buf, 0, (size_t)n))
		return nul_byte(name, *lineno);
	while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
		(*buf)[--n] = 0;
	return 1;
}

enum form { EMPTY, TABLE, LIST, JSONL, JSON };

struct in_rows {
	FILE *fp;
	char *name;
	int forms;      /* IN_ROWS_* allowed */
	enum form form;
	csvr *csv;      /* TABLE and LIST */
	in_row head;    /* TABLE: the header; LIST: the first row */
	int phone;      /* TABLE and LIST: the phone column (-1: none) */
	int user_id;    /* TABLE: the user_id column (-1: none) */
	int pending;    /* the first row is read but not handed out */
	char *buf;      /* JSONL: the line; JSON: the whole input */
	size_t cap, pos, len; /* JSON: where the next element starts */
	long line;
	char **jnames, **jcells; /* JSONL and JSON: the row's string members */
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

/* A cell that wb's CSV output (or a careful exporter) neutralised for
 * spreadsheets, "'=x" for "=x", is read as it was before. */
static void unneutralise(char *cell)
{
	if (cell[0] == '\'' && out_neutralises(cell + 1))
		memmove(cell, cell + 1, strlen(cell));
}

/* A cell that reads as a phone number rather than as a column's name:
 * seven digits at least, and only the punctuation numbers are written
 * with. */
static int phone_like(const char *cell)
{
	int digits = 0;
	for (const char *p = cell; *p; p++)
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" \t+-.()/", *p))
			return 0;
	return digits >= 7;
}

/* The refusal of a first line that names no phone column, listing it so
 * that the user sees what was read (and with which delimiter). */
static int no_phone_column(const in_rows *r, int headless)
{
	sb cells = {0};
	for (int i = 0; i < r->head.n && cells.len < 200; i++)
		sb_printf(&cells, "%s%s", i ? ", " : "", r->head.cell[i]);
	if (cells.len >= 200)
		sb_puts(&cells, ", …");
	int rc;
	if (table.phone_column)
		rc = wb_err(EX_DATAERR, "%s:%ld: no column '%s' in the header (%s)", r->name, r->head.line,
			    table.phone_column, cells.s);
	else if (headless)
		rc = wb_err(EX_DATAERR, "%s:%ld: no header row (%s); a header naming the columns is required",
			    r->name, r->head.line, cells.s);
	else
		rc = wb_err(EX_DATAERR, "%s:%ld: no phone column in the header (%s); name it with --phone-column",
			    r->name, r->head.line, cells.s);
	sb_free(&cells);
	return rc;
}

/* A first line without a phone column, where rows without a header may
 * come: one cell that reads as a number starts a plain list; otherwise
 * the first cell that looks like a phone number makes it the first row
 * of a table whose header was left out (a listing filtered by grep), and
 * that column holds the phones. -1 when it is neither. */
static int headless_phone(const in_row *first)
{
	if (first->n == 1)
		return starts_list(first->cell[0]) ? 0 : -1;
	for (int i = 0; i < first->n; i++)
		if (phone_like(first->cell[i]))
			return i;
	return -1;
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
	for (int i = 0; i < n; i++) {
		r->head.cell[i] = strtrim(xstrdup(f[i]));
		unneutralise(r->head.cell[i]);
	}
	r->head.names = r->head.cell;
	r->phone = in_phone_column(r->head.cell, n);
	r->user_id = in_user_id_column(r->head.cell, n);
	if (r->phone >= 0 || r->user_id >= 0) {
		r->form = TABLE;
		return 0;
	}
	int col = table.phone_column ? -1 : headless_phone(&r->head);
	if (col < 0 || !(r->forms & IN_ROWS_LIST))
		return no_phone_column(r, col >= 0);
	r->form = LIST;
	r->phone = col;
	r->pending = 1;
	return 0;
}

/* A JSON array of objects, as -o json writes it: read whole, each
 * element a row on the line it starts on. */
static int open_json(in_rows *r, const char *first)
{
	sb text = {0};
	sb_puts(&text, first);
	sb_putc(&text, '\n');
	char chunk[1 << 16];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, r->fp)) > 0)
		sb_add(&text, chunk, k);
	if (ferror(r->fp)) {
		sb_free(&text);
		return wb_err(EX_IOERR, "%s: %s", r->name, strerror(errno));
	}
	free(r->buf);
	r->len = text.len;
	r->buf = sb_take(&text);
	r->pos = 1; /* after the '[' */
	r->form = JSON;
	return 0;
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
	while ((got = in_line(fp, name, &r->buf, &r->cap, &r->line)) == 1 && !*strtrim(r->buf))
		;
	if (got != 1)
		return got;
	char *first = r->buf + bom_len(r->buf, strlen(r->buf));
	if ((forms & IN_ROWS_JSONL) && *first == '[')
		return open_json(r, first);
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

/* A JSON object on line into the row: its string members, in their
 * order. */
static int object_row(in_rows *r, json_t *o, long line, in_row *row)
{
	if (!json_is_object(o)) {
		json_decref(o);
		return wb_err(EX_DATAERR, "%s:%ld: not a JSON object", r->name, line);
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
	*row = (in_row){.file = r->name, .line = line, .cell = r->jcells, .n = r->jn,
			.names = r->jnames, .nnames = r->jn};
	int col = in_phone_column(r->jnames, r->jn), uid = in_user_id_column(r->jnames, r->jn);
	row->phone = col >= 0 ? r->jcells[col] : NULL;
	row->user_id = uid >= 0 ? r->jcells[uid] : NULL;
	return 1;
}

/* One JSONL line into the row. */
static int json_row(in_rows *r, in_row *row)
{
	json_error_t e;
	json_t *o = json_loads(r->buf, 0, &e);
	if (!o)
		return wb_err(EX_DATAERR, "%s:%ld: not a JSON object: %s", r->name, r->line, json_why(&e));
	return object_row(r, o, r->line, row);
}

static int next_json(in_rows *r, in_row *row)
{
	free_json_row(r);
	if (r->pending) {
		r->pending = 0;
		return json_row(r, row);
	}
	int got;
	while ((got = in_line(r->fp, r->name, &r->buf, &r->cap, &r->line)) == 1)
		if (*strtrim(r->buf))
			return json_row(r, row);
	return got;
}

/* Moves past white space in a JSON array's text, counting lines; the
 * character it stops at (0 at the end). */
static char json_skip(in_rows *r)
{
	for (; r->pos < r->len && strchr(" \t\r\n", r->buf[r->pos]); r->pos++)
		r->line += r->buf[r->pos] == '\n';
	return r->pos < r->len ? r->buf[r->pos] : 0;
}

/* The next element of a JSON array. */
static int next_element(in_rows *r, in_row *row)
{
	free_json_row(r);
	char c = json_skip(r);
	if (!c)
		return wb_err(EX_DATAERR, "%s:%ld: the JSON array does not end (no ']')", r->name, r->line);
	if (c == ']') {
		r->pos++;
		if (json_skip(r))
			return wb_err(EX_DATAERR, "%s:%ld: more after the JSON array", r->name, r->line);
		r->form = EMPTY;
		return 0;
	}
	if (r->pending && c == ',') { /* after an element */
		r->pos++;
		c = json_skip(r);
	} else if (r->pending) {
		return wb_err(EX_DATAERR, "%s:%ld: expected ',' or ']' in the JSON array", r->name, r->line);
	}
	json_error_t e;
	long line = r->line;
	json_t *o = json_loadb(r->buf + r->pos, r->len - r->pos, JSON_DISABLE_EOF_CHECK, &e);
	if (!o)
		return wb_err(EX_DATAERR, "%s:%ld: not a JSON object: %s", r->name, e.line + line - 1, json_why(&e));
	for (size_t end = r->pos + (size_t)e.position; r->pos < end; r->pos++)
		r->line += r->buf[r->pos] == '\n';
	r->pending = 1;
	return object_row(r, o, line, row);
}

static int next_record(in_rows *r, in_row *row)
{
	char **f;
	int n, got;
	long line;
	do {
		if (r->pending) { /* the first row, read as the header */
			r->pending = 0;
			f = r->head.cell;
			n = r->head.n;
			line = r->head.line;
		} else if ((got = csvr_next(r->csv, &f, &n, &line)) != 1) {
			return got;
		} else {
			for (int i = 0; i < n; i++)
				unneutralise(f[i]);
		}
		/* a line of spaces in a list is a blank line */
	} while (r->form == LIST && n == 1 && !*strtrim(f[0]));
	*row = (in_row){.file = r->name, .line = line, .cell = f, .n = n};
	if (r->form == LIST) {
		/* a plain list's one column is the phone; a table without its
		 * header has no names */
		row->names = list_names;
		row->nnames = r->head.n == 1;
	} else {
		row->names = r->head.names;
		row->nnames = r->head.nnames;
	}
	row->phone = r->phone >= 0 && r->phone < n ? f[r->phone] : NULL;
	row->user_id = r->form == TABLE && r->user_id >= 0 && r->user_id < n ? f[r->user_id] : NULL;
	return 1;
}

int in_rows_next(in_rows *r, in_row *row)
{
	switch (r->form) {
	case EMPTY:
		return 0;
	case JSONL:
		return next_json(r, row);
	case JSON:
		return next_element(r, row);
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
	char key[CONTACT_KEY_MAX];
	int rc = contact_resolve(out->db, in_row_key(row), key);
	if (rc)
		return in_row_err(row, rc);
	phone_list_add(out, key);
	return 0;
}

int in_phones_stream(FILE *fp, const char *name, phone_list *out)
{
	in_rows *r;
	in_row row;
	int rc = in_rows_open(fp, name, IN_ROWS_LIST | IN_ROWS_JSONL, &r);
	while (!rc && (rc = in_rows_next(r, &row)) == 1)
		rc = in_row_key(&row) ? add_phone(out, &row)
				      : in_row_err(&row, wb_err(EX_DATAERR, "no phone or user ID in this row"));
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
		char key[CONTACT_KEY_MAX];
		int rc = contact_resolve(out->db, argv[i], key);
		if (rc)
			return rc;
		phone_list_add(out, key);
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
	if (bad || (b.s && memchr(b.s, 0, b.len))) {
		sb_free(&b);
		return bad ? wb_err(EX_IOERR, "%s: read error", name) : nul_byte(name, 0);
	}
	size_t bom = b.s ? bom_len(b.s, b.len) : 0;
	if (bom)
		memmove(b.s, b.s + bom, b.len - bom + 1);
	*text = b.s ? sb_take(&b) : xstrdup("");
	return 0;
}

#define DOC_MAX (64L << 20)

struct in_docs {
	int fd, eof, own_fd;
	size_t line_max; /* line mode: the longest line kept; 0: documents */
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

int in_docs_fd(const in_docs *r)
{
	return r->fd;
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

void in_docs_lines(in_docs *r, size_t max)
{
	r->line_max = max;
}

/* Skips white space between documents, counting lines: 1 at the next
 * document, 0 at the end, or fill's error. */
static int skip_blank(in_docs *r)
{
	for (;;) {
		if (!r->base && !r->start)
			r->start = bom_len(r->buf, r->end);
		while (r->start < r->end && strchr(" \t\r\n", r->buf[r->start]) && r->buf[r->start]) {
			r->line += r->buf[r->start] == '\n';
			r->start++;
		}
		if (r->start < r->end)
			return 1;
		int rc = r->eof ? 0 : fill(r);
		if (rc != 1)
			return rc;
	}
}

/* Line mode: the line at r->start, up to its newline or the end. A line
 * over the limit is dropped as it is read, so it never fills memory. */
static int next_line(in_docs *r, const char **doc, size_t *len, long long *offset, long *line)
{
	size_t i = 0;
	int over = 0;
	*offset = r->base + (long long)r->start;
	*line = r->line;
	for (;;) {
		const char *nl = memchr(r->buf + r->start + i, '\n', r->end - r->start - i);
		if (nl || r->eof) {
			i = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;
			break;
		}
		i = r->end - r->start;
		if (i > r->line_max) { /* keep none of it */
			over = 1;
			r->start = r->end;
			i = 0;
		}
		int rc = fill(r);
		if (rc > 1)
			return rc;
	}
	*doc = over || i > r->line_max ? NULL : r->buf + r->start;
	*len = *doc ? i : 0;
	r->start += i;
	if (!*doc)
		wb_err(EX_DATAERR, "%s:%ld: a line over %zu bytes (skipped)", r->name, *line, r->line_max);
	return 1;
}

/* Past a string's text from p[i] (i after its opening quote, or where
 * the last read ended inside it): the index after its closing quote, or
 * n with *esc saying whether the last byte read was an escape. The bytes
 * between are found with memchr, not looked at one by one: a webhook is
 * mostly strings, and this scan runs over every byte wb-recv reads. */
static size_t past_string(const char *p, size_t i, size_t n, int *in_str, int *esc)
{
	while (i < n) {
		if (*esc) {
			*esc = 0;
			i++;
			continue;
		}
		const char *q = memchr(p + i, '"', n - i);
		size_t end = q ? (size_t)(q - p) : n;
		const char *bs = memchr(p + i, '\\', end - i);
		if (bs) {
			i = (size_t)(bs - p) + 1;
			*esc = 1;
		} else if (q) {
			*in_str = 0;
			return end + 1;
		} else {
			return n;
		}
	}
	return i;
}

/* The length of the document at p, if it ends before n: a document ends
 * where its outermost bracket closes; anything that does not start with
 * one runs to the end of the line. The state carries over reads. */
static int doc_end(const char *p, size_t n, int bracketed, size_t *i, int *depth, int *in_str, int *esc)
{
	if (!bracketed) {
		const char *nl = memchr(p + *i, '\n', n - *i);
		*i = nl ? (size_t)(nl - p) : n;
		return nl != NULL;
	}
	while (*i < n) {
		if (*in_str) {
			*i = past_string(p, *i, n, in_str, esc);
			continue;
		}
		char c = p[(*i)++];
		if (c == '"')
			*in_str = 1;
		else if (c == '{' || c == '[')
			++*depth;
		else if ((c == '}' || c == ']') && --*depth == 0)
			return 1;
	}
	return 0;
}

static long count_lines(const char *p, size_t n)
{
	long k = 0;
	for (const char *e = p + n; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		k++;
	return k;
}

int in_docs_next(in_docs *r, const char **doc, size_t *len, long long *offset, long *line)
{
	int rc = skip_blank(r);
	if (rc != 1)
		return rc;
	if (r->line_max)
		return next_line(r, doc, len, offset, line);
	size_t i = 0;
	int depth = 0, in_str = 0, esc = 0;
	int bracketed = r->buf[r->start] == '{' || r->buf[r->start] == '[';
	while (!doc_end(r->buf + r->start, r->end - r->start, bracketed, &i, &depth, &in_str, &esc)) {
		if (r->eof) {
			if (bracketed)
				return wb_err(EX_DATAERR, "%s: offset %lld: truncated document (line %ld)",
					      r->name, r->base + (long long)r->start, r->line);
			break;
		}
		int rc = fill(r);
		if (rc > 1)
			return rc;
	}
	*doc = r->buf + r->start;
	*len = i;
	*offset = r->base + (long long)r->start;
	*line = r->line;
	r->line += count_lines(r->buf + r->start, i);
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
