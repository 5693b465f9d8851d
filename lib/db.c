#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
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
	/* 2 → 3, issues 9 and 10 (b10-streams): wb-send --tag kept on the
	 * message (biz_opaque_callback_data); settings_version, moved by every
	 * change to what wb-reply auto decides by, so a running pipeline
	 * rereads its settings. */
	"ALTER TABLE message ADD COLUMN tag TEXT;"
	"CREATE TABLE settings_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);"
	"INSERT INTO settings_version VALUES (1, 0);"
	"CREATE TRIGGER setting_insert_bumps AFTER INSERT ON setting BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER setting_update_bumps AFTER UPDATE ON setting BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER setting_delete_bumps AFTER DELETE ON setting BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER hours_insert_bumps AFTER INSERT ON hours BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER hours_update_bumps AFTER UPDATE ON hours BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER hours_delete_bumps AFTER DELETE ON hours BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER hours_exception_insert_bumps AFTER INSERT ON hours_exception BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER hours_exception_update_bumps AFTER UPDATE ON hours_exception BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER hours_exception_delete_bumps AFTER DELETE ON hours_exception BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER quick_reply_insert_bumps AFTER INSERT ON quick_reply BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER quick_reply_update_bumps AFTER UPDATE ON quick_reply BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER quick_reply_delete_bumps AFTER DELETE ON quick_reply BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER keyword_insert_bumps AFTER INSERT ON keyword BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER keyword_update_bumps AFTER UPDATE ON keyword BEGIN "
	"UPDATE settings_version SET version = version + 1; END;"
	"CREATE TRIGGER keyword_delete_bumps AFTER DELETE ON keyword BEGIN "
	"UPDATE settings_version SET version = version + 1; END;",
	/* 3 → 4, issue 9 (inbound): contacts known by phone and/or user ID
	 * (contact is rebuilt: wa_id may be NULL), former identifiers, the
	 * business number and edits/deletions of messages, statuses per group
	 * member with what Meta reports, calls, template and account changes,
	 * and the quarantine of webhook parts wb-recv cannot take. */
	"DROP VIEW contact_attr;"
	"CREATE TABLE contact_new ("
	" id INTEGER PRIMARY KEY, wa_id TEXT UNIQUE, user_id TEXT UNIQUE, parent_user_id TEXT,"
	" username TEXT, name TEXT, profile_name TEXT, opted_out INTEGER NOT NULL DEFAULT 0,"
	" opted_out_at INTEGER, marketing_stop INTEGER NOT NULL DEFAULT 0, marketing_stop_at INTEGER,"
	" created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_in_at INTEGER,"
	" last_out_at INTEGER, attrs TEXT NOT NULL DEFAULT '{}',"
	" CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL));"
	"INSERT INTO contact_new (id, wa_id, name, profile_name, opted_out, opted_out_at, created_at,"
	" updated_at, last_in_at, last_out_at, attrs)"
	" SELECT id, wa_id, name, profile_name, opted_out, opted_out_at, created_at, updated_at,"
	" last_in_at, last_out_at, attrs FROM contact;"
	"DROP TABLE contact;"
	"ALTER TABLE contact_new RENAME TO contact;"
	"CREATE INDEX contact_last_in ON contact(last_in_at) WHERE last_in_at IS NOT NULL;"
	"CREATE VIEW contact_attr (contact_id, key, value) AS"
	" SELECT c.id, a.key, a.value FROM contact c, json_each(c.attrs) a;"
	"CREATE TABLE contact_alias (kind TEXT NOT NULL CHECK (kind IN ('phone', 'user_id')),"
	" value TEXT NOT NULL, contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,"
	" created_at INTEGER NOT NULL, PRIMARY KEY (kind, value)) WITHOUT ROWID;"
	"ALTER TABLE message ADD COLUMN phone_number_id TEXT;"
	"ALTER TABLE message ADD COLUMN source TEXT;"
	"ALTER TABLE message ADD COLUMN edited_at INTEGER;"
	"ALTER TABLE message ADD COLUMN deleted_at INTEGER;"
	"CREATE TABLE status_event_new (id INTEGER PRIMARY KEY, wamid TEXT NOT NULL,"
	" status TEXT NOT NULL, ts INTEGER NOT NULL, error_code INTEGER, error_text TEXT,"
	" recipient TEXT, recipient_user_id TEXT, participant TEXT NOT NULL DEFAULT '',"
	" phone_number_id TEXT, callback_data TEXT, error_title TEXT, error_href TEXT, payload TEXT,"
	" UNIQUE (wamid, status, participant));"
	"INSERT INTO status_event_new (id, wamid, status, ts, error_code, error_text, recipient)"
	" SELECT id, wamid, status, ts, error_code, error_text, recipient FROM status_event;"
	"DROP TABLE status_event;"
	"ALTER TABLE status_event_new RENAME TO status_event;"
	"CREATE TABLE message_change (wamid TEXT PRIMARY KEY, target TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('edit', 'revoke')), ts INTEGER NOT NULL,"
	" payload TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX message_change_by_target ON message_change(target);"
	"CREATE TABLE call (id INTEGER PRIMARY KEY, wacid TEXT NOT NULL UNIQUE,"
	" contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,"
	" direction TEXT NOT NULL CHECK (direction IN ('in', 'out')), phone_number_id TEXT,"
	" status TEXT NOT NULL, started_at INTEGER, ended_at INTEGER, duration INTEGER,"
	" callback_data TEXT, error_code INTEGER, error_text TEXT, ts INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL);"
	"CREATE INDEX call_by_contact ON call(contact_id, ts);"
	"CREATE TABLE call_event (wacid TEXT NOT NULL, event TEXT NOT NULL, ts INTEGER NOT NULL,"
	" payload TEXT NOT NULL, PRIMARY KEY (wacid, event)) WITHOUT ROWID;"
	"CREATE TABLE webhook_change (id INTEGER PRIMARY KEY, field TEXT NOT NULL, waba_id TEXT,"
	" ts INTEGER, event TEXT, template_id TEXT, template_name TEXT, template_language TEXT,"
	" value TEXT NOT NULL, known INTEGER NOT NULL, received_at INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX webhook_change_once ON webhook_change(field, coalesce(waba_id, ''),"
	" coalesce(ts, 0), value);"
	"CREATE INDEX webhook_change_by_template ON webhook_change(template_id, ts)"
	" WHERE template_id IS NOT NULL;"
	"CREATE TABLE quarantine (id INTEGER PRIMARY KEY, source TEXT NOT NULL, byte_offset INTEGER,"
	" path TEXT NOT NULL, reason TEXT NOT NULL, raw TEXT NOT NULL, created_at INTEGER NOT NULL,"
	" tried_at INTEGER);"
	"CREATE UNIQUE INDEX quarantine_once ON quarantine(raw);",
	/* 4 → 5, issue 12 (b12-templates): message templates (wb-template),
	 * their parameter slots, and the messaging limit's index */
	"CREATE TABLE template (id INTEGER PRIMARY KEY, name TEXT NOT NULL, lang TEXT NOT NULL, meta_id TEXT, "
	"category TEXT, status TEXT, reason TEXT, quality TEXT, named INTEGER NOT NULL DEFAULT 0, "
	"definition TEXT, synced_at INTEGER, updated_at INTEGER NOT NULL, gone_at INTEGER, UNIQUE (name, lang));"
	"CREATE TABLE template_slot (template_id INTEGER NOT NULL REFERENCES template(id) ON DELETE CASCADE, "
	"component TEXT NOT NULL, position INTEGER NOT NULL, name TEXT, kind TEXT NOT NULL, example TEXT, "
	"PRIMARY KEY (template_id, component, position)) WITHOUT ROWID;"
	"CREATE INDEX message_template_reach ON message(coalesce(due_at, ts), contact_id) "
	"WHERE direction = 'out' AND type = 'template';",
	/* 5 → 6, issue 13 (b13-inbox): the shared inbox (wb-inbox,
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
	"CREATE INDEX note_by_contact ON note(contact_id, created_at);"
	"CREATE TABLE inbox_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);"
	"INSERT INTO inbox_version VALUES (1, 0);",
	/* 6 → 7, issue 14 (b14-crm): the change log, its table and triggers,
	 * as schema.sql has them (see run_migration). */
	"-- section: change log",
	/* 7 → 8, issue 13 (b13-media): where wb-media get put a received
	 * medium (message.media_path), and the full-text index behind
	 * wb-contact search: FTS5 with the trigram tokenizer (any substring
	 * of 3 characters or more, CJK too), its text read from message. New
	 * messages are indexed lazily, by the search (message_fts_upto is how
	 * far), so that ingest pays nothing; the triggers keep the indexed
	 * rows right when a body is edited or a message deleted, and bring
	 * upto down when the newest messages go (their ids can come back). A
	 * database from before is indexed by its first search. */
	"ALTER TABLE message ADD COLUMN media_path TEXT;"
	"CREATE VIRTUAL TABLE message_fts USING fts5(body, content='message', content_rowid='id', tokenize='trigram');"
	"CREATE TABLE message_fts_upto (id INTEGER PRIMARY KEY CHECK (id = 1), upto INTEGER NOT NULL);"
	"INSERT INTO message_fts_upto VALUES (1, 0);"
	"CREATE TRIGGER message_fts_delete AFTER DELETE ON message BEGIN"
	" INSERT INTO message_fts(message_fts, rowid, body) SELECT 'delete', old.id, old.body"
	" WHERE old.id <= (SELECT upto FROM message_fts_upto);"
	" UPDATE message_fts_upto SET upto = (SELECT coalesce(max(id), 0) FROM message)"
	" WHERE upto > (SELECT coalesce(max(id), 0) FROM message); END;"
	"CREATE TRIGGER message_fts_update AFTER UPDATE OF body ON message WHEN old.id <= (SELECT upto FROM message_fts_upto) BEGIN"
	" INSERT INTO message_fts(message_fts, rowid, body) VALUES ('delete', old.id, old.body);"
	" INSERT INTO message_fts(rowid, body) VALUES (new.id, new.body); END;",
	/* 8 → 9, issue 14 (b14-survey): surveys (their sends and answers are
	 * views derived from message, wb(7)); auto_reply takes the follow-up
	 * to a low score (the table is rebuilt for its CHECK). */
	"CREATE TABLE auto_reply_new (inbound_wamid TEXT PRIMARY KEY, contact_id INTEGER NOT NULL "
	"REFERENCES contact(id) ON DELETE CASCADE, kind TEXT NOT NULL CHECK (kind IN ('away', "
	"'greeting', 'keyword', 'follow_up', 'none')), ts INTEGER NOT NULL, decided_at INTEGER NOT "
	"NULL);INSERT INTO auto_reply_new SELECT inbound_wamid, contact_id, kind, ts, decided_at FROM "
	"auto_reply;DROP TABLE auto_reply;ALTER TABLE auto_reply_new RENAME TO auto_reply;CREATE INDEX "
	"auto_reply_by_contact ON auto_reply(contact_id, kind, ts);"
	"CREATE TABLE survey ( id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, ask TEXT NOT NULL, "
	"scale TEXT NOT NULL, score_min INTEGER NOT NULL, score_max INTEGER NOT NULL, follow_up TEXT, "
	"window INTEGER NOT NULL DEFAULT 86400, on_resolve INTEGER NOT NULL DEFAULT 0, template TEXT, "
	"created_at INTEGER NOT NULL ); CREATE VIEW survey_send (survey_id, message_id, contact_id, "
	"wamid, sent_at) AS SELECT s.id, m.id, m.contact_id, m.wamid, coalesce(m.sent_at, m.ts) FROM "
	"survey s JOIN message m ON m.idem_key >= 'survey:' || s.name || ':' AND m.idem_key < 'survey:' "
	"|| s.name || ';' WHERE m.direction = 'out' AND m.wamid IS NOT NULL; CREATE VIEW survey_answer "
	"(survey_id, send_id, contact_id, message_id, sent_at, answered_at, score, text) AS WITH cand AS "
	"( SELECT ss.survey_id, ss.message_id AS send_id, ss.contact_id, i.id AS message_id, ss.sent_at, "
	"i.ts AS answered_at, i.body AS text, s.score_min, s.score_max, CAST(CASE i.type WHEN "
	"'interactive' THEN coalesce(json_extract(i.payload, '$.interactive.button_reply.id'), "
	"json_extract(i.payload, '$.interactive.list_reply.id')) WHEN 'button' THEN "
	"json_extract(i.payload, '$.button.payload') ELSE trim(i.body) END AS INTEGER) AS score FROM "
	"survey_send ss JOIN survey s ON s.id = ss.survey_id JOIN message i ON i.contact_id = "
	"ss.contact_id AND i.direction = 'in' AND i.ts >= ss.sent_at AND i.ts <= ss.sent_at + s.window "
	"WHERE (i.type IN ('interactive', 'button') AND i.reply_to = ss.wamid) OR (i.type = 'text' AND "
	"(trim(i.body) GLOB '[0-9]' OR trim(i.body) GLOB '[0-9][0-9]') AND NOT EXISTS (SELECT 1 FROM "
	"survey_send l WHERE l.contact_id = ss.contact_id AND l.sent_at > ss.sent_at AND l.sent_at <= "
	"i.ts))), ranked AS ( SELECT *, row_number() OVER (PARTITION BY send_id ORDER BY answered_at "
	"DESC, message_id DESC) AS n FROM cand WHERE score BETWEEN score_min AND score_max) SELECT "
	"survey_id, send_id, contact_id, message_id, sent_at, answered_at, score, text FROM ranked WHERE "
	"n = 1;",
	/* 9 → 10, issue 10 (s4-store): what storing a message writes.
	 * message.idem_key unique where it is set (a partial index): every
	 * inbound message's NULL key cost an entry in the column's UNIQUE
	 * index. SQLite cannot drop a column's constraint: the table is
	 * rebuilt (rebuild), rows and ids kept. conversation_by_version
	 * goes: each message rewrote its entry, and no query used it. */
	"-- rebuild: message\n"
	"DROP INDEX conversation_by_version;"
	"INSERT INTO temp.rebuild SELECT 'table', 'message.idem_key is not as expected' WHERE NOT EXISTS "
	"(SELECT 1 FROM temp.rebuild WHERE type = 'table' AND instr(sql, 'idem_key    TEXT UNIQUE'));"
	"UPDATE temp.rebuild SET sql = replace(sql, 'idem_key    TEXT UNIQUE', 'idem_key    TEXT') "
	"WHERE type = 'table';"
	"INSERT INTO temp.rebuild VALUES ('index', "
	"'CREATE UNIQUE INDEX message_by_key ON message(idem_key) WHERE idem_key IS NOT NULL');",
};

