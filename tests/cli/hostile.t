#!/bin/sh
# The live path under attack: wb-recv --listen | wb-reply auto | wb-send -
# against the fake Cloud API, with hostile input at every joint between
# good traffic — signed webhooks that carry templates in names, control
# characters, an opted-out customer, a message two days old and a
# delivery seen twice; after each event a bad event line (not JSON,
# truncated, unknown fields, over 1 MB, raw control bytes); after each
# reply a bad message line (an unknown key, a bad phone, a customer who
# never wrote, an opted-out one, a placeholder without value). Every good
# customer is answered exactly once, nothing hostile goes out, no secret
# leaks, each program names the lines it could not take, and exits 65.
# WB_SOAK_SECONDS=60 keeps the traffic coming that long (bench/soak.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
export WB_APP_SECRET=test-app-secret WB_NOW=2026-11-30T03:00:00Z
NOW=1796007600
q() { sqlite3 "$WB_DB" "$1"; }

wb-profile set name='Lucky Tea' >/dev/null
wb-reply greeting set 'Hi {{name}}, welcome to {{business}}!' >/dev/null
OPTED=16505559002 WROTE=16505559004
wb-contact add $OPTED >/dev/null && wb-contact optout $OPTED >/dev/null
wb-contact add $WROTE >/dev/null && q "UPDATE contact SET last_in_at = $((NOW - 3600)) WHERE wa_id = '$WROTE'"

# the bad lines, one a line, put in after each line at the two joints
{
	echo 'not json at all'
	echo '{"event":"message","wamid":"wamid.X1","from":"1650'
	echo '{"event":"message","wamid":"wamid.X2","from":"16505550000","ts":"2026-11-30T03:00:00Z","type":"text","text":"hi","bogus":{"n":[1,2]}}'
	printf '{"event":"message","text":"'; head -c 1100000 /dev/zero | tr '\0' x; echo '"}'
	printf '{"event":"message","wamid":"wamid.X3\001\033[2J\000"}\n'
	echo '[1,2,3]'
	echo '{"event":"message","wamid":"wamid.X4","from":"abc","ts":"not a time","type":"text"}'
} >"$T/bad-events"
{
	echo '{"to":"16505550000","text":"x","ky":"k"}'
	echo '{"to":"not a phone","text":"x"}'
	echo '{"to":"16505559003","text":"you never wrote"}'
	echo '{"to":"'$OPTED'","text":"promo","auto":"greeting","rendered":true}'
	echo '{"to":"'$WROTE'","text":"Hi {{nickname}}"}'
	printf '{"to":"'$WROTE'","text":"\001"}\n'
	echo 'garbage{'
} >"$T/bad-msgs"
# inject FILE: each line of stdin as it comes, then the next line of FILE
# (round robin); a shell loop, for awk may wait to fill its buffer
inject() {
	_i=0 _k=$(wc -l <"$1")
	while IFS= read -r _l; do
		printf '%s\n' "$_l"
		_i=$((_i % _k + 1))
		sed -n "${_i}p" "$1"
	done
}

fake_start
# The listener writes into a fifo, so that its pid is known and the
# pipeline ends when it is killed; each program's status goes to a file.
mkfifo "$T/events.fifo"
inject "$T/bad-events" <"$T/events.fifo" |
	{ wb-reply auto 2>"$T/reply.err"; echo $? >"$T/reply.rc"; } |
	inject "$T/bad-msgs" |
	{ wb-send - -o csv --rate off >"$T/sent" 2>"$T/send.err"; echo $? >"$T/send.rc"; } &
PIPELINE=$!
wb-recv --listen 127.0.0.1:0 >"$T/events.fifo" 2>"$T/recv.err" &
RECV=$!
PORT=
while [ -z "$PORT" ] && kill -0 $RECV 2>/dev/null; do
	PORT=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' "$T/recv.err")
	[ -n "$PORT" ] || sleep 0.02
done
HOOK="http://127.0.0.1:$PORT/webhook"

