/* chat — wb-chat's console: one conversation on a terminal (GNU
 * readline's callback interface, so that what arrives prints above the
 * line being typed) or lines from a pipe. It shows the conversation so
 * far and what arrives (read again when the database file changes),
 * sends typed lines as the agent through compose and deliver (wb-send's
 * rules), runs the slash commands, marks the customer's messages read
 * and shows the typing indicator. It owns no SQL: the inbox, msglog,
 * quick, label and contact modules answer it. */
#ifndef WB_CHAT_H
#define WB_CHAT_H
#include "cloudapi.h"
#include "db.h"

typedef struct {
	const char *agent; /* WB_AGENT: who takes and sends (an agent) */
	const char *tz;    /* the business zone, for times */
	int force;         /* take a colleague's conversation, not just read it */
	int tty;           /* a person at a terminal; 0: lines from stdin */
} chat_opts;

/* The console on phone's conversation (NULL: the next one waiting,
 * taken; EX_FALSE when nobody waits). Returns at /quit or the end of
 * input: 0, or the first failing line's status (a refused send is
 * EX_DATAERR), each failure said already (without a terminal on stderr,
 * naming the line): the message recorded only counts them. */
int chat_run(wb_db *db, api *a, const chat_opts *o, const char *phone);

#endif