#define CACHE_SIZE 128
#define BUSY_MS 5000 /* how long a statement waits for another process's lock */

struct wb_db {
	sqlite3 *h;
	char *path;
	int full;              /* the last failure was a full disk */
	long long full_bytes;  /* what the failed transaction had written */
	int busy_ms;           /* how long a statement waits for a lock */
	long long txn;         /* db_txn */
	long long commits;     /* write transactions committed, for WB_DEBUG_COMMITS */
	long long naps;        /* busy handler's naps, likewise */
	struct wake *wake;     /* shared with the other processes on the file; NULL: none */
	uint32_t wake_seq;     /* its seq when the lock was last tried */
	long long rollbacks;   /* db_rollbacks */
	long long undos;       /* db_undos */
	double busy_since;     /* when the current wait began (monotonic ms) */
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

/* The WAL's size in bytes, 0 when there is none. */
static long long wal_bytes(const wb_db *db)
{
	struct stat st;
	char *wal = xasprintf("%s-wal", db->path);
	long long n = stat(wal, &st) ? 0 : (long long)st.st_size;
	free(wal);
	return n;
}

/* Whether a write failed for want of room: the file system has less
 * than a few pages left, or the WAL is at the file size limit. SQLite
 * does not keep the errno that would say so. */
static int no_room(const wb_db *db)
{
	const long long slack = 64 * 1024;
	struct statvfs vfs;
	struct rlimit rl;
	if (statvfs(db->path, &vfs) == 0 && (long long)vfs.f_bavail * (long long)vfs.f_frsize < slack)
		return 1;
	return getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	       wal_bytes(db) + slack >= (long long)rl.rlim_cur;
}

int db_fail(wb_db *db, const char *what)
{
	int rc = sqlite3_extended_errcode(db->h) & 0xff;
	int code;
	/* no room: SQLITE_FULL, or a write past the file size limit, which
	 * SQLite calls an I/O error */
	if (rc == SQLITE_IOERR && no_room(db))
		rc = SQLITE_FULL;
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
		db->full = 1;
		/* fall through */
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

int db_for_streams(wb_db *db, int cache_mb)
{
	/* temp_store MEMORY makes every statement journal a pure in-memory
	 * one of 1 KB chunks: an INSERT into a table with a trigger (message,
	 * change_message) copies each page it touches there, ~5 mallocs a
	 * page. With temp files allowed, the journal stays in memory up to
	 * 64 KB in one chunk, spilling to a file only past that. And each
	 * message lands on a page of its contact's in message_by_contact: past
	 * SQLite's 2 MB page cache those were read again from the WAL or the
	 * file, a system call each. */
	int rc = db_exec(db, "PRAGMA temp_store=DEFAULT");
	if (rc || !cache_mb)
		return rc;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=%d", -1024 * cache_mb);
	return db_exec(db, sql);
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

/* The statements that make table name again from temp.rebuild, in its
 * order, as one script: the table's own CREATE TABLE makes NAME_new,
 * into which the rows (columns) are copied before it replaces NAME; the
 * rest run as they are. Read whole before any runs: DROP TABLE waits for
 * no reader. */
static int rebuild_script(wb_db *db, const char *name, const char *columns, sb *script)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "SELECT type, sql FROM temp.rebuild ORDER BY rowid", -1, &st, NULL))
		return db_fail(db, "rebuilding a table");
	/* as written, or as a rename leaves it */
	char *head = xasprintf("CREATE TABLE %s ", name), *quoted = xasprintf("CREATE TABLE \"%s\" ", name);
	int rc = 0, step;
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = db_col_text(st, 0), *sql = db_col_text(st, 1);
		const char *rest = !strncmp(sql, head, strlen(head)) ? sql + strlen(head)
				 : !strncmp(sql, quoted, strlen(quoted)) ? sql + strlen(quoted) : NULL;
		if (!strcmp(type, "table") && rest)
			/* the rename leaves triggers and views that name NAME
			 * as they are (legacy): they find the new table */
			sb_printf(script, "CREATE TABLE %s_new %s; INSERT INTO %s_new (%s) SELECT %s FROM %s; "
					  "DROP TABLE %s; PRAGMA legacy_alter_table = ON; "
					  "ALTER TABLE %s_new RENAME TO %s; PRAGMA legacy_alter_table = OFF;\n",
				  name, rest, name, columns, columns, name, name, name, name);
		else if (!strcmp(type, "table"))
			rc = wb_err(EX_SOFTWARE, "%s: cannot rebuild table %s: %.60s", db->path, name, sql);
		else
			sb_printf(script, "%s;\n", sql);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "rebuilding a table");
	sqlite3_finalize(st);
	free(head);
	free(quoted);
	return rc;
}

