#include "contact.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "identity.h"
#include "util.h"

#define CONTACT_COLS "id, wa_id, name, profile_name, opted_out, opted_out_at, created_at, " \
		     "updated_at, last_in_at, last_out_at, user_id, parent_user_id, username, " \
		     "marketing_stop, marketing_stop_at, attrs"

void contact_free(contact *c)
{
	free(c->name);
	free(c->profile_name);
	free(c->parent_user_id);
	free(c->username);
	free(c->attrs);
	c->name = c->profile_name = c->parent_user_id = c->username = c->attrs = NULL;
}

const char *contact_key(const contact *c)
{
	return *c->wa_id ? c->wa_id : c->user_id;
}

static char *opt_text(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : xstrdup(db_col_text(st, i));
}

static void from_row(sqlite3_stmt *st, contact *c)
{
	c->id = sqlite3_column_int64(st, 0);
	snprintf(c->wa_id, sizeof c->wa_id, "%s", db_col_text(st, 1));
	c->name = opt_text(st, 2);
	c->profile_name = opt_text(st, 3);
	c->opted_out = sqlite3_column_int(st, 4);
	c->opted_out_at = sqlite3_column_int64(st, 5);
	c->created_at = sqlite3_column_int64(st, 6);
	c->updated_at = sqlite3_column_int64(st, 7);
	c->last_in_at = sqlite3_column_int64(st, 8);
	c->last_out_at = sqlite3_column_int64(st, 9);
	snprintf(c->user_id, sizeof c->user_id, "%s", db_col_text(st, 10));
	c->parent_user_id = opt_text(st, 11);
	c->username = opt_text(st, 12);
	c->marketing_stop = sqlite3_column_int(st, 13);
	c->marketing_stop_at = sqlite3_column_int64(st, 14);
	c->attrs = xstrdup(db_col_text(st, 15));
}

/* fn for each contact row st yields (CONTACT_COLS); the caller resets or
 * finalizes st. */
static int each_row(wb_db *db, sqlite3_stmt *st, contact_fn fn, void *ctx)
{
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		contact c;
		from_row(st, &c);
		rc = fn(&c, ctx);
		contact_free(&c);
		if (rc)
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "reading contacts");
	return rc;
}

/* The statement that finds key's contact: by phone, or by user ID, a
 * former one, or a parent ID, in that order. */
static sqlite3_stmt *by_key(wb_db *db, const char *key, int id_only)
{
	sqlite3_stmt *st;
	if (!bsuid_valid(key))
		st = id_only ? db_stmt(db, "SELECT id FROM contact WHERE wa_id = ?1")
			     : db_stmt(db, "SELECT " CONTACT_COLS " FROM contact WHERE wa_id = ?1");
	else if (id_only)
		st = db_stmt(db, "SELECT id FROM contact WHERE user_id = ?1 UNION ALL "
				 "SELECT contact_id FROM contact_alias WHERE kind = 'user_id' AND value = ?1 "
				 "UNION ALL SELECT min(id) FROM contact WHERE parent_user_id = ?1 LIMIT 1");
	else
		st = db_stmt(db, "SELECT " CONTACT_COLS " FROM contact WHERE id = (SELECT id FROM contact "
				 "WHERE user_id = ?1 UNION ALL SELECT contact_id FROM contact_alias WHERE "
				 "kind = 'user_id' AND value = ?1 UNION ALL SELECT min(id) FROM contact "
				 "WHERE parent_user_id = ?1 LIMIT 1)");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return st;
}

int contact_get(wb_db *db, const char *key, contact *c)
{
	sqlite3_stmt *st = by_key(db, key, 0);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		from_row(st, c);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading a contact");
	return wb_err(EX_FALSE, "%s: no such contact", key);
}

int contact_find(wb_db *db, const char *key, int64_t *id)
{
	sqlite3_stmt *st = by_key(db, key, 1);
	int rc = sqlite3_step(st);
	/* min() over no parent gives a row of NULL */
	int found = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	if (found)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading a contact");
	return found ? 0 : EX_FALSE;
}

