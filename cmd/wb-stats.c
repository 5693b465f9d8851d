/* wb-stats — how the business serves its customers: message counts,
 * delivery and read rates, contacts, first-response times over a range,
 * grouped by period, contact, label, agent or broadcast; the most active
 * customers; one row per conversation for a CRM or a spreadsheet; and
 * all of it as one HTML page with charts for people. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "report.h"
#include "stats.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-stats [-d DB] [-o FORMAT] [--since TIME] [--until TIME] [--by GROUPING]\n"
	"       wb-stats top [--limit N] [--by messages|received] [--since TIME] [--until TIME]\n"
	"       wb-stats conversations [--since TIME] [--until TIME]\n"
	"       wb-stats report [--since TIME] [--until TIME] [-o FILE.html]\n"
	"\n"
	"  (no command)        received, sent, delivered, read, failed, rates, contacts,\n"
	"                      new contacts, first-response median and p90, auto replies,\n"
	"                      broadcasts: one summary row, or one row per group\n"
	"  top                 the most active customers\n"
	"  conversations       one row per conversation opened in the range\n"
	"  report              one HTML page with charts: per day, delivered and read,\n"
	"                      response times, busy hours, top customers, agents,\n"
	"                      labels; -o names its file (default, or -: stdout)\n"
	"\n"
	"  -s, --since TIME     start of the range (default: midnight six days before\n"
	"                       the day --until falls in: the last 7 days)\n"
	"  -u, --until TIME     end of the range, not included (default: now)\n"
	"  -b, --by GROUPING    day, week, month, hour, weekday, contact, label, agent,\n"
	"                       broadcast; with top: messages (default) or received\n"
	"  -n, --limit N        top: how many customers (default 10)\n"
	"      --plot COLUMN    a bar chart of a column (received, read_rate…) on the terminal\n"
	CLI_COMMON_USAGE
	"\n"
	"Times: 2026-11-24, 2026-11-24T09:00, -7d, today, now; periods and times\n"
	"without a zone are in the business time zone (wb-profile set timezone=...).\n"
	"wb-stats(1) defines every column with an sqlite3 query that checks it.\n";

/* REPORT, the figures, is no command: the commands end before it. */
enum { TOP, CONVERSATIONS, HTML, REPORT };
static const cli_cmd commands[] = {
	[TOP] = {"top", 0, 0, NULL},
	[CONVERSATIONS] = {"conversations", 0, 0, NULL},
	[HTML] = {"report", 0, 0, NULL},
	{0},
};
enum { TOP_BY_MESSAGES, TOP_BY_RECEIVED };
static const char *const top_by_names[] = {[TOP_BY_MESSAGES] = "messages", [TOP_BY_RECEIVED] = "received", NULL};

typedef struct {
	int cmd;
	const char *since, *until; /* as given */
	stats_by by;
	int top_by;
	long limit;
	const char *plot; /* --plot: the column to draw */
	const char *file; /* report: -o, the page's file */
} opts;

typedef struct {
	out *o;
	int nkeys;
	int by_agent; /* the inbox's columns follow */
} ctx;

static int report_row(const stats_row *r, void *p)
{
	ctx *c = p;
	for (int i = 0; i < c->nkeys; i++) {
		if (r->key[i].time)
			out_time(c->o, r->key[i].time);
		else if (r->key[i].numeric)
			out_int(c->o, r->key[i].num);
		else
			out_str(c->o, r->key[i].text);
	}
	out_int(c->o, r->received);
	out_int(c->o, r->sent);
	out_int(c->o, r->delivered);
	out_int(c->o, r->read);
	out_int(c->o, r->failed);
	out_rate(c->o, r->delivery_rate);
	out_rate(c->o, r->read_rate);
	out_int(c->o, r->contacts);
	out_int(c->o, r->new_contacts);
	out_dur(c->o, r->response_median);
	out_dur(c->o, r->response_p90);
	out_int(c->o, r->auto_replies);
	out_int(c->o, r->broadcasts);
	out_rate(c->o, r->csat);
	out_num(c->o, r->nps);
	if (c->by_agent) {
		out_int(c->o, r->assigned);
		out_int(c->o, r->resolved);
		out_dur(c->o, r->inbox_response_median);
		out_dur(c->o, r->inbox_response_p90);
		out_dur(c->o, r->resolution_median);
		out_dur(c->o, r->resolution_p90);
	}
	out_row_end(c->o);
	return 0;
}

