/* identity — which contact a webhook's identifiers name. A WhatsApp user
 * reaches the business with a phone number, a business-scoped user ID, or
 * both (bsuid.h); this module finds the contact by user ID (a former one
 * too) and then by phone, keeps what a delivery teaches (a phone or user
 * ID the contact lacked, the parent ID, username, profile name), makes
 * one contact of two when a delivery shows they are one person, and
 * re-keys a contact whose number or user ID changed, keeping the former
 * ones as aliases. It reads no webhooks (inbound does) and owns no other
 * contact writes (contact does). */
#ifndef WB_IDENTITY_H
#define WB_IDENTITY_H
#include <stdint.h>

#include "db.h"

/* What one delivery says about a user; any field may be NULL (0). */
typedef struct {
	const char *phone;          /* wa_id digits */
	const char *user_id;        /* business-scoped user ID */
	const char *parent_user_id; /* CC.ENT.… */
	const char *username;
	const char *profile_name;
	int64_t last_in, last_out;  /* a message from them / to them at this time */
} identity;

/* The contact who names: by user ID, else by phone. Two contacts, one
 * found by each, are the same person when the one found by phone has no
 * user ID of its own: they become one (the older keeps its id); when it
 * has another, its number has passed to a new person, and it gives the
 * number up (kept as an alias). Without a contact, one is created when
 * create is set, else *id is 0. What who says is kept on the contact;
 * last_in and last_out move its times forward, never back. 0 or the
 * database's error; EX_DATAERR when who names nobody. */
int identity_find(wb_db *db, const identity *who, int64_t now, int create, int64_t *id);

/* The user changed number or user ID (system messages
 * user_changed_number, user_changed_user_id): the contact that was is
 * found by the old identifiers and takes the new ones (a contact that
 * holds one already joins it); the old ones become aliases. *id is the
 * contact. */
int identity_changed(wb_db *db, const identity *was, const identity *now_is, int64_t ts, int64_t *id);

/* Makes one contact of two: from's messages, labels, calls, automatic
 * replies and aliases go to into, its fields fill what into lacks (the
 * later of two times, opt-outs kept, into's attributes winning), and from
 * is removed. */
int identity_merge(wb_db *db, int64_t into, int64_t from, int64_t now);
/* Turns on (1) or off (0, freeing it) a cache of db's contacts known by
 * phone alone, for a caller that stores many deliveries (wb-recv's
 * store) and undoes none of them by a savepoint while it is on (a whole
 * rollback empties it, as another process's commit does). Off by
 * default; turning it either way empties it. */
void identity_cache(wb_db *db, int on);

#endif
