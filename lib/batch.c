#include "batch.h"

#include "err.h"

struct batch {
	wb_db *db;
	int open;
	size_t n;
};

int batch_join(batch *b)
{
	if (!b->open) {
		int rc = db_begin(b->db);
		if (rc)
			return rc;
		b->open = 1;
	}
	b->n++;
	return 0;
}

int batch_fatal(int rc)
{
	switch (rc) {
	case EX_IOERR:
	case EX_CANTCREAT:
	case EX_SOFTWARE:
	case EX_OSERR:
	case EX_OSFILE:
	case EX_CONFIG:
	case EX_NOPERM:
		return 1;
	default:
		return 0;
	}
}

/* Commits the batch and hands it to done either way. */
static int finish(batch *b, batch_done_fn done, void *ctx)
{
	int rc = db_commit(b->db); /* a failed commit has rolled back */
	b->open = 0;
	b->n = 0;
	int d = done(!rc, ctx);
	return rc ? rc : d;
}

/* Where the documents come from: the input itself, or a reader ahead. */
typedef struct {
	in_docs *in;
	ahead *a;
} source;

static int next(source *s, batch_doc *d)
{
	if (!s->a)
		return in_docs_next(s->in, &d->text, &d->len, &d->offset, &d->line);
	ahead_doc ad;
	int got = ahead_next(s->a, &ad);
	if (got == 1)
		*d = (batch_doc){.text = ad.text, .len = ad.len, .offset = ad.offset, .line = ad.line,
				 .name = d->name, .ahead = ad.prepared};
	return got;
}

static int pending(source *s)
{
	return s->a ? ahead_pending(s->a) : in_docs_pending(s->in);
}

static int run(wb_db *db, source *s, size_t max, batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	batch b = {.db = db};
	batch_doc d = {.name = in_docs_name(s->in)};
	int rc = 0, got;
	while ((got = next(s, &d)) == 1) {
		if ((rc = doc(&b, &d, ctx)))
			break;
		if (b.open && (b.n >= max || !pending(s)) && (rc = finish(&b, done, ctx)))
			break;
	}
	if (got > 1)
		rc = got;
	if (b.open) {
		int c = finish(&b, done, ctx);
		if (!rc)
			rc = c;
	}
	return rc;
}

int batch_run(wb_db *db, in_docs *in, size_t max, batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	source s = {.in = in};
	return run(db, &s, max, doc, done, ctx);
}

int batch_run_ahead(wb_db *db, in_docs *in, size_t max, ahead_prep_fn prep, ahead_drop_fn drop,
		    batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	source s = {.in = in, .a = ahead_start(in, prep, drop, ctx)};
	if (!s.a)
		return EX_OSERR;
	int rc = run(db, &s, max, doc, done, ctx);
	ahead_close(s.a);
	return rc;
}
