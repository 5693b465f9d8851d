/* Fuzz target: a template definition as the Cloud API lists it (the
 * input), read into slots, shown, and a send bound to it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tmplcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	tdef d;
	if (!tdef_parse(s, &d)) {
		tline *l;
		size_t n;
		tdef_lines(&d, &l, &n);
		tlines_free(l, n);
		const char *params[] = {"Mei", "first_name=Li", "currency:12.50 EUR"}, *buttons[] = {"A-1", "coupon:X"};
		tgiven g = {"text:A-1042", params, 3, buttons, 2, 0};
		tbound b;
		if (!tcheck_bind(&d, &g, &b).rule)
			tbound_free(&b);
	}
	tdef_free(&d);
	free(s);
	return 0;
}
