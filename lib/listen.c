#include "listen.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "config.h"
#include "err.h"
#include "util.h"
#include "webhook.h"

/* Three threads share a running listener. libmicrohttpd's one thread
 * (epoll) does all the HTTP: reading, the signature, the handshake, every
 * refusal, and prepares (parses) signed bodies. They go to the store
 * thread, which takes them into one group (one transaction) for as long
 * as more have queued up by the time it is done with the one before, so
 * a busy listener commits less often rather than falling behind, while
 * their connections wait suspended; neither a slow client nor a locked
 * database holds up the other side. The main thread waits for a signal and, a few times a
 * second, closes connections that are too slow. One HTTP thread is
 * enough: it spends microseconds on a request, the store most of the rest,
 * and SQLite has one writer whatever the number of threads. */

#define BATCH 256    /* posts in one group (one call of the store), at most */
#define TICK_MS 200  /* how often the clock is looked at */

typedef struct peer peer;
/* A connection, for the deadline. */
struct peer {
	peer *prev, *next;
	int fd;
	long long since_ms; /* opened, or its last answer went out */
	int held;           /* a request of it is with the store: that time is ours */
	int cut;            /* shut down for being too slow */
};

enum { R_READING, R_STORING, R_STORED };

typedef struct req req;
struct req {
	sb body;
	int too_big, state;
	listen_post post;
	struct MHD_Connection *conn;
	req *next; /* in the store's queue */
};

typedef struct {
	const listen_opts *o;
	const char *path;
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t more;  /* posts queued, or stopping */
	pthread_cond_t gone;  /* an answer went out */
	req *head, **tail;
	req *resume;          /* stored, their connections to be resumed (next) */
	size_t out;           /* posts back from the store, not yet answered */
	int stopping;         /* the store takes no more */
	int failed;           /* the store's code once it failed */
	char why[1024];       /* and its message */
	struct MHD_Response *stored, *refused, *again; /* the store's answers (200,
	                      * 400, 503), made once: none costs an allocation */
	peer *peers;
	long cut;             /* connections closed since the last word about it */
	long long cut_said_ms;
} server;

long long listen_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A constant text as a response, which may be queued again and again. */
static struct MHD_Response *text_response(unsigned code, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, POST");
	return r;
}

/* Answers with a constant text. */
static enum MHD_Result answer(struct MHD_Connection *c, unsigned code, const char *text)
{
	struct MHD_Response *r = text_response(code, text);
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
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(challenge), (void *)challenge,
								 MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

static peer *peer_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

/* Headers are in: what can be said before the body is read is said now
 * (and the body is then never read). */
static enum MHD_Result start(server *s, struct MHD_Connection *c, const char *url, const char *method,
			     req *r)
{
	const listen_opts *o = s->o;
	if (strcmp(url, s->path))
		return answer(c, MHD_HTTP_NOT_FOUND, "not found\n");
	if (!strcmp(method, "GET"))
		return handshake(o, c);
	if (strcmp(method, "POST"))
		return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST\n");
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	if (cl && strtoull(cl, NULL, 10) > o->max_body) {
		r->too_big = 1;
		return answer(c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
	}
	if (!o->insecure && !MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Hub-Signature-256")) {
		wb_warn("refused a POST without X-Hub-Signature-256");
		return answer(c, MHD_HTTP_UNAUTHORIZED, "signature missing\n");
	}
	return MHD_YES;
}

/* A signed body goes to the store; its connection waits, suspended, until
 * the store has said how it went. */
static enum MHD_Result to_store(server *s, struct MHD_Connection *c, req *r)
{
	r->post = (listen_post){.body = r->body.s ? r->body.s : "", .len = r->body.len, .arrived_ms = listen_clock_ms()};
	if (s->o->prep)
		r->post.prepared = s->o->prep(r->post.body, r->post.len, s->o->ctx);
	r->conn = c;
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, s->again);
	}
	/* suspended before the store can see it, so it is never resumed first */
	MHD_suspend_connection(c);
	peer *p = peer_of(c);
	if (p)
		p->held = 1;
	r->state = R_STORING;
	*s->tail = r;
	s->tail = &r->next;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&s->lock);
	return MHD_YES;
}

