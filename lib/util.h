/* util — memory that never returns NULL, a growable string buffer, and
 * small string helpers every module needs. Nothing here knows about
 * WhatsApp, the database or output formats. */
#ifndef WB_UTIL_H
#define WB_UTIL_H
#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A NUL-terminated buffer that grows. Zero-initialise ({0}) to start. */
typedef struct {
	char *s;
	size_t len, cap;
} sb;
void sb_add(sb *b, const char *s, size_t n);
void sb_puts(sb *b, const char *s);
void sb_putc(sb *b, char c);
void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(sb *b);
/* Appends s as a JSON string literal, quotes and escapes included. */
void sb_json_string(sb *b, const char *s);
/* 1 for a character that is not seen but changes how the text around it
 * is shown (cp_hidden): the bidi embeddings, overrides and isolates
 * (U+202A-U+202E, U+2066-U+2069) with which a "Trojan Source" spoof
 * reorders a phone number or an amount on the screen, the bidi marks
 * (U+200E, U+200F, U+061C), and the zero-width and invisible format
 * characters (U+200B, U+2060-U+2064, U+FEFF, U+FFF9-U+FFFB). Not the
 * joiners U+200C and U+200D: scripts and emoji sequences need them. */
int cp_hidden(unsigned cp);
/* Appends s as a terminal may show it, so that text from outside (a
 * customer's name or message, a CSV cell) cannot move the cursor, retitle
 * the window, ring the bell or reorder what is shown: control characters
 * in caret notation (ESC "^[", DEL "^?"; a C1 control as the ESC sequence
 * it stands for, CSI "^[["), hidden characters (cp_hidden) as "<U+202E>",
 * bytes that are not UTF-8 as "\xNN". With one_line, newlines, carriage
 * returns and tabs become blanks (a table's cell); else newlines and tabs
 * stay. */
void sb_visible(sb *b, const char *s, int one_line);
char *str_visible(const char *s, int one_line); /* the same, malloc'd */
char *sb_take(sb *b); /* hands the string over; b is empty again */
void sb_free(sb *b);

/* Decodes the character at s into *cp and returns its length in bytes;
 * 0 when s does not start with valid UTF-8 (a stray byte, an overlong
 * form, a surrogate). At the end of s: *cp is 0, the length 1. */
int utf8_next(const char *s, unsigned *cp);
/* Number of Unicode characters (code points) in UTF-8 text; -1 when the
 * bytes are not valid UTF-8. Limits like "about ≤139" count these. */
long utf8_len(const char *s);
/* Terminal columns the UTF-8 text takes (CJK and emoji count two). */
size_t utf8_width(const char *s);
/* Bytes of the longest start of s that takes at most width columns and
 * ends on a whole character: where to cut text to fit. */
size_t utf8_prefix(const char *s, size_t width);

/* JSON (jansson), as every reader and writer of it needs: o's member key
 * when it is a string, else NULL; and o's member key set to v unless v
 * is NULL (a field the message does not have stays out). */
struct json_t;
const char *json_str(struct json_t *o, const char *key);
void json_set_str(struct json_t *o, const char *key, const char *v);
/* Appends v as json_dumpb writes it with flags ("null" when it cannot),
 * straight into b: no string of jansson's to free, so it is the same
 * inside a jarena as outside. */
void sb_json(sb *b, struct json_t *v, size_t flags);
/* Why jansson refused a text, in words for the user: its own, except
 * where they name one of its flags (a \u0000 in a string). */
struct json_error_t;
const char *json_why(const struct json_error_t *e);

/* ASCII-only case-insensitive equality, independent of the locale. */
int streq_ci(const char *a, const char *b);
/* Removes leading and trailing white space in place; returns s. */
char *strtrim(char *s);
/* Parses a whole decimal integer in [min,max]; 0 on success. */
int parse_long(const char *s, long min, long max, long *out);

#endif
