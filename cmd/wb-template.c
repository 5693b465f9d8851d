/* wb-template — the account's message templates: read them from the
 * Cloud API (sync), list them with their status and quality, show one as
 * a customer sees it, create one (Meta's JSON, or a short form), delete
 * one; and the messaging limit that template broadcasts are kept under. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cloudapi.h"
#include "err.h"
#include "in.h"
#include "limit.h"
#include "template.h"
#include "tmplcheck.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-template [-d DB] [-o FORMAT] COMMAND [ARGS]\n"
	"\n"
	"  sync                        read the account's templates (every page) and the\n"
	"                              number's messaging limit from the Cloud API\n"
	"  ls [--status S] [--category C] [--lang L]\n"
	"                              the templates, their status, quality and parameters\n"
	"  show NAME [--lang L]        as a customer sees it, each {{parameter=example}}\n"
	"                              marked; -o json gives Meta's definition\n"
	"  create FILE|-               submit a template in Meta's JSON\n"
	"  create NAME --body TEXT --category C [--lang L] [--header KIND:VALUE]\n"
	"         [--footer TEXT] [--example V]... [--button KIND:TEXT[:VALUE]]...\n"
	"                              submit one from its parts: one --example per\n"
	"                              parameter, in order (header, body, URL) or NAME=V\n"
	"  rm NAME [--lang L]          delete it (every language, unless --lang)\n"
	"  limit                       the messaging limit and the customers template-\n"
	"                              messaged in the last 24 hours\n"
	"\n"
	"  --header text:TEXT | image:HANDLE | video:HANDLE | document:HANDLE | location\n"
	"  --button quick_reply:TEXT | url:TEXT:URL | phone:TEXT:NUMBER | copy_code:EXAMPLE\n"
	"           | flow:TEXT:FLOW_ID\n"
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"Environment: WB_WABA_ID (the WhatsApp Business Account), WB_TOKEN, WB_PHONE_ID,\n"
	"WB_API_URL; WB_TIER sets the messaging limit (TIER_2K, 10000, unlimited).\n";

enum { SYNC, LS, SHOW, CREATE, RM, LIMIT };
static const cli_cmd commands[] = {
	[SYNC] = {"sync", 0, 0, NULL},
	[LS] = {"ls", 0, 0, NULL},
	[SHOW] = {"show", 1, 1, "a template name"},
	[CREATE] = {"create", 1, 1, "a file, '-', or a name with --body"},
	[RM] = {"rm", 1, 1, "a template name"},
	[LIMIT] = {"limit", 0, 0, NULL},
	{0},
};

typedef struct {
	int cmd, argc;
	char **argv;
	const char *status, *category, *lang;
	tcreate create; /* the short form's parts */
	const char **examples, **buttons;
	json_t *def;    /* create: what goes to the API */
	api *api;
	char *waba;
} opts;

static int ls_row(const template_row *t, void *ctx)
{
	out *o = ctx;
	const char *cells[] = {t->name, t->lang, t->category, t->status, t->quality};
	for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
		out_str(o, cells[i]);
	out_int(o, t->params);
	out_str(o, t->reason);
	out_time(o, t->updated_at);
	out_time(o, t->gone_at);
	out_row_end(o);
	return 0;
}

static int ls(wb_db *db, cli *c, const opts *op)
{
	static const char *const cols[] = {"name", "lang", "category", "status", "quality", "params", "reason",
					   "updated", "gone", NULL};
	template_filter f = {NULL, op->lang, op->status, op->category};
	out *o = cli_out(c, cols);
	int rc = template_each(db, &f, ls_row, o);
	int cr = out_close(o);
	return rc ? rc : cr;
}

/* show -o json: Meta's definition, with what webhooks changed since. */
static void show_definition(out *o, const template_row *t)
{
	json_t *d = json_loads(t->definition, 0, NULL);
	static const char *const keys[] = {"name", "language", "category", "status", "parameter_format", "components", "id"};
	const char *now[] = {t->name, t->lang, t->category, t->status};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		json_t *v = json_object_get(d, keys[i]);
		char *js = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
		if (i < sizeof now / sizeof *now)
			out_str(o, now[i]);
		else if (js)
			out_json(o, js);
		else
			out_null(o);
		free(js);
	}
	out_row_end(o);
	json_decref(d);
}

