#include "phone.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* The shortest numbers in use have 7 digits with their country code
 * (a few Pacific islands); the longest E.164 allows is 15. */
#define MIN_DIGITS 7
#define MAX_DIGITS 15

int phone_norm(const char *in, const char *default_cc, char out[PHONE_MAX])
{
	char d[64];
	size_t n = 0;
	int plus = 0, seen_digit = 0;
	const char *p = in;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+') {
		plus = 1;
		p++;
	}
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isdigit(c)) {
			if (n + 1 >= sizeof d)
				return wb_err(EX_DATAERR, "'%s': not a phone number (too long)", in);
			d[n++] = (char)c;
			seen_digit = 1;
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t') {
			continue;
		} else {
			return wb_err(EX_DATAERR, "'%s': not a phone number (unexpected '%c')", in, c);
		}
	}
	d[n] = 0;
	if (!seen_digit)
		return wb_err(EX_DATAERR, "'%s': not a phone number", in);
	const char *digits = d;
	char buf[64];
	if (!plus && n > 2 && d[0] == '0' && d[1] == '0') {
		digits = d + 2; /* 00 international prefix */
	} else if (!plus && default_cc && *default_cc) {
		const char *cc = default_cc[0] == '+' ? default_cc + 1 : default_cc;
		size_t ccn = strlen(cc);
		if (ccn < 1 || ccn > 3 || strspn(cc, "0123456789") != ccn || cc[0] == '0')
			return wb_err(EX_CONFIG, "WB_DEFAULT_CC '%s' is not a country code", default_cc);
		if (d[0] == '0') {
			/* national trunk prefix: 020 7946 0958 → 44 20 7946 0958 */
			const char *rest = d;
			while (*rest == '0')
				rest++;
			snprintf(buf, sizeof buf, "%s%s", cc, rest);
			digits = buf;
		} else if (!(strncmp(d, cc, ccn) == 0 && n >= ccn + MIN_DIGITS)) {
			/* no country code in front: a national number */
			snprintf(buf, sizeof buf, "%s%s", cc, d);
			digits = buf;
		}
	} else if (!plus && d[0] == '0') {
		return wb_err(EX_DATAERR, "'%s': a national number needs WB_DEFAULT_CC (e.g. WB_DEFAULT_CC=44)", in);
	}
	size_t len = strlen(digits);
	if (digits[0] == '0')
		return wb_err(EX_DATAERR, "'%s': not a phone number (country code cannot start with 0)", in);
	if (len < MIN_DIGITS)
		return wb_err(EX_DATAERR, "'%s': not a phone number (too short)", in);
	if (len > MAX_DIGITS)
		return wb_err(EX_DATAERR, "'%s': not a phone number (more than 15 digits)", in);
	memcpy(out, digits, len + 1);
	return 0;
}

int phone_norm_env(const char *in, char out[PHONE_MAX])
{
	return phone_norm(in, getenv("WB_DEFAULT_CC"), out);
}
