#include "webhook.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsuid.h"
#include "jarena.h"
#include "jload.h"
#include "util.h"

/* ------------------------------------------------------------ the walk */

/* One step from a change's value down to an item: a member, and the
 * element of it when it is a list. */
typedef struct {
	const char *key;
	size_t index;
	int whole; /* the member itself (a list that is not one) */
} step;

#define MAX_STEPS 4 /* value.history[i].threads[j].messages[k] */

/* Where the walk is, and what every item of a change shares. */
typedef struct {
	wh_batch *b;
	json_t *entry, *change, *value, *thread;
	size_t ientry, ichange;
	const char *field, *waba_id, *phone_number_id, *display;
	int64_t entry_time;
	json_t *call_errors; /* value.errors beside calls */
	step steps[MAX_STEPS];
	int depth;
} walk;

/* The last second of year 9999: times stay four-digit years in ISO 8601. */
#define TS_MAX 253402300799LL

/* Meta sends Unix seconds as a string, or (preferences, entries) as a
 * number: both are taken. */
static int parse_ts(json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return *out >= 0 && *out <= TS_MAX ? 0 : -1;
	}
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	if (!s || !*s || strlen(s) > 12)
		return -1;
	int64_t t = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		t = t * 10 + (*s - '0');
	}
	*out = t;
	return t <= TS_MAX ? 0 : -1;
}

int webhook_phone_ok(const char *s)
{
	if (!s || !*s || strlen(s) > 15)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static wh_item *push(wh_batch *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4;
		b->v = xrealloc(b->v, b->cap * sizeof *b->v);
	}
	wh_item *it = &b->v[b->n++];
	memset(it, 0, sizeof *it);
	return it;
}

/* An item with what its change gives every item. */
static wh_item start(const walk *w, wh_kind kind, json_t *raw)
{
	return (wh_item){.kind = kind, .field = w->field, .waba_id = w->waba_id, .entry_time = w->entry_time,
			 .phone_number_id = w->phone_number_id, .raw = raw};
}

static void add(walk *w, const wh_item *it)
{
	*push(w->b) = *it;
}

/* ------------------------------------------------------------ quarantine */

/* Lists of items: a part's document keeps only the one on its path. */
static int item_list(const char *key)
{
	static const char *const lists[] = {"messages", "statuses", "message_echoes", "calls", "user_preferences",
					    "state_sync", "history", "threads", "errors", NULL};
	for (int i = 0; lists[i]; i++)
		if (!strcmp(key, lists[i]))
			return 1;
	return 0;
}

/* A copy of o narrowed to the path steps[i…]: the lists on it hold only
 * its element, the other lists of items are left out. */
static json_t *narrow(json_t *o, const step *steps, int i, int depth)
{
	if (i == depth || !json_is_object(o))
		return json_incref(o);
	json_t *n = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		if (!strcmp(k, steps[i].key))
			json_object_set_new(n, k, steps[i].whole ? json_incref(v)
				: json_pack("[o]", narrow(json_array_get(v, steps[i].index), steps, i + 1, depth)));
		else if (!item_list(k))
			json_object_set(n, k, v);
	}
	return n;
}

/* o without its member key: an entry without its changes, a change
 * without its value. */
static json_t *shell(json_t *o, const char *key)
{
	json_t *n = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
		if (strcmp(k, key))
			json_object_set(n, k, v);
	return n;
}

enum level { AT_ENTRY, AT_CHANGE, AT_ITEM };

/* The document of a bad part, and its path. */
static json_t *part_of(const walk *w, enum level at, sb *path)
{
	sb_printf(path, "entry[%zu]", w->ientry);
	json_t *entry;
	if (at == AT_ENTRY) {
		entry = json_incref(w->entry);
	} else {
		sb_printf(path, ".changes[%zu]", w->ichange);
		json_t *change = at == AT_CHANGE ? json_incref(w->change) : shell(w->change, "value");
		if (at == AT_ITEM) {
			sb_puts(path, ".value");
			for (int i = 0; i < w->depth; i++)
				sb_printf(path, w->steps[i].whole ? ".%s" : ".%s[%zu]", w->steps[i].key, w->steps[i].index);
			json_object_set_new(change, "value", narrow(w->value, w->steps, 0, w->depth));
		}
		entry = shell(w->entry, "changes");
		json_object_set_new(entry, "changes", json_pack("[o]", change));
	}
	return json_pack("{s:s,s:[o]}", "object", "whatsapp_business_account", "entry", entry);
}