int contact_resolve(wb_db *db, const char *in, char out[CONTACT_KEY_MAX])
{
	char *s = strtrim(xstrdup(in));
	int rc = 0;
	if (bsuid_valid(s))
		snprintf(out, CONTACT_KEY_MAX, "%s", s);
	else
		rc = contact_resolve_phone(db, in, out);
	free(s);
	return rc;
}

int contact_known_phone(wb_db *db, const char *in, char out[PHONE_MAX])
{
	char bare[PHONE_MAX];
	int64_t id;
	if (!phone_bare(in, bare))
		return EX_FALSE;
	int rc = db_find_id(db, "SELECT id FROM contact WHERE wa_id = ?", bare, &id);
	if (!rc)
		memcpy(out, bare, PHONE_MAX);
	return rc;
}

int contact_resolve_phone(wb_db *db, const char *in, char out[PHONE_MAX])
{
	/* looked up before the numbering plans are: it is much the cheaper */
	int rc = db ? contact_known_phone(db, in, out) : EX_FALSE;
	return rc == EX_FALSE ? phone_norm_env(in, out) : rc;
}

int contact_upsert(wb_db *db, const char *key, const char *name, int64_t now, int64_t *id, int *created)
{
	return contact_upsert_attrs(db, key, name, NULL, now, id, created);
}

/* Inserts key's contact unless one has that key: *fresh says whether it
 * did, and *id is the new row's. */
static int insert_new(wb_db *db, const char *key, const char *name, const char *attrs, int64_t now,
		      int64_t *id, int *fresh)
{
	/* Insert-or-nothing first: under concurrent writers exactly one
	 * insert wins, and the others fall through to the update. No
	 * RETURNING: it costs a temporary table per row, which a 100k-row
	 * import feels; the rowid and a lookup by the unique key do. */
	sqlite3_stmt *st = db_stmt(db,
		"INSERT INTO contact (wa_id, user_id, name, created_at, updated_at, attrs) "
		/* json_patch only when a null (a removal) may be in it: parsing
		 * every patch costs a bulk import a third of its time */
		"VALUES (?1, ?5, ?2, ?3, ?3, CASE WHEN ?4 IS NULL THEN '{}' "
		"WHEN instr(?4, 'null') THEN json_patch('{}', ?4) ELSE ?4 END) "
		"ON CONFLICT DO NOTHING");
	sqlite3_bind_text(st, bsuid_valid(key) ? 5 : 1, key, -1, SQLITE_STATIC);
	/* name and attrs outlive the statement's step: not copied */
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, attrs, -1, SQLITE_STATIC);
	int rc = db_step_changed(db, st, "saving a contact", fresh);
	if (!rc && *fresh)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc;
}

int contact_upsert_attrs(wb_db *db, const char *key, const char *name, const char *attrs,
			 int64_t now, int64_t *id, int *created)
{
	int fresh = 0, rc = contact_name_check(name);
	if (rc)
		return rc;
	/* a user ID may be a former one, or a parent ID: looked up first */
	if (bsuid_valid(key) && (rc = contact_find(db, key, id)) != EX_FALSE) {
		if (rc)
			return rc;
	} else if ((rc = insert_new(db, key, name, attrs, now, id, &fresh))) {
		return rc;
	} else if (!fresh && (rc = contact_find(db, key, id))) {
		/* removed by another process between the two statements */
		return rc == EX_FALSE ? wb_err(EX_TEMPFAIL, "%s: contact changed while saving; try again", key)
				      : rc;
	}
	if (!fresh) {
		sqlite3_stmt *st = db_stmt(db, "UPDATE contact SET name = coalesce(?2, name), "
				 "attrs = CASE WHEN ?4 IS NULL THEN attrs ELSE json_patch(attrs, ?4) END, "
				 "updated_at = CASE WHEN (?2 IS NOT NULL AND ?2 IS NOT name) OR "
				 "(?4 IS NOT NULL AND json_patch(attrs, ?4) IS NOT attrs) THEN ?3 "
				 "ELSE updated_at END WHERE id = ?1");
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_text(st, 4, attrs, -1, SQLITE_STATIC);
		if ((rc = db_step_done(db, st, "saving a contact")))
			return rc;
	}
	if (created)
		*created = fresh;
	return 0;
}

