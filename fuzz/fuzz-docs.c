/* Fuzz target: the reader that splits a stdin stream into JSON documents. */
#include <stdint.h>
#include <stdio.h>
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
	const char *doc;
	size_t len;
	long long off;
	long line;
	while (in_docs_next(r, &doc, &len, &off, &line) == 1)
		in_docs_pending(r);
	in_docs_close(r);
	fclose(fp);
	return 0;
}
