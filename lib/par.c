#include "par.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

#define PAR_MAX_THREADS 16

struct job {
	void *items;
	size_t n;
	int done;
	struct job *next;
};

struct par {
	pthread_mutex_t mu;
	pthread_cond_t work; /* a batch was queued, or the workers are to stop */
	pthread_cond_t done; /* a batch is done */
	/* queued batches, oldest first: head is the next to hand back,
	 * pending the next for a worker to take */
	struct job *head, *pending, *tail;
	int stop, nthreads;
	pthread_t th[PAR_MAX_THREADS];
	par_fn fn;
	void *ctx;
};

static void *worker(void *arg)
{
	par *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->pending && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		struct job *j = p->pending;
		if (!j)
			break;
		p->pending = j->next;
		pthread_mutex_unlock(&p->mu);
		p->fn(j->items, j->n, p->ctx);
		pthread_mutex_lock(&p->mu);
		j->done = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

par *par_open(par_fn fn, void *ctx)
{
	par *p = xcalloc(1, sizeof *p);
	p->fn = fn;
	p->ctx = ctx;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int want = cpus < 1 ? 1 : cpus > PAR_MAX_THREADS ? PAR_MAX_THREADS : (int)cpus;
	/* with no thread at all, par_submit does the work itself */
	while (p->nthreads < want && !pthread_create(&p->th[p->nthreads], NULL, worker, p))
		p->nthreads++;
	return p;
}

void par_submit(par *p, void *items, size_t n)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->items = items;
	j->n = n;
	if (!p->nthreads) {
		p->fn(items, n, p->ctx);
		j->done = 1;
	}
	pthread_mutex_lock(&p->mu);
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	if (!p->pending && !j->done)
		p->pending = j;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}

void *par_wait(par *p)
{
	pthread_mutex_lock(&p->mu);
	struct job *j = p->head;
	while (j && !j->done)
		pthread_cond_wait(&p->done, &p->mu);
	if (j) {
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	if (!j)
		return NULL;
	void *items = j->items;
	free(j);
	return items;
}

void par_close(par *p)
{
	if (!p)
		return;
	while (par_wait(p))
		;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->th[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