int contact_ensure(wb_db *db, const char *key, int64_t now, int64_t *id)
{
	return contact_upsert(db, key, NULL, now, id, NULL);
}

int contact_sent(wb_db *db, int64_t id, int64_t ts)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE contact SET last_out_at = max(coalesce(last_out_at, 0), ?2) "
				       "WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ts);
	return db_step_done(db, st, "updating a contact");
}

const char *const contact_fields[] = {"name", "phone", "wa_id", "user_id", "username", "profile_name", "business",
				       NULL};

int contact_key_check(const char *key)
{
	long n = utf8_len(key);
	if (n < 1 || n > 64)
		return wb_err(EX_DATAERR, "an attribute name is 1 to 64 characters of UTF-8");
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		if (*p < 0x20 || *p == 0x7f || strchr("{}=", *p))
			return wb_err(EX_DATAERR, "'%s': an attribute name cannot hold braces, '=' "
					  "or control characters", key);
	if (key[0] == ' ' || key[strlen(key) - 1] == ' ')
		return wb_err(EX_DATAERR, "'%s': an attribute name cannot start or end with a space", key);
	/* {{name}} and the others come from the contact itself: an attribute
	 * of that name would never be seen. */
	for (size_t i = 0; contact_fields[i]; i++)
		if (streq_ci(key, contact_fields[i]))
			return wb_err(EX_DATAERR, "'%s' is the contact's own field, not an attribute", key);
	return 0;
}

int contact_name_check(const char *name)
{
	long n = name ? utf8_len(name) : 0;
	if (n > CONTACT_NAME_MAX)
		return wb_err(EX_DATAERR, "name: %ld characters, at most %d", n, CONTACT_NAME_MAX);
	return 0;
}

int contact_value_check(const char *key, const char *value)
{
	long n = value ? utf8_len(value) : 0;
	if (n > CONTACT_VALUE_MAX)
		return wb_err(EX_DATAERR, "attribute '%s': %ld characters, at most %d", key, n, CONTACT_VALUE_MAX);
	return 0;
}

int contact_set_attr(wb_db *db, int64_t id, const char *key, const char *value)
{
	int rc = contact_value_check(key, value);
	if (rc)
		return rc;
	/* A JSON merge patch: a null value removes the key, and any key
	 * spelling is safe (no JSON path to quote). */
	sqlite3_stmt *st = db_stmt(db, "UPDATE contact SET attrs = json_patch(attrs, "
				       "json_object(?2, CASE WHEN ?3 IS NULL THEN json('null') ELSE ?3 END)) "
				       "WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	db_bind_text(st, 3, value);
	return db_step_done(db, st, "saving an attribute");
}

int contact_attr_keys(wb_db *db, contact_key_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT key, count(*) FROM contact_attr GROUP BY key ORDER BY key");
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn(db_col_text(st, 0), sqlite3_column_int64(st, 1), ctx);
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "reading attributes");
	sqlite3_reset(st);
	return rc;
}

int contact_count(wb_db *db, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM contact");
	int step = sqlite3_step(st);
	*n = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return step == SQLITE_ROW ? 0 : db_fail(db, "counting contacts");
}

