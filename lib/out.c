#include "out.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

enum cell_kind { C_NULL, C_STR, C_NUM, C_BOOL, C_JSON };

typedef struct {
	enum cell_kind kind;
	char *text; /* the rendering; for strings the string itself */
} cell;

struct out {
	out_format f;
	FILE *fp;
	int ncols, ncell, line_buffered;
	const char *const *cols;
	cell *row;
	long rows;
	/* table mode keeps every row to measure the columns */
	char **tab;
	unsigned char *tab_num;
	size_t tab_len, tab_cap;
};

int out_parse_format(const char *name, out_format *f)
{
	static const char *const names[] = {"table", "csv", "tsv", "json", "jsonl"};
	if (!name || !*name)
		name = getenv("WB_OUTPUT");
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

/* Keeps one table cell (taking text) until the table is written. */
static void tab_push(out *o, char *text, int numeric)
{
	if (o->tab_len == o->tab_cap) {
		o->tab_cap = o->tab_cap ? o->tab_cap * 2 : 256;
		o->tab = xrealloc(o->tab, o->tab_cap * sizeof *o->tab);
		o->tab_num = xrealloc(o->tab_num, o->tab_cap);
	}
	o->tab[o->tab_len] = text;
	o->tab_num[o->tab_len++] = (unsigned char)numeric;
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
	if (f == OUT_CSV || f == OUT_TSV) {
		char sep = f == OUT_CSV ? ',' : '\t';
		for (int i = 0; i < ncols; i++) {
			if (i)
				fputc(sep, fp);
			out_csv_cell(fp, cols[i], 1, sep);
		}
		fputc('\n', fp);
	} else if (f == OUT_JSON) {
		fputc('[', fp);
	} else if (f == OUT_TABLE) {
		for (int i = 0; i < ncols; i++) {
			tab_push(o, xstrdup(cols[i]), 0);
		}
	}
	return o;
}

void out_line_buffered(out *o)
{
	o->line_buffered = 1;
}

long out_rows(out *o)
{
	return o->rows;
}

static void put(out *o, enum cell_kind k, char *text)
{
	if (o->ncell >= o->ncols)
		wb_die(EX_SOFTWARE, "internal error: more cells than columns");
	o->row[o->ncell].kind = k;
	o->row[o->ncell].text = text;
	o->ncell++;
}

void out_str(out *o, const char *s)
{
	put(o, s ? C_STR : C_NULL, s ? xstrdup(s) : NULL);
}

void out_int(out *o, int64_t v)
{
	put(o, C_NUM, xasprintf("%lld", (long long)v));
}

void out_opt_int(out *o, int64_t v)
{
	if (v < 0)
		out_null(o);
	else
		out_int(o, v);
}

void out_num(out *o, double v)
{
	if (isnan(v) || isinf(v)) {
		out_null(o);
		return;
	}
	char *s = xasprintf("%.4f", v);
	/* 0.5000 → 0.5, 3.0000 → 3 */
	char *e = s + strlen(s) - 1;
	while (*e == '0')
		*e-- = 0;
	if (*e == '.')
		*e = 0;
	put(o, C_NUM, s);
}

void out_bool(out *o, int b)
{
	put(o, C_BOOL, xstrdup(b ? "true" : "false"));
}

void out_null(out *o)
{
	put(o, C_NULL, NULL);
}

void out_json(out *o, const char *json)
{
	put(o, json ? C_JSON : C_NULL, json ? xstrdup(json) : NULL);
}

static int looks_numeric(const char *s)
{
	char *end;
	if (!*s)
		return 0;
	errno = 0;
	strtod(s, &end);
	return *end == 0 && errno == 0;
}

void out_csv_cell(FILE *fp, const char *s, int is_string, char sep)
{
	if (!s)
		return;
	/* A spreadsheet runs a cell starting with = + - @ (or a tab or CR
	 * that hides one) as a formula; a leading quote makes it text. A
	 * string that is a plain number stays as it is. */
	int neutralise = is_string && strchr("=+-@\t\r", *s) && *s && !looks_numeric(s);
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
			/* newlines would break the grid */
			char *t = c->text ? c->text : xstrdup("");
			for (char *p = t; *p; p++)
				if (*p == '\n' || *p == '\r' || *p == '\t')
					*p = ' ';
			tab_push(o, t, c->kind == C_NUM);
			c->text = NULL;
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

static void write_table(out *o)
{
	size_t *w = xcalloc((size_t)o->ncols, sizeof *w);
	for (size_t i = 0; i < o->tab_len; i++) {
		size_t cw = utf8_width(o->tab[i]);
		if (cw > w[i % o->ncols])
			w[i % o->ncols] = cw;
	}
	for (size_t i = 0; i < o->tab_len; i++) {
		int col = (int)(i % o->ncols);
		size_t pad = w[col] - utf8_width(o->tab[i]);
		int last = col == o->ncols - 1;
		if (o->tab_num[i])
			fprintf(o->fp, "%*s", (int)pad, "");
		fputs(o->tab[i], o->fp);
		if (!last && !o->tab_num[i])
			fprintf(o->fp, "%*s", (int)pad, "");
		fputs(last ? "\n" : "  ", o->fp);
		free(o->tab[i]);
	}
	free(w);
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
	if (o->f == OUT_JSON)
		fputs(o->rows ? "\n]\n" : "]\n", o->fp);
	else if (o->f == OUT_TABLE)
		write_table(o);
	fflush(o->fp);
	check_write(o);
	free(o->tab);
	free(o->tab_num);
	free(o->row);
	free(o);
	return 0;
}
