/* survey — satisfaction surveys: a question on a scale (csat, nps, yesno
 * or up to ten options), sent as reply buttons or a list through
 * wb-send, and its answers. It owns the survey table; sends and answers
 * are not stored apart but derived from messages by the views
 * survey_send and survey_answer (schema.sql, wb(7)): a send is an
 * outgoing message whose idempotency key starts "survey:NAME:", an
 * answer a button or list reply quoting it, or a number typed within the
 * survey's window to the contact's latest survey; a late or out-of-range
 * answer does not count, and of several the last one does. Deriving
 * keeps one truth (the messages) and needs no hook in wb-recv. */
#ifndef WB_SURVEY_H
#define WB_SURVEY_H
#include <stdint.h>

#include "compose.h"
#include "db.h"

typedef struct {
	const char *name, *ask, *scale, *follow_up;
	int64_t window;  /* seconds an answer is taken */
	int on_resolve;  /* sent when a conversation is resolved (a setting) */
	int score_min, score_max;
	long sent, answered; /* for listings */
} survey;

/* Names are letters, digits, - and _ (they go into message keys). The
 * scale is checked, and the message it makes against Meta's limits:
 * EX_USAGE naming what is wrong; EX_DATAERR for a name in use. */
int survey_add(wb_db *db, const survey *s, int64_t now);
int survey_rm(wb_db *db, const char *name); /* EX_DATAERR: no such survey */
int survey_each(wb_db *db, const char *name, int (*fn)(const survey *s, void *ctx), void *ctx);

/* The wb-send arguments that send survey name (text and buttons or list,
 * and a key unique to this run and contact), NULL-terminated, to which
 * the caller appends its recipients; free with survey_argv_free.
 * EX_DATAERR when there is no such survey. */
int survey_send_argv(wb_db *db, const char *name, int64_t now, char ***argv, int *argc);
void survey_argv_free(char **argv);

typedef struct {
	const char *phone, *user_id, *text;
	int64_t sent_at, answered_at;
	int score;
	int detractor; /* csat 1-2, nps 0-6, yesno no */
} survey_ans;
/* Answers to sends within [since, until). */
int survey_answers_each(wb_db *db, const char *name, int64_t since, int64_t until,
			int (*fn)(const survey_ans *a, void *ctx), void *ctx);

/* Whether inbound message id answers a survey, as far as it alone says:
 * a reply quoting a survey message, or a number in a survey's range, within
 * the window of a survey sent to the contact (wb-reply auto answers it
 * nothing). */
int survey_is_answer(wb_db *db, int64_t message_id);

typedef struct {
	const char *name;
	long sent, answered;
	double rate, mean, csat, nps; /* NaN where it does not apply; csat a share (0-1) */
	const char *distribution;     /* {"score": count, …} */
} survey_result;
/* Every answer to a CSAT (csat 1) or NPS (csat 0) survey: its message
 * and score, for wb-stats' columns. */
int survey_scores_each(wb_db *db, int (*fn)(int64_t message_id, int score, int csat, void *ctx), void *ctx);

/* The figures of survey name (NULL: of every survey, by name) for the
 * sends within [since, until). */
int survey_results(wb_db *db, const char *name, int64_t since, int64_t until,
		   int (*fn)(const survey_result *r, void *ctx), void *ctx);

#endif
