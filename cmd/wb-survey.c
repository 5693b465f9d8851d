/* wb-survey — satisfaction surveys: define one (a question on a scale),
 * send it through wb-send, list its answers for the CRM and sum them up
 * (response rate, distribution, CSAT, NPS, mean). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "err.h"
#include "label.h"
#include "survey.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-survey [-d DB] [-o FORMAT] COMMAND [ARGS]\n"
	"\n"
	"  add NAME --ask TEXT --scale csat|nps|yesno|'A|B|C' [--follow-up TEXT]\n"
	"      [--window DUR] [--on-resolve] [--template NAME]\n"
	"                       define a survey: csat 1-5 and nps 0-10 as a list (0 typed),\n"
	"                       yesno and up to 3 options as buttons, up to 10 as a list\n"
	"  ls                   the surveys, with what was sent and answered\n"
	"  show NAME            one survey\n"
	"  rm NAME              delete a survey (its messages stay)\n"
	"  send NAME [--template NAME] [WB-SEND OPTIONS]\n"
	"                       send it with wb-send: --to, --label, CSV on stdin, --cap ...\n"
	"  answers NAME [--since TIME] [--until TIME] [--label-detractors L]\n"
	"                       one row per answer: phone, times, score, text\n"
	"  results NAME [--since TIME] [--until TIME] [--by day|label|agent]\n"
	"                       sent, answered, response rate, mean, CSAT, NPS, distribution\n"
	"\n"
	"  --window DUR         how long after the send an answer counts (default 24h)\n"
	"  --follow-up TEXT     wb-reply auto asks it after a low score (once per survey sent)\n"
	"  --on-resolve         send when a conversation is resolved (wb-inbox, wb-chat), once\n"
	"                       per conversation; one survey at most\n"
	"  --template NAME      outside the 24-hour window send this template instead; without\n"
	"                       one, a contact whose window is closed is skipped\n"
	"  --since, --until     sends in this range (default: all)\n"
	"  --label-detractors L label the unhappy: CSAT 1-2, NPS 0-6, yesno no (when answers runs)\n"
	"  --by day|label|agent the figures per day sent (business zone), per label of the\n"
	"                       contact, or per agent of their conversation\n"
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"Answers come from the messages: a button or list reply to the survey, or a\n"
	"number typed within the window; late and out-of-range ones do not count, and\n"
	"the last one does.\n";

enum { ADD, LS, SHOW, RM, SEND, ANSWERS, RESULTS };
static const cli_cmd commands[] = {
	[ADD] = {"add", 1, 1, NULL},
	[LS] = {"ls", 0, 0, NULL},
	[SHOW] = {"show", 1, 1, NULL},
	[RM] = {"rm", 1, 1, NULL},
	[SEND] = {"send", 1, -1, "a survey name"},
	[ANSWERS] = {"answers", 1, 1, NULL},
	[RESULTS] = {"results", 1, 1, NULL},
	{0},
};

typedef struct {
	int cmd, argc;
	char **argv;
	survey def;
	const char *window, *since, *until, *detractors;
	survey_by by;
} opts;

typedef struct {
	cli_rows rows;
	int vertical; /* show NAME: a row on lines of its own */
} list_ctx;

static int survey_row(const survey *s, void *ctx)
{
	list_ctx *l = ctx;
	int first = !l->rows.o;
	out *o = cli_rows_out(&l->rows);
	if (first && l->vertical)
		out_one_row_vertical(o);
	char win[32];
	when_dur_fmt(s->window, win);
	out_str(o, s->name);
	out_str(o, s->scale);
	out_str(o, s->ask);
	out_str(o, s->follow_up);
	out_str(o, win);
	out_bool(o, s->on_resolve);
	out_str(o, s->tmpl);
	out_int(o, s->sent);
	out_int(o, s->answered);
	out_row_end(o);
	return 0;
}

/* ls, and show NAME; no such survey prints nothing, not even the header
 * (cli_rows), and exits 1, as show of no such thing does. */
static int list(wb_db *db, cli *c, const char *name)
{
	static const char *const cols[] = {"name", "scale", "ask", "follow_up", "window", "on_resolve", "template",
					   "sent", "answered", NULL};
	list_ctx l = {{.c = c, .cols = cols}, name != NULL};
	return cli_rows_end(&l.rows, survey_each(db, name, survey_row, &l));
}

/* --template NAME (or --template=NAME) among send's arguments is the
 * survey's; the others are wb-send's. */
