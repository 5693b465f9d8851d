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
#include "live.h"
#include "profile.h"
#include "replay.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-recv [-d DB] [-q] [FILE...]\n"
	"       wb-recv [-d DB] [-q] --listen ADDR:PORT [--path PATH] [--insecure]\n"
	"               [--max-body BYTES] [--timeout SECS] [--max-conn N] [--replay --since TIME]\n"
	"       wb-recv [-d DB] --replay --since TIME\n"
	"\n"
	"Stores Cloud API webhook payloads (messages and delivery statuses) once\n"
	"each, and writes one event a line (JSONL) for every new one; see wb-recv(1).\n"
	"FILEs hold one or more JSON documents; with none (or -), stdin does.\n"
	"\n"
	"  -l, --listen ADDR:PORT\n"
	"                       serve the webhook over HTTP (GET handshake with\n"
	"                       WB_VERIFY_TOKEN, POSTs signed with WB_APP_SECRET)\n"
	"      --path PATH      the one path served (default /webhook; others: 404)\n"
	"      --insecure       accept unsigned POSTs (local testing only)\n"
	"      --max-body BYTES largest POST accepted (default 1048576)\n"
	"      --timeout SECS   a connection must send each whole request within\n"
	"                       this, from its opening or its last answer (default 10)\n"
	"      --max-conn N     connections from one address at once (default 64)\n"
	"      --replay         write again the events of what is stored since --since\n"
	"                       (then serve, with --listen): a restarted pipeline\n"
	"                       loses nothing\n"
	"      --since TIME     from this time on (the events' ts), e.g. -1h\n"
	"  -q, --quiet          store, but write no events\n"
	CLI_COMMON_USAGE
	"\n"
	"Events are JSONL whatever the output: -o takes jsonl only.\n"
	"Environment: WB_APP_SECRET, WB_VERIFY_TOKEN, WB_LISTEN_BUSY_MS.\n";

typedef struct {
	int argc;
	char **argv; /* the files */
	int quiet, replay;
	const char *since;  /* --since as given */
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

static unsigned parse_count(const char *opt, const char *arg, long max)
{
	long v;
	if (parse_long(arg, 1, max, &v))
		wb_usage("%s '%s': a whole number, 1 to %ld", opt, arg, max);
	return (unsigned)v;
}

/* What goes with what; exits 64 on a combination that makes no sense. */
static void check(const opts *op, cli *c)
{
	const listen_opts *l = &op->listen;
	if (c->format && strcmp(c->format, "jsonl"))
		wb_usage("-o %s: wb-recv writes events as JSONL only", c->format);
	if ((l->addr || op->replay) && op->argc)
		wb_usage("--listen and --replay take no files");
	if (!l->addr && (l->insecure || l->path))
		wb_usage("--insecure and --path go with --listen");
	if (l->path && *l->path != '/')
		wb_usage("--path '%s': a path starts with '/'", l->path);
	if (op->replay != !!op->since)
		wb_usage("--replay and --since go together");
	if (op->replay && op->quiet)
		wb_usage("--replay writes events, -q writes none");
}

/* The options and the files; exits 64 on a malformed command line. */
static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	enum { OPT_INSECURE = 256, OPT_MAX_BODY, OPT_TIMEOUT, OPT_PATH, OPT_MAX_CONN, OPT_REPLAY, OPT_SINCE };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"listen", required_argument, NULL, 'l'},
		{"path", required_argument, NULL, OPT_PATH},
		{"insecure", no_argument, NULL, OPT_INSECURE},
		{"max-body", required_argument, NULL, OPT_MAX_BODY},
		{"timeout", required_argument, NULL, OPT_TIMEOUT},
		{"max-conn", required_argument, NULL, OPT_MAX_CONN},
		{"replay", no_argument, NULL, OPT_REPLAY},
		{"since", required_argument, NULL, OPT_SINCE},
		{"quiet", no_argument, NULL, 'q'},
		{0},
	};
	listen_opts *l = &op->listen;
	int opt;
	l->max_body = 1 << 20;
	l->timeout = 10;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "l:q", longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case 'l': l->addr = optarg; break;
		case 'q': op->quiet = 1; break;
		case OPT_PATH: l->path = optarg; break;
		case OPT_INSECURE: l->insecure = 1; break;
		case OPT_MAX_BODY: l->max_body = parse_size(optarg); break;
		case OPT_TIMEOUT: l->timeout = parse_count("--timeout", optarg, 3600); break;
		case OPT_MAX_CONN: l->per_addr = parse_count("--max-conn", optarg, LISTEN_CONNECTIONS); break;
		case OPT_REPLAY: op->replay = 1; break;
		case OPT_SINCE: op->since = optarg; break;
		}
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	check(op, c);
}

/* --replay: the stored events since --since (in the business time zone
 * when it names no zone), said how many on stderr. */
static int replay(wb_db *db, const opts *op)
{
	char *tz = profile_tz(db);
	int64_t since;
	long n = 0;
	int rc = when_parse(op->since, when_now(), tz, &since);
	if (rc)
		wb_err_prefix(rc, "--since: ");
	else if (!(rc = replay_events(db, since, stdout, &n)))
		wb_warn("replayed %ld event%s stored since %s", n, n == 1 ? "" : "s", op->since);
	free(tz);
	return rc;
}

static int run(wb_db *db, cli *c, void *p)
{
	opts *op = p;
	inbound ib;
	live lv;
	int rc = op->replay ? replay(db, op) : 0;
	if (rc || (op->replay && !op->listen.addr))
		return rc;
	inbound_open(&ib, db, op->quiet ? NULL : stdout);
	if (!op->listen.addr) {
		rc = inbound_paths(&ib, op->argc, op->argv);
	} else if (!(rc = live_open(&lv, &ib))) {
		op->listen.store = live_store;
		op->listen.ctx = &lv;
		rc = listen_serve(&op->listen);
	}
	inbound_close(&ib);
	return rc;
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .run = run}, argc, argv, &(opts){0});
}
