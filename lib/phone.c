#include "phone.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "phonelib.h"

/* E.164's 15 digits, an international prefix ("0011") and a "(0)" */
#define MAX_WRITTEN_DIGITS 24
/* No number reaches across borders with fewer (Niue's: +683 and 4) */
#define MIN_DIGITS 7

static int is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/';
}

/* A region as libphonenumber spells it ("us" → "US"), or EX_CONFIG. */
static int region_check(const char *name, char out[3])
{
	if (strlen(name) == 2)
		for (int i = 0; i < 3; i++)
			out[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	if (strlen(name) != 2 || phonelib_country_code(out) <= 0)
		return wb_err(EX_CONFIG, "WB_DEFAULT_REGION '%s' is not a region (two letters: US, GB, CN…)",
			      name);
	return 0;
}

static void read_as(phone_try *t, const char *text, const char *region)
{
	t->status = (int)phonelib_parse(text, region, t->wa_id, sizeof t->wa_id);
}

/* The refusal of an input with a character no number has; an extension
 * (" ext. 12", " x12") is named as such. */
static int refuse_char(const char *in, const char *region, char c)
{
	char scratch[PHONE_MAX];
	if (phonelib_parse(in, region, scratch, sizeof scratch) == PHONELIB_EXTENSION)
		return wb_err(EX_DATAERR, "'%s': has an extension, which WhatsApp cannot reach", in);
	if (c > ' ' && c < 127)
		return wb_err(EX_DATAERR, "'%s': not a phone number (unexpected '%c')", in, c);
	return wb_err(EX_DATAERR, "'%s': not a phone number (unexpected character)", in);
}

int phone_bare(const char *in, char out[PHONE_MAX])
{
	in += strspn(in, " \t");
	size_t n = strspn(in, "0123456789");
	if (!n || n >= PHONE_MAX || in[n + strspn(in + n, " \t")]) {
		*out = 0;
		return 0;
	}
	memcpy(out, in, n);
	out[n] = 0;
	return 1;
}

int phone_read(const char *in, const char *region, phone_reading *r)
{
	memset(r, 0, sizeof *r);
	r->in = in;
	r->intl.status = r->national.status = -1;
	int rc;
	if (region && *region && (rc = region_check(region, r->region)))
		return rc;
	/* the digits after a '+': libphonenumber reads them several times
	 * faster than the same with the punctuation people write */
	char d[MAX_WRITTEN_DIGITS + 2] = "+";
	size_t n = 0;
	const char *p = in + strspn(in, " \t");
	if (*p == '+') {
		r->plus = 1;
		p++;
	}
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == MAX_WRITTEN_DIGITS)
				return wb_err(EX_DATAERR, "'%s': not a phone number (too long)", in);
			d[++n] = *p;
		} else if (!is_sep(*p)) {
			return refuse_char(in, r->region, *p);
		}
	}
	if (!n)
		return wb_err(EX_DATAERR, "'%s': not a phone number", in);
	r->digits = (int)n;
	phone_bare(in, r->bare);
	if (r->plus) {
		read_as(&r->intl, d, NULL);
		return 0;
	}
	if (*r->region)
		read_as(&r->national, d + 1, r->region);
	/* no '+': the country code may still lead, after "00" (the
	 * international prefix of most of the world) or with nothing before it */
	if (d[1] == '0' && d[2] == '0') {
		d[2] = '+';
		read_as(&r->intl, d + 2, NULL);
	} else if (d[1] != '0') {
		read_as(&r->intl, d, NULL);
	}
	return 0;
}

static const char *why(int status)
{
	switch (status) {
	case PHONELIB_NO_COUNTRY:
		return "no such country code";
	case PHONELIB_TOO_SHORT:
		return "too short";
	case PHONELIB_TOO_LONG:
		return "too long";
	case PHONELIB_INVALID:
		return "not in the numbering plan";
	default:
		return "not a phone number";
	}
}

int phone_pick(const phone_reading *r, char out[PHONE_MAX])
{
	const phone_try *t = NULL;
	if (r->intl.status == PHONELIB_VALID && r->national.status != PHONELIB_VALID)
		t = &r->intl;
	else if (r->national.status == PHONELIB_VALID)
		t = &r->national;
	if (t) {
		memcpy(out, t->wa_id, PHONE_MAX);
		return 0;
	}
	if (!*r->region && r->digits < MIN_DIGITS)
		return wb_err(EX_DATAERR, "'%s': not a valid phone number (too short)", r->in);
	if (r->plus || (!*r->region && r->intl.status == PHONELIB_TOO_LONG))
		return wb_err(EX_DATAERR, "'%s': not a valid phone number (%s)", r->in, why(r->intl.status));
	/* digits alone are how machines write international numbers; a
	 * person who leaves out the '+' more likely wrote a national one */
	if (!*r->region && *r->bare && r->intl.status >= 0)
		return wb_err(EX_DATAERR, "'%s': not a valid phone number (%s); "
			      "a national number needs WB_DEFAULT_REGION (e.g. US)", r->in, why(r->intl.status));
	if (!*r->region)
		return wb_err(EX_DATAERR, "'%s': national number: set WB_DEFAULT_REGION (e.g. US)", r->in);
	return wb_err(EX_DATAERR, "'%s': not a valid phone number (%s for %s)", r->in,
		      why(r->national.status), r->region);
}

int phone_parse(const char *in, const char *region, char out[PHONE_MAX])
{
	phone_reading r;
	int rc = phone_read(in, region, &r);
	return rc ? rc : phone_pick(&r, out);
}

/* WB_DEFAULT_CC, the older setting: a country code for its main region. */
static int cc_region(const char *cc, char out[3])
{
	const char *digits = cc[0] == '+' ? cc + 1 : cc;
	size_t n = strlen(digits);
	if (n < 1 || n > 3 || strspn(digits, "0123456789") != n || digits[0] == '0' ||
	    phonelib_main_region(atoi(digits), out))
		return wb_err(EX_CONFIG, "WB_DEFAULT_CC '%s' is not a country code", cc);
	return 0;
}

int phone_region(char region[3])
{
	/* settings do not change during a run; a list of numbers reads them
	 * once, whichever of the threads reading numbers comes first */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static char cached[3];
	static int known;
	int rc = 0;
	pthread_mutex_lock(&lock);
	if (!known) {
		char *v;
		rc = config_get("WB_DEFAULT_REGION", &v);
		if (!rc && v)
			rc = region_check(v, cached);
		else if (!rc && !(rc = config_get("WB_DEFAULT_CC", &v)) && v)
			rc = cc_region(v, cached);
		free(v);
		known = !rc;
	}
	memcpy(region, cached, sizeof cached);
	pthread_mutex_unlock(&lock);
	return rc;
}

int phone_read_env(const char *in, phone_reading *r)
{
	char region[3] = "";
	/* a '+' number needs no region: its settings are not even read */
	int rc = in[strspn(in, " \t")] == '+' ? 0 : phone_region(region);
	return rc ? rc : phone_read(in, region, r);
}

int phone_norm_env(const char *in, char out[PHONE_MAX])
{
	phone_reading r;
	int rc = phone_read_env(in, &r);
	return rc ? rc : phone_pick(&r, out);
}
