/* Unit tests of the statistics rules: nearest-rank percentiles, which
 * messages count, the conversation rule, calendar periods across DST
 * changes and zone boundaries, and the keys of report rows. */
#include <math.h>
#include <stdlib.h>

#include "tap.h"

#include "db.h"
#include "err.h"
#include "stats.h"
#include "util.h"
#include "when.h"

static void ranks(void)
{
	int64_t none[1];
	is_int(stats_rank(none, 0, 50), -1, "no values: no median");
	int64_t one[] = {7};
	is_int(stats_rank(one, 1, 90), 7, "one value is every percentile");
	int64_t v[] = {1000, 10, 40, 20, 30};
	is_int(stats_rank(v, 5, 50), 30, "median of five: the third");
	is_int(stats_rank(v, 5, 90), 1000, "p90 of five: the fifth (ceil 4.5)");
	int64_t even[] = {4, 1, 3, 2};
	is_int(stats_rank(even, 4, 50), 2, "median of four: the lower middle, no averaging");
	int64_t ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
	is_int(stats_rank(ten, 10, 90), 9, "p90 of ten: the ninth");
	is_int(stats_rank(ten, 10, 100), 10, "p100 is the maximum");
}

static void classify(void)
{
	is_int(stats_classify("in", "received", 0), STATS_IN | STATS_COUNTED, "inbound");
	is_int(stats_classify("out", "read", 5), STATS_SENT | STATS_DELIVERED | STATS_READ | STATS_COUNTED, "read");
	is_int(stats_classify("out", "delivered", 5), STATS_SENT | STATS_DELIVERED | STATS_COUNTED, "delivered");
	is_int(stats_classify("out", "sent", 0), STATS_SENT | STATS_COUNTED, "sent without sent_at");
	is_int(stats_classify("out", "failed", 5), STATS_SENT | STATS_FAILED | STATS_COUNTED,
	       "failed after the API took it: sent and failed");
	is_int(stats_classify("out", "failed", 0), STATS_FAILED | STATS_COUNTED, "failed before: only failed");
	is_int(stats_classify("out", "queued", 0), 0, "queued does not count");
	is_int(stats_classify("out", "cancelled", 0), 0, "cancelled does not count");
	is_int(stats_classify("out", "unknown", 0), 0, "unknown does not count");
}

static void conversations(void)
{
	stats_conv_state s = {0};
	int64_t secs = -1;
	is_int(stats_conv_step(&s, 1, 0, 1000, &secs), STATS_OPENS, "a first message opens");
	is_int(stats_conv_step(&s, 1, 0, 1060, &secs), STATS_NOTHING, "a follow-up does not");
	is_int(stats_conv_step(&s, 0, 0, 1061, &secs), STATS_NOTHING, "an automatic reply answers nothing");
	is_int(stats_conv_step(&s, 0, 1, 1600, &secs), STATS_ANSWERS, "a reply answers");
	is_int(secs, 600, "from the opening message");
	is_int(stats_conv_step(&s, 0, 1, 1700, &secs), STATS_NOTHING, "a second reply is no first response");
	is_int(stats_conv_step(&s, 1, 0, 1800, &secs), STATS_OPENS, "after our reply the customer opens again");
	is_int(stats_conv_step(&s, 1, 0, 1800 + STATS_SILENCE - 1, &secs), STATS_NOTHING, "23:59:59 later: the same one");
	is_int(stats_conv_step(&s, 1, 0, 1800 + 2 * STATS_SILENCE - 1, &secs), STATS_OPENS,
	       "after a day of silence: a new one");
	is_int(stats_conv_step(&s, 0, 1, 1800 + 3 * STATS_SILENCE, &secs), STATS_ANSWERS, "a late answer still answers");
	is_int(secs, STATS_SILENCE + 1, "and counts all the wait");
	stats_conv_state b = {0};
	is_int(stats_conv_step(&b, 0, 1, 10, &secs), STATS_NOTHING, "our message before any question answers nothing");
	is_int(stats_conv_step(&b, 1, 0, 20, &secs), STATS_OPENS, "their first message opens");
}

