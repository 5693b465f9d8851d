#include "inorder.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct inorder_slot {
	int64_t key;  /* the last key held up to here: keys only grow */
	int waiting;  /* held for key's result */
	void *item;
};

void inorder_init(inorder *q, inorder_fn out, void *ctx)
{
	*q = (inorder){.out = out, .ctx = ctx};
}

static void add(inorder *q, int64_t key, int waiting, void *item)
{
	if (q->head && q->n == q->cap) { /* slide the live places down */
		memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof *q->v);
		q->n -= q->head;
		q->head = 0;
	}
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 64;
		q->v = xrealloc(q->v, q->cap * sizeof *q->v);
	}
	q->v[q->n++] = (struct inorder_slot){key, waiting, item};
}

/* Hands on the items at the front that are ready. */
static void drain(inorder *q)
{
	while (q->head < q->n && !q->v[q->head].waiting) {
		void *item = q->v[q->head++].item;
		if (item)
			q->out(item, q->ctx);
	}
	if (q->head == q->n)
		q->head = q->n = 0;
}

void inorder_hold(inorder *q, int64_t key, void *item)
{
	add(q, key, 1, item);
}

void inorder_put(inorder *q, void *item)
{
	if (q->head == q->n) {
		q->out(item, q->ctx);
		return;
	}
	add(q, q->v[q->n - 1].key, 0, item);
}

/* The place held for key: the first at or after key (keys grow, and an
 * item ready at once carries the key before it), then on to the one
 * held; q->n when there is none. */
static size_t find(const inorder *q, int64_t key)
{
	size_t lo = q->head, hi = q->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (q->v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < q->n && q->v[lo].key == key; lo++)
		if (q->v[lo].waiting)
			return lo;
	return q->n;
}

void *inorder_held(const inorder *q, int64_t key)
{
	size_t i = find(q, key);
	return i < q->n ? q->v[i].item : NULL;
}

void inorder_done(inorder *q, int64_t key)
{
	size_t i = find(q, key);
	if (i == q->n)
		return;
	q->v[i].waiting = 0;
	drain(q);
}

int inorder_waiting(const inorder *q)
{
	return q->head < q->n;
}

void inorder_end(inorder *q)
{
	for (size_t i = q->head; i < q->n; i++)
		q->v[i].waiting = 0;
	drain(q);
	free(q->v);
	*q = (inorder){.out = q->out, .ctx = q->ctx};
}
