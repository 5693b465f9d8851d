#include "tmpl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

int tmpl_has(const char *text)
{
	const char *o = strstr(text, "{{");
	return o && strstr(o + 2, "}}");
}

int tmpl_render(const char *text, tmpl_lookup fn, void *ctx, char **out)
{
	sb b = {0};
	const char *p = text;
	for (;;) {
		const char *o = strstr(p, "{{");
		const char *c = o ? strstr(o + 2, "}}") : NULL;
		if (!c) {
			sb_puts(&b, p);
			break;
		}
		sb_add(&b, p, (size_t)(o - p));
		const char *k = o + 2, *ke = c;
		while (k < ke && isspace((unsigned char)*k))
			k++;
		while (ke > k && isspace((unsigned char)ke[-1]))
			ke--;
		char *key = xstrndup(k, (size_t)(ke - k));
		const char *v = *key ? fn(key, ctx) : NULL;
		if (!v) {
			int rc = wb_err(EX_DATAERR, "no value for {{%s}}", key);
			free(key);
			sb_free(&b);
			return rc;
		}
		free(key);
		sb_puts(&b, v);
		p = c + 2;
	}
	*out = sb_take(&b);
	return 0;
}
