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

#include "cli.h"
#include "cloudapi.h"
#include "contact.h"
#include "deliver.h"
#include "err.h"
#include "in.h"
#include "profile.h"
#include "queue.h"
#include "ratelimit.h"
#include "send.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-send [OPTIONS] --to PHONE... | --label L... | - | < recipients.csv\n"
	"       wb-send queue | cancel ID... | flush [--retry-unknown]\n"
	"\n"
	"Recipients:\n"
	"  --to PHONE           a recipient (repeat for more)\n"
	"  --label L            contacts with label L (repeat: all of them); a broadcast\n"
	"  --not-label L        leave out contacts with label L\n"
	"  -                    JSONL message objects on stdin, one a line, sent as they come\n"
	"  (none)               CSV on stdin with a phone column; the columns fill {{placeholders}}\n"
	"Content (one):\n"
	"  --text TEXT          a text (@FILE reads a file, @- stdin); --preview-url\n"
	"  --quick /SHORTCUT    a quick reply's text\n"
	"  --image/--video/--audio/--document/--sticker FILE|URL\n"
	"                       a medium: files are uploaded, URLs sent as links\n"
	"  --caption TEXT, --filename NAME, --voice (Ogg/Opus voice note), --upload (fetch the URL and upload it)\n"
	"  --location LAT,LON   a place; --name NAME --address TEXT\n"
	"  --template NAME      an approved template; --lang CODE (en_US) --param V... (body {{1}}...)\n"
	"                       --header text:V|image:URL|video:URL|document:URL --button V... (URL buttons)\n"
	"  --choice ID:TITLE    reply buttons under --text (repeat, up to 3)\n"
	"  --interactive JSON   an interactive object as Meta documents it (@FILE reads a file)\n"
	"  --react EMOJI        a reaction to the --reply-to message\n"
	"  --reply-to WAMID     quote the customer's message\n"
	"Rules and delivery:\n"
	"  --at TIME            send then (placeholders allowed: '{{appointment}} -1d')\n"
	"  --key TEXT           an idempotency key (placeholders allowed); a used key is not sent again\n"
	"  --force              send outside the 24-hour window, and to opted-out contacts (direct only)\n"
	"  --cap N/DUR          broadcasts: skip contacts that got N broadcasts within DUR (1/7d)\n"
	"  --name NAME          the broadcast's name (--broadcast NAME when --location uses --name)\n"
	"  --agent NAME         who sends (env WB_AGENT)\n"
	"  --auto KIND          mark as an automatic reply (away, greeting, keyword)\n"
	"  --rate N/s           pace (default 80/s; off: unlimited)\n"
	"  --concurrency N      requests in flight (default 32)\n"
	"  --dry-run            print the request bodies as JSONL; send and store nothing\n"
	"  --retry-unknown      flush: resend messages a crash left unknown\n"
	"\n"
	"  -d, --db PATH        database (env WB_DB; default ~/.local/share/wb/wb.db)\n"
	"  -o, --output FMT     table, csv, tsv, json, jsonl (env WB_OUTPUT)\n"
	"  -h, --help           this help\n"
	"  -V, --version        version\n"
	"\n"
	"Environment: WB_TOKEN, WB_PHONE_ID, WB_API_URL, WB_API_TIMEOUT, WB_AGENT.\n"
	"Exit: 0 sent, 75 some wait for a retry, 65 refused or failed, 69 API unreachable,\n"
	"78 no token or phone id (or the token was rejected).\n";

enum {
	O_TO = 256, O_LABEL, O_NOT_LABEL, O_TEXT, O_QUICK, O_IMAGE, O_VIDEO, O_AUDIO, O_DOCUMENT, O_STICKER,
	O_CAPTION, O_FILENAME, O_VOICE, O_UPLOAD, O_PREVIEW, O_LOCATION, O_NAME, O_BROADCAST, O_ADDRESS,
	O_TEMPLATE, O_LANG, O_PARAM, O_HEADER, O_BUTTON, O_CHOICE, O_INTERACTIVE, O_REACT, O_REPLY_TO,
	O_AT, O_KEY, O_FORCE, O_CAP, O_AGENT, O_AUTO, O_RATE, O_CONCURRENCY, O_DRY_RUN, O_RETRY_UNKNOWN,
};

