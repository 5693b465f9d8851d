/* wb-reply — what the business answers without typing: quick replies and
 * their keywords, the greeting and the away message, and `auto`, the
 * filter from wb-recv's events to the messages wb-send sends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "contact.h"
#include "err.h"
#include "event.h"
#include "in.h"
#include "inbound.h"
#include "profile.h"
#include "reply.h"
#include "tmpl.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-reply [-d DB] [-o FORMAT] COMMAND [ARGS]\n"
	"\n"
	"  quick ls                             quick replies and their keywords\n"
	"  quick add /SHORTCUT TEXT [--keyword W]...   add one ({{name}}, {{phone}},\n"
	"                                       {{business}}, any contact attribute)\n"
	"  quick rm /SHORTCUT                   remove one (and its keywords)\n"
	"  quick show /SHORTCUT [--for PHONE]   its text, placeholders filled for PHONE\n"
	"  greeting [set TEXT] [--after DUR] [--to everyone|new] [--on|--off]\n"
	"                                       show or change the greeting\n"
	"  away [set TEXT] [--when always|outside-hours|FROM/TO] [--on|--off]\n"
	"                                       show or change the away message\n"
	"  keyword add WORD /SHORTCUT | keyword ls | keyword rm WORD\n"
	"  words [--stop W,W...] [--start W,W...]   the opt-out and opt-in words\n"
	"  auto                                 events (JSONL) on stdin → messages\n"
	"                                       for 'wb-send -' (JSONL) on stdout\n"
	"\n"
	"  -d, --db PATH        database (env WB_DB; default ~/.local/share/wb/wb.db)\n"
	"  -o, --output FMT     table, csv, tsv, json, jsonl (env WB_OUTPUT; auto: jsonl)\n"
	"  -h, --help           this help\n"
	"  -V, --version        version\n";

enum { QUICK, GREETING, AWAY, KEYWORD, WORDS, AUTO };
static const char *const commands[] = {"quick", "greeting", "away", "keyword", "words", "auto", NULL};

typedef struct {
	const char **keywords;
	int nkeywords;
	const char *for_phone, *after, *to, *when, *stop, *start;
	int on; /* 1 --on, 0 --off, -1 neither */
} opts;

static const char *shortcut(const char *s)
{
	if (*s != '/' || !s[1] || strpbrk(s + 1, " \t\n/"))
		wb_die(EX_DATAERR, "'%s': a shortcut is /WORD", s);
	return s + 1;
}

/* Writes a shortcut as people type it, with its slash. */
static void out_shortcut(out *o, const char *sc)
{
	char *slashed = xasprintf("/%s", sc);
	out_str(o, slashed);
	free(slashed);
}

static int quick_row(const char *sc, const char *text, const char *keywords, void *ctx)
{
	out_shortcut(ctx, sc);
	out_str(ctx, text);
	out_str(ctx, keywords);
	out_row_end(ctx);
	return 0;
}

static int keyword_row(const char *word, const char *sc, void *ctx)
{
	out_str(ctx, word);
	out_shortcut(ctx, sc);
	out_row_end(ctx);
	return 0;
}

static int quick_show(wb_db *db, cli *c, const char *sc, const char *phone)
{
	char *text, *filled = NULL;
	int rc = reply_quick_text(db, sc, &text);
	if (rc)
		return rc;
	if (phone) {
		contact ct = {0};
		if ((rc = contact_resolve_phone(db, phone, ct.wa_id)))
			goto out;
		rc = contact_get(db, ct.wa_id, &ct);
		if (rc == EX_FALSE) /* a number not yet known: only its phone */
			rc = 0;
		kv vars = {0};
		if (!rc && !(rc = contact_vars(db, &ct, &vars)))
			rc = tmpl_render(text, kv_lookup, &vars, &filled);
		kv_free(&vars);
		contact_free(&ct);
		if (rc)
			goto out;
	}
	static const char *const cols[] = {"shortcut", "text"};
	out *o = cli_out(c, cols, 2);
	out_shortcut(o, sc);
	out_str(o, filled ? filled : text);
	out_row_end(o);
	rc = out_close(o);
out:
	free(text);
	free(filled);
	return rc;
}

