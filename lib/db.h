/* db — the SQLite database every utility shares: where it lives, its
 * schema and migrations, the connection settings that let several
 * processes use it at once (WAL, busy timeout, foreign keys), a cache of
 * prepared statements, short write transactions, and the setting table.
 * Other modules own their own SQL; this one owns the connection. */
#ifndef WB_DB_H
#define WB_DB_H
#include <sqlite3.h>
#include <stdint.h>

#define WB_SCHEMA_VERSION 10

typedef struct wb_db wb_db;

/* Opens (creating with its schema, migrating an older one) the database
 * at path, or WB_DB (environment or config file), or
 * $XDG_DATA_HOME/wb/wb.db, or ~/.local/share/wb/wb.db; with none of these
 * set, EX_CONFIG. Returns 0 or an EX_ code with the message recorded. */
int db_open(const char *path, wb_db **out);
/* The same for a command that only reads: a database that does not
 * exist is EX_NOINPUT, naming the path and how to start, and is not
 * created. */
int db_open_existing(const char *path, wb_db **out);
void db_close(wb_db *db);
sqlite3 *db_handle(wb_db *db);
const char *db_path(wb_db *db);

/* A prepared statement for sql, cached by the address of the string, so
 * pass string literals. It comes back reset with bindings cleared. A
 * statement that does not compile is a bug: the process exits 70. */
sqlite3_stmt *db_stmt(wb_db *db, const char *sql);

/* Write transactions: BEGIN IMMEDIATE, retried while another process
 * holds the write lock (beyond the busy timeout); commit; rollback. */
int db_begin(wb_db *db);
int db_commit(wb_db *db);
/* Also, after a full disk (SQLITE_FULL), truncates the WAL, so that the
 * space the failed transaction took is free again. */
void db_rollback(wb_db *db);
/* Which transaction the next write belongs to: a number, unique in the
 * process, that changes whenever a transaction of this connection ends
 * (committed or rolled back), so that what is done once a transaction
 * can tell a new one. */
long long db_txn(wb_db *db);
/* How many transactions of this connection were rolled back (not
 * counting a ROLLBACK TO a savepoint): what a cache of rows filled in a
 * transaction needs to know. */
long long db_rollbacks(wb_db *db);
/* After a db_rollback that followed a full disk: the bytes the failed
 * transaction had written (the WAL's size then); 0 when no full disk
 * was rolled back. */
long long db_full_bytes(const wb_db *db);
/* BEGIN IMMEDIATE, waiting at most ms for another process's write lock
 * (db_begin waits far longer): for a caller that must answer in time.
 * EX_TEMPFAIL when the lock was not had. */
int db_begin_within(wb_db *db, int ms);
/* Inside a transaction, a part that may be undone alone: db_savepoint
 * starts it; db_savepoint_end keeps it (keep 1) or undoes it (keep 0),
 * the rest of the transaction going on either way. Not nested in another
 * db_savepoint; code inside may use savepoints of other names. */
int db_savepoint(wb_db *db);
int db_savepoint_end(wb_db *db, int keep);
/* Runs sql, a ROLLBACK TO of a savepoint of the caller's own, counted
 * as db_savepoint_end's undoing is. */
int db_undo_to(wb_db *db, const char *sql);
/* How many parts of transactions this connection undid (ROLLBACK TO,
 * through the two above: no other code may run one): with db_txn, what
 * tells a value written earlier in this transaction is still there. */
long long db_undos(wb_db *db);
/* For a connection that runs many small writes in long transactions
 * (wb-recv's store): statement journals in one 64 KB chunk, not 1 KB
 * ones (ingest spent ~8% of its writer's time in their mallocs), its
 * temporary tables, if any, then spilling to a temporary file; and,
 * cache_mb not 0, a page cache of up to that many MB rather than 2 (a
 * batch of files; not the listener, whose memory stays flat however
 * long it serves). */
int db_for_streams(wb_db *db, int cache_mb);
/* Runs SQL without results (several statements allowed). */
int db_exec(wb_db *db, const char *sql);
/* A number that changes when another connection commits a change to the
 * file (SQLite's PRAGMA data_version): a console polls it cheaply, with
 * no transaction, to know when to read again. */
int db_data_version(wb_db *db, int64_t *v);

/* Records sqlite's message for the last failure, prefixed with what, and
 * returns the matching EX_ code (busy → 75, I/O → 74, full/readonly → 73). */
int db_fail(wb_db *db, const char *what);
/* Steps a statement that returns no rows; 0 or db_fail's code. */
int db_step_done(wb_db *db, sqlite3_stmt *st, const char *what);
/* The same, and *changed (when not NULL) says whether it changed a row:
 * an insert that met a conflict, a delete that found nothing, did not. */
int db_step_changed(wb_db *db, sqlite3_stmt *st, const char *what, int *changed);

/* Runs sql, which takes one text parameter and returns one integer
 * column: 0 and *id for a row, EX_FALSE (no message recorded) for none,
 * or db_fail's code. For "the id of the X named Y" look-ups. */
int db_find_id(wb_db *db, const char *sql, const char *key, int64_t *id);

/* The setting table (profile.*, greeting.*, away.* …). get returns a
 * malloc'd copy or NULL when unset; set with value NULL deletes. */
char *db_get_setting(wb_db *db, const char *key);
int db_set_setting(wb_db *db, const char *key, const char *value);

/* Text of column i, or "" when NULL: for code that copies it at once. */
const char *db_col_text(sqlite3_stmt *st, int i);
/* Text of column i, or NULL when NULL (valid until the next step). */
const char *db_col_opt(sqlite3_stmt *st, int i);
/* Binds a text, or NULL when s is NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Binds an integer, or NULL when v is 0 (an unset time). */
void db_bind_opt_int(sqlite3_stmt *st, int i, int64_t v);

#endif
