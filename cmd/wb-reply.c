/* wb-reply — what the business answers without typing: quick replies and
 * their keywords, the greeting and the away message, and `auto`, the
 * filter from wb-recv's events to the messages wb-send sends. */
#include <jansson.h>
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
#include "quick.h"
#include "reply.h"
#include "tmpl.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-reply [-d DB] [-o FORMAT] COMMAND [ARGS]\n"
	"\n"
	"  quick ls                             quick replies, their keywords and media\n"
	"  quick add /SHORTCUT TEXT [--keyword W]... [--image FILE | --document FILE]\n"
	"                                       add one; the medium goes with the text\n"
	"                                       as its caption (FILE, URL or media id)\n"
	"  quick set /SHORTCUT TEXT [--image FILE | --document FILE]\n"
	"                                       change one; its keywords stay\n"
	"  quick rm /SHORTCUT                   remove one (and its keywords)\n"
	"  quick show /SHORTCUT [--for PHONE]   its text, placeholders filled for PHONE\n"
	"  greeting [set TEXT] [--after DUR] [--to everyone|new] [--on|--off]\n"
	"                                       show or change the greeting\n"
	"  away [set TEXT] [--when always|outside-hours|FROM/TO] [--on|--off]\n"
	"                                       show or change the away message\n"
	"  keyword add WORD /SHORTCUT | keyword ls | keyword rm WORD\n"
	"  keyword fallback                     show or set (with the options below) the\n"
	"                                       keyword replies' fallback template\n"
	"  words [--stop W,W...] [--start W,W...]   the opt-out and opt-in words\n"
	"  auto                                 events (JSONL) on stdin → messages\n"
	"                                       for 'wb-send -' (JSONL) on stdout\n"
	"\n"
	"greeting, away and keyword fallback take:\n"
	"  --fallback-template NAME             the template a reply goes as when the\n"
	"                                       customer's 24-hour window has closed ('' none)\n"
	"  --fallback-lang CODE, --fallback-param V...   its language and values\n"
	"                                       (placeholders filled for each reply)\n"
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"Texts may hold {{name}}, {{phone}}, {{wa_id}}, {{profile_name}}, {{business}},\n"
	"{{KEY}} of an attribute some contact has, and in the away message {{opens_at}}\n"
	"(when the business opens again); set refuses any other.\n"
	"auto writes JSONL unless -o says otherwise.\n";

enum { QUICK, GREETING, AWAY, KEYWORD, WORDS, AUTO };
static const cli_cmd commands[] = {
	[QUICK] = {"quick", 0, -1, NULL},
	[GREETING] = {"greeting", 0, -1, NULL},
	[AWAY] = {"away", 0, -1, NULL},
	[KEYWORD] = {"keyword", 0, -1, NULL},
	[WORDS] = {"words", 0, 0, NULL},
	[AUTO] = {"auto", 0, 0, NULL},
	{0},
};
enum { QUICK_LS, QUICK_ADD, QUICK_SET, QUICK_RM, QUICK_SHOW };
static const cli_cmd quick_cmds[] = {
	[QUICK_LS] = {"ls", 0, 0, NULL},
	[QUICK_ADD] = {"add", 2, 2, NULL},
	[QUICK_SET] = {"set", 2, 2, NULL},
	[QUICK_RM] = {"rm", 1, 1, NULL},
	[QUICK_SHOW] = {"show", 1, 1, NULL},
	{0},
};
enum { KEYWORD_LS, KEYWORD_ADD, KEYWORD_RM, KEYWORD_FALLBACK };
static const cli_cmd keyword_cmds[] = {
	[KEYWORD_LS] = {"ls", 0, 0, NULL},
	[KEYWORD_ADD] = {"add", 2, 2, NULL},
	[KEYWORD_RM] = {"rm", 1, 1, NULL},
	[KEYWORD_FALLBACK] = {"fallback", 0, 0, NULL},
	{0},
};

typedef struct {
	int cmd, sub, argc;
	char **argv; /* the arguments of the command (of quick and keyword: with the subcommand's name first) */
	const char **keywords;
	int nkeywords;
	const char *for_phone, *after, *to, *when, *stop, *start;
	const char *media_type, *media; /* --image or --document FILE */
	int on; /* 1 --on, 0 --off, -1 neither */
	reply_fallback fallback; /* --fallback-template (tmpl NULL: not given) */
	int fallback_given;
} opts;

