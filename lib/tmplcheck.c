#include "tmplcheck.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "tmpl.h"
#include "util.h"

const char *const tpart_names[] = {"header", "body", "button", NULL};
const char *const tkind_names[] = {"text", "image", "video", "document", "location", "url",
				   "coupon_code", "payload", "flow", NULL};

/* Meta's limits on what a send fills in. */
#define HEADER_MAX 60      /* a text header, filled */
#define BODY_MAX 1024      /* a body, filled, beside other components */
#define BODY_ALONE_MAX 32768 /* a body that is the whole template */
#define COUPON_MAX 15
#define URL_MAX 2000

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static char *upper(const char *s)
{
	char *u = xstrdup(s);
	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

/* ------------------------------------------------------------ parameters in a text */

typedef struct {
	char **v;
	size_t n;
} names;

static void names_free(names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	n->v = NULL;
	n->n = 0;
}

/* tmpl_render's lookup that only notes each {{name}}, once. */
static const char *collect(const char *key, void *ctx)
{
	names *n = ctx;
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->v[i], key))
			return "";
	n->v = xrealloc(n->v, (n->n + 1) * sizeof *n->v);
	n->v[n->n++] = xstrdup(key);
	return "";
}

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int by_number(const void *a, const void *b)
{
	long x = strtol(*(char *const *)a, NULL, 10), y = strtol(*(char *const *)b, NULL, 10);
	return (x > y) - (x < y);
}

/* The parameters of text: {{1}} {{2}} in number order, named ones in
 * the order they first appear. */
static void vars_of(const char *text, names *out)
{
	char *ignored = NULL;
	memset(out, 0, sizeof *out);
	if (text && !tmpl_render(text, collect, out, &ignored))
		free(ignored);
	int numbered = 1;
	for (size_t i = 0; i < out->n; i++)
		numbered &= is_number(out->v[i]);
	if (numbered && out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, by_number);
}

/* ------------------------------------------------------------ reading a definition */

static tslot *add_slot(tdef *d, tpart part, int position, tkind kind, const char *name, const char *example)
{
	d->slots = xrealloc(d->slots, (d->nslots + 1) * sizeof *d->slots);
	tslot *s = &d->slots[d->nslots++];
	*s = (tslot){part, position, kind, dup_or_null(name), dup_or_null(example), 0};
	return s;
}

/* The example of parameter name (the i-th of its text): from the list of
 * positional examples (list, an array; in the body an array of arrays),
 * or the named list of {param_name, example}. */
static const char *example_of(json_t *example, const char *list, const char *named_list, const char *name, size_t i)
{
	json_t *named = json_object_get(example, named_list), *e;
	size_t k;
	json_array_foreach(named, k, e) {
		const char *pn = json_str(e, "param_name");
		if (pn && !strcmp(pn, name))
			return json_str(e, "example");
	}
	json_t *pos = json_object_get(example, list);
	if (json_is_array(json_array_get(pos, 0)))
		pos = json_array_get(pos, 0);
	return json_string_value(json_array_get(pos, is_number(name) ? strtoul(name, NULL, 10) - 1 : i));
}

static int text_of(json_t *c, const char *where, int required, char **out)
{
	json_t *t = json_object_get(c, "text");
	if (!t && !required)
		return 0;
	if (!json_is_string(t))
		return wb_err(EX_DATAERR, "%s.text: not a string", where);
	*out = xstrdup(json_string_value(t));
	return 0;
}

/* The text slots of a header or body text. */
static void text_slots(tdef *d, tpart part, const char *text, json_t *example, const char *list,
		       const char *named_list)
{
	names v;
	vars_of(text, &v);
	for (size_t i = 0; i < v.n; i++)
		add_slot(d, part, (int)i, TK_TEXT, v.v[i], example_of(example, list, named_list, v.v[i], i));
	names_free(&v);
}

static int read_header(json_t *c, const char *where, tdef *d)
{
	const char *fmt = json_str(c, "format");
	d->header_format = upper(fmt ? fmt : "TEXT");
	json_t *ex = json_object_get(c, "example");
	if (!strcmp(d->header_format, "TEXT")) {
		int rc = text_of(c, where, 1, &d->header);
		if (!rc)
			text_slots(d, TP_HEADER, d->header, ex, "header_text", "header_text_named_params");
		return rc;
	}
	static const struct {
		const char *format;
		tkind kind;
	} media[] = {{"IMAGE", TK_IMAGE}, {"VIDEO", TK_VIDEO}, {"GIF", TK_VIDEO}, {"DOCUMENT", TK_DOCUMENT},
		     {"LOCATION", TK_LOCATION}};
	for (size_t i = 0; i < sizeof media / sizeof *media; i++)
		if (!strcmp(d->header_format, media[i].format))
			add_slot(d, TP_HEADER, 0, media[i].kind, NULL,
				 json_string_value(json_array_get(json_object_get(ex, "header_handle"), 0)));
	return 0;
}

