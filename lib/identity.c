#include "identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsuid.h"
#include "contact.h"
#include "err.h"
#include "phone.h"
#include "util.h"

/* A contact as the look-ups see it: its keys, and what learn may set,
 * so that a delivery that teaches nothing new writes nothing. */
typedef struct {
	int64_t id;
	char wa_id[PHONE_MAX], user_id[BSUID_MAX], parent_user_id[BSUID_MAX];
	char username[CONTACT_NAME_MAX], profile_name[CONTACT_NAME_MAX];
	int64_t last_in, last_out;
	int clipped;  /* a text longer than its buffer: compared as different */
	int by_alias; /* found by a former user ID */
} found;

/* The columns lookup reads, of the contact called c. */
#define FOUND_COLS "c.id, c.wa_id, c.user_id, c.parent_user_id, c.username, c.profile_name, " \
		   "coalesce(c.last_in_at, 0), coalesce(c.last_out_at, 0)"

static const char *given(const char *s)
{
	return s && *s ? s : NULL;
}

/* Column i of st into buf; a text that does not fit sets *clipped. */
static void col(sqlite3_stmt *st, int i, char *buf, size_t size, int *clipped)
{
	const char *s = db_col_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);
	*clipped |= n >= size;
	memcpy(buf, s, n < size ? n + 1 : 0);
	buf[n < size ? n : 0] = 0;
}

/* Steps a look-up (FOUND_COLS, then whether by alias): 0 and *f,
 * EX_FALSE for none, or the error. */
static int lookup(wb_db *db, sqlite3_stmt *st, found *f)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		f->id = sqlite3_column_int64(st, 0);
		f->clipped = 0;
		col(st, 1, f->wa_id, sizeof f->wa_id, &f->clipped);
		col(st, 2, f->user_id, sizeof f->user_id, &f->clipped);
		col(st, 3, f->parent_user_id, sizeof f->parent_user_id, &f->clipped);
		col(st, 4, f->username, sizeof f->username, &f->clipped);
		col(st, 5, f->profile_name, sizeof f->profile_name, &f->clipped);
		f->last_in = sqlite3_column_int64(st, 6);
		f->last_out = sqlite3_column_int64(st, 7);
		f->by_alias = sqlite3_column_int(st, 8);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, "reading a contact");
	return rc == SQLITE_ROW ? 0 : EX_FALSE;
}

static int by_user_id(wb_db *db, const char *user_id, found *f)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT " FOUND_COLS ", 0 FROM contact c WHERE user_id = ?1 UNION ALL "
		"SELECT " FOUND_COLS ", 1 FROM contact_alias a JOIN contact c ON c.id = a.contact_id "
		"WHERE a.kind = 'user_id' AND a.value = ?1 LIMIT 1");
	sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
	return lookup(db, st, f);
}

/* ------------------------------------------------------------ the cache */

/* Contacts known by phone alone (no user ID, username nor parent), as
 * last read or moved here: wb-recv's store looked each sender up, a
 * tenth of its writer thread. Only while identity_cache has it on, and
 * emptied when anything else may have changed a contact: a rollback
 * (db_rollbacks), another connection's commit (PRAGMA data_version, read
 * once a transaction), any write here but a later time (learn, merge,
 * a number given up). A slot per hash of the phone, the last one in it
 * kept. */
#define CACHE_SLOTS 65536

typedef struct {
	int64_t id, last_in, last_out;
	long long gen;      /* the slot holds when it is the cache's */
	char wa_id[PHONE_MAX];
	char *profile_name; /* "" for none */
} known;

static _Thread_local struct {
	wb_db *db;
	long long txn, rollbacks, gen;
	int64_t data_version;
	known *slots; /* NULL: off */
} cache;

/* Empties the cache at once: what the slots hold is no longer its. */
static void cache_clear(void)
{
	cache.gen++;
}

void identity_cache(wb_db *db, int on)
{
	cache_clear();
	if (cache.slots && (!on || cache.db != db)) {
		for (size_t i = 0; i < CACHE_SLOTS; i++)
			free(cache.slots[i].profile_name);
		free(cache.slots);
		cache.slots = NULL;
	}
	if (on && !cache.slots) {
		cache.slots = xcalloc(CACHE_SLOTS, sizeof *cache.slots);
		cache.db = db;
		cache.txn = -1;
		cache.rollbacks = db_rollbacks(db);
	}
}

