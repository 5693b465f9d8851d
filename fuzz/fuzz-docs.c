/* Fuzz target: the reader that splits a stdin stream into JSON documents,
 * or, in line mode (first byte odd), into lines of at most a few dozen
 * bytes (the first byte says how many), so long lines are dropped too. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "in.h"

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
		in_docs_pending(r);
	}
	in_docs_close(r);
	fclose(fp);
	return 0;
}
