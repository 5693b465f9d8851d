#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "file.h"
#include "stats.h"
#include "svg.h"
#include "util.h"
#include "version.h"
#include "when.h"

#define TOP_N 10 /* customers in the top table */

/* The rows of one grouping, kept with their keys (and, for the
 * summary, the response times the histogram needs). */
typedef struct {
	stats_row *r;
	size_t n, cap;
	int keep_responses;
} rowset;

typedef struct {
	int64_t since, until;
	const char *tz;
	char *business; /* the profile's name, or NULL */
	rowset days, total, agents, labels, hours;
	stats_top_row *top;
	size_t ntop;
	stats_survey_row *surveys;
	size_t nsurveys;
} report;

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int keep_row(const stats_row *r, void *p)
{
	rowset *s = p;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->r = xrealloc(s->r, s->cap * sizeof *s->r);
	}
	stats_row *k = &s->r[s->n++];
	*k = *r;
	k->key[0].text = dup_or_null(r->key[0].text);
	k->key[1].text = dup_or_null(r->key[1].text);
	k->responses = NULL;
	if (s->keep_responses && r->nresponses) {
		int64_t *v = xmalloc(r->nresponses * sizeof *v);
		memcpy(v, r->responses, r->nresponses * sizeof *v);
		k->responses = v;
	}
	return 0;
}

static int keep_top(const stats_top_row *r, void *p)
{
	report *rep = p;
	rep->top = xrealloc(rep->top, (rep->ntop + 1) * sizeof *rep->top);
	rep->top[rep->ntop] = *r;
	/* a contact without a phone is shown by its user ID */
	rep->top[rep->ntop].phone = xstrdup(r->phone ? r->phone : r->user_id ? r->user_id : "");
	rep->top[rep->ntop].user_id = NULL;
	rep->top[rep->ntop++].name = dup_or_null(r->name);
	return 0;
}

static int keep_survey(const stats_survey_row *r, void *p)
{
	report *rep = p;
	rep->surveys = xrealloc(rep->surveys, (rep->nsurveys + 1) * sizeof *rep->surveys);
	rep->surveys[rep->nsurveys] = *r;
	rep->surveys[rep->nsurveys++].name = xstrdup(r->name);
	return 0;
}

/* Every figure, before anything is written: a failure leaves no page. */
static int gather(wb_db *db, report *r)
{
	r->total.keep_responses = 1;
	const stats_view views[] = {
		{STATS_DAY, keep_row, &r->days},       {STATS_NONE, keep_row, &r->total},
		{STATS_AGENT, keep_row, &r->agents},   {STATS_LABEL, keep_row, &r->labels},
		{STATS_HOUR_WEEKDAY, keep_row, &r->hours},
	};
	int rc = stats_report_views(db, views, sizeof views / sizeof *views, r->since, r->until, r->tz);
	if (!rc)
		rc = stats_top(db, r->since, r->until, 0, TOP_N, keep_top, r);
	if (!rc)
		rc = stats_surveys(db, r->since, r->until, keep_survey, r);
	if (!rc)
		r->business = db_get_setting(db, "profile.name");
	return rc;
}

static void rowset_free(rowset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free((char *)s->r[i].key[0].text);
		free((char *)s->r[i].key[1].text);
		free((int64_t *)s->r[i].responses);
	}
	free(s->r);
}

static void report_free(report *r)
{
	rowset_free(&r->days);
	rowset_free(&r->total);
	rowset_free(&r->agents);
	rowset_free(&r->labels);
	rowset_free(&r->hours);
	for (size_t i = 0; i < r->ntop; i++) {
		free((char *)r->top[i].phone);
		free((char *)r->top[i].name);
	}
	for (size_t i = 0; i < r->nsurveys; i++)
		free((char *)r->surveys[i].name);
	free(r->top);
	free(r->surveys);
	free(r->business);
}

/* ---- the page ---- */

/* Screen, phone and paper: the charts scale to the column, wide tables
 * scroll sideways on a phone, and print keeps a chart with its heading. */
