#!/bin/sh
# make demo's story runs to the end and tells what it should.
. "$(dirname "$0")/lib.sh"
sh "$TOP/share/examples/demo.sh" >"$T/demo" 2>&1
ok $? "the demo runs to the end"
out=$(cat "$T/demo")
like "$out" 'Mei Chen writes: .*\(POST 200\)' "signed webhooks accepted by the listener"
like "$out" 'unsigned POST: 401' "an unsigned one refused"
like "$out" "^\\\$ wb-reply greeting set 'Hi \\{\\{name\\}\\}, welcome to \\{\\{business\\}\\}! How can we help\\?' --after 14d\$" \
	"commands are shown with their quotes"
like "$out" "^\\\$ wb-send --template order_shipped .* < orders.csv\$" "and their redirections"
like "$out" 'open again Mon 09:00 \(Shanghai time\)' "the away message says when the shop opens"
like "$out" '== Tuesday 1 December, 09:00: .*\(WB_NOW=2026-12-01T01:00:30Z\)' "the clock moves with the story"
like "$out" '447400123456 +wamid\.[^ ]+ +sent' "so the reminder due on Tuesday goes"
like "$out" 'https://wa.me/15550783881\?text=Hello%20Lucky%20Tea%20House%21 +shop-window.png' "the chat link and its QR code"
like "$out" '"auto":"greeting"' "a greeting chosen"
like "$out" '"auto":"keyword"' "a keyword's quick reply chosen"
like "$out" '"auto":"away"' "the away message chosen"
like "$out" 'outside the 24-hour window \(they never wrote\)' "a text outside the window refused"
like "$out" 'duplicate +key .shipped-A-1042. was used' "a used key sends nothing"
like "$out" 'out +text +Hi Mei Chen, welcome to Lucky Tea House! How can we help\? +read' \
	"statuses came back through the webhook"
like "$out" 'taken by mei' "two agents: bob sees Mei Chen taken by mei"
like "$out" '> mei: Hi Mei Chen, welcome to Lucky Tea House! How can we help\?  ✓✓ read' \
	"the console shows a reply stored before a message it answers comes later in time"
like "$out" 'note mei: asked about the spring oolong' "mei's note in the console"
like "$out" 'first_response_median_s' "the statistics at the end"
like "$out" 'body: 1 value given; the template has 2' "a template send checked before it leaves"
like "$out" 'its fallback template goes instead: order_ready' "a closed window's text sent as its fallback"
like "$out" 'The report: /.*/report\.html \(4 charts, [0-9]+ bytes\)' "and the page with its charts, saying where it is"
done_testing
