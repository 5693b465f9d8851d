#include "send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "contact.h"
#include "err.h"
#include "in.h"
#include "media.h"
#include "phone.h"
#include "queue.h"
#include "reply.h"
#include "tmpl.h"
#include "util.h"
#include "when.h"

/* ------------------------------------------------------------ the spec */

static const char **str_array(json_t *v, size_t *n, const char *key, const char *where, int *rc)
{
	*n = 0;
	if (!v)
		return NULL;
	if (json_is_string(v)) {
		const char **a = xmalloc(sizeof *a);
		a[0] = json_string_value(v);
		*n = 1;
		return a;
	}
	if (!json_is_array(v)) {
		*rc = wb_err(EX_DATAERR, "%s: \"%s\" must be a string or an array of strings", where, key);
		return NULL;
	}
	const char **a = xcalloc(json_array_size(v) + 1, sizeof *a);
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			*rc = wb_err(EX_DATAERR, "%s: \"%s\"[%zu] is not a string", where, key, i);
			free(a);
			return NULL;
		}
		a[i] = json_string_value(e);
	}
	*n = json_array_size(v);
	return a;
}

int send_spec_from_json(json_t *o, send_spec *s, const char *where)
{
	memset(s, 0, sizeof *s);
	s->preview_url = -1;
	if (!json_is_object(o))
		return wb_err(EX_DATAERR, "%s: not a JSON object", where);
	static const struct {
		const char *key;
		size_t off;
	} strs[] = {
#define F(k, f) {k, offsetof(send_spec, f)}
		F("to", to), F("text", text), F("quick", quick), F("image", image), F("video", video),
		F("audio", audio), F("document", document), F("sticker", sticker), F("caption", caption),
		F("filename", filename), F("location", location), F("name", place), F("address", address),
		F("template", tmpl), F("lang", lang), F("header", header), F("react", react),
		F("reply_to", reply_to), F("key", key), F("at", at), F("agent", agent), F("auto", auto_kind),
#undef F
	};
	const char *key;
	json_t *v;
	int rc = 0;
	json_object_foreach(o, key, v) {
		for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
			if (strcmp(key, strs[i].key))
				continue;
			if (!json_is_string(v))
				return wb_err(EX_DATAERR, "%s: \"%s\" must be a string", where, key);
			*(const char **)((char *)s + strs[i].off) = json_string_value(v);
		}
		if (!strcmp(key, "voice") || !strcmp(key, "upload") || !strcmp(key, "force") ||
		    !strcmp(key, "preview_url")) {
			if (!json_is_boolean(v))
				return wb_err(EX_DATAERR, "%s: \"%s\" must be true or false", where, key);
			int b = json_is_true(v);
			if (!strcmp(key, "voice"))
				s->voice = b;
			else if (!strcmp(key, "upload"))
				s->upload = b;
			else if (!strcmp(key, "force"))
				s->force = b;
			else
				s->preview_url = b;
		}
	}
	s->params = str_array(json_object_get(o, "param"), &s->nparams, "param", where, &rc);
	if (!rc)
		s->buttons = str_array(json_object_get(o, "button"), &s->nbuttons, "button", where, &rc);
	if (!rc)
		s->choices = str_array(json_object_get(o, "choice"), &s->nchoices, "choice", where, &rc);
	json_t *inter = json_object_get(o, "interactive");
	if (!rc && inter && !json_is_object(inter))
		rc = wb_err(EX_DATAERR, "%s: \"interactive\" must be an object", where);
	if (!rc && inter)
		s->interactive = json_dumps(inter, JSON_COMPACT);
	if (!rc && !s->to)
		rc = wb_err(EX_DATAERR, "%s: no \"to\"", where);
	return rc;
}

void send_spec_free(send_spec *s)
{
	free(s->params);
	free(s->buttons);
	free(s->choices);
	free((char *)s->interactive);
}

