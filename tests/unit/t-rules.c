/* Unit tests of the pure rules: opening hours and message status order. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "err.h"
#include "hours.h"
#include "status.h"
#include "when.h"

static int64_t at(const char *s, const char *tz)
{
	int64_t t = 0;
	when_parse(s, 0, tz, &t);
	return t;
}

static void week(void)
{
	const char *tz = "Asia/Shanghai";
	hours_spec h = {0};
	char *args[] = {"mon-fri", "09:00-12:00,13:00-18:00", "sat", "10:00-14:00", "sun", "closed"};
	is_int(hours_parse_week(6, args, &h), 0, "a week parses");
	int64_t until;
	char buf[40];
	/* 2026-11-30 is a Monday */
	is_int(hours_open_at(&h, at("2026-11-30T10:00", tz), tz, &until), 1, "open Monday 10:00");
	when_fmt_local(until, tz, buf);
	is_str(buf, "2026-11-30T12:00:00+08:00", "until noon");
	is_int(hours_open_at(&h, at("2026-11-30T12:30", tz), tz, &until), 0, "closed at lunch");
	when_fmt_local(until, tz, buf);
	is_str(buf, "2026-11-30T13:00:00+08:00", "opens again at 13:00");
	is_int(hours_open_at(&h, at("2026-12-05T20:00", tz), tz, &until), 0, "closed Saturday evening");
	when_fmt_local(until, tz, buf);
	is_str(buf, "2026-12-07T09:00:00+08:00", "until Monday, skipping Sunday");
	is_int(hours_open_at(&h, at("2026-11-30T18:00", tz), tz, &until), 0, "closing time is closed");

	hours_range r[2];
	int n;
	hours_parse_ranges("10:00-14:00", r, &n);
	hours_set_exception(&h, "2026-12-24", r, n);
	hours_set_exception(&h, "2026-12-25", NULL, 0);
	is_int(hours_open_at(&h, at("2026-12-24T09:30", tz), tz, &until), 0, "special day opens later");
	is_int(hours_open_at(&h, at("2026-12-24T13:30", tz), tz, &until), 1, "special day hours");
	when_fmt_local(until, tz, buf);
	is_str(buf, "2026-12-24T14:00:00+08:00", "until the special closing");
	is_int(hours_open_at(&h, at("2026-12-25T10:00", tz), tz, &until), 0, "holiday closed");
	when_fmt_local(until, tz, buf);
	is_str(buf, "2026-12-26T10:00:00+08:00", "next opening is Saturday's");
	hours_free(&h);

	char *night[] = {"fri", "20:00-24:00", "sat", "00:00-02:00"};
	hours_spec h2 = {0};
	is_int(hours_parse_week(4, night, &h2), 0, "a night across midnight");
	is_int(hours_open_at(&h2, at("2026-12-04T23:00", "UTC"), "UTC", &until), 1, "open Friday 23:00");
	when_fmt_utc(until, buf);
	is_str(buf, "2026-12-05T02:00:00Z", "until Saturday 02:00");

	char *always[] = {"always"};
	hours_parse_week(1, always, &h2);
	is_int(hours_open_at(&h2, 0, "UTC", &until), 1, "always open");
	is_int(until, 0, "for good");
	char *appt[] = {"appointment"};
	hours_parse_week(1, appt, &h2);
	is_int(hours_open_at(&h2, 0, "UTC", &until), 0, "by appointment counts as closed");

	static const char *bad[][2] = {{"mon", "9-5"}, {"mon", "18:00-09:00"}, {"xyz", "09:00-10:00"},
				       {"mon", "09:00-12:00,11:00-13:00"}, {"mon", "25:00-26:00"}};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(hours_parse_week(2, (char **)bad[i], &h2), EX_DATAERR, "hours '%s %s' rejected",
		       bad[i][0], bad[i][1]);
	char *twice[] = {"mon-fri", "09:00-10:00", "fri", "closed"};
	is_int(hours_parse_week(4, twice, &h2), EX_DATAERR, "a day named twice");
}

