#include "hours.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"
#include "when.h"

static int parse_hhmm(const char *s, int *min)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || m > 59 || (h == 24 && m))
		return -1;
	*min = h * 60 + m;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	return ((const hours_range *)a)->open - ((const hours_range *)b)->open;
}

int hours_parse_ranges(const char *s, hours_range *r, int *n)
{
	*n = 0;
	if (!strcmp(s, "closed"))
		return 0;
	const char *p = s;
	for (;;) {
		if (*n == HOURS_MAX_RANGES)
			return wb_err(EX_DATAERR, "'%s': at most %d ranges a day", s, HOURS_MAX_RANGES);
		int o, c;
		if (parse_hhmm(p, &o) || p[5] != '-' || parse_hhmm(p + 6, &c) || (p[11] && p[11] != ','))
			return wb_err(EX_DATAERR, "'%s': not opening hours (like 09:00-12:00,13:00-18:00 or closed)", s);
		if (c == 0)
			c = 1440; /* 18:00-00:00 runs to midnight */
		if (o >= c || o >= 1440)
			return wb_err(EX_DATAERR, "'%.11s': closes before it opens (a range past midnight "
						  "is two: 22:00-24:00 and the next day's 00:00-02:00)", p);
		r[*n].open = o;
		r[*n].close = c;
		(*n)++;
		if (!p[11])
			break;
		p += 12;
	}
	qsort(r, (size_t)*n, sizeof *r, cmp_range);
	for (int i = 1; i < *n; i++)
		if (r[i].open < r[i - 1].close)
			return wb_err(EX_DATAERR, "'%s': ranges overlap", s);
	return 0;
}

static int day_index(const char *s, size_t len)
{
	for (int i = 0; i < 7; i++)
		if (len == 3 && !strncmp(s, when_day_name(i, 1), 3))
			return i;
	return -1;
}

