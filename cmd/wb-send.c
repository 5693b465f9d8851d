/* wb-send — sends messages through the Cloud API: to phones, to label
 * segments, to the rows of a CSV (columns fill placeholders), or line by
 * line from JSONL message objects; schedules, lists and cancels queued
 * messages, and flushes what is due (for cron). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "cloudapi.h"
#include "complete.h"
#include "compose.h"
#include "config.h"
#include "contact.h"
#include "deliver.h"
#include "err.h"
#include "in.h"
#include "inbox.h"
#include "inorder.h"
#include "queue.h"
#include "ratelimit.h"
#include "reply.h"
#include "send.h"
#include "status.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-send [OPTIONS] --to PHONE... | --label L... | - | < recipients.csv\n"
	"       wb-send queue | cancel ID... | flush [--retry-unknown]\n"
	"       wb-send --read WAMID... | --typing WAMID...\n"
	"\n"
	"Recipients:\n"
	"  --to PHONE           a recipient (repeat for more); a user ID names one without a phone\n"
	"  --label L            contacts with label L (repeat: all of them); a broadcast\n"
	"  --not-label L        leave out contacts with label L\n"
	"  --where KEY=VALUE    contacts whose attribute KEY is VALUE (repeat: all); a broadcast;\n"
	"                       KEY!=VALUE: is not; KEY=: missing or empty; KEY!=: present\n"
	"  -                    JSONL message objects on stdin, one a line, sent as they come\n"
	"  (none)               CSV on stdin with a phone column; the columns fill {{placeholders}}\n"
	IN_TABLE_USAGE
	"Content (one):\n"
	"  --text TEXT          a text (@FILE reads a file, @- stdin); --preview-url\n"
	"  --quick /SHORTCUT    a quick reply: its text, or its medium with the text as caption\n"
	"  --image/--video/--audio/--document/--sticker FILE|URL\n"
	"                       a medium: files are uploaded, URLs sent as links\n"
	"  --caption TEXT, --filename NAME, --voice (Ogg/Opus voice note), --upload (fetch the URL and upload it)\n"
	"  --location LAT,LON   a place; --name NAME --address TEXT\n"
	"  --template NAME      an approved template; --lang CODE (en_US) --param V... (body {{1}}..., or\n"
	"                       NAME=V for {{name}}; text:, currency:12.50 EUR, date_time: values)\n"
	"                       --header text:V|image:URL|video:URL|document:URL|location:LAT,LON\n"
	"                       --button [url:|copy_code:|quick_reply:|flow:]V... (buttons that take a value)\n"
	"  --no-check           send a template as given, not checked against the synced ones\n"
	"  --fallback-template NAME   outside the 24-hour window a free-form message goes as this\n"
	"                       template instead; --fallback-lang CODE --fallback-param V...\n"
	"  --skip-closed        outside the 24-hour window a free-form message is skipped, not refused\n"
	"  --choice ID:TITLE    reply buttons under --text (repeat, up to 3)\n"
	"  --buttons 'A|B|ID:C' reply buttons under --text: up to 3, titles up to 20 characters\n"
	"  --list BUTTON        a list under --text, opened by BUTTON: --row ID:TITLE[:DESCRIPTION]\n"
	"                       (repeat, up to 10 in all), --section NAME before its rows\n"
	"  --footer TEXT        a footer under --buttons or --list; --header TEXT a text header\n"
	"  --interactive JSON   an interactive object as Meta documents it (@FILE reads a file)\n"
	"  --react EMOJI        a reaction to the --reply-to message\n"
	"  --reply-to WAMID     quote the customer's message\n"
	"  --rendered           the message is final: {{...}} in it are text, not placeholders\n"
	"Rules and delivery:\n"
	"  --at TIME            send then (placeholders allowed: '{{appointment}} -1d'); 09:00 is\n"
	"                       the next 09:00; a time over a minute past is refused\n"
	"  --now-if-past        send a past --at time now instead\n"
	"  --key TEXT           an idempotency key (placeholders allowed); a used key is not sent again\n"
	"  --tag TEXT           data Meta hands back in the statuses (biz_opaque_callback_data, up to\n"
	"                       512 characters; placeholders allowed)\n"
	"  --force              send outside the 24-hour window, and to opted-out contacts (direct only)\n"
	"  --kind KIND          marketing or utility (default: a template's category, else\n"
	"                       marketing to --label or --where, else utility)\n"
	"  --cap N/DUR          marketing: skip contacts that got N marketing messages within DUR (1/7d)\n"
	"  --spread             broadcasts over the messaging limit: queue the excess for the next days\n"
	"  --name NAME          the broadcast's name (--broadcast NAME when --location uses --name)\n"
	"  --agent NAME         who sends (env WB_AGENT)\n"
	"  --from-number ID     send from this business number's id (default WB_PHONE_ID)\n"
	"  --auto KIND          mark as an automatic reply (away, greeting, keyword, follow_up)\n"
	"  --rate N/s           pace (default 80/s; off: unlimited)\n"
	"  --concurrency N      requests in flight (default 32)\n"
	"  --dry-run            print the request bodies as JSONL (with --at, each one's time\n"
	"                       on stderr); send and store nothing\n"
	"  --retry-unknown      flush: resend messages a crash left unknown\n"
	"Read receipts:\n"
	"  --read WAMID         mark a customer's message read on WhatsApp (and those before it)\n"
	"  --typing WAMID       the same, and show them the typing indicator (until the next\n"
	"                       message, or 25 s)\n"
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"Environment: WB_TOKEN, WB_PHONE_ID, WB_API_URL, WB_API_TIMEOUT, WB_AGENT, WB_TIER.\n"
	"Exit: 0 sent, 1 nobody to send to, 75 some wait for a retry, 65 refused or failed,\n"
	"69 API unreachable, 78 no token or phone id (or the token was rejected).\n";

enum {
	O_TO = 256, O_LABEL, O_NOT_LABEL, O_TEXT, O_QUICK, O_IMAGE, O_VIDEO, O_AUDIO, O_DOCUMENT, O_STICKER,
	O_CAPTION, O_FILENAME, O_VOICE, O_UPLOAD, O_PREVIEW, O_LOCATION, O_NAME, O_BROADCAST, O_ADDRESS,
	O_TEMPLATE, O_LANG, O_PARAM, O_HEADER, O_BUTTON, O_CHOICE, O_INTERACTIVE, O_REACT, O_REPLY_TO,
	O_AT, O_KEY, O_TAG, O_FORCE, O_RENDERED, O_KIND, O_CAP, O_AGENT, O_AUTO, O_RATE, O_CONCURRENCY,
	O_DRY_RUN, O_RETRY_UNKNOWN, O_NOW_IF_PAST, O_COMPLETE, O_WHERE, O_FROM_NUMBER,
	O_NO_CHECK, O_FALLBACK, O_FALLBACK_LANG, O_FALLBACK_PARAM, O_SPREAD, O_READ, O_TYPING,
	O_BUTTONS, O_LIST, O_ROW, O_SECTION, O_FOOTER, O_SKIP_CLOSED,
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	IN_TABLE_LONGOPTS,
	{"to", required_argument, NULL, O_TO},
	{"label", required_argument, NULL, O_LABEL},
	{"not-label", required_argument, NULL, O_NOT_LABEL},
	{"where", required_argument, NULL, O_WHERE},
	{"text", required_argument, NULL, O_TEXT},
	{"quick", required_argument, NULL, O_QUICK},
	{"image", required_argument, NULL, O_IMAGE},
	{"video", required_argument, NULL, O_VIDEO},
	{"audio", required_argument, NULL, O_AUDIO},
	{"document", required_argument, NULL, O_DOCUMENT},
	{"sticker", required_argument, NULL, O_STICKER},
	{"caption", required_argument, NULL, O_CAPTION},
	{"filename", required_argument, NULL, O_FILENAME},
	{"voice", no_argument, NULL, O_VOICE},
	{"upload", no_argument, NULL, O_UPLOAD},
	{"preview-url", no_argument, NULL, O_PREVIEW},
	{"location", required_argument, NULL, O_LOCATION},
	{"name", required_argument, NULL, O_NAME},
	{"broadcast", required_argument, NULL, O_BROADCAST},
	{"address", required_argument, NULL, O_ADDRESS},
	{"template", required_argument, NULL, O_TEMPLATE},
	{"lang", required_argument, NULL, O_LANG},
	{"param", required_argument, NULL, O_PARAM},
	{"header", required_argument, NULL, O_HEADER},
	{"button", required_argument, NULL, O_BUTTON},
	{"choice", required_argument, NULL, O_CHOICE},
	{"buttons", required_argument, NULL, O_BUTTONS},
	{"list", required_argument, NULL, O_LIST},
	{"row", required_argument, NULL, O_ROW},
	{"section", required_argument, NULL, O_SECTION},
	{"footer", required_argument, NULL, O_FOOTER},
	{"interactive", required_argument, NULL, O_INTERACTIVE},
	{"react", required_argument, NULL, O_REACT},
	{"reply-to", required_argument, NULL, O_REPLY_TO},
	{"rendered", no_argument, NULL, O_RENDERED},
	{"at", required_argument, NULL, O_AT},
	{"now-if-past", no_argument, NULL, O_NOW_IF_PAST},
	{"skip-closed", no_argument, NULL, O_SKIP_CLOSED},
	{"key", required_argument, NULL, O_KEY},
	{"tag", required_argument, NULL, O_TAG},
	{"force", no_argument, NULL, O_FORCE},
	{"kind", required_argument, NULL, O_KIND},
	{"cap", required_argument, NULL, O_CAP},
	{"agent", required_argument, NULL, O_AGENT},
	{"auto", required_argument, NULL, O_AUTO},
	{"rate", required_argument, NULL, O_RATE},
	{"concurrency", required_argument, NULL, O_CONCURRENCY},
	{"dry-run", no_argument, NULL, O_DRY_RUN},
	{"retry-unknown", no_argument, NULL, O_RETRY_UNKNOWN},
	{"no-check", no_argument, NULL, O_NO_CHECK},
	{"fallback-template", required_argument, NULL, O_FALLBACK},
	{"fallback-lang", required_argument, NULL, O_FALLBACK_LANG},
	{"fallback-param", required_argument, NULL, O_FALLBACK_PARAM},
	{"spread", no_argument, NULL, O_SPREAD},
	{"from-number", required_argument, NULL, O_FROM_NUMBER},
	{"read", required_argument, NULL, O_READ},
	{"typing", required_argument, NULL, O_TYPING},
	/* for the shell completions, not in --help: the names --label,
	 * --quick and --template take, one a line */
	{"complete", required_argument, NULL, O_COMPLETE},
	{0},
};

