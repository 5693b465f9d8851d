/* event — the stream wb-recv writes and wb-reply auto reads: one
 * normalised event a line (JSONL), a message or a delivery status, in the
 * form wb-recv(1) documents. Building, writing and reading events; it does
 * not store them or decide anything about them. */
#ifndef WB_EVENT_H
#define WB_EVENT_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"
#include "webhook.h"

/* The event for a webhook item, appended to b as one line. */
void event_render(const wh_item *it, sb *b);

typedef enum { EV_OTHER, EV_MESSAGE, EV_STATUS } event_kind;

/* An event read back. Strings live as long as the event. */
typedef struct {
	json_t *root;
	event_kind kind;  /* EV_OTHER: a kind this version does not know */
	const char *wamid;
	const char *phone; /* from (message) or to (status; may be NULL) */
	const char *name, *type, *text, *status;
	int64_t ts;
} event;

/* Reads one line. Returns 0, or EX_DATAERR naming the field. Blank lines
 * are EV_OTHER. */
int event_parse(const char *line, size_t len, event *ev);
void event_free(event *ev);

#endif
