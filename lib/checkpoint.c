#include "checkpoint.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "util.h"

struct checkpointer {
	wb_db *hot, *own;
	pthread_t thread;
	pthread_mutex_t lock; /* the fields below */
	pthread_cond_t wake;
	int pages;            /* a WAL this long wakes the thread */
	int seen;             /* the WAL's length at the last commit */
	int last;             /* its length when the last checkpoint began or ended */
	int due, stop;
};

/* After each commit of the listener's connection, on its thread: n is
 * the WAL's length in pages, with every process's commits in it. A lock
 * and at most a signal, nothing that waits. Due when past the mark and
 * grown by as much again since the last checkpoint began (the WAL goes
 * on growing while commits keep coming: it starts over only when a
 * writer finds it all copied), or started over and past the mark again. */
static int on_commit(void *p, sqlite3 *h, const char *name, int n)
{
	(void)h;
	(void)name;
	checkpointer *c = p;
	pthread_mutex_lock(&c->lock);
	c->seen = n;
	if (!c->due && n >= c->pages && (n < c->last || n - c->last >= c->pages)) {
		c->due = 1;
		pthread_cond_signal(&c->wake);
	}
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

/* The thread's connection waits for a lock 2 ms at most: a RESTART
 * holds the write lock while it waits for readers, and the listener's
 * answers wait behind it; one that gives up is tried again later. */
static int short_wait(void *p, int n)
{
	(void)p;
	struct timespec ts = {0, 50000L};
	if (n >= 40)
		return 0;
	nanosleep(&ts, NULL);
	return 1;
}

/* One checkpoint on the thread's own connection; the WAL's length after
 * it. A checkpoint that fails (busy, a full disk) leaves the WAL as it
 * was, for the next one. */
static int pass(checkpointer *c)
{
	sqlite3 *h = db_handle(c->own);
	int log = 0, done = 0;
	sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
	/* all copied and still this long: a steady stream of commits never
	 * leaves the WAL idle and copied, which is when the next writer
	 * starts it over; RESTART holds writers until readers are out of
	 * it, so that the next one does */
	if (log >= CHECKPOINT_RESTART_PAGES && log == done)
		sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_RESTART, &log, &done);
	return log;
}

static void *run(void *p)
{
	checkpointer *c = p;
	pthread_setname_np(pthread_self(), "wb-checkpoint"); /* for top, perf, bench/live.sh */
	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		if (!c->due) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += CHECKPOINT_IDLE_MS / 1000;
			until.tv_nsec += (CHECKPOINT_IDLE_MS % 1000) * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			/* woken: a checkpoint is due or it stops; timed out: quiet,
			 * so copy what there is (nothing to copy costs no fsync) */
			if (pthread_cond_timedwait(&c->wake, &c->lock, &until) != ETIMEDOUT)
				continue;
		}
		c->due = 0;
		c->last = c->seen; /* what commits meanwhile are measured against */
		pthread_mutex_unlock(&c->lock);
		int log = pass(c);
		pthread_mutex_lock(&c->lock);
		c->last = log;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* WB_CHECKPOINT_PAGES, else CHECKPOINT_PAGES. */
static int pages_wanted(int *pages)
{
	const char *s = getenv("WB_CHECKPOINT_PAGES");
	long n = CHECKPOINT_PAGES;
	if (s && *s && parse_long(s, 1, 1000000, &n))
		return wb_err(EX_CONFIG, "WB_CHECKPOINT_PAGES '%s': pages, 1 to 1000000", s);
	*pages = (int)n;
	return 0;
}

int checkpoint_start(wb_db *db, checkpointer **out)
{
	*out = NULL;
	checkpointer *c = xcalloc(1, sizeof *c);
	c->hot = db;
	int rc = pages_wanted(&c->pages);
	if (rc || (rc = db_open(db_path(db), &c->own))) {
		free(c);
		return rc;
	}
	sqlite3_busy_handler(db_handle(c->own), short_wait, NULL);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	if ((errno = pthread_create(&c->thread, NULL, run, c))) {
		rc = wb_err(EX_OSERR, "starting the checkpoint thread: %s", strerror(errno));
		db_close(c->own);
		free(c);
		return rc;
	}
	/* the listener's commits check for the mark, and copy nothing */
	sqlite3_wal_hook(db_handle(db), on_commit, c);
	*out = c;
	return 0;
}

void checkpoint_stop(checkpointer *c)
{
	if (!c)
		return;
	sqlite3_wal_autocheckpoint(db_handle(c->hot), 1000); /* SQLite's default */
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	db_close(c->own);
	free(c);
}

void checkpoint_defer(wb_db *db)
{
	sqlite3_wal_autocheckpoint(db_handle(db), CHECKPOINT_DEFER_PAGES);
}
