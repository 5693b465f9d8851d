#include "survey.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

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

/* Meta's limits, as wb-send will check them */
static int form_check(const scale_form *f)
{
	char *buttons = f->list ? NULL : join_buttons(f);
	compose_spec spec = {.text = f->text, .reply_buttons = buttons, .list = f->list ? "Choose" : NULL,
			     .rows = (const char **)f->items, .nrows = f->list ? (size_t)f->n : 0};
	json_t *o = compose_interactive(&spec, f->text, NULL, EX_USAGE);
	free(buttons);
	json_decref(o);
	return o ? 0 : EX_USAGE;
}

/* ------------------------------------------------------------ surveys */

int survey_add(wb_db *db, const survey *s, int64_t now)
{
	size_t n = strlen(s->name);
	if (!n || n > 64 || strspn(s->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != n)
		return wb_err(EX_USAGE, "survey name '%s': letters, digits, - and _", s->name);
	scale_form f;
	int rc = scale_parse(s->scale, s->ask, &f);
	if (rc)
		return rc;
	if ((rc = form_check(&f)))
		wb_err_prefix(rc, "--scale: ");
	int min = f.min, max = f.max;
	form_free(&f);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO survey (name, ask, scale, score_min, score_max, follow_up, "
				       "window, on_resolve, created_at) VALUES (?,?,?,?,?,?,?,?,?) "
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
	return rc ? rc : changed ? 0 : wb_err(EX_DATAERR, "no survey '%s'", name);
}

int survey_each(wb_db *db, const char *name, int (*fn)(const survey *s, void *ctx), void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT s.name, ask, scale, follow_up, window, on_resolve, score_min, "
				       "score_max, (SELECT count(*) FROM survey_send d WHERE d.survey_id = s.id), "
				       "(SELECT count(*) FROM survey_answer a WHERE a.survey_id = s.id) "
				       "FROM survey s WHERE ?1 IS NULL OR name = ?1 ORDER BY name");
	db_bind_text(st, 1, name);
	int rc = 0, r, found = 0;
	while (!rc && (r = sqlite3_step(st)) == SQLITE_ROW) {
		survey s = {db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2),
			    (const char *)sqlite3_column_text(st, 3), sqlite3_column_int64(st, 4),
			    sqlite3_column_int(st, 5), sqlite3_column_int(st, 6), sqlite3_column_int(st, 7),
			    sqlite3_column_int64(st, 8), sqlite3_column_int64(st, 9)};
		found = 1;
		rc = fn(&s, ctx);
	}
	if (!rc && r != SQLITE_DONE)
		rc = db_fail(db, "survey");
	sqlite3_reset(st);
	if (!rc && name && !found)
		rc = wb_err(EX_DATAERR, "no survey '%s'", name);
	return rc;
}

/* ------------------------------------------------------------ sending */

