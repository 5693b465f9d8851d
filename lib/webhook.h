/* webhook — reads what the Cloud API POSTs to a webhook: one JSON document
 * with entries and changes of every field a WhatsApp Business Account
 * subscribes to, turned into a flat list of items (messages, echoes of
 * what the business sent from the WhatsApp Business app, history, delivery
 * statuses, calls, marketing preferences, address-book changes, and
 * changes kept whole); and the X-Hub-Signature-256 check. What it cannot
 * read becomes an item of its own (WH_BAD), with where it was, why, and a
 * document holding just that part, so one bad part never costs its
 * neighbours. Pure: no database, no I/O, so it can be fuzzed. It does not
 * decide what to store or answer. */
#ifndef WB_WEBHOOK_H
#define WB_WEBHOOK_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	WH_MESSAGE,    /* a user's message (messages, history) */
	WH_ECHO,       /* the business's own, sent outside wb (smb_message_echoes, history) */
	WH_STATUS,     /* a delivery status of a message */
	WH_CALL,       /* a call's event, or a status of a call the business made */
	WH_PREFERENCE, /* a user stopped or resumed marketing messages */
	WH_ADDRESS,    /* the business's address book in the app changed (smb_app_state_sync) */
	WH_CHANGE,     /* a change kept whole: templates, account, number, error reports,
	                * and fields wb does not model (known 0) */
	WH_BAD,        /* a part that cannot be taken: to quarantine */
} wh_kind;

/* Strings point into the parsed document and live as long as the batch;
 * path and reason are the batch's too. */
typedef struct {
	wh_kind kind;
	const char *field;           /* the change's field ("messages", "calls" …) */
	const char *waba_id;         /* entry.id */
	int64_t entry_time;          /* entry.time, 0 when none */
	const char *phone_number_id; /* metadata.phone_number_id: the business number */
	const char *wamid;           /* the message's, status's or call's id */
	int64_t ts;
	/* message: its type; status: sent delivered read played failed; call:
	 * connect terminate … or RINGING ACCEPTED …; preference: stop resume;
	 * address: add remove; change: its event, when it has one */
	const char *type;
	/* who: the sender of a message, the recipient of an echo or status,
	 * the other side of a call */
	const char *phone, *user_id, *parent_user_id, *username;
	const char *name;            /* their profile name (address: the business's name for them) */
	const char *text;            /* text body, caption, button text, reaction emoji… */
	const char *media_id, *media_mime;
	const char *reply_to;        /* context.id, or the message a reaction is to */
	const char *target;          /* edit and revoke: the message they change */
	const char *source;          /* echo: "app" or "history"; message: "history" or NULL;
	                              * call: "in" (they called) or "out" */
	const char *history_status;  /* history: the status the app had (READ, DELIVERED…) */
	const char *group;           /* a group's id (group_id, or a status's group recipient) */
	const char *participant, *participant_user_id; /* a group status's member */
	const char *callback_data;   /* biz_opaque_callback_data */
	int error_code;              /* errors beside a message, failed statuses and calls */
	const char *error_text, *error_title, *error_href;
	int64_t template_id;         /* change: message_template_id, 0 when none */
	const char *template_name, *template_language;
	int known;                   /* change: 1 for a field wb models */
	json_t *raw;                 /* the item as received; change: its value */
	/* made ahead for the store on the thread that parsed (inbound_parse),
	 * else NULL: raw as it is stored, and the item's event line;
	 * webhook_free frees them */
	char *raw_text, *event;
	/* WH_BAD */
	char *path;                  /* "entry[1].changes[0].value.messages[2]", "" for all */
	char *reason;
	json_t *part;                /* a webhook document holding just the bad part (its
	                              * entry and change around it); NULL: the whole text */
} wh_item;

typedef struct {
	json_t *root;
	wh_item *v;
	size_t n, cap;
	size_t bad; /* WH_BAD items among them */
	struct jarena *arena; /* where root's tree lives (jarena.h) */
} wh_batch;

/* Reads one webhook document of len bytes into b: its items in document
 * order, the parts it cannot read among them as WH_BAD items (a document
 * that is no WhatsApp webhook at all is one). */
void webhook_parse(const char *buf, size_t len, wh_batch *b);
void webhook_free(wh_batch *b);

/* The business-scoped user IDs in webhooks are user IDs (bsuid.h) and
 * phones are up to 15 digits; 1 when s is such a phone. */
int webhook_phone_ok(const char *s);

/* 1 when header is "sha256=<hex HMAC-SHA256 of body keyed with secret>",
 * compared in constant time; 0 otherwise (a missing header included). */
int webhook_signature_ok(const char *secret, const void *body, size_t len, const char *header);
/* Writes the header value for body into out (sha256= and 64 hex digits). */
void webhook_sign(const char *secret, const void *body, size_t len, char out[72]);

#endif
