#include "chat.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "compose.h"
#include "contact.h"
#include "deliver.h"
#include "err.h"
#include "inbox.h"
#include "label.h"
#include "msglog.h"
#include "queue.h"
#include "quick.h"
#include "send.h"
#include "survey.h"
#include "util.h"
#include "when.h"

/* Meta's typing indicator lasts 25 seconds (or until the reply): asked
 * for again no sooner. */
#define CHAT_TYPING_EVERY 25
/* How often the database is looked at while the agent types (ms). */
#define CHAT_POLL_MS 250

typedef struct {
	int64_t key; /* the message's id * 2, a note's * 2 + 1 */
	char status[16];
} chat_seen; /* a message or note shown, with the status last shown */

typedef struct {
	wb_db *db;
	api *api;
	const chat_opts *o;
	int64_t contact_id, last_in; /* last_in: their last message (the window) */
	char key[CONTACT_KEY_MAX]; /* the customer's phone, or user ID without one */
	char *name, *assignee; /* NULL: unknown, nobody */
	int readonly;          /* a colleague's: shown, not answered */
	chat_seen *seen; /* by key: the log is in time order, which ids need not follow */
	size_t nseen;
	char *in_wamid, *read_wamid; /* their latest message; the one marked read */
	int64_t typing_at, version;
	int quit, rc, reading; /* reading: readline has the terminal */
	long lineno, failed;   /* the line being handled; lines that failed */
	int line_failed;
	char prompt[CONTACT_KEY_MAX + 96]; /* a long name is cut */
	char **words; /* Tab's: the slash commands and the quick replies */
	size_t nwords;
} chat;

static chat *cur; /* readline's callbacks take no context */

/* A line for the agent, above the one being typed on a terminal. */
static void say(chat *ch, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(chat *ch, const char *fmt, ...)
{
	char *line = NULL;
	int point = 0;
	if (ch->reading) {
		line = rl_copy_text(0, rl_end);
		point = rl_point;
		rl_set_prompt("");
		rl_replace_line("", 0);
		rl_redisplay();
	}
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ch->reading) {
		rl_set_prompt(ch->prompt);
		rl_replace_line(line, 0);
		rl_point = point;
		rl_redisplay();
		free(line);
	}
}

/* What went wrong: above the prompt on a terminal; without one, on
 * stderr naming the line of stdin (stdout keeps the conversation). A
 * line's failure (code) sets the exit status; code 0 only warns. */
