#include "deliver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "err.h"
#include "queue.h"
#include "ratelimit.h"
#include "send.h"
#include "util.h"
#include "when.h"

#define BATCH 512
#define HOLD 0.02 /* s: the longest a live stream's answer waits for a line's round */

typedef struct {
	queue_item it;
	double ready_at; /* monotonic seconds */
	double wait;     /* the last backoff, for a row left to a later flush */
	send_verdict verdict; /* the rules, judged again as it leaves */
} slot;

/* What the loop holds: rows claimed and waiting for their turn. */
typedef struct {
	slot **v;
	size_t n, cap;
} slots;

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void push(slots *p, slot *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n++] = s;
}

static void slot_free(slot *s)
{
	free(s->it.payload);
	free(s->it.tmpl);
	free(s->it.tag);
	free(s->it.phone_number_id);
	free(s);
}

typedef struct {
	const deliver_opts *o;
	deliver_stats *s;
	wb_db *db;
	api *a;
	const char *me;     /* the claim name */
	ratelimit rl;
	slots pend;         /* claimed, waiting for their turn */
	slots chosen;       /* going out in this round */
	api_reply *held;    /* answers collected, not recorded yet */
	int nheld;
	double held_since;  /* when the first of them came (monotonic s) */
	int claim;          /* rows to hold at most */
	int stop;           /* the token was rejected: send nothing more */
	int exhausted;      /* the last claim found nothing */
	int eof;            /* the stream (feed) has ended, or there is none */
	int fed;            /* the last feed left lines it had read for the next */
	double started, drawn;
	double later_wait; /* the longest backoff of a row left for a flush */
	double token_at;   /* the rate's next token, when it ran out (monotonic s) */
	double retry_base; /* the first retry's backoff (s) */
	long done;
} run;

/* WB_RETRY_BASE_MS shortens the backoff for tests, which cannot wait;
 * Retry-After is honoured all the same. */
static double retry_base(void)
{
	const char *s = getenv("WB_RETRY_BASE_MS");
	char *end = NULL;
	double ms = s && *s ? strtod(s, &end) : -1;
	return end && !*end && ms >= 0 ? ms / 1000 : 0.5;
}

static void emit(run *r, const slot *sl, const char *wamid, msg_status status, const char *error)
{
	deliver_result res = {sl->it.id, sl->it.phone, sl->it.user_id, wamid, status, error, sl->it.tag, sl->it.tmpl};
	if (r->o->on_result)
		r->o->on_result(&res, r->o->ctx);
	r->done++;
}

static void progress(run *r, int last)
{
	double now = mono();
	if (!r->o->progress || (!last && now - r->drawn < 0.1))
		return;
	r->drawn = now;
	double el = now - r->started, rate = el > 0 ? r->done / el : 0;
	long total = r->o->expected;
	if (total > 0) {
		int w = 30, fill = (int)(w * (double)r->done / total);
		if (fill > w)
			fill = w;
		double eta = rate > 0 ? (total - r->done) / rate : 0;
		fprintf(stderr, "\r%s: [%.*s%*s] %ld/%ld %.0f/s ETA %d:%02d ", wb_prog, fill,
			"##############################", w - fill, "", r->done, total, rate, (int)eta / 60,
			(int)eta % 60);
	} else {
		fprintf(stderr, "\r%s: %ld sent %.0f/s ", wb_prog, r->done, rate);
	}
	if (last)
		fputc('\n', stderr);
}

/* The rules again, as a claimed row leaves: a window open when the
 * message was made may have closed while it waited (scheduled, or
 * retried), and the API would answer 131047. */
static send_verdict leaving(const queue_item *it, int64_t now)
{
	send_facts f = {.now = now, .last_in = it->last_in, .kind = it->kind, .forced = it->forced, .direct = 1};
	return send_decide(&f);
}

/* Claimed rows the rules stop fail here, before the API is called, as
 * wb-send refuses them when they are made. In the round's transaction. */