/* A rebuild copies every row in the one transaction of the upgrade
 * (about 20 s a million messages here): a big one is said on stderr, so
 * that the first command after an upgrade is not silent that long. */
static void say_rebuild(wb_db *db, const char *table)
{
	char *sql = xasprintf("SELECT count(*) FROM \"%s\"", table);
	sqlite3_stmt *st;
	long long n = 0;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (n >= 10000)
		wb_warn("%s: upgrading the database: copying %lld rows of %s into its new form, once", db->path,
			n, table);
	free(sql);
}

/* "-- rebuild: NAME" then SQL: SQLite's way of changing what ALTER TABLE
 * cannot (a column's constraint). The table's CREATE statement and those
 * of its indexes and triggers, as the database has them, go to
 * temp.rebuild(type, sql); SQL edits them there (it may add rows, and
 * do more); then the table is made again from them, with its rows and
 * their ids. Foreign keys are off meanwhile (migrate). The database's
 * own text, not schema.sql's, so that a later migration's ALTER TABLE
 * finds the table as it expects. */
static int rebuild(wb_db *db, const char *sql)
{
	const char *name = sql + strlen("-- rebuild: "), *edit = strchr(name, '\n');
	if (!edit)
		return wb_err(EX_SOFTWARE, "internal error: a rebuild without its edit");
	char *table = xstrndup(name, (size_t)(edit - name));
	char *copy = xasprintf("CREATE TEMP TABLE rebuild (type TEXT NOT NULL, sql TEXT NOT NULL);"
			       "INSERT INTO temp.rebuild SELECT type, sql FROM sqlite_schema WHERE tbl_name = '%s' "
			       "AND sql IS NOT NULL ORDER BY type != 'table', rowid", table);
	int rc = db_exec(db, copy);
	sqlite3_stmt *st = NULL;
	static const char cols[] = "SELECT group_concat('\"' || name || '\"', ', ') FROM pragma_table_info(?1)";
	if (!rc && sqlite3_prepare_v2(db->h, cols, -1, &st, NULL))
		rc = db_fail(db, "rebuilding a table");
	if (!rc)
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (!rc && sqlite3_step(st) != SQLITE_ROW)
		rc = db_fail(db, "rebuilding a table");
	char *columns = rc ? NULL : xstrdup(db_col_text(st, 0));
	sqlite3_finalize(st);
	if (!rc)
		say_rebuild(db, table);
	sb script = {0};
	if (!rc && !(rc = db_exec(db, edit + 1)) && !(rc = rebuild_script(db, table, columns, &script)))
		rc = db_exec(db, script.s);
	if (!rc)
		rc = db_exec(db, "DROP TABLE temp.rebuild");
	free(script.s);
	free(columns);
	free(copy);
	free(table);
	return rc;
}

