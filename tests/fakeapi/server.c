/*
 * server.c — the HTTP side of the fake Cloud API (libmicrohttpd, a pool of
 * worker threads on epoll, keep-alive).
 *
 * Owns: routing of /vNN.N/{phone-number-id}/{messages,media,
 * whatsapp_business_profile}, GET /vNN.N/{phone-number-id} (the display
 * number), /vNN.N/{app-id}/uploads and /vNN.N/upload:… (upload.c),
 * bearer-token checks, fault injection (state,
 * command-line and /_fake/faults), the request log (--log), the stored
 * business profile, the webhook sink (/_fake/sink), and answers delayed by
 * slow_ms or held by stall_after. A delayed answer suspends its connection
 * and a timer thread resumes it, so a slow answer never holds up a worker
 * thread or other connections; a held one waits for stall_after to be
 * cleared.
 *
 * Life of a request: the first handler call routes it and sets up its
 * context; body chunks are buffered (JSON) or fed to the multipart parser
 * (media, counted, not kept); the final call decides the answer (decide_*),
 * logs it, and queues it — at once, after slow_ms, or once a stall ends.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>
#include <openssl/crypto.h>

#include "fakeapi.h"

#define MAX_JSON_BODY (64ULL * 1024 * 1024)   /* larger: 413 */
#define MAX_MEDIA_BODY (128ULL * 1024 * 1024) /* documents may be 100 MB */
#define SINK_MAX 10000                        /* webhook posts kept */

struct fake_stats stats;

/* ------------------------------------------------------------------ faults */

static pthread_mutex_t f_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    long rate_limit, server_error, drop, pair_rate, sink_fail; /* countdowns */
    long retry_after;  /* seconds, for rate_limit answers */
    long slow_ms;      /* every API answer delayed this long */
    long stall_after;  /* API answers left before the stall; 0: none set */
    bool stalled;      /* answers are held until stall_after is set again */
    bool async_fail;   /* fail_to recipients: 200, then a failed webhook */
    json_t *fail_to;   /* wa_id → error code */
    char next_wamid[64]; /* the id of the next accepted message, once; "" none */
} F;

static const char *const counter_keys[] = {
    "rate_limit", "server_error", "drop", "pair_rate", "sink_fail",
    "retry_after", "slow_ms", "stall_after", NULL,
};

static long *counter_ptr(const char *key)
{
    if (!strcmp(key, "rate_limit")) return &F.rate_limit;
    if (!strcmp(key, "server_error")) return &F.server_error;
    if (!strcmp(key, "drop")) return &F.drop;
    if (!strcmp(key, "pair_rate")) return &F.pair_rate;
    if (!strcmp(key, "sink_fail")) return &F.sink_fail;
    if (!strcmp(key, "retry_after")) return &F.retry_after;
    if (!strcmp(key, "slow_ms")) return &F.slow_ms;
    if (!strcmp(key, "stall_after")) return &F.stall_after;
    return NULL;
}

static void faults_reset_locked(void)
{
    F.rate_limit = F.server_error = F.drop = F.pair_rate = F.sink_fail = 0;
    F.retry_after = 1;
    F.slow_ms = F.stall_after = 0;
    F.stalled = false;
    F.async_fail = false;
    F.next_wamid[0] = '\0';
    if (F.fail_to) json_object_clear(F.fail_to);
    else F.fail_to = json_object();
}

static void release_held(void);

static int next_wamid_bad(json_t *v, char *err, size_t errlen)
{
    if (json_is_null(v) || (json_is_string(v) && json_string_length(v) &&
                            json_string_length(v) < sizeof F.next_wamid))
        return 0;
    snprintf(err, errlen, "next_wamid must be a message id (1 to %zu "
             "characters) or null", sizeof F.next_wamid - 1);
    return -1;
}

/* The id of an accepted message: the one next_wamid names (once), else a
 * new one. A test names it to deliver its statuses before the answer
 * (Meta's webhooks overtake its answers too). */
static void take_wamid(char *wamid, size_t cap)
{
    pthread_mutex_lock(&f_lock);
    bool named = F.next_wamid[0] != '\0';
    if (named) snprintf(wamid, cap, "%.63s", F.next_wamid);
    F.next_wamid[0] = '\0';
    pthread_mutex_unlock(&f_lock);
    if (!named) new_wamid(wamid, cap);
}

void faults_reset(void)
{
    pthread_mutex_lock(&f_lock);
    faults_reset_locked();
    pthread_mutex_unlock(&f_lock);
    release_held();
}

/* Checks everything first and then applies, so a bad request changes
 * nothing. */
