/* profile — the business profile kept in the setting table (profile.*):
 * name, about, description, category, address, email, websites and the
 * business time zone every rule about hours and days uses. */
#ifndef WB_PROFILE_H
#define WB_PROFILE_H

#include "db.h"

/* The business time zone (profile.timezone), malloc'd; NULL means the
 * system's zone. */
char *profile_tz(wb_db *db);

#endif
