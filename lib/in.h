/* in — the one reader of records from files and stdin: CSV (RFC 4180,
 * via libcsv), tables of rows (CSV or TSV with a header row naming the
 * columns, JSONL objects, or a plain list of phone numbers) with their
 * phone and user_id columns, the list of contacts a contact command takes
 * (phone numbers or user IDs, as arguments, or such a table on stdin), and
 * streams of JSON documents. Errors name the file and line. */
#ifndef WB_IN_H
#define WB_IN_H
#include <stdio.h>

#include "db.h"
#include "kv.h"
#include "phone.h"

/* When fd is a terminal, says on stderr what the command waits for there
 * (what: "phone numbers, one a line") and how to end it: input typed at a
 * terminal waits for the person, who should not meet a silent hang. The
 * readers below say it themselves. */
void in_tty_hint(int fd, const char *what);

/* A CSV reader that hands out one record at a time. */
typedef struct csvr csvr;
/* name is what errors call the input ("contacts.csv", "stdin"). */
csvr *csvr_open(FILE *fp, const char *name, char sep);
/* Reads the next record into *fields and *n (owned by the reader, valid until
 * the next call). Returns 1 for a record, 0 at the end, or an EX_ code.
 * *line is the line the record starts on. Blank lines are skipped. */
int csvr_next(csvr *r, char ***fields, int *n, long *line);
void csvr_close(csvr *r);

/* How a command's user overrides what the first line of a table says:
 * --delimiter C and --phone-column NAME, on every command that reads
 * tables. Process-wide: set while the options are read, before any
 * input is. */
enum { IN_OPT_DELIMITER = 0x1100, IN_OPT_PHONE_COLUMN }; /* beyond CLI_NO_HEADER */
#define IN_TABLE_LONGOPTS                                              \
	{"delimiter", required_argument, NULL, IN_OPT_DELIMITER},      \
	{"phone-column", required_argument, NULL, IN_OPT_PHONE_COLUMN}
#define IN_TABLE_USAGE                                                                     \
	"  --delimiter C        a table's cells are separated by C (',' ';' tab), whatever\n"   \
	"                       its first line suggests\n"                                      \
	"  --phone-column NAME  the column of a table that holds the phone numbers\n"
/* Handles opt when it is one of those (returns 1; exits 64 on a bad
 * value), else returns 0. */
int in_table_option(int opt, const char *arg);

/* The first column of a header row named name, ignoring case and the
 * white space around it; -1 when there is none. */
int in_column(char *const *header, int n, const char *name);
/* The column that holds phone numbers: the one --phone-column names, or
 * else the one whose name is the likeliest of the usual ones (WhatsApp,
 * phone, wa_id, mobile, cell, tel, Telefon, Handy, téléphone, móvil,
 * celular, 电话, 手机, msisdn…, in any case and spacing); -1 when there
 * is none. The one place that knows these names. */
int in_phone_column(char *const *header, int n);
/* The column that holds user IDs ("user_id"), which names a contact
 * without a phone; -1 when there is none. */
int in_user_id_column(char *const *header, int n);
/* The delimiter of a table whose first line is line: --delimiter's, or
 * the commonest outside quotes of tab, ';' and ',' (a comma when there
 * is none). The one place that tells CSV from TSV and European CSV. */
char in_delimiter(const char *line);

/* Rows of a table, each with the names of its columns, its phone cell
 * and the line it starts on. The first non-blank line says the form:
 *  - a header row of CSV (in_delimiter) with a phone column
 *    (in_phone_column) or a user_id column, then one row a record (its
 *    phone and user ID cells in the row);
 *  - with IN_ROWS_JSONL, a line starting with '{': JSONL, one object a
 *    line, whose string members are its cells and their names; or one
 *    starting with '[': a JSON array of such objects (-o json), each a
 *    row on the line it starts on;
 *  - with IN_ROWS_LIST, rows without a header: a first line of one cell
 *    that reads as a number and names no phone column is a plain list,
 *    one phone a line (that line included), the column called "phone";
 *    a first line of several cells, one of which looks like a phone
 *    number, is the first row of a table whose header was left out (a
 *    listing filtered by grep): that cell's column holds the phones, and
 *    the cells have no names.
 * Anything else is EX_DATAERR "FILE:LINE: no phone column in the header
 * (its cells…)". Blank lines between rows are no rows. */
enum { IN_ROWS_LIST = 1, IN_ROWS_JSONL = 2 };

