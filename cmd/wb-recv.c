/* wb-recv — takes in what the Cloud API delivers to a webhook: payloads
 * from files, from stdin, or served over HTTP with --listen; stores them
 * once each and writes one event a line (JSONL) for what was new. What it
 * cannot take is quarantined: listed by `quarantine`, taken in again by
 * `retry`. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "inbound.h"
#include "listen.h"
#include "quarantine.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-recv [-d DB] [-q] [FILE...]\n"
	"       wb-recv [-d DB] [-q] --listen ADDR:PORT [--insecure] [--max-body BYTES] [--timeout SECS]\n"
	"       wb-recv [-d DB] [-o FORMAT] quarantine [ID...]\n"
	"       wb-recv [-d DB] [-q] retry [ID...]\n"
	"\n"
	"Stores Cloud API webhook payloads (messages, statuses, echoes, calls,\n"
	"template and account changes…) once each, and writes one event a line\n"
	"(JSONL) for every new one; see wb-recv(1). FILEs hold one or more JSON\n"
	"documents; with none (or -), stdin does. A part it cannot take is\n"
	"quarantined (its neighbours are stored) and the exit status is 3.\n"
	"\n"
	"  quarantine [ID...]   list the quarantined parts\n"
	"  retry [ID...]        take them in again (after an upgrade): those taken leave\n"
	"                       the quarantine, the rest stay\n"
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
	"Events are JSONL whatever the output: -o takes jsonl only, but for quarantine.\n";

enum { INGEST, QUARANTINE, RETRY };

typedef struct {
	int cmd;
	int argc;
	char **argv; /* the files, or the quarantine's ids */
	int64_t *ids;
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

/* quarantine and retry name their parts by id; anything else is a file
 * (./quarantine, a file of that name). */
static void commands(opts *op)
{
	if (!op->argc || (strcmp(op->argv[0], "quarantine") && strcmp(op->argv[0], "retry")))
		return;
	op->cmd = !strcmp(op->argv[0], "retry") ? RETRY : QUARANTINE;
	op->argc--;
	op->argv++;
	op->ids = xcalloc((size_t)op->argc + 1, sizeof *op->ids);
	for (int i = 0; i < op->argc; i++) {
		long id;
		if (parse_long(op->argv[i], 1, LONG_MAX, &id))
			wb_usage("%s: '%s' is not a quarantine id", op->cmd == RETRY ? "retry" : "quarantine",
				 op->argv[i]);
		op->ids[i] = id;
	}
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
	commands(op);
	if (c->format && strcmp(c->format, "jsonl") && op->cmd != QUARANTINE)
		wb_usage("-o %s: wb-recv writes events as JSONL only", c->format);
	if (l->addr && (op->argc || op->cmd != INGEST))
		wb_usage("--listen takes no files");
	if (!l->addr && l->insecure)
		wb_usage("--insecure goes with --listen");
}

/* quarantine [ID...]: the parts, oldest first. */
static int row(const quarantine_row *r, void *ctx)
{
	out *o = ctx;
	char created[32], tried[32];
	when_fmt_utc(r->created_at, created);
	when_fmt_utc(r->tried_at, tried);
	out_int(o, r->id);
	out_str(o, created);
	out_str(o, r->source);
	if (r->offset >= 0)
		out_int(o, r->offset);
	else
		out_null(o);
	out_str(o, r->path);
	out_str(o, r->reason);
	out_str(o, r->tried_at ? tried : NULL);
	out_str(o, r->raw);
	out_row_end(o);
	return 0;
}

static int run(wb_db *db, cli *c, void *p)
{
	opts *op = p;
	size_t n = (size_t)op->argc;
	if (op->cmd == QUARANTINE) {
		static const char *const cols[] = {"id", "time", "source", "offset", "path", "reason", "tried", "raw",
						   NULL};
		out *o = cli_out(c, cols);
		int rc = quarantine_each(db, op->ids, n, row, o);
		int oc = out_close(o);
		return rc ? rc : oc;
	}
	inbound ib;
	inbound_open(&ib, db, op->quiet ? NULL : stdout);
	op->listen.fn = inbound_post;
	op->listen.ctx = &ib;
	int rc = op->cmd == RETRY ? inbound_retry(&ib, op->ids, n)
	       : op->listen.addr  ? listen_serve(&op->listen)
				  : inbound_paths(&ib, op->argc, op->argv);
	int fin = inbound_finish(&ib);
	inbound_close(&ib);
	/* some parts quarantined: an answer, said on stderr already; a
	 * listener that served its time ends well all the same */
	c->answer = EX_PARTIAL;
	return rc ? rc : op->listen.addr ? 0 : fin;
}

static void done(void *p)
{
	free(((opts *)p)->ids);
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .run = run, .done = done}, argc, argv,
			&(opts){0});
}