static void read_button(json_t *b, int index, tdef *d)
{
	const char *type = json_str(b, "type");
	d->buttons = xrealloc(d->buttons, (d->nbuttons + 1) * sizeof *d->buttons);
	tbutton *t = &d->buttons[d->nbuttons++];
	t->type = upper(type ? type : "?");
	t->text = dup_or_null(json_str(b, "text"));
	const char *target = json_str(b, "url") ? json_str(b, "url")
			     : json_str(b, "phone_number") ? json_str(b, "phone_number")
							    : json_str(b, "flow_id");
	t->target = dup_or_null(target);
	json_t *ex = json_object_get(b, "example");
	const char *example = json_is_string(ex) ? json_string_value(ex) : json_string_value(json_array_get(ex, 0));
	if (!strcmp(t->type, "URL") && t->target && tmpl_has(t->target))
		add_slot(d, TP_BUTTON, index, TK_URL, NULL, example);
	else if (!strcmp(t->type, "COPY_CODE"))
		add_slot(d, TP_BUTTON, index, TK_COUPON, NULL, example);
	else if (!strcmp(t->type, "QUICK_REPLY"))
		add_slot(d, TP_BUTTON, index, TK_PAYLOAD, NULL, NULL)->optional = 1;
	else if (!strcmp(t->type, "FLOW"))
		add_slot(d, TP_BUTTON, index, TK_FLOW, NULL, NULL)->optional = 1;
}

static int read_component(json_t *c, size_t i, tdef *d)
{
	char where[40];
	snprintf(where, sizeof where, "components[%zu]", i);
	const char *type = json_str(c, "type");
	if (!json_is_object(c) || !type)
		return wb_err(EX_DATAERR, "%s: an object with a \"type\"", where);
	if ((!strcasecmp(type, "HEADER") && d->header_format) || (!strcasecmp(type, "BODY") && d->body) ||
	    (!strcasecmp(type, "FOOTER") && d->footer))
		return wb_err(EX_DATAERR, "%s: a second %s", where, type);
	if (!strcasecmp(type, "HEADER"))
		return read_header(c, where, d);
	if (!strcasecmp(type, "BODY")) {
		int rc = text_of(c, where, 1, &d->body);
		if (!rc)
			text_slots(d, TP_BODY, d->body, json_object_get(c, "example"), "body_text",
				   "body_text_named_params");
		return rc;
	}
	if (!strcasecmp(type, "FOOTER"))
		return text_of(c, where, 0, &d->footer);
	if (!strcasecmp(type, "BUTTONS")) {
		json_t *bs = json_object_get(c, "buttons"), *b;
		size_t k;
		if (!json_is_array(bs))
			return wb_err(EX_DATAERR, "%s.buttons: not a list", where);
		json_array_foreach(bs, k, b) {
			if (!json_is_object(b))
				return wb_err(EX_DATAERR, "%s.buttons[%zu]: not an object", where, k);
			read_button(b, (int)k, d);
		}
	}
	return 0; /* carousels, limited-time offers …: not checked */
}

int tdef_from_json(json_t *j, tdef *d)
{
	memset(d, 0, sizeof *d);
	if (!json_is_object(j))
		return wb_err(EX_DATAERR, "a template definition is a JSON object");
	const char *name = json_str(j, "name"), *lang = json_str(j, "language");
	if (!name || !lang)
		return wb_err(EX_DATAERR, "a template definition has a \"name\" and a \"language\"");
	d->name = xstrdup(name);
	d->lang = xstrdup(lang);
	d->status = dup_or_null(json_str(j, "status"));
	d->category = dup_or_null(json_str(j, "category"));
	json_t *comps = json_object_get(j, "components"), *c;
	if (!json_is_array(comps))
		return wb_err(EX_DATAERR, "%s (%s): \"components\" is not a list", name, lang);
	size_t i;
	int rc = 0;
	json_array_foreach(comps, i, c) {
		if ((rc = read_component(c, i, d)))
			return wb_err_prefix(rc, "%s (%s): ", name, lang);
	}
	/* older definitions have no parameter_format: the names tell */
	const char *pf = json_str(j, "parameter_format");
	for (size_t k = 0; k < d->nslots && !pf; k++)
		if (d->slots[k].name && !is_number(d->slots[k].name))
			d->named = 1;
	if (pf)
		d->named = !strcasecmp(pf, "NAMED");
	return 0;
}

int tdef_parse(const char *json, tdef *d)
{
	json_error_t e;
	json_t *j = json_loads(json, 0, &e);
	memset(d, 0, sizeof *d);
	if (!j)
		return wb_err(EX_DATAERR, "a template definition: not JSON: %s", json_why(&e));
	int rc = tdef_from_json(j, d);
	json_decref(j);
	return rc;
}

