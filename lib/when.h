/* when — times and durations as people type them, and the one calendar:
 * dates, weekdays and day names, days in a named time zone. Times are
 * Unix seconds (int64_t); days are numbered from 1970-01-01 (day 0). Pure
 * apart from the clock (WB_NOW overrides it, for tests and replays) and
 * the process TZ, which this module alone switches to do zone arithmetic. */
#ifndef WB_WHEN_H
#define WB_WHEN_H
#include <stdint.h>
#include <time.h>

/* Now, or WB_NOW when set (any form when_parse reads, in UTC). */
int64_t when_now(void);

/* Reads "2026-11-24", "2026-11-24T09:00", "…:30Z", "…+08:00", "now",
 * "today", "yesterday", "tomorrow" (with a clock time: "tomorrow 09:00"),
 * a clock time alone ("09:00": the next 09:00), an offset from now ("-7d", "+2h",
 * "30m"), or a time followed by offsets ("2026-12-03T15:00 -1d"). A time
 * without zone is in tz (an IANA name; NULL: the system's zone). Returns 0
 * or EX_DATAERR with a message. */
int when_parse(const char *s, int64_t now, const char *tz, int64_t *out);

/* Reads a duration: "90s", "30m", "2h", "14d", "2w", or several ("1h30m").
 * Returns 0 or EX_DATAERR. */
int when_dur_parse(const char *s, int64_t *secs);
/* Writes a duration the way when_dur_parse reads it ("14d", "1h30m"). */
void when_dur_fmt(int64_t secs, char buf[32]);

/* 2026-11-25T10:00:00Z */
void when_fmt_utc(int64_t t, char buf[32]);
/* 2026-11-25T18:00:00+08:00 in tz (NULL: system zone). */
void when_fmt_local(int64_t t, const char *tz, char buf[40]);
/* 2026-11-25 18:00+08:00: a time for people to read, in tz to the minute
 * with its offset (+00:00 too), as every table shows times; when_parse
 * reads it back. */
void when_fmt_human(int64_t t, const char *tz, char buf[40]);
/* A duration for people: "45s", "5m 03s", "2h 05m", "3d 04h". */
void when_dur_human(int64_t secs, char buf[48]);

/* 1 when tz names a zone in the system's tzdata (or is UTC). */
int when_tz_valid(const char *tz);
/* Broken-down local time of t in tz (tm_gmtoff set). */
void when_local(int64_t t, const char *tz, struct tm *tm);
/* The instant of a local wall-clock time in tz; a time skipped by a DST
 * change moves forward, a repeated one takes the first. */
int64_t when_from_local(int y, int mon, int d, int h, int min, int s, const char *tz);

/* ---- the calendar (proleptic Gregorian) ---- */

/* The day number of a date (m 1..12, d 1..31), and back. */
int64_t when_day(int y, int m, int d);
void when_date(int64_t day, int *y, int *m, int *d);
/* 0 for Monday … 6 for Sunday. */
int when_weekday(int64_t day);
/* "Mon" … "Sun" for 0 … 6, as wb-stats labels weekdays; lower: "mon" …
 * "sun", as opening hours are written. NULL outside 0 … 6. */
const char *when_day_name(int weekday, int lower);
/* Reads exactly "YYYY-MM-DD", a date that exists. 0, or -1. */
int when_parse_date(const char *s, int64_t *day);
/* Writes "YYYY-MM-DD". */
void when_fmt_date(int64_t day, char buf[16]);

/* The day that t falls on in tz (NULL: system zone). */
int64_t when_local_day(int64_t t, const char *tz);
/* The instant min minutes after the local midnight of day in tz (1440:
 * the next midnight): the wall clock, so a day of a DST change has 23 or
 * 25 hours and a skipped time moves forward. */
int64_t when_day_at(int64_t day, int min, const char *tz);

#endif