/* Options as given, before they become a spec. */
typedef struct {
	compose_spec spec;
	const char **to, **labels, **not_labels, **where;
	size_t nto, nlabels, nnot, nwhere;
	const char **reads;  /* --read and --typing, in order */
	char *typing;        /* typing[i]: reads[i] came with --typing */
	size_t nreads;
	const char *name, *broadcast, *cap;
	long cap_n; /* --cap, read */
	int64_t cap_period;
	double rate;
	long concurrency;
	int dry, retry_unknown, no_check, spread;
	int complete; /* --complete KIND: 1 + the kind; 0 without */
	int lines; /* '-': JSONL message objects on stdin */
	int table; /* --delimiter or --phone-column */
	char *text, *interactive; /* read from files */
	char *agent; /* WB_AGENT, from the environment or the config file */
} opts;

static void append(const char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* The subcommands; a send has none. */
typedef enum { CMD_QUEUE, CMD_CANCEL, CMD_FLUSH, CMD_SEND, CMD_COMPLETE, CMD_READ } command;
static const char *const commands[] = {"queue", "cancel", "flush", NULL};

/* The run: the database, the API, the output and the counts. */
typedef struct {
	cli *c;
	opts o;
	command cmd;
	int argc; /* the command's own arguments (cancel's ids) */
	char **argv;
	wb_db *db;
	api *api;
	cli_rows rows; /* opened at the first row: nobody, nothing written */
	compose_ctx sc;
	deliver_stats total;
	api_msg_type type; /* of the message on the command line */
	long bad_lines;    /* '-': lines not sent for an error of their own */
	const char *where; /* '-': the line being sent ("stdin:7"), for messages */
	in_docs *in;       /* '-': the lines */
	inorder order;     /* '-': result rows held until the earlier lines' are out */
	compose_media media; /* its medium, resolved once */
	long recipients;     /* of a send: as the segment, the list or --to gave them */
	quick_content quick; /* --quick's reply, when it carries a medium */
} run;

/* The columns of a result row after its id. */
enum { F_PHONE, F_USER_ID, F_WAMID, F_STATUS, F_ERROR, F_TAG, F_TMPL, NF };

static void write_row(run *r, int64_t id, const char *const f[NF])
{
	out *o = cli_rows_out(&r->rows);
	if (r->o.lines) /* read live by the next program in the pipe */
		out_line_buffered(o);
	if (id)
		out_int(o, id);
	else
		out_null(o);
	for (int i = 0; i < NF; i++)
		out_str(o, f[i]);
	out_row_end(o);
}

/* '-': a row kept for its turn (the line it came from, for messages). */
typedef struct {
	int64_t id;
	long line;
	int complete;
	char *f[NF];
} held;

static held *held_new(int64_t id, long line)
{
	held *h = xcalloc(1, sizeof *h);
	h->id = id;
	h->line = line;
	return h;
}

static void held_fill(held *h, const char *const f[NF])
{
	for (int i = 0; i < NF; i++)
		h->f[i] = f[i] ? xstrdup(f[i]) : NULL;
	h->complete = 1;
}

/* Its turn: written (unless the run ended before its result came). */
static void held_out(void *item, void *ctx)
{
	held *h = item;
	if (h->complete)
		write_row(ctx, h->id, (const char *const *)h->f);
	for (int i = 0; i < NF; i++)
		free(h->f[i]);
	free(h);
}

static void row(run *r, int64_t id, const char *phone, const char *user_id, const char *wamid, const char *status,
		const char *error, const char *tag, const char *tmpl)
{
	if (r->o.dry) /* the request bodies are the output */
		return;
	const char *f[NF] = {phone && *phone ? phone : NULL, user_id && *user_id ? user_id : NULL, wamid, status,
			     error, tag, tmpl};
	if (!r->o.lines || !inorder_waiting(&r->order)) {
		write_row(r, id, f);
		return;
	}
	held *h = held_new(id, 0);
	held_fill(h, f);
	inorder_put(&r->order, h);
}

/* A dry run's request body, and on stderr when it would go: the time
 * --at was read as, in the business zone. */
static void dry_run_note(run *r, const compose_note *n)
{
	printf("%s\n", n->payload);
	if (!n->due_at && !r->o.spec.at)
		return;
	char when[40] = "now";
	if (n->due_at)
		when_fmt_human(n->due_at, r->c->tz, when);
	fflush(stdout);
	wb_warn("%s: would be sent %s%s", n->phone ? n->phone : n->user_id, n->due_at ? "at " : "", when);
}

/* Why a message to phone did not go, with the line it came from. */
static void warn_for(const run *r, const char *phone, const char *error)
{
	if (r->where)
		wb_warn("%s: %s: %s", r->where, phone, error);
	else
		wb_warn("%s: %s", phone, error);
}

static void on_note(const compose_note *n, void *ctx)
{
	run *r = ctx;
	if (n->outcome == COMPOSED_DRY_RUN) {
		dry_run_note(r, n);
		return;
	}
	if (n->outcome == COMPOSED_FALLBACK) { /* its result row says which template went */
		wb_warn("%s: %s: %s", n->phone ? n->phone : n->user_id, n->error, n->tmpl);
		return;
	}
	if (n->outcome == COMPOSED_REFUSED || n->outcome == COMPOSED_SKIPPED)
		warn_for(r, n->phone ? n->phone : n->user_id, n->error);
	row(r, n->id, n->phone, n->user_id, NULL, compose_outcome_name(n->outcome), n->error, n->tag, n->tmpl);
}

static void on_result(const deliver_result *d, void *ctx)
{
	run *r = ctx;
	held *h = r->o.lines ? inorder_held(&r->order, d->id) : NULL;
	char where[32];
	if (h) /* a line's message: said with its line, written in its turn */
		snprintf(where, sizeof where, "stdin:%ld", h->line);
	r->where = h ? where : NULL;
	if (d->status == STATUS_FAILED)
		warn_for(r, *d->phone ? d->phone : d->user_id, d->error);
	r->where = NULL;
	if (!h) {
		row(r, d->id, d->phone, d->user_id, d->wamid, status_name(d->status), d->error, d->tag, d->tmpl);
		return;
	}
	const char *f[NF] = {*d->phone ? d->phone : NULL, *d->user_id ? d->user_id : NULL, d->wamid,
			     status_name(d->status), d->error, d->tag, d->tmpl};
	held_fill(h, f);
	inorder_done(&r->order, d->id);
}

static int on_unknown(int64_t id, const char *phone, msg_status status, const char *error, void *ctx)
{
	run *r = ctx;
	if (status == STATUS_UNKNOWN)
		wb_warn("message %lld to %s: %s (flush --retry-unknown resends it)", (long long)id, phone, error);
	int uid = bsuid_valid(phone);
	row(r, id, uid ? NULL : phone, uid ? phone : NULL, NULL, status_name(status), error, NULL, NULL);
	return 0;
}

static int feed(void *ctx, deliver_fed *f);

static int deliver(run *r, int mine, long expected)
{
	if (r->o.dry)
		return 0;
	deliver_opts d = {
		.rate = r->o.rate, .concurrency = (int)r->o.concurrency, .max_attempts = 5, .max_wait = 60,
		.mine = mine, .progress = isatty(2) && expected > 1, .expected = expected,
		.on_result = on_result, .ctx = r, .feed = r->in ? feed : NULL, .feed_fd = STDIN_FILENO,
	};
	deliver_stats s;
	int rc = deliver_run(r->db, r->api, &d, &s);
	r->total.sent += s.sent;
	r->total.failed += s.failed;
	r->total.later += s.later;
	r->total.auth |= s.auth;
	r->total.unreachable = s.unreachable;
	return rc;
}

/* --------------------------------------------------------------- sources */

/* Recipients as the rows of a CSV (or TSV, or a plain list of numbers)
 * on stdin: each row's columns fill its message's placeholders. */
static int from_csv(run *r, const compose_spec *s, api_msg_type type, const compose_media *m)
{
	in_rows *in;
	in_row row;
	kv vars = {0};
	int rc = in_rows_open(stdin, "stdin", IN_ROWS_LIST, &in);
	while (!rc && (rc = in_rows_next(in, &row)) == 1) {
		r->recipients++;
		in_row_vars(&row, &vars);
		if (!in_row_key(&row))
			rc = in_row_err(&row, wb_err(EX_DATAERR, "no phone or user ID"));
		else if ((rc = compose_one(&r->sc, s, type, m, in_row_key(&row), &vars)))
			in_row_err(&row, rc);
	}
	kv_free(&vars);
	in_rows_close(in);
	return rc;
}

static int segment_one(const contact *ct, void *ctx)
{
	run *r = ctx;
	r->recipients++;
	return compose_one_wa_id(&r->sc, &r->o.spec, r->type, &r->media, contact_key(ct), NULL);
}

/* A send to nobody is most likely a mistake (a label misspelt into an
 * empty segment, an empty export), so it says so and exits 1, the
 * status of "nothing matched", which cron reports. */
static int nobody(const run *r)
{
	const opts *o = &r->o;
	if (!o->nlabels && !o->nwhere)
		return wb_err(EX_FALSE, "nobody to send to: no recipients on stdin");
	sb b = {0};
	for (size_t i = 0; i < o->nlabels; i++)
		sb_printf(&b, "%s%s", i ? " and " : "is labelled ", o->labels[i]);
	for (size_t i = 0; i < o->nwhere; i++)
		sb_printf(&b, "%s%s", i ? " and " : b.len ? " with " : "has ", o->where[i]);
	for (size_t i = 0; i < o->nnot; i++)
		sb_printf(&b, "%s%s", i ? ", nor " : ", not ", o->not_labels[i]);
	int rc = wb_err(EX_FALSE, "nobody to send to: no contact %s", b.s);
	sb_free(&b);
	return rc;
}

/* A message for many (or one): rows first, in one transaction, then
 * delivery of the rows due now. */
static int bulk(run *r)
{
	opts *o = &r->o;
	int rc;
	/* a segment, a CSV list or anything named is a broadcast */
	int segment = o->nlabels || o->nwhere;
	int broadcast = segment || o->name || o->broadcast || !o->nto;
	int64_t now = r->sc.now;
	if ((rc = db_begin(r->db)))
		return rc;
	if (broadcast && !o->dry)
		rc = compose_broadcast(&r->sc, &o->spec, o->broadcast ? o->broadcast : o->name, o->labels,
				       o->not_labels);
	r->sc.direct = !broadcast;
	if (!rc && o->nto) {
		phone_list pl = {.db = r->db};
		rc = in_phones((int)o->nto, (char **)o->to, NULL, "--to", &pl);
		for (size_t i = 0; i < pl.n && !rc; i++)
			rc = compose_one_wa_id(&r->sc, &o->spec, r->type, &r->media, pl.v[i], NULL);
		phone_list_free(&pl);
	}
	if (!rc && segment) {
		contact_filter f = {.labels = o->labels, .not_labels = o->not_labels, .where = o->where, .now = now};
		rc = contact_each(r->db, &f, segment_one, r);
	}
	if (!rc && !o->nto && !segment)
		rc = from_csv(r, &o->spec, r->type, &r->media);
	if (!rc && !o->nto && !r->recipients)
		rc = nobody(r);
	if (!rc && broadcast)
		rc = compose_limit(&r->sc, &o->spec, o->spread);
	if (rc || o->dry) {
		db_rollback(r->db);
		return rc;
	}
	if ((rc = db_commit(r->db)))
		return rc;
	return r->sc.queued_now ? deliver(r, 1, r->sc.queued_now) : 0;
}

/* One line of JSONL (doc NULL: a line too long to keep), composed: its
 * message, due now, gets its place in the output. A failure of the
 * line's own is said with its number and counted. */
static int line(run *r, const char *doc, size_t len, long lineno)
{
	char where[32];
	snprintf(where, sizeof where, "stdin:%ld", lineno);
	long before = r->sc.queued_now;
	r->where = where;
	int rc = doc ? compose_line(&r->sc, doc, len, where, r->o.spec.agent) : EX_DATAERR;
	r->where = NULL;
	if (!rc && r->sc.queued_now > before)
		inorder_hold(&r->order, r->sc.last_now, held_new(r->sc.last_now, lineno));
	if (!rc || batch_fatal(rc))
		return rc;
	wb_warn("%s", wb_errmsg());
	r->bad_lines++;
	return 0;
}

/* The lines ready on stdin, a group at most, composed in deliver's
 * round transaction (each line a savepoint in it): a burst costs one
 * commit, a lone line goes at once. A group is as many lines as there
 * are connections: more could not go at once, and the first of a group
 * waits for the last to be stored. */
static int feed(void *ctx, deliver_fed *f)
{
	run *r = ctx;
	long before = r->sc.queued_now;
	const char *doc;
	size_t len;
	long long offset;
	long lineno;
	int rc = 0, got = 1, n = 0, group = (int)r->o.concurrency;
	for (; n < group && !rc && in_docs_pending(r->in); n++)
		if ((got = in_docs_next(r->in, &doc, &len, &offset, &lineno)) == 1)
			rc = line(r, doc, len, lineno);
		else
			break;
	if (got != 1) {
		f->eof = 1;
		rc = got ? got : rc;
	}
	f->more = n == group;
	f->made = r->sc.queued_now - before;
	return rc;
}

/* A dry run's lines: each request body written as its line is read. */
static int dry_lines(run *r)
{
	const char *doc;
	size_t len;
	long long offset;
	long lineno;
	int rc = 0;
	while (!rc && (rc = in_docs_next(r->in, &doc, &len, &offset, &lineno)) == 1) {
		rc = line(r, doc, len, lineno);
		fflush(stdout);
	}
	return rc;
}

/* JSONL message objects, each sent as soon as it is read, several in
 * flight (deliver reads the lines as it goes): a live pipeline answers
 * promptly. The result rows come in the lines' order. A bad line costs
 * only itself: the stream ends for a broken database or configuration
 * (batch_fatal), or when the API rejects the token. */
static int lines(run *r)
{
	r->in = in_docs_open(STDIN_FILENO, "stdin");
	in_docs_lines(r->in, IN_LINE_MAX);
	in_tty_hint(STDIN_FILENO, "JSON message objects, one a line");
	inorder_init(&r->order, held_out, r);
	r->sc.grouped = !r->o.dry;
	int rc = r->o.dry ? dry_lines(r) : deliver(r, 1, 0);
	inorder_end(&r->order);
	in_docs_close(r->in);
	r->in = NULL;
	return rc;
}

static int queue_row_out(const queue_row *q, void *ctx)
{
	out *o = cli_rows_out(&((run *)ctx)->rows);
	out_int(o, q->id);
	out_str(o, q->phone);
	out_str(o, q->user_id);
	out_str(o, q->type);
	out_str(o, status_name(q->status));
	out_time(o, q->due_at);
	out_int(o, q->attempts);
	out_str(o, q->key);
	out_str(o, q->error);
	out_str(o, q->tag);
	out_row_end(o);
	return 0;
}

/* The exit code for what happened, worst first. */
static int verdict(const run *r)
{
	if (r->total.auth)
		return wb_err(EX_CONFIG, "the Cloud API rejected the token (WB_TOKEN); messages stay queued");
	if (r->total.later && r->total.unreachable)
		return wb_err(EX_UNAVAILABLE, "the Cloud API is unreachable; %ld message%s stay queued (wb-send flush)",
			      r->total.later, r->total.later == 1 ? "" : "s");
	if (r->total.later)
		return wb_err(EX_TEMPFAIL, "%ld message%s wait for a retry (wb-send flush)", r->total.later,
			      r->total.later == 1 ? "" : "s");
	if (r->bad_lines)
		return wb_err(EX_DATAERR, "%ld line%s not sent (said above), %ld failed, %ld refused", r->bad_lines,
			      r->bad_lines == 1 ? "" : "s", r->total.failed, r->sc.refused);
	if (r->total.failed || r->sc.refused)
		return wb_err(EX_DATAERR, "%ld failed, %ld refused", r->total.failed, r->sc.refused);
	return 0;
}

/* --read and --typing, kept in the order given. */
static void add_read(opts *o, const char *wamid, int typing)
{
	o->typing = xrealloc(o->typing, o->nreads + 1);
	o->typing[o->nreads] = (char)typing;
	append(&o->reads, &o->nreads, wamid);
}

/* The options of a template send; 1 when opt was one. */
static int template_option(opts *o, int opt)
{
	compose_spec *s = &o->spec;
	switch (opt) {
	case O_TEMPLATE: s->tmpl = optarg; break;
	case O_LANG: s->lang = optarg; break;
	case O_PARAM: append(&s->params, &s->nparams, optarg); break;
	case O_HEADER: s->header = optarg; break;
	case O_BUTTON: append(&s->buttons, &s->nbuttons, optarg); break;
	case O_NO_CHECK: o->no_check = 1; break;
	case O_FALLBACK: s->fallback = optarg; break;
	case O_FALLBACK_LANG: s->fallback_lang = optarg; break;
	case O_FALLBACK_PARAM: append(&s->fallback_params, &s->nfallback_params, optarg); break;
	case O_SPREAD: o->spread = 1; break;
	default: return 0;
	}
	return 1;
}

static void options(run *r, int argc, char **argv)
{
	opts *o = &r->o;
	compose_spec *s = &o->spec;
	int opt;
	const char *section = NULL; /* --section: the rows that follow are in it */
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common(r->c, opt, optarg) || template_option(o, opt))
			continue;
		if (in_table_option(opt, optarg)) {
			o->table = 1;
			continue;
		}
		switch (opt) {
		case O_TO: append(&o->to, &o->nto, optarg); break;
		case O_LABEL: append(&o->labels, &o->nlabels, optarg); break;
		case O_NOT_LABEL: append(&o->not_labels, &o->nnot, optarg); break;
		case O_WHERE:
			if (contact_where_check(optarg))
				wb_usage("%s", wb_errmsg());
			append(&o->where, &o->nwhere, optarg);
			break;
		case O_TEXT: s->text = optarg; break;
		case O_QUICK: s->quick = optarg; break;
		case O_IMAGE: s->image = optarg; break;
		case O_VIDEO: s->video = optarg; break;
		case O_AUDIO: s->audio = optarg; break;
		case O_DOCUMENT: s->document = optarg; break;
		case O_STICKER: s->sticker = optarg; break;
		case O_CAPTION: s->caption = optarg; break;
		case O_FILENAME: s->filename = optarg; break;
		case O_VOICE: s->voice = 1; break;
		case O_UPLOAD: s->upload = 1; break;
		case O_PREVIEW: s->preview_url = 1; break;
		case O_LOCATION: s->location = optarg; break;
		case O_NAME: o->name = optarg; break;
		case O_BROADCAST: o->broadcast = optarg; break;
		case O_ADDRESS: s->address = optarg; break;
		case O_CHOICE: append(&s->choices, &s->nchoices, optarg); break;
		case O_BUTTONS: s->reply_buttons = optarg; break;
		case O_LIST: s->list = optarg; break;
		case O_ROW: /* in the section named last */
			s->row_sections = xrealloc(s->row_sections, (s->nrows + 1) * sizeof *s->row_sections);
			s->row_sections[s->nrows] = section;
			append(&s->rows, &s->nrows, optarg);
			break;
		case O_SECTION: section = optarg; break;
		case O_FOOTER: s->footer = optarg; break;
		case O_INTERACTIVE: s->interactive = optarg; break;
		case O_REACT: s->react = optarg; break;
		case O_REPLY_TO: s->reply_to = optarg; break;
		case O_RENDERED: s->rendered = 1; break;
		case O_AT: s->at = optarg; break;
		case O_NOW_IF_PAST: s->now_if_past = 1; break;
		case O_SKIP_CLOSED: s->skip_closed = 1; break;
		case O_KEY: s->key = optarg; break;
		case O_TAG: s->tag = optarg; break;
		case O_FORCE: s->force = 1; break;
		case O_KIND: s->kind = send_category_names[cli_choice("--kind", optarg, send_category_names)]; break;
		case O_CAP: o->cap = optarg; break;
		case O_AGENT: s->agent = optarg; break;
		case O_FROM_NUMBER: s->from_number = optarg; break;
		case O_AUTO: {
			/* the kinds of automatic reply are wb-reply's */
			const char *const *kinds = reply_kind_names + REPLY_AWAY;
			s->auto_kind = kinds[cli_choice("--auto", optarg, kinds)];
			break;
		}
		case O_RATE:
			if (rl_parse(optarg, &o->rate))
				wb_die(EX_DATAERR, "%s", wb_errmsg());
			break;
		case O_CONCURRENCY:
			if (parse_long(optarg, 1, 1000, &o->concurrency))
				wb_usage("--concurrency: '%s' is not a number from 1 to 1000", optarg);
			break;
		case O_DRY_RUN: o->dry = 1; break;
		case O_RETRY_UNKNOWN: o->retry_unknown = 1; break;
		case O_READ:
		case O_TYPING: add_read(o, optarg, opt == O_TYPING); break;
		case O_COMPLETE: o->complete = 1 + cli_choice("--complete", optarg, complete_kinds); break;
		}
	}
}