static const char style[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2521;"
	"margin:0 auto;padding:1rem;max-width:60rem}\n"
	"h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .4rem}"
	"p.range{color:#56605b;margin:0 0 1rem}\n"
	"svg{display:block;width:100%;height:auto}svg text{font-size:14px;fill:#56605b}\n"
	".bar{fill:#25a244}.line{fill:none;stroke:#1f5fa8;stroke-width:2}.point{fill:#1f5fa8}"
	".grid{stroke:#e3e7e5}line.mark{stroke:#c0392b;stroke-width:2;stroke-dasharray:4 3}"
	"text.mark{fill:#c0392b;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px}text.value{fill:#1d2521}"
	".cell{fill:#1f7a4d}.cell.empty{fill:#f0f2f1}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem}"
	".card{border:1px solid #dfe4e1;border-radius:8px;padding:.5rem .7rem}"
	".card b{display:block;font-size:1.35rem}.card span{color:#56605b;font-size:.85rem}\n"
	".legend span{display:inline-block;margin-right:1rem;font-size:.85rem}"
	".legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}\n"
	".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9rem}"
	"th,td{padding:.3rem .5rem;border-bottom:1px solid #e3e7e5;text-align:left;white-space:nowrap}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"p.none{color:#56605b;font-style:italic}footer{margin-top:2rem;color:#8a948f;font-size:.8rem}\n"
	"@media (max-width:40rem){body{font-size:14px;padding:.6rem}.card b{font-size:1.1rem}"
	"svg text{font-size:17px}}\n"
	"@media print{body{max-width:none;padding:0;font-size:11pt}section{break-inside:avoid}"
	".scroll{overflow:visible}th,td{white-space:normal}a{color:inherit}}\n";

static void head(FILE *f, const report *r)
{
	char a[40], b[40];
	when_fmt_human(r->since, r->tz, a);
	when_fmt_human(r->until, r->tz, b);
	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\"/>\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>", f);
	html_text(f, r->business ? r->business : "WhatsApp");
	fprintf(f, ": customer messages %s to %s</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>", a, b,
		style);
	html_text(f, r->business ? r->business : "Customer messages");
	fprintf(f, "</h1>\n<p class=\"range\">From %s up to %s</p></header>\n", a, b);
}

static void card(FILE *f, const char *value, const char *what)
{
	fputs("<div class=\"card\"><b>", f);
	html_text(f, value);
	fputs("</b><span>", f);
	html_text(f, what);
	fputs("</span></div>\n", f);
}

static void fmt_rate(double v, char buf[48])
{
	if (isnan(v))
		snprintf(buf, 48, "-");
	else
		snprintf(buf, 48, "%.1f%%", 100 * v);
}

static void fmt_dur(int64_t secs, char buf[48])
{
	if (secs < 0)
		snprintf(buf, 48, "-");
	else
		when_dur_human(secs, buf);
}

static void summary(FILE *f, const stats_row *t)
{
	char b[48];
	fputs("<section id=\"summary\"><h2>In short</h2>\n<div class=\"cards\">\n", f);
	snprintf(b, sizeof b, "%lld", (long long)t->received);
	card(f, b, "messages received");
	snprintf(b, sizeof b, "%lld", (long long)t->sent);
	card(f, b, "messages sent");
	snprintf(b, sizeof b, "%lld", (long long)t->contacts);
	card(f, b, "customers");
	snprintf(b, sizeof b, "%lld", (long long)t->new_contacts);
	card(f, b, "new customers");
	fmt_rate(t->read_rate, b);
	card(f, b, "of sent messages read");
	fmt_dur(t->response_median, b);
	card(f, b, "median first response");
	fmt_dur(t->response_p90, b);
	card(f, b, "9 in 10 answered within");
	fputs("</div></section>\n", f);
}

static void legend(FILE *f, const char *const *names, const char *const *colours, size_t n)
{
	fputs("<p class=\"legend\">", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<span><i style=\"background:%s\"></i>", colours[i]);
		html_text(f, names[i]);
		fputs("</span>", f);
	}
	fputs("</p>\n", f);
}

/* Received as bars, sent as a line: one bar and one point a day. */
static void per_day(FILE *f, const rowset *d)
{
	const char **labels = xmalloc((d->n + 1) * sizeof *labels);
	double *in = xmalloc((d->n + 1) * sizeof *in), *out = xmalloc((d->n + 1) * sizeof *out);
	for (size_t i = 0; i < d->n; i++) {
		const char *day = d->r[i].key[0].text;
		labels[i] = strlen(day) > 5 ? day + 5 : day; /* 11-24: the range gives the year */
		in[i] = (double)d->r[i].received;
		out[i] = (double)d->r[i].sent;
	}
	fputs("<section id=\"days\"><h2>Messages per day</h2>\n", f);
	svg_bars_line(f, "Messages received and sent per day", labels, d->n,
		      &(svg_series){"received", in}, &(svg_series){"sent", out});
	legend(f, (const char *const[]){"received", "sent"}, (const char *const[]){"#25a244", "#1f5fa8"}, 2);
	fputs("</section>\n", f);
	free(labels);
	free(in);
	free(out);
}

