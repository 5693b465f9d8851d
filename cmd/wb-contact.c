/* wb-contact — the people the business talks to: add one with attributes,
 * import a CRM's CSV, list them by labels and activity, show one, read a
 * conversation, opt them out or in, remove them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "contact.h"
#include "conv.h"
#include "err.h"
#include "import.h"
#include "in.h"
#include "kv.h"
#include "label.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-contact [-d DB] [-o FORMAT] COMMAND [ARGS]\n"
	"\n"
	"  add PHONE [name=NAME] [KEY=VALUE...]   add or update a contact; KEY= removes\n"
	"  import [--skip-bad] [FILE]  upsert contacts from CSV (stdin when no FILE)\n"
	"  ls [FILTER...]              list contacts\n"
	"  show PHONE                  one contact with its labels and attributes\n"
	"  log PHONE                   the conversation, oldest first\n"
	"  optout [PHONE...]           no broadcasts, no automatic replies\n"
	"  optin [PHONE...]            undo optout\n"
	"  rm [PHONE...]               remove contacts and their messages\n"
	"\n"
	"Filters for ls (combined with AND):\n"
	"  --label L            has label L (repeatable)\n"
	"  --not-label L        does not have label L (repeatable)\n"
	"  --inactive DUR       no message from them within DUR (30d); never wrote counts\n"
	"  --active DUR         a message from them within DUR\n"
	"  --opted-out          only those who opted out\n"
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"Phones are taken as arguments or, with none, from stdin: one a line, CSV/TSV\n"
	"with a phone column, or JSONL; so 'wb-label who vip | wb-contact optout' works.\n";

enum { ADD, IMPORT, LS, SHOW, LOG, OPTOUT, OPTIN, RM };
static const char *const commands[] = {"add", "import", "ls", "show", "log", "optout", "optin", "rm", NULL};

typedef struct {
	const char **labels, **not_labels;
	int nlabels, nnot;
	int64_t inactive, active;
	int opted_out, skip_bad, filtering;
} opts;

/* The database, once open: closed before any exit, so that nothing is
 * left behind for a leak checker to mistake. */
static wb_db *opened;

static _Noreturn void fail(int rc)
{
	db_close(opened);
	wb_fail(rc);
}

static void put_time(out *o, int64_t t)
{
	char buf[32];
	if (!t) {
		out_null(o);
		return;
	}
	when_fmt_utc(t, buf);
	out_str(o, buf);
}

/* The cells ls and show share, in this order. */
static const char *const contact_cols[] = {"phone", "name", "profile_name", "labels", "opted_out", "last_in"};
#define NCONTACT_COLS 6

static void contact_cells(out *o, wb_db *db, const contact *c)
{
	char *labels = label_names_of(db, c->id);
	out_str(o, c->wa_id);
	out_str(o, c->name);
	out_str(o, c->profile_name);
	out_str(o, labels);
	out_bool(o, c->opted_out);
	put_time(o, c->last_in_at);
	free(labels);
}

typedef struct {
	out *o;
	wb_db *db;
} ls_ctx;

static int ls_row(const contact *c, void *ctx)
{
	ls_ctx *l = ctx;
	contact_cells(l->o, l->db, c);
	out_row_end(l->o);
	return 0;
}

static int ls(wb_db *db, cli *cl, const opts *op)
{
	/* a label that does not exist is an error before any row (or the
	 * header) is written */
	for (int i = 0; i < op->nlabels + op->nnot; i++) {
		int64_t id;
		const char *name = i < op->nlabels ? op->labels[i] : op->not_labels[i - op->nlabels];
		int rc = label_find(db, name, &id);
		if (rc)
			fail(rc == EX_FALSE ? EX_DATAERR : rc);
	}
	contact_filter f = {.labels = op->labels, .not_labels = op->not_labels, .inactive = op->inactive,
			    .active = op->active, .opted_out = op->opted_out, .now = when_now()};
	ls_ctx l = {cli_out(cl, contact_cols, NCONTACT_COLS), db};
	int rc = contact_each(db, &f, ls_row, &l);
	if (rc)
		fail(rc);
	return cli_finish(l.o, db);
}

/* A phone argument, or exit 65 naming it. */
static void one_phone(wb_db *db, const char *arg, char wa_id[PHONE_MAX])
{
	int rc = contact_resolve_phone(db, arg, wa_id);
	if (rc)
		fail(rc);
}

/* The contact a phone argument names, or exit: 65 for a bad number, 1
 * for one that is not a contact. */
static void known_contact(wb_db *db, const char *arg, contact *c)
{
	char wa_id[PHONE_MAX];
	one_phone(db, arg, wa_id);
	int rc = contact_get(db, wa_id, c);
	if (rc)
		fail(rc);
}

