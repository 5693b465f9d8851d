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

/* The next {{key}} at or after p: *open at its "{{", *end after its
 * "}}", and the key with the spaces around it trimmed (malloc'd). NULL
 * when there is none. */
static char *next_key(const char *p, const char **open, const char **end)
{
	const char *o = strstr(p, "{{");
	const char *c = o ? strstr(o + 2, "}}") : NULL;
	if (!c)
		return NULL;
	const char *k = o + 2, *ke = c;
	while (k < ke && isspace((unsigned char)*k))
		k++;
	while (ke > k && isspace((unsigned char)ke[-1]))
		ke--;
	*open = o;
	*end = c + 2;
	return xstrndup(k, (size_t)(ke - k));
}

int tmpl_render(const char *text, tmpl_lookup fn, void *ctx, char **out)
{
	sb b = {0};
	const char *p = text, *o, *end;
	char *key;
	while ((key = next_key(p, &o, &end))) {
		sb_add(&b, p, (size_t)(o - p));
		const char *v = *key ? fn(key, ctx) : NULL;
		if (!v) {
			int rc = wb_err(EX_DATAERR, "no value for {{%s}}", key);
			free(key);
			sb_free(&b);
			return rc;
		}
		free(key);
		sb_puts(&b, v);
		p = end;
	}
	sb_puts(&b, p);
	*out = sb_take(&b);
	return 0;
}

int tmpl_check(const char *text, tmpl_lookup known, void *ctx)
{
	const char *p = text, *o, *end;
	char *key;
	while ((key = next_key(p, &o, &end))) {
		int rc = *key && known(key, ctx) ? 0 : wb_err(EX_DATAERR, "{{%s}}", key);
		free(key);
		if (rc)
			return rc;
		p = end;
	}
	return 0;
}