typedef struct {
	cli_rows rows;
	int json;
	long found;
} show_ctx;

static int show_row(const template_row *t, void *ctx)
{
	show_ctx *s = ctx;
	s->found++;
	if (!t->definition)
		return wb_err(EX_FALSE, "%s (%s): only its status is known (wb-template sync reads the rest)", t->name,
			      t->lang);
	out *o = cli_rows_out(&s->rows);
	if (s->json) {
		show_definition(o, t);
		return 0;
	}
	tdef d;
	int rc = tdef_parse(t->definition, &d);
	tline *lines = NULL;
	size_t n = 0;
	if (!rc)
		tdef_lines(&d, &lines, &n);
	for (size_t i = 0; i < n; i++) {
		const char *cells[] = {t->lang, lines[i].part, lines[i].text};
		out_row_strs(o, cells, 3);
	}
	tlines_free(lines, n);
	tdef_free(&d);
	return rc;
}

static int show(wb_db *db, cli *c, const opts *op)
{
	static const char *const cols[] = {"lang", "part", "text", NULL};
	static const char *const jcols[] = {"name", "language", "category", "status", "parameter_format", "components",
					    "id", NULL};
	out_format f;
	out_parse_format(c->format, &f);
	show_ctx s = {{.c = c}, f == OUT_JSON || f == OUT_JSONL, 0};
	s.rows.cols = s.json ? jcols : cols;
	template_filter filter = {op->argv[0], op->lang, NULL, NULL};
	int rc = template_each(db, &filter, show_row, &s);
	if (!rc && !s.found)
		rc = wb_err(EX_FALSE, "%s%s%s: no such template (wb-template ls lists them)", op->argv[0],
			    op->lang ? " in " : "", op->lang ? op->lang : "");
	return cli_rows_end(&s.rows, rc);
}

static int sync(wb_db *db, cli *c, opts *op)
{
	template_sync_stats st;
	int rc = template_sync(db, op->api, op->waba, &st);
	if (rc) {
		free(st.tier);
		return rc;
	}
	static const char *const cols[] = {"listed", "added", "changed", "gone", "messaging_limit", NULL};
	out *o = cli_out(c, cols);
	long v[] = {st.listed, st.added, st.changed, st.gone};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++)
		out_int(o, v[i]);
	out_str(o, st.tier);
	out_row_end(o);
	free(st.tier);
	return out_close(o);
}

static int create(wb_db *db, cli *c, opts *op)
{
	char *status;
	int rc = template_create(db, op->api, op->waba, op->def, &status);
	if (rc)
		return rc;
	static const char *const cols[] = {"name", "lang", "category", "status", NULL};
	json_t *d = op->def;
	const char *cells[] = {json_string_value(json_object_get(d, "name")),
			       json_string_value(json_object_get(d, "language")),
			       json_string_value(json_object_get(d, "category")), status};
	out *o = cli_out(c, cols);
	out_row_strs(o, cells, 4);
	free(status);
	return out_close(o);
}

static int rm(wb_db *db, cli *c, opts *op)
{
	long n;
	int rc = template_rm(db, op->api, op->waba, op->argv[0], op->lang, &n);
	if (rc)
		return rc;
	static const char *const cols[] = {"name", "lang", "rows", NULL};
	out *o = cli_out(c, cols);
	out_str(o, op->argv[0]);
	out_str(o, op->lang);
	out_int(o, n);
	out_row_end(o);
	return out_close(o);
}

static int limit(wb_db *db, cli *c)
{
	long n;
	int64_t reached;
	int rc = limit_status(db, when_now(), &n, &reached);
	if (rc)
		return rc;
	static const char *const cols[] = {"limit", "customers_24h", "left", NULL};
	out *o = cli_out(c, cols);
	char buf[32];
	limit_fmt(n, buf);
	if (n)
		out_str(o, buf);
	else
		out_null(o);
	out_int(o, reached);
	if (n > 0)
		out_int(o, n > reached ? n - reached : 0);
	else
		out_null(o);
	out_row_end(o);
	return out_close(o);
}

