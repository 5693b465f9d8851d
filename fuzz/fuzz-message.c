/* Fuzz target: a line of the message stream wb-send - reads (what
 * wb-reply auto or any program writes), as far as it goes without a
 * database: the JSON, the object's fields, and the content type. */
#include <jansson.h>
#include <stdint.h>

#include "compose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *o = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return 0;
	}
	compose_spec s = {0};
	if (compose_spec_from_json(o, &s, "stdin:1") == 0) {
		api_msg_type type;
		compose_spec_type(&s, 65, &type);
	}
	compose_spec_free(&s);
	json_decref(o);
	return 0;
}