static void funnel(FILE *f, const stats_row *t)
{
	double v[] = {(double)t->sent, (double)t->delivered, (double)t->read};
	char d[48], r[48];
	fmt_rate(t->delivery_rate, d);
	fmt_rate(t->read_rate, r);
	fputs("<section id=\"funnel\"><h2>Delivered and read</h2>\n", f);
	svg_hbars(f, "Messages sent, delivered and read", (const char *const[]){"sent", "delivered", "read"}, v, 3);
	fprintf(f, "<p>%s delivered, %s read; %lld failed.</p></section>\n", d, r, (long long)t->failed);
}

/* First-response times in bins people think in: the edges in seconds. */
static const int64_t edges[] = {0, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400};
static const char *const bin_names[] = {"<1m", "1-5m", "5-15m", "15-30m", "30m-1h",
					"1-2h", "2-4h", "4-8h", "8-24h", "1d+"};
#define NBINS (sizeof edges / sizeof *edges)

static size_t bin_of(int64_t secs)
{
	size_t b = NBINS - 1;
	while (b && secs < edges[b])
		b--;
	return b;
}

/* Where secs lies on the axis, in bins: the bin, plus how far into it
 * (the open last bin: its middle). */
static double bin_pos(int64_t secs)
{
	size_t b = bin_of(secs);
	if (b == NBINS - 1)
		return (double)b + 0.5;
	return (double)b + (double)(secs - edges[b]) / (double)(edges[b + 1] - edges[b]);
}

static void responses(FILE *f, const stats_row *t)
{
	double v[NBINS] = {0};
	for (size_t i = 0; i < t->nresponses; i++)
		v[bin_of(t->responses[i])]++;
	char m[48], p[48], mn[64], pn[64];
	fmt_dur(t->response_median, m);
	fmt_dur(t->response_p90, p);
	snprintf(mn, sizeof mn, "median %s", m);
	snprintf(pn, sizeof pn, "p90 %s", p);
	svg_mark marks[] = {{mn, bin_pos(t->response_median)}, {pn, bin_pos(t->response_p90)}};
	fputs("<section id=\"responses\"><h2>How long customers waited for an answer</h2>\n", f);
	svg_histogram(f, "Conversations by first-response time", bin_names, v, NBINS, marks,
		      t->nresponses ? 2 : 0);
	if (t->nresponses)
		fprintf(f, "<p>%zu conversations answered: half within %s, nine in ten within %s.</p>\n",
			t->nresponses, m, p);
	else
		fputs("<p class=\"none\">No conversation was answered in this range.</p>\n", f);
	fputs("</section>\n", f);
}

/* Received messages by weekday (rows) and hour of the local clock. */
static void heatmap(FILE *f, const rowset *h)
{
	double v[7 * 24] = {0};
	for (size_t i = 0; i < h->n; i++)
		if (h->r[i].key[0].num >= 0 && h->r[i].key[0].num < 7 * 24)
			v[h->r[i].key[0].num] = (double)h->r[i].received;
	const char *days[7];
	char hours[24][12]; /* room for any int, as gcc -O1 checks */
	const char *cols[24];
	for (int d = 0; d < 7; d++)
		days[d] = when_day_name(d, 0);
	for (int c = 0; c < 24; c++) {
		snprintf(hours[c], sizeof hours[c], "%d", c);
		cols[c] = hours[c];
	}
	fputs("<section id=\"hours\"><h2>When customers write</h2>\n", f);
	svg_heatmap(f, "Messages received by weekday and hour (business time zone)", days, 7, cols, 24, v);
	fputs("<p>Darker: more messages received in that hour of that weekday, summed over the range.</p>"
	      "</section>\n", f);
}

/* ---- tables ---- */