static const char *shortcut(const char *s)
{
	if (*s != '/' || !s[1] || strpbrk(s + 1, " \t\n/") || utf8_len(s) < 0)
		wb_die(EX_DATAERR, "'%s': a shortcut is /WORD (UTF-8)", s);
	return s + 1;
}

/* Writes a shortcut as people type it, with its slash. */
static void out_shortcut(out *o, const char *sc)
{
	char *slashed = xasprintf("/%s", sc);
	out_str(o, slashed);
	free(slashed);
}

/* A medium as a cell: "image:/srv/menu.jpg", or empty. */
static void out_media(out *o, const char *type, const char *src)
{
	char *cell = type ? xasprintf("%s:%s", type, src) : NULL;
	out_str(o, cell);
	free(cell);
}

static int quick_row(const quick_reply *q, void *ctx)
{
	out_shortcut(ctx, q->shortcut);
	out_str(ctx, q->text);
	out_str(ctx, q->keywords);
	out_media(ctx, q->media_type, q->media);
	out_row_end(ctx);
	return 0;
}

static int keyword_row(const quick_keyword *k, void *ctx)
{
	out_str(ctx, k->word);
	out_shortcut(ctx, k->shortcut);
	out_row_end(ctx);
	return 0;
}

static int quick_show(wb_db *db, cli *c, const char *sc, const char *phone)
{
	quick_content q;
	char *filled = NULL;
	int rc = quick_get(db, sc, &q);
	if (rc)
		return rc;
	const char *text = q.text;
	if (phone) {
		contact ct = {0};
		char key[CONTACT_KEY_MAX];
		if ((rc = contact_resolve(db, phone, key)))
			goto out;
		rc = contact_get(db, key, &ct);
		if (rc == EX_FALSE) { /* a number not yet known: only its phone */
			snprintf(bsuid_valid(key) ? ct.user_id : ct.wa_id, bsuid_valid(key) ? BSUID_MAX : PHONE_MAX,
				 "%s", key);
			rc = 0;
		}
		kv vars = {0};
		if (!rc && !(rc = contact_vars(db, &ct, &vars)))
			rc = tmpl_render(text, kv_lookup, &vars, &filled);
		kv_free(&vars);
		contact_free(&ct);
		if (rc)
			goto out;
	}
	static const char *const cols[] = {"shortcut", "text", "media", NULL};
	out *o = cli_out(c, cols);
	out_shortcut(o, sc);
	out_str(o, filled ? filled : text);
	out_media(o, q.media_type, q.media);
	out_row_end(o);
	rc = out_close(o);
out:
	quick_content_free(&q);
	free(filled);
	return rc;
}

/* quick add and quick set: the text checked, the medium read, then the
 * reply and its keywords in one transaction. */
