/* wb-contact — the people the business talks to: add one with attributes,
 * import a CRM's CSV, list them by labels and activity, show one, read
 * their message log, opt them out or in, remove them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "changes.h"
#include "cli.h"
#include "contact.h"
#include "err.h"
#include "import.h"
#include "in.h"
#include "kv.h"
#include "label.h"
#include "msglog.h"
#include "search.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-contact [-d DB] [-o FORMAT] COMMAND [ARGS]\n"
	"\n"
	"  add PHONE [name=NAME] [KEY=VALUE...]   add or update a contact; KEY= removes\n"
	"  import [--skip-bad] [FILE]  upsert contacts from CSV (stdin when no FILE)\n"
	"  import --key COLUMN [--delete-missing] [--dry-run] [FILE]\n"
	"                              a CRM's full list: rows matched on the COLUMN\n"
	"                              attribute first; --delete-missing removes the\n"
	"                              contacts with a COLUMN value the file lacks\n"
	"  ls [FILTER...]              list contacts\n"
	"  show PHONE                  one contact with its labels and attributes\n"
	"  log PHONE                   the message log, oldest first\n"
	"  log --all [--after CURSOR | --cursor FILE]\n"
	"                              every change (messages, statuses, labels,\n"
	"                              contacts) after a cursor, in commit order\n"
	"  search TEXT [--limit N]     messages both ways holding TEXT, newest first\n"
	"                              (default limit 50)\n"
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
	"  --unanswered         their last message came after our last reply (automatic\n"
	"                       replies are no answer)\n"
	"  --unread             a message of theirs nobody opened, with no reply after it\n"
	"  --sort KEY           last-in or last-out (the latest first), name (default: phone)\n"
	"  --where KEY=VALUE    attribute KEY is VALUE (repeatable); KEY!=VALUE: is not;\n"
	"                       KEY=: missing or empty; KEY!=: present\n"
	"Columns of ls:\n"
	"  --attrs              every attribute as a column of its own\n"
	"  --columns A,B...     these columns: ls's own (phone, name, profile_name, labels,\n"
	"                       opted_out, last_in) and attributes, in this order\n"
	"\n"
	"Tables read by import, optout, optin and rm:\n"
	IN_TABLE_USAGE
	"\n"
	"Import from a CRM:\n"
	"  --key COLUMN         match rows on this attribute (the CRM's id), then phone\n"
	"  --delete-missing     remove contacts whose COLUMN value no row has (with --key)\n"
	"  --dry-run            write nothing; list the contacts --delete-missing removes\n"
	"\n"
	"The change log (log --all), for a CRM:\n"
	"  --after CURSOR       only changes after this cursor (default: from the start)\n"
	"  --cursor FILE        start after the cursor in FILE (absent or empty: the\n"
	"                       start); save the last one there once all is written\n"
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"Phones are taken as arguments or, with none, from stdin: one a line, CSV/TSV\n"
	"with a phone column, or JSONL; so 'wb-label who vip | wb-contact optout' works.\n"
	"Wherever a PHONE goes, a user ID (US.13491208655302741918) names a contact\n"
	"who has no phone number; listings have a user_id column beside phone.\n";

enum { ADD, IMPORT, LS, SHOW, LOG, OPTOUT, OPTIN, RM, SEARCH };
static const cli_cmd commands[] = {
	[ADD] = {"add", 1, -1, "a phone number"},
	[IMPORT] = {"import", 0, 1, NULL},
	[LS] = {"ls", 0, 0, NULL},
	[SHOW] = {"show", 1, 1, NULL},
	[LOG] = {"log", 0, 1, NULL},
	[OPTOUT] = {"optout", 0, -1, NULL},
	[OPTIN] = {"optin", 0, -1, NULL},
	[RM] = {"rm", 0, -1, NULL},
	[SEARCH] = {"search", 1, 1, "the text to find"},
	{0},
};

typedef struct {
	int cmd, argc;
	char **argv; /* the command's arguments */
	const char **labels, **not_labels, **where;
	int nlabels, nnot, nwhere;
	char **columns; /* --columns, NULL-terminated */
	int ncolumns, attrs;
	int64_t inactive, active;
	int opted_out, skip_bad, filtering, table, unanswered, unread;
	contact_sort sort;
	import_sync sync;        /* import --key, --delete-missing, --dry-run */
	int all;                 /* log --all */
	const char *after_arg;   /* --after */
	const char *cursor_file; /* --cursor */
	int64_t after;           /* where log --all starts */
	long limit;              /* search; 0: not given */
} opts;