int contact_attrs(wb_db *db, int64_t id, kv *m)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT a.key, a.value FROM contact c, json_each(c.attrs) a "
				       "WHERE c.id = ? ORDER BY a.key");
	sqlite3_bind_int64(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		kv_set(m, db_col_text(st, 0), db_col_text(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, "reading attributes");
}

char *contact_attrs_json(wb_db *db, int64_t id)
{
	kv m = {0};
	json_t *o = json_object();
	if (contact_attrs(db, id, &m) == 0)
		for (size_t i = 0; i < m.n; i++)
			json_object_set_new(o, m.k[i], json_string(m.v[i]));
	kv_free(&m);
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	char *r = xstrdup(s ? s : "{}");
	free(s);
	return r;
}

void contact_attrs_of(const contact *c, kv *m)
{
	kv_clear(m);
	json_t *o = json_loads(c->attrs ? c->attrs : "{}", 0, NULL);
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
		if (json_is_string(v))
			kv_set(m, k, json_string_value(v));
	json_decref(o);
}

int contact_vars(wb_db *db, const contact *c, kv *m)
{
	int rc = contact_attrs(db, c->id, m);
	if (rc)
		return rc;
	const char *name = c->name && *c->name ? c->name
			 : c->profile_name && *c->profile_name ? c->profile_name
			 : c->username && *c->username ? c->username : contact_key(c);
	kv_set(m, "name", name);
	kv_set(m, "phone", c->wa_id);
	kv_set(m, "wa_id", c->wa_id);
	kv_set(m, "user_id", c->user_id);
	kv_set(m, "username", c->username ? c->username : "");
	kv_set(m, "profile_name", c->profile_name ? c->profile_name : "");
	char *biz = db_get_setting(db, "profile.name");
	kv_set(m, "business", biz ? biz : "");
	free(biz);
	return 0;
}

int contact_set_optout(wb_db *db, int64_t id, int opted_out, int64_t ts)
{
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE contact SET opted_out = ?2, opted_out_at = CASE WHEN ?2 THEN ?3 END, "
		"updated_at = max(updated_at, ?3) WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, opted_out ? 1 : 0);
	sqlite3_bind_int64(st, 3, ts);
	return db_step_done(db, st, "updating opt-out");
}

int contact_set_marketing(wb_db *db, int64_t id, int stop, int64_t ts, int *changed)
{
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE contact SET marketing_stop = ?2, marketing_stop_at = CASE WHEN ?2 THEN ?3 END, "
		"updated_at = max(updated_at, ?3) WHERE id = ?1 AND marketing_stop != ?2");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, stop ? 1 : 0);
	sqlite3_bind_int64(st, 3, ts);
	return db_step_changed(db, st, "updating marketing preferences", changed);
}

int contact_set_name(wb_db *db, int64_t id, const char *name, int64_t ts)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE contact SET name = ?2, updated_at = max(updated_at, ?3) "
				       "WHERE id = ?1 AND name IS NOT ?2");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, name);
	sqlite3_bind_int64(st, 3, ts);
	return db_step_done(db, st, "naming a contact");
}

int contact_rm(wb_db *db, const char *key)
{
	int64_t id;
	int rc = contact_find(db, key, &id);
	if (rc)
		return rc == EX_FALSE ? wb_err(EX_FALSE, "%s: no such contact", key) : rc;
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM contact WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	return db_step_done(db, st, "removing a contact");
}

static int optout_one(wb_db *db, const char *wa_id, int64_t now, void *ctx, int *changed)
{
	int opted_out = *(const int *)ctx, rc;
	int64_t id;
	contact c;
	if ((rc = contact_ensure(db, wa_id, now, &id)) || (rc = contact_get(db, wa_id, &c)))
		return rc;
	/* an opt-out already there keeps its time */
	*changed = c.opted_out != opted_out;
	contact_free(&c);
	return *changed ? contact_set_optout(db, id, opted_out, now) : 0;
}

int contact_optout_phones(wb_db *db, int argc, char **argv, FILE *fp, int opted_out, bulk_row_fn row,
			  void *ctx)
{
	opted_out = !!opted_out;
	return bulk_phones(db, argc, argv, fp, optout_one, &opted_out, row, ctx);
}

static int rm_one(wb_db *db, const char *wa_id, int64_t now, void *ctx, int *changed)
{
	*changed = 1;
	return contact_rm(db, wa_id);
}