int faults_apply(json_t *obj, char *err, size_t errlen)
{
    if (!json_is_object(obj)) {
        snprintf(err, errlen, "faults must be a JSON object");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        if (counter_ptr(key)) {
            if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                json_integer_value(v) > 1000000000) {
                snprintf(err, errlen, "%s must be a non-negative integer", key);
                return -1;
            }
        } else if (!strcmp(key, "async_fail")) {
            if (!json_is_boolean(v) && !json_is_integer(v)) {
                snprintf(err, errlen, "async_fail must be true or false");
                return -1;
            }
        } else if (!strcmp(key, "next_wamid")) {
            if (next_wamid_bad(v, err, errlen)) return -1;
        } else if (!strcmp(key, "fail_to")) {
            if (json_is_null(v)) continue;
            if (!json_is_object(v)) {
                snprintf(err, errlen, "fail_to must be an object "
                         "{\"PHONE\": CODE, …} or null");
                return -1;
            }
            const char *phone;
            json_t *code;
            json_object_foreach(v, phone, code) {
                char d[32];
                phone_digits(phone, d, sizeof d);
                if (!*d) {
                    snprintf(err, errlen, "fail_to: \"%.40s\" is not a phone "
                             "number", phone);
                    return -1;
                }
                if (!json_is_null(code) && (!json_is_integer(code) ||
                                            json_integer_value(code) < 0)) {
                    snprintf(err, errlen, "fail_to: the code for %.40s must "
                             "be an error code (integer), or 0/null to remove "
                             "it", phone);
                    return -1;
                }
            }
        } else {
            snprintf(err, errlen, "unknown fault \"%.40s\" (known: rate_limit, "
                     "retry_after, server_error, drop, slow_ms, stall_after, "
                     "pair_rate, fail_to, async_fail, sink_fail, next_wamid)",
                     key);
            return -1;
        }
    }
    bool release = false;
    pthread_mutex_lock(&f_lock);
    json_object_foreach(obj, key, v) {
        long *p = counter_ptr(key);
        if (p == &F.stall_after) {
            /* a new countdown, or none: what the old stall held goes */
            F.stall_after = (long)json_integer_value(v);
            F.stalled = false;
            release = true;
        } else if (p) {
            *p = (long)json_integer_value(v);
        } else if (!strcmp(key, "async_fail")) {
            F.async_fail = json_is_true(v) ||
                           (json_is_integer(v) && json_integer_value(v));
        } else if (!strcmp(key, "next_wamid")) {
            snprintf(F.next_wamid, sizeof F.next_wamid, "%s",
                     json_is_string(v) ? json_string_value(v) : "");
        } else if (!strcmp(key, "fail_to")) {
            if (json_is_null(v)) {
                json_object_clear(F.fail_to);
                continue;
            }
            const char *phone;
            json_t *code;
            json_object_foreach(v, phone, code) {
                char d[32];
                phone_digits(phone, d, sizeof d);
                if (json_is_null(code) || json_integer_value(code) == 0)
                    json_object_del(F.fail_to, d);
                else
                    json_object_set_new(F.fail_to, d,
                                        json_integer(json_integer_value(code)));
            }
        }
    }
    pthread_mutex_unlock(&f_lock);
    if (release) release_held();
    return 0;
}

int faults_apply_kv(const char *kv, char *err, size_t errlen)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        snprintf(err, errlen, "--fault wants KEY=VALUE, got \"%.60s\"", kv);
        return -1;
    }
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
    const char *val = eq + 1;
    json_t *v;
    if (!strcmp(val, "true") || !strcmp(val, "yes")) v = json_true();
    else if (!strcmp(val, "false") || !strcmp(val, "no")) v = json_false();
    else {
        char *end;
        long long n = strtoll(val, &end, 10);
        if (!*val || *end) {
            snprintf(err, errlen, "--fault %s: \"%.40s\" is not a number", key,
                     val);
            return -1;
        }
        v = json_integer(n);
    }
    json_t *obj = json_object();
    json_object_set_new(obj, key, v);
    int rc = faults_apply(obj, err, errlen);
    json_decref(obj);
    return rc;
}

int faults_fail_to_kv(const char *kv, char *err, size_t errlen)
{
    const char *eq = strchr(kv, '=');
    char *end = NULL;
    long long code = eq ? strtoll(eq + 1, &end, 10) : 0;
    if (!eq || eq == kv || !eq[1] || *end || code <= 0) {
        snprintf(err, errlen, "--fail-to wants PHONE=CODE, got \"%.60s\"", kv);
        return -1;
    }
    char phone[64];
    snprintf(phone, sizeof phone, "%.*s", (int)(eq - kv), kv);
    json_t *obj = json_pack("{s:{s:I}}", "fail_to", phone, (json_int_t)code);
    int rc = faults_apply(obj, err, errlen);
    json_decref(obj);
    return rc;
}

json_t *faults_json(void)
{
    pthread_mutex_lock(&f_lock);
    json_t *o = json_object();
    for (size_t i = 0; counter_keys[i]; i++)
        json_object_set_new(o, counter_keys[i],
                            json_integer(*counter_ptr(counter_keys[i])));
    json_object_set_new(o, "async_fail", json_boolean(F.async_fail));
    json_object_set_new(o, "fail_to", json_deep_copy(F.fail_to));
    json_object_set_new(o, "next_wamid", F.next_wamid[0]
                                            ? json_string(F.next_wamid)
                                            : json_null());
    pthread_mutex_unlock(&f_lock);
    return o;
}

/* Takes one from a countdown; true when the fault fires. */
static bool fault_take(long *counter)
{
    bool fire = false;
    pthread_mutex_lock(&f_lock);
    if (*counter > 0) {
        (*counter)--;
        fire = true;
    }
    pthread_mutex_unlock(&f_lock);
    if (fire) atomic_fetch_add(&stats.faults, 1);
    return fire;
}

static long fault_get(const long *value)
{
    pthread_mutex_lock(&f_lock);
    long v = *value;
    pthread_mutex_unlock(&f_lock);
    return v;
}

/* ------------------------------------------------------------ request log */

static long long wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_fp;
static unsigned long long log_seq;

int log_open(const char *path)
{
    log_fp = fopen(path, "a");
    return log_fp ? 0 : -1;
}

void log_close(void)
{
    if (log_fp) fclose(log_fp);
    log_fp = NULL;
}

/* Writes {"n":SEQ,"at_us":T,…line…} and flushes, so a test sees every
 * line at once. n is taken under the same lock as the write: lines are in
 * n order. T is when the request arrived, in wall-clock microseconds, so a
 * benchmark can set it against the times its own processes took. */
static void log_line(json_t *line, long long arrived_us)
{
    char *s = json_dumps(line, JSON_COMPACT);
    if (!s) return;
    pthread_mutex_lock(&log_lock);
    fprintf(log_fp, "{\"n\":%llu,\"at_us\":%lld,%s\n", ++log_seq, arrived_us, s + 1);
    fflush(log_fp);
    pthread_mutex_unlock(&log_lock);
    free(s);
}

/* A body that is not JSON is logged as a string; bytes that are not UTF-8
 * become '?' so the line stays valid JSON. */
static json_t *raw_string(const char *p, size_t n)
{
    if (utf8_chars(p, n) != SIZE_MAX) return json_stringn(p, n);
    char *copy = malloc(n + 1);
    if (!copy) return json_null();
    for (size_t i = 0; i < n; i++)
        copy[i] = (p[i] & 0x80) || p[i] == 0 ? '?' : p[i];
    json_t *s = json_stringn(copy, n);
    free(copy);
    return s;
}

/* ------------------------------------------------ stored business profile */

static pthread_mutex_t p_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *profile;