static int quick_save(wb_db *db, opts *op, int sub, char **argv)
{
	const char *sc = shortcut(argv[1]);
	char *what = xasprintf("/%s", sc), *src = NULL;
	int rc = *argv[2] ? reply_text_check(db, what, argv[2], 0) : wb_err(EX_DATAERR, "%s: an empty text", what);
	if (!rc && op->media_type)
		rc = quick_media_read(op->media_type, op->media, &src);
	quick_media m = {op->media_type, src};
	if (!rc && !(rc = db_begin(db))) {
		rc = sub == QUICK_ADD ? quick_add(db, sc, argv[2], &m, when_now())
				      : quick_set(db, sc, argv[2], op->media_type ? &m : NULL);
		for (int i = 0; i < op->nkeywords && !rc; i++)
			rc = quick_keyword_add(db, op->keywords[i], sc);
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	free(src);
	free(what);
	return rc;
}

static int quick(wb_db *db, cli *c, opts *op, int sub, char **argv)
{
	int rc;
	switch (sub) {
	case QUICK_LS: {
		static const char *const cols[] = {"shortcut", "text", "keywords", "media", NULL};
		out *o = cli_out(c, cols);
		rc = quick_each(db, quick_row, o);
		return rc ? rc : out_close(o);
	}
	case QUICK_ADD:
	case QUICK_SET:
		return quick_save(db, op, sub, argv);
	case QUICK_RM:
		return quick_rm(db, shortcut(argv[1]));
	default:
		return quick_show(db, c, shortcut(argv[1]), op->for_phone);
	}
}

/* A kind's fallback template: changed when the options say so, and
 * read back into f. */
static int fallback(wb_db *db, reply_kind kind, opts *op, reply_fallback *f)
{
	int rc = op->fallback_given ? reply_fallback_save(db, kind, &op->fallback) : 0;
	return rc ? rc : reply_fallback_load(db, kind, f);
}

static int keyword_fallback(wb_db *db, cli *c, opts *op)
{
	reply_fallback f;
	int rc = fallback(db, REPLY_KEYWORD, op, &f);
	if (rc)
		return rc;
	static const char *const cols[] = {"template", "lang", "param", NULL};
	out *o = cli_out(c, cols);
	json_t *params = json_array();
	for (size_t i = 0; i < f.nparams; i++)
		json_array_append_new(params, json_string(f.params[i]));
	char *js = json_dumps(params, JSON_COMPACT);
	out_str(o, f.tmpl);
	out_str(o, f.lang);
	if (f.tmpl)
		out_json(o, js);
	else
		out_null(o);
	out_row_end(o);
	free(js);
	json_decref(params);
	reply_fallback_free(&f);
	return out_close(o);
}

static int keyword(wb_db *db, cli *c, opts *op, int sub, char **argv)
{
	if (sub == KEYWORD_FALLBACK)
		return keyword_fallback(db, c, op);
	if (sub == KEYWORD_ADD)
		return quick_keyword_add(db, argv[1], shortcut(argv[2]));
	if (sub == KEYWORD_RM)
		return quick_keyword_rm(db, argv[1]);
	static const char *const cols[] = {"keyword", "shortcut", NULL};
	out *o = cli_out(c, cols);
	int rc = quick_keyword_each(db, keyword_row, o);
	return rc ? rc : out_close(o);
}

/* Whether the command only shows what is stored. */
static int only_shows(const opts *op)
{
	switch (op->cmd) {
	case QUICK: return op->sub == QUICK_LS || op->sub == QUICK_SHOW;
	case KEYWORD: return op->sub == KEYWORD_LS;
	case GREETING:
	case AWAY: return !op->argc && op->on < 0 && !op->after && !op->to && !op->when;
	case WORDS: return !op->stop && !op->start;
	default: return 0;
	}
}

/* greeting and away: what the options and "set TEXT" change, saved. */
static int change_settings(wb_db *db, int is_away, opts *op, int argc, char **argv, reply_settings *s)
{
	const char *name = is_away ? "away" : "greeting";
	int *on = is_away ? &s->away_on : &s->greeting_on, rc;
	char **text = is_away ? &s->away_text : &s->greeting_text;
	if (argc) {
		if (!*argv[1])
			return wb_err(EX_DATAERR, "%s: an empty text", name);
		if ((rc = reply_text_check(db, name, argv[1], is_away)))
			return rc;
		free(*text);
		*text = xstrdup(argv[1]);
		*on = 1; /* setting a text means using it, unless --off says not */
	}
	if (op->on >= 0) {
		if (op->on && !*text)
			return wb_err(EX_DATAERR, "%s has no text yet: %s set TEXT", name, name);
		*on = op->on;
	}
	if (op->after && (rc = when_dur_parse(op->after, &s->greeting_after)))
		return wb_err_prefix(rc, "--after: ");
	if (op->to)
		s->greeting_new_only = cli_choice("--to", op->to, (const char *const[]){"everyone", "new", NULL});
	if (op->when) {
		char *tz = profile_tz(db);
		rc = reply_parse_when(op->when, when_now(), tz, s);
		free(tz);
		if (rc)
			return rc;
	}
	if (!only_shows(op))
		return reply_settings_save(db, s);
	return 0;
}

/* greeting and away: change what the options and "set TEXT" say, then
 * show the result. */
static int greeting_away(wb_db *db, cli *c, int is_away, opts *op, int argc, char **argv)
{
	reply_settings s;
	int rc = reply_settings_load(db, &s);
	if (rc)
		return rc;
	reply_fallback f = {0};
	if ((rc = change_settings(db, is_away, op, argc, argv, &s)) ||
	    (rc = fallback(db, is_away ? REPLY_AWAY : REPLY_GREETING, op, &f))) {
		reply_settings_free(&s);
		return rc;
	}
	static const char *const gcols[] = {"on", "text", "after", "to", "fallback", NULL};
	static const char *const acols[] = {"on", "text", "when", "fallback", NULL};
	out *o = cli_out(c, is_away ? acols : gcols);
	out_bool(o, is_away ? s.away_on : s.greeting_on);
	out_str(o, is_away ? s.away_text : s.greeting_text);
	char buf[96];
	if (is_away) {
		if (out_for_people(o))
			reply_show_when(&s, c->tz, buf);
		else
			reply_fmt_when(&s, buf);
	} else {
		when_dur_fmt(s.greeting_after, buf);
		out_str(o, buf);
		strcpy(buf, s.greeting_new_only ? "new" : "everyone");
	}
	out_str(o, buf);
	out_str(o, f.tmpl);
	out_row_end(o);
	reply_settings_free(&s);
	reply_fallback_free(&f);
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
	static const char *const cols[] = {"kind", "words", NULL};
	out *o = cli_out(c, cols);
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

/* A reply as wb-send - reads it: a text, or a medium with its caption. */
static int auto_row(const reply_msg *m, void *ctx)
{
	const char *type = m->media.type;
	out_str(ctx, m->to);
	out_str(ctx, type ? NULL : m->text);
	out_str(ctx, type && !strcmp(type, "image") ? m->media.src : NULL);
	out_str(ctx, type && !strcmp(type, "document") ? m->media.src : NULL);
	out_str(ctx, type ? m->text : NULL);
	out_str(ctx, m->reply_to);
	out_str(ctx, m->key);
	out_str(ctx, reply_kind_names[m->kind]);
	out_bool(ctx, 1); /* the text is filled: wb-send fills nothing again */
	out_str(ctx, m->from_number);
	/* wb-send's names: a line is tried by hand as options */
	out_str(ctx, m->fallback);
	out_str(ctx, m->fallback_lang);
	if (m->fallback) {
		json_t *a = json_array();
		for (size_t i = 0; i < m->nfallback_params; i++)
			json_array_append_new(a, json_string(m->fallback_params[i]));
		char *js = json_dumps(a, JSON_COMPACT);
		out_json(ctx, js);
		free(js);
		json_decref(a);
	} else {
		out_null(ctx);
	}
	out_row_end(ctx);
	return 0;
}

static int auto_reply(wb_db *db, cli *c)
{
	if (!c->format)
		c->format = "jsonl";
	static const char *const cols[] = {"to", "text", "image", "document", "caption", "reply_to", "key", "auto",
					   "rendered", "from_number", "fallback_template", "fallback_lang", "fallback_param",
					   NULL};
	out *o = cli_out(c, cols);
	out_line_buffered(o);
	in_docs *in = in_docs_open(STDIN_FILENO, "stdin");
	int rc = reply_stream(db, in, auto_row, o);
	in_docs_close(in);
	int cr = out_close(o);
	return rc ? rc : cr;
}

/* Which options go with which command, and the subcommands of quick and
 * keyword; before the database is opened, so a usage error leaves
 * nothing behind. */
static void check(opts *op)
{
	int cmd = op->cmd, n = op->argc;
	char **v = op->argv;
	if ((op->nkeywords || op->for_phone || op->media_type) && cmd != QUICK)
		wb_usage("--keyword, --for, --image and --document go with quick");
	if ((op->after || op->to || op->when || op->on >= 0) && cmd != GREETING && cmd != AWAY)
		wb_usage("--after, --to, --when, --on and --off go with greeting and away");
	if ((op->stop || op->start) && cmd != WORDS)
		wb_usage("--stop and --start go with words");
	if ((op->fallback_given || op->fallback.lang || op->fallback.nparams) &&
	    !(cmd == GREETING || cmd == AWAY || (cmd == KEYWORD && n && !strcmp(v[0], "fallback"))))
		wb_usage("--fallback-template, --fallback-lang and --fallback-param go with greeting, away and "
			 "keyword fallback");
	if ((op->fallback.lang || op->fallback.nparams) && !op->fallback_given)
		wb_usage("--fallback-lang and --fallback-param go with --fallback-template");
	if (cmd == QUICK) {
		op->sub = cli_command("quick", quick_cmds, &n, &v);
		if (op->nkeywords && op->sub != QUICK_ADD)
			wb_usage("--keyword goes with quick add");
		if (op->media_type && op->sub != QUICK_ADD && op->sub != QUICK_SET)
			wb_usage("--image and --document go with quick add and quick set");
		if (op->for_phone && op->sub != QUICK_SHOW)
			wb_usage("--for goes with quick show");
	} else if (cmd == KEYWORD) {
		op->sub = cli_command("keyword", keyword_cmds, &n, &v);
	} else if (cmd == GREETING || cmd == AWAY) {
		if (n && (strcmp(op->argv[0], "set") || n != 2))
			wb_usage("%s takes no arguments, or set TEXT", commands[cmd].name);
		if (cmd == AWAY ? op->after || op->to : op->when != NULL)
			wb_usage(cmd == AWAY ? "--after and --to go with greeting" : "--when goes with away");
	}
}

/* The options and the command with its arguments; exits 64 on a
 * malformed command line. */
static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	enum { OPT_ON = 256, OPT_OFF, OPT_AFTER, OPT_TO, OPT_WHEN, OPT_FOR, OPT_STOP, OPT_START, OPT_IMAGE,
	       OPT_DOCUMENT, OPT_FALLBACK, OPT_FALLBACK_LANG, OPT_FALLBACK_PARAM };
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
		{"image", required_argument, NULL, OPT_IMAGE},
		{"document", required_argument, NULL, OPT_DOCUMENT},
		{"fallback-template", required_argument, NULL, OPT_FALLBACK},
		{"fallback-lang", required_argument, NULL, OPT_FALLBACK_LANG},
		{"fallback-param", required_argument, NULL, OPT_FALLBACK_PARAM},
		{0},
	};
	op->keywords = xcalloc((size_t)argc, sizeof *op->keywords);
	op->fallback.params = xcalloc((size_t)argc, sizeof *op->fallback.params);
	op->on = -1;
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "k:", longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case 'k': op->keywords[op->nkeywords++] = optarg; break;
		case OPT_FOR: op->for_phone = optarg; break;
		case OPT_AFTER: op->after = optarg; break;
		case OPT_TO: op->to = optarg; break;
		case OPT_WHEN: op->when = optarg; break;
		case OPT_ON: op->on = 1; break;
		case OPT_OFF: op->on = 0; break;
		case OPT_STOP: op->stop = optarg; break;
		case OPT_START: op->start = optarg; break;
		case OPT_IMAGE:
		case OPT_DOCUMENT:
			if (op->media_type)
				wb_usage("one medium: --image or --document, once");
			op->media_type = opt == OPT_IMAGE ? "image" : "document";
			op->media = optarg;
			break;
		case OPT_FALLBACK:
			op->fallback.tmpl = optarg;
			op->fallback_given = 1;
			break;
		case OPT_FALLBACK_LANG: op->fallback.lang = optarg; break;
		case OPT_FALLBACK_PARAM: op->fallback.params[op->fallback.nparams++] = optarg; break;
		}
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	op->cmd = cli_command(NULL, commands, &op->argc, &op->argv);
	check(op);
	c->reads = only_shows(op);
}

static int run(wb_db *db, cli *c, void *p)
{
	opts *op = p;
	switch (op->cmd) {
	case QUICK: return quick(db, c, op, op->sub, op->argv);
	case GREETING:
	case AWAY: return greeting_away(db, c, op->cmd == AWAY, op, op->argc, op->argv);
	case KEYWORD: return keyword(db, c, op, op->sub, op->argv);
	case WORDS: return words(db, c, op);
	default: return auto_reply(db, c);
	}
}

static void done(void *p)
{
	opts *op = p;
	free(op->keywords);
	free(op->fallback.params); /* its strings are argv's */
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .run = run, .done = done}, argc, argv, &(opts){0});
}
