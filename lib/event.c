#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"
#include "when.h"

/* Copies the fields of the type's own object that an event carries,
 * renamed where the webhook's names are awkward. */
static json_t *pick(json_t *from, const char *const *names)
{
	json_t *o = json_object();
	for (int i = 0; names[i]; i += 2) {
		json_t *v = json_object_get(from, names[i]);
		if (v)
			json_object_set(o, names[i + 1], v);
	}
	return o;
}

/* A time the webhook gives in Unix seconds (a string or a number), as
 * an ISO 8601 string; NULL when there is none. */
static json_t *iso(json_t *v)
{
	int64_t t = json_is_integer(v) ? json_integer_value(v) : 0;
	if (json_is_string(v))
		t = strtoll(json_string_value(v), NULL, 10);
	if (t <= 0 || t > 253402300799LL)
		return NULL;
	char buf[32];
	when_fmt_utc(t, buf);
	return json_string(buf);
}

static void set_new(json_t *o, const char *key, json_t *v)
{
	if (v)
		json_object_set_new(o, key, v);
}

static void interactive_event(const wh_item *it, json_t *body, json_t *ev)
{
	const char *kind = json_str(body, "type");
	json_t *reply = kind ? json_object_get(body, kind) : NULL;
	static const char *const choice[] = {"id", "id", "title", "title", "description", "description",
					     "response_json", "response_json", NULL};
	json_t *o = pick(reply, choice);
	if (kind)
		json_object_set_new(o, "type", json_string(kind));
	json_object_set_new(ev, "interactive", o);
	if (kind && !strcmp(kind, "call_permission_reply")) {
		static const char *const perm[] = {"response", "response", "is_permanent", "permanent",
						   "response_source", "source", NULL};
		json_t *p = pick(reply, perm);
		set_new(p, "expires", iso(json_object_get(reply, "expiration_timestamp")));
		json_object_set_new(ev, "call_permission", p);
	}
}

/* What the message's type adds: media, a place, a choice… */
static void type_event(const wh_item *it, json_t *m, const char *t, json_t *ev)
{
	json_t *body = json_object_get(m, t);
	if (it->media_id || it->media_mime) {
		static const char *const media[] = {"id", "id", "mime_type", "mime", "sha256", "sha256",
						    "filename", "filename", "voice", "voice",
						    "animated", "animated", NULL};
		json_object_set_new(ev, "media", pick(body, media));
	} else if (!strcmp(t, "location")) {
		static const char *const loc[] = {"latitude", "lat", "longitude", "lon", "name", "name",
						  "address", "address", "url", "url", NULL};
		json_object_set_new(ev, "location", pick(body, loc));
	} else if (!strcmp(t, "contacts")) {
		json_object_set(ev, "contacts", json_object_get(m, "contacts"));
	} else if (!strcmp(t, "button")) {
		static const char *const button[] = {"text", "text", "payload", "payload", NULL};
		json_object_set_new(ev, "button", pick(body, button));
	} else if (!strcmp(t, "interactive")) {
		interactive_event(it, body, ev);
	} else if (!strcmp(t, "reaction")) {
		json_t *o = json_object();
		json_set_str(o, "to", it->reply_to);
		/* a removed reaction comes without an emoji (or an empty one) */
		json_object_set_new(o, "emoji", json_string(it->text ? it->text : ""));
		json_object_set_new(ev, "reaction", o);
	} else if (strcmp(t, "text")) {
		/* a type this format does not describe: the message as received */
		json_object_set(ev, "raw", it->raw);
	}
}

/* What a message of any type may carry beside its content. */
static void context_event(const wh_item *it, json_t *m, json_t *ev)
{
	const char *t = it->type;
	json_t *ctx = json_object_get(m, "context");
	if (json_is_true(json_object_get(ctx, "forwarded")))
		json_object_set_new(ev, "forwarded", json_true());
	if (json_is_true(json_object_get(ctx, "frequently_forwarded")))
		json_object_set_new(ev, "frequently_forwarded", json_true());
	if (strcmp(t, "reaction"))
		json_set_str(ev, "reply_to_from", json_str(ctx, "from"));
	json_t *product = json_object_get(ctx, "referred_product");
	if (json_is_object(product)) {
		static const char *const p[] = {"catalog_id", "catalog_id", "product_retailer_id", "retailer_id", NULL};
		json_object_set_new(ev, "product", pick(product, p));
	}
	json_t *referral = json_object_get(m, "referral");
	if (json_is_object(referral))
		json_object_set(ev, "referral", referral);
	if (!strcmp(t, "order") || !strcmp(t, "system"))
		json_object_set(ev, t, json_object_get(m, t));
	if (!strcmp(t, "unsupported"))
		json_set_str(ev, "unsupported", json_str(json_object_get(m, t), "type"));
	if (!strcmp(t, "edit"))
		json_set_str(ev, "edits", it->target);
	if (!strcmp(t, "revoke"))
		json_set_str(ev, "deletes", it->target);
}

