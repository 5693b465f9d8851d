/* wb-inbox — the shared queue of conversations: list those waiting,
 * longest first; take one (atomically: two agents never get the same),
 * assign, unassign, resolve, reopen; and private notes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "cli.h"
#include "err.h"
#include "inbox.h"
#include "survey.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-inbox [-d DB] [-o FORMAT] [ls] [--mine | --unassigned | --agent A] [--label L] [--state S]\n"
	"       wb-inbox COMMAND [ARGS]\n"
	"\n"
	"  ls                          conversations, longest waiting first (the default)\n"
	"  take [PHONE]                take a conversation: the one waiting longest in the\n"
	"                              queue, or PHONE's; two agents never take the same\n"
	"  assign PHONE AGENT          give PHONE's conversation to AGENT\n"
	"  unassign [PHONE...]         put conversations back in the queue\n"
	"  resolve [PHONE...]          resolve conversations\n"
	"  reopen [PHONE...]           open conversations again\n"
	"  note PHONE TEXT...          a private note on PHONE, never sent (wb-contact log)\n"
	"\n"
	"Filters for ls:\n"
	"  --mine               assigned to me (WB_AGENT)\n"
	"  --unassigned         in the queue: assigned to nobody\n"
	"  --agent A            assigned to agent A\n"
	"  --label L            the contact has label L\n"
	"  --state S            open (the default), pending, resolved or all\n"
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"Phones are taken as arguments or, with none, from stdin: one a line, CSV/TSV\n"
	"with a phone column, or JSONL; so 'wb-inbox --state pending | wb-inbox resolve'\n"
	"works. Wherever a PHONE goes, a user ID names a customer who has no phone\n"
	"number; rows have a user_id column beside phone.\n"
	"Environment: WB_AGENT, who you are (an agent: wb-agent add).\n";

enum { LS, TAKE, ASSIGN, UNASSIGN, RESOLVE, REOPEN, NOTE };
static const cli_cmd commands[] = {
	[LS] = {"ls", 0, 0, NULL},
	[TAKE] = {"take", 0, 1, NULL},
	[ASSIGN] = {"assign", 2, 2, NULL},
	[UNASSIGN] = {"unassign", 0, -1, NULL},
	[RESOLVE] = {"resolve", 0, -1, NULL},
	[REOPEN] = {"reopen", 0, -1, NULL},
	[NOTE] = {"note", 2, -1, NULL},
	{0},
};

typedef struct {
	int cmd, argc;
	char **argv; /* the command's arguments */
	inbox_filter f;
	int mine, filtering;
	char *me;       /* WB_AGENT */
	char *text;     /* note's */
} opts;

static const char *const conv_cols[] = {"phone", "user_id", "name", "state", "assignee", "wait_s", "unread",
					"window_left_s", "labels", "last_message", "opened", NULL};

static int conv_row(const inbox_conv *v, void *o)
{
	out_str(o, *v->phone ? v->phone : NULL);
	out_str(o, *v->user_id ? v->user_id : NULL);
	out_str(o, v->name);
	out_str(o, inbox_state_names[v->state]);
	out_str(o, v->assignee);
	out_dur(o, v->wait);
	out_int(o, v->unread);
	out_dur(o, v->window_left);
	out_str(o, v->labels);
	out_str(o, v->last_message);
	out_time(o, v->opened_at);
	out_row_end(o);
	return 0;
}

/* ls, and the row of a conversation just taken (f selects it). */
static int list(wb_db *db, cli *c, const inbox_filter *f)
{
	out *o = cli_out(c, conv_cols);
	int rc = inbox_each(db, f, conv_row, o);
	int cr = out_close(o);
	return rc ? rc : cr;
}

static int take(wb_db *db, cli *c, const opts *op)
{
	inbox_filter f = {.state = INBOX_ALL, .now = when_now()};
	int changed;
	int rc = inbox_take(db, op->me, op->argc ? op->argv[0] : NULL, f.now, &f.contact_id, &changed);
	return rc ? rc : list(db, c, &f);
}

typedef struct {
	cli_rows rows;
	int cmd;
	const char *agent;
	long changed;
} act_rows;

