#include "batch.h"

#include <stdlib.h>

#include "err.h"
#include "util.h"

/* A document of the open batch, kept for a replay: where its text is in
 * the batch's copy, and where it was in the input. */
typedef struct {
	size_t at, len;
	long long offset;
	long line;
} kept;

struct batch {
	wb_db *db;
	int open;
	size_t n;
	int replay;  /* batch_run_replay: documents are kept, a failure replays */
	int careful; /* this batch was replayed: the rest of it is careful too */
	sb texts;    /* the batch's documents, one after another */
	kept *docs;
	size_t ndocs, cap;
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

/* The batch is over, committed or not: nothing of it is kept. */
static void forget(batch *b)
{
	b->open = 0;
	b->n = 0;
	b->careful = 0;
	b->ndocs = 0;
	sb_reset(&b->texts);
}

/* Commits the batch and hands it to done either way. */
static int finish(batch *b, batch_done_fn done, void *ctx)
{
	int rc = db_commit(b->db); /* a failed commit has rolled back */
	forget(b);
	int d = done(!rc, ctx);
	return rc ? rc : d;
}

/* A copy of d, for a replay of its batch. */
static void keep(batch *b, const batch_doc *d)
{
	if (b->ndocs == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		b->docs = xrealloc(b->docs, b->cap * sizeof *b->docs);
	}
	b->docs[b->ndocs++] = (kept){.at = b->texts.len, .len = d->len, .offset = d->offset, .line = d->line};
	sb_add(&b->texts, d->text, d->len);
}

/* After a document failed in a batch handled fast: the batch undone (and
 * done told), then each of its documents, the failed one last, handed
 * again carefully, as a new batch that stays careful to its end. A
 * document that fails now ends the run, as in any careful batch. */
static int replay(batch *b, batch_doc_fn doc, batch_done_fn done, void *ctx, const char *name)
{
	db_rollback(b->db);
	size_t n = b->ndocs;
	sb texts = b->texts; /* forget empties the batch's own */
	b->texts = (sb){0};
	forget(b);
	int rc = done(0, ctx);
	b->careful = 1;
	for (size_t i = 0; i < n && !rc; i++) {
		batch_doc d = {.text = texts.s + b->docs[i].at, .len = b->docs[i].len, .offset = b->docs[i].offset,
			       .line = b->docs[i].line, .name = name, .careful = 1};
		rc = doc(b, &d, ctx);
	}
	b->texts = texts; /* kept on: the rest of the batch adds to it */
	b->ndocs = n;
	return rc;
}

/* Hands d to doc; a failure in a fast batch replays it carefully. */
static int handle(batch *b, batch_doc *d, batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	if (!b->replay)
		return doc(b, d, ctx);
	keep(b, d);
	d->careful = b->careful;
	int rc = doc(b, d, ctx);
	return rc && !b->careful ? replay(b, doc, done, ctx, d->name) : rc;
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

static int run(wb_db *db, source *s, size_t max, int fast, batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	batch b = {.db = db, .replay = fast};
	batch_doc d = {.name = in_docs_name(s->in)};
	int rc = 0, got;
	while ((got = next(s, &d)) == 1) {
		if ((rc = handle(&b, &d, doc, done, ctx)))
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
	sb_free(&b.texts);
	free(b.docs);
	return rc;
}

int batch_run(wb_db *db, in_docs *in, size_t max, batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	source s = {.in = in};
	return run(db, &s, max, 0, doc, done, ctx);
}

static int run_ahead(wb_db *db, in_docs *in, size_t max, int fast, ahead_prep_fn prep, ahead_drop_fn drop,
		     batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	source s = {.in = in, .a = ahead_start(in, prep, drop, ctx)};
	if (!s.a)
		return EX_OSERR;
	int rc = run(db, &s, max, fast, doc, done, ctx);
	ahead_close(s.a);
	return rc;
}

int batch_run_ahead(wb_db *db, in_docs *in, size_t max, ahead_prep_fn prep, ahead_drop_fn drop,
		    batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	return run_ahead(db, in, max, 0, prep, drop, doc, done, ctx);
}

int batch_run_replay(wb_db *db, in_docs *in, size_t max, ahead_prep_fn prep, ahead_drop_fn drop,
		     batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	return run_ahead(db, in, max, 1, prep, drop, doc, done, ctx);
}
