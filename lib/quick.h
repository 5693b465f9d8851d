/* quick — quick replies and the keywords that answer with them (the
 * quick_reply and keyword tables): a saved text by its /shortcut, and
 * every keyword with the text it answers with. Filling placeholders
 * belongs to tmpl; whether a message gets an answer at all, and which
 * keyword a text contains, to reply. */
#ifndef WB_QUICK_H
#define WB_QUICK_H
#include <stdint.h>

#include "db.h"

/* Shortcuts are stored without their '/'; texts keep {{placeholders}}. */
int quick_add(wb_db *db, const char *shortcut, const char *text, int64_t now); /* EX_DATAERR: exists */
int quick_rm(wb_db *db, const char *shortcut);              /* EX_FALSE: none */
int quick_text(wb_db *db, const char *shortcut, char **text); /* EX_FALSE: none */

typedef struct {
	const char *shortcut, *text;
	const char *keywords; /* comma-separated, "" when none */
} quick_reply;
/* Called per row; a non-zero return stops the walk and is returned. */
typedef int (*quick_fn)(const quick_reply *q, void *ctx);
/* Every quick reply, by shortcut. */
int quick_each(wb_db *db, quick_fn fn, void *ctx);

/* A keyword answers with a quick reply; EX_DATAERR when the word already
 * answers with another, or there is no such quick reply. */
int quick_keyword_add(wb_db *db, const char *word, const char *shortcut);
int quick_keyword_rm(wb_db *db, const char *word); /* EX_FALSE: none */

typedef struct {
	const char *word, *shortcut;
	const char *text; /* the quick reply's */
} quick_keyword;
typedef int (*quick_keyword_fn)(const quick_keyword *k, void *ctx);
/* Every keyword, by word. */
int quick_keyword_each(wb_db *db, quick_keyword_fn fn, void *ctx);

#endif
