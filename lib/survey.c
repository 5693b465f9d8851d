#include "survey.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deliver.h"
#include "err.h"
#include "queue.h"
#include "util.h"
#include "when.h"

/* ------------------------------------------------------------ scales */

/* A scale as the message shows it: reply buttons (up to three) or a list
 * (up to ten rows), each item "score:title". */
typedef struct {
	int list;
	int n, min, max;
	char *items[10];
	char *text; /* the body: the ask, and for NPS how to give 0 */
} scale_form;

static void form_free(scale_form *f)
{
	for (int i = 0; i < f->n; i++)
		free(f->items[i]);
	free(f->text);
}

static int fixed_scale(const char *scale, const char *ask, scale_form *f)
{
	static const char *const csat[] = {"5:Very satisfied", "4:Satisfied", "3:Neutral", "2:Dissatisfied",
					   "1:Very dissatisfied"};
	if (!strcmp(scale, "csat")) {
		*f = (scale_form){.list = 1, .n = 5, .min = 1, .max = 5, .text = xstrdup(ask)};
		for (int i = 0; i < 5; i++)
			f->items[i] = xstrdup(csat[i]);
	} else if (!strcmp(scale, "nps")) {
		/* eleven scores, ten rows (Meta's limit): 10 to 1 in the list,
		 * 0 typed, as any score may be */
		*f = (scale_form){.list = 1, .n = 10, .min = 0, .max = 10,
				  .text = xasprintf("%s\n(0 = not at all likely: type 0)", ask)};
		for (int i = 0; i < 10; i++)
			f->items[i] = xasprintf("%d:%d%s", 10 - i, 10 - i, i ? "" : " Extremely likely");
	} else if (!strcmp(scale, "yesno")) {
		*f = (scale_form){.n = 2, .min = 0, .max = 1, .text = xstrdup(ask)};
		f->items[0] = xstrdup("1:Yes");
		f->items[1] = xstrdup("0:No");
	} else {
		return 0;
	}
	return 1;
}

/* csat, nps, yesno, or options 'A|B|C' scored 1, 2, 3 … */
static int scale_parse(const char *scale, const char *ask, scale_form *f)
{
	if (fixed_scale(scale, ask, f))
		return 0;
	*f = (scale_form){.min = 1, .text = xstrdup(ask)};
	char *all = xstrdup(scale), *save = NULL;
	for (char *t = strtok_r(all, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		if (f->n == 10) {
			free(all);
			form_free(f);
			return wb_err(EX_USAGE, "--scale '%s': up to 10 options (Meta's list limit)", scale);
		}
		f->items[f->n] = xasprintf("%d:%s", f->n + 1, t);
		f->n++;
	}
	free(all);
	if (f->n < 2 || !strchr(scale, '|')) {
		form_free(f);
		return wb_err(EX_USAGE, "--scale '%s': csat, nps, yesno, or options 'A|B|C'", scale);
	}
	f->max = f->n;
	f->list = f->n > 3;
	return 0;
}

static char *join_buttons(const scale_form *f)
{
	size_t len = 1;
	for (int i = 0; i < f->n; i++)
		len += strlen(f->items[i]) + 1;
	char *s = xcalloc(len, 1);
	for (int i = 0; i < f->n; i++) {
		if (i)
			strcat(s, "|");
		strcat(s, f->items[i]);
	}
	return s;
}

/* The message of f as wb-send's options say it, borrowing f's strings;
 * *buttons holds the joined reply buttons (NULL for a list), the
 * caller's to free. */
static void form_spec(const scale_form *f, compose_spec *spec, char **buttons)
{
	*buttons = f->list ? NULL : join_buttons(f);
	*spec = (compose_spec){.text = f->text, .reply_buttons = *buttons, .list = f->list ? "Choose" : NULL,
			       .rows = (const char **)f->items, .nrows = f->list ? (size_t)f->n : 0,
			       .preview_url = -1};
}

/* Meta's limits, as wb-send will check them */
static int form_check(const scale_form *f)
{
	char *buttons;
	compose_spec spec;
	form_spec(f, &spec, &buttons);
	json_t *o = compose_interactive(&spec, f->text, NULL, EX_USAGE);
	free(buttons);
	json_decref(o);
	return o ? 0 : EX_USAGE;
}

/* ------------------------------------------------------------ surveys */

/* NULL, or the name of the survey sent on resolution (malloc'd). */
static int on_resolve_name(wb_db *db, char **name)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT name FROM survey WHERE on_resolve = 1 ORDER BY id LIMIT 1");
	int r = sqlite3_step(st);
	*name = r == SQLITE_ROW ? xstrdup(db_col_text(st, 0)) : NULL;
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(db, "survey");
}

