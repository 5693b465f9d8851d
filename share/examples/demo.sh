#!/bin/sh
# make demo: the whole story of wb on a throw-away database, against the
# fake Cloud API (tests/fakeapi), which answers like Meta's and posts the
# delivery statuses back to our webhook listener. Nothing leaves 127.0.0.1.
#
# Every line that starts with '$' is printed as it runs, quotes and
# redirections included, so it can be copied and run as it is (from the
# story's folder, with the story's WB_DB). The clock is the story's:
# WB_NOW moves on as the story does.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$TOP/bin:$PATH"
W=$(mktemp -d "${TMPDIR:-/tmp}/wb-demo.XXXXXX")
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT INT TERM
cd "$W"

# A throw-away world in Shanghai (UTC+8).
export WB_DB="$W/wb.db" XDG_CONFIG_HOME="$W/config" WB_OUTPUT=table
export WB_PHONE_ID=106540352242922 WB_TOKEN=demo-token-not-a-secret
export WB_APP_SECRET=demo-app-secret WB_VERIFY_TOKEN=demo-verify WB_AGENT=mei
unset WB_DEFAULT_CC WB_DEFAULT_REGION WB_API_URL WB_DISPLAY_PHONE

if [ -t 1 ]; then B=$(printf '\033[1m') N=$(printf '\033[0m'); else B= N=; fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
# run 'COMMAND LINE': prints it as it is, then runs it
run() { printf '%s$ %s%s\n' "$B" "$1" "$N"; eval "$1"; }
# clock UTC WORDS: the story's time moves on
clock() { export WB_NOW="$1"; shift; say "$* (WB_NOW=$WB_NOW)"; }
# waits up to 10 s for an SQL count to reach a number
await() {
	i=0
	while [ "$(sqlite3 "$WB_DB" "$1")" -lt "$2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
# webhook FROM NAME WAMID UNIXTIME TEXT: a customer's message as Meta posts it
webhook() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"%s"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%s","type":"text","text":{"body":"%s"}}]}}]}]}' \
		"$2" "$1" "$1" "$3" "$4" "$5"
}
# post FROM NAME WAMID UNIXTIME TEXT: the customer writes; Meta posts it, signed
post() {
	webhook "$@" >body.json
	sig=$(openssl dgst -sha256 -hmac "$WB_APP_SECRET" -r body.json | cut -d' ' -f1)
	curl -s -o /dev/null -w "$2 writes: $5  (POST %{http_code})\n" -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$sig" --data-binary @body.json "$HOOK"
}

clock 2026-11-29T12:00:00Z "Sunday 29 November, 20:00: the business"
run "wb-profile set name='Lucky Tea House' about='Tea from Fujian, since 1998' email=hello@luckytea.example website=https://luckytea.example timezone=Asia/Shanghai"
run "wb-profile hours mon-fri 09:00-12:00,13:00-18:00 sat 10:00-14:00 sun closed"
run "wb-profile hours closed 2026-12-25"
run "wb-profile hours on 2026-12-24 10:00-14:00"
run "wb-profile hours"
run "wb-profile open || true"
run "wb-profile open --at 2026-12-25T10:00 || true"

say "Customers from the shop's CRM export (an upsert by phone; extra columns are attributes)"
cat >customers.csv <<'CSV'
phone,name,city,tier,order_id
+86 139 1234 5678,Mei Chen,Shanghai,gold,A-1042
+55 11 98765-4321,Ana Souza,São Paulo,gold,A-1043
+44 7400 123456,Tom Hardy,London,silver,A-1044
+1 (650) 555-0100,Sam Lee,Palo Alto,silver,A-1045
CSV
run "wb-contact import customers.csv"
run "wb-contact ls"

say "Labels: the app's defaults, and a vip segment"
run "wb-label add vip --color 3"
run "wb-label apply vip 8613912345678 5511987654321"
run "wb-label ls"

say "What to answer automatically; a placeholder no contact can fill is refused at once"
run "wb-reply greeting set 'Hi {{name}}, welcome to {{business}}! How can we help?' --after 14d"
run "wb-reply away set 'Thanks {{name}}! We are closed now and open again {{opens_at}} (Shanghai time).' --when outside-hours"
run "wb-reply quick add /prices 'Oolong 38 CNY, Tieguanyin 45 CNY, {{name}}. Reply with a name to order.' --keyword price"
printf '%%PDF-1.4\n%% the menu\n' >menu.pdf
run "wb-reply quick add /menu 'Our menu, {{name}}' --document menu.pdf --keyword menu"
run "wb-reply quick add /vip 'Your {{level}} discount' || true"
run "wb-reply quick ls"

say "The fake Cloud API, and the webhook listener it posts statuses to"
# the listener first, on a port it picks and reports, for the fake must
# know where to post; the fifo, held open here meanwhile, lets it start
# before the pipeline that reads it (3>&- keeps it from the others)
mkfifo events.fifo
exec 3<>events.fifo
wb-recv --listen 127.0.0.1:0 >events.fifo 2>recv.err 3>&- &
RECV=$!
PIDS="$PIDS $RECV"
HOOK_PORT=
while [ -z "$HOOK_PORT" ] && kill -0 $RECV 2>/dev/null; do
	HOOK_PORT=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' recv.err 2>/dev/null || true)
	[ -n "$HOOK_PORT" ] || sleep 0.02
done
HOOK="http://127.0.0.1:$HOOK_PORT/webhook"
"$TOP/build/fake-cloudapi" --quiet --listen 127.0.0.1:0 --port-file api.port --token "$WB_TOKEN" \
	--log api.log --webhook "$HOOK" --app-secret "$WB_APP_SECRET" 3>&- &
PIDS="$PIDS $!"
i=0; while [ ! -s api.port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export WB_API_URL="http://127.0.0.1:$(cat api.port)/v26.0"
echo "fake Cloud API: $WB_API_URL   webhook listener: $HOOK"

clock 2026-11-29T14:30:00Z "Sunday 22:30: Tom writes while the shop is closed"
webhook 447400123456 'Tom Hardy' wamid.DEMO3 1795962600 'Are you open today?' >tom.json
run "wb-recv tom.json | wb-reply auto > tom-reply.jsonl"
run "cat tom-reply.jsonl"
run "wb-send - < tom-reply.jsonl"

clock 2026-11-30T03:00:00Z "Monday 11:00: open, the listener live: wb-recv --listen | wb-reply auto | wb-send -"
# each reply goes out as soon as its message arrives (through the fifo, so
# stopping wb-recv ends the whole pipeline)
tee events.jsonl <events.fifo 3>&- | wb-reply auto 3>&- | tee replies.jsonl 3>&- |
	wb-send - -o csv >auto-sent.csv 2>send.err 3>&- &
PIDS="$PIDS $!"
exec 3>&-
post 8613912345678 'Mei Chen' wamid.DEMO1 1796007480 '你好, is the oolong in stock?'   # 10:58
post 8613912345678 'Mei Chen' wamid.DEMO2 1796007540 'and the price?'                  # 10:59
curl -s -o /dev/null -w "an unsigned POST: %{http_code} (refused)\n" --data-binary @body.json "$HOOK"
await "SELECT count(*) FROM message WHERE direction = 'out' AND auto IS NOT NULL AND status IN ('sent','delivered','read')" 3
echo "events the listener wrote:"; grep '"event":"message"' events.jsonl
echo "replies wb-reply auto chose:"; cat replies.jsonl

say "Who waits for a person? (automatic replies answer nobody)"
run "wb-contact ls --unanswered --sort last-in"
say "Two agents share the inbox: mei answers Mei Chen from wb-chat (here fed by a pipe), bob sees her taken"
run "wb-agent add mei && wb-agent add bob"
run "printf '%s\\n' 'Hello Mei, this is Mei from the shop.' '/note asked about the spring oolong' | wb-chat 8613912345678"
run "echo 'Hi, Bob here' | WB_AGENT=bob wb-chat 8613912345678 || echo \"(exit \$?: read-only)\""
run "WB_AGENT=bob wb-inbox take"
run "wb-inbox --state all"
say "A person answers Mei within the window, quoting her message"
run "wb-send --to 8613912345678 --text 'Yes, the spring oolong is in stock. Shall we reserve 2 boxes?' --reply-to wamid.DEMO1"

say "A promotion to the vip segment: marketing, so the frequency cap applies"
run "wb-send --label vip --template nov_promo --lang en_US --param '{{name}}' --name 'November promo' --cap 1/7d"
say "Free-form text outside the 24-hour window is refused before the API is called"
run "wb-send --to 16505550100 --text 'Hello Sam' || echo \"(exit \$?)\""
say "Order notices from the shop's system: utility, and a key makes the second run send nothing"
printf 'phone,order_id\n8613912345678,A-1042\n' >orders.csv
run "wb-send --template order_shipped --param '{{order_id}}' --key 'shipped-{{order_id}}' < orders.csv"
run "wb-send --template order_shipped --param '{{order_id}}' --key 'shipped-{{order_id}}' < orders.csv"
say "A reminder for tomorrow 09:00, then the queue"
run "wb-send --to 447400123456 --template appt_reminder --param Tom --at 'tomorrow 09:00'"
run "wb-send queue"

say "The shop-window sticker: the chat link with a first message, and its QR code"
run "wb-profile link --text 'Hello Lucky Tea House!' --qr shop-window.png"

clock 2026-12-01T01:00:30Z "Tuesday 1 December, 09:00: cron's flush sends what is due"
run "wb-send flush"
await "SELECT count(*) FROM message WHERE status = 'read'" 8
say "Statuses came back from the API through the listener"
run "wb-contact log 8613912345678"

say "The numbers"
run "wb-stats --since 2026-11-29 --until 2026-12-02"
run "wb-stats --since 2026-11-29 --until 2026-12-02 --by day -o csv"
run "wb-stats --since 2026-11-29 --until 2026-12-02 --by broadcast"
run "wb-stats top --since 2026-11-29 --until 2026-12-02"
run "wb-stats conversations --since 2026-11-29 --until 2026-12-02"

say "Message templates: created, approved by webhook, and every send checked before it leaves"
export WB_WABA_ID=102290129340398
run "wb-template create order_ready --category utility --body 'Hi {{1}}, your order {{2}} is ready for pick-up.' --example Mei --example A-1042"
# Meta reviews it; the fake approves it and posts the webhook to our listener
curl -s -o /dev/null -d '{"name":"order_ready","language":"en_US","event":"APPROVED"}' "${WB_API_URL%/v26.0}/_fake/template_status"
await "SELECT count(*) FROM template WHERE status = 'APPROVED'" 1
run "wb-template show order_ready"
run "wb-send --to 8613912345678 --template order_ready --param Mei || echo \"(exit \$?: refused, no request made)\""
run "wb-send --to 8613912345678 --template order_ready --param Mei --param A-1042"
say "A text to a customer whose window is closed goes as its fallback template"
run "wb-send --to 16505550100 --text 'Your tea is ready' --fallback-template order_ready --fallback-param '{{name}}' --fallback-param A-1045"
say "The same days as a page to look at: charts, offline, for a phone or for paper"
run "wb-stats report --since 2026-11-29 --until 2026-12-02 -o report.html"
echo "The report: $W/report.html ($(grep -c '<svg' report.html) charts, $(wc -c <report.html) bytes)"
if [ -t 0 ] && [ -t 1 ]; then
	printf 'Open it in a browser now; press Enter to end the story (its folder goes with it). '
	read -r _ || true
fi
echo
echo "The Cloud API saw $(wc -l <api.log) requests; the story's folder $W (database, report) is removed now."
