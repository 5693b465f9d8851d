/* phone — reads a phone number written any common way ("+1 (650)
 * 555-1234", "0044 20 7946 0958", "020 7946 0958" in GB) as the digits
 * of E.164 without '+', WhatsApp's wa_id. libphonenumber (through
 * phonelib) knows the numbering plans; this module decides which readings
 * of a number count and words the refusals. Pure but for phone_region,
 * which reads the settings. No database: that a bare number is already a
 * contact is contact_resolve_phone's to see. */
#ifndef WB_PHONE_H
#define WB_PHONE_H

#define PHONE_MAX 16 /* 15 digits and the NUL */

/* One reading of a number: a phonelib_status, and the wa_id when VALID. */
typedef struct {
	int status; /* -1: not tried */
	char wa_id[PHONE_MAX];
} phone_try;

/* The readings of one input in one default region. */
typedef struct {
	const char *in;       /* the input, as messages quote it */
	char region[3];       /* the default region, "" for none */
	int plus;             /* written with '+': international, nothing else */
	int digits;           /* how many it has */
	char bare[PHONE_MAX]; /* the input when it is only digits, as wb writes a wa_id; else "" */
	phone_try intl;       /* as an international number ("00" or nothing before the country code) */
	phone_try national;   /* as a number of region; not tried without one */
} phone_reading;

/* Reads in both ways. region is two letters ("US", any case) or NULL/"".
 * 0; EX_DATAERR when in cannot be a number at all (no digits, letters, an
 * extension); EX_CONFIG when region is not one. r->in points at in. */
int phone_read(const char *in, const char *region, phone_reading *r);
/* The reading that counts: with '+', the international one; else the
 * international one when only it is valid; else the national one, as
 * libphonenumber reads it. 0 and out, or EX_DATAERR saying why not (a
 * national number with no default region, no such country code, too
 * short…). */
int phone_pick(const phone_reading *r, char out[PHONE_MAX]);
/* 1 and out when in is digits alone (space around them aside), as wb
 * writes a wa_id; else 0 and out "". Cheap: no numbering plans. */
int phone_bare(const char *in, char out[PHONE_MAX]);
/* phone_read, then phone_pick. */
int phone_parse(const char *in, const char *region, char out[PHONE_MAX]);

/* The default region for national numbers: WB_DEFAULT_REGION, else the
 * main region of the country code WB_DEFAULT_CC (44 → GB, 1 → US), each
 * from the environment or the config file; "" when neither is set.
 * EX_CONFIG for a value that is neither; config_get's errors. Like every
 * function here, safe to call from several threads at once. */
int phone_region(char region[3]);
/* phone_read and phone_parse in the default region. */
int phone_read_env(const char *in, phone_reading *r);
int phone_norm_env(const char *in, char out[PHONE_MAX]);

#endif
