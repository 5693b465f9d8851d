#!/usr/bin/env python3
# An independent model of wb-stats for tests/cli/wb-stats.t: it builds a
# dataset with sqlite3 and computes what every column must be from the
# definitions in wb-stats(1), with Python's own calendar (zoneinfo), so the
# C code is checked against a second reading of the man page, not itself.
#   stats-model.py gen DB SEED
#   stats-model.py report DB TZ SINCE UNTIL BY      (BY: none day ... broadcast)
#   stats-model.py conversations DB TZ SINCE UNTIL
#   stats-model.py top DB TZ SINCE UNTIL LIMIT messages|received
#   stats-model.py batch DB PREFIX < QUERIES
# batch answers one query a line (the arguments after DB above) into the
# files PREFIX.1, PREFIX.2, …: one start of Python for a whole test.
import contextlib
import functools
import math
import random
import sqlite3
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

DAY = 86400


def gen(db, seed):
    rnd = random.Random(seed)
    con = sqlite3.connect(db)
    cur = con.cursor()
    base = int(datetime(2026, 10, 20, tzinfo=timezone.utc).timestamp())
    end = int(datetime(2026, 11, 20, tzinfo=timezone.utc).timestamp())
    cur.execute("INSERT INTO label (name, color, created_at) VALUES ('vip', 3, 0)")
    labels = [r[0] for r in cur.execute("SELECT id FROM label")]
    for b in range(1, 4):
        cur.execute("INSERT INTO broadcast (id, name, created_at) VALUES (?, ?, 0)", (b, f"promo {b}"))
    # instants on both zones' day boundaries, and just before them
    edges = []
    for d in range(31):
        for hour in (16, 4, 5):  # Shanghai midnight; New York midnight (EDT, EST)
            t = base + d * DAY + hour * 3600
            edges += [t - 1, t]
    agents = [None, "ann", "bob"]
    statuses = ["sent", "delivered", "read", "read", "failed", "queued", "cancelled", "unknown"]
    msgs = []
    for c in range(1, 31):
        name = None if c % 4 == 0 else f"Customer {c}"
        cur.execute("INSERT INTO contact (id, wa_id, name, created_at, updated_at) VALUES (?, ?, ?, 0, 0)",
                    (c, f"8613900000{c:03d}", name))
        for l in labels:
            if rnd.random() < 0.3:
                cur.execute("INSERT INTO contact_label VALUES (?, ?, 0)", (c, l))
        t = base + rnd.randrange(0, 20 * DAY) - 5 * DAY
        while t < end:
            t_in = rnd.choice(edges) if rnd.random() < 0.15 else t
            msgs.append((c, "in", t_in, "received", None, None, None, None))
            r = rnd.random()
            if r < 0.3:  # an automatic reply at once
                st = rnd.choice(statuses)
                msgs.append((c, "out", t_in + 2, st, t_in + 3 if st not in ("queued", "cancelled", "unknown") else None,
                             rnd.choice(["away", "greeting", "keyword"]), None, None))
            if r < 0.8:  # a person answers, sometimes late, sometimes sent later than created
                d = rnd.choice([30, 300, 600, 3600, 7200, 30000, 90000])
                st = rnd.choice(statuses)
                sent = None if st in ("queued", "cancelled", "unknown") else t_in + d + rnd.choice([0, 0, 5, 4000])
                if st == "failed" and rnd.random() < 0.5:
                    sent = None
                msgs.append((c, "out", t_in + d, st, sent, None, rnd.choice(agents), None))
            if rnd.random() < 0.4:  # the customer follows up
                msgs.append((c, "in", t_in + rnd.choice([60, 4000, 50000, 100000]), "received", None, None, None, None))
            t += rnd.choice([3600, 20000, DAY, 2 * DAY, 4 * DAY])
    for b in range(1, 4):
        bt = base + b * 7 * DAY + 9 * 3600
        for c in range(1, 31):
            if rnd.random() < 0.5:
                st = rnd.choice(statuses)
                sent = None if st in ("queued", "cancelled", "unknown") else bt + c
                msgs.append((c, "out", bt, st, sent, None, "ann", b))
    for i, m in enumerate(msgs):
        c, d, ts, st, sent, auto, agent, b = m
        cur.execute("INSERT INTO message (contact_id, direction, type, ts, status, sent_at, auto, agent, broadcast_id, "
                    "delivered_at, read_at) VALUES (?, ?, 'text', ?, ?, ?, ?, ?, ?, NULL, NULL)",
                    (c, d, ts, st, sent, auto, agent, b))
    gen_inbox(cur, rnd, base, edges, agents)
    con.commit()


