/* wb-recv — takes in what the Cloud API delivers to a webhook: payloads
 * from files, from stdin, or served over HTTP with --listen; stores them
 * once each and writes one event a line (JSONL) for what was new. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "err.h"
#include "in.h"
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
	"  -l, --listen ADDR:PORT  serve the webhook over HTTP (GET handshake with\n"
	"                          WB_VERIFY_TOKEN, POSTs signed with WB_APP_SECRET)\n"
	"      --insecure          accept unsigned POSTs (local testing only)\n"
	"      --max-body BYTES    largest POST accepted (default 1048576)\n"
	"      --timeout SECS      idle connections are closed after this (default 10)\n"
	"  -q, --quiet             store, but write no events\n"
	"  -d, --db PATH           database (env WB_DB; default ~/.local/share/wb/wb.db)\n"
	"  -o, --output jsonl      events are JSONL; no other format\n"
	"  -h, --help              this help\n"
	"  -V, --version           version\n";

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

static int listen_mode(inbound *ib, const char *addr, int insecure, size_t max_body, unsigned timeout)
{
	char *secret = NULL, *token = NULL;
	int rc = 0;
	if (insecure)
		wb_warn("--insecure: POSTs are not checked; never use this facing the Internet");
	else if ((rc = config_need("WB_APP_SECRET", &secret)))
		return rc;
	if ((rc = config_get("WB_VERIFY_TOKEN", &token)))
		goto out;
	if (!token)
		wb_warn("WB_VERIFY_TOKEN is not set: Meta's verification handshake will be refused");
	listen_opts o = {.addr = addr, .secret = secret, .verify_token = token, .insecure = insecure,
			 .max_body = max_body, .timeout = timeout, .fn = inbound_post, .ctx = ib};
	rc = listen_run(&o);
out:
	free(secret);
	free(token);
	return rc;
}

int main(int argc, char **argv)
{
	wb_init(argv[0]);
	cli c = {.usage = usage};
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
	const char *addr = NULL;
	int insecure = 0, quiet = 0, opt;
	size_t max_body = 1 << 20;
	long timeout = 10;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "l:q", longopts, NULL)) != -1) {
		if (cli_common(&c, opt, optarg))
			continue;
		switch (opt) {
		case 'l': addr = optarg; break;
		case 'q': quiet = 1; break;
		case OPT_INSECURE: insecure = 1; break;
		case OPT_MAX_BODY: max_body = parse_size(optarg); break;
		case OPT_TIMEOUT:
			if (parse_long(optarg, 1, 3600, &timeout))
				wb_usage("--timeout '%s': seconds, 1 to 3600", optarg);
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (c.format && strcmp(c.format, "jsonl"))
		wb_usage("-o %s: wb-recv writes events as JSONL only", c.format);
	if (addr && argc)
		wb_usage("--listen takes no files");
	if (!addr && insecure)
		wb_usage("--insecure goes with --listen");

	inbound ib;
	inbound_open(&ib, cli_db(&c), quiet ? NULL : stdout);
	int rc = 0;
	if (addr)
		rc = listen_mode(&ib, addr, insecure, max_body, (unsigned)timeout);
	for (int i = 0; !addr && !rc && i < (argc ? argc : 1); i++) {
		in_docs *in;
		if ((rc = in_docs_path(argc ? argv[i] : NULL, &in)))
			break;
		rc = inbound_stream(&ib, in);
		in_docs_close(in);
	}
	db_close(ib.db);
	inbound_close(&ib);
	if (rc)
		wb_fail(rc);
	return 0;
}