void tdef_free(tdef *d)
{
	for (size_t i = 0; i < d->nslots; i++) {
		free(d->slots[i].name);
		free(d->slots[i].example);
	}
	for (size_t i = 0; i < d->nbuttons; i++) {
		free(d->buttons[i].type);
		free(d->buttons[i].text);
		free(d->buttons[i].target);
	}
	char *all[] = {d->name, d->lang, d->status, d->category, d->header_format, d->header, d->body, d->footer};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		free(all[i]);
	free(d->slots);
	free(d->buttons);
	memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------ checking a send */

static tverdict verdict(tcheck_rule rule, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static tverdict verdict(tcheck_rule rule, const char *fmt, ...)
{
	tverdict v = {rule, ""};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v.why, sizeof v.why, fmt, ap);
	va_end(ap);
	return v;
}

static const tverdict ok_verdict = {TC_OK, ""};

tverdict tcheck_status(const char *status)
{
	if (!status || !strcasecmp(status, "APPROVED"))
		return ok_verdict;
	if (!strcasecmp(status, "PAUSED"))
		return verdict(TC_STATUS, "paused for its quality (Meta answers 132015 until it is resumed)");
	if (!strcasecmp(status, "DISABLED"))
		return verdict(TC_STATUS, "disabled (Meta answers 132016)");
	return verdict(TC_STATUS, "%s, not approved (Meta answers 132001)", status);
}

void tbound_free(tbound *b)
{
	for (size_t i = 0; i < b->nown; i++)
		free(b->own[i]);
	free(b->own);
	free(b->comps);
	free(b->vals);
	memset(b, 0, sizeof *b);
}

/* A string the bound values point to, kept until tbound_free. */
static const char *keep(tbound *b, char *s)
{
	b->own = xrealloc(b->own, (b->nown + 1) * sizeof *b->own);
	return b->own[b->nown++] = s;
}

/* Appends a value of a component; finish() groups them. */
static api_tvalue *push(tbound *b, const char *type, const char *sub_type, int index)
{
	if (b->nvals == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->vals = xrealloc(b->vals, b->cap * sizeof *b->vals);
		b->comps = xrealloc(b->comps, b->cap * sizeof *b->comps);
	}
	b->comps[b->nvals] = (api_tcomp){type, sub_type, index, NULL, 1};
	api_tvalue *v = &b->vals[b->nvals++];
	memset(v, 0, sizeof *v);
	return v;
}

/* One component for each run of values of the same component. */
static void finish(tbound *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->nvals; i++) {
		api_tcomp *c = &b->comps[i], *last = n ? &b->comps[n - 1] : NULL;
		if (last && !strcmp(last->type, c->type) && last->index == c->index) {
			last->n++;
			continue;
		}
		b->comps[n] = *c;
		b->comps[n++].v = &b->vals[i];
	}
	b->ncomps = n;
}

/* NAME= at the start of s (a named parameter): the name's length, or 0. */
static size_t name_len(const char *s)
{
	size_t n = 0;
	if (!(islower((unsigned char)*s) || *s == '_'))
		return 0;
	while (islower((unsigned char)s[n]) || isdigit((unsigned char)s[n]) || s[n] == '_')
		n++;
	return s[n] == '=' ? n : 0;
}

/* "12.50 EUR" or "EUR 12.50". */
static int currency(const char *s, api_tvalue *v)
{
	const char *sp = strchr(s, ' ');
	if (!sp || strchr(sp + 1, ' '))
		return -1;
	int code_first = sp - s == 3 && isupper((unsigned char)s[0]);
	const char *code = code_first ? s : sp + 1, *num = code_first ? sp + 1 : s;
	char *end;
	double amount = strtod(num, &end);
	if (end == num || (code_first ? *end : end != sp) || !isfinite(amount) || fabs(amount) > 1e12)
		return -1;
	for (int i = 0; i < 3; i++)
		if (!isupper((unsigned char)code[i]))
			return -1;
	if (code[3] && code[3] != ' ')
		return -1;
	memcpy(v->code, code, 3);
	v->kind = TV_CURRENCY;
	v->text = s;
	v->amount_1000 = llround(amount * 1000);
	return 0;
}

/* A text slot's value: text:, currency:, date_time: or plain text;
 * Meta's rules for texts unless as_is. */
static tverdict text_value(const char *where, const char *s, api_tvalue *v, int as_is)
{
	v->kind = TV_TEXT;
	v->text = s;
	if (!strncmp(s, "text:", 5)) {
		v->text = s + 5;
	} else if (!strncmp(s, "date_time:", 10)) {
		v->kind = TV_DATE_TIME;
		v->text = s + 10;
	} else if (!strncmp(s, "currency:", 9) && currency(s + 9, v)) {
		return verdict(TC_FORMAT, "%s: '%s': a currency is AMOUNT CODE, like currency:12.50 EUR", where, s + 9);
	}
	if (as_is)
		return ok_verdict;
	if (!*v->text)
		return verdict(TC_TEXT, "%s: an empty value (Meta refuses it)", where);
	/* Meta refuses these in parameters: they would break the layout */
	if (strpbrk(v->text, "\n\t") || strstr(v->text, "     "))
		return verdict(TC_TEXT, "%s: a newline, a tab or more than 4 spaces in a row (Meta refuses them "
					"in parameters)", where);
	return ok_verdict;
}

static int is_url(const char *s)
{
	return !strncasecmp(s, "https://", 8) || !strncasecmp(s, "http://", 7);
}

/* A header medium: a link, or the id of an uploaded medium. */
static tverdict media_value(tkind kind, const char *s, api_tvalue *v)
{
	static const api_tv_kind tv[] = {[TK_IMAGE] = TV_IMAGE, [TK_VIDEO] = TV_VIDEO, [TK_DOCUMENT] = TV_DOCUMENT};
	v->kind = tv[kind];
	v->text = s;
	v->is_id = is_number(s);
	if (!v->is_id && !is_url(s))
		return verdict(TC_FORMAT, "header: '%s': a %s is an http(s) link or a media id", s, tkind_names[kind]);
	return ok_verdict;
}

static tverdict location_value(const char *s, api_tvalue *v)
{
	char *end;
	v->kind = TV_LOCATION;
	v->lat = strtod(s, &end);
	if (end == s || *end != ',' || fabs(v->lat) > 90)
		return verdict(TC_FORMAT, "header: '%s': a location is LAT,LON", s);
	const char *p = end + 1;
	v->lon = strtod(p, &end);
	if (end == p || *end || fabs(v->lon) > 180)
		return verdict(TC_FORMAT, "header: '%s': a location is LAT,LON", s);
	return ok_verdict;
}

/* KIND: at the start of s, one of names (NULL-terminated); -1 when none. */
static int kind_prefix(const char *s, const char *const *kinds, const char **rest)
{
	for (int i = 0; kinds[i]; i++) {
		size_t n = strlen(kinds[i]);
		if (!strncmp(s, kinds[i], n) && s[n] == ':') {
			*rest = s + n + 1;
			return i;
		}
	}
	*rest = s;
	return -1;
}