static void oops(chat *ch, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void oops(chat *ch, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (ch->o->tty)
		say(ch, "! %s", msg);
	else if (ch->lineno)
		wb_warn("stdin:%ld: %s", ch->lineno, msg);
	else
		wb_warn("%s", msg);
	if (code) {
		ch->line_failed = 1;
		ch->rc = ch->rc ? ch->rc : code;
	}
}

/* The status as ticks: ✓ sent, ✓✓ delivered, ✓✓ read. */
static const char *tick(const char *status)
{
	static const char *const t[][2] = {
		{"sent", "✓"}, {"delivered", "✓✓"}, {"read", "✓✓ read"}, {"failed", "✗ failed"},
	};
	for (size_t i = 0; status && i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(status, t[i][0]))
			return t[i][1];
	return status ? status : "";
}

/* The entry of key in ch->seen, added (status "") when new: *added. */
static chat_seen *seen_of(chat *ch, int64_t key, int *added)
{
	size_t lo = 0, hi = ch->nseen;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ch->seen[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	*added = lo == ch->nseen || ch->seen[lo].key != key;
	if (*added) {
		ch->seen = xrealloc(ch->seen, (ch->nseen + 1) * sizeof *ch->seen);
		memmove(ch->seen + lo + 1, ch->seen + lo, (ch->nseen - lo) * sizeof *ch->seen);
		ch->seen[lo] = (chat_seen){.key = key};
		ch->nseen++;
	}
	return &ch->seen[lo];
}

static void show_new(chat *ch, const msglog_msg *m)
{
	char when[40];
	when_fmt_human(m->ts, ch->o->tz, when);
	/* their text goes to the agent's terminal: no escape sequence of theirs */
	char *body = str_visible(m->body ? m->body : m->type, 0);
	if (!m->direction)
		say(ch, "%s  note %s: %s", when, m->agent ? m->agent : "", body);
	else if (!strcmp(m->direction, "in"))
		say(ch, "%s  < %s: %s", when, ch->name ? ch->name : m->wa_id, body);
	else
		say(ch, "%s  > %s: %s  %s", when, m->agent ? m->agent : "", body, tick(m->status));
	free(body);
}

/* Each message and note of the walk: the new ones shown, and a status
 * that changed on one already shown. */
static int on_msg(const msglog_msg *m, void *ctx)
{
	chat *ch = ctx;
	int is_new;
	chat_seen *e = seen_of(ch, m->id * 2 + !m->direction, &is_new);
	const char *st = m->status ? m->status : "";
	if (is_new)
		show_new(ch, m);
	else if (m->direction && !strcmp(m->direction, "out") && strcmp(e->status, st)) {
		char *body = str_visible(m->body ? m->body : m->type, 1); /* a name filled in may be anyone's */
		say(ch, "        %s  %.*s", tick(st), (int)utf8_prefix(body, 40), body);
		free(body);
	}
	snprintf(e->status, sizeof e->status, "%s", st);
	if (is_new && m->direction && !strcmp(m->direction, "in") && m->wamid) {
		free(ch->in_wamid);
		ch->in_wamid = xstrdup(m->wamid);
	}
	return 0;
}

static int on_conv(const inbox_conv *c, void *ctx)
{
	chat *ch = ctx;
	free(ch->assignee);
	ch->assignee = c->assignee ? xstrdup(c->assignee) : NULL;
	snprintf(ch->key, sizeof ch->key, "%s", *c->phone ? c->phone : c->user_id);
	return 0;
}

/* The prompt: whose it is, and the 24-hour window's time left. */
static void prompt_set(chat *ch)
{
	int64_t left = ch->last_in ? ch->last_in + SEND_WINDOW - when_now() : 0;
	char dur[48] = "";
	if (left > 0)
		when_dur_human(left, dur);
	const char *who = ch->name ? ch->name : ch->key;
	if (ch->readonly)
		snprintf(ch->prompt, sizeof ch->prompt, "%s [%s's, read-only] > ", who, ch->assignee);
	else if (left > 0)
		snprintf(ch->prompt, sizeof ch->prompt, "%s [%s left] > ", who, dur);
	else
		snprintf(ch->prompt, sizeof ch->prompt, "%s [window closed: /t NAME] > ", who);
	if (ch->reading && strcmp(rl_prompt ? rl_prompt : "", ch->prompt)) {
		rl_set_prompt(ch->prompt);
		rl_redisplay();
	}
}

/* Marks their latest message read on WhatsApp (earlier ones with it),
 * or shows the typing indicator with it. A failure is said, not fatal. */
static void mark_read(chat *ch, int typing)
{
	if (ch->readonly || !ch->in_wamid || !ch->api)
		return;
	if (!typing && ch->read_wamid && !strcmp(ch->read_wamid, ch->in_wamid))
		return;
	char phone[PHONE_MAX], user_id[BSUID_MAX];
	if (inbox_mark_read(ch->db, ch->api, ch->in_wamid, typing, phone, user_id))
		oops(ch, 0, "%s", wb_errmsg());
	if (!typing) { /* asked once, even when refused */
		free(ch->read_wamid);
		ch->read_wamid = xstrdup(ch->in_wamid);
	}
}

/* Reads the conversation again: who has it, the window, what is new. */
static int refresh(chat *ch)
{
	contact c;
	int rc = contact_get(ch->db, ch->key, &c);
	if (rc)
		return rc;
	ch->last_in = c.last_in_at;
	free(ch->name);
	/* shown in the prompt and on every line: no escape sequence of theirs */
	ch->name = c.name ? str_visible(c.name, 1) : c.profile_name ? str_visible(c.profile_name, 1) : NULL;
	contact_free(&c);
	inbox_filter f = {.state = INBOX_ALL, .contact_id = ch->contact_id, .now = when_now()};
	if ((rc = inbox_each(ch->db, &f, on_conv, ch)))
		return rc;
	ch->readonly = ch->assignee && strcmp(ch->assignee, ch->o->agent);
	if ((rc = msglog_each(ch->db, ch->contact_id, on_msg, ch)))
		return rc;
	mark_read(ch, 0);
	prompt_set(ch);
	return 0;
}

/* Refreshes when another connection changed the file. */
static int poll_db(chat *ch)
{
	int64_t v;
	int rc = db_data_version(ch->db, &v);
	if (rc || v == ch->version)
		return rc;
	ch->version = v;
	return refresh(ch);
}

static int no_row(const char *target, int changed, void *ctx)
{
	return 0;
}

/* The contact phone (a number or a user ID) names: its id, and its key
 * as stored. */
static int find_contact(chat *ch, const char *phone)
{
	contact c;
	int rc = contact_resolve(ch->db, phone, ch->key);
	if (!rc && (rc = contact_get(ch->db, ch->key, &c)) == EX_FALSE)
		return wb_err(EX_DATAERR, "%s: no such contact", phone);
	if (rc)
		return rc;
	ch->contact_id = c.id;
	contact_free(&c);
	return 0;
}

/* Takes phone's conversation (phone "": the next one waiting), or says
 * who has it (--force takes it all the same); then shows it from the
 * start. */
static int open_conv(chat *ch, const char *phone)
{
	int64_t id = 0;
	int changed = 0, rc;
	if (*phone && (rc = find_contact(ch, phone)))
		return rc;
	rc = inbox_take(ch->db, ch->o->agent, *phone ? ch->key : NULL, when_now(), &id, &changed);
	if (rc == EX_FALSE && *phone && ch->o->force) {
		char *argv[] = {ch->key};
		rc = inbox_act_phones(ch->db, INBOX_ASSIGN, ch->o->agent, ch->o->agent, 1, argv, NULL, no_row, NULL);
		changed = !rc;
	}
	if (rc == EX_FALSE && *phone)
		say(ch, "(%s)", wb_errmsg()); /* a colleague's, or none open: shown all the same */
	else if (rc)
		return rc;
	if (!*phone) { /* the one taken: its number from the inbox */
		ch->contact_id = id;
		inbox_filter f = {.state = INBOX_ALL, .contact_id = id, .now = when_now()};
		if ((rc = inbox_each(ch->db, &f, on_conv, ch)))
			return rc;
	}
	ch->nseen = 0;
	free(ch->in_wamid);
	ch->in_wamid = NULL;
	say(ch, "-- %s%s", ch->key, changed ? ": taken by you" : "");
	return refresh(ch);
}

/* ------------------------------------------------------------- sending */

static void on_note(const compose_note *n, void *ctx)
{
	chat *ch = ctx;
	if (n->outcome == COMPOSED_REFUSED || n->outcome == COMPOSED_SKIPPED || n->outcome == COMPOSED_DUPLICATE)
		oops(ch, EX_DATAERR, "not sent: %s", n->error);
}

static void on_result(const deliver_result *d, void *ctx)
{
	chat *ch = ctx;
	if (d->status == STATUS_FAILED)
		oops(ch, EX_UNAVAILABLE, "not sent: %s", d->error);
}

/* One message to the customer, as wb-send --to would send it (the
 * window, the opt-out), by the agent. */
static int send_spec(chat *ch, compose_spec *s)
{
	api_msg_type type;
	quick_content q = {0};
	compose_media m = {0};
	s->agent = ch->o->agent;
	int rc = compose_spec_type(s, EX_USAGE, &type);
	if (!rc)
		rc = compose_quick_media(ch->db, s, &type, &q);
	if (!rc)
		rc = compose_media_resolve(ch->api, s, type, 0, &m);
	compose_ctx c = {.db = ch->db, .api = ch->api, .tz = ch->o->tz, .now = when_now(), .direct = 1,
			 .claimer = queue_me(), .note = on_note, .ctx = ch};
	if (!rc && !(rc = db_begin(ch->db))) {
		if ((rc = compose_one_wa_id(&c, s, type, &m, ch->key, NULL)))
			db_rollback(ch->db);
		else
			rc = db_commit(ch->db);
	}
	if (!rc && c.queued_now) {
		deliver_opts d = {.concurrency = 1, .max_attempts = 5, .max_wait = 60, .mine = 1,
				  .on_result = on_result, .ctx = ch};
		deliver_stats st;
		rc = deliver_run(ch->db, ch->api, &d, &st);
	}
	compose_media_free(&m);
	quick_content_free(&q);
	return rc;
}

/* ------------------------------------------------------------ commands */

typedef struct {
	const char *name, *arg; /* arg: what it takes, NULL: nothing */
	int answers;            /* it writes to the conversation: not on a colleague's */
	int (*fn)(chat *ch, const char *arg);
	const char *help;
} chat_cmd;
static const chat_cmd chat_cmds[];

static int cmd_help(chat *ch, const char *arg);

static int cmd_quit(chat *ch, const char *arg)
{
	ch->quit = 1;
	return 0;
}

static int cmd_note(chat *ch, const char *arg)
{
	return inbox_note(ch->db, ch->key, ch->o->agent, arg, when_now());
}

static int cmd_resolve(chat *ch, const char *arg)
{
	char *argv[] = {ch->key};
	int rc = inbox_act_phones(ch->db, INBOX_RESOLVE, NULL, ch->o->agent, 1, argv, NULL, no_row, NULL);
	if (!rc)
		say(ch, "-- resolved");
	/* the survey the resolution queued (wb-survey --on-resolve) */
	return rc ? rc : survey_deliver(ch->db, ch->api);
}

static int cmd_label(chat *ch, const char *arg)
{
	char *argv[] = {ch->key};
	int rc = label_tag(ch->db, arg, 1, 0, 1, argv, NULL, no_row, NULL);
	if (!rc)
		say(ch, "-- labelled %s", arg);
	return rc;
}

static int cmd_next(chat *ch, const char *arg)
{
	return open_conv(ch, "");
}

static int cmd_take(chat *ch, const char *arg)
{
	char *argv[] = {ch->key};
	int rc = inbox_act_phones(ch->db, INBOX_ASSIGN, ch->o->agent, ch->o->agent, 1, argv, NULL, no_row, NULL);
	if (!rc)
		say(ch, "-- taken by you");
	return rc;
}

static int cmd_template(chat *ch, const char *arg)
{
	compose_spec s = {.tmpl = arg, .preview_url = -1};
	return send_spec(ch, &s);
}

static int cmd_img(chat *ch, const char *arg)
{
	compose_spec s = {.image = arg, .preview_url = -1};
	return send_spec(ch, &s);
}

static const chat_cmd chat_cmds[] = {
	{"help", NULL, 0, cmd_help, "these commands"},
	{"quit", NULL, 0, cmd_quit, "leave (so does end of input)"},
	{"note", "TEXT", 0, cmd_note, "a private note, never sent"},
	{"resolve", NULL, 1, cmd_resolve, "resolve the conversation"},
	{"l", "LABEL", 0, cmd_label, "label the contact"},
	{"next", NULL, 0, cmd_next, "take the next waiting conversation"},
	{"take", NULL, 0, cmd_take, "take a colleague's conversation"},
	{"t", "NAME", 1, cmd_template, "send template NAME (when the window has closed)"},
	{"img", "FILE|URL", 1, cmd_img, "send an image (a file is uploaded)"},
	{NULL, NULL, 0, NULL, NULL},
};

static int cmd_help(chat *ch, const char *arg)
{
	for (const chat_cmd *c = chat_cmds; c->name; c++) {
		char use[40];
		snprintf(use, sizeof use, "/%s%s%s", c->name, c->arg ? " " : "", c->arg ? c->arg : "");
		say(ch, "  %-18s %s", use, c->help);
	}
	say(ch, "  /SHORTCUT          send that quick reply (Tab completes)");
	say(ch, "  TEXT               send TEXT");
	return 0;
}

/* A slash command, or else a quick reply's shortcut. */
static int slash(chat *ch, char *line)
{
	char *arg = line + strcspn(line, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = strtrim(arg);
	for (const chat_cmd *c = chat_cmds; c->name; c++) {
		if (strcmp(c->name, line))
			continue;
		if (c->arg && !*arg)
			return wb_err(EX_USAGE, "/%s takes %s", c->name, c->arg);
		if (c->answers && ch->readonly)
			return wb_err(EX_NOPERM, "%s's conversation: read-only (/take takes it)", ch->assignee);
		return c->fn(ch, arg);
	}
	if (ch->readonly)
		return wb_err(EX_NOPERM, "%s's conversation: read-only (/take takes it)", ch->assignee);
	compose_spec s = {.quick = line, .preview_url = -1};
	return send_spec(ch, &s);
}

/* One line the agent typed: a command, or text to send. */
static void handle(chat *ch, char *line)
{
	line = strtrim(line);
	int rc = 0;
	ch->lineno++;
	ch->line_failed = 0;
	if (!*line)
		return;
	if (*line == '/')
		rc = slash(ch, line + 1);
	else if (ch->readonly)
		rc = wb_err(EX_NOPERM, "%s's conversation: read-only (/take takes it)", ch->assignee);
	else
		rc = send_spec(ch, &(compose_spec){.text = line, .preview_url = -1});
	if (rc)
		oops(ch, rc, "%s", wb_errmsg());
	if (!ch->quit && (rc = refresh(ch))) /* our own changes move no data_version */
		oops(ch, 0, "%s", wb_errmsg());
	ch->failed += ch->line_failed;
}

/* ------------------------------------------------------------ terminal */

static int add_word(const quick_reply *q, void *ctx)
{
	chat *ch = ctx;
	ch->words = xrealloc(ch->words, (ch->nwords + 2) * sizeof *ch->words);
	ch->words[ch->nwords++] = xasprintf("/%s", q->shortcut);
	ch->words[ch->nwords] = NULL;
	return 0;
}

/* Tab's words: the slash commands, then the quick replies. */
static int words_load(chat *ch)
{
	for (const chat_cmd *c = chat_cmds; c->name; c++) {
		quick_reply q = {.shortcut = c->name};
		add_word(&q, ch);
	}
	return quick_each(ch->db, add_word, ch);
}

static char *complete_word(const char *text, int state)
{
	static size_t i, len;
	if (!state)
		i = 0, len = strlen(text);
	while (cur->words && i < cur->nwords)
		if (!strncmp(cur->words[i++], text, len))
			return xstrdup(cur->words[i - 1]);
	return NULL;
}

/* Only the first word, and only a slash, completes. */
static char **complete(const char *text, int start, int end)
{
	rl_attempted_completion_over = 1;
	if (start != 0 || *text != '/')
		return NULL;
	return rl_completion_matches(text, complete_word);
}

static void on_line(char *line)
{
	if (!line) {
		cur->quit = 1;
		return;
	}
	if (*line)
		add_history(line);
	cur->reading = 0; /* the line stays on the screen as typed */
	handle(cur, line);
	free(line);
	prompt_set(cur);
	rl_set_prompt(cur->prompt); /* readline shows it after this returns */
	cur->reading = 1;
}

/* The typing indicator, once the agent has typed something, at most
 * once in its 25 seconds. */
static void typing(chat *ch)
{
	int64_t now = when_now();
	if (rl_end > 0 && now - ch->typing_at >= CHAT_TYPING_EVERY && ch->in_wamid && !ch->readonly) {
		ch->typing_at = now;
		mark_read(ch, 1);
	}
}

/* The terminal: readline's callback interface, so that poll() wakes
 * for a key or, every CHAT_POLL_MS, to look at the database. */
static int loop_tty(chat *ch)
{
	rl_readline_name = "wb-chat";
	rl_attempted_completion_function = complete;
	rl_callback_handler_install(ch->prompt, on_line);
	ch->reading = 1;
	int rc = 0;
	while (!ch->quit && !rc) {
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		int n = poll(&p, 1, CHAT_POLL_MS);
		if (n > 0) {
			rl_callback_read_char();
			typing(ch);
		}
		if (!ch->quit)
			rc = poll_db(ch);
	}
	ch->reading = 0;
	rl_callback_handler_remove();
	putchar('\n');
	return rc;
}

/* Without a terminal: each line of stdin, in order, until its end. */
static int loop_lines(chat *ch)
{
	char *line = NULL;
	size_t cap = 0;
	while (!ch->quit && getline(&line, &cap, stdin) > 0)
		handle(ch, line);
	free(line);
	return 0;
}

static void chat_free(chat *ch)
{
	free(ch->name);
	free(ch->assignee);
	free(ch->seen);
	free(ch->in_wamid);
	free(ch->read_wamid);
	for (size_t i = 0; i < ch->nwords; i++)
		free(ch->words[i]);
	free(ch->words);
}

int chat_run(wb_db *db, api *a, const chat_opts *o, const char *phone)
{
	chat ch = {.db = db, .api = a, .o = o};
	cur = &ch;
	int rc = db_data_version(db, &ch.version);
	if (!rc)
		rc = open_conv(&ch, phone ? phone : "");
	if (!rc && o->tty && !(rc = words_load(&ch)))
		rc = loop_tty(&ch);
	else if (!rc)
		rc = loop_lines(&ch);
	if (!rc && ch.rc) /* each failure said already: here only how many */
		rc = wb_err(ch.rc, "%ld of %ld line%s failed", ch.failed, ch.lineno, ch.lineno == 1 ? "" : "s");
	chat_free(&ch);
	cur = NULL;
	return rc;
}
