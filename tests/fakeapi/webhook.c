/*
 * webhook.c — status webhooks from the fake Cloud API back to the client:
 * after each accepted message, `sent`, `delivered` and `read` (or the
 * sequence given with --statuses), or one `failed` for --async-fail
 * recipients, POSTed to --webhook URL in Meta's payload shape and signed
 * with X-Hub-Signature-256 (HMAC-SHA256 of the raw body, key = app secret).
 *
 * One background thread owns a FIFO queue and a reused libcurl handle.
 * Request handlers only append to the queue (a mutex and a signal), so
 * posting never slows down the answers to /messages. When many statuses
 * are due, up to WH_BATCH go in one payload. A message's next status is
 * queued only after the previous one was posted, so `delivered` never
 * overtakes `sent` (plus --webhook-delay-ms between them).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "fakeapi.h"

#define WH_BATCH 100          /* statuses per POST at most */
#define WH_ATTEMPTS 3         /* tries per POST before it is dropped */
#define WH_QUEUE_MAX 2000000  /* statuses queued at most (memory bound) */

struct wh_item {
    struct wh_item *next;
    char wamid[64];
    char recipient[140]; /* a phone, or a user ID */
    char phone_id[64];
    unsigned stage;          /* index into cfg.statuses */
    long fail_code;          /* != 0: one "failed" status with this code */
    char *raw;               /* a whole body (webhook_raw), posted alone */
    bool is_template;
    uint64_t not_before;     /* now_ms() before which it is not posted */
};

static pthread_mutex_t wh_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wh_cond;
static struct wh_item *wh_head, *wh_tail;
static size_t wh_len;
static bool wh_running, wh_stopping;
static uint64_t wh_deadline;   /* when stopping: give up at this time */
static pthread_t wh_thread;
static CURL *wh_curl;