static const char *const quick_subs[] = {"ls", "add", "rm", "show", NULL};
static const char *const keyword_subs[] = {"ls", "add", "rm", NULL};

/* The subcommand of quick or keyword, its arguments counted; before the
 * database is opened, so a usage error leaves nothing behind. */
static int sub_args(const char *cmd, const char *const *subs, const int *want, int argc, char **argv)
{
	int sub = cli_subcommand(argc ? argv[0] : NULL, subs);
	if (argc - 1 != want[sub])
		wb_usage("%s %s takes %d argument%s", cmd, subs[sub], want[sub], want[sub] == 1 ? "" : "s");
	return sub;
}

static int quick(wb_db *db, cli *c, opts *op, int sub, char **argv)
{
	int rc;
	switch (sub) {
	case 0: {
		static const char *const cols[] = {"shortcut", "text", "keywords"};
		out *o = cli_out(c, cols, 3);
		rc = reply_quick_each(db, quick_row, o);
		return rc ? rc : out_close(o);
	}
	case 1: {
		const char *sc = shortcut(argv[1]);
		if (!*argv[2])
			return wb_err(EX_DATAERR, "/%s: an empty text", sc);
		if ((rc = db_begin(db)))
			return rc;
		rc = reply_quick_add(db, sc, argv[2], when_now());
		for (int i = 0; i < op->nkeywords && !rc; i++)
			rc = reply_keyword_add(db, op->keywords[i], sc);
		if (rc)
			db_rollback(db);
		return rc ? rc : db_commit(db);
	}
	case 2:
		return reply_quick_rm(db, shortcut(argv[1]));
	default:
		return quick_show(db, c, shortcut(argv[1]), op->for_phone);
	}
}

static int keyword(wb_db *db, cli *c, int sub, char **argv)
{
	if (sub == 1)
		return reply_keyword_add(db, argv[1], shortcut(argv[2]));
	if (sub == 2)
		return reply_keyword_rm(db, argv[1]);
	static const char *const cols[] = {"keyword", "shortcut"};
	out *o = cli_out(c, cols, 2);
	int rc = reply_keyword_each(db, keyword_row, o);
	return rc ? rc : out_close(o);
}

/* greeting and away: change what the options and "set TEXT" say, then
 * show the result. */
static int greeting_away(wb_db *db, cli *c, int is_away, opts *op, int argc, char **argv)
{
	const char *name = is_away ? "away" : "greeting";
	reply_settings s;
	int rc = reply_settings_load(db, &s);
	if (rc)
		return rc;
	int *on = is_away ? &s.away_on : &s.greeting_on;
	char **text = is_away ? &s.away_text : &s.greeting_text;
	if (argc) {
		if (!*argv[1])
			return wb_err(EX_DATAERR, "%s: an empty text", name);
		free(*text);
		*text = xstrdup(argv[1]);
		*on = 1; /* setting a text means using it, unless --off says not */
	}
	if (op->on >= 0) {
		if (op->on && !*text)
			return wb_err(EX_DATAERR, "%s has no text yet: %s set TEXT", name, name);
		*on = op->on;
	}
	if (op->after && (rc = when_dur_parse(op->after, &s.greeting_after)))
		return wb_err_prefix(rc, "--after: ");
	if (op->to)
		s.greeting_new_only = cli_choice("--to", op->to, (const char *const[]){"everyone", "new", NULL});
	if (op->when) {
		char *tz = profile_tz(db);
		rc = reply_parse_when(op->when, when_now(), tz, &s);
		free(tz);
		if (rc)
			return rc;
	}
	if ((argc || op->on >= 0 || op->after || op->to || op->when) && (rc = reply_settings_save(db, &s)))
		return rc;
	static const char *const gcols[] = {"on", "text", "after", "to"};
	static const char *const acols[] = {"on", "text", "when"};
	out *o = cli_out(c, is_away ? acols : gcols, is_away ? 3 : 4);
	out_bool(o, *on);
	out_str(o, *text);
	char buf[80];
	if (is_away) {
		reply_fmt_when(&s, buf);
	} else {
		when_dur_fmt(s.greeting_after, buf);
		out_str(o, buf);
		strcpy(buf, s.greeting_new_only ? "new" : "everyone");
	}
	out_str(o, buf);
	out_row_end(o);
	reply_settings_free(&s);
	return out_close(o);
}