/* The labels (hours by number) and lengths of the periods; "2026-11-01/90000 ..." */
static void periods_str(stats_by by, const char *since, const char *until, const char *tz, char *buf, size_t size)
{
	int64_t a, b;
	when_parse(since, 0, tz, &a);
	when_parse(until, 0, tz, &b);
	stats_periods p;
	buf[0] = 0;
	if (stats_periods_make(by, a, b, tz, &p)) {
		snprintf(buf, size, "error");
		return;
	}
	size_t len = 0;
	for (size_t i = 0; i < p.n && len < size; i++) {
		int64_t end = i + 1 < p.n ? p.start[i + 1] : b;
		char hour[16];
		snprintf(hour, sizeof hour, "%d", p.group[i]);
		len += (size_t)snprintf(buf + len, size - len, "%s%s/%lld", i ? " " : "",
					by == STATS_HOUR || by == STATS_HOUR_WEEKDAY ? hour : p.label[p.group[i]],
					(long long)(end - p.start[i]));
	}
	stats_periods_free(&p);
}

static void periods(void)
{
	static const struct {
		stats_by by;
		const char *since, *until, *tz, *want, *why;
	} cases[] = {
		{STATS_DAY, "2026-10-31", "2026-11-03", "America/New_York",
		 "2026-10-31/86400 2026-11-01/90000 2026-11-02/86400", "days: 25 hours when DST ends"},
		{STATS_DAY, "2026-03-07", "2026-03-09", "America/New_York",
		 "2026-03-07/86400 2026-03-08/82800", "days: 23 hours when it starts"},
		{STATS_DAY, "2026-11-24T12:00", "2026-11-26T06:00", "Asia/Shanghai",
		 "2026-11-24/43200 2026-11-25/86400 2026-11-26/21600", "partial first and last days"},
		{STATS_HOUR, "2026-11-01T00:00", "2026-11-01T04:00", "America/New_York",
		 "0/3600 1/7200 2/3600 3/3600", "hours: the repeated hour is one segment of hour 1"},
		{STATS_HOUR, "2026-03-08T00:00", "2026-03-08T04:00", "America/New_York",
		 "0/3600 1/3600 3/3600", "hours: the skipped hour has none"},
		{STATS_WEEK, "2026-11-25", "2026-12-08", "UTC",
		 "2026-11-23/432000 2026-11-30/604800 2026-12-07/86400", "weeks start on Monday"},
		{STATS_MONTH, "2026-01-15", "2026-03-02", "UTC",
		 "2026-01/1468800 2026-02/2419200 2026-03/86400", "months"},
		{STATS_WEEKDAY, "2026-11-28", "2026-12-01", "UTC", "Sat/86400 Sun/86400 Mon/86400", "weekdays"},
		{STATS_HOUR_WEEKDAY, "2026-10-31T23:00", "2026-11-01T03:00", "America/New_York",
		 "143/3600 144/3600 145/7200 146/3600", "hours of a weekday: Saturday 23h, then Sunday's (DST ends)"},
		{STATS_NONE, "2026-11-28", "2026-12-01", "UTC", "/259200", "no grouping: one segment"},
		{STATS_DAY, "2026-11-28", "2026-11-28", "UTC", "error", "an empty range is an error"},
	};
	char buf[2048];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		periods_str(cases[i].by, cases[i].since, cases[i].until, cases[i].tz, buf, sizeof buf);
		is_str(buf, cases[i].want, "%s", cases[i].why);
	}

	stats_periods p;
	int64_t a, b, t;
	when_parse("2026-11-24", 0, "Asia/Shanghai", &a);
	when_parse("2026-11-27", 0, "Asia/Shanghai", &b);
	stats_periods_make(STATS_DAY, a, b, "Asia/Shanghai", &p);
	when_parse("2026-11-24T15:59:59Z", 0, "UTC", &t);
	is_str(p.label[p.group[stats_periods_find(&p, t)]], "2026-11-24", "15:59:59Z is the 24th in Shanghai");
	when_parse("2026-11-24T16:00:00Z", 0, "UTC", &t);
	is_str(p.label[p.group[stats_periods_find(&p, t)]], "2026-11-25", "16:00Z is the 25th");
	stats_periods_free(&p);
}

