#include "cloudapi.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "err.h"
#include "util.h"
#include "version.h"

/* ------------------------------------------------------------ bodies */

static const char *const type_names[] = {
	[MSG_TEXT] = "text", [MSG_IMAGE] = "image", [MSG_VIDEO] = "video",
	[MSG_AUDIO] = "audio", [MSG_DOCUMENT] = "document", [MSG_STICKER] = "sticker",
	[MSG_LOCATION] = "location", [MSG_TEMPLATE] = "template",
	[MSG_INTERACTIVE] = "interactive", [MSG_REACTION] = "reaction",
};

const char *api_type_name(api_msg_type t)
{
	return type_names[t];
}

static json_t *media_object(const api_msg *m)
{
	json_t *o = json_object();
	if (m->media_id)
		json_set_str(o, "id", m->media_id);
	else
		json_set_str(o, "link", m->link);
	/* audio and stickers take no caption; only documents a filename */
	if (m->type != MSG_AUDIO && m->type != MSG_STICKER)
		json_set_str(o, "caption", m->caption);
	if (m->type == MSG_DOCUMENT)
		json_set_str(o, "filename", m->filename);
	if (m->type == MSG_AUDIO && m->voice)
		json_object_set_new(o, "voice", json_true());
	return o;
}

static const char *const tv_names[] = {
	[TV_TEXT] = "text", [TV_CURRENCY] = "currency", [TV_DATE_TIME] = "date_time", [TV_IMAGE] = "image",
	[TV_VIDEO] = "video", [TV_DOCUMENT] = "document", [TV_LOCATION] = "location", [TV_PAYLOAD] = "payload",
	[TV_COUPON] = "coupon_code", [TV_FLOW] = "action",
};

/* One entry of "parameters": {"type": KIND, KIND: …}, named or not. */
static json_t *template_value(const api_tvalue *v)
{
	const char *kind = tv_names[v->kind];
	json_t *p = json_pack("{s:s}", "type", kind), *inner = NULL;
	switch (v->kind) {
	case TV_TEXT:
	case TV_PAYLOAD:
	case TV_COUPON:
		json_set_str(p, kind, v->text);
		break;
	case TV_CURRENCY:
		inner = json_pack("{s:s,s:s,s:I}", "fallback_value", v->text, "code", v->code, "amount_1000",
				  (json_int_t)v->amount_1000);
		break;
	case TV_DATE_TIME:
		inner = json_pack("{s:s}", "fallback_value", v->text);
		break;
	case TV_IMAGE:
	case TV_VIDEO:
	case TV_DOCUMENT:
		inner = json_pack("{s:s}", v->is_id ? "id" : "link", v->text);
		break;
	case TV_LOCATION:
		inner = json_pack("{s:f,s:f}", "latitude", v->lat, "longitude", v->lon);
		break;
	case TV_FLOW:
		inner = json_pack("{s:s}", "flow_token", v->text);
		break;
	}
	if (inner)
		json_object_set_new(p, kind, inner);
	json_set_str(p, "parameter_name", v->name);
	return p;
}

static json_t *template_object(const api_msg *m)
{
	json_t *t = json_pack("{s:s,s:{s:s}}", "name", m->tmpl, "language", "code", m->lang ? m->lang : "en_US");
	json_t *comps = json_array();
	for (size_t i = 0; i < m->ntcomps; i++) {
		const api_tcomp *c = &m->tcomps[i];
		json_t *params = json_array();
		for (size_t k = 0; k < c->n; k++)
			json_array_append_new(params, template_value(&c->v[k]));
		json_t *o = json_pack("{s:s}", "type", c->type);
		if (c->sub_type) {
			char idx[24];
			snprintf(idx, sizeof idx, "%d", c->index);
			json_object_set_new(o, "sub_type", json_string(c->sub_type));
			json_object_set_new(o, "index", json_string(idx));
		}
		json_object_set_new(o, "parameters", params);
		json_array_append_new(comps, o);
	}
	if (json_array_size(comps))
		json_object_set_new(t, "components", comps);
	else
		json_decref(comps);
	return t;
}