static int refuse_stopped(run *r)
{
	slots *pend = &r->pend;
	int rc = 0;
	for (size_t i = 0; i < pend->n && !rc;) {
		slot *sl = pend->v[i];
		if (sl->verdict.rule == SEND_GO) {
			i++;
			continue;
		}
		rc = queue_failed(r->db, sl->it.id, 0, sl->verdict.why, when_now());
		r->s->failed++;
		emit(r, sl, NULL, STATUS_FAILED, sl->verdict.why);
		slot_free(sl);
		pend->v[i] = pend->v[--pend->n];
	}
	return rc;
}

/* How long a retryable failure waits before its next attempt. */
static double backoff(const run *r, const slot *sl, const api_reply *rep)
{
	return rl_backoff(sl->it.attempts + 1, r->retry_base, rep->retry_after, drand48());
}

/* One answer: recorded in the open transaction. Returns the slot when it
 * is to be tried again in this run, else NULL (freed). */
static slot *answer(run *r, slot *sl, const api_reply *rep, double now, int *rc)
{
	const deliver_opts *o = r->o;
	api_result res;
	api_result_parse(rep->http, rep->body, &res);
	api_outcome out = rep->http ? api_classify(rep->http, res.code) : API_RETRY;
	char *text = rep->http ? api_result_text(&res) : xasprintf("no answer: %s", rep->error);
	int64_t t = when_now();
	slot *again = NULL;
	if (out == API_SENT) {
		/* reported as the database has it: a failed status may have come
		 * by webhook before this answer */
		msg_status now = STATUS_SENT;
		char *why = NULL;
		*rc = queue_sent(r->db, sl->it.id, res.wamid, t, &now, &why);
		if (now == STATUS_FAILED)
			r->s->failed++;
		else
			r->s->sent++;
		r->s->unreachable = 0;
		emit(r, sl, res.wamid, now, why);
		free(why);
	} else if (out == API_FAILED) {
		*rc = queue_failed(r->db, sl->it.id, res.code, text, t);
		r->s->failed++;
		r->s->unreachable = 0;
		emit(r, sl, NULL, STATUS_FAILED, text);
	} else {
		*rc = queue_retry(r->db, sl->it.id, res.code, text);
		r->s->unreachable = !rep->http;
		if (out == API_AUTH) {
			r->stop = 1;
			r->s->auth = 1;
		}
		sl->wait = out == API_RETRY ? backoff(r, sl, rep) : 0;
		if (out == API_RETRY && sl->it.attempts < o->max_attempts && sl->wait <= o->max_wait && !r->stop) {
			sl->ready_at = now + sl->wait;
			again = sl;
		} else {
			r->s->later++;
			if (sl->wait > r->later_wait)
				r->later_wait = sl->wait;
			emit(r, sl, NULL, STATUS_QUEUED, text);
		}
	}
	free(text);
	api_result_free(&res);
	if (!again)
		slot_free(sl);
	return again;
}

/* Whether rows are to be claimed: those held run low, and the last
 * claim (or a line since) says there may be more. */
static int claim_due(const run *r)
{
	int held = (int)r->pend.n + api_inflight(r->a);
	return !r->exhausted && !r->stop && held < r->claim / 2;
}

/* Claims more due rows when those held run low, in the round's
 * transaction. */
static int claim_more(run *r, double now)
{
	if (!claim_due(r))
		return 0;
	int held = (int)r->pend.n + api_inflight(r->a);
	queue_item *items;
	size_t n;
	int64_t t = when_now();
	int rc = queue_claim(r->db, r->me, r->o->mine, t, r->claim - held, &items, &n);
	if (rc)
		return rc;
	int stopped = 0;
	for (size_t i = 0; i < n; i++) {
		slot *sl = xcalloc(1, sizeof *sl);
		sl->it = items[i];
		sl->ready_at = now;
		sl->verdict = leaving(&sl->it, t);
		stopped += sl->verdict.rule != SEND_GO;
		push(&r->pend, sl);
	}
	free(items);
	r->exhausted = (int)n < r->claim - held; /* fewer than asked: that is all for now */
	return stopped ? refuse_stopped(r) : 0;
}

/* The stream's lines ready now become rows (none after a rejected
 * token); a claim then looks again. */