/* Each row's keys as text: numbers as #N, none as -. */
static int key_row(const stats_row *r, void *ctx)
{
	for (int i = 0; i < 2; i++) {
		const stats_key *k = &r->key[i];
		if (k->numeric)
			sb_printf(ctx, "#%lld", (long long)k->num);
		else
			sb_printf(ctx, "%s", k->text ? k->text : "-");
		sb_putc(ctx, i ? '|' : ',');
	}
	return 0;
}

/* The key of each row with something sent. */
static int sent_key(const stats_row *r, void *ctx)
{
	if (r->sent)
		sb_printf(ctx, "#%lld ", (long long)r->key[0].num);
	return 0;
}

static void report_keys(void)
{
	char *path = tap_tmpfile("wb.db");
	wb_db *db;
	is_int(db_open(path, &db), 0, "database");
	sb b = {0};
	is_int(stats_report(db, STATS_AGENT, 0, 86400, "UTC", key_row, &b), 0, "by agent, no messages");
	is_int(stats_report(db, STATS_BROADCAST, 0, 86400, "UTC", key_row, &b), 0, "by broadcast, none");
	ok(b.s == NULL, "no rows");
	is_int(db_exec(db, "INSERT INTO contact (id, wa_id, created_at, updated_at) VALUES (1, '16505551234', 0, 0);"
			   "INSERT INTO broadcast (id, name, created_at) VALUES (7, 'promo', 0), (12, NULL, 0);"
			   "INSERT INTO message (contact_id, direction, type, ts, status, sent_at, broadcast_id, agent) "
			   "VALUES (1, 'out', 'text', 3600, 'sent', 3600, 7, NULL), (1, 'out', 'text', 7300, 'sent', 7300, 12, 'ann')"),
	       0, "messages");
	is_int(stats_report(db, STATS_BROADCAST, 0, 86400, "UTC", key_row, &b), 0, "by broadcast");
	is_str(b.s, "#7,promo|#12,-|", "a broadcast's id is a number, its name text or none");
	sb_reset(&b);
	is_int(stats_report(db, STATS_HOUR, 0, 3 * 3600, "UTC", key_row, &b), 0, "by hour");
	ok(b.s && !strncmp(b.s, "#0,-|#1,-|#2,-|#3,-|", 20), "hours are numbers: %.20s", b.s ? b.s : "");
	sb_reset(&b);
	is_int(stats_report(db, STATS_AGENT, 0, 86400, "UTC", key_row, &b), 0, "by agent");
	is_str(b.s, "-,-|ann,-|", "no agent is none, an agent text");
	sb_reset(&b);
	is_int(stats_report(db, STATS_WEEKDAY, 0, 86400, "UTC", key_row, &b), 0, "by weekday");
	is_str(b.s, "Mon,-|Tue,-|Wed,-|Thu,-|Fri,-|Sat,-|Sun,-|", "weekdays by name, from Monday");
	/* several groupings over one reading: each view's rows as if alone */
	sb v[3] = {{0}};
	stats_view views[] = {{STATS_BROADCAST, key_row, &v[0]}, {STATS_AGENT, key_row, &v[1]},
			      {STATS_HOUR_WEEKDAY, sent_key, &v[2]}};
	is_int(stats_report_views(db, views, 3, 0, 86400, "UTC"), 0, "three views, one reading");
	is_str(v[0].s, "#7,promo|#12,-|", "by broadcast, as alone");
	is_str(v[1].s, "-,-|ann,-|", "by agent, as alone");
	is_str(v[2].s, "#73 #74 ", "by weekday and hour: Thursday (3) 01:00 and 02:00 UTC");
	for (int i = 0; i < 3; i++)
		sb_free(&v[i]);
	sb_free(&b);
	db_close(db);
	free(path);
	tap_rmdir();
}

int main(void)
{
	ranks();
	classify();
	conversations();
	periods();
	report_keys();
	return done_testing();
}
