/* mhd-setup — the libmicrohttpd setup the listener's references share
 * (bench/mhd-ok, bench/mhd-floor), as wb-recv --listen sets its server up
 * (lib/listen.c start_daemon: one internal thread on epoll, suspend and
 * resume allowed, the same limits, timeout, memory per connection and
 * backlog), so that a ratio against them measures what the listener
 * does, not how it is set up. Each serves 127.0.0.1:PORT (0 picks a free
 * one), says "listening on … (port N)" on stderr as the listener does,
 * and stops on SIGTERM or SIGINT. */
#ifndef WB_BENCH_MHD_SETUP_H
#define WB_BENCH_MHD_SETUP_H
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listen.h"

/* SIGTERM and SIGINT blocked, for sigwait: threads started after this
 * inherit the mask, so the signal comes to the waiting one. */
static sigset_t mhd_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	return set;
}

/* Serves handler (and completed, when not NULL) on PORT until a signal;
 * 0, or 1 when the server cannot start. */
static int mhd_serve(const char *name, const char *port, MHD_AccessHandlerCallback handler, void *cls,
		     MHD_RequestCompletedCallback completed)
{
	sigset_t set = mhd_signals();
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct MHD_OptionItem done[] = {
		{completed ? MHD_OPTION_NOTIFY_COMPLETED : MHD_OPTION_END, (intptr_t)completed, cls},
		{MHD_OPTION_END, 0, NULL}};
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, handler, cls,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_CONNECTION_TIMEOUT, 10u, /* wb-recv's default --timeout */
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)LISTEN_CONNECTIONS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)LISTEN_PER_ADDR,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16 * 1024,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
		MHD_OPTION_ARRAY, done, MHD_OPTION_END);
	if (!d)
		return 1;
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "%s: listening on 127.0.0.1 (port %u)\n", name, info ? info->port : 0);
	int sig;
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}

/* Answers a constant text. */
static enum MHD_Result mhd_answer(struct MHD_Connection *c, unsigned code, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	enum MHD_Result ok = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ok;
}

#endif