/* A migration that is "-- section: NAME" runs the part of schema.sql
 * from that line to "-- end: NAME": new tables and triggers whose only
 * text is there, so the two cannot drift apart. Any other migration is
 * run as it is. */
static int run_migration(wb_db *db, const char *sql)
{
	static const char section[] = "-- section: ";
	if (!strncmp(sql, "-- rebuild: ", strlen("-- rebuild: ")))
		return rebuild(db, sql);
	if (strncmp(sql, section, sizeof section - 1))
		return db_exec(db, sql);
	const char *from = strstr(wb_schema_sql, sql);
	char *end = xasprintf("-- end: %s", sql + sizeof section - 1);
	const char *to = from ? strstr(from, end) : NULL;
	free(end);
	if (!to)
		return wb_err(EX_SOFTWARE, "internal error: schema.sql has no %s", sql);
	char *part = xstrndup(from, (size_t)(to - from));
	int rc = db_exec(db, part);
	free(part);
	return rc;
}

/* EX_SOFTWARE when a row refers to one that is not there (a migration
 * that lost rows). */
static int foreign_keys_hold(wb_db *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, "checking the migration");
	int step = sqlite3_step(st);
	char *table = step == SQLITE_ROW ? xstrdup(db_col_text(st, 0)) : NULL;
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(db, "checking the migration");
	int rc = table ? wb_err(EX_SOFTWARE, "%s: migration left rows of %s without their parent", db->path,
				table) : 0;
	free(table);
	return rc;
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
	/* A migration may rebuild a table that others refer to: foreign keys
	 * are off meanwhile (it cannot change inside a transaction), so that
	 * dropping the old table deletes nothing, and checked before commit. */
	if ((rc = db_exec(db, "PRAGMA foreign_keys=OFF")) || (rc = db_begin(db)))
		goto on;
	if ((rc = user_version(db, &v)))
		goto fail;
	if (v == 0) {
		if ((rc = db_exec(db, wb_schema_sql)))
			goto fail;
		v = WB_SCHEMA_VERSION;
	}
	for (; v < WB_SCHEMA_VERSION; v++)
		if (migrations[v - 1] && (rc = run_migration(db, migrations[v - 1])))
			goto fail;
	if ((rc = foreign_keys_hold(db)))
		goto fail;
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", WB_SCHEMA_VERSION);
	if ((rc = db_exec(db, pragma)))
		goto fail;
	rc = db_commit(db);
	goto on;
