/* Fuzz target: phone numbers, in a default region the first byte picks.
 * Whatever is accepted is 1 to 15 digits and reads back as itself,
 * written with '+' in that region and as digits alone in none. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phone.h"

static const char *const regions[] = {NULL, "US", "GB", "DE", "CN", "BR", "IN", "IT"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	const char *region = regions[data[0] % (sizeof regions / sizeof *regions)];
	char *s = strndup((const char *)data + 1, size - 1);
	char out[PHONE_MAX], again[PHONE_MAX], plus[PHONE_MAX + 1];
	if (!phone_parse(s, region, out)) {
		size_t n = strlen(out);
		if (n < 1 || n > 15 || strspn(out, "0123456789") != n)
			abort();
		snprintf(plus, sizeof plus, "+%s", out);
		if (phone_parse(plus, region, again) || strcmp(again, out))
			abort();
		if (phone_parse(out, NULL, again) || strcmp(again, out))
			abort();
	}
	free(s);
	return 0;
}