int contact_rm_phones(wb_db *db, int argc, char **argv, FILE *fp, bulk_row_fn row, void *ctx)
{
	return bulk_phones(db, argc, argv, fp, rm_one, NULL, row, ctx);
}

const char *const contact_sort_names[] = {"last-in", "last-out", "name", NULL};

/* The conversation filters and the order, appended to a query over
 * contact c. The last reply is read from the message index, per contact. */
static void conversation_sql(const contact_filter *f, sb *sql)
{
#define LAST_REPLY "coalesce((SELECT max(sent_at) FROM message WHERE contact_id = c.id AND direction = 'out' " \
		   "AND auto IS NULL AND sent_at IS NOT NULL AND status != 'failed'), 0)"
	if (f->unanswered)
		sb_puts(sql, " AND c.last_in_at > " LAST_REPLY);
	if (f->unread)
		sb_puts(sql, " AND EXISTS (SELECT 1 FROM message m WHERE m.contact_id = c.id AND m.direction = 'in' "
			     "AND m.read_at IS NULL AND m.ts > " LAST_REPLY ")");
#undef LAST_REPLY
	static const char *const order[] = {
		/* contacts without a phone come after, by user ID */
		[CONTACT_BY_PHONE] = "wa_id IS NULL, wa_id, user_id",
		[CONTACT_BY_LAST_IN] = "last_in_at IS NULL, last_in_at DESC, wa_id IS NULL, wa_id, user_id",
		[CONTACT_BY_LAST_OUT] = "last_out_at IS NULL, last_out_at DESC, wa_id IS NULL, wa_id, user_id",
		[CONTACT_BY_NAME] = "coalesce(name, profile_name, wa_id, username, user_id) COLLATE NOCASE, wa_id",
	};
	sb_printf(sql, " ORDER BY %s", order[f->sort]);
}

/* Label names become ids up front, so a typo is an error rather than an
 * empty segment. */
static int label_ids(wb_db *db, const char *const *names, sb *list)
{
	for (int i = 0; names && names[i]; i++) {
		sqlite3_stmt *st = db_stmt(db, "SELECT id FROM label WHERE name = ?");
		sqlite3_bind_text(st, 1, names[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			return wb_err(EX_DATAERR, "no label '%s' (wb-label ls lists them)", names[i]);
		}
		sb_printf(list, "%s%lld", list->len ? "," : "", (long long)sqlite3_column_int64(st, 0));
		sqlite3_reset(st);
	}
	return 0;
}

/* One attribute condition taken apart: KEY (malloc'd), its VALUE (in
 * the expression; "" for missing or empty) and whether it is negated. */
typedef struct {
	char *key;
	const char *value;
	int negated;
} where_cond;

static int where_parse(const char *expr, where_cond *w)
{
	const char *eq = strchr(expr, '=');
	w->key = NULL;
	if (!eq)
		return wb_err(EX_USAGE, "--where '%s': expected KEY=VALUE, KEY!=VALUE, KEY= or KEY!=", expr);
	w->negated = eq > expr && eq[-1] == '!';
	w->key = xstrndup(expr, (size_t)(eq - expr - w->negated));
	w->value = eq + 1;
	int rc = contact_key_check(w->key);
	if (rc) {
		free(w->key);
		w->key = NULL;
		return wb_err_prefix(EX_USAGE, "--where: ");
	}
	return 0;
}

int contact_where_check(const char *expr)
{
	where_cond w;
	int rc = where_parse(expr, &w);
	free(w.key);
	return rc;
}

/* The attribute conditions as SQL over contact c. KEY=VALUE is a member
 * KEY equal to VALUE; KEY= is the absence of a non-empty one; != negates.
 * Keys and values are named parameters that where_bind fills: attributes
 * are data, and nothing of them is spliced into the statement. */
static void where_sql(sb *sql, const where_cond *w, int n)
{
	for (int i = 0; i < n; i++) {
		int empty = !*w[i].value;
		sb_printf(sql, " AND %sEXISTS (SELECT 1 FROM json_each(c.attrs) WHERE key = :wk%d AND value %s :wv%d)",
			  w[i].negated != empty ? "NOT " : "", i, empty ? "<>" : "=", i);
	}
}

static void where_bind(sqlite3_stmt *st, const where_cond *w, int n)
{
	for (int i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof name, ":wk%d", i);
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, name), w[i].key, -1, SQLITE_STATIC);
		snprintf(name, sizeof name, ":wv%d", i);
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, name), w[i].value, -1, SQLITE_STATIC);
	}
}

