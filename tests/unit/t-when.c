/* Unit tests of the calendar in when: day numbers and dates, weekdays,
 * the one table of day names, dates as text, and days in a time zone
 * across DST changes; and the words and offsets when_parse reads around
 * them (the ISO forms and durations are tested in t-base). */
#include "tap.h"

#include "err.h"
#include "hours.h"
#include "when.h"

static void days(void)
{
	is_int(when_day(1970, 1, 1), 0, "1970-01-01 is day 0");
	is_int(when_day(1969, 12, 31), -1, "the day before is -1");
	is_int(when_day(2026, 11, 30), 20787, "2026-11-30");
	is_int(when_day(2024, 3, 1) - when_day(2024, 2, 28), 2, "2024 is a leap year");
	is_int(when_day(2100, 3, 1) - when_day(2100, 2, 28), 1, "2100 is not");
	is_int(when_day(2000, 3, 1) - when_day(2000, 2, 28), 2, "2000 is");
	int bad = 0, py = 1898, pm = 12, pd = 31;
	for (int64_t z = when_day(1899, 1, 1); z <= when_day(2101, 1, 1); z++) {
		int y, m, d;
		when_date(z, &y, &m, &d);
		int next = d == pd + 1 ? y == py && m == pm : d == 1 && (m == pm + 1 ? y == py : m == 1 && y == py + 1);
		bad += when_day(y, m, d) != z || !next;
		py = y, pm = m, pd = d;
	}
	is_int(bad, 0, "every day from 1899 to 2101 is the date after the one before, and goes back");

	is_int(when_weekday(0), 3, "1970-01-01 was a Thursday");
	is_int(when_weekday(-1), 2, "1969-12-31 a Wednesday");
	is_int(when_weekday(when_day(2026, 11, 30)), 0, "2026-11-30 is a Monday");
	is_int(when_weekday(when_day(2026, 12, 6)), 6, "2026-12-06 a Sunday");
	is_int(when_weekday(when_day(1900, 1, 1)), 0, "1900-01-01 was a Monday");
}

