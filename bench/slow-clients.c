/* slow-clients — holds connections to a server open the way a slowloris
 * attack does: N connections from the given source addresses in turn,
 * each sending the start of a POST one byte every INTERVAL ms and never
 * finishing it, and counts how many the server closes. For
 * tests/cli/wb-recv-live.t, and by hand against a listener.
 *
 *   slow-clients [-n N] [-a ADDR,ADDR...] [-i MS] [-e K] [-t SECS] [-r FILE] HOST PORT
 *
 * Writes "connected N" to FILE (-r) once every connection is made, then
 * runs until K of them (default all) are closed by the server, or SECS
 * (default 30) have passed, and prints "closed C of N". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char start[] = "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
			    "X-Hub-Signature-256: sha256=0000000000000000000000000000000000000000000000000000000000000000\r\n"
			    "Content-Length: 100000\r\n\r\n{\"object\":\"whatsapp_business_account\",\"entry\":[";

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int dial(const char *from, const char *host, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET,
								 .sin_port = htons((unsigned short)port)};
	if (fd < 0 || inet_pton(AF_INET, from, &src.sin_addr) != 1 || inet_pton(AF_INET, host, &dst.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&src, sizeof src) || connect(fd, (struct sockaddr *)&dst, sizeof dst)) {
		fprintf(stderr, "slow-clients: %s -> %s:%d: %s\n", from, host, port, strerror(errno));
		exit(2);
	}
	return fd;
}

/* Tells the test, through a file, that every connection is made. */
static void say_ready(const char *path, long n)
{
	FILE *fp = path ? fopen(path, "w") : NULL;
	if (fp) {
		fprintf(fp, "connected %ld\n", n);
		fclose(fp);
	}
}

int main(int argc, char **argv)
{
	long n = 300, interval = 1000, until = -1, secs = 30;
	char *addrs = "127.0.0.2", *ready = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "n:a:i:e:t:r:")) != -1) {
		switch (opt) {
		case 'n': n = atol(optarg); break;
		case 'a': addrs = optarg; break;
		case 'i': interval = atol(optarg); break;
		case 'e': until = atol(optarg); break;
		case 't': secs = atol(optarg); break;
		case 'r': ready = optarg; break;
		default: return 2;
		}
	}
	if (optind != argc - 2 || n < 1 || interval < 1) {
		fprintf(stderr, "usage: slow-clients [-n N] [-a ADDR,…] [-i MS] [-e K] [-t SECS] [-r FILE] HOST PORT\n");
		return 2;
	}
	if (until < 0 || until > n)
		until = n;
	char *from[64];
	int nfrom = 0;
	for (char *a = strtok(addrs, ","); a && nfrom < 64; a = strtok(NULL, ","))
		from[nfrom++] = a;
	struct pollfd *p = calloc((size_t)n, sizeof *p);
	size_t *sent = calloc((size_t)n, sizeof *sent);
	for (long i = 0; i < n; i++)
		p[i] = (struct pollfd){.fd = dial(from[i % nfrom], argv[optind], atoi(argv[optind + 1])), .events = POLLIN};
	say_ready(ready, n);
	long closed = 0;
	long long end = now_ms() + secs * 1000, next = now_ms();
	while (closed < until && now_ms() < end) {
		if (now_ms() >= next) { /* one more byte on every connection still open */
			for (long i = 0; i < n; i++)
				if (p[i].fd >= 0 && sent[i] < sizeof start - 1 &&
				    send(p[i].fd, start + sent[i], 1, MSG_NOSIGNAL) == 1)
					sent[i]++;
			next += interval;
		}
		long long wait = next - now_ms();
		poll(p, (nfds_t)n, wait < 0 ? 0 : wait > 100 ? 100 : (int)wait);
		for (long i = 0; i < n; i++) {
			char c;
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			ssize_t got = recv(p[i].fd, &c, 1, MSG_DONTWAIT);
			if (got > 0 || (got < 0 && errno == EAGAIN))
				continue;
			close(p[i].fd);
			p[i].fd = -1;
			closed++;
		}
	}
	printf("closed %ld of %ld\n", closed, n);
	free(p);
	free(sent);
	return 0;
}