/* A part that cannot be read: an item of its own. */
static void __attribute__((format(printf, 3, 4))) bad(walk *w, enum level at, const char *fmt, ...)
{
	wh_item *it = push(w->b);
	it->kind = WH_BAD;
	it->field = w->field;
	it->waba_id = w->waba_id;
	sb path = {0};
	it->part = part_of(w, at, &path);
	it->path = sb_take(&path);
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&it->reason, fmt, ap) < 0)
		it->reason = xstrdup("unreadable");
	va_end(ap);
	w->b->bad++;
}

/* The document as a whole cannot be read. */
static void bad_document(wh_batch *b, const char *reason)
{
	wh_item *it = push(b);
	it->kind = WH_BAD;
	it->path = xstrdup("");
	it->reason = xstrdup(reason);
	b->bad++;
}

/* Calls fn for each element of parent's list key, with the walk's path
 * pointing at it; a member that is not a list is a bad part. */
static void each(walk *w, json_t *parent, const char *key, void (*fn)(walk *, json_t *))
{
	json_t *a = json_object_get(parent, key);
	if (!a || w->depth == MAX_STEPS)
		return;
	step *s = &w->steps[w->depth++];
	*s = (step){key, 0, !json_is_array(a)};
	if (s->whole) {
		bad(w, AT_ITEM, "not a list");
	} else {
		json_t *o;
		json_array_foreach(a, s->index, o)
			fn(w, o);
	}
	w->depth--;
}

/* ------------------------------------------------------------ fields of items */

static void first_error(json_t *errors, wh_item *it)
{
	json_t *e = json_array_get(errors, 0);
	if (!json_is_object(e))
		return;
	it->error_code = (int)json_integer_value(json_object_get(e, "code"));
	const char *details = json_str(json_object_get(e, "error_data"), "details");
	it->error_title = json_str(e, "title");
	it->error_href = json_str(e, "href");
	it->error_text = details ? details : json_str(e, "message") ? json_str(e, "message") : it->error_title;
}

/* The id, kind and time every item has: NULL, or why it cannot be read. */
static const char *head(json_t *o, const char *type_key, wh_item *it)
{
	if (!json_is_object(o))
		return "not an object";
	it->wamid = json_str(o, "id");
	it->type = json_str(o, type_key);
	if (!it->wamid || !*it->wamid)
		return "no id";
	if (!it->type || !*it->type)
		return !strcmp(type_key, "status") ? "no status" : !strcmp(type_key, "event") ? "no event" : "no type";
	if (parse_ts(json_object_get(o, "timestamp"), &it->ts))
		return "no timestamp (Unix seconds)";
	return NULL;
}

/* Keys of o that name a user: a phone, a user ID and a parent ID. */
typedef struct {
	const char *phone, *user_id, *parent;
} user_keys;

/* Reads a user's identifiers into *phone, *user_id, *parent (set ones
 * are kept when o has none): 0, or -1 with why in buf. A present key
 * must be well formed; need: one of phone and user ID is required. */
static int user_of(json_t *o, user_keys k, const char **phone, const char **user_id, const char **parent,
		   int need, char *buf, size_t size)
{
	const char *keys[] = {k.phone, k.user_id, k.parent};
	const char **to[] = {phone, user_id, parent};
	for (int i = 0; i < 3; i++) {
		json_t *v = keys[i] ? json_object_get(o, keys[i]) : NULL;
		if (!v)
			continue;
		const char *s = json_string_value(v);
		if (!s || !(i ? bsuid_valid(s) : webhook_phone_ok(s))) {
			snprintf(buf, size, "\"%s\" is not a %s", keys[i], i ? "user ID" : "WhatsApp number");
			return -1;
		}
		*to[i] = s;
	}
	if (need && !*phone && !*user_id) {
		snprintf(buf, size, "no \"%s\" or \"%s\": nobody to keep it for", k.phone, k.user_id);
		return -1;
	}
	return 0;
}