/* The command the arguments name, after the checks that need no file or
 * database (a malformed command line exits 64 here). */
static command command_of(run *r, int argc, char **argv)
{
	opts *o = &r->o;
	if (o->complete)
		return CMD_COMPLETE;
	/* --name names the place when there is one, else the broadcast */
	if (o->spec.location && o->name) {
		o->spec.place = o->name;
		o->name = NULL;
	}
	api_msg_type type;
	if (o->nreads && (argc || o->nto || o->nlabels || !compose_spec_type(&o->spec, EX_USAGE, &type)))
		wb_usage("--read and --typing go alone: no recipients, message or command");
	if (o->nreads)
		return CMD_READ;
	command cmd = argc && strcmp(argv[0], "-") ? (command)cli_subcommand(argv[0], commands) : CMD_SEND;
	o->lines = argc == 1 && !strcmp(argv[0], "-");
	if (cmd == CMD_SEND && argc > (o->lines ? 1 : 0))
		wb_usage("unexpected argument '%s' (recipients go with --to)", argv[o->lines]);
	if (cmd == CMD_CANCEL && argc < 2)
		wb_usage("cancel needs message ids");
	if ((cmd == CMD_QUEUE || cmd == CMD_FLUSH) && argc != 1)
		wb_usage("%s takes no arguments", argv[0]);
	if (o->retry_unknown && cmd != CMD_FLUSH)
		wb_usage("--retry-unknown goes with flush");
	if (o->spread && (cmd != CMD_SEND || o->lines))
		wb_usage("--spread goes with a broadcast (--label, --name or recipients on stdin)");
	if (o->spec.now_if_past && !o->spec.at)
		wb_usage("--now-if-past goes with --at");
	if (o->lines && (o->nto || o->nlabels || o->nwhere))
		wb_usage("'-' reads recipients from stdin; it does not mix with --to, --label or --where");
	if (o->table && (cmd != CMD_SEND || o->lines || o->nto || o->nlabels || o->nwhere))
		wb_usage("--delimiter and --phone-column go with recipients in a table on stdin");
	if (o->nnot && !o->nlabels && !o->nwhere)
		wb_usage("--not-label narrows --label or --where");
	if (o->cap && send_cap_parse(o->cap, &o->cap_n, &o->cap_period))
		wb_die(EX_DATAERR, "%s", wb_errmsg());
	/* said before a token is asked for; a template's category is read
	 * once the database is open (cmd_send) */
	compose_ctx before_db = {.segment = o->nlabels || o->nwhere, .cap_n = o->cap_n};
	if ((o->spec.kind || !o->spec.tmpl) && compose_cap_check(&before_db, &o->spec))
		wb_usage("%s", wb_errmsg());
	if (cmd == CMD_SEND && !o->lines && !o->nto && !o->nlabels && !o->nwhere && isatty(0))
		wb_usage("no recipients: give --to, --label, --where, or CSV or JSONL ('-') on stdin");
	if (cmd == CMD_SEND && !o->lines && o->spec.text && !strcmp(o->spec.text, "@-") && !o->nto && !o->nlabels &&
	    !o->nwhere)
		wb_usage("--text @- reads stdin, so recipients must come from --to, --label or --where");
	return cmd;
}