/* phone's slot, when the cache is on and still holds for db. */
static known *slot(wb_db *db, const char *phone)
{
	if (!cache.slots || cache.db != db)
		return NULL;
	int64_t v = 0;
	if (cache.rollbacks != db_rollbacks(db) ||
	    (cache.txn != db_txn(db) && (db_data_version(db, &v) || v != cache.data_version))) {
		cache_clear();
		cache.rollbacks = db_rollbacks(db);
		cache.data_version = v;
	}
	cache.txn = db_txn(db);
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = phone; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &cache.slots[h % CACHE_SLOTS];
}

/* Keeps f, read by phone, when it is known by phone alone. */
static void cache_keep(known *k, const found *f)
{
	if (!k || f->clipped || *f->user_id || *f->parent_user_id || *f->username)
		return;
	free(k->profile_name);
	*k = (known){.id = f->id, .last_in = f->last_in, .last_out = f->last_out, .gen = cache.gen,
		     .profile_name = xstrdup(f->profile_name)};
	snprintf(k->wa_id, sizeof k->wa_id, "%s", f->wa_id);
}

/* A contact's later times, written: so in its slot too. */
static void cache_moved(wb_db *db, const found *t, int64_t last_in, int64_t last_out)
{
	known *k = *t->wa_id ? slot(db, t->wa_id) : NULL;
	if (k && k->gen == cache.gen && k->id == t->id) {
		k->last_in = last_in > k->last_in ? last_in : k->last_in;
		k->last_out = last_out > k->last_out ? last_out : k->last_out;
	}
}

static int by_phone(wb_db *db, const char *phone, found *f)
{
	known *k = slot(db, phone);
	if (k && k->gen == cache.gen && !strcmp(k->wa_id, phone)) {
		*f = (found){.id = k->id, .last_in = k->last_in, .last_out = k->last_out};
		snprintf(f->wa_id, sizeof f->wa_id, "%s", k->wa_id);
		snprintf(f->profile_name, sizeof f->profile_name, "%s", k->profile_name);
		return 0;
	}
	sqlite3_stmt *st = db_stmt(db, "SELECT " FOUND_COLS ", 0 FROM contact c WHERE wa_id = ?1");
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	int rc = lookup(db, st, f);
	if (!rc)
		cache_keep(k, f);
	return rc;
}

/* Looks up by user ID when there is one, else (or when it finds none)
 * by phone, as the two functions above; *has says whether it found. */
static int look(wb_db *db, const char *user_id, const char *phone, found *f, int *has)
{
	int rc = EX_FALSE;
	memset(f, 0, sizeof *f);
	if (user_id)
		rc = by_user_id(db, user_id, f);
	if (rc == EX_FALSE && phone)
		rc = by_phone(db, phone, f);
	*has = !rc;
	return rc == EX_FALSE ? 0 : rc;
}

/* Records a former identifier of contact id. */
static int alias(wb_db *db, const char *kind, const char *value, int64_t id, int64_t now)
{
	if (!value || !*value)
		return 0;
	sqlite3_stmt *st = db_stmt(db,
		"INSERT INTO contact_alias (kind, value, contact_id, created_at) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT (kind, value) DO UPDATE SET contact_id = excluded.contact_id, "
		"created_at = excluded.created_at");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	sqlite3_bind_int64(st, 4, now);
	return db_step_done(db, st, "saving a former identifier");
}

/* A contact's number went to someone else: it keeps its user ID, and the
 * number as an alias. */
static int give_up_phone(wb_db *db, const found *f, int64_t now)
{
	cache_clear();
	int rc = alias(db, "phone", f->wa_id, f->id, now);
	if (rc)
		return rc;
	sqlite3_stmt *st = db_stmt(db, "UPDATE contact SET wa_id = NULL, updated_at = max(updated_at, ?2) "
				       "WHERE id = ?1");
	sqlite3_bind_int64(st, 1, f->id);
	sqlite3_bind_int64(st, 2, now);
	return db_step_done(db, st, "updating a contact");
}

/* Keeps on contact id what who says; phone and user_id (NULL: keep) are
 * what it may set of the two keys. */
