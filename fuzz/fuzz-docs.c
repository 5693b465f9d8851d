/* Fuzz target: the reader that splits a stdin stream into JSON documents,
 * or, in line mode (first byte odd), into lines of at most a few dozen
 * bytes (the first byte says how many), so long lines are dropped too.
 * In document mode each document's length is checked against the plain
 * rule, a byte at a time: the reader skips through strings with memchr. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "in.h"

/* The length of the document at p: to its outermost closing bracket, or
 * to the end of its line when it does not start with one; 0 when a
 * bracketed one is cut off. */
static size_t plain_len(const char *p, size_t n)
{
	int depth = 0, in_str = 0, esc = 0;
	if (p[0] != '{' && p[0] != '[') {
		const char *nl = memchr(p, '\n', n);
		return nl ? (size_t)(nl - p) : n;
	}
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = tmpfile();
	if (!fp)
		return 0;
	fwrite(data, 1, size, fp);
	fflush(fp);
	rewind(fp);
	in_docs *r = in_docs_open(fileno(fp), "fuzz");
	size_t max = size && (data[0] & 1) ? 16 + data[0] / 4 : 0;
	if (max)
		in_docs_lines(r, max);
	const char *doc;
	size_t len;
	long long off;
	long line;
	while (in_docs_next(r, &doc, &len, &off, &line) == 1) {
		if (max && doc && (len > max || memchr(doc, '\n', len)))
			__builtin_trap(); /* a line is one line, within the limit */
		if (!max && len != plain_len((const char *)data + off, size - (size_t)off))
			__builtin_trap();
		in_docs_pending(r);
	}
	in_docs_close(r);
	fclose(fp);
	return 0;
}