/* The message the options give: texts read from their files, the
 * content type checked. */
static int message(run *r)
{
	compose_spec *s = &r->o.spec;
	int rc = 0;
	if (s->text && (rc = compose_read_text(s->text, &r->o.text)))
		return rc;
	s->text = r->o.text;
	if (s->interactive && (rc = compose_read_text(s->interactive, &r->o.interactive)))
		return rc;
	s->interactive = r->o.interactive;
	if ((rc = compose_spec_type(s, EX_USAGE, &r->type)))
		wb_usage("%s", wb_errmsg());
	return 0;
}

/* What the command needs before the database opens: its texts read and
 * the API's configuration (nothing is written when it is missing). */
static int prepare(cli *c, void *p)
{
	run *r = p;
	int rc;
	if (!r->o.spec.agent && (rc = config_get("WB_AGENT", &r->o.agent)))
		return rc;
	if (!r->o.spec.agent && r->o.agent && *r->o.agent)
		r->o.spec.agent = r->o.agent;
	if (r->cmd == CMD_SEND && !r->o.lines && (rc = message(r)))
		return rc;
	if ((r->cmd == CMD_SEND && !r->o.dry) || r->cmd == CMD_FLUSH || r->cmd == CMD_READ)
		return api_open((int)r->o.concurrency, &r->api);
	return 0;
}

