#include "jload.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Deeper than this is left to jansson (which allows 2048): the reader
 * recurses, on whatever stack the caller has. */
#define DEPTH 64

typedef struct {
	const unsigned char *p, *end;
	int depth;
	sb tmp; /* a string with escapes, unescaped */
} rd;

static json_t *value(rd *r);

static void ws(rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* The length of the UTF-8 sequence at p, 0 when jansson would refuse it
 * (truncated, overlong, a surrogate, past U+10FFFF). */
static int utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], cp;
	int n;
	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0;
	n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	cp = c & (0x7F >> n);
	if (end - p < n)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *cp)
{
	*cp = 0;
	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d = c >= '0' && c <= '9' ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : 16;
		if (d == 16)
			return -1;
		*cp = *cp << 4 | d;
	}
	return 0;
}

static void put_utf8(sb *b, unsigned cp)
{
	char u[4];
	int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (n == 1)
		u[0] = (char)cp;
	else {
		for (int i = n - 1; i > 0; i--, cp >>= 6)
			u[i] = (char)(0x80 | (cp & 0x3F));
		u[0] = (char)((0xF00 >> n) | cp);
	}
	sb_add(b, u, (size_t)n);
}

/* \uXXXX (after the backslash and u), a surrogate pair whole; a NUL and
 * a lone surrogate are jansson's (-1). */
static int unicode(rd *r, const unsigned char **pp)
{
	const unsigned char *p = *pp;
	unsigned cp, lo;
	if (hex4(p, r->end, &cp) || !cp || (cp >= 0xDC00 && cp <= 0xDFFF))
		return -1;
	p += 4;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (r->end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, r->end, &lo) || lo < 0xDC00 ||
		    lo > 0xDFFF)
			return -1;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		p += 6;
	}
	put_utf8(&r->tmp, cp);
	*pp = p;
	return 0;
}

/* The rest of a string with escapes, from p (a backslash), into tmp. */
static int escaped(rd *r, const unsigned char *p)
{
	static const char plain[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	while (p < r->end && *p != '"') {
		int k = *p == '\\' || *p < 0x20 ? 0 : utf8_seq(p, r->end);
		if (k) {
			sb_add(&r->tmp, (const char *)p, (size_t)k);
			p += k;
			continue;
		}
		if (*p != '\\' || ++p >= r->end)
			return -1;
		const char *e = *p ? strchr(plain, *p) : NULL;
		if (e && (e - plain) % 2 == 0) {
			sb_putc(&r->tmp, e[1]);
			p++;
		} else if (*p != 'u' || (p++, unicode(r, &p))) {
			return -1;
		}
	}
	if (p >= r->end)
		return -1;
	r->p = p + 1;
	return 0;
}

/* A string, after its opening quote: *s and *n point into the text when
 * it has no escape, else into tmp (*esc set), which the next string
 * overwrites. */
static int string(rd *r, const char **s, size_t *n, int *esc)
{
	const unsigned char *start = r->p, *p = r->p;
	while (p < r->end && *p != '"' && *p != '\\') {
		int k = *p < 0x20 ? 0 : utf8_seq(p, r->end);
		if (!k)
			return -1;
		p += k;
	}
	*esc = p < r->end && *p == '\\';
	if (*esc) {
		sb_reset(&r->tmp);
		sb_add(&r->tmp, (const char *)start, (size_t)(p - start));
		if (escaped(r, p))
			return -1;
		*s = r->tmp.s;
		*n = r->tmp.len;
		return 0;
	}
	if (p >= r->end)
		return -1;
	*s = (const char *)start;
	*n = (size_t)(p - start);
	r->p = p + 1;
	return 0;
}

static int digits(rd *r)
{
	const unsigned char *p = r->p;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return r->p > p;
}

/* A number as jansson reads it: an integer unless it has a fraction or
 * an exponent; one it may refuse (too big, too long) is its to read. */
static json_t *number(rd *r)
{
	const unsigned char *s = r->p;
	int real = 0;
	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (!digits(r))
		return NULL;
	if (r->p < r->end && *r->p == '.' && (r->p++, real = 1, !digits(r)))
		return NULL;
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		real = 1;
		if (++r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!digits(r))
			return NULL;
	}
	char buf[32], *e;
	size_t n = (size_t)(r->p - s);
	if (n >= sizeof buf)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = 0;
	errno = 0;
	if (!real) {
		long long v = strtoll(buf, &e, 10);
		return errno || *e ? NULL : json_integer(v);
	}
	double d = strtod(buf, &e); /* a locale's other decimal point: *e */
	return *e || isinf(d) || isnan(d) ? NULL : json_real(d);
}

static json_t *word(rd *r, const char *w, json_t *v)
{
	size_t n = strlen(w);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return NULL;
	r->p += n;
	return v;
}

/* After a member or an element: 1 at the closing c (taken), 0 at a comma
 * (taken), -1 at anything else. */
static int next(rd *r, unsigned char c)
{
	ws(r);
	if (r->p < r->end && (*r->p == c || *r->p == ','))
		return *r->p++ == c;
	return -1;
}

/* Right after an opening bracket: 1 when c closes it at once (taken). */
static int empty(rd *r, unsigned char c)
{
	ws(r);
	return r->p < r->end && *r->p == c && (r->p++, 1);
}

static json_t *object(rd *r)
{
	json_t *o = json_object();
	for (int more = empty(r, '}'); !more;) {
		const char *k;
		size_t kn;
		int esc;
		ws(r);
		if (r->p >= r->end || *r->p++ != '"' || string(r, &k, &kn, &esc) || esc)
			goto bad; /* an escaped key: jansson's (tmp is the value's) */
		ws(r);
		json_t *v = r->p < r->end && *r->p++ == ':' ? value(r) : NULL;
		if (!v || json_object_setn_new_nocheck(o, k, kn, v) || (more = next(r, '}')) < 0)
			goto bad;
	}
	return o;
bad:
	json_decref(o);
	return NULL;
}

static json_t *array(rd *r)
{
	json_t *a = json_array();
	for (int more = empty(r, ']'); !more;) {
		json_t *v = value(r);
		if (!v || json_array_append_new(a, v) || (more = next(r, ']')) < 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *value(rd *r)
{
	ws(r);
	if (r->p >= r->end)
		return NULL;
	const char *s;
	size_t n;
	int esc;
	json_t *v;
	switch (*r->p) {
	case '{':
	case '[':
		if (++r->depth > DEPTH)
			return NULL;
		v = *r->p++ == '{' ? object(r) : array(r);
		r->depth--;
		return v;
	case '"':
		r->p++;
		return string(r, &s, &n, &esc) ? NULL : json_stringn_nocheck(s, n);
	case 't': return word(r, "true", json_true());
	case 'f': return word(r, "false", json_false());
	case 'n': return word(r, "null", json_null());
	default: return number(r);
	}
}

json_t *jload_fast(const char *buf, size_t len)
{
	rd r = {.p = (const unsigned char *)buf, .end = (const unsigned char *)buf + len};
	ws(&r);
	/* as json_loadb without JSON_DECODE_ANY: an object or an array */
	json_t *v = r.p < r.end && (*r.p == '{' || *r.p == '[') ? value(&r) : NULL;
	ws(&r);
	if (v && r.p != r.end) {
		json_decref(v);
		v = NULL;
	}
	sb_free(&r.tmp);
	return v;
}

json_t *jload(const char *buf, size_t len, size_t flags, json_error_t *e)
{
	json_t *v = (flags & ~(size_t)JSON_ALLOW_NUL) ? NULL : jload_fast(buf, len);
	return v ? v : json_loadb(buf, len, flags, e);
}
