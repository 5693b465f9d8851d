#include "compose.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsuid.h"
#include "contact.h"
#include "err.h"
#include "in.h"
#include "limit.h"
#include "media.h"
#include "phone.h"
#include "queue.h"
#include "quick.h"
#include "send.h"
#include "template.h"
#include "tmpl.h"
#include "util.h"
#include "when.h"

/* ------------------------------------------------------------ the spec */

static const char **str_array(json_t *v, size_t *n, const char *key, const char *where, int *rc)
{
	*n = 0;
	if (!v || json_is_null(v))
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

/* The keys of a JSONL message: wb-send's long option names, with the
 * field each fills and its kind: a string, a boolean, or one that
 * compose_spec_from_json reads itself (param, button, choice,
 * interactive, fallback_param). */
enum { KEY_STR, KEY_BOOL, KEY_OTHER };
#define S(k, f) {k, offsetof(compose_spec, f), KEY_STR}
#define B(k, f) {k, offsetof(compose_spec, f), KEY_BOOL}
#define O(k) {k, 0, KEY_OTHER}
static const struct {
	const char *key;
	size_t off;
	int kind;
} spec_keys[] = {
	S("to", to), S("text", text), S("quick", quick), S("image", image), S("video", video),
	S("audio", audio), S("document", document), S("sticker", sticker), S("caption", caption),
	S("filename", filename), S("location", location), S("name", place), S("address", address),
	S("template", tmpl), S("lang", lang), S("header", header), S("react", react),
	S("reply_to", reply_to), S("key", key), S("at", at), S("agent", agent), S("auto", auto_kind),
	S("kind", kind), S("tag", tag), S("from_number", from_number), B("voice", voice), B("upload", upload), B("force", force),
	B("preview_url", preview_url), B("rendered", rendered), B("now_if_past", now_if_past), B("skip_closed", skip_closed), O("param"),
	O("button"), O("choice"), O("interactive"), S("buttons", reply_buttons), S("list", list),
	S("footer", footer), O("row"), O("section"),
	S("fallback_template", fallback), S("fallback_lang", fallback_lang), O("fallback_param"),
};
#undef S
#undef B
#undef O

/* One member of a line into s. A key no option names is an error, not
 * ignored: a misspelt "ky" must not send a message without its key. */
static int spec_member(compose_spec *s, const char *key, json_t *v, const char *where)
{
	for (size_t i = 0; i < sizeof spec_keys / sizeof *spec_keys; i++) {
		if (strcmp(key, spec_keys[i].key))
			continue;
		if (json_is_null(v)) /* a column the writer had no value for */
			return 0;
		void *field = (char *)s + spec_keys[i].off;
		if (spec_keys[i].kind == KEY_STR && !json_is_string(v))
			return wb_err(EX_DATAERR, "%s: \"%s\" must be a string", where, key);
		if (spec_keys[i].kind == KEY_BOOL && !json_is_boolean(v))
			return wb_err(EX_DATAERR, "%s: \"%s\" must be true or false", where, key);
		if (spec_keys[i].kind == KEY_STR)
			*(const char **)field = json_string_value(v);
		else if (spec_keys[i].kind == KEY_BOOL)
			*(int *)field = json_is_true(v);
		return 0;
	}
	return wb_err(EX_DATAERR, "%s: unknown key \"%s\" (a line's keys are wb-send's long options)", where, key);
}

/* The members that hold arrays of strings. */
static int spec_arrays(json_t *o, compose_spec *s, const char *where)
{
	int rc = 0;
	s->params = str_array(json_object_get(o, "param"), &s->nparams, "param", where, &rc);
	if (!rc)
		s->buttons = str_array(json_object_get(o, "button"), &s->nbuttons, "button", where, &rc);
	if (!rc)
		s->choices = str_array(json_object_get(o, "choice"), &s->nchoices, "choice", where, &rc);
	if (!rc)
		s->fallback_params = str_array(json_object_get(o, "fallback_param"), &s->nfallback_params,
					       "fallback_param", where, &rc);
	if (!rc)
		s->rows = str_array(json_object_get(o, "row"), &s->nrows, "row", where, &rc);
	json_t *sec = json_object_get(o, "section");
	if (!rc && sec && !json_is_null(sec) && !json_is_string(sec))
		rc = wb_err(EX_DATAERR, "%s: \"section\" must be a string", where);
	/* a line's rows are in one section: its "section" */
	s->row_sections = xcalloc(s->nrows + 1, sizeof *s->row_sections);
	for (size_t i = 0; sec && i < s->nrows; i++)
		s->row_sections[i] = json_string_value(sec);
	return rc;
}

int compose_spec_from_json(json_t *o, compose_spec *s, const char *where)
{
	memset(s, 0, sizeof *s);
	s->preview_url = -1;
	if (!json_is_object(o))
		return wb_err(EX_DATAERR, "%s: not a JSON object", where);
	const char *key;
	json_t *v;
	int rc = 0;
	json_object_foreach(o, key, v) {
		if ((rc = spec_member(s, key, v, where)))
			return rc;
	}
	rc = spec_arrays(o, s, where);
	json_t *inter = json_object_get(o, "interactive");
	if (!rc && inter && !json_is_object(inter))
		rc = wb_err(EX_DATAERR, "%s: \"interactive\" must be an object", where);
	if (!rc && inter)
		s->interactive = json_dumps(inter, JSON_COMPACT);
	if (!rc && !s->to)
		rc = wb_err(EX_DATAERR, "%s: no \"to\"", where);
	return rc;
}

void compose_spec_free(compose_spec *s)
{
	free(s->params);
	free(s->buttons);
	free(s->choices);
	free(s->rows);
	free(s->row_sections);
	free(s->fallback_params);
	free((char *)s->interactive);
}

/* ------------------------------------------------------------ interactive */

/* Meta's limits, in characters (interactive reply buttons and list
 * messages). */
enum {
	LIM_BODY = API_BODY_MAX, LIM_HEADER = 60, LIM_FOOTER = 60, LIM_BUTTONS = 3, LIM_BUTTON_TITLE = 20,
	LIM_BUTTON_ID = 256, LIM_LIST_BUTTON = 20, LIM_ROWS = 10, LIM_ROW_TITLE = 24, LIM_ROW_ID = 200,
	LIM_ROW_DESC = 72, LIM_SECTION = 24,
};

static int over(int code, const char *opt, const char *arg, const char *what, const char *v, long max)
{
	long n = v ? utf8_len(v) : 0;
	/* (jansson would leave a value that is not UTF-8 out of the request) */
	if (n < 0)
		return wb_err(code, "%s '%s': %s is not valid UTF-8", opt, arg, what);
	return n > max ? wb_err(code, "%s '%s': %s is %ld characters; Meta's limit is %ld", opt, arg, what, n, max)
		       : 0;
}

/* "id:title" or a bare title, its own id */
static json_t *button(const char *item, int code, int *rc)
{
	const char *colon = strchr(item, ':');
	char *id = colon ? xstrndup(item, (size_t)(colon - item)) : xstrdup(item);
	const char *title = colon ? colon + 1 : item;
	json_t *b = NULL;
	if (!*id || !*title)
		*rc = wb_err(code, "--buttons '%s': want TITLE or ID:TITLE", item);
	else if (!(*rc = over(code, "--buttons", item, "the title", title, LIM_BUTTON_TITLE)))
		*rc = over(code, "--buttons", item, "the id", id, LIM_BUTTON_ID);
	if (!*rc)
		b = json_pack("{s:s,s:{s:s,s:s}}", "type", "reply", "reply", "id", id, "title", title);
	free(id);
	return b;
}

static json_t *buttons_action(const char *spec, int code)
{
	json_t *bs = json_array();
	char *all = xstrdup(spec), *save = NULL;
	int rc = 0;
	for (char *it = strtok_r(all, "|", &save); it && !rc; it = strtok_r(NULL, "|", &save)) {
		json_t *b = button(it, code, &rc);
		if (b)
			json_array_append_new(bs, b);
	}
	free(all);
	if (!rc && (json_array_size(bs) < 1 || json_array_size(bs) > LIM_BUTTONS))
		rc = wb_err(code, "--buttons '%s': %zu buttons; Meta allows 1 to %d", spec, json_array_size(bs),
			    LIM_BUTTONS);
	if (rc) {
		json_decref(bs);
		return NULL;
	}
	return json_pack("{s:o}", "buttons", bs);
}

/* "id:title[:description]" */
static json_t *list_row(const char *item, int code)
{
	const char *c1 = strchr(item, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || c1 == item || c1[1] == 0 || c2 == c1 + 1) {
		wb_err(code, "--row '%s': want ID:TITLE[:DESCRIPTION]", item);
		return NULL;
	}
	char *id = xstrndup(item, (size_t)(c1 - item));
	char *title = c2 ? xstrndup(c1 + 1, (size_t)(c2 - c1 - 1)) : xstrdup(c1 + 1);
	const char *desc = c2 ? c2 + 1 : NULL;
	json_t *r = NULL;
	if (!over(code, "--row", item, "the id", id, LIM_ROW_ID) &&
	    !over(code, "--row", item, "the title", title, LIM_ROW_TITLE) &&
	    !over(code, "--row", item, "the description", desc, LIM_ROW_DESC)) {
		r = json_pack("{s:s,s:s}", "id", id, "title", title);
		if (desc && *desc)
			json_object_set_new(r, "description", json_string(desc));
	}
	free(id);
	free(title);
	return r;
}

/* Rows in the order given; a new section starts where the section
 * beside a row changes. */
static json_t *list_action(const compose_spec *s, int code)
{
	if (over(code, "--list", s->list, "the button text", s->list, LIM_LIST_BUTTON))
		return NULL;
	if (s->nrows < 1 || s->nrows > LIM_ROWS) {
		wb_err(code, "--list '%s': %zu rows; Meta allows 1 to %d in all", s->list, s->nrows, LIM_ROWS);
		return NULL;
	}
	json_t *sections = json_array(), *rows = NULL;
	for (size_t i = 0; i < s->nrows; i++) {
		const char *sec = s->row_sections ? s->row_sections[i] : NULL;
		const char *prev = i && s->row_sections ? s->row_sections[i - 1] : NULL;
		if (!rows || (sec != prev && (!sec || !prev || strcmp(sec, prev)))) {
			if (over(code, "--section", sec, "the title", sec, LIM_SECTION))
				goto bad;
			json_t *o = json_object();
			if (sec)
				json_object_set_new(o, "title", json_string(sec));
			json_object_set_new(o, "rows", rows = json_array());
			json_array_append_new(sections, o);
		}
		json_t *r = list_row(s->rows[i], code);
		if (!r)
			goto bad;
		json_array_append_new(rows, r);
	}
	if (json_array_size(sections) > 1)
		for (size_t i = 0; i < json_array_size(sections); i++)
			if (!json_object_get(json_array_get(sections, i), "title")) {
				wb_err(code, "--section: a list of several sections needs a title on each");
				goto bad;
			}
	return json_pack("{s:s,s:o}", "button", s->list, "sections", sections);
bad:
	json_decref(sections);
	return NULL;
}

json_t *compose_interactive(const compose_spec *s, const char *text, const char *header, int code)
{
	if (over(code, "--text", "…", "the body", text, LIM_BODY))
		return NULL;
	/* --header takes text:VALUE for templates; a bare text here */
	if (header && !strncmp(header, "text:", 5))
		header += 5;
	if (over(code, "--header", header, "the header", header, LIM_HEADER) ||
	    over(code, "--footer", s->footer, "the footer", s->footer, LIM_FOOTER))
		return NULL;
	json_t *action = s->reply_buttons ? buttons_action(s->reply_buttons, code) : list_action(s, code);
	if (!action)
		return NULL;
	json_t *o = json_pack("{s:s,s:{s:s},s:o}", "type", s->reply_buttons ? "button" : "list", "body", "text",
			      text ? text : "", "action", action);
	if (header && *header)
		json_object_set_new(o, "header", json_pack("{s:s,s:s}", "type", "text", "text", header));
	if (s->footer)
		json_object_set_new(o, "footer", json_pack("{s:s}", "text", s->footer));
	return o;
}

static int interactive_type(const compose_spec *s, int code);

int compose_spec_type(const compose_spec *s, int code, api_msg_type *type)
{
	const struct {
		const char *set, *name;
		api_msg_type t;
	} kinds[] = {
		{s->text ? s->text : s->quick, s->text ? "--text" : "--quick",
		 s->nchoices || s->reply_buttons || s->list ? MSG_INTERACTIVE : MSG_TEXT},
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
	int rc = interactive_type(s, code);
	if (rc)
		return rc;
	if (s->react && !s->reply_to)
		return wb_err(code, "--react needs --reply-to, the message reacted to");
	if (s->voice && !s->audio)
		return wb_err(code, "--voice goes with --audio");
	if ((s->params || s->buttons || (s->header && !s->reply_buttons && !s->list) || s->lang) && !s->tmpl)
		return wb_err(code, "--param, --button, --header and --lang go with --template");
	if ((s->fallback_params || s->fallback_lang) && !s->fallback)
		return wb_err(code, "--fallback-param and --fallback-lang go with --fallback-template");
	if (s->fallback && (s->tmpl || s->react))
		return wb_err(code, "--fallback-template is for free-form messages, which the window can stop");
	if ((s->caption || s->filename) && !(s->image || s->video || s->document))
		return wb_err(code, "--caption and --filename go with --image, --video or --document");
	/* it goes into the request's URL */
	if (s->from_number && (!*s->from_number || strlen(s->from_number) > 32 ||
			       strspn(s->from_number, "0123456789") != strlen(s->from_number)))
		return wb_err(code, "--from-number '%s': a phone number ID, digits", s->from_number);
	for (int i = 0; s->kind && send_category_names[i]; i++)
		if (!strcmp(s->kind, send_category_names[i]))
			return 0;
	return s->kind ? wb_err(code, "--kind: '%s' is not one of marketing, utility", s->kind) : 0;
}

/* --buttons, --list and what goes with them, checked against Meta's
 * limits before anything is sent (the body text is checked once filled). */
static int interactive_type(const compose_spec *s, int code)
{
	if ((s->nrows || s->footer) && !s->list && !s->reply_buttons)
		return wb_err(code, "--row goes with --list, --footer with --buttons or --list");
	if (!s->reply_buttons && !s->list)
		return 0;
	if (s->reply_buttons && (s->list || s->nrows))
		return wb_err(code, "--buttons and --list: one message has one kind of choice");
	if (s->nchoices || !s->text || s->quick)
		return wb_err(code, "%s needs --text for the message body (and no --choice or --quick)",
			      s->list ? "--list" : "--buttons");
	json_t *o = compose_interactive(s, NULL, s->header, code);
	json_decref(o);
	return o ? 0 : code;
}

int compose_read_text(const char *arg, char **out)
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

/* ------------------------------------------------------------ media */

static const char *media_src(const compose_spec *s, api_msg_type type)
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

int compose_media_resolve(api *a, const compose_spec *s, api_msg_type type, int dry, compose_media *m)
{
	memset(m, 0, sizeof *m);
	const char *src = media_src(s, type);
	if (!src)
		return 0;
	/* digits that name no file: a medium uploaded before (a quick reply's) */
	if (*src && strspn(src, "0123456789") == strlen(src) && access(src, F_OK)) {
		m->id = xstrdup(src);
		return 0;
	}
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

void compose_media_free(compose_media *m)
{
	free(m->id);
	free(m->link);
}

/* ------------------------------------------------------------ one message */

/* Everything a message says that may hold {{placeholders}}, filled. */
typedef struct {
	char *text, *caption, *filename, *place, *address, *header, *key, *at, *tag;
	char **params, **buttons;
} filled;

/* A rendered message is final: its {{…}} are text (a customer's name
 * that looks like a placeholder is not one). */
static int fill(const char *in, kv *vars, int rendered, char **out)
{
	*out = NULL;
	if (in && rendered)
		*out = xstrdup(in);
	return in && !rendered ? tmpl_render(in, kv_lookup, vars, out) : 0;
}

/* Text that is not UTF-8 (a byte from argv, a file or a CSV cell) cannot
 * go into a JSON request: jansson would leave the field out, and Meta
 * answer that it is missing after the row is queued. */
static int utf8_check(const char *v, const char *opt, size_t i)
{
	if (!v || utf8_len(v) >= 0)
		return 0;
	return i ? wb_err(EX_DATAERR, "%s %zu: not valid UTF-8", opt, i) : wb_err(EX_DATAERR, "%s: not valid UTF-8", opt);
}

static int fill_all(const compose_spec *s, const char *text, kv *vars, filled *f)
{
	int rc = 0;
	f->params = xcalloc(s->nparams + 1, sizeof *f->params);
	f->buttons = xcalloc(s->nbuttons + 1, sizeof *f->buttons);
	const char *in[] = {text, s->caption, s->filename, s->place, s->address, s->header, s->key, s->at, s->tag};
	char **outp[] = {&f->text, &f->caption, &f->filename, &f->place, &f->address, &f->header, &f->key, &f->at,
			 &f->tag};
	static const char *const names[] = {"--text", "--caption", "--filename", "--name", "--address",
					    "--header", "--key", "--at", "--tag"};
	for (size_t i = 0; i < sizeof in / sizeof *in && !rc; i++)
		if (!(rc = fill(in[i], vars, s->rendered, outp[i])))
			rc = utf8_check(*outp[i], names[i], 0);
	for (size_t i = 0; i < s->nparams && !rc; i++)
		if (!(rc = fill(s->params[i], vars, s->rendered, &f->params[i])))
			rc = utf8_check(f->params[i], "--param", i + 1);
	for (size_t i = 0; i < s->nbuttons && !rc; i++)
		if (!(rc = fill(s->buttons[i], vars, s->rendered, &f->buttons[i])))
			rc = utf8_check(f->buttons[i], "--button", i + 1);
	if (!rc && !(rc = utf8_check(s->reply_to, "--reply-to", 0)))
		rc = utf8_check(s->react, "--react", 0);
	return rc;
}

static int wants_vars(const compose_spec *s, const char *quick)
{
	if (s->rendered)
		return 0;
	const char *one[] = {quick ? quick : s->text, s->caption, s->filename, s->place, s->address, s->header,
			     s->key, s->at, s->tag};
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

static void filled_free(filled *f, const compose_spec *s)
{
	char *all[] = {f->text, f->caption, f->filename, f->place, f->address, f->header, f->key, f->at, f->tag};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		free(all[i]);
	for (size_t i = 0; f->params && i < s->nparams; i++)
		free(f->params[i]);
	for (size_t i = 0; f->buttons && i < s->nbuttons; i++)
		free(f->buttons[i]);
	free(f->params);
	free(f->buttons);
}

/* A decimal number as JSON writes one: [-]digits[.digits][e[+-]digits]. */
static int decimal(const char *s)
{
	static const char digits[] = "0123456789";
	const char *p = s + (*s == '-');
	size_t n = strspn(p, digits);
	if (!n)
		return 0;
	p += n;
	if (*p == '.') {
		if (!(n = strspn(++p, digits)))
			return 0;
		p += n;
	}
	if (*p == 'e' || *p == 'E') {
		p += 1 + (p[1] == '+' || p[1] == '-');
		if (!(n = strspn(p, digits)))
			return 0;
		p += n;
	}
	return !*p;
}

/* A number as the user wrote it, without the spaces around it or a
 * leading '+', which JSON does not allow. */
static char *number_text(char *s)
{
	strtrim(s);
	if (*s == '+')
		memmove(s, s + 1, strlen(s));
	return s;
}

/* "LAT,LON": two decimal numbers in range, kept as written (*lat and
 * *lon malloc'd, without the spaces around them) so the request
 * carries the user's digits. */
static int parse_location(const char *v, char **lat, char **lon)
{
	const char *comma = strchr(v, ',');
	if (comma) {
		*lat = number_text(xstrndup(v, (size_t)(comma - v)));
		*lon = number_text(xstrdup(comma + 1));
		if (decimal(*lat) && decimal(*lon) && fabs(strtod(*lat, NULL)) <= 90 && fabs(strtod(*lon, NULL)) <= 180)
			return 0;
	}
	return wb_err(EX_DATAERR, "--location '%s': want LAT,LON in degrees", v);
}

/* ------------------------------------------------------------ templates */

/* What this run knows of the templates it sends, each looked up once. */
struct compose_templates {
	struct compose_templates *next;
	char *name, *lang;
	template_info info;
	int warned;
};

void compose_ctx_free(compose_ctx *c)
{
	while (c->templates) {
		struct compose_templates *t = c->templates;
		c->templates = t->next;
		template_info_free(&t->info);
		free(t->name);
		free(t->lang);
		free(t);
	}
}

static int known_template(compose_ctx *c, const char *name, const char *lang, struct compose_templates **out)
{
	for (*out = c->templates; *out; *out = (*out)->next)
		if (!strcmp((*out)->name, name) && !strcmp((*out)->lang, lang))
			return 0;
	struct compose_templates *t = xcalloc(1, sizeof *t);
	int rc = template_info_get(c->db, name, lang, &t->info);
	if (rc) {
		free(t);
		return rc;
	}
	t->name = xstrdup(name);
	t->lang = xstrdup(lang);
	t->next = c->templates;
	*out = c->templates = t;
	return 0;
}

int compose_kind(compose_ctx *c, const compose_spec *s, send_category *kind)
{
	if (s->kind) {
		*kind = strcmp(s->kind, "marketing") ? SEND_UTILITY : SEND_MARKETING;
		return 0;
	}
	struct compose_templates *t = NULL;
	int rc = s->tmpl ? known_template(c, s->tmpl, s->lang ? s->lang : "en_US", &t) : 0;
	*kind = send_category_default(c->segment, t ? t->info.category : NULL);
	return rc;
}

int compose_cap_check(compose_ctx *c, const compose_spec *s)
{
	send_category kind;
	int rc = c->cap_n > 0 ? compose_kind(c, s, &kind) : 0;
	if (!rc && c->cap_n > 0 && kind != SEND_MARKETING)
		rc = wb_err(EX_USAGE, "--cap limits marketing sends; this one is utility (%s)",
			    s->kind ? "as --kind says" : "--kind marketing makes it marketing");
	return rc;
}

/* What wb knows of the template decides: refused when the templates
 * were synced and it is not among them, gone, or not approved; checked
 * against its definition when wb has one (*d), else sent as given with
 * a warning, once. */
static tverdict template_known(struct compose_templates *t, const char *tz, const tdef **d)
{
	const template_info *i = &t->info;
	tverdict v = {TC_OK, ""};
	*d = NULL;
	if (!i->found && i->synced) {
		v.rule = TC_STATUS;
		snprintf(v.why, sizeof v.why, "not among the synced templates%s%s%s (wb-template sync; --no-check "
					      "sends it as it is)", i->langs ? " (it has " : "", i->langs ? i->langs : "",
			 i->langs ? ")" : "");
	} else if (i->found && i->gone_at) {
		char when[40];
		when_fmt_human(i->gone_at, tz, when);
		v.rule = TC_STATUS;
		snprintf(v.why, sizeof v.why, "%s since %s", i->status && !strcmp(i->status, "DELETED") ? "deleted"
			 : "no longer listed by the Cloud API", when);
	} else if (i->found && (v = tcheck_status(i->status)).rule) {
		return v;
	} else if (i->has_def) {
		*d = &i->def;
	} else if (!t->warned++) {
		wb_warn("template %s (%s): not checked: %s", t->name, t->lang,
			i->found ? "only its status is known (wb-template sync reads the rest)"
				 : "no templates are synced (wb-template sync)");
	}
	return v;
}

/* A template message's values, checked against what wb knows of the
 * template and bound to its components in b; *why says what refused it. */
static int check_template(compose_ctx *c, const compose_spec *s, const filled *f, tbound *b, char **why)
{
	const char *lang = s->lang ? s->lang : "en_US";
	const tdef *d = NULL;
	tverdict v = {TC_OK, ""};
	struct compose_templates *t;
	if (!c->no_check) {
		int rc = known_template(c, s->tmpl, lang, &t);
		if (rc)
			return rc;
		v = template_known(t, c->tz, &d);
	}
	tgiven g = {f->header, (const char *const *)f->params, s->nparams, (const char *const *)f->buttons,
		    s->nbuttons, c->no_check};
	if (!v.rule)
		v = tcheck_bind(d, &g, b);
	if (v.rule)
		*why = xasprintf("template %s (%s): %s", s->tmpl, lang, v.why);
	return 0;
}

/* The message a closed window turns s into: its fallback template, with
 * the fallback's values, to the same recipient, under the same key. */
static void fallback_spec(const compose_spec *s, compose_spec *fb)
{
	*fb = (compose_spec){
		.to = s->to, .tmpl = s->fallback, .lang = s->fallback_lang, .params = s->fallback_params,
		.nparams = s->nfallback_params, .preview_url = -1, .reply_to = s->reply_to, .key = s->key,
		.at = s->at, .agent = s->agent, .auto_kind = s->auto_kind, .force = s->force, .tag = s->tag,
		.from_number = s->from_number, .rendered = s->rendered,
	};
}

/* What a message's options hold as text and the body needs read: the
 * location's numbers, the interactive object (a template's header is
 * among its bound components). */
typedef struct {
	char *lat, *lon;
	json_t *inter;
} parts;

static void parts_free(parts *p)
{
	free(p->lat);
	free(p->lon);
	json_decref(p->inter);
}

static int read_parts(const compose_spec *s, api_msg_type type, const filled *f, api_msg *msg, parts *p)
{
	int rc;
	if (type == MSG_LOCATION && (rc = parse_location(s->location, &p->lat, &p->lon)))
		return rc;
	msg->lat = p->lat;
	msg->lon = p->lon;
	if (s->reply_buttons || s->list) {
		if (!(p->inter = compose_interactive(s, f->text, f->header, EX_DATAERR)))
			return EX_DATAERR;
		msg->interactive = p->inter;
	} else if (s->interactive) {
		json_error_t e;
		p->inter = json_loads(s->interactive, 0, &e);
		if (!json_is_object(p->inter))
			return wb_err(EX_DATAERR, "--interactive: not a JSON object (%s)", json_why(&e));
		msg->interactive = p->inter;
	}
	return 0;
}

/* The request body, as a compact JSON string: to the contact's phone, or
 * its user ID when it has none; a template's values are b's, bound by
 * check_template. */
static int build(const compose_spec *s, api_msg_type type, const compose_media *m, const contact *ct,
		 const filled *f, const tbound *b, char **payload)
{
	api_msg msg = {
		.type = type, .to = *ct->wa_id ? ct->wa_id : NULL, .recipient = ct->user_id, .reply_to = s->reply_to,
		.text = f->text, .preview_url = s->preview_url, .media_id = m->id, .link = m->link,
		.caption = f->caption, .filename = f->filename, .voice = s->voice, .place = f->place,
		.address = f->address, .tmpl = s->tmpl, .lang = s->lang, .tcomps = b->comps, .ntcomps = b->ncomps,
		.choices = s->choices, .nchoices = s->nchoices, .emoji = s->react, .tag = f->tag,
	};
	/* (compose_one_wa_id names the recipient in these messages) */
	if (f->tag && utf8_len(f->tag) > API_TAG_MAX)
		return wb_err(EX_DATAERR, "--tag is %ld characters; Meta takes %d at most", utf8_len(f->tag),
			      API_TAG_MAX);
	if (type == MSG_TEXT && utf8_len(f->text) > API_TEXT_MAX)
		return wb_err(EX_DATAERR, "text is %ld characters; the limit is %d", utf8_len(f->text), API_TEXT_MAX);
	if (f->caption && utf8_len(f->caption) > 1024)
		return wb_err(EX_DATAERR, "caption is over 1024 characters");
	parts p = {0};
	int rc = read_parts(s, type, f, &msg, &p);
	if (!rc && !(*payload = api_msg_body(&msg)))
		rc = wb_err(EX_DATAERR, "the message cannot be written as a request");
	parts_free(&p);
	return rc;
}

const char *compose_outcome_name(compose_outcome o)
{
	static const char *const names[] = {
		[COMPOSED_QUEUED] = "queued", [COMPOSED_DUPLICATE] = "duplicate", [COMPOSED_SKIPPED] = "skipped",
		[COMPOSED_REFUSED] = "refused", [COMPOSED_DRY_RUN] = "dry-run", [COMPOSED_FALLBACK] = "fallback",
	};
	return (unsigned)o < sizeof names / sizeof *names ? names[o] : "?";
}

static void note(compose_ctx *c, int64_t id, const contact *ct, compose_outcome outcome, const char *error,
		 int64_t due, const char *payload, const char *tmpl, const char *tag)
{
	compose_note n = {id, *ct->wa_id ? ct->wa_id : NULL, *ct->user_id ? ct->user_id : NULL, outcome, error,
			  due, payload, tmpl, tag};
	if (c->note)
		c->note(&n, c->ctx);
}

/* What the rules say about this message to this contact. */
static int judge(compose_ctx *c, const compose_spec *s, api_msg_type type, const contact *ct, send_verdict *v)
{
	send_facts f = {
		.now = c->now, .last_in = ct->last_in_at, .kind = type == MSG_TEMPLATE ? SEND_TEMPLATE : SEND_FREE_FORM,
		.opted_out = ct->opted_out, .marketing_opted_out = ct->marketing_stop, .forced = c->force || s->force,
		.direct = c->direct, .automatic = s->auto_kind != NULL,
		.fallback = s->fallback != NULL, .skip_closed = s->skip_closed, .tz = c->tz,
	};
	int rc = compose_kind(c, s, &f.category);
	/* the cap counts this contact's other marketing: for a real broadcast only */
	if (!rc && c->broadcast_id && c->cap_n > 0 && f.category == SEND_MARKETING) {
		f.cap = c->cap_n;
		f.cap_period = c->cap_period;
		rc = queue_marketing_to(c->db, ct->id, c->now - c->cap_period, c->broadcast_id, &f.cap_count);
	}
	if (!rc)
		*v = send_decide(&f);
	return rc;
}

/* One recipient's message with its placeholders filled: the request
 * body, and when it is due (0: now). */
typedef struct {
	filled f;
	tbound bound;  /* a template's values, bound to its components */
	char *refused; /* why a check refused it (malloc'd), or NULL */
	char *payload;
	int64_t due;
} composed;

static void composed_free(composed *m, const compose_spec *s)
{
	filled_free(&m->f, s);
	tbound_free(&m->bound);
	free(m->refused);
	free(m->payload);
}

/* The quick reply --quick names. */
static int quick_of(wb_db *db, const compose_spec *s, quick_content *q)
{
	int rc = quick_get(db, s->quick[0] == '/' ? s->quick + 1 : s->quick, q);
	if (rc == EX_FALSE)
		rc = wb_err(EX_DATAERR, "--quick %s: no such quick reply (wb-reply quick ls lists them)", s->quick);
	return rc;
}

/* The text of --quick, from the quick replies (NULL without --quick). */
static int quick_body(compose_ctx *c, const compose_spec *s, char **text)
{
	*text = NULL;
	if (!s->quick)
		return 0;
	quick_content q;
	int rc = quick_of(c->db, s, &q);
	*text = q.text;
	q.text = NULL;
	quick_content_free(&q);
	return rc;
}

int compose_quick_media(wb_db *db, compose_spec *s, api_msg_type *type, quick_content *q)
{
	memset(q, 0, sizeof *q);
	if (!s->quick)
		return 0;
	int rc = quick_of(db, s, q);
	if (rc || !q->media_type)
		return rc;
	if (s->nchoices)
		return wb_err(EX_DATAERR, "--quick %s carries %s %s: no --choice buttons under it", s->quick,
			      strcmp(q->media_type, "image") ? "a" : "an", q->media_type);
	int image = !strcmp(q->media_type, "image");
	*(image ? &s->image : &s->document) = q->media;
	*type = image ? MSG_IMAGE : MSG_DOCUMENT;
	s->caption = q->text;
	s->quick = NULL;
	return 0;
}

/* A time --at gave, checked: a minute late is now (the time it took to
 * type the command), but a time further past is most likely a mistake
 * (a wrong day, a clock time meant for tomorrow) and sending at once
 * could not be undone: refused, showing the time it was read as, unless
 * the spec says to send it now. *due becomes 0 for now. */
static int due_check(const compose_ctx *c, const compose_spec *s, const char *at, int64_t *due)
{
	if (*due < c->now - 60 && !s->now_if_past) {
		char shown[40];
		when_fmt_human(*due, c->tz, shown);
		return wb_err(EX_DATAERR, "--at '%s' is %s, in the past; --now-if-past sends it now", at, shown);
	}
	if (*due <= c->now)
		*due = 0;
	return 0;
}

/* Placeholders filled from the contact's fields and attributes, then the
 * recipient's row; the body built; --at read. */
static int render(compose_ctx *c, const compose_spec *s, api_msg_type type, const compose_media *m,
		  const contact *ct, const kv *row, composed *out)
{
	char *quick;
	kv vars = {0};
	int rc = quick_body(c, s, &quick);
	/* a contact's fields cost two queries: only when something asks */
	if (!rc && wants_vars(s, quick))
		rc = contact_vars(c->db, ct, &vars);
	for (size_t i = 0; !rc && row && i < row->n; i++)
		kv_set(&vars, row->k[i], row->v[i]);
	if (!rc)
		rc = fill_all(s, quick ? quick : s->text, &vars, &out->f);
	/* bad input (a past --at) stops the run before a template's warning */
	if (!rc && out->f.at && (rc = when_parse(out->f.at, c->now, c->tz, &out->due)))
		wb_err_prefix(rc, "--at: ");
	else if (!rc && out->f.at)
		rc = due_check(c, s, out->f.at, &out->due);
	if (!rc && type == MSG_TEMPLATE)
		rc = check_template(c, s, &out->f, &out->bound, &out->refused);
	if (!rc && !out->refused)
		rc = build(s, type, m, ct, &out->f, &out->bound, &out->payload);
	free(quick);
	kv_free(&vars);
	return rc;
}

/* The row, unless its key or its broadcast says it exists already. */
static int record(compose_ctx *c, const compose_spec *s, api_msg_type type, const compose_media *m,
		  const contact *ct, const composed *msg)
{
	const filled *f = &msg->f;
	const char *tmpl = type == MSG_TEMPLATE ? s->tmpl : NULL;
	const char *body = type == MSG_TEMPLATE ? s->tmpl : f->text ? f->text : f->caption ? f->caption : s->react;
	queue_msg q = {
		.contact_id = ct->id, .type = api_type_name(type), .body = body, .media_id = m->id,
		.reply_to = s->reply_to, .payload = msg->payload, .ts = c->now, .due_at = msg->due,
		.agent = s->agent, .auto_kind = s->auto_kind, .idem_key = f->key, .broadcast_id = c->broadcast_id,
		.tag = f->tag,
		.claimed_by = msg->due ? NULL : c->claimer, .forced = c->force || s->force,
		.phone_number_id = s->from_number,
	};
	send_category kind;
	int64_t id;
	queue_added added;
	int rc = compose_kind(c, s, &kind);
	q.kind = send_category_names[kind];
	if (!rc)
		rc = queue_add(c->db, &q, &id, &added);
	if (rc)
		return rc;
	if (added == QUEUE_DUP_KEY) {
		c->duplicates++;
		char *e = xasprintf("key '%s' was used by message %lld", f->key, (long long)id);
		note(c, id, ct, COMPOSED_DUPLICATE, e, 0, NULL, tmpl, f->tag);
		free(e);
	} else if (added == QUEUE_DUP_BROADCAST) {
		c->duplicates++;
		note(c, 0, ct, COMPOSED_DUPLICATE, "already a recipient of this broadcast", 0, NULL, tmpl, f->tag);
	} else if (msg->due) {
		c->later++;
		note(c, id, ct, COMPOSED_QUEUED, NULL, msg->due, NULL, tmpl, f->tag);
	} else {
		c->queued_now++;
		c->last_now = id;
	}
	return 0;
}

int compose_one(compose_ctx *c, const compose_spec *s, api_msg_type type, const compose_media *m, const char *phone,
		const kv *row)
{
	char key[CONTACT_KEY_MAX];
	int rc = contact_resolve(c->db, phone, key);
	return rc ? rc : compose_one_wa_id(c, s, type, m, key, row);
}

int compose_one_wa_id(compose_ctx *c, const compose_spec *s, api_msg_type type, const compose_media *m,
		      const char *wa, const kv *row)
{
	int rc;
	int64_t cid;
	contact ct = {0};
	composed msg = {0};
	send_verdict v;
	compose_spec fb;
	static const compose_media none;
	/* made only when new: contact_ensure on a known contact still tries
	 * an insert and runs an update with its trigger's test, 4% of a live
	 * wb-send -'s time */
	rc = contact_get(c->db, wa, &ct);
	if (rc == EX_FALSE && !(rc = contact_ensure(c->db, wa, c->now, &cid)))
		rc = contact_get(c->db, wa, &ct);
	if (rc || (rc = judge(c, s, type, &ct, &v)))
		goto out;
	if (v.rule == SEND_FALLBACK) {
		fallback_spec(s, &fb);
		note(c, 0, &ct, COMPOSED_FALLBACK, v.why, 0, NULL, fb.tmpl, s->tag);
		s = &fb;
		type = MSG_TEMPLATE;
		m = &none;
		v.rule = SEND_GO;
	}
	const char *tmpl = type == MSG_TEMPLATE ? s->tmpl : NULL;
	if (v.rule != SEND_GO) {
		if (v.refused)
			c->refused++;
		else
			c->skipped++;
		note(c, 0, &ct, v.refused ? COMPOSED_REFUSED : COMPOSED_SKIPPED, v.why, 0, NULL, tmpl, s->tag);
	} else if (!(rc = render(c, s, type, m, &ct, row, &msg))) {
		if (msg.refused) {
			c->refused++;
			note(c, 0, &ct, COMPOSED_REFUSED, msg.refused, 0, NULL, tmpl, msg.f.tag);
		} else if (c->dry) {
			note(c, 0, &ct, COMPOSED_DRY_RUN, NULL, msg.due, msg.payload, tmpl, msg.f.tag);
		} else {
			rc = record(c, s, type, m, &ct, &msg);
		}
	}
out:
	if (rc)
		wb_err_prefix(rc, "%s: ", wa);
	composed_free(&msg, s);
	contact_free(&ct);
	return rc;
}

/* ------------------------------------------------------------ broadcasts and lines */

int compose_broadcast(compose_ctx *c, const compose_spec *s, const char *name, const char *const *labels,
		      const char *const *not_labels)
{
	/* what the broadcast was sent to, for whoever reads the table later */
	json_t *spec = json_pack("{s:o,s:o}", "labels", json_array(), "not_labels", json_array());
	for (size_t i = 0; labels && labels[i]; i++)
		json_array_append_new(json_object_get(spec, "labels"), json_string(labels[i]));
	for (size_t i = 0; not_labels && not_labels[i]; i++)
		json_array_append_new(json_object_get(spec, "not_labels"), json_string(not_labels[i]));
	if (s->tmpl)
		json_object_set_new(spec, "template", json_string(s->tmpl));
	send_category kind;
	int rc = compose_kind(c, s, &kind);
	char *js = json_dumps(spec, JSON_COMPACT);
	json_decref(spec);
	if (!rc)
		rc = queue_broadcast_new(c->db, name, s->agent, send_category_names[kind], js, c->now,
					 &c->broadcast_id);
	free(js);
	return rc;
}

/* key: the contact's phone, or its user ID when it has none */
static void spread_note(int64_t id, const char *key, int64_t due, void *ctx)
{
	compose_ctx *c = ctx;
	c->queued_now--;
	c->later++;
	int uid = bsuid_valid(key);
	compose_note n = {.id = id, .phone = uid ? NULL : key, .user_id = uid ? key : NULL,
			  .outcome = COMPOSED_QUEUED, .due_at = due};
	if (c->note)
		c->note(&n, c->ctx);
}

int compose_limit(compose_ctx *c, const compose_spec *s, int spread)
{
	if (!c->broadcast_id || c->dry || !(s->tmpl || s->fallback))
		return 0;
	limit_plan p;
	int rc = limit_guard(c->db, c->broadcast_id, c->now, spread, spread_note, c, &p);
	if (!rc && p.later) {
		char l[32], last[40];
		limit_fmt(p.limit, l);
		when_fmt_human(p.last_due, c->tz, last);
		wb_warn("messaging limit %s a day: %lld of %lld go now, the rest later, the last at %s (wb-send queue)", l,
			(long long)(p.adding - p.later), (long long)p.adding, last);
	}
	return rc;
}

/* A line's message: its spec (borrowing from the JSON) and medium. */
static int line_one(compose_ctx *c, json_t *j, const char *where, const char *agent)
{
	compose_spec s;
	api_msg_type type;
	compose_media m = {0};
	quick_content q = {0};
	int rc = compose_spec_from_json(j, &s, where);
	if (!rc && (rc = compose_spec_type(&s, EX_DATAERR, &type)))
		wb_err_prefix(rc, "%s: ", where);
	if (!s.agent)
		s.agent = agent;
	if (!rc && (rc = compose_quick_media(c->db, &s, &type, &q)))
		wb_err_prefix(rc, "%s: ", where);
	if (!rc)
		rc = compose_media_resolve(c->api, &s, type, c->dry, &m);
	if (!rc && !(rc = c->grouped ? db_savepoint(c->db) : db_begin(c->db))) {
		rc = compose_one(c, &s, type, &m, s.to, NULL);
		if (rc)
			wb_err_prefix(rc, "%s: ", where);
		if (c->grouped) {
			int end = db_savepoint_end(c->db, !rc && !c->dry);
			rc = rc ? rc : end;
		} else if (rc || c->dry) {
			db_rollback(c->db);
		} else {
			rc = db_commit(c->db);
		}
	}
	compose_media_free(&m);
	compose_spec_free(&s);
	quick_content_free(&q);
	return rc;
}

int compose_line(compose_ctx *c, const char *line, size_t len, const char *where, const char *agent)
{
	json_error_t e;
	json_t *j = json_loadb(line, len, 0, &e);
	if (!j)
		return wb_err(EX_DATAERR, "%s: not JSON: %s", where, json_why(&e));
	c->direct = 1; /* a line names its one recipient */
	int rc = line_one(c, j, where, agent);
	json_decref(j);
	return rc;
}
