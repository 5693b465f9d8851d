/* reply — automatic replies: the greeting and away settings (greeting.*,
 * away.*), the pure rules that pick the one reply to an inbound message
 * and match keywords, the auto_reply record that makes a replay answer
 * nothing twice, and wb-reply auto's loop from events to replies with
 * their keys. The quick replies a keyword answers with belong to quick.
 * It sends nothing: wb-send does. */
#ifndef WB_REPLY_H
#define WB_REPLY_H
#include <stdint.h>

#include "db.h"
#include "event.h"
#include "hours.h"
#include "in.h"

/* REPLY_FOLLOW_UP: a survey's follow-up question to a low score (survey.h) */
typedef enum { REPLY_NONE, REPLY_AWAY, REPLY_GREETING, REPLY_KEYWORD, REPLY_FOLLOW_UP } reply_kind;
extern const char *const reply_kind_names[]; /* none away greeting keyword follow_up */

typedef enum { AWAY_ALWAYS, AWAY_OUTSIDE_HOURS, AWAY_WINDOW } away_when;

typedef struct {
	int greeting_on;
	char *greeting_text;
	int64_t greeting_after;  /* inactivity that earns a new greeting */
	int greeting_new_only;   /* only numbers not known before */
	int away_on;
	char *away_text;
	away_when when;
	int64_t away_from, away_to; /* AWAY_WINDOW: [from, to) */
} reply_settings;

#define REPLY_GREETING_AFTER (14 * 86400)
#define REPLY_AWAY_COOLDOWN 86400

/* What the rules need to know about one inbound message; plain values. */
typedef struct {
	int64_t ts;
	int opted_out;
	int replyable;     /* 0 for what gets no automatic reply (reply_answers) */
	int known;         /* the contact existed before this message */
	int64_t prev_in;   /* their previous message, 0 when none */
	int64_t last_away; /* our last away reply to them at or before ts, 0 when none */
	int greeted_near;  /* a greeting to them within the inactivity period either side */
	int closed;        /* away applies at ts (reply_closed) */
	int keyword;       /* a keyword matched the text */
	int survey_answer; /* it answers a survey (survey.h): no greeting, no away */
	int follow_up;     /* a low score to a survey with a follow-up question not yet
	                    * asked for that survey message */
} reply_facts;

/* The rule: at most one reply — to a survey answer only its follow-up
 * question (once), else away when closed (once per contact per 24 h),
 * else the greeting on first contact or after the inactivity period,
 * else the keyword's quick reply. Pure. */
reply_kind reply_decide(const reply_settings *s, const reply_facts *f);
/* Whether a message of this type (and interactive type, for type
 * interactive) is one a customer wrote and may get an automatic reply:
 * text, media, a location, contacts, a button or list reply, a template
 * button, an order. Not reactions, edits, deletions, system notices,
 * unsupported messages, welcome requests, flow or call-permission
 * answers. Pure. */
int reply_answers(const char *type, const char *interactive);
/* Whether the away message applies at ts. Pure; h and tz only matter for
 * AWAY_OUTSIDE_HOURS. */
int reply_closed(const reply_settings *s, const hours_spec *h, const char *tz, int64_t ts);
/* Where word first occurs in text as a whole word, ignoring ASCII case;
 * in scripts written without spaces (Chinese, Japanese, Thai…) any
 * occurrence counts. -1 when it does not. Pure. */
long reply_word_at(const char *text, const char *word);
/* {{opens_at}} of an away message to a message at ts: when the away
 * window ends (FROM/TO), else the next opening by the hours, written as
 * hours_fmt_opening does ("13:00", "Mon 09:00"). 0, or EX_FALSE when
 * the hours give none. Pure. */
int reply_opens_at(const reply_settings *s, const hours_spec *h, const char *tz, int64_t ts, char buf[32]);
/* Whether a text about to be saved (the greeting, the away message, a
 * quick reply; what names it in messages) names only placeholders it can
 * fill: the contact's fields, the attribute keys some contact has, and,
 * in the away message, {{opens_at}}. EX_DATAERR naming the unknown one
 * and listing the known ones. Warns of an attribute that some contacts
 * lack (they will get no such reply) and of {{opens_at}} when the hours
 * give no next opening. */
