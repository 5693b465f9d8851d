-- wb-stats report's figures, written by hand for the sqlite3 shell: the
-- baseline bench/report.sh times the report against. Days, weekdays and
-- hours are local to the zone in TZ (sqlite's 'localtime'). Set :since
-- and :until (Unix seconds) first. Definitions: wb-stats(1).
.headers off
.mode csv
-- first responses in the range, by the conversation rule, once for all
-- the figures that need them: who answered, after how long
CREATE TEMP TABLE resp AS
WITH
m AS (
	SELECT id, contact_id AS c, coalesce(sent_at, ts) AS t, direction = 'in' AS inb,
	       direction = 'out' AND (sent_at IS NOT NULL OR status IN ('sent', 'delivered', 'read')) AS snt,
	       auto IS NOT NULL AS au, broadcast_id AS b, agent
	FROM message
	WHERE direction = 'in' OR sent_at IS NOT NULL OR status IN ('sent', 'delivered', 'read', 'failed')),
s1 AS (
	SELECT *, snt AND NOT au AND b IS NULL AS reply, row_number() OVER w AS rn, lag(t) OVER w AS prev_t
	FROM m WINDOW w AS (PARTITION BY c ORDER BY t, id)),
s2 AS (
	SELECT *, max(CASE WHEN inb THEN rn END) OVER w AS last_in, max(CASE WHEN reply THEN rn END) OVER w AS last_reply
	FROM s1 WINDOW w AS (PARTITION BY c ORDER BY t, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
s3 AS (
	SELECT *,
	       inb AND (prev_t IS NULL OR t - prev_t >= 86400 OR last_in IS NULL
	                OR coalesce(last_reply, 0) > last_in) AS opens,
	       reply AND coalesce(last_in, 0) > coalesce(last_reply, 0) AS answers
	FROM s2),
s4 AS (SELECT *, max(CASE WHEN opens THEN t END) OVER (PARTITION BY c ORDER BY t, id) AS opened FROM s3)
SELECT c, opened, t - opened AS secs, agent FROM s4 WHERE answers AND opened >= :since AND opened < :until;

-- the messages counted in the range (a view cannot hold parameters)
CREATE TEMP TABLE range AS SELECT :since AS since, :until AS until;
CREATE TEMP VIEW counted AS
SELECT contact_id AS c, coalesce(sent_at, ts) AS t, direction = 'in' AS inb,
       direction = 'out' AND (sent_at IS NOT NULL OR status IN ('sent', 'delivered', 'read')) AS snt,
       direction = 'out' AND status IN ('delivered', 'read') AS dlv, direction = 'out' AND status = 'read' AS rd,
       direction = 'out' AND status = 'failed' AS fl, agent
FROM message
WHERE (direction = 'in' OR sent_at IS NOT NULL OR status IN ('sent', 'delivered', 'read', 'failed'))
  AND coalesce(sent_at, ts) >= (SELECT since FROM range) AND coalesce(sent_at, ts) < (SELECT until FROM range);

-- nearest-rank median and p90 of each group's response times, once
CREATE TEMP TABLE pct AS
SELECT g, count(*) AS n, max(CASE WHEN k = (n * 50 + 99) / 100 THEN secs END) AS p50,
       max(CASE WHEN k = (n * 90 + 99) / 100 THEN secs END) AS p90
FROM (SELECT g, secs, row_number() OVER (PARTITION BY g ORDER BY secs) AS k, count(*) OVER (PARTITION BY g) AS n
      FROM (SELECT 'all' AS g, secs FROM resp
            UNION ALL SELECT 'agent:' || coalesce(agent, ''), secs FROM resp
            UNION ALL SELECT 'label:' || l.label_id, r.secs FROM resp r JOIN contact_label l ON l.contact_id = r.c))
GROUP BY g;

-- in short: the totals, customers, new customers (first message ever in the range)
SELECT 'total', sum(inb), sum(snt), sum(dlv), sum(rd), sum(fl), count(DISTINCT c) FROM counted;
SELECT 'new', count(*) FROM (SELECT min(coalesce(sent_at, ts)) AS f FROM message
	WHERE direction = 'in' OR sent_at IS NOT NULL OR status IN ('sent', 'delivered', 'read', 'failed')
	GROUP BY contact_id) WHERE f >= :since AND f < :until;
-- per day
SELECT date(t, 'unixepoch', 'localtime') AS day, sum(inb), sum(snt) FROM counted GROUP BY day ORDER BY day;
-- response times: the histogram's bins, median and p90
SELECT 'bin', CASE WHEN secs < 60 THEN 0 WHEN secs < 300 THEN 1 WHEN secs < 900 THEN 2 WHEN secs < 1800 THEN 3
	WHEN secs < 3600 THEN 4 WHEN secs < 7200 THEN 5 WHEN secs < 14400 THEN 6 WHEN secs < 28800 THEN 7
	WHEN secs < 86400 THEN 8 ELSE 9 END AS bin, count(*) FROM resp GROUP BY bin;
-- weekday × hour of what came in
SELECT 'hour', strftime('%w', t, 'unixepoch', 'localtime') AS wd, strftime('%H', t, 'unixepoch', 'localtime') AS h,
       count(*) FROM counted WHERE inb GROUP BY wd, h;
-- the ten most active customers
SELECT c.wa_id, coalesce(c.name, c.profile_name), m.received + m.sent, m.received, m.sent, m.last_at
FROM (SELECT c AS contact_id, sum(inb) AS received, sum(snt) AS sent, max(t) AS last_at FROM counted
      GROUP BY c) m JOIN contact c ON c.id = m.contact_id
ORDER BY m.received + m.sent DESC, m.received DESC, c.wa_id LIMIT 10;
-- per agent and per label, with their response times
SELECT 'agent', a.agent, a.received, a.sent, a.rd, p.n, p.p50, p.p90
FROM (SELECT agent, sum(inb) AS received, sum(snt) AS sent, sum(rd) AS rd FROM counted GROUP BY agent) a
LEFT JOIN pct p ON p.g = 'agent:' || coalesce(a.agent, '');
SELECT 'label', lb.name, sum(inb), sum(snt), sum(rd), p.n, p.p50, p.p90
FROM label lb LEFT JOIN contact_label l ON l.label_id = lb.id LEFT JOIN counted m ON m.c = l.contact_id
LEFT JOIN pct p ON p.g = 'label:' || lb.id GROUP BY lb.id ORDER BY lb.name;
SELECT 'all', n, p50, p90 FROM pct WHERE g = 'all';