int send_spec_type(const send_spec *s, int code, api_msg_type *type)
{
	const struct {
		const char *set, *name;
		api_msg_type t;
	} kinds[] = {
		{s->text ? s->text : s->quick, s->text ? "--text" : "--quick", s->nchoices ? MSG_INTERACTIVE : MSG_TEXT},
		{s->image, "--image", MSG_IMAGE}, {s->video, "--video", MSG_VIDEO},
		{s->audio, "--audio", MSG_AUDIO}, {s->document, "--document", MSG_DOCUMENT},
		{s->sticker, "--sticker", MSG_STICKER}, {s->location, "--location", MSG_LOCATION},
		{s->tmpl, "--template", MSG_TEMPLATE}, {s->interactive, "--interactive", MSG_INTERACTIVE},
		{s->react, "--react", MSG_REACTION},
	};
	const char *first = NULL;
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		if (!kinds[i].set)
			continue;
		if (first)
			return wb_err(code, "%s and %s: one message has one content", first, kinds[i].name);
		first = kinds[i].name;
		*type = kinds[i].t;
	}
	if (!first)
		return wb_err(code, "nothing to send: give --text, --quick, a medium, --location, --template, "
				    "--interactive or --react");
	if (s->text && s->quick)
		return wb_err(code, "--text and --quick: one message has one content");
	if (s->nchoices && !(s->text || s->quick))
		return wb_err(code, "--choice needs --text for the message body");
	if (s->react && !s->reply_to)
		return wb_err(code, "--react needs --reply-to, the message reacted to");
	if (s->voice && !s->audio)
		return wb_err(code, "--voice goes with --audio");
	if ((s->params || s->buttons || s->header || s->lang) && !s->tmpl)
		return wb_err(code, "--param, --button, --header and --lang go with --template");
	if ((s->caption || s->filename) && !(s->image || s->video || s->document))
		return wb_err(code, "--caption and --filename go with --image, --video or --document");
	return 0;
}

int send_read_text(const char *arg, char **out)
{
	if (arg[0] != '@') {
		*out = xstrdup(arg);
		return 0;
	}
	int rc = in_read_all(arg + 1, out);
	if (rc)
		return wb_err_prefix(rc, "--text: ");
	/* a file's last newline is not part of the message */
	size_t len = strlen(*out);
	while (len && ((*out)[len - 1] == '\n' || (*out)[len - 1] == '\r'))
		(*out)[--len] = 0;
	if (!len) {
		free(*out);
		return wb_err(EX_DATAERR, "--text %s: empty", arg);
	}
	return 0;
}

/* ------------------------------------------------------------ rules */

int send_window_open(int64_t last_in_at, int64_t now)
{
	return last_in_at > 0 && now - last_in_at < SEND_WINDOW;
}

int send_cap_parse(const char *s, long *n, int64_t *period)
{
	const char *slash = strchr(s, '/');
	char *num = slash ? xstrndup(s, (size_t)(slash - s)) : NULL;
	int bad = !num || parse_long(num, 1, 1000000, n) || when_dur_parse(slash + 1, period) || *period <= 0;
	free(num);
	return bad ? wb_err(EX_USAGE, "--cap: '%s' is not COUNT/DURATION, like 1/7d", s) : 0;
}

/* ------------------------------------------------------------ media */

static const char *media_src(const send_spec *s, api_msg_type type)
{
	switch (type) {
	case MSG_IMAGE: return s->image;
	case MSG_VIDEO: return s->video;
	case MSG_AUDIO: return s->audio;
	case MSG_DOCUMENT: return s->document;
	case MSG_STICKER: return s->sticker;
	default: return NULL;
	}
}

int send_media_resolve(api *a, const send_spec *s, api_msg_type type, int dry, send_media *m)
{
	memset(m, 0, sizeof *m);
	const char *src = media_src(s, type);
	if (!src)
		return 0;
	if (media_is_url(src) && !s->upload) {
		m->link = xstrdup(src);
		return 0;
	}
	if (media_is_url(src) && dry) {
		m->id = xasprintf("(upload of %s)", src);
		return 0;
	}
	char *fetched = NULL;
	const char *path = src;
	int rc = 0;
	if (media_is_url(src)) {
		if ((rc = media_fetch(src, &fetched)))
			return rc;
		path = fetched;
	}
	const char *mime;
	rc = media_probe(type, s->voice, path, &mime);
	if (!rc && dry)
		m->id = xasprintf("(upload of %s)", src);
	else if (!rc)
		rc = api_upload(a, path, mime, &m->id);
	if (fetched) {
		unlink(fetched);
		free(fetched);
	}
	return rc;
}

void send_media_free(send_media *m)
{
	free(m->id);
	free(m->link);
}

/* ------------------------------------------------------------ one message */

/* Everything a message says that may hold {{placeholders}}, filled. */
typedef struct {
	char *text, *caption, *filename, *place, *address, *header, *key, *at;
	char **params, **buttons;
} filled;

static int fill(const char *in, kv *vars, char **out)
{
	*out = NULL;
	return in ? tmpl_render(in, kv_lookup, vars, out) : 0;
}

static int fill_all(const send_spec *s, const char *text, kv *vars, filled *f)
{
	int rc = 0;
	f->params = xcalloc(s->nparams + 1, sizeof *f->params);
	f->buttons = xcalloc(s->nbuttons + 1, sizeof *f->buttons);
	const char *in[] = {text, s->caption, s->filename, s->place, s->address, s->header, s->key, s->at};
	char **outp[] = {&f->text, &f->caption, &f->filename, &f->place, &f->address, &f->header, &f->key, &f->at};
	for (size_t i = 0; i < sizeof in / sizeof *in && !rc; i++)
		rc = fill(in[i], vars, outp[i]);
	for (size_t i = 0; i < s->nparams && !rc; i++)
		rc = fill(s->params[i], vars, &f->params[i]);
	for (size_t i = 0; i < s->nbuttons && !rc; i++)
		rc = fill(s->buttons[i], vars, &f->buttons[i]);
	return rc;
}