static const char *const profile_fields[] = {
    "about", "address", "description", "email", "profile_picture_url",
    "websites", "vertical", "messaging_product", NULL,
};

/* ------------------------------------------------------------ webhook sink */

static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *sink;

/* ---------------------------------------------------------- the requests */

enum route {
    R_NONE,      /* unknown API path: 404 */
    R_MESSAGES,
    R_MEDIA,
    R_PROFILE,
    R_TEMPLATES, /* /{WABA}/message_templates */
    R_PHONE,     /* GET /{phone-number-id}?fields=… */
    R_UPLOADS,   /* POST /{app-id}/uploads: a resumable upload session */
    R_SESSION,   /* POST /upload:…: the file's bytes */
    R_CTL,       /* /_fake/… */
};

struct request {
    enum route route;
    char phone_id[64];            /* R_UPLOADS: the app id */
    char session[128];            /* R_SESSION: upload:… */
    char ctl[32];                 /* the name after /_fake/ */
    char *body;                   /* JSON endpoints: the raw body */
    size_t len, cap;
    long long arrived_us;         /* wall clock when its headers were in */
    unsigned long long received;  /* body bytes seen */
    bool too_big;
    /* media upload (multipart/form-data) */
    struct MHD_PostProcessor *pp;
    bool pp_error;
    char mp_product[64], mp_type[128], file_name[256], file_ctype[128];
    bool has_product, has_type, has_file;
    unsigned long long file_size;
    /* the answer */
    bool decided, drop;
    unsigned status;
    char *answer;                 /* malloc'd JSON */
    long retry_after;             /* > 0: Retry-After header */
    bool www_auth;
    /* status webhooks to queue once the answer goes out */
    bool wh_pending, wh_template;
    long wh_fail;
    char wh_wamid[64], wh_recipient[140];
};

static void answer(struct request *r, unsigned status, char *body)
{
    free(r->answer);
    r->status = status;
    r->answer = body;
}

static char *json_take(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static void route_of(const char *url, struct request *r)
{
    if (!strncmp(url, "/_fake/", 7)) {
        r->route = R_CTL;
        snprintf(r->ctl, sizeof r->ctl, "%s", url + 7);
        return;
    }
    r->route = R_NONE;
    /* /vNN.N/{phone-number-id}/{endpoint} */
    const char *p = url;
    if (strncmp(p, "/v", 2)) return;
    p += 2;
    if (*p < '0' || *p > '9') return;
    while (*p >= '0' && *p <= '9') p++;
    if (*p++ != '.') return;
    if (*p < '0' || *p > '9') return;
    while (*p >= '0' && *p <= '9') p++;
    if (*p++ != '/') return;
    if (!strncmp(p, "upload:", 7) && strlen(p) < sizeof r->session) {
        snprintf(r->session, sizeof r->session, "%s", p);
        r->route = R_SESSION;
        return;
    }
    const char *id = p;
    while (*p >= '0' && *p <= '9') p++;
    if (p == id || (*p && *p != '/') || (size_t)(p - id) >= sizeof r->phone_id) return;
    snprintf(r->phone_id, sizeof r->phone_id, "%.*s", (int)(p - id), id);
    if (!*p) {
        r->route = R_PHONE;
        return;
    }
    p++;
    if (!strcmp(p, "messages")) r->route = R_MESSAGES;
    else if (!strcmp(p, "message_templates")) r->route = R_TEMPLATES;
    else if (!strcmp(p, "media")) r->route = R_MEDIA;
    else if (!strcmp(p, "whatsapp_business_profile")) r->route = R_PROFILE;
    else if (!strcmp(p, "uploads")) r->route = R_UPLOADS;
}

static bool content_type_is(struct MHD_Connection *c, const char *want)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_TYPE);
    size_t n = strlen(want);
    return ct && !strncasecmp(ct, want, n) &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The bearer token from the Authorization header (or ?access_token=, which
 * the Graph API also accepts); NULL when there is none. */
static const char *bearer(struct MHD_Connection *c)
{
    const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    if (a) {
        /* the Resumable Upload API's file step says OAuth */
        if (strncasecmp(a, "Bearer ", 7) && strncasecmp(a, "OAuth ", 6)) return NULL;
        a += a[0] == 'O' || a[0] == 'o' ? 6 : 7;
        while (*a == ' ') a++;
        return *a ? a : NULL;
    }
    a = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "access_token");
    return a && *a ? a : NULL;
}

static bool token_ok(const char *tok)
{
    if (!tok) return false;
    if (!cfg.token) return true;
    size_t n = strlen(tok);
    return n == strlen(cfg.token) && CRYPTO_memcmp(tok, cfg.token, n) == 0;
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *filename,
                                 const char *content_type,
                                 const char *transfer_encoding,
                                 const char *data, uint64_t off, size_t size)
{
    struct request *r = cls;
    (void)kind;
    (void)transfer_encoding;
    char *dst = NULL;
    size_t cap = 0;
    if (!strcmp(key, "file")) {
        r->has_file = true;
        r->file_size += size;
        if (filename && !r->file_name[0])
            snprintf(r->file_name, sizeof r->file_name, "%s", filename);
        if (content_type && !r->file_ctype[0])
            snprintf(r->file_ctype, sizeof r->file_ctype, "%s", content_type);
        return MHD_YES;
    }
    if (!strcmp(key, "messaging_product")) {
        r->has_product = true;
        dst = r->mp_product;
        cap = sizeof r->mp_product;
    } else if (!strcmp(key, "type")) {
        r->has_type = true;
        dst = r->mp_type;
        cap = sizeof r->mp_type;
    }
    /* a value may come in pieces; keep what fits (longer ones are wrong
     * anyway and still fail validation as truncated) */
    if (dst && off < cap - 1) {
        size_t n = size < cap - 1 - off ? size : cap - 1 - (size_t)off;
        memcpy(dst + off, data, n);
        dst[off + n] = '\0';
    }
    return MHD_YES;
}

