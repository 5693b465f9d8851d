/*
 * templates.c — the fake Cloud API's message templates: the store
 * (--templates FILE, and what clients create), GET /{WABA}/message_templates
 * with cursor paging (--page-size), POST to create (status --create-status),
 * DELETE by name (or hsm_id), the status changes a test asks for with
 * POST /_fake/template_status (posted back as template webhooks), and the
 * check of template sends against the store, with Meta's codes: 132001
 * (no such name and language, or not approved), 132015 paused, 132016
 * disabled, 132000 (parameter count), 132012 (parameter format), 132018
 * (a text Meta refuses). An empty store checks nothing, as the fake did
 * before it had templates.
 *
 * Its reading of a template is its own, written apart from wb's, so the
 * tests compare two readings of Meta's rules.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fakeapi.h"

static pthread_mutex_t t_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *store; /* array of Meta-shaped template objects */
static unsigned long long next_id = 1418820573306700ULL;

static char *json_take(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static char *bad(const char *details)
{
    return meta_error_body(100, "(#100) Invalid parameter", details, 0);
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

int templates_init(void)
{
    store = json_array();
    return store ? 0 : -1;
}

void templates_free(void)
{
    json_decref(store);
    store = NULL;
}

int templates_load(const char *path, char *err, size_t errlen)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    json_t *list = json_is_object(j) ? json_object_get(j, "data") : j, *t;
    size_t i;
    if (!json_is_array(list)) {
        snprintf(err, errlen, "--templates %s: a JSON array of templates (%s)",
                 path, j ? "not an array" : e.text);
        json_decref(j);
        return -1;
    }
    json_array_foreach(list, i, t) {
        if (!str(t, "name") || !str(t, "language")) {
            snprintf(err, errlen, "--templates %s: template %zu has no name "
                     "or language", path, i);
            json_decref(j);
            return -1;
        }
        if (!str(t, "id")) {
            char id[24];
            snprintf(id, sizeof id, "%llu", next_id++);
            json_object_set_new(t, "id", json_string(id));
        }
        json_array_append(store, t);
    }
    json_decref(j);
    return 0;
}

/* The index of name in lang, or -1. Under t_lock. */
static long find(const char *name, const char *lang)
{
    size_t i;
    json_t *t;
    json_array_foreach(store, i, t) {
        if (!strcmp(str(t, "name"), name) &&
            (!lang || !strcmp(str(t, "language"), lang)))
            return (long)i;
    }
    return -1;
}

/* ---- GET: pages of --page-size, cursors "MTAx" + the next index */

char *templates_list(const char *limit, const char *after, const char *url,
                     unsigned *status)
{
    long size = limit ? strtol(limit, NULL, 10) : 25, from = 0;
    if (size <= 0 || size > 1000) size = 25;
    if (cfg.page_size && (unsigned long)size > cfg.page_size)
        size = (long)cfg.page_size;
    if (after && (strncmp(after, "MTAx", 4) ||
                  (from = strtol(after + 4, NULL, 10)) <= 0)) {
        *status = 400;
        return bad("Param after is not a cursor of this listing");
    }
    pthread_mutex_lock(&t_lock);
    long n = (long)json_array_size(store);
    json_t *data = json_array();
    for (long i = from; i < n && i < from + size; i++)
        json_array_append(data, json_array_get(store, (size_t)i));
    pthread_mutex_unlock(&t_lock);
    char before[32], next_c[32];
    snprintf(before, sizeof before, "MTAx%ld", from);
    snprintf(next_c, sizeof next_c, "MTAx%ld", from + size);
    json_t *paging = json_pack("{s:{s:s,s:s}}", "cursors", "before", before,
                               "after", next_c);
    if (from + size < n) {
        char next[600];
        snprintf(next, sizeof next, "%.500s?limit=%ld&after=%s", url, size,
                 next_c);
        json_object_set_new(paging, "next", json_string(next));
    }
    *status = 200;
    return json_take(json_pack("{s:o,s:o}", "data", data, "paging", paging));
}

/* ---- POST: a new template, PENDING unless --create-status says otherwise */

static int name_ok(const char *s)
{
    for (const char *p = s; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
            *p != '_')
            return 0;
    return *s && strlen(s) <= 512;
}

static const char *create_problem(json_t *b)
{
    static const char *const cats[] = {"MARKETING", "UTILITY",
                                       "AUTHENTICATION", NULL};
    const char *name = str(b, "name"), *cat = str(b, "category");
    if (!json_is_object(b)) return "Request body must be a JSON object";
    if (!name || !name_ok(name))
        return "Param name must be lower-case letters, digits and underscores";
    if (!str(b, "language")) return "Parameter language is required";
    size_t i;
    for (i = 0; cat && cats[i] && strcasecmp(cat, cats[i]); i++) {}
    if (!cat || !cats[i])
        return "Param category must be one of {MARKETING, UTILITY, "
               "AUTHENTICATION}";
    json_t *comps = json_object_get(b, "components"), *c;
    int body = 0;
    json_array_foreach(comps, i, c)
        body |= str(c, "type") && !strcasecmp(str(c, "type"), "BODY");
    return body ? NULL : "Param components must hold a BODY";
}

char *templates_create(json_t *body, unsigned *status)
{
    const char *why = create_problem(body);
    *status = 400;
    if (why) return bad(why);
    pthread_mutex_lock(&t_lock);
    if (find(str(body, "name"), str(body, "language")) >= 0) {
        pthread_mutex_unlock(&t_lock);
        return meta_error_body(100, "(#100) Invalid parameter",
                               "Content in this language already exists",
                               2388024);
    }
    json_t *t = json_deep_copy(body);
    char id[24], cat[32];
    snprintf(id, sizeof id, "%llu", next_id++);
    snprintf(cat, sizeof cat, "%s", str(body, "category"));
    for (char *p = cat; *p; p++) *p = (char)toupper((unsigned char)*p);
    json_object_set_new(t, "id", json_string(id));
    json_object_set_new(t, "status", json_string(cfg.create_status));
    json_object_set_new(t, "category", json_string(cat));
    json_object_set_new(t, "quality_score", json_pack("{s:s}", "score",
                                                      "UNKNOWN"));
    json_array_append_new(store, t);
    pthread_mutex_unlock(&t_lock);
    *status = 200;
    return json_take(json_pack("{s:s,s:s,s:s}", "id", id, "status",
                               cfg.create_status, "category", cat));
}

/* ---- DELETE ?name=NAME[&hsm_id=ID] */

char *templates_delete(const char *name, const char *hsm_id, unsigned *status)
{
    *status = 400;
    if (!name) return bad("Parameter name is required");
    int gone = 0;
    pthread_mutex_lock(&t_lock);
    for (size_t i = json_array_size(store); i-- > 0;) {
        json_t *t = json_array_get(store, i);
        if (strcmp(str(t, "name"), name) ||
            (hsm_id && strcmp(str(t, "id"), hsm_id)))
            continue;
        json_array_remove(store, i);
        gone++;
    }
    pthread_mutex_unlock(&t_lock);
    if (!gone) return bad("Message template not found");
    *status = 200;
    return strdup("{\"success\":true}");
}

/* ---- POST /_fake/template_status: a status or quality change, posted
 * back as Meta's template webhook */

static char *webhook_body(json_t *t, const char *field, json_t *value)
{
    json_object_set_new(value, "message_template_id",
                        json_integer(strtoll(str(t, "id"), NULL, 10)));
    json_object_set_new(value, "message_template_name",
                        json_string(str(t, "name")));
    json_object_set_new(value, "message_template_language",
                        json_string(str(t, "language")));
    json_t *root = json_pack("{s:s,s:[{s:s,s:I,s:[{s:o,s:s}]}]}", "object",
                             "whatsapp_business_account", "entry", "id",
                             cfg.waba_id, "time", (json_int_t)time(NULL),
                             "changes", "value", value, "field", field);
    return json_take(root);
}

char *templates_set_status(json_t *body, unsigned *status)
{
    const char *name = str(body, "name"), *lang = str(body, "language");
    const char *event = str(body, "event"), *quality = str(body, "quality");
    *status = 400;
    if (!name || !lang || (!event == !quality))
        return json_take(json_pack("{s:s}", "error", "want {\"name\", "
                                   "\"language\", and \"event\" or \"quality\"}"));
    pthread_mutex_lock(&t_lock);
    long i = find(name, lang);
    json_t *t = i < 0 ? NULL : json_array_get(store, (size_t)i);
    char *hook = NULL;
    if (t && event) {
        json_object_set_new(t, "status", json_string(event));
        const char *reason = str(body, "reason");
        hook = webhook_body(t, "message_template_status_update",
                            json_pack("{s:s,s:s,s:s}", "event", event,
                                      "reason", reason ? reason : "NONE",
                                      "message_template_category",
                                      str(t, "category") ? str(t, "category")
                                                         : "UTILITY"));
    } else if (t) {
        json_t *q = json_object_get(t, "quality_score");
        const char *prev = str(q, "score") ? str(q, "score") : "UNKNOWN";
        json_t *value = json_pack("{s:s,s:s}", "previous_quality_score", prev,
                                  "new_quality_score", quality);
        json_object_set_new(t, "quality_score",
                            json_pack("{s:s}", "score", quality));
        hook = webhook_body(t, "message_template_quality_update", value);
    }
    pthread_mutex_unlock(&t_lock);
    if (!t)
        return json_take(json_pack("{s:s}", "error", "no such template"));
    int posted = hook && cfg.webhook_url;
    if (posted) webhook_raw(hook);
    else free(hook);
    *status = 200;
    return json_take(json_pack("{s:b,s:b}", "success", 1, "posted", posted));
}

/* ---- the check of a template send */

/* The distinct {{…}} of a text (their names into names). */
static size_t vars_in(const char *text, json_t *names)
{
    for (const char *p = text; p && (p = strstr(p, "{{"));) {
        const char *e = strstr(p + 2, "}}");
        if (!e) break;
        json_t *n = json_stringn(p + 2, (size_t)(e - p - 2));
        size_t i;
        json_t *x;
        int seen = 0;
        json_array_foreach(names, i, x) seen |= json_equal(x, n);
        if (seen) json_decref(n);
        else json_array_append_new(names, n);
        p = e + 2;
    }
    return json_array_size(names);
}

/* The parameters the send gives a component (a button by its index). */
static json_t *sent_params(json_t *tmpl, const char *type, long index)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(tmpl, "components"), i, c) {
        const char *t = str(c, "type"), *idx = str(c, "index");
        if (t && !strcasecmp(t, type) &&
            (index < 0 || (idx && strtol(idx, NULL, 10) == index)))
            return json_object_get(c, "parameters");
    }
    return NULL;
}

