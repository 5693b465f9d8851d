/* Fuzz target: {{placeholder}} filling. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	kv m = {0};
	kv_set(&m, "name", "Mei");
	kv_set(&m, "x", "{{name}}");
	char *out = NULL;
	if (tmpl_render(s, kv_lookup, &m, &out) == 0)
		free(out);
	tmpl_has(s);
	kv_free(&m);
	free(s);
	return 0;
}
