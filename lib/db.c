#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "util.h"

extern const char wb_schema_sql[];

/* Upgrades from version i+1 to i+2 (index 0 turns a version-1 database
 * into version 2). A fresh database gets schema.sql directly. */
static const char *const migrations[] = {
	/* 1 → 2, issue 11 (b11-texts): a message's kind (wb-send --kind
	 * marketing|utility; broadcasts to a label segment were marketing,
	 * CSV lists utility) and a quick reply's medium. */
	"ALTER TABLE broadcast ADD COLUMN kind TEXT NOT NULL DEFAULT 'marketing' "
	"CHECK (kind IN ('marketing', 'utility'));"
	"UPDATE broadcast SET kind = CASE WHEN json_array_length(spec, '$.labels') > 0 "
	"THEN 'marketing' ELSE 'utility' END;"
	"ALTER TABLE message ADD COLUMN kind TEXT CHECK (kind IN ('marketing', 'utility'));"
	"UPDATE message SET kind = coalesce((SELECT b.kind FROM broadcast b WHERE b.id = broadcast_id), "
	"'utility') WHERE direction = 'out';"
	"ALTER TABLE quick_reply ADD COLUMN media_type TEXT CHECK (media_type IN ('image', 'document'));"
	"ALTER TABLE quick_reply ADD COLUMN media TEXT;",
	/* 2 → 3, issue 13 (b13-inbox): the shared inbox (wb-inbox,
	 * wb-agent): agents, conversations, their events and notes; a
	 * database from before has no conversation until a customer writes */
	"CREATE TABLE agent (name TEXT PRIMARY KEY, display TEXT, on_duty INTEGER NOT NULL DEFAULT 1,"
	" created_at INTEGER NOT NULL, last_assigned INTEGER) WITHOUT ROWID;"
	"CREATE TABLE conversation (id INTEGER PRIMARY KEY,"
	" contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,"
	" state TEXT NOT NULL CHECK (state IN ('open', 'pending', 'resolved')),"
	" assignee TEXT REFERENCES agent(name) ON DELETE SET NULL, opened_at INTEGER NOT NULL,"
	" waiting_since INTEGER, last_in_at INTEGER, unread INTEGER NOT NULL DEFAULT 0, assigned_at INTEGER,"
	" first_response_at INTEGER, first_response_by TEXT, resolved_at INTEGER, version INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX conversation_current ON conversation(contact_id) WHERE state != 'resolved';"
	"CREATE INDEX conversation_by_contact ON conversation(contact_id, id);"
	"CREATE INDEX conversation_queue ON conversation(state, waiting_since);"
	"CREATE INDEX conversation_by_version ON conversation(version);"
	"CREATE TABLE conversation_event (id INTEGER PRIMARY KEY,"
	" conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,"
	" ts INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('opened', 'reopened', 'assigned',"
	" 'unassigned', 'answered', 'resolved')), agent TEXT, actor TEXT);"
	"CREATE INDEX conversation_event_by_conversation ON conversation_event(conversation_id, id);"
	"CREATE INDEX conversation_event_by_ts ON conversation_event(ts);"
	"CREATE TABLE note (id INTEGER PRIMARY KEY,"
	" contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,"
	" conversation_id INTEGER REFERENCES conversation(id) ON DELETE SET NULL,"
	" agent TEXT, text TEXT NOT NULL, created_at INTEGER NOT NULL);"
	"CREATE INDEX note_by_contact ON note(contact_id, created_at);",
};

#define CACHE_SIZE 128

struct wb_db {
	sqlite3 *h;
	char *path;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[CACHE_SIZE];
};

/* The database -d names, or WB_DB (environment or config file), or the
 * one under XDG_DATA_HOME or HOME. Without any of them there is no
 * place: a database made in whatever directory cron or a service runs
 * in would be lost, so that is an error (EX_CONFIG). */
static int db_path_of(const char *path, char **out)
{
	*out = NULL;
	if (path && *path) {
		*out = xstrdup(path);
		return 0;
	}
	int rc = config_get("WB_DB", out);
	if (rc || (*out && **out))
		return rc;
	free(*out);
	*out = NULL;
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (xdg && *xdg == '/')
		*out = xasprintf("%s/wb/wb.db", xdg);
	else if (home && *home == '/')
		*out = xasprintf("%s/.local/share/wb/wb.db", home);
	else
		return wb_err(EX_CONFIG, "no database: HOME is not set; name one with -d or WB_DB");
	return 0;
}

/* mkdir -p of the directory part of path. */
static int make_parent(const char *path)
{
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return 0;
	}
	*slash = 0;
	for (char *p = dir + 1; ; p++) {
		if (*p == '/' || *p == 0) {
			char c = *p;
			*p = 0;
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				int e = errno;
				int code = wb_err(EX_CANTCREAT, "%s: %s", dir, strerror(e));
				free(dir);
				return code;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	free(dir);
	return 0;
}

int db_fail(wb_db *db, const char *what)
{
	int rc = sqlite3_extended_errcode(db->h) & 0xff;
	int code;
	switch (rc) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = EX_TEMPFAIL;
		break;
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		code = EX_IOERR;
		break;
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		code = EX_CANTCREAT;
		break;
	case SQLITE_CONSTRAINT:
		code = EX_DATAERR;
		break;
	default:
		code = EX_SOFTWARE;
	}
	return wb_err(code, "%s: %s: %s", db->path, what, sqlite3_errmsg(db->h));
}

int db_exec(wb_db *db, const char *sql)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, "database");
	return 0;
}

