/* Fuzz target: the webhook parser and the event it renders (which must
 * read back), and jload's reader, which must make of what it takes what
 * json_loadb makes of it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "jload.h"
#include "webhook.h"

static void same_as_jansson(const char *text, size_t size)
{
	json_t *f = jload_fast(text, size);
	if (!f)
		return;
	json_t *j = json_loadb(text, size, JSON_ALLOW_NUL, NULL);
	size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17);
	char *x = json_dumps(f, flags), *y = j ? json_dumps(j, flags) : NULL;
	if (!y || strcmp(x, y) || !json_equal(f, j))
		abort();
	free(x);
	free(y);
	json_decref(f);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	same_as_jansson((const char *)data, size);
	wh_batch b;
	webhook_parse((const char *)data, size, &b);
	sb e = {0};
	for (size_t i = 0; i < b.n; i++) {
		sb_reset(&e);
		event_render(&b.v[i], &e);
		if (!e.len)
			continue; /* a kind without an event */
		event ev;
		if (event_parse(e.s, e.len, &ev) != 0)
			abort(); /* what we write, we must read */
		event_free(&ev);
	}
	sb_free(&e);
	webhook_free(&b);
	return 0;
}
