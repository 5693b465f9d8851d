/* bsuid — Meta's business-scoped user IDs (BSUIDs): the identifier a
 * WhatsApp user has towards one business portfolio, "CC." and up to 128
 * letters and digits (CC: the ISO 3166 country), and the parent IDs of
 * managed businesses, "CC.ENT.…". Since 2026 some users reach a business
 * with this ID and no phone number. Pure: the syntax only, which cannot
 * be mistaken for a phone number; contacts that hold such IDs are
 * contact's. */
#ifndef WB_BSUID_H
#define WB_BSUID_H

#define BSUID_MAX 136 /* "CC.ENT.", 128 characters and the NUL */

/* 1 when s is a user ID or a parent user ID, else 0. */
int bsuid_valid(const char *s);
/* 1 when s is a parent user ID ("CC.ENT.…"). */
int bsuid_is_parent(const char *s);

#endif