/* A resolution sends one survey: a second --on-resolve is refused. */
static int one_on_resolve(wb_db *db)
{
	char *other;
	int rc = on_resolve_name(db, &other);
	if (!rc && other)
		rc = wb_err(EX_DATAERR, "survey '%s' is sent on resolution already (one survey is: rm it first)",
			    other);
	free(other);
	return rc;
}

/* The question and the follow-up are sent on every survey: one that is
 * not UTF-8 or over Meta's limit is refused here, naming its option. */
static int text_ok(const char *opt, const char *v, long max)
{
	long n = v ? utf8_len(v) : 0;
	if (n < 0)
		return wb_err(EX_DATAERR, "%s: not valid UTF-8", opt);
	return n > max ? wb_err(EX_DATAERR, "%s: %ld characters; Meta's limit is %ld", opt, n, max) : 0;
}

int survey_add(wb_db *db, const survey *s, int64_t now)
{
	size_t n = strlen(s->name);
	if (!n || n > 64 || strspn(s->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != n)
		return wb_err(EX_DATAERR, "survey name '%s': 1 to 64 letters, digits, - and _", s->name);
	int rc = text_ok("--ask", s->ask, API_BODY_MAX);
	if (rc || (rc = text_ok("--follow-up", s->follow_up, API_TEXT_MAX)))
		return rc;
	scale_form f;
	rc = scale_parse(s->scale, s->ask, &f);
	if (rc)
		return rc;
	if ((rc = form_check(&f)))
		wb_err_prefix(rc, "--scale: ");
	int min = f.min, max = f.max;
	form_free(&f);
	if (rc)
		return rc;
	if (s->on_resolve && (rc = one_on_resolve(db)))
		return rc;
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO survey (name, ask, scale, score_min, score_max, follow_up, "
				       "window, on_resolve, created_at, template) VALUES (?,?,?,?,?,?,?,?,?,?) "
				       "ON CONFLICT (name) DO NOTHING");
	db_bind_text(st, 1, s->name);
	db_bind_text(st, 2, s->ask);
	db_bind_text(st, 3, s->scale);
	sqlite3_bind_int(st, 4, min);
	sqlite3_bind_int(st, 5, max);
	db_bind_text(st, 6, s->follow_up);
	sqlite3_bind_int64(st, 7, s->window ? s->window : 86400);
	sqlite3_bind_int(st, 8, s->on_resolve);
	sqlite3_bind_int64(st, 9, now);
	db_bind_text(st, 10, s->tmpl);
	int changed = 0;
	if ((rc = db_step_changed(db, st, "survey add", &changed)))
		return rc;
	return changed ? 0 : wb_err(EX_DATAERR, "survey '%s' exists", s->name);
}

int survey_rm(wb_db *db, const char *name)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM survey WHERE name = ?");
	db_bind_text(st, 1, name);
	int changed = 0, rc = db_step_changed(db, st, "survey rm", &changed);
	return rc ? rc : changed ? 0 : wb_err(EX_FALSE, "no survey '%s'", name);
}

