/* bulk — one change to many targets (contacts by phone, messages by
 * wamid), as wb-contact optout/optin/rm and wb-label apply/remove make
 * it: every target in one transaction, all or nothing, then each told
 * with whether it changed, after the commit, so that what a command
 * prints is what happened. It knows nothing of what the change is. */
#ifndef WB_BULK_H
#define WB_BULK_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db.h"

/* The change to one target, inside the transaction; *changed (0 to
 * start) says whether it changed anything. A non-zero return undoes all. */
typedef int (*bulk_act_fn)(wb_db *db, const char *target, int64_t now, void *ctx, int *changed);
/* Told each target, in order, after the commit. */
typedef int (*bulk_row_fn)(const char *target, int changed, void *ctx);

int bulk_run(wb_db *db, const char *const *targets, size_t n, bulk_act_fn act, void *act_ctx,
	     bulk_row_fn row, void *row_ctx);
/* The same over phones: argv's (argc > 0), else fp's, as in_phones reads
 * them (normalised, repeats dropped; the first bad one fails all). */
int bulk_phones(wb_db *db, int argc, char **argv, FILE *fp, bulk_act_fn act, void *act_ctx,
		bulk_row_fn row, void *row_ctx);

#endif