/* The header's value of kind k (as tkind) into a new value. */
static tverdict header_value(tbound *b, tkind k, const char *value, const char *name, int as_is)
{
	api_tvalue *v = push(b, "header", NULL, 0);
	v->name = name;
	if (k == TK_TEXT)
		return text_value("header", value, v, as_is);
	return k == TK_LOCATION ? location_value(value, v) : media_value(k, value, v);
}

/* A send being bound to a known template. */
typedef struct {
	const tdef *d;
	const tgiven *g;
	tbound *b;
	const char **filled; /* the text each slot got (for the lengths) */
} binding;

static const char *const header_kinds[] = {"text", "image", "video", "document", "location", NULL};

static const tslot *slot_of(const tdef *d, tpart part)
{
	for (size_t i = 0; i < d->nslots; i++)
		if (d->slots[i].part == part)
			return &d->slots[i];
	return NULL;
}

static const char *article(tkind k)
{
	return k == TK_IMAGE ? "an" : "a";
}

static tverdict header_missing(const tslot *s)
{
	if (s->kind == TK_TEXT)
		return verdict(TC_COUNT, "header {{%s}}: no value (--header text:VALUE)", s->name);
	return verdict(TC_COUNT, "header: the template's header is %s %s; give --header %s:%s", article(s->kind),
		       tkind_names[s->kind], tkind_names[s->kind], s->kind == TK_LOCATION ? "LAT,LON" : "URL");
}

static tverdict bind_header(binding *x)
{
	const tslot *s = slot_of(x->d, TP_HEADER);
	const char *given = x->g->header, *value, *name = NULL;
	if (!given)
		return s ? header_missing(s) : ok_verdict;
	if (!s)
		return verdict(TC_COUNT, "header: the template's header takes no value ('--header %s' given)", given);
	int k = kind_prefix(given, header_kinds, &value);
	if (k < 0 && s->kind == TK_TEXT)
		k = TK_TEXT;
	if (k < 0)
		return verdict(TC_FORMAT, "header: '%s': want %s:VALUE", given, tkind_names[s->kind]);
	if ((tkind)k != s->kind)
		return verdict(TC_FORMAT, "header: the template's header is %s %s; '--header %s:…' given",
			       article(s->kind), tkind_names[s->kind], header_kinds[k]);
	if (k == TK_TEXT && x->d->named) {
		size_t nl = name_len(value);
		if (nl && (strncmp(value, s->name, nl) || s->name[nl]))
			return verdict(TC_FORMAT, "header: the template has no {{%.*s}} (its parameter is {{%s}})",
				       (int)nl, value, s->name);
		value += nl ? nl + 1 : 0;
		name = s->name;
	}
	tverdict v = header_value(x->b, (tkind)k, value, name, 0);
	x->filled[s - x->d->slots] = x->b->vals[x->b->nvals - 1].text;
	return v;
}

/* "{{1}}, {{2}}": the names of a part's slots, for messages. */
static void slot_names(const tdef *d, tpart part, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < d->nslots && n < cap; i++)
		if (d->slots[i].part == part)
			n += (size_t)snprintf(buf + n, cap - n, "%s{{%s}}", n ? ", " : "", d->slots[i].name);
}

static size_t count_of(const tdef *d, tpart part)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nslots; i++)
		n += d->slots[i].part == part;
	return n;
}

/* A body slot's value, checked, appended. */
static tverdict body_value(binding *x, size_t slot, const char *value)
{
	const tslot *s = &x->d->slots[slot];
	char where[96];
	snprintf(where, sizeof where, "body {{%s}}", s->name);
	api_tvalue *v = push(x->b, "body", NULL, 0);
	v->name = x->d->named ? s->name : NULL;
	tverdict r = text_value(where, value, v, 0);
	x->filled[slot] = v->text;
	return r;
}

/* Named parameters: each given once, by a name the template has. */
static tverdict bind_named(binding *x, const char **given)
{
	char list[160];
	slot_names(x->d, TP_BODY, list, sizeof list);
	for (size_t i = 0; i < x->g->nparams; i++) {
		const char *p = x->g->params[i];
		size_t nl = name_len(p), k;
		if (!nl)
			return verdict(TC_FORMAT, "body: the template's parameters are named (%s); give --param "
						  "NAME=VALUE, not '%s'", list, p);
		for (k = 0; k < x->d->nslots; k++) {
			const tslot *s = &x->d->slots[k];
			if (s->part == TP_BODY && !strncmp(s->name, p, nl) && !s->name[nl])
				break;
		}
		if (k == x->d->nslots)
			return verdict(TC_FORMAT, "body: the template has no {{%.*s}} (it has %s)", (int)nl, p, list);
		if (given[k])
			return verdict(TC_COUNT, "body {{%s}}: given twice", x->d->slots[k].name);
		given[k] = p + nl + 1;
	}
	return ok_verdict;
}

