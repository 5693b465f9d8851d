/* contact — the people the business talks to: the contact table and
 * their attributes (contact.attrs, seen row by row in contact_attr).
 * Finding, creating and updating contacts, their attributes, opt-out, and
 * the one query that selects contacts by labels and activity (wb-contact
 * ls and wb-send's segments share it). A contact is named by a key: its
 * phone number (wa_id) or its business-scoped user ID (bsuid.h). Which
 * contact a webhook's identifiers name, and merging two, is identity's. */
#ifndef WB_CONTACT_H
#define WB_CONTACT_H
#include <stdint.h>
#include <stdio.h>

#include "bsuid.h"
#include "bulk.h"
#include "db.h"
#include "kv.h"
#include "phone.h"

/* A phone number (wa_id) or a user ID: what names a contact. */
#define CONTACT_KEY_MAX BSUID_MAX

typedef struct {
	int64_t id;
	char wa_id[PHONE_MAX];    /* "" when the phone is not known */
	char user_id[BSUID_MAX];  /* "" when none */
	char *parent_user_id;     /* NULL when unset */
	char *username;           /* NULL when unset */
	char *name;               /* NULL when unset */
	char *profile_name;       /* NULL when unset */
	int opted_out, marketing_stop;
	int64_t opted_out_at, marketing_stop_at, created_at, updated_at, last_in_at, last_out_at; /* 0: never */
	char *attrs;              /* the attributes: a JSON object of strings */
} contact;

void contact_free(contact *c);
/* The contact's key: its phone, else its user ID. */
const char *contact_key(const contact *c);

/* The contact a key names: a phone number (wa_id) or a user ID, which
 * may be a former one (contact_alias) or a parent ID. 0 and *c filled,
 * or EX_FALSE ("no contact …") when there is none. */
int contact_get(wb_db *db, const char *key, contact *c);
/* Its id alone: 0, EX_FALSE, or the database's error. */
int contact_find(wb_db *db, const char *key, int64_t *id);
/* contact_resolve_phone that also takes a user ID (as it is): what
 * commands read where a contact is named. */
int contact_resolve(wb_db *db, const char *in, char out[CONTACT_KEY_MAX]);
/* A phone number as the user or a file wrote it, read into out: digits
 * alone that are already a contact's wa_id are that contact (what wb
 * writes reads back as the same contact, whatever the default region
 * would make of it); anything else is read by phone's rules. db NULL:
 * the rules alone. 0, or phone's and the database's errors. */
int contact_resolve_phone(wb_db *db, const char *in, char out[PHONE_MAX]);
/* The first half of contact_resolve_phone: 0 and out when in is digits
 * alone that are a contact's wa_id; EX_FALSE when it is not (then the
 * rules read it), or the database's error. */
int contact_known_phone(wb_db *db, const char *in, char out[PHONE_MAX]);
/* The id of key's contact, created (with nothing else) when missing. */
int contact_ensure(wb_db *db, const char *key, int64_t now, int64_t *id);
/* Creates or updates: name NULL keeps the old one. *created tells which. */
int contact_upsert(wb_db *db, const char *key, const char *name, int64_t now, int64_t *id, int *created);
/* contact_upsert that also merges attrs, a JSON object of strings (a
 * null member removes that attribute), into the contact's attributes. */
int contact_upsert_attrs(wb_db *db, const char *key, const char *name, const char *attrs,
			 int64_t now, int64_t *id, int *created);
/* Our message at ts: moves last_out_at forward. */
int contact_sent(wb_db *db, int64_t id, int64_t ts);
/* Whether key may name an attribute: 1 to 64 characters of UTF-8 without
 * braces, '=' or control characters, no space at either end, and not one
 * of the names {{placeholders}} take from the contact itself (name,
 * phone, wa_id, user_id, username, profile_name, business, in any case). Pure; 0 or
 * EX_DATAERR. */
int contact_key_check(const char *key);
/* The names {{placeholders}} take from the contact itself, NULL-terminated:
 * name phone wa_id user_id username profile_name business. */
extern const char *const contact_fields[];
/* Every attribute key some contact has, with how many contacts have it,
 * in key order; and how many contacts there are. */
typedef int (*contact_key_fn)(const char *key, int64_t contacts, void *ctx);
int contact_attr_keys(wb_db *db, contact_key_fn fn, void *ctx);
int contact_count(wb_db *db, int64_t *n);
/* The bounds of what a contact holds, in characters of UTF-8: a name
 * the business gives it and an attribute's value.
 * Longer input is refused, never cut. */
#define CONTACT_NAME_MAX 256
#define CONTACT_VALUE_MAX 1024
/* Whether name (NULL: none) fits CONTACT_NAME_MAX; 0 or EX_DATAERR. */
int contact_name_check(const char *name);
/* Whether an attribute's value (NULL: a removal) fits CONTACT_VALUE_MAX;
 * 0 or EX_DATAERR naming the key. */
int contact_value_check(const char *key, const char *value);
/* value NULL removes the attribute; a value that does not fit is
 * EX_DATAERR. */
