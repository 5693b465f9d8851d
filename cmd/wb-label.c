/* wb-label — labels on chats and messages: list, create, remove, rename,
 * recolour, apply to and remove from contacts (arguments or any listing on
 * stdin) or messages (--message WAMID), and list who carries one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "contact.h"
#include "conv.h"
#include "err.h"
#include "in.h"
#include "label.h"
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
	CLI_COMMON_USAGE
	"\n"
	"Phones on stdin: one a line, or CSV/TSV with a phone column, or JSONL;\n"
	"so 'wb-contact ls --inactive 30d | wb-label apply dormant' works.\n";

enum { LS, ADD, RM, RENAME, COLOR, APPLY, REMOVE, WHO };
static const char *const commands[] = {"ls", "add", "rm", "rename", "color", "apply", "remove", "who", NULL};

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
	out_str(o, c->wa_id);
	out_str(o, c->name ? c->name : c->profile_name);
	out_row_end(o);
	return 0;
}

static int message_row(const conv_msg *m, void *ctx)
{
	conv_cells(ctx, m);
	out_row_end(ctx);
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
		o = cli_out(c, conv_cols, CONV_NCOLS);
		rc = conv_labelled(db, lid, message_row, o);
	} else {
		static const char *const cols[] = {"phone", "name"};
		const char *one[] = {name, NULL};
		contact_filter f = {.labels = one, .now = when_now()};
		o = cli_out(c, cols, 2);
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

/* apply/remove: to contacts (phones) or, with --message, to messages.
 * All or nothing in one transaction; the rows are written after the
 * commit, so what is printed is what happened. */
static int tag(wb_db *db, cli *c, int applying, const char *name, int messages, int argc, char **argv)
{
	int64_t lid;
	int rc = label_find(db, name, &lid);
	if (rc) /* naming a label that does not exist is bad input here */
		return rc == EX_FALSE ? EX_DATAERR : rc;
	if (messages && argc == 0)
		return wb_err(EX_USAGE, "--message needs message ids");
	int64_t now = when_now();
	phone_list phones = {.db = db};
	if (!messages && (rc = in_phones(argc, argv, stdin, "stdin", &phones)))
		return rc;
	size_t n = messages ? (size_t)argc : phones.n;
	char *changed = xcalloc(n, 1);
	if ((rc = db_begin(db)))
		goto done;
	for (size_t i = 0; i < n && !rc; i++) {
		int ch = 0;
		if (messages) {
			rc = applying ? label_apply_message(db, lid, argv[i], now, &ch)
				      : label_remove_message(db, lid, argv[i], &ch);
			if (rc == EX_FALSE)
				rc = EX_DATAERR;
		} else {
			int64_t cid;
			rc = contact_ensure(db, phones.v[i], now, &cid);
			if (!rc)
				rc = applying ? label_apply(db, lid, cid, now, &ch)
					      : label_remove(db, lid, cid, &ch);
		}
		changed[i] = (char)ch;
	}
	if (rc) {
		db_rollback(db);
		goto done;
	}
	if ((rc = db_commit(db)))
		goto done;
	static const char *const cols[] = {"label", "target", "changed"};
	out *o = cli_out(c, cols, 3);
	for (size_t i = 0; i < n; i++) {
		out_str(o, name);
		out_str(o, messages ? argv[i] : phones.v[i]);
		out_bool(o, changed[i]);
		out_row_end(o);
	}
	rc = out_close(o);
done:
	free(changed);
	phone_list_free(&phones);
	return rc;
}

int main(int argc, char **argv)
{
	wb_init(argv[0]);
	cli c = {.usage = usage};
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"color", required_argument, NULL, 'c'},
		{"message", no_argument, NULL, 'm'},
		{0},
	};
	int color = 0, messages = 0, opt;
	/* options may come before or after the command */
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "c:m", longopts, NULL)) != -1) {
		if (cli_common(&c, opt, optarg))
			continue;
		if (opt == 'c')
			color = parse_color(optarg);
		else if (opt == 'm')
			messages = 1;
	}
	argc -= optind;
	argv += optind;
	int cmd = cli_subcommand(argc ? argv[0] : NULL, commands);
	argc--;
	argv++;
	static const int want[] = {[LS] = 0, [ADD] = 1, [RM] = 1, [RENAME] = 2, [COLOR] = 2,
				   [APPLY] = -1, [REMOVE] = -1, [WHO] = 1};
	if (want[cmd] >= 0 && argc != want[cmd])
		wb_usage("%s takes %d argument%s", commands[cmd], want[cmd], want[cmd] == 1 ? "" : "s");
	if (want[cmd] < 0 && argc < 1)
		wb_usage("%s needs a label name", commands[cmd]);
	if (color && cmd != ADD)
		wb_usage("--color goes with add (use 'color NAME N' to change one)");
	if (messages && cmd != APPLY && cmd != REMOVE && cmd != WHO)
		wb_usage("--message goes with apply, remove and who");

	int new_color = cmd == COLOR ? parse_color(argv[1]) : 0;
	wb_db *db = cli_db(&c);
	int rc = 0;
	switch (cmd) {
	case LS: {
		static const char *const cols[] = {"name", "color", "contacts", "messages"};
		out *o = cli_out(&c, cols, 4);
		rc = label_each(db, ls_row, o);
		if (!rc)
			return cli_finish(o, db);
		break;
	}
	case ADD:
		rc = label_add(db, argv[0], color ? color : 1, when_now());
		break;
	case RM:
		rc = label_rm(db, argv[0]);
		break;
	case RENAME:
		rc = label_rename(db, argv[0], argv[1]);
		break;
	case COLOR:
		rc = label_set_color(db, argv[0], new_color);
		break;
	case APPLY:
	case REMOVE:
		rc = tag(db, &c, cmd == APPLY, argv[0], messages, argc - 1, argv + 1);
		break;
	case WHO:
		rc = who(db, &c, argv[0], messages);
		break;
	}
	db_close(db);
	if (rc)
		wb_fail(rc);
	return 0;
}
