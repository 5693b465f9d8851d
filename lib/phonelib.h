/* phonelib — the C face of libphonenumber, the C++ library that knows
 * every country's numbering plan. It only translates: which readings of
 * a number wb tries, and how a refusal is worded, belong to phone. This
 * is wb's one C++ file; nothing C++ leaks through this header. */
#ifndef WB_PHONELIB_H
#define WB_PHONELIB_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	PHONELIB_VALID,        /* a number of some country's plan; its digits were written out */
	PHONELIB_NOT_A_NUMBER, /* nothing a number can be read from */
	PHONELIB_NO_COUNTRY,   /* no country has the code it starts with */
	PHONELIB_TOO_SHORT,
	PHONELIB_TOO_LONG,
	PHONELIB_INVALID,      /* a possible length, but no such number in the plan */
	PHONELIB_EXTENSION,    /* a number with an extension, which WhatsApp cannot reach */
} phonelib_status;

/* Reads text as libphonenumber does: international when it starts with
 * '+' (or region's international prefix), else a national number of
 * region ("US"; NULL or "" for none: then only '+' numbers are read).
 * When VALID, out gets the E.164 digits without '+' (cap > 15). */
phonelib_status phonelib_parse(const char *text, const char *region, char *out, size_t cap);
/* The country calling code of region ("GB" → 44); 0 when region is none
 * libphonenumber knows (region codes are upper case). */
int phonelib_country_code(const char *region);
/* The main region of country calling code cc (44 → "GB", 1 → "US"): 0,
 * or -1 when no country has that code. */
int phonelib_main_region(int cc, char region[3]);

#ifdef __cplusplus
}
#endif
#endif
