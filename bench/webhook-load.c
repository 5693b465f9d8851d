/* webhook-load — posts signed one-message webhooks to a listener over
 * keep-alive connections, at a fixed offered rate (open loop: a POST is
 * due at its time whether or not earlier ones were answered) or, with
 * rate 0, as fast as they are answered, and says how it went. For
 * bench/live.sh.
 *
 *   webhook-load [-c CONNS] [-r RATE] [-n N] [-C CONTACTS] [-t TEXT]
 *                [-p PREFIX] [-o TIMES] URL
 *
 * The app secret comes from WB_APP_SECRET. POST i carries the message
 * wamid.PREFIX.i from customer 16500000000 + i % CONTACTS, dated now.
 * With -o, one line per POST: "wamid posted_us answered_us status"
 * (wall-clock microseconds; status 0 when it got no answer). Prints one
 * line: posted, answered, ok (200), seconds, rate, late (POSTs sent more
 * than 1 ms after their time because every connection was busy), and
 * the answer's p50 and p99 in ms. Exit 0 when every POST got a 200. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "webhook.h"

typedef struct {
	int fd;
	long req;  /* the POST in flight, -1: idle */
	char in[8192];
	size_t len;
} conn;

typedef struct {
	long long posted, answered; /* wall-clock µs */
	int status;
} timing;

static struct {
	const char *host, *port, *path, *secret, *prefix, *text;
	long conns, rate, n, contacts;
	struct addrinfo *addr;
	int ep;
	conn *c;
	timing *t;
	long next, done, ok, late;
} L = {.conns = 16, .n = 1000, .contacts = 1000, .text = "price"};

