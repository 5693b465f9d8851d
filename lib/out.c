#include "out.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsuid.h"
#include "err.h"
#include "table.h"
#include "util.h"
#include "when.h"

enum cell_kind { C_NULL, C_STR, C_NUM, C_BOOL, C_JSON };

typedef struct {
	enum cell_kind kind;
	char *text; /* the rendering; for strings the string itself */
	double v;   /* a number's value, for charts; NaN otherwise */
} cell;

struct out {
	out_format f;
	FILE *fp;
	int ncols, ncell, line_buffered, begun, no_header;
	int tty; /* fp is a terminal: a person reads even csv or json there */
	const char *const *cols;
	cell *row;
	long rows;
	char *tz;     /* the zone a table shows times in; NULL: the system's */
	table *table; /* table mode keeps every row to measure the columns */
};

int out_parse_format(const char *name, out_format *f)
{
	static const char *const names[] = {"table", "csv", "tsv", "json", "jsonl"};
	if (!name || !*name) {
		*f = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_CSV;
		return 0;
	}
	for (int i = 0; i < 5; i++)
		if (!strcmp(name, names[i])) {
			*f = (out_format)i;
			return 0;
		}
	return wb_err(EX_USAGE, "unknown output format '%s' (table, csv, tsv, json, jsonl)", name);
}

/* A reader that went away (`| head`) is not an error worth a word. */
static void check_write(out *o)
{
	if (!ferror(o->fp))
		return;
	if (errno == EPIPE)
		exit(0);
	wb_die(EX_IOERR, "write error: %s", strerror(errno));
}

out *out_new(out_format f, FILE *fp, const char *const *cols)
{
	int ncols = 0;
	while (cols[ncols])
		ncols++;
	out *o = xcalloc(1, sizeof *o);
	o->f = f;
	o->fp = fp;
	o->cols = cols;
	o->ncols = ncols;
	o->row = xcalloc((size_t)ncols, sizeof *o->row);
	o->tty = isatty(fileno(fp));
	if (f == OUT_TABLE)
		o->table = table_new(ncols, fp);
	return o;
}

/* The document's start, at the first row or at the end: the header
 * (unless it is turned off), or json's '['. Late, so that the settings
 * made after out_new count. */
static void begin(out *o)
{
	if (o->begun)
		return;
	o->begun = 1;
	if (o->f == OUT_JSON) {
		fputc('[', o->fp);
	} else if (o->table) {
		for (int i = 0; i < o->ncols; i++)
			table_cell(o->table, xstrdup(o->cols[i]), NAN, 0);
	} else if ((o->f == OUT_CSV || o->f == OUT_TSV) && !o->no_header) {
		char sep = o->f == OUT_CSV ? ',' : '\t';
		for (int i = 0; i < o->ncols; i++) {
			if (i)
				fputc(sep, o->fp);
			out_csv_cell(o->fp, o->cols[i], 1, sep);
		}
		fputc('\n', o->fp);
	}
}

void out_line_buffered(out *o)
{
	o->line_buffered = 1;
}

void out_no_header(out *o)
{
	o->no_header = 1;
	if (o->table)
		table_no_header(o->table);
}

void out_zone(out *o, const char *tz)
{
	free(o->tz);
	o->tz = tz ? xstrdup(tz) : NULL;
}

int out_for_people(const out *o)
{
	return o->f == OUT_TABLE;
}

void out_one_row_vertical(out *o)
{
	if (o->table)
		table_vertical(o->table);
}

/* The index of a column by name; naming none is a bug. */
static int col_index(out *o, const char *name)
{
	for (int i = 0; i < o->ncols; i++)
		if (!strcmp(o->cols[i], name))
			return i;
	wb_die(EX_SOFTWARE, "internal error: no column '%s'", name);
}

void out_spark(out *o, const char *col)
{
	if (o->table)
		table_spark(o->table, col_index(o, col));
}

void out_plot(out *o, const char *col, int nlabels)
{
	if (o->table)
		table_plot(o->table, col_index(o, col), nlabels);
}

long out_rows(out *o)
{
	return o->rows;
}

static void put(out *o, enum cell_kind k, char *text, double v)
{
	if (o->ncell >= o->ncols)
		wb_die(EX_SOFTWARE, "internal error: more cells than columns");
	o->row[o->ncell++] = (cell){k, text, v};
}

void out_str(out *o, const char *s)
{
	put(o, s ? C_STR : C_NULL, s ? xstrdup(s) : NULL, NAN);
}

void out_key(out *o, const char *key)
{
	int uid = bsuid_valid(key);
	out_str(o, uid ? NULL : key);
	out_str(o, uid ? key : NULL);
}

