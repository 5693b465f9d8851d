/* out — the one writer of result rows. A command names its columns once,
 * then adds typed cells row by row; this module decides the bytes for
 * table, csv, tsv, json and jsonl. Rows stream out as they are added
 * (memory stays flat) except in table mode, which measures widths first.
 * The table is for people: times in the business zone, durations and
 * rates in words, fitted to the terminal's width; the other formats are
 * for programs and keep raw values (UTC times, seconds, fractions).
 * CSV/TSV cells that a spreadsheet would run as a formula are neutralised.
 * A closed pipe (`| head`) ends the process quietly with status 0. */
#ifndef WB_OUT_H
#define WB_OUT_H
#include <stdint.h>
#include <stdio.h>

typedef enum { OUT_TABLE, OUT_CSV, OUT_TSV, OUT_JSON, OUT_JSONL } out_format;

/* Reads a format's name; NULL or "" is table on a terminal and csv
 * otherwise. Returns 0, or EX_USAGE with a message for a bad name. */
int out_parse_format(const char *name, out_format *f);

typedef struct out out;
/* cols: the column names, NULL-terminated; o keeps the pointer. A table
 * is as wide as COLUMNS says, else as the terminal fp is, else as wide
 * as its cells. */
out *out_new(out_format f, FILE *fp, const char *const *cols);

/* Settings, before the first cell. */
/* Flush after every row: for streams read live by another process. */
void out_line_buffered(out *o);
/* No header line (csv, tsv, table). */
void out_no_header(out *o);
/* The zone a table shows times in (an IANA name, copied; NULL: the
 * system's). */
void out_zone(out *o, const char *tz);
/* Whether o is a table (for people), for a cell a command composes
 * itself from times: then in the business zone, else UTC. */
int out_for_people(const out *o);
/* A table of one row is written as "column: value" lines. */
void out_one_row_vertical(out *o);
/* A table gets a sparkline next to the numeric column col: a block per
 * row as high as its value. */
void out_spark(out *o, const char *col);
/* A table becomes a bar chart of the numeric column col, each bar
 * labelled by the first nlabels columns. */
void out_plot(out *o, const char *col, int nlabels);

void out_str(out *o, const char *s); /* NULL is an empty cell / JSON null */
/* A contact's key (a phone or a user ID) as the two cells phone, user_id. */
void out_key(out *o, const char *key);
void out_int(out *o, int64_t v);
void out_num(out *o, double v);     /* up to 4 decimals; NaN is empty/null */
void out_bool(out *o, int b);
void out_null(out *o);
void out_json(out *o, const char *json); /* a JSON value: nested in json modes, text elsewhere */
/* A time in Unix seconds (0: none): 2026-11-25T10:00:00Z, and in a table
 * 2026-11-25 18:00+08:00 in the zone. */
void out_time(out *o, int64_t t);
/* A duration in seconds (< 0: none): a number, and in a table 2h 05m. */
void out_dur(out *o, int64_t secs);
/* A fraction (NaN: none): 0.975, and in a table 97.5%. */
void out_rate(out *o, double r);
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
/* Whether out_csv_cell writes the string s with a leading "'", which
 * keeps a spreadsheet from running it as a formula; the reader of tables
 * takes it off again. */
int out_neutralises(const char *s);

/* JSON text written straight to a stream (wb-recv's events): fp itself,
 * or, when fp is a terminal, a stream onto it that writes DEL, the C1
 * controls and the hidden characters (cp_hidden, util.h) as \u escapes,
 * which are only ever inside JSON strings: a parser reads the same
 * strings, and the terminal obeys none of them and reorders nothing.
 * Close it with fclose before fp. */
FILE *out_json_stream(FILE *fp);

#endif
