/* out — the one writer of result rows. A command names its columns once,
 * then adds typed cells row by row; this module decides the bytes for
 * table, csv, tsv, json and jsonl. Rows stream out as they are added
 * (memory stays flat) except in table mode, which measures widths first.
 * CSV/TSV cells that a spreadsheet would run as a formula are neutralised.
 * A closed pipe (`| head`) ends the process quietly with status 0. */
#ifndef WB_OUT_H
#define WB_OUT_H
#include <stdint.h>
#include <stdio.h>

typedef enum { OUT_TABLE, OUT_CSV, OUT_TSV, OUT_JSON, OUT_JSONL } out_format;

/* Reads -o's argument; NULL means WB_OUTPUT, else table on a terminal and
 * csv otherwise. Returns 0, or EX_USAGE with a message for a bad name. */
int out_parse_format(const char *name, out_format *f);

typedef struct out out;
/* cols: the column names, NULL-terminated; o keeps the pointer. */
out *out_new(out_format f, FILE *fp, const char *const *cols);
/* Flush after every row: for streams read live by another process. */
void out_line_buffered(out *o);
void out_str(out *o, const char *s); /* NULL is an empty cell / JSON null */
void out_int(out *o, int64_t v);
void out_opt_int(out *o, int64_t v); /* negative: no such figure, an empty cell / JSON null */
void out_num(out *o, double v);     /* up to 4 decimals; NaN is empty/null */
void out_bool(out *o, int b);
void out_null(out *o);
void out_json(out *o, const char *json); /* a JSON value: nested in json modes, text elsewhere */
void out_row_end(out *o);
/* A whole row of n text cells (NULL cells empty), ended. */
void out_row_strs(out *o, const char *const *cells, int n);
/* Finishes the document (the closing ']' in json, the table itself) and
 * frees o. Returns 0 or EX_IOERR with a message. */
int out_close(out *o);
/* Number of rows written so far. */
long out_rows(out *o);

/* Shared with other writers: a CSV/TSV-safe rendering of one cell. */
void out_csv_cell(FILE *fp, const char *s, int is_string, char sep);

#endif