def gen_inbox(cur, rnd, base, edges, agents):
    """Conversations of the shared inbox and their events, for --by agent:
    every one of a contact resolved but perhaps the last."""
    cur.execute("INSERT INTO agent (name, created_at) VALUES ('ann', 0), ('bob', 0)")
    for c in range(1, 31):
        t = base + rnd.randrange(0, 10 * DAY)
        n = rnd.randrange(0, 4)
        for k in range(n):
            opened = rnd.choice(edges) if rnd.random() < 0.2 else t
            first = opened + rnd.choice([60, 600, 7200, 90000]) if rnd.random() < 0.7 else None
            who = rnd.choice(agents)
            resolved = opened + rnd.choice([3600, DAY, 3 * DAY]) if k < n - 1 or rnd.random() < 0.5 else None
            cur.execute("INSERT INTO conversation (contact_id, state, assignee, opened_at, first_response_at, "
                        "first_response_by, resolved_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                        (c, "resolved" if resolved else "open", who, opened, first,
                         rnd.choice(agents) if first else None, resolved))
            v = cur.lastrowid
            if who:
                cur.execute("INSERT INTO conversation_event (conversation_id, ts, kind, agent) "
                            "VALUES (?, ?, 'assigned', ?)", (v, opened + rnd.choice([0, 30, 4000]), who))
            if resolved:
                cur.execute("INSERT INTO conversation_event (conversation_id, ts, kind, agent) "
                            "VALUES (?, ?, 'resolved', ?)", (v, resolved, who))
            t = max(opened, resolved or 0) + rnd.choice([3600, DAY, 5 * DAY])


class Msg:
    pass


@functools.lru_cache  # the database does not change during a batch
def load(db):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    msgs = []
    for r in con.execute("SELECT * FROM message"):
        m = Msg()
        m.id, m.cid, m.bc, m.agent = r["id"], r["contact_id"], r["broadcast_id"], r["agent"]
        out = r["direction"] == "out"
        st = r["status"]
        m.inb = not out
        m.sent = out and (r["sent_at"] is not None or st in ("sent", "delivered", "read"))
        m.delivered = out and st in ("delivered", "read")
        m.read = out and st == "read"
        m.failed = out and st == "failed"
        m.auto = r["auto"] is not None
        if not (m.inb or m.sent or m.failed):
            continue
        m.t = r["sent_at"] if r["sent_at"] is not None else r["ts"]
        msgs.append(m)
    contacts = {r["id"]: (r["wa_id"], r["name"] if r["name"] is not None else r["profile_name"])
                for r in con.execute("SELECT * FROM contact")}
    clabels = {}
    for r in con.execute("SELECT contact_id, label_id FROM contact_label"):
        clabels.setdefault(r[0], []).append(r[1])
    labels = {r[0]: r[1] for r in con.execute("SELECT id, name FROM label")}
    bnames = {r[0]: r[1] for r in con.execute("SELECT id, name FROM broadcast")}
    return msgs, contacts, clabels, labels, bnames


def by_contact(msgs):
    per = {}
    for m in sorted(msgs, key=lambda m: (m.t, m.id)):
        per.setdefault(m.cid, []).append(m)
    return per


def conversations(per):
    """Per contact, the conversations: [opener, reply or None, messages]."""
    convs = {}
    for cid, ms in per.items():
        prev, waiting, cur = None, None, None
        for m in ms:
            if m.inb and (waiting is None or prev is None or m.t - prev >= DAY):
                cur = [m, None, []]
                convs.setdefault(cid, []).append(cur)
                waiting = m
            elif m.sent and not m.auto and m.bc is None and waiting is not None:
                cur[1] = m
                waiting = None
            elif waiting is None and prev is not None and m.t - prev >= DAY:
                cur = None  # a day of silence after the answer ends it
            if cur:
                cur[2].append(m)
            prev = m.t
    return convs


def iso(t, tz):
    # CSV times are UTC, whatever the business zone
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def num(v):
    return f"{v:.4f}".rstrip("0").rstrip(".")


def rank(v, pct):
    v = sorted(v)
    return str(v[math.ceil(len(v) * pct / 100) - 1]) if v else ""


