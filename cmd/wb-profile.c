/* wb-profile — the business profile and opening hours: show and set the
 * fields, the weekly hours, holidays and special days, ask whether the
 * business is open, move the whole profile in and out as JSON, and the
 * small tools of the WhatsApp Business app: the wa.me link with its QR
 * code, and the profile picture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cloudapi.h"
#include "err.h"
#include "hours.h"
#include "in.h"
#include "profile.h"
#include "qr.h"
#include "util.h"
#include "when.h"

static const char usage[] =
	"usage: wb-profile [-d DB] [-o FORMAT] COMMAND [ARGS]\n"
	"\n"
	"  show                          every profile field, the time zone, the hours mode\n"
	"  set KEY=VALUE...              name, about, description, category, address,\n"
	"                                email, website (twice) or websites=A,B, timezone;\n"
	"                                KEY= clears a field\n"
	"  hours                         the week, one row a day\n"
	"  hours DAYS RANGES...          set it: mon-fri 09:00-12:00,13:00-18:00 sat closed\n"
	"  hours always|appointment      open round the clock, or by appointment only\n"
	"  hours closed DATE...          holidays\n"
	"  hours on DATE RANGES...       special days: on 2026-12-24 10:00-14:00\n"
	"  hours exceptions [--all]      holidays and special days from today (--all: past too)\n"
	"  hours clear DATE...           forget a holiday or special day\n"
	"  open [--at TIME]              exit 0 when open, 1 when closed; says until when\n"
	"  export                        the whole profile as one JSON document\n"
	"  import [FILE]                 read such a document (stdin when no FILE)\n"
	"  push [--dry-run]              send the profile to the Cloud API (--dry-run:\n"
	"                                print the request body instead)\n"
	"  link [--text TEXT] [--qr FILE.svg|FILE.png]\n"
	"                                the wa.me link to chat with the business, with a\n"
	"                                message to prefill, and its QR code\n"
	"  photo FILE                    set the profile picture (JPEG or PNG)\n"
	"\n"
	CLI_COMMON_USAGE
	"\n"
	"Environment: WB_DISPLAY_PHONE (link: the business's number; else asked of the\n"
	"Cloud API), WB_TOKEN, WB_PHONE_ID, WB_API_URL, WB_APP_ID (photo).\n";

enum { SHOW, SET, HOURS, OPEN, EXPORT, IMPORT, PUSH, LINK, PHOTO };
static const cli_cmd commands[] = {
	[SHOW] = {"show", 0, 0, NULL},
	[SET] = {"set", 1, -1, "KEY=VALUE"},
	[HOURS] = {"hours", 0, -1, NULL},
	[OPEN] = {"open", 0, 0, NULL},
	[EXPORT] = {"export", 0, 0, NULL},
	[IMPORT] = {"import", 0, 1, NULL},
	[PUSH] = {"push", 0, 0, NULL},
	[LINK] = {"link", 0, 0, NULL},
	[PHOTO] = {"photo", 1, 1, "an image file"},
	{0},
};
/* What hours does: the first four are named by its first argument; with
 * none it shows the week, with anything else it sets the week. */
enum { HOURS_EXCEPTIONS, HOURS_CLOSED, HOURS_ON, HOURS_CLEAR, HOURS_SHOW_WEEK, HOURS_SET_WEEK };
static const char *const hours_subs[] = {"exceptions", "closed", "on", "clear", NULL};

typedef struct {
	int cmd, sub, argc;
	char **argv; /* the command's arguments */
	const char *at, *text, *qr;
	int all, dry_run;
	profile set; /* set's fields, read before the database is opened */
} opts;

/* A mode as show and hours print it: "unset" says that nothing was set
 * (which counts as always open). */
static const char *mode_word(hours_mode m)
{
	return m == HOURS_UNSET ? "unset" : hours_mode_name(m);
}

static int show(wb_db *db, cli *c)
{
	profile p;
	hours_spec h;
	int rc = profile_load(db, &p);
	if (rc || (rc = hours_load(db, &h)))
		return rc;
	static const char *const cols[] = {"field", "value", NULL};
	out *o = cli_out(c, cols);
	for (int i = 0; i < PROFILE_NFIELDS; i++) {
		out_str(o, profile_fields[i]);
		out_str(o, p.v[i]);
		out_row_end(o);
	}
	out_str(o, "hours");
	out_str(o, mode_word(h.mode));
	out_row_end(o);
	hours_free(&h);
	profile_free(&p);
	return out_close(o);
}

static int week(wb_db *db, cli *c)
{
	hours_spec h;
	int rc = hours_load(db, &h);
	if (rc)
		return rc;
	static const char *const cols[] = {"day", "hours", "mode", NULL};
	out *o = cli_out(c, cols);
	char buf[HOURS_MAX_RANGES * 12 + 8];
	for (int d = 0; d < 7; d++) {
		hours_fmt_ranges(h.day[d], h.n[d], buf, sizeof buf);
		out_str(o, when_day_name(d, 1));
		out_str(o, h.mode == HOURS_WEEK ? buf : NULL);
		out_str(o, mode_word(h.mode));
		out_row_end(o);
	}
	hours_free(&h);
	return out_close(o);
}

