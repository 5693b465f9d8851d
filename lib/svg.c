#include "svg.h"

#include <math.h>

#include "util.h"

/* The drawing area inside every chart's viewBox, in its units. */
#define W 720.0
#define LEFT 48.0  /* room for the scale's numbers */
#define RIGHT 12.0
#define TOP 14.0
#define BOTTOM 30.0 /* room for the labels under the axis */

void html_text(FILE *f, const char *s)
{
	if (!s)
		return;
	while (*s) {
		unsigned cp;
		int n = utf8_next(s, &cp);
		if (!n || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f) {
			fputs("\xEF\xBF\xBD", f); /* U+FFFD: XML has no room for the byte */
			s += n ? n : 1;
			continue;
		}
		switch (cp) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fwrite(s, 1, (size_t)n, f);
		}
		s += n;
	}
}

/* A number as a chart writes it: whole numbers whole, others to 0.1. */
static void num(FILE *f, double v)
{
	fprintf(f, v == floor(v) ? "%.0f" : "%.1f", v);
}

static void svg_open(FILE *f, const char *title, double h)
{
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", W, h);
	html_text(f, title);
	fputs("\"><title>", f);
	html_text(f, title);
	fputs("</title>\n", f);
}

/* A tooltip: "label: value". */
static void tip(FILE *f, const char *label, const char *name, double v)
{
	fputs("<title>", f);
	html_text(f, label);
	if (name) {
		fputs(" ", f);
		html_text(f, name);
	}
	fputs(": ", f);
	num(f, v);
	fputs("</title>", f);
}

/* The top of the scale: 1, 2 or 5 times a power of ten, at least max. */
static double nice_max(double max)
{
	if (max <= 0)
		return 1;
	double p = pow(10, floor(log10(max)));
	return max <= p ? p : max <= 2 * p ? 2 * p : max <= 5 * p ? 5 * p : 10 * p;
}

static double largest(const double *v, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

/* The scale on the left and its lines: 0, half, top. */
static void scale(FILE *f, double top, double h)
{
	double bottom = h - BOTTOM;
	for (int i = 0; i <= 2; i++) {
		double y = bottom - (bottom - TOP) * i / 2;
		fprintf(f, "<line class=\"grid\" x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>", LEFT, y, W - RIGHT, y);
		fprintf(f, "<text class=\"scale\" x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", LEFT - 6, y + 4);
		num(f, top * i / 2);
		fputs("</text>\n", f);
	}
}

/* Labels under n slots, as many as fit without overlapping. */
static void axis_labels(FILE *f, const char *const *labels, size_t n, double h)
{
	double slot = (W - LEFT - RIGHT) / (double)n;
	size_t step = (size_t)ceil(64.0 / slot); /* a label needs about 64 units on a phone */
	for (size_t i = 0; i < n; i += step ? step : 1) {
		fprintf(f, "<text class=\"axis\" x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">",
			LEFT + slot * ((double)i + 0.5), h - BOTTOM + 18);
		html_text(f, labels[i]);
		fputs("</text>\n", f);
	}
}

void svg_bars_line(FILE *f, const char *title, const char *const *labels, size_t n,
		   const svg_series *bars, const svg_series *line)
{
	const double h = 260, bottom = h - BOTTOM;
	double lmax = line ? largest(line->v, n) : 0, bmax = largest(bars->v, n);
	double top = nice_max(lmax > bmax ? lmax : bmax), slot = n ? (W - LEFT - RIGHT) / (double)n : 0;
	svg_open(f, title, h);
	scale(f, top, h);
	for (size_t i = 0; i < n; i++) {
		double bh = (bottom - TOP) * bars->v[i] / top;
		fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
			LEFT + slot * ((double)i + 0.15), bottom - bh, slot * 0.7, bh);
		tip(f, labels[i], bars->name, bars->v[i]);
		fputs("</rect>\n", f);
	}
	if (line && n) {
		fputs("<polyline class=\"line\" points=\"", f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%s%.1f,%.1f", i ? " " : "", LEFT + slot * ((double)i + 0.5),
				bottom - (bottom - TOP) * line->v[i] / top);
		fputs("\"/>\n", f);
		for (size_t i = 0; i < n; i++) {
			fprintf(f, "<circle class=\"point\" r=\"3.5\" cx=\"%.1f\" cy=\"%.1f\">",
				LEFT + slot * ((double)i + 0.5), bottom - (bottom - TOP) * line->v[i] / top);
			tip(f, labels[i], line->name, line->v[i]);
			fputs("</circle>\n", f);
		}
	}
	if (n)
		axis_labels(f, labels, n, h);
	fputs("</svg>\n", f);
}