int survey_each(wb_db *db, const char *name, int (*fn)(const survey *s, void *ctx), void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT s.name, ask, scale, follow_up, window, on_resolve, score_min, "
				       "score_max, (SELECT count(*) FROM survey_send d WHERE d.survey_id = s.id), "
				       "(SELECT count(*) FROM survey_answer a WHERE a.survey_id = s.id), template "
				       "FROM survey s WHERE ?1 IS NULL OR name = ?1 ORDER BY name");
	db_bind_text(st, 1, name);
	int rc = 0, r, found = 0;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		survey s = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2),
			    (const char *)sqlite3_column_text(st, 3), sqlite3_column_int64(st, 4),
			    sqlite3_column_int(st, 5), sqlite3_column_int(st, 6), sqlite3_column_int(st, 7),
			    (const char *)sqlite3_column_text(st, 10), sqlite3_column_int64(st, 8),
			    sqlite3_column_int64(st, 9)};
		found = 1;
		rc = fn(&s, ctx);
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_fail(db, "survey");
	sqlite3_reset(st);
	if (!rc && name && !found)
		rc = wb_err(EX_FALSE, "no survey '%s'", name);
	return rc;
}

/* ------------------------------------------------------------ sending */

static void push(char ***v, int *n, char *s)
{
	*v = xrealloc(*v, (size_t)(*n + 2) * sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

/* A survey's message and its template (NULL: none) */
typedef struct {
	scale_form f;
	char *tmpl;
} survey_msg;

static int msg_of(const survey *s, void *ctx)
{
	survey_msg *m = ctx;
	m->tmpl = s->tmpl ? xstrdup(s->tmpl) : NULL;
	int rc = scale_parse(s->scale, s->ask, &m->f);
	if (rc) /* freed already */
		m->f = (scale_form){0};
	return rc;
}

static void msg_free(survey_msg *m)
{
	form_free(&m->f);
	free(m->tmpl);
}

/* Outside the 24-hour window the survey goes as its template, or is
 * skipped (only a customer who wrote may be asked free-form). */
static void window_rule(compose_spec *s, const char *tmpl)
{
	s->fallback = tmpl;
	s->skip_closed = !tmpl;
}

int survey_send_argv(wb_db *db, const char *name, const char *tmpl, int64_t now, char ***argv, int *argc)
{
	survey_msg m = {0};
	int rc = survey_each(db, name, msg_of, &m);
	if (rc) {
		msg_free(&m);
		return rc;
	}
	char *buttons;
	compose_spec s;
	form_spec(&m.f, &s, &buttons);
	window_rule(&s, tmpl ? tmpl : m.tmpl);
	*argv = NULL;
	*argc = 0;
	push(argv, argc, xstrdup("wb-send"));
	push(argv, argc, xstrdup("--text"));
	push(argv, argc, xstrdup(s.text));
	if (s.list) {
		push(argv, argc, xstrdup("--list"));
		push(argv, argc, xstrdup(s.list));
		for (size_t i = 0; i < s.nrows; i++) {
			push(argv, argc, xstrdup("--row"));
			push(argv, argc, xstrdup(s.rows[i]));
		}
	} else {
		push(argv, argc, xstrdup("--buttons"));
		push(argv, argc, buttons);
	}
	push(argv, argc, xstrdup(s.fallback ? "--fallback-template" : "--skip-closed"));
	if (s.fallback)
		push(argv, argc, xstrdup(s.fallback));
	/* the key marks the message as this survey's (survey_send) and sends
	 * it once per contact and run */
	push(argv, argc, xstrdup("--key"));
	push(argv, argc, xasprintf("survey:%s:%lld:{{wa_id}}{{user_id}}", name, (long long)now));
	msg_free(&m);
	return 0;
}

static void resolve_note(const compose_note *n, void *ctx)
{
	if (n->outcome == COMPOSED_SKIPPED || n->outcome == COMPOSED_REFUSED)
		wb_warn("survey %s not sent to %s: %s", (const char *)ctx, n->phone ? n->phone : n->user_id,
			n->error);
}

int survey_on_resolve(wb_db *db, const char *key, int64_t conversation_id, int64_t now)
{
	char *name, *buttons = NULL;
	survey_msg m = {0};
	int rc = on_resolve_name(db, &name);
	if (rc || !name)
		return rc;
	if (!(rc = survey_each(db, name, msg_of, &m))) {
		compose_spec s;
		form_spec(&m.f, &s, &buttons);
		window_rule(&s, m.tmpl);
		/* one per conversation: a conversation reopened and resolved
		 * again is the same one (wb(7)) and its key is used */
		char *idem = xasprintf("survey:%s:resolved:%lld", name, (long long)conversation_id);
		s.key = idem;
		compose_ctx c = {.db = db, .now = now, .direct = 1,
				 .claimer = queue_me(), .note = resolve_note, .ctx = name};
		api_msg_type type;
		if (!(rc = compose_spec_type(&s, EX_DATAERR, &type)))
			rc = compose_one(&c, &s, type, &(compose_media){0}, key, NULL);
		compose_ctx_free(&c);
		free(idem);
		free(buttons);
	}
	msg_free(&m);
	free(name);
	return rc;
}

static void deliver_note(const deliver_result *r, void *ctx)
{
	if (r->status == STATUS_FAILED)
		wb_warn("survey not sent to %s: %s", *r->phone ? r->phone : r->user_id, r->error);
}

int survey_deliver(wb_db *db, api *a)
{
	char *name;
	int rc = on_resolve_name(db, &name);
	if (rc || !name)
		return rc;
	free(name);
	api *own = NULL;
	if (!a && (rc = api_open(1, &own)))
		return rc;
	deliver_opts d = {.concurrency = 1, .max_attempts = 5, .max_wait = 60, .mine = 1, .on_result = deliver_note};
	deliver_stats st;
	rc = deliver_run(db, a ? a : own, &d, &st);
	api_close(own);
	return rc;
}

void survey_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

/* ------------------------------------------------------------ answers */

/* An unhappy answer on survey s's scale: CSAT 1-2, NPS 0-6, yesno no */
#define DETRACTOR(score)                                                                              \
	"CASE WHEN s.scale = 'nps' THEN " score " <= 6 WHEN s.scale = 'csat' THEN " score " <= 2 "    \
	"WHEN s.scale = 'yesno' THEN " score " = 0 ELSE 0 END"

static int survey_id(wb_db *db, const char *name, int64_t *id)
{
	int rc = db_find_id(db, "SELECT id FROM survey WHERE name = ?", name, id);
	return rc == EX_FALSE ? wb_err(EX_FALSE, "no survey '%s'", name) : rc;
}

int survey_answers_each(wb_db *db, const char *name, int64_t since, int64_t until,
			int (*fn)(const survey_ans *a, void *ctx), void *ctx)
{
	int64_t id;
	int rc = survey_id(db, name, &id);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "SELECT c.wa_id, c.user_id, a.sent_at, a.answered_at, a.score, a.text, "
				       DETRACTOR("a.score") " "
				       "FROM survey_answer a JOIN survey s ON s.id = a.survey_id "
				       "JOIN contact c ON c.id = a.contact_id "
				       "WHERE a.survey_id = ? AND a.sent_at >= ? AND a.sent_at < ? ORDER BY a.answered_at, a.message_id");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	int r;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		survey_ans a = {(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
				(const char *)sqlite3_column_text(st, 5), sqlite3_column_int64(st, 2),
				sqlite3_column_int64(st, 3), sqlite3_column_int(st, 4), sqlite3_column_int(st, 6)};
		rc = fn(&a, ctx);
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_fail(db, "survey answers");
	sqlite3_reset(st);
	return rc;
}

static double col_num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* The figures by group: each send's key (K_SEND, over survey_send d,
 * joined to J_SEND) and each answer's (K_ANS over survey_answer a,
 * joined to J_ANS). CSAT: the share of 4 and 5; NPS: promoters (9-10)
 * minus detractors (0-6), in points; the answers read once for every
 * figure. A survey with no sends in the range has a row of zeros (key
 * NULL). */