static int take_input(run *r)
{
	r->fed = 0;
	if (r->eof || r->stop)
		return 0;
	deliver_fed f = {0};
	int rc = r->o->feed(r->o->ctx, &f);
	if (f.made)
		r->exhausted = 0;
	r->fed = f.more;
	r->eof = f.eof;
	return rc;
}

/* Nothing left to send, or to wait for. */
static int finished(const run *r)
{
	int inflight = api_inflight(r->a) || r->nheld;
	return (r->exhausted && r->eof && !r->pend.n && !inflight) || (r->stop && !inflight);
}

/* The answers already in, up to one a connection. */
static void collect(run *r)
{
	int had = r->nheld;
	while (r->nheld < r->o->concurrency && api_next(r->a, 0, &r->held[r->nheld]))
		r->nheld++;
	if (!had && r->nheld)
		r->held_since = mono();
}

/* Whether the answers held are to be recorded now. A live stream's
 * wait for the next line's round (HOLD at most): recorded in their own
 * transaction, one an answer, they took the write lock as often again
 * as the lines did and wrote the message's pages twice; at 1000 lines
 * a second one comes every millisecond. */
static int ripe(const run *r, double now)
{
	int holding = r->o->feed && !r->eof && !r->stop;
	return r->nheld && (!holding || r->nheld == r->o->concurrency || now >= r->held_since + HOLD);
}

/* Waits for answers to record (ripe), a line of the stream, a token or
 * a retry's turn, whichever comes first; 1 when a round is due. A row
 * that could go now (and a free connection), or a claim due, waits for
 * nothing. The wait is cut into 50 ms slices; a slice that ends with
 * nothing due is no work: an idle stream opens no empty write
 * transaction, which would queue behind (and hold up) the listener's
 * and wb-reply's. */
static int await(run *r, double now)
{
	int room = api_inflight(r->a) < r->o->concurrency, due = 0;
	double next = now + 0.05;
	for (size_t i = 0; room && i < r->pend.n; i++) {
		double at = r->pend.v[i]->ready_at > r->token_at ? r->pend.v[i]->ready_at : r->token_at;
		if (at < next) {
			next = at;
			due = 1;
		}
	}
	collect(r);
	if (r->nheld && r->held_since + HOLD < next) {
		next = r->held_since + HOLD;
		due = 1;
	}
	int fd = r->o->feed && !r->eof && !r->stop ? r->o->feed_fd : -1;
	int timeout = next > now && !claim_due(r) && !r->fed && !ripe(r, now) ? (int)((next - now) * 1000) + 1 : 0;
	if (!timeout)
		return 1;
	if (api_inflight(r->a) || fd >= 0) {
		int line = api_wait(r->a, timeout, fd);
		collect(r);
		now = mono();
		return line || (due && now >= next) || ripe(r, now);
	}
	usleep((useconds_t)timeout * 1000);
	return 1;
}

/* Moves the rows that go out now into chosen: due rows, as far as the
 * bucket and the connections allow. Returns the wait for the next token
 * when the bucket is what stopped it, else 0. */
static double choose(run *r, double now)
{
	slots *pend = &r->pend;
	r->chosen.n = 0;
	int room = r->o->concurrency - api_inflight(r->a);
	double token_wait = 0;
	for (size_t i = 0; i < pend->n && !r->stop && (int)r->chosen.n < room;) {
		if (pend->v[i]->ready_at > now) {
			i++;
			continue;
		}
		if ((token_wait = rl_take(&r->rl, now)) > 0)
			break;
		push(&r->chosen, pend->v[i]);
		pend->v[i] = pend->v[--pend->n];
	}
	return token_wait;
}

/* The answers held, recorded in the round's transaction; after a
 * database error (rc) they are only freed, their rows left in sending,
 * in doubt, as after a crash. */
static int record(run *r, double now, int rc)
{
	for (int i = 0; i < r->nheld; i++) {
		slot *sl = r->held[i].tag;
		if (!rc && (sl = answer(r, sl, &r->held[i], now, &rc)))
			push(&r->pend, sl);
		else if (rc && sl)
			slot_free(sl);
		api_reply_free(&r->held[i]);
	}
	r->nheld = 0;
	return rc;
}

