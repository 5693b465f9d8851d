/*
 * media.c — received media as the fake serves them, for wb-media get:
 *
 *   POST /_fake/media?mime=&id=&sha256=wrong&size=N&expire=N   body: the bytes
 *        registers a medium → {"id","sha256","file_size"}
 *   GET  /{media-id}  → {"messaging_product","url","mime_type","sha256","file_size","id"}
 *   GET  /_media/{media-id}/{ok|expired}  (bearer token) → the bytes
 *
 * Knobs per medium: sha256=wrong gives a hash that does not match,
 * size=N a file_size other than the bytes', expire=N makes the next N
 * look-ups hand out an expired URL (its download: 404). The state lives
 * in memory behind one lock; reset forgets it.
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeapi.h"

struct medium {
    char id[32], mime[128], sha[65];
    char *bytes;
    size_t n;
    long long size;  /* as file_size says */
    long expire;     /* look-ups still to hand out an expired URL */
    struct medium *next;
};

static pthread_mutex_t m_lock = PTHREAD_MUTEX_INITIALIZER;
static struct medium *media;

static struct medium *find_locked(const char *id)
{
    struct medium *m = media;
    while (m && strcmp(m->id, id)) m = m->next;
    return m;
}

bool media_known(const char *id)
{
    pthread_mutex_lock(&m_lock);
    bool known = find_locked(id) != NULL;
    pthread_mutex_unlock(&m_lock);
    return known;
}

static char *err_body(const char *msg)
{
    return meta_error_body(100, msg, NULL, 0);
}

unsigned media_register(const char *mime, const char *id, const char *sha, const char *size,
                        const char *expire, const char *bytes, size_t n, char **body)
{
    if (!mime || !*mime) {
        *body = err_body("mime is required");
        return 400;
    }
    struct medium *m = calloc(1, sizeof *m);
    m->bytes = malloc(n ? n : 1);
    if (!m->bytes) abort();
    if (n) memcpy(m->bytes, bytes, n);
    m->n = n;
    m->size = size ? strtoll(size, NULL, 10) : (long long)n;
    m->expire = expire ? strtol(expire, NULL, 10) : 0;
    snprintf(m->mime, sizeof m->mime, "%s", mime);
    if (id && *id) snprintf(m->id, sizeof m->id, "%s", id);
    else new_media_id(m->id, sizeof m->id);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(m->bytes, n, md, &len, EVP_sha256(), NULL);
    if (sha && !strcmp(sha, "wrong")) md[0] ^= 0xff;
    for (unsigned i = 0; i < len && i < 32; i++) sprintf(m->sha + 2 * i, "%02x", md[i]);
    pthread_mutex_lock(&m_lock);
    m->next = media;
    media = m;
    pthread_mutex_unlock(&m_lock);
    json_t *j = json_pack("{s:s,s:s,s:I}", "id", m->id, "sha256", m->sha, "file_size",
                          (json_int_t)m->size);
    *body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return 200;
}

unsigned media_info(const char *id, const char *host, char **body)
{
    pthread_mutex_lock(&m_lock);
    struct medium *m = find_locked(id);
    char url[300];
    snprintf(url, sizeof url, "http://%s/_media/%s/%s", host ? host : "127.0.0.1", id,
             m->expire > 0 ? "expired" : "ok");
    if (m->expire > 0) m->expire--;
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s}", "messaging_product", "whatsapp", "url", url,
                          "mime_type", m->mime, "sha256", m->sha, "file_size", (json_int_t)m->size,
                          "id", m->id);
    pthread_mutex_unlock(&m_lock);
    *body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return 200;
}

unsigned media_bytes(const char *path, char **body, size_t *n, char *mime, size_t cap)
{
    char id[32] = "", gen[16] = "";
    sscanf(path, "%31[0-9]/%15s", id, gen);
    pthread_mutex_lock(&m_lock);
    struct medium *m = find_locked(id);
    unsigned status = 404;
    if (m && !strcmp(gen, "ok")) {
        *body = malloc(m->n ? m->n : 1);
        if (!*body) abort();
        memcpy(*body, m->bytes, m->n);
        *n = m->n;
        snprintf(mime, cap, "%s", m->mime);
        status = 200;
    }
    pthread_mutex_unlock(&m_lock);
    if (status != 200) {
        *body = err_body("(#100) The media URL has expired or does not exist");
        *n = strlen(*body);
    }
    return status;
}

void media_reset(void)
{
    pthread_mutex_lock(&m_lock);
    while (media) {
        struct medium *m = media;
        media = m->next;
        free(m->bytes);
        free(m);
    }
    pthread_mutex_unlock(&m_lock);
}