static int show(wb_db *db, cli *cl, const char *arg)
{
	contact c;
	known_contact(db, arg, &c);
	static const char *cols[NCONTACT_COLS + 6];
	memcpy(cols, contact_cols, sizeof contact_cols);
	static const char *const more[] = {"opted_out_at", "created", "updated", "last_out", "attrs"};
	memcpy(cols + NCONTACT_COLS, more, sizeof more);
	out *o = cli_out(cl, cols, NCONTACT_COLS + 5);
	contact_cells(o, db, &c);
	put_time(o, c.opted_out_at);
	put_time(o, c.created_at);
	put_time(o, c.updated_at);
	put_time(o, c.last_out_at);
	char *attrs = contact_attrs_json(db, c.id);
	out_json(o, attrs);
	out_row_end(o);
	free(attrs);
	contact_free(&c);
	return cli_finish(o, db);
}

static int log_row(const conv_msg *m, void *ctx)
{
	conv_cells(ctx, m);
	out_row_end(ctx);
	return 0;
}

static int conv_log(wb_db *db, cli *cl, const char *arg)
{
	contact c;
	known_contact(db, arg, &c);
	out *o = cli_out(cl, conv_cols, CONV_NCOLS);
	int rc = conv_each(db, c.id, log_row, o);
	contact_free(&c);
	if (rc)
		fail(rc);
	return cli_finish(o, db);
}

/* add PHONE [name=NAME] [KEY=VALUE...]: all arguments are checked before
 * anything is written. */
static int add(wb_db *db, cli *cl, int argc, char **argv)
{
	char wa_id[PHONE_MAX];
	one_phone(db, argv[0], wa_id);
	const char *name = NULL;
	kv attrs = {0};
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			db_close(opened);
			wb_usage("'%s': expected KEY=VALUE", argv[i]);
		}
		*eq = 0;
		const char *key = argv[i], *value = eq + 1;
		if (utf8_len(value) < 0)
			fail(wb_err(EX_DATAERR, "%s: not valid UTF-8", key));
		if (!strcmp(key, "name")) {
			if (!*value)
				fail(wb_err(EX_DATAERR, "name: empty"));
			name = value;
			continue;
		}
		int rc = contact_key_check(key);
		if (rc)
			fail(rc);
		kv_set(&attrs, key, value);
	}
	int64_t now = when_now(), id;
	int created = 0, rc = db_begin(db);
	if (!rc)
		rc = contact_upsert(db, wa_id, name, now, &id, &created);
	/* KEY= (nothing after '=') removes the attribute */
	for (size_t i = 0; i < attrs.n && !rc; i++)
		rc = contact_set_attr(db, id, attrs.k[i], *attrs.v[i] ? attrs.v[i] : NULL);
	if (rc) {
		db_rollback(db);
		fail(rc);
	}
	if ((rc = db_commit(db)))
		fail(rc);
	kv_free(&attrs);
	static const char *const cols[] = {"phone", "created"};
	out *o = cli_out(cl, cols, 2);
	out_str(o, wa_id);
	out_bool(o, created);
	out_row_end(o);
	return cli_finish(o, db);
}

static void skipped(const char *msg, void *ctx)
{
	(void)ctx;
	wb_warn("skipped %s", msg);
}

static int import(wb_db *db, cli *cl, const opts *op, int argc, char **argv)
{
	FILE *fp = stdin;
	const char *name = "stdin";
	if (argc == 1 && strcmp(argv[0], "-")) {
		name = argv[0];
		if (!(fp = fopen(name, "r")))
			fail(wb_err(EX_NOINPUT, "%s: cannot open: %m", name));
	}
	import_stats st;
	int rc = import_contacts(db, fp, name, when_now(), op->skip_bad ? skipped : NULL, NULL, &st);
	if (fp != stdin)
		fclose(fp);
	if (rc)
		fail(rc);
	static const char *const cols[] = {"created", "updated", "skipped"};
	out *o = cli_out(cl, cols, 3);
	out_int(o, st.created);
	out_int(o, st.updated);
	out_int(o, st.skipped);
	out_row_end(o);
	return cli_finish(o, db);
}

/* optout, optin, rm: every phone in one transaction; the rows are
 * written only after the commit, so what is printed is what happened. */
