#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "when.h"

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

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

static void message_event(const wh_item *it, json_t *ev)
{
	const char *t = it->type;
	json_t *body = json_object_get(it->raw, t);
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
		json_object_set(ev, "contacts", json_object_get(it->raw, "contacts"));
	} else if (!strcmp(t, "button")) {
		static const char *const button[] = {"text", "text", "payload", "payload", NULL};
		json_object_set_new(ev, "button", pick(body, button));
	} else if (!strcmp(t, "interactive")) {
		const char *kind = json_string_value(json_object_get(body, "type"));
		json_t *reply = kind ? json_object_get(body, kind) : NULL;
		static const char *const choice[] = {"id", "id", "title", "title", "description", "description",
						     "response_json", "response_json", NULL};
		json_t *o = pick(reply, choice);
		if (kind)
			json_object_set_new(o, "type", json_string(kind));
		json_object_set_new(ev, "interactive", o);
	} else if (!strcmp(t, "reaction")) {
		json_t *o = json_object();
		set_str(o, "to", it->reply_to);
		json_object_set_new(o, "emoji", json_string(it->text ? it->text : ""));
		json_object_set_new(ev, "reaction", o);
	} else if (strcmp(t, "text")) {
		/* a type this format does not describe: the message as received */
		json_object_set(ev, "raw", it->raw);
	}
}

/* Appends ,"key":"value" (nothing when v is NULL). */
static void put_str(sb *b, const char *key, const char *v)
{
	if (!v)
		return;
	sb_printf(b, ",\"%s\":", key);
	sb_json_string(b, v);
}

/* Appends ,"key":<value> for a jansson value. */
static void put_json(sb *b, const char *key, json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	sb_printf(b, ",\"%s\":%s", key, s ? s : "null");
	free(s);
}

/* The top level is written directly: most events are plain text messages
 * and statuses, and building a jansson object for each one is what a
 * million-event ingest would spend its time on. */
void event_render(const wh_item *it, sb *b)
{
	char ts[32];
	when_fmt_utc(it->ts, ts);
	int msg = it->kind == WH_MESSAGE;
	sb_puts(b, msg ? "{\"event\":\"message\"" : "{\"event\":\"status\"");
	put_str(b, "wamid", it->wamid);
	put_str(b, msg ? "from" : "to", it->phone);
	if (msg)
		put_str(b, "name", it->name);
	put_str(b, "ts", ts);
	put_str(b, msg ? "type" : "status", it->type);
	if (msg) {
		put_str(b, "text", it->text);
		if (strcmp(it->type, "reaction"))
			put_str(b, "reply_to", it->reply_to);
		json_t *group = json_object_get(it->raw, "group_id");
		if (json_is_string(group))
			put_str(b, "group", json_string_value(group));
		json_t *ev = json_object();
		message_event(it, ev);
		const char *key;
		json_t *v;
		json_object_foreach(ev, key, v)
			put_json(b, key, v);
		json_decref(ev);
	}
	if (it->error_code || it->error_text) {
		sb_printf(b, ",\"error\":{\"code\":%d", it->error_code);
		put_str(b, "text", it->error_text);
		sb_putc(b, '}');
	}
	sb_puts(b, "}\n");
}

static const char *get(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
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
		return wb_err(EX_DATAERR, "not a JSON object%s%s", ev->root ? "" : ": ", ev->root ? "" : e.text);
	const char *kind = get(ev->root, "event");
	if (!kind)
		return wb_err(EX_DATAERR, "no \"event\" field");
	ev->kind = !strcmp(kind, "message") ? EV_MESSAGE : !strcmp(kind, "status") ? EV_STATUS : EV_OTHER;
	if (ev->kind == EV_OTHER)
		return 0;
	ev->wamid = get(ev->root, "wamid");
	ev->phone = get(ev->root, ev->kind == EV_MESSAGE ? "from" : "to");
	ev->name = get(ev->root, "name");
	ev->type = get(ev->root, "type");
	ev->text = get(ev->root, "text");
	ev->status = get(ev->root, "status");
	const char *ts = get(ev->root, "ts");
	if (!ev->wamid || !*ev->wamid)
		return wb_err(EX_DATAERR, "no \"wamid\"");
	if (ev->kind == EV_MESSAGE && (!ev->phone || !*ev->phone))
		return wb_err(EX_DATAERR, "no \"%s\"", ev->kind == EV_MESSAGE ? "from" : "to");
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
