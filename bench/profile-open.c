/* How the cost of "is the business open?" (asked for every inbound
 * message by the away rule) grows with the number of holidays and
 * special days. Prints ratios against a week without exceptions, timed
 * in the same run. Sizes: WB_BENCH_CALLS, WB_BENCH_EXCEPTIONS. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hours.h"
#include "when.h"

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);
	return s && *s ? atol(s) : def;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Asks calls times at instants spread over a year; returns seconds. */
static double run(const hours_spec *h, long calls, long *opens)
{
	const char *tz = "Asia/Shanghai";
	int64_t t0 = 1796054400; /* 2026-12-01 00:00 in Shanghai */
	double start = seconds();
	for (long i = 0; i < calls; i++) {
		int64_t until;
		*opens += hours_open_at(h, t0 + (i * 7919) % (366 * 86400), tz, &until);
	}
	return seconds() - start;
}

static void add_exceptions(hours_spec *h, long n)
{
	for (long i = 0; i < n; i++) {
		char date[40];
		int64_t t = 1796054400 + i * 86400;
		struct tm tm;
		when_local(t, "UTC", &tm);
		snprintf(date, sizeof date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		hours_range r = {600, 840};
		hours_set_exception(h, date, &r, (int)(i % 3 ? 1 : 0));
	}
}

int main(void)
{
	long calls = env_long("WB_BENCH_CALLS", 200000), nex = env_long("WB_BENCH_EXCEPTIONS", 30), opens = 0;
	char *week[] = {"mon-fri", "09:00-12:00,13:00-18:00", "sat", "10:00-14:00"};
	hours_spec base = {0}, many = {0}, rare = {0}, rare_many = {0};
	hours_parse_week(4, week, &base);
	hours_parse_week(4, week, &many);
	add_exceptions(&many, nex);
	char *sunday[] = {"sun", "10:00-11:00"};
	hours_parse_week(2, sunday, &rare);
	hours_parse_week(2, sunday, &rare_many);
	add_exceptions(&rare_many, nex);

	double t_base = run(&base, calls, &opens);
	printf("calls %ld, exceptions %ld (opens counted: %ld)\n", calls, nex, opens);
	printf("week with %ld exceptions / plain week:           %.2f\n", nex, run(&many, calls, &opens) / t_base);
	printf("one opening a week / plain week:                %.2f\n", run(&rare, calls, &opens) / t_base);
	printf("one opening a week, %ld exceptions / plain week: %.2f\n", nex,
	       run(&rare_many, calls, &opens) / t_base);
	hours_free(&many);
	hours_free(&rare_many);
	return 0;
}
