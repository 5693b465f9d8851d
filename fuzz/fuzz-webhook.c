/* Fuzz target: the webhook parser and the event it renders (which must
 * read back). */
#include <stdint.h>
#include <stdlib.h>

#include "event.h"
#include "webhook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