static json_t *buttons_object(const api_msg *m)
{
	json_t *buttons = json_array();
	for (size_t i = 0; i < m->nchoices; i++) {
		const char *c = m->choices[i], *colon = strchr(c, ':');
		if (!colon || colon == c || !colon[1]) {
			json_decref(buttons);
			wb_err(EX_DATAERR, "--choice '%s': want ID:TITLE", c);
			return NULL;
		}
		char *id = xstrndup(c, (size_t)(colon - c));
		json_array_append_new(buttons, json_pack("{s:s,s:{s:s,s:s}}", "type", "reply", "reply",
							 "id", id, "title", colon + 1));
		free(id);
	}
	return json_pack("{s:s,s:{s:s},s:{s:o}}", "type", "button", "body", "text", m->text ? m->text : "",
			 "action", "buttons", buttons);
}

json_t *api_msg_json(const api_msg *m)
{
	const char *type = type_names[m->type];
	/* a user without a phone number is sent to by user ID, in a field of
	 * its own (Meta: when both are given, "to" wins) */
	json_t *body = json_pack("{s:s,s:s,s:s,s:s}", "messaging_product", "whatsapp", "recipient_type",
				 "individual", m->to ? "to" : "recipient", m->to ? m->to : m->recipient ? m->recipient : "",
				 "type", type);
	json_t *content = NULL;
	switch (m->type) {
	case MSG_TEXT:
		content = json_object();
		if (m->preview_url >= 0)
			json_object_set_new(content, "preview_url", json_boolean(m->preview_url));
		json_set_str(content, "body", m->text);
		break;
	case MSG_IMAGE:
	case MSG_VIDEO:
	case MSG_AUDIO:
	case MSG_DOCUMENT:
	case MSG_STICKER:
		content = media_object(m);
		break;
	case MSG_LOCATION:
		content = json_pack("{s:f,s:f}", "latitude", strtod(m->lat, NULL), "longitude",
				    strtod(m->lon, NULL));
		json_set_str(content, "name", m->place);
		json_set_str(content, "address", m->address);
		break;
	case MSG_TEMPLATE:
		content = template_object(m);
		break;
	case MSG_INTERACTIVE:
		content = m->interactive ? json_incref(m->interactive) : buttons_object(m);
		break;
	case MSG_REACTION:
		content = json_pack("{s:s,s:s}", "message_id", m->reply_to ? m->reply_to : "",
				    "emoji", m->emoji ? m->emoji : "");
		break;
	}
	if (!content) {
		json_decref(body);
		return NULL;
	}
	json_object_set_new(body, type, content);
	if (m->reply_to && m->type != MSG_REACTION)
		json_object_set_new(body, "context", json_pack("{s:s}", "message_id", m->reply_to));
	json_set_str(body, "biz_opaque_callback_data", m->tag);
	return body;
}

json_t *api_read_json(const char *wamid, int typing)
{
	json_t *body = json_pack("{s:s,s:s,s:s}", "messaging_product", "whatsapp", "status", "read",
				 "message_id", wamid);
	if (typing)
		json_object_set_new(body, "typing_indicator", json_pack("{s:s}", "type", "text"));
	return body;
}

/* The significant digits of a decimal number as written ("-037.460" has
 * 5): printed with that many, its double gives those digits back. */
static int digits_of(const char *s)
{
	int n = 0, lead = 1;
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (*s != '0')
			lead = 0;
		n += !lead;
	}
	return n;
}

char *api_msg_body(const api_msg *m)
{
	json_t *j = api_msg_json(m);
	if (!j)
		return NULL;
	/* a body's only reals are a location's: printed with as many digits
	 * as the user gave (a double has at most 17 worth printing) */
	int prec = 17;
	if (m->type == MSG_LOCATION) {
		int a = digits_of(m->lat), b = digits_of(m->lon);
		prec = a > b ? a : b;
		prec = prec < 1 ? 1 : prec > 17 ? 17 : prec;
	}
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(prec));
	json_decref(j);
	return s;
}

/* ------------------------------------------------------------ answers */

int api_result_parse(long http, const char *body, api_result *r)
{
	memset(r, 0, sizeof *r);
	json_t *j = body && *body ? json_loads(body, 0, NULL) : NULL;
	json_t *err = json_object_get(j, "error");
	if (http >= 200 && http < 300 && !err) {
		const char *id = json_string_value(json_object_get(json_array_get(json_object_get(j, "messages"), 0), "id"));
		if (!id) /* other endpoints answer {"id":…} or {"success":true} */
			id = json_string_value(json_object_get(j, "id"));
		r->wamid = xstrdup(id ? id : "");
		json_decref(j);
		return 0;
	}
	if (err) {
		r->code = (long)json_integer_value(json_object_get(err, "code"));
		r->subcode = (long)json_integer_value(json_object_get(err, "error_subcode"));
		const char *msg = json_string_value(json_object_get(err, "message"));
		const char *det = json_string_value(json_object_get(json_object_get(err, "error_data"), "details"));
		r->message = msg ? xstrdup(msg) : NULL;
		r->details = det ? xstrdup(det) : NULL;
	} else {
		r->message = http ? xasprintf("HTTP %ld without an error body", http) : xstrdup("no answer");
	}
	json_decref(j);
	return 1;
}