/* The profile the change's contacts give the item's user. */
static void profile(const walk *w, wh_item *it)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(w->value, "contacts"), i, c) {
		const char *wa = json_str(c, "wa_id"), *uid = json_str(c, "user_id");
		if (!((wa && it->phone && !strcmp(wa, it->phone)) || (uid && it->user_id && !strcmp(uid, it->user_id))))
			continue;
		json_t *p = json_object_get(c, "profile");
		it->name = json_str(p, "name");
		it->username = json_str(p, "username");
		if (!it->user_id && bsuid_valid(uid))
			it->user_id = uid;
		if (!it->parent_user_id && bsuid_valid(json_str(c, "parent_user_id")))
			it->parent_user_id = json_str(c, "parent_user_id");
		return;
	}
}

static int is_media(const char *t)
{
	return !strcmp(t, "image") || !strcmp(t, "video") || !strcmp(t, "audio") || !strcmp(t, "document") ||
	       !strcmp(t, "sticker");
}

/* The text and medium of a message object of type t. */
static void content(json_t *m, const char *t, wh_item *it)
{
	json_t *body = json_object_get(m, t);
	if (!strcmp(t, "text")) {
		it->text = json_str(body, "body");
	} else if (is_media(t)) {
		it->media_id = json_str(body, "id");
		it->media_mime = json_str(body, "mime_type");
		it->text = json_str(body, "caption");
	} else if (!strcmp(t, "button")) {
		it->text = json_str(body, "text");
	} else if (!strcmp(t, "interactive")) {
		const char *kind = json_str(body, "type");
		json_t *reply = kind ? json_object_get(body, kind) : NULL;
		it->text = json_str(reply, "title") ? json_str(reply, "title")
			   : json_str(reply, "body") ? json_str(reply, "body")
						     : json_str(reply, "response");
	} else if (!strcmp(t, "reaction")) {
		it->text = json_str(body, "emoji");
		it->reply_to = json_str(body, "message_id");
	} else if (!strcmp(t, "location")) {
		it->text = json_str(body, "name") ? json_str(body, "name") : json_str(body, "address");
	} else if (!strcmp(t, "contacts")) {
		json_t *c = json_array_get(json_object_get(m, "contacts"), 0);
		it->text = json_str(json_object_get(c, "name"), "formatted_name");
	} else if (json_is_object(body)) {
		/* order, system and types this version does not know */
		it->text = json_str(body, "body") ? json_str(body, "body") : json_str(body, "text");
	}
}

/* What a message (or an echo) says: content, context, what an edit or a
 * revoke changes, errors. NULL, or why it cannot be read. */
static const char *message_fields(json_t *m, wh_item *it)
{
	const char *t = it->type;
	content(m, t, it);
	if (!strcmp(t, "edit") || !strcmp(t, "revoke")) {
		json_t *o = json_object_get(m, t);
		it->target = json_str(o, "original_message_id");
		json_t *inner = json_object_get(o, "message");
		if (json_str(inner, "type"))
			content(inner, json_str(inner, "type"), it);
		if (!it->target || !*it->target)
			return "no original_message_id";
	}
	json_t *ctx = json_object_get(m, "context");
	if (!it->reply_to && json_str(ctx, "id"))
		it->reply_to = json_str(ctx, "id");
	it->group = json_str(m, "group_id");
	first_error(json_object_get(m, "errors"), it);
	return NULL;
}

/* A message's other party (keys: from… or to…) and its fields; a part
 * that lacks them is told as bad, and 1 returned. e: the error so far. */
static int party(walk *w, json_t *o, wh_item *it, user_keys keys, const char *e)
{
	char why[128];
	if (!e && user_of(o, keys, &it->phone, &it->user_id, &it->parent_user_id, 1, why, sizeof why))
		e = why;
	if (!e)
		e = message_fields(o, it);
	if (e)
		bad(w, AT_ITEM, "%s", e);
	return e != NULL;
}

/* ------------------------------------------------------------ items */

static void read_message(walk *w, json_t *o)
{
	wh_item it = start(w, WH_MESSAGE, o);
	const char *e = head(o, "type", &it);
	json_t *th = json_object_get(w->thread, "context");
	if (!strcmp(w->field, "history")) /* the past, synced from the app */
		it.source = "history";
	if (w->thread) { /* the thread names the user */
		it.history_status = json_str(json_object_get(o, "history_context"), "status");
		it.user_id = bsuid_valid(json_str(th, "user_id")) ? json_str(th, "user_id") : NULL;
	}
	if (party(w, o, &it, (user_keys){"from", "from_user_id", "from_parent_user_id"}, e))
		return;
	profile(w, &it);
	if (w->thread && !it.username)
		it.username = json_str(th, "username");
	add(w, &it);
}