static void names(void)
{
	static const char *const want[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	static const char *const lower[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	for (int i = 0; i < 7; i++) {
		is_str(when_day_name(i, 0), want[i], "day %d is %s", i, want[i]);
		is_str(when_day_name(i, 1), lower[i], "and %s as hours write it", lower[i]);
	}
	ok(when_day_name(7, 0) == NULL && when_day_name(-1, 1) == NULL, "no eighth day");
}

static void dates(void)
{
	int64_t z;
	char buf[16];
	is_int(when_parse_date("2026-12-25", &z), 0, "a date");
	is_int(z, when_day(2026, 12, 25), "its day");
	when_fmt_date(z, buf);
	is_str(buf, "2026-12-25", "formats back");
	when_fmt_date(-1, buf);
	is_str(buf, "1969-12-31", "before 1970");
	is_int(when_parse_date("2024-02-29", &z), 0, "a leap day");
	static const char *const bad[] = {"2026-02-29", "2026-13-01", "2026-12-25T09:00", "2026-12-25 ",
					  "2026-1-05", "today -10d", "+99999999s", ""};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(when_parse_date(bad[i], &z), -1, "'%s' is not a date", bad[i]);

	/* a holiday is a date, not any time when_parse reads */
	hours_spec h = {0};
	is_int(hours_set_exception(&h, "2026-12-25", NULL, 0), 0, "a holiday on a date");
	is_int(hours_set_exception(&h, "today -10d", NULL, 0), EX_DATAERR, "not on a relative time");
	is_int(hours_set_exception(&h, "+99999999s", NULL, 0), EX_DATAERR, "nor on an offset");
	is_int(h.nex, 1, "one holiday kept");
	hours_free(&h);
}

static void zones(void)
{
	int64_t t;
	char buf[40];
	when_parse("2026-11-24T15:59:59Z", 0, "UTC", &t);
	is_int(when_local_day(t, "Asia/Shanghai"), when_day(2026, 11, 24), "15:59:59Z is the 24th in Shanghai");
	is_int(when_local_day(t + 1, "Asia/Shanghai"), when_day(2026, 11, 25), "16:00Z the 25th");
	is_int(when_local_day(t + 1, "America/New_York"), when_day(2026, 11, 24), "and still the 24th in New York");
	when_parse("1969-12-31T23:00Z", 0, "UTC", &t);
	is_int(when_local_day(t, "UTC"), -1, "before 1970: the day before day 0");

	int64_t dst_start = when_day(2026, 3, 8), dst_end = when_day(2026, 11, 1);
	const char *ny = "America/New_York";
	is_int(when_day_at(dst_start + 1, 0, ny) - when_day_at(dst_start, 0, ny), 23 * 3600,
	       "the day DST starts has 23 hours");
	is_int(when_day_at(dst_end + 1, 0, ny) - when_day_at(dst_end, 0, ny), 25 * 3600, "the day it ends 25");
	when_fmt_local(when_day_at(dst_start, 150, ny), ny, buf);
	is_str(buf, "2026-03-08T03:30:00-04:00", "a skipped time moves forward");
	when_fmt_local(when_day_at(dst_end, 90, ny), ny, buf);
	is_str(buf, "2026-11-01T01:30:00-04:00", "a repeated time takes the first");
	when_day_at(dst_end + 1, 0, ny); /* mktime's guess follows the zone's last offset */
	when_fmt_local(when_day_at(dst_end, 90, ny), ny, buf);
	is_str(buf, "2026-11-01T01:30:00-04:00", "whatever was asked before");
	is_int(when_day_at(dst_start, 1440, ny), when_day_at(dst_start + 1, 0, ny), "minute 1440 is the next midnight");
	when_fmt_local(when_day_at(when_day(2026, 11, 24), 9 * 60, "Asia/Shanghai"), "Asia/Shanghai", buf);
	is_str(buf, "2026-11-24T09:00:00+08:00", "09:00 in Shanghai");
}

static void words(void)
{
	int64_t t, now = 1764064800; /* 2025-11-25T10:00:00Z */
	static const struct {
		const char *in;
		int64_t want;
	} good[] = {
		{"now", 1764064800},
		{"  now -1d", 1764064800 - 86400},
		{"yesterday", 1763942400},
		{"tomorrow 23:59", 1764201540},
		{"today +1h -30m", 1764028800 + 1800},
		{"30m +1h", 1764064800 + 5400},
		{"11:00", 1764064800 + 3600},        /* later today */
		{"9:00", 1764064800 + 23 * 3600},    /* passed: tomorrow's */
		{"10:00", 1764064800 + 86400},       /* now is not "next" */
		{"09:00 +30m", 1764064800 + 23 * 3600 + 1800},
		{"tomorrow 9:05", 1764061200 + 86400 + 300},
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		t = 0;
		is_int(when_parse(good[i].in, now, "UTC", &t), 0, "'%s' reads", good[i].in);
		is_int(t, good[i].want, "'%s' is right", good[i].in);
	}
	static const char *const bad[] = {"nowadays", "today 1d", "30m 1h", "now now", "todays", "2026-11-24T9",
					  "24:00", "9:60", "09:00x", "123:00", "9:0"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(when_parse(bad[i], now, "UTC", &t), EX_DATAERR, "'%s' is not a time", bad[i]);
}

/* A clock time alone is the next one in the zone; times and durations
 * for people read as a table shows them. */
static void for_people(void)
{
	int64_t t, now = 1764064800; /* 2025-11-25T10:00:00Z, 18:00 in Shanghai */
	char buf[48];
	when_parse("09:00", now, "Asia/Shanghai", &t);
	when_fmt_human(t, "Asia/Shanghai", buf);
	is_str(buf, "2025-11-26 09:00+08:00", "09:00 after 18:00 in Shanghai is tomorrow's");
	is_int(when_parse(buf, now, "UTC", &t), 0, "the form people read is read back");
	is_int(t, 1764118800, "as the same time");
	when_fmt_human(now, "America/New_York", buf);
	is_str(buf, "2025-11-25 05:00-05:00", "a negative offset");
	when_fmt_human(now, "UTC", buf);
	is_str(buf, "2025-11-25 10:00+00:00", "UTC says +00:00");
	static const struct {
		int64_t secs;
		const char *want;
	} durs[] = {{0, "0s"}, {45, "45s"}, {183, "3m 03s"}, {7500, "2h 05m"}, {3600, "1h 00m"},
		    {273600, "3d 04h"}, {-5, "0s"}};
	for (size_t i = 0; i < sizeof durs / sizeof *durs; i++) {
		when_dur_human(durs[i].secs, buf);
		is_str(buf, durs[i].want, "%lld seconds read %s", (long long)durs[i].secs, durs[i].want);
	}
}

int main(void)
{
	for_people();
	days();
	names();
	dates();
	zones();
	words();
	return done_testing();
}