void api_result_free(api_result *r)
{
	free(r->wamid);
	free(r->message);
	free(r->details);
	memset(r, 0, sizeof *r);
}

char *api_result_text(const api_result *r)
{
	sb b = {0};
	sb_puts(&b, r->message ? r->message : "error");
	if (r->details && (!r->message || !strstr(r->message, r->details)))
		sb_printf(&b, ": %s", r->details);
	/* a message that is one line, even when Meta's had breaks */
	for (char *p = b.s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return sb_take(&b);
}

api_outcome api_classify(long http, long code)
{
	if (http >= 200 && http < 300 && !code)
		return API_SENT;
	if (http == 401 || code == 190)
		return API_AUTH;
	/* 130429 throughput, 131056 pair rate, 131048 spam rate, 131000
	 * "something went wrong": Meta says slow down and try again */
	if (http == 0 || http == 429 || http >= 500 || code == 130429 || code == 131056 ||
	    code == 131048 || code == 131000)
		return API_RETRY;
	return API_FAILED;
}

/* ------------------------------------------------------------ HTTP */

struct api {
	char *base, *phone;
	CURLM *multi;
	struct curl_slist *json_headers, *auth_headers, *upload_headers;
	long timeout_ms;
	int inflight;
	CURL **idle;
	size_t nidle, idle_cap;
};

/* What one request carries while in flight. */
struct req {
	void *tag;
	sb body;
	double retry_after;
	char error[CURL_ERROR_SIZE];
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	sb_add(&((struct req *)ctx)->body, p, size * n);
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct req *q = ctx;
	size_t len = size * n;
	if (len > 12 && !strncasecmp(p, "Retry-After:", 12))
		q->retry_after = strtod(p + 12, NULL); /* the date form is not used by Meta */
	return len;
}

int api_open(int concurrency, api **out)
{
	char *url = NULL, *phone = NULL, *token = NULL;
	int rc = config_get("WB_API_URL", &url);
	if (!rc)
		rc = config_need("WB_PHONE_ID", &phone);
	if (!rc)
		rc = config_need("WB_TOKEN", &token);
	if (rc) {
		free(url);
		free(phone);
		free(token);
		return rc;
	}
	config_private();
	static int inited;
	if (!inited++)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	api *a = xcalloc(1, sizeof *a);
	a->base = url ? url : xstrdup(API_DEFAULT_URL);
	size_t bl = strlen(a->base);
	while (bl && a->base[bl - 1] == '/')
		a->base[--bl] = 0;
	a->phone = phone;
	char *auth = xasprintf("Authorization: Bearer %s", token);
	a->auth_headers = curl_slist_append(NULL, auth);
	/* no 100-continue round trip before each body */
	a->auth_headers = curl_slist_append(a->auth_headers, "Expect:");
	a->json_headers = curl_slist_append(NULL, auth);
	a->json_headers = curl_slist_append(a->json_headers, "Expect:");
	a->json_headers = curl_slist_append(a->json_headers, "Content-Type: application/json");
	/* the Resumable Upload API takes a file's bytes with "OAuth" */
	char *oauth = xasprintf("Authorization: OAuth %s", token);
	a->upload_headers = curl_slist_append(NULL, oauth);
	a->upload_headers = curl_slist_append(a->upload_headers, "Expect:");
	a->upload_headers = curl_slist_append(a->upload_headers, "file_offset: 0");
	a->upload_headers = curl_slist_append(a->upload_headers, "Content-Type: application/octet-stream");
	memset(oauth, 0, strlen(oauth));
	free(oauth);
	memset(auth, 0, strlen(auth));
	memset(token, 0, strlen(token));
	free(auth);
	free(token);
	char *t = NULL;
	/* optional: a file refused has failed the settings above, unless
	 * the environment holds them all */
	config_get("WB_API_TIMEOUT", &t);
	double secs = t && *t ? strtod(t, NULL) : 30;
	free(t);
	a->timeout_ms = secs > 0 ? (long)(secs * 1000) : 30000;
	a->multi = curl_multi_init();
	if (concurrency < 1)
		concurrency = 1;
	curl_multi_setopt(a->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(a->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)concurrency);
	curl_multi_setopt(a->multi, CURLMOPT_MAXCONNECTS, (long)concurrency);
	*out = a;
	return 0;
}

void api_close(api *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nidle; i++)
		curl_easy_cleanup(a->idle[i]);
	curl_multi_cleanup(a->multi);
	curl_slist_free_all(a->json_headers);
	curl_slist_free_all(a->auth_headers);
	curl_slist_free_all(a->upload_headers);
	free(a->idle);
	free(a->base);
	free(a->phone);
	free(a);
}