/* The business's own message, sent from the WhatsApp Business app (or
 * found in its history): to a user. */
static void read_echo(walk *w, json_t *o)
{
	wh_item it = start(w, WH_ECHO, o);
	const char *e = head(o, "type", &it);
	it.source = !strcmp(w->field, "history") ? "history" : "app";
	if (w->thread) {
		json_t *th = json_object_get(w->thread, "context");
		it.history_status = json_str(json_object_get(o, "history_context"), "status");
		it.phone = webhook_phone_ok(json_str(w->thread, "id")) ? json_str(w->thread, "id") : NULL;
		it.user_id = bsuid_valid(json_str(th, "user_id")) ? json_str(th, "user_id") : NULL;
		it.username = json_str(th, "username");
	}
	if (party(w, o, &it, (user_keys){"to", "to_user_id", "to_parent_user_id"}, e))
		return;
	const char *username = it.username;
	profile(w, &it);
	if (!it.username)
		it.username = username;
	add(w, &it);
}

/* A message in a history thread: the business's when it names a
 * recipient or comes from the business number. */
static void read_history(walk *w, json_t *o)
{
	const char *from = json_str(o, "from");
	if (json_str(o, "to") || (from && w->display && !strcmp(from, w->display)))
		read_echo(w, o);
	else
		read_message(w, o);
}

static int known_status(const char *s)
{
	static const char *const names[] = {"sent", "delivered", "read", "played", "failed", NULL};
	for (int i = 0; names[i]; i++)
		if (!strcmp(s, names[i]))
			return 1;
	return 0;
}

static void read_status(walk *w, json_t *o)
{
	wh_item it = start(w, WH_STATUS, o);
	char why[128];
	const char *e = head(o, "status", &it);
	const char *rtype = json_str(o, "recipient_type");
	int group = rtype && !strcmp(rtype, "group");
	if (!e && !known_status(it.type))
		e = "not a status wb knows (sent, delivered, read, played, failed)";
	if (!e && group) {
		it.group = json_str(o, "recipient_id");
		if (user_of(o, (user_keys){"recipient_participant_id", "recipient_participant_user_id", NULL},
			    &it.participant, &it.participant_user_id, NULL, 0, why, sizeof why))
			e = why;
	} else if (!e && user_of(o, (user_keys){"recipient_id", "recipient_user_id", "recipient_parent_user_id"},
				 &it.phone, &it.user_id, &it.parent_user_id, 0, why, sizeof why)) {
		e = why;
	}
	if (e) {
		bad(w, AT_ITEM, "%s", e);
		return;
	}
	it.callback_data = json_str(o, "biz_opaque_callback_data");
	first_error(json_object_get(o, "errors"), &it);
	profile(w, &it);
	add(w, &it);
}

/* The other side of a call under keys k into it (one is needed), unless
 * e already says why the item is bad: 0, or -1 once it is set aside. */
static int call_user(walk *w, json_t *o, user_keys k, wh_item *it, const char *e)
{
	char why[128];
	if (!e && user_of(o, k, &it->phone, &it->user_id, &it->parent_user_id, 1, why, sizeof why))
		e = why;
	if (e)
		bad(w, AT_ITEM, "%s", e);
	return e ? -1 : 0;
}

/* A call's event: the user is the caller of a call they made, else the
 * one called. */
static void read_call(walk *w, json_t *o)
{
	wh_item it = start(w, WH_CALL, o);
	const char *e = head(o, "event", &it);
	const char *dir = json_str(o, "direction"), *from = json_str(o, "from");
	int out = dir ? !strcmp(dir, "BUSINESS_INITIATED") : from && w->display && !strcmp(from, w->display);
	user_keys k = out ? (user_keys){"to", "to_user_id", "to_parent_user_id"}
			  : (user_keys){"from", "from_user_id", "from_parent_user_id"};
	if (call_user(w, o, k, &it, e))
		return;
	it.source = out ? "out" : "in";
	it.callback_data = json_str(o, "biz_opaque_callback_data");
	first_error(w->call_errors, &it);
	profile(w, &it);
	add(w, &it);
}

/* The status of a call the business made (RINGING, ACCEPTED…). */
static void read_call_status(walk *w, json_t *o)
{
	wh_item it = start(w, WH_CALL, o);
	const char *e = head(o, "status", &it);
	if (call_user(w, o, (user_keys){"recipient_id", "recipient_user_id", "recipient_parent_user_id"}, &it, e))
		return;
	it.source = "out";
	it.callback_data = json_str(o, "biz_opaque_callback_data");
	first_error(json_object_get(o, "errors"), &it);
	add(w, &it);
}

