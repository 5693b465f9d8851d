#!/bin/sh
# make demo: the whole story of wb on a throw-away database, against the
# fake Cloud API (tests/fakeapi), which answers like Meta's and posts the
# delivery statuses back to our webhook listener. Nothing leaves 127.0.0.1.
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

# A throw-away world. The clock is fixed so the story reads the same
# whenever it runs: Monday 30 November 2026, 11:00 in Shanghai.
export WB_DB="$W/wb.db" XDG_CONFIG_HOME="$W/config" WB_OUTPUT=table
export WB_NOW=2026-11-30T03:00:00Z
export WB_PHONE_ID=106540352242922 WB_TOKEN=demo-token-not-a-secret
export WB_APP_SECRET=demo-app-secret WB_VERIFY_TOKEN=demo-verify WB_AGENT=mei
unset WB_DEFAULT_CC WB_DEFAULT_REGION WB_API_URL

if [ -t 1 ]; then B=$(printf '\033[1m') N=$(printf '\033[0m'); else B= N=; fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
run() { printf '%s$ %s%s\n' "$B" "$*" "$N"; "$@"; }
# waits up to 10 s for an SQL count to reach a number
await() {
	i=0
	while [ "$(sqlite3 "$WB_DB" "$1")" -lt "$2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

say "The business: profile, opening hours, a holiday"
run wb-profile set name='Lucky Tea House' about='Tea from Fujian, since 1998' \
	email=hello@luckytea.example website=https://luckytea.example timezone=Asia/Shanghai
run wb-profile hours mon-fri 09:00-12:00,13:00-18:00 sat 10:00-14:00 sun closed
run wb-profile hours closed 2026-12-25
run wb-profile hours on 2026-12-24 10:00-14:00
run wb-profile hours
run wb-profile open || true
run wb-profile open --at 2026-12-25T10:00 || true

say "Customers from the shop's CRM export (an upsert by phone; extra columns are attributes)"
cat >"$W/customers.csv" <<'CSV'
phone,name,city,tier,order_id
+86 139 1234 5678,Mei Chen,Shanghai,gold,A-1042
+55 11 98765-4321,Ana Souza,São Paulo,gold,A-1043
+44 7400 123456,Tom Hardy,London,silver,A-1044
+1 (650) 555-0100,Sam Lee,Palo Alto,silver,A-1045
CSV
run wb-contact import "$W/customers.csv"
run wb-contact ls

say "Labels: the app's defaults, and a vip segment"
run wb-label add vip --color 3
run wb-label apply vip 8613912345678 5511987654321
run wb-label ls

say "What to answer automatically"
run wb-reply greeting set 'Hi {{name}}, welcome to {{business}}! How can we help?' --after 14d
run wb-reply away set 'Thanks {{name}}! We are closed now and answer from 09:00 (Shanghai).' --when outside-hours
run wb-reply quick add /prices 'Oolong 38 CNY, Tieguanyin 45 CNY. Reply with a name to order.' --keyword price
run wb-reply quick ls

say "The fake Cloud API and the webhook listener: wb-recv --listen | wb-reply auto | wb-send -"
# the listener's port first, so the fake can post statuses back to it
HOOK_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOOK="http://127.0.0.1:$HOOK_PORT/webhook"
"$TOP/build/fake-cloudapi" --quiet --listen 127.0.0.1:0 --port-file "$W/api.port" \
	--token "$WB_TOKEN" --log "$W/api.log" --webhook "$HOOK" --app-secret "$WB_APP_SECRET" &
PIDS="$PIDS $!"
i=0; while [ ! -s "$W/api.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export WB_API_URL="http://127.0.0.1:$(cat "$W/api.port")/v26.0"
echo "fake Cloud API: $WB_API_URL   webhook listener: $HOOK"
# the live pipeline: each reply goes out as soon as its message arrives
# (through a fifo, so stopping wb-recv ends the whole pipeline)
mkfifo "$W/events.fifo"
wb-recv --listen "127.0.0.1:$HOOK_PORT" >"$W/events.fifo" 2>"$W/recv.err" &
PIDS="$PIDS $!"
tee "$W/events.jsonl" <"$W/events.fifo" | wb-reply auto | tee "$W/replies.jsonl" |
	wb-send - -o csv >"$W/auto-sent.csv" 2>"$W/send.err" &
i=0; while ! grep -q 'listening' "$W/recv.err" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done

# post FROM NAME WAMID UNIXTIME TEXT: a customer's message, signed as Meta signs it
post() {
	printf '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"%s"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%s","type":"text","text":{"body":"%s"}}]}}]}]}' \
		"$2" "$1" "$1" "$3" "$4" "$5" >"$W/body.json"
	sig=$(openssl dgst -sha256 -hmac "$WB_APP_SECRET" -r "$W/body.json" | cut -d' ' -f1)
	curl -s -o /dev/null -w "POST %{http_code}  $2: $5\n" -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: sha256=$sig" --data-binary @"$W/body.json" "$HOOK"
}
run post 8613912345678 'Mei Chen' wamid.DEMO1 1796007480 '你好, is the oolong in stock?'   # Mon 10:58, open
run post 8613912345678 'Mei Chen' wamid.DEMO2 1796007540 'and the price?'                  # Mon 10:59
run post 447400123456 'Tom Hardy' wamid.DEMO3 1795962600 'Are you open today?'             # Sun 22:30, closed
curl -s -o /dev/null -w "unsigned POST: %{http_code} (refused)\n" --data-binary @"$W/body.json" "$HOOK"
await "SELECT count(*) FROM message WHERE direction = 'out' AND status IN ('sent','delivered','read')" 3
echo "events the listener wrote:"; cat "$W/events.jsonl"
echo "replies wb-reply auto chose:"; cat "$W/replies.jsonl"

say "A person answers Mei within the window, quoting her message"
run wb-send --to 8613912345678 --text 'Yes, the spring oolong is in stock. Shall we reserve 2 boxes?' \
	--reply-to wamid.DEMO1 --agent mei

say "A broadcast to the vip segment with a personalised template"
run wb-send --label vip --template nov_promo --lang en_US --param '{{name}}' --name 'November promo' --cap 1/7d
say "Free-form text outside the 24-hour window is refused before the API is called"
run wb-send --to 16505550100 --text 'Hello Sam' || echo "(exit $?)"
say "An ERP notice with an idempotency key: the second run sends nothing"
printf 'phone,order_id\n8613912345678,A-1042\n' >"$W/orders.csv"
run wb-send --template order_shipped --param '{{order_id}}' --key 'shipped-{{order_id}}' <"$W/orders.csv"
run wb-send --template order_shipped --param '{{order_id}}' --key 'shipped-{{order_id}}' <"$W/orders.csv"
say "A reminder scheduled for tomorrow, then the queue"
run wb-send --to 447400123456 --template appt_reminder --param Tom --at 'tomorrow 09:00'
run wb-send queue
echo "a day later, cron's 'wb-send flush' delivers it:"
WB_NOW=2026-12-01T01:00:30Z run wb-send flush

say "Statuses flow back from the API to the listener"
await "SELECT count(*) FROM message WHERE status = 'read'" 8
run wb-contact log 8613912345678

say "The numbers"
run wb-stats --since 2026-11-29 --until 2026-12-02
run wb-stats --since 2026-11-29 --until 2026-12-02 --by day -o csv
run wb-stats top --since 2026-11-29 --until 2026-12-02
run wb-stats conversations --since 2026-11-29 --until 2026-12-02

say "Message templates: created, approved by webhook, and every send checked before it leaves"
export WB_WABA_ID=102290129340398
run wb-template create order_ready --category utility --body 'Hi {{1}}, your order {{2}} is ready for pick-up.' \
	--example Mei --example A-1042
# Meta reviews it; the fake approves it and posts the webhook to our listener
curl -s -o /dev/null -d '{"name":"order_ready","language":"en_US","event":"APPROVED"}' "${WB_API_URL%/v26.0}/_fake/template_status"
await "SELECT count(*) FROM template WHERE status = 'APPROVED'" 1
run wb-template show order_ready
run wb-send --to 8613912345678 --template order_ready --param Mei || echo "(exit $?: refused, no request made)"
run wb-send --to 8613912345678 --template order_ready --param Mei --param A-1042
say "A text to a customer whose window is closed goes as its fallback template"
run wb-send --to 16505550100 --text 'Your tea is ready' --fallback-template order_ready \
	--fallback-param '{{name}}' --fallback-param A-1045
echo
echo "The Cloud API saw $(wc -l <"$W/api.log") requests; the database was $WB_DB (removed now)."
