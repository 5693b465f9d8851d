/* stats — the figures wb-stats reports: which messages count and when,
 * the conversation rule behind first-response times, calendar periods in
 * the business time zone, and the reading of the message table. It only
 * reads the database and hands rows to a callback; it never formats
 * output. The definitions are the ones wb-stats(1) states column by column. */
#ifndef WB_STATS_H
#define WB_STATS_H
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* How rows are grouped; STATS_NONE is one summary row. */
typedef enum {
	STATS_DAY, STATS_WEEK, STATS_MONTH, STATS_HOUR, STATS_WEEKDAY,
	STATS_CONTACT, STATS_LABEL, STATS_AGENT, STATS_BROADCAST, STATS_NONE,
	STATS_HOUR_WEEKDAY /* the report's heatmap: 168 rows, weekday * 24 + hour */
} stats_by;
/* The --by names in stats_by order, NULL-terminated (no "none", nor the
 * report's hour and weekday together). */
extern const char *const stats_by_names[];

/* ---- pure rules ---- */

/* The nearest-rank percentile (pct 1..100) of n values: the smallest
 * value with at least pct% of the values at or below it. Sorts v. -1 when
 * n is 0. */
int64_t stats_rank(int64_t *v, size_t n, int pct);

/* What a counted message is, from its direction, status and sent_at. */
enum {
	STATS_IN = 1,         /* received */
	STATS_SENT = 2,       /* reached the API */
	STATS_DELIVERED = 4,
	STATS_READ = 8,
	STATS_FAILED = 16,
	STATS_COUNTED = 32,   /* takes part in statistics at all */
};
int stats_classify(const char *direction, const char *status, int64_t sent_at);

/* One contact's conversations, message by message in time order. A
 * customer message opens a conversation when we answered the previous
 * one, or after 24 hours in which neither side wrote; the next reply (a
 * sent message that is neither automatic nor part of a broadcast)
 * answers it. */
#define STATS_SILENCE 86400
typedef struct {
	int any;         /* a message was seen */
	int64_t prev_t;  /* the last message, either way */
	int waiting;     /* an opened conversation has no reply yet */
	int64_t opened;  /* when it was opened */
} stats_conv_state;
enum { STATS_NOTHING, STATS_OPENS, STATS_ANSWERS };
/* Feeds one message at t; returns STATS_OPENS, STATS_ANSWERS (with the
 * seconds since the opening in *secs) or STATS_NOTHING. */
int stats_conv_step(stats_conv_state *s, int inbound, int reply, int64_t t, int64_t *secs);

/* Calendar periods covering [since, until) in time zone tz, clipped to
 * it: start[i] begins a segment that runs to start[i+1] (or until) and
 * belongs to row group[i]. Day, week (from Monday), month are one row a
 * period; hour gives 24 rows (hour of day) and weekday 7 (Mon..Sun), each
 * the sum of its segments; STATS_NONE one row. label[] names the rows,
 * but for an hour: the row is the number of the hour. */
typedef struct {
	int64_t *start;
	int *group;
	size_t n;
	char (*label)[32];
	int nrows;
} stats_periods;
int stats_periods_make(stats_by by, int64_t since, int64_t until, const char *tz, stats_periods *p);
/* The segment holding t (which must be in [since, until)). */
size_t stats_periods_find(const stats_periods *p, int64_t t);
void stats_periods_free(stats_periods *p);

/* ---- reports ---- */

/* A key cell of a row: a time (the summary's since and until), a whole
 * number (the hour of day, a broadcast id), or text (NULL: none, as for
 * messages without an agent). */
typedef struct {
	const char *text;
	int64_t num;
	int numeric;
	int64_t time; /* 0: not a time */
} stats_key;

typedef struct {
	stats_key key[3];    /* the row: period, phone, user ID and name, label, agent, broadcast id and name */
	int64_t received, sent, delivered, read, failed;
	double delivery_rate, read_rate; /* NaN when nothing was sent */
	int64_t contacts, new_contacts;
	int64_t response_median, response_p90; /* -1 when no conversation was answered */
	int64_t auto_replies, broadcasts;
	double csat, nps; /* of the survey answers among them (survey.h): CSAT the share of
	                   * 4-5, NPS promoters - detractors in points; NaN: none */
	/* by agent, from the shared inbox (conversation, conversation_event):
	 * conversations assigned to them and resolved while theirs; the first
	 * response to inbox conversations opened in the range, by whoever sent
	 * it; and the seconds from opening to resolution. -1: none. */
	int64_t assigned, resolved;
	int64_t inbox_response_median, inbox_response_p90, resolution_median, resolution_p90;
	const int64_t *responses; /* every first-response time, ascending (for a histogram) */
	size_t nresponses;
} stats_row;

typedef int (*stats_row_fn)(const stats_row *r, void *ctx);
/* Names of the key columns for by (1 or 2). */
int stats_key_cols(stats_by by, const char *const **cols);
/* The figures over [since, until), grouped by by, one call of fn per row.
 * Time groupings give every period, empty ones as zeros; --by contact
 * streams (memory does not grow with the number of contacts). */
int stats_report(wb_db *db, stats_by by, int64_t since, int64_t until, const char *tz,
		 stats_row_fn fn, void *ctx);
/* Several groupings at the price of one: the table is read once and
 * each view gets its rows as stats_report would give them, view after
 * view. */
typedef struct {
	stats_by by;
	stats_row_fn fn;
	void *ctx;
} stats_view;
int stats_report_views(wb_db *db, const stats_view *views, size_t n, int64_t since, int64_t until,
		       const char *tz);

typedef struct {
	const char *phone, *user_id, *name; /* phone or user ID NULL when the contact has none */
	int64_t opened_at, first_response; /* -1: not answered */
	int64_t received, sent, last_at;
	const char *agent, *labels;        /* who answered first; the contact's labels */
} stats_conversation;
typedef int (*stats_conv_fn)(const stats_conversation *c, void *ctx);
/* Every conversation opened in [since, until), by contact then time,
 * followed to its end (the next conversation of the contact, or now). */
int stats_conversations(wb_db *db, int64_t since, int64_t until, stats_conv_fn fn, void *ctx);

typedef struct {
	const char *phone, *user_id, *name; /* phone or user ID NULL when the contact has none */
	int64_t received, sent, last_at;
} stats_top_row;
typedef int (*stats_top_fn)(const stats_top_row *r, void *ctx);
/* The limit most active contacts over [since, until): by received +
 * sent, or by received alone. */
int stats_top(wb_db *db, int64_t since, int64_t until, int by_received, long limit,
	      stats_top_fn fn, void *ctx);

/* CSAT and NPS of the surveys sent in [since, until), one row per
 * survey (wb-survey's figures, survey.h), for the report's survey
 * section; none when no survey was defined. */
typedef struct {
	const char *name;
	int64_t sent, answered;
	double csat, nps; /* CSAT: share of 4-5 answers; NPS: promoters - detractors; NaN: none */
} stats_survey_row;
typedef int (*stats_survey_fn)(const stats_survey_row *r, void *ctx);
int stats_surveys(wb_db *db, int64_t since, int64_t until, stats_survey_fn fn, void *ctx);

#endif
