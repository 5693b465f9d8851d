#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

typedef struct {
	char *text;
	double v;
	unsigned char num;
} tcell;

struct table {
	FILE *fp;
	int ncols;
	tcell *c;
	size_t len, cap;
	int no_header, vertical;
	int spark, plot, nlabels; /* columns, -1 when none */
	size_t width;             /* 0: no limit */
	int utf8;
};

/* A table is as wide as COLUMNS says (so a script or a test can ask for
 * a width), else as the terminal it goes to. */
static size_t term_width(FILE *fp)
{
	long n;
	const char *c = getenv("COLUMNS");
	if (c && !parse_long(c, 1, 100000, &n))
		return (size_t)n;
	struct winsize ws;
	if (isatty(fileno(fp)) && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* Whether the terminal shows UTF-8: what the locale variables say, read
 * without setlocale (which would change how numbers are printed). */
static int utf8_locale(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	for (int i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
	}
	return 0;
}

table *table_new(int ncols, FILE *fp)
{
	table *t = xcalloc(1, sizeof *t);
	t->fp = fp;
	t->ncols = ncols;
	t->spark = t->plot = -1;
	t->width = term_width(fp);
	t->utf8 = utf8_locale();
	return t;
}

void table_cell(table *t, char *text, double v, int numeric)
{
	if (t->len == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->c = xrealloc(t->c, t->cap * sizeof *t->c);
	}
	t->c[t->len++] = (tcell){text, v, (unsigned char)numeric};
}

void table_no_header(table *t)
{
	t->no_header = 1;
}

void table_vertical(table *t)
{
	t->vertical = 1;
}

void table_spark(table *t, int col)
{
	t->spark = col;
}

void table_plot(table *t, int col, int nlabels)
{
	t->plot = col;
	t->nlabels = nlabels;
}

static size_t nrows(const table *t)
{
	return t->ncols ? t->len / (size_t)t->ncols : 0;
}

static tcell *at(const table *t, size_t row, int col)
{
	return &t->c[row * (size_t)t->ncols + (size_t)col];
}

static const char *text(const table *t, size_t row, int col)
{
	const char *s = at(t, row, col)->text;
	return s ? s : "";
}

/* The largest value of a column (0 when none is above 0). */
static double col_max(const table *t, int col)
{
	double m = 0;
	for (size_t r = 1; r < nrows(t); r++) {
		double v = at(t, r, col)->v;
		if (isfinite(v) && v > m)
			m = v;
	}
	return m;
}

/* The block a sparkline shows for v of max: eight heights, a blank for
 * nothing. */
static const char *spark_glyph(const table *t, double v, double max)
{
	static const char *const blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	static const char *const ascii[] = {".", ":", "-", "=", "+", "*", "#", "@"};
	if (!isfinite(v) || v <= 0 || max <= 0)
		return " ";
	int level = (int)ceil(v / max * 8) - 1;
	level = level < 0 ? 0 : level > 7 ? 7 : level;
	return t->utf8 ? blocks[level] : ascii[level];
}

/* s cut to w columns with an ellipsis, or s itself when it fits. */
static char *fit_text(const table *t, const char *s, size_t w, char **owned)
{
	*owned = NULL;
	if (utf8_width(s) <= w)
		return (char *)s;
	if (!w)
		return "";
	size_t keep = utf8_prefix(s, w - 1);
	return *owned = xasprintf("%.*s%s", (int)keep, s, t->utf8 ? "…" : "~");
}

/* Writes s in a column w wide: cut to fit, padded (numbers on the left);
 * the last column gets no trailing blanks. */
static void put_cell(const table *t, const char *s, size_t w, int right, int last)
{
	char *owned;
	const char *shown = fit_text(t, s, w, &owned);
	size_t pad = w - utf8_width(shown);
	if (right)
		fprintf(t->fp, "%*s", (int)pad, "");
	fputs(shown, t->fp);
	if (!right && !last)
		fprintf(t->fp, "%*s", (int)pad, "");
	fputs(last ? "\n" : "  ", t->fp);
	free(owned);
}

/* Narrows the n columns of widths w (two blanks between them) towards
 * width, one column at a time, the widest first, none below its floor
 * (NULL: one). */
static void fit(size_t *w, const size_t *floor, int n, size_t width)
{
	if (n < 1)
		return;
	size_t total = 2 * (size_t)(n - 1);
	for (int i = 0; i < n; i++)
		total += w[i];
	while (width && total > width) {
		int widest = -1;
		for (int i = 0; i < n; i++)
			if (w[i] > (floor ? floor[i] : 1) && (widest < 0 || w[i] > w[widest]))
				widest = i;
		if (widest < 0)
			break;
		w[widest]--;
		total--;
	}
}

/* The columns as shown: the table's, with the sparkline after its
 * column (-1 - col stands for the sparkline of col). */
static int shown_cols(const table *t, int *cols)
{
	int n = 0;
	for (int i = 0; i < t->ncols; i++) {
		cols[n++] = i;
		if (i == t->spark)
			cols[n++] = -1 - i;
	}
	return n;
}

static void write_grid(table *t)
{
	int *cols = xcalloc((size_t)t->ncols + 1, sizeof *cols);
	int n = shown_cols(t, cols);
	/* the widths of the cells, and of the header: a header wider than
	 * its column's cells is cut first (to four columns at the least),
	 * then the widest columns */
	size_t *w = xcalloc((size_t)n, sizeof *w), *cells = xcalloc((size_t)n, sizeof *cells);
	size_t first = t->no_header ? 1 : 0;
	double max = t->spark >= 0 ? col_max(t, t->spark) : 0;
	for (int i = 0; i < n; i++) {
		for (size_t r = 1; r < nrows(t); r++) {
			size_t cw = cols[i] < 0 ? 1 : utf8_width(text(t, r, cols[i]));
			if (cw > cells[i])
				cells[i] = cw;
		}
		size_t hw = first || cols[i] < 0 ? 0 : utf8_width(text(t, 0, cols[i]));
		w[i] = hw > cells[i] ? hw : cells[i];
		if (cells[i] < 4) /* enough of the header to tell the column */
			cells[i] = hw < 4 ? w[i] : 4;
	}
	fit(w, cells, n, t->width);
	fit(w, NULL, n, t->width);
	for (size_t r = first; r < nrows(t); r++)
		for (int i = 0; i < n; i++) {
			int c = cols[i];
			const char *s = c >= 0 ? text(t, r, c) : r ? spark_glyph(t, at(t, r, -1 - c)->v, max) : "";
			put_cell(t, s, w[i], c >= 0 && r && at(t, r, c)->num, i == n - 1);
		}
	free(cells);
	free(w);
	free(cols);
}

/* One row: a line a column, its name and its value. */
static void write_vertical(table *t)
{
	size_t nw = 0;
	for (int i = 0; i < t->ncols; i++)
		if (utf8_width(text(t, 0, i)) + 1 > nw)
			nw = utf8_width(text(t, 0, i)) + 1;
	size_t vw = t->width > nw + 3 ? t->width - nw - 2 : 0;
	for (int i = 0; i < t->ncols; i++) {
		char *name = xasprintf("%s:", text(t, 0, i));
		const char *v = text(t, 1, i);
		/* no blanks after a name without value */
		put_cell(t, name, *v ? nw : utf8_width(name), 0, !*v);
		if (*v)
			put_cell(t, v, vw ? vw : utf8_width(v), 0, 1);
		free(name);
	}
}

/* A bar of value v of max, cells wide at most: whole blocks and an
 * eighth, or '#' in ASCII. */
static void put_bar(const table *t, double v, double max, size_t cells)
{
	static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
	size_t len = isfinite(v) && v > 0 && max > 0 ? (size_t)llround(v / max * (double)cells * 8) : 0;
	size_t drawn = len / 8;
	for (size_t i = 0; i < drawn; i++)
		fputs(t->utf8 ? "█" : "#", t->fp);
	if (t->utf8 ? len % 8 : len % 8 >= 4) { /* ASCII rounds the eighths */
		fputs(t->utf8 ? eighths[len % 8] : "#", t->fp);
		drawn++;
	}
	fprintf(t->fp, "%*s", (int)(cells - drawn), "");
}

/* The plotted column's bars, each after its labels and before its value. */
static void write_plot(table *t)
{
	int nl = t->nlabels < t->ncols ? t->nlabels : 0;
	size_t *w = xcalloc((size_t)nl + 1, sizeof *w), vw = 0, lw = 0;
	double max = col_max(t, t->plot);
	for (size_t r = 0; r < nrows(t); r++) {
		for (int i = 0; i < nl; i++)
			if (utf8_width(text(t, r, i)) > w[i])
				w[i] = utf8_width(text(t, r, i));
		if (r && utf8_width(text(t, r, t->plot)) > vw)
			vw = utf8_width(text(t, r, t->plot));
	}
	size_t width = t->width ? t->width : 80, bar_min = 10;
	/* the labels give way before the bars get shorter than bar_min */
	if (width > vw + bar_min + 3)
		fit(w, NULL, nl, width - vw - bar_min - 3);
	for (int i = 0; i < nl; i++)
		lw += w[i] + 2;
	size_t bar = width > lw + vw + 1 + bar_min ? width - lw - vw - 1 : bar_min;
	for (size_t r = t->no_header ? 1 : 0; r < nrows(t); r++) {
		for (int i = 0; i < nl; i++)
			put_cell(t, text(t, r, i), w[i], 0, 0);
		if (!r) {
			fprintf(t->fp, "%s\n", text(t, 0, t->plot));
			continue;
		}
		put_bar(t, at(t, r, t->plot)->v, max, bar);
		fputc(' ', t->fp);
		put_cell(t, text(t, r, t->plot), vw, 1, 1);
	}
	free(w);
}

void table_write(table *t)
{
	if (t->plot >= 0 && t->plot < t->ncols)
		write_plot(t);
	else if (t->vertical && nrows(t) == 2)
		write_vertical(t);
	else
		write_grid(t);
	for (size_t i = 0; i < t->len; i++)
		free(t->c[i].text);
	free(t->c);
	free(t);
}
