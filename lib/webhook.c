#include "webhook.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

/* A field's place in the document, for error messages; built only when
 * something is wrong. */
typedef struct {
	size_t entry, change, item;
	const char *list; /* "messages" or "statuses" */
} where;

static int bad(const where *w, const char *what)
{
	return wb_err(EX_DATAERR, "entry[%zu].changes[%zu].value.%s[%zu]: %s", w->entry, w->change,
		      w->list, w->item, what);
}

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The last second of year 9999: times stay four-digit years in ISO 8601. */
#define TS_MAX 253402300799LL

/* Meta sends Unix seconds as a string; a number is taken too. */
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

static int all_digits(const char *s)
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

static void first_error(json_t *errors, wh_item *it)
{
	json_t *e = json_array_get(errors, 0);
	if (!json_is_object(e))
		return;
	it->error_code = (int)json_integer_value(json_object_get(e, "code"));
	const char *details = str(json_object_get(e, "error_data"), "details");
	it->error_text = details ? details : str(e, "message") ? str(e, "message") : str(e, "title");
}

/* The type's own object gives the text, media and what it refers to. */
static void message_fields(json_t *m, wh_item *it)
{
	json_t *body = json_object_get(m, it->type);
	const char *t = it->type;
	if (!strcmp(t, "text")) {
		it->text = str(body, "body");
	} else if (!strcmp(t, "image") || !strcmp(t, "video") || !strcmp(t, "audio") ||
		   !strcmp(t, "document") || !strcmp(t, "sticker")) {
		it->media_id = str(body, "id");
		it->media_mime = str(body, "mime_type");
		it->text = str(body, "caption");
	} else if (!strcmp(t, "button")) {
		it->text = str(body, "text");
	} else if (!strcmp(t, "interactive")) {
		const char *kind = str(body, "type");
		json_t *reply = kind ? json_object_get(body, kind) : NULL;
		it->text = str(reply, "title") ? str(reply, "title") : str(reply, "body");
	} else if (!strcmp(t, "reaction")) {
		it->text = str(body, "emoji");
		it->reply_to = str(body, "message_id");
	} else if (!strcmp(t, "location")) {
		it->text = str(body, "name") ? str(body, "name") : str(body, "address");
	} else if (!strcmp(t, "contacts")) {
		json_t *c = json_array_get(json_object_get(m, "contacts"), 0);
		it->text = str(json_object_get(c, "name"), "formatted_name");
	} else if (json_is_object(body)) {
		/* types this version does not know (system, order, …) */
		it->text = str(body, "body") ? str(body, "body") : str(body, "text");
	}
	json_t *ctx = json_object_get(m, "context");
	if (!it->reply_to && str(ctx, "id"))
		it->reply_to = str(ctx, "id");
	if (json_object_get(m, "errors"))
		first_error(json_object_get(m, "errors"), it);
}

static const char *profile_name(json_t *contacts, const char *wa_id)
{
	size_t i;
	json_t *c;
	json_array_foreach(contacts, i, c) {
		const char *id = str(c, "wa_id");
		if (id && !strcmp(id, wa_id))
			return str(json_object_get(c, "profile"), "name");
	}
	return NULL;
}

/* What messages and statuses share: an object with an id, a kind
 * (type_key) and a time. */
static int read_item(json_t *o, wh_kind kind, const char *type_key, const char *phone_key,
		     const where *w, wh_batch *b, wh_item **out)
{
	if (!json_is_object(o))
		return bad(w, "not an object");
	wh_item *it = *out = push(b);
	it->kind = kind;
	it->raw = o;
	it->wamid = str(o, "id");
	it->type = str(o, type_key);
	it->phone = str(o, phone_key);
	if (!it->wamid || !*it->wamid)
		return bad(w, "no id");
	if (!it->type || !*it->type)
		return bad(w, kind == WH_MESSAGE ? "no type" : "no status");
	if (parse_ts(json_object_get(o, "timestamp"), &it->ts))
		return bad(w, "no timestamp (Unix seconds)");
	return 0;
}

static int read_message(json_t *m, json_t *contacts, const where *w, wh_batch *b)
{
	wh_item *it;
	int rc = read_item(m, WH_MESSAGE, "type", "from", w, b, &it);
	if (rc)
		return rc;
	if (!all_digits(it->phone))
		return bad(w, "\"from\" is not a WhatsApp number");
	it->name = profile_name(contacts, it->phone);
	message_fields(m, it);
	return 0;
}

static int read_status(json_t *s, const where *w, wh_batch *b)
{
	wh_item *it;
	int rc = read_item(s, WH_STATUS, "status", "recipient_id", w, b, &it);
	if (!rc)
		first_error(json_object_get(s, "errors"), it);
	return rc;
}

static int read_list(json_t *value, const char *list, where *w, wh_batch *b)
{
	json_t *a = json_object_get(value, list);
	if (!a)
		return 0;
	w->list = list;
	w->item = 0;
	if (!json_is_array(a))
		return bad(w, "not a list");
	json_t *contacts = json_object_get(value, "contacts");
	json_t *x;
	json_array_foreach(a, w->item, x) {
		int rc = *list == 'm' ? read_message(x, contacts, w, b) : read_status(x, w, b);
		if (rc)
			return rc;
	}
	return 0;
}

int webhook_parse(const char *buf, size_t len, wh_batch *b)
{
	memset(b, 0, sizeof *b);
	json_error_t e;
	b->root = json_loadb(buf, len, 0, &e);
	if (!b->root)
		return wb_err(EX_DATAERR, "not JSON (at byte %d of it): %s", e.position, e.text);
	const char *object = str(b->root, "object");
	json_t *entries = json_object_get(b->root, "entry");
	if (!object || strcmp(object, "whatsapp_business_account") || !json_is_array(entries))
		return wb_err(EX_DATAERR, "not a WhatsApp webhook (no \"object\": "
					  "\"whatsapp_business_account\" with an \"entry\" list)");
	where w = {0};
	json_t *entry;
	json_array_foreach(entries, w.entry, entry) {
		json_t *changes = json_object_get(entry, "changes");
		if (!json_is_array(changes))
			return wb_err(EX_DATAERR, "entry[%zu]: no \"changes\" list", w.entry);
		json_t *ch;
		json_array_foreach(changes, w.change, ch) {
			const char *field = str(ch, "field");
			json_t *value = json_object_get(ch, "value");
			if (field && strcmp(field, "messages"))
				continue; /* account and template updates are not ours */
			if (!json_is_object(value))
				return wb_err(EX_DATAERR, "entry[%zu].changes[%zu]: no \"value\" object",
					      w.entry, w.change);
			int rc;
			if ((rc = read_list(value, "messages", &w, b)) || (rc = read_list(value, "statuses", &w, b)))
				return rc;
		}
	}
	return 0;
}

void webhook_free(wh_batch *b)
{
	json_decref(b->root);
	free(b->v);
	memset(b, 0, sizeof *b);
}

void webhook_sign(const char *secret, const void *body, size_t len, char out[72])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	HMAC(EVP_sha256(), secret, (int)strlen(secret), body, len, mac, &n);
	memcpy(out, "sha256=", 7);
	for (unsigned i = 0; i < n && i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", mac[i]);
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
