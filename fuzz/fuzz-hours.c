/* Fuzz target: opening hours as wb-profile hours reads them (words split
 * at spaces), then evaluated at one instant. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hours.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	char *argv[64];
	int argc = 0;
	for (char *save = NULL, *w = strtok_r(s, " \n", &save); w && argc < 64; w = strtok_r(NULL, " \n", &save))
		argv[argc++] = w;
	hours_spec h = {0};
	if (hours_parse_week(argc, argv, &h) == 0) {
		int64_t until;
		hours_open_at(&h, 1764064800, "UTC", &until);
	}
	hours_free(&h);
	hours_range r[HOURS_MAX_RANGES];
	int n;
	if (argc)
		hours_parse_ranges(argv[0], r, &n);
	free(s);
	return 0;
}