/* The cells ls and show share, in this order. */
static const char *const contact_cols[] = {"phone", "user_id", "name", "profile_name", "username", "labels",
					   "opted_out", "last_in", NULL};
#define NCONTACT_COLS 8

/* The index of name among contact_cols; -1 when it is none of them. */
static int own_column(const char *name)
{
	for (int i = 0; contact_cols[i]; i++)
		if (!strcmp(contact_cols[i], name))
			return i;
	return -1;
}

static void contact_cell(out *o, wb_db *db, const contact *c, int col)
{
	char *labels;
	switch (col) {
	case 0: out_str(o, *c->wa_id ? c->wa_id : NULL); break;
	case 1: out_str(o, *c->user_id ? c->user_id : NULL); break;
	case 2: out_str(o, c->name); break;
	case 3: out_str(o, c->profile_name); break;
	case 4: out_str(o, c->username); break;
	case 5:
		labels = label_names_of(db, c->id);
		out_str(o, labels);
		free(labels);
		break;
	case 6: out_bool(o, c->opted_out); break;
	default: out_time(o, c->last_in_at);
	}
}

static void contact_cells(out *o, wb_db *db, const contact *c)
{
	for (int i = 0; i < NCONTACT_COLS; i++)
		contact_cell(o, db, c, i);
}

typedef struct {
	out *o;
	wb_db *db;
	const char **cols; /* the listing's columns, NULL-terminated */
	int *own;          /* per column: its index in contact_cols, or -1 for an attribute */
	int any_attr;      /* some column is an attribute */
	kv attrs;
} ls_ctx;

static int ls_row(const contact *c, void *ctx)
{
	ls_ctx *l = ctx;
	if (l->any_attr)
		contact_attrs_of(c, &l->attrs);
	for (int i = 0; l->cols[i]; i++)
		if (l->own[i] >= 0)
			contact_cell(l->o, l->db, c, l->own[i]);
		else
			out_str(l->o, kv_get(&l->attrs, l->cols[i]));
	out_row_end(l->o);
	return 0;
}

/* The listing's columns: --columns's, or ls's own, then with --attrs
 * every attribute the listed contacts have that is not named yet, in
 * name order. keys keeps the attribute names. */
static int ls_columns(wb_db *db, const opts *op, const contact_filter *f, ls_ctx *l, char ***keys)
{
	const char *const *pick = op->ncolumns ? (const char *const *)op->columns : contact_cols;
	int rc = op->attrs ? contact_filter_keys(db, f, keys) : 0, n = 0;
	size_t most = (size_t)(op->ncolumns ? op->ncolumns : NCONTACT_COLS) + 1;
	for (size_t i = 0; *keys && (*keys)[i]; i++)
		most++;
	l->cols = xcalloc(most, sizeof *l->cols);
	l->own = xcalloc(most, sizeof *l->own);
	for (int i = 0; pick[i]; i++)
		l->cols[n++] = pick[i];
	for (size_t i = 0; *keys && (*keys)[i]; i++) {
		int named = 0;
		for (int j = 0; j < n && !named; j++)
			named = !strcmp(l->cols[j], (*keys)[i]);
		if (!named)
			l->cols[n++] = (*keys)[i];
	}
	for (int i = 0; i < n; i++)
		l->any_attr |= (l->own[i] = own_column(l->cols[i])) < 0;
	return rc;
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
			return rc == EX_FALSE ? EX_DATAERR : rc;
	}
	contact_filter f = {.labels = op->labels, .not_labels = op->not_labels, .inactive = op->inactive,
			    .active = op->active, .opted_out = op->opted_out, .where = op->where,
			    .now = when_now(), .unanswered = op->unanswered, .unread = op->unread, .sort = op->sort};
	ls_ctx l = {.db = db};
	char **keys = NULL;
	int rc = ls_columns(db, op, &f, &l, &keys), cr = 0;
	if (!rc) {
		l.o = cli_out(cl, l.cols);
		rc = contact_each(db, &f, ls_row, &l);
		cr = out_close(l.o);
	}
	kv_free(&l.attrs);
	free(l.cols);
	free(l.own);
	contact_keys_free(keys);
	return rc ? rc : cr;
}

/* The contact a phone (or user ID) argument names: EX_DATAERR for a bad
 * number, EX_FALSE for one that is not a contact. */