/* create's definition: a file of Meta's JSON, or the short form. */
static int definition(opts *op)
{
	if (op->create.body) {
		op->create.name = op->argv[0];
		op->create.lang = op->lang;
		op->create.category = op->category;
		return tcreate_json(&op->create, &op->def);
	}
	char *text;
	int rc = in_read_all(op->argv[0], &text);
	if (rc)
		return rc;
	json_error_t e;
	op->def = json_loads(text, 0, &e);
	free(text);
	if (!json_is_object(op->def))
		return wb_err(EX_DATAERR, "%s: line %d: not a JSON object%s%s", strcmp(op->argv[0], "-") ? op->argv[0] : "stdin",
			      e.line, op->def ? "" : ": ", op->def ? "" : json_why(&e));
	return 0;
}

/* What must hold before the database opens: the definition read and
 * checked, the API's settings. */
static int prepare(cli *c, void *p)
{
	opts *op = p;
	int rc = 0;
	if (op->cmd == CREATE)
		rc = definition(op);
	if (!rc && (op->cmd == SYNC || op->cmd == CREATE || op->cmd == RM) && !(rc = template_waba(&op->waba)))
		rc = api_open(1, &op->api);
	return rc;
}

/* Which options go with which command. */
static void check(const opts *op)
{
	const tcreate *t = &op->create;
	int cmd = op->cmd, parts = t->body || t->header || t->footer || t->nexamples || t->nbuttons;
	if (parts && cmd != CREATE)
		wb_usage("--body, --header, --footer, --example and --button go with create");
	if (cmd == CREATE && !t->body && parts)
		wb_usage("create NAME needs --body (or give create a file of Meta's JSON)");
	if (cmd == CREATE && !t->body && (op->lang || op->category))
		wb_usage("--lang and --category go with create NAME --body …; a file says its own");
	if (op->status && cmd != LS)
		wb_usage("--status goes with ls");
	if (op->category && cmd != LS && cmd != CREATE)
		wb_usage("--category goes with ls and create");
	if (op->lang && cmd != LS && cmd != SHOW && cmd != CREATE && cmd != RM)
		wb_usage("--lang goes with ls, show, create and rm");
}

static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	enum { O_STATUS = 256, O_CATEGORY, O_LANG, O_BODY, O_HEADER, O_FOOTER, O_EXAMPLE, O_BUTTON };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"status", required_argument, NULL, O_STATUS},
		{"category", required_argument, NULL, O_CATEGORY},
		{"lang", required_argument, NULL, O_LANG},
		{"body", required_argument, NULL, O_BODY},
		{"header", required_argument, NULL, O_HEADER},
		{"footer", required_argument, NULL, O_FOOTER},
		{"example", required_argument, NULL, O_EXAMPLE},
		{"button", required_argument, NULL, O_BUTTON},
		{0},
	};
	tcreate *t = &op->create;
	/* room for every argument: no option is given more often */
	op->examples = xcalloc((size_t)argc, sizeof *op->examples);
	op->buttons = xcalloc((size_t)argc, sizeof *op->buttons);
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case O_STATUS: op->status = optarg; break;
		case O_CATEGORY: op->category = optarg; break;
		case O_LANG: op->lang = optarg; break;
		case O_BODY: t->body = optarg; break;
		case O_HEADER: t->header = optarg; break;
		case O_FOOTER: t->footer = optarg; break;
		case O_EXAMPLE: op->examples[t->nexamples++] = optarg; break;
		case O_BUTTON: op->buttons[t->nbuttons++] = optarg; break;
		}
	}
	t->examples = op->examples;
	t->buttons = op->buttons;
	op->argc = argc - optind;
	op->argv = argv + optind;
	op->cmd = cli_command(NULL, commands, &op->argc, &op->argv);
	check(op);
}

static int run(wb_db *db, cli *c, void *p)
{
	opts *op = p;
	switch (op->cmd) {
	case SYNC: return sync(db, c, op);
	case LS: return ls(db, c, op);
	case SHOW: return show(db, c, op);
	case CREATE: return create(db, c, op);
	case RM: return rm(db, c, op);
	default: return limit(db, c);
	}
}

static void done(void *p)
{
	opts *op = p;
	free(op->examples);
	free(op->buttons);
	json_decref(op->def);
	api_close(op->api);
	free(op->waba);
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .prepare = prepare, .run = run, .done = done}, argc,
			argv, &(opts){0});
}