static void feed(struct request *r, const char *data, size_t size)
{
    unsigned long long limit = r->route == R_MEDIA ? MAX_MEDIA_BODY
                                                   : MAX_JSON_BODY;
    r->received += size;
    if (r->too_big) return;
    if (r->received > limit) {
        /* chunked upload over the limit: drop what we have, read on, and
         * answer 413 at the end (MHD cannot answer in mid-upload) */
        r->too_big = true;
        free(r->body);
        r->body = NULL;
        r->len = r->cap = 0;
        return;
    }
    if (r->route == R_MEDIA) {
        if (r->pp && !r->pp_error &&
            MHD_post_process(r->pp, data, size) != MHD_YES)
            r->pp_error = true;
        return;
    }
    if (r->len + size + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 1024;
        while (cap < r->len + size + 1) cap *= 2;
        char *nb = realloc(r->body, cap);
        if (!nb) {
            r->too_big = true;
            return;
        }
        r->body = nb;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, size);
    r->len += size;
    r->body[r->len] = '\0';
}

static char *bad_param(const struct verr *e)
{
    return meta_error_body(100, e->message, e->details, 0);
}

static char *bad_param_text(const char *details)
{
    return meta_error_body(100, "(#100) Invalid parameter", details, 0);
}

/* ---- POST /{phone-number-id}/messages */

/* A template send the stored templates refuse: answered as Meta would. */
static bool refuse_template(struct request *r, json_t *body)
{
    char details[400];
    long code = templates_check_send(json_object_get(body, "template"),
                                     details, sizeof details);
    if (code)
        answer(r, meta_http_status(code), meta_error_for_code(code, details));
    return code != 0;
}

static const char *decide_messages(struct MHD_Connection *c, struct request *r,
                                   json_t *body, char *wamid, size_t wcap)
{
    struct verr e;
    (void)c;
    if (fault_take(&F.rate_limit)) {
        r->retry_after = fault_get(&F.retry_after);
        answer(r, 429, meta_error_for_code(130429, NULL));
        return "rate_limit";
    }
    if (!content_type_is(c, "application/json")) {
        answer(r, 400, bad_param_text("Content-Type must be application/json"));
        return NULL;
    }
    if (!body) {
        answer(r, 400, bad_param_text(r->len ? "Request body is not valid JSON"
                                             : "Request body is empty"));
        return NULL;
    }
    enum msg_kind kind = validate_message(body, &e);
    if (kind == MSG_INVALID) {
        answer(r, 400, bad_param(&e));
        return NULL;
    }
    if (kind == MSG_MARK_READ) {
        /* Meta reads receipts only for messages this number received */
        const char *id = json_string_value(json_object_get(body, "message_id"));
        if (!inbound_known(id)) {
            char details[200];
            snprintf(details, sizeof details, "Parameter value is not valid: message_id %.100s "
                     "is no message this phone number received", id);
            answer(r, 400, bad_param_text(details));
            return NULL;
        }
        atomic_fetch_add(&stats.marked_read, 1);
        answer(r, 200, strdup("{\"success\":true}"));
        return NULL;
    }

    const char *to = json_string_value(json_object_get(body, "to"));
    const char *rt = json_string_value(json_object_get(body, "recipient_type"));
    const char *type = json_string_value(json_object_get(body, "type"));
    bool is_template = type && !strcmp(type, "template");
    /* sent to a user ID: Meta answers with contacts[0].user_id, no wa_id */
    const char *user_id = to ? NULL : json_string_value(json_object_get(body, "recipient"));
    char wa_id[140];
    if (user_id) snprintf(wa_id, sizeof wa_id, "%s", user_id);
    else if (rt && !strcmp(rt, "group")) snprintf(wa_id, sizeof wa_id, "%s", to);
    else phone_digits(to, wa_id, sizeof wa_id);

    long fail = 0;
    bool async_fail;
    pthread_mutex_lock(&f_lock);
    json_t *code = json_object_get(F.fail_to, wa_id);
    if (code) fail = (long)json_integer_value(code);
    async_fail = F.async_fail;
    pthread_mutex_unlock(&f_lock);

    if (fail && !async_fail) {
        atomic_fetch_add(&stats.faults, 1);
        char details[200];
        const char *override = NULL;
        if (fail == 132001 && is_template) {
            json_t *t = json_object_get(body, "template");
            snprintf(details, sizeof details,
                     "template name (%.60s) does not exist in %.20s",
                     json_string_value(json_object_get(t, "name")),
                     json_string_value(json_object_get(
                         json_object_get(t, "language"), "code")));
            override = details;
        }
        unsigned status = meta_http_status(fail);
        if (status == 429) r->retry_after = fault_get(&F.retry_after);
        answer(r, status, meta_error_for_code(fail, override));
        return "fail_to";
    }
    if (fault_take(&F.pair_rate)) {
        answer(r, 400, meta_error_for_code(131056, NULL));
        return "pair_rate";
    }
    if (is_template && refuse_template(r, body)) return NULL;

    take_wamid(wamid, wcap);
    json_t *msg = json_pack("{s:s}", "id", wamid);
    if (is_template)
        json_object_set_new(msg, "message_status", json_string("accepted"));
    json_t *ok = json_pack("{s:s,s:[{s:s,s:s}],s:[o]}", "messaging_product",
                           "whatsapp", "contacts", "input", user_id ? user_id : to,
                           user_id ? "user_id" : "wa_id", wa_id, "messages", msg);
    answer(r, 200, json_take(ok));
    atomic_fetch_add(&stats.messages, 1);
    if (cfg.webhook_url) {
        r->wh_pending = true;
        r->wh_template = is_template;
        r->wh_fail = fail; /* non-zero only with async_fail */
        snprintf(r->wh_wamid, sizeof r->wh_wamid, "%s", wamid);
        snprintf(r->wh_recipient, sizeof r->wh_recipient, "%s", wa_id);
    }
    return fail ? "fail_to" : NULL;
}

/* Whether the account has this phone-number id: --phone-id lists them,
 * comma-separated (none: any). */
static bool phone_id_known(const char *id)
{
    if (!cfg.phone_id) return true;
    size_t n = strlen(id);
    for (const char *p = cfg.phone_id; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && !strncmp(p, id, n)) return true;
        if (!comma) break;
        p = comma + 1;
    }
    return false;
}

/* ---- POST /{phone-number-id}/media */