static int conv_row(const stats_conversation *v, void *p)
{
	ctx *c = p;
	out_str(c->o, v->phone);
	out_str(c->o, v->user_id);
	out_str(c->o, v->name);
	out_time(c->o, v->opened_at);
	out_dur(c->o, v->first_response);
	out_int(c->o, v->received);
	out_int(c->o, v->sent);
	out_time(c->o, v->last_at);
	out_str(c->o, v->agent);
	out_str(c->o, v->labels);
	out_row_end(c->o);
	return 0;
}

static int top_row(const stats_top_row *r, void *p)
{
	ctx *c = p;
	out_str(c->o, r->phone);
	out_str(c->o, r->user_id);
	out_str(c->o, r->name);
	out_int(c->o, r->received + r->sent);
	out_int(c->o, r->received);
	out_int(c->o, r->sent);
	out_time(c->o, r->last_at);
	out_row_end(c->o);
	return 0;
}

static int parse_time(const char *opt, const char *arg, int64_t now, const char *tz, int64_t *t)
{
	return when_parse(arg, now, tz, t) ? wb_err_prefix(EX_DATAERR, "%s: ", opt) : 0;
}

/* The last 7 days: from the midnight six days before the day until
 * falls in (a range ending at a midnight ends with the day before). */
static int64_t default_since(int64_t until, const char *tz)
{
	return when_day_at(when_local_day(until - 1, tz) - 6, 0, tz);
}

/* The range the options give, in the business time zone. */
static int range(const opts *op, const char *tz, int64_t *since, int64_t *until)
{
	if (tz && !when_tz_valid(tz))
		return wb_err(EX_CONFIG, "profile.timezone '%s' is not a time zone this system knows", tz);
	int64_t now = when_now();
	int rc = 0;
	*until = now;
	if (op->until)
		rc = parse_time("--until", op->until, now, tz, until);
	if (!rc && op->since)
		rc = parse_time("--since", op->since, now, tz, since);
	else if (!rc)
		*since = default_since(*until, tz);
	if (!rc && *until <= *since)
		rc = wb_err(EX_DATAERR, "--until must be later than --since");
	return rc;
}

/* The columns of each command and those --plot may draw. */
static const char *const top_cols[] = {"phone", "user_id", "name", "messages", "received", "sent",
				       "last_message", NULL};
static const char *const conv_cols[] = {"phone", "user_id", "name", "opened_at", "first_response_s", "received",
					"sent", "last_activity", "agent", "labels", NULL};
static const char *const figures[] = {
	"received", "sent", "delivered", "read", "failed", "delivery_rate", "read_rate",
	"contacts", "new_contacts", "first_response_median_s", "first_response_p90_s",
	"auto_replies", "broadcasts", "csat", "nps", NULL};
#define NFIGURES (sizeof figures / sizeof *figures - 1)
static const char *const *const plottable[] = {
	[REPORT] = figures,
	[TOP] = (const char *const[]){"messages", "received", "sent", NULL},
	[CONVERSATIONS] = (const char *const[]){"first_response_s", "received", "sent", NULL},
};

/* The output, drawn for people as its rows ask: a single row on lines
 * of its own, a sparkline of what came in over periods, or the chart
 * --plot asks for, each bar named by the row's first nlabels columns. */
static out *open_out(cli *c, const opts *op, const char *const *cols, int nlabels)
{
	out *o = cli_out(c, cols);
	out_one_row_vertical(o);
	if (op->plot)
		out_plot(o, op->plot, nlabels);
	else if (op->cmd == REPORT && op->by <= STATS_WEEKDAY)
		out_spark(o, "received");
	return o;
}

static int top(wb_db *db, cli *c, const opts *op, int64_t since, int64_t until, ctx *x)
{
	x->o = open_out(c, op, top_cols, 3);
	return stats_top(db, since, until, op->top_by == TOP_BY_RECEIVED, op->limit, top_row, x);
}

static int conversations(wb_db *db, cli *c, const opts *op, int64_t since, int64_t until, ctx *x)
{
	x->o = open_out(c, op, conv_cols, 3);
	return stats_conversations(db, since, until, conv_row, x);
}

