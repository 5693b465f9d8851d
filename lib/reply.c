#include "reply.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "batch.h"
#include "checkpoint.h"
#include "cloudapi.h"
#include "contact.h"
#include "err.h"
#include "kv.h"
#include "profile.h"
#include "quick.h"
#include "survey.h"
#include "tmpl.h"
#include "util.h"
#include "when.h"

const char *const reply_kind_names[] = {"none", "away", "greeting", "keyword", "follow_up", NULL};

/* ---- the pure rules ---- */

reply_kind reply_decide(const reply_settings *s, const reply_facts *f)
{
	if (f->opted_out || !f->replyable)
		return REPLY_NONE;
	if (f->survey_answer)
		return f->follow_up ? REPLY_FOLLOW_UP : REPLY_NONE;
	if (s->away_on && s->away_text && f->closed &&
	    (!f->last_away || f->ts - f->last_away >= REPLY_AWAY_COOLDOWN))
		return REPLY_AWAY;
	/* greeted_near: messages that arrive out of order get one greeting */
	if (s->greeting_on && s->greeting_text && !f->greeted_near) {
		int first = !f->prev_in;
		if (first ? !(s->greeting_new_only && f->known)
			  : !s->greeting_new_only && f->ts - f->prev_in >= s->greeting_after)
			return REPLY_GREETING;
	}
	return f->keyword ? REPLY_KEYWORD : REPLY_NONE;
}

int reply_answers(const char *type, const char *interactive)
{
	static const char *const real[] = {"text", "image", "video", "audio", "document", "sticker", "location",
					   "contacts", "button", "order", NULL};
	if (!type)
		return 0;
	if (!strcmp(type, "interactive"))
		return interactive && (!strcmp(interactive, "button_reply") || !strcmp(interactive, "list_reply"));
	for (int i = 0; real[i]; i++)
		if (!strcmp(type, real[i]))
			return 1;
	return 0;
}

int reply_closed(const reply_settings *s, const hours_spec *h, const char *tz, int64_t ts)
{
	switch (s->when) {
	case AWAY_ALWAYS:
		return 1;
	case AWAY_WINDOW:
		return ts >= s->away_from && ts < s->away_to;
	case AWAY_OUTSIDE_HOURS: {
		int64_t until;
		return !hours_open_at(h, ts, tz, &until);
	}
	}
	return 0;
}

/* The character at s (0 at the end); *len is its length in bytes. A
 * byte that is not UTF-8 stands for itself. */
static unsigned decode(const unsigned char *s, int *len)
{
	unsigned c;
	if (!(*len = utf8_next((const char *)s, &c))) {
		*len = 1;
		c = *s;
	}
	return c;
}