/* Opens a table; a column whose name starts with '#' holds numbers. */
static void table_open(FILE *f, const char *id, const char *title, const char *const *cols)
{
	fprintf(f, "<section id=\"%s\"><h2>", id);
	html_text(f, title);
	fputs("</h2>\n<div class=\"scroll\"><table>\n<thead><tr>", f);
	for (size_t i = 0; cols[i]; i++) {
		fputs(cols[i][0] == '#' ? "<th class=\"n\">" : "<th>", f);
		html_text(f, cols[i] + (cols[i][0] == '#'));
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
}

static void table_close(FILE *f, size_t rows, const char *none)
{
	fputs("</tbody></table></div>\n", f);
	if (!rows) {
		fputs("<p class=\"none\">", f);
		html_text(f, none);
		fputs("</p>\n", f);
	}
	fputs("</section>\n", f);
}

static void td(FILE *f, const char *s)
{
	fputs("<td>", f);
	html_text(f, s);
	fputs("</td>", f);
}

static void td_num(FILE *f, const char *s)
{
	fputs("<td class=\"n\">", f);
	html_text(f, s);
	fputs("</td>", f);
}

static void td_int(FILE *f, int64_t v)
{
	fprintf(f, "<td class=\"n\">%lld</td>", (long long)v);
}

/* The figures a group's row shares in the agent and label tables. */
static void group_cells(FILE *f, const stats_row *r)
{
	char b[48];
	td_int(f, r->received);
	td_int(f, r->sent);
	fmt_rate(r->read_rate, b);
	td_num(f, b);
	td_int(f, (int64_t)r->nresponses);
	fmt_dur(r->response_median, b);
	td_num(f, b);
	fmt_dur(r->response_p90, b);
	td_num(f, b);
	fputs("</tr>\n", f);
}

static void top_table(FILE *f, const report *r)
{
	char b[40];
	table_open(f, "top", "Most active customers",
		   (const char *const[]){"phone", "name", "#messages", "#received", "#sent", "last message", NULL});
	for (size_t i = 0; i < r->ntop; i++) {
		const stats_top_row *t = &r->top[i];
		fputs("<tr>", f);
		td(f, t->phone);
		td(f, t->name);
		td_int(f, t->received + t->sent);
		td_int(f, t->received);
		td_int(f, t->sent);
		when_fmt_human(t->last_at, r->tz, b);
		td(f, b);
		fputs("</tr>\n", f);
	}
	table_close(f, r->ntop, "No messages in this range.");
}

static void group_table(FILE *f, const char *id, const char *title, const char *first, const rowset *s,
			const char *unnamed, const char *none)
{
	table_open(f, id, title, (const char *const[]){first, "#received", "#sent", "#read", "#answered",
						       "#median answer", "#p90 answer", NULL});
	for (size_t i = 0; i < s->n; i++) {
		fputs("<tr>", f);
		td(f, s->r[i].key[0].text ? s->r[i].key[0].text : unnamed);
		group_cells(f, &s->r[i]);
	}
	table_close(f, s->n, none);
}

/* The survey section: only when there are surveys to show. */
static void surveys(FILE *f, const report *r)
{
	if (!r->nsurveys)
		return;
	char b[48];
	table_open(f, "surveys", "Customer satisfaction",
		   (const char *const[]){"survey", "#sent", "#answered", "#CSAT", "#NPS", NULL});
	for (size_t i = 0; i < r->nsurveys; i++) {
		const stats_survey_row *s = &r->surveys[i];
		fputs("<tr>", f);
		td(f, s->name);
		td_int(f, s->sent);
		td_int(f, s->answered);
		fmt_rate(s->csat, b);
		td_num(f, b);
		if (isnan(s->nps))
			snprintf(b, sizeof b, "-");
		else
			snprintf(b, sizeof b, "%+.0f", s->nps);
		td_num(f, b);
		fputs("</tr>\n", f);
	}
	table_close(f, r->nsurveys, "");
}

static int write_page(FILE *f, void *p)
{
	const report *r = p;
	static const stats_row zero = {.delivery_rate = NAN, .read_rate = NAN,
				       .response_median = -1, .response_p90 = -1};
	const stats_row *t = r->total.n ? &r->total.r[0] : &zero;
	head(f, r);
	summary(f, t);
	per_day(f, &r->days);
	funnel(f, t);
	responses(f, t);
	heatmap(f, &r->hours);
	top_table(f, r);
	group_table(f, "agents", "Agents", "agent", &r->agents, "(customers, automatic replies)",
		    "No messages in this range.");
	group_table(f, "labels", "Labels", "label", &r->labels, "", "No labels.");
	surveys(f, r);
	fputs("<footer>Made by wb-stats report " WB_VERSION ". Definitions of every figure: wb-stats(1).</footer>\n"
	      "</body>\n</html>\n", f);
	return ferror(f);
}

int report_html(wb_db *db, const char *path, int64_t since, int64_t until, const char *tz)
{
	report r = {.since = since, .until = until, .tz = tz};
	int rc = gather(db, &r);
	if (!rc && (!path || !strcmp(path, "-"))) {
		write_page(stdout, &r);
		if (fflush(stdout) || ferror(stdout))
			rc = wb_err(EX_IOERR, "stdout: cannot write the report");
	} else if (!rc) {
		rc = file_replace(path, write_page, &r);
	}
	report_free(&r);
	return rc;
}