static tverdict bind_body(binding *x)
{
	const tdef *d = x->d;
	size_t n = count_of(d, TP_BODY), j = 0;
	if (!d->named && x->g->nparams != n) {
		char list[160];
		slot_names(d, TP_BODY, list, sizeof list);
		return verdict(TC_COUNT, "body: %zu value%s given; the template has %zu%s%s%s", x->g->nparams,
			       x->g->nparams == 1 ? "" : "s", n, n ? " (" : "", list, n ? ")" : "");
	}
	const char **given = xcalloc(d->nslots + 1, sizeof *given);
	tverdict v = d->named ? bind_named(x, given) : ok_verdict;
	for (size_t k = 0; k < d->nslots && !v.rule; k++) {
		if (d->slots[k].part != TP_BODY)
			continue;
		const char *value = d->named ? given[k] : x->g->params[j++];
		v = value ? body_value(x, k, value)
			  : verdict(TC_COUNT, "body {{%s}}: no value (--param %s=VALUE)", d->slots[k].name,
				    d->slots[k].name);
	}
	free(given);
	return v;
}

static const char *const button_kinds[] = {"url", "copy_code", "coupon_code", "coupon", "quick_reply", "payload",
					   "flow", NULL};
static const tkind button_kind_of[] = {TK_URL, TK_COUPON, TK_COUPON, TK_COUPON, TK_PAYLOAD, TK_PAYLOAD, TK_FLOW};
static const char *const sub_types[] = {[TK_URL] = "url", [TK_COUPON] = "copy_code", [TK_PAYLOAD] = "quick_reply",
					[TK_FLOW] = "flow"};

/* A button's value (target: its URL, to measure the URL it makes). */
static tverdict button_value(tbound *b, tkind k, int index, const char *value, const char *target)
{
	static const api_tv_kind tv[] = {[TK_URL] = TV_TEXT, [TK_COUPON] = TV_COUPON, [TK_PAYLOAD] = TV_PAYLOAD,
					 [TK_FLOW] = TV_FLOW};
	api_tvalue *v = push(b, "button", sub_types[k], index);
	v->kind = tv[k];
	v->text = value;
	if (!*value)
		return verdict(TC_TEXT, "button %d: an empty value (Meta refuses it)", index);
	if (k == TK_COUPON && utf8_len(value) > COUPON_MAX)
		return verdict(TC_TEXT, "button %d: the coupon code '%s' is over %d characters", index, value, COUPON_MAX);
	if (k == TK_URL && target && strlen(target) + strlen(value) > URL_MAX)
		return verdict(TC_TEXT, "button %d: the URL is over %d characters once filled", index, URL_MAX);
	return ok_verdict;
}

static tverdict button_missing(const tdef *d, const tslot *t)
{
	const tbutton *bt = (size_t)t->position < d->nbuttons ? &d->buttons[t->position] : NULL;
	return verdict(TC_COUNT, "button %d (%s \"%s\"): no value (--button %s:VALUE)", t->position,
		       bt ? bt->type : "?", bt && bt->text ? bt->text : "", sub_types[t->kind]);
}

/* Each given value to the next button that takes one: of the kind it
 * names, or else the next that needs one. */
static tverdict bind_buttons(binding *x)
{
	const tdef *d = x->d;
	const char **given = xcalloc(d->nslots + 1, sizeof *given);
	tverdict v = ok_verdict;
	for (size_t i = 0; i < x->g->nbuttons && !v.rule; i++) {
		const char *value, *b = x->g->buttons[i];
		int k = kind_prefix(b, button_kinds, &value);
		size_t s;
		for (s = 0; s < d->nslots; s++) {
			const tslot *t = &d->slots[s];
			if (t->part == TP_BUTTON && !given[s] && (k >= 0 ? t->kind == button_kind_of[k] : !t->optional))
				break;
		}
		if (s < d->nslots)
			given[s] = value;
		else if (k >= 0)
			v = verdict(TC_COUNT, "button: the template has no %s button left for '%s'",
				    sub_types[button_kind_of[k]], b);
		else
			v = verdict(TC_COUNT, "button: '%s' is a value too many (every button that takes one has it)", b);
	}
	for (size_t s = 0; s < d->nslots && !v.rule; s++) {
		const tslot *t = &d->slots[s];
		if (t->part != TP_BUTTON || (!given[s] && t->optional))
			continue;
		const tbutton *bt = (size_t)t->position < d->nbuttons ? &d->buttons[t->position] : NULL;
		v = given[s] ? button_value(x->b, t->kind, t->position, given[s], bt ? bt->target : NULL)
			     : button_missing(d, t);
	}
	free(given);
	return v;
}

typedef struct {
	const binding *x;
	tpart part;
} filling;

static const char *filled_lookup(const char *key, void *ctx)
{
	const filling *f = ctx;
	const tdef *d = f->x->d;
	for (size_t i = 0; i < d->nslots; i++)
		if (d->slots[i].part == f->part && d->slots[i].name && !strcmp(d->slots[i].name, key))
			return f->x->filled[i] ? f->x->filled[i] : "";
	return "";
}

/* The characters of text with its slots filled. */
static long filled_len(const binding *x, tpart part, const char *text)
{
	filling f = {x, part};
	char *out;
	if (!text || tmpl_render(text, filled_lookup, &f, &out))
		return 0;
	long n = utf8_len(out);
	free(out);
	return n;
}

static tverdict check_lengths(const binding *x)
{
	const tdef *d = x->d;
	long n = filled_len(x, TP_HEADER, d->header);
	if (n > HEADER_MAX)
		return verdict(TC_TEXT, "header: %ld characters once filled; the limit is %d", n, HEADER_MAX);
	long max = !d->header_format && !d->footer && !d->nbuttons ? BODY_ALONE_MAX : BODY_MAX;
	if ((n = filled_len(x, TP_BODY, d->body)) > max)
		return verdict(TC_TEXT, "body: %ld characters once filled; the limit is %ld (Meta answers 132005)", n,
			       max);
	return ok_verdict;
}

