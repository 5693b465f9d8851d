/* mhd-floor — the least a listener that acknowledges after commit must
 * do, as a reference for bench/live.sh: a libmicrohttpd server set up as
 * the listener is (mhd-setup.h) that checks each POST's
 * X-Hub-Signature-256 (lib/webhook's check; 403 when wrong), parses its
 * body with jansson (400 when it is not JSON), and stores the raw body
 * as one row of a one-table SQLite database (WAL, synchronous=NORMAL as
 * lib/db.c sets them), answering 200 only once the transaction holding
 * it has committed. No schema of wb's, no events written, no checkpoint
 * thread (SQLite's own checkpoints, in the committing thread).
 *
 * Group commit, the simplest correct way: the HTTP thread suspends each
 * signed, parsed POST and queues it; one store thread takes everything
 * queued at once, INSERTs it in one transaction, commits, and only then
 * resumes the connections, which answer 200. POSTs that arrive while a
 * group commits wait for the next group, so a busy server commits bigger
 * groups rather than more of them.
 *   mhd-floor PORT DB   (the app secret from WB_APP_SECRET) */
#include <jansson.h>
#include <sqlite3.h>

#include "mhd-setup.h"
#include "util.h"
#include "webhook.h"

typedef struct req req;
struct req {
	sb body;
	int stored;
	struct MHD_Connection *conn;
	req *next;
};

static struct {
	const char *secret;
	sqlite3 *db;
	pthread_mutex_t lock;
	pthread_cond_t more;
	req *head, **tail;
} F = {.lock = PTHREAD_MUTEX_INITIALIZER, .more = PTHREAD_COND_INITIALIZER, .tail = &F.head};

static void must(int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "mhd-floor: %s: %s\n", what, sqlite3_errmsg(F.db));
		exit(1);
	}
}

/* One group: everything queued, in one transaction, then answered. */
static void store(sqlite3_stmt *ins)
{
	pthread_mutex_lock(&F.lock);
	while (!F.head)
		pthread_cond_wait(&F.more, &F.lock);
	req *group = F.head;
	F.head = NULL;
	F.tail = &F.head;
	pthread_mutex_unlock(&F.lock);
	must(sqlite3_exec(F.db, "BEGIN", NULL, NULL, NULL), "BEGIN");
	for (req *r = group; r; r = r->next) {
		sqlite3_bind_text(ins, 1, r->body.s, (int)r->body.len, SQLITE_STATIC);
		must(sqlite3_step(ins), "INSERT");
		sqlite3_reset(ins);
	}
	must(sqlite3_exec(F.db, "COMMIT", NULL, NULL, NULL), "COMMIT");
	for (req *r = group, *next; r; r = next) {
		next = r->next; /* r may be answered and freed once resumed */
		r->stored = 1;
		MHD_resume_connection(r->conn);
	}
}

static void *store_main(void *unused)
{
	sqlite3_stmt *ins;
	must(sqlite3_prepare_v2(F.db, "INSERT INTO hook(body) VALUES (?)", -1, &ins, NULL), "prepare");
	for (;;)
		store(ins);
	return NULL;
}

/* A whole POST: checked, parsed, queued; answered once stored. */
static enum MHD_Result take(struct MHD_Connection *c, req *r)
{
	if (r->stored)
		return mhd_answer(c, MHD_HTTP_OK, "ok\n");
	const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Hub-Signature-256");
	if (!webhook_signature_ok(F.secret, r->body.s ? r->body.s : "", r->body.len, sig))
		return mhd_answer(c, MHD_HTTP_FORBIDDEN, "bad signature\n");
	json_t *doc = json_loadb(r->body.s ? r->body.s : "", r->body.len, 0, NULL);
	if (!doc)
		return mhd_answer(c, MHD_HTTP_BAD_REQUEST, "not JSON\n");
	json_decref(doc);
	r->conn = c;
	pthread_mutex_lock(&F.lock);
	MHD_suspend_connection(c); /* before the store can resume it */
	*F.tail = r;
	F.tail = &r->next;
	pthread_cond_signal(&F.more);
	pthread_mutex_unlock(&F.lock);
	return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **req_cls)
{
	req *r = *req_cls;
	if (!r) {
		*req_cls = xcalloc(1, sizeof *r);
		return MHD_YES;
	}
	if (*size) {
		sb_add(&r->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	return take(c, r);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode t)
{
	req *r = *req_cls;
	if (r) {
		sb_free(&r->body);
		free(r);
	}
	*req_cls = NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3 || !(F.secret = getenv("WB_APP_SECRET"))) {
		fprintf(stderr, "usage: WB_APP_SECRET=… mhd-floor PORT DB\n");
		return 2;
	}
	must(sqlite3_open(argv[2], &F.db), argv[2]);
	must(sqlite3_exec(F.db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
				"CREATE TABLE IF NOT EXISTS hook(id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
			  NULL, NULL, NULL), "setting up");
	mhd_signals();
	pthread_t t;
	if (pthread_create(&t, NULL, store_main, NULL))
		return 1;
	return mhd_serve("mhd-floor", argv[1], handle, NULL, completed);
}