/* An easy handle set up for {url}/{node} (the phone number's when node
 * is NULL) and /{edge} when not NULL, from the idle pool when there is one
 * (reusing it keeps its connection warm). */
static CURL *handle_url(api *a, const char *url, struct req *q)
{
	CURL *h = a->nidle ? a->idle[--a->nidle] : curl_easy_init();
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, q);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, q);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, q);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, q->error);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, a->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, a->timeout_ms < 10000 ? a->timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "wb/" WB_VERSION);
	return h;
}

static CURL *handle_at(api *a, const char *node, const char *edge, struct req *q)
{
	char *url = xasprintf("%s/%s%s%s", a->base, node ? node : a->phone, edge ? "/" : "", edge ? edge : "");
	CURL *h = handle_url(a, url, q);
	free(url);
	return h;
}

static CURL *handle(api *a, const char *endpoint, struct req *q)
{
	return handle_at(a, NULL, endpoint, q);
}

int api_start(api *a, const char *endpoint, const char *json, void *tag)
{
	return api_start_as(a, NULL, endpoint, json, tag);
}

int api_start_as(api *a, const char *phone_id, const char *endpoint, const char *json, void *tag)
{
	struct req *q = xcalloc(1, sizeof *q);
	q->tag = tag;
	CURL *h = handle_at(a, phone_id, endpoint, q);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, a->json_headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
	curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, json);
	curl_multi_add_handle(a->multi, h);
	a->inflight++;
	return 0;
}

int api_inflight(const api *a)
{
	return a->inflight;
}

static void finish(api *a, CURL *h, CURLcode res, api_reply *r)
{
	struct req *q;
	curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&q);
	memset(r, 0, sizeof *r);
	r->tag = q->tag;
	r->retry_after = q->retry_after;
	if (res == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->http);
	else
		snprintf(r->error, sizeof r->error, "%s", *q->error ? q->error : curl_easy_strerror(res));
	if (!q->body.s)
		sb_puts(&q->body, "");
	r->body_len = q->body.len;
	r->body = sb_take(&q->body);
	free(q);
	curl_multi_remove_handle(a->multi, h);
	if (a->nidle == a->idle_cap) {
		a->idle_cap = a->idle_cap ? 2 * a->idle_cap : 16;
		a->idle = xrealloc(a->idle, a->idle_cap * sizeof *a->idle);
	}
	a->idle[a->nidle++] = h;
	a->inflight--;
}

int api_next(api *a, int timeout_ms, api_reply *r)
{
	/* answers already read come first: a transfer pass walks every
	 * handle, so it runs only when none is waiting */
	for (int pass = 0;; pass++) {
		int running, left;
		CURLMsg *m;
		while ((m = curl_multi_info_read(a->multi, &left)))
			if (m->msg == CURLMSG_DONE) {
				finish(a, m->easy_handle, m->data.result, r);
				return 1;
			}
		if (pass == 2 || !a->inflight)
			return 0;
		if (pass == 1)
			curl_multi_poll(a->multi, NULL, 0, timeout_ms, NULL);
		curl_multi_perform(a->multi, &running);
	}
}

int api_wait(api *a, int timeout_ms, int fd)
{
	struct curl_waitfd w = {.fd = fd, .events = CURL_WAIT_POLLIN};
	curl_multi_poll(a->multi, &w, fd >= 0, timeout_ms, NULL);
	return (w.revents & CURL_WAIT_POLLIN) != 0;
}