int db_data_version(wb_db *db, int64_t *v)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "reading the data version");
	*v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

static int user_version(wb_db *db, int *v)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "reading schema version");
	*v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return 0;
}

/* Brings the schema to WB_SCHEMA_VERSION inside one write transaction, so
 * two processes opening a new database at once do it exactly once. */
static int migrate(wb_db *db)
{
	int v, rc;
	if ((rc = user_version(db, &v)))
		return rc;
	if (v == WB_SCHEMA_VERSION)
		return 0;
	if (v > WB_SCHEMA_VERSION)
		return wb_err(EX_CONFIG, "%s: schema version %d is newer than this wb (%d); upgrade wb",
			      db->path, v, WB_SCHEMA_VERSION);
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = user_version(db, &v)))
		goto fail;
	if (v == 0) {
		if ((rc = db_exec(db, wb_schema_sql)))
			goto fail;
		v = WB_SCHEMA_VERSION;
	}
	for (; v < WB_SCHEMA_VERSION; v++)
		if (migrations[v - 1] && (rc = db_exec(db, migrations[v - 1])))
			goto fail;
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", WB_SCHEMA_VERSION);
	if ((rc = db_exec(db, pragma)))
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

int db_open(const char *path, wb_db **out)
{
	wb_db *db = xcalloc(1, sizeof *db);
	int rc = db_path_of(path, &db->path);
	if (rc || (rc = make_parent(db->path)))
		goto fail;
	if (sqlite3_open_v2(db->path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = wb_err(EX_CANTCREAT, "%s: cannot open database: %s", db->path,
			    db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->h, 5000);
	/* Each utility is a short process; checkpointing the WAL as it
	 * closes would make every bulk command pay to copy its pages twice.
	 * SQLite's automatic checkpoints keep the WAL short instead. */
	sqlite3_db_config(db->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_extended_result_codes(db->h, 1);
	/* WAL lets readers and one writer work at once; NORMAL sync is
	 * durable across process crashes, which is what the queue needs. */
	if ((rc = db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			      "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;")))
		goto fail;
	if ((rc = migrate(db)))
		goto fail;
	*out = db;
	return 0;
fail:
	db_close(db);
	*out = NULL;
	return rc;
}

int db_open_existing(const char *path, wb_db **out)
{
	char *p;
	struct stat st;
	*out = NULL;
	int rc = db_path_of(path, &p);
	if (!rc && stat(p, &st) != 0 && errno == ENOENT)
		rc = wb_err(EX_NOINPUT, "%s: no database yet; commands that write make it "
					"(wb-contact add or import, wb-profile set); -d or WB_DB names another", p);
	if (!rc)
		rc = db_open(p, out);
	free(p);
	return rc;
}

void db_close(wb_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < CACHE_SIZE; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

sqlite3 *db_handle(wb_db *db)
{
	return db->h;
}

const char *db_path(wb_db *db)
{
	return db->path;
}

sqlite3_stmt *db_stmt(wb_db *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % CACHE_SIZE;
	for (size_t i = 0; i < CACHE_SIZE; i++) {
		size_t k = (h + i) % CACHE_SIZE;
		if (db->cache[k].sql == sql) {
			sqlite3_reset(db->cache[k].st);
			sqlite3_clear_bindings(db->cache[k].st);
			return db->cache[k].st;
		}
		if (!db->cache[k].sql) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
				wb_die(EX_SOFTWARE, "internal error: %s in: %s", sqlite3_errmsg(db->h), sql);
			db->cache[k].sql = sql;
			db->cache[k].st = st;
			return st;
		}
	}
	wb_die(EX_SOFTWARE, "internal error: statement cache full");
}

/* Runs sql, retried while another process holds the lock. The busy
 * handler waits up to its timeout; a writer that holds the lock longer (a
 * large import) is waited for a while more. */
static int exec_patiently(wb_db *db, const char *sql)
{
	for (int tries = 0;; tries++) {
		int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK || (rc & 0xff) != SQLITE_BUSY || tries >= 24)
			return rc;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

int db_begin(wb_db *db)
{
	if (exec_patiently(db, "BEGIN IMMEDIATE") != SQLITE_OK)
		return db_fail(db, "starting a transaction");
	return 0;
}

int db_commit(wb_db *db)
{
	if (exec_patiently(db, "COMMIT") == SQLITE_OK)
		return 0;
	int code = db_fail(db, "committing");
	db_rollback(db);
	return code;
}

void db_rollback(wb_db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_step_done(wb_db *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	int code = db_fail(db, what);
	sqlite3_reset(st);
	return code;
}

int db_step_changed(wb_db *db, sqlite3_stmt *st, const char *what, int *changed)
{
	int rc = db_step_done(db, st, what);
	if (!rc && changed)
		*changed = sqlite3_changes(db->h) > 0;
	return rc;
}

int db_find_id(wb_db *db, const char *sql, const char *key, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, sql);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EX_FALSE : db_fail(db, "reading");
}

char *db_get_setting(wb_db *db, const char *key)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT value FROM setting WHERE key = ?");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	char *v = NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = xstrdup(db_col_text(st, 0));
	sqlite3_reset(st);
	return v;
}

int db_set_setting(wb_db *db, const char *key, const char *value)
{
	sqlite3_stmt *st;
	if (value) {
		st = db_stmt(db, "INSERT INTO setting (key, value) VALUES (?, ?) "
				 "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	} else {
		st = db_stmt(db, "DELETE FROM setting WHERE key = ?");
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return db_step_done(db, st, "saving a setting");
}

const char *db_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void db_bind_opt_int(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}