/* A template wb does not know: the values as given. */
static tverdict bind_as_given(const tgiven *g, tbound *b)
{
	tverdict v = ok_verdict;
	const char *value;
	if (g->header) {
		int k = kind_prefix(g->header, header_kinds, &value);
		size_t nl = k == TK_TEXT ? name_len(value) : 0;
		if (k < 0)
			return verdict(TC_FORMAT, "header: '%s': want text:VALUE, image:URL, video:URL, document:URL "
						  "or location:LAT,LON", g->header);
		v = header_value(b, (tkind)k, value + (nl ? nl + 1 : 0), nl ? keep(b, xstrndup(value, nl)) : NULL,
				 g->as_is);
	}
	for (size_t i = 0; i < g->nparams && !v.rule; i++) {
		const char *p = g->params[i];
		size_t nl = name_len(p);
		char where[48];
		snprintf(where, sizeof where, "body value %zu", i + 1);
		api_tvalue *pv = push(b, "body", NULL, 0);
		pv->name = nl ? keep(b, xstrndup(p, nl)) : NULL;
		v = text_value(where, p + (nl ? nl + 1 : 0), pv, g->as_is);
	}
	for (size_t i = 0; i < g->nbuttons && !v.rule; i++) {
		int k = kind_prefix(g->buttons[i], button_kinds, &value);
		v = button_value(b, k < 0 ? TK_URL : button_kind_of[k], (int)i, value, NULL);
	}
	return v;
}

tverdict tcheck_bind(const tdef *d, const tgiven *g, tbound *b)
{
	memset(b, 0, sizeof *b);
	tverdict v;
	if (!d) {
		v = bind_as_given(g, b);
	} else {
		binding x = {d, g, b, xcalloc(d->nslots + 1, sizeof *x.filled)};
		v = bind_header(&x);
		if (!v.rule)
			v = bind_body(&x);
		if (!v.rule)
			v = bind_buttons(&x);
		if (!v.rule)
			v = check_lengths(&x);
		free(x.filled);
	}
	if (v.rule)
		tbound_free(b);
	else
		finish(b);
	return v;
}

/* ------------------------------------------------------------ showing it */

typedef struct {
	const tdef *d;
	tpart part;
	sb mark;
} marking;

/* A slot as show writes it: {{name=example}}, or {{name}}. */
static const char *mark_lookup(const char *key, void *ctx)
{
	marking *m = ctx;
	const char *example = NULL;
	for (size_t i = 0; i < m->d->nslots; i++)
		if (m->d->slots[i].part == m->part && m->d->slots[i].name && !strcmp(m->d->slots[i].name, key))
			example = m->d->slots[i].example;
	sb_reset(&m->mark);
	sb_printf(&m->mark, "{{%s%s%s}}", key, example ? "=" : "", example ? example : "");
	return m->mark.s;
}

static void add_line(tline **v, size_t *n, const char *part, char *text)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = (tline){part, text};
}

static char *marked(const tdef *d, tpart part, const char *text)
{
	marking m = {d, part, {0}};
	char *out = NULL;
	if (tmpl_render(text, mark_lookup, &m, &out))
		out = xstrdup(text);
	sb_free(&m.mark);
	return out;
}

static char *button_line(const tdef *d, size_t i)
{
	const tbutton *b = &d->buttons[i];
	const char *example = NULL;
	for (size_t k = 0; k < d->nslots; k++)
		if (d->slots[k].part == TP_BUTTON && d->slots[k].position == (int)i)
			example = d->slots[k].example;
	sb s = {0};
	sb_printf(&s, "[%s]", b->text ? b->text : !strcmp(b->type, "COPY_CODE") ? "Copy code" : b->type);
	if (b->target)
		sb_printf(&s, " %s", b->target);
	if (example)
		sb_printf(&s, " (e.g. %s)", example);
	return sb_take(&s);
}

void tdef_lines(const tdef *d, tline **lines, size_t *n)
{
	*lines = NULL;
	*n = 0;
	if (d->header) {
		add_line(lines, n, "header", marked(d, TP_HEADER, d->header));
	} else if (d->header_format) {
		const tslot *s = slot_of(d, TP_HEADER);
		char *low = xstrdup(d->header_format);
		for (char *p = low; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		add_line(lines, n, "header", s && s->example ? xasprintf("[%s: %s]", low, s->example)
							    : xasprintf("[%s]", low));
		free(low);
	}
	if (d->body)
		add_line(lines, n, "body", marked(d, TP_BODY, d->body));
	if (d->footer)
		add_line(lines, n, "footer", xstrdup(d->footer));
	for (size_t i = 0; i < d->nbuttons; i++)
		add_line(lines, n, "button", button_line(d, i));
}

void tlines_free(tline *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
}

/* ------------------------------------------------------------ creating one */

/* The parameters a new template has, in order, and their examples. */
typedef struct {
	struct need {
		const char *where; /* header, body, url */
		char *name;
		const char *example;
	} *v;
	size_t n;
	int named, numbered;
} needs;

static void need_vars(needs *ns, const char *where, const char *text)
{
	names v;
	vars_of(text, &v);
	for (size_t i = 0; i < v.n; i++) {
		ns->v = xrealloc(ns->v, (ns->n + 1) * sizeof *ns->v);
		ns->v[ns->n++] = (struct need){where, v.v[i], NULL};
		if (is_number(v.v[i]))
			ns->numbered = 1;
		else
			ns->named = 1;
		v.v[i] = NULL;
	}
	free(v.v);
}

static void needs_free(needs *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i].name);
	free(ns->v);
}

