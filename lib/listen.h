/* listen — the webhook listener: an HTTP server (libmicrohttpd) that
 * answers Meta's verification handshake and takes POSTs whose
 * X-Hub-Signature-256 is right, hands each body to a callback and answers
 * 200 only when the callback has committed it. It does not parse or store
 * payloads, and never logs secrets or bodies. */
#ifndef WB_LISTEN_H
#define WB_LISTEN_H
#include <stddef.h>

/* Returns 0 when the body is stored; EX_DATAERR answers 400 (Meta gives
 * up), anything else 503 (Meta tries again later). */
typedef int (*listen_fn)(const char *body, size_t len, void *ctx);

typedef struct {
	const char *addr;         /* "127.0.0.1:8080", "[::1]:8080", ":8080"; port 0 picks one */
	const char *secret;       /* the app secret; NULL only with insecure */
	const char *verify_token; /* NULL: the GET handshake is refused */
	int insecure;             /* take unsigned posts (local testing) */
	size_t max_body;          /* larger bodies get 413 */
	unsigned timeout;         /* seconds an idle connection is kept */
	listen_fn fn;
	void *ctx;
} listen_opts;

/* Serves until SIGTERM or SIGINT, then finishes the request in hand and
 * returns 0; or returns an EX_ code when it cannot start. Says on stderr
 * where it listens (the port it got, when asked for port 0). */
int listen_run(const listen_opts *o);
/* listen_run with the secrets from the configuration (config.h), in
 * place of o's: WB_APP_SECRET, required unless insecure (which is warned
 * about), and WB_VERIFY_TOKEN (without it, a warning that the handshake
 * will be refused). EX_CONFIG when the secret is missing. */
int listen_serve(const listen_opts *o);

#endif
