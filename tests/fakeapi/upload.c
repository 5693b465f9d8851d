/*
 * upload.c — Meta's Resumable Upload API as the fake answers it, and the
 * handles it issues (which the business profile's profile_picture_handle
 * must be one of).
 *
 *   POST /{app-id}/uploads?file_name=&file_length=&file_type=
 *        → {"id":"upload:<session>"}
 *   POST /upload:<session>   headers file_offset: 0, Authorization: OAuth …
 *        body: the file's bytes → {"h":"<handle>"}
 *
 * Sessions take the whole file at offset 0 (no resumed parts). The
 * state lives in memory behind one lock; reset forgets it.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeapi.h"

static pthread_mutex_t u_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *sessions; /* id → {"length":N,"type":…} */
static json_t *handles;  /* handle → true */

static char *bad(const char *details)
{
    return meta_error_body(100, "(#100) Invalid parameter", details, 0);
}

static char *take(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

static const char *const upload_types[] = {
    "application/pdf", "image/jpeg", "image/jpg", "image/png", "video/mp4", NULL,
};

unsigned upload_session_new(const char *name, const char *length, const char *type, char **body)
{
    char *end = NULL;
    long long n = length ? strtoll(length, &end, 10) : -1;
    size_t i = 0;
    while (type && upload_types[i] && strcmp(type, upload_types[i])) i++;
    *body = NULL;
    if (!name || !*name)
        *body = bad("Param file_name is required");
    else if (!length || *end || n <= 0)
        *body = bad("Param file_length must be a positive integer");
    else if (!type || !upload_types[i])
        *body = bad("Param file_type must be one of application/pdf, "
                    "image/jpeg, image/jpg, image/png, video/mp4");
    if (*body) return 400;
    char id[32], sid[96];
    new_media_id(id, sizeof id);
    snprintf(sid, sizeof sid, "upload:MTphdHRhY2htZW50Oj%s", id);
    pthread_mutex_lock(&u_lock);
    if (!sessions) sessions = json_object();
    json_object_set_new(sessions, sid,
                        json_pack("{s:I,s:s}", "length", (json_int_t)n, "type", type));
    pthread_mutex_unlock(&u_lock);
    *body = take(json_pack("{s:s}", "id", sid));
    return 200;
}

unsigned upload_session_put(const char *sid, const char *offset, size_t n, char **body)
{
    pthread_mutex_lock(&u_lock);
    json_t *s = sessions ? json_object_get(sessions, sid) : NULL;
    long long want = s ? (long long)json_integer_value(json_object_get(s, "length")) : -1;
    char details[160] = "";
    if (!s)
        snprintf(details, sizeof details, "Upload session %.100s does not exist", sid);
    else if (!offset || strcmp(offset, "0"))
        snprintf(details, sizeof details, "Header file_offset must be 0 (got %.40s)",
                 offset ? offset : "none");
    else if ((long long)n != want)
        snprintf(details, sizeof details, "The body has %zu bytes; file_length was %lld", n, want);
    char h[96] = "";
    if (!*details) {
        char id[32];
        new_media_id(id, sizeof id);
        snprintf(h, sizeof h, "4::aW1hZ2UvanBlZw==:%s", id);
        if (!handles) handles = json_object();
        json_object_set_new(handles, h, json_true());
        json_object_del(sessions, sid);
    }
    pthread_mutex_unlock(&u_lock);
    *body = *details ? bad(details) : take(json_pack("{s:s}", "h", h));
    return *details ? 400 : 200;
}

bool upload_handle_known(const char *h)
{
    pthread_mutex_lock(&u_lock);
    bool known = h && handles && json_object_get(handles, h);
    pthread_mutex_unlock(&u_lock);
    return known;
}

void uploads_reset(void)
{
    pthread_mutex_lock(&u_lock);
    json_decref(sessions);
    json_decref(handles);
    sessions = handles = NULL;
    pthread_mutex_unlock(&u_lock);
}
