/* compose — turns one message as wb-send's options say it (a spec, from
 * the command line or a JSONL line: the same names) and a recipient into
 * a request body and a queued row: the content type, media resolved once
 * for all recipients, placeholders filled from the contact and the
 * recipient's row, the rules asked (send.h), idempotency keys and
 * broadcasts kept (queue.h). It sends nothing (deliver does), builds no
 * JSON body itself (cloudapi does) and writes no output (note does). */
#ifndef WB_COMPOSE_H
#define WB_COMPOSE_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cloudapi.h"
#include "db.h"
#include "kv.h"
#include "quick.h"
#include "send.h"
#include "tmplcheck.h"

/* One message, as wb-send's long options name it. Strings are borrowed. */
typedef struct {
	const char *to;
	const char *text, *quick, *image, *video, *audio, *document, *sticker;
	const char *caption, *filename;
	int voice, upload, preview_url; /* preview_url -1: leave out */
	int rendered; /* the message is final: no {{placeholder}} is filled */
	const char *location, *place, *address; /* place: --name with --location */
	const char *tmpl, *lang, *header;       /* header: KIND:VALUE */
	const char **params, **buttons, **choices;
	size_t nparams, nbuttons, nchoices;
	const char *interactive; /* a JSON object */
	/* interactive messages under text: reply buttons 'A|B|id:C', or a
	 * list (its button's text) of rows 'id:title[:description]', each
	 * in the section named beside it (NULL: none); header and footer
	 * texts. Meta's limits are checked before any request. */
	const char *reply_buttons, *list, *footer;
	const char **rows, **row_sections;
	size_t nrows;
	const char *react;       /* an emoji, for the message in reply_to */
	const char *reply_to, *key, *at, *agent, *auto_kind;
	const char *from_number; /* the business number's id to send from; NULL: WB_PHONE_ID */
	const char *kind; /* marketing or utility; NULL: as compose_kind says */
	const char *tag;  /* biz_opaque_callback_data */
	int force;
	/* a free-form message outside the 24-hour window goes as this
	 * template instead (--fallback-template, --fallback-lang,
	 * --fallback-param) */
	const char *fallback, *fallback_lang;
	const char **fallback_params;
	size_t nfallback_params;
	int now_if_past; /* an --at more than a minute past sends now, not refused */
	int skip_closed; /* outside the 24-hour window a free-form message is skipped, not refused */
} compose_spec;

/* Fills s from one JSONL object (strings stay owned by o); where names
 * the line in errors. Its keys are wb-send's long option names; any
 * other key is EX_DATAERR naming it. A key whose value is null is absent
 * (a column the writer had no value for). */
int compose_spec_from_json(json_t *o, compose_spec *s, const char *where);
/* The content type the spec asks for; EX_USAGE (code) naming the clash
 * when it asks for none or for two, or a kind that is not one. */
int compose_spec_type(const compose_spec *s, int code, api_msg_type *type);
void compose_spec_free(compose_spec *s); /* the arrays from compose_spec_from_json */

/* The interactive object of --buttons or --list, with text as its body
 * and header as a text header (NULL: none): NULL, and wb_err (code)
 * naming the option and Meta's limit, when a title, an id or a count is
 * over it. */
json_t *compose_interactive(const compose_spec *s, const char *text, const char *header, int code);

/* --quick of a quick reply that carries a medium becomes that medium
 * (--image or --document) with the text as its caption: s and *type
 * change, borrowing from *q, which the caller frees with
 * quick_content_free after s is done with. Nothing changes for a quick
 * reply without one, or without --quick. EX_DATAERR when there is no
 * such quick reply. */
int compose_quick_media(wb_db *db, compose_spec *s, api_msg_type *type, quick_content *q);

/* Reads --text @FILE (or @- from stdin); other text is copied. */
int compose_read_text(const char *arg, char **out);

/* Media resolved once for all recipients: an uploaded id or a link. */
typedef struct {
	char *id, *link;
} compose_media;
/* dry: check the file but upload nothing (the id says what would be). */
int compose_media_resolve(api *a, const compose_spec *s, api_msg_type type, int dry, compose_media *m);
void compose_media_free(compose_media *m);

/* What became of one recipient's message before delivery, when it is
 * not simply due now (those are deliver's to report). */
