/* send — what wb-send decides before anything is sent: one message as
 * its options say it (from the command line or a JSONL line, the same
 * names), placeholders filled per recipient, the rules (24-hour window,
 * opt-out, frequency cap, idempotency keys), the request body built and
 * the row queued. The window and cap rules are pure functions. It sends
 * nothing itself (deliver does) and writes no output (callbacks do). */
#ifndef WB_SEND_H
#define WB_SEND_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cloudapi.h"
#include "db.h"
#include "kv.h"

#define SEND_WINDOW (24 * 3600)

/* One message, as wb-send's long options name it. Strings are borrowed. */
typedef struct {
	const char *to;
	const char *text, *quick, *image, *video, *audio, *document, *sticker;
	const char *caption, *filename;
	int voice, upload, preview_url; /* preview_url -1: leave out */
	const char *location, *place, *address; /* place: --name with --location */
	const char *tmpl, *lang, *header;       /* header: KIND:VALUE */
	const char **params, **buttons, **choices;
	size_t nparams, nbuttons, nchoices;
	const char *interactive; /* a JSON object */
	const char *react;       /* an emoji, for the message in reply_to */
	const char *reply_to, *key, *at, *agent, *auto_kind;
	int force;
} send_spec;

/* Fills s from one JSONL object (strings stay owned by o); where names
 * the line in errors. Unknown keys are ignored (the stream may grow). */
int send_spec_from_json(json_t *o, send_spec *s, const char *where);
/* The content type the spec asks for; EX_USAGE (code) naming the clash
 * when it asks for none or for two. */
int send_spec_type(const send_spec *s, int code, api_msg_type *type);
void send_spec_free(send_spec *s); /* the arrays from send_spec_from_json */

/* Reads --text @FILE (or @- from stdin); other text is copied. */
int send_read_text(const char *arg, char **out);

/* Pure rules. */
int send_window_open(int64_t last_in_at, int64_t now);
/* "--cap 1/7d": at most n broadcasts per period seconds. */
int send_cap_parse(const char *s, long *n, int64_t *period);

/* Media resolved once for all recipients: an uploaded id or a link. */
typedef struct {
	char *id, *link;
} send_media;
/* dry: check the file but upload nothing (the id says what would be). */
int send_media_resolve(api *a, const send_spec *s, api_msg_type type, int dry, send_media *m);
void send_media_free(send_media *m);

/* What happened to one recipient before delivery. */
typedef struct {
	int64_t id;         /* the message row, 0 when none */
	const char *phone;
	const char *status; /* queued (for later), duplicate, skipped, refused, dry-run */
	const char *error;  /* why, for skipped and refused */
	int64_t due_at;
	const char *payload; /* the request body */
} send_note;

typedef struct {
	wb_db *db;
	api *api;            /* for media; NULL with dry */
	const char *tz;      /* business zone for --at */
	int64_t now;
	int dry, direct, force;
	long cap_n;
	int64_t cap_period;
	int64_t broadcast_id; /* 0: none */
	const char *claimer;  /* rows due now are reserved for it */
	void (*note)(const send_note *n, void *ctx);
	void *ctx;
	long queued_now, refused, skipped, duplicates, later;
} send_ctx;

/* One message to one phone: contact, placeholders (the contact's fields
 * and attributes, then the row's columns), rules, body, row. A message
 * refused by a rule or a duplicate is reported through note and is not
 * an error; bad data (a placeholder without value, a bad time) is. */
int send_one(send_ctx *c, const send_spec *s, api_msg_type type, const send_media *m, const char *phone,
	     const kv *row);
/* The same to a number already read (a wa_id): read again, a number
 * that is no contact yet could read otherwise in the default region. */
int send_one_wa_id(send_ctx *c, const send_spec *s, api_msg_type type, const send_media *m, const char *wa,
		   const kv *row);

#endif
