#!/usr/bin/env python3
"""The smallest Python contender for bench/ingest.sh: the script a user
would write instead of wb-recv for one-message webhooks. json + sqlite3,
one transaction, and only what such a script keeps: the sender as a
contact (created or its last message time moved) and the message row, once
by its wamid. No events, no statuses, no checks. The database is made by
wb first (the schema is wb's)."""
import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA synchronous=NORMAL")
for line in sys.stdin:
    value = json.loads(line)["entry"][0]["changes"][0]["value"]
    m = value["messages"][0]
    ts = int(m["timestamp"])
    name = value["contacts"][0]["profile"]["name"]
    cid = db.execute("INSERT INTO contact (wa_id, profile_name, created_at, updated_at, last_in_at) "
                     "VALUES (?, ?, ?, ?, ?) ON CONFLICT (wa_id) DO UPDATE SET last_in_at = excluded.last_in_at "
                     "RETURNING id", (m["from"], name, ts, ts, ts)).fetchone()[0]
    db.execute("INSERT INTO message (wamid, contact_id, direction, type, body, payload, ts, status) "
               "VALUES (?, ?, 'in', 'text', ?, ?, ?, 'received') ON CONFLICT (wamid) DO NOTHING",
               (m["id"], cid, m["text"]["body"], line, ts))
db.commit()