/* Parses every condition of where into *w (n of them), or fails on the
 * first that is malformed. */
static int where_conds(const char *const *where, where_cond **w, int *n)
{
	*n = 0;
	while (where && where[*n])
		(*n)++;
	*w = xcalloc((size_t)*n + 1, sizeof **w);
	for (int i = 0; i < *n; i++)
		if (where_parse(where[i], &(*w)[i]))
			return EX_USAGE;
	return 0;
}

static void where_free(where_cond *w, int n)
{
	for (int i = 0; w && i < n; i++)
		free(w[i].key);
	free(w);
}

int contact_each(wb_db *db, const contact_filter *f, contact_fn fn, void *ctx)
{
	sb sql = {0}, with = {0}, without = {0};
	where_cond *where;
	int nwhere, rc;
	if ((rc = where_conds(f->where, &where, &nwhere)) || (rc = label_ids(db, f->labels, &with)) ||
	    (rc = label_ids(db, f->not_labels, &without)))
		goto out;
	sb_puts(&sql, "SELECT " CONTACT_COLS " FROM contact c WHERE 1");
	if (with.len) {
		int n = 1;
		for (const char *p = with.s; *p; p++)
			n += *p == ',';
		sb_printf(&sql, " AND (SELECT count(*) FROM contact_label WHERE contact_id = c.id "
				"AND label_id IN (%s)) = %d", with.s, n);
	}
	if (without.len)
		sb_printf(&sql, " AND NOT EXISTS (SELECT 1 FROM contact_label WHERE contact_id = c.id "
				"AND label_id IN (%s))", without.s);
	if (f->inactive > 0)
		sb_printf(&sql, " AND coalesce(last_in_at, 0) < %lld", (long long)(f->now - f->inactive));
	if (f->active > 0)
		sb_printf(&sql, " AND last_in_at >= %lld", (long long)(f->now - f->active));
	if (f->opted_out > 0)
		sb_puts(&sql, " AND opted_out");
	else if (f->opted_out < 0)
		sb_puts(&sql, " AND NOT opted_out");
	where_sql(&sql, where, nwhere);
	conversation_sql(f, &sql);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_handle(db), sql.s, -1, &st, NULL) != SQLITE_OK) {
		rc = db_fail(db, "listing contacts");
		goto out;
	}
	where_bind(st, where, nwhere);
	rc = each_row(db, st, fn, ctx);
	sqlite3_finalize(st);
out:
	where_free(where, nwhere);
	sb_free(&sql);
	sb_free(&with);
	sb_free(&without);
	return rc;
}

/* The keyed sync: a temporary table of the key's values, filled once
 * from the contacts (a look-up per row into contact.attrs would be a scan
 * per row), then told which values the file holds and on what line. */
int contact_sync_begin(wb_db *db, const char *key)
{
	int rc = db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS sync_key (value TEXT PRIMARY KEY, "
			     "contact_id INTEGER NOT NULL, line INTEGER); DELETE FROM temp.sync_key;");
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "INSERT OR IGNORE INTO temp.sync_key (value, contact_id) "
				       "SELECT v, id FROM (SELECT json_extract(attrs, '$.\"' || ?1 || '\"') v, id "
				       "FROM contact) WHERE v IS NOT NULL AND v <> ''");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return db_step_done(db, st, "reading the contacts' keys");
}

int contact_sync_find(wb_db *db, const char *value, int64_t *id, long *line)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT contact_id, coalesce(line, 0) FROM temp.sync_key WHERE value = ?");
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*line = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? EX_FALSE : db_fail(db, "reading the contacts' keys");
}

