/* svg — charts drawn as inline SVG for an HTML page, from numbers alone:
 * bars with a line of points over them, horizontal bars, a histogram
 * with marked positions, a heatmap. Each chart scales to its container
 * (a viewBox, width 100%); colours come from the page's CSS classes
 * (bar, line, point, mark, cell), so print and screen can differ. Every
 * text written is escaped: labels are data, never markup, and the output
 * is well-formed XML whatever bytes the data holds. */
#ifndef WB_SVG_H
#define WB_SVG_H
#include <stddef.h>
#include <stdio.h>

/* Writes s as text or attribute content: & < > " ' escaped, control
 * characters and invalid UTF-8 as U+FFFD. NULL writes nothing. */
void html_text(FILE *f, const char *s);

typedef struct {
	const char *name;
	const double *v;
} svg_series;

/* One bar of bars.v per label, and line.v (line NULL: none) as a
 * polyline with one point per label; the scale fits both. */
void svg_bars_line(FILE *f, const char *title, const char *const *labels, size_t n,
		   const svg_series *bars, const svg_series *line);
/* One horizontal bar per label, its value written at its end, the longest
 * the width (a funnel: each bar a stage). */
void svg_hbars(FILE *f, const char *title, const char *const *labels, const double *v, size_t n);

/* A position on a histogram's axis: at is in bins (1.5: half-way into
 * the second). */
typedef struct {
	const char *name;
	double at;
} svg_mark;
/* Bars of counts over n bins, named under the axis, with a labelled
 * vertical line for each mark. */
void svg_histogram(FILE *f, const char *title, const char *const *bins, const double *v, size_t n,
		   const svg_mark *marks, size_t nmarks);
/* nr × nc cells, v row by row, shaded by value (the largest darkest). */
void svg_heatmap(FILE *f, const char *title, const char *const *rows, size_t nr,
		 const char *const *cols, size_t nc, const double *v);

#endif
