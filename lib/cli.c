#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"
#include "version.h"

int cli_common(cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'd':
		c->db_path = arg;
		return 1;
	case 'o': {
		out_format f;
		if (out_parse_format(arg, &f))
			wb_usage("%s", wb_errmsg());
		c->format = arg;
		return 1;
	}
	case 'h':
		fputs(c->usage, stdout);
		exit(0);
	case 'V':
		printf("%s (wb) %s\n", wb_prog, WB_VERSION);
		exit(0);
	case '?':
	case ':':
		fprintf(stderr, "Try '%s --help' for more information.\n", wb_prog);
		exit(EX_USAGE);
	}
	return 0;
}

wb_db *cli_db(cli *c)
{
	wb_db *db;
	int rc = db_open(c->db_path, &db);
	if (rc)
		wb_fail(rc);
	return db;
}

out *cli_out(cli *c, const char *const *cols, int ncols)
{
	out_format f;
	if (out_parse_format(c->format, &f))
		wb_usage("%s", wb_errmsg());
	return out_new(f, stdout, cols, ncols);
}

int cli_finish(out *o, wb_db *db)
{
	int rc = out_close(o);
	db_close(db);
	return rc;
}

static void list_choices(sb *b, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		sb_printf(b, "%s%s", i ? ", " : "", names[i]);
}

int cli_subcommand(const char *name, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (name && !strcmp(name, names[i]))
			return i;
	sb b = {0};
	list_choices(&b, names);
	if (!name)
		wb_usage("missing command (%s)", b.s);
	wb_usage("unknown command '%s' (%s)", name, b.s);
}

int cli_choice(const char *opt, const char *arg, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(arg, names[i]))
			return i;
	sb b = {0};
	list_choices(&b, names);
	wb_usage("%s: '%s' is not one of %s", opt, arg, b.s);
}
