#include "deliver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "queue.h"
#include "ratelimit.h"
#include "util.h"
#include "when.h"

#define BATCH 512

typedef struct {
	queue_item it;
	double ready_at; /* monotonic seconds */
	double wait;     /* the last backoff, for a row left to a later flush */
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
	free(s);
}

typedef struct {
	const deliver_opts *o;
	deliver_stats *s;
	wb_db *db;
	double started, drawn;
	double later_wait; /* the longest backoff of a row left for a flush */
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

static void emit(run *r, const slot *sl, const char *wamid, const char *status, const char *error)
{
	deliver_result res = {sl->it.id, sl->it.phone, wamid, status, error};
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

/* Claimed rows whose 24-hour window closed while they waited fail here,
 * before the API is called, as wb-send refuses them when they are made. */
static int refuse_closed(run *r, slots *pend)
{
	int rc = db_begin(r->db);
	for (size_t i = 0; i < pend->n && !rc;) {
		slot *sl = pend->v[i];
		if (!sl->it.window_closed) {
			i++;
			continue;
		}
		char t[32];
		when_fmt_utc(sl->it.window_closed, t);
		char *why = xasprintf("outside the 24-hour window (closed %s); use a template", t);
		rc = queue_failed(r->db, sl->it.id, 0, why, when_now());
		r->s->failed++;
		emit(r, sl, NULL, "failed", why);
		free(why);
		slot_free(sl);
		pend->v[i] = pend->v[--pend->n];
	}
	if (rc) {
		db_rollback(r->db);
		return rc;
	}
	return db_commit(r->db);
}

/* One answer: recorded in the open transaction. Returns the slot when it
 * is to be tried again in this run, else NULL (freed). */
static slot *answer(run *r, slot *sl, const api_reply *rep, double now, int *stop, int *rc)
{
	const deliver_opts *o = r->o;
	api_result res;
	api_result_parse(rep->http, rep->body, &res);
	api_outcome out = rep->http ? api_classify(rep->http, res.code) : API_RETRY;
	char *text = rep->http ? api_result_text(&res) : xasprintf("no answer: %s", rep->error);
	int64_t t = when_now();
	slot *again = NULL;
	if (out == API_SENT) {
		*rc = queue_sent(r->db, sl->it.id, res.wamid, t);
		r->s->sent++;
		r->s->unreachable = 0;
		emit(r, sl, res.wamid, "sent", NULL);
	} else if (out == API_FAILED) {
		*rc = queue_failed(r->db, sl->it.id, res.code, text, t);
		r->s->failed++;
		r->s->unreachable = 0;
		emit(r, sl, NULL, "failed", text);
	} else {
		*rc = queue_retry(r->db, sl->it.id, res.code, text);
		r->s->unreachable = !rep->http;
		if (out == API_AUTH) {
			*stop = 1;
			r->s->auth = 1;
		}
		sl->wait = out == API_RETRY ? rl_backoff(sl->it.attempts + 1, r->retry_base, rep->retry_after, drand48()) : 0;
		if (out == API_RETRY && sl->it.attempts < o->max_attempts && sl->wait <= o->max_wait && !*stop) {
			sl->ready_at = now + sl->wait;
			again = sl;
		} else {
			r->s->later++;
			if (sl->wait > r->later_wait)
				r->later_wait = sl->wait;
			emit(r, sl, NULL, "queued", text);
		}
	}
	free(text);
	api_result_free(&res);
	if (!again)
		slot_free(sl);
	return again;
}

int deliver_run(wb_db *db, api *a, const deliver_opts *o, deliver_stats *s)
{
	memset(s, 0, sizeof *s);
	srand48((long)getpid() ^ (long)time(NULL));
	const char *me = queue_me();
	run r = {.o = o, .s = s, .db = db, .started = mono(), .retry_base = retry_base()};
	ratelimit rl;
	rl_init(&rl, o->rate, mono());
	slots pend = {0}, chosen = {0};
	api_reply *replies = xcalloc((size_t)o->concurrency, sizeof *replies);
	int rc = 0, stop = 0, exhausted = 0;
	/* enough rows to keep every connection busy, few enough that other
	 * flushes running at the same time get their share */
	int claim = o->concurrency * 8 < 64 ? 64 : o->concurrency * 8 > BATCH ? BATCH : o->concurrency * 8;
	while (!rc) {
		double now = mono();
		int held = (int)pend.n + api_inflight(a);
		if (!exhausted && !stop && held < claim / 2) {
			queue_item *items;
			size_t n;
			if ((rc = queue_claim(db, me, o->mine, when_now(), claim - held, &items, &n)))
				break;
			int closed = 0;
			for (size_t i = 0; i < n; i++) {
				slot *sl = xcalloc(1, sizeof *sl);
				sl->it = items[i];
				sl->ready_at = now;
				closed += sl->it.window_closed != 0;
				push(&pend, sl);
			}
			free(items);
			exhausted = n == 0;
			if (closed && (rc = refuse_closed(&r, &pend)))
				break;
		}
		if (exhausted && !pend.n && !api_inflight(a))
			break;
		if (stop && !api_inflight(a))
			break;

		/* wait for an answer, a token or a retry's turn, whichever first */
		double next = now + 0.05;
		for (size_t i = 0; i < pend.n; i++)
			if (pend.v[i]->ready_at < next)
				next = pend.v[i]->ready_at;
		int nrep = 0;
		int timeout = next > now ? (int)((next - now) * 1000) + 1 : 0;
		if (api_inflight(a)) {
			while (nrep < o->concurrency && api_next(a, nrep ? 0 : timeout, &replies[nrep]))
				nrep++;
		} else if (timeout > 0 && !(pend.n && next <= now)) {
			usleep((useconds_t)timeout * 1000);
		}
		now = mono();

		/* what goes out now: due rows, as far as the bucket and the
		 * connections allow */
		chosen.n = 0;
		int room = o->concurrency - api_inflight(a);
		double token_wait = 0;
		for (size_t i = 0; i < pend.n && !stop && (int)chosen.n < room;) {
			if (pend.v[i]->ready_at > now) {
				i++;
				continue;
			}
			if ((token_wait = rl_take(&rl, now)) > 0)
				break;
			push(&chosen, pend.v[i]);
			pend.v[i] = pend.v[--pend.n];
		}
		if (!nrep && !chosen.n) {
			if (token_wait > 0 && !api_inflight(a))
				usleep((useconds_t)(token_wait * 1e6) + 1);
			continue;
		}

		/* one transaction: the answers, and the rows about to go */
		if ((rc = db_begin(db)))
			break;
		for (int i = 0; i < nrep && !rc; i++) {
			slot *again = answer(&r, replies[i].tag, &replies[i], now, &stop, &rc);
			if (again)
				push(&pend, again);
			api_reply_free(&replies[i]);
		}
		size_t go = 0;
		for (size_t i = 0; i < chosen.n && !rc; i++) {
			int ok;
			rc = queue_sending(db, chosen.v[i]->it.id, when_now(), &ok);
			if (ok && !stop) {
				chosen.v[go++] = chosen.v[i];
				chosen.v[i]->it.attempts++;
			} else if (ok) {
				rc = rc ? rc : queue_retry(db, chosen.v[i]->it.id, 0, NULL);
				push(&pend, chosen.v[i]);
			} else {
				slot_free(chosen.v[i]); /* cancelled meanwhile */
			}
		}
		if (rc) {
			db_rollback(db);
			break;
		}
		if ((rc = db_commit(db)))
			break;
		for (size_t i = 0; i < go; i++)
			api_start(a, "messages", chosen.v[i]->it.payload, chosen.v[i]);
		progress(&r, 0);
	}
	/* answers still owed when a database error stopped us */
	api_reply rep;
	while (api_inflight(a) && api_next(a, 1000, &rep)) {
		slot_free(rep.tag);
		api_reply_free(&rep);
	}
	for (size_t i = 0; i < pend.n; i++) {
		s->later++;
		slot_free(pend.v[i]);
	}
	int rel = queue_release(db, me, s->later ? when_now() + (int64_t)(r.later_wait + 0.999) : 0);
	progress(&r, 1);
	free(pend.v);
	free(chosen.v);
	free(replies);
	return rc ? rc : rel;
}
