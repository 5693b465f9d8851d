/* phonestub — phonelib's functions for the programs, which do not link
 * libphonenumber (ICU, protobuf and the C++ runtime: half of what every
 * start cost, see lazy.h). The shim, phonelib.cc, is built as a module
 * of its own, wb-phonelib.so, and opened on the first number read.
 * Installed, it lives in $(PREFIX)/lib/wb beside $(PREFIX)/bin; in the
 * build tree, in build/ beside bin/. The unit tests, the benchmarks and
 * the fuzz targets link the shim itself instead of this file. */
#include "phonelib.h"

#include "lazy.h"

static lazy_lib shim = {.files = (const char *const[]){
				"../lib/wb/wb-phonelib.so", /* installed */
				"../build/wb-phonelib.so",  /* the build tree */
				NULL}};

LAZY_FN(shim, phonelib_status, phonelib_parse,
	(const char *text, const char *region, char *out, size_t cap),
	(text, region, out, cap))
LAZY_FN(shim, int, phonelib_country_code, (const char *region), (region))
LAZY_FN(shim, int, phonelib_main_region, (int cc, char region[3]), (cc, region))