static int wants_vars(const send_spec *s, const char *quick)
{
	const char *one[] = {quick ? quick : s->text, s->caption, s->filename, s->place, s->address, s->header,
			     s->key, s->at};
	for (size_t i = 0; i < sizeof one / sizeof *one; i++)
		if (one[i] && tmpl_has(one[i]))
			return 1;
	for (size_t i = 0; i < s->nparams; i++)
		if (tmpl_has(s->params[i]))
			return 1;
	for (size_t i = 0; i < s->nbuttons; i++)
		if (tmpl_has(s->buttons[i]))
			return 1;
	return 0;
}

static void filled_free(filled *f, const send_spec *s)
{
	char *all[] = {f->text, f->caption, f->filename, f->place, f->address, f->header, f->key, f->at};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		free(all[i]);
	for (size_t i = 0; f->params && i < s->nparams; i++)
		free(f->params[i]);
	for (size_t i = 0; f->buttons && i < s->nbuttons; i++)
		free(f->buttons[i]);
	free(f->params);
	free(f->buttons);
}

static int parse_location(const char *v, double *lat, double *lon)
{
	char *end;
	*lat = strtod(v, &end);
	if (end == v || *end != ',')
		goto bad;
	const char *p = end + 1;
	*lon = strtod(p, &end);
	if (end == p || *end || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180)
		goto bad;
	return 0;
bad:
	return wb_err(EX_DATAERR, "--location '%s': want LAT,LON in degrees", v);
}

/* The request body, as a compact JSON string. */
static int build(const send_spec *s, api_msg_type type, const send_media *m, const char *to, const filled *f,
		 char **payload)
{
	api_msg msg = {
		.type = type, .to = to, .reply_to = s->reply_to, .text = f->text, .preview_url = s->preview_url,
		.media_id = m->id, .link = m->link, .caption = f->caption, .filename = f->filename,
		.place = f->place, .address = f->address, .tmpl = s->tmpl, .lang = s->lang,
		.params = (const char *const *)f->params, .nparams = s->nparams,
		.buttons = (const char *const *)f->buttons, .nbuttons = s->nbuttons,
		.choices = s->choices, .nchoices = s->nchoices, .emoji = s->react,
	};
	if (type == MSG_TEXT && utf8_len(f->text) > 4096)
		return wb_err(EX_DATAERR, "%s: text is %ld characters; the limit is 4096", to, utf8_len(f->text));
	if (f->caption && utf8_len(f->caption) > 1024)
		return wb_err(EX_DATAERR, "%s: caption is over 1024 characters", to);
	if (type == MSG_LOCATION) {
		int rc = parse_location(s->location, &msg.lat, &msg.lon);
		if (rc)
			return rc;
	}
	char *kind = NULL;
	if (f->header) {
		const char *colon = strchr(f->header, ':');
		kind = colon ? xstrndup(f->header, (size_t)(colon - f->header)) : NULL;
		if (!kind || (strcmp(kind, "text") && strcmp(kind, "image") && strcmp(kind, "video") &&
			      strcmp(kind, "document"))) {
			free(kind);
			return wb_err(EX_DATAERR, "--header '%s': want text:VALUE, image:URL, video:URL or "
						  "document:URL", f->header);
		}
		msg.header_kind = kind;
		msg.header = colon + 1;
	}
	json_t *inter = NULL;
	if (s->interactive) {
		json_error_t e;
		inter = json_loads(s->interactive, 0, &e);
		if (!json_is_object(inter)) {
			json_decref(inter);
			free(kind);
			return wb_err(EX_DATAERR, "--interactive: not a JSON object (%s)", e.text);
		}
		msg.interactive = inter;
	}
	json_t *j = api_msg_json(&msg);
	json_decref(inter);
	free(kind);
	if (!j)
		return EX_DATAERR;
	*payload = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return 0;
}

static void note(send_ctx *c, int64_t id, const char *phone, const char *status, const char *error, int64_t due,
		 const char *payload)
{
	send_note n = {id, phone, status, error, due, payload};
	if (c->note)
		c->note(&n, c->ctx);
}

