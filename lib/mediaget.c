#include "mediaget.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "media.h"
#include "util.h"

/* A medium's URL lasts about five minutes: one that has expired between
 * the look-up and the download is looked up again, this many times in all. */
#define LOOKUPS 3

void mediaget_free(mediaget_got *g)
{
	free(g->wamid);
	free(g->media_id);
	free(g->mime);
	free(g->sha256);
	free(g->path);
	memset(g, 0, sizeof *g);
}

/* The id of the message that sql (with ref bound) finds, with its wamid
 * and media id in g; 0 when none. */
static int64_t lookup(wb_db *db, const char *sql, const char *ref, mediaget_got *g, int *step)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	int64_t id = 0;
	if ((*step = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		g->wamid = xstrdup(db_col_text(st, 1));
		const char *m = (const char *)sqlite3_column_text(st, 2);
		g->media_id = m ? xstrdup(m) : NULL;
	}
	sqlite3_reset(st);
	return id;
}

/* The message ref names, by wamid or by media id: its id (0: none) and
 * what it says of its medium. A ref that is all digits may be a bare
 * media id no message names; anything else must be a message's wamid.
 * (The wamid is indexed; a media id is looked for by a scan, and only
 * when no wamid matched.) */
static int resolve(wb_db *db, const char *ref, int64_t *msg, mediaget_got *g)
{
	int digits = !ref[strspn(ref, "0123456789")], step;
	*msg = lookup(db, "SELECT id, wamid, media_id FROM message WHERE wamid = ?", ref, g, &step);
	if (!*msg && digits && step == SQLITE_DONE)
		*msg = lookup(db, "SELECT id, wamid, media_id FROM message WHERE media_id = ? AND direction = 'in' "
				  "ORDER BY id DESC LIMIT 1", ref, g, &step);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(db, "reading the message");
	if (!*msg && !digits)
		return wb_err(EX_FALSE, "%s: no such message", ref);
	if (!*msg)
		g->media_id = xstrdup(ref);
	else if (!g->media_id)
		return wb_err(EX_DATAERR, "%s: the message carries no medium", ref);
	return 0;
}

/* Meta's two steps: the look-up, then the download with the token; an
 * expired URL (401, 403 or 404 from the download) is looked up again. */
static int download(api *a, mediaget_got *g, api_reply *r, size_t *n)
{
	int rc = 0;
	for (int i = 0; i < LOOKUPS; i++) {
		api_media m;
		if ((rc = api_media_info(a, g->media_id, &m)))
			return rc;
		free(g->mime);
		free(g->sha256);
		g->mime = xstrdup(m.mime);
		g->sha256 = xstrdup(m.sha256);
		g->size = m.size;
		rc = api_get_url(a, m.url, r, n);
		api_media_free(&m);
		if (!rc)
			return 0;
		if (r->http != 401 && r->http != 403 && r->http != 404)
			break;
		if (i + 1 < LOOKUPS)
			api_reply_free(r);
	}
	char *what = xasprintf("media %s: the download", g->media_id);
	rc = api_reply_error(what, r);
	free(what);
	api_reply_free(r);
	return rc;
}

/* The bytes are what Meta described, or EX_DATAERR (bad data, as
 * DESIGN lists the codes). Meta's sha256 is
 * hex in the look-up's answer and base64 in webhooks: either is taken. */
static int check(const mediaget_got *g, const unsigned char *b, size_t n)
{
	if ((long long)n != g->size)
		return wb_err(EX_DATAERR, "media %s: %zu bytes came, Meta gave the size as %lld", g->media_id,
			      n, g->size);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1], b64[2 * EVP_MAX_MD_SIZE];
	EVP_Digest(b, n, md, &len, EVP_sha256(), NULL);
	for (unsigned i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	hex[2 * len] = 0;
	EVP_EncodeBlock((unsigned char *)b64, md, (int)len);
	if (strcasecmp(hex, g->sha256) && strcmp(b64, g->sha256))
		return wb_err(EX_DATAERR, "media %s: the bytes' sha256 is %s, Meta gave %s", g->media_id, hex,
			      g->sha256);
	return 0;
}

/* Where the file goes: dest itself, or MEDIA_ID.EXT inside it when it is
 * a directory. */
static char *target(const char *dest, const mediaget_got *g)
{
	struct stat sb;
	size_t n = dest ? strlen(dest) : 0;
	if (dest && n && dest[n - 1] != '/' && (stat(dest, &sb) || !S_ISDIR(sb.st_mode)))
		return xstrdup(dest);
	return xasprintf("%s%s%s.%s", dest ? dest : "", n && dest[n - 1] != '/' ? "/" : "", g->media_id,
			 media_ext(g->mime));
}