/* The exceptions from today on in the business zone, or all of them. */
static int exceptions(wb_db *db, cli *c, int all)
{
	hours_spec h;
	int rc = hours_load(db, &h);
	if (rc)
		return rc;
	char *tz = profile_tz(db), today[16], buf[HOURS_MAX_RANGES * 12 + 8];
	when_fmt_date(when_local_day(when_now(), tz), today);
	static const char *const cols[] = {"date", "day", "hours", NULL};
	out *o = cli_out(c, cols);
	for (int i = 0; i < h.nex; i++) {
		if (!all && strcmp(h.ex[i].date, today) < 0)
			continue;
		int64_t day = 0;
		when_parse_date(h.ex[i].date, &day);
		hours_fmt_ranges(h.ex[i].r, h.ex[i].n, buf, sizeof buf);
		out_str(o, h.ex[i].date);
		out_str(o, when_day_name(when_weekday(day), 1));
		out_str(o, buf);
		out_row_end(o);
	}
	free(tz);
	hours_free(&h);
	return out_close(o);
}

/* Writes the week (when week is given) or the exceptions of ex (removing
 * them when remove), all in one transaction. */
static int save_hours(wb_db *db, const hours_spec *week, const hours_spec *ex, int remove)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	if (week)
		rc = hours_save_week(db, week);
	for (int i = 0; ex && i < ex->nex && !rc; i++)
		rc = hours_save_exception(db, ex->ex[i].date, ex->ex[i].r, remove ? -1 : ex->ex[i].n);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* hours clear DATE...: every date checked first; the others are cleared
 * while dates without an exception are named and make the status 1. */
static int clear(wb_db *db, int argc, char **argv)
{
	hours_spec want = {0}, have;
	sb missing = {0};
	int rc = hours_load(db, &have);
	for (int i = 0; i < argc && !rc; i++)
		rc = hours_set_exception(&want, argv[i], NULL, 0);
	for (int i = 0; i < want.nex && !rc; i++)
		if (!hours_find_exception(&have, want.ex[i].date))
			sb_printf(&missing, "%s%s", missing.len ? ", " : "", want.ex[i].date);
	if (!rc)
		rc = save_hours(db, NULL, &want, 1);
	if (!rc && missing.len)
		rc = wb_err(EX_FALSE, "no holiday or special day on %s", missing.s);
	sb_free(&missing);
	hours_free(&want);
	hours_free(&have);
	return rc;
}

/* hours' subcommand, its arguments counted; exits 64 otherwise. */
static int hours_sub(int argc, char **argv)
{
	int sub = argc ? HOURS_SET_WEEK : HOURS_SHOW_WEEK;
	for (int i = 0; argc && hours_subs[i]; i++)
		if (!strcmp(argv[0], hours_subs[i]))
			sub = i;
	if (sub == HOURS_EXCEPTIONS && argc != 1)
		wb_usage("hours exceptions takes no arguments");
	if ((sub == HOURS_CLOSED || sub == HOURS_CLEAR) && argc < 2)
		wb_usage("hours %s needs dates (YYYY-MM-DD)", hours_subs[sub]);
	if (sub == HOURS_ON && (argc < 3 || argc % 2 == 0))
		wb_usage("hours on takes DATE RANGES pairs, like: on 2026-12-24 10:00-14:00");
	return sub;
}

static int hours(wb_db *db, cli *c, int sub, int all, int argc, char **argv)
{
	if (sub == HOURS_SHOW_WEEK)
		return week(db, c);
	hours_spec h = {0};
	int rc = 0;
	switch (sub) {
	case HOURS_EXCEPTIONS:
		return exceptions(db, c, all);
	case HOURS_CLEAR:
		return clear(db, argc - 1, argv + 1);
	case HOURS_CLOSED:
		for (int i = 1; i < argc && !rc; i++)
			rc = hours_set_exception(&h, argv[i], NULL, 0);
		break;
	case HOURS_ON:
		for (int i = 1; i < argc && !rc; i += 2) {
			hours_range r[HOURS_MAX_RANGES];
			int n;
			if (!(rc = hours_parse_ranges(argv[i + 1], r, &n)))
				rc = hours_set_exception(&h, argv[i], r, n);
		}
		break;
	default:
		rc = hours_parse_week(argc, argv, &h);
	}
	if (!rc)
		rc = save_hours(db, sub == HOURS_SET_WEEK ? &h : NULL, sub == HOURS_SET_WEEK ? NULL : &h, 0);
	hours_free(&h);
	return rc;
}

/* Exit 0 when open at the time, 1 when closed; the row says until when. */
static int open_at(wb_db *db, cli *c, const char *at)
{
	char *tz = profile_tz(db);
	int64_t t = when_now(), until;
	hours_spec h;
	int rc = at && when_parse(at, t, tz, &t) ? wb_err_prefix(EX_DATAERR, "--at: ") : 0;
	if (rc || (rc = hours_load(db, &h))) {
		free(tz);
		return rc;
	}
	int open = hours_open_at(&h, t, tz, &until);
	static const char *const cols[] = {"state", "until", NULL};
	out *o = cli_out(c, cols);
	out_str(o, open ? "open" : "closed");
	out_time(o, until);
	out_row_end(o);
	hours_free(&h);
	free(tz);
	rc = out_close(o);
	return rc ? rc : open ? 0 : EX_FALSE;
}

