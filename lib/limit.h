/* limit — the account's messaging limit: how many unique customers the
 * business may template-message in a rolling 24 hours (250, 2,000,
 * 10,000, 100,000 or unlimited), as the Cloud API names it (TIER_2K, set
 * by wb-template sync and the phone_number_quality_update webhook) or
 * WB_TIER says; and the guard that keeps a broadcast under it, refusing
 * it with the figures or spreading it over the days that follow. The
 * counting is queue's SQL. */
#ifndef WB_LIMIT_H
#define WB_LIMIT_H
#include <stdint.h>

#include "db.h"

#define LIMIT_UNLIMITED -1L
#define LIMIT_DAY (24 * 3600)

/* "TIER_2K", "TIER_250", "TIER_UNLIMITED", "2000", "10k", "unlimited":
 * the number (LIMIT_UNLIMITED for none). 0, or EX_DATAERR. Pure. */
int limit_parse(const char *s, long *n);
/* "2,000", "unlimited". Pure. */
void limit_fmt(long n, char buf[32]);

/* The limit (0: not known): WB_TIER, else the setting limit.tier. A bad
 * value is EX_CONFIG naming where it came from. */
int limit_get(wb_db *db, long *n);
/* Stores the limit as the API named it (setting limit.tier). */
int limit_set(wb_db *db, const char *tier);

/* The limit (0: not known) and the customers template-messaged in the
 * 24 hours up to now. */
int limit_status(wb_db *db, int64_t now, long *limit, int64_t *reached);

typedef struct {
	long limit;         /* 0: not known, nothing was checked */
	int64_t reached;    /* customers template-messaged within 24 hours of now, others */
	int64_t adding;     /* the broadcast's recipients not among them */
	int64_t later;      /* moved to later days (--spread) */
	int64_t last_due;   /* the last of those days */
} limit_plan;

/* After a broadcast's messages are queued: when its template messages
 * due now would take the customers reached within 24 hours of now over
 * the limit, refuses it (EX_DATAERR with the figures) or, with spread,
 * moves the excess to the days after now, each day's share no larger
 * than the limit leaves free around it; moved() is told of each. */
int limit_guard(wb_db *db, int64_t broadcast, int64_t now, int spread,
		void (*moved)(int64_t id, const char *phone, int64_t due, void *ctx), void *ctx, limit_plan *p);

#endif