static const struct option longopts[] = {
	CLI_COMMON_LONGOPTS,
	{"to", required_argument, NULL, O_TO},
	{"label", required_argument, NULL, O_LABEL},
	{"not-label", required_argument, NULL, O_NOT_LABEL},
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
	{"interactive", required_argument, NULL, O_INTERACTIVE},
	{"react", required_argument, NULL, O_REACT},
	{"reply-to", required_argument, NULL, O_REPLY_TO},
	{"at", required_argument, NULL, O_AT},
	{"key", required_argument, NULL, O_KEY},
	{"force", no_argument, NULL, O_FORCE},
	{"cap", required_argument, NULL, O_CAP},
	{"agent", required_argument, NULL, O_AGENT},
	{"auto", required_argument, NULL, O_AUTO},
	{"rate", required_argument, NULL, O_RATE},
	{"concurrency", required_argument, NULL, O_CONCURRENCY},
	{"dry-run", no_argument, NULL, O_DRY_RUN},
	{"retry-unknown", no_argument, NULL, O_RETRY_UNKNOWN},
	{0},
};

/* Options as given, before they become a spec. */
typedef struct {
	send_spec spec;
	const char **to, **labels, **not_labels;
	size_t nto, nlabels, nnot;
	const char *name, *broadcast, *cap;
	double rate;
	long concurrency;
	int dry, retry_unknown;
	char *text, *interactive; /* read from files */
} opts;

