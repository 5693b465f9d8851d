#include "listen.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "util.h"
#include "webhook.h"

struct req {
	sb body;
	int too_big;
};

static enum MHD_Result answer(struct MHD_Connection *c, unsigned code, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	enum MHD_Result ok = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ok;
}

static int same_secret(const char *a, const char *b)
{
	return a && b && strlen(a) == strlen(b) && CRYPTO_memcmp(a, b, strlen(a)) == 0;
}

/* GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… */
static enum MHD_Result handshake(const listen_opts *o, struct MHD_Connection *c)
{
	const char *mode = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "hub.mode");
	const char *token = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "hub.verify_token");
	const char *challenge = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "hub.challenge");
	if (!mode || strcmp(mode, "subscribe") || !challenge || !same_secret(o->verify_token, token)) {
		wb_warn("refused a verification request (wrong or missing verify token)");
		return answer(c, MHD_HTTP_FORBIDDEN, "forbidden\n");
	}
	return answer(c, MHD_HTTP_OK, challenge);
}

static enum MHD_Result post(const listen_opts *o, struct MHD_Connection *c, struct req *r)
{
	if (r->too_big)
		return answer(c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
	if (!o->insecure) {
		const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Hub-Signature-256");
		if (!sig) {
			wb_warn("refused a POST without X-Hub-Signature-256");
			return answer(c, MHD_HTTP_UNAUTHORIZED, "signature missing\n");
		}
		if (!webhook_signature_ok(o->secret, r->body.s ? r->body.s : "", r->body.len, sig)) {
			wb_warn("refused a POST with a wrong signature");
			return answer(c, MHD_HTTP_FORBIDDEN, "bad signature\n");
		}
	}
	int rc = o->fn(r->body.s ? r->body.s : "", r->body.len, o->ctx);
	if (rc) {
		wb_warn("%s", wb_errmsg());
		return rc == EX_DATAERR ? answer(c, MHD_HTTP_BAD_REQUEST, "bad webhook\n")
					: answer(c, MHD_HTTP_SERVICE_UNAVAILABLE, "try again\n");
	}
	return answer(c, MHD_HTTP_OK, "ok\n");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **req_cls)
{
	const listen_opts *o = cls;
	struct req *r = *req_cls;
	if (!r) {
		*req_cls = r = xcalloc(1, sizeof *r);
		/* a declared length over the limit is refused before it is read */
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > o->max_body) {
			r->too_big = 1;
			return answer(c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
		}
		return MHD_YES;
	}
	if (!strcmp(method, "GET"))
		return handshake(o, c);
	if (strcmp(method, "POST"))
		return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST\n");
	if (*size) {
		if (r->body.len + *size > o->max_body)
			r->too_big = 1;
		else if (!r->too_big)
			sb_add(&r->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	return post(o, c, r);
}

static void done(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode t)
{
	struct req *r = *req_cls;
	if (r) {
		sb_free(&r->body);
		free(r);
	}
	*req_cls = NULL;
}

/* "host:port", "[v6]:port" or ":port" → a socket address. */
static int resolve(const char *addr, struct sockaddr_storage *sa, socklen_t *salen)
{
	char *host = xstrdup(addr);
	char *colon = strrchr(host, ':');
	int rc = 0;
	if (!colon || !colon[1]) {
		rc = wb_err(EX_USAGE, "--listen '%s': give ADDR:PORT", addr);
		goto out;
	}
	*colon = 0;
	const char *port = colon + 1, *h = host;
	if (*h == '[' && h[strlen(h) - 1] == ']') {
		h++;
		host[strlen(host) - 1] = 0;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV}, *res;
	int e = getaddrinfo(*h ? h : NULL, port, &hints, &res);
	if (e) {
		rc = wb_err(EX_USAGE, "--listen '%s': %s", addr, gai_strerror(e));
		goto out;
	}
	memcpy(sa, res->ai_addr, res->ai_addrlen);
	*salen = res->ai_addrlen;
	freeaddrinfo(res);
out:
	free(host);
	return rc;
}

int listen_run(const listen_opts *o)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	int rc = resolve(o->addr, &sa, &salen);
	if (rc)
		return rc;
	/* the server's thread inherits this mask, so the signals come to
	 * sigwait below and a request is never cut off half-stored */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, handle, (void *)o,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
		MHD_OPTION_CONNECTION_LIMIT, 256u,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
		MHD_OPTION_END);
	if (!d) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return wb_err(EX_UNAVAILABLE, "--listen %s: cannot listen there (in use, or not this host's address)",
			      o->addr);
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	wb_warn("listening on %s (port %u)%s", o->addr, info ? info->port : 0,
		o->insecure ? "; INSECURE: unsigned posts are accepted" : "");
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}

int listen_serve(const listen_opts *o)
{
	listen_opts with = *o;
	char *secret = NULL, *token = NULL;
	int rc = 0;
	if (o->insecure)
		wb_warn("--insecure: POSTs are not checked; never use this facing the Internet");
	else if ((rc = config_need("WB_APP_SECRET", &secret)))
		return rc;
	if (!(rc = config_get("WB_VERIFY_TOKEN", &token))) {
		if (!token)
			wb_warn("WB_VERIFY_TOKEN is not set: Meta's verification handshake will be refused");
		with.secret = secret;
		with.verify_token = token;
		rc = listen_run(&with);
	}
	free(secret);
	free(token);
	return rc;
}