static int learn(wb_db *db, int64_t id, const identity *who, const char *phone, const char *user_id, int64_t now)
{
	cache_clear();
	sqlite3_stmt *st = db_stmt(db,
		"UPDATE contact SET wa_id = coalesce(?2, wa_id), user_id = coalesce(?3, user_id), "
		"parent_user_id = coalesce(?4, parent_user_id), username = coalesce(?5, username), "
		"profile_name = coalesce(?6, profile_name), "
		"last_in_at = CASE WHEN ?7 > 0 THEN max(coalesce(last_in_at, 0), ?7) ELSE last_in_at END, "
		"last_out_at = CASE WHEN ?8 > 0 THEN max(coalesce(last_out_at, 0), ?8) ELSE last_out_at END, "
		"updated_at = CASE WHEN (?2 IS NOT NULL AND ?2 IS NOT wa_id) OR (?3 IS NOT NULL AND ?3 IS NOT user_id) "
		"OR (?4 IS NOT NULL AND ?4 IS NOT parent_user_id) OR (?5 IS NOT NULL AND ?5 IS NOT username) "
		"OR (?6 IS NOT NULL AND ?6 IS NOT profile_name) THEN max(updated_at, ?9) ELSE updated_at END "
		"WHERE id = ?1");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, phone);
	db_bind_text(st, 3, user_id);
	db_bind_text(st, 4, given(who->parent_user_id));
	db_bind_text(st, 5, given(who->username));
	db_bind_text(st, 6, given(who->profile_name));
	sqlite3_bind_int64(st, 7, who->last_in);
	sqlite3_bind_int64(st, 8, who->last_out);
	sqlite3_bind_int64(st, 9, now);
	return db_step_done(db, st, "saving a contact");
}

/* 1 when s says something the contact's field f lacks or has otherwise. */
static int differs(const char *s, const char *f, int clipped)
{
	return given(s) && (clipped || strcmp(s, f));
}

/* Moves one of a contact's times (sql: ?1 the contact, ?2 the time)
 * forward when t is later than was. */
static int move_time(wb_db *db, const char *sql, int64_t id, int64_t was, int64_t t)
{
	if (t <= was)
		return 0;
	sqlite3_stmt *st = db_stmt(db, sql);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, t);
	return db_step_done(db, st, "saving a contact");
}

/* learn for a contact t as just read: most deliveries from someone known
 * teach only a later time, which then is all that is written (the
 * UPDATE of every field rewrites the contact's key indexes too), and a
 * repeat teaches nothing and writes nothing. */
static int learn_news(wb_db *db, const found *t, const identity *who, const char *phone, const char *user_id,
		      int64_t now)
{
	if (differs(phone, t->wa_id, 0) || differs(user_id, t->user_id, 0) ||
	    differs(who->parent_user_id, t->parent_user_id, t->clipped) ||
	    differs(who->username, t->username, t->clipped) || differs(who->profile_name, t->profile_name, t->clipped))
		return learn(db, t->id, who, phone, user_id, now);
	int rc = move_time(db, "UPDATE contact SET last_in_at = max(coalesce(last_in_at, 0), ?2) WHERE id = ?1",
			   t->id, t->last_in, who->last_in);
	if (!rc)
		rc = move_time(db, "UPDATE contact SET last_out_at = max(coalesce(last_out_at, 0), ?2) "
				   "WHERE id = ?1", t->id, t->last_out, who->last_out);
	if (!rc)
		cache_moved(db, t, who->last_in, who->last_out);
	return rc;
}

/* A new contact with these keys: 0 and *id, or EX_FALSE when another
 * process made it first. */
static int create(wb_db *db, const char *phone, const char *user_id, int64_t now, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO contact (wa_id, user_id, created_at, updated_at) "
				       "VALUES (?1, ?2, ?3, ?3) ON CONFLICT DO NOTHING");
	db_bind_text(st, 1, phone);
	db_bind_text(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	int fresh, rc = db_step_changed(db, st, "saving a contact", &fresh);
	if (!rc && fresh)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return rc ? rc : fresh ? 0 : EX_FALSE;
}

/* A look-up's answer as found or not: 0 with *has set, or the error. */
static int found_or_not(int rc, int *has)
{
	*has = !rc;
	return rc == EX_FALSE ? 0 : rc;
}

/* Which contact who names when the one found by user ID (a) and the one
 * found by phone (b) differ. */
