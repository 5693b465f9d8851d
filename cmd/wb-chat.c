/* wb-chat — answer one customer from a terminal: the conversation so
 * far and what arrives, typed lines sent as the agent (WB_AGENT), slash
 * commands for the inbox; lines from stdin when it is no terminal. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "agent.h"
#include "chat.h"
#include "cli.h"
#include "err.h"

static const char usage[] =
	"usage: wb-chat [-d DB] [--force] [PHONE]\n"
	"\n"
	"Chat with PHONE, a number or a user ID (default: take the next waiting\n"
	"conversation; exit 1 when nobody waits). On a terminal, lines are\n"
	"edited with readline and what arrives prints above them; otherwise each\n"
	"line of stdin is sent.\n"
	"Type /help for the commands: /SHORTCUT (a quick reply; Tab completes),\n"
	"/t NAME, /img FILE|URL, /l LABEL, /note TEXT, /resolve, /next, /take,\n"
	"/quit.\n"
	"\n"
	"  -f, --force          take PHONE even from a colleague (else read-only)\n"
	"  -d, --db PATH        database (env WB_DB; default ~/.local/share/wb/wb.db)\n"
	"  -h, --help           this help\n"
	"  -V, --version        version\n"
	"\n"
	"Environment: WB_AGENT, who you are (an agent: wb-agent add).\n";

typedef struct {
	const char *phone; /* NULL: the next one waiting */
	int force;
	char *me; /* WB_AGENT */
	api *api;
} opts;

static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *o = p;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"force", no_argument, NULL, 'f'},
		{0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "f", longopts, NULL)) != -1)
		if (!cli_common(c, opt, optarg) && opt == 'f')
			o->force = 1;
	if (argc - optind > 1)
		wb_usage("one phone at most");
	o->phone = optind < argc ? argv[optind] : NULL;
}

/* Who is chatting, and the API, before the database opens. */
static int prepare(cli *c, void *p)
{
	opts *o = p;
	int rc = agent_whoami(&o->me);
	return rc ? rc : api_open(1, &o->api);
}

static int run(wb_db *db, cli *c, void *p)
{
	opts *o = p;
	int rc = agent_me(db, o->me);
	if (rc)
		return rc;
	chat_opts co = {.agent = o->me, .tz = c->tz, .force = o->force, .tty = isatty(STDIN_FILENO)};
	return chat_run(db, o->api, &co, o->phone);
}

static void done(void *p)
{
	opts *o = p;
	free(o->me);
	api_close(o->api);
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .prepare = prepare, .run = run, .done = done}, argc, argv, &(opts){0});
}
