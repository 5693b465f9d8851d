/* Unit tests of the listener's hand-off to its store (listen.h): the
 * posts that queue up while a group is being stored join that group
 * (listen_next), each is answered as the store said (200, 400, 503), and
 * a group that failed (listen_fail_all) is answered 503 whole. The
 * store here keeps no database: it waits, polling, until every post of
 * a round has reached it. No assertion depends on timing. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#include "err.h"
#include "listen.h"

#define CLIENTS 5

/* Shared by the test and the store thread, under lock. */
typedef struct {
	pthread_mutex_t lock;
	size_t want;    /* posts in this round */
	int fail;       /* answer the group with listen_fail_all */
	size_t calls;   /* store calls, and the posts each took */
	size_t took[CLIENTS * 2];
} fake;

static void pause_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};
	nanosleep(&ts, NULL);
}

/* Takes posts until the round's are all in (or 10 s went by, so that a
 * broken hand-off fails the test rather than hanging it). */
static int fake_store(listen_group *g, void *ctx)
{
	fake *f = ctx;
	pthread_mutex_lock(&f->lock);
	size_t n = 0, want = f->want;
	int fail = f->fail;
	pthread_mutex_unlock(&f->lock);
	for (int tries = 0; n < want && tries < 10000;) {
		listen_post *p = listen_next(g);
		if (!p) {
			pause_ms(1);
			tries++;
			continue;
		}
		p->rc = p->len == 3 && !memcmp(p->body, "bad", 3) ? EX_DATAERR : 0;
		n++;
	}
	if (fail)
		listen_fail_all(g, EX_TEMPFAIL);
	pthread_mutex_lock(&f->lock);
	f->took[f->calls++ % (CLIENTS * 2)] = n;
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static listen_opts opts;
static void *serve(void *unused)
{
	listen_run(&opts);
	return NULL;
}

/* The port the listener said it got, from its stderr (a file). */
static int port_said(const char *path)
{
	for (int tries = 0; tries < 10000; tries++) {
		char buf[512] = "";
		FILE *fp = fopen(path, "r");
		size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
		if (fp)
			fclose(fp);
		buf[n] = 0;
		char *p = strstr(buf, "(port ");
		if (p)
			return atoi(p + 6);
		pause_ms(1);
	}
	return 0;
}

static int post_to(int port, const char *body)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa))
		return -1;
	char req[256];
	int n = snprintf(req, sizeof req,
			 "POST /webhook HTTP/1.1\r\nHost: t\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
			 strlen(body), body);
	if (write(fd, req, (size_t)n) != n)
		return -1;
	return fd;
}

/* The status of the answer on fd, read to its end. */
static int status_of(int fd)
{
	char buf[1024];
	size_t len = 0;
	ssize_t got;
	while (len < sizeof buf - 1 && (got = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	buf[len] = 0;
	return len > 12 ? atoi(buf + 9) : 0;
}

/* A round: CLIENTS posts at once, the third one "bad"; their statuses. */
static void round_of(int port, fake *f, int fail, char *statuses)
{
	const char *bodies[CLIENTS] = {"{}", "{}", "bad", "{}", "{}"};
	int fd[CLIENTS];
	pthread_mutex_lock(&f->lock);
	f->want = CLIENTS;
	f->fail = fail;
	pthread_mutex_unlock(&f->lock);
	for (int i = 0; i < CLIENTS; i++)
		fd[i] = post_to(port, bodies[i]);
	statuses[0] = 0;
	for (int i = 0; i < CLIENTS; i++)
		sprintf(statuses + strlen(statuses), "%s%d", i ? " " : "", fd[i] < 0 ? -1 : status_of(fd[i]));
}

int main(void)
{
	char log[] = "/tmp/wb-t-listen.XXXXXX";
	int logfd = mkstemp(log), saved = dup(2);
	fflush(stderr);
	dup2(logfd, 2);
	/* the listener's thread takes SIGTERM with sigtimedwait */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	fake f = {.lock = PTHREAD_MUTEX_INITIALIZER};
	opts = (listen_opts){.addr = "127.0.0.1:0", .insecure = 1, .max_body = 4096, .timeout = 30,
			     .store = fake_store, .ctx = &f};
	pthread_t t;
	pthread_create(&t, NULL, serve, NULL);
	int port = port_said(log);
	ok(port > 0, "the listener says its port");

	char st[64];
	round_of(port, &f, 0, st);
	pthread_mutex_lock(&f.lock);
	is_int(f.calls, 1, "posts that queued while the first was stored joined its group: one store call");
	is_int(f.took[0], CLIENTS, "which took all %d posts", CLIENTS);
	pthread_mutex_unlock(&f.lock);
	is_str(st, "200 200 400 200 200", "each answered as the store said: 200, or 400 refused");

	round_of(port, &f, 1, st);
	pthread_mutex_lock(&f.lock);
	is_int(f.calls, 2, "a second round: one more group");
	pthread_mutex_unlock(&f.lock);
	is_str(st, "503 503 503 503 503", "a group that failed is answered 503 whole");

	pthread_kill(t, SIGTERM);
	pthread_join(t, NULL);
	dup2(saved, 2);
	unlink(log);
	return done_testing();
}