static int reconcile(wb_db *db, const found *a, const found *b, int64_t now, int64_t *target)
{
	if (*b->user_id) { /* b is someone else, who had this number before */
		*target = a->id;
		return give_up_phone(db, b, now);
	}
	*target = a->id < b->id ? a->id : b->id;
	return identity_merge(db, *target, a->id < b->id ? b->id : a->id, now);
}

/* The contact who names, or 0; what it does to keep one contact per
 * person is done. *t is the target as read when nothing was written to
 * it on the way (else t->id is 0). */
static int choose(wb_db *db, const identity *who, int64_t now, found *a, found *t, int64_t *target)
{
	const char *uid = given(who->user_id), *phone = given(who->phone);
	found b = {0};
	int has_a = 0, has_b = 0, rc;
	*target = 0;
	if ((uid && (rc = found_or_not(by_user_id(db, uid, a), &has_a))) ||
	    (phone && !a->by_alias && (rc = found_or_not(by_phone(db, phone, &b), &has_b))))
		return rc;
	if (has_a && a->by_alias) { /* sent before they changed it: it teaches nothing */
		*target = a->id;
		*t = *a;
		return 0;
	}
	if (has_a && has_b && a->id != b.id)
		return reconcile(db, a, &b, now, target);
	if (has_a) {
		*target = a->id;
		*t = *a; /* an alias below is no field of the contact */
		/* a new number: the old one is kept as an alias */
		return phone && *a->wa_id && strcmp(a->wa_id, phone) ? alias(db, "phone", a->wa_id, a->id, now) : 0;
	}
	if (has_b && uid && *b.user_id && strcmp(b.user_id, uid))
		return give_up_phone(db, &b, now); /* a number given to a new person */
	if (has_b) {
		*target = b.id;
		*t = b;
	}
	return 0;
}

int identity_find(wb_db *db, const identity *who, int64_t now, int create_new, int64_t *id)
{
	const char *uid = given(who->user_id), *phone = given(who->phone);
	if (!uid && !phone)
		return wb_err(EX_DATAERR, "neither a phone number nor a user ID");
	/* a contact made by another process between look-up and insert is
	 * found on the second pass */
	for (int pass = 0; pass < 2; pass++) {
		found a = {0}, t = {0};
		int64_t target;
		int rc = choose(db, who, now, &a, &t, &target);
		if (!rc && !target && !create_new) {
			*id = 0;
			return 0;
		}
		if (!rc && !target && (rc = create(db, phone, uid, now, &target)) == EX_FALSE)
			continue;
		if (rc)
			return rc;
		*id = target;
		if (a.by_alias)
			phone = uid = NULL;
		return t.id == target ? learn_news(db, &t, who, phone, uid, now) : learn(db, target, who, phone, uid, now);
	}
	return wb_err(EX_TEMPFAIL, "%s: contact changed while saving; try again", uid ? uid : phone);
}

/* A contact other than c holding a new identifier joins c, or, for a
 * number, gives it up when it is someone else's (a user ID of its own). */
static int clear_for(wb_db *db, const found *c, const char *user_id, const char *phone, int64_t now)
{
	found d;
	int rc = user_id ? by_user_id(db, user_id, &d) : by_phone(db, phone, &d);
	if (rc == EX_FALSE || (!rc && d.id == c->id))
		return 0;
	if (rc)
		return rc;
	if (phone && *d.user_id && strcmp(d.user_id, c->user_id))
		return give_up_phone(db, &d, now);
	return identity_merge(db, c->id, d.id, now);
}

int identity_changed(wb_db *db, const identity *was, const identity *now_is, int64_t ts, int64_t *id)
{
	cache_clear();
	const char *new_uid = given(now_is->user_id), *new_phone = given(now_is->phone);
	found c;
	int has, rc = look(db, given(was->user_id), given(was->phone), &c, &has);
	if (rc)
		return rc;
	if (!has) { /* a user wb never met: the new identifiers, the old ones as history */
		if ((rc = identity_find(db, now_is, ts, 1, id)))
			return rc;
		c.id = *id;
		*c.wa_id = *c.user_id = 0;
	}
	*id = c.id;
	if ((new_uid && (rc = clear_for(db, &c, new_uid, NULL, ts))) ||
	    (new_phone && (rc = clear_for(db, &c, NULL, new_phone, ts))))
		return rc;
	const char *old_phone = *c.wa_id ? c.wa_id : given(was->phone);
	const char *old_uid = *c.user_id ? c.user_id : given(was->user_id);
	if (new_phone && old_phone && strcmp(old_phone, new_phone) && (rc = alias(db, "phone", old_phone, c.id, ts)))
		return rc;
	if (new_uid && old_uid && strcmp(old_uid, new_uid) && (rc = alias(db, "user_id", old_uid, c.id, ts)))
		return rc;
	return learn(db, c.id, now_is, new_phone, new_uid, ts);
}

