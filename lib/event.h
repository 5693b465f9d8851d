/* event — the stream wb-recv writes and wb-reply auto reads: one
 * normalised event a line (JSONL) — a message, a delivery status, an echo
 * of what the business sent from the WhatsApp Business app, a call, a
 * marketing preference — in the form wb-recv(1) documents. Building,
 * writing and reading events; it does not store them or decide anything
 * about them. */
#ifndef WB_EVENT_H
#define WB_EVENT_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"
#include "webhook.h"

/* The event for a webhook item, appended to b as one line; nothing for
 * the kinds that have none (address-book changes, changes kept whole,
 * bad parts, history). */
void event_render(const wh_item *it, sb *b);
/* 1 when an item of this kind and source has an event. */
int event_due(const wh_item *it);

typedef enum { EV_OTHER, EV_MESSAGE, EV_STATUS } event_kind;

/* An event read back. Strings live as long as the event. */
typedef struct {
	json_t *root;
	event_kind kind;  /* EV_OTHER: a kind this version does not know */
	const char *wamid;
	const char *phone; /* from (message) or to (status; may be NULL): a
			    * phone number, or a user ID when there is none */
	const char *name, *type, *text, *status;
	const char *user_id;         /* may be NULL */
	const char *phone_number_id; /* the business number it came to; may be NULL */
	int64_t ts;
} event;

/* Reads one line. Returns 0, or EX_DATAERR naming the field. Blank lines
 * are EV_OTHER. */
int event_parse(const char *line, size_t len, event *ev);
void event_free(event *ev);

#endif