static void decide_media(struct request *r)
{
    struct verr e;
    if (!r->pp) {
        answer(r, 400, bad_param_text("Content-Type must be "
                                      "multipart/form-data"));
        return;
    }
    if (MHD_destroy_post_processor(r->pp) != MHD_YES) r->pp_error = true;
    r->pp = NULL;
    if (r->pp_error) {
        answer(r, 400, bad_param_text("Malformed multipart/form-data body"));
        return;
    }
    if (!r->has_product) {
        answer(r, 400, meta_error_body(100, "(#100) The parameter "
                                       "messaging_product is required.",
                                       "Parameter messaging_product is "
                                       "required", 0));
        return;
    }
    if (strcmp(r->mp_product, "whatsapp")) {
        answer(r, 400, bad_param_text("Param messaging_product must be "
                                      "'whatsapp'"));
        return;
    }
    if (!r->has_file) {
        answer(r, 400, meta_error_body(100, "(#100) The parameter file is "
                                       "required.",
                                       "Parameter file is required", 0));
        return;
    }
    const char *mime = r->has_type ? r->mp_type : r->file_ctype;
    if (!*mime) {
        answer(r, 400, meta_error_body(100, "(#100) The parameter type is "
                                       "required.",
                                       "Parameter type is required", 0));
        return;
    }
    if (validate_media(mime, r->file_size, &e)) {
        answer(r, 400, bad_param(&e));
        return;
    }
    char id[32];
    new_media_id(id, sizeof id);
    answer(r, 200, json_take(json_pack("{s:s}", "id", id)));
    atomic_fetch_add(&stats.media, 1);
}

/* ---- GET/POST /{phone-number-id}/whatsapp_business_profile */

static void decide_profile(struct MHD_Connection *c, struct request *r,
                           bool is_post, json_t *body)
{
    struct verr e;
    if (is_post) {
        if (!content_type_is(c, "application/json")) {
            answer(r, 400, bad_param_text("Content-Type must be "
                                          "application/json"));
            return;
        }
        if (!body) {
            answer(r, 400, bad_param_text("Request body is not valid JSON"));
            return;
        }
        if (validate_profile(body, &e)) {
            answer(r, 400, bad_param(&e));
            return;
        }
        json_t *handle = json_object_get(body, "profile_picture_handle");
        if (handle && !upload_handle_known(json_string_value(handle))) {
            answer(r, 400, bad_param_text("Param profile_picture_handle is not the "
                                          "handle of a finished upload"));
            return;
        }
        pthread_mutex_lock(&p_lock);
        const char *key;
        json_t *v;
        json_object_foreach(body, key, v) {
            if (!strcmp(key, "messaging_product")) continue;
            if (!strcmp(key, "profile_picture_handle")) {
                char url[600];
                snprintf(url, sizeof url, "https://pps.whatsapp.net/fake/%.500s",
                         json_string_value(v));
                json_object_set_new(profile, "profile_picture_url",
                                    json_string(url));
                continue;
            }
            json_object_set(profile, key, v);
        }
        pthread_mutex_unlock(&p_lock);
        answer(r, 200, strdup("{\"success\":true}"));
        return;
    }

    const char *fields = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
                                                     "fields");
    json_t *data = json_object();
    pthread_mutex_lock(&p_lock);
    if (fields && *fields) {
        const char *p = fields;
        while (*p) {
            size_t n = strcspn(p, ",");
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), p);
            size_t i;
            for (i = 0; profile_fields[i]; i++)
                if (!strcmp(name, profile_fields[i])) break;
            if (n && !profile_fields[i]) {
                pthread_mutex_unlock(&p_lock);
                json_decref(data);
                char msg[200];
                snprintf(msg, sizeof msg, "(#100) Tried accessing nonexisting "
                         "field (%s) on node type (WhatsAppBusinessProfile)",
                         name);
                answer(r, 400, meta_error_body(100, msg, msg + 7, 0));
                return;
            }
            json_t *v = n ? json_object_get(profile, name) : NULL;
            if (v) json_object_set(data, name, v);
            p += n;
            if (*p == ',') p++;
        }
    } else {
        json_object_update(data, profile);
    }
    pthread_mutex_unlock(&p_lock);
    json_object_set_new(data, "messaging_product", json_string("whatsapp"));
    answer(r, 200, json_take(json_pack("{s:[o]}", "data", data)));
}

/* ---- /{WABA}/message_templates: list (paged), create, delete */

static void decide_templates(struct MHD_Connection *c, struct request *r,
                             const char *method, const char *url, json_t *body)
{
    unsigned status;
    char *ans;
    if (!strcmp(method, "GET")) {
        char self[300];
        const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                       MHD_HTTP_HEADER_HOST);
        snprintf(self, sizeof self, "http://%.100s%.190s", host ? host : "",
                 url);
        ans = templates_list(
            MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit"),
            MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "after"),
            self, &status);
    } else if (!strcmp(method, "DELETE")) {
        ans = templates_delete(
            MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name"),
            MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "hsm_id"),
            &status);
    } else if (!content_type_is(c, "application/json") || !body) {
        status = 400;
        ans = bad_param_text("Request body must be JSON (application/json)");
    } else {
        ans = templates_create(body, &status);
    }
    answer(r, status, ans);
}

/* ---- GET /{phone-number-id}, and the Resumable Upload API (upload.c) */

static void decide_node(struct MHD_Connection *c, struct request *r)
{
    char *body;
    if (r->route == R_UPLOADS) {
        r->status = upload_session_new(
            MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "file_name"),
            MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "file_length"),
            MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "file_type"), &body);
    } else if (r->route == R_SESSION) {
        r->status = upload_session_put(
            r->session, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "file_offset"), r->len, &body);
    } else {
        /* Meta writes the number as people read it */
        const char *d = cfg.display_phone ? cfg.display_phone : "15550783881";
        char shown[40];
        snprintf(shown, sizeof shown, "+%.30s", d);
        body = json_take(json_pack("{s:s,s:s,s:s,s:s,s:s}", "verified_name", "Fake Business",
                                   "display_phone_number", shown, "quality_rating", "GREEN",
                                   "whatsapp_business_manager_messaging_limit", cfg.tier,
                                   "id", r->phone_id));
        r->status = 200;
    }
    answer(r, r->status, body);
}

