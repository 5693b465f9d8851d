/* survey — satisfaction surveys: a question on a scale (csat, nps, yesno
 * or up to ten options), sent as reply buttons or a list through
 * wb-send, and its answers. It owns the survey table; sends and answers
 * are not stored apart but derived from messages by the views
 * survey_send and survey_answer (schema.sql, wb(7)): a send is an
 * outgoing message whose idempotency key starts "survey:NAME:", an
 * answer a button or list reply quoting it, or a number typed within the
 * survey's window to the contact's latest survey; a late or out-of-range
 * answer does not count, and of several the last one does. Deriving
 * keeps one truth (the messages); wb-recv only asks whether a message is
 * an answer (survey_answer_of), which opens no conversation. Sending
 * on resolution is a hook of the inbox's (survey_on_resolve); the
 * follow-up to a low score is wb-reply auto's (survey_answer_of). */
#ifndef WB_SURVEY_H
#define WB_SURVEY_H
#include <stdint.h>

#include "cloudapi.h"
#include "compose.h"
#include "db.h"

typedef struct {
	const char *name, *ask, *scale, *follow_up;
	int64_t window;  /* seconds an answer is taken */
	int on_resolve;  /* sent when a conversation is resolved (one survey at most) */
	int score_min, score_max;
	const char *tmpl; /* sent instead when the 24-hour window is closed; NULL: skipped then */
	long sent, answered; /* for listings */
} survey;

/* Names are letters, digits, - and _ (they go into message keys). The
 * scale is checked, and the message it makes against Meta's limits:
 * EX_USAGE naming what is wrong; EX_DATAERR for a bad name or one in
 * use. */
int survey_add(wb_db *db, const survey *s, int64_t now);
/* No such survey (here, in survey_each with a name, and wherever a name
 * is looked up): EX_FALSE "no survey 'x'", DESIGN's "no such thing". */
int survey_rm(wb_db *db, const char *name);
int survey_each(wb_db *db, const char *name, int (*fn)(const survey *s, void *ctx), void *ctx);

/* The wb-send arguments that send survey name (text and buttons or list,
 * its template as --fallback-template, else --skip-closed, and a key
 * unique to this run and contact), NULL-terminated, to which the caller
 * appends its recipients; free with survey_argv_free. tmpl names
 * another template (NULL: the survey's). EX_FALSE when there is no
 * such survey. */
int survey_send_argv(wb_db *db, const char *name, const char *tmpl, int64_t now, char ***argv, int *argc);
void survey_argv_free(char **argv);

/* Conversation conversation_id of the contact key (a phone or user ID)
 * was resolved: the survey added with --on-resolve, if there is one, is
 * composed for them (compose.h: the window, its template, the opt-out)
 * in the caller's transaction, under the key
 * survey:NAME:resolved:CONVERSATION, so a conversation gets it once
 * however often it is resolved. The message is reserved for this process:
 * survey_deliver sends it after the commit. A contact left out (window
 * closed without a template, opted out) is warned about, not an error. */
int survey_on_resolve(wb_db *db, const char *key, int64_t conversation_id, int64_t now);
/* Sends what survey_on_resolve reserved for this process, through a (NULL:
 * one opened from the configuration, only when a survey is sent on
 * resolution). A message the API refuses is warned about: its row says so. */
int survey_deliver(wb_db *db, api *a);

typedef struct {
	const char *phone, *user_id, *text;
	int64_t sent_at, answered_at;
	int score;
	int detractor; /* csat 1-2, nps 0-6, yesno no */
} survey_ans;
/* Answers to sends within [since, until). */
int survey_answers_each(wb_db *db, const char *name, int64_t since, int64_t until,
			int (*fn)(const survey_ans *a, void *ctx), void *ctx);

/* What inbound message id answers, as far as it alone says: a reply
 * quoting a survey message, or a number in a survey's range, within the
 * window of a survey sent to the contact (wb-reply auto answers it
 * nothing, or the survey's follow-up question to a low score). */
typedef struct {
	char *name;            /* the survey; NULL: the message answers none */
	int64_t send_id, sent_at; /* the survey message answered */
	char *follow_up;       /* the survey's, NULL when none */
	int score, detractor;
} survey_hit;
int survey_answer_of(wb_db *db, int64_t message_id, survey_hit *h);
/* Whether a message of this type and text could be an answer at all
 * (survey_answer_of's shapes, without the database): a button or list
 * reply, or a typed number of one or two digits. Lets the ingest path
 * skip the query for every other message. */
int survey_may_answer(const char *type, const char *text);
void survey_hit_free(survey_hit *h);

typedef struct {
	const char *name;
	const char *key; /* the group (survey_by): a day, a label, an agent ("" for none) */
	long sent, answered;
	double rate, mean, csat, nps; /* NaN where it does not apply; csat a share (0-1) */
	const char *distribution;     /* {"score": count, …} */
} survey_result;
/* Every answer to a CSAT (csat 1) or NPS (csat 0) survey: its message
 * and score, for wb-stats' columns. */
int survey_scores_each(wb_db *db, int (*fn)(int64_t message_id, int score, int csat, void *ctx), void *ctx);

/* Results by group: each send (and its answer) counts on the day it was
 * sent in the business zone tz; under each of the contact's labels (""
 * for none); or for the agent of the contact's conversation by then
 * (its assignee; "" for none). */
typedef enum { SURVEY_BY_NONE, SURVEY_BY_DAY, SURVEY_BY_LABEL, SURVEY_BY_AGENT } survey_by;
extern const char *const survey_by_names[]; /* none day label agent */
/* The figures of survey name (NULL: of every survey, by name) for the
 * sends within [since, until), by group (ordered by it). */
int survey_results(wb_db *db, const char *name, survey_by by, const char *tz, int64_t since, int64_t until,
		   int (*fn)(const survey_result *r, void *ctx), void *ctx);

#endif
