#include "agent.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "err.h"
#include "inbox.h"
#include "util.h"

int agent_name_check(const char *name)
{
	long n = utf8_len(name);
	int bad = n <= 0 || n > 64;
	for (const unsigned char *p = (const unsigned char *)name; *p && !bad; p++)
		bad = *p <= ' ' || *p == 0x7f || *p == ',';
	if (bad)
		return wb_err(EX_DATAERR, "'%s': an agent's name is 1 to 64 characters of UTF-8 without "
					  "spaces, control characters or commas", name);
	return 0;
}

int agent_add(wb_db *db, const char *name, const char *display, int64_t now)
{
	int rc = agent_name_check(name);
	if (rc)
		return rc;
	if (display && utf8_len(display) < 0)
		return wb_err(EX_DATAERR, "--display: not valid UTF-8");
	sqlite3_stmt *st = db_stmt(db, "INSERT INTO agent (name, display, created_at) VALUES (?, ?, ?) "
				       "ON CONFLICT (name) DO NOTHING");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	db_bind_text(st, 2, display);
	sqlite3_bind_int64(st, 3, now);
	int added;
	if ((rc = db_step_changed(db, st, "adding an agent", &added)))
		return rc;
	return added ? 0 : wb_err(EX_DATAERR, "agent '%s' exists", name);
}

int agent_find(wb_db *db, const char *name)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT 1 FROM agent WHERE name = ?");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return db_fail(db, "reading agents");
	return wb_err(EX_FALSE, "no agent '%s' (wb-agent add %s)", name, name);
}

int agent_whoami(char **me)
{
	int rc = config_get("WB_AGENT", me);
	if (!rc && *me && !**me) {
		free(*me);
		*me = NULL;
	}
	return rc;
}

int agent_me(wb_db *db, const char *name)
{
	if (!name || !*name)
		return wb_err(EX_CONFIG, "WB_AGENT is not set: it names you, an agent (wb-agent ls)");
	int rc = agent_find(db, name);
	if (rc == EX_FALSE)
		return wb_err(EX_CONFIG, "WB_AGENT '%s' is no agent (wb-agent add %s)", name, name);
	return rc;
}

typedef struct {
	int on; /* duty: on or off; rm: -1 */
	const char *actor;
} change;

/* One agent's change, inside bulk_run's transaction. */
static int change_one(wb_db *db, const char *name, int64_t now, void *ctx, int *changed)
{
	const change *c = ctx;
	int rc = agent_find(db, name);
	if (rc)
		return rc == EX_FALSE ? EX_DATAERR : rc;
	if (c->on <= 0 && (rc = inbox_release(db, name, c->actor, now)))
		return rc;
	sqlite3_stmt *st;
	if (c->on < 0) {
		st = db_stmt(db, "DELETE FROM agent WHERE name = ?");
	} else {
		st = db_stmt(db, "UPDATE agent SET on_duty = ?2 WHERE name = ?1 AND on_duty != ?2");
		sqlite3_bind_int(st, 2, c->on);
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	return db_step_changed(db, st, "changing an agent", changed);
}

int agent_rm_names(wb_db *db, int argc, char **argv, const char *actor, bulk_row_fn row, void *ctx)
{
	change c = {-1, actor};
	return bulk_run(db, (const char *const *)argv, (size_t)argc, change_one, &c, row, ctx);
}

int agent_duty_names(wb_db *db, int on, int argc, char **argv, const char *actor, bulk_row_fn row,
		     void *ctx)
{
	change c = {on, actor};
	return bulk_run(db, (const char *const *)argv, (size_t)argc, change_one, &c, row, ctx);
}

int agent_each(wb_db *db, agent_fn fn, void *ctx)
{
	sqlite3_stmt *st = db_stmt(db,
		"SELECT name, display, on_duty, created_at, (SELECT count(*) FROM conversation "
		"WHERE assignee = a.name AND state != 'resolved') FROM agent a ORDER BY name");
	int rc = 0, step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		agent a = {
			.name = db_col_text(st, 0),
			.display = (const char *)sqlite3_column_text(st, 1),
			.on_duty = sqlite3_column_int(st, 2),
			.created_at = sqlite3_column_int64(st, 3),
			.conversations = sqlite3_column_int64(st, 4),
		};
		if ((rc = fn(&a, ctx)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "listing agents");
	sqlite3_reset(st);
	return rc;
}

int agent_next(wb_db *db, char **name)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT name FROM agent WHERE on_duty "
				       "ORDER BY last_assigned IS NOT NULL, last_assigned, name LIMIT 1");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*name = xstrdup(db_col_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EX_FALSE : db_fail(db, "reading agents");
}

int agent_assigned(wb_db *db, const char *name, int64_t v)
{
	sqlite3_stmt *st = db_stmt(db, "UPDATE agent SET last_assigned = ? WHERE name = ?");
	sqlite3_bind_int64(st, 1, v);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	return db_step_done(db, st, "recording an assignment");
}

int agent_auto_assign(wb_db *db)
{
	char *v = db_get_setting(db, "inbox.auto_assign");
	int on = v && !strcmp(v, "1");
	free(v);
	return on;
}

int agent_set_auto_assign(wb_db *db, int on)
{
	return db_set_setting(db, "inbox.auto_assign", on ? "1" : "0");
}