int contact_sync_mark(wb_db *db, const char *value, int64_t id, long line)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO temp.sync_key (value, contact_id, line) VALUES (?, ?, ?) "
				       "ON CONFLICT (value) DO UPDATE SET contact_id = excluded.contact_id, "
				       "line = excluded.line");
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, line);
	return db_step_done(db, st, "noting a key");
}

/* The key changes as when the user changes number or user ID
 * (identity_changed): the old one stays as an alias, and the change log
 * has it. */
int contact_set_key(wb_db *db, int64_t id, const char *key, int64_t now)
{
	sqlite3_stmt *st = by_key(db, key, 1);
	int rc = sqlite3_step(st);
	int64_t other = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading a contact");
	if (other == id)
		return 0;
	if (other)
		return wb_err(EX_DATAERR, "%s is another contact's %s", key, bsuid_valid(key) ? "user ID" : "phone");
	st = db_stmt(db, "SELECT wa_id, user_id FROM contact WHERE id = ?");
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? wb_err(EX_SOFTWARE, "internal error: no contact %lld", (long long)id)
					 : db_fail(db, "reading a contact");
	}
	char *phone = opt_text(st, 0), *user_id = opt_text(st, 1);
	sqlite3_reset(st);
	identity was = {.phone = phone, .user_id = user_id}, now_is = {0};
	*(bsuid_valid(key) ? &now_is.user_id : &now_is.phone) = key;
	rc = identity_changed(db, &was, &now_is, now, &id);
	free(phone);
	free(user_id);
	return rc;
}

/* The contacts that hold the key but whose value no line of the file had:
 * those a previous import with this key brought, and the CRM dropped. A
 * contact a line took under a new value is not missing under its old. */
#define SYNC_MISSING "FROM temp.sync_key WHERE line IS NULL AND contact_id NOT IN " \
		     "(SELECT contact_id FROM temp.sync_key WHERE line IS NOT NULL)"

int contact_sync_missing(wb_db *db, contact_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT " CONTACT_COLS " FROM contact WHERE id IN "
				       "(SELECT contact_id " SYNC_MISSING ") ORDER BY wa_id");
	int rc = each_row(db, st, fn, ctx);
	sqlite3_reset(st);
	return rc;
}

int contact_sync_remove_missing(wb_db *db, long *removed)
{
	sqlite3_stmt *st = db_stmt(db, "DELETE FROM contact WHERE id IN (SELECT contact_id " SYNC_MISSING ")");
	int rc = db_step_done(db, st, "removing contacts");
	*removed = rc ? 0 : sqlite3_changes(db_handle(db));
	return rc;}

/* The keys seen so far, sorted, each once. */
typedef struct {
	char **v;
	size_t n, cap;
} key_set;

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_keys(const contact *c, void *ctx)
{
	key_set *s = ctx;
	json_t *o = json_loads(c->attrs ? c->attrs : "{}", 0, NULL);
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		if (s->n && bsearch(&k, s->v, s->n, sizeof *s->v, cmp_key))
			continue;
		if (s->n + 1 >= s->cap) {
			s->cap = s->cap ? s->cap * 2 : 16;
			s->v = xrealloc(s->v, s->cap * sizeof *s->v);
		}
		s->v[s->n++] = xstrdup(k);
		qsort(s->v, s->n, sizeof *s->v, cmp_key);
	}
	json_decref(o);
	return 0;
}

int contact_filter_keys(wb_db *db, const contact_filter *f, char ***keys)
{
	key_set s = {0};
	int rc = contact_each(db, f, collect_keys, &s);
	s.v = xrealloc(s.v, (s.n + 1) * sizeof *s.v);
	s.v[s.n] = NULL;
	*keys = s.v;
	return rc;
}

void contact_keys_free(char **keys)
{
	for (size_t i = 0; keys && keys[i]; i++)
		free(keys[i]);
	free(keys);
}