/* The rules that keep a message from a contact; *why set when one does. */
static int rules(send_ctx *c, const send_spec *s, api_msg_type type, const contact *ct, char **why,
		 const char **status)
{
	*why = NULL;
	if (ct->opted_out && !(c->direct && (c->force || s->force) && !s->auto_kind)) {
		*why = xstrdup(c->direct && !s->auto_kind ? "opted out (--force sends anyway)" : "opted out");
		*status = "skipped";
		return 0;
	}
	if (c->broadcast_id && c->cap_n > 0) {
		int64_t n;
		int rc = queue_broadcasts_to(c->db, ct->id, c->now - c->cap_period, c->broadcast_id, &n);
		if (rc)
			return rc;
		if (n >= c->cap_n) {
			char d[32];
			when_dur_fmt(c->cap_period, d);
			*why = xasprintf("frequency cap: %lld broadcast%s in %s", (long long)n, n == 1 ? "" : "s", d);
			*status = "skipped";
			return 0;
		}
	}
	if (type != MSG_TEMPLATE && !c->force && !s->force && !send_window_open(ct->last_in_at, c->now)) {
		if (ct->last_in_at) {
			char t[32];
			when_fmt_utc(ct->last_in_at + SEND_WINDOW, t);
			*why = xasprintf("outside the 24-hour window (closed %s); use a template", t);
		} else {
			*why = xstrdup("outside the 24-hour window (they never wrote); use a template");
		}
		*status = "refused";
	}
	return 0;
}

int send_one(send_ctx *c, const send_spec *s, api_msg_type type, const send_media *m, const char *phone,
	     const kv *row)
{
	char wa[PHONE_MAX];
	int rc = contact_resolve_phone(c->db, phone, wa);
	return rc ? rc : send_one_wa_id(c, s, type, m, wa, row);
}

int send_one_wa_id(send_ctx *c, const send_spec *s, api_msg_type type, const send_media *m, const char *wa,
		   const kv *row)
{
	int rc;
	int64_t cid;
	contact ct = {0};
	kv vars = {0};
	char *quick = NULL, *payload = NULL, *why = NULL;
	filled f = {0};
	const char *status = NULL;
	if ((rc = contact_ensure(c->db, wa, c->now, &cid)) || (rc = contact_get(c->db, wa, &ct)))
		goto out;
	if ((rc = rules(c, s, type, &ct, &why, &status)))
		goto out;
	if (why) {
		if (!strcmp(status, "refused"))
			c->refused++;
		else
			c->skipped++;
		note(c, 0, wa, status, why, 0, NULL);
		goto out;
	}
	if (s->quick && (rc = reply_quick_text(c->db, s->quick[0] == '/' ? s->quick + 1 : s->quick, &quick))) {
		if (rc == EX_FALSE)
			rc = wb_err(EX_DATAERR, "--quick %s: no such quick reply (wb-reply quick ls lists them)",
				    s->quick);
		goto out;
	}
	/* a contact's fields cost two queries: only when something asks */
	if (wants_vars(s, quick) && (rc = contact_vars(c->db, &ct, &vars)))
		goto out;
	for (size_t i = 0; row && i < row->n; i++)
		kv_set(&vars, row->k[i], row->v[i]);
	if ((rc = fill_all(s, quick ? quick : s->text, &vars, &f)))
		goto out;
	if ((rc = build(s, type, m, wa, &f, &payload)))
		goto out;
	int64_t due = 0;
	if (f.at && (rc = when_parse(f.at, c->now, c->tz, &due)))
		goto out;
	if (due <= c->now)
		due = 0; /* a time already past: at once */
	if (c->dry) {
		note(c, 0, wa, "dry-run", NULL, due, payload);
		goto out;
	}
	const char *body = type == MSG_TEMPLATE ? s->tmpl : f.text ? f.text : f.caption ? f.caption : s->react;
	queue_msg q = {
		.contact_id = cid, .type = api_type_name(type), .body = body, .media_id = m->id,
		.reply_to = s->reply_to, .payload = payload, .ts = c->now, .due_at = due,
		.agent = s->agent, .auto_kind = s->auto_kind, .idem_key = f.key, .broadcast_id = c->broadcast_id,
		.claimed_by = due ? NULL : c->claimer, .forced = c->force || s->force,
	};
	int64_t id;
	queue_added added;
	if ((rc = queue_add(c->db, &q, &id, &added)))
		goto out;
	if (added == QUEUE_DUP_KEY) {
		c->duplicates++;
		char *e = xasprintf("key '%s' was used by message %lld", f.key, (long long)id);
		note(c, id, wa, "duplicate", e, 0, NULL);
		free(e);
	} else if (added == QUEUE_DUP_BROADCAST) {
		c->duplicates++;
		note(c, 0, wa, "duplicate", "already a recipient of this broadcast", 0, NULL);
	} else if (due) {
		c->later++;
		note(c, id, wa, "queued", NULL, due, NULL);
	} else {
		c->queued_now++;
	}
out:
	if (rc)
		wb_err_prefix(rc, "%s: ", wa);
	filled_free(&f, s);
	free(quick);
	free(payload);
	free(why);
	kv_free(&vars);
	contact_free(&ct);
	return rc;
}