static long fail(char *details, size_t cap, long code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static long fail(char *details, size_t cap, long code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(details, cap, fmt, ap);
    va_end(ap);
    return code;
}

/* A header or body: the count, names when named, and Meta's text rules. */
static long check_texts(json_t *def, json_t *params, const char *part,
                        int named, char *details, size_t cap)
{
    json_t *names = json_array(), *p;
    size_t want = vars_in(str(def, "text"), names), got = json_array_size(params), i;
    long code = 0;
    if (want != got)
        code = fail(details, cap, 132000, "%s: number of localizable_params "
                    "(%zu) does not match the expected number of params (%zu)",
                    part, got, want);
    json_array_foreach(params, i, p) {
        const char *pn = str(p, "parameter_name"), *text = str(p, "text");
        json_t *n = pn ? json_string(pn) : NULL;
        int known = 0;
        size_t k;
        json_t *x;
        json_array_foreach(names, k, x) known |= n && json_equal(x, n);
        json_decref(n);
        if (!code && named && !known)
            code = fail(details, cap, 132012, "%s: parameter name is %s",
                        part, pn ? "not one of the template's"
                                 : "missing or empty");
        if (!code && text && (strpbrk(text, "\n\t") || strstr(text, "     ")))
            code = fail(details, cap, 132018, "Param text cannot have "
                        "new-line/tab characters or more than 4 consecutive "
                        "spaces");
    }
    json_decref(names);
    return code;
}

static long check_header(json_t *def, json_t *params, char *details,
                         size_t cap, int named)
{
    const char *fmt = str(def, "format") ? str(def, "format") : "TEXT";
    if (!strcasecmp(fmt, "TEXT"))
        return check_texts(def, params, "header", named, details, cap);
    char want[16];
    snprintf(want, sizeof want, "%s", !strcasecmp(fmt, "GIF") ? "video" : fmt);
    for (char *p = want; *p; p++) *p = (char)tolower((unsigned char)*p);
    const char *got = str(json_array_get(params, 0), "type");
    if (!got)
        return fail(details, cap, 132000, "header: number of "
                    "localizable_params (%zu) does not match the expected "
                    "number of params (1)", json_array_size(params));
    if (strcmp(got, want))
        return fail(details, cap, 132012, "header: Format mismatch, expected "
                    "%s, received %s", want, got);
    return 0;
}

static long check_buttons(json_t *def, json_t *tmpl, char *details, size_t cap)
{
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(def, "buttons"), i, b) {
        const char *type = str(b, "type"), *url = str(b, "url");
        int needs = (type && !strcasecmp(type, "COPY_CODE")) ||
                    (url && strstr(url, "{{"));
        if (needs && !json_array_size(sent_params(tmpl, "button", (long)i)))
            return fail(details, cap, 132000, "button at index %zu: number "
                        "of parameters (0) does not match the expected number "
                        "of params (1)", i);
    }
    return 0;
}

