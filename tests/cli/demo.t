#!/bin/sh
# make demo's story runs to the end and tells what it should.
. "$(dirname "$0")/lib.sh"
sh "$TOP/share/examples/demo.sh" >"$T/demo" 2>&1
ok $? "the demo runs to the end"
out=$(cat "$T/demo")
like "$out" 'POST 200  Mei Chen' "signed webhooks accepted by the listener"
like "$out" 'unsigned POST: 401' "an unsigned one refused"
like "$out" '"auto":"greeting"' "a greeting chosen"
like "$out" '"auto":"keyword"' "a keyword's quick reply chosen"
like "$out" '"auto":"away"' "the away message chosen"
like "$out" 'outside the 24-hour window \(they never wrote\)' "a text outside the window refused"
like "$out" 'duplicate +key .shipped-A-1042. was used' "a used key sends nothing"
like "$out" '"status":"read"' "statuses came back through the webhook"
like "$out" 'first_response_median_s' "the statistics at the end"
like "$out" 'body: 1 value given; the template has 2' "a template send checked before it leaves"
like "$out" 'its fallback template goes instead: order_ready' "a closed window's text sent as its fallback"
done_testing