/* Resumes the connections of a group the store has answered but the
 * first (see store), on the HTTP thread that answers that one, or on the
 * main thread's clock should it never be (its connection gone). Outside
 * the lock: libmicrohttpd takes its own, and calls back into code that
 * takes this one. */
static void resume_due(server *s)
{
	pthread_mutex_lock(&s->lock);
	req *r = s->resume;
	s->resume = NULL;
	pthread_mutex_unlock(&s->lock);
	for (req *next; r; r = next) {
		next = r->next; /* r may be answered and freed once resumed */
		MHD_resume_connection(r->conn);
	}
}

static enum MHD_Result post(server *s, struct MHD_Connection *c, req *r)
{
	const listen_opts *o = s->o;
	if (r->state == R_STORED) {
		resume_due(s); /* the rest of its group */
		return r->post.rc == 0 ? MHD_queue_response(c, MHD_HTTP_OK, s->stored)
		     : r->post.rc == EX_DATAERR ? MHD_queue_response(c, MHD_HTTP_BAD_REQUEST, s->refused)
						: MHD_queue_response(c, MHD_HTTP_SERVICE_UNAVAILABLE, s->again);
	}
	if (r->too_big)
		return answer(c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
	if (!o->insecure) {
		const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Hub-Signature-256");
		if (!webhook_signature_ok(o->secret, r->body.s ? r->body.s : "", r->body.len, sig)) {
			wb_warn("refused a POST with a wrong signature");
			return answer(c, MHD_HTTP_FORBIDDEN, "bad signature\n");
		}
	}
	return to_store(s, c, r);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **req_cls)
{
	server *s = cls;
	req *r = *req_cls;
	if (!r) {
		*req_cls = r = xcalloc(1, sizeof *r);
		return start(s, c, url, method, r);
	}
	if (*size) {
		if (r->body.len + *size > s->o->max_body)
			r->too_big = 1;
		else if (!r->too_big)
			sb_add(&r->body, data, *size);
		*size = 0;
		return MHD_YES;
	}
	return post(s, c, r);
}

/* A request is over (answered, or its connection gone): its connection
 * starts a new deadline. */
static void completed(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode t)
{
	server *s = cls;
	req *r = *req_cls;
	pthread_mutex_lock(&s->lock);
	peer *p = peer_of(c);
	if (p) {
		p->since_ms = listen_clock_ms();
		p->held = 0;
	}
	if (r && r->state == R_STORED) {
		s->out--;
		pthread_cond_broadcast(&s->gone);
	}
	pthread_mutex_unlock(&s->lock);
	if (r && r->state == R_STORED) /* its answer never went (the connection gone): the rest of its group */
		resume_due(s);
	if (r) {
		if (r->post.prepared && s->o->drop)
			s->o->drop(r->post.prepared, s->o->ctx);
		sb_free(&r->body);
		free(r);
	}
	*req_cls = NULL;
}

/* Connections opened and closed, kept for the deadline. libmicrohttpd
 * says "closed" before it closes the socket, and the list is changed
 * under the lock the clock takes: a socket is never shut down once its
 * number may be another's. */
static void connection(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_ConnectionNotificationCode what)
{
	server *s = cls;
	peer *p = *ctx;
	pthread_mutex_lock(&s->lock);
	if (what == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		p = xcalloc(1, sizeof *p);
		p->fd = ci ? ci->connect_fd : -1;
		p->since_ms = listen_clock_ms();
		p->next = s->peers;
		if (s->peers)
			s->peers->prev = p;
		s->peers = p;
		*ctx = p;
	} else if (p) {
		if (p->prev)
			p->prev->next = p->next;
		else
			s->peers = p->next;
		if (p->next)
			p->next->prev = p->prev;
		free(p);
		*ctx = NULL;
	}
	pthread_mutex_unlock(&s->lock);
}

/* Shuts down every connection that has not finished a request within the
 * timeout; libmicrohttpd then finds it closed and lets it go. The log
 * says so before the first is shut, so that a client that sees its
 * connection closed finds the line written. */
static void cut_slow(server *s)
{
	long long now = listen_clock_ms(), limit = (long long)s->o->timeout * 1000;
	pthread_mutex_lock(&s->lock);
	for (peer *p = s->peers; p; p = p->next)
		if (!p->held && !p->cut && p->fd >= 0 && now - p->since_ms > limit) {
			p->cut = 2; /* to be shut below */
			s->cut++;
		}
	/* an attack would fill the log: a word every ten seconds at most */
	if (s->cut && now - s->cut_said_ms >= 10000) {
		wb_warn("closed %ld connection%s that sent no whole request within %u s", s->cut,
			s->cut == 1 ? "" : "s", s->o->timeout);
		s->cut = 0;
		s->cut_said_ms = now;
	}
	for (peer *p = s->peers; p; p = p->next)
		if (p->cut == 2) {
			shutdown(p->fd, SHUT_RDWR);
			p->cut = 1;
		}
	pthread_mutex_unlock(&s->lock);
}

struct listen_group {
	server *s;
	req *v[BATCH];
	size_t n;
};

listen_post *listen_next(listen_group *g)
{
	server *s = g->s;
	req *r = NULL;
	pthread_mutex_lock(&s->lock);
	if (g->n < BATCH && (r = s->head)) {
		s->head = r->next;
		if (!s->head)
			s->tail = &s->head;
		g->v[g->n++] = r;
		r->post.rc = EX_TEMPFAIL;
	}
	pthread_mutex_unlock(&s->lock);
	return r ? &r->post : NULL;
}

listen_post *listen_taken(listen_group *g, size_t i)
{
	return i < g->n ? &g->v[i]->post : NULL;
}

size_t listen_fail_all(listen_group *g, int rc)
{
	for (size_t i = 0; i < g->n; i++)
		g->v[i]->post.rc = rc;
	return g->n;
}

/* Stores a group, or answers what is queued 503 once the store has
 * failed; then its connections are resumed to be answered. */
static void store(server *s)
{
	listen_group g = {.s = s};
	int rc = 0;
	if (s->failed)
		while (listen_next(&g))
			;
	else
		rc = s->o->store(&g, s->o->ctx);
	pthread_mutex_lock(&s->lock);
	if (rc) {
		snprintf(s->why, sizeof s->why, "%s", wb_errmsg());
		s->failed = rc;
		s->stopping = 1;
	}
	for (size_t i = 0; i < g.n; i++) {
		/* after a failure the events are not out: Meta must try again */
		if (rc)
			g.v[i]->post.rc = EX_TEMPFAIL;
		g.v[i]->state = R_STORED;
	}
	s->out += g.n;
	/* one wake of the HTTP thread for the group, not one for each: this
	 * thread resumes the first connection, the HTTP thread the others
	 * when it answers it (resume_due); each resume writes libmicrohttpd's
	 * eventfd, and from here each was a system call that woke a thread */
	for (size_t i = 1; i < g.n; i++) {
		g.v[i]->next = s->resume;
		s->resume = g.v[i];
	}
	pthread_mutex_unlock(&s->lock);
	if (g.n) /* outside the lock, as in resume_due */
		MHD_resume_connection(g.v[0]->conn);
}

/* The store thread: groups until stopped, then what is left. */
static void *store_main(void *arg)
{
	server *s = arg;
	pthread_setname_np(pthread_self(), "wb-store"); /* for top, perf, bench/live.sh */
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->head && !s->stopping)
			pthread_cond_wait(&s->more, &s->lock);
		if (!s->head)
			break;
		pthread_mutex_unlock(&s->lock);
		store(s);
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	if (s->o->end)
		s->o->end(s->o->ctx);
	return NULL;
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

/* Connections at once: LISTEN_CONNECTIONS, with the descriptors for them
 * (the soft limit raised when the hard one allows), else what fits. */
static unsigned connection_limit(void)
{
	const rlim_t spare = 64, want = LISTEN_CONNECTIONS + spare;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return LISTEN_CONNECTIONS;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return LISTEN_CONNECTIONS;
	return rl.rlim_cur > 2 * spare ? (unsigned)(rl.rlim_cur - spare) : (unsigned)spare;
}

static struct MHD_Daemon *start_daemon(server *s, const struct sockaddr_storage *sa)
{
	const listen_opts *o = s->o;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
	if (sa->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(flags, 0, NULL, NULL, handle, s,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)sa,
		MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
		MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_addr ? o->per_addr : LISTEN_PER_ADDR,
		/* the body is copied out as it comes, so the pool holds only
		 * the headers and a read buffer; libmicrohttpd clears it for
		 * every request on a connection, so a larger one costs time */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 * 1024,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		MHD_OPTION_NOTIFY_COMPLETED, completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, connection, s,
		MHD_OPTION_END);
}

/* Until SIGTERM or SIGINT, or the store fails; the clock meanwhile. */
static void serve(server *s, const sigset_t *set)
{
	struct timespec tick = {0, TICK_MS * 1000000L};
	for (;;) {
		int sig = sigtimedwait(set, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT)
			return;
		pthread_mutex_lock(&s->lock);
		int failed = s->failed;
		pthread_mutex_unlock(&s->lock);
		if (failed)
			return;
		cut_slow(s);
		resume_due(s);
	}
}

/* The store finishes what it has; their answers get two seconds to go
 * out before the server stops. */
static void wind_down(server *s, pthread_t store_thread)
{
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&s->lock);
	pthread_join(store_thread, NULL);
	resume_due(s);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	pthread_mutex_lock(&s->lock);
	while (s->out && pthread_cond_timedwait(&s->gone, &s->lock, &until) == 0)
		;
	pthread_mutex_unlock(&s->lock);
}