void out_int(out *o, int64_t v)
{
	put(o, C_NUM, xasprintf("%lld", (long long)v), (double)v);
}

/* v with up to so many decimals and no trailing zeros: 0.5000 → 0.5,
 * 3.0000 → 3. */
static char *fmt_num(double v, int decimals)
{
	char *s = xasprintf("%.*f", decimals, v);
	char *e = s + strlen(s) - 1;
	while (strchr(s, '.') && *e == '0')
		*e-- = 0;
	if (*e == '.')
		*e = 0;
	return s;
}

void out_num(out *o, double v)
{
	if (isnan(v) || isinf(v))
		out_null(o);
	else
		put(o, C_NUM, fmt_num(v, 4), v);
}

void out_bool(out *o, int b)
{
	put(o, C_BOOL, xstrdup(b ? "true" : "false"), NAN);
}

void out_null(out *o)
{
	put(o, C_NULL, NULL, NAN);
}

void out_json(out *o, const char *json)
{
	put(o, json ? C_JSON : C_NULL, json ? xstrdup(json) : NULL, NAN);
}

void out_time(out *o, int64_t t)
{
	char buf[40];
	if (!t) {
		out_null(o);
		return;
	}
	if (o->table)
		when_fmt_human(t, o->tz, buf);
	else
		when_fmt_utc(t, buf);
	put(o, C_STR, xstrdup(buf), NAN);
}

void out_dur(out *o, int64_t secs)
{
	char buf[48];
	if (secs < 0) {
		out_null(o);
	} else if (!o->table) {
		out_int(o, secs);
	} else {
		when_dur_human(secs, buf);
		put(o, C_NUM, xstrdup(buf), (double)secs);
	}
}

void out_rate(out *o, double r)
{
	if (isnan(r) || isinf(r) || !o->table) {
		out_num(o, r);
		return;
	}
	char *pct = fmt_num(r * 100, 1);
	put(o, C_NUM, xasprintf("%s%%", pct), r);
	free(pct);
}

/* A number as a spreadsheet reads one: decimal digits, a sign, a point,
 * an exponent. Not all that strtod takes: "-nan(x)", "+inf" or "-0x1p3"
 * would be formulas to a spreadsheet, calling a function. */
static int looks_numeric(const char *s)
{
	char *end;
	if (!*s || s[strspn(s, "0123456789+-.eE")])
		return 0;
	errno = 0;
	strtod(s, &end);
	return *end == 0 && errno == 0;
}

int out_neutralises(const char *s)
{
	return *s && strchr("=+-@\t\r", *s) && !looks_numeric(s);
}

void out_csv_cell(FILE *fp, const char *s, int is_string, char sep)
{
	if (!s)
		return;
	/* A spreadsheet runs a cell starting with = + - @ (or a tab or CR
	 * that hides one) as a formula; a leading quote makes it text. A
	 * string that is a plain number stays as it is. */
	int neutralise = is_string && out_neutralises(s);
	if (sep == '\t') {
		if (neutralise)
			fputc('\'', fp);
		for (const char *p = s; *p; p++) {
			switch (*p) {
			case '\t': fputs("\\t", fp); break;
			case '\n': fputs("\\n", fp); break;
			case '\r': fputs("\\r", fp); break;
			case '\\': fputs("\\\\", fp); break;
			default: fputc(*p, fp);
			}
		}
		return;
	}
	int quote = neutralise || strpbrk(s, ",\"\r\n") != NULL;
	if (!quote) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (neutralise)
		fputc('\'', fp);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', fp);
		fputc(*p, fp);
	}
	fputc('"', fp);
}

static void json_string(FILE *fp, const char *s)
{
	static sb buf;
	sb_reset(&buf);
	sb_json_string(&buf, s);
	fwrite(buf.s, 1, buf.len, fp);
}

static void write_json_row(out *o)
{
	if (o->f == OUT_JSON)
		fputs(o->rows ? ",\n" : "\n", o->fp);
	fputc('{', o->fp);
	for (int i = 0; i < o->ncols; i++) {
		if (i)
			fputc(',', o->fp);
		json_string(o->fp, o->cols[i]);
		fputc(':', o->fp);
		cell *c = &o->row[i];
		switch (c->kind) {
		case C_NULL: fputs("null", o->fp); break;
		case C_STR: json_string(o->fp, c->text); break;
		default: fputs(c->text, o->fp);
		}
	}
	fputc('}', o->fp);
	if (o->f == OUT_JSONL)
		fputc('\n', o->fp);
}