/* Examples by NAME=VALUE when every one is so and the names are named,
 * else in order. */
static int give_examples(const tcreate *c, needs *ns)
{
	int by_name = ns->named && c->nexamples;
	for (size_t i = 0; i < c->nexamples; i++)
		by_name &= name_len(c->examples[i]) > 0;
	if (!by_name && c->nexamples != ns->n)
		return wb_err(EX_DATAERR, "--example: %zu given; the template has %zu parameter%s", c->nexamples, ns->n,
			      ns->n == 1 ? "" : "s");
	for (size_t i = 0; i < c->nexamples; i++) {
		const char *e = c->examples[i];
		size_t nl = by_name ? name_len(e) : 0, k = i;
		/* jansson would leave it out of the request unseen */
		if (utf8_len(e) < 0)
			return wb_err(EX_DATAERR, "--example %zu: not UTF-8", i + 1);
		if (by_name)
			for (k = 0; k < ns->n && (strncmp(ns->v[k].name, e, nl) || ns->v[k].name[nl]); k++)
				;
		if (k == ns->n)
			return wb_err(EX_DATAERR, "--example %s: the template has no {{%.*s}}", e, (int)nl, e);
		ns->v[k].example = e + (nl ? nl + 1 : 0);
	}
	for (size_t k = 0; k < ns->n; k++)
		if (!ns->v[k].example)
			return wb_err(EX_DATAERR, "%s {{%s}}: no --example", ns->v[k].where, ns->v[k].name);
	return 0;
}

/* The "example" of a header or body text: positional or named lists. */
static json_t *text_example(const needs *ns, const char *where, int named)
{
	json_t *list = json_array();
	for (size_t i = 0; i < ns->n; i++) {
		if (strcmp(ns->v[i].where, where))
			continue;
		json_array_append_new(list, named ? json_pack("{s:s,s:s}", "param_name", ns->v[i].name, "example",
							      ns->v[i].example)
						  : json_string(ns->v[i].example));
	}
	int header = !strcmp(where, "header");
	if (!json_array_size(list)) {
		json_decref(list);
		return NULL;
	}
	if (named)
		return json_pack("{s:o}", header ? "header_text_named_params" : "body_text_named_params", list);
	return header ? json_pack("{s:o}", "header_text", list) : json_pack("{s:[o]}", "body_text", list);
}

static int check_len(const char *what, const char *s, long max)
{
	long n = utf8_len(s);
	if (n < 0)
		return wb_err(EX_DATAERR, "%s: not UTF-8", what);
	return n > max ? wb_err(EX_DATAERR, "%s: %ld characters; the limit is %ld", what, n, max) : 0;
}

/* The header component (its text's parameters noted in ns). */
static int create_header(const char *h, needs *ns, json_t **out)
{
	static const char *const formats[] = {"text", "image", "video", "document", "location", NULL};
	const char *value;
	int k = kind_prefix(h, formats, &value);
	if (k < 0 && !strcmp(h, "location"))
		k = TK_LOCATION, value = "";
	if (k < 0)
		return wb_err(EX_DATAERR, "--header '%s': want text:TEXT, image:HANDLE, video:HANDLE, document:HANDLE "
					  "or location", h);
	char *format = upper(formats[k]);
	*out = json_pack("{s:s,s:s}", "type", "HEADER", "format", format);
	free(format);
	if (k == TK_TEXT) {
		size_t before = ns->n;
		need_vars(ns, "header", value);
		if (ns->n - before > 1)
			return wb_err(EX_DATAERR, "--header: a text header takes one parameter at most");
		json_object_set_new(*out, "text", json_string(value));
		return check_len("--header", value, HEADER_MAX);
	}
	if (*value)
		json_object_set_new(*out, "example", json_pack("{s:[s]}", "header_handle", value));
	return 0;
}

/* quick_reply:TEXT, url:TEXT:URL, phone:TEXT:NUMBER, copy_code:EXAMPLE,
 * flow:TEXT:FLOW_ID; a URL's parameter is noted in ns. */
