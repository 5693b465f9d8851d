#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "profile.h"
#include "util.h"
#include "version.h"
#include "when.h"

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
	case CLI_NO_HEADER:
		c->no_header = 1;
		return 1;
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
	int rc = c->reads ? db_open_existing(c->db_path, &db) : db_open(c->db_path, &db);
	if (rc)
		wb_fail(rc);
	return db;
}

/* The format the options name, or exits. */
static out_format format_of(cli *c)
{
	out_format f;
	char *setting = NULL;
	int rc = c->format ? 0 : config_get("WB_OUTPUT", &setting);
	if (rc)
		wb_fail(rc);
	if (out_parse_format(c->format ? c->format : setting, &f))
		wb_usage("%s", wb_errmsg());
	free(setting);
	return f;
}

int64_t cli_duration(const char *opt, const char *arg)
{
	int64_t secs;
	if (when_dur_parse(arg, &secs))
		wb_die(EX_DATAERR, "%s: %s", opt, wb_errmsg());
	if (secs <= 0)
		wb_die(EX_DATAERR, "%s: '%s': a duration must be more than 0", opt, arg);
	return secs;
}

int cli_for_people(cli *c)
{
	return format_of(c) == OUT_TABLE && isatty(STDOUT_FILENO);
}

out *cli_out(cli *c, const char *const *cols)
{
	out *o = out_new(format_of(c), stdout, cols);
	out_zone(o, c->tz);
	if (c->no_header)
		out_no_header(o);
	return o;
}

out *cli_rows_out(cli_rows *r)
{
	if (!r->o)
		r->o = cli_out(r->c, r->cols);
	return r->o;
}

int cli_rows_end(cli_rows *r, int rc)
{
	if (!rc && !r->quiet)
		cli_rows_out(r);
	int cr = out_close(r->o);
	r->o = NULL;
	return rc ? rc : cr;
}

int cli_main(const cli_tool *t, int argc, char **argv, void *opts)
{
	wb_init(argv[0]);
	cli c = {.usage = t->usage};
	t->parse(argc, argv, &c, opts);
	int rc = t->prepare ? t->prepare(&c, opts) : 0;
	if (!rc) {
		wb_db *db = cli_db(&c);
		c.tz = profile_tz(db);
		rc = t->run(db, &c, opts);
		db_close(db);
		free(c.tz);
	}
	if (t->done)
		t->done(opts);
	if (rc && rc != c.answer)
		wb_fail(rc);
	return rc;
}

/* "a, b, c": the names in a list whose entries lie size bytes apart,
 * each starting with its name, up to a NULL name (a list of names, or of
 * cli_cmd). */
static void list_names(sb *b, const void *list, size_t size)
{
	const char *entry = list;
	for (int i = 0; *(const char *const *)entry; i++, entry += size)
		sb_printf(b, "%s%s", i ? ", " : "", *(const char *const *)entry);
}

static _Noreturn void no_such_command(const char *name, const void *list, size_t size)
{
	sb b = {0};
	list_names(&b, list, size);
	if (!name)
		wb_usage("missing command (%s)", b.s);
	wb_usage("unknown command '%s' (%s)", name, b.s);
}

int cli_subcommand(const char *name, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (name && !strcmp(name, names[i]))
			return i;
	no_such_command(name, names, sizeof *names);
}

int cli_command(const char *parent, const cli_cmd *cmds, int *argc, char ***argv)
{
	const char *name = *argc ? (*argv)[0] : NULL;
	int i = 0;
	while (cmds[i].name && !(name && !strcmp(name, cmds[i].name)))
		i++;
	if (!cmds[i].name)
		no_such_command(name, cmds, sizeof *cmds);
	(*argc)--;
	(*argv)++;
	const cli_cmd *c = &cmds[i];
	const char *p = parent ? parent : "", *sp = parent ? " " : "";
	int n = *argc, lim = n < c->min ? c->min : c->max;
	if (n < c->min && c->needs)
		wb_usage("%s%s%s needs %s", p, sp, c->name, c->needs);
	if (n < c->min || (c->max >= 0 && n > c->max)) {
		if (!lim)
			wb_usage("%s%s%s takes no arguments", p, sp, c->name);
		wb_usage("%s%s%s takes %s%d argument%s", p, sp, c->name,
			 c->min == c->max ? "" : n < c->min ? "at least " : "at most ", lim, lim == 1 ? "" : "s");
	}
	return i;
}

int cli_choice(const char *opt, const char *arg, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(arg, names[i]))
			return i;
	sb b = {0};
	list_names(&b, names, sizeof *names);
	wb_usage("%s: '%s' is not one of %s", opt, arg, b.s);
}
