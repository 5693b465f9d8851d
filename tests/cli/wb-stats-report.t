#!/bin/sh
# wb-stats report: one self-contained HTML page, looked at as a person
# would — rendered by headless Chromium (once: it is slow to start) on a
# phone-sized window, with no console errors — and read as XML: the charts
# have a bar and a point a day, three funnel stages, ten response bins with
# the median and p90 marked, a 7 × 24 heatmap. Customer text is escaped;
# nothing is fetched; a failure leaves no page, half or whole.
# WB_TEST_NO_CHROMIUM=1 skips the rendering, for machines that cannot run
# Chromium; otherwise its absence is a failure (make deps installs it).
. "$(dirname "$0")/lib.sh"

sql() { sqlite3 "$WB_DB" "$@"; }
# count XPATH: how many elements of the page match (any namespace)
count() { xmllint --xpath "count($1)" "$T/r.html" 2>&1; }
el() { echo "*[local-name()='$1']"; }

wb-profile set timezone=Asia/Shanghai 'name=Lotus "Tea" & <Co>' >/dev/null
BAD='<script>alert(1)</script> & "Q" {{x}}'
sql "INSERT INTO contact (id, wa_id, name, created_at, updated_at) VALUES
	(1, '8613900000001', '$(printf '%s' "$BAD" | sed "s/'/''/g")', 0, 0), (2, '8613900000002', 'Bo', 0, 0)"
sql "INSERT INTO label (name, color, created_at) VALUES ('vip <b>', 1, 0)"
sql "INSERT INTO contact_label (contact_id, label_id, created_at) SELECT 1, id, 0 FROM label WHERE name = 'vip <b>'"
# six conversations of Ann's over the week (Shanghai time), answered after
# 2, 8, 18, 32, 50 and 72 minutes by an agent whose name is markup too;
# Bo writes a second after each and is never answered
base=$(date -u -d 2026-11-24T01:00:00Z +%s)
for i in 1 2 3 4 5 6; do
	t=$((base + i * 30000))
	sql "INSERT INTO message (contact_id, direction, type, ts, status, sent_at, auto, agent) VALUES
		(1, 'in', 'text', $t, 'received', NULL, NULL, NULL),
		(1, 'out', 'text', $t + $((i * i * 120)), 'read', $t + $((i * i * 120)), NULL, 'ann <i>&'),
		(2, 'in', 'text', $t + 1, 'received', NULL, NULL, NULL)"
done
range="--since 2026-11-23 --until 2026-11-30"

exits 0 "a week's report" -- wb-stats report $range -o "$T/r.html"
is "$(cat "$T/out" "$T/err")" "" "says nothing: the page is the file"
xmllint --noout "$T/r.html" 2>"$T/xml"
ok $? "the page, its SVG charts included, is well-formed XML"
is "$(count "//$(el svg)")" 4 "four charts"
is "$(count "//$(el svg)[@viewBox][not(@width)]")" 4 "each scales to its column (a viewBox, width from CSS)"
is "$(count "//*[@id='days']//$(el rect)[@class='bar']")" 7 "per day: a bar a day (received)"
is "$(count "//*[@id='days']//$(el circle)[@class='point']")" 7 "and a point a day on the line (sent)"
is "$(count "//*[@id='days']//$(el rect)[@class='bar'][$(el title)[contains(., '11-25 received: 6')]]")" 1 \
	"the 25th's bar: three of Ann's and three of Bo's, in Shanghai time"
is "$(count "//*[@id='funnel']//$(el rect)[@class='bar']")" 3 "the funnel: sent, delivered, read"
is "$(count "//*[@id='responses']//$(el rect)[@class='bar']")" 10 "response times in ten bins"
is "$(count "//*[@id='responses']//$(el line)[@class='mark']")" 2 "the median and p90 marked"
is "$(xmllint --xpath "string(//*[@id='responses']//$(el text)[@class='mark'][1])" "$T/r.html")" \
	"median 18m 00s" "the median: 18 minutes (nearest rank of 2, 8, 18, 32, 50, 72)"
is "$(count "//*[@id='hours']//$(el rect)[starts-with(@class, 'cell')]")" 168 "the heatmap: 7 weekdays × 24 hours"
is "$(count "//*[@id='hours']//$(el rect)[@class='cell']")" 6 "six hours of the week had messages"
is "$(count "//*[@id='top']//$(el tbody)/$(el tr)")" 2 "top customers: two"
is "$(count "//*[@id='agents']//$(el tbody)/$(el tr)")" 2 "agents: ann, and the customers' own"
is "$(count "//*[@id='labels']//$(el tbody)/$(el tr)")" 6 "labels: WhatsApp's five and vip"
is "$(count "//*[@id='surveys']")" 0 "no survey table: no survey section"

# customer text is data: escaped, verbatim, never markup
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Q&quot; {{x}}' "$T/r.html"
ok $? "a customer's name appears escaped, verbatim"
is "$(grep -c '<script' "$T/r.html")" 0 "no script element at all"
is "$(xmllint --xpath "string(//*[@id='top']//$(el td)[2])" "$T/r.html")" "$BAD" "and reads back as the text it was"
grep -qF 'ann &lt;i&gt;&amp;' "$T/r.html" && grep -qF 'vip &lt;b&gt;' "$T/r.html" &&
	grep -qF '<h1>Lotus &quot;Tea&quot; &amp; &lt;Co&gt;</h1>' "$T/r.html"
ok $? "agent, label and business names too"
# self-contained: nothing to fetch
is "$(grep -Eci 'src=|href=|url\(|@import|<link' "$T/r.html")" 0 "nothing to fetch: no src, href, url() or link"
grep -q '<meta name="viewport" content="width=device-width' "$T/r.html" && grep -q '@media print' "$T/r.html"
ok $? "made for a phone (viewport) and for paper (@media print)"

# one look, as a person would, on a phone-sized window
if [ "${WB_TEST_NO_CHROMIUM:-}" = 1 ]; then
	for _ in 1 2 3; do _n=$((_n + 1)); echo "ok $_n # skip WB_TEST_NO_CHROMIUM=1"; done
else
	command -v chromium >/dev/null
	ok $? "chromium is installed (make deps)"
	timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=412,2400 \
		--enable-logging=stderr --v=0 --screenshot="$T/r.png" "file://$T/r.html" >"$T/chr.out" 2>"$T/chr.err"
	[ -s "$T/r.png" ] && [ "$(od -An -tx1 -N8 "$T/r.png" | tr -d ' ')" = 89504e470d0a1a0a ] &&
		[ "$(wc -c <"$T/r.png")" -gt 30000 ]
	ok $? "rendered to a PNG, not a blank one"
	is "$(grep -c ':CONSOLE' "$T/chr.err")" 0 "no console message: the page loaded without errors"
fi

# where it goes
exits 0 "-o -: to stdout" -- wb-stats report $range -o -
cmp -s "$T/out" "$T/r.html"
ok $? "the same page"
wb-stats report $range >"$T/out2" 2>/dev/null
cmp -s "$T/out2" "$T/r.html"
ok $? "no -o: stdout too"
exits 64 "-o csv is a format, not a file" -- wb-stats report $range -o csv
like "$(cat "$T/err")" "report writes HTML: -o names its file" "says what -o is here"

# nothing half-written
cp "$T/r.html" "$T/keep.html"
exits 65 "a bad --since" -- wb-stats report --since someday -o "$T/keep.html"
cmp -s "$T/r.html" "$T/keep.html"
ok $? "leaves the page that was there"
exits 73 "a directory that does not exist" -- wb-stats report $range -o "$T/no/such/r.html"
like "$(cat "$T/err")" "^wb-stats: $T/no/such/r.html: No such file" "names the file"
is "$(ls "$T" | grep -c '\.html\.')" 0 "no temporary file left behind"
exits 64 "--by goes with the figures, not the report" -- wb-stats report --by day
exits 64 "--plot draws on a terminal, not in the report" -- wb-stats report --plot received
exits 66 "no database" -- wb-stats report -d "$T/none.db"
# a customer known only by user ID (no phone) is among the top ones
sql "INSERT INTO contact (id, user_id, name, created_at, updated_at) VALUES (3, 'GB.41099238170556612', 'Oli', 0, 0)"
for i in 1 2 3 4 5 6 7 8 9; do
	sql "INSERT INTO message (contact_id, direction, type, ts, status) VALUES (3, 'in', 'text', $base + $i, 'received')"
done
exits 0 "a customer without a phone" -- wb-stats report $range -o "$T/r.html"
grep -q '<td>GB.41099238170556612</td>' "$T/r.html"
ok $? "is shown by the user ID"

done_testing
