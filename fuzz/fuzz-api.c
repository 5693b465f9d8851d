/* Fuzz target: the Cloud API's answers to a send (a message id, or
 * Meta's error object, or anything a proxy on the way may answer), at
 * the HTTP status the first byte picks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cloudapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {200, 400, 401, 429, 500, 503};
	if (!size)
		return 0;
	char *body = strndup((const char *)data + 1, size - 1);
	api_result r;
	int rc = api_result_parse(statuses[data[0] % 6], body, &r);
	if (rc == 0 && !r.wamid)
		abort(); /* a success names its message */
	api_result_free(&r);
	free(body);
	return 0;
}