static void read_preference(walk *w, json_t *o)
{
	wh_item it = start(w, WH_PREFERENCE, o);
	char why[128];
	const char *e = NULL;
	it.type = json_str(o, "value");
	if (!json_is_object(o))
		e = "not an object";
	else if (!it.type || (strcmp(it.type, "stop") && strcmp(it.type, "resume")))
		e = "\"value\" is neither stop nor resume";
	else if (parse_ts(json_object_get(o, "timestamp"), &it.ts))
		e = "no timestamp (Unix seconds)";
	else if (user_of(o, (user_keys){"wa_id", "user_id", "parent_user_id"}, &it.phone, &it.user_id,
			 &it.parent_user_id, 1, why, sizeof why))
		e = why;
	if (e) {
		bad(w, AT_ITEM, "%s", e);
		return;
	}
	it.text = json_str(o, "category");
	profile(w, &it);
	add(w, &it);
}

/* A change of the business's address book in the app. */
static void read_address(walk *w, json_t *o)
{
	wh_item it = start(w, WH_ADDRESS, o);
	char why[128];
	const char *e = NULL, *type = json_str(o, "type");
	json_t *c = json_object_get(o, "contact");
	it.type = json_str(o, "action");
	if (!json_is_object(o)) {
		e = "not an object";
	} else if (!type || strcmp(type, "contact")) {
		it.kind = WH_CHANGE; /* state of another kind: kept whole */
		it.type = type;
		add(w, &it);
		return;
	} else if (!it.type || (strcmp(it.type, "add") && strcmp(it.type, "remove"))) {
		e = "\"action\" is neither add nor remove";
	} else if (parse_ts(json_object_get(json_object_get(o, "metadata"), "timestamp"), &it.ts)) {
		e = "no metadata.timestamp (Unix seconds)";
	} else if (user_of(c, (user_keys){"phone_number", "user_id", "parent_user_id"}, &it.phone, &it.user_id,
			   &it.parent_user_id, 1, why, sizeof why)) {
		e = why;
	}
	if (e) {
		bad(w, AT_ITEM, "%s", e);
		return;
	}
	it.name = json_str(c, "full_name") ? json_str(c, "full_name") : json_str(c, "first_name");
	it.username = json_str(c, "username");
	add(w, &it);
}

/* ------------------------------------------------------------ changes */

/* A change kept whole; event names what happened, when the value says. */
static void keep(walk *w, json_t *raw, int known)
{
	wh_item it = start(w, WH_CHANGE, raw);
	it.known = known;
	it.ts = w->entry_time;
	static const char *const events[] = {"event", "new_quality_score", "new_category", "status", NULL};
	for (int i = 0; events[i] && !it.type; i++)
		it.type = json_str(raw, events[i]);
	json_t *id = json_object_get(raw, "message_template_id");
	it.template_id = json_is_integer(id) ? json_integer_value(id) : 0;
	it.template_name = json_str(raw, "message_template_name");
	it.template_language = json_str(raw, "message_template_language");
	add(w, &it);
}

/* Errors about the account or the app, not one message: kept. */
static void value_errors(walk *w, json_t *holder)
{
	json_t *e = json_object_get(holder, "errors");
	if (!e || w->depth == MAX_STEPS)
		return;
	if (!json_is_array(e)) {
		w->steps[w->depth++] = (step){"errors", 0, 1};
		bad(w, AT_ITEM, "not a list");
		w->depth--;
		return;
	}
	wh_item it = start(w, WH_CHANGE, holder);
	it.known = 1;
	it.type = "errors";
	it.ts = w->entry_time;
	first_error(e, &it);
	add(w, &it);
}

static void field_messages(walk *w)
{
	each(w, w->value, "messages", read_message);
	each(w, w->value, "statuses", read_status);
	value_errors(w, w->value);
}

static void field_echoes(walk *w)
{
	each(w, w->value, "message_echoes", read_echo);
}

static void read_thread(walk *w, json_t *t)
{
	if (!json_is_object(t)) {
		bad(w, AT_ITEM, "not an object");
		return;
	}
	w->thread = t;
	each(w, t, "messages", read_history);
	w->thread = NULL;
}

