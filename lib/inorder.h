/* inorder — results handed on in the order their inputs came, whatever
 * order they finish in: wb-send - answers a stream line by line while
 * several requests are in flight, and a script reading its rows finds
 * them in its lines' order. A result that waits (a retry's backoff)
 * holds back those after it, not their sending. It knows nothing of
 * what the items are. */
#ifndef WB_INORDER_H
#define WB_INORDER_H
#include <stddef.h>
#include <stdint.h>

/* Hands an item on (and frees it). */
typedef void (*inorder_fn)(void *item, void *ctx);

typedef struct {
	struct inorder_slot *v;
	size_t head, n, cap; /* the places still held are v[head..n) */
	inorder_fn out;
	void *ctx;
} inorder;

void inorder_init(inorder *q, inorder_fn out, void *ctx);
/* A place in line for key's result (a message id), which comes later:
 * item, to be completed then. */
void inorder_hold(inorder *q, int64_t key, void *item);
/* An item ready now: handed on at once when no place before it waits. */
void inorder_put(inorder *q, void *item);
/* The item held for key, NULL when key holds no place. */
void *inorder_held(const inorder *q, int64_t key);
/* key's item is complete: handed on when no place before it waits. */
void inorder_done(inorder *q, int64_t key);
/* Whether places are still held. */
int inorder_waiting(const inorder *q);
/* Everything still held goes out in order, complete or not, and the
 * memory is freed. */
void inorder_end(inorder *q);

#endif