static int known_contact(wb_db *db, const char *arg, contact *c)
{
	char key[CONTACT_KEY_MAX];
	int rc = contact_resolve(db, arg, key);
	return rc ? rc : contact_get(db, key, c);
}

static int show(wb_db *db, cli *cl, const char *arg)
{
	contact c;
	int rc = known_contact(db, arg, &c);
	if (rc)
		return rc;
	static const char *cols[NCONTACT_COLS + 9];
	static const char *const more[] = {"opted_out_at", "created", "updated", "last_out", "attrs",
					   "parent_user_id", "marketing_stop", "marketing_stop_at", NULL};
	memcpy(cols, contact_cols, NCONTACT_COLS * sizeof *cols);
	memcpy(cols + NCONTACT_COLS, more, sizeof more);
	out *o = cli_out(cl, cols);
	out_one_row_vertical(o);
	contact_cells(o, db, &c);
	out_time(o, c.opted_out_at);
	out_time(o, c.created_at);
	out_time(o, c.updated_at);
	out_time(o, c.last_out_at);
	char *attrs = contact_attrs_json(db, c.id);
	out_json(o, attrs);
	out_str(o, c.parent_user_id);
	out_bool(o, c.marketing_stop);
	out_time(o, c.marketing_stop_at);
	out_row_end(o);
	free(attrs);
	contact_free(&c);
	return out_close(o);
}

static int log_row(const msglog_msg *m, void *o)
{
	msglog_row r;
	msglog_cells(m, &r);
	out_time(o, m->ts);
	out_row_strs(o, r.cell, MSGLOG_NCOLS - 1);
	return 0;
}

static int change_out(const change_row *r, void *ctx)
{
	out *o = ctx;
	out_int(o, r->cursor);
	out_time(o, r->at);
	const char *cells[] = {r->kind, r->change, r->phone, r->user_id, r->wamid, r->label};
	for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
		out_str(o, cells[i]);
	out_json(o, r->data);
	out_row_end(o);
	return 0;
}

typedef struct {
	out *o;
	int64_t last;
} change_walk;

static int change_row_out(const change_row *r, void *ctx)
{
	change_walk *w = ctx;
	w->last = r->cursor;
	return change_out(r, w->o);
}

/* log --all: the rows, written and flushed (and on disk when stdout is a
 * file), and only then the new cursor saved. */
static int change_log(wb_db *db, cli *cl, const opts *op)
{
	change_walk w = {cli_out(cl, changes_cols), op->after};
	int rc = changes_each(db, op->after, change_row_out, &w);
	int cr = out_close(w.o);
	if (rc || cr)
		return rc ? rc : cr;
	if (!op->cursor_file || w.last == op->after)
		return 0;
	/* a pipe or a terminal cannot be synced, and needs not be */
	if (fsync(STDOUT_FILENO) != 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP)
		return wb_err(EX_IOERR, "stdout: %s", strerror(errno));
	return changes_cursor_save(op->cursor_file, w.last);
}

static int msg_log(wb_db *db, cli *cl, const char *arg)
{
	contact c;
	int rc = known_contact(db, arg, &c);
	if (rc)
		return rc;
	out *o = cli_out(cl, msglog_cols);
	rc = msglog_each(db, c.id, log_row, o);
	contact_free(&c);
	int cr = out_close(o);
	return rc ? rc : cr;
}

/* add's [name=NAME] [KEY=VALUE...], checked whole before anything is
 * written. */
static int add_args(int argc, char **argv, const char **name, kv *attrs)
{
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		*eq = 0;
		const char *key = argv[i], *value = eq + 1;
		int rc = 0;
		if (utf8_len(value) < 0)
			rc = wb_err(EX_DATAERR, "%s: not valid UTF-8", key);
		else if (!strcmp(key, "name") && !*value)
			rc = wb_err(EX_DATAERR, "name: empty");
		else if (!strcmp(key, "name"))
			*name = value;
		else if (!(rc = contact_key_check(key)))
			kv_set(attrs, key, value);
		if (rc)
			return rc;
	}
	return 0;
}