static void read_chunk(walk *w, json_t *h)
{
	if (!json_is_object(h)) {
		bad(w, AT_ITEM, "not an object");
		return;
	}
	each(w, h, "threads", read_thread);
	value_errors(w, h);
}

static void field_history(walk *w)
{
	each(w, w->value, "history", read_chunk);
	/* media of the last 14 days come after the chunks, as messages */
	each(w, w->value, "messages", read_message);
	each(w, w->value, "message_echoes", read_echo);
}

static void field_state_sync(walk *w)
{
	each(w, w->value, "state_sync", read_address);
}

static void field_preferences(walk *w)
{
	each(w, w->value, "user_preferences", read_preference);
}

static void field_calls(walk *w)
{
	json_t *calls = json_object_get(w->value, "calls");
	w->call_errors = calls ? json_object_get(w->value, "errors") : NULL;
	each(w, w->value, "calls", read_call);
	each(w, w->value, "statuses", read_call_status);
	if (!calls)
		value_errors(w, w->value);
	w->call_errors = NULL;
}

static const struct {
	const char *field;
	void (*read)(walk *w);
} readers[] = {
	{"messages", field_messages}, {"smb_message_echoes", field_echoes}, {"history", field_history},
	{"smb_app_state_sync", field_state_sync}, {"user_preferences", field_preferences},
	{"calls", field_calls},
};

/* Fields about the account rather than a chat, which wb keeps whole. */
static int account_field(const char *field)
{
	static const char *const kept[] = {"message_template_status_update", "message_template_quality_update",
					   "template_category_update", "account_update",
					   "phone_number_quality_update", "business_username_update", NULL};
	for (int i = 0; kept[i]; i++)
		if (!strcmp(field, kept[i]))
			return 1;
	return 0;
}

static void read_change(walk *w, json_t *ch)
{
	w->change = ch;
	json_t *f = json_object_get(ch, "field");
	w->field = json_is_string(f) ? json_string_value(f) : f ? NULL : "messages"; /* old payloads had none */
	w->value = json_object_get(ch, "value");
	if (!json_is_object(ch) || !w->field) {
		bad(w, AT_CHANGE, "%s", json_is_object(ch) ? "\"field\" is not a string" : "not an object");
		return;
	}
	json_t *md = json_object_get(w->value, "metadata");
	w->phone_number_id = json_str(md, "phone_number_id");
	w->display = json_str(md, "display_phone_number");
	for (size_t i = 0; i < sizeof readers / sizeof *readers; i++) {
		if (strcmp(w->field, readers[i].field))
			continue;
		if (json_is_object(w->value))
			readers[i].read(w);
		else
			bad(w, AT_CHANGE, "no \"value\" object");
		return;
	}
	if (!w->value)
		bad(w, AT_CHANGE, "no \"value\"");
	else
		keep(w, w->value, account_field(w->field));
}

static void read_entry(walk *w, json_t *entry)
{
	w->entry = entry;
	json_t *changes = json_object_get(entry, "changes");
	if (!json_is_object(entry) || !json_is_array(changes)) {
		bad(w, AT_ENTRY, "%s", json_is_object(entry) ? "no \"changes\" list" : "not an object");
		return;
	}
	w->waba_id = json_str(entry, "id");
	if (parse_ts(json_object_get(entry, "time"), &w->entry_time))
		w->entry_time = 0;
	json_t *ch;
	json_array_foreach(changes, w->ichange, ch)
		read_change(w, ch);
}

/* A string holding NUL (\u0000, valid JSON) would be cut short by every C
 * string function after it, so each NUL becomes U+FFFD: the customer's
 * message is kept whole rather than refused for one character. */
static void unnul(json_t *v)
{
	if (json_is_string(v)) {
		size_t n = json_string_length(v);
		const char *s = json_string_value(v);
		if (strlen(s) == n)
			return;
		char *t = xmalloc(3 * n + 1), *o = t;
		for (size_t i = 0; i < n; i++)
			o = s[i] ? (*o = s[i], o + 1) : (memcpy(o, "\xEF\xBF\xBD", 3), o + 3);
		json_string_setn_nocheck(v, t, (size_t)(o - t));
		free(t);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
			unnul(x);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			unnul(x);
	}
}

