/* wb-agent — the people who answer customers in the shared inbox: add,
 * list and remove them, put them on and off duty, and switch the round
 * robin that gives new conversations to those on duty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "cli.h"
#include "err.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-agent [-d DB] [-o FORMAT] COMMAND [ARGS]\n"
	"\n"
	"  ls                          agents, on duty or not, with their open conversations\n"
	"  add NAME [--display TEXT]   add an agent (on duty); NAME is what WB_AGENT says\n"
	"  rm NAME...                  remove agents; their conversations go back to the queue\n"
	"  on [NAME...]                on duty (default: WB_AGENT)\n"
	"  off [NAME...]               off duty; their conversations go back to the queue\n"
	"  auto-assign [on|off]        whether new conversations go round robin to\n"
	"                              the agents on duty; without an argument, says which\n"
	"\n"
	"  --display TEXT       add: a name for people (\"Mei Lin\")\n"
	CLI_COMMON_USAGE
	"\n"
	"Environment: WB_AGENT, who you are.\n";

enum { LS, ADD, RM, ON, OFF, AUTO };
static const cli_cmd commands[] = {
	[LS] = {"ls", 0, 0, NULL},
	[ADD] = {"add", 1, 1, NULL},
	[RM] = {"rm", 1, -1, "an agent's name"},
	[ON] = {"on", 0, -1, NULL},
	[OFF] = {"off", 0, -1, NULL},
	[AUTO] = {"auto-assign", 0, 1, NULL},
	{0},
};
static const char *const switches[] = {"off", "on", NULL};

typedef struct {
	int cmd, argc;
	char **argv; /* the command's arguments */
	const char *display;
	char *me;    /* WB_AGENT */
	int on;      /* auto-assign's argument; -1: none */
} opts;

static int ls_row(const agent *a, void *o)
{
	out_str(o, a->name);
	out_str(o, a->display);
	out_bool(o, a->on_duty);
	out_int(o, a->conversations);
	out_time(o, a->created_at);
	out_row_end(o);
	return 0;
}

static int ls(wb_db *db, cli *c)
{
	static const char *const cols[] = {"name", "display", "on_duty", "conversations", "created", NULL};
	out *o = cli_out(c, cols);
	int rc = agent_each(db, ls_row, o);
	int cr = out_close(o);
	return rc ? rc : cr;
}

typedef struct {
	cli_rows rows;
	int cmd;
} name_rows;

static int name_row(const char *name, int changed, void *ctx)
{
	name_rows *n = ctx;
	out *o = cli_rows_out(&n->rows);
	out_str(o, name);
	if (n->cmd != RM) {
		out_bool(o, n->cmd == ON);
		out_bool(o, changed);
	}
	out_row_end(o);
	return 0;
}

/* rm, on, off: all the names in one transaction; rows after the commit. */
static int each_name(wb_db *db, cli *c, const opts *op)
{
	static const char *const cols[] = {"name", "on_duty", "changed", NULL}, *const rm_cols[] = {"name", NULL};
	name_rows n = {{.c = c, .cols = op->cmd == RM ? rm_cols : cols}, op->cmd};
	char *me[] = {op->me, NULL};
	int argc = op->argc ? op->argc : 1;
	char **argv = op->argc ? op->argv : me;
	int rc = op->argc ? 0 : agent_me(db, op->me);
	if (!rc && op->cmd == RM)
		rc = agent_rm_names(db, argc, argv, op->me, name_row, &n);
	else if (!rc)
		rc = agent_duty_names(db, op->cmd == ON, argc, argv, op->me, name_row, &n);
	return cli_rows_end(&n.rows, rc);
}

static int auto_assign(wb_db *db, cli *c, int on)
{
	int rc = on >= 0 ? agent_set_auto_assign(db, on) : 0;
	if (rc)
		return rc;
	static const char *const cols[] = {"auto_assign", NULL};
	out *o = cli_out(c, cols);
	out_bool(o, agent_auto_assign(db));
	out_row_end(o);
	return out_close(o);
}

static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"display", required_argument, NULL, 'D'},
		{0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		if (opt == 'D')
			op->display = optarg;
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	op->cmd = cli_command(NULL, commands, &op->argc, &op->argv);
	if (op->display && op->cmd != ADD)
		wb_usage("--display goes with add");
	op->on = op->cmd == AUTO && op->argc ? cli_choice("auto-assign", op->argv[0], switches) : -1;
	c->reads = op->cmd == LS || (op->cmd == AUTO && op->on < 0);
}

static int prepare(cli *c, void *p)
{
	return agent_whoami(&((opts *)p)->me);
}

static void done(void *p)
{
	free(((opts *)p)->me);
}

static int run(wb_db *db, cli *c, void *p)
{
	const opts *op = p;
	switch (op->cmd) {
	case LS: return ls(db, c);
	case ADD: return agent_add(db, op->argv[0], op->display, when_now());
	case AUTO: return auto_assign(db, c, op->on);
	default: return each_name(db, c, op);
	}
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .prepare = prepare, .run = run, .done = done}, argc, argv, &(opts){0});
}
