#include "template.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "limit.h"
#include "util.h"
#include "when.h"

/* What sync asks of each template. */
#define FIELDS "id,name,language,status,category,parameter_format,components,quality_score,rejected_reason"

int template_waba(char **id)
{
	return config_need("WB_WABA_ID", id);
}

/* ------------------------------------------------------------ storing a definition */

/* The row of name in lang: *id (0 when none) and its definition. */
static int find(wb_db *db, const char *name, const char *lang, int64_t *id, char **definition)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT id, definition, gone_at IS NOT NULL FROM template WHERE name = ? AND lang = ?");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	*id = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	/* a row that was gone reads as changed when it comes back */
	*definition = step == SQLITE_ROW && !sqlite3_column_int(st, 2) ? xstrdup(db_col_text(st, 1)) : NULL;
	sqlite3_reset(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : db_fail(db, "reading a template");
}

static int store_slots(wb_db *db, int64_t id, const tdef *d)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM template_slot WHERE template_id = ?");
	sqlite3_bind_int64(st, 1, id);
	int rc = db_step_done(db, st, "saving a template");
	for (size_t i = 0; i < d->nslots && !rc; i++) {
		const tslot *s = &d->slots[i];
		st = db_stmt(db, "INSERT OR REPLACE INTO template_slot (template_id, component, position, name, kind, "
				 "example) VALUES (?, ?, ?, ?, ?, ?)");
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, tpart_names[s->part], -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, s->position);
		db_bind_text(st, 4, s->name);
		sqlite3_bind_text(st, 5, tkind_names[s->kind], -1, SQLITE_STATIC);
		db_bind_text(st, 6, s->example);
		rc = db_step_done(db, st, "saving a template");
	}
	return rc;
}

/* Meta's word for "no reason" is NONE. */
static const char *reason_of(const char *r)
{
	return r && *r && strcmp(r, "NONE") ? r : NULL;
}

/* Saves a definition as the row of its name and language (synced: sync
 * listed it). *how: 0 new, 1 unchanged, 2 changed. */