/* add PHONE [name=NAME] [KEY=VALUE...] */
static int add(wb_db *db, cli *cl, int argc, char **argv)
{
	char wa_id[CONTACT_KEY_MAX];
	const char *name = NULL;
	kv attrs = {0};
	int64_t now = when_now(), id;
	int created = 0, rc = contact_resolve(db, argv[0], wa_id);
	if (!rc && !(rc = add_args(argc - 1, argv + 1, &name, &attrs)) && !(rc = db_begin(db)))
		rc = contact_upsert(db, wa_id, name, now, &id, &created);
	/* KEY= (nothing after '=') removes the attribute */
	for (size_t i = 0; i < attrs.n && !rc; i++)
		rc = contact_set_attr(db, id, attrs.k[i], *attrs.v[i] ? attrs.v[i] : NULL);
	kv_free(&attrs);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)))
		return rc;
	static const char *const cols[] = {"phone", "user_id", "created", NULL};
	out *o = cli_out(cl, cols);
	out_key(o, wa_id);
	out_bool(o, created);
	out_row_end(o);
	return out_close(o);
}

static void skipped(const char *msg, void *ctx)
{
	(void)ctx;
	wb_warn("skipped %s", msg);
}

/* import --dry-run: a contact --delete-missing would remove. */
static const char *const gone_cols[] = {"phone", "user_id", "name", "removed", NULL};
static int gone_row(const contact *c, void *ctx)
{
	out *o = cli_rows_out(ctx);
	out_str(o, *c->wa_id ? c->wa_id : NULL);
	out_str(o, *c->user_id ? c->user_id : NULL);
	out_str(o, c->name);
	out_bool(o, 1);
	out_row_end(o);
	return 0;
}

static int import(wb_db *db, cli *cl, const opts *op, const char *path)
{
	FILE *fp = stdin;
	const char *name = "stdin";
	if (path && strcmp(path, "-")) {
		name = path;
		if (!(fp = fopen(name, "r")))
			return wb_err(EX_NOINPUT, "%s: cannot open: %m", name);
	}
	import_stats st;
	import_sync sync = op->sync;
	cli_rows gone = {.c = cl, .cols = gone_cols};
	sync.removing = gone_row;
	sync.ctx = &gone;
	int rc = import_contacts(db, fp, name, when_now(), op->skip_bad ? skipped : NULL, NULL,
				 op->sync.key ? &sync : NULL, &st);
	if (fp != stdin)
		fclose(fp);
	if (sync.dry_run || rc)
		return sync.dry_run ? cli_rows_end(&gone, rc) : rc;
	/* removed only when there can be some: other imports keep their row */
	static const char *const cols[] = {"created", "updated", "skipped", "duplicates", "removed", NULL};
	static const char *const cols_keep[] = {"created", "updated", "skipped", "duplicates", NULL};
	out *o = cli_out(cl, sync.delete_missing ? cols : cols_keep);
	out_int(o, st.created);
	out_int(o, st.updated);
	out_int(o, st.skipped);
	out_int(o, st.duplicates);
	if (sync.delete_missing)
		out_int(o, st.removed);
	out_row_end(o);
	return out_close(o);
}

typedef struct {
	cli_rows rows;
	int cmd;
} phone_rows;

static int phone_row(const char *key, int changed, void *ctx)
{
	phone_rows *p = ctx;
	out *o = cli_rows_out(&p->rows);
	out_key(o, key);
	if (p->cmd != RM) {
		out_bool(o, p->cmd == OPTOUT);
		out_bool(o, changed);
	}
	out_row_end(o);
	return 0;
}

/* optout, optin, rm: every phone in one transaction; the rows come after
 * the commit, so what is printed is what happened. */
static int each_phone(wb_db *db, cli *cl, int cmd, int argc, char **argv)
{
	static const char *const cols[] = {"phone", "user_id", "opted_out", "changed", NULL};
	static const char *const rm_cols[] = {"phone", "user_id", NULL};
	phone_rows p = {{.c = cl, .cols = cmd == RM ? rm_cols : cols}, cmd};
	int rc = cmd == RM ? contact_rm_phones(db, argc, argv, stdin, phone_row, &p)
			   : contact_optout_phones(db, argc, argv, stdin, cmd == OPTOUT, phone_row, &p);
	return cli_rows_end(&p.rows, rc);
}

static int search_row(const search_hit *h, void *rows)
{
	out *o = cli_rows_out(rows);
	out_time(o, h->ts);
	const char *cells[] = {*h->wa_id ? h->wa_id : NULL, *h->user_id ? h->user_id : NULL, h->name,
			       h->direction, h->type, h->snippet, h->wamid};
	out_row_strs(o, cells, (int)(sizeof cells / sizeof *cells));
	return 0;
}

/* search: the match marked only for people at a terminal; programs get
 * the plain text. Like grep, nothing found exits 1 and prints nothing
 * (as show of no such contact), so a script can test it. */
