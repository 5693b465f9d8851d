#include "bulk.h"

#include <stdlib.h>

#include "in.h"
#include "util.h"
#include "when.h"

int bulk_run(wb_db *db, const char *const *targets, size_t n, bulk_act_fn act, void *act_ctx,
	     bulk_row_fn row, void *row_ctx)
{
	int64_t now = when_now();
	char *changed = xcalloc(n ? n : 1, 1);
	int rc = db_begin(db);
	for (size_t i = 0; i < n && !rc; i++) {
		int ch = 0;
		rc = act(db, targets[i], now, act_ctx, &ch);
		changed[i] = (char)ch;
	}
	if (rc)
		db_rollback(db);
	else
		rc = db_commit(db);
	for (size_t i = 0; i < n && !rc; i++)
		rc = row(targets[i], changed[i], row_ctx);
	free(changed);
	return rc;
}

int bulk_phones(wb_db *db, int argc, char **argv, FILE *fp, bulk_act_fn act, void *act_ctx,
		bulk_row_fn row, void *row_ctx)
{
	phone_list phones = {0};
	int rc = in_phones(argc, argv, fp, "stdin", &phones);
	if (!rc) {
		const char **targets = xcalloc(phones.n ? phones.n : 1, sizeof *targets);
		for (size_t i = 0; i < phones.n; i++)
			targets[i] = phones.v[i];
		rc = bulk_run(db, targets, phones.n, act, act_ctx, row, row_ctx);
		free(targets);
	}
	phone_list_free(&phones);
	return rc;
}
