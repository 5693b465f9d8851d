/* Fuzz target: the event reader wb-reply auto runs on its stdin. */
#include <stdint.h>

#include "event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	event ev;
	event_parse((const char *)data, size, &ev);
	event_free(&ev);
	return 0;
}
