#include "when.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "util.h"

/* The zone the C library is set to now; "" before the first switch. The
 * system zone is whatever TZ said when the process started. */
static char *cur_tz;
static char *sys_tz;
static int sys_tz_saved;

static void use_tz(const char *tz)
{
	if (!sys_tz_saved) {
		const char *t = getenv("TZ");
		sys_tz = t ? xstrdup(t) : NULL;
		sys_tz_saved = 1;
	}
	const char *want = tz && *tz ? tz : sys_tz;
	if (cur_tz && want && !strcmp(cur_tz, want))
		return;
	if (cur_tz && !want && !strcmp(cur_tz, "\x01system"))
		return;
	free(cur_tz);
	if (want) {
		setenv("TZ", want, 1);
		cur_tz = xstrdup(want);
	} else {
		unsetenv("TZ");
		cur_tz = xstrdup("\x01system");
	}
	tzset();
}

int when_tz_valid(const char *tz)
{
	if (!tz || !*tz || tz[0] == '/' || strstr(tz, ".."))
		return 0;
	if (!strcmp(tz, "UTC") || !strcmp(tz, "Etc/UTC"))
		return 1;
	for (const char *p = tz; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
			return 0;
	const char *dir = getenv("TZDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

void when_local(int64_t t, const char *tz, struct tm *tm)
{
	use_tz(tz);
	time_t tt = (time_t)t;
	localtime_r(&tt, tm);
}

static int same_wall_clock(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon && a->tm_mday == b->tm_mday &&
	       a->tm_hour == b->tm_hour && a->tm_min == b->tm_min && a->tm_sec == b->tm_sec;
}

int64_t when_from_local(int y, int mon, int d, int h, int min, int s, const char *tz)
{
	use_tz(tz);
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = d,
			.tm_hour = h, .tm_min = min, .tm_sec = s, .tm_isdst = -1};
	time_t t = mktime(&tm);
	/* A time that occurs twice (when DST ends) is either instant to
	 * mktime, after the calls it made before. The earlier is at the
	 * offset in force a day before: take it when it reads the same. */
	struct tm before, other;
	time_t day_before = t - 86400;
	localtime_r(&day_before, &before);
	time_t u = t + tm.tm_gmtoff - before.tm_gmtoff;
	if (u < t && localtime_r(&u, &other) && same_wall_clock(&other, &tm))
		t = u;
	return (int64_t)t;
}

int64_t when_day(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int64_t)era * 146097 + (int64_t)doe - 719468;
}

void when_date(int64_t day, int *y, int *m, int *d)
{
	int64_t z = day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int when_weekday(int64_t day)
{
	return (int)((day % 7 + 7 + 3) % 7); /* day 0, 1970-01-01, was a Thursday */
}

const char *when_day_name(int weekday, int lower)
{
	static const char names[7][2][4] = {{"Mon", "mon"}, {"Tue", "tue"}, {"Wed", "wed"}, {"Thu", "thu"},
					    {"Fri", "fri"}, {"Sat", "sat"}, {"Sun", "sun"}};
	return weekday >= 0 && weekday < 7 ? names[weekday][!!lower] : NULL;
}

void when_fmt_date(int64_t day, char buf[16])
{
	int y, m, d;
	when_date(day, &y, &m, &d);
	snprintf(buf, 16, "%04d-%02d-%02d", y, m, d);
}

int64_t when_local_day(int64_t t, const char *tz)
{
	struct tm tm;
	when_local(t, tz, &tm);
	return when_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t when_day_at(int64_t day, int min, const char *tz)
{
	if (min >= 1440)
		return when_day_at(day + min / 1440, min % 1440, tz);
	int y, m, d;
	when_date(day, &y, &m, &d);
	return when_from_local(y, m, d, min / 60, min % 60, 0, tz);
}

static int64_t unit_secs(char u)
{
	switch (u) {
	case 's': return 1;
	case 'm': return 60;
	case 'h': return 3600;
	case 'd': return 86400;
	case 'w': return 7 * 86400;
	}
	return 0;
}

/* Reads "1h30m" at *p up to the end or a space; 0 on success. */
static int read_dur(const char **p, int64_t *secs)
{
	const char *s = *p;
	int64_t total = 0;
	int parts = 0;
	while (isdigit((unsigned char)*s)) {
		int64_t n = 0;
		while (isdigit((unsigned char)*s)) {
			n = n * 10 + (*s++ - '0');
			if (n > 100000000)
				return -1;
		}
		int64_t u = unit_secs(*s);
		if (!u)
			return -1;
		s++;
		total += n * u;
		parts++;
	}
	if (!parts || (*s && !isspace((unsigned char)*s)))
		return -1;
	*secs = total;
	*p = s;
	return 0;
}

int when_dur_parse(const char *s, int64_t *secs)
{
	const char *p = s;
	if (read_dur(&p, secs) || *p)
		return wb_err(EX_DATAERR, "'%s': not a duration (like 90s, 30m, 2h, 14d, 2w)", s);
	return 0;
}

void when_dur_fmt(int64_t secs, char buf[32])
{
	static const struct { char u; int64_t n; } units[] = {
		{'w', 7 * 86400}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
	size_t len = 0;
	buf[0] = 0;
	if (secs <= 0) {
		snprintf(buf, 32, "0s");
		return;
	}
	for (int i = 0; i < 5; i++)
		if (secs >= units[i].n) {
			len += (size_t)snprintf(buf + len, 32 - len, "%lld%c",
						(long long)(secs / units[i].n), units[i].u);
			secs %= units[i].n;
		}
}

static int digits(const char **p, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* A date that exists, "YYYY-MM-DD", at *p. */
static int read_date(const char **pp, int *y, int *mo, int *d)
{
	const char *p = *pp;
	if (digits(&p, 4, y) || *p++ != '-' || digits(&p, 2, mo) || *p++ != '-' || digits(&p, 2, d))
		return -1;
	if (*mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo))
		return -1;
	*pp = p;
	return 0;
}

int when_parse_date(const char *s, int64_t *day)
{
	int y, m, d;
	if (read_date(&s, &y, &m, &d) || *s)
		return -1;
	*day = when_day(y, m, d);
	return 0;
}

/* An ISO 8601 date or date-time at *p. */
static int read_iso(const char **pp, const char *tz, int64_t *out)
{
	const char *p = *pp;
	int y, mo, d, h = 0, mi = 0, s = 0;
	if (read_date(&p, &y, &mo, &d))
		return -1;
	int has_time = 0;
	if ((*p == 'T' || *p == ' ') && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) && p[3] == ':') {
		p++;
		has_time = 1;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &s))
				return -1;
			if (*p == '.' || *p == ',') /* fractions are dropped */
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (h > 24 || mi > 59 || s > 60 || (h == 24 && (mi || s)))
			return -1;
	}
	int zoned = 0;
	int64_t off = 0;
	if (*p == 'Z') {
		p++;
		zoned = 1;
	} else if (has_time && (*p == '+' || *p == '-')) {
		int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && digits(&p, 2, &om))
			return -1;
		if (oh > 14 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
		zoned = 1;
	}
	if (*p && !isspace((unsigned char)*p))
		return -1;
	if (zoned)
		*out = when_day(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - off;
	else
		*out = when_from_local(y, mo, d, h, mi, s, tz);
	*pp = p;
	return 0;
}


/* A word ("now", "today") at *p, as a whole word; moves past it. */
static int read_word(const char **p, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(*p, word, n) || ((*p)[n] && !isspace((unsigned char)(*p)[n])))
		return 0;
	*p += n;
	return 1;
}

/* A clock time, "09:00" or "9:00", as a whole word at *pp (after white
 * space): its minutes from midnight, and *pp moved past it; else -1. */
static int read_clock(const char **pp)
{
	const char *q = *pp;
	while (isspace((unsigned char)*q))
		q++;
	int h = 0, m;
	if (!isdigit((unsigned char)*q))
		return -1;
	if (digits(&q, isdigit((unsigned char)q[1]) ? 2 : 1, &h) || *q++ != ':' || digits(&q, 2, &m) ||
	    (*q && !isspace((unsigned char)*q)) || h > 23 || m > 59)
		return -1;
	*pp = q;
	return h * 60 + m;
}

/* "yesterday", "today" or "tomorrow" at *p, and a clock time after it
 * ("tomorrow 09:00"; midnight without): a wall-clock time in tz. */
static int read_day(const char **pp, int64_t now, const char *tz, int64_t *t)
{
	static const struct { const char *word; int shift; } days[] = {
		{"yesterday", -1}, {"today", 0}, {"tomorrow", 1}};
	size_t i = 0;
	while (i < 3 && !read_word(pp, days[i].word))
		i++;
	if (i == 3)
		return 0;
	int min = read_clock(pp);
	*t = when_day_at(when_local_day(now, tz) + days[i].shift, min < 0 ? 0 : min, tz);
	return 1;
}

/* A clock time alone ("09:00"): the next time the clock in tz shows it,
 * today or tomorrow. Someone scheduling "at nine" means the coming nine,
 * never one that has passed. */
static int read_next_clock(const char **pp, int64_t now, const char *tz, int64_t *t)
{
	int min = read_clock(pp);
	if (min < 0)
		return 0;
	int64_t today = when_local_day(now, tz);
	*t = when_day_at(today, min, tz);
	if (*t <= now)
		*t = when_day_at(today + 1, min, tz);
	return 1;
}

/* The offsets after a time ("-1d", "+2h 30m"): each needs its sign after
 * a base time or another offset ("2026-12-03 1d" does not say which way).
 * Returns how many, or -1. */
static int read_offsets(const char *p, int based, int64_t *t)
{
	int n = 0;
	for (;; n++) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			return n;
		int sign = 1;
		if (*p == '+' || *p == '-')
			sign = *p++ == '-' ? -1 : 1;
		else if (based || n)
			return -1;
		int64_t d;
		if (read_dur(&p, &d))
			return -1;
		*t += sign * d;
	}
}