static int create_button(const char *spec, needs *ns, json_t **out)
{
	static const char *const kinds[] = {"quick_reply", "url", "phone", "copy_code", "flow", NULL};
	static const char *const types[] = {"QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "FLOW"};
	static const char *const keys[] = {NULL, "url", "phone_number", NULL, "flow_id"};
	const char *rest;
	int k = kind_prefix(spec, kinds, &rest);
	*out = NULL;
	if (k < 0)
		return wb_err(EX_DATAERR, "--button '%s': want quick_reply:TEXT, url:TEXT:URL, phone:TEXT:NUMBER, "
					  "copy_code:EXAMPLE or flow:TEXT:FLOW_ID", spec);
	if (k == 3) {
		*out = json_pack("{s:s,s:s}", "type", types[k], "example", rest);
		return check_len("--button copy_code", rest, COUPON_MAX);
	}
	const char *colon = keys[k] ? strchr(rest, ':') : NULL;
	if (keys[k] && (!colon || colon == rest || !colon[1]))
		return wb_err(EX_DATAERR, "--button '%s': want %s:TEXT:%s", spec, kinds[k], k == 1 ? "URL" : "VALUE");
	char *text = colon ? xstrndup(rest, (size_t)(colon - rest)) : xstrdup(rest);
	*out = json_pack("{s:s,s:s}", "type", types[k], "text", text);
	int rc = *text ? check_len("--button", text, 25) : wb_err(EX_DATAERR, "--button '%s': no text", spec);
	free(text);
	if (colon)
		json_object_set_new(*out, keys[k], json_string(colon + 1));
	if (!rc && k == 1 && !is_url(colon + 1))
		rc = wb_err(EX_DATAERR, "--button '%s': the URL is http(s)", spec);
	if (!rc && k == 1)
		need_vars(ns, "url", colon + 1);
	return rc;
}

static int create_buttons(const tcreate *c, needs *ns, json_t *comps)
{
	if (!c->nbuttons)
		return 0;
	if (c->nbuttons > 10)
		return wb_err(EX_DATAERR, "--button: %zu given; a template has 10 at most", c->nbuttons);
	json_t *list = json_array();
	json_array_append_new(comps, json_pack("{s:s,s:o}", "type", "BUTTONS", "buttons", list));
	int rc = 0;
	for (size_t i = 0; i < c->nbuttons && !rc; i++) {
		json_t *b;
		rc = create_button(c->buttons[i], ns, &b);
		if (b)
			json_array_append_new(list, b);
	}
	return rc;
}

static const char *need_example(const char *key, void *ctx)
{
	(void)key;
	return ctx;
}

/* The examples, where Meta wants them: header, body, each URL button
 * (the whole URL, filled). */
static void attach_examples(json_t *comps, const needs *ns, int named)
{
	size_t i, url = 0;
	json_t *c, *b;
	json_array_foreach(comps, i, c) {
		const char *type = json_str(c, "type");
		json_t *ex = !strcmp(type, "HEADER") ? text_example(ns, "header", named)
			   : !strcmp(type, "BODY") ? text_example(ns, "body", named) : NULL;
		if (ex)
			json_object_set_new(c, "example", ex);
		size_t k;
		json_array_foreach(json_object_get(c, "buttons"), k, b) {
			const char *target = json_str(b, "url");
			while (url < ns->n && strcmp(ns->v[url].where, "url"))
				url++;
			char *filled;
			if (!target || !tmpl_has(target) || url == ns->n ||
			    tmpl_render(target, need_example, (void *)ns->v[url++].example, &filled))
				continue;
			json_object_set_new(b, "example", json_pack("[s]", filled));
			free(filled);
		}
	}
}

/* Meta's rules for the texts: a name of lower-case letters, digits and
 * _; parameters {{1}} … {{n}} or all named; none at the body's ends. */
static int create_checks(const tcreate *c, const needs *ns)
{
	for (const char *p = c->name; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
			return wb_err(EX_DATAERR, "'%s': a template name is lower-case letters, digits and _", c->name);
	if (!*c->name || strlen(c->name) > 512)
		return wb_err(EX_DATAERR, "'%s': a template name is 1 to 512 characters", c->name);
	if (ns->named && ns->numbered)
		return wb_err(EX_DATAERR, "--header and --body: parameters are all numbered ({{1}} …) or all named");
	long n = 0;
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i].where, "body") && is_number(ns->v[i].name) &&
		    strtol(ns->v[i].name, NULL, 10) != ++n)
			return wb_err(EX_DATAERR, "--body: parameters are numbered {{1}}, {{2}} … in turn; {{%ld}} is "
						  "missing", n);
	char *b = strtrim(xstrdup(c->body));
	size_t len = strlen(b);
	int edge = !strncmp(b, "{{", 2) || (len > 1 && !strcmp(b + len - 2, "}}"));
	free(b);
	if (edge)
		return wb_err(EX_DATAERR, "--body: Meta refuses a body that starts or ends with a parameter");
	names f;
	vars_of(c->footer, &f);
	int footer_vars = f.n > 0;
	names_free(&f);
	return footer_vars ? wb_err(EX_DATAERR, "--footer: a footer takes no parameters")
			   : c->footer ? check_len("--footer", c->footer, HEADER_MAX) : 0;
}

int tcreate_json(const tcreate *c, json_t **out)
{
	static const char *const categories[] = {"MARKETING", "UTILITY", "AUTHENTICATION", NULL};
	*out = NULL;
	size_t k = 0;
	while (c->category && categories[k] && strcasecmp(c->category, categories[k]))
		k++;
	if (!c->category || !categories[k])
		return wb_err(EX_DATAERR, "--category: marketing, utility or authentication");
	if (!c->body || !*c->body)
		return wb_err(EX_DATAERR, "--body: a template has a body");
	needs ns = {0};
	json_t *comps = json_array(), *h = NULL;
	int rc = c->header ? create_header(c->header, &ns, &h) : 0;
	if (h)
		json_array_append_new(comps, h);
	if (!rc && !(rc = check_len("--body", c->body, BODY_MAX))) {
		need_vars(&ns, "body", c->body);
		json_array_append_new(comps, json_pack("{s:s,s:s}", "type", "BODY", "text", c->body));
		rc = create_checks(c, &ns);
	}
	if (!rc && c->footer)
		json_array_append_new(comps, json_pack("{s:s,s:s}", "type", "FOOTER", "text", c->footer));
	int named = ns.named;
	if (!rc && !(rc = create_buttons(c, &ns, comps)) && !(rc = give_examples(c, &ns)))
		attach_examples(comps, &ns, named);
	if (!rc)
		*out = json_pack("{s:s,s:s,s:s,s:s,s:O}", "name", c->name, "language", c->lang ? c->lang : "en_US",
				 "category", categories[k], "parameter_format", named ? "NAMED" : "POSITIONAL",
				 "components", comps);
	json_decref(comps);
	needs_free(&ns);
	return rc;
}