static int store(wb_db *db, json_t *def, int64_t now, int synced, int64_t *id, int *how)
{
	tdef d;
	int rc = tdef_from_json(def, &d);
	if (rc && d.name && d.lang) { /* kept, but not understood: its sends go unchecked */
		wb_warn("%s", wb_errmsg());
		rc = 0;
	}
	char *js = json_dumps(def, JSON_COMPACT), *old = NULL;
	if (!rc && !(rc = find(db, d.name, d.lang, id, &old))) {
		json_t *was = old ? json_loads(old, 0, NULL) : NULL;
		*how = !*id ? 0 : json_equal(was, def) ? 1 : 2;
		json_decref(was);
		sqlite3_stmt *st = db_stmt(db,
			"INSERT INTO template (name, lang, meta_id, category, status, reason, quality, named, definition, "
			"synced_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
			"ON CONFLICT (name, lang) DO UPDATE SET meta_id = coalesce(excluded.meta_id, meta_id), "
			"category = excluded.category, reason = CASE WHEN excluded.reason IS NOT NULL THEN excluded.reason "
			"WHEN excluded.status IS status THEN reason END, status = excluded.status, "
			"quality = coalesce(excluded.quality, quality), named = excluded.named, "
			"definition = excluded.definition, synced_at = coalesce(excluded.synced_at, synced_at), "
			"updated_at = CASE WHEN ?12 THEN updated_at ELSE excluded.updated_at END, gone_at = NULL "
			"RETURNING id");
		sqlite3_bind_text(st, 1, d.name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, d.lang, -1, SQLITE_STATIC);
		db_bind_text(st, 3, json_str(def, "id"));
		db_bind_text(st, 4, d.category);
		db_bind_text(st, 5, d.status);
		db_bind_text(st, 6, reason_of(json_str(def, "rejected_reason")));
		db_bind_text(st, 7, json_str(json_object_get(def, "quality_score"), "score"));
		sqlite3_bind_int(st, 8, d.named);
		sqlite3_bind_text(st, 9, js, -1, SQLITE_STATIC);
		db_bind_opt_int(st, 10, synced ? now : 0);
		sqlite3_bind_int64(st, 11, now);
		sqlite3_bind_int(st, 12, *how == 1);
		if (sqlite3_step(st) == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		else
			rc = db_fail(db, "saving a template");
		sqlite3_reset(st);
	}
	if (!rc)
		rc = store_slots(db, *id, &d);
	free(js);
	free(old);
	tdef_free(&d);
	return rc;
}

/* ------------------------------------------------------------ sync */

static int collect(json_t *item, void *ctx)
{
	json_array_append(ctx, item);
	return 0;
}

/* Every template listed, stored; those not listed marked gone. */
static int store_all(wb_db *db, json_t *all, int64_t now, template_sync_stats *st)
{
	json_t *seen = json_array(), *item;
	size_t i;
	int rc = db_begin(db);
	json_array_foreach(all, i, item) {
		int64_t id;
		int how;
		if (rc || (rc = store(db, item, now, 1, &id, &how)))
			break;
		st->listed++;
		st->added += how == 0;
		st->changed += how == 2;
		json_array_append_new(seen, json_integer(id));
	}
	char *ids = json_dumps(seen, JSON_COMPACT);
	sqlite3_stmt *q = db_stmt(db, "UPDATE template SET gone_at = ?1, updated_at = ?1 WHERE gone_at IS NULL "
				      "AND id NOT IN (SELECT value FROM json_each(?2))");
	sqlite3_bind_int64(q, 1, now);
	sqlite3_bind_text(q, 2, ids, -1, free);
	if (!rc && !(rc = db_step_done(db, q, "marking templates gone")))
		st->gone = sqlite3_changes(db_handle(db));
	if (!rc && st->tier && limit_set(db, st->tier))
		wb_warn("%s", wb_errmsg()); /* the templates are worth keeping all the same */
	char now_s[24];
	snprintf(now_s, sizeof now_s, "%lld", (long long)now);
	if (!rc)
		rc = db_set_setting(db, "template.synced_at", now_s);
	json_decref(seen);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int template_sync(wb_db *db, api *a, const char *waba, template_sync_stats *st)
{
	memset(st, 0, sizeof *st);
	json_t *all = json_array();
	char *path = xasprintf("%s/message_templates?fields=" FIELDS "&limit=100", waba);
	/* read everything first: no write lock is held while the network answers */
	int rc = api_each_page(a, path, collect, all);
	free(path);
	if (!rc && api_messaging_limit(a, &st->tier))
		wb_warn("the messaging limit was not read: %s", wb_errmsg());
	if (!rc)
		rc = store_all(db, all, when_now(), st);
	json_decref(all);
	return rc;
}

/* ------------------------------------------------------------ listing and looking up */

int template_each(wb_db *db, const template_filter *f, int (*fn)(const template_row *t, void *ctx), void *ctx)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT name, lang, category, status, reason, quality, meta_id, definition, updated_at, "
		"coalesce(synced_at, 0), coalesce(gone_at, 0), (SELECT count(*) FROM template_slot s "
		"WHERE s.template_id = t.id AND s.kind NOT IN ('payload', 'flow')) FROM template t "
		"WHERE (?1 IS NULL OR name = ?1) AND (?2 IS NULL OR lang = ?2 COLLATE NOCASE) "
		"AND (?3 IS NULL OR status = ?3 COLLATE NOCASE) AND (?4 IS NULL OR category = ?4 COLLATE NOCASE) "
		"ORDER BY name, lang");
	const char *by[] = {f->name, f->lang, f->status, f->category};
	for (int i = 0; i < 4; i++)
		db_bind_text(st, i + 1, by[i]);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c[8];
		for (int i = 0; i < 8; i++)
			c[i] = sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : db_col_text(st, i);
		template_row t = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], sqlite3_column_int64(st, 8),
				  sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 10), sqlite3_column_int(st, 11)};
		rc = fn(&t, ctx);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "listing templates");
	sqlite3_reset(st);
	return rc;
}