/* Scripts written without spaces between words. */
static int spaceless(unsigned c)
{
	return (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) || (c >= 0x1780 && c <= 0x17FF) ||
	       (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/* A character that joins a word (so "prices" does not contain "price"). */
static int wordish(unsigned c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c == '_';
	if (spaceless(c))
		return 0;
	/* punctuation, symbols and emoji separate words */
	return !((c >= 0x80 && c <= 0xBF) || (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
		 (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF20) || c >= 0x1F000);
}

static unsigned before(const unsigned char *start, const unsigned char *p)
{
	if (p == start)
		return ' ';
	const unsigned char *q = p - 1;
	while (q > start && (*q & 0xC0) == 0x80 && p - q < 4)
		q--;
	int len;
	unsigned c = decode(q, &len);
	return q + len == p ? c : ' ';
}

long reply_word_at(const char *text, const char *word)
{
	size_t wl = strlen(word);
	if (!text || !wl)
		return -1;
	int loose = 0;
	for (const unsigned char *p = (const unsigned char *)word; *p;) {
		int len;
		if (spaceless(decode(p, &len)))
			loose = 1;
		p += len;
	}
	const unsigned char *t = (const unsigned char *)text;
	for (const unsigned char *p = t; *p; p++) {
		if (strncasecmp((const char *)p, word, wl))
			continue;
		int len;
		if (loose || (!wordish(before(t, p)) && !wordish(p[wl] ? decode(p + wl, &len) : ' ')))
			return (long)(p - t);
	}
	return -1;
}

int reply_parse_when(const char *s, int64_t now, const char *tz, reply_settings *st)
{
	if (!strcmp(s, "always")) {
		st->when = AWAY_ALWAYS;
		return 0;
	}
	if (!strcmp(s, "outside-hours")) {
		st->when = AWAY_OUTSIDE_HOURS;
		return 0;
	}
	const char *slash = strchr(s, '/');
	if (!slash)
		return wb_err(EX_DATAERR, "--when '%s': always, outside-hours or FROM/TO", s);
	char *from = xstrndup(s, (size_t)(slash - s));
	int64_t a, b;
	int rc = when_parse(from, now, tz, &a);
	free(from);
	if (!rc)
		rc = when_parse(slash + 1, now, tz, &b);
	if (rc)
		return wb_err_prefix(rc, "--when: ");
	if (b <= a)
		return wb_err(EX_DATAERR, "--when '%s': the window ends before it starts", s);
	st->when = AWAY_WINDOW;
	st->away_from = a;
	st->away_to = b;
	return 0;
}

void reply_fmt_when(const reply_settings *st, char buf[80])
{
	if (st->when != AWAY_WINDOW) {
		strcpy(buf, st->when == AWAY_ALWAYS ? "always" : "outside-hours");
		return;
	}
	char a[32], b[32];
	when_fmt_utc(st->away_from, a);
	when_fmt_utc(st->away_to, b);
	snprintf(buf, 80, "%s/%s", a, b);
}

void reply_show_when(const reply_settings *st, const char *tz, char buf[96])
{
	if (st->when != AWAY_WINDOW) {
		reply_fmt_when(st, buf);
		return;
	}
	char a[40], b[40];
	when_fmt_human(st->away_from, tz, a);
	when_fmt_human(st->away_to, tz, b);
	snprintf(buf, 96, "%s/%s", a, b);
}

int reply_opens_at(const reply_settings *s, const hours_spec *h, const char *tz, int64_t ts, char buf[32])
{
	int64_t at = s->away_to;
	int rc = s->when == AWAY_WINDOW ? 0 : hours_next_open(h, ts, tz, &at);
	if (!rc)
		hours_fmt_opening(at, ts, tz, buf);
	return rc;
}

/* ---- texts checked as they are saved ---- */

typedef struct {
	wb_db *db;
	const char *what;
	int64_t contacts; /* how many there are */
	kv known;         /* placeholder → how many contacts have it ("" for all) */
	kv warned;
} text_check;

static int take_key(const char *key, int64_t n, void *ctx)
{
	text_check *t = ctx;
	char count[24];
	snprintf(count, sizeof count, "%lld", (long long)n);
	kv_set(&t->known, key, n < t->contacts ? count : "");
	return 0;
}

/* The warnings a known placeholder earns, once each. */
static void warn_key(text_check *t, const char *key, const char *count)
{
	if (kv_get(&t->warned, key))
		return;
	kv_set(&t->warned, key, "");
	if (*count) {
		wb_warn("%s: {{%s}}: %s of %lld contacts have it; the others will get no such reply", t->what, key,
			count, (long long)t->contacts);
	} else if (!strcmp(key, "opens_at")) {
		hours_spec h;
		char *tz = profile_tz(t->db), buf[32];
		reply_settings s = {.when = AWAY_OUTSIDE_HOURS};
		if (!hours_load(t->db, &h) && reply_opens_at(&s, &h, tz, when_now(), buf))
			wb_warn("%s: {{opens_at}}: the opening hours give no next opening (wb-profile hours)", t->what);
		hours_free(&h);
		free(tz);
	}
}

static const char *check_key(const char *key, void *ctx)
{
	text_check *t = ctx;
	const char *count = kv_get(&t->known, key);
	if (count)
		warn_key(t, key, count);
	return count;
}

int reply_text_check(wb_db *db, const char *what, const char *text, int away)
{
	/* stored as it is, it would go out later as a request missing its
	 * text, or be refused on every message it answers */
	long n = utf8_len(text);
	if (n < 0)
		return wb_err(EX_DATAERR, "%s: not valid UTF-8", what);
	if (n > API_TEXT_MAX)
		return wb_err(EX_DATAERR, "%s: %ld characters; a text message has at most %d", what, n, API_TEXT_MAX);
	text_check t = {.db = db, .what = what};
	int rc = contact_count(db, &t.contacts);
	for (int i = 0; !rc && contact_fields[i]; i++)
		kv_set(&t.known, contact_fields[i], "");
	if (!rc && away)
		kv_set(&t.known, "opens_at", "");
	if (!rc)
		rc = contact_attr_keys(db, take_key, &t);
	if (!rc && (rc = tmpl_check(text, check_key, &t)) == EX_DATAERR) {
		sb list = {0};
		for (size_t i = 0; i < t.known.n; i++)
			sb_printf(&list, "%s%s", i ? ", " : "", t.known.k[i]);
		char *unknown = xstrdup(wb_errmsg());
		rc = wb_err(EX_DATAERR, "%s: %s is not a placeholder it can fill (known: %s)", what, unknown, list.s);
		free(unknown);
		sb_free(&list);
	}
	kv_free(&t.known);
	kv_free(&t.warned);
	return rc;
}

/* ---- settings ---- */

static int flag(wb_db *db, const char *key)
{
	char *v = db_get_setting(db, key);
	int on = v && !strcmp(v, "1");
	free(v);
	return on;
}

int reply_settings_load(wb_db *db, reply_settings *s)
{
	memset(s, 0, sizeof *s);
	s->greeting_on = flag(db, "greeting.on");
	s->away_on = flag(db, "away.on");
	s->greeting_text = db_get_setting(db, "greeting.text");
	s->away_text = db_get_setting(db, "away.text");
	s->greeting_after = REPLY_GREETING_AFTER;
	char *v = db_get_setting(db, "greeting.after");
	int rc = v ? when_dur_parse(v, &s->greeting_after) : 0;
	free(v);
	if (rc)
		return wb_err_prefix(rc, "setting greeting.after: ");
	v = db_get_setting(db, "greeting.to");
	s->greeting_new_only = v && !strcmp(v, "new");
	free(v);
	v = db_get_setting(db, "away.when");
	rc = reply_parse_when(v ? v : "outside-hours", 0, "UTC", s);
	free(v);
	return rc ? wb_err_prefix(rc, "setting away.when: ") : 0;
}

int reply_settings_save(wb_db *db, const reply_settings *s)
{
	char after[32], when[80];
	when_dur_fmt(s->greeting_after, after);
	reply_fmt_when(s, when);
	int rc;
	if ((rc = db_set_setting(db, "greeting.on", s->greeting_on ? "1" : "0")) ||
	    (rc = db_set_setting(db, "greeting.text", s->greeting_text)) ||
	    (rc = db_set_setting(db, "greeting.after", after)) ||
	    (rc = db_set_setting(db, "greeting.to", s->greeting_new_only ? "new" : "everyone")) ||
	    (rc = db_set_setting(db, "away.on", s->away_on ? "1" : "0")) ||
	    (rc = db_set_setting(db, "away.text", s->away_text)) ||
	    (rc = db_set_setting(db, "away.when", when)))
		return rc;
	return 0;
}

void reply_settings_free(reply_settings *s)
{
	free(s->greeting_text);
	free(s->away_text);
	s->greeting_text = s->away_text = NULL;
}

/* ---- fallback templates ---- */

static char *fallback_key(reply_kind kind)
{
	return xasprintf("%s.fallback", reply_kind_names[kind]);
}

void reply_fallback_free(reply_fallback *f)
{
	for (size_t i = 0; i < f->nparams; i++)
		free(f->params[i]);
	free(f->params);
	free(f->tmpl);
	free(f->lang);
	memset(f, 0, sizeof *f);
}

int reply_fallback_load(wb_db *db, reply_kind kind, reply_fallback *f)
{
	memset(f, 0, sizeof *f);
	char *key = fallback_key(kind), *v = db_get_setting(db, key);
	json_t *j = v ? json_loads(v, 0, NULL) : NULL, *p;
	const char *t = json_string_value(json_object_get(j, "template"));
	int rc = v && !t ? wb_err(EX_DATAERR, "setting %s: not {\"template\": …}", key) : 0;
	if (t) {
		const char *lang = json_string_value(json_object_get(j, "lang"));
		f->tmpl = xstrdup(t);
		f->lang = lang ? xstrdup(lang) : NULL;
		size_t i;
		f->params = xcalloc(json_array_size(json_object_get(j, "param")) + 1, sizeof *f->params);
		json_array_foreach(json_object_get(j, "param"), i, p)
			if (json_is_string(p))
				f->params[f->nparams++] = xstrdup(json_string_value(p));
	}
	json_decref(j);
	free(v);
	free(key);
	return rc;
}

int reply_fallback_save(wb_db *db, reply_kind kind, const reply_fallback *f)
{
	char *key = fallback_key(kind), *v = NULL;
	if (f->tmpl && *f->tmpl) {
		json_t *j = json_pack("{s:s,s:[]}", "template", f->tmpl, "param");
		if (f->lang)
			json_object_set_new(j, "lang", json_string(f->lang));
		for (size_t i = 0; i < f->nparams; i++)
			json_array_append_new(json_object_get(j, "param"), json_string(f->params[i]));
		v = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	int rc = db_set_setting(db, key, v);
	free(key);
	free(v);
	return rc;
}

/* ---- wb-reply auto ---- */

struct reply_auto {
	wb_db *db;
	reply_fallback fallback[5]; /* by reply_kind (a follow-up has none: it answers a message) */
	int64_t version; /* of the settings below (settings_version); -1: read them again */
	reply_settings s;
	hours_spec hours;
	char *tz;
	struct kw { char *word, *text, *media_type, *media; } *kw;
	size_t nkw;
	/* the last answer of hours_open_at holds from open_from until open_until */
	int64_t open_from, open_until;
	int open, open_known;
};

static int take_keyword(const quick_keyword *k, void *ctx)
{
	reply_auto *a = ctx;
	a->kw = xrealloc(a->kw, (a->nkw + 1) * sizeof *a->kw);
	a->kw[a->nkw++] = (struct kw){xstrdup(k->word), xstrdup(k->text), k->media_type ? xstrdup(k->media_type) : NULL,
				      k->media ? xstrdup(k->media) : NULL};
	return 0;
}

/* Longest first, so that of two keywords found at the same place the
 * longer answers ("opening hours" before "opening"). */
static int cmp_keyword(const void *x, const void *y)
{
	const struct kw *a = x, *b = y;
	size_t la = strlen(a->word), lb = strlen(b->word);
	return la != lb ? (la < lb) - (la > lb) : strcmp(a->word, b->word);
}

/* What auto decides by, read from the database. */
static int settings_read(reply_auto *a)
{
	int rc = reply_settings_load(a->db, &a->s);
	if (!rc)
		rc = hours_load(a->db, &a->hours);
	a->tz = profile_tz(a->db);
	if (!rc)
		rc = quick_keyword_each(a->db, take_keyword, a);
	for (reply_kind k = REPLY_AWAY; k <= REPLY_KEYWORD && !rc; k++)
		rc = reply_fallback_load(a->db, k, &a->fallback[k]);
	if (a->nkw)
		qsort(a->kw, a->nkw, sizeof *a->kw, cmp_keyword);
	return rc;
}

static void settings_drop(reply_auto *a)
{
	reply_settings_free(&a->s);
	for (size_t k = 0; k < sizeof a->fallback / sizeof *a->fallback; k++)
		reply_fallback_free(&a->fallback[k]);
	hours_free(&a->hours);
	free(a->tz);
	a->tz = NULL;
	for (size_t i = 0; i < a->nkw; i++) {
		free(a->kw[i].word);
		free(a->kw[i].text);
		free(a->kw[i].media_type);
		free(a->kw[i].media);
	}
	free(a->kw);
	a->kw = NULL;
	a->nkw = 0;
	a->open_known = 0;
}

/* The settings version: every change to the settings, hours, holidays,
 * quick replies or keywords moves it (triggers in schema.sql). */
static int64_t settings_version(wb_db *db)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT version FROM settings_version");
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return v;
}

/* The settings in force now: a pipeline runs for weeks, and a holiday
 * set this afternoon applies to the next message. One indexed read a
 * message; the settings themselves only when they changed. */
static int settings_current(reply_auto *a)
{
	int64_t v = settings_version(a->db);
	if (v == a->version && v >= 0)
		return 0;
	settings_drop(a);
	int rc = settings_read(a);
	a->version = rc ? -1 : v; /* a bad setting: read again next time */
	return rc;
}

int reply_auto_new(wb_db *db, reply_auto **out)
{
	reply_auto *a = xcalloc(1, sizeof *a);
	a->db = db;
	a->version = -1;
	int rc = settings_current(a);
	if (rc) {
		reply_auto_free(a);
		a = NULL;
	}
	*out = a;
	return rc;
}

void reply_auto_free(reply_auto *a)
{
	if (!a)
		return;
	settings_drop(a);
	free(a);
}

/* Messages come mostly in time order, so one answer of the hours covers
 * many of them. */
static int closed_at(reply_auto *a, int64_t ts)
{
	if (a->s.when != AWAY_OUTSIDE_HOURS)
		return reply_closed(&a->s, &a->hours, a->tz, ts);
	if (!a->open_known || ts < a->open_from || (a->open_until && ts >= a->open_until)) {
		a->open = hours_open_at(&a->hours, ts, a->tz, &a->open_until);
		a->open_from = ts;
		a->open_known = 1;
	}
	return !a->open;
}

/* The keyword found earliest in text (the longest word on a tie). */
static const struct kw *keyword_in(reply_auto *a, const char *text)
{
	const struct kw *best = NULL;
	long at = -1;
	for (size_t i = 0; text && i < a->nkw; i++) {
		long p = reply_word_at(text, a->kw[i].word);
		if (p >= 0 && (at < 0 || p < at)) {
			at = p;
			best = &a->kw[i];
		}
	}
	return best;
}

static int64_t one_int(wb_db *db, sqlite3_stmt *st)
{
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return v;
}

/* Whether the message answers a survey (*hit), and whether its
 * follow-up question is due: a low score, and no follow-up to the
 * contact since that survey message. Only a message shaped like an
 * answer is looked up, as wb-recv does: ordinary text costs no query. */
static void survey_facts(reply_auto *a, const event *ev, int64_t contact_id, int64_t msg_id, reply_facts *f,
			 survey_hit *hit)
{
	*hit = (survey_hit){0};
	if (!survey_may_answer(ev->type, ev->text) || survey_answer_of(a->db, msg_id, hit) || !hit->name)
		return;
	f->survey_answer = 1;
	if (!hit->detractor || !hit->follow_up)
		return;
	sqlite3_stmt *st = db_stmt(a->db, "SELECT count(*) FROM auto_reply WHERE contact_id = ?1 "
					  "AND kind = 'follow_up' AND ts >= ?2");
	sqlite3_bind_int64(st, 1, contact_id);
	sqlite3_bind_int64(st, 2, hit->sent_at);
	f->follow_up = one_int(a->db, st) == 0;
}

/* The facts the rules need, judged at the message's own time. */
static int gather(reply_auto *a, const event *ev, contact *c, int64_t msg_id, reply_facts *f, survey_hit *hit)
{
	wb_db *db = a->db;
	f->ts = ev->ts;
	f->opted_out = c->opted_out;
	json_t *inter = json_object_get(json_object_get(ev->root, "interactive"), "type");
	f->replyable = reply_answers(ev->type, json_string_value(inter));
	/* walks the contact's messages back from ts and stops at the first
	 * inbound one: cheap however long the history */
	sqlite3_stmt *st = db_stmt(db, "SELECT ts FROM message WHERE contact_id = ?1 AND ts <= ?2 "
				       "AND direction = 'in' AND NOT (ts = ?2 AND id >= ?3) "
				       "ORDER BY ts DESC LIMIT 1");
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, ev->ts);
	sqlite3_bind_int64(st, 3, msg_id);
	f->prev_in = one_int(db, st);
	f->known = f->prev_in || c->created_at < ev->ts;
	st = db_stmt(db, "SELECT max(ts) FROM auto_reply WHERE contact_id = ?1 AND kind = 'away' AND ts <= ?2");
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, ev->ts);
	f->last_away = one_int(db, st);
	st = db_stmt(db, "SELECT count(*) FROM auto_reply WHERE contact_id = ?1 AND kind = 'greeting' "
			 "AND ts > ?2 - ?3 AND ts < ?2 + ?3");
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_int64(st, 2, ev->ts);
	sqlite3_bind_int64(st, 3, a->s.greeting_after);
	f->greeted_near = one_int(db, st) > 0;
	f->closed = a->s.away_on && closed_at(a, ev->ts);
	survey_facts(a, ev, c->id, msg_id, f, hit);
	return 0;
}

static int record(reply_auto *a, const event *ev, int64_t contact_id, reply_kind kind, int *again)
{
	sqlite3_stmt *st = db_stmt(a->db,
		"INSERT INTO auto_reply (inbound_wamid, contact_id, kind, ts, decided_at) VALUES (?, ?, ?, ?, ?) "
		"ON CONFLICT (inbound_wamid) DO NOTHING");
	sqlite3_bind_text(st, 1, ev->wamid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, contact_id);
	sqlite3_bind_text(st, 3, reply_kind_names[kind], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ev->ts);
	sqlite3_bind_int64(st, 5, when_now());
	int rc = db_step_done(a->db, st, "recording a reply");
	if (!rc)
		*again = sqlite3_changes(db_handle(a->db)) == 0;
	return rc;
}

int reply_auto_decide(reply_auto *a, const event *ev, reply_kind *kind, char **text, reply_media *media,
		      int *again)
{
	*kind = REPLY_NONE;
	*text = NULL;
	*media = (reply_media){0};
	*again = 0;
	sqlite3_stmt *st = db_stmt(a->db, "SELECT 1 FROM auto_reply WHERE inbound_wamid = ?");
	sqlite3_bind_text(st, 1, ev->wamid, -1, SQLITE_STATIC);
	if (one_int(a->db, st)) {
		*again = 1;
		return 0;
	}
	st = db_stmt(a->db, "SELECT id FROM message WHERE wamid = ? AND direction = 'in'");
	sqlite3_bind_text(st, 1, ev->wamid, -1, SQLITE_STATIC);
	int64_t msg_id = one_int(a->db, st);
	contact c = {0};
	int rc = settings_current(a);
	if (!rc)
		rc = msg_id ? contact_get(a->db, ev->phone, &c) : EX_FALSE;
	if (rc)
		return rc == EX_FALSE ? wb_err(EX_FALSE, "%s: not in the database (wb-recv stores messages "
							 "before wb-reply answers them)", ev->wamid) : rc;
	reply_facts f = {0};
	survey_hit hit;
	gather(a, ev, &c, msg_id, &f, &hit);
	const struct kw *kw = keyword_in(a, strcmp(ev->type, "text") ? NULL : ev->text);
	f.keyword = kw != NULL;
	*kind = reply_decide(&a->s, &f);
	const char *tmpl = *kind == REPLY_AWAY ? a->s.away_text : *kind == REPLY_GREETING ? a->s.greeting_text
			 : *kind == REPLY_FOLLOW_UP ? hit.follow_up : kw ? kw->text : NULL;
	if (*kind == REPLY_KEYWORD)
		*media = (reply_media){kw->media_type, kw->media};
	int unfilled = 0;
	if (*kind != REPLY_NONE) {
		kv vars = {0};
		char opens[32];
		rc = contact_vars(a->db, &c, &vars);
		if (*kind == REPLY_AWAY && !reply_opens_at(&a->s, &a->hours, a->tz, ev->ts, opens))
			kv_set(&vars, "opens_at", opens);
		if (!rc && (rc = tmpl_render(tmpl, kv_lookup, &vars, text)) == EX_DATAERR) {
			/* a contact without an attribute: no reply, decided so (a
			 * replay does not try again), and the line reported */
			wb_err_prefix(rc, "%s: %s reply not sent: ", c.wa_id, reply_kind_names[*kind]);
			*kind = REPLY_NONE;
			unfilled = 1;
			rc = 0;
		}
		kv_free(&vars);
	}
	if (!rc)
		rc = record(a, ev, c.id, *kind, again);
	if (!rc && unfilled)
		rc = EX_DATAERR; /* its message still the one recorded above */
	contact_free(&c);
	survey_hit_free(&hit);
	if (rc || *again) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

/* ---- wb-reply auto's loop ---- */

char *reply_auto_key(const char *wamid)
{
	return xasprintf("auto:%s", wamid);
}

/* Replies decided in the open transaction, handed out once it commits. */
typedef struct {
	reply_auto *a;
	long failed; /* lines that got no answer for an error of their own */
	struct held {
		char *to, *text, *wamid, *from_number;
		reply_kind kind;
		char *media_type, *media; /* copies: the settings may be read again before the commit */
		reply_fallback fb; /* the kind's fallback template, its values filled; tmpl NULL: none */
	} *v;
	size_t n, cap;
	reply_msg_fn fn;
	void *ctx;
} auto_run;

/* The kind's fallback template into *out, its values filled for the
 * contact (out->tmpl NULL when it has none, or a value lacks its
 * placeholder's value): copies, as the settings may be read again
 * before the commit. */
static void fallback_values(reply_auto *a, const event *ev, reply_kind kind, reply_fallback *out)
{
	const reply_fallback *f = &a->fallback[kind];
	*out = (reply_fallback){0};
	if (!f->tmpl)
		return;
	contact c = {0};
	kv vars = {0};
	char **v = xcalloc(f->nparams + 1, sizeof *v);
	int rc = contact_get(a->db, ev->phone, &c);
	if (!rc)
		rc = contact_vars(a->db, &c, &vars);
	for (size_t i = 0; i < f->nparams && !rc; i++)
		rc = tmpl_render(f->params[i], kv_lookup, &vars, &v[i]);
	*out = (reply_fallback){xstrdup(f->tmpl), f->lang ? xstrdup(f->lang) : NULL, v, f->nparams};
	if (rc) {
		wb_warn("%s: %s reply goes without its fallback template: %s", ev->phone, reply_kind_names[kind],
			wb_errmsg());
		reply_fallback_free(out);
		*out = (reply_fallback){0};
	}
	kv_free(&vars);
	contact_free(&c);
}

static void hold(auto_run *x, const event *ev, char *text, reply_kind kind, reply_media media)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 64;
		x->v = xrealloc(x->v, x->cap * sizeof *x->v);
	}
	char *from = ev->phone_number_id ? xstrdup(ev->phone_number_id) : NULL;
	struct held *h = &x->v[x->n++];
	*h = (struct held){xstrdup(ev->phone), text, xstrdup(ev->wamid), from, kind,
			   media.type ? xstrdup(media.type) : NULL, media.src ? xstrdup(media.src) : NULL, {0}};
	fallback_values(x->a, ev, kind, &h->fb);
}

