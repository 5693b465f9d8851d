/* kv — a small ordered list of key/value strings: a CSV row by its
 * header, a contact's fields and attributes. It is what {{placeholders}}
 * are filled from (kv_lookup fits tmpl_render). */
#ifndef WB_KV_H
#define WB_KV_H
#include <stddef.h>

typedef struct {
	char **k, **v;
	size_t n, cap;
} kv;

/* Sets key (replacing an earlier value). */
void kv_set(kv *m, const char *key, const char *value);
/* NULL when absent. */
const char *kv_get(const kv *m, const char *key);
void kv_clear(kv *m);
void kv_free(kv *m);
/* tmpl_lookup over a kv (ctx is the kv). */
const char *kv_lookup(const char *key, void *ctx);

#endif
