/* phone — turns a phone number in any common notation into the digits of
 * E.164 without '+', WhatsApp's wa_id. Pure: no database, no I/O. */
#ifndef WB_PHONE_H
#define WB_PHONE_H

#define PHONE_MAX 16 /* 15 digits and the NUL */

/* Accepts "+1 (650) 555-1234", "0044 20 7946 0958", "8613912345678",
 * and national numbers ("020 7946 0958", "650-555-1234") when default_cc
 * (WB_DEFAULT_CC, digits, optional '+') is given. Returns 0 and fills out,
 * or EX_DATAERR with a message naming the input. */
int phone_norm(const char *in, const char *default_cc, char out[PHONE_MAX]);
/* The same, with default_cc from WB_DEFAULT_CC. */
int phone_norm_env(const char *in, char out[PHONE_MAX]);

#endif