/* One event line: a message is decided (the others need nothing). A
 * line's own failure is said with its line number and counted, and the
 * stream goes on; only a failure batch_fatal names ends it. */
static int auto_doc(batch *b, const batch_doc *d, void *ctx)
{
	auto_run *x = ctx;
	event ev = {0};
	int rc = d->text ? event_parse(d->text, d->len, &ev) : EX_DATAERR; /* NULL: a line too long */
	/* an edit or a deletion changes a message: no message of its own */
	int change = ev.type && (!strcmp(ev.type, "edit") || !strcmp(ev.type, "revoke"));
	if (!rc && ev.kind == EV_MESSAGE && !change && !(rc = batch_join(b))) {
		reply_kind kind;
		reply_media media;
		char *text;
		int again;
		rc = reply_auto_decide(x->a, &ev, &kind, &text, &media, &again);
		if (!rc && text)
			hold(x, &ev, text, kind, media);
	}
	event_free(&ev);
	if (rc && d->text)
		wb_err_prefix(rc, "%s:%ld: ", d->name, d->line);
	if (!rc || batch_fatal(rc))
		return rc;
	/* a message wb-recv has not stored is no error of the line's */
	wb_warn("%s", wb_errmsg());
	x->failed += rc != EX_FALSE;
	return 0;
}