def periods(tz, since, until, by):
    """Row keys of a time grouping, in order."""
    if by == "hour":
        return [str(h) for h in range(24)]
    if by == "weekday":
        return ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    first = datetime.fromtimestamp(since, tz).date()
    last = datetime.fromtimestamp(until - 1, tz).date()
    keys, d = [], first
    while d <= last:
        k = key_of(d, by)
        if k not in keys:
            keys.append(k)
        d += timedelta(days=1)
    return keys


def key_of(d, by):
    if by == "week":
        return (d - timedelta(days=d.weekday())).isoformat()
    if by == "month":
        return d.strftime("%Y-%m")
    return d.isoformat()


def time_key(t, tz, by):
    lt = datetime.fromtimestamp(t, tz)
    if by == "hour":
        return str(lt.hour)
    if by == "weekday":
        return ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][lt.weekday()]
    return key_of(lt.date(), by)


def report(db, tzname, since, until, by):
    tz = ZoneInfo(tzname)
    msgs, contacts, clabels, labels, bnames = load(db)
    per = by_contact(msgs)
    first = {cid: ms[0].id for cid, ms in per.items()}

    def keys(m):
        if by == "none":
            return ["all"]
        if by == "contact":
            return [m.cid]
        if by == "label":
            return clabels.get(m.cid, [])
        if by == "agent":
            return [m.agent]
        if by == "broadcast":
            return [m.bc] if m.bc is not None else []
        return [time_key(m.t, tz, by)]

    rows = {}

    def row(k):
        return rows.setdefault(k, dict(rec=0, sent=0, dlv=0, read=0, fail=0, auto=0, cs=set(), new=set(), bs=set(), resp=[]))

    for ms in per.values():
        for m in ms:
            if not since <= m.t < until:
                continue
            for k in keys(m):
                r = row(k)
                r["rec"] += m.inb
                r["sent"] += m.sent
                r["dlv"] += m.delivered
                r["read"] += m.read
                r["fail"] += m.failed
                r["auto"] += m.sent and m.auto
                r["cs"].add(m.cid)
                if first[m.cid] == m.id:
                    r["new"].add(m.cid)
                if m.bc is not None:
                    r["bs"].add(m.bc)
    for cl in conversations(per).values():
        for opener, reply, _ in cl:
            if reply and since <= opener.t < until:
                for k in keys(reply if by == "agent" else opener):
                    row(k)["resp"].append(reply.t - opener.t)
    inbox = inbox_figures(db, since, until) if by == "agent" else {}
    for k in inbox:
        row(k)

    if by == "none":
        order = [("all", [iso(since, tz), iso(until, tz)])]
        head = ["since", "until"]
    elif by == "contact":
        order = [(c, [contacts[c][0], "", contacts[c][1]]) for c in sorted(rows)]
        head = ["phone", "user_id", "name"]
    elif by == "label":
        order = [(l, [labels[l]]) for l in sorted(labels, key=lambda l: labels[l].lower())]
        head = ["label"]
    elif by == "agent":
        order = [(a, [a]) for a in sorted(rows, key=lambda a: (a is not None, a or ""))]
        head = ["agent"]
    elif by == "broadcast":
        order = [(b, [str(b), bnames[b]]) for b in sorted(rows)]
        head = ["broadcast", "name"]
    else:
        order = [(k, [k]) for k in periods(tz, since, until, by)]
        head = [by]
    print(",".join(head + ["received", "sent", "delivered", "read", "failed", "delivery_rate", "read_rate",
                           "contacts", "new_contacts", "first_response_median_s", "first_response_p90_s",
                           "auto_replies", "broadcasts", "csat", "nps"] + (INBOX_HEAD if by == "agent" else [])))
    for k, key in order:
        r = row(k)
        s = r["sent"]
        print(",".join([x or "" for x in key] + [str(r["rec"]), str(s), str(r["dlv"]), str(r["read"]), str(r["fail"]),
                        num(r["dlv"] / s) if s else "", num(r["read"] / s) if s else "",
                        str(len(r["cs"])), str(len(r["new"])), rank(r["resp"], 50), rank(r["resp"], 90),
                        str(r["auto"]), str(len(r["bs"])), "", ""]  # no surveys in the model
                        + inbox_cells(inbox, k, by)))


