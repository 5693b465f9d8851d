/* wb-recv — takes in what the Cloud API delivers to a webhook: payloads
 * from files, from stdin, or served over HTTP with --listen; stores them
 * once each and writes one event a line (JSONL) for what was new. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "inbound.h"
#include "listen.h"
#include "util.h"

static const char usage[] =
	"usage: wb-recv [-d DB] [-q] [FILE...]\n"
	"       wb-recv [-d DB] [-q] --listen ADDR:PORT [--insecure] [--max-body BYTES] [--timeout SECS]\n"
	"\n"
	"Stores Cloud API webhook payloads (messages and delivery statuses) once\n"
	"each, and writes one event a line (JSONL) for every new one; see wb-recv(1).\n"
	"FILEs hold one or more JSON documents; with none (or -), stdin does.\n"
	"\n"
	"  -l, --listen ADDR:PORT\n"
	"                       serve the webhook over HTTP (GET handshake with\n"
	"                       WB_VERIFY_TOKEN, POSTs signed with WB_APP_SECRET)\n"
	"      --insecure       accept unsigned POSTs (local testing only)\n"
	"      --max-body BYTES largest POST accepted (default 1048576)\n"
	"      --timeout SECS   idle connections are closed after this (default 10)\n"
	"  -q, --quiet          store, but write no events\n"
	CLI_COMMON_USAGE
	"\n"
	"Events are JSONL whatever the output: -o takes jsonl only.\n";

typedef struct {
	int argc;
	char **argv; /* the files */
	int quiet;
	listen_opts listen; /* .addr set: --listen */
} opts;

static size_t parse_size(const char *s)
{
	long v;
	char *num = xstrdup(s);
	size_t n = strlen(num), mult = 1;
	if (n && (num[n - 1] == 'k' || num[n - 1] == 'K'))
		mult = 1024;
	else if (n && (num[n - 1] == 'm' || num[n - 1] == 'M'))
		mult = 1024 * 1024;
	if (mult > 1)
		num[n - 1] = 0;
	if (parse_long(num, 1, 1L << 30, &v))
		wb_die(EX_USAGE, "--max-body '%s': a size in bytes (K and M suffixes allowed)", s);
	free(num);
	return (size_t)v * mult;
}

/* The options and the files; exits 64 on a malformed command line. */
static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	enum { OPT_INSECURE = 256, OPT_MAX_BODY, OPT_TIMEOUT };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"listen", required_argument, NULL, 'l'},
		{"insecure", no_argument, NULL, OPT_INSECURE},
		{"max-body", required_argument, NULL, OPT_MAX_BODY},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"quiet", no_argument, NULL, 'q'},
		{0},
	};
	listen_opts *l = &op->listen;
	long timeout = 10;
	int opt;
	l->max_body = 1 << 20;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "l:q", longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case 'l': l->addr = optarg; break;
		case 'q': op->quiet = 1; break;
		case OPT_INSECURE: l->insecure = 1; break;
		case OPT_MAX_BODY: l->max_body = parse_size(optarg); break;
		case OPT_TIMEOUT:
			if (parse_long(optarg, 1, 3600, &timeout))
				wb_usage("--timeout '%s': seconds, 1 to 3600", optarg);
			break;
		}
	}
	l->timeout = (unsigned)timeout;
	op->argc = argc - optind;
	op->argv = argv + optind;
	if (c->format && strcmp(c->format, "jsonl"))
		wb_usage("-o %s: wb-recv writes events as JSONL only", c->format);
	if (l->addr && op->argc)
		wb_usage("--listen takes no files");
	if (!l->addr && l->insecure)
		wb_usage("--insecure goes with --listen");
}

static int run(wb_db *db, cli *c, void *p)
{
	opts *op = p;
	inbound ib;
	inbound_open(&ib, db, op->quiet ? NULL : stdout);
	op->listen.fn = inbound_post;
	op->listen.ctx = &ib;
	int rc = op->listen.addr ? listen_serve(&op->listen) : inbound_paths(&ib, op->argc, op->argv);
	inbound_close(&ib);
	return rc;
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .run = run}, argc, argv, &(opts){0});
}
