#!/usr/bin/env python3
"""The Python contender for bench/ingest.sh: json + sqlite3, the same rows
as bench/ingest-baseline.c, in one transaction. The database is made by
wb first (the schema is wb's)."""
import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("BEGIN")
for line in sys.stdin:
    o = json.loads(line)
    v = o["entry"][0]["changes"][0]["value"]
    m = v["messages"][0]
    name = v["contacts"][0]["profile"]["name"]
    ts = int(m["timestamp"])
    cid = db.execute(
        "INSERT INTO contact (wa_id, profile_name, created_at, updated_at, last_in_at) "
        "VALUES (?1, ?2, ?3, ?3, ?3) ON CONFLICT (wa_id) DO UPDATE SET last_in_at = ?3 RETURNING id",
        (m["from"], name, ts)).fetchone()[0]
    db.execute(
        "INSERT INTO message (wamid, contact_id, direction, type, body, payload, ts, status) "
        "VALUES (?, ?, 'in', 'text', ?, ?, ?, 'received') ON CONFLICT (wamid) DO NOTHING",
        (m["id"], cid, m["text"]["body"], line, ts))
db.execute("COMMIT")