void hmac_sha256_hex(const char *key, const void *data, size_t len,
                     char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    static const char hex[] = "0123456789abcdef";
    HMAC(EVP_sha256(), key, (int)strlen(key), data, len, md, &mdlen);
    for (unsigned i = 0; i < mdlen && i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

static void wh_append_locked(struct wh_item *it)
{
    it->next = NULL;
    if (wh_tail) wh_tail->next = it;
    else wh_head = it;
    wh_tail = it;
    wh_len++;
}

static void item_free(struct wh_item *it)
{
    free(it->raw);
    free(it);
}

/* Queues an item for the worker (or drops it when stopping or full). */
static void enqueue(struct wh_item *it)
{
    pthread_mutex_lock(&wh_lock);
    if (!wh_running || wh_stopping || wh_len >= WH_QUEUE_MAX) {
        pthread_mutex_unlock(&wh_lock);
        atomic_fetch_add(&stats.webhook_dropped, 1);
        item_free(it);
        return;
    }
    bool was_empty = wh_head == NULL;
    wh_append_locked(it);
    /* The worker sleeps only when the queue is empty or its head is not
     * due; a new tail never becomes due earlier than the head (delays are
     * constant), so only the empty→non-empty change needs a wake-up. */
    if (was_empty) pthread_cond_signal(&wh_cond);
    pthread_mutex_unlock(&wh_lock);
}

void webhook_message(const char *wamid, const char *recipient,
                     const char *phone_id, bool is_template, long fail_code)
{
    if (!cfg.webhook_url || (!fail_code && cfg.n_statuses == 0)) return;
    struct wh_item *it = calloc(1, sizeof *it);
    if (!it) return;
    snprintf(it->wamid, sizeof it->wamid, "%s", wamid);
    snprintf(it->recipient, sizeof it->recipient, "%s", recipient);
    snprintf(it->phone_id, sizeof it->phone_id, "%s", phone_id);
    it->fail_code = fail_code;
    it->is_template = is_template;
    it->not_before = now_ms() + cfg.webhook_delay_ms;
    enqueue(it);
}

void webhook_raw(char *body)
{
    struct wh_item *it = calloc(1, sizeof *it);
    if (!it) {
        free(body);
        return;
    }
    it->raw = body;
    it->not_before = now_ms();
    enqueue(it);
}

static const char *status_name(enum wh_status s)
{
    switch (s) {
    case WH_SENT: return "sent";
    case WH_DELIVERED: return "delivered";
    case WH_READ: return "read";
    default: return "failed";
    }
}

/* A stable 32-hex-digit conversation id per (phone id, recipient). */
static void conversation_id(const struct wh_item *it, char out[33])
{
    unsigned long long h1 = 1469598103934665603ULL, h2 = 1099511628211ULL;
    for (const char *p = it->phone_id; *p; p++) h1 = (h1 ^ (unsigned char)*p) * 1099511628211ULL;
    for (const char *p = it->recipient; *p; p++) {
        h1 = (h1 ^ (unsigned char)*p) * 1099511628211ULL;
        h2 = (h2 ^ (unsigned char)*p) * 0x100000001B3ULL + 0x9E3779B97F4A7C15ULL;
    }
    snprintf(out, 33, "%016llx%016llx", h1, h2);
}

static json_t *status_json(const struct wh_item *it, time_t now)
{
    char ts[24], exp[24], conv[33];
    enum wh_status st = it->fail_code ? WH_FAILED : cfg.statuses[it->stage];
    snprintf(ts, sizeof ts, "%lld", (long long)now);
    json_t *s = json_object();
    json_object_set_new(s, "id", json_string(it->wamid));
    json_object_set_new(s, "status", json_string(status_name(st)));
    json_object_set_new(s, "timestamp", json_string(ts));
    /* to a user ID, Meta names the recipient by it alone */
    json_object_set_new(s, user_id_ok(it->recipient) ? "recipient_user_id" : "recipient_id",
                        json_string(it->recipient));
    if (st == WH_SENT || st == WH_DELIVERED) {
        const char *category = it->is_template ? "utility" : "service";
        conversation_id(it, conv);
        json_t *c = json_object();
        json_object_set_new(c, "id", json_string(conv));
        json_object_set_new(c, "origin",
                            json_pack("{s:s}", "type", category));
        if (st == WH_SENT) {
            snprintf(exp, sizeof exp, "%lld", (long long)now + 86400);
            json_object_set_new(c, "expiration_timestamp", json_string(exp));
        }
        json_object_set_new(s, "conversation", c);
        json_object_set_new(s, "pricing",
                            json_pack("{s:b,s:s,s:s}", "billable", 1,
                                      "pricing_model", "PMP", "category",
                                      category));
    } else if (st == WH_FAILED) {
        const char *title, *details;
        meta_error_text(it->fail_code, &title, &details);
        json_t *err = json_pack("{s:I,s:s,s:s,s:{s:s}}", "code",
                                (json_int_t)it->fail_code, "title", title,
                                "message", title, "error_data", "details",
                                details);
        json_object_set_new(s, "errors", json_pack("[o]", err));
    }
    return s;
}

/* The payload for a batch: one change per phone-number id, in order. */
static char *build_payload(struct wh_item **batch, size_t n)
{
    time_t now = time(NULL);
    json_t *changes = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *statuses = NULL;
        size_t k;
        json_t *ch;
        json_array_foreach(changes, k, ch) {
            json_t *value = json_object_get(ch, "value");
            const char *pid = json_string_value(json_object_get(
                json_object_get(value, "metadata"), "phone_number_id"));
            if (pid && !strcmp(pid, batch[i]->phone_id)) {
                statuses = json_object_get(value, "statuses");
                break;
            }
        }
        if (!statuses) {
            statuses = json_array();
            json_t *value = json_pack(
                "{s:s,s:{s:s,s:s},s:o}", "messaging_product", "whatsapp",
                "metadata", "display_phone_number", cfg.display_phone,
                "phone_number_id", batch[i]->phone_id, "statuses", statuses);
            json_array_append_new(changes,
                                  json_pack("{s:o,s:s}", "value", value,
                                            "field", "messages"));
        }
        json_array_append_new(statuses, status_json(batch[i], now));
    }
    json_t *root = json_pack("{s:s,s:[{s:s,s:o}]}", "object",
                             "whatsapp_business_account", "entry", "id",
                             cfg.waba_id, "changes", changes);
    char *s = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return s;
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
    (void)p;
    (void)u;
    return size * n;
}

/* One POST; returns 0 on a 2xx answer, else -1 with a reason in why. */
static int post_once(const char *body, long timeout_ms, char *why, size_t cap)
{
    struct curl_slist *h = NULL;
    char sig[128];
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "User-Agent: facebookexternalua");
    h = curl_slist_append(h, "Expect:");
    if (cfg.app_secret) {
        char hex[65];
        hmac_sha256_hex(cfg.app_secret, body, strlen(body), hex);
        snprintf(sig, sizeof sig, "X-Hub-Signature-256: sha256=%s", hex);
        h = curl_slist_append(h, sig);
    }
    curl_easy_setopt(wh_curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(wh_curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(wh_curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t)strlen(body));
    curl_easy_setopt(wh_curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    CURLcode rc = curl_easy_perform(wh_curl);
    long code = 0;
    curl_easy_getinfo(wh_curl, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(wh_curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(h);
    if (rc != CURLE_OK) {
        snprintf(why, cap, "%s", curl_easy_strerror(rc));
        return -1;
    }
    if (code < 200 || code > 299) {
        snprintf(why, cap, "HTTP %ld", code);
        return -1;
    }
    return 0;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

/* Posts a batch with retries; returns 0 when it went through. */
static int post_batch(struct wh_item **batch, size_t n)
{
    char *body = batch[0]->raw ? strdup(batch[0]->raw) : build_payload(batch, n);
    if (!body) return -1;
    char why[160] = "";
    int rc = -1;
    for (int attempt = 0; attempt < WH_ATTEMPTS; attempt++) {
        long timeout = 5000;
        if (attempt) sleep_ms(100u * (unsigned)attempt * (unsigned)attempt);
        pthread_mutex_lock(&wh_lock);
        bool stopping = wh_stopping;
        uint64_t deadline = wh_deadline;
        pthread_mutex_unlock(&wh_lock);
        if (stopping) {
            uint64_t now = now_ms();
            if (now >= deadline) break;
            if ((long)(deadline - now) < timeout) timeout = (long)(deadline - now);
        }
        if (post_once(body, timeout, why, sizeof why) == 0) { rc = 0; break; }
    }
    if (rc) {
        warn("webhook: dropped a POST of %zu status(es) after %d attempts: %s",
             n, WH_ATTEMPTS, why[0] ? why : "shutting down");
        atomic_fetch_add(&stats.webhook_dropped, n);
    } else {
        atomic_fetch_add(&stats.webhook_posts, 1);
        atomic_fetch_add(&stats.webhook_statuses, n);
    }
    free(body);
    return rc;
}

static void *wh_main(void *arg)
{
    (void)arg;
    struct wh_item *batch[WH_BATCH];
    pthread_mutex_lock(&wh_lock);
    for (;;) {
        if (wh_stopping && (!wh_head || now_ms() >= wh_deadline)) break;
        if (!wh_head) {
            pthread_cond_wait(&wh_cond, &wh_lock);
            continue;
        }
        uint64_t now = now_ms();
        if (!wh_stopping && wh_head->not_before > now) {
            uint64_t wait = wh_head->not_before - now;
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += (time_t)(wait / 1000);
            ts.tv_nsec += (long)(wait % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
            pthread_cond_timedwait(&wh_cond, &wh_lock, &ts);
            continue;
        }
        /* take the due items from the head (when stopping: all of them) */
        size_t n = 0;
        while (wh_head && n < WH_BATCH &&
               (wh_stopping || wh_head->not_before <= now)) {
            if (n && (wh_head->raw || batch[0]->raw)) break; /* raw alone */
            batch[n++] = wh_head;
            wh_head = wh_head->next;
            wh_len--;
        }
        if (!wh_head) wh_tail = NULL;
        pthread_mutex_unlock(&wh_lock);

        int rc = post_batch(batch, n);

        pthread_mutex_lock(&wh_lock);
        uint64_t after = now_ms();
        for (size_t i = 0; i < n; i++) {
            struct wh_item *it = batch[i];
            if (rc == 0 && !it->raw && !it->fail_code &&
                it->stage + 1 < cfg.n_statuses &&
                !(wh_stopping && after >= wh_deadline)) {
                it->stage++;
                it->not_before = after + cfg.webhook_delay_ms;
                wh_append_locked(it);
            } else {
                item_free(it);
            }
        }
    }
    /* whatever is left could not be posted in time */
    size_t left = 0;
    while (wh_head) {
        struct wh_item *it = wh_head;
        wh_head = it->next;
        item_free(it);
        left++;
    }
    wh_tail = NULL;
    wh_len = 0;
    pthread_mutex_unlock(&wh_lock);
    if (left) {
        warn("webhook: %zu status(es) still queued at exit were not posted",
             left);
        atomic_fetch_add(&stats.webhook_dropped, left);
    }
    return NULL;
}

int webhook_start(void)
{
    if (!cfg.webhook_url) return 0;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&wh_cond, &ca);
    pthread_condattr_destroy(&ca);
    wh_curl = curl_easy_init();
    if (!wh_curl) return -1;
    curl_easy_setopt(wh_curl, CURLOPT_URL, cfg.webhook_url);
    curl_easy_setopt(wh_curl, CURLOPT_POST, 1L);
    curl_easy_setopt(wh_curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(wh_curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(wh_curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(wh_curl, CURLOPT_TCP_NODELAY, 1L);
    wh_running = true;
    if (pthread_create(&wh_thread, NULL, wh_main, NULL)) {
        wh_running = false;
        curl_easy_cleanup(wh_curl);
        wh_curl = NULL;
        pthread_cond_destroy(&wh_cond);
        return -1;
    }
    return 0;
}

void webhook_stop(unsigned drain_ms)
{
    pthread_mutex_lock(&wh_lock);
    if (!wh_running) {
        pthread_mutex_unlock(&wh_lock);
        return;
    }
    wh_stopping = true;
    wh_deadline = now_ms() + drain_ms;
    pthread_cond_signal(&wh_cond);
    pthread_mutex_unlock(&wh_lock);
    pthread_join(wh_thread, NULL);
    curl_easy_cleanup(wh_curl);
    wh_curl = NULL;
    wh_running = false;
    pthread_cond_destroy(&wh_cond);
}