static void push(char ***v, int *n, char *s)
{
	*v = xrealloc(*v, (size_t)(*n + 2) * sizeof **v);
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

static int ask_of(const survey *s, void *ctx)
{
	char **out = ctx;
	out[0] = xstrdup(s->ask);
	out[1] = xstrdup(s->scale);
	return 0;
}

int survey_send_argv(wb_db *db, const char *name, int64_t now, char ***argv, int *argc)
{
	char *def[2] = {0};
	int rc = survey_each(db, name, ask_of, def);
	scale_form f = {0};
	if (!rc)
		rc = scale_parse(def[1], def[0], &f);
	free(def[0]);
	free(def[1]);
	if (rc)
		return rc;
	*argv = NULL;
	*argc = 0;
	push(argv, argc, xstrdup("wb-send"));
	push(argv, argc, xstrdup("--text"));
	push(argv, argc, xstrdup(f.text));
	if (f.list) {
		push(argv, argc, xstrdup("--list"));
		push(argv, argc, xstrdup("Choose"));
		for (int i = 0; i < f.n; i++) {
			push(argv, argc, xstrdup("--row"));
			push(argv, argc, xstrdup(f.items[i]));
		}
	} else {
		push(argv, argc, xstrdup("--buttons"));
		push(argv, argc, join_buttons(&f));
	}
	/* the key marks the message as this survey's (survey_send) and sends
	 * it once per contact and run */
	push(argv, argc, xstrdup("--key"));
	push(argv, argc, xasprintf("survey:%s:%lld:{{wa_id}}{{user_id}}", name, (long long)now));
	form_free(&f);
	return 0;
}

void survey_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

/* ------------------------------------------------------------ answers */

static int survey_id(wb_db *db, const char *name, int64_t *id)
{
	int rc = db_find_id(db, "SELECT id FROM survey WHERE name = ?", name, id);
	return rc == EX_FALSE ? wb_err(EX_DATAERR, "no survey '%s'", name) : rc;
}

int survey_answers_each(wb_db *db, const char *name, int64_t since, int64_t until,
			int (*fn)(const survey_ans *a, void *ctx), void *ctx)
{
	int64_t id;
	int rc = survey_id(db, name, &id);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "SELECT c.wa_id, c.user_id, a.sent_at, a.answered_at, a.score, a.text, "
				       "CASE WHEN s.scale = 'nps' THEN a.score <= 6 WHEN s.scale = 'csat' THEN a.score <= 2 "
				       "WHEN s.scale = 'yesno' THEN a.score = 0 ELSE 0 END "
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

int survey_results(wb_db *db, const char *name, int64_t since, int64_t until,
		   int (*fn)(const survey_result *r, void *ctx), void *ctx)
{
	int64_t id = 0;
	int rc = name ? survey_id(db, name, &id) : 0;
	if (rc)
		return rc;
	/* CSAT: the share of 4 and 5; NPS: promoters (9-10) minus detractors
	 * (0-6), in points; the answers read once for every figure */
	sqlite3_stmt *st = db_stmt(db,
		"WITH a AS MATERIALIZED (SELECT survey_id, score FROM survey_answer "
		" WHERE sent_at >= ?2 AND sent_at < ?3 AND (?1 = 0 OR survey_id = ?1)), "
		"agg AS (SELECT survey_id, count(*) AS n, avg(score) AS mean, sum(score >= 4) AS good, "
		" sum(score >= 9) AS pro, sum(score <= 6) AS det FROM a GROUP BY survey_id), "
		"dist AS (SELECT survey_id, json_group_object(score, n) AS j FROM (SELECT survey_id, score, "
		" count(*) AS n FROM a GROUP BY survey_id, score ORDER BY survey_id, score) GROUP BY survey_id), "
		"snt AS (SELECT survey_id, count(*) AS n FROM survey_send WHERE sent_at >= ?2 AND sent_at < ?3 "
		" GROUP BY survey_id) "
		"SELECT s.name, coalesce(snt.n, 0), coalesce(agg.n, 0), agg.mean, "
		"CASE WHEN s.scale = 'csat' THEN 1.0 * agg.good / agg.n END, "
		"CASE WHEN s.scale = 'nps' THEN 100.0 * (agg.pro - agg.det) / agg.n END, coalesce(dist.j, '{}') "
		"FROM survey s LEFT JOIN snt ON snt.survey_id = s.id LEFT JOIN agg ON agg.survey_id = s.id "
		"LEFT JOIN dist ON dist.survey_id = s.id WHERE ?1 = 0 OR s.id = ?1 ORDER BY s.name");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	int step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		survey_result r = {db_col_text(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2), NAN,
				   col_num(st, 3), col_num(st, 4), col_num(st, 5), db_col_text(st, 6)};
		r.rate = r.sent ? (double)r.answered / (double)r.sent : NAN;
		rc = fn(&r, ctx);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "survey results");
	sqlite3_reset(st);
	return rc;
}

int survey_is_answer(wb_db *db, int64_t message_id)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT EXISTS (SELECT 1 FROM message i JOIN message m ON m.contact_id = i.contact_id "
		"AND m.direction = 'out' AND m.idem_key >= 'survey:' AND m.idem_key < 'survey;' AND m.ts <= i.ts "
		"JOIN survey s ON m.idem_key >= 'survey:' || s.name || ':' AND m.idem_key < 'survey:' || s.name || ';' "
		"WHERE i.id = ?1 AND i.ts <= coalesce(m.sent_at, m.ts) + s.window "
		"AND ((i.type = 'interactive' AND i.reply_to = m.wamid) OR (i.type = 'text' "
		"AND (trim(i.body) GLOB '[0-9]' OR trim(i.body) GLOB '[0-9][0-9]') "
		"AND CAST(trim(i.body) AS INTEGER) BETWEEN s.score_min AND s.score_max)))");
	sqlite3_bind_int64(st, 1, message_id);
	int yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return yes;
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
