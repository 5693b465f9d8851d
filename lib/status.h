/* status — the life of an outgoing message as pure rules: queued →
 * sending → sent → delivered → read, or failed; unknown when a crash left
 * it in flight; cancelled by the user. Statuses only move forward: a late
 * "sent" after "delivered" changes nothing, while "failed" (which Meta
 * may report after accepting a message) wins over sent and delivered. */
#ifndef WB_STATUS_H
#define WB_STATUS_H

/* 1 when a message in status from may move to status to. Unknown names
 * never move anything. */
int status_may_move(const char *from, const char *to);
/* 1 for the statuses a message can no longer leave (read, failed,
 * cancelled). */
int status_final(const char *s);
/* 1 for names this module knows. */
int status_valid(const char *s);

#endif
