#include "profile.h"

char *profile_tz(wb_db *db)
{
	return db_get_setting(db, "profile.timezone");
}
