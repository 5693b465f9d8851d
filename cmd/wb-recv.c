/* wb-recv — takes in what the Cloud API delivers to a webhook: payloads
 * from files, from stdin, or served over HTTP with --listen; stores them
 * once each and writes one event a line (JSONL) for what was new. What it
 * cannot take is quarantined: listed by `quarantine`, taken in again by
 * `retry`. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checkpoint.h"
#include "cli.h"
#include "err.h"
#include "inbound.h"
#include "listen.h"
#include "live.h"
#include "mediaget.h"
#include "profile.h"
#include "quarantine.h"
#include "replay.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-recv [-d DB] [-q] [--fetch-media DIR] [FILE...]\n"
	"       wb-recv [-d DB] [-q] [--fetch-media DIR] --listen ADDR:PORT [--path PATH] [--insecure]\n"
	"               [--max-body BYTES] [--timeout SECS] [--max-conn N] [--replay --since TIME]\n"
	"       wb-recv [-d DB] --replay --since TIME\n"
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
	"      --fetch-media DIR\n"
	"                       download each new medium into DIR (as wb-media get\n"
	"                       does) after its message is stored and its event\n"
	"                       written; a failure is a warning, for wb-media get later\n"
	CLI_COMMON_USAGE
	"\n"
	"Events are JSONL whatever the output: -o takes jsonl only, but for quarantine.\n"
	"Environment: WB_APP_SECRET, WB_VERIFY_TOKEN, WB_LISTEN_BUSY_MS.\n";

enum { INGEST, QUARANTINE, RETRY };

typedef struct {
	int cmd;
	int argc;
	char **argv; /* the files, or the quarantine's ids */
	int64_t *ids;
	int quiet, replay;
	const char *since;  /* --since as given */
	listen_opts listen; /* .addr set: --listen */
	const char *media_dir; /* --fetch-media */
	api *api;              /* the downloader's, from prepare */
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
	if (c->format && strcmp(c->format, "jsonl") && op->cmd != QUARANTINE)
		wb_usage("-o %s: wb-recv writes events as JSONL only", c->format);
	if ((l->addr || op->replay) && (op->argc || op->cmd != INGEST))
		wb_usage("--listen and --replay take no files");
	if (!l->addr && (l->insecure || l->path))
		wb_usage("--insecure and --path go with --listen");
	if (l->path && *l->path != '/')
		wb_usage("--path '%s': a path starts with '/'", l->path);
	if (op->replay != !!op->since)
		wb_usage("--replay and --since go together");
	if (op->replay && op->quiet)
		wb_usage("--replay writes events, -q writes none");
	if (op->media_dir && (op->cmd == QUARANTINE || (op->replay && !l->addr)))
		wb_usage("--fetch-media goes with files, --listen and retry");
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
	enum { OPT_INSECURE = 256, OPT_MAX_BODY, OPT_TIMEOUT, OPT_PATH, OPT_MAX_CONN, OPT_REPLAY, OPT_SINCE,
	       OPT_FETCH_MEDIA };
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
		{"fetch-media", required_argument, NULL, OPT_FETCH_MEDIA},
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
		case OPT_FETCH_MEDIA: op->media_dir = optarg; break;
		}
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	commands(op);
	check(op, c);
}

/* --fetch-media: the directory exists and the API is configured, before
 * anything is stored. */
static int prepare(cli *c, void *p)
{
	opts *op = p;
	struct stat st;
	(void)c;
	if (!op->media_dir)
		return 0;
	if (stat(op->media_dir, &st))
		return wb_err(EX_CANTCREAT, "--fetch-media %s: %s", op->media_dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return wb_err(EX_CANTCREAT, "--fetch-media %s: not a directory", op->media_dir);
	return api_open(1, &op->api);
}

/* --replay: the stored events since --since (in the business time zone
 * when it names no zone), said how many on stderr. */
static int replay(wb_db *db, const opts *op, FILE *events)
{
	char *tz = profile_tz(db);
	int64_t since;
	long n = 0;
	int rc = when_parse(op->since, when_now(), tz, &since);
	if (rc)
		wb_err_prefix(rc, "--since: ");
	else if (!(rc = replay_events(db, since, events, &n)))
		wb_warn("replayed %ld event%s stored since %s", n, n == 1 ? "" : "s", op->since);
	free(tz);
	return rc;
}

/* quarantine [ID...]: the parts, oldest first. */
static int row(const quarantine_row *r, void *ctx)
{
	out *o = ctx;
	out_int(o, r->id);
	out_time(o, r->created_at); /* a table shows the business zone */
	out_str(o, r->source);
	if (r->offset >= 0)
		out_int(o, r->offset);
	else
		out_null(o);
	out_str(o, r->path);
	out_str(o, r->reason);
	out_time(o, r->tried_at);
	out_str(o, r->raw);
	out_row_end(o);
	return 0;
}

/* Files, the listener or a retry, into ib; with --fetch-media, the
 * downloader beside it, waited for at the end. */
static int take_in(wb_db *db, opts *op, inbound *ib)
{
	mediaget_queue *q = NULL;
	checkpointer *ck = NULL;
	live lv;
	int rc = 0;
	if (op->api && !(rc = mediaget_start(db_path(db), op->api, op->media_dir, &q))) {
		ib->on_media = mediaget_push;
		ib->media_ctx = q;
	}
	op->api = NULL; /* the downloader's now, or closed */
	if (rc)
		return rc;
	if (op->cmd == RETRY) {
		rc = inbound_retry(ib, op->ids, (size_t)op->argc);
	} else if (!op->listen.addr) {
		/* the WAL copied by a thread of its own, as for the listener: a
		 * commit then waits for no checkpoint (nor its fsyncs) */
		if (!(rc = checkpoint_start(db, &ck)))
			rc = inbound_paths(ib, op->argc, op->argv);
		checkpoint_stop(ck);
	} else if (!(rc = live_open(&lv, ib)) && !(rc = checkpoint_start(db, &ck))) {
		op->listen.store = live_store;
		op->listen.prep = op->quiet ? inbound_parse_quiet : inbound_parse;
		op->listen.drop = inbound_parse_free;
		op->listen.end = live_end;
		op->listen.ctx = &lv;
		rc = listen_serve(&op->listen);
		checkpoint_stop(ck);
	}
	mediaget_stop(q);
	return rc;
}

/* Closes the events' stream when it is not stdout itself. */
static int ended(FILE *events, int rc)
{
	if (events != stdout && fclose(events) && !rc)
		return wb_err(EX_IOERR, "stdout: %s", strerror(errno));
	return rc;
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
	/* the events are JSON: on a terminal, no customer's text in them
	 * is obeyed or reorders the line */
	FILE *events = out_json_stream(stdout);
	int rc = op->replay ? replay(db, op, events) : 0;
	if (rc || (op->replay && !op->listen.addr))
		return ended(events, rc);
	inbound_open(&ib, db, op->quiet ? NULL : events);
	rc = take_in(db, op, &ib);
	int fin = inbound_finish(&ib);
	inbound_close(&ib);
	rc = ended(events, rc);
	/* some parts quarantined: an answer, said on stderr already; a
	 * listener that served its time ends well all the same */
	c->answer = EX_PARTIAL;
	return rc ? rc : op->listen.addr ? 0 : fin;
}

static void done(void *p)
{
	opts *op = p;
	free(op->ids);
	api_close(op->api);
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .prepare = prepare, .run = run,
					.done = done}, argc, argv,
			&(opts){0});
}