/* Whether the id names something that exists and takes this method. */
static bool id_and_method_ok(const struct request *r, bool is_post,
                             bool is_get, bool is_delete)
{
    if (r->route == R_TEMPLATES)
        return !strcmp(r->phone_id, cfg.waba_id) &&
               (is_post || is_get || is_delete);
    /* the app's and the session's paths name no phone number */
    bool phone_path = r->route != R_UPLOADS && r->route != R_SESSION;
    if (phone_path && !phone_id_known(r->phone_id))
        return false;
    bool get_ok = r->route == R_PROFILE || r->route == R_PHONE;
    return (is_post && r->route != R_PHONE) || (is_get && get_ok);
}

/* ---- everything on the API paths: faults, auth, then the endpoint */

static void decide_api(struct MHD_Connection *c, struct request *r,
                       const char *method, const char *url)
{
    atomic_fetch_add(&stats.requests, 1);
    bool is_post = !strcmp(method, "POST"), is_get = !strcmp(method, "GET");
    const char *fault = NULL;
    char wamid[64] = "";
    json_t *body = NULL;
    if (r->len && r->route != R_MEDIA && r->route != R_SESSION)
        body = json_loadb(r->body, r->len, 0, NULL);

    if (fault_take(&F.drop)) {
        /* the request arrived (it is logged) but gets no answer */
        r->drop = true;
        fault = "drop";
    } else if (r->too_big) {
        char d[96];
        snprintf(d, sizeof d, "Request body larger than %llu bytes",
                 r->route == R_MEDIA ? MAX_MEDIA_BODY : MAX_JSON_BODY);
        answer(r, 413, meta_error_body(100, "(#100) Request body too large",
                                       d, 0));
    } else if (r->route == R_NONE) {
        char msg[300];
        snprintf(msg, sizeof msg, "Unknown path components: %.256s", url);
        answer(r, 404, meta_error_body(2500, msg, NULL, 0));
    } else if (!token_ok(bearer(c))) {
        r->www_auth = true;
        answer(r, 401, meta_error_body(
                           190, bearer(c)
                                    ? "Invalid OAuth access token - Cannot "
                                      "parse access token"
                                    : "An active access token must be used "
                                      "to query information about the "
                                      "current user.",
                           NULL, 0));
    } else if (!id_and_method_ok(r, is_post, is_get,
                                 !strcmp(method, "DELETE"))) {
        char msg[400], lower[16];
        size_t i;
        for (i = 0; method[i] && i + 1 < sizeof lower; i++)
            lower[i] = (char)(method[i] | 0x20); /* ASCII letters */
        lower[i] = '\0';
        snprintf(msg, sizeof msg, "Unsupported %s request. Object with ID "
                 "'%s' does not exist, cannot be loaded due to missing "
                 "permissions, or does not support this operation.", lower,
                 r->phone_id);
        answer(r, 400, meta_error_body(100, msg, NULL, 33));
    } else if (fault_take(&F.server_error)) {
        answer(r, 500, meta_error_for_code(131000, NULL));
        fault = "server_error";
    } else if (r->route == R_MESSAGES) {
        fault = decide_messages(c, r, body, wamid, sizeof wamid);
    } else if (r->route == R_MEDIA) {
        decide_media(r);
    } else if (r->route == R_TEMPLATES) {
        decide_templates(c, r, method, url, body);
    } else if (r->route == R_PHONE || r->route == R_UPLOADS || r->route == R_SESSION) {
        decide_node(c, r);
    } else {
        decide_profile(c, r, is_post, body);
    }

    if (log_fp) {
        json_t *line = json_pack("{s:s,s:s}", "method", method, "path", url);
        const char *to = json_string_value(json_object_get(body, "to"));
        const char *recipient = json_string_value(json_object_get(body, "recipient"));
        if (to && r->route == R_MESSAGES)
            json_object_set_new(line, "to", json_string(to));
        else if (recipient && r->route == R_MESSAGES)
            json_object_set_new(line, "recipient", json_string(recipient));
        json_object_set_new(line, "status", json_integer(r->drop ? 0 : r->status));
        if (*wamid) json_object_set_new(line, "wamid", json_string(wamid));
        if (fault) json_object_set_new(line, "fault", json_string(fault));
        if (r->route == R_MEDIA && !r->too_big) {
            json_t *m = json_object();
            if (r->has_product)
                json_object_set_new(m, "messaging_product",
                                    json_string(r->mp_product));
            if (r->has_type)
                json_object_set_new(m, "type", json_string(r->mp_type));
            if (r->has_file)
                json_object_set_new(
                    m, "file",
                    json_pack("{s:s,s:s,s:I}", "filename", r->file_name,
                              "content_type", r->file_ctype, "size",
                              (json_int_t)r->file_size));
            json_object_set_new(line, "body", m);
        } else if (r->route == R_SESSION) {
            json_object_set_new(line, "body", json_pack("{s:I}", "size", (json_int_t)r->len));
        } else if (body) {
            json_object_set(line, "body", body);
        } else if (r->len) {
            json_object_set_new(line, "body", raw_string(r->body, r->len));
        } else if (r->too_big) {
            json_object_set_new(line, "size", json_integer((json_int_t)r->received));
        }
        log_line(line, r->arrived_us);
        json_decref(line);
    }
    json_decref(body);
}

/* ---- /_fake/… control endpoints (no auth, not logged, never faulty) */

static json_t *stats_json(void)
{
    return json_pack(
        "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
        "requests", (json_int_t)atomic_load(&stats.requests),
        "messages", (json_int_t)atomic_load(&stats.messages),
        "marked_read", (json_int_t)atomic_load(&stats.marked_read),
        "media", (json_int_t)atomic_load(&stats.media),
        "faults", (json_int_t)atomic_load(&stats.faults),
        "webhook_posts", (json_int_t)atomic_load(&stats.webhook_posts),
        "webhook_statuses", (json_int_t)atomic_load(&stats.webhook_statuses),
        "webhook_dropped", (json_int_t)atomic_load(&stats.webhook_dropped),
        "sink_posts", (json_int_t)atomic_load(&stats.sink_posts));
}

