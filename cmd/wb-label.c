/* wb-label — labels on chats and messages: list, create, remove, rename,
 * recolour, apply to and remove from contacts (arguments or any listing on
 * stdin) or messages (--message WAMID), and list who carries one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "contact.h"
#include "err.h"
#include "in.h"
#include "label.h"
#include "msglog.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-label [-d DB] [-o FORMAT] COMMAND [ARGS]\n"
	"\n"
	"  ls                          labels with their colors and member counts\n"
	"  add NAME [--color 1-20]     create a label\n"
	"  rm NAME                     delete a label (contacts keep existing)\n"
	"  rename OLD NEW              rename a label\n"
	"  color NAME N                set a label's color (1-20)\n"
	"  apply NAME [PHONE...]       label contacts (phones from stdin when none)\n"
	"  remove NAME [PHONE...]      unlabel contacts (phones from stdin when none)\n"
	"  apply|remove NAME --message WAMID...   label or unlabel single messages\n"
	"  who NAME                    the contacts with a label\n"
	"  who NAME --message          the messages with a label\n"
	"\n"
	"Tables on stdin (apply, remove):\n"
	IN_TABLE_USAGE
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"Phones on stdin: one a line, or CSV/TSV with a phone column, or JSONL;\n"
	"so 'wb-contact ls --inactive 30d | wb-label apply dormant' works. A user ID\n"
	"(or a user_id column) names a contact who has no phone number.\n";

enum { LS, ADD, RM, RENAME, COLOR, APPLY, REMOVE, WHO };
static const cli_cmd commands[] = {
	[LS] = {"ls", 0, 0, NULL},
	[ADD] = {"add", 1, 1, NULL},
	[RM] = {"rm", 1, 1, NULL},
	[RENAME] = {"rename", 2, 2, NULL},
	[COLOR] = {"color", 2, 2, NULL},
	[APPLY] = {"apply", 1, -1, "a label name"},
	[REMOVE] = {"remove", 1, -1, "a label name"},
	[WHO] = {"who", 1, 1, NULL},
	{0},
};

typedef struct {
	int cmd, argc;
	char **argv; /* the command's arguments */
	int color, messages, table;
} opts;

static int ls_row(const label *l, void *ctx)
{
	out *o = ctx;
	out_str(o, l->name);
	out_int(o, l->color);
	out_int(o, l->contacts);
	out_int(o, l->messages);
	out_row_end(o);
	return 0;
}

static int who_row(const contact *c, void *ctx)
{
	out *o = ctx;
	out_str(o, *c->wa_id ? c->wa_id : NULL);
	out_str(o, *c->user_id ? c->user_id : NULL);
	out_str(o, c->name ? c->name : c->profile_name ? c->profile_name : c->username);
	out_row_end(o);
	return 0;
}

static int message_row(const msglog_msg *m, void *o)
{
	msglog_row r;
	msglog_cells(m, &r);
	out_time(o, m->ts);
	out_row_strs(o, r.cell, MSGLOG_NCOLS - 1);
	return 0;
}

/* who: the contacts carrying a label, or with --message its messages. */
static int who(wb_db *db, cli *c, const char *name, int messages)
{
	int64_t lid;
	int rc = label_find(db, name, &lid);
	if (rc)
		return rc;
	out *o;
	if (messages) {
		o = cli_out(c, msglog_cols);
		rc = msglog_labelled(db, lid, message_row, o);
	} else {
		static const char *const cols[] = {"phone", "user_id", "name", NULL};
		const char *one[] = {name, NULL};
		contact_filter f = {.labels = one, .now = when_now()};
		o = cli_out(c, cols);
		rc = contact_each(db, &f, who_row, o);
	}
	if (rc)
		return rc;
	return out_close(o);
}

static int parse_color(const char *s)
{
	long v;
	if (parse_long(s, 1, 20, &v))
		wb_die(EX_DATAERR, "color '%s': colors are 1 to 20", s);
	return (int)v;
}

typedef struct {
	cli_rows rows;
	const char *label;
} tag_rows;

static int tag_row(const char *target, int changed, void *ctx)
{
	tag_rows *t = ctx;
	out *o = cli_rows_out(&t->rows);
	out_str(o, t->label);
	out_str(o, target);
	out_bool(o, changed);
	out_row_end(o);
	return 0;
}

/* apply/remove: to contacts (phones) or, with --message, to messages.
 * All or nothing in one transaction; the rows come after the commit, so
 * what is printed is what happened. */
static int tag(wb_db *db, cli *c, const opts *op)
{
	static const char *const cols[] = {"label", "target", "changed", NULL};
	tag_rows t = {{.c = c, .cols = cols}, op->argv[0]};
	int rc = label_tag(db, op->argv[0], op->cmd == APPLY, op->messages, op->argc - 1, op->argv + 1, stdin,
			   tag_row, &t);
	return cli_rows_end(&t.rows, rc);
}

static int ls(wb_db *db, cli *c)
{
	static const char *const cols[] = {"name", "color", "contacts", "messages", NULL};
	out *o = cli_out(c, cols);
	int rc = label_each(db, ls_row, o);
	int cr = out_close(o);
	return rc ? rc : cr;
}

/* The options and the command with its arguments; exits 64 on a
 * malformed command line. Options may come before or after the command. */
static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		IN_TABLE_LONGOPTS,
		{"color", required_argument, NULL, 'c'},
		{"message", no_argument, NULL, 'm'},
		{0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "c:m", longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		if (in_table_option(opt, optarg))
			op->table = 1;
		else if (opt == 'c')
			op->color = parse_color(optarg);
		else if (opt == 'm')
			op->messages = 1;
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	op->cmd = cli_command(NULL, commands, &op->argc, &op->argv);
	c->reads = op->cmd == LS || op->cmd == WHO;
	if (op->color && op->cmd != ADD)
		wb_usage("--color goes with add (use 'color NAME N' to change one)");
	if (op->messages && op->cmd != APPLY && op->cmd != REMOVE && op->cmd != WHO)
		wb_usage("--message goes with apply, remove and who");
	if (op->messages && op->cmd != WHO && op->argc < 2)
		wb_usage("--message needs message ids");
	if (op->table && ((op->cmd != APPLY && op->cmd != REMOVE) || op->messages))
		wb_usage("--delimiter and --phone-column go with apply and remove (phones on stdin)");
	if (op->cmd == COLOR)
		op->color = parse_color(op->argv[1]);
}

static int run(wb_db *db, cli *c, void *p)
{
	const opts *op = p;
	char **argv = op->argv;
	switch (op->cmd) {
	case LS: return ls(db, c);
	case ADD: return label_add(db, argv[0], op->color ? op->color : 1, when_now());
	case RM: return label_rm(db, argv[0]);
	case RENAME: return label_rename(db, argv[0], argv[1]);
	case COLOR: return label_set_color(db, argv[0], op->color);
	case WHO: return who(db, c, argv[0], op->messages);
	default: return tag(db, c, op);
	}
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .run = run}, argc, argv, &(opts){0});
}