static int export(wb_db *db)
{
	char *text;
	int rc = profile_export(db, &text);
	if (rc)
		return rc;
	fputs(text, stdout);
	free(text);
	if (fflush(stdout) || ferror(stdout))
		return wb_err(EX_IOERR, "stdout: write error");
	return 0;
}

static int import(wb_db *db, const char *path)
{
	char *text;
	int rc = in_read_all(path, &text);
	if (rc)
		return rc;
	rc = profile_import(db, text, path && strcmp(path, "-") ? path : "stdin");
	free(text);
	return rc;
}

/* The profile as Meta's business-profile body, posted (or printed). */
static int push(wb_db *db, int dry_run)
{
	json_t *body;
	int rc = profile_to_api_json(db, &body);
	if (rc)
		return rc;
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (dry_run) {
		puts(text);
	} else {
		api *a;
		if (!(rc = api_open(1, &a))) {
			rc = api_profile_push(a, text);
			api_close(a);
		}
	}
	free(text);
	return rc;
}

/* The wa.me link, and its QR code when --qr names a file. */
static int wa_link(cli *c, const char *text, const char *qr)
{
	char digits[PHONE_MAX];
	int rc = profile_number(digits);
	if (rc)
		return rc;
	char *link = profile_wa_link(digits, text);
	if (qr)
		rc = qr_write(link, qr);
	if (!rc) {
		static const char *const cols[] = {"phone", "link", "qr", NULL};
		out *o = cli_out(c, cols);
		out_row_strs(o, (const char *const[]){digits, link, qr}, 3);
		rc = out_close(o);
	}
	free(link);
	return rc;
}

/* The options and the command with its arguments; exits 64 on a
 * malformed command line, 65 on a bad value for set. */
static void parse(int argc, char **argv, cli *c, void *p)
{
	opts *op = p;
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{"at", required_argument, NULL, 'a'},
		{"all", no_argument, NULL, 'A'},
		{"dry-run", no_argument, NULL, 'n'},
		{"text", required_argument, NULL, 't'},
		{"qr", required_argument, NULL, 'q'},
		{0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		if (opt == 'a')
			op->at = optarg;
		else if (opt == 'A')
			op->all = 1;
		else if (opt == 'n')
			op->dry_run = 1;
		else if (opt == 't')
			op->text = optarg;
		else if (opt == 'q')
			op->qr = optarg;
	}
	op->argc = argc - optind;
	op->argv = argv + optind;
	op->cmd = cli_command(NULL, commands, &op->argc, &op->argv);
	if (op->cmd == HOURS)
		op->sub = hours_sub(op->argc, op->argv);
	c->reads = op->cmd == SHOW || op->cmd == OPEN || op->cmd == EXPORT || op->cmd == PUSH ||
		   (op->cmd == HOURS && (op->sub == HOURS_SHOW_WEEK || op->sub == HOURS_EXCEPTIONS));
	if (op->at && op->cmd != OPEN)
		wb_usage("--at goes with open");
	if (op->all && !(op->cmd == HOURS && op->sub == HOURS_EXCEPTIONS))
		wb_usage("--all goes with 'hours exceptions'");
	if (op->dry_run && op->cmd != PUSH)
		wb_usage("--dry-run goes with push");
	if ((op->text || op->qr) && op->cmd != LINK)
		wb_usage("--text and --qr go with link");
	if (op->qr && !qr_format_ok(op->qr))
		wb_usage("--qr %s: the file name ends in .svg or .png", op->qr);
	int rc = op->cmd == SET ? profile_parse_set(op->argc, op->argv, &op->set) : 0;
	if (rc == EX_USAGE)
		wb_usage("%s", wb_errmsg());
	if (rc)
		wb_fail(rc);
}

static int run(wb_db *db, cli *c, void *p)
{
	const opts *op = p;
	switch (op->cmd) {
	case SHOW: return show(db, c);
	case SET: return profile_save(db, &op->set);
	case HOURS: return hours(db, c, op->sub, op->all, op->argc, op->argv);
	case OPEN:
		c->answer = EX_FALSE; /* closed: the row says so */
		return open_at(db, c, op->at);
	case EXPORT: return export(db);
	case IMPORT: return import(db, op->argc ? op->argv[0] : NULL);
	case LINK: return wa_link(c, op->text, op->qr);
	case PHOTO: return profile_photo(op->argv[0]);
	default: return push(db, op->dry_run);
	}
}

static void done(void *p)
{
	opts *op = p;
	profile_free(&op->set);
}

int main(int argc, char **argv)
{
	return cli_main(&(cli_tool){.usage = usage, .parse = parse, .run = run, .done = done}, argc, argv, &(opts){0});
}