static void statuses(void)
{
	ok(status_may_move(STATUS_QUEUED, STATUS_SENDING), "queued → sending");
	ok(status_may_move(STATUS_SENT, STATUS_DELIVERED), "sent → delivered");
	ok(status_may_move(STATUS_SENT, STATUS_READ), "sent → read (delivered can be skipped)");
	ok(!status_may_move(STATUS_DELIVERED, STATUS_SENT), "a late sent after delivered is ignored");
	ok(!status_may_move(STATUS_READ, STATUS_DELIVERED), "read stays read");
	ok(status_may_move(STATUS_SENT, STATUS_FAILED), "failed after sent (131047 by webhook)");
	ok(!status_may_move(STATUS_READ, STATUS_FAILED), "read is final");
	ok(!status_may_move(STATUS_FAILED, STATUS_SENT), "failed is final");
	ok(status_may_move(STATUS_QUEUED, STATUS_CANCELLED), "queued can be cancelled");
	ok(!status_may_move(STATUS_SENT, STATUS_CANCELLED), "sent cannot");
	ok(!status_may_move(STATUS_CANCELLED, STATUS_QUEUED), "cancelled is final");
	ok(status_may_move(STATUS_SENDING, STATUS_UNKNOWN), "sending → unknown (a crash)");
	ok(status_may_move(STATUS_UNKNOWN, STATUS_SENT), "unknown → sent (a webhook tells)");

	ok(status_reached(STATUS_READ, STATUS_SENT) && status_reached(STATUS_READ, STATUS_DELIVERED),
	   "read was sent and delivered");
	ok(status_reached(STATUS_SENT, STATUS_SENT) && !status_reached(STATUS_SENT, STATUS_DELIVERED),
	   "sent is not delivered");
	ok(!status_reached(STATUS_FAILED, STATUS_SENT) && !status_reached(STATUS_UNKNOWN, STATUS_SENT),
	   "failed and unknown are off the way");

	static const char *const names[] = {"queued", "sending", "unknown", "sent", "delivered", "read",
					    "failed", "cancelled"};
	int same = 1;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		msg_status s;
		same &= !status_parse(names[i], &s) && !strcmp(status_name(s), names[i]);
	}
	ok(same, "every name reads back as itself");
	msg_status s = STATUS_SENT;
	is_int(status_parse("bogus", &s), -1, "an unknown name is none");
	is_int(s, STATUS_SENT, "and leaves the status alone");
	is_int(status_parse("Sent", &s), -1, "names are lower case, as Meta writes them");
	is_str(status_name(STATUS_CANCELLED), "cancelled", "name of the last");
}

/* When the business opens again, as an away message says it. */
static void openings(void)
{
	const char *tz = "Asia/Shanghai";
	hours_spec h = {0};
	char *args[] = {"mon-fri", "09:00-12:00,13:00-18:00", "sat", "10:00-14:00"};
	hours_parse_week(4, args, &h);
	hours_set_exception(&h, "2026-12-25", NULL, 0);
	static const char *const cases[][3] = {
		{"2026-11-30T12:30", "13:00", "in the lunch break it opens again today: the time alone"},
		{"2026-11-30T22:00", "Tue 09:00", "at night: tomorrow's day and time"},
		{"2026-12-05T20:00", "Mon 09:00", "Saturday evening: Monday, skipping Sunday"},
		{"2026-11-30T10:00", "13:00", "while open: the opening after this stretch"},
		{"2026-12-24T19:00", "Sat 10:00", "past a holiday"},
	};
	int64_t t = 0, next;
	char buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		t = at(cases[i][0], tz);
		is_int(hours_next_open(&h, t, tz, &next), 0, "an opening after %s", cases[i][0]);
		hours_fmt_opening(next, t, tz, buf);
		is_str(buf, cases[i][1], "%s", cases[i][2]);
	}
	hours_fmt_opening(at("2027-01-04T09:00", tz), t, tz, buf);
	is_str(buf, "Mon 4 Jan 09:00", "a week or more ahead: the date too");
	hours_free(&h);
	char *always[] = {"always"};
	hours_spec a = {0};
	hours_parse_week(1, always, &a);
	is_int(hours_next_open(&a, t, tz, &next), EX_FALSE, "always open: no next opening");
	hours_spec unset = {0};
	is_int(hours_next_open(&unset, t, tz, &next), EX_FALSE, "nor without hours");
}

int main(void)
{
	week();
	openings();
	statuses();
	return done_testing();
}