static void append(const char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* The run: the database, the API, the output and the counts. */
typedef struct {
	cli c;
	opts o;
	wb_db *db;
	api *api;
	out *out;
	send_ctx sc;
	deliver_stats total;
	api_msg_type type; /* of the message on the command line */
	send_media media;  /* its medium, resolved once */
	int unknown;
} run;

static void row(run *r, int64_t id, const char *phone, const char *wamid, const char *status, const char *error)
{
	if (!r->out) /* --dry-run: the request bodies are the output */
		return;
	if (id)
		out_int(r->out, id);
	else
		out_null(r->out);
	out_str(r->out, phone);
	out_str(r->out, wamid);
	out_str(r->out, status);
	out_str(r->out, error);
	out_row_end(r->out);
}

static void on_note(const send_note *n, void *ctx)
{
	run *r = ctx;
	if (!strcmp(n->status, "dry-run")) {
		printf("%s\n", n->payload);
		return;
	}
	if (!strcmp(n->status, "refused") || !strcmp(n->status, "skipped"))
		wb_warn("%s: %s", n->phone, n->error);
	row(r, n->id, n->phone, NULL, n->status, n->error);
}

static void on_result(const deliver_result *d, void *ctx)
{
	run *r = ctx;
	if (!strcmp(d->status, "failed"))
		wb_warn("%s: %s", d->phone, d->error);
	row(r, d->id, d->phone, d->wamid, d->status, d->error);
}

static int on_unknown(int64_t id, const char *phone, const char *status, const char *error, void *ctx)
{
	run *r = ctx;
	r->unknown++;
	if (!strcmp(status, "unknown"))
		wb_warn("message %lld to %s: %s (flush --retry-unknown resends it)", (long long)id, phone, error);
	row(r, id, phone, NULL, status, error);
	return 0;
}

static int deliver(run *r, int mine, long expected)
{
	if (r->o.dry)
		return 0;
	deliver_opts d = {
		.rate = r->o.rate, .concurrency = (int)r->o.concurrency, .max_attempts = 5, .max_wait = 60,
		.mine = mine, .progress = isatty(2) && expected > 1, .expected = expected,
		.on_result = on_result, .ctx = r,
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

static int from_csv(run *r, const send_spec *s, api_msg_type type, const send_media *m)
{
	csvr *cr = csvr_open(stdin, "stdin", ',');
	char **f;
	int n, rc, phone_col = -1;
	long line;
	kv row = {0};
	char **head = NULL;
	int nhead = 0;
	while ((rc = csvr_next(cr, &f, &n, &line)) == 1) {
		if (!head) {
			phone_col = in_phone_column(f, n);
			char probe[PHONE_MAX];
			if (phone_col < 0 && n == 1 && !contact_resolve_phone(r->sc.db, f[0], probe)) {
				phone_col = 0; /* a bare list of numbers */
			} else {
				head = xcalloc((size_t)n, sizeof *head);
				for (int i = 0; i < n; i++)
					head[i] = xstrdup(f[i]);
				nhead = n;
				if (phone_col < 0) {
					rc = wb_err(EX_DATAERR, "stdin:%ld: no phone column in the header", line);
					break;
				}
				continue;
			}
			head = xcalloc(1, sizeof *head);
			head[0] = xstrdup("phone");
			nhead = 1;
		}
		kv_clear(&row);
		for (int i = 0; i < n && i < nhead; i++)
			kv_set(&row, head[i], f[i]);
		if (phone_col >= n) {
			rc = wb_err(EX_DATAERR, "stdin:%ld: no phone", line);
			break;
		}
		if ((rc = send_one(&r->sc, s, type, m, f[phone_col], &row))) {
			wb_err_prefix(rc, "stdin:%ld: ", line);
			break;
		}
	}
	if (rc == 1)
		rc = 0;
	for (int i = 0; i < nhead; i++)
		free(head[i]);
	free(head);
	kv_free(&row);
	csvr_close(cr);
	return rc;
}

static int segment_one(const contact *ct, void *ctx)
{
	run *r = ctx;
	return send_one(&r->sc, &r->o.spec, r->type, &r->media, ct->wa_id, NULL);
}

/* A message for many (or one): rows first, in one transaction, then
 * delivery of the rows due now. */
static int bulk(run *r, int argc)
{
	opts *o = &r->o;
	int rc;
	int broadcast = o->nlabels || o->name || o->broadcast || (!o->nto && argc == 0);
	int64_t now = r->sc.now;
	if ((rc = db_begin(r->db)))
		return rc;
	if (broadcast && !o->dry) {
		const char *name = o->broadcast ? o->broadcast : o->name;
		json_t *spec = json_pack("{s:o,s:o}", "labels", json_array(), "not_labels", json_array());
		for (size_t i = 0; i < o->nlabels; i++)
			json_array_append_new(json_object_get(spec, "labels"), json_string(o->labels[i]));
		for (size_t i = 0; i < o->nnot; i++)
			json_array_append_new(json_object_get(spec, "not_labels"), json_string(o->not_labels[i]));
		if (o->spec.tmpl)
			json_object_set_new(spec, "template", json_string(o->spec.tmpl));
		char *js = json_dumps(spec, JSON_COMPACT);
		json_decref(spec);
		rc = queue_broadcast_new(r->db, name, o->spec.agent, js, now, &r->sc.broadcast_id);
		free(js);
	}
	r->sc.direct = !broadcast;
	if (!rc && o->nto) {
		phone_list pl = {.db = r->db};
		rc = in_phones((int)o->nto, (char **)o->to, NULL, "--to", &pl);
		for (size_t i = 0; i < pl.n && !rc; i++)
			rc = send_one_wa_id(&r->sc, &o->spec, r->type, &r->media, pl.v[i], NULL);
		phone_list_free(&pl);
	}
	if (!rc && o->nlabels) {
		contact_filter f = {.labels = o->labels, .not_labels = o->not_labels, .now = now};
		rc = contact_each(r->db, &f, segment_one, r);
	}
	if (!rc && !o->nto && !o->nlabels)
		rc = from_csv(r, &o->spec, r->type, &r->media);
	if (rc || o->dry) {
		db_rollback(r->db);
		return rc;
	}
	if ((rc = db_commit(r->db)))
		return rc;
	return r->sc.queued_now ? deliver(r, 1, r->sc.queued_now) : 0;
}

/* JSONL message objects, each sent before the next line is read: a
 * live pipeline answers promptly. */
static int lines(run *r)
{
	char *buf = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc;
	if (r->out)
		out_line_buffered(r->out);
	while ((rc = in_line(stdin, &buf, &cap, &lineno)) == 1) {
		if (!*strtrim(buf))
			continue;
		char where[64];
		snprintf(where, sizeof where, "stdin:%ld", lineno);
		json_error_t e;
		json_t *j = json_loads(buf, 0, &e);
		if (!j) {
			rc = wb_err(EX_DATAERR, "%s: not JSON: %s", where, e.text);
			break;
		}
		send_spec s;
		api_msg_type type;
		send_media m = {0};
		rc = send_spec_from_json(j, &s, where);
		if (!rc && (rc = send_spec_type(&s, EX_DATAERR, &type)))
			wb_err_prefix(rc, "%s: ", where);
		if (!s.agent)
			s.agent = r->o.spec.agent;
		if (!rc)
			rc = send_media_resolve(r->api, &s, type, r->o.dry, &m);
		r->sc.direct = 1;
		r->sc.queued_now = 0;
		if (!rc && !(rc = db_begin(r->db))) {
			rc = send_one(&r->sc, &s, type, &m, s.to, NULL);
			if (rc) {
				wb_err_prefix(rc, "%s: ", where);
				db_rollback(r->db);
			} else if (r->o.dry) {
				db_rollback(r->db);
			} else {
				rc = db_commit(r->db);
			}
		}
		if (!rc && r->sc.queued_now)
			rc = deliver(r, 1, 0);
		send_media_free(&m);
		send_spec_free(&s);
		json_decref(j);
		fflush(stdout);
		if (rc)
			break;
	}
	free(buf);
	return rc == 1 ? 0 : rc;
}

static int queue_row_out(const queue_row *q, void *ctx)
{
	run *r = ctx;
	char due[32];
	when_fmt_utc(q->due_at, due);
	out_int(r->out, q->id);
	out_str(r->out, q->phone);
	out_str(r->out, q->type);
	out_str(r->out, q->status);
	out_str(r->out, due);
	out_int(r->out, q->attempts);
	out_str(r->out, q->key);
	out_str(r->out, q->error);
	out_row_end(r->out);
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
	if (r->total.failed || r->sc.refused)
		return wb_err(EX_DATAERR, "%ld failed, %ld refused", r->total.failed, r->sc.refused);
	return 0;
}

static int need_api(run *r)
{
	return api_open((int)r->o.concurrency, &r->api);
}

int main(int argc, char **argv)
{
	wb_init(argv[0]);
	run r = {.c = {.usage = usage}};
	opts *o = &r.o;
	o->spec.preview_url = -1;
	o->rate = 80;
	o->concurrency = 32;
	o->spec.agent = getenv("WB_AGENT");
	if (o->spec.agent && !*o->spec.agent)
		o->spec.agent = NULL;
	int opt;
	send_spec *s = &o->spec;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common(&r.c, opt, optarg))
			continue;
		switch (opt) {
		case O_TO: append(&o->to, &o->nto, optarg); break;
		case O_LABEL: append(&o->labels, &o->nlabels, optarg); break;
		case O_NOT_LABEL: append(&o->not_labels, &o->nnot, optarg); break;
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
		case O_TEMPLATE: s->tmpl = optarg; break;
		case O_LANG: s->lang = optarg; break;
		case O_PARAM: append(&s->params, &s->nparams, optarg); break;
		case O_HEADER: s->header = optarg; break;
		case O_BUTTON: append(&s->buttons, &s->nbuttons, optarg); break;
		case O_CHOICE: append(&s->choices, &s->nchoices, optarg); break;
		case O_INTERACTIVE: s->interactive = optarg; break;
		case O_REACT: s->react = optarg; break;
		case O_REPLY_TO: s->reply_to = optarg; break;
		case O_AT: s->at = optarg; break;
		case O_KEY: s->key = optarg; break;
		case O_FORCE: s->force = 1; break;
		case O_CAP: o->cap = optarg; break;
		case O_AGENT: s->agent = optarg; break;
		case O_AUTO: {
			static const char *const kinds[] = {"away", "greeting", "keyword", NULL};
			s->auto_kind = kinds[cli_choice("--auto", optarg, kinds)];
			break;
		}
		case O_RATE:
			if (rl_parse(optarg, &o->rate))
				wb_usage("%s", wb_errmsg());
			break;
		case O_CONCURRENCY:
			if (parse_long(optarg, 1, 1000, &o->concurrency))
				wb_usage("--concurrency: '%s' is not a number from 1 to 1000", optarg);
			break;
		case O_DRY_RUN: o->dry = 1; break;
		case O_RETRY_UNKNOWN: o->retry_unknown = 1; break;
		}
	}
	argc -= optind;
	argv += optind;
	/* --name names the place when there is one, else the broadcast */
	if (s->location && o->name) {
		s->place = o->name;
		o->name = NULL;
	}
	static const char *const commands[] = {"queue", "cancel", "flush", NULL};
	int cmd = -1;
	if (argc && strcmp(argv[0], "-"))
		cmd = cli_subcommand(argv[0], commands);
	int jsonl = argc == 1 && !strcmp(argv[0], "-");
	if (cmd < 0 && argc > (jsonl ? 1 : 0))
		wb_usage("unexpected argument '%s' (recipients go with --to)", argv[jsonl]);
	if (cmd == 1 && argc < 2)
		wb_usage("cancel needs message ids");
	if ((cmd == 0 || cmd == 2) && argc != 1)
		wb_usage("%s takes no arguments", argv[0]);
	if (o->retry_unknown && cmd != 2)
		wb_usage("--retry-unknown goes with flush");
	if (jsonl && (o->nto || o->nlabels))
		wb_usage("'-' reads recipients from stdin; it does not mix with --to or --label");
	if (o->nnot && !o->nlabels)
		wb_usage("--not-label narrows --label");
	if (o->cap && send_cap_parse(o->cap, &r.sc.cap_n, &r.sc.cap_period))
		wb_usage("%s", wb_errmsg());
	if (cmd < 0 && !jsonl && !o->nto && !o->nlabels && isatty(0))
		wb_usage("no recipients: give --to, --label, or CSV or JSONL ('-') on stdin");
	int rc = 0;
	if (cmd < 0 && !jsonl) {
		if (s->text && !strcmp(s->text, "@-") && !o->nto && !o->nlabels)
			wb_usage("--text @- reads stdin, so recipients must come from --to or --label");
		if (s->text && (rc = send_read_text(s->text, &o->text)))
			wb_fail(rc);
		s->text = o->text;
		if (s->interactive && (rc = send_read_text(s->interactive, &o->interactive)))
			wb_fail(rc);
		s->interactive = o->interactive;
		if ((rc = send_spec_type(s, EX_USAGE, &r.type)))
			wb_usage("%s", wb_errmsg());
	}
	/* configuration first: nothing is written when it is missing */
	if ((cmd < 0 && !o->dry) || cmd == 2)
		if ((rc = need_api(&r)))
			wb_fail(rc);
	r.db = cli_db(&r.c);
	static const char *const cols[] = {"id", "phone", "wamid", "status", "error"};
	static const char *const qcols[] = {"id", "phone", "type", "status", "due", "attempts", "key", "error"};
	if (cmd == 0)
		r.out = cli_out(&r.c, qcols, 8);
	else if (!o->dry)
		r.out = cli_out(&r.c, cols, 5);
	char *tz = profile_tz(r.db);
	r.sc = (send_ctx){.db = r.db, .api = r.api, .tz = tz, .now = when_now(), .dry = o->dry,
			  .force = s->force, .cap_n = r.sc.cap_n, .cap_period = r.sc.cap_period,
			  .claimer = queue_me(), .note = on_note, .ctx = &r};
	switch (cmd) {
	case 0:
		rc = queue_each(r.db, queue_row_out, &r);
		break;
	case 1:
		for (int i = 1; i < argc && !rc; i++) {
			long id;
			if (parse_long(argv[i], 1, LONG_MAX, &id))
				rc = wb_err(EX_DATAERR, "cancel: '%s' is not a message id", argv[i]);
			else if (!(rc = queue_cancel(r.db, id, r.sc.now)))
				row(&r, id, NULL, NULL, "cancelled", NULL);
		}
		break;
	case 2:
		if (!(rc = queue_recover(r.db, queue_me(), o->retry_unknown, r.sc.now, on_unknown, &r)))
			rc = deliver(&r, 0, 0);
		if (!rc)
			rc = verdict(&r);
		break;
	default:
		if (!jsonl && !(rc = send_media_resolve(r.api, s, r.type, o->dry, &r.media)))
			rc = bulk(&r, argc);
		else if (jsonl)
			rc = lines(&r);
		if (!rc)
			rc = verdict(&r);
		break;
	}
	send_media_free(&r.media);
	free(tz);
	free(o->to);
	free(o->labels);
	free(o->not_labels);
	free(o->text);
	free(o->interactive);
	free(s->params);
	free(s->buttons);
	free(s->choices);
	int orc = r.out ? out_close(r.out) : 0;
	api_close(r.api);
	db_close(r.db);
	if (rc) {
		fflush(stdout);
		wb_fail(rc);
	}
	return orc;
}
