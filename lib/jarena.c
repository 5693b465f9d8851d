#include "jarena.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "util.h"

#define FIRST_CHUNK 8192 /* a one-message webhook's tree fits */

/* Chunks, each twice the last: a large document takes few of them, so
 * that telling an arena's pointer from another is a short walk. */
typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) char data[];
} chunk;

struct jarena {
	chunk *head; /* the newest chunk, where allocations go */
};

static _Thread_local jarena *current;

static int holds(const jarena *a, const void *p)
{
	for (const chunk *c = a->head; c; c = c->next)
		if ((const char *)p >= c->data && (const char *)p < c->data + c->cap)
			return 1;
	return 0;
}

static void *take(jarena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = c ? 2 * c->cap : FIRST_CHUNK;
		while (cap < n)
			cap *= 2;
		c = xmalloc(sizeof *c + cap);
		*c = (chunk){.next = a->head, .cap = cap};
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

static void *jarena_malloc(size_t n)
{
	return current ? take(current, n) : malloc(n);
}

static void jarena_release(void *p)
{
	if (p && !(current && holds(current, p)))
		free(p);
}

/* Before main: jansson must free everything with the functions that
 * allocated it. */
__attribute__((constructor)) static void install(void)
{
	json_set_alloc_funcs(jarena_malloc, jarena_release);
}

void jarena_enter(jarena **a)
{
	if (!*a)
		*a = xcalloc(1, sizeof **a);
	current = *a;
}

void jarena_leave(void)
{
	current = NULL;
}

void jarena_free(jarena *a)
{
	if (!a)
		return;
	for (chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}
