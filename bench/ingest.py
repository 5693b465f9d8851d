#!/usr/bin/env python3
"""The Python contender for bench/ingest.sh: a straightforward script (json
+ sqlite3) doing what wb-recv does with a webhook document — walk every
entry, change, message and status; create or update the contact; store the
message once by its wamid with its JSON; record statuses; and write one
event line per new message or status once the document is committed, as
wb-recv promises. The database is made by wb first (the schema is wb's)."""
import json
import sqlite3
import sys
from datetime import datetime, timezone

db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA synchronous=NORMAL")
out = sys.stdout


def iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


for line in sys.stdin:
    doc = json.loads(line)
    events = []
    for entry in doc["entry"]:
        for change in entry["changes"]:
            value = change["value"]
            names = {c["wa_id"]: c.get("profile", {}).get("name") for c in value.get("contacts", [])}
            for m in value.get("messages", []):
                ts = int(m["timestamp"])
                name = names.get(m["from"])
                cur = db.execute("SELECT id FROM contact WHERE wa_id = ?", (m["from"],))
                row = cur.fetchone()
                if row:
                    cid = row[0]
                    db.execute("UPDATE contact SET profile_name = coalesce(?, profile_name), "
                               "last_in_at = max(coalesce(last_in_at, 0), ?) WHERE id = ?", (name, ts, cid))
                else:
                    cid = db.execute("INSERT INTO contact (wa_id, profile_name, created_at, updated_at, "
                                     "last_in_at) VALUES (?, ?, ?, ?, ?)",
                                     (m["from"], name, ts, ts, ts)).lastrowid
                kind = m["type"]
                body = m.get("text", {}).get("body") if kind == "text" else m.get(kind, {}).get("caption")
                cur = db.execute("INSERT INTO message (wamid, contact_id, direction, type, body, payload, ts, "
                                 "status, status_at) VALUES (?, ?, 'in', ?, ?, ?, ?, 'received', ?) "
                                 "ON CONFLICT (wamid) DO NOTHING",
                                 (m["id"], cid, kind, body, json.dumps(m, separators=(",", ":")), ts, ts))
                if cur.rowcount:
                    ev = {"event": "message", "wamid": m["id"], "from": m["from"], "name": name,
                          "ts": iso(ts), "type": kind}
                    if body is not None:
                        ev["text"] = body
                    events.append(ev)
            for s in value.get("statuses", []):
                ts = int(s["timestamp"])
                cur = db.execute("INSERT INTO status_event (wamid, status, ts, recipient) VALUES (?, ?, ?, ?) "
                                 "ON CONFLICT DO NOTHING", (s["id"], s["status"], ts, s.get("recipient_id")))
                if cur.rowcount:
                    db.execute("UPDATE message SET status = ?, status_at = ? WHERE wamid = ?",
                               (s["status"], ts, s["id"]))
                    events.append({"event": "status", "wamid": s["id"], "to": s.get("recipient_id"),
                                   "status": s["status"], "ts": iso(ts)})
    db.commit()
    for ev in events:
        out.write(json.dumps(ev, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()
