/* mhd-ok — the floor bench/live.sh measures the listener on: a
 * libmicrohttpd server that reads each request's body and answers 200,
 * and does nothing else (no signature, no parsing, no database). It is
 * set up as wb-recv --listen's server is (lib/listen.c start_daemon: one
 * internal thread on epoll, suspend and resume allowed, the same
 * limits, timeout, memory per connection and answer headers), so that
 * the ratio measures what the listener does, not how it is set up;
 * writes "listening on … (port N)" to stderr like it, and stops on
 * SIGTERM.
 *   mhd-ok PORT   (0 picks a free one) */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listen.h"

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **req_cls)
{
	static int started;
	if (!*req_cls) {
		*req_cls = &started;
		return MHD_YES;
	}
	if (*size) {
		*size = 0;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(3, (void *)"ok\n", MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mhd-ok PORT\n");
		return 2;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, NULL,
						NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
						MHD_OPTION_CONNECTION_TIMEOUT, 10u, /* wb-recv's default --timeout */
						MHD_OPTION_CONNECTION_LIMIT, (unsigned)LISTEN_CONNECTIONS,
						MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)LISTEN_PER_ADDR,
						MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 * 1024,
						MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
	if (!d)
		return 1;
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "mhd-ok: listening on 127.0.0.1 (port %u)\n", info ? info->port : 0);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
