/* listen — the webhook listener: an HTTP server (libmicrohttpd) that
 * answers Meta's verification handshake and takes POSTs whose
 * X-Hub-Signature-256 is right on one path, hands their bodies to a store
 * callback in groups on a thread of its own, and answers each only when
 * the store has said how it went. It keeps slow or idle clients from
 * holding connections (a limit per address, a deadline per request). It
 * does not parse or store payloads, and never logs secrets or bodies. */
#ifndef WB_LISTEN_H
#define WB_LISTEN_H
#include <stddef.h>

#define LISTEN_PATH "/webhook"  /* the path served unless told otherwise */
#define LISTEN_PER_ADDR 64      /* connections from one address at once, by default */
#define LISTEN_CONNECTIONS 1000 /* connections at once, in all */

/* A signed body, as the store gets it. */
typedef struct {
	const char *body;
	size_t len;
	long long arrived_ms; /* when it was whole (monotonic clock) */
	void *prepared;       /* what the prep function made of it, or NULL */
	int rc;               /* the store sets it: 0 stored (200), EX_DATAERR
	                       * refused (400: Meta gives up), else 503 (Meta
	                       * tries again) */
} listen_post;

/* The posts one call of the store takes, one at a time (listen_next),
 * into one group: the listener keeps handing it posts that queued up
 * while it stored the ones before, so that a busy listener commits
 * bigger groups rather than more of them. */
typedef struct listen_group listen_group;
/* The next post for g, oldest first: the first call always has one;
 * after it, one that has queued up meanwhile, or NULL when none is
 * waiting (or g is full): time to commit. */
listen_post *listen_next(listen_group *g);
/* The i-th post g has taken (0: the oldest), NULL past the last: for
 * a store that undid the group and goes over it again. */
listen_post *listen_taken(listen_group *g, size_t i);
/* Sets the rc of every post g has taken (a commit that failed); says
 * how many. */
size_t listen_fail_all(listen_group *g, int rc);

/* Stores the posts it takes from g (listen_next), each all or nothing,
 * setting each one's rc. Runs on the listener's store thread, one call
 * at a time, never on the thread that serves HTTP, so a slow database
 * holds up no handshake and no refusal. Returns 0, or an EX_ code with a
 * message when the listener cannot go on (its output is gone): it then
 * stops, answering 503 to what it could not finish. */
typedef int (*listen_store_fn)(listen_group *g, void *ctx);
/* Prepares a signed body (parses it, say) on the thread that serves
 * HTTP, so that the store thread spends its time storing; drop frees
 * what it made once the request is over. Neither may touch the store's
 * database or output. */
typedef void *(*listen_prep_fn)(const char *body, size_t len, void *ctx);
typedef void (*listen_drop_fn)(void *prepared, void *ctx);
/* Called on the store thread when it stores no more, after its last
 * group: what the store keeps per thread goes. */
typedef void (*listen_end_fn)(void *ctx);

typedef struct {
	const char *addr;         /* "127.0.0.1:8080", "[::1]:8080", ":8080"; port 0 picks one */
	const char *path;         /* the one path served (others: 404); NULL: LISTEN_PATH */
	const char *secret;       /* the app secret; NULL only with insecure */
	const char *verify_token; /* NULL: the GET handshake is refused */
	int insecure;             /* take unsigned posts (local testing) */
	size_t max_body;          /* larger bodies get 413 */
	unsigned timeout;         /* seconds a request may take, from its connection's
	                           * opening or the answer before it on that connection */
	unsigned per_addr;        /* connections from one address at once; 0: LISTEN_PER_ADDR */
	listen_store_fn store;
	listen_prep_fn prep; /* NULL: nothing prepared */
	listen_drop_fn drop;
	listen_end_fn end;   /* NULL: nothing to end */
	void *ctx;
} listen_opts;

/* The clock of arrived_ms, in milliseconds. */
long long listen_clock_ms(void);

/* Serves until SIGTERM or SIGINT, then stores and answers what it has
 * taken and returns 0; or returns the store's code when it failed, or an
 * EX_ code when it cannot start. Says on stderr where it listens (the
 * port it got, when asked for port 0). */
int listen_run(const listen_opts *o);
/* listen_run with the secrets from the configuration (config.h), in
 * place of o's: WB_APP_SECRET, required unless insecure (which is warned
 * about), and WB_VERIFY_TOKEN (without it, a warning that the handshake
 * will be refused). EX_CONFIG when the secret is missing. */
int listen_serve(const listen_opts *o);

#endif