#define RESULTS_SQL(K_ANS, J_ANS, K_SEND, J_SEND)                                                        \
	"WITH a AS MATERIALIZED (SELECT a.survey_id, " K_ANS " AS k, a.score FROM survey_answer a " J_ANS  \
	" WHERE a.sent_at >= ?2 AND a.sent_at < ?3 AND (?1 = 0 OR a.survey_id = ?1)), "                       \
	"agg AS (SELECT survey_id, k, count(*) AS n, avg(score) AS mean, sum(score >= 4) AS good, "            \
	" sum(score >= 9) AS pro, sum(score <= 6) AS det FROM a GROUP BY survey_id, k), "                      \
	"dist AS (SELECT survey_id, k, json_group_object(score, n) AS j FROM (SELECT survey_id, k, score, "    \
	" count(*) AS n FROM a GROUP BY survey_id, k, score ORDER BY survey_id, k, score) GROUP BY survey_id, k), " \
	"snt AS (SELECT d.survey_id, " K_SEND " AS k, count(*) AS n FROM survey_send d " J_SEND                \
	" WHERE d.sent_at >= ?2 AND d.sent_at < ?3 AND (?1 = 0 OR d.survey_id = ?1) GROUP BY d.survey_id, k), " \
	"keys AS (SELECT survey_id, k FROM snt UNION SELECT survey_id, k FROM agg) "                           \
	"SELECT s.name, keys.k, coalesce(snt.n, 0), coalesce(agg.n, 0), agg.mean, "                            \
	"CASE WHEN s.scale = 'csat' THEN 1.0 * agg.good / agg.n END, "                                         \
	"CASE WHEN s.scale = 'nps' THEN 100.0 * (agg.pro - agg.det) / agg.n END, coalesce(dist.j, '{}') "      \
	"FROM survey s LEFT JOIN keys ON keys.survey_id = s.id "                                               \
	"LEFT JOIN snt ON snt.survey_id = s.id AND snt.k IS keys.k "                                           \
	"LEFT JOIN agg ON agg.survey_id = s.id AND agg.k IS keys.k "                                           \
	"LEFT JOIN dist ON dist.survey_id = s.id AND dist.k IS keys.k "                                        \
	"WHERE ?1 = 0 OR s.id = ?1 ORDER BY s.name, keys.k"