/* The output and the composing context, on the open database. */
static void open_run(run *r, wb_db *db)
{
	r->db = db;
	static const char *const cols[] = {"id", "phone", "user_id", "wamid", "status", "error", "tag", "template",
					   NULL};
	static const char *const qcols[] = {"id", "phone", "user_id", "type", "status", "due", "attempts", "key",
					    "error", "tag", NULL};
	/* the queue is a listing, with a header when it is empty; what a
	 * send or a flush did is a log, which cron appends to: no row, no
	 * bytes */
	r->rows = (cli_rows){.c = r->c, .cols = r->cmd == CMD_QUEUE ? qcols : cols, .quiet = r->cmd != CMD_QUEUE};
	r->sc = (compose_ctx){.db = r->db, .api = r->api, .tz = r->c->tz, .now = when_now(), .dry = r->o.dry,
			      .force = r->o.spec.force, .segment = r->o.nlabels || r->o.nwhere, .cap_n = r->o.cap_n,
			      .cap_period = r->o.cap_period,
			      .claimer = queue_me(), .note = on_note, .ctx = r, .no_check = r->o.no_check};
}

static int cmd_queue(run *r)
{
	return queue_each(r->db, queue_row_out, r);
}

static int cmd_cancel(run *r, int argc, char **argv)
{
	int rc = 0;
	for (int i = 0; i < argc && !rc; i++) {
		long id;
		if (parse_long(argv[i], 1, LONG_MAX, &id))
			rc = wb_err(EX_DATAERR, "cancel: '%s' is not a message id", argv[i]);
		else if (!(rc = queue_cancel(r->db, id, r->sc.now)))
			row(r, id, NULL, NULL, NULL, status_name(STATUS_CANCELLED), NULL, NULL, NULL);
	}
	return rc;
}

