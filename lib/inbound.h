/* inbound — stores what webhooks deliver: inbound messages, idempotent by
 * wamid (a re-delivered webhook stores nothing), the contacts who sent
 * them, the opt-out and opt-in words, and delivery statuses (through
 * track). It neither parses webhooks nor decides any reply. */
#ifndef WB_INBOUND_H
#define WB_INBOUND_H

#include "db.h"
#include "util.h"
#include "webhook.h"

/* The whole-message words that opt a contact out (setting optout.words,
 * default STOP,UNSUBSCRIBE) and back in (optin.words, default START). */
typedef struct {
	char **stop, **start; /* NULL-terminated */
} inbound_words;
void inbound_words_load(wb_db *db, inbound_words *w);
void inbound_words_free(inbound_words *w);
/* Saves the word lists (comma-separated; NULL keeps the list as it is). */
int inbound_words_set(wb_db *db, const char *stop, const char *start);
/* 1 when text, trimmed, is one of words (ASCII case ignored). Pure. */
int inbound_word_is(char *const *words, const char *text);

/* Stores one item (call inside a transaction). *fresh is 1 when it was
 * new: the caller emits an event for it, and only then. */
int inbound_store(wb_db *db, const inbound_words *w, const wh_item *it, int *fresh);

/* Parses one webhook document and stores its items (inside the caller's
 * transaction); appends to events (may be NULL) a line for each new one.
 * Bad data (EX_DATAERR) is found before anything of it is written. */
int inbound_document(wb_db *db, const inbound_words *w, const char *doc, size_t len, sb *events);

#endif