INBOX_HEAD = ["assigned", "resolved", "inbox_response_median_s", "inbox_response_p90_s",
              "resolution_median_s", "resolution_p90_s"]


def inbox_figures(db, since, until):
    """By agent: assignments and resolutions in the range (the event's
    time), first responses to conversations opened in it (to whoever
    answered), resolution times (opening to the resolution)."""
    con = sqlite3.connect(db)
    rows = {}

    def row(k):
        return rows.setdefault(k, dict(asg=0, res=0, resp=[], resol=[]))

    for agent, ts in con.execute("SELECT agent, ts FROM conversation_event WHERE kind = 'assigned'"):
        if since <= ts < until:
            row(agent)["asg"] += 1
    for agent, ts, opened in con.execute("SELECT e.agent, e.ts, v.opened_at FROM conversation_event e "
                                         "JOIN conversation v ON v.id = e.conversation_id WHERE e.kind = 'resolved'"):
        if since <= ts < until:
            row(agent)["res"] += 1
            row(agent)["resol"].append(ts - opened)
    for who, first, opened in con.execute("SELECT first_response_by, first_response_at, opened_at FROM conversation "
                                          "WHERE first_response_at IS NOT NULL"):
        if since <= opened < until:
            row(who)["resp"].append(first - opened)
    return rows


def inbox_cells(inbox, k, by):
    if by != "agent":
        return []
    r = inbox.get(k, dict(asg=0, res=0, resp=[], resol=[]))
    return [str(r["asg"]), str(r["res"]), rank(r["resp"], 50), rank(r["resp"], 90),
            rank(r["resol"], 50), rank(r["resol"], 90)]


def conv_report(db, tzname, since, until):
    tz = ZoneInfo(tzname)
    msgs, contacts, clabels, labels, _ = load(db)
    print("phone,user_id,name,opened_at,first_response_s,received,sent,last_activity,agent,labels")
    convs = conversations(by_contact(msgs))
    for cid in sorted(convs):
        names = ",".join(sorted((labels[l] for l in clabels.get(cid, [])), key=str.lower))
        for opener, reply, ms in convs[cid]:
            if not since <= opener.t < until:
                continue
            cells = [contacts[cid][0], "", contacts[cid][1] or "", iso(opener.t, tz),
                     str(reply.t - opener.t) if reply else "", str(sum(m.inb for m in ms)),
                     str(sum(m.sent for m in ms)), iso(ms[-1].t, tz), (reply.agent or "") if reply else "",
                     f'"{names}"' if "," in names else names]
            print(",".join(cells))


def top(db, tzname, since, until, limit, by):
    tz = ZoneInfo(tzname)
    msgs, contacts, *_ = load(db)
    acc = {}
    for m in msgs:
        if since <= m.t < until and (m.inb or m.sent):
            a = acc.setdefault(m.cid, [0, 0, 0])
            a[0] += m.inb
            a[1] += m.sent
            a[2] = max(a[2], m.t)
    key = (lambda c: (-acc[c][0], contacts[c][0])) if by == "received" else \
          (lambda c: (-(acc[c][0] + acc[c][1]), -acc[c][0], contacts[c][0]))
    print("phone,user_id,name,messages,received,sent,last_message")
    for c in sorted(acc, key=key)[:limit]:
        r, s, last = acc[c]
        print(",".join([contacts[c][0], "", contacts[c][1] or "", str(r + s), str(r), str(s), iso(last, tz)]))


def instant(s, tz):
    return int(datetime.fromisoformat(s).replace(tzinfo=ZoneInfo(tz)).timestamp())


def query(db, cmd, tz, since, until, *rest):
    since, until = instant(since, tz), instant(until, tz)
    if cmd == "report":
        report(db, tz, since, until, rest[0])
    elif cmd == "conversations":
        conv_report(db, tz, since, until)
    else:
        top(db, tz, since, until, int(rest[0]), rest[1])


def batch(db, prefix):
    for n, line in enumerate(sys.stdin, 1):
        with open(f"{prefix}.{n}", "w") as out, contextlib.redirect_stdout(out):
            query(db, *line.split())


if __name__ == "__main__":
    cmd, db = sys.argv[1], sys.argv[2]
    if cmd == "gen":
        gen(db, int(sys.argv[3]))
    elif cmd == "batch":
        batch(db, sys.argv[3])
    else:
        query(db, cmd, *sys.argv[3:])