static int search(wb_db *db, cli *c, const char *text, long limit)
{
	static const char *const cols[] = {"time", "phone", "user_id", "name", "direction", "type", "snippet",
					   "wamid", NULL};
	static const char *const marks[2] = {"\u00ab", "\u00bb"}, *const none[2] = {"", ""};
	cli_rows rows = {.c = c, .cols = cols};
	c->answer = EX_FALSE;
	int rc = search_each(db, text, limit ? limit : 50, cli_for_people(c) ? marks : none, search_row, &rows);
	return cli_rows_end(&rows, rc || rows.o ? rc : EX_FALSE);
}

/* log takes a PHONE, or --all with at most one of --after and --cursor;
 * import's --key comes before --delete-missing and --dry-run. */
static void log_import_args(opts *op)
{
	if ((op->sync.key || op->sync.delete_missing || op->sync.dry_run) && op->cmd != IMPORT)
		wb_usage("--key, --delete-missing and --dry-run go with import");
	if ((op->sync.delete_missing || op->sync.dry_run) && !op->sync.key)
		wb_usage("--delete-missing and --dry-run go with --key");
	if ((op->all || op->after_arg || op->cursor_file) && op->cmd != LOG)
		wb_usage("--all, --after and --cursor go with log");
	if (op->cmd != LOG)
		return;
	if (!op->all && op->argc != 1)
		wb_usage("log takes a phone number, or --all");
	if (op->all && op->argc)
		wb_usage("log --all takes no phone number");
	if ((op->after_arg || op->cursor_file) && !op->all)
		wb_usage("--after and --cursor go with log --all");
	if (op->after_arg && op->cursor_file)
		wb_usage("--after and --cursor: one or the other");
	long v = 0;
	if (op->after_arg && parse_long(op->after_arg, 0, INT64_MAX, &v))
		wb_usage("--after: '%s' is not a cursor (a number log --all wrote)", op->after_arg);
	op->after = v;
}

/* --columns A,B: each an own column of ls or an attribute name. */
static void add_columns(opts *op, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		strtrim(name);
		if (own_column(name) < 0 && contact_key_check(name))
			wb_usage("--columns: '%s' is neither a column of ls nor an attribute name", name);
		op->columns = xrealloc(op->columns, (size_t)(op->ncolumns + 2) * sizeof *op->columns);
		op->columns[op->ncolumns++] = xstrdup(name);
		op->columns[op->ncolumns] = NULL;
	}
	free(copy);
	if (!op->ncolumns)
		wb_usage("--columns: column names, separated by commas");
}

enum { O_LABEL = 256, O_NOT_LABEL, O_INACTIVE, O_ACTIVE, O_OPTED_OUT, O_WHERE, O_ATTRS, O_COLUMNS,
       O_UNANSWERED, O_UNREAD, O_SORT, O_SKIP_BAD, O_ALL, O_AFTER, O_CURSOR, O_KEY, O_DELETE_MISSING,
       O_DRY_RUN, O_LIMIT };
static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	IN_TABLE_LONGOPTS,
	{"label", required_argument, NULL, O_LABEL},
	{"not-label", required_argument, NULL, O_NOT_LABEL},
	{"inactive", required_argument, NULL, O_INACTIVE},
	{"active", required_argument, NULL, O_ACTIVE},
	{"opted-out", no_argument, NULL, O_OPTED_OUT},
	{"skip-bad", no_argument, NULL, O_SKIP_BAD},
	{"where", required_argument, NULL, O_WHERE},
	{"attrs", no_argument, NULL, O_ATTRS},
	{"columns", required_argument, NULL, O_COLUMNS},
	{"unanswered", no_argument, NULL, O_UNANSWERED},
	{"unread", no_argument, NULL, O_UNREAD},
	{"sort", required_argument, NULL, O_SORT},
	{"all", no_argument, NULL, O_ALL},
	{"after", required_argument, NULL, O_AFTER},
	{"cursor", required_argument, NULL, O_CURSOR},
	{"key", required_argument, NULL, O_KEY},
	{"delete-missing", no_argument, NULL, O_DELETE_MISSING},
	{"dry-run", no_argument, NULL, O_DRY_RUN},
	{"limit", required_argument, NULL, O_LIMIT},
	{0},
};

/* The options and the command with its arguments; exits 64 on a
 * malformed command line. Options may come before or after the command. */
