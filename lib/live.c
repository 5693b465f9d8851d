#include "live.h"

#include <stdlib.h>

#include "config.h"
#include "err.h"
#include "identity.h"
#include "util.h"

int live_open(live *lv, inbound *ib)
{
	long ms = LIVE_BUSY_MS;
	char *s;
	*lv = (live){.ib = ib};
	int rc = config_get("WB_LISTEN_BUSY_MS", &s);
	if (!rc && s && parse_long(s, 0, 600000, &ms))
		rc = wb_err(EX_CONFIG, "WB_LISTEN_BUSY_MS '%s': milliseconds, 0 to 600000", s);
	free(s);
	lv->busy_ms = (int)ms;
	return rc;
}

/* A post's body stored, parsed on the HTTP thread when a prep was given. */
static int take_post(inbound *ib, const listen_post *p)
{
	const wh_batch *b = p->prepared;
	return b ? inbound_parsed(ib, b, p->body, p->len, "listener", -1, 0)
		 : inbound_document(ib, p->body, p->len, "listener", -1, 0);
}

/* One body in a savepoint: all of it, or nothing of it and its events.
 * Its bad parts are no error: inbound quarantines them. A body of one
 * part (most are) needs no savepoint: inbound undoes a part that fails,
 * and quarantining one is one statement. */
static int store_one(inbound *ib, const listen_post *p)
{
	inbound_mark mark = inbound_mark_now(ib);
	const wh_batch *b = p->prepared;
	int whole = !b || b->n > 1;
	int rc = whole ? db_savepoint(ib->db) : 0;
	if (rc)
		return rc;
	rc = take_post(ib, p);
	int end = whole ? db_savepoint_end(ib->db, !rc) : 0;
	if (rc || end) {
		inbound_undo(ib, mark);
		wb_warn("a webhook answered 503 (Meta tries again): %s", wb_errmsg());
	}
	return rc ? rc : end;
}

/* The group stored fast: no savepoint for a post or a part, and the
 * identity cache on (per part, the savepoint statements and their
 * journal cost the store thread, the listener's busiest, as much as a
 * tenth of its work). The posts that queue up meanwhile join it: a busy
 * listener commits less often rather than falling behind. 0, or the
 * first failure, undone by nothing: the caller rolls the group back. */
static int store_fast(inbound *ib, listen_group *g, listen_post *p)
{
	if (!ib->cached)
		identity_cache(ib->db, ib->cached = 1);
	ib->fast = 1;
	int rc = 0;
	for (; !rc && p; p = listen_next(g))
		rc = p->rc = take_post(ib, p);
	ib->fast = 0;
	return rc;
}

/* A group whose fast pass failed, rolled back: every post it took, again,
 * each alone (store_one), so that one bad part is quarantined and one the
 * database fails costs its post alone. */
static int store_careful(inbound *ib, listen_group *g, int busy_ms)
{
	inbound_undo(ib, (inbound_mark){0});
	if (ib->cached) /* no savepoint may undo what it holds */
		identity_cache(ib->db, ib->cached = 0);
	int rc = db_begin_within(ib->db, busy_ms);
	listen_post *p;
	for (size_t i = 0; !rc && (p = listen_taken(g, i)); i++)
		p->rc = store_one(ib, p);
	return rc;
}

int live_store(listen_group *g, void *ctx)
{
	live *lv = ctx;
	inbound *ib = lv->ib;
	listen_post *p = listen_next(g);
	/* the oldest post has waited since it arrived: the bound is on it */
	long long waited = listen_clock_ms() - p->arrived_ms;
	int busy_ms = waited >= lv->busy_ms ? 0 : lv->busy_ms - (int)waited;
	int rc = db_begin_within(ib->db, busy_ms);
	if (rc) /* the lock not had: what is queued has waited as long */
		while (listen_next(g))
			;
	else if (store_fast(ib, g, p)) {
		db_rollback(ib->db);
		rc = store_careful(ib, g, busy_ms);
	}
	if (!rc)
		rc = db_commit(ib->db);
	if (rc) {
		size_t n = listen_fail_all(g, rc);
		wb_warn("%s: %zu webhook%s answered 503 (Meta tries again)", wb_errmsg(), n, n == 1 ? "" : "s");
		inbound_undo(ib, (inbound_mark){0});
		return 0;
	}
	/* written and flushed before any is answered: what Meta was told is
	 * stored has gone down the pipe; media are only queued here
	 * (--fetch-media downloads on a thread of its own) */
	return inbound_write(ib);
}

void live_end(void *ctx)
{
	live *lv = ctx;
	if (lv->ib->cached) /* the cache is the thread's own */
		identity_cache(lv->ib->db, lv->ib->cached = 0);
}