void api_reply_free(api_reply *r)
{
	free(r->body);
	r->body = NULL;
}

/* The exit code and message for a failed synchronous call. */
int api_reply_error(const char *what, const api_reply *r)
{
	if (!r->http)
		return wb_err(EX_UNAVAILABLE, "%s: the Cloud API is unreachable: %s", what, r->error);
	api_result res;
	api_result_parse(r->http, r->body, &res);
	char *text = api_result_text(&res);
	api_outcome o = api_classify(r->http, res.code);
	int rc = wb_err(o == API_AUTH ? EX_CONFIG : o == API_RETRY ? EX_TEMPFAIL : EX_DATAERR,
			"%s: the Cloud API refused (HTTP %ld): %s", what, r->http, text);
	free(text);
	api_result_free(&res);
	return rc;
}

static int wait_one(api *a, api_reply *r)
{
	while (!api_next(a, 1000, r))
		;
	return r->http >= 200 && r->http < 300 ? 0 : 1;
}

/* Runs a request set up on h and waits for it: 0, or api_reply_error's code
 * (what names it). r is filled either way. */
static int run_one(api *a, CURL *h, const char *what, api_reply *r)
{
	curl_multi_add_handle(a->multi, h);
	a->inflight++;
	return wait_one(a, r) ? api_reply_error(what, r) : 0;
}

/* Runs the request on h for one string member key of its answer
 * (*out, malloc'd); EX_UNAVAILABLE when the answer has none: an answer
 * that is not what Meta documents is no answer for us, as when the API is
 * unreachable (DESIGN's list has no "protocol error"; 69 everywhere). */
static int call_for(api *a, CURL *h, const char *what, const char *key, char **out)
{
	api_reply r;
	int rc = run_one(a, h, what, &r);
	if (!rc) {
		json_t *j = json_loads(r.body, 0, NULL);
		const char *v = json_string_value(json_object_get(j, key));
		*out = v && *v ? xstrdup(v) : NULL;
		json_decref(j);
		if (!*out)
			rc = wb_err(EX_UNAVAILABLE, "%s: the answer holds no %s", what, key);
	}
	api_reply_free(&r);
	return rc;
}

int api_media_info(api *a, const char *media_id, api_media *m)
{
	memset(m, 0, sizeof *m);
	/* it comes from a webhook or an argument and becomes a URL path and
	 * a file name: '../' would leave both (Meta's ids are digits) */
	if (!*media_id || media_id[strspn(media_id, "0123456789")])
		return wb_err(EX_DATAERR, "media id '%s': not one of Meta's (digits)", media_id);
	struct req *q = xcalloc(1, sizeof *q);
	CURL *h = handle_at(a, media_id, NULL, q);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, a->auth_headers);
	api_reply r;
	char *what = xasprintf("media %s", media_id);
	int rc = run_one(a, h, what, &r);
	if (!rc) {
		json_t *j = json_loads(r.body, 0, NULL);
		const char *url = json_string_value(json_object_get(j, "url"));
		const char *sha = json_string_value(json_object_get(j, "sha256"));
		const char *mime = json_string_value(json_object_get(j, "mime_type"));
		/* file_size comes as a number, or as a string of digits */
		json_t *size = json_object_get(j, "file_size");
		m->size = json_is_integer(size) ? json_integer_value(size)
			  : json_is_string(size) ? strtoll(json_string_value(size), NULL, 10) : -1;
		if (url && sha && m->size >= 0) {
			m->url = xstrdup(url);
			m->sha256 = xstrdup(sha);
			m->mime = xstrdup(mime ? mime : "application/octet-stream");
		} else {
			rc = wb_err(EX_UNAVAILABLE, "%s: the answer lacks url, sha256 or file_size", what);
		}
		json_decref(j);
	}
	api_reply_free(&r);
	free(what);
	return rc;
}

void api_media_free(api_media *m)
{
	free(m->url);
	free(m->mime);
	free(m->sha256);
	memset(m, 0, sizeof *m);
}

int api_get_url(api *a, const char *url, api_reply *r, size_t *body_len)
{
	struct req *q = xcalloc(1, sizeof *q);
	CURL *h = handle_url(a, url, q);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, a->auth_headers);
	curl_multi_add_handle(a->multi, h);
	a->inflight++;
	int rc = wait_one(a, r);
	*body_len = r->body_len;
	return rc;
}