/* The chosen rows marked sending (those cancelled meanwhile dropped, all
 * held back after a rejected token); the rows to start are left at the
 * front of chosen (*go). */
static int mark_sending(run *r, size_t *go)
{
	int rc = 0;
	for (size_t i = 0; i < r->chosen.n; i++) {
		slot *sl = r->chosen.v[i];
		int ok = 0;
		if (!rc)
			rc = queue_sending(r->db, sl->it.id, when_now(), &ok);
		if (!rc && ok && !r->stop) {
			r->chosen.v[(*go)++] = sl;
			sl->it.attempts++;
		} else if (rc || ok) {
			if (!rc)
				rc = queue_retry(r->db, sl->it.id, 0, NULL);
			push(&r->pend, sl);
		} else {
			slot_free(sl); /* cancelled meanwhile */
		}
	}
	return rc;
}

/* One round, one transaction: the answers, the stream's ready lines as
 * rows, more rows claimed, and the rows that go out now marked sending
 * (left at the front of chosen, *go of them). On a database error
 * nothing is started and every slot stays accounted for: the chosen
 * ones go back to pend for finish to release. */
static int round_(run *r, double now, size_t *go)
{
	*go = 0;
	r->chosen.n = 0;
	int rc = db_begin(r->db), begun = !rc;
	rc = record(r, now, rc);
	if (!rc && !(rc = take_input(r)) && !(rc = claim_more(r, now))) {
		r->token_at = now + choose(r, now);
		rc = mark_sending(r, go);
	}
	if (rc && begun)
		db_rollback(r->db);
	else if (!rc && !(rc = db_commit(r->db)))
		return 0;
	for (size_t i = 0; i < *go; i++)
		push(&r->pend, r->chosen.v[i]);
	*go = 0;
	return rc;
}

/* The end of a run: answers still owed or held (when a database error
 * stopped it) are dropped, rows not sent are released for a later
 * flush. */
static int finish(run *r, int rc)
{
	record(r, 0, 1);
	api_reply rep;
	while (api_inflight(r->a) && api_next(r->a, 1000, &rep)) {
		slot_free(rep.tag);
		api_reply_free(&rep);
	}
	for (size_t i = 0; i < r->pend.n; i++) {
		r->s->later++;
		slot_free(r->pend.v[i]);
	}
	int64_t retry_at = r->s->later ? when_now() + (int64_t)(r->later_wait + 0.999) : 0;
	int rel = queue_release(r->db, r->me, retry_at);
	progress(r, 1);
	free(r->pend.v);
	free(r->chosen.v);
	free(r->held);
	return rc ? rc : rel;
}

int deliver_run(wb_db *db, api *a, const deliver_opts *o, deliver_stats *s)
{
	memset(s, 0, sizeof *s);
	srand48((long)getpid() ^ (long)time(NULL));
	run r = {.o = o, .s = s, .db = db, .a = a, .me = queue_me(), .started = mono(),
		.retry_base = retry_base(), .eof = !o->feed};
	rl_init(&r.rl, o->rate, mono());
	r.held = xcalloc((size_t)o->concurrency, sizeof *r.held);
	/* enough rows to keep every connection busy, few enough that other
	 * flushes running at the same time get their share */
	r.claim = o->concurrency * 8 < 64 ? 64 : o->concurrency * 8 > BATCH ? BATCH : o->concurrency * 8;
	if (o->feed)
		checkpoint_defer(db); /* a stream's rounds copy no WAL: a listener upstream does */
	int rc = 0;
	while (!rc && !finished(&r)) {
		double now = mono();
		if (!await(&r, now))
			continue;
		size_t go;
		if ((rc = round_(&r, mono(), &go)))
			break;
		for (size_t i = 0; i < go; i++)
			api_start_as(a, r.chosen.v[i]->it.phone_number_id, "messages", r.chosen.v[i]->it.payload,
				     r.chosen.v[i]);
		progress(&r, 0);
	}
	return finish(&r, rc);
}