int reply_text_check(wb_db *db, const char *what, const char *text, int away);
/* Reads "always", "outside-hours" or "FROM/TO" (times as wb-send --at
 * reads them, in tz). 0 or EX_DATAERR. */
int reply_parse_when(const char *s, int64_t now, const char *tz, reply_settings *st);
/* Writes the away.when setting as read back by reply_settings_load. */
void reply_fmt_when(const reply_settings *st, char buf[80]);
/* reply_fmt_when for people: a window's ends in the business zone tz,
 * with their offset (what is stored stays UTC). */
void reply_show_when(const reply_settings *st, const char *tz, char buf[96]);

int reply_settings_load(wb_db *db, reply_settings *s);
int reply_settings_save(wb_db *db, const reply_settings *s);
void reply_settings_free(reply_settings *s);

/* The fallback template of a kind of automatic reply (setting
 * KIND.fallback): what the reply goes as when the customer's 24-hour
 * window has closed by the time it is sent (wb-send --fallback-template). */
typedef struct {
	char *tmpl, *lang;
	char **params; /* placeholders allowed, filled for each reply */
	size_t nparams;
} reply_fallback;
/* Reads it (tmpl NULL: none). */
int reply_fallback_load(wb_db *db, reply_kind kind, reply_fallback *f);
/* Saves f, or with f->tmpl NULL or empty removes it. */
int reply_fallback_save(wb_db *db, reply_kind kind, const reply_fallback *f);
void reply_fallback_free(reply_fallback *f);

/* wb-reply auto: decides for message events against the database. */
typedef struct reply_auto reply_auto;
int reply_auto_new(wb_db *db, reply_auto **out);
void reply_auto_free(reply_auto *a);
/* A keyword's quick reply may carry a medium (quick.h): type and src,
 * both NULL when it has none. */
typedef struct {
	const char *type, *src;
} reply_media;
/* Decides once for a message event (call inside a transaction): *kind,
 * and for a reply its text with placeholders filled (*text, malloc'd)
 * and its medium (*media, held by a until its next call). *again is 1
 * when it was decided before: answer nothing. EX_FALSE when the message
 * is not in the database (stored by wb-recv elsewhere); EX_DATAERR when
 * the reply's text has a placeholder without value for the contact (no
 * reply, and that decision recorded). Each call uses the settings in
 * force (settings_version), read again when they changed. */
int reply_auto_decide(reply_auto *a, const event *ev, reply_kind *kind, char **text, reply_media *media,
		      int *again);

/* The idempotency key of the automatic reply to inbound message wamid
 * ("auto:WAMID"): wb-send sends nothing twice under one key. malloc'd. */
char *reply_auto_key(const char *wamid);

/* One reply of wb-reply auto, as the message stream carries it: a text,
 * or a medium with the text as its caption. */
typedef struct {
	const char *to, *text, *reply_to, *key;
	reply_kind kind;
	const char *from_number; /* the business number they wrote to; NULL: not known */
	const char *fallback, *fallback_lang; /* the kind's fallback template, or NULL */
	char *const *fallback_params;         /* its values, filled for the contact */
	size_t nfallback_params;
	reply_media media;
} reply_msg;
typedef int (*reply_msg_fn)(const reply_msg *m, void *ctx);

/* wb-reply auto: decides for each message event of in (JSONL, one event a
 * line, read in batches as batch.h does) and, after each commit, hands the
 * replies decided to fn in the order of their events. A line that cannot
 * be answered (no event, a line over IN_LINE_MAX, a placeholder without
 * value…) is said on stderr ("NAME:LINE: …") and the stream goes on; at
 * the end EX_DATAERR says how many. A message not in the database is
 * warned about and answered nothing, and is not counted. Only a failure
 * batch_fatal names ends the stream, what was decided before it standing. */
int reply_stream(wb_db *db, in_docs *in, reply_msg_fn fn, void *ctx);

#endif
