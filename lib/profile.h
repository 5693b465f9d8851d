/* profile — the business profile kept in the setting table (profile.*):
 * name, about, description, category, address, email, websites and the
 * business time zone every rule about hours and days uses; its checks
 * (pure), its JSON export document and the Cloud API request body; the
 * business's own number, its wa.me link and its picture. HTTP is the
 * client's (cloudapi): this module only says what to ask it. */
#ifndef WB_PROFILE_H
#define WB_PROFILE_H
#include <jansson.h>

#include "db.h"
#include "hours.h"
#include "phone.h"

/* The business time zone (profile.timezone), malloc'd; NULL means the
 * system's zone. */
char *profile_tz(wb_db *db);

enum {
	PROFILE_NAME,
	PROFILE_ABOUT,
	PROFILE_DESCRIPTION,
	PROFILE_CATEGORY,
	PROFILE_ADDRESS,
	PROFILE_EMAIL,
	PROFILE_WEBSITES,
	PROFILE_TIMEZONE,
	PROFILE_NFIELDS
};
/* The field names, in the order show and export use (NULL-terminated);
 * each is stored as the setting profile.<name>. */
extern const char *const profile_fields[];
/* Meta's accepted values of vertical, which category takes. */
extern const char *const profile_categories[];

#define PROFILE_MAX_WEBSITES 2

typedef struct {
	char *v[PROFILE_NFIELDS];       /* normalised value; NULL: unset */
	unsigned char given[PROFILE_NFIELDS]; /* changed by this update */
} profile;

void profile_free(profile *p);

/* Index of a field name, or -1. */
int profile_field(const char *name);
/* Checks one value and writes its stored form to *norm (malloc'd):
 * lengths in Unicode characters, email and URL shapes, categories in
 * upper case, websites space-separated (given separated by commas or
 * spaces). An empty value is fine (it clears the field). 0 or
 * EX_DATAERR naming the field. Pure. */
int profile_check(int field, const char *value, char **norm);
/* Reads KEY=VALUE words into p (only given[] fields). website=URL may
 * come twice; websites=A,B gives both. All are checked before the caller
 * writes anything. EX_USAGE for a word that is not KEY=VALUE, an unknown
 * key or a key given twice; EX_DATAERR for a bad value. Pure. */
int profile_parse_set(int argc, char **argv, profile *p);
/* The websites of a stored value, split; returns how many (≤ 2). */
int profile_websites(const char *stored, char *urls[PROFILE_MAX_WEBSITES]);

int profile_load(wb_db *db, profile *p);
/* Writes the given fields (NULL deletes), in one transaction. */
int profile_save(wb_db *db, const profile *p);

/* The export document: every field (null when unset), websites as an
 * array, and hours (mode, week, exceptions). Pure. */
json_t *profile_json(const profile *p, const hours_spec *h);
/* Reads an export document. A key present replaces, a key absent keeps:
 * the fields present are marked given; *has_hours says whether the
 * document has an hours object (then h is the whole schedule). Errors
 * (EX_DATAERR) name the key. Pure. */
int profile_from_json(json_t *doc, profile *p, hours_spec *h, int *has_hours);
/* The whole profile as one JSON document, keys in a fixed order. */
int profile_export(wb_db *db, char **text);
/* Reads a document (name is what errors call it), checks everything,
 * then writes it in one transaction. */
int profile_import(wb_db *db, const char *text, const char *name);

/* Meta's business-profile request body (POST /{phone-number-id}/
 * whatsapp_business_profile): messaging_product and the fields that are
 * set (about, address, description, email, websites, vertical). */
json_t *profile_api_body(const profile *p);
int profile_to_api_json(wb_db *db, json_t **body);

/* The business's number, as digits (E.164 without '+'): WB_DISPLAY_PHONE
 * (environment or config file) when set, else the Cloud API's
 * display_phone_number of WB_PHONE_ID; either in international form.
 * 0, or EX_DATAERR for a number that is none, or the client's errors
 * (EX_CONFIG without a token…). */
int profile_number(char digits[PHONE_MAX]);
/* Sets the profile picture to the JPEG or PNG file at path (as Meta
 * takes it, at most 5 MB) through the Cloud API: 0, EX_NOINPUT,
 * EX_DATAERR for another type, or the client's errors. */
int profile_photo(const char *path);

/* The wa.me short link that opens a chat with the business: digits is
 * its number (E.164 without '+'), text a message to prefill (NULL: none),
 * percent-encoded as UTF-8. malloc'd. Pure. */
char *profile_wa_link(const char *digits, const char *text);

#endif