static const char *take_template(const opts *op, int *i)
{
	const char *a = op->argv[*i];
	if (!strncmp(a, "--template=", 11))
		return a + 11;
	if (strcmp(a, "--template"))
		return NULL;
	if (++*i == op->argc)
		wb_usage("--template needs a template name");
	return op->argv[*i];
}

/* wb-send, beside this program when it is there, else on PATH */
static int send(wb_db *db, cli *c, const opts *op)
{
	const char *tmpl = NULL, *t;
	char **rest = xcalloc((size_t)op->argc + 1, sizeof *rest), **argv;
	int nrest = 0, argc;
	for (int i = 1; i < op->argc; i++) /* the recipients and wb-send's options */
		if ((t = take_template(op, &i)))
			tmpl = t;
		else
			rest[nrest++] = op->argv[i];
	int rc = survey_send_argv(db, op->argv[0], tmpl, when_now(), &argv, &argc);
	for (int i = 0; !rc && i < nrest; i++) {
		argv = xrealloc(argv, (size_t)(argc + 2) * sizeof *argv);
		argv[argc++] = xstrdup(rest[i]);
		argv[argc] = NULL;
	}
	free(rest);
	if (rc)
		return rc;
	char self[PATH_MAX], *path = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		path = slash ? xasprintf("%.*s/wb-send", (int)(slash - self), self) : NULL;
	}
	/* wb-send reads the same database and writes the same format */
	if (c->db_path)
		setenv("WB_DB", c->db_path, 1);
	if (c->format)
		setenv("WB_OUTPUT", c->format, 1);
	fflush(NULL);
	if (path && access(path, X_OK) == 0)
		execv(path, argv);
	execvp("wb-send", argv);
	rc = wb_err(EX_UNAVAILABLE, "cannot run wb-send: %s", strerror(errno));
	free(path);
	survey_argv_free(argv);
	return rc;
}

typedef struct {
	cli_rows rows; /* opened at the first answer: no such survey, no header */
	wb_db *db;
	int64_t label; /* --label-detractors: its id, 0 without */
	int64_t now;
} answers_ctx;

static int answer_row(const survey_ans *a, void *p)
{
	answers_ctx *x = p;
	out *o = cli_rows_out(&x->rows);
	out_str(o, a->phone);
	out_str(o, a->user_id);
	out_time(o, a->sent_at);
	out_time(o, a->answered_at);
	out_int(o, a->score);
	out_str(o, a->text);
	out_bool(o, a->detractor);
	out_row_end(o);
	if (!x->label || !a->detractor)
		return 0;
	int64_t contact;
	int rc = db_find_id(x->db, "SELECT id FROM contact WHERE wa_id = ?1 OR user_id = ?1",
			    a->phone ? a->phone : a->user_id, &contact);
	return rc ? rc : label_apply(x->db, x->label, contact, x->now, NULL);
}

static int range(cli *c, const opts *op, int64_t *since, int64_t *until)
{
	int64_t now = when_now();
	int rc = 0;
	*since = INT64_MIN;
	*until = INT64_MAX;
	if (op->since && (rc = when_parse(op->since, now, c->tz, since)))
		return wb_err_prefix(rc, "--since: ");
	if (op->until && (rc = when_parse(op->until, now, c->tz, until)))
		return wb_err_prefix(rc, "--until: ");
	return 0;
}

static int answers(wb_db *db, cli *c, const opts *op)
{
	static const char *const cols[] = {"phone", "user_id", "sent_at", "answered_at", "score", "text",
					   "detractor", NULL};
	int64_t since, until;
	answers_ctx x = {{.c = c, .cols = cols}, .db = db, .now = when_now()};
	int rc = range(c, op, &since, &until);
	if (!rc && op->detractors)
		rc = label_find(db, op->detractors, &x.label);
	if (rc)
		return rc;
	if (x.label && (rc = db_begin(db)))
		return rc;
	rc = survey_answers_each(db, op->argv[0], since, until, answer_row, &x);
	if (x.label && !rc)
		rc = db_commit(db);
	else if (x.label)
		db_rollback(db);
	return cli_rows_end(&x.rows, rc);
}

typedef struct {
	cli_rows rows; /* opened at the first row: no such survey, no header */
	int grouped;   /* --by: the group's column first */
} results_ctx;

static int result_row(const survey_result *r, void *p)
{
	results_ctx *x = p;
	out *o = cli_rows_out(&x->rows);
	if (x->grouped)
		out_str(o, r->key);
	out_int(o, r->sent);
	out_int(o, r->answered);
	out_rate(o, r->rate);
	out_num(o, r->mean);
	out_rate(o, r->csat);
	out_num(o, r->nps);
	out_json(o, r->distribution);
	out_row_end(o);
	return 0;
}