typedef struct {
	const char *file;   /* the input's name, for messages */
	long line;          /* the line the row starts on */
	char **cell;        /* the cells, n of them */
	int n;
	char *const *names; /* cell i is in column names[i], for i < nnames */
	int nnames;
	const char *phone;  /* the phone cell; NULL when the row is too short */
	const char *user_id; /* the user_id cell; NULL when none */
} in_row;
/* What names the row's contact: its phone cell, else (empty or none) its
 * user ID cell; NULL when neither has anything. */
const char *in_row_key(const in_row *row);

typedef struct in_rows in_rows;
/* Opens a reader on fp (called name in messages) and reads up to the
 * first row; *out is set even on failure (close it). An empty input has
 * no rows. 0 or an EX_ code. */
int in_rows_open(FILE *fp, const char *name, int forms, in_rows **out);
/* A table's header row, its cells trimmed; NULL for an empty input, a
 * list or JSONL. */
const in_row *in_rows_header(const in_rows *r);
/* The next row into *row (valid until the next call): 1, 0 at the end,
 * or an EX_ code naming file and line. Rows keep their order. */
int in_rows_next(in_rows *r, in_row *row);
void in_rows_close(in_rows *r);
/* The row as column name → cell, what {{placeholders}} are filled from
 * (m is cleared first; a name twice keeps its later cell). */
void in_row_vars(const in_row *row, kv *m);
/* Prefixes the recorded message with the row's "FILE:LINE: "; returns rc. */
int in_row_err(const in_row *row, int rc);

/* A list of contacts' keys: normalised phone numbers (wa_id) and user
 * IDs. */
typedef struct {
	char **v;
	size_t n, cap;
	wb_db *db;
} phone_list;
void phone_list_add(phone_list *l, const char *key);
void phone_list_free(phone_list *l);

/* Phones or user IDs from args (argc/argv, after options), or, when
 * there are none, from fp named name. Every number is normalised (as
 * contact_resolve reads it); the first bad one is EX_DATAERR naming it
 * (and the line). Duplicates are dropped. */
int in_phones(int argc, char **argv, FILE *fp, const char *name, phone_list *out);
/* The same for the rows of a table on fp (in_rows, plain lists and JSONL
 * allowed), by in_row_key; a row without one is EX_DATAERR. */
int in_phones_stream(FILE *fp, const char *name, phone_list *out);

/* Reads a line (with its line number) — the JSONL reader's primitive.
 * Returns 1, 0 at EOF, or EX_ code (EX_DATAERR naming name and the line
 * when it holds a NUL byte). *buf is reused. */
int in_line(FILE *fp, const char *name, char **buf, size_t *cap, long *lineno);

/* A whole file as one NUL-terminated string (a JSON document), without
 * the BOM an editor may put first; path NULL or "-" reads stdin.
 * EX_NOINPUT when the file is missing, EX_IOERR when it cannot be read,
 * EX_DATAERR when it holds a NUL byte; the message names it. */
int in_read_all(const char *path, char **text);

/* A stream of JSON documents, one after another (JSONL, or pretty-printed
 * documents back to back), read from a file descriptor without reading
 * ahead of what is available, so a live pipe is served line by line. */
typedef struct in_docs in_docs;
in_docs *in_docs_open(int fd, const char *name);
/* The same on the file at path ("-" or NULL: stdin), which in_docs_close
 * closes. EX_NOINPUT when it is missing, EX_IOERR when it cannot be
 * opened (*out is then NULL); the message names it. */
int in_docs_path(const char *path, in_docs **out);
/* What messages call the input ("stdin", the path). */
const char *in_docs_name(const in_docs *r);
/* The next document: *doc (owned by the reader, valid until the next
 * call) of *len bytes, starting at byte *offset and on line *line.
 * Returns 1, 0 at the end, or EX_DATAERR ("stdin: offset 120: truncated
  * document"), EX_IOERR. Documents over 64 MB are refused. */
int in_docs_next(in_docs *r, const char **doc, size_t *len, long long *offset, long *line);
/* 1 when more input can be read without waiting. */
int in_docs_pending(in_docs *r);
/* The file descriptor it reads, for a poll beside others. */
int in_docs_fd(const in_docs *r);

/* Line mode, for the JSONL streams between utilities: each line is one
 * document, whatever it holds (a bad line cannot swallow the lines after
 * it), and a line over max bytes is not kept: in_docs_next hands it back
 * as a document with *doc NULL, its error recorded ("stdin:7: a line
 * over 1 MB"), and reads on after it. */
#define IN_LINE_MAX (1L << 20)
void in_docs_lines(in_docs *r, size_t max);
void in_docs_close(in_docs *r);

#endif