static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	/* each list is NULL-terminated; it cannot outgrow argc */
	op->labels = xcalloc((size_t)argc + 1, sizeof *op->labels);
	op->not_labels = xcalloc((size_t)argc + 1, sizeof *op->not_labels);
	op->where = xcalloc((size_t)argc + 1, sizeof *op->where);
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		if (opt == O_LIMIT) {
			if (parse_long(optarg, 1, 1000000, &op->limit))
				wb_die(EX_DATAERR, "--limit: '%s' is not a number from 1 to 1000000", optarg);
			continue;
		}
		if (in_table_option(opt, optarg)) {
			op->table = 1;
			continue;
		}
		/* ls's filters come before --skip-bad and import's and log's options */
		op->filtering |= opt < O_SKIP_BAD;
		switch (opt) {
		case O_ALL: op->all = 1; break;
		case O_AFTER: op->after_arg = optarg; break;
		case O_CURSOR: op->cursor_file = optarg; break;
		case O_KEY: op->sync.key = optarg; break;
		case O_DELETE_MISSING: op->sync.delete_missing = 1; break;
		case O_DRY_RUN: op->sync.dry_run = 1; break;
		case O_LABEL: op->labels[op->nlabels++] = optarg; break;
		case O_NOT_LABEL: op->not_labels[op->nnot++] = optarg; break;
		case O_INACTIVE: op->inactive = cli_duration("--inactive", optarg); break;
		case O_ACTIVE: op->active = cli_duration("--active", optarg); break;
		case O_OPTED_OUT: op->opted_out = 1; break;
		case O_SKIP_BAD: op->skip_bad = 1; break;
		case O_ATTRS: op->attrs = 1; break;
		case O_COLUMNS: add_columns(op, optarg); break;
		case O_WHERE:
			if (contact_where_check(optarg))
				wb_usage("%s", wb_errmsg());
			op->where[op->nwhere++] = optarg;
			break;
		case O_UNANSWERED: op->unanswered = 1; break;
		case O_UNREAD: op->unread = 1; break;
		case O_SORT: op->sort = CONTACT_BY_LAST_IN + cli_choice("--sort", optarg, contact_sort_names); break;
		}
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	op->cmd = cli_command(NULL, commands, &op->argc, &op->argv);
	c->reads = op->cmd == LS || op->cmd == SHOW || op->cmd == LOG || op->cmd == SEARCH;
	if (op->limit && op->cmd != SEARCH)
		wb_usage("--limit goes with search");
	if (op->filtering && op->cmd != LS)
		wb_usage("--label, --not-label, --inactive, --active, --opted-out, --unanswered, --unread, "
			 "--sort, --where, --attrs and --columns go with ls");
	if (op->skip_bad && op->cmd != IMPORT)
		wb_usage("--skip-bad goes with import");
	if (op->table && (op->cmd == ADD || op->cmd == LS || op->cmd == SHOW || op->cmd == LOG ||
			  op->cmd == SEARCH))
		wb_usage("--delimiter and --phone-column go with import, optout, optin and rm");
	log_import_args(op);
	for (int i = 1; op->cmd == ADD && i < op->argc; i++)
		if (!strchr(op->argv[i], '='))
			wb_usage("'%s': expected KEY=VALUE", op->argv[i]);
}

/* The cursor file is read before the database is opened: a bad one
 * fails the run before anything is written. */
static int prepare(cli *c, void *p)
{
	(void)c;
	opts *op = p;
	return op->cursor_file ? changes_cursor_load(op->cursor_file, &op->after) : 0;
}

static int run(wb_db *db, cli *c, void *p)
{
	opts *op = p;
	switch (op->cmd) {
	case ADD: return add(db, c, op->argc, op->argv);
	case IMPORT: return import(db, c, op, op->argc ? op->argv[0] : NULL);
	case LS: return ls(db, c, op);
	case SHOW: return show(db, c, op->argv[0]);
	case LOG: return op->all ? change_log(db, c, op) : msg_log(db, c, op->argv[0]);
	case SEARCH: return search(db, c, op->argv[0], op->limit);
	default: return each_phone(db, c, op->cmd, op->argc, op->argv);
	}
}

static void done(void *p)
{
	opts *op = p;
	free(op->labels);
	free(op->not_labels);
	free(op->where);
	for (int i = 0; i < op->ncolumns; i++)
		free(op->columns[i]);
	free(op->columns);
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .prepare = prepare, .run = run, .done = done}, argc, argv, &(opts){0});
}
