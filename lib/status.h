/* status — the life of an outgoing message as pure rules: queued →
 * sending → sent → delivered → read, or failed; unknown when a crash left
 * it in flight; cancelled by the user. Statuses only move forward: a late
 * "sent" after "delivered" changes nothing, while "failed" (which Meta
 * may report after accepting a message) wins over sent and delivered.
 * Code passes msg_status values; names are for the edges only (the
 * message.status column, output, webhooks). */
#ifndef WB_STATUS_H
#define WB_STATUS_H

/* The forward order up to read is the order of the values. */
typedef enum {
	STATUS_QUEUED, STATUS_SENDING, STATUS_UNKNOWN, STATUS_SENT, STATUS_DELIVERED, STATUS_READ,
	STATUS_FAILED, STATUS_CANCELLED,
} msg_status;

/* The name as the database, the output and Meta's webhooks spell it. */
const char *status_name(msg_status s);
/* The status a name stands for: 0, or -1 when it names none. */
int status_parse(const char *name, msg_status *s);

/* 1 when a message in status from may move to status to. */
int status_may_move(msg_status from, msg_status to);
/* 1 when a message in s has got as far as step on the way to read (a
 * read message was sent and delivered, even when no webhook said so). */
int status_reached(msg_status s, msg_status step);
/* 1 for the statuses a message can no longer leave (read, failed,
 * cancelled). */
int status_final(msg_status s);

#endif