int api_display_phone(api *a, char **number)
{
	struct req *q = xcalloc(1, sizeof *q);
	char *node = xasprintf("%s?fields=display_phone_number", a->phone);
	CURL *h = handle_at(a, node, NULL, q);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, a->auth_headers);
	free(node);
	return call_for(a, h, "the phone number", "display_phone_number", number);
}

/* Step 1 of a resumable upload: a session on the app for a file of size
 * bytes and type mime; *session is its id ("upload:…"). */
static int upload_session(api *a, const char *app, const char *path, const char *mime, long long size,
			  char **session)
{
	struct req *q = xcalloc(1, sizeof *q);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	CURL *h = handle_at(a, app, NULL, q);
	char *name = curl_easy_escape(h, base, 0), *type = curl_easy_escape(h, mime, 0);
	char *url = xasprintf("%s/%s/uploads?file_name=%s&file_length=%lld&file_type=%s", a->base, app, name, size,
			      type);
	curl_free(name);
	curl_free(type);
	curl_easy_setopt(h, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, a->auth_headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	return call_for(a, h, "starting an upload session", "id", session);
}

/* Step 2: the file's bytes, all at once (from offset 0); *handle is what
 * other endpoints take ("h"). */
static int upload_file(api *a, const char *session, const char *bytes, size_t n, char **handle_out)
{
	struct req *q = xcalloc(1, sizeof *q);
	CURL *h = handle_at(a, session, NULL, q);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, a->upload_headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)n);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, bytes);
	return call_for(a, h, "uploading the file", "h", handle_out);
}

int api_profile_photo(api *a, const char *path, const char *mime, const char *bytes, size_t n)
{
	char *app = NULL, *session = NULL, *h = NULL;
	int rc = config_need("WB_APP_ID", &app);
	if (!rc)
		rc = upload_session(a, app, path, mime, (long long)n, &session);
	if (!rc)
		rc = upload_file(a, session, bytes, n, &h);
	if (!rc) {
		json_t *body = json_pack("{s:s}", "profile_picture_handle", h);
		char *s = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		rc = api_profile_push(a, s);
		free(s);
	}
	free(app);
	free(session);
	free(h);
	return rc;
}

int api_call(api *a, const char *endpoint, const char *json, api_reply *r)
{
	api_start(a, endpoint, json, NULL);
	if (!wait_one(a, r))
		return 0;
	return api_reply_error(endpoint, r);
}

int api_upload(api *a, const char *path, const char *mime, char **id)
{
	struct req *q = xcalloc(1, sizeof *q);
	CURL *h = handle(a, "media", q);
	curl_mime *form = curl_mime_init(h);
	curl_mimepart *p = curl_mime_addpart(form);
	curl_mime_name(p, "messaging_product");
	curl_mime_data(p, "whatsapp", CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(form);
	curl_mime_name(p, "type");
	curl_mime_data(p, mime, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(form);
	curl_mime_name(p, "file");
	curl_mime_filedata(p, path);
	curl_mime_type(p, mime);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, a->auth_headers);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, form);
	curl_multi_add_handle(a->multi, h);
	a->inflight++;
	api_reply r;
	int rc = 0;
	if (wait_one(a, &r)) {
		char *what = xasprintf("uploading %s", path);
		rc = api_reply_error(what, &r);
		free(what);
	} else {
		api_result res;
		api_result_parse(r.http, r.body, &res);
		if (!*res.wamid)
			rc = wb_err(EX_UNAVAILABLE, "uploading %s: the answer holds no media id", path);
		else
			*id = xstrdup(res.wamid);
		api_result_free(&res);
	}
	api_reply_free(&r);
	curl_mime_free(form);
	return rc;
}

/* A call whose answer is {"success":true}; what names it in messages.
 * Takes body. */
static int call_for_success(api *a, const char *endpoint, json_t *body, const char *what)
{
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	api_reply r;
	int rc = api_call(a, endpoint, s, &r);
	free(s);
	if (!rc) {
		json_t *ans = json_loads(r.body, 0, NULL);
		if (!json_is_true(json_object_get(ans, "success")))
			rc = wb_err(EX_UNAVAILABLE, "%s: the Cloud API did not answer success", what);
		json_decref(ans);
	}
	api_reply_free(&r);
	return rc;
}

