/* deliver — the loop that takes queued rows to the Cloud API: claims due
 * rows (queue), fails those the rules now stop (send: a window that
 * closed while they waited), paces the rest (ratelimit), keeps several
 * requests in flight (cloudapi), retries what the API says to retry
 * with backoff, and records each outcome (queue, track). Each round is
 * one short transaction: the answers that came, the rows of a stream's
 * lines that came (wb-send -), the rows claimed, and the next requests
 * marked sending before they start, so a crash leaves at most the
 * requests in flight in doubt (a live stream's answers wait up to 20 ms
 * for the next line's round: those answered and not yet recorded count
 * among them, never more than the connections). It owns no SQL and
 * builds no bodies. */
#ifndef WB_DELIVER_H
#define WB_DELIVER_H
#include <stdint.h>

#include "cloudapi.h"
#include "db.h"
#include "status.h"

/* One message's outcome in this run: sent, failed, or queued (left for a
 * retry by a later flush). */
typedef struct {
	int64_t id;
	const char *phone, *user_id; /* the contact's; "" when it has none */
	const char *wamid;
	msg_status status;
	const char *error;
	const char *tag; /* wb-send --tag */
	const char *tmpl; /* the template it is, NULL for other messages */
} deliver_result;

/* What a feed did: rows made, lines already read and left for the next
 * call (it stopped at a group's worth), the end of the stream. */
typedef struct deliver_fed {
	long made;
	int more, eof;
} deliver_fed;

typedef struct {
	double rate;       /* messages a second; 0: unlimited */
	int concurrency;   /* requests in flight */
	int max_attempts;  /* tries per message in this run */
	double max_wait;   /* longest pause for a retry in this run (s); a longer
			    * Retry-After leaves the row for a later flush */
	int mine;          /* the rows queue_add reserved for this process; else any due row */
	int progress;      /* a progress line on stderr */
	long expected;     /* messages expected, for the progress line (0: unknown) */
	void (*on_result)(const deliver_result *r, void *ctx);
	void *ctx;
	/* A stream the messages come from as the run goes (wb-send -): the
	 * run waits for feed_fd to be readable along with the answers, and
	 * then calls feed, inside a transaction, which makes the rows of the
	 * lines ready (reserved for me) and says what it did (deliver_fed);
	 * nonzero from feed ends the run. The run ends when the stream has
	 * ended and its rows are done. */
	int (*feed)(void *ctx, struct deliver_fed *f);
	int feed_fd;
} deliver_opts;

typedef struct {
	long sent, failed, later; /* later: still queued, for a retry */
	int auth;                 /* the token was rejected: stopped */
	int unreachable;          /* the last failure was a transport failure */
} deliver_stats;

int deliver_run(wb_db *db, api *a, const deliver_opts *o, deliver_stats *s);

#endif
