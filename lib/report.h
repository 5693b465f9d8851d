/* report — wb-stats report: the figures of stats over a range as one
 * self-contained HTML page with charts (svg) for people to look at, in a
 * browser, on a phone, on paper. Nothing in it reaches the network (no
 * script, font, style sheet or image to fetch), and everything that came
 * from the database is escaped text. */
#ifndef WB_REPORT_H
#define WB_REPORT_H
#include <stdint.h>

#include "db.h"

/* Reads the figures of [since, until) (days, hours and weekdays in zone
 * tz) and writes the page to path, whole or not at all; path NULL or "-"
 * is stdout. 0, or an EX_ code having said why. */
int report_html(wb_db *db, const char *path, int64_t since, int64_t until, const char *tz);

#endif
