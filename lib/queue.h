/* queue — outgoing messages as rows: written before they are sent,
 * claimed by one process at a time (claimed_by = "pid@boot_id" in a
 * write transaction, so two flushes never take the same row), moved to
 * sending just before the request, then to sent or failed (status.h
 * rules), or back to queued for a retry. Rows left in sending by a
 * process that is gone become unknown, never resent by themselves. No
 * HTTP here. */
#ifndef WB_QUEUE_H
#define WB_QUEUE_H
#include <stddef.h>
#include <stdint.h>

#include "bsuid.h"
#include "db.h"
#include "phone.h"
#include "send.h"
#include "status.h"

typedef struct {
	int64_t contact_id;
	const char *type, *body, *media_id, *reply_to;
	const char *payload; /* the request body for the API */
	int64_t ts, due_at;  /* due_at 0: now */
	const char *agent, *auto_kind, *idem_key;
	const char *kind;     /* marketing or utility (send_category_names) */
	int64_t broadcast_id; /* 0: none */
	int forced;           /* --force: no 24-hour window check when it goes out */
	const char *claimed_by; /* reserved for this process (sent by it at once); NULL: for any flush */
	const char *tag;        /* wb-send --tag, as sent */
	const char *phone_number_id; /* the business number to send from; NULL: WB_PHONE_ID */
} queue_msg;

typedef enum { QUEUE_NEW, QUEUE_DUP_KEY, QUEUE_DUP_BROADCAST } queue_added;

/* Inserts the row (status queued). A key already used, or a contact the
 * broadcast already has, inserts nothing: *added says which, *id is then
 * the existing row's (0 for a broadcast duplicate). */
int queue_add(wb_db *db, const queue_msg *m, int64_t *id, queue_added *added);
int queue_broadcast_new(wb_db *db, const char *name, const char *agent, const char *kind, const char *spec,
			int64_t now, int64_t *id);
/* Marketing messages to contact_id since since (but those of broadcast
 * except_broadcast; failed and cancelled ones do not count): what the
 * frequency cap counts. */
int queue_marketing_to(wb_db *db, int64_t contact_id, int64_t since, int64_t except_broadcast, int64_t *count);

/* The messaging limit's count: the contacts template messages reach (by
 * the time they go, failed and cancelled ones aside) in (from, to), but
 * for the messages of broadcast except (0: none). */
int queue_template_reach(wb_db *db, int64_t from, int64_t to, int64_t except, int64_t *n);
/* A broadcast's template messages due now to contacts no other template
 * message reaches in (from, to): how many. */
int queue_newcomers(wb_db *db, int64_t broadcast, int64_t from, int64_t to, int64_t *n);
/* Of those, in their order, moves n after the first skip to due (for any
 * flush to send then); fn is told of each. */
int queue_newcomers_defer(wb_db *db, int64_t broadcast, int64_t from, int64_t to, int64_t skip, int64_t n,
			  int64_t due, void (*fn)(int64_t id, const char *phone, int64_t due, void *ctx), void *ctx);

/* This process's claim name, "pid@boot_id". */
const char *queue_me(void);
/* 1 when the process a claim names is gone (another boot, or no such pid). */
int queue_claimer_gone(const char *claimer, const char *me);

typedef struct {
	int64_t id;
	char phone[PHONE_MAX];     /* the contact's, "" when it has none */
	char user_id[BSUID_MAX];   /* the contact's, "" when it has none */
	char *payload, *tag;
	char *phone_number_id;     /* the business number to send from; NULL: WB_PHONE_ID */
	char *tmpl;                /* a template's name, NULL for other messages */
	int attempts;
	/* what the rules judge again as it leaves: a window open when the
	 * message was made may have closed while it waited */
	send_kind kind;
	int forced;
	int64_t last_in;
} queue_item;

/* Claims up to max due rows for me: with mine, the rows reserved for me
 * by queue_add; else the rows nobody holds. */
int queue_claim(wb_db *db, const char *me, int mine, int64_t now, int max, queue_item **items, size_t *n);
void queue_items_free(queue_item *items, size_t n);

/* Just before the request: queued → sending. *ok is 0 when the row
 * moved meanwhile (cancelled), and must not be sent. Inside a transaction. */
int queue_sending(wb_db *db, int64_t id, int64_t now, int *ok);
/* The API accepted it; *now and *error as track_accepted says. */
int queue_sent(wb_db *db, int64_t id, const char *wamid, int64_t ts, msg_status *now, char **error);
/* It failed for good (only where status.h allows the move). */
int queue_failed(wb_db *db, int64_t id, long code, const char *text, int64_t ts);
/* A retryable failure: back to queued (a retry is not a status report, so
 * this is the one backward move), still held by me, last error kept. */
int queue_retry(wb_db *db, int64_t id, long code, const char *text);
/* Gives up the rows I hold and did not send: they wait for a flush, not
 * before retry_at (0: at once). */
int queue_release(wb_db *db, const char *me, int64_t retry_at);

/* Rows held by processes that are gone: sending → unknown (fn is called
 * for each, for the report, with the contact's phone, else user ID),
 * queued → free again. With retry_unknown, unknown rows go back to
 * queued. */
typedef int (*queue_fn)(int64_t id, const char *phone, msg_status status, const char *error, void *ctx);
int queue_recover(wb_db *db, const char *me, int retry_unknown, int64_t now, queue_fn fn, void *ctx);

/* The rows waiting or in doubt (queued, sending, unknown), due order. */
typedef struct {
	int64_t id, due_at, ts, broadcast_id;
	const char *phone, *user_id; /* the contact's; NULL when it has none */
	const char *type, *body, *error, *key, *tag;
	msg_status status;
	int attempts;
} queue_row;
int queue_each(wb_db *db, int (*fn)(const queue_row *r, void *ctx), void *ctx);
/* queued → cancelled; EX_FALSE when there is no such message, EX_DATAERR
 * when it is no longer queued. */
int queue_cancel(wb_db *db, int64_t id, int64_t now);

#endif
