#include "changes.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

const char *const changes_cols[] = {"cursor", "time", "kind", "change", "phone", "user_id",
				    "wamid", "label", "data", NULL};

/* What the log does not hold is read as it is now: a message's fields
 * (an inbound message would otherwise be written twice), a contact's
 * fields beside the names of those that changed. A removed contact's
 * row holds its last fields. */
static const char changes_sql[] =
	"SELECT ch.id, ch.at, ch.kind, ch.op, ch.phone, ch.user_id, m.wamid, ch.label, "
	"CASE WHEN ch.kind = 'message' THEN json_object('direction', m.direction, 'type', m.type, "
	"'text', m.body, 'reply_to', m.reply_to, "
	"'ts', strftime('%Y-%m-%dT%H:%M:%SZ', m.ts, 'unixepoch')) "
	"WHEN ch.kind = 'contact' AND ch.op <> 'removed' THEN json_patch(json_object('name', c.name, "
	"'profile_name', c.profile_name, 'attrs', json(coalesce(c.attrs, '{}'))), coalesce(ch.detail, '{}')) "
	"ELSE coalesce(ch.detail, '{}') END "
	"FROM change ch LEFT JOIN message m ON m.id = ch.message_id "
	"LEFT JOIN contact c ON c.id = ch.contact_id WHERE ch.id > ? ORDER BY ch.id";

static const char *opt_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int changes_each(wb_db *db, int64_t after, change_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_stmt(db, changes_sql);
	sqlite3_bind_int64(st, 1, after);
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		change_row r = {
			.cursor = sqlite3_column_int64(st, 0),
			.at = sqlite3_column_int64(st, 1),
			.kind = db_col_text(st, 2),
			.change = db_col_text(st, 3),
			.phone = opt_text(st, 4),
			.user_id = opt_text(st, 5),
			.wamid = opt_text(st, 6),
			.label = opt_text(st, 7),
			.data = db_col_text(st, 8),
		};
		if ((rc = fn(&r, ctx)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "reading the change log");
	sqlite3_reset(st);
	return rc;
}

int changes_cursor_load(const char *path, int64_t *cursor)
{
	*cursor = 0;
	FILE *fp = fopen(path, "r");
	if (!fp)
		return errno == ENOENT ? 0 : wb_err(EX_NOINPUT, "%s: %s", path, strerror(errno));
	char buf[32] = "";
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	int bad = ferror(fp) || !feof(fp);
	fclose(fp);
	buf[n] = 0;
	strtrim(buf);
	long v = 0;
	if (bad || (*buf && parse_long(buf, 0, INT64_MAX, &v)))
		return wb_err(EX_DATAERR, "%s: not a cursor (a number wb-contact log --all wrote)", path);
	*cursor = v;
	return 0;
}

/* fsync of the directory that holds path, so a rename in it is durable. */
static int sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	int bad = fd < 0 || fsync(fd) != 0;
	if (fd >= 0)
		close(fd);
	free(copy);
	return bad;
}

int changes_cursor_save(const char *path, int64_t cursor)
{
	char *tmp = xasprintf("%s.tmp", path);
	int rc = 0, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0) {
		rc = wb_err(EX_CANTCREAT, "%s: %s", tmp, strerror(errno));
	} else {
		char line[32];
		int n = snprintf(line, sizeof line, "%" PRId64 "\n", cursor);
		int bad = write(fd, line, (size_t)n) != n || fsync(fd) != 0;
		bad |= close(fd) != 0;
		if (bad)
			rc = wb_err(EX_IOERR, "%s: %s", tmp, strerror(errno));
		else if (rename(tmp, path) != 0)
			rc = wb_err(EX_CANTCREAT, "%s: %s", path, strerror(errno));
		else if (sync_dir(path))
			rc = wb_err(EX_IOERR, "%s: %s", path, strerror(errno));
		if (rc)
			unlink(tmp);
	}
	free(tmp);
	return rc;
}
