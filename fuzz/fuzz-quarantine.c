/* Fuzz target: the quarantine path. A document of any shape is stored
 * part by part, its bad parts quarantined; then every quarantined part is
 * retried by the same wb-recv. The part the quarantine keeps must bring
 * its fault back (a retry that takes it means the kept document says
 * something other than the delivery did), and a retry must not crash
 * on anything the quarantine holds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "inbound.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wb_db *db;
	/* A fresh database each run, so a crash reproduces from its input alone. */
	if (db_open(":memory:", &db))
		abort();
	inbound ib;
	inbound_open(&ib, db, NULL);
	/* the parts set aside are counted once committed, as their events
	 * are written (inbound_write), as wb-recv's stores do */
	if (db_begin(db) || inbound_document(&ib, (const char *)data, size, "fuzz", 0, 0) || db_commit(db) ||
	    inbound_write(&ib))
		abort(); /* a bad part is no error; only the database may fail */
	long kept = ib.quarantined;
	ib.quarantined = 0;
	if (inbound_retry(&ib, NULL, 0) || ib.retried != 0 || ib.quarantined > kept)
		abort();
	inbound_close(&ib);
	db_close(db);
	return 0;
}