fail:
	db_rollback(db);
on:;
	int on = db_exec(db, "PRAGMA foreign_keys=ON");
	return rc ? rc : on;
}

/* A new database is made here, empty, 0600 whatever the umask: it holds
 * customers' messages. SQLite gives its -wal and -shm the mode of the
 * database file. */
static int make_private(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 0 : wb_err(EX_CANTCREAT, "%s: %s", path, strerror(errno));
	int rc = fchmod(fd, 0600) ? wb_err(EX_CANTCREAT, "%s: %s", path, strerror(errno)) : 0;
	close(fd);
	return rc;
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A writer that waits for the lock sleeps on a word every wb process on
 * the database shares (PATH-wake, mapped), and the writer that holds
 * the lock wakes it as it ends its transaction (db_commit,
 * db_rollback): it takes the lock as it comes free, not a nap later,
 * and burns no CPU meanwhile (napping, three waiting writers woke
 * thousands of times a second, taking the cores from the one that held
 * the lock). Writers that are not wb (sqlite3) wake no one: a sleep is
 * cut at WAKE_NS, so they are waited for by naps as before. */
struct wake {
	uint32_t seq;     /* bumped at the end of each transaction */
	uint32_t waiters; /* sleeping on seq: the waker calls the kernel only then */
};
#define WAKE_NS 1000000L

static void wake_open(wb_db *db)
{
	/* named as SQLite names the -wal: every process on the file finds
	 * the same word, whatever path (or link) it was given */
	const char *file = sqlite3_db_filename(db->h, "main");
	if (!file || !*file)
		return;
	char *p = xasprintf("%s-wake", file);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	free(p);
	/* the word's block allocated before it is mapped: a store to a hole
	 * on a full disk would kill the process (SIGBUS) */
	if (fd < 0 || posix_fallocate(fd, 0, sizeof(struct wake))) {
		if (fd >= 0)
			close(fd);
		return; /* a read-only place: naps alone */
	}
	void *m = mmap(NULL, sizeof(struct wake), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	db->wake = m == MAP_FAILED ? NULL : m;
}

static void wake_sleep(wb_db *db, long ns)
{
	struct timespec ts = {0, ns};
	__atomic_add_fetch(&db->wake->waiters, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &db->wake->seq, FUTEX_WAIT, db->wake_seq, &ts, NULL, 0);
	__atomic_sub_fetch(&db->wake->waiters, 1, __ATOMIC_SEQ_CST);
	db->wake_seq = __atomic_load_n(&db->wake->seq, __ATOMIC_SEQ_CST);
}

/* After a transaction: the writers waiting may try again. The seq moves
 * first, so that one about to sleep finds it moved and does not. */
static void wake_others(wb_db *db)
{
	if (!db->wake)
		return;
	__atomic_add_fetch(&db->wake->seq, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&db->wake->waiters, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &db->wake->seq, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

/* Waits for another process's lock in short naps up to busy_ms:
 * SQLite's own handler sleeps up to 100 ms at a time, which a live
 * pipeline of three writers on one database feels as its slowest
 * answers. Their transactions hold the lock a fraction of a millisecond,
 * so the naps stay that short for the first millisecond, then grow for
 * a writer that holds it longer (an import). Naps doubling from 0.1 ms
 * overslept: at 1000 messages/s the listener's store thread spent 2.5 s
 * of an 8 s run in them, wb-reply auto and wb-send - 1.1 s each (now
 * about 0.8, 0.4 and 0.4 s). */
static int busy_wait(void *p, int n)
{
	wb_db *db = p;
	double now = mono_ms();
	if (n == 0) {
		db->busy_since = now;
		if (db->wake)
			db->wake_seq = __atomic_load_n(&db->wake->seq, __ATOMIC_SEQ_CST);
	}
	if (now - db->busy_since >= db->busy_ms)
		return 0;
	long ns = n < 20 ? 50000L : n < 40 ? 200000L : 1000000L;
	if (db->wake) {
		/* the first: the lock may have come free between SQLite's try and
		 * the seq read here, and no one would wake it */
		wake_sleep(db, n == 0 ? ns : WAKE_NS);
	} else {
		struct timespec ts = {0, ns};
		nanosleep(&ts, NULL);
	}
	db->naps++;
	return 1;
}

/* SQLite counts every allocation under one global mutex unless told
 * not to (Debian's build keeps the count on, and has no lookaside):
 * two locks around every malloc of a statement's step. wb never asks
 * for the count. Only possible before SQLite's first use; later calls
 * are refused harmlessly. */
static void memstatus_off_now(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static void memstatus_off(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, memstatus_off_now);
}

/* Each end of a transaction (commit or rollback) gives the connection
 * a number never used before in this process. */
static long long txn_count;
static void txn_ended(void *p)
{
	wb_db *db = p;
	db->txn = __atomic_add_fetch(&txn_count, 1, __ATOMIC_RELAXED);
}

static int txn_committing(void *p)
{
	((wb_db *)p)->commits++;
	txn_ended(p);
	return 0; /* the commit goes on */
}

static void txn_rolled_back(void *p)
{
	wb_db *db = p;
	db->rollbacks++;
	txn_ended(p);
}

long long db_txn(wb_db *db)
{
	return db->txn;
}

long long db_rollbacks(wb_db *db)
{
	return db->rollbacks;
}

int db_open(const char *path, wb_db **out)
{
	memstatus_off();
	wb_db *db = xcalloc(1, sizeof *db);
	int rc = db_path_of(path, &db->path);
	if (rc || (rc = make_parent(db->path)) || (strcmp(db->path, ":memory:") && (rc = make_private(db->path))))
		goto fail;
	if (sqlite3_open_v2(db->path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = wb_err(EX_CANTCREAT, "%s: cannot open database: %s", db->path,
			    db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	db->busy_ms = BUSY_MS;
	if (strcmp(db->path, ":memory:") && !getenv("WB_NO_WAKE"))
		wake_open(db);
	sqlite3_busy_handler(db->h, busy_wait, db);
	txn_ended(db);
	sqlite3_commit_hook(db->h, txn_committing, db);
	sqlite3_rollback_hook(db->h, txn_rolled_back, db);
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
	/* how many write transactions a process made, which no file shows
	 * (an empty one writes nothing): for tests of how often a long
	 * running writer takes the write lock */
	if (getenv("WB_DEBUG_COMMITS")) {
		int pages = 0, hi;
		sqlite3_db_status(db->h, SQLITE_DBSTATUS_CACHE_WRITE, &pages, &hi, 0);
		fprintf(stderr, "%s: %lld write transactions, %d pages written, %lld naps waiting for a lock\n",
			wb_prog, db->commits, pages, db->naps);
	}
	for (int i = 0; i < CACHE_SIZE; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	if (db->wake)
		munmap(db->wake, sizeof(struct wake));
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

int db_begin_within(wb_db *db, int ms)
{
	db->busy_ms = ms;
	int rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	db->busy_ms = BUSY_MS;
	return rc == SQLITE_OK ? 0 : db_fail(db, "starting a transaction");
}

int db_savepoint(wb_db *db)
{
	return db_step_done(db, db_stmt(db, "SAVEPOINT one"), "starting a savepoint");
}

int db_undo_to(wb_db *db, const char *sql)
{
	db->undos++;
	return db_step_done(db, db_stmt(db, sql), "undoing a savepoint");
}

long long db_undos(wb_db *db)
{
	return db->undos;
}

int db_savepoint_end(wb_db *db, int keep)
{
	int rc = keep ? 0 : db_undo_to(db, "ROLLBACK TO one");
	int r = db_step_done(db, db_stmt(db, "RELEASE one"), "ending a savepoint");
	return rc ? rc : r;
}

int db_commit(wb_db *db)
{
	if (exec_patiently(db, "COMMIT") == SQLITE_OK) {
		wake_others(db);
		return 0;
	}
	int code = db_fail(db, "committing");
	db_rollback(db);
	return code;
}

void db_rollback(wb_db *db)
{
	if (db->full)
		db->full_bytes = wal_bytes(db);
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	wake_others(db);
	/* A full disk: what the failed transaction wrote to the WAL is given
	 * back, or the disk would stay full and the database unwritable for
	 * every other process too. */
	if (db->full) {
		sqlite3_exec(db->h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		db->full = 0;
	}
}

long long db_full_bytes(const wb_db *db)
{
	return db->full_bytes;
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

const char *db_col_opt(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
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