typedef enum {
	COMPOSED_QUEUED,    /* for later (--at) */
	COMPOSED_DUPLICATE, /* its key was used, or the broadcast has the contact */
	COMPOSED_SKIPPED,   /* a rule left the contact out (opt-out, cap) */
	COMPOSED_REFUSED,   /* a rule forbids it (the window): an error */
	COMPOSED_DRY_RUN,   /* --dry-run: the body, nothing stored */
	COMPOSED_FALLBACK,  /* outside the window: its fallback template goes instead (a
			     * notice, not a result: the message's result follows) */
} compose_outcome;
/* queued, duplicate, skipped, refused, dry-run, fallback */
const char *compose_outcome_name(compose_outcome o);

typedef struct {
	int64_t id; /* the message row, 0 when none */
	const char *phone;   /* the contact's phone, NULL when it has none */
	const char *user_id; /* the contact's user ID, NULL when it has none */
	compose_outcome outcome;
	const char *error;   /* why, for duplicate, skipped and refused */
	int64_t due_at;
	const char *payload; /* the request body, for a dry run */
	const char *tmpl;    /* the template it is (or would be), NULL for other messages */
	const char *tag;     /* --tag, filled */
} compose_note;

typedef struct {
	wb_db *db;
	api *api;            /* for media; NULL with dry */
	const char *tz;      /* business zone for --at */
	int64_t now;
	int dry, direct, force;
	int segment;          /* to a segment (labels, attributes): marketing unless told (compose_kind) */
	long cap_n;
	int64_t cap_period;
	int64_t broadcast_id; /* 0: none */
	const char *claimer;  /* rows due now are reserved for it */
	void (*note)(const compose_note *n, void *ctx);
	void *ctx;
	long queued_now, refused, skipped, duplicates, later;
	int64_t last_now;     /* the row of the last message made due now */
	int grouped;          /* the caller holds the transaction: each JSONL
			       * line is a savepoint in it, so that a group of
			       * lines costs one commit */
	int no_check;         /* --no-check: template sends go as given */
	struct compose_templates *templates; /* what this run looked up (compose_ctx_free) */
} compose_ctx;
void compose_ctx_free(compose_ctx *c);

/* What s's message is for: --kind, else its template's category when wb
 * knows the template (a MARKETING one is marketing, UTILITY and
 * AUTHENTICATION utility), else marketing to a segment and utility
 * otherwise (send_category_default). */
int compose_kind(compose_ctx *c, const compose_spec *s, send_category *kind);
/* --cap (c->cap_n) limits marketing sends: EX_USAGE when s's is not.
 * Without a database (c->db NULL) for a spec that names its kind or no
 * template. */
int compose_cap_check(compose_ctx *c, const compose_spec *s);

/* A broadcast (a message to segments or a list): its row, which the
 * messages that follow join (c->broadcast_id). labels and not_labels
 * are NULL-terminated, or NULL for none. */
int compose_broadcast(compose_ctx *c, const compose_spec *s, const char *name, const char *const *labels,
		      const char *const *not_labels);

/* One message to one phone (or user ID): contact, placeholders (the
 * contact's fields and attributes, then the row's columns), rules, body,
 * row. The request goes to the contact's phone, or to its user ID when it
 * has none. A template message is checked against what wb knows of the
 * template (template.h, tmplcheck.h) with its placeholders filled. A
 * message refused by a rule or a check, or a duplicate, is reported
 * through note and is not an error; bad data (a placeholder without
 * value, a bad time) is. */
int compose_one(compose_ctx *c, const compose_spec *s, api_msg_type type, const compose_media *m, const char *phone,
		const kv *row);
/* The same to a contact's key already read (a wa_id or a user ID): read
 * again, a number that is no contact yet could read otherwise in the
 * default region. */
int compose_one_wa_id(compose_ctx *c, const compose_spec *s, api_msg_type type, const compose_media *m,
		      const char *wa, const kv *row);

/* A broadcast's messages made: keeps its template messages under the
 * account's messaging limit (limit.h): refused with the figures, or with
 * spread the excess queued for the following days (noted as queued). */
int compose_limit(compose_ctx *c, const compose_spec *s, int spread);

/* One JSONL message object of len bytes (where names its line in
 * errors): read, checked, its medium resolved, and composed in a
 * transaction of its own (rolled back with dry). agent stands for a line
 * that names none. */
int compose_line(compose_ctx *c, const char *line, size_t len, const char *where, const char *agent);

#endif
