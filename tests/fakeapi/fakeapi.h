/*
 * fakeapi.h — shared declarations of the fake WhatsApp Cloud API server
 * (build/fake-cloudapi), a test double used by wb's tests, benchmarks and
 * `make demo`.
 *
 * The program is split by concern:
 *   main.c      options, start-up, signals, orderly shutdown
 *   server.c    the HTTP server: routing, auth, fault injection, the request
 *               log, the /_fake/ control endpoints, delayed answers
 *   validate.c  Meta's validation rules for /messages, /media and the
 *               business profile (pure functions, no I/O)
 *   metaerr.c   Meta-shaped error bodies, ids (wamid, media id, fbtrace_id)
 *   webhook.c   the background thread that posts signed status webhooks
 *   upload.c    the Resumable Upload API: sessions and the handles issued
 *
 * Nothing here is part of wb itself; it only has to answer like Meta does.
 */
#ifndef FAKEAPI_H
#define FAKEAPI_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define FAKEAPI_NAME "fake-cloudapi"
#define FAKEAPI_VERSION "1.0"

/* ---- configuration: set by main() before any thread starts, then read-only */

enum wh_status { WH_SENT, WH_DELIVERED, WH_READ, WH_FAILED };

struct fake_config {
    const char *token;         /* expected bearer token; NULL: any non-empty */
    const char *phone_id;      /* only this phone-number id exists; NULL: any */
    const char *log_path;      /* request log (JSON lines); NULL: none */
    bool quiet;
    const char *webhook_url;   /* where status webhooks go; NULL: none */
    const char *app_secret;    /* HMAC key for X-Hub-Signature-256; may be NULL */
    enum wh_status statuses[3];/* the sequence posted for an accepted message */
    unsigned n_statuses;
    unsigned webhook_delay_ms; /* pause before each status of a message */
    const char *waba_id;       /* entry[].id in webhooks */
    const char *display_phone; /* metadata.display_phone_number in webhooks */
    unsigned threads;          /* HTTP worker threads */
    unsigned page_size;        /* templates per page at most; 0: as asked */
    const char *tier;          /* whatsapp_business_manager_messaging_limit */
    const char *create_status; /* the status of a created template */
};

extern struct fake_config cfg;

/* ---- counters shown by GET /_fake/stats (reset by POST /_fake/reset) */

struct fake_stats {
    atomic_ullong requests;      /* requests on API paths (not /_fake/) */
    atomic_ullong messages;      /* messages accepted (a wamid was issued) */
    atomic_ullong marked_read;   /* mark-as-read requests accepted */
    atomic_ullong media;         /* uploads accepted */
    atomic_ullong faults;        /* injected faults that fired */
    atomic_ullong webhook_posts; /* webhook POSTs that succeeded */
    atomic_ullong webhook_statuses; /* statuses inside those POSTs */
    atomic_ullong webhook_dropped;  /* statuses given up on */
    atomic_ullong sink_posts;    /* POSTs received on /_fake/sink */
};

extern struct fake_stats stats;

/* ---- faults (server.c); all functions are thread-safe */

/* Applies a JSON object of fault settings ({"rate_limit":3,"fail_to":{…}}).
 * Returns 0, or -1 with a message in err. */
int faults_apply(json_t *obj, char *err, size_t errlen);
/* Applies KEY=VALUE from the command line (--fault). */
int faults_apply_kv(const char *kv, char *err, size_t errlen);
/* Applies NUMBER=CODE from the command line (--fail-to). */
int faults_fail_to_kv(const char *kv, char *err, size_t errlen);
json_t *faults_json(void);
void faults_reset(void);

/* ---- the HTTP server (server.c) */

int server_init(void);                   /* state; before server_start */
/* Starts listening on host:port (port 0 picks one); returns the port, or 0 */
unsigned server_start(const char *host, unsigned port, bool ipv6);
void server_stop(void);                  /* answers delayed requests, stops */
void server_free(void);

/* ---- request log (server.c) */
int log_open(const char *path);
void log_close(void);

/* ---- validation (validate.c) */

/* A validation failure: Meta's top-level message and the details text
 * that names the offending field. */
struct verr {
    char message[160];
    char details[400];
};

enum msg_kind { MSG_INVALID, MSG_SEND, MSG_MARK_READ };

