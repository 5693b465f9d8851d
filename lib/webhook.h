/* webhook — reads what the Cloud API POSTs to a webhook: one JSON document
 * with entries, changes, messages and statuses, turned into a flat list of
 * items; and the X-Hub-Signature-256 check. Pure: no database, no I/O,
 * so it can be fuzzed. It does not decide what to store or answer. */
#ifndef WB_WEBHOOK_H
#define WB_WEBHOOK_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { WH_MESSAGE, WH_STATUS } wh_kind;

/* Strings point into the parsed document and live as long as the batch. */
typedef struct {
	wh_kind kind;
	const char *wamid;
	const char *phone;      /* message: the sender; status: the recipient */
	const char *name;       /* message: the sender's profile name, or NULL */
	int64_t ts;
	const char *type;       /* message: its type; status: sent delivered read failed */
	const char *text;       /* text body, caption, button text, reaction emoji… */
	const char *media_id, *media_mime;
	const char *reply_to;   /* context.id, or the message a reaction is to */
	int error_code;         /* failed statuses, unsupported messages */
	const char *error_text;
	json_t *raw;            /* the message or status object as received */
} wh_item;

typedef struct {
	json_t *root;
	wh_item *v;
	size_t n, cap;
} wh_batch;

/* Parses one webhook document of len bytes. Returns 0 and fills b (the
 * items in document order), or EX_DATAERR with a message naming the byte
 * offset or the field ("entry[0].changes[0].value.messages[1]: no id").
 * Changes of other fields than "messages" are skipped. */
int webhook_parse(const char *buf, size_t len, wh_batch *b);
void webhook_free(wh_batch *b);

/* 1 when header is "sha256=<hex HMAC-SHA256 of body keyed with secret>",
 * compared in constant time; 0 otherwise (a missing header included). */
int webhook_signature_ok(const char *secret, const void *body, size_t len, const char *header);
/* Writes the header value for body into out (sha256= and 64 hex digits). */
void webhook_sign(const char *secret, const void *body, size_t len, char out[72]);

#endif
