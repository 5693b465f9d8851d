/* tmplcheck — a message template as Meta defines it (the JSON of GET
 * /{WABA}/message_templates), read into the slots a send must fill; the
 * rules a template send must pass before it leaves (approved, every slot
 * given a value of its kind, counts, names, Meta's limits on text), which
 * also bind the given values to the request's components; the template
 * as a customer sees it; and the short form of wb-template create. Pure:
 * no database, no network, so it is tested and fuzzed on its own. */
#ifndef WB_TMPLCHECK_H
#define WB_TMPLCHECK_H
#include <jansson.h>
#include <stddef.h>

#include "cloudapi.h"

typedef enum { TP_HEADER, TP_BODY, TP_BUTTON } tpart;
extern const char *const tpart_names[]; /* header body button */

typedef enum { TK_TEXT, TK_IMAGE, TK_VIDEO, TK_DOCUMENT, TK_LOCATION, TK_URL, TK_COUPON, TK_PAYLOAD, TK_FLOW } tkind;
/* text image video document location url coupon_code payload flow */
extern const char *const tkind_names[];

/* A value the template takes. */
typedef struct {
	tpart part;
	int position;  /* body: its order (0, 1 …); header: 0; a button: its index */
	tkind kind;
	char *name;    /* "1", "2" … or the named parameter; NULL for media and buttons */
	char *example; /* from the definition, or NULL */
	int optional;  /* quick-reply payloads and flow tokens may be left out */
} tslot;

typedef struct {
	char *type;   /* QUICK_REPLY URL PHONE_NUMBER COPY_CODE FLOW … (upper case) */
	char *text;   /* the label */
	char *target; /* a URL, a phone number or a flow id */
} tbutton;

typedef struct {
	char *name, *lang, *status, *category;
	int named;           /* parameter_format NAMED: {{first_name}}, not {{1}} */
	char *header_format; /* TEXT IMAGE VIDEO DOCUMENT LOCATION; NULL: no header */
	char *header, *body, *footer;
	tbutton *buttons;
	size_t nbuttons;
	tslot *slots;
	size_t nslots;
} tdef;

/* Reads a definition. Unknown components and buttons are passed over
 * (the definition keeps them); a malformed one is EX_DATAERR naming the
 * field ("components[1].text: not a string"). */
int tdef_from_json(json_t *j, tdef *d);
int tdef_parse(const char *json, tdef *d);
void tdef_free(tdef *d);

/* ---- checking a send */

/* What a send gives, placeholders filled: --header KIND:VALUE, --param
 * [NAME=][text:|currency:|date_time:]VALUE, --button [KIND:]VALUE. */
typedef struct {
	const char *header;
	const char *const *params;
	size_t nparams;
	const char *const *buttons;
	size_t nbuttons;
	int as_is;  /* with no definition: bound with no rule at all (--no-check) */
} tgiven;

/* The request's components, the given values bound to them (what
 * cloudapi writes). It owns what it points to. */
typedef struct {
	api_tcomp *comps;
	size_t ncomps;
	api_tvalue *vals;
	size_t nvals, cap;
	char **own;
	size_t nown;
} tbound;
void tbound_free(tbound *b);

/* The rules, as Meta would answer after the fact: TC_STATUS (132001 for
 * a template not approved, 132015 paused, 132016 disabled), TC_COUNT
 * (132000), TC_FORMAT (132012), TC_TEXT (a text Meta refuses). */
typedef enum { TC_OK, TC_STATUS, TC_COUNT, TC_FORMAT, TC_TEXT } tcheck_rule;
typedef struct {
	tcheck_rule rule;
	char why[240]; /* names the component and slot: "body {{2}}: no value" */
} tverdict;

/* Whether a template with this status may be sent (only APPROVED). */
tverdict tcheck_status(const char *status);
/* Binds g to d's slots into b, checking every rule above but the status;
 * with d NULL (a template wb has not synced) binds g as given: body
 * values in order, buttons at index 0, 1 … (URL unless a kind says
 * otherwise). b is filled only when the verdict is TC_OK. */
tverdict tcheck_bind(const tdef *d, const tgiven *g, tbound *b);

/* ---- showing it */

/* The template as a customer sees it, part by part ("header", "body",
 * "footer", "button"), each slot marked with its name and example:
 * "Hi {{1=Mei}}, your order …". */
typedef struct {
	const char *part;
	char *text;
} tline;
void tdef_lines(const tdef *d, tline **lines, size_t *n);
void tlines_free(tline *lines, size_t n);

/* ---- creating one: wb-template create's short form */

typedef struct {
	const char *name, *lang, *category; /* lang NULL: en_US; category NULL: UTILITY */
	const char *header;                 /* text:TEXT, image:HANDLE, video:…, document:…, location */
	const char *body, *footer;
	const char *const *examples;        /* one per parameter, in order (or NAME=VALUE) */
	size_t nexamples;
	const char *const *buttons;         /* quick_reply:TEXT, url:TEXT:URL, phone:TEXT:NUMBER,
	                                     * copy_code:EXAMPLE, flow:TEXT:FLOW_ID */
	size_t nbuttons;
} tcreate;

/* The request body for POST /{WABA}/message_templates, or EX_DATAERR
 * naming the option at fault (a name Meta refuses, a parameter without
 * an example, a body that starts with a parameter…). */
int tcreate_json(const tcreate *c, json_t **out);

#endif
