#include "kv.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void kv_set(kv *m, const char *key, const char *value)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->k[i], key)) {
			free(m->v[i]);
			m->v[i] = xstrdup(value);
			return;
		}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->k = xrealloc(m->k, m->cap * sizeof *m->k);
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	m->k[m->n] = xstrdup(key);
	m->v[m->n++] = xstrdup(value);
}

const char *kv_get(const kv *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->k[i], key))
			return m->v[i];
	return NULL;
}

void kv_clear(kv *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->k[i]);
		free(m->v[i]);
	}
	m->n = 0;
}

void kv_free(kv *m)
{
	kv_clear(m);
	free(m->k);
	free(m->v);
	m->k = m->v = NULL;
	m->cap = 0;
}

const char *kv_lookup(const char *key, void *ctx)
{
	return kv_get(ctx, key);
}
