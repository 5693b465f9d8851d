/* Fuzz target: the CSV reader and the phone-list reader on stdin forms. */
#include <stdint.h>
#include <stdio.h>

#include "in.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return 0;
	csvr *r = csvr_open(fp, "fuzz", ',');
	char **f;
	int n;
	long line;
	while (csvr_next(r, &f, &n, &line) == 1)
		;
	csvr_close(r);
	rewind(fp);
	phone_list l = {0};
	in_phones_stream(fp, "fuzz", &l);
	phone_list_free(&l);
	fclose(fp);
	return 0;
}