long templates_check_send(json_t *tmpl, char *details, size_t cap)
{
    const char *name = str(tmpl, "name");
    const char *lang = str(json_object_get(tmpl, "language"), "code");
    pthread_mutex_lock(&t_lock);
    long i = json_array_size(store) ? find(name, lang) : -2;
    json_t *t = i >= 0 ? json_deep_copy(json_array_get(store, (size_t)i)) : NULL;
    pthread_mutex_unlock(&t_lock);
    if (i == -2) return 0; /* no templates: nothing to check against */
    if (!t)
        return fail(details, cap, 132001, "template name (%s) does not exist "
                    "in %s", name, lang);
    const char *status = str(t, "status") ? str(t, "status") : "APPROVED";
    int named = str(t, "parameter_format") &&
                !strcasecmp(str(t, "parameter_format"), "NAMED");
    long code = !strcmp(status, "PAUSED") ? 132015
              : !strcmp(status, "DISABLED") ? 132016
              : strcmp(status, "APPROVED") ? 132001 : 0;
    if (code)
        snprintf(details, cap, "template %s (%s) is %s", name, lang, status);
    size_t k;
    json_t *c;
    json_array_foreach(json_object_get(t, "components"), k, c) {
        const char *type = str(c, "type");
        if (code || !type) continue;
        if (!strcasecmp(type, "HEADER"))
            code = check_header(c, sent_params(tmpl, "header", -1), details,
                                cap, named);
        else if (!strcasecmp(type, "BODY"))
            code = check_texts(c, sent_params(tmpl, "body", -1), "body", named,
                               details, cap);
        else if (!strcasecmp(type, "BUTTONS"))
            code = check_buttons(c, tmpl, details, cap);
    }
    json_decref(t);
    return code;
}