/* the agent: the assignee of the contact's latest conversation opened by the send */
#define AGENT_OF(x)                                                                                       \
	"coalesce((SELECT v.assignee FROM conversation v WHERE v.contact_id = " x ".contact_id "               \
	"AND v.opened_at <= " x ".sent_at ORDER BY v.id DESC LIMIT 1), '')"
/* every label of the contact's (a send counts under each), '' for none */
#define LABELS_OF(x)                                                                                      \
	"LEFT JOIN (contact_label cl JOIN label l ON l.id = cl.label_id) ON cl.contact_id = " x ".contact_id"

const char *const survey_by_names[] = {"none", "day", "label", "agent", NULL};

/* survey_day(ts): the day of ts in the business zone (the function's data) */
static void sql_day(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct tm tm;
	char d[16];
	when_local(sqlite3_value_int64(v[0]), sqlite3_user_data(cx), &tm);
	strftime(d, sizeof d, "%Y-%m-%d", &tm);
	sqlite3_result_text(cx, d, -1, SQLITE_TRANSIENT);
}

int survey_results(wb_db *db, const char *name, survey_by by, const char *tz, int64_t since, int64_t until,
		   int (*fn)(const survey_result *r, void *ctx), void *ctx)
{
	static const char *const sql[] = {
		[SURVEY_BY_NONE] = RESULTS_SQL("''", "", "''", ""),
		[SURVEY_BY_DAY] = RESULTS_SQL("survey_day(a.sent_at)", "", "survey_day(d.sent_at)", ""),
		[SURVEY_BY_LABEL] = RESULTS_SQL("coalesce(l.name, '')", LABELS_OF("a"), "coalesce(l.name, '')",
						LABELS_OF("d")),
		[SURVEY_BY_AGENT] = RESULTS_SQL(AGENT_OF("a"), "", AGENT_OF("d"), ""),
	};
	int64_t id = 0;
	int rc = name ? survey_id(db, name, &id) : 0;
	if (rc)
		return rc;
	if (by == SURVEY_BY_DAY &&
	    sqlite3_create_function_v2(db_handle(db), "survey_day", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *)tz,
				       sql_day, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "survey results");
	sqlite3_stmt *st = db_stmt(db, sql[by]);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	int step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		survey_result r = {db_col_text(st, 0), (const char *)sqlite3_column_text(st, 1),
				   sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3), NAN, col_num(st, 4),
				   col_num(st, 5), col_num(st, 6), db_col_text(st, 7)};
		r.rate = r.sent ? (double)r.answered / (double)r.sent : NAN;
		if (by == SURVEY_BY_NONE || r.key) /* grouped, a survey without sends has no group */
			rc = fn(&r, ctx);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "survey results");
	sqlite3_reset(st);
	return rc;
}