static int report(wb_db *db, cli *c, const opts *op, int64_t since, int64_t until, ctx *x)
{
	/* by agent, the shared inbox's figures follow */
	static const char *const inbox[] = {"assigned", "resolved", "inbox_response_median_s",
					    "inbox_response_p90_s", "resolution_median_s", "resolution_p90_s", NULL};
	static const char *cols[3 + NFIGURES + 7]; /* out keeps a pointer to the names */
	const char *const *keys;
	int nkeys = x->nkeys = stats_key_cols(op->by, &keys);
	x->by_agent = op->by == STATS_AGENT;
	memcpy(cols, keys, (size_t)nkeys * sizeof *cols);
	memcpy(cols + nkeys, figures, sizeof figures);
	if (x->by_agent)
		memcpy(cols + nkeys + NFIGURES, inbox, sizeof inbox);
	x->o = open_out(c, op, cols, nkeys);
	return stats_report(db, op->by, since, until, c->tz, report_row, x);
}

/* --plot: a column of the command's to draw, as a chart for the
 * terminal, whatever WB_OUTPUT says; -o can only ask for that. */
static void plot_option(cli *c, opts *op, const char *plot)
{
	if (op->cmd == HTML)
		wb_usage("--plot draws on the terminal; report draws its own charts");
	op->plot = plottable[op->cmd][cli_choice("--plot", plot, plottable[op->cmd])];
	if (c->format && strcmp(c->format, "table"))
		wb_usage("--plot draws a chart; it does not go with -o %s", c->format);
	c->format = "table";
}

/* report's -o: the page's file; a format's name is a mistake for one
 * (a file by that name can be ./csv). */
static const char *report_file(const char *output)
{
	out_format f;
	if (output && !out_parse_format(output, &f))
		wb_usage("report writes HTML: -o names its file, and '%s' is a format", output);
	return output;
}

/* The options and the command; exits 64 on a malformed command line,
 * 65 on a bad --limit. Options may come before or after the command. */
static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"since", required_argument, NULL, 's'},
		{"until", required_argument, NULL, 'u'},
		{"by", required_argument, NULL, 'b'},
		{"limit", required_argument, NULL, 'n'},
		{"plot", required_argument, NULL, 'p'},
		{0},
	};
	const char *by = NULL, *limit = NULL, *plot = NULL, *output = NULL;
	int opt;
	op->by = STATS_NONE;
	c->reads = 1;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "s:u:b:n:", longopts, NULL)) != -1) {
		if (opt == 'o') { /* a format, or the report's file: known after the command */
			output = optarg;
			continue;
		}
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case 's': op->since = optarg; break;
		case 'u': op->until = optarg; break;
		case 'b': by = optarg; break;
		case 'n': limit = optarg; break;
		case 'p': plot = optarg; break;
		}
	}
	argc -= optind;
	argv += optind;
	op->cmd = argc ? cli_command(NULL, commands, &argc, &argv) : REPORT;
	if (op->cmd == HTML)
		op->file = report_file(output);
	else if (output)
		cli_common(c, 'o', output);
	if (by && op->cmd == REPORT)
		op->by = (stats_by)cli_choice("--by", by, stats_by_names);
	else if (by && op->cmd == TOP)
		op->top_by = cli_choice("--by", by, top_by_names);
	else if (by)
		wb_usage("--by goes with the figures (no command) or top");
	if (limit && op->cmd != TOP)
		wb_usage("--limit goes with top");
	if (plot)
		plot_option(c, op, plot);
	op->limit = 10;
	if (limit && parse_long(limit, 1, 1000000000, &op->limit))
		wb_die(EX_DATAERR, "--limit '%s': a count from 1", limit);
}

static int run(wb_db *db, cli *c, void *p)
{
	const opts *op = p;
	ctx x = {0};
	int64_t since, until;
	int rc = range(op, c->tz, &since, &until);
	if (!rc && op->cmd == TOP)
		rc = top(db, c, op, since, until, &x);
	else if (!rc && op->cmd == CONVERSATIONS)
		rc = conversations(db, c, op, since, until, &x);
	else if (!rc && op->cmd == HTML)
		rc = report_html(db, op->file, since, until, c->tz);
	else if (!rc)
		rc = report(db, c, op, since, until, &x);
	int cr = out_close(x.o);
	return rc ? rc : cr;
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .run = run}, argc, argv, &(opts){0});
}