int contact_set_attr(wb_db *db, int64_t id, const char *key, const char *value);
/* Fills m with the attributes (key → value), in key order. */
int contact_attrs(wb_db *db, int64_t id, kv *m);
/* The attributes as a JSON object, malloc'd ("{}" when none). */
char *contact_attrs_json(wb_db *db, int64_t id);
/* Fills m (cleared first) with c's attributes as read with it. */
void contact_attrs_of(const contact *c, kv *m);
/* Fills m with what {{placeholders}} can name for this contact: its
 * attributes, then name (the business's name for them, else the profile
 * name, else the username, else the phone or user ID), phone, wa_id,
 * user_id, username, profile_name and business. */
int contact_vars(wb_db *db, const contact *c, kv *m);
int contact_set_optout(wb_db *db, int64_t id, int opted_out, int64_t ts);
/* They stopped (1) or resumed (0) marketing messages in WhatsApp at ts;
 * *changed (may be NULL) says whether that is news. */
int contact_set_marketing(wb_db *db, int64_t id, int stop, int64_t ts, int *changed);
/* The business's name for them (NULL: none). */
int contact_set_name(wb_db *db, int64_t id, const char *name, int64_t ts);
/* EX_FALSE when there was no such contact. */
int contact_rm(wb_db *db, const char *key);

/* wb-contact optout and optin: the phones of argv, or of fp (as
 * bulk_phones takes them), opted out (or in), unknown ones becoming
 * contacts; row hears of each with whether it changed. */
int contact_optout_phones(wb_db *db, int argc, char **argv, FILE *fp, int opted_out, bulk_row_fn row,
			  void *ctx);
/* wb-contact rm: the phones' contacts removed with their messages; one
 * that is no contact is EX_FALSE, and nothing is removed. */
int contact_rm_phones(wb_db *db, int argc, char **argv, FILE *fp, bulk_row_fn row, void *ctx);

/* A full sync keyed on an attribute (wb-contact import --key KEY), inside
 * the caller's transaction. sync_begin notes which contact holds each
 * value of KEY; sync_find gives the contact of a value and the line that
 * named it in this file (0: none yet), or EX_FALSE; sync_mark records
 * that line named value for contact id. sync_missing calls fn, by phone,
 * for the contacts that hold KEY with a value no line named, and
 * sync_remove_missing removes them. */
int contact_sync_begin(wb_db *db, const char *key);
int contact_sync_find(wb_db *db, const char *value, int64_t *id, long *line);
int contact_sync_mark(wb_db *db, const char *value, int64_t id, long line);
int contact_sync_missing(wb_db *db, int (*fn)(const contact *c, void *ctx), void *ctx);
int contact_sync_remove_missing(wb_db *db, long *removed);
/* A contact's new phone or user ID (key, as contact_get takes it); the
 * old one becomes an alias. EX_DATAERR when another contact has it. */
int contact_set_key(wb_db *db, int64_t id, const char *key, int64_t now);

/* The order of a listing: by phone; by their last message or ours, the
 * latest first (never: last); by name (the business's, else the
 * profile's, else the phone), ignoring ASCII case. */
typedef enum { CONTACT_BY_PHONE, CONTACT_BY_LAST_IN, CONTACT_BY_LAST_OUT, CONTACT_BY_NAME } contact_sort;
/* The --sort names of the orders after phone: last-in last-out name. */
extern const char *const contact_sort_names[];

/* Which contacts a listing or a segment takes. Lists are NULL-terminated
 * label names; every label must exist (EX_DATAERR naming it otherwise). */
typedef struct {
	const char *const *labels;     /* has every one of these */
	const char *const *not_labels; /* has none of these */
	int64_t inactive;              /* > 0: no message from them within this many seconds */
	int64_t active;                /* > 0: a message from them within this many seconds */
	int opted_out;                 /* 1: only opted out, -1: none opted out, 0: either */
	const char *const *where;      /* attribute conditions, all of them (contact_where_check) */
	int64_t now;
	/* Replies are the messages sent to a contact that are not automatic;
	 * a reply counts from when the API accepted it. */
	int unanswered; /* their last message came after our last reply */
	int unread;     /* a message of theirs that nobody opened (read_at),
	                 * with no reply after it */
	contact_sort sort;
} contact_filter;

/* Whether expr is an attribute condition of a segment: KEY=VALUE (the
 * attribute is VALUE), KEY!=VALUE (it is not: another value, or none),
 * KEY= (missing or empty), KEY!= (present). KEY is an attribute name
 * (contact_key_check). Pure; 0 or EX_USAGE saying what is wrong. */
int contact_where_check(const char *expr);

/* Calls fn for each matching contact in f's order; a non-zero return
 * from fn stops the walk and is returned. */
typedef int (*contact_fn)(const contact *c, void *ctx);
int contact_each(wb_db *db, const contact_filter *f, contact_fn fn, void *ctx);
/* The names of the attributes the matching contacts have, each once, in
 * byte order: *keys is a NULL-terminated malloc'd list (free it with
 * contact_keys_free). */
int contact_filter_keys(wb_db *db, const contact_filter *f, char ***keys);
void contact_keys_free(char **keys);

#endif