int when_parse(const char *s, int64_t now, const char *tz, int64_t *out)
{
	const char *p = s;
	int64_t t = now;
	while (isspace((unsigned char)*p))
		p++;
	/* based: a time to start from was given (-1: a bad one) */
	int based = read_day(&p, now, tz, &t) || read_word(&p, "now") || read_next_clock(&p, now, tz, &t);
	if (!based && isdigit((unsigned char)p[0]) && strlen(p) >= 10 && p[4] == '-')
		based = read_iso(&p, tz, &t) ? -1 : 1;
	int offsets = based < 0 ? -1 : read_offsets(p, based, &t);
	if (offsets < 0 || (!based && !offsets))
		return wb_err(EX_DATAERR, "'%s': not a time (like 2026-11-24T09:00, 09:00, now, today, -7d, "
					  "or a time and an offset: 2026-12-03T15:00 -1d)", s);
	*out = t;
	return 0;
}

int64_t when_now(void)
{
	const char *fake = getenv("WB_NOW");
	if (fake && *fake) {
		int64_t t;
		if (when_parse(fake, (int64_t)time(NULL), "UTC", &t) == 0)
			return t;
		wb_die(EX_CONFIG, "WB_NOW: %s", wb_errmsg());
	}
	return (int64_t)time(NULL);
}