/* Appends ,"key":"value" (nothing when v is NULL). */
static void put_str(sb *b, const char *key, const char *v)
{
	if (!v)
		return;
	sb_add(b, ",\"", 2); /* no printf: an event is a dozen of these */
	sb_puts(b, key);
	sb_add(b, "\":", 2);
	sb_json_string(b, v);
}

/* The event's time, "ts", in ISO 8601 UTC. */
static void put_ts(sb *b, int64_t t)
{
	char ts[32];
	when_fmt_utc(t, ts);
	put_str(b, "ts", ts);
}

/* Appends every member of o as ,"key":<value>; o is released. */
static void put_all(sb *b, json_t *o)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		sb_add(b, ",\"", 2);
		sb_puts(b, key);
		sb_add(b, "\":", 2);
		sb_json(b, v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	}
	json_decref(o);
}

static void put_error(sb *b, const wh_item *it)
{
	if (!it->error_code && !it->error_text)
		return;
	sb_printf(b, ",\"error\":{\"code\":%d", it->error_code);
	put_str(b, "text", it->error_text);
	put_str(b, "title", it->error_title);
	put_str(b, "href", it->error_href);
	sb_putc(b, '}');
}

/* The user an event is about: the phone, else the user ID. */
static const char *who(const wh_item *it)
{
	return it->phone ? it->phone : it->user_id;
}

/* Fields this format gained after its first version come after those
 * it had, in every kind of event, so lines read alike old and new. */
static void new_user_fields(const wh_item *it, sb *b)
{
	put_str(b, "user_id", it->user_id);
	put_str(b, "username", it->username);
	put_str(b, "phone_number_id", it->phone_number_id);
}

/* A message, or an echo: the head is written directly, for most events
 * are plain text messages, and building a jansson object for each is what
 * a million-event ingest would spend its time on. */
static void message_event(const wh_item *it, sb *b, int echo)
{
	put_str(b, echo ? "to" : "from", who(it));
	put_str(b, "name", it->name);
	put_ts(b, it->ts);
	put_str(b, "type", it->type);
	put_str(b, "text", it->text);
	if (strcmp(it->type, "reaction"))
		put_str(b, "reply_to", it->reply_to);
	put_str(b, "group", it->group);
	json_t *m = it->raw, *ev = json_object();
	/* an edit carries the new message inside */
	json_t *inner = json_object_get(json_object_get(m, "edit"), "message");
	if (!strcmp(it->type, "edit") && json_str(inner, "type"))
		type_event(it, inner, json_str(inner, "type"), ev);
	else
		type_event(it, m, it->type, ev);
	put_all(b, ev);
	put_error(b, it);
	new_user_fields(it, b);
	if (echo)
		put_str(b, "source", it->source);
	ev = json_object();
	context_event(it, m, ev);
	put_all(b, ev);
}

static void status_event(const wh_item *it, sb *b)
{
	put_str(b, "to", who(it) ? who(it) : it->group);
	put_ts(b, it->ts);
	put_str(b, "status", it->type);
	put_error(b, it);
	new_user_fields(it, b);
	put_str(b, "group", it->group);
	put_str(b, "participant", it->participant);
	put_str(b, "participant_user_id", it->participant_user_id);
	put_str(b, "tag", it->callback_data);
	json_t *ev = json_object();
	json_t *pricing = json_object_get(it->raw, "pricing");
	if (json_is_object(pricing)) {
		static const char *const p[] = {"billable", "billable", "pricing_model", "model", "type", "type",
						"category", "category", NULL};
		json_object_set_new(ev, "pricing", pick(pricing, p));
	}
	json_t *conv = json_object_get(it->raw, "conversation");
	if (json_is_object(conv)) {
		json_t *c = json_object();
		json_set_str(c, "id", json_str(conv, "id"));
		json_set_str(c, "origin", json_str(json_object_get(conv, "origin"), "type"));
		set_new(c, "expires", iso(json_object_get(conv, "expiration_timestamp")));
		json_object_set_new(ev, "conversation", c);
	}
	put_all(b, ev);
}

