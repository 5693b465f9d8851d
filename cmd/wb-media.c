/* wb-media — media customers sent: get downloads one (by its message's
 * wamid or its media id), checks it and records where it went. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "err.h"
#include "mediaget.h"

static const char usage[] =
	"usage: wb-media [-d DB] [-o FORMAT] get WAMID|MEDIA_ID [-O FILE|DIR]\n"
	"\n"
	"  get WAMID|MEDIA_ID    download a received image, voice note, video or\n"
	"                        document, checked against Meta's size and sha256\n"
	"  -O, --out FILE|DIR    where to save it; a directory gets MEDIA_ID.EXT\n"
	"                        (default: the current directory)\n"
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"The saved path is recorded on the message (wb-contact log's media column).\n"
	"Exit 1 for a wamid no stored message has, 65 when the message has no medium,\n"
	"the API refuses, or the bytes are not what Meta described.\n";

enum { GET };
static const cli_cmd commands[] = {
	[GET] = {"get", 1, 1, "a wamid or media id"},
	{0},
};

typedef struct {
	int cmd, argc;
	char **argv;
	const char *dest;
	api *api;
} opts;

static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"out", required_argument, NULL, 'O'},
		{0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "O:", longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		if (opt == 'O')
			op->dest = optarg;
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	op->cmd = cli_command(NULL, commands, &op->argc, &op->argv);
}

/* The API's configuration is checked before the database is opened. */
static int prepare(cli *c, void *p)
{
	return api_open(1, &((opts *)p)->api);
}

static int run(wb_db *db, cli *c, void *p)
{
	opts *op = p;
	static const char *const cols[] = {"wamid", "media_id", "mime", "size", "sha256", "path", NULL};
	cli_rows rows = {.c = c, .cols = cols};
	mediaget_got g;
	int rc = mediaget(db, op->api, op->argv[0], op->dest, &g);
	if (!rc) {
		out *o = cli_rows_out(&rows);
		out_str(o, g.wamid);
		out_str(o, g.media_id);
		out_str(o, g.mime);
		out_int(o, g.size);
		out_str(o, g.sha256);
		out_str(o, g.path);
		out_row_end(o);
	}
	mediaget_free(&g);
	return cli_rows_end(&rows, rc);
}

static void done(void *p)
{
	api_close(((opts *)p)->api);
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .prepare = prepare, .run = run, .done = done},
			argc, argv, &(opts){0});
}