static long long mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(const char *what)
{
	fprintf(stderr, "webhook-load: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void open_conn(conn *c)
{
	c->fd = socket(L.addr->ai_family, SOCK_STREAM, 0);
	if (c->fd < 0)
		die("socket");
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(c->fd, L.addr->ai_addr, L.addr->ai_addrlen))
		die("connect");
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
	epoll_ctl(L.ep, EPOLL_CTL_ADD, c->fd, &ev);
	c->req = -1;
	c->len = 0;
}

/* The request for POST i, signed. */
static void request(long i, sb *out)
{
	static sb body;
	sb_reset(&body);
	long long phone = 16500000000LL + i % L.contacts;
	sb_printf(&body,
		  "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\","
		  "\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
		  "{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},"
		  "\"contacts\":[{\"profile\":{\"name\":\"Customer %lld\"},\"wa_id\":\"%lld\"}],"
		  "\"messages\":[{\"from\":\"%lld\",\"id\":\"wamid.%s.%ld\",\"timestamp\":\"%lld\","
		  "\"text\":{\"body\":\"%s\"},\"type\":\"text\"}]},\"field\":\"messages\"}]}]}",
		  phone, phone, phone, L.prefix, i, (long long)time(NULL), L.text);
	char sig[72];
	webhook_sign(L.secret, body.s, body.len, sig);
	sb_reset(out);
	sb_printf(out, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
		       "X-Hub-Signature-256: %s\r\nContent-Length: %zu\r\n\r\n",
		  L.path, L.host, sig, body.len);
	sb_add(out, body.s, body.len);
}

static void post(conn *c, long i)
{
	static sb req;
	request(i, &req);
	L.t[i].posted = wall_us();
	/* a request is far smaller than a socket buffer: it goes in one write */
	if (write(c->fd, req.s, req.len) != (ssize_t)req.len) {
		L.t[i].status = 0;
		L.done++;
		close(c->fd);
		open_conn(c);
		return;
	}
	c->req = i;
}

/* A whole answer at the start of c->in: its length, or 0 when more is to come. */
static size_t answer(conn *c, int *status)
{
	c->in[c->len < sizeof c->in ? c->len : sizeof c->in - 1] = 0;
	char *end = strstr(c->in, "\r\n\r\n");
	if (!end)
		return 0;
	*status = atoi(c->in + 9);
	const char *cl = strcasestr(c->in, "\r\nContent-Length:");
	size_t head = (size_t)(end + 4 - c->in), body = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
	return c->len >= head + body ? head + body : 0;
}

static void readable(conn *c)
{
	ssize_t got = read(c->fd, c->in + c->len, sizeof c->in - 1 - c->len);
	if (got <= 0) {
		if (got < 0 && errno == EAGAIN)
			return;
		if (c->req >= 0) { /* closed before it answered */
			L.t[c->req].status = 0;
			L.done++;
		}
		close(c->fd);
		open_conn(c);
		return;
	}
	c->len += (size_t)got;
	int status;
	size_t n;
	while (c->req >= 0 && (n = answer(c, &status))) {
		L.t[c->req].answered = wall_us();
		L.t[c->req].status = status;
		L.ok += status == 200;
		L.done++;
		c->req = -1;
		memmove(c->in, c->in + n, c->len - n);
		c->len -= n;
	}
}

static conn *idle_conn(void)
{
	for (long i = 0; i < L.conns; i++)
		if (L.c[i].req < 0)
			return &L.c[i];
	return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static void report(double secs, const char *times)
{
	long long *lat = xcalloc((size_t)L.n, sizeof *lat);
	long m = 0;
	FILE *fp = times ? fopen(times, "w") : NULL;
	for (long i = 0; i < L.n; i++) {
		if (L.t[i].status)
			lat[m++] = L.t[i].answered - L.t[i].posted;
		if (fp)
			fprintf(fp, "wamid.%s.%ld %lld %lld %d\n", L.prefix, i, L.t[i].posted, L.t[i].answered,
				L.t[i].status);
	}
	if (fp)
		fclose(fp);
	qsort(lat, (size_t)m, sizeof *lat, cmp_ll);
	printf("posted %ld answered %ld ok %ld seconds %.3f rate %.0f late %ld p50_ms %.3f p99_ms %.3f\n",
	       L.n, m, L.ok, secs, L.n / secs, L.late, m ? lat[m / 2] / 1000.0 : 0,
	       m ? lat[m * 99 / 100] / 1000.0 : 0);
	free(lat);
}

static void parse_url(const char *url)
{
	static char host[256], port[16];
	const char *p = strncmp(url, "http://", 7) ? NULL : url + 7;
	const char *slash = p ? strchr(p, '/') : NULL, *colon = p ? strchr(p, ':') : NULL;
	if (!slash || !colon || colon > slash || (size_t)(colon - p) >= sizeof host ||
	    (size_t)(slash - colon) > sizeof port) {
		fprintf(stderr, "webhook-load: '%s': give http://HOST:PORT/PATH\n", url);
		exit(2);
	}
	memcpy(host, p, (size_t)(colon - p));
	memcpy(port, colon + 1, (size_t)(slash - colon - 1));
	L.host = host;
	L.port = port;
	L.path = slash;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	if (getaddrinfo(host, port, &hints, &L.addr)) {
		fprintf(stderr, "webhook-load: %s: cannot resolve\n", host);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	static char prefix[32];
	const char *times = NULL;
	int opt;
	snprintf(prefix, sizeof prefix, "LOAD%ld", (long)getpid());
	L.prefix = prefix;
	while ((opt = getopt(argc, argv, "c:r:n:C:t:p:o:")) != -1) {
		switch (opt) {
		case 'c': L.conns = atol(optarg); break;
		case 'r': L.rate = atol(optarg); break;
		case 'n': L.n = atol(optarg); break;
		case 'C': L.contacts = atol(optarg); break;
		case 't': L.text = optarg; break;
		case 'p': L.prefix = optarg; break;
		case 'o': times = optarg; break;
		default: return 2;
		}
	}
	L.secret = getenv("WB_APP_SECRET");
	if (optind != argc - 1 || !L.secret || L.conns < 1 || L.n < 1 || L.contacts < 1 || L.rate < 0) {
		fprintf(stderr, "usage: WB_APP_SECRET=… webhook-load [-c CONNS] [-r RATE] [-n N] "
				"[-C CONTACTS] [-t TEXT] [-p PREFIX] [-o TIMES] URL\n");
		return 2;
	}
	parse_url(argv[optind]);
	L.ep = epoll_create1(0);
	L.c = xcalloc((size_t)L.conns, sizeof *L.c);
	L.t = xcalloc((size_t)L.n, sizeof *L.t);
	for (long i = 0; i < L.conns; i++)
		open_conn(&L.c[i]);
	long long t0 = mono_us();
	struct epoll_event ev[64];
	while (L.done < L.n) {
		long long now = mono_us();
		conn *c;
		/* every POST that is due, each on an idle connection */
		while (L.next < L.n && (!L.rate || now >= t0 + L.next * 1000000LL / L.rate) && (c = idle_conn())) {
			if (L.rate && now > t0 + L.next * 1000000LL / L.rate + 1000)
				L.late++;
			post(c, L.next++);
		}
		/* the next POST's time to the microsecond: a wait in whole
		 * milliseconds (epoll_wait) wakes up to 1 ms late, and at 1000/s
		 * that posts in bursts, which is the generator's tail, not the
		 * listener's */
		long long wait = 100000;
		if (L.rate && L.next < L.n && idle_conn()) {
			long long due = t0 + L.next * 1000000LL / L.rate - now;
			wait = due <= 0 ? 0 : due;
		}
		struct timespec ts = {(time_t)(wait / 1000000), (long)(wait % 1000000) * 1000};
		int k = epoll_pwait2(L.ep, ev, 64, &ts, NULL);
		for (int i = 0; i < k; i++)
			readable(ev[i].data.ptr);
	}
	report((mono_us() - t0) / 1e6, times);
	return L.ok == L.n ? 0 : 1;
}