int api_profile_push(api *a, const char *body)
{
	json_error_t e;
	json_t *j = json_loads(body, 0, &e);
	if (!json_is_object(j)) {
		json_decref(j);
		return wb_err(EX_DATAERR, "business profile: not a JSON object");
	}
	if (!json_object_get(j, "messaging_product"))
		json_object_set_new(j, "messaging_product", json_string("whatsapp"));
	return call_for_success(a, "whatsapp_business_profile", j, "business profile");
}

int api_mark_read(api *a, const char *wamid, int typing)
{
	int rc = call_for_success(a, "messages", api_read_json(wamid, typing), "marking it read");
	return rc ? wb_err_prefix(rc, "%s: ", wamid) : 0;
}

/* ------------------------------------------------------------ other endpoints */

int api_request(api *a, const char *method, const char *path, const char *json, api_reply *r)
{
	struct req *q = xcalloc(1, sizeof *q);
	CURL *h = handle_at(a, path, NULL, q);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, json ? a->json_headers : a->auth_headers);
	if (json) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
		curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, json);
	}
	if (strcmp(method, json ? "POST" : "GET"))
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_multi_add_handle(a->multi, h);
	a->inflight++;
	if (!wait_one(a, r))
		return 0;
	/* the query (a paging cursor) says nothing a reader needs */
	char *what = xasprintf("%s %.*s", method, (int)strcspn(path, "?"), path);
	int rc = api_reply_error(what, r);
	free(what);
	return rc;
}

/* A query value, percent-encoded. */
static char *query_escape(const char *s)
{
	sb b = {0};
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			sb_putc(&b, (char)*p);
		else
			sb_printf(&b, "%%%02X", *p);
	}
	return b.s ? sb_take(&b) : xstrdup("");
}

/* One page: its items to fn; *after set to the next page's cursor, or
 * NULL on the last page (Meta leaves paging.next out there). */
static int one_page(api *a, const char *path, int (*fn)(json_t *item, void *ctx), void *ctx, char **after)
{
	api_reply r;
	*after = NULL;
	int rc = api_request(a, "GET", path, NULL, &r);
	json_t *j = rc ? NULL : json_loads(r.body, 0, NULL), *data = json_object_get(j, "data"), *item;
	if (!rc && !json_is_array(data))
		rc = wb_err(EX_UNAVAILABLE, "GET %.*s: the answer holds no \"data\" list", (int)strcspn(path, "?"), path);
	size_t i;
	json_array_foreach(data, i, item) {
		if (rc || (rc = fn(item, ctx)))
			break;
	}
	json_t *paging = json_object_get(j, "paging");
	const char *cursor = json_string_value(json_object_get(json_object_get(paging, "cursors"), "after"));
	if (!rc && json_object_get(paging, "next") && cursor && *cursor)
		*after = query_escape(cursor);
	json_decref(j);
	api_reply_free(&r);
	return rc;
}

int api_each_page(api *a, const char *path, int (*fn)(json_t *item, void *ctx), void *ctx)
{
	char *after = NULL;
	int rc = one_page(a, path, fn, ctx, &after);
	/* a bound, in case an answer sends us round in circles */
	for (int pages = 1; !rc && after; pages++) {
		if (pages == 10000) {
			rc = wb_err(EX_UNAVAILABLE, "GET %.*s: more than 10000 pages", (int)strcspn(path, "?"), path);
			break;
		}
		char *p = xasprintf("%s%cafter=%s", path, strchr(path, '?') ? '&' : '?', after);
		free(after);
		rc = one_page(a, p, fn, ctx, &after);
		free(p);
	}
	free(after);
	return rc;
}

int api_messaging_limit(api *a, char **tier)
{
	char *path = xasprintf("%s?fields=whatsapp_business_manager_messaging_limit", a->phone);
	api_reply r;
	*tier = NULL;
	int rc = api_request(a, "GET", path, NULL, &r);
	free(path);
	json_t *j = rc ? NULL : json_loads(r.body, 0, NULL);
	json_t *v = json_object_get(j, "whatsapp_business_manager_messaging_limit");
	if (!rc && json_is_string(v))
		*tier = xstrdup(json_string_value(v));
	else if (!rc && json_is_integer(v))
		*tier = xasprintf("%lld", (long long)json_integer_value(v));
	else if (!rc)
		rc = wb_err(EX_UNAVAILABLE, "the phone number's fields hold no whatsapp_business_manager_messaging_limit");
	json_decref(j);
	api_reply_free(&r);
	return rc;
}