int identity_merge(wb_db *db, int64_t into, int64_t from, int64_t now)
{
	cache_clear();
	/* ?1 into, ?2 from, ?3 now */
	static const char *const moves[] = {
		/* a broadcast reaches a contact once: from's copy leaves it */
		"UPDATE message SET broadcast_id = NULL WHERE contact_id = ?2 AND broadcast_id IN "
		"(SELECT broadcast_id FROM message WHERE contact_id = ?1 AND broadcast_id IS NOT NULL)",
		"UPDATE message SET contact_id = ?1 WHERE contact_id = ?2",
		"INSERT INTO contact_label (contact_id, label_id, created_at) SELECT ?1, label_id, created_at "
		"FROM contact_label WHERE contact_id = ?2 ON CONFLICT DO NOTHING",
		"UPDATE auto_reply SET contact_id = ?1 WHERE contact_id = ?2",
		"UPDATE call SET contact_id = ?1 WHERE contact_id = ?2",
		"UPDATE contact_alias SET contact_id = ?1 WHERE contact_id = ?2",
		"UPDATE contact AS c SET name = coalesce(c.name, f.name), "
		"profile_name = coalesce(c.profile_name, f.profile_name), "
		"parent_user_id = coalesce(c.parent_user_id, f.parent_user_id), "
		"username = coalesce(c.username, f.username), opted_out = max(c.opted_out, f.opted_out), "
		"opted_out_at = CASE WHEN c.opted_out THEN c.opted_out_at ELSE f.opted_out_at END, "
		"marketing_stop = max(c.marketing_stop, f.marketing_stop), "
		"marketing_stop_at = CASE WHEN c.marketing_stop THEN c.marketing_stop_at ELSE f.marketing_stop_at END, "
		"created_at = min(c.created_at, f.created_at), updated_at = max(c.updated_at, f.updated_at, ?3), "
		"last_in_at = nullif(max(coalesce(c.last_in_at, 0), coalesce(f.last_in_at, 0)), 0), "
		"last_out_at = nullif(max(coalesce(c.last_out_at, 0), coalesce(f.last_out_at, 0)), 0), "
		"attrs = json_patch(f.attrs, c.attrs) FROM (SELECT * FROM contact WHERE id = ?2) AS f WHERE c.id = ?1",
	};
	for (size_t i = 0; i < sizeof moves / sizeof *moves; i++) {
		sqlite3_stmt *st = db_stmt(db, moves[i]);
		sqlite3_bind_int64(st, 1, into);
		sqlite3_bind_int64(st, 2, from);
		if (sqlite3_bind_parameter_count(st) >= 3)
			sqlite3_bind_int64(st, 3, now);
		int rc = db_step_done(db, st, "merging contacts");
		if (rc)
			return rc;
	}
	/* the keys pass over once from no longer holds them */
	found f;
	sqlite3_stmt *st = db_stmt(db, "SELECT " FOUND_COLS ", 0 FROM contact c WHERE id = ?1");
	sqlite3_bind_int64(st, 1, from);
	int rc = lookup(db, st, &f);
	if (rc)
		return rc == EX_FALSE ? 0 : rc;
	st = db_stmt(db, "DELETE FROM contact WHERE id = ?1");
	sqlite3_bind_int64(st, 1, from);
	if ((rc = db_step_done(db, st, "merging contacts")))
		return rc;
	st = db_stmt(db, "UPDATE contact SET wa_id = coalesce(wa_id, ?2), user_id = coalesce(user_id, ?3) "
			 "WHERE id = ?1");
	sqlite3_bind_int64(st, 1, into);
	db_bind_text(st, 2, given(f.wa_id));
	db_bind_text(st, 3, given(f.user_id));
	return db_step_done(db, st, "merging contacts");
}
