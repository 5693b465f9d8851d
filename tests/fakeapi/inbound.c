/*
 * inbound.c — the customers' side of the fake Cloud API: the messages
 * they send. POST /_fake/inbound makes one ({"from","text","name",
 * "timestamp"}, all but from optional) or takes a webhook document of
 * them, and answers with the webhook Meta would deliver, for a test to
 * feed to wb-recv. The fake then knows those message ids, so a read
 * receipt (mark as read, typing indicator) for any other id is refused
 * as Meta refuses it.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fakeapi.h"

#define INBOUND_MAX 1000000 /* message ids remembered at most */

static pthread_mutex_t in_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *known; /* wamid → true */

static void remember(const char *wamid)
{
    pthread_mutex_lock(&in_lock);
    if (!known) known = json_object();
    if (json_object_size(known) < INBOUND_MAX)
        json_object_set_new(known, wamid, json_true());
    pthread_mutex_unlock(&in_lock);
}

bool inbound_known(const char *wamid)
{
    pthread_mutex_lock(&in_lock);
    bool k = known && json_object_get(known, wamid);
    pthread_mutex_unlock(&in_lock);
    return k;
}

void inbound_reset(void)
{
    pthread_mutex_lock(&in_lock);
    json_decref(known);
    known = NULL;
    pthread_mutex_unlock(&in_lock);
}

/* Remembers the id of every message in a webhook document. */
static int learn(json_t *doc)
{
    size_t i, j, k, n = 0;
    json_t *entry, *change, *msg;
    json_array_foreach(json_object_get(doc, "entry"), i, entry)
        json_array_foreach(json_object_get(entry, "changes"), j, change)
            json_array_foreach(json_object_get(json_object_get(change, "value"), "messages"), k, msg) {
                const char *id = json_string_value(json_object_get(msg, "id"));
                if (id) {
                    remember(id);
                    n++;
                }
            }
    return (int)n;
}

/* A text message from a customer, as Meta delivers it by webhook. */
static json_t *text_message(const char *from, const char *name, const char *text, long long at)
{
    char wamid[64], ts[24];
    new_wamid(wamid, sizeof wamid);
    snprintf(ts, sizeof ts, "%lld", at ? at : (long long)time(NULL));
    json_t *value = json_pack(
        "{s:s,s:{s:s,s:s},s:[{s:{s:s},s:s}],s:[{s:s,s:s,s:s,s:s,s:{s:s}}]}",
        "messaging_product", "whatsapp", "metadata", "display_phone_number", cfg.display_phone,
        "phone_number_id", cfg.phone_id ? cfg.phone_id : "106540352242922",
        "contacts", "profile", "name", name, "wa_id", from,
        "messages", "from", from, "id", wamid, "timestamp", ts, "type", "text", "text", "body", text);
    return json_pack("{s:s,s:[{s:s,s:[{s:o,s:s}]}]}", "object", "whatsapp_business_account",
                     "entry", "id", cfg.waba_id, "changes", "value", value, "field", "messages");
}

char *inbound_post(const char *body, size_t len, unsigned *status)
{
    json_t *in = len ? json_loadb(body, len, 0, NULL) : NULL, *out = NULL;
    const char *from = json_string_value(json_object_get(in, "from"));
    char digits[24];
    if (json_object_get(in, "object")) {
        out = json_incref(in);
    } else if (from) {
        const char *name = json_string_value(json_object_get(in, "name"));
        const char *text = json_string_value(json_object_get(in, "text"));
        phone_digits(from, digits, sizeof digits);
        long long at = (long long)json_integer_value(json_object_get(in, "timestamp"));
        out = text_message(digits, name ? name : "Customer", text ? text : "Hello", at);
    }
    json_decref(in);
    if (!out || !learn(out)) {
        json_decref(out);
        *status = 400;
        return strdup("{\"error\":\"want {\\\"from\\\":PHONE,\\\"text\\\":…,\\\"name\\\":…} "
                      "or a webhook document with messages\"}");
    }
    *status = 200;
    char *s = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return s;
}