static int act_row(const char *key, int changed, void *ctx)
{
	act_rows *a = ctx;
	out *o = cli_rows_out(&a->rows);
	out_key(o, key);
	if (a->cmd == ASSIGN || a->cmd == UNASSIGN)
		out_str(o, a->agent);
	else
		out_str(o, a->cmd == RESOLVE ? "resolved" : "open");
	out_bool(o, changed);
	out_row_end(o);
	a->changed += changed;
	return 0;
}

/* assign, unassign, resolve, reopen: every phone in one transaction; the
 * rows come after the commit, so what is printed is what happened. */
static int act(wb_db *db, cli *c, const opts *op)
{
	static const char *const assign_cols[] = {"phone", "user_id", "assignee", "changed", NULL};
	static const char *const state_cols[] = {"phone", "user_id", "state", "changed", NULL};
	static const inbox_act acts[] = {[ASSIGN] = INBOX_ASSIGN, [UNASSIGN] = INBOX_UNASSIGN,
					 [RESOLVE] = INBOX_RESOLVE, [REOPEN] = INBOX_REOPEN};
	int assigning = op->cmd == ASSIGN || op->cmd == UNASSIGN;
	const char *agent = op->cmd == ASSIGN ? op->argv[1] : NULL;
	act_rows a = {{.c = c, .cols = assigning ? assign_cols : state_cols}, op->cmd, agent, 0};
	int argc = op->cmd == ASSIGN ? 1 : op->argc;
	int rc = inbox_act_phones(db, acts[op->cmd], agent, op->me, argc, op->argv, stdin, act_row, &a);
	rc = cli_rows_end(&a.rows, rc);
	/* the survey a resolution queued goes now (wb-survey --on-resolve) */
	return !rc && op->cmd == RESOLVE && a.changed ? survey_deliver(db, NULL) : rc;
}

/* The words after the phone, as one text. */
static char *join(int argc, char **argv)
{
	sb b = {0};
	for (int i = 0; i < argc; i++)
		sb_printf(&b, "%s%s", i ? " " : "", argv[i]);
	return sb_take(&b);
}

static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	enum { O_MINE = 256, O_UNASSIGNED, O_AGENT, O_LABEL, O_STATE };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"mine", no_argument, NULL, O_MINE},
		{"unassigned", no_argument, NULL, O_UNASSIGNED},
		{"agent", required_argument, NULL, O_AGENT},
		{"label", required_argument, NULL, O_LABEL},
		{"state", required_argument, NULL, O_STATE},
		{0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		op->filtering = 1;
		switch (opt) {
		case O_MINE: op->mine = 1; break;
		case O_UNASSIGNED: op->f.unassigned = 1; break;
		case O_AGENT: op->f.agent = optarg; break;
		case O_LABEL: op->f.label = optarg; break;
		case O_STATE: op->f.state = (inbox_state)cli_choice("--state", optarg, inbox_state_names); break;
		}
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	op->cmd = op->argc ? cli_command(NULL, commands, &op->argc, &op->argv) : LS;
	if (op->filtering && op->cmd != LS)
		wb_usage("--mine, --unassigned, --agent, --label and --state go with ls");
	if (op->mine + op->f.unassigned + !!op->f.agent > 1)
		wb_usage("--mine, --unassigned and --agent: one at most");
	c->reads = op->cmd == LS;
	if (op->cmd == NOTE)
		op->text = join(op->argc - 1, op->argv + 1);
}

static int run(wb_db *db, cli *c, void *p)
{
	opts *op = p;
	op->f.now = when_now();
	int rc;
	switch (op->cmd) {
	case LS:
		if (op->mine && (rc = agent_me(db, op->me)))
			return rc;
		if (op->mine)
			op->f.agent = op->me;
		return list(db, c, &op->f);
	case TAKE: return take(db, c, op);
	case NOTE: return inbox_note(db, op->argv[0], op->me, op->text, op->f.now);
	default: return act(db, c, op);
	}
}

static int prepare(cli *c, void *p)
{
	return agent_whoami(&((opts *)p)->me);
}

static void done(void *p)
{
	free(((opts *)p)->text);
	free(((opts *)p)->me);
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .prepare = prepare, .run = run, .done = done}, argc, argv, &(opts){0});
}