void when_fmt_utc(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void when_fmt_local(int64_t t, const char *tz, char buf[40])
{
	struct tm tm;
	when_local(t, tz, &tm);
	long off = tm.tm_gmtoff;
	size_t n = strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	if (off == 0)
		snprintf(buf + n, 40 - n, "Z");
	else
		snprintf(buf + n, 40 - n, "%c%02ld:%02ld", off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60);
}

void when_fmt_human(int64_t t, const char *tz, char buf[40])
{
	struct tm tm;
	when_local(t, tz, &tm);
	long off = tm.tm_gmtoff;
	size_t n = strftime(buf, 40, "%Y-%m-%d %H:%M", &tm);
	snprintf(buf + n, 40 - n, "%c%02ld:%02ld", off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60);
}

void when_dur_human(int64_t secs, char buf[48])
{
	/* two units, the second zero-padded so that a column of them lines
	 * up: 45s, 5m 03s, 2h 05m, 3d 04h */
	static const struct { int64_t n; char u; } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
	if (secs < 0)
		secs = 0;
	int i = 0;
	while (i < 3 && secs < units[i].n)
		i++;
	if (i == 3) {
		snprintf(buf, 48, "%llds", (long long)secs);
		return;
	}
	snprintf(buf, 48, "%lld%c %02lld%c", (long long)(secs / units[i].n), units[i].u,
		 (long long)(secs % units[i].n / units[i + 1].n), units[i + 1].u);
}
