/* hours — opening hours: the weekly schedule, holidays and special days,
 * and whether the business is open at a given instant (and until when).
 * Parsing and evaluation are pure; hours_load/hours_save move a schedule
 * to and from the hours and hours_exception tables. */
#ifndef WB_HOURS_H
#define WB_HOURS_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define HOURS_MAX_RANGES 8

typedef struct {
	int open, close; /* minutes from local midnight; close may be 1440 */
} hours_range;

typedef enum { HOURS_UNSET, HOURS_WEEK, HOURS_ALWAYS, HOURS_APPOINTMENT } hours_mode;

typedef struct {
	char date[11]; /* YYYY-MM-DD */
	int n;         /* 0: closed all day */
	hours_range r[HOURS_MAX_RANGES];
} hours_exception;

typedef struct {
	hours_mode mode;
	int n[7]; /* ranges per weekday, 0 = Monday (when_weekday) */
	hours_range day[7][HOURS_MAX_RANGES];
	hours_exception *ex;
	int nex;
} hours_spec;

/* Reads "09:00-12:00,13:00-18:00" or "closed" (n = 0). 0 or EX_DATAERR. */
int hours_parse_ranges(const char *s, hours_range *r, int *n);
/* Reads a week from words: "mon-fri 09:00-18:00 sat 10:00-14:00 sun
 * closed", "always", "appointment". Days not named are closed. Fills the
 * mode and the weekly part of h. 0 or EX_DATAERR naming the bad word. */
int hours_parse_week(int argc, char **argv, hours_spec *h);
/* Adds or replaces an exception for a date (n = 0: closed). */
int hours_set_exception(hours_spec *h, const char *date, const hours_range *r, int n);
/* Writes "09:00-12:00,13:00-18:00" or "closed". */
void hours_fmt_ranges(const hours_range *r, int n, char *buf, size_t size);

/* Whether the business is open at t, in time zone tz. *until is when
 * that changes (the closing or next opening), 0 when never (always open,
 * or no opening within a year). HOURS_UNSET counts as always open;
 * HOURS_APPOINTMENT as closed. */
int hours_open_at(const hours_spec *h, int64_t t, const char *tz, int64_t *until);

/* The next opening after t (the end of the break when closed at t, else
 * the opening after this open period): 0 and *at, or EX_FALSE when the
 * hours give none (always open, by appointment, none within a year). */
int hours_next_open(const hours_spec *h, int64_t t, const char *tz, int64_t *at);
/* An opening as a customer reads it, in tz: "13:00" on the day of from,
 * "Mon 09:00" within the next six days, "Mon 4 Jan 09:00" later. */
void hours_fmt_opening(int64_t at, int64_t from, const char *tz, char buf[32]);

int hours_load(wb_db *db, hours_spec *h);
/* Replaces the weekly schedule and mode (not the exceptions). */
int hours_save_week(wb_db *db, const hours_spec *h);
/* Replaces one date's exception (n = 0: closed; n < 0: removes it). */
int hours_save_exception(wb_db *db, const char *date, const hours_range *r, int n);
void hours_free(hours_spec *h);

/* "week", "always", "appointment"; NULL for HOURS_UNSET. */
const char *hours_mode_name(hours_mode m);
/* The exception on date, or NULL when that date has none. */
const hours_exception *hours_find_exception(const hours_spec *h, const char *date);
/* Replaces everything: mode, week and every exception. Call it inside a
 * transaction so that a reader never sees half a schedule. */
int hours_save(wb_db *db, const hours_spec *h);

#endif