static int auto_done(int committed, void *ctx)
{
	auto_run *x = ctx;
	int rc = 0;
	for (size_t i = 0; i < x->n; i++) {
		struct held *h = &x->v[i];
		if (committed && !rc) {
			char *key = reply_auto_key(h->wamid);
			reply_msg m = {.to = h->to, .text = h->text, .reply_to = h->wamid, .key = key, .kind = h->kind,
				       .from_number = h->from_number, .media = {h->media_type, h->media},
				       .fallback = h->fb.tmpl, .fallback_lang = h->fb.lang,
				       .fallback_params = h->fb.params, .nfallback_params = h->fb.nparams};
			rc = x->fn(&m, x->ctx);
			free(key);
		}
		reply_fallback_free(&h->fb);
		free(h->from_number);
		free(h->to);
		free(h->text);
		free(h->wamid);
		free(h->media_type);
		free(h->media);
	}
	x->n = 0;
	return rc;
}

int reply_stream(wb_db *db, in_docs *in, reply_msg_fn fn, void *ctx)
{
	auto_run x = {.fn = fn, .ctx = ctx};
	int rc = reply_auto_new(db, &x.a);
	if (rc)
		return rc;
	in_docs_lines(in, IN_LINE_MAX); /* events are JSONL: a bad line is one line */
	checkpoint_defer(db); /* a listener upstream copies the WAL, not us */
	rc = batch_run(db, in, BATCH_MAX, auto_doc, auto_done, &x);
	auto_done(0, &x);
	free(x.v);
	reply_auto_free(x.a);
	if (!rc && x.failed)
		rc = wb_err(EX_DATAERR, "%ld line%s got no answer (said above)", x.failed, x.failed == 1 ? "" : "s");
	return rc;
}