void svg_hbars(FILE *f, const char *title, const char *const *labels, const double *v, size_t n)
{
	const double row = 34, left = 110, right = 90;
	double h = TOP + row * (double)n + 6, top = largest(v, n);
	svg_open(f, title, h);
	for (size_t i = 0; i < n; i++) {
		double y = TOP + row * (double)i, bw = top > 0 ? (W - left - right) * v[i] / top : 0;
		fprintf(f, "<text class=\"axis\" x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", left - 8, y + row / 2 + 4);
		html_text(f, labels[i]);
		fprintf(f, "</text><rect class=\"bar\" x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
			left, y + 4, bw, row - 8);
		tip(f, labels[i], NULL, v[i]);
		fprintf(f, "</rect><text class=\"value\" x=\"%.1f\" y=\"%.1f\">", left + bw + 6, y + row / 2 + 4);
		num(f, v[i]);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
}

void svg_histogram(FILE *f, const char *title, const char *const *bins, const double *v, size_t n,
		   const svg_mark *marks, size_t nmarks)
{
	const double h = 240, bottom = h - BOTTOM;
	double top = nice_max(largest(v, n)), slot = n ? (W - LEFT - RIGHT) / (double)n : 0;
	svg_open(f, title, h);
	scale(f, top, h);
	for (size_t i = 0; i < n; i++) {
		double bh = (bottom - TOP) * v[i] / top;
		fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
			LEFT + slot * (double)i + 1, bottom - bh, slot - 2, bh);
		tip(f, bins[i], NULL, v[i]);
		fputs("</rect>\n", f);
	}
	for (size_t k = 0; k < nmarks; k++) {
		double x = LEFT + slot * marks[k].at;
		fprintf(f, "<line class=\"mark\" x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, TOP, x, bottom);
		fprintf(f, "<text class=\"mark\" x=\"%.1f\" y=\"%.0f\" dy=\"%.0f\">", x + 4, TOP + 10, 14.0 * (double)k);
		html_text(f, marks[k].name);
		fputs("</text>\n", f);
	}
	if (n)
		axis_labels(f, bins, n, h);
	fputs("</svg>\n", f);
}

void svg_heatmap(FILE *f, const char *title, const char *const *rows, size_t nr,
		 const char *const *cols, size_t nc, const double *v)
{
	const double cell = 26, left = 48;
	double h = TOP + cell * (double)nr + 22, top = largest(v, nr * nc);
	double cw = (W - left - RIGHT) / (double)(nc ? nc : 1);
	svg_open(f, title, h);
	for (size_t r = 0; r < nr; r++) {
		fprintf(f, "<text class=\"axis\" x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", left - 6,
			TOP + cell * (double)r + cell / 2 + 4);
		html_text(f, rows[r]);
		fputs("</text>\n", f);
		for (size_t c = 0; c < nc; c++) {
			double x = v[r * nc + c], o = top > 0 && x > 0 ? 0.12 + 0.88 * x / top : 0;
			fprintf(f, "<rect class=\"cell%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				   "fill-opacity=\"%.2f\">",
				o > 0 ? "" : " empty", left + cw * (double)c + 1, TOP + cell * (double)r + 1, cw - 2,
				cell - 2, o > 0 ? o : 1);
			tip(f, rows[r], cols[c], x);
			fputs("</rect>\n", f);
		}
	}
	for (size_t c = 0; c < nc; c += 3) {
		fprintf(f, "<text class=\"axis\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
			left + cw * ((double)c + 0.5), TOP + cell * (double)nr + 16);
		html_text(f, cols[c]);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
}
