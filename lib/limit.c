#include "limit.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "queue.h"
#include "util.h"

int limit_parse(const char *s, long *n)
{
	const char *p = !strncasecmp(s, "TIER_", 5) ? s + 5 : s;
	if (!strcasecmp(p, "UNLIMITED")) {
		*n = LIMIT_UNLIMITED;
		return 0;
	}
	char *end;
	long v = isdigit((unsigned char)*p) ? strtol(p, &end, 10) : 0;
	if (v > 0 && (*end == 'k' || *end == 'K'))
		v *= 1000, end++;
	if (v <= 0 || *end || v > 1000000000L)
		return wb_err(EX_DATAERR, "'%s' is not a messaging limit (TIER_2K, 10000, unlimited …)", s);
	*n = v;
	return 0;
}

void limit_fmt(long n, char buf[32])
{
	if (n == LIMIT_UNLIMITED) {
		strcpy(buf, "unlimited");
		return;
	}
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%ld", n), k = 0;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = digits[i];
	}
	buf[k] = 0;
}

int limit_get(wb_db *db, long *n)
{
	const char *env = getenv("WB_TIER");
	char *set = env && *env ? NULL : db_get_setting(db, "limit.tier");
	const char *v = env && *env ? env : set;
	int rc = v ? limit_parse(v, n) : 0;
	if (!v)
		*n = 0;
	free(set);
	return rc ? wb_err_prefix(EX_CONFIG, "%s: ", env && *env ? "WB_TIER" : "setting limit.tier") : 0;
}

int limit_set(wb_db *db, const char *tier)
{
	long n;
	int rc = limit_parse(tier, &n);
	return rc ? rc : db_set_setting(db, "limit.tier", tier);
}

int limit_status(wb_db *db, int64_t now, long *limit, int64_t *reached)
{
	int rc = limit_get(db, limit);
	return rc ? rc : queue_template_reach(db, now - LIMIT_DAY, now + 1, 0, reached);
}

static int refuse(const limit_plan *p)
{
	char l[32];
	limit_fmt(p->limit, l);
	return wb_err(EX_DATAERR, "messaging limit: %s customers a day; %lld got a template within 24 hours of now "
				  "and this broadcast reaches %lld more (%lld over); --spread sends those later",
		      l, (long long)p->reached, (long long)p->adding, (long long)(p->reached + p->adding - p->limit));
}

/* The excess, day after day: each day's share is what the limit leaves
 * free of the other template messages within 24 hours of it, so no
 * rolling 24 hours holds more than the limit (the shares are a day
 * apart). */
static int spread_out(wb_db *db, int64_t broadcast, int64_t now, int64_t keep, limit_plan *p,
		      void (*moved)(int64_t, const char *, int64_t, void *), void *ctx)
{
	int64_t left = p->later = p->adding - keep;
	int rc = 0;
	for (int day = 1; left > 0 && !rc; day++) {
		int64_t due = now + (int64_t)day * LIMIT_DAY, others;
		if (day > 3660)
			return wb_err(EX_DATAERR, "messaging limit: ten years of other template messages leave no room");
		if ((rc = queue_template_reach(db, due - LIMIT_DAY, due + LIMIT_DAY, broadcast, &others)))
			break;
		int64_t share = p->limit - others < left ? p->limit - others : left;
		if (share <= 0)
			continue;
		/* the rows moved leave the ones due now: the next share starts after keep again */
		rc = queue_newcomers_defer(db, broadcast, now - LIMIT_DAY, now + LIMIT_DAY, keep, share, due, moved, ctx);
		left -= share;
		p->last_due = due;
	}
	return rc;
}

int limit_guard(wb_db *db, int64_t broadcast, int64_t now, int spread,
		void (*moved)(int64_t id, const char *phone, int64_t due, void *ctx), void *ctx, limit_plan *p)
{
	memset(p, 0, sizeof *p);
	long limit;
	int rc = limit_get(db, &limit);
	if (rc || !limit || limit == LIMIT_UNLIMITED)
		return rc;
	p->limit = limit;
	if ((rc = queue_template_reach(db, now - LIMIT_DAY, now + LIMIT_DAY, broadcast, &p->reached)) ||
	    (rc = queue_newcomers(db, broadcast, now - LIMIT_DAY, now + LIMIT_DAY, &p->adding)))
		return rc;
	if (p->reached + p->adding <= limit)
		return 0;
	if (!spread)
		return refuse(p);
	return spread_out(db, broadcast, now, limit > p->reached ? limit - p->reached : 0, p, moved, ctx);
}
