-- wb-stats --by day, written by hand for the sqlite3 shell: the baseline
-- bench/stats.sh times wb-stats against, and a worked example of the
-- definitions in wb-stats(1). Days are local days of the zone in TZ
-- (sqlite's 'localtime'). Set :since and :until (Unix seconds, local
-- midnights) first:  .parameter set :since 1761969600
.headers on
.mode csv
WITH
-- the messages statistics see, at their time t
m AS (
	SELECT id, contact_id AS c, coalesce(sent_at, ts) AS t,
	       direction = 'in' AS inb,
	       direction = 'out' AND (sent_at IS NOT NULL OR status IN ('sent', 'delivered', 'read')) AS snt,
	       direction = 'out' AND status IN ('delivered', 'read') AS dlv,
	       direction = 'out' AND status = 'read' AS rd,
	       direction = 'out' AND status = 'failed' AS fl,
	       auto IS NOT NULL AS au, broadcast_id AS b
	FROM message
	WHERE direction = 'in' OR sent_at IS NOT NULL OR status IN ('sent', 'delivered', 'read', 'failed')),
-- each contact's messages in order; a reply is sent, not automatic, not a broadcast
s1 AS (
	SELECT *, snt AND NOT au AND b IS NULL AS reply,
	       row_number() OVER w AS rn, lag(t) OVER w AS prev_t
	FROM m WINDOW w AS (PARTITION BY c ORDER BY t, id)),
-- the last customer message and the last reply before each message
s2 AS (
	SELECT *,
	       max(CASE WHEN inb THEN rn END) OVER w AS last_in,
	       max(CASE WHEN reply THEN rn END) OVER w AS last_reply
	FROM s1 WINDOW w AS (PARTITION BY c ORDER BY t, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
-- opens: a customer message after our answer or a day of silence;
-- answers: a reply while a conversation waits
s3 AS (
	SELECT *,
	       inb AND (prev_t IS NULL OR t - prev_t >= 86400 OR last_in IS NULL
	                OR coalesce(last_reply, 0) > last_in) AS opens,
	       reply AND coalesce(last_in, 0) > coalesce(last_reply, 0) AS answers
	FROM s2),
s4 AS (
	SELECT *, max(CASE WHEN opens THEN t END) OVER (PARTITION BY c ORDER BY t, id) AS opened
	FROM s3),
responses AS (
	SELECT date(opened, 'unixepoch', 'localtime') AS day, t - opened AS secs,
	       row_number() OVER (PARTITION BY date(opened, 'unixepoch', 'localtime') ORDER BY t - opened) AS k,
	       count(*) OVER (PARTITION BY date(opened, 'unixepoch', 'localtime')) AS n
	FROM s4 WHERE answers AND opened >= :since AND opened < :until),
pct AS (
	SELECT day, max(CASE WHEN k = (n * 50 + 99) / 100 THEN secs END) AS p50,
	       max(CASE WHEN k = (n * 90 + 99) / 100 THEN secs END) AS p90
	FROM responses GROUP BY day),
counts AS (
	SELECT date(t, 'unixepoch', 'localtime') AS day, sum(inb) AS received, sum(snt) AS sent,
	       sum(dlv) AS delivered, sum(rd) AS read, sum(fl) AS failed,
	       count(DISTINCT c) AS contacts, sum(rn = 1) AS new_contacts,
	       sum(snt AND au) AS auto_replies, count(DISTINCT b) AS broadcasts
	FROM s1 WHERE t >= :since AND t < :until GROUP BY day),
days(day) AS (
	SELECT date(:since, 'unixepoch', 'localtime')
	UNION ALL SELECT date(day, '+1 day') FROM days
	WHERE date(day, '+1 day') < date(:until - 1, 'unixepoch', 'localtime', '+1 day'))
SELECT d.day, coalesce(received, 0) AS received, coalesce(sent, 0) AS sent,
       coalesce(delivered, 0) AS delivered, coalesce(read, 0) AS read, coalesce(failed, 0) AS failed,
       CASE WHEN sent > 0 THEN rtrim(rtrim(printf('%.4f', 1.0 * delivered / sent), '0'), '.') END AS delivery_rate,
       CASE WHEN sent > 0 THEN rtrim(rtrim(printf('%.4f', 1.0 * read / sent), '0'), '.') END AS read_rate,
       coalesce(contacts, 0) AS contacts, coalesce(new_contacts, 0) AS new_contacts,
       p50 AS first_response_median_s, p90 AS first_response_p90_s,
       coalesce(auto_replies, 0) AS auto_replies, coalesce(broadcasts, 0) AS broadcasts
FROM days d LEFT JOIN counts USING (day) LEFT JOIN pct USING (day)
ORDER BY d.day;
