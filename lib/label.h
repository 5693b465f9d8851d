/* label — labels on chats (contacts) and on single messages, as in the
 * WhatsApp Business app: the label, contact_label and message_label
 * tables. Names are matched without regard to case. */
#ifndef WB_LABEL_H
#define WB_LABEL_H
#include <stdint.h>
#include <stdio.h>

#include "bulk.h"
#include "db.h"

typedef struct {
	int64_t id;
	const char *name;
	int color;
	int64_t contacts, messages; /* how many carry it */
	int64_t created_at;
} label;

/* 0 and *id, or EX_FALSE "no label 'X'". */
int label_find(wb_db *db, const char *name, int64_t *id);
/* EX_DATAERR when a label of that name exists or color is not 1..20. */
int label_add(wb_db *db, const char *name, int color, int64_t now);
int label_rm(wb_db *db, const char *name);
int label_rename(wb_db *db, const char *from, const char *to);
int label_set_color(wb_db *db, const char *name, int color);
/* Labels a contact (idempotent); *changed is 1 when it was not labelled. */
int label_apply(wb_db *db, int64_t label_id, int64_t contact_id, int64_t now, int *changed);
int label_remove(wb_db *db, int64_t label_id, int64_t contact_id, int *changed);
/* The same for a message, by wamid (EX_FALSE when no such message). */
int label_apply_message(wb_db *db, int64_t label_id, const char *wamid, int64_t now, int *changed);
int label_remove_message(wb_db *db, int64_t label_id, const char *wamid, int *changed);

/* wb-label apply and remove: label name put on (applying) or taken off
 * the phones of argv or fp (as bulk_phones takes them; unknown ones
 * become contacts), or with messages the messages whose wamids argv
 * holds; row hears of each with whether it changed. All or nothing.
 * EX_DATAERR for a label or message that does not exist. */
int label_tag(wb_db *db, const char *name, int applying, int messages, int argc, char **argv, FILE *fp,
	      bulk_row_fn row, void *ctx);

typedef int (*label_fn)(const label *l, void *ctx);
/* Every label in name order, with counts. */
int label_each(wb_db *db, label_fn fn, void *ctx);
/* Label names of a contact, comma-separated, malloc'd ("" when none). */
char *label_names_of(wb_db *db, int64_t contact_id);

#endif