static int results(wb_db *db, cli *c, const opts *op)
{
	static const char *cols[] = {NULL, "sent", "answered", "response_rate", "mean", "csat", "nps",
				     "distribution", NULL};
	int64_t since, until;
	int rc = range(c, op, &since, &until);
	if (rc)
		return rc;
	cols[0] = survey_by_names[op->by]; /* out keeps a pointer to the names */
	results_ctx x = {{.c = c, .cols = op->by ? cols : cols + 1}, op->by != SURVEY_BY_NONE};
	rc = survey_results(db, op->argv[0], op->by, c->tz, since, until, result_row, &x);
	return cli_rows_end(&x.rows, rc);
}

enum { O_ASK = 256, O_SCALE, O_FOLLOW_UP, O_WINDOW, O_ON_RESOLVE, O_SINCE, O_UNTIL, O_DETRACTORS, O_TEMPLATE, O_BY };

static void check(const opts *op)
{
	const survey *d = &op->def;
	if (op->cmd == ADD && (!d->ask || !d->scale))
		wb_usage("add needs --ask and --scale");
	if (op->cmd != ADD && (d->ask || d->scale || d->follow_up || op->window || d->on_resolve || d->tmpl))
		wb_usage("--ask, --scale, --follow-up, --window, --on-resolve and --template go with add "
			 "(--template with send after its name)");
	if ((op->since || op->until) && op->cmd != ANSWERS && op->cmd != RESULTS)
		wb_usage("--since and --until go with answers and results");
	if (op->detractors && op->cmd != ANSWERS)
		wb_usage("--label-detractors goes with answers");
	if (op->by && op->cmd != RESULTS)
		wb_usage("--by goes with results");
}

/* send hands everything after its name to wb-send: options are read up
 * to the command first, and past it only for the other commands. */
static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"ask", required_argument, NULL, O_ASK},
		{"scale", required_argument, NULL, O_SCALE},
		{"follow-up", required_argument, NULL, O_FOLLOW_UP},
		{"window", required_argument, NULL, O_WINDOW},
		{"on-resolve", no_argument, NULL, O_ON_RESOLVE},
		{"since", required_argument, NULL, O_SINCE},
		{"until", required_argument, NULL, O_UNTIL},
		{"label-detractors", required_argument, NULL, O_DETRACTORS},
		{"template", required_argument, NULL, O_TEMPLATE},
		{"by", required_argument, NULL, O_BY},
		{0},
	};
	int opt, sending = 0;
	for (int pass = 0; pass < 2 && !sending; pass++) {
		optind = 0;
		while ((opt = getopt_long(argc, argv, pass ? CLI_COMMON_SHORTOPTS : "+" CLI_COMMON_SHORTOPTS,
						      longopts, NULL)) != -1) {
			if (cli_common(c, opt, optarg))
				continue;
			switch (opt) {
			case O_ASK: op->def.ask = optarg; break;
			case O_SCALE: op->def.scale = optarg; break;
			case O_FOLLOW_UP: op->def.follow_up = optarg; break;
			case O_WINDOW: op->window = optarg; break;
			case O_ON_RESOLVE: op->def.on_resolve = 1; break;
			case O_SINCE: op->since = optarg; break;
			case O_UNTIL: op->until = optarg; break;
			case O_DETRACTORS: op->detractors = optarg; break;
			case O_TEMPLATE: op->def.tmpl = optarg; break;
			case O_BY: op->by = (survey_by)cli_choice("--by", optarg, survey_by_names); break;
			}
		}
		sending = sending || (optind < argc && !strcmp(argv[optind], "send"));
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	op->cmd = cli_command(NULL, commands, &op->argc, &op->argv);
	c->reads = op->cmd == LS || op->cmd == SHOW || op->cmd == RESULTS || (op->cmd == ANSWERS && !op->detractors);
	check(op);
	if (op->window)
		op->def.window = cli_duration("--window", op->window);
	op->def.name = op->cmd == ADD ? op->argv[0] : NULL;
}

static int run(wb_db *db, cli *c, void *p)
{
	const opts *op = p;
	switch (op->cmd) {
	case ADD: return survey_add(db, &op->def, when_now());
	case LS: return list(db, c, NULL);
	case SHOW: return list(db, c, op->argv[0]);
	case RM: return survey_rm(db, op->argv[0]);
	case SEND: return send(db, c, op);
	case ANSWERS: return answers(db, c, op);
	default: return results(db, c, op);
	}
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .run = run}, argc, argv, &(opts){0});
}