int survey_may_answer(const char *type, const char *text)
{
	if (!strcmp(type, "interactive") || !strcmp(type, "button"))
		return 1;
	if (strcmp(type, "text") || !text)
		return 0;
	/* the query's typed number: one or two digits, blanks around */
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	int digits = 0;
	while (*text >= '0' && *text <= '9')
		text++, digits++;
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	return !*text && digits >= 1 && digits <= 2;
}

int survey_answer_of(wb_db *db, int64_t message_id, survey_hit *h)
{
	/* the latest survey message the reply quotes, or whose window holds
	 * a typed number in its range */
	sqlite3_stmt *st = db_stmt(db,
		"SELECT s.name, m.id, coalesce(m.sent_at, m.ts), s.follow_up, score, " DETRACTOR("score") " FROM "
		"(SELECT i.*, CAST(CASE i.type WHEN 'interactive' THEN coalesce(json_extract(i.payload, "
		"'$.interactive.button_reply.id'), json_extract(i.payload, '$.interactive.list_reply.id')) "
		"WHEN 'button' THEN json_extract(i.payload, '$.button.payload') ELSE trim(i.body) END AS INTEGER) "
		"AS score FROM message i WHERE i.id = ?1) i "
		"JOIN message m ON m.contact_id = i.contact_id AND m.direction = 'out' AND m.idem_key >= 'survey:' "
		"AND m.idem_key < 'survey;' AND m.ts <= i.ts "
		"JOIN survey s ON m.idem_key >= 'survey:' || s.name || ':' AND m.idem_key < 'survey:' || s.name || ';' "
		"WHERE i.ts <= coalesce(m.sent_at, m.ts) + s.window AND score BETWEEN s.score_min AND s.score_max "
		"AND ((i.type IN ('interactive', 'button') AND i.reply_to = m.wamid) OR (i.type = 'text' "
		"AND (trim(i.body) GLOB '[0-9]' OR trim(i.body) GLOB '[0-9][0-9]'))) "
		"ORDER BY m.ts DESC, m.id DESC LIMIT 1");
	sqlite3_bind_int64(st, 1, message_id);
	*h = (survey_hit){0};
	int r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*h = (survey_hit){xstrdup(db_col_text(st, 0)), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
				  sqlite3_column_text(st, 3) ? xstrdup((const char *)sqlite3_column_text(st, 3)) : NULL,
				  sqlite3_column_int(st, 4), sqlite3_column_int(st, 5)};
	}
	sqlite3_reset(st);
	return r == SQLITE_ROW || r == SQLITE_DONE ? 0 : db_fail(db, "survey answer");
}

void survey_hit_free(survey_hit *h)
{
	free(h->name);
	free(h->follow_up);
}

int survey_scores_each(wb_db *db, int (*fn)(int64_t message_id, int score, int csat, void *ctx), void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT a.message_id, a.score, s.scale = 'csat' FROM survey_answer a "
				       "JOIN survey s ON s.id = a.survey_id WHERE s.scale IN ('csat', 'nps')");
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int(st, 2), ctx);
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "survey answers");
	sqlite3_reset(st);
	return rc;
}
