/* Fuzzes what wb-profile import and set read from outside: the export
 * document (then checks that what it accepts writes back and reads again
 * the same) and single field values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hours.h"
#include "profile.h"
#include "util.h"

static char *dump(const profile *p, const hours_spec *h)
{
	json_t *doc = profile_json(p, h);
	char *s = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	for (int f = 0; f < PROFILE_NFIELDS; f++) {
		char *norm;
		if (profile_check(f, text, &norm) == 0)
			free(norm);
	}
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	profile p = {0}, q = {0};
	hours_spec h = {0}, g = {0};
	int has_hours;
	if (doc && profile_from_json(doc, &p, &h, &has_hours) == 0) {
		char *a = dump(&p, &h);
		json_t *again = json_loads(a, 0, NULL);
		if (!again || profile_from_json(again, &q, &g, &has_hours))
			abort(); /* what was accepted must read back */
		char *b = dump(&q, &g);
		if (strcmp(a, b))
			abort();
		free(a);
		free(b);
		json_decref(again);
	}
	json_decref(doc);
	profile_free(&p);
	profile_free(&q);
	hours_free(&h);
	hours_free(&g);
	free(text);
	return 0;
}
