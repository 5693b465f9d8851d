/* batch — the loop the stream filters share (wb-recv, wb-reply auto):
 * documents read one at a time, handled inside a write transaction that
 * is committed when the input has nothing more ready (so a live pipe
 * sees every result at once) or when it holds a batch's worth (so a bulk
 * load commits now and then). What a batch produced goes out only after
 * its commit, so a reader downstream finds in the database everything a
 * line it reads mentions. It knows nothing of what the documents hold. */
#ifndef WB_BATCH_H
#define WB_BATCH_H
#include <stddef.h>

#include "ahead.h"
#include "db.h"
#include "in.h"

#define BATCH_MAX 2000 /* documents in one transaction, at most */

typedef struct batch batch;

/* One document as the reader gave it: text of len bytes starting at
 * byte offset on line of the input called name. */
typedef struct {
	const char *text;
	size_t len;
	long long offset;
	long line;
	const char *name;
	void *ahead; /* batch_run_ahead: what prep made of it (valid during doc);
		      * NULL in a replay */
	int careful; /* batch_run_replay: 1 when a failure must cost this
		      * document alone (its batch is being replayed) */
} batch_doc;

/* Handles one document; before it writes it calls batch_join. A non-zero
 * return ends the run (after what came before is committed). */
typedef int (*batch_doc_fn)(batch *b, const batch_doc *d, void *ctx);
/* After each commit (committed 1: write out what the batch produced) or
 * failed commit (committed 0: forget it). Returns 0 or an EX_ code. */
typedef int (*batch_done_fn)(int committed, void *ctx);

/* Runs every document of in through doc, max to a transaction. Returns
 * 0, or the first failure: a document's, a commit's, done's, or the
 * reader's (EX_DATAERR for a truncated document, EX_IOERR). What came
 * before a failing document is committed and done. */
int batch_run(wb_db *db, in_docs *in, size_t max, batch_doc_fn doc, batch_done_fn done, void *ctx);
/* batch_run with the input read, and each document prepared by prep,
 * on a thread of its own (ahead.h) while doc handles the ones before:
 * the same commits, in the same order (a commit when nothing more is
 * ready means nothing read nor being read). What prep made is dropped
 * on the reading thread after doc has had it, or at the end. EX_OSERR
 * when no thread can be started. */
int batch_run_ahead(wb_db *db, in_docs *in, size_t max, ahead_prep_fn prep, ahead_drop_fn drop,
		    batch_doc_fn doc, batch_done_fn done, void *ctx);
/* batch_run_ahead, faster when a document's failure is rare: each
 * document is handled fast (careful 0: doc need not be able to undo it
 * alone, e.g. no savepoint of its own). When one fails, its batch is
 * rolled back (done(0)) and every document of it handed to doc again
 * from the first, careful (1) and unprepared (ahead NULL), and so is the
 * rest of that batch; the next batch is fast again. A careful document's
 * failure ends the run as in batch_run. The documents of a batch are
 * kept (copied) until its commit for that. */
int batch_run_replay(wb_db *db, in_docs *in, size_t max, ahead_prep_fn prep, ahead_drop_fn drop,
		     batch_doc_fn doc, batch_done_fn done, void *ctx);
/* For doc: the transaction (begun when none is open), with this document
 * counted in the batch. 0 or db_begin's code. */
int batch_join(batch *b);

/* Whether a failure on one document of a stream ends the stream: a
 * database that cannot be read or written (I/O, full, read-only), a
 * configuration that is missing or refused, an internal error. Anything
 * else (bad data, a busy database, an API that is away) is that
 * document's alone, and a live pipeline goes on to the next. */
int batch_fatal(int rc);

#endif
