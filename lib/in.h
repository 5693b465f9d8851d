/* in — the one reader of records from files and stdin: CSV (RFC 4180,
 * via libcsv, a header row naming the columns), JSONL, and the list of
 * phone numbers a contact command takes (arguments, or stdin as one
 * number a line, CSV/TSV with a phone or wa_id column, or JSONL with a
 * phone or wa_id field). Errors name the file and line. */
#ifndef WB_IN_H
#define WB_IN_H
#include <stdio.h>

#include "db.h"
#include "phone.h"

/* A CSV reader that hands out one record at a time. */
typedef struct csvr csvr;
/* name is what errors call the input ("contacts.csv", "stdin"). */
csvr *csvr_open(FILE *fp, const char *name, char sep);
/* Reads the next record into *fields and *n (owned by the reader, valid until
 * the next call). Returns 1 for a record, 0 at the end, or an EX_ code.
 * *line is the line the record starts on. Blank lines are skipped. */
int csvr_next(csvr *r, char ***fields, int *n, long *line);
void csvr_close(csvr *r);

/* The column of a header row that holds phone numbers: "phone", else
 * "wa_id" (any case); -1 when there is none. */
int in_phone_column(char *const *header, int n);

/* A list of normalised phone numbers. Numbers are read against db's
 * contacts (contact_resolve_phone) when it is set. */
typedef struct {
	char (*v)[PHONE_MAX];
	size_t n, cap;
	wb_db *db;
} phone_list;
void phone_list_add(phone_list *l, const char *wa_id);
void phone_list_free(phone_list *l);

/* Phones from args (argc/argv, after options), or, when there are none,
 * from fp named name. Every number is normalised; the first bad one is
 * EX_DATAERR naming it (and the line). Duplicates are dropped. */
int in_phones(int argc, char **argv, FILE *fp, const char *name, phone_list *out);
/* The same for a whole stream already known to hold text in one of the
 * forms above (used by in_phones). */
int in_phones_stream(FILE *fp, const char *name, phone_list *out);

/* Reads a line of at most max bytes (with its line number) — the JSONL
 * reader's primitive. Returns 1, 0 at EOF, or EX_ code. *buf is reused. */
int in_line(FILE *fp, char **buf, size_t *cap, long *lineno);

/* A whole file as one NUL-terminated string (a JSON document); path NULL
 * or "-" reads stdin. EX_NOINPUT when the file is missing, EX_IOERR when
 * it cannot be read; the message names it. */
int in_read_all(const char *path, char **text);

/* A stream of JSON documents, one after another (JSONL, or pretty-printed
 * documents back to back), read from a file descriptor without reading
 * ahead of what is available, so a live pipe is served line by line. */
typedef struct in_docs in_docs;
in_docs *in_docs_open(int fd, const char *name);
/* The next document: *doc (owned by the reader, valid until the next
 * call) of *len bytes, starting at byte *offset and on line *line.
 * Returns 1, 0 at the end, or EX_DATAERR ("stdin: offset 120: truncated
  * document"), EX_IOERR. Documents over 64 MB are refused. */
int in_docs_next(in_docs *r, const char **doc, size_t *len, long long *offset, long *line);
/* 1 when more input can be read without waiting. */
int in_docs_pending(in_docs *r);
void in_docs_close(in_docs *r);

#endif
