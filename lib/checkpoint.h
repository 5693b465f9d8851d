/* checkpoint — when the WAL is copied into the database, for the live
 * pipeline (wb-recv --listen | wb-reply auto | wb-send -). SQLite's own
 * automatic checkpoint runs inside whichever commit finds the WAL past
 * 1000 pages, and then in every commit after it until the WAL can start
 * over: that commit copies pages and waits for two fsyncs before its
 * process may answer a webhook or pass an event on. Here the listener
 * has a thread with a connection of its own that does it instead: a
 * PASSIVE checkpoint (it waits for no one and holds up no writer) when
 * the listener's commits find the WAL past CHECKPOINT_PAGES, and when
 * things are quiet; the listener's connection makes none itself. A WAL
 * that readers keep from starting over, past CHECKPOINT_RESTART_PAGES,
 * gets a RESTART checkpoint, which holds writers while it copies. The
 * stream filters downstream (checkpoint_defer) leave the work to it and
 * only checkpoint themselves when no listener did (a much longer WAL).
 * It owns no table. */
#ifndef WB_CHECKPOINT_H
#define WB_CHECKPOINT_H

#include "db.h"

#define CHECKPOINT_PAGES 1000          /* WAL pages that wake the thread */
#define CHECKPOINT_RESTART_PAGES 8000  /* about 32 MB: start it over (see pass) */
#define CHECKPOINT_IDLE_MS 250         /* a quiet listener checkpoints this often */
#define CHECKPOINT_DEFER_PAGES 16000   /* where a stream filter checkpoints itself */

typedef struct checkpointer checkpointer;

/* Starts the thread for db, the listener's connection (opening a second
 * connection to its file), and takes over db's checkpoints.
 * WB_CHECKPOINT_PAGES (environment only, for tests) replaces
 * CHECKPOINT_PAGES. 0 or an EX_ code with the message recorded. */
int checkpoint_start(wb_db *db, checkpointer **out);
/* Stops the thread (the checkpoint under way, if any, ends first) and
 * closes its connection; db checkpoints as SQLite does again. NULL is a
 * no-op. */
void checkpoint_stop(checkpointer *c);
/* For a stream filter's connection: checkpoints only past
 * CHECKPOINT_DEFER_PAGES, which a listener's thread keeps the WAL far
 * from. */
void checkpoint_defer(wb_db *db);

#endif
