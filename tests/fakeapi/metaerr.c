/*
 * metaerr.c — Meta-shaped error bodies and the ids the fake hands out
 * (wamid, media id, fbtrace_id). The error texts are those of the samples in
 * shared/fixtures/response/ and of Meta's error-code reference.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fakeapi.h"

static atomic_ullong id_counter;
static unsigned long long id_base; /* pid and start time: ids differ per run */

void ids_init(void)
{
    unsigned long long t = (unsigned long long)time(NULL);
    id_base = ((unsigned long long)getpid() << 32) ^ (t & 0xffffffffULL);
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 with padding, as in Meta's wamids. */
static void base64(const unsigned char *in, size_t n, char *out)
{
    size_t i, k = 0;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[k++] = b64[v >> 18 & 63];
        out[k++] = b64[v >> 12 & 63];
        out[k++] = b64[v >> 6 & 63];
        out[k++] = b64[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n) v |= (unsigned)in[i + 1] << 8;
        out[k++] = b64[v >> 18 & 63];
        out[k++] = b64[v >> 12 & 63];
        out[k++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        out[k++] = '=';
    }
    out[k] = '\0';
}

/* A wamid like Meta's ("wamid.HBgL…=="): "HBgL" then base64 of 16 bytes,
 * the run's base and a counter, so every id of a run is unique and ids of
 * two runs differ. */
void new_wamid(char *out, size_t cap)
{
    unsigned long long n = atomic_fetch_add(&id_counter, 1) + 1;
    unsigned char raw[16];
    for (int i = 0; i < 8; i++) raw[i] = (unsigned char)(id_base >> (56 - 8 * i));
    for (int i = 0; i < 8; i++) raw[8 + i] = (unsigned char)(n >> (56 - 8 * i));
    char enc[32];
    base64(raw, sizeof raw, enc);
    snprintf(out, cap, "wamid.HBgL%s", enc);
}

/* Media ids are 16 decimal digits, like "1284061392617345". */
void new_media_id(char *out, size_t cap)
{
    unsigned long long n = atomic_fetch_add(&id_counter, 1) + 1;
    unsigned long long v = 1000000000000000ULL +
                           (id_base % 90000ULL) * 10000000000ULL +
                           n % 10000000000ULL;
    snprintf(out, cap, "%llu", v);
}

/* fbtrace_id: 23 characters of base64 alphabet, different every call. */
void new_trace_id(char *out, size_t cap)
{
    unsigned long long x = (atomic_fetch_add(&id_counter, 1) + 1) ^ id_base;
    char s[24];
    for (int i = 0; i < 23; i++) {
        /* splitmix64 step: cheap, well-spread bits */
        x += 0x9E3779B97F4A7C15ULL;
        unsigned long long z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        z ^= z >> 31;
        s[i] = b64[z % 62]; /* letters and digits only */
    }
    s[0] = 'A';
    s[23] = '\0';
    snprintf(out, cap, "%s", s);
}

static const struct {
    long code;
    const char *title;
    const char *details;
} known[] = {
    {1, "An unknown error occurred", "An unknown error occurred"},
    {100, "Invalid parameter", "Parameter value is not valid"},
    {130429, "Rate limit hit", "Cloud API message throughput has been reached."},
    {131000, "Something went wrong", "Something went wrong."},
    {131008, "Required parameter is missing", "A required parameter is missing."},
    {131009, "Parameter value is not valid", "Parameter value is not valid."},
    {131021, "Recipient cannot be sender",
     "Sender and recipient phone number is the same."},
    {131026, "Message undeliverable", "Message Undeliverable."},
    {131031, "Business Account locked",
     "The WhatsApp Business Account is locked."},
    {131047, "Re-engagement message",
     "Message failed to send because more than 24 hours have passed since "
     "the customer last replied to this number."},
    {131048, "Spam rate limit hit",
     "Message failed to send because there are restrictions on how many "
     "messages can be sent from this phone number. This may be because too "
     "many previous messages were blocked or flagged as spam."},
    {131049, "This message was not delivered to maintain healthy ecosystem "
             "engagement.",
     "In order to maintain a healthy ecosystem engagement, the message "
     "failed to be delivered."},
    {131051, "Unsupported message type", "Message type is not currently supported."},
    {131053, "Media upload error", "Unable to upload the media used in the message."},
    {131056, "(Business Account, Consumer Account) pair rate limit hit",
     "Message failed to send because there were too many messages sent from "
     "this phone number to the same phone number in a short period of time."},
    {132000, "Number of parameters does not match the expected number of params",
     "body: number of localizable_params does not match the expected number "
     "of params"},
    {132001, "Template name does not exist in the translation",
     "template name does not exist in the translation"},
    {132012, "Parameter format does not match format in the created template",
     "Parameter format does not match format in the created template."},
    {133010, "Account not registered",
     "Phone number not registered on the Whatsapp Business Platform."},
    {368, "Temporarily blocked for policies violations",
     "The account is temporarily blocked for policies violations."},
    {0, NULL, NULL},
};

void meta_error_text(long code, const char **message, const char **details)
{
    for (size_t i = 0; known[i].title; i++)
        if (known[i].code == code) {
            *message = known[i].title;
            *details = known[i].details;
            return;
        }
    *message = "Message failed to send";
    *details = "The fake Cloud API was told to fail this message with this "
               "error code.";
}

unsigned meta_http_status(long code)
{
    switch (code) {
    case 190: return 401;
    case 130429: return 429;
    case 1: case 2: case 131000: return 500;
    default: return 400;
    }
}

char *meta_error_body(long code, const char *message, const char *details,
                      long subcode)
{
    char trace[32];
    new_trace_id(trace, sizeof trace);
    json_t *err = json_object();
    json_object_set_new(err, "message", json_string(message));
    json_object_set_new(err, "type", json_string("OAuthException"));
    json_object_set_new(err, "code", json_integer(code));
    if (subcode) json_object_set_new(err, "error_subcode", json_integer(subcode));
    if (details) {
        json_t *data = json_object();
        json_object_set_new(data, "messaging_product", json_string("whatsapp"));
        json_object_set_new(data, "details", json_string(details));
        json_object_set_new(err, "error_data", data);
    }
    if (code == 1 || code == 2) json_object_set_new(err, "is_transient", json_true());
    json_object_set_new(err, "fbtrace_id", json_string(trace));
    json_t *root = json_object();
    json_object_set_new(root, "error", err);
    char *s = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return s;
}

char *meta_error_for_code(long code, const char *details_override)
{
    const char *title, *details;
    char message[256];
    meta_error_text(code, &title, &details);
    if (code == 1 || code == 2) /* the Graph API's own codes have no "(#n)" */
        snprintf(message, sizeof message, "%s", title);
    else
        snprintf(message, sizeof message, "(#%ld) %s", code, title);
    return meta_error_body(code, message,
                           details_override ? details_override : details, 0);
}
