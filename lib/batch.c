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

int batch_run(wb_db *db, in_docs *in, size_t max, batch_doc_fn doc, batch_done_fn done, void *ctx)
{
	batch b = {.db = db};
	batch_doc d = {.name = in_docs_name(in)};
	int rc = 0, got;
	while ((got = in_docs_next(in, &d.text, &d.len, &d.offset, &d.line)) == 1) {
		if ((rc = doc(&b, &d, ctx)))
			break;
		if (b.open && (b.n >= max || !in_docs_pending(in)) && (rc = finish(&b, done, ctx)))
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