static void ctl_error(struct request *r, unsigned status, const char *msg)
{
    answer(r, status, json_take(json_pack("{s:s}", "error", msg)));
}

static void decide_ctl(struct MHD_Connection *c, struct request *r,
                       const char *method)
{
    bool is_post = !strcmp(method, "POST"), is_get = !strcmp(method, "GET");
    if (r->too_big) {
        ctl_error(r, 413, "request body too large");
    } else if (!strcmp(r->ctl, "faults") && (is_get || is_post)) {
        if (is_post) {
            char err[300];
            json_t *body = r->len ? json_loadb(r->body, r->len, 0, NULL) : NULL;
            int rc = faults_apply(body, err, sizeof err);
            json_decref(body);
            if (rc) {
                ctl_error(r, 400, err);
                return;
            }
        }
        answer(r, 200, json_take(faults_json()));
    } else if (!strcmp(r->ctl, "stats") && is_get) {
        answer(r, 200, json_take(stats_json()));
    } else if (!strcmp(r->ctl, "reset") && is_post) {
        faults_reset();
        atomic_ullong *counters[] = {
            &stats.requests, &stats.messages, &stats.marked_read,
            &stats.media, &stats.faults, &stats.webhook_posts,
            &stats.webhook_statuses, &stats.webhook_dropped, &stats.sink_posts,
        };
        for (size_t i = 0; i < sizeof counters / sizeof *counters; i++)
            atomic_store(counters[i], 0);
        pthread_mutex_lock(&p_lock);
        json_object_clear(profile);
        pthread_mutex_unlock(&p_lock);
        uploads_reset();
        pthread_mutex_lock(&s_lock);
        json_array_clear(sink);
        pthread_mutex_unlock(&s_lock);
        inbound_reset();
        answer(r, 200, strdup("{\"success\":true}"));
    } else if (!strcmp(r->ctl, "inbound") && is_post) {
        r->answer = inbound_post(r->body, r->len, &r->status);
    } else if (!strcmp(r->ctl, "sink") && is_post) {
        /* a webhook receiver for tests: keeps what it got, checks the
         * signature when this server has an app secret */
        if (fault_take(&F.sink_fail)) {
            ctl_error(r, 500, "sink_fail fault");
            return;
        }
        atomic_fetch_add(&stats.sink_posts, 1);
        const char *sig = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                      "X-Hub-Signature-256");
        json_t *rec = json_object();
        json_object_set_new(rec, "signature", sig ? json_string(sig) : json_null());
        if (cfg.app_secret) {
            char hex[65], want[80];
            hmac_sha256_hex(cfg.app_secret, r->body ? r->body : "", r->len,
                            hex);
            snprintf(want, sizeof want, "sha256=%s", hex);
            json_object_set_new(rec, "valid",
                                json_boolean(sig && !strcmp(sig, want)));
        } else {
            json_object_set_new(rec, "valid", json_null());
        }
        json_object_set_new(rec, "raw", raw_string(r->body ? r->body : "",
                                                   r->len));
        json_t *parsed = r->len ? json_loadb(r->body, r->len, 0, NULL) : NULL;
        json_object_set_new(rec, "body", parsed ? parsed : json_null());
        pthread_mutex_lock(&s_lock);
        if (json_array_size(sink) < SINK_MAX) json_array_append_new(sink, rec);
        else json_decref(rec);
        pthread_mutex_unlock(&s_lock);
        answer(r, 200, strdup("{\"success\":true}"));
    } else if (!strcmp(r->ctl, "template_status") && is_post) {
        json_t *body = r->len ? json_loadb(r->body, r->len, 0, NULL) : NULL;
        unsigned status;
        char *ans = templates_set_status(body, &status);
        json_decref(body);
        answer(r, status, ans);
    } else if (!strcmp(r->ctl, "sink") && is_get) {
        pthread_mutex_lock(&s_lock);
        json_t *copy = json_deep_copy(sink);
        pthread_mutex_unlock(&s_lock);
        answer(r, 200, json_take(json_pack("{s:o}", "posts", copy)));
    } else {
        ctl_error(r, 404, "unknown control endpoint (GET/POST /_fake/faults, "
                          "GET /_fake/stats, POST /_fake/reset, "
                          "GET/POST /_fake/sink, POST /_fake/inbound, "
                          "POST /_fake/template_status)");
    }
}

/* ------------------------------ slow and held answers (slow_ms, stall_after) */

struct delayed {
    struct delayed *next;
    struct MHD_Connection *conn;
    uint64_t due; /* HELD: until the stall ends */
};
#define HELD UINT64_MAX

static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dl_cond;
static struct delayed *dl_head;
static bool dl_closing, dl_started;
static pthread_t dl_thread;

/* True when this API answer is to be held: the stall has begun, or this
 * is the last answer before it. */
static bool stall_take(void)
{
    pthread_mutex_lock(&f_lock);
    bool hold = F.stalled;
    if (!hold && F.stall_after > 0 && --F.stall_after == 0) F.stalled = true;
    pthread_mutex_unlock(&f_lock);
    return hold;
}

/* Suspends the connection and has the timer thread resume it after
 * slow_ms, or keeps it until the stall ends; false when there is no delay
 * (or we are shutting down). */
static bool delay_answer(struct MHD_Connection *c)
{
    bool hold = stall_take();
    long ms = fault_get(&F.slow_ms);
    if (!hold && ms <= 0) return false;
    struct delayed *d = malloc(sizeof *d);
    if (!d) return false;
    d->conn = c;
    d->due = hold ? HELD : now_ms() + (uint64_t)ms;
    pthread_mutex_lock(&dl_lock);
    if (dl_closing) {
        pthread_mutex_unlock(&dl_lock);
        free(d);
        return false;
    }
    /* suspend before the timer thread can see (and resume) it */
    MHD_suspend_connection(c);
    struct delayed **pp = &dl_head;
    while (*pp && (*pp)->due <= d->due) pp = &(*pp)->next;
    d->next = *pp;
    *pp = d;
    if (dl_head == d) pthread_cond_signal(&dl_cond);
    pthread_mutex_unlock(&dl_lock);
    return true;
}

