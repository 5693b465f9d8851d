/* mhd-ok — the ceiling bench/live.sh measures the listener against: a
 * libmicrohttpd server that reads each request's body and answers 200,
 * and does nothing else (no signature, no parsing, no database), set up
 * as the listener is (mhd-setup.h).
 *   mhd-ok PORT   (0 picks a free one) */
#include <string.h>

#include "mhd-setup.h"

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **req_cls)
{
	static int started;
	if (!*req_cls) {
		*req_cls = &started;
		return MHD_YES;
	}
	if (*size) {
		*size = 0;
		return MHD_YES;
	}
	return mhd_answer(c, MHD_HTTP_OK, "ok\n");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mhd-ok PORT\n");
		return 2;
	}
	return mhd_serve("mhd-ok", argv[1], handle, NULL, NULL);
}