int template_info_get(wb_db *db, const char *name, const char *lang, template_info *t)
{
	memset(t, 0, sizeof *t);
	sqlite3_stmt *st = db_stmt(db, "SELECT status, coalesce(gone_at, 0), definition, "
				       "EXISTS (SELECT 1 FROM template WHERE synced_at IS NOT NULL), "
				       "(SELECT group_concat(lang, ', ') FROM template WHERE name = ?1 AND gone_at IS NULL), "
				       "id, category FROM (SELECT 1) LEFT JOIN template ON name = ?1 AND lang = ?2");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		int rc = db_fail(db, "reading a template");
		sqlite3_reset(st);
		return rc;
	}
	t->found = sqlite3_column_type(st, 5) != SQLITE_NULL;
	t->status = sqlite3_column_type(st, 0) == SQLITE_NULL ? NULL : xstrdup(db_col_text(st, 0));
	t->category = sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL : xstrdup(db_col_text(st, 6));
	t->gone_at = sqlite3_column_int64(st, 1);
	t->synced = sqlite3_column_int(st, 3);
	t->langs = sqlite3_column_type(st, 4) == SQLITE_NULL ? NULL : xstrdup(db_col_text(st, 4));
	if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
		t->has_def = !tdef_parse(db_col_text(st, 2), &t->def);
		if (!t->has_def)
			tdef_free(&t->def);
	}
	sqlite3_reset(st);
	return 0;
}

void template_info_free(template_info *t)
{
	free(t->status);
	free(t->category);
	free(t->langs);
	if (t->has_def)
		tdef_free(&t->def);
	memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ webhooks */

/* Why a status webhook set the status, in words: the reason code and
 * Meta's explanation, or when it was disabled. */
static char *status_reason(json_t *v)
{
	sb b = {0};
	const char *code = reason_of(json_str(v, "reason"));
	json_t *rej = json_object_get(v, "rejection_info"), *other = json_object_get(v, "other_info");
	const char *title = json_str(other, "title");
	const char *text = json_str(rej, "reason") ? json_str(rej, "reason") : json_str(other, "description");
	if (code || title)
		sb_puts(&b, code ? code : title);
	if (text)
		sb_printf(&b, "%s%s", b.len ? ": " : "", text);
	json_t *date = json_object_get(json_object_get(v, "disable_info"), "disable_date");
	if (json_is_integer(date)) {
		char t[32];
		when_fmt_utc(json_integer_value(date), t);
		sb_printf(&b, "%sdisabled %s", b.len ? "; " : "", t);
	}
	return b.s ? sb_take(&b) : NULL;
}

/* A category webhook in words: the change done, or the one to come. */
static char *category_reason(json_t *v)
{
	const char *prev = json_str(v, "previous_category"), *next = json_str(v, "correct_category");
	json_t *at = json_object_get(v, "category_update_timestamp");
	if (prev)
		return xasprintf("category was %s", prev);
	if (next && json_is_integer(at)) {
		char t[32];
		when_fmt_utc(json_integer_value(at), t);
		return xasprintf("category becomes %s at %s", next, t);
	}
	return next ? xasprintf("category becomes %s", next) : NULL;
}

/* The row a webhook names, made when wb has not synced it yet. */
static int ensure_row(wb_db *db, const char *name, const char *lang, json_t *v, int64_t now)
{
	json_t *id = json_object_get(v, "message_template_id");
	char meta[32] = "";
	if (json_is_integer(id))
		snprintf(meta, sizeof meta, "%lld", (long long)json_integer_value(id));
	else if (json_is_string(id))
		snprintf(meta, sizeof meta, "%s", json_string_value(id));
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO template (name, lang, meta_id, updated_at) VALUES (?, ?, ?, ?) "
				       "ON CONFLICT (name, lang) DO UPDATE SET meta_id = coalesce(meta_id, excluded.meta_id)");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
	db_bind_text(st, 3, *meta ? meta : NULL);
	sqlite3_bind_int64(st, 4, now);
	return db_step_done(db, st, "saving a template");
}