static void *dl_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&dl_lock);
    while (!dl_closing) {
        /* sorted by due: when the first is held, all are */
        if (!dl_head || dl_head->due == HELD) {
            pthread_cond_wait(&dl_cond, &dl_lock);
            continue;
        }
        uint64_t now = now_ms();
        if (dl_head->due > now) {
            uint64_t wait = dl_head->due - now;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += (time_t)(wait / 1000);
            ts.tv_nsec += (long)(wait % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
            pthread_cond_timedwait(&dl_cond, &dl_lock, &ts);
            continue;
        }
        struct delayed *d = dl_head;
        dl_head = d->next;
        pthread_mutex_unlock(&dl_lock);
        MHD_resume_connection(d->conn);
        free(d);
        pthread_mutex_lock(&dl_lock);
    }
    pthread_mutex_unlock(&dl_lock);
    return NULL;
}

/* Answers what the stall held (they sit at the end of the list). */
static void release_held(void)
{
    pthread_mutex_lock(&dl_lock);
    struct delayed **pp = &dl_head, *held = NULL;
    while (*pp && (*pp)->due != HELD) pp = &(*pp)->next;
    if (!dl_closing) {
        held = *pp;
        *pp = NULL;
    }
    pthread_mutex_unlock(&dl_lock);
    while (held) {
        struct delayed *d = held;
        held = d->next;
        MHD_resume_connection(d->conn);
        free(d);
    }
}

/* ------------------------------------------------------- MHD callbacks */

static enum MHD_Result queue_answer(struct MHD_Connection *c,
                                    struct request *r)
{
    char *body = r->answer ? r->answer : strdup("{}");
    r->answer = NULL;
    if (!body) return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer_with_free_callback(strlen(body), body,
                                                           free);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/json; charset=UTF-8");
    if (r->retry_after > 0) {
        char v[24];
        snprintf(v, sizeof v, "%ld", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, v);
    }
    if (r->www_auth)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "OAuth \"Facebook Platform\" \"invalid_token\" "
                                "\"Invalid OAuth access token\"");
    if (r->too_big)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    if (r->wh_pending) {
        r->wh_pending = false;
        webhook_message(r->wh_wamid, r->wh_recipient, r->phone_id,
                        r->wh_template, r->wh_fail);
    }
    return ret;
}

static void decide(struct MHD_Connection *c, struct request *r,
                   const char *method, const char *url)
{
    r->decided = true;
    if (r->route == R_CTL) decide_ctl(c, r, method);
    else decide_api(c, r, method, url);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *size, void **ctx)
{
    (void)cls;
    (void)version;
    struct request *r = *ctx;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        *ctx = r;
        r->arrived_us = wall_us();
        route_of(url, r);
        const char *cl = MHD_lookup_connection_value(
            c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        unsigned long long limit = r->route == R_MEDIA ? MAX_MEDIA_BODY
                                                       : MAX_JSON_BODY;
        if (cl && strtoull(cl, NULL, 10) > limit) {
            /* answer before reading the body; MHD then closes */
            r->too_big = true;
            r->received = strtoull(cl, NULL, 10);
            decide(c, r, method, url);
            if (r->drop) return MHD_NO;
            return queue_answer(c, r);
        }
        if (r->route == R_MEDIA && !strcmp(method, "POST") &&
            content_type_is(c, "multipart/form-data"))
            r->pp = MHD_create_post_processor(c, 64 * 1024, post_iter, r);
        return MHD_YES;
    }
    if (*size) {
        feed(r, data, *size);
        *size = 0;
        return MHD_YES;
    }
    if (!r->decided) {
        decide(c, r, method, url);
        if (r->drop) return MHD_NO;
        if (r->route != R_CTL && delay_answer(c)) return MHD_YES;
    }
    return queue_answer(c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    struct request *r = *ctx;
    if (!r) return;
    if (r->pp) MHD_destroy_post_processor(r->pp);
    free(r->body);
    free(r->answer);
    free(r);
    *ctx = NULL;
}

/* -------------------------------------------------------- start and stop */

static struct MHD_Daemon *daemon_;

int server_init(void)
{
    faults_reset();
    profile = json_object();
    sink = json_array();
    return F.fail_to && profile && sink ? 0 : -1;
}

unsigned server_start(const char *host, unsigned port, bool ipv6)
{
    struct sockaddr_in sa4;
    struct sockaddr_in6 sa6;
    struct sockaddr *sa;
    memset(&sa4, 0, sizeof sa4);
    memset(&sa6, 0, sizeof sa6);
    if (ipv6) {
        sa6.sin6_family = AF_INET6;
        sa6.sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &sa6.sin6_addr) != 1) return 0;
        sa = (struct sockaddr *)&sa6;
    } else {
        sa4.sin_family = AF_INET;
        sa4.sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &sa4.sin_addr) != 1) return 0;
        sa = (struct sockaddr *)&sa4;
    }

    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&dl_cond, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&dl_thread, NULL, dl_main, NULL)) return 0;
    dl_started = true;

    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    if (ipv6) flags |= MHD_USE_IPv6;
    daemon_ = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg.threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)20000,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
        MHD_OPTION_END);
    if (!daemon_) return 0;
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void server_stop(void)
{
    if (dl_started) {
        pthread_mutex_lock(&dl_lock);
        dl_closing = true;
        pthread_cond_signal(&dl_cond);
        pthread_mutex_unlock(&dl_lock);
        pthread_join(dl_thread, NULL);
        dl_started = false;
        /* answer what is still waiting, so no connection stays suspended
         * when the daemon stops */
        while (dl_head) {
            struct delayed *d = dl_head;
            dl_head = d->next;
            MHD_resume_connection(d->conn);
            free(d);
        }
        pthread_cond_destroy(&dl_cond);
    }
    if (daemon_) MHD_stop_daemon(daemon_);
    daemon_ = NULL;
}

void server_free(void)
{
    json_decref(F.fail_to);
    F.fail_to = NULL;
    json_decref(profile);
    profile = NULL;
    json_decref(sink);
    sink = NULL;
    inbound_reset();
}
