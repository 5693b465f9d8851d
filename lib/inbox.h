/* inbox — the shared inbox: conversations (at most one open or pending
 * per contact; wb(7) gives the rules), their states, who answers them
 * (taken, assigned, or given round robin), private notes, and the version
 * a console follows to see what changed. Two hooks keep it in step with
 * the messages: inbox_customer_message from the inbound store, and
 * inbox_message_sent when the API has accepted a message. It owns the
 * conversation, conversation_event and note tables; the agents are
 * agent's, the read receipt's HTTP is cloudapi's. A resolution queues
 * the survey sent on resolution (survey_on_resolve). */
#ifndef WB_INBOX_H
#define WB_INBOX_H
#include <stdint.h>
#include <stdio.h>

#include "bsuid.h"
#include "bulk.h"
#include "cloudapi.h"
#include "db.h"
#include "phone.h"

typedef enum { INBOX_OPEN, INBOX_PENDING, INBOX_RESOLVED, INBOX_ALL } inbox_state;
/* "open", "pending", "resolved", "all", NULL-terminated. */
extern const char *const inbox_state_names[];

/* A customer message within this long of a conversation's resolution
 * reopens it; a later one opens a new conversation. */
#define INBOX_REOPEN_WITHIN 86400

/* ---- the hooks, inside the caller's transaction */

/* A new customer message of type at ts (call once per message, when it
 * is first stored): a pending conversation opens again, a resolved one
 * reopens (within INBOX_REOPEN_WITHIN) or a new one opens, given round
 * robin to an agent on duty when auto-assignment is on. A reaction
 * changes nothing; the inbound store calls it for no survey answer. */
int inbox_customer_message(wb_db *db, int64_t contact_id, const char *type, int64_t ts);
/* The API accepted outgoing message id at ts: a reply (neither automatic
 * nor part of a broadcast) answers the contact's conversation, which
 * becomes pending (waiting on the customer); the first one is its first
 * response. */
int inbox_message_sent(wb_db *db, int64_t message_id, int64_t ts);

/* ---- reading */

typedef struct {
	inbox_state state;
	const char *agent;     /* assigned to this agent; NULL: anyone */
	int unassigned;        /* only those in the queue */
	const char *label;     /* the contact has this label (EX_DATAERR when no such label) */
	int64_t contact_id;    /* > 0: this contact's latest conversation only */
	int64_t since_version; /* only those changed after this version */
	int64_t now;
} inbox_filter;

typedef struct {
	int64_t id, contact_id;
	int64_t version;           /* the inbox version of its last change */
	const char *phone, *name;  /* phone "" when not known; name NULL when unknown */
	inbox_state state;
	const char *assignee;      /* NULL: in the queue */
	int64_t opened_at, first_response_at, resolved_at; /* 0: not yet */
	int64_t wait;              /* open: seconds since the first unanswered message; else -1 */
	int64_t unread;            /* their messages since our last reply or read mark */
	int64_t window_left;       /* seconds the 24-hour window stays open; 0: closed */
	const char *labels;        /* the contact's, comma-separated */
	const char *last_message;  /* the last message's text, or its type in brackets */
	const char *user_id;       /* the contact's user ID, "" when none */
} inbox_conv;

typedef int (*inbox_fn)(const inbox_conv *c, void *ctx);
/* The conversations f selects: those waiting longest first, then the
 * others by the customer's last message. */
int inbox_each(wb_db *db, const inbox_filter *f, inbox_fn fn, void *ctx);
/* The current version: every change to a conversation (a message either
 * way, a state, an assignment, a note) takes a larger one. A console
 * remembers it and asks inbox_each for since_version = it. */
int inbox_version(wb_db *db, int64_t *v);

/* ---- changes */

/* Assigns to agent (the caller, who must be an agent: agent_me) the
 * conversation of phone, or with phone NULL the open one in the queue
 * that has waited longest: one UPDATE … WHERE assignee IS NULL in a write
 * transaction, so two agents taking at once never get the same one. 0
 * and *contact_id (*changed 0 when it was the agent's already); EX_FALSE
 * when there is nothing to take ("taken by bob", "nothing waiting"). */
int inbox_take(wb_db *db, const char *agent, const char *phone, int64_t now, int64_t *contact_id,
	       int *changed);

typedef enum { INBOX_ASSIGN, INBOX_UNASSIGN, INBOX_RESOLVE, INBOX_REOPEN } inbox_act;
/* assign (to agent, who must exist), unassign, resolve or reopen the
 * conversations of the phones of argv, or of fp (as bulk_phones reads
 * them): all or nothing, a row for each after the commit. actor is who
 * does it (WB_AGENT; NULL: nobody in particular). A conversation
 * resolved queues its survey (survey.h: the caller sends it with
 * survey_deliver after). Resolving or
 * unassigning a contact without a conversation changes nothing;
 * assigning one, or reopening one that never had one, is EX_DATAERR. */
int inbox_act_phones(wb_db *db, inbox_act act, const char *agent, const char *actor, int argc, char **argv,
		     FILE *fp, bulk_row_fn row, void *ctx);

/* A private note on phone's contact (which must exist: EX_FALSE), by
 * agent (NULL: nobody in particular), kept with its conversation. */
int inbox_note(wb_db *db, const char *phone, const char *agent, const char *text, int64_t now);

/* An agent leaves (off duty, removed): their open and pending
 * conversations go back to the queue. Inside the caller's transaction. */
int inbox_release(wb_db *db, const char *agent, const char *actor, int64_t now);

/* Marks the customer's message wamid (and, as WhatsApp does, the ones
 * before it) read on WhatsApp, with the typing indicator when typing,
 * and so in the database (their read_at), and counts the conversation's
 * unread messages again. EX_DATAERR when
 * wamid is no customer message this database has; cloudapi's errors.
 * phone and user_id are set to the customer's ("" when unknown). */
int inbox_mark_read(wb_db *db, api *a, const char *wamid, int typing, char phone[PHONE_MAX],
		    char user_id[BSUID_MAX]);

#endif
