/* table — the output format for people, behind out's table mode: rows
 * kept until the end, then laid out to fit the terminal (the widest
 * columns cut first, with an ellipsis; a table never wraps), one row as
 * "column: value" lines, a sparkline column, or a bar chart of a column.
 * It knows the terminal (COLUMNS, the tty's width, whether the locale is
 * UTF-8) and nothing of formats or of what the cells mean. */
#ifndef WB_TABLE_H
#define WB_TABLE_H
#include <stdio.h>

typedef struct table table;

/* A table of ncols columns, to be written to fp, as wide as COLUMNS
 * says, else as the terminal fp is, else as its cells are. */
table *table_new(int ncols, FILE *fp);
/* Adds the next cell, row by row, the header's first: its text (taken;
 * NULL is empty), its value (NaN when it has none) and whether it is a
 * number (aligned right). */
void table_cell(table *t, char *text, double v, int numeric);

/* How it is written; the first row is the header. */
void table_no_header(table *t);
/* One row is written as "column: value" lines. */
void table_vertical(table *t);
/* A column after col: its values as a block a row, each as high as its
 * value (a sparkline read downwards). */
void table_spark(table *t, int col);
/* A bar chart of col instead, each bar labelled by the first nlabels
 * columns. */
void table_plot(table *t, int col, int nlabels);

/* Writes it and frees it. */
void table_write(table *t);

#endif