int listen_run(const listen_opts *o)
{
	struct sockaddr_storage sa;
	socklen_t salen;
	int rc = resolve(o->addr, &sa, &salen);
	if (rc)
		return rc;
	server s = {.o = o, .path = o->path ? o->path : LISTEN_PATH,
		    .stored = text_response(MHD_HTTP_OK, "ok\n"),
		    .refused = text_response(MHD_HTTP_BAD_REQUEST, "bad webhook\n"),
		    .again = text_response(MHD_HTTP_SERVICE_UNAVAILABLE, "try again\n")};
	s.tail = &s.head;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.more, NULL);
	pthread_cond_init(&s.gone, NULL);
	/* the server's threads inherit this mask, so the signals come to
	 * sigtimedwait below and a request is never cut off half-stored */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	pthread_t store_thread;
	struct MHD_Daemon *d = NULL;
	if (pthread_create(&store_thread, NULL, store_main, &s)) {
		rc = wb_err(EX_OSERR, "cannot start a thread");
		goto out;
	}
	if (!(d = start_daemon(&s, &sa))) {
		wind_down(&s, store_thread);
		rc = wb_err(EX_UNAVAILABLE, "--listen %s: cannot listen there (in use, or not this host's address)",
			    o->addr);
		goto out;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	wb_warn("listening on %s (port %u), path %s%s", o->addr, info ? info->port : 0, s.path,
		o->insecure ? "; INSECURE: unsigned posts are accepted" : "");
	serve(&s, &set);
	wind_down(&s, store_thread);
	MHD_stop_daemon(d);
	if (s.failed)
		rc = wb_err(s.failed, "%s", s.why);
out:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_cond_destroy(&s.more);
	pthread_cond_destroy(&s.gone);
	pthread_mutex_destroy(&s.lock);
	MHD_destroy_response(s.stored);
	MHD_destroy_response(s.refused);
	MHD_destroy_response(s.again);
	return rc;
}

int listen_serve(const listen_opts *o)
{
	listen_opts with = *o;
	char *secret = NULL, *token = NULL;
	int rc = 0;
	config_private();
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