/* Writes the bytes to path through a temporary file beside it, synced
 * before the rename, so a reader sees the whole file or none. */
static int save(const char *path, const char *b, size_t n)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp), rc = 0;
	if (fd < 0) {
		rc = wb_err(EX_CANTCREAT, "%s: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	mode_t mask = umask(0);
	umask(mask);
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, b + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		off += (size_t)w;
	}
	int bad = off < n || fchmod(fd, 0666 & ~mask) || fsync(fd);
	bad |= close(fd) != 0;
	if (bad)
		rc = wb_err(EX_IOERR, "%s: %s", path, strerror(errno));
	else if (rename(tmp, path))
		rc = wb_err(EX_CANTCREAT, "%s: %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int record(wb_db *db, int64_t msg, const char *path)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE message SET media_path = ? WHERE id = ?");
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, msg);
	int step = sqlite3_step(st);
	sqlite3_reset(st);
	return step == SQLITE_DONE ? 0 : db_fail(db, "recording the medium's path");
}

int mediaget(wb_db *db, api *a, const char *ref, const char *dest, mediaget_got *g)
{
	int64_t msg;
	memset(g, 0, sizeof *g);
	int rc = resolve(db, ref, &msg, g);
	api_reply r;
	size_t n;
	if (rc || (rc = download(a, g, &r, &n)))
		return rc;
	char *path = target(dest, g);
	if (!(rc = check(g, (const unsigned char *)r.body, n)) && !(rc = save(path, r.body, n))) {
		char real[PATH_MAX];
		g->path = xstrdup(realpath(path, real) ? real : path);
		if (msg)
			rc = record(db, msg, g->path);
	}
	free(path);
	api_reply_free(&r);
	return rc;
}

struct mediaget_queue {
	wb_db *db;
	api *api;
	char *dir;
	pthread_t thread;
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t more;  /* a wamid queued, or stopping */
	sb due;               /* wamids, a line each; those before head taken */
	size_t head;
	int stopping, started;
};

/* One wamid taken off the queue (malloc'd); NULL when stopping and the
 * queue is empty. */
static char *take(mediaget_queue *q)
{
	pthread_mutex_lock(&q->lock);
	while (q->head == q->due.len && !q->stopping)
		pthread_cond_wait(&q->more, &q->lock);
	char *w = NULL;
	if (q->head < q->due.len) {
		char *from = q->due.s + q->head, *nl = strchr(from, '\n');
		w = xstrndup(from, (size_t)(nl - from));
		q->head += (size_t)(nl + 1 - from);
	}
	if (q->head == q->due.len) { /* all taken: the buffer starts again */
		sb_reset(&q->due);
		q->head = 0;
	}
	pthread_mutex_unlock(&q->lock);
	return w;
}

static void *downloader(void *arg)
{
	mediaget_queue *q = arg;
	for (char *w; (w = take(q)); free(w)) {
		mediaget_got g;
		if (mediaget(q->db, q->api, w, q->dir, &g))
			wb_warn("%s: the medium was not fetched: %s (wb-media get takes it later)", w, wb_errmsg());
		mediaget_free(&g);
	}
	return NULL;
}

int mediaget_start(const char *db_path, api *a, const char *dir, mediaget_queue **out)
{
	mediaget_queue *q = xcalloc(1, sizeof *q);
	int rc = db_open_existing(db_path, &q->db);
	q->api = a;
	q->dir = xasprintf("%s/", dir);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->more, NULL);
	/* the thread takes no signal: SIGTERM and SIGINT are the listener's
	 * to wait for, and one delivered here would end the process */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (!rc && (errno = pthread_create(&q->thread, NULL, downloader, q)))
		rc = wb_err(EX_OSERR, "--fetch-media: no thread: %s", strerror(errno));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	q->started = !rc;
	if (rc) {
		mediaget_stop(q);
		q = NULL;
	}
	*out = q;
	return rc;
}

void mediaget_push(const char *wamid, void *ctx)
{
	mediaget_queue *q = ctx;
	pthread_mutex_lock(&q->lock);
	sb_printf(&q->due, "%s\n", wamid);
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
}

void mediaget_stop(mediaget_queue *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = 1;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
	if (q->started)
		pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->more);
	pthread_mutex_destroy(&q->lock);
	sb_free(&q->due);
	db_close(q->db);
	api_close(q->api);
	free(q->dir);
	free(q);
}