static void call_event(const wh_item *it, sb *b)
{
	int out = it->source && !strcmp(it->source, "out");
	put_str(b, "wacid", it->wamid);
	put_str(b, out ? "to" : "from", who(it));
	put_str(b, "name", it->name);
	put_ts(b, it->ts);
	put_str(b, "direction", it->source);
	/* connect, terminate… or a business call's RINGING, ACCEPTED…; a
	 * terminate says how it ended */
	const char *status = json_string_value(json_object_get(it->raw, "status"));
	const char *what = !strcmp(it->type, "terminate") && status ? status : it->type;
	char *lower = xstrdup(what);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	put_str(b, "status", lower);
	free(lower);
	new_user_fields(it, b);
	put_str(b, "tag", it->callback_data);
	json_t *ev = json_object();
	json_t *d = json_object_get(it->raw, "duration");
	if (json_is_integer(d))
		json_object_set(ev, "duration", d);
	set_new(ev, "started", iso(json_object_get(it->raw, "start_time")));
	set_new(ev, "ended", iso(json_object_get(it->raw, "end_time")));
	put_all(b, ev);
	put_error(b, it);
}

static void preference_event(const wh_item *it, sb *b)
{
	put_str(b, "from", who(it));
	put_ts(b, it->ts);
	put_str(b, "value", it->type);
	put_str(b, "category", it->text);
	new_user_fields(it, b);
}

int event_due(const wh_item *it)
{
	switch (it->kind) {
	case WH_MESSAGE:
		return !it->source; /* history is the past: nothing to act on */
	case WH_ECHO:
		return strcmp(it->source, "history") != 0;
	case WH_STATUS:
	case WH_CALL:
	case WH_PREFERENCE:
		return 1;
	default:
		return 0;
	}
}

void event_render(const wh_item *it, sb *b)
{
	static const char *const names[] = {[WH_MESSAGE] = "message", [WH_ECHO] = "echo", [WH_STATUS] = "status",
					    [WH_CALL] = "call", [WH_PREFERENCE] = "preference"};
	if (!event_due(it))
		return;
	sb_printf(b, "{\"event\":\"%s\"", names[it->kind]);
	if (it->kind != WH_CALL)
		put_str(b, "wamid", it->wamid);
	switch (it->kind) {
	case WH_MESSAGE: message_event(it, b, 0); break;
	case WH_ECHO: message_event(it, b, 1); break;
	case WH_STATUS: status_event(it, b); break;
	case WH_CALL: call_event(it, b); break;
	default: preference_event(it, b); break;
	}
	sb_puts(b, "}\n");
}

int event_parse(const char *line, size_t len, event *ev)
{
	memset(ev, 0, sizeof *ev);
	size_t i = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n'))
		i++;
	if (i == len)
		return 0;
	json_error_t e;
	ev->root = json_loadb(line, len, 0, &e);
	if (!json_is_object(ev->root))
		return wb_err(EX_DATAERR, "not a JSON object%s%s", ev->root ? "" : ": ", ev->root ? "" : json_why(&e));
	const char *kind = json_str(ev->root, "event");
	if (!kind)
		return wb_err(EX_DATAERR, "no \"event\" field");
	ev->kind = !strcmp(kind, "message") ? EV_MESSAGE : !strcmp(kind, "status") ? EV_STATUS : EV_OTHER;
	if (ev->kind == EV_OTHER)
		return 0;
	ev->wamid = json_str(ev->root, "wamid");
	ev->phone = json_str(ev->root, ev->kind == EV_MESSAGE ? "from" : "to");
	ev->name = json_str(ev->root, "name");
	ev->type = json_str(ev->root, "type");
	ev->text = json_str(ev->root, "text");
	ev->status = json_str(ev->root, "status");
	ev->user_id = json_str(ev->root, "user_id");
	ev->phone_number_id = json_str(ev->root, "phone_number_id");
	const char *ts = json_str(ev->root, "ts");
	if (!ev->wamid || !*ev->wamid)
		return wb_err(EX_DATAERR, "no \"wamid\"");
	if (ev->kind == EV_MESSAGE && (!ev->phone || !*ev->phone))
		return wb_err(EX_DATAERR, "no \"from\"");
	if (ev->kind == EV_MESSAGE && !ev->type)
		return wb_err(EX_DATAERR, "no \"type\"");
	if (!ts || when_parse(ts, 0, "UTC", &ev->ts))
		return wb_err(EX_DATAERR, "\"ts\" is not an ISO 8601 time");
	return 0;
}

void event_free(event *ev)
{
	json_decref(ev->root);
	memset(ev, 0, sizeof *ev);
}