enum msg_kind validate_message(json_t *body, struct verr *e);
int validate_profile(json_t *body, struct verr *e);
int validate_media(const char *mime, unsigned long long size, struct verr *e);
/* Code points in a UTF-8 string, or SIZE_MAX if it is not valid UTF-8. */
size_t utf8_chars(const char *s, size_t n);
/* Copies the digits of a phone number (wa_id) into out. */
void phone_digits(const char *s, char *out, size_t cap);

/* ---- Meta-shaped bodies and ids (metaerr.c) */

/* The HTTP status Meta uses for an error code (400, 401, 429, 500). */
unsigned meta_http_status(long code);
/* Title (message without the "(#code) " prefix) and details of a known
 * code; generic text for unknown ones. */
void meta_error_text(long code, const char **message, const char **details);
/* An error body as a malloc'd JSON string. details may be NULL (no
 * error_data); subcode 0 means none. */
char *meta_error_body(long code, const char *message, const char *details,
                      long subcode);
/* The error body for a code from the table (fail_to, pair_rate…). */
char *meta_error_for_code(long code, const char *details_override);
void new_wamid(char *out, size_t cap);
void new_media_id(char *out, size_t cap);
void new_trace_id(char *out, size_t cap);
void ids_init(void);

/* ---- the customers' messages (inbound.c); thread-safe */

/* POST /_fake/inbound: a body {"from","text","name","timestamp"} makes a
 * customer's text message (at that Unix time, default now), a webhook document is taken as it is; either way the
 * answer (malloc'd JSON, *status set) is the webhook document, and its
 * message ids are known from then on. */
char *inbound_post(const char *body, size_t len, unsigned *status);
/* Whether wamid is a customer's message the fake has seen. */
bool inbound_known(const char *wamid);
void inbound_reset(void); /* forgets them all (and frees) */

/* ---- message templates (templates.c); thread-safe. The answers are
 * malloc'd JSON bodies with their HTTP status in *status. */

int templates_init(void);
void templates_free(void);
/* --templates FILE: a JSON array of templates (or {"data": [...]}). */
int templates_load(const char *path, char *err, size_t errlen);
/* GET /{WABA}/message_templates (limit and after may be NULL; url is the
 * listing's own, for paging.next). */
char *templates_list(const char *limit, const char *after, const char *url,
                     unsigned *status);
char *templates_create(json_t *body, unsigned *status);
char *templates_delete(const char *name, const char *hsm_id, unsigned *status);
/* POST /_fake/template_status: {"name","language","event"|"quality"}. */
char *templates_set_status(json_t *body, unsigned *status);
/* A template send's "template" object against the store: 0, or Meta's
 * error code with details (nothing is checked while the store is empty). */
long templates_check_send(json_t *tmpl, char *details, size_t cap);
/* ---- resumable uploads (upload.c); thread-safe. Each answers an HTTP
 * status and a malloc'd JSON body (Meta's error body on 400). */

/* POST /{app-id}/uploads with its query parameters. */
unsigned upload_session_new(const char *name, const char *length, const char *type, char **body);
/* POST /{session}: the file's n bytes at header file_offset. */
unsigned upload_session_put(const char *session, const char *offset, size_t n, char **body);
/* Whether h is a handle a finished upload gave. */
bool upload_handle_known(const char *h);
void uploads_reset(void);

/* ---- status webhooks (webhook.c) */

struct wh_item;
/* Queues the statuses of one accepted message; fail_code != 0 queues one
 * "failed" status carrying that error instead. */
/* A business-scoped user ID as Meta takes it in a message's `recipient`. */
bool user_id_ok(const char *s);

void webhook_message(const char *wamid, const char *recipient,
                     const char *phone_id, bool is_template, long fail_code);
/* Queues a whole webhook body (takes it), posted on its own. */
void webhook_raw(char *body);
int webhook_start(void);
/* Stops the worker after flushing what is queued, waiting at most
 * drain_ms milliseconds. */
void webhook_stop(unsigned drain_ms);

/* hex HMAC-SHA256 of data keyed with key into out (65 bytes). */
void hmac_sha256_hex(const char *key, const void *data, size_t len,
                     char out[65]);

/* ---- misc */
uint64_t now_ms(void);                   /* CLOCK_MONOTONIC milliseconds */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
