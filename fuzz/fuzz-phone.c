/* Fuzz target: phone number normalisation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	char out[PHONE_MAX];
	phone_norm(s, NULL, out);
	phone_norm(s, "44", out);
	free(s);
	return 0;
}