static void join_words(char **v, sb *b)
{
	sb_reset(b);
	for (size_t i = 0; v[i]; i++)
		sb_printf(b, "%s%s", i ? "," : "", v[i]);
}

static int words(wb_db *db, cli *c, opts *op)
{
	int rc = inbound_words_set(db, op->stop, op->start);
	if (rc)
		return rc;
	inbound_words w;
	inbound_words_load(db, &w);
	static const char *const cols[] = {"kind", "words"};
	out *o = cli_out(c, cols, 2);
	sb b = {0};
	join_words(w.stop, &b);
	out_str(o, "stop");
	out_str(o, b.s ? b.s : "");
	out_row_end(o);
	join_words(w.start, &b);
	out_str(o, "start");
	out_str(o, b.s ? b.s : "");
	out_row_end(o);
	sb_free(&b);
	inbound_words_free(&w);
	return out_close(o);
}

/* Replies decided in the open transaction, written once it commits. */
typedef struct {
	char *to, *text, *wamid;
	reply_kind kind;
} pending;

static void pending_free(pending *p)
{
	free(p->to);
	free(p->text);
	free(p->wamid);
}

static void flush_pending(out *o, pending *p, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		char *key = xasprintf("auto:%s", p[i].wamid);
		out_str(o, p[i].to);
		out_str(o, p[i].text);
		out_str(o, p[i].wamid);
		out_str(o, key);
		out_str(o, reply_kind_names[p[i].kind]);
		out_row_end(o);
		free(key);
		pending_free(&p[i]);
	}
	*n = 0;
}

#define BATCH_EVENTS 2000

static int auto_reply(wb_db *db, cli *c)
{
	reply_auto *a;
	int rc = reply_auto_new(db, &a);
	if (rc)
		return rc;
	if (!c->format)
		c->format = "jsonl";
	static const char *const cols[] = {"to", "text", "reply_to", "key", "auto"};
	out *o = cli_out(c, cols, 5);
	out_line_buffered(o);
	in_docs *r = in_docs_open(STDIN_FILENO, "stdin");
	pending *p = xmalloc(BATCH_EVENTS * sizeof *p);
	size_t np = 0;
	int open = 0, got, n = 0;
	const char *doc;
	size_t len;
	long long off;
	long line;
	while ((got = in_docs_next(r, &doc, &len, &off, &line)) == 1) {
		event ev;
		if ((rc = event_parse(doc, len, &ev))) {
			event_free(&ev);
			wb_err_prefix(rc, "stdin:%ld: ", line);
			break;
		}
		if (ev.kind == EV_MESSAGE) {
			if (!open && (rc = db_begin(db))) {
				event_free(&ev);
				break;
			}
			open = 1;
			reply_kind kind;
			char *text;
			int again;
			rc = reply_auto_decide(a, &ev, &kind, &text, &again);
			if (rc == EX_FALSE) {
				wb_warn("stdin:%ld: %s", line, wb_errmsg());
				rc = 0;
			} else if (!rc && text) {
				p[np++] = (pending){xstrdup(ev.phone), text, xstrdup(ev.wamid), kind};
			}
			n++;
		}
		event_free(&ev);
		if (rc)
			break;
		if (open && (n >= BATCH_EVENTS || !in_docs_pending(r))) {
			if ((rc = db_commit(db)))
				break;
			open = n = 0;
			flush_pending(o, p, &np);
		}
	}
	if (got > 1)
		rc = got;
	if (open) {
		int cr = db_commit(db); /* what was decided before a bad line stands */
		if (!rc)
			rc = cr;
		if (!cr)
			flush_pending(o, p, &np);
	}
	for (size_t i = 0; i < np; i++)
		pending_free(&p[i]);
	free(p);
	in_docs_close(r);
	reply_auto_free(a);
	int cr = out_close(o);
	return rc ? rc : cr;
}