static int cmd_flush(run *r)
{
	int rc = queue_recover(r->db, queue_me(), r->o.retry_unknown, r->sc.now, on_unknown, r);
	if (!rc)
		rc = deliver(r, 0, 0);
	return rc ? rc : verdict(r);
}

/* --read and --typing, one request each, in order. */
static int cmd_read(run *r)
{
	int rc = 0;
	for (size_t i = 0; i < r->o.nreads && !rc; i++) {
		char phone[PHONE_MAX], user_id[BSUID_MAX];
		if (!(rc = inbox_mark_read(r->db, r->api, r->o.reads[i], r->o.typing[i], phone, user_id)))
			row(r, 0, phone, user_id, r->o.reads[i], r->o.typing[i] ? "typing" : "read", NULL, NULL, NULL);
	}
	return rc;
}

static int cmd_send(run *r)
{
	int rc = compose_cap_check(&r->sc, &r->o.spec);
	if (rc)
		return rc;
	if (r->o.lines)
		rc = lines(r);
	else if (!(rc = compose_quick_media(r->db, &r->o.spec, &r->type, &r->quick)) &&
		 !(rc = compose_media_resolve(r->api, &r->o.spec, r->type, r->o.dry, &r->media)))
		rc = bulk(r);
	return rc ? rc : verdict(r);
}

