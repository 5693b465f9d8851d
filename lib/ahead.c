#include "ahead.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

/* A document in the ring: its own copy of the text (the in_docs buffer
 * moves on), kept and grown from one document to the next. */
typedef struct {
	char *buf;
	size_t cap, len;
	long long offset;
	long line;
	void *prepared;
} slot;

struct ahead {
	in_docs *in;
	ahead_prep_fn prep;
	ahead_drop_fn drop;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t filled; /* a document in, the end, or the reader idle */
	pthread_cond_t freed;  /* room in the ring, or stopping */
	slot ring[AHEAD_MAX];
	size_t head, count; /* ring[head] is the oldest; count includes a held one */
	int held;           /* the user has ring[head] */
	int waiting;        /* the reader waits for input: nothing is pending */
	int ended, rc;      /* the reader is done: 0 at the end, or its error */
	int stop;           /* ahead_close: the reader leaves */
	int full;           /* the reader waits for room */
	int wake[2];        /* a pipe: written to stop a reader waiting for input */
	char why[1024];     /* rc's message */
};

/* The reader's end: its code and message for the user. */
static void end(ahead *a, int rc)
{
	pthread_mutex_lock(&a->lock);
	a->ended = 1;
	a->rc = rc;
	a->waiting = 0;
	if (rc > 1)
		snprintf(a->why, sizeof a->why, "%s", wb_errmsg());
	pthread_cond_broadcast(&a->filled);
	pthread_mutex_unlock(&a->lock);
}

/* A free slot, waiting for room; NULL when told to stop. */
static slot *room(ahead *a)
{
	pthread_mutex_lock(&a->lock);
	while (a->count == AHEAD_MAX && !a->stop) {
		a->full = 1;
		pthread_cond_wait(&a->freed, &a->lock);
	}
	/* head + count stays the same while the user takes one: the slot
	 * there is nobody else's until it is counted */
	slot *s = a->stop ? NULL : &a->ring[(a->head + a->count) % AHEAD_MAX];
	pthread_mutex_unlock(&a->lock);
	return s;
}

/* Waits, when nothing is pending, for input or for ahead_close, having
 * told the user it waits (the user then commits what it has rather than
 * wait too): 1 to read on, 0 to stop. A document that stops half-way
 * on a pipe is still waited for in the read. */
static int await_input(ahead *a)
{
	if (in_docs_pending(a->in))
		return 1;
	pthread_mutex_lock(&a->lock);
	a->waiting = 1;
	pthread_cond_broadcast(&a->filled);
	pthread_mutex_unlock(&a->lock);
	struct pollfd p[2] = {{.fd = in_docs_fd(a->in), .events = POLLIN}, {.fd = a->wake[0], .events = POLLIN}};
	while (poll(p, 2, -1) < 0 && errno == EINTR)
		;
	return !p[1].revents;
}

/* Reads one document into the ring: 1, or 0 when it stopped. */
static int read_one(ahead *a)
{
	const char *text;
	size_t len;
	long long offset;
	long line;
	if (!await_input(a))
		return 0;
	int rc = in_docs_next(a->in, &text, &len, &offset, &line);
	if (rc != 1) {
		end(a, rc);
		return 0;
	}
	void *prepared = a->prep ? a->prep(text, len, a->ctx) : NULL;
	slot *s = room(a);
	if (!s) {
		if (prepared && a->drop)
			a->drop(prepared, a->ctx);
		return 0;
	}
	/* what was prepared the round before is freed here, on the thread
	 * that made it: no malloc arena passed between threads */
	if (s->prepared && a->drop)
		a->drop(s->prepared, a->ctx);
	if (s->cap < len + 1) {
		s->cap = len + 1 > 2 * s->cap ? len + 1 : 2 * s->cap;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf, text, len);
	s->buf[len] = 0;
	*s = (slot){.buf = s->buf, .cap = s->cap, .len = len, .offset = offset, .line = line, .prepared = prepared};
	pthread_mutex_lock(&a->lock);
	a->count++;
	a->waiting = 0;
	pthread_cond_broadcast(&a->filled);
	pthread_mutex_unlock(&a->lock);
	return 1;
}

static void *reader(void *arg)
{
	ahead *a = arg;
	while (read_one(a))
		;
	return NULL;
}

/* Everything but the thread. */
static void release(ahead *a)
{
	for (size_t i = 0; i < AHEAD_MAX; i++) {
		if (a->ring[i].prepared && a->drop)
			a->drop(a->ring[i].prepared, a->ctx);
		free(a->ring[i].buf);
	}
	if (a->wake[0] >= 0) {
		close(a->wake[0]);
		close(a->wake[1]);
	}
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->filled);
	pthread_cond_destroy(&a->freed);
	free(a);
}

ahead *ahead_start(in_docs *in, ahead_prep_fn prep, ahead_drop_fn drop, void *ctx)
{
	ahead *a = xcalloc(1, sizeof *a);
	*a = (ahead){.in = in, .prep = prep, .drop = drop, .ctx = ctx};
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->filled, NULL);
	pthread_cond_init(&a->freed, NULL);
	if (pipe2(a->wake, O_CLOEXEC)) {
		a->wake[0] = a->wake[1] = -1;
	} else if (!pthread_create(&a->thread, NULL, reader, a)) {
		return a;
	}
	wb_err(EX_OSERR, "cannot start a thread: %s", strerror(errno));
	release(a);
	return NULL;
}

/* The document the user had goes back to the ring (the lock held). */
static void give_back(ahead *a)
{
	if (!a->held)
		return;
	a->head = (a->head + 1) % AHEAD_MAX;
	a->count--;
	a->held = 0;
	/* woken only once half the ring is free: it then reads many in a
	 * row, not one a wake-up (two context switches a document) */
	if (a->full && a->count <= AHEAD_MAX / 2) {
		a->full = 0;
		pthread_cond_signal(&a->freed);
	}
}

int ahead_next(ahead *a, ahead_doc *d)
{
	pthread_mutex_lock(&a->lock);
	give_back(a);
	while (!a->count && !a->ended)
		pthread_cond_wait(&a->filled, &a->lock);
	if (a->count) {
		slot *s = &a->ring[a->head];
		*d = (ahead_doc){.text = s->buf, .len = s->len, .offset = s->offset, .line = s->line,
				 .prepared = s->prepared};
		a->held = 1;
		pthread_mutex_unlock(&a->lock);
		return 1;
	}
	int rc = a->rc;
	char why[sizeof a->why];
	memcpy(why, a->why, sizeof why);
	pthread_mutex_unlock(&a->lock);
	return rc > 1 ? wb_err(rc, "%s", why) : rc;
}

int ahead_pending(ahead *a)
{
	/* Between two documents the reader has not yet said whether it will
	 * wait for input: answering "pending" then sent the user into
	 * ahead_next with its batch uncommitted, while the input's writer
	 * waited for that commit (its events) before writing more — both
	 * stuck. So the answer waits for the reader to know. */
	pthread_mutex_lock(&a->lock);
	while (a->count <= (size_t)a->held && !a->ended && !a->waiting)
		pthread_cond_wait(&a->filled, &a->lock);
	int p = a->count > (size_t)a->held;
	pthread_mutex_unlock(&a->lock);
	return p;
}

void ahead_close(ahead *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	pthread_cond_broadcast(&a->freed);
	pthread_mutex_unlock(&a->lock);
	/* a reader waiting for input sees the pipe readable */
	if (write(a->wake[1], "", 1) < 0)
		wb_warn("cannot stop the reading thread: %s", strerror(errno));
	pthread_join(a->thread, NULL);
	release(a);
}
