/* Fuzz target: times, dates and durations as people type them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	int64_t t;
	when_parse(s, 1764064800, "UTC", &t);
	when_dur_parse(s, &t);
	when_parse_date(s, &t);
	free(s);
	return 0;
}