/* "mon", "mon-fri", "sat,sun" → a set of weekdays (bit 0 = Monday). */
static int parse_days(const char *s, int *mask)
{
	*mask = 0;
	const char *p = s;
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *dash = memchr(p, '-', len);
		int a, b;
		if (dash) {
			a = day_index(p, (size_t)(dash - p));
			b = day_index(dash + 1, len - (size_t)(dash - p) - 1);
		} else {
			a = b = day_index(p, len);
		}
		if (a < 0 || b < 0)
			return -1;
		for (int d = a;; d = (d + 1) % 7) { /* sat-mon wraps */
			*mask |= 1 << d;
			if (d == b)
				break;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

int hours_parse_week(int argc, char **argv, hours_spec *h)
{
	memset(h->n, 0, sizeof h->n);
	if (argc == 1 && !strcmp(argv[0], "always")) {
		h->mode = HOURS_ALWAYS;
		return 0;
	}
	if (argc == 1 && !strcmp(argv[0], "appointment")) {
		h->mode = HOURS_APPOINTMENT;
		return 0;
	}
	if (argc == 0 || argc % 2)
		return wb_err(EX_DATAERR, "hours come as DAYS RANGES pairs, like: mon-fri 09:00-18:00 sat closed");
	int seen = 0;
	for (int i = 0; i < argc; i += 2) {
		int mask, n;
		hours_range r[HOURS_MAX_RANGES];
		char *lower = xstrdup(argv[i]);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		int bad = parse_days(lower, &mask);
		free(lower);
		if (bad)
			return wb_err(EX_DATAERR, "'%s': not days (like mon, mon-fri, sat,sun)", argv[i]);
		if (mask & seen)
			return wb_err(EX_DATAERR, "'%s': a day is named twice", argv[i]);
		seen |= mask;
		int rc = hours_parse_ranges(argv[i + 1], r, &n);
		if (rc)
			return rc;
		for (int d = 0; d < 7; d++)
			if (mask & (1 << d)) {
				h->n[d] = n;
				memcpy(h->day[d], r, sizeof r);
			}
	}
	h->mode = HOURS_WEEK;
	return 0;
}

int hours_set_exception(hours_spec *h, const char *date, const hours_range *r, int n)
{
	int64_t day;
	if (when_parse_date(date, &day))
		return wb_err(EX_DATAERR, "'%s': not a date (YYYY-MM-DD)", date);
	hours_exception *e = (hours_exception *)hours_find_exception(h, date);
	if (!e) {
		h->ex = xrealloc(h->ex, (size_t)(h->nex + 1) * sizeof *h->ex);
		e = &h->ex[h->nex++];
		memset(e, 0, sizeof *e);
		snprintf(e->date, sizeof e->date, "%s", date);
	}
	e->n = n;
	if (n)
		memcpy(e->r, r, (size_t)n * sizeof *r);
	return 0;
}

void hours_fmt_ranges(const hours_range *r, int n, char *buf, size_t size)
{
	size_t len = 0;
	if (!n) {
		snprintf(buf, size, "closed");
		return;
	}
	buf[0] = 0;
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%02d:%02d-%02d:%02d", i ? "," : "",
					r[i].open / 60, r[i].open % 60, r[i].close / 60, r[i].close % 60);
}

/* The ranges that apply on a day: its exception, or its weekday's. */
static const hours_range *ranges_on(const hours_spec *h, int64_t day, int *n)
{
	char date[16];
	when_fmt_date(day, date);
	const hours_exception *e = hours_find_exception(h, date);
	if (e) {
		*n = e->n;
		return e->r;
	}
	int wd = when_weekday(day);
	*n = h->n[wd];
	return h->day[wd];
}

int hours_open_at(const hours_spec *h, int64_t t, const char *tz, int64_t *until)
{
	*until = 0;
	if (h->mode == HOURS_UNSET || h->mode == HOURS_ALWAYS)
		return 1;
	if (h->mode == HOURS_APPOINTMENT)
		return 0;
	struct tm tm;
	when_local(t, tz, &tm);
	int64_t today = when_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	int now_min = tm.tm_hour * 60 + tm.tm_min;
	int n;
	const hours_range *r = ranges_on(h, today, &n);
	for (int i = 0; i < n; i++)
		if (r[i].open <= now_min && now_min < r[i].close) {
			/* open: follow ranges that run on past midnight */
			int64_t z = today;
			int close = r[i].close, hop;
			for (hop = 0; close == 1440 && hop < 400; hop++) {
				int nn;
				const hours_range *next = ranges_on(h, z + 1, &nn);
				if (!nn || next[0].open != 0)
					break;
				z++;
				close = next[0].close;
			}
			*until = hop == 400 ? 0 : when_day_at(z, close, tz); /* open round the clock */
			return 1;
		}
	for (int i = 0; i < n; i++)
		if (r[i].open > now_min) {
			*until = when_day_at(today, r[i].open, tz);
			return 0;
		}
	for (int k = 1; k <= 366; k++) {
		r = ranges_on(h, today + k, &n);
		if (n) {
			*until = when_day_at(today + k, r[0].open, tz);
			return 0;
		}
	}
	return 0;
}

int hours_next_open(const hours_spec *h, int64_t t, const char *tz, int64_t *at)
{
	int64_t until;
	if (hours_open_at(h, t, tz, &until) && until)
		hours_open_at(h, until, tz, &until);
	*at = until;
	return until ? 0 : EX_FALSE;
}

void hours_fmt_opening(int64_t at, int64_t from, const char *tz, char buf[32])
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	when_local(at, tz, &tm);
	int64_t day = when_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday), ahead = day - when_local_day(from, tz);
	const char *name = when_day_name(when_weekday(day), 0);
	if (ahead <= 0)
		snprintf(buf, 32, "%02d:%02d", tm.tm_hour, tm.tm_min);
	else if (ahead < 7)
		snprintf(buf, 32, "%s %02d:%02d", name, tm.tm_hour, tm.tm_min);
	else
		snprintf(buf, 32, "%s %d %s %02d:%02d", name, tm.tm_mday, months[tm.tm_mon], tm.tm_hour, tm.tm_min);
}