int template_apply_update(wb_db *db, const char *field, json_t *value)
{
	if (!strcmp(field, "phone_number_quality_update")) {
		const char *tier = json_str(value, "max_daily_conversations_per_business");
		return tier ? limit_set(db, tier) : 0;
	}
	static const char *const fields[] = {"message_template_status_update", "message_template_quality_update",
					     "template_category_update", NULL};
	int k = 0;
	while (fields[k] && strcmp(fields[k], field))
		k++;
	if (!fields[k])
		return 0;
	const char *name = json_str(value, "message_template_name");
	const char *lang = json_str(value, "message_template_language");
	if (!name || !lang)
		return wb_err(EX_DATAERR, "no message_template_name and message_template_language");
	int64_t now = when_now();
	int rc = ensure_row(db, name, lang, value, now);
	static const char *const sql[] = {
		"UPDATE template SET status = ?3, reason = ?4, category = coalesce(?5, category), updated_at = ?6 "
		"WHERE name = ?1 AND lang = ?2",
		"UPDATE template SET quality = ?3, updated_at = ?6 WHERE name = ?1 AND lang = ?2",
		"UPDATE template SET category = coalesce(?3, category), reason = ?4, updated_at = ?6 "
		"WHERE name = ?1 AND lang = ?2",
	};
	const char *val[] = {json_str(value, "event"), json_str(value, "new_quality_score"),
			     json_str(value, "new_category")};
	char *why = k == 0 ? status_reason(value) : k == 2 ? category_reason(value) : NULL;
	sqlite3_stmt *st = db_stmt(db, sql[k]);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
	db_bind_text(st, 3, val[k]);
	sqlite3_bind_text(st, 4, why, -1, free);
	db_bind_text(st, 5, json_str(value, "message_template_category"));
	sqlite3_bind_int64(st, 6, now);
	if (!rc && k != 1 && !val[k])
		rc = wb_err(EX_DATAERR, "no %s", k ? "new_category" : "event"); /* the caller names the field */
	return rc ? rc : db_step_done(db, st, "updating a template");
}

/* ------------------------------------------------------------ create and rm */

int template_create(wb_db *db, api *a, const char *waba, json_t *def, char **status)
{
	*status = NULL;
	if (!json_is_object(def) || !json_str(def, "name") || !json_str(def, "language") || !json_str(def, "category"))
		return wb_err(EX_DATAERR, "a template is an object with a name, a language, a category and components");
	char *body = json_dumps(def, JSON_COMPACT), *path = xasprintf("%s/message_templates", waba);
	api_reply r;
	int rc = api_request(a, "POST", path, body, &r);
	free(body);
	free(path);
	json_t *ans = rc ? NULL : json_loads(r.body, 0, NULL);
	api_reply_free(&r);
	if (!rc && !json_str(ans, "status"))
		rc = wb_err(EX_UNAVAILABLE, "creating %s: the answer holds no status", json_str(def, "name"));
	if (!rc) {
		/* the row is what was asked, as the API took it (Meta may change the category) */
		json_t *row = json_deep_copy(def);
		const char *keys[] = {"id", "status", "category"};
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			if (json_str(ans, keys[i]))
				json_object_set(row, keys[i], json_object_get(ans, keys[i]));
		*status = xstrdup(json_str(ans, "status"));
		int64_t id;
		int how;
		if (!(rc = db_begin(db)) && !(rc = store(db, row, when_now(), 0, &id, &how)))
			rc = db_commit(db);
		else
			db_rollback(db);
		json_decref(row);
	}
	json_decref(ans);
	return rc;
}

/* Meta's template names are lower-case letters, digits and _ (they go
 * into a URL as they are). */
static int name_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			return 0;
	return *s != 0;
}

int template_rm(wb_db *db, api *a, const char *waba, const char *name, const char *lang, long *n)
{
	*n = 0;
	if (!name_ok(name))
		return wb_err(EX_DATAERR, "'%s': a template name is lower-case letters, digits and _", name);
	char *meta = NULL;
	if (lang) {
		sqlite3_stmt *st = db_stmt(db, "SELECT meta_id FROM template WHERE name = ? AND lang = ? AND meta_id IS NOT NULL");
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
		meta = sqlite3_step(st) == SQLITE_ROW ? xstrdup(db_col_text(st, 0)) : NULL;
		sqlite3_reset(st);
		if (!meta)
			return wb_err(EX_FALSE, "%s (%s): no such template known (wb-template sync)", name, lang);
	}
	char *path = meta ? xasprintf("%s/message_templates?hsm_id=%s&name=%s", waba, meta, name)
			  : xasprintf("%s/message_templates?name=%s", waba, name);
	api_reply r;
	int rc = api_request(a, "DELETE", path, NULL, &r);
	api_reply_free(&r);
	free(path);
	free(meta);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "UPDATE template SET status = 'DELETED', gone_at = ?3, updated_at = ?3 "
				       "WHERE name = ?1 AND (?2 IS NULL OR lang = ?2)");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	db_bind_text(st, 2, lang);
	sqlite3_bind_int64(st, 3, when_now());
	if (!(rc = db_step_done(db, st, "marking a template deleted")))
		*n = sqlite3_changes(db_handle(db));
	return rc;
}