/* The tree and the bad parts' documents are made in the batch's arena. */
static void parse(const char *buf, size_t len, wh_batch *b)
{
	json_error_t e;
	b->root = jload(buf, len, JSON_ALLOW_NUL, &e);
	if (b->root && memmem(buf, len, "\\u0000", 6))
		unnul(b->root);
	json_t *entries = json_object_get(b->root, "entry");
	const char *object = json_str(b->root, "object");
	if (!b->root) {
		char why[256];
		snprintf(why, sizeof why, "not JSON (at byte %d of it): %s", e.position, e.text);
		bad_document(b, why);
	} else if (!object || strcmp(object, "whatsapp_business_account") || !json_is_array(entries)) {
		bad_document(b, "not a WhatsApp webhook (no \"object\": \"whatsapp_business_account\" with an "
				"\"entry\" list)");
	} else {
		walk w = {.b = b};
		json_t *entry;
		json_array_foreach(entries, w.ientry, entry) {
			read_entry(&w, entry);
			w.waba_id = NULL;
			w.entry_time = 0;
		}
	}
}

void webhook_parse(const char *buf, size_t len, wh_batch *b)
{
	memset(b, 0, sizeof *b);
	jarena_enter(&b->arena);
	parse(buf, len, b);
	jarena_leave();
}

/* The tree and the parts, all made in the arena and holding nothing from
 * outside it, go with it: no json_decref walks them (a twelfth of the
 * reading thread's time). */
void webhook_free(wh_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].path);
		free(b->v[i].reason);
		free(b->v[i].raw_text);
		free(b->v[i].event);
	}
	jarena_free(b->arena);
	free(b->v);
	memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------ signatures */

/* An HMAC-SHA256 keyed with a secret, one per thread: HMAC() fetches the
 * algorithm and keys a new context on every call, which cost the
 * listener a tenth of its time; keyed once, a signature only re-inits. */
typedef struct {
	EVP_MAC_CTX *ctx;
	char *secret;
} keyed_mac;

static pthread_key_t mac_key;
static pthread_once_t mac_once = PTHREAD_ONCE_INIT;

static void mac_drop(void *p)
{
	keyed_mac *k = p;
	EVP_MAC_CTX_free(k->ctx);
	free(k->secret);
	free(k);
}

static void mac_key_make(void)
{
	pthread_key_create(&mac_key, mac_drop);
}

/* This thread's context keyed with secret, ready for a message; NULL
 * when OpenSSL fails. */
static EVP_MAC_CTX *mac_for(const char *secret)
{
	pthread_once(&mac_once, mac_key_make);
	keyed_mac *k = pthread_getspecific(mac_key);
	if (k && !strcmp(k->secret, secret))
		return EVP_MAC_init(k->ctx, NULL, 0, NULL) ? k->ctx : NULL; /* the same key again */
	if (!k) {
		k = xcalloc(1, sizeof *k);
		pthread_setspecific(mac_key, k);
	}
	EVP_MAC_CTX_free(k->ctx);
	free(k->secret);
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	k->ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);
	k->secret = xstrdup(secret);
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0), OSSL_PARAM_construct_end()};
	if (k->ctx && EVP_MAC_init(k->ctx, (const unsigned char *)secret, strlen(secret), params))
		return k->ctx;
	*k->secret = 0; /* keyed again next time */
	return NULL;
}

void webhook_sign(const char *secret, const void *body, size_t len, char out[72])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[EVP_MAX_MD_SIZE] = {0};
	size_t n = 0;
	EVP_MAC_CTX *ctx = mac_for(secret);
	if (ctx && EVP_MAC_update(ctx, body, len))
		EVP_MAC_final(ctx, mac, &n, sizeof mac);
	memcpy(out, "sha256=", 7);
	for (size_t i = 0; i < 32; i++) {
		out[7 + 2 * i] = hex[mac[i] >> 4];
		out[8 + 2 * i] = hex[mac[i] & 15];
	}
	out[71] = 0;
}

int webhook_signature_ok(const char *secret, const void *body, size_t len, const char *header)
{
	if (!secret || !*secret || !header || strlen(header) != 71)
		return 0;
	char want[72], got[72];
	webhook_sign(secret, body, len, want);
	/* hex digits in either case are the same signature */
	for (int i = 0; i < 72; i++)
		got[i] = (char)(header[i] >= 'A' && header[i] <= 'F' ? header[i] + 32 : header[i]);
	return CRYPTO_memcmp(want, got, 71) == 0;
}