void out_row_end(out *o)
{
	while (o->ncell < o->ncols)
		out_null(o);
	begin(o);
	/* on a terminal no escape sequence of a customer's is obeyed, in any
	 * format (a table's cells are shown so below, on one line) */
	for (int i = 0; o->tty && o->f != OUT_TABLE && i < o->ncols; i++) {
		cell *c = &o->row[i];
		if (c->kind == C_STR || c->kind == C_JSON) {
			char *v = str_visible(c->text, 0);
			free(c->text);
			c->text = v;
		}
	}
	switch (o->f) {
	case OUT_CSV:
	case OUT_TSV: {
		char sep = o->f == OUT_CSV ? ',' : '\t';
		for (int i = 0; i < o->ncols; i++) {
			if (i)
				fputc(sep, o->fp);
			out_csv_cell(o->fp, o->row[i].text, o->row[i].kind == C_STR || o->row[i].kind == C_JSON, sep);
		}
		fputc('\n', o->fp);
		break;
	}
	case OUT_JSON:
	case OUT_JSONL:
		write_json_row(o);
		break;
	case OUT_TABLE:
		for (int i = 0; i < o->ncols; i++) {
			cell *c = &o->row[i];
			/* a table is for a terminal: newlines would break the grid, and
			 * a customer's escape sequences must not reach it */
			table_cell(o->table, c->text ? str_visible(c->text, 1) : NULL, c->v, c->kind == C_NUM);
		}
		break;
	}
	for (int i = 0; i < o->ncols; i++) {
		free(o->row[i].text);
		o->row[i].text = NULL;
	}
	o->ncell = 0;
	o->rows++;
	if (o->line_buffered)
		fflush(o->fp);
	check_write(o);
}

void out_row_strs(out *o, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++)
		out_str(o, cells[i]);
	out_row_end(o);
}

int out_close(out *o)
{
	if (!o)
		return 0;
	begin(o);
	if (o->f == OUT_JSON)
		fputs(o->rows ? "\n]\n" : "]\n", o->fp);
	else if (o->table)
		table_write(o->table);
	fflush(o->fp);
	check_write(o);
	free(o->row);
	free(o->tz);
	free(o);
	return 0;
}

/* The stream of out_json_stream: a character cut at the end of a write
 * waits in carry for the rest. */
typedef struct {
	FILE *to;
	char carry[4];
	size_t ncarry;
} json_tty;

/* Writes the n bytes at s to j->to, the characters a terminal would act
 * on or hide as \u escapes; returns how many bytes it used (a character
 * cut at the end is left). */
static size_t json_tty_put(json_tty *j, const char *s, size_t n)
{
	size_t i = 0, run = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (i + len > n)
			break;
		char ch[5] = {0};
		memcpy(ch, s + i, len);
		unsigned cp = c;
		if (c >= 0x80 && utf8_next(ch, &cp) != (int)len)
			cp = 0; /* not UTF-8: left as it is */
		if (cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp_hidden(cp)) {
			fwrite(s + run, 1, i - run, j->to);
			fprintf(j->to, "\\u%04x", cp);
			run = i + len;
		}
		i += len;
	}
	fwrite(s + run, 1, i - run, j->to);
	return i;
}

static ssize_t json_tty_write(void *cookie, const char *buf, size_t size)
{
	json_tty *j = cookie;
	size_t used = 0;
	if (j->ncarry) { /* complete the character cut last time */
		char c[8];
		size_t k = size < 4 ? size : 4;
		memcpy(c, j->carry, j->ncarry);
		memcpy(c + j->ncarry, buf, k);
		size_t n = json_tty_put(j, c, j->ncarry + k);
		if (n < j->ncarry) { /* still cut: keep it all */
			memcpy(j->carry + j->ncarry, buf, k);
			j->ncarry += k;
			return (ssize_t)k;
		}
		used = n - j->ncarry;
		j->ncarry = 0;
	}
	used += json_tty_put(j, buf + used, size - used);
	j->ncarry = size - used;
	memcpy(j->carry, buf + used, j->ncarry);
	return fflush(j->to) ? -1 : (ssize_t)size;
}

static int json_tty_close(void *cookie)
{
	json_tty *j = cookie;
	fwrite(j->carry, 1, j->ncarry, j->to);
	int rc = fflush(j->to);
	free(j);
	return rc;
}

FILE *out_json_stream(FILE *fp)
{
	if (!isatty(fileno(fp)))
		return fp;
	json_tty *j = xcalloc(1, sizeof *j);
	j->to = fp;
	FILE *f = fopencookie(j, "w", (cookie_io_functions_t){.write = json_tty_write, .close = json_tty_close});
	if (!f) {
		free(j);
		return fp;
	}
	setvbuf(f, NULL, _IOLBF, 0); /* lines go out as they come, as to the terminal */
	return f;
}
