/* Fuzz target: the CSV reader, the phone-list reader on stdin forms, and
 * the table reader (CSV or TSV with a header, JSONL, a JSON array, a
 * plain list) that wb-send, wb-contact import and every contact command
 * read from stdin. */
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
	rewind(fp);
	in_rows *rows;
	in_row row;
	kv vars = {0};
	if (in_rows_open(fp, "fuzz", IN_ROWS_LIST | IN_ROWS_JSONL, &rows) == 0)
		while (in_rows_next(rows, &row) == 1) {
			in_row_vars(&row, &vars);
			in_row_key(&row);
		}
	in_rows_close(rows);
	kv_free(&vars);
	fclose(fp);
	return 0;
}