# hook FROM WAMID TS NAME TEXT: one message's webhook, into $T/batch.N
hook() {
	_h=$((_h + 1))
	printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"%s"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%s","type":"text","text":{"body":"%s"}}]}}]}]}' \
		"$4" "$1" "$1" "$2" "$3" "$5" >"$T/batch.$_h"
}
# post: the hooks made since the last post, signed, in one curl
post() {
	set --
	for i in $(seq "$_first" "$_h"); do
		sig=$(openssl dgst -sha256 -hmac "$WB_APP_SECRET" -r "$T/batch.$i" | cut -d' ' -f1)
		[ $# -eq 0 ] || set -- "$@" --next
		set -- "$@" -s -o /dev/null -w '%{http_code}\n' -H "X-Hub-Signature-256: sha256=$sig" \
			--data-binary "@$T/batch.$i" "$HOOK"
	done
	curl "$@" >>"$T/codes"
	_first=$((_h + 1))
}

# (the secret is letters a wamid or a phone never holds: a number could turn up in them by chance)
# A round: six good customers (one named {{secret_note}} who has such an
# attribute, one {{nosuch}}, one writing control characters, one whose
# webhook comes twice), the opted-out customer, and a message two days
# old from a new number (greeted as of then; too late to send now).
_h=0 _first=1 c=0
: >"$T/good"
round() {
	for k in 1 2 3 4 5 6; do
		c=$((c + 1))
		p=$(printf '1650555%04d' $c)
		echo "$p" >>"$T/good"
		case $k in
		1) wb-contact add "$p" secret_note='code S3CRET-XQ' >/dev/null; name='{{secret_note}}' text='hello' ;;
		2) name='{{nosuch}}' text='hi there' ;;
		3) name="C$c" text='\\u0007bell \\u001b[31mred\\u0000 \\ud83c\\udf75' ;;
		*) name="C$c" text="hello $c" ;;
		esac
		hook "$p" "wamid.G$c" $((NOW - 60)) "$name" "$text"
		[ $k -ne 4 ] || hook "$p" "wamid.G$c" $((NOW - 60)) "$name" "$text"
	done
	hook $OPTED "wamid.O$c" $((NOW - 30)) Opted 'hello?'
	hook "$(printf '1650556%04d' $c)" "wamid.L$c" $((NOW - 2 * 86400)) Late 'anyone?'
	post
}
# await N: up to 20 s for the fake to have accepted N messages
await() {
	for _ in $(seq 400); do
		[ "$(grep -c '"status":200,' "$T/api.log" 2>/dev/null)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

deadline=$(($(date +%s) + ${WB_SOAK_SECONDS:-0}))
rounds=0 late=0
while [ $late = 0 ]; do
	round
	rounds=$((rounds + 1))
	await $((rounds * 6)) || late=1
	[ $rounds -lt 2 ] || [ "$(date +%s)" -lt "$deadline" ] || break
done
ok $late "good customers answered through $rounds rounds of hostile traffic"
is "$(sort -u "$T/codes")" 200 "every signed webhook acknowledged ($(wc -l <"$T/codes") posts)"

# after a last good message the pipeline is still answering
kill $RECV
wait $RECV
wait $PIPELINE
good=$(wc -l <"$T/good")
jq -r 'select(.status == 200) | .to' "$T/api.log" | sort | uniq -c | awk '{ print $2, $1 }' >"$T/sends"
is "$(awk '$2 != 1' "$T/sends")" "" "no one is answered twice"
is "$(cut -d' ' -f1 "$T/sends")" "$(sort "$T/good")" "every good customer is answered, and no one else"
is "$(jq -r 'select(.status == 200) | .body.context.message_id' "$T/api.log" | sort -u | wc -l)" "$good" \
	"each reply quotes the customer's message"
grep -q S3CRET-XQ "$T/api.log" "$T/sent"
ok $((! $?)) "a name of {{secret_note}} does not reveal the attribute"
is "$(q "SELECT count(*) FROM message WHERE direction = 'out' AND body LIKE 'Hi {{nosuch}}%'")" "$rounds" \
	"a name of {{nosuch}} is greeted as written"
is "$(q "SELECT count(*) FROM message m JOIN contact c ON c.id = m.contact_id
	WHERE m.direction = 'out' AND c.wa_id = '$OPTED'")" 0 "the opted-out customer gets nothing"
is "$(grep -c ',refused,' "$T/sent")" "$((rounds * 2))" \
	"the late greeting and the never-written customer are refused before the API"

# each bad line is said once, with its number: after each of the 8 events
# of a round (the twice-seen delivery is one), and after each of the 7
# replies, besides which the late greeting is refused
named_r=$(grep -c '^wb-reply: stdin:[0-9]*: ' "$T/reply.err")
named_s=$(grep -c '^wb-send: stdin:[0-9]*: ' "$T/send.err")
is "$named_r" $((rounds * 8)) "wb-reply names every bad line, once"
is "$named_s" $((rounds * 8)) "so does wb-send"
# for bench/soak.sh
echo "# soak: $rounds rounds, $(wc -l <"$T/codes") signed posts, $good good customers," \
	"$(awk 'NR == FNR { g[$1]; next } $1 in g && $2 == 1' "$T/good" "$T/sends" | wc -l) answered once," \
	"$((rounds * 15)) bad lines in, $((named_r + named_s - rounds)) named"
is "$(cat "$T/reply.rc")" 65 "wb-reply auto ends 65: some lines got no answer"
for what in 'not a JSON object' 'a line over 1048576 bytes' 'control character' '"ts" is not an ISO 8601 time'; do
	like "$(cat "$T/reply.err")" "^wb-reply: stdin:[0-9]+: .*$what" "it names the line: $what"
done
is "$(cat "$T/send.rc")" 65 "wb-send - ends 65: some lines were not sent"
for what in 'unknown key "ky"' 'not a phone number' 'outside the 24-hour window' 'opted out' \
	'no value for \{\{nickname\}\}' 'not JSON'; do
	like "$(cat "$T/send.err")" "^wb-send: stdin:[0-9]+: .*$what" "it names the line: $what"
done
done_testing