int hours_load(wb_db *db, hours_spec *h)
{
	memset(h, 0, sizeof *h);
	char *mode = db_get_setting(db, "hours.mode");
	h->mode = !mode ? HOURS_UNSET
		: !strcmp(mode, "always") ? HOURS_ALWAYS
		: !strcmp(mode, "appointment") ? HOURS_APPOINTMENT : HOURS_WEEK;
	free(mode);
	sqlite3_stmt *st = db_stmt(db, "SELECT day, open_min, close_min FROM hours ORDER BY day, open_min");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int d = sqlite3_column_int(st, 0);
		if (d < 0 || d > 6 || h->n[d] == HOURS_MAX_RANGES)
			continue;
		h->day[d][h->n[d]].open = sqlite3_column_int(st, 1);
		h->day[d][h->n[d]++].close = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading hours");
	st = db_stmt(db, "SELECT date, open_min, close_min FROM hours_exception ORDER BY date, open_min");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *date = db_col_text(st, 0);
		hours_exception *e = h->nex ? &h->ex[h->nex - 1] : NULL;
		if (!e || strcmp(e->date, date)) {
			h->ex = xrealloc(h->ex, (size_t)(h->nex + 1) * sizeof *h->ex);
			e = &h->ex[h->nex++];
			memset(e, 0, sizeof *e);
			snprintf(e->date, sizeof e->date, "%s", date);
		}
		if (sqlite3_column_type(st, 1) != SQLITE_NULL && e->n < HOURS_MAX_RANGES) {
			e->r[e->n].open = sqlite3_column_int(st, 1);
			e->r[e->n++].close = sqlite3_column_int(st, 2);
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading hours");
}

const char *hours_mode_name(hours_mode m)
{
	static const char *const modes[] = {NULL, "week", "always", "appointment"};
	return modes[m];
}

const hours_exception *hours_find_exception(const hours_spec *h, const char *date)
{
	for (int i = 0; i < h->nex; i++)
		if (!strcmp(h->ex[i].date, date))
			return &h->ex[i];
	return NULL;
}

int hours_save_week(wb_db *db, const hours_spec *h)
{
	int rc = db_exec(db, "DELETE FROM hours");
	if (rc || (rc = db_set_setting(db, "hours.mode", hours_mode_name(h->mode))))
		return rc;
	for (int d = 0; d < 7 && h->mode == HOURS_WEEK; d++)
		for (int i = 0; i < h->n[d]; i++) {
			sqlite3_stmt *st = db_stmt(db, "INSERT INTO hours (day, open_min, close_min) VALUES (?, ?, ?)");
			sqlite3_bind_int(st, 1, d);
			sqlite3_bind_int(st, 2, h->day[d][i].open);
			sqlite3_bind_int(st, 3, h->day[d][i].close);
			if ((rc = db_step_done(db, st, "saving hours")))
				return rc;
		}
	return 0;
}

int hours_save_exception(wb_db *db, const char *date, const hours_range *r, int n)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM hours_exception WHERE date = ?");
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	int rc = db_step_done(db, st, "saving hours");
	if (rc || n < 0)
		return rc;
	for (int i = 0; i < (n ? n : 1); i++) {
		st = db_stmt(db, "INSERT INTO hours_exception (date, open_min, close_min) VALUES (?, ?, ?)");
		sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
		if (n) {
			sqlite3_bind_int(st, 2, r[i].open);
			sqlite3_bind_int(st, 3, r[i].close);
		}
		if ((rc = db_step_done(db, st, "saving hours")))
			return rc;
	}
	return 0;
}

int hours_save(wb_db *db, const hours_spec *h)
{
	int rc = hours_save_week(db, h);
	if (rc || (rc = db_exec(db, "DELETE FROM hours_exception")))
		return rc;
	for (int i = 0; i < h->nex && !rc; i++)
		rc = hours_save_exception(db, h->ex[i].date, h->ex[i].r, h->ex[i].n);
	return rc;
}

void hours_free(hours_spec *h)
{
	free(h->ex);
	h->ex = NULL;
	h->nex = 0;
}