int main(int argc, char **argv)
{
	wb_init(argv[0]);
	cli c = {.usage = usage};
	enum { OPT_ON = 256, OPT_OFF, OPT_AFTER, OPT_TO, OPT_WHEN, OPT_FOR, OPT_STOP, OPT_START };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"keyword", required_argument, NULL, 'k'},
		{"for", required_argument, NULL, OPT_FOR},
		{"after", required_argument, NULL, OPT_AFTER},
		{"to", required_argument, NULL, OPT_TO},
		{"when", required_argument, NULL, OPT_WHEN},
		{"on", no_argument, NULL, OPT_ON},
		{"off", no_argument, NULL, OPT_OFF},
		{"stop", required_argument, NULL, OPT_STOP},
		{"start", required_argument, NULL, OPT_START},
		{0},
	};
	opts op = {.on = -1};
	op.keywords = xcalloc((size_t)argc, sizeof *op.keywords);
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "k:", longopts, NULL)) != -1) {
		if (cli_common(&c, opt, optarg))
			continue;
		switch (opt) {
		case 'k': op.keywords[op.nkeywords++] = optarg; break;
		case OPT_FOR: op.for_phone = optarg; break;
		case OPT_AFTER: op.after = optarg; break;
		case OPT_TO: op.to = optarg; break;
		case OPT_WHEN: op.when = optarg; break;
		case OPT_ON: op.on = 1; break;
		case OPT_OFF: op.on = 0; break;
		case OPT_STOP: op.stop = optarg; break;
		case OPT_START: op.start = optarg; break;
		}
	}
	argc -= optind;
	argv += optind;
	int cmd = cli_subcommand(argc ? argv[0] : NULL, commands);
	argc--;
	argv++;
	if ((op.nkeywords || op.for_phone) && cmd != QUICK)
		wb_usage("--keyword and --for go with quick");
	if ((op.after || op.to || op.when || op.on >= 0) && cmd != GREETING && cmd != AWAY)
		wb_usage("--after, --to, --when, --on and --off go with greeting and away");
	if ((op.stop || op.start) && cmd != WORDS)
		wb_usage("--stop and --start go with words");
	if ((cmd == WORDS || cmd == AUTO) && argc)
		wb_usage("%s takes no arguments", commands[cmd]);
	int sub = 0;
	if (cmd == QUICK) {
		sub = sub_args("quick", quick_subs, (const int[]){0, 2, 1, 1}, argc, argv);
		if (op.nkeywords && sub != 1)
			wb_usage("--keyword goes with quick add");
		if (op.for_phone && sub != 3)
			wb_usage("--for goes with quick show");
	} else if (cmd == KEYWORD) {
		sub = sub_args("keyword", keyword_subs, (const int[]){0, 2, 1}, argc, argv);
	} else if (cmd == GREETING || cmd == AWAY) {
		if (argc && (strcmp(argv[0], "set") || argc != 2))
			wb_usage("%s takes no arguments, or set TEXT", commands[cmd]);
		if (cmd == AWAY ? op.after || op.to : op.when != NULL)
			wb_usage(cmd == AWAY ? "--after and --to go with greeting" : "--when goes with away");
	}
	wb_db *db = cli_db(&c);
	int rc = 0;
	switch (cmd) {
	case QUICK: rc = quick(db, &c, &op, sub, argv); break;
	case GREETING:
	case AWAY: rc = greeting_away(db, &c, cmd == AWAY, &op, argc, argv); break;
	case KEYWORD: rc = keyword(db, &c, sub, argv); break;
	case WORDS: rc = words(db, &c, &op); break;
	case AUTO: rc = auto_reply(db, &c); break;
	}
	free(op.keywords);
	if (rc)
		wb_fail(rc);
	db_close(db);
	return 0;
}