static int print_name(const char *name, void *ctx)
{
	return puts(name) < 0 ? wb_err(EX_IOERR, "stdout: write error") : 0;
}

static int run_command(wb_db *db, cli *c, void *p)
{
	run *r = p;
	if (r->cmd == CMD_COMPLETE)
		return complete_names(db, (complete_kind)(r->o.complete - 1), print_name, NULL);
	open_run(r, db);
	int rc = 0;
	switch (r->cmd) {
	case CMD_QUEUE: rc = cmd_queue(r); break;
	case CMD_CANCEL: rc = cmd_cancel(r, r->argc - 1, r->argv + 1); break;
	case CMD_FLUSH: rc = cmd_flush(r); break;
	case CMD_SEND: rc = cmd_send(r); break;
	case CMD_READ: rc = cmd_read(r); break;
	case CMD_COMPLETE: break;
	}
	if (rc)
		fflush(stdout); /* the rows written so far, before the error */
	return cli_rows_end(&r->rows, rc);
}

static void parse(int argc, char **argv, cli *c, void *p)
{
	run *r = p;
	r->c = c;
	options(r, argc, argv);
	r->argc = argc - optind;
	r->argv = argv + optind;
	r->cmd = command_of(r, r->argc, r->argv);
	c->reads = r->cmd == CMD_QUEUE || r->cmd == CMD_COMPLETE;
}

/* Frees what parse and run kept; the database is cli_main's to close. */
static void done(void *p)
{
	run *r = p;
	opts *o = &r->o;
	compose_media_free(&r->media);
	compose_ctx_free(&r->sc);
	quick_content_free(&r->quick);
	free(o->agent);
	free(o->to);
	free(o->labels);
	free(o->not_labels);
	free(o->where);
	free(o->reads);
	free(o->typing);
	free(o->text);
	free(o->interactive);
	free(o->spec.params);
	free(o->spec.buttons);
	free(o->spec.choices);
	free(o->spec.rows);
	free(o->spec.row_sections);
	free(o->spec.fallback_params);
	api_close(r->api);
}

int main(int argc, char **argv)
{
	run r = {.o = {.spec = {.preview_url = -1}, .rate = 80, .concurrency = 32}};
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .prepare = prepare, .run = run_command, .done = done}, argc, argv, &r);
}