static int each_phone(wb_db *db, cli *cl, int cmd, int argc, char **argv)
{
	phone_list phones = {.db = db};
	int rc = in_phones(argc, argv, stdin, "stdin", &phones);
	if (rc)
		fail(rc);
	int64_t now = when_now();
	char *changed = xcalloc(phones.n, 1);
	if ((rc = db_begin(db)))
		fail(rc);
	for (size_t i = 0; i < phones.n && !rc; i++) {
		if (cmd == RM) {
			rc = contact_rm(db, phones.v[i]);
			continue;
		}
		int64_t id;
		contact c;
		if ((rc = contact_ensure(db, phones.v[i], now, &id)) || (rc = contact_get(db, phones.v[i], &c)))
			break;
		changed[i] = c.opted_out != (cmd == OPTOUT);
		contact_free(&c);
		if (changed[i])
			rc = contact_set_optout(db, id, cmd == OPTOUT, now);
	}
	if (rc) {
		db_rollback(db);
		fail(rc);
	}
	if ((rc = db_commit(db)))
		fail(rc);
	static const char *const cols[] = {"phone", "opted_out", "changed"};
	out *o = cli_out(cl, cols, cmd == RM ? 1 : 3);
	for (size_t i = 0; i < phones.n; i++) {
		out_str(o, phones.v[i]);
		if (cmd != RM) {
			out_bool(o, cmd == OPTOUT);
			out_bool(o, changed[i]);
		}
		out_row_end(o);
	}
	free(changed);
	phone_list_free(&phones);
	return cli_finish(o, db);
}

static int64_t parse_dur(const char *opt, const char *arg)
{
	int64_t secs;
	if (when_dur_parse(arg, &secs))
		wb_die(EX_DATAERR, "%s: %s", opt, wb_errmsg());
	if (secs <= 0)
		wb_die(EX_DATAERR, "%s: '%s': a duration must be more than 0", opt, arg);
	return secs;
}

int main(int argc, char **argv)
{
	wb_init(argv[0]);
	cli c = {.usage = usage};
	enum { O_LABEL = 256, O_NOT_LABEL, O_INACTIVE, O_ACTIVE, O_OPTED_OUT, O_SKIP_BAD };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"label", required_argument, NULL, O_LABEL},
		{"not-label", required_argument, NULL, O_NOT_LABEL},
		{"inactive", required_argument, NULL, O_INACTIVE},
		{"active", required_argument, NULL, O_ACTIVE},
		{"opted-out", no_argument, NULL, O_OPTED_OUT},
		{"skip-bad", no_argument, NULL, O_SKIP_BAD},
		{0},
	};
	opts op = {0};
	/* each list is NULL-terminated; it cannot outgrow argc */
	op.labels = xcalloc((size_t)argc + 1, sizeof *op.labels);
	op.not_labels = xcalloc((size_t)argc + 1, sizeof *op.not_labels);
	int opt;
	/* options may come before or after the command */
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common(&c, opt, optarg))
			continue;
		op.filtering |= opt != O_SKIP_BAD;
		switch (opt) {
		case O_LABEL: op.labels[op.nlabels++] = optarg; break;
		case O_NOT_LABEL: op.not_labels[op.nnot++] = optarg; break;
		case O_INACTIVE: op.inactive = parse_dur("--inactive", optarg); break;
		case O_ACTIVE: op.active = parse_dur("--active", optarg); break;
		case O_OPTED_OUT: op.opted_out = 1; break;
		case O_SKIP_BAD: op.skip_bad = 1; break;
		}
	}
	argc -= optind;
	argv += optind;
	int cmd = cli_subcommand(argc ? argv[0] : NULL, commands);
	argc--;
	argv++;
	if (op.filtering && cmd != LS)
		wb_usage("--label, --not-label, --inactive, --active and --opted-out go with ls");
	if (op.skip_bad && cmd != IMPORT)
		wb_usage("--skip-bad goes with import");
	/* how many arguments each takes: exactly n, or at least -n-1 */
	static const int want[] = {[ADD] = -2, [IMPORT] = -1, [LS] = 0, [SHOW] = 1, [LOG] = 1,
				   [OPTOUT] = -1, [OPTIN] = -1, [RM] = -1};
	if (cmd == IMPORT && argc > 1)
		wb_usage("import takes at most one file");
	if (want[cmd] >= 0 && argc != want[cmd])
		wb_usage("%s takes %d argument%s", commands[cmd], want[cmd], want[cmd] == 1 ? "" : "s");
	if (want[cmd] < -1 && argc < -want[cmd] - 1)
		wb_usage("%s needs a phone number", commands[cmd]);

	wb_db *db = opened = cli_db(&c);
	int rc = 0;
	switch (cmd) {
	case ADD: rc = add(db, &c, argc, argv); break;
	case IMPORT: rc = import(db, &c, &op, argc, argv); break;
	case LS: rc = ls(db, &c, &op); break;
	case SHOW: rc = show(db, &c, argv[0]); break;
	case LOG: rc = conv_log(db, &c, argv[0]); break;
	case OPTOUT:
	case OPTIN:
	case RM: rc = each_phone(db, &c, cmd, argc, argv); break;
	}
	free(op.labels);
	free(op.not_labels);
	return rc;
}
