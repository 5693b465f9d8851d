#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <jansson.h>

#include "err.h"

static void *oom(void)
{
	fprintf(stderr, "%s: out of memory\n", wb_prog);
	exit(EX_OSERR);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom();
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom();
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom();
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	va_end(ap);
	return s;
}

static void sb_grow(sb *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->s = xrealloc(b->s, cap);
	b->cap = cap;
}

void sb_add(sb *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void sb_puts(sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_putc(sb *b, char c)
{
	sb_add(b, &c, 1);
}

void sb_printf(sb *b, const char *fmt, ...)
{
	/* formatted once into the room there is; only a text that does not
	 * fit is formatted again, into a buffer grown for it */
	sb_grow(b, 0);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->s[b->len] = 0;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		sb_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void sb_json_string(sb *b, const char *s)
{
	sb_putc(b, '"');
	const char *run = s;
	for (const unsigned char *p = (const unsigned char *)s;; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		/* copy the plain run in one go, then the escape */
		sb_add(b, run, (size_t)((const char *)p - run));
		run = (const char *)p + 1;
		switch (*p) {
		case 0: sb_putc(b, '"'); return;
		case '"': sb_puts(b, "\\\""); break;
		case '\\': sb_puts(b, "\\\\"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		case '\t': sb_puts(b, "\\t"); break;
		default: sb_printf(b, "\\u%04x", *p);
		}
	}
}

int cp_hidden(unsigned cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
	       cp == 0x200F || cp == 0x061C || cp == 0x200B || (cp >= 0x2060 && cp <= 0x2064) ||
	       cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

void sb_visible(sb *b, const char *s, int one_line)
{
	while (*s) {
		unsigned cp;
		int n = utf8_next(s, &cp);
		if (!n)
			sb_printf(b, "\\x%02X", (unsigned char)*s);
		else if (cp == '\n' || cp == '\t' || (cp == '\r' && one_line))
			sb_putc(b, one_line ? ' ' : (char)cp);
		else if (cp < 0x20 || cp == 0x7f)
			sb_printf(b, "^%c", (char)(cp ^ 0x40));
		else if (cp >= 0x80 && cp < 0xa0)
			sb_printf(b, "^[%c", (char)(cp - 0x40));
		else if (cp_hidden(cp))
			sb_printf(b, "<U+%04X>", cp);
		else
			sb_add(b, s, (size_t)n);
		s += n ? n : 1;
	}
}

char *str_visible(const char *s, int one_line)
{
	sb b = {0};
	sb_visible(&b, s, one_line);
	return sb_take(&b);
}

void sb_reset(sb *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = 0;
}

char *sb_take(sb *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void sb_free(sb *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

int utf8_next(const char *s, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	int n = (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (!n)
		return 0;
	unsigned c = p[0] & (0x7F >> n);
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3F);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

long utf8_len(const char *s)
{
	long n = 0;
	for (unsigned cp; *s; n++) {
		int k = utf8_next(s, &cp);
		if (!k)
			return -1;
		s += k;
	}
	return n;
}

/* East Asian wide ranges and emoji: enough for column alignment without
 * depending on the process locale. */
static int cp_width(unsigned c)
{
	if (c == 0 || (c >= 0x300 && c <= 0x36F) || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F))
		return 0;
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
	    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
	    (c >= 0x20000 && c <= 0x3FFFD))
		return 2;
	return 1;
}

/* The columns of the character at s, and its length in *len. */
static size_t char_width(const char *s, int *len)
{
	unsigned cp;
	int k = utf8_next(s, &cp);
	*len = k ? k : 1; /* a stray byte takes a column */
	return k ? (size_t)cp_width(cp) : 1;
}

size_t utf8_width(const char *s)
{
	size_t w = 0;
	for (int k; *s; s += k)
		w += char_width(s, &k);
	return w;
}

size_t utf8_prefix(const char *s, size_t width)
{
	const char *p = s;
	size_t w = 0;
	for (int k; *p; p += k) {
		size_t cw = char_width(p, &k);
		if (w + cw > width)
			break;
		w += cw;
	}
	return (size_t)(p - s);
}

int streq_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

char *strtrim(char *s)
{
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	char *b = s;
	while (isspace((unsigned char)*b))
		b++;
	if (b != s)
		memmove(s, b, strlen(b) + 1);
	return s;
}

int parse_long(const char *s, long min, long max, long *out)
{
	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

const char *json_why(const json_error_t *e)
{
	/* only the webhook reader takes NULs (as U+FFFD): what a customer
	 * wrote is stored whatever it holds; what we send holds none */
	if (json_error_code(e) == json_error_null_character)
		return "a \\u0000 (NUL) character, which no text may hold";
	return e->text;
}

const char *json_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void json_set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

void sb_json(sb *b, json_t *v, size_t flags)
{
	sb_grow(b, 256); /* most values fit: one dump */
	size_t room = b->cap - b->len - 1, n = json_dumpb(v, b->s + b->len, room, flags);
	if (!n) {
		b->s[b->len] = 0;
		sb_puts(b, "null");
		return;
	}
	if (n > room) {
		sb_grow(b, n);
		json_dumpb(v, b->s + b->len, n, flags);
	}
	b->len += n;
	b->s[b->len] = 0;
}
