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

/* Documents are stored in batches: a batch ends when the input has
 * nothing more ready (so a live pipe sees every event at once) or when it
 * is this large (so a bulk load commits now and then). */
#define BATCH_DOCS 2000

typedef struct {
	wb_db *db;
	inbound_words words;
	int quiet;
	sb events;
} recv_ctx;

/* Events go out only after their commit: a reader of the stream (wb-reply
 * auto) then finds in the database everything an event mentions. */
static int commit_and_emit(recv_ctx *x)
{
	int rc = db_commit(x->db);
	if (!rc && x->events.len && !x->quiet) {
		if (fwrite(x->events.s, 1, x->events.len, stdout) != x->events.len || fflush(stdout)) {
			if (errno == EPIPE)
				exit(0);
			rc = wb_err(EX_IOERR, "stdout: %s", strerror(errno));
		}
	}
	sb_reset(&x->events);
	return rc;
}

static int ingest(recv_ctx *x, int fd, const char *name)
{
	in_docs *r = in_docs_open(fd, name);
	const char *doc;
	size_t len;
	long long off;
	long line;
	int rc, got, n = 0, open = 0;
	while ((got = in_docs_next(r, &doc, &len, &off, &line)) == 1) {
		if (!open && (rc = db_begin(x->db)))
			goto out;
		open = 1;
		if ((rc = inbound_document(x->db, &x->words, doc, len, x->quiet ? NULL : &x->events))) {
			wb_err_prefix(rc, "%s: offset %lld (line %ld): ", name, off, line);
			break;
		}
		if (++n >= BATCH_DOCS || !in_docs_pending(r)) {
			open = 0;
			n = 0;
			if ((rc = commit_and_emit(x)))
				goto out;
		}
	}
	if (got > 1)
		rc = got;
	else if (got == 0)
		rc = 0;
	/* what came before a bad document is kept */
	if (open) {
		int c = commit_and_emit(x);
		if (!rc)
			rc = c;
	}
out:
	in_docs_close(r);
	return rc;
}

static int serve_one(const char *body, size_t len, void *ctx)
{
	recv_ctx *x = ctx;
	int rc = db_begin(x->db);
	if (rc)
		return rc;
	if ((rc = inbound_document(x->db, &x->words, body, len, &x->events))) {
		db_rollback(x->db);
		sb_reset(&x->events);
		return rc;
	}
	return commit_and_emit(x);
}

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

static int listen_mode(recv_ctx *x, const char *addr, int insecure, size_t max_body, unsigned timeout)
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
			 .max_body = max_body, .timeout = timeout, .fn = serve_one, .ctx = x};
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
	int insecure = 0, opt;
	size_t max_body = 1 << 20;
	long timeout = 10;
	recv_ctx x = {0};
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "l:q", longopts, NULL)) != -1) {
		if (cli_common(&c, opt, optarg))
			continue;
		switch (opt) {
		case 'l': addr = optarg; break;
		case 'q': x.quiet = 1; break;
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

	x.db = cli_db(&c);
	inbound_words_load(x.db, &x.words);
	int rc = 0;
	if (addr) {
		rc = listen_mode(&x, addr, insecure, max_body, (unsigned)timeout);
	} else if (!argc) {
		rc = ingest(&x, STDIN_FILENO, "stdin");
	} else {
		for (int i = 0; i < argc && !rc; i++) {
			if (!strcmp(argv[i], "-")) {
				rc = ingest(&x, STDIN_FILENO, "stdin");
				continue;
			}
			int fd = open(argv[i], O_RDONLY);
			if (fd < 0) {
				rc = wb_err(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "%s: %s", argv[i], strerror(errno));
				break;
			}
			rc = ingest(&x, fd, argv[i]);
			close(fd);
		}
	}
	inbound_words_free(&x.words);
	sb_free(&x.events);
	db_close(x.db);
	if (rc)
		wb_fail(rc);
	return 0;
}
