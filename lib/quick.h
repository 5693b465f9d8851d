/* quick — quick replies and the keywords that answer with them (the
 * quick_reply and keyword tables): a saved text by its /shortcut, with a
 * medium (an image or a document) sent with it when it has one, and
 * every keyword with the reply it answers with. Filling placeholders
 * belongs to tmpl; whether a message gets an answer at all, and which
 * keyword a text contains, to reply; sending the medium to compose. */
#ifndef WB_QUICK_H
#define WB_QUICK_H
#include <stdint.h>

#include "db.h"

/* A quick reply's medium: type "image" or "document" (NULL: none), and
 * src an absolute file path, an http(s) URL or a Cloud API media id. */
typedef struct {
	const char *type, *src;
} quick_media;
/* The medium that `--image ARG` or `--document ARG` names, as stored: a
 * URL as it is, a file checked for the type (media.h) and made absolute,
 * digits that name no file as a media id. EX_NOINPUT for a file that is
 * not there, EX_DATAERR for one of the wrong type. *src is malloc'd. */
int quick_media_read(const char *type, const char *arg, char **src);

/* Shortcuts are stored without their '/'; texts keep {{placeholders}};
 * m NULL (or its type NULL): no medium. */
int quick_add(wb_db *db, const char *shortcut, const char *text, const quick_media *m, int64_t now); /* EX_DATAERR: exists */
/* Changes the text of one (and its medium when m is not NULL); its
 * keywords stay. EX_FALSE when there is none. */
int quick_set(wb_db *db, const char *shortcut, const char *text, const quick_media *m);
int quick_rm(wb_db *db, const char *shortcut);              /* EX_FALSE: none */
int quick_text(wb_db *db, const char *shortcut, char **text); /* EX_FALSE: none */

/* One quick reply as stored (malloc'd strings; media_type NULL: none). */
typedef struct {
	char *text, *media_type, *media;
} quick_content;
int quick_get(wb_db *db, const char *shortcut, quick_content *q); /* EX_FALSE: none */
void quick_content_free(quick_content *q);

typedef struct {
	const char *shortcut, *text;
	const char *keywords; /* comma-separated, "" when none */
	const char *media_type, *media; /* NULL when none */
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
	const char *text;               /* the quick reply's */
	const char *media_type, *media; /* and its medium, NULL when none */
} quick_keyword;
typedef int (*quick_keyword_fn)(const quick_keyword *k, void *ctx);
/* Every keyword, by word. */
int quick_keyword_each(wb_db *db, quick_keyword_fn fn, void *ctx);

#endif
