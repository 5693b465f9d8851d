#!/bin/bash
# test.sh — self-check of the fake Cloud API (build/fake-cloudapi), as TAP.
# Starts the server on free ports and checks each behaviour with curl and jq.
# The binary comes from $FAKEAPI (default build/fake-cloudapi).
# No timing is a pass criterion, except generous upper bounds.
set -u

FAKEAPI=${FAKEAPI:-$(dirname "$0")/../../build/fake-cloudapi}
FIX=${FIXTURES:-}
for d in "$FIX" "$(dirname "$0")/../../../shared/fixtures" "$(dirname "$0")/../fixtures"; do
    if [ -n "$d" ] && [ -d "$d/send" ]; then FIX=$d; break; fi
done

TMP=$(mktemp -d)
PIDS=()
n=0
failed=0

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# The results are printed at the end (tap_done): the jq checks are all
# decided there by one jq, which takes longer to start (~50 ms) than
# anything else a check does. RESULT[i] is ok, nok, or qK: jq check K.
RESULT=() DESC=() DIAG=()
ok()  { n=$((n + 1)); RESULT[n]=ok DESC[n]=$1 DIAG[n]=; }
nok() { n=$((n + 1)); RESULT[n]=nok DESC[n]=$1 DIAG[n]=${2:-}; }
# check DESCRIPTION COMMAND...: ok when the command succeeds (and the jq
# check it made, if any, holds)
check() {
    local d=$1; shift; PENDING=
    if ! "$@"; then nok "$d" "$(cat "$TMP/body" 2>/dev/null)"
    elif [ -n "$PENDING" ]; then n=$((n + 1)); RESULT[n]=q$PENDING DESC[n]=$d
    else ok "$d"; fi
}
# jqlater FILE EXPR [-s] [--arg NAME VALUE]...: FILE, as it is now, is to
# satisfy the jq expression as `jq -e [-s] EXPR FILE` would; sets PENDING
# to the check's number K. The file is kept as $TMP/q/K, the expression
# as the function qK of the program tap_done runs.
Q=0
mkdir "$TMP/q"
jqlater() {
    local f=$1 e=$2 doc='$rK | fromjson' bind=; shift 2
    Q=$((Q + 1)); cp "$f" "$TMP/q/$Q" 2>/dev/null || : >"$TMP/q/$Q"
    while [ $# -gt 0 ]; do
        case $1 in
        -s) doc='[$rK | split("\n")[] | select(length > 0) | fromjson]'; shift ;;
        --arg) bind="$bind\$a${Q}_$2 as \$$2 | "; echo "$3" >"$TMP/q/$Q.$2"; shift 3 ;;
        esac
    done
    printf 'def q%s: [try ((%s) | %s(%s)) catch false] | length > 0 and (last | . != false and . != null);\n' \
        "$Q" "${doc//K/$Q}" "$bind" "$e" >>"$TMP/q/defs"
    PENDING=$Q
}
# jqb EXPR: the last body satisfies the jq expression
jqb() { jqlater "$TMP/body" "$1"; }
# code_is N: the last body is an error with code N, decided now (for
# what the script goes on with; grep, not a jq of its own)
code_is() { grep -Eq "\"code\": *$1[,}]" "$TMP/body"; }
# is CODE N EXPR: CODE is N and the body satisfies EXPR
is() { [ "$1" = "$2" ] && jqb "$3"; }
not() { ! "$@"; }
quiet() { "$@" >/dev/null 2>&1; }
# jqf FILE EXPR [-s] [--arg NAME VALUE]...: FILE satisfies the jq expression
jqf() { jqlater "$@"; }
# wamid: the first wamid in the last body
wamid() { grep -o '"id": *"wamid\.[^"]*"' "$TMP/body" | head -n1 | sed 's/.*"\(wamid[^"]*\)"/\1/'; }
# tap_done: decides the jq checks, prints every result and the plan
tap_done() {
    local args=() k i verdicts=() r
    for k in $(seq "$Q"); do
        args+=(--rawfile "r$k" "$TMP/q/$k")
        for a in "$TMP/q/$k".*; do
            [ -f "$a" ] && args+=(--arg "a${k}_${a##*.}" "$(cat "$a")")
        done
    done
    if [ "$Q" -gt 0 ]; then
        mapfile -t verdicts < <({ cat "$TMP/q/defs"; printf '%s' "$(seq -f 'q%g' -s , "$Q")"; } |
            jq -nr "${args[@]}" -f /dev/stdin)
    fi
    for i in $(seq "$n"); do
        r=${RESULT[i]}
        case $r in q*)
            k=${r#q}
            if [ "${verdicts[k - 1]:-}" = true ]; then r=ok; else r=nok DIAG[i]=$(cat "$TMP/q/$k"); fi ;;
        esac
        if [ "$r" = ok ]; then echo "ok $i - ${DESC[i]}"; else
            failed=$((failed + 1)); echo "not ok $i - ${DESC[i]}"
            [ -n "${DIAG[i]}" ] && { printf '%s\n' "${DIAG[i]}" | head -c 2000 | sed 's/^/#   /'; echo; }
        fi
    done
    echo "1..$n"
}

# missing tools fail loudly: a silent skip would hide an untested server
for tool in curl jq openssl; do
    command -v $tool >/dev/null || { echo "Bail out! $tool is not installed (apt-get install $tool)"; exit 1; }
done
if [ ! -x "$FAKEAPI" ]; then echo "Bail out! $FAKEAPI is not built (set FAKEAPI)"; exit 1; fi
echo "# server: $FAKEAPI, fixtures: ${FIX:-not found (set FIXTURES)}"

# start NAME ARGS...: starts an instance, sets PORT_NAME; fails after 10 s
start() {
    local name=$1; shift
    eval "PORT_$name=0 PID_$name=0"
    rm -f "$TMP/$name.port"
    "$FAKEAPI" --listen 127.0.0.1:0 --port-file "$TMP/$name.port" --quiet "$@" \
        2>"$TMP/$name.err" &
    local pid=$!
    PIDS+=("$pid")
    eval "PID_$name=$pid"
    for _ in $(seq 500); do
        if [ -s "$TMP/$name.port" ]; then
            eval "PORT_$name=$(cat "$TMP/$name.port")"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.02
    done
    return 1
}

# stop NAME SIGNAL: sends the signal, waits (at most 10 s), sets RC
stop() {
    local pid
    eval "pid=\$PID_$1"
    RC=255
    [ "$pid" != 0 ] || return
    kill -"$2" "$pid"
    for _ in $(seq 500); do kill -0 "$pid" 2>/dev/null || break; sleep 0.02; done
    wait "$pid"
    RC=$?
}

# stopped NAME: stops it with SIGTERM and checks that it exits 0
stopped() {
    stop "$1" TERM
    if [ "$RC" = 0 ]; then ok "$1 exits 0 on SIGTERM"; else nok "$1 exits 0 on SIGTERM (rc $RC)" "$(cat "$TMP/$1.err")"; fi
}

# req PORT METHOD PATH [CURL ARGS...]: sets CODE; body in $TMP/body,
# headers in $TMP/headers. A request of headers (-H) and a JSON body
# (--data-binary TEXT or @FILE.json) goes over bash's /dev/tcp: a curl
# costs more CPU than the answer it checks, and this file makes ~150 of
# them. Anything else (a form, a big or binary body) goes to curl.
req() {
    local port=$1 method=$2 path=$3 a
    for a in "${@:4}"; do
        case $a in -H|--data-binary|-m|@*.json) ;; -*|@*) curl_req "$@"; return ;; esac
    done
    tcp_req "$@" || curl_req "$@"
}
curl_req() {
    local port=$1 method=$2 path=$3; shift 3
    CODE=$(curl -s -m 10 -X "$method" -o "$TMP/body" -D "$TMP/headers" \
        -w '%{http_code}' "$@" "http://127.0.0.1:$port$path")
}
# tcp_req PORT METHOD PATH [-H H | --data-binary B | -m S]...: HTTP/1.1
# with Connection: close, the answer read to its end (the fake sends a
# Content-Length, never chunks); fails, for curl to try, when it cannot
# connect or write
tcp_req() {
    local port=$1 method=$2 path=$3 body= line t=10 h=() fd
    shift 3
    while [ $# -gt 0 ]; do
        case $1 in
        -H) h+=("$2") ;;
        -m) t=$2 ;;
        --data-binary) case $2 in @*) IFS= read -r -d '' body <"${2#@}" ;; *) body=$2 ;; esac ;;
        esac
        shift 2
    done
    exec {fd}<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || return 1
    local LC_ALL=C # Content-Length in bytes
    [ "$method" = POST ] && h+=("Content-Length: ${#body}")
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n' "$method" "$path" "$port" >&$fd &&
        printf '%s\r\n' "${h[@]}" >&$fd && printf '\r\n%s' "$body" >&$fd || { exec {fd}>&-; return 1; }
    CODE=000
    if IFS= read -r -t "$t" line <&$fd; then
        CODE=${line#HTTP/1.? } CODE=${CODE:0:3}
        printf '%s\n' "$line" >"$TMP/headers"
        while IFS= read -r -t "$t" line <&$fd && [ "$line" != $'\r' ]; do printf '%s\n' "$line"; done >>"$TMP/headers"
        IFS= read -r -d '' -t "$t" body <&$fd
        printf '%s' "$body" >"$TMP/body"
    fi
    exec {fd}>&-
}

TOKEN=test-token-123
API=/v26.0/106540352242922
AUTH=(-H "Authorization: Bearer $TOKEN")
JSON=(-H "Content-Type: application/json")
# send PORT BODY: POST /messages with a good token
send() { req "$1" POST "$API/messages" "${AUTH[@]}" "${JSON[@]}" --data-binary "$2"; }
# send_err PORT BODY FIELD: expect 400, error 100, details naming FIELD
send_err() {
    send "$1" "$2"
    [ "$CODE" = 400 ] && jqb ".error.code == 100 and .error.type == \"OAuthException\" and (.error.error_data.details | contains(\"$3\")) and (.error.fbtrace_id | length > 0)"
}
# wait_for CMD...: retries, soon at first, for at most 10 s
wait_for() {
    local s
    for s in 0.01 0.02 $(seq 200 | sed 's/.*/0.05/'); do "$@" && return 0; sleep "$s"; done
    return 1
}

TEXT='{"messaging_product":"whatsapp","to":"16505551234","type":"text","text":{"body":"hi"}}'

# ---------------------------------------------------------------- basics
check "starts and writes its port file" start A --token "$TOKEN" --log "$TMP/a.log"
A=$PORT_A

check "--help exits 0" quiet "$FAKEAPI" --help
"$FAKEAPI" --no-such-option 2>/dev/null; rc=$?
check "an unknown option exits 64" [ "$rc" = 64 ]

# the answers are checked by one jq at the end: jq is slow to start
nfx=0
msgs=""
: >"$TMP/answers"
for f in "$FIX"/send/*.json; do
    send "$A" "@$f"
    nfx=$((nfx + 1))
    [ "$CODE" = 200 ] || msgs="$msgs $(basename "$f"): $CODE $(cat "$TMP/body")"
    cat "$TMP/body" >>"$TMP/answers"
done
jq -r 'select(.messaging_product == "whatsapp" and (.contacts[0].wa_id | test("^[0-9]+$")) and (.messages[0].id | startswith("wamid.HBgL"))) | .messages[0].id' \
    "$TMP/answers" >"$TMP/ids" 2>/dev/null
nids=$(wc -l <"$TMP/ids")
if [ -z "$msgs" ] && [ "$nids" = "$nfx" ] && [ "$nids" -ge 15 ]; then ok "every send fixture is accepted ($nids)"; else nok "every send fixture is accepted" "$msgs $(cat "$TMP/answers")"; fi
uniq=$(sort -u "$TMP/ids" | wc -l)
check "wamids are unique" [ "$uniq" = "$nids" ]

send "$A" "@$FIX/send/template.json"
check "a template answer has message_status accepted" jqb '.messages[0].message_status == "accepted"'
send "$A" "$TEXT"
check "a text answer has no message_status" jqb '.messages[0] | has("message_status") | not'

send "$A" '{"messaging_product":"whatsapp","to":"+86 139 1234 5678","type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}}'
check "contacts[0].input is the to as given, wa_id its digits" jqb '.contacts[0].input == "+86 139 1234 5678" and .contacts[0].wa_id == "8613912345678"'

send "$A" '{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"no type"}}'
check "type defaults to text" [ "$CODE" = 200 ]

# ------------------------------------------------------------------ auth
req "$A" POST "$API/messages" "${JSON[@]}" --data-binary "$TEXT"
check "no token: 401 with error 190" is "$CODE" 401 '.error.code == 190 and .error.type == "OAuthException"'
req "$A" POST "$API/messages" -H "Authorization: Bearer wrong" "${JSON[@]}" --data-binary "$TEXT"
check "wrong token: 401 with error 190" is "$CODE" 401 '.error.code == 190'
req "$A" POST "$API/messages" -H "Authorization: Basic $TOKEN" "${JSON[@]}" --data-binary "$TEXT"
check "a non-bearer Authorization: 401" [ "$CODE" = 401 ]

# ------------------------------------------------------------ validation
req "$A" POST "$API/messages" "${AUTH[@]}" -H "Content-Type: text/plain" --data-binary "$TEXT"
check "Content-Type other than JSON: 400" is "$CODE" 400 '.error.code == 100'
send "$A" '{"messaging_product":'
check "invalid JSON: 400 error 100" is "$CODE" 400 '.error.code == 100'
check "body not an object: 400" send_err "$A" '[1,2]' "JSON object"
check "missing messaging_product: 400 naming it" send_err "$A" '{"to":"16505551234","text":{"body":"x"}}' messaging_product
check "messaging_product not whatsapp: 400" send_err "$A" '{"messaging_product":"sms","to":"16505551234","text":{"body":"x"}}' messaging_product
check "missing to: 400 naming to" send_err "$A" '{"messaging_product":"whatsapp","type":"text","text":{"body":"x"}}' "to"
check "to not a phone number: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"abc123","text":{"body":"x"}}' "Param to"
check "unknown type: 400 naming type" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"fax","fax":{}}' "type"
check "type text without text object: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"text"}' "text"
check "empty text.body: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","text":{"body":""}}' "text.body"
long=$(head -c 4097 /dev/zero | tr '\0' 'a')
check "text.body of 4097 characters: 400" send_err "$A" "{\"messaging_product\":\"whatsapp\",\"to\":\"16505551234\",\"text\":{\"body\":\"$long\"}}" "text.body"
emoji=$(for _ in $(seq 4096); do printf '\xf0\x9f\x8d\xb5'; done)
send "$A" "{\"messaging_product\":\"whatsapp\",\"to\":\"16505551234\",\"text\":{\"body\":\"$emoji\"}}"
check "text.body of 4096 emoji (16384 bytes) is accepted: characters, not bytes" [ "$CODE" = 200 ]
check "image with both id and link: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"image","image":{"id":"1","link":"https://e.com/a.jpg"}}' "image"
check "image with neither id nor link: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"image","image":{"caption":"x"}}' "image"
cap=$(head -c 1025 /dev/zero | tr '\0' 'c')
check "caption of 1025 characters: 400" send_err "$A" "{\"messaging_product\":\"whatsapp\",\"to\":\"16505551234\",\"type\":\"video\",\"video\":{\"link\":\"https://e.com/v.mp4\",\"caption\":\"$cap\"}}" "video.caption"
check "location latitude not a number: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"location","location":{"latitude":"31.2","longitude":121.4}}' "location.latitude"
check "voice on a video: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"video","video":{"id":"1","voice":true}}' "video.voice"
check "voice not a boolean: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"audio","audio":{"id":"1","voice":"yes"}}' "audio.voice"
send "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"audio","audio":{"id":"1","voice":true}}'
check "a voice note is accepted" [ "$CODE" = 200 ]
tag=$(head -c 513 /dev/zero | tr '\0' 't')
check "biz_opaque_callback_data of 513 characters: 400" send_err "$A" "{\"messaging_product\":\"whatsapp\",\"to\":\"16505551234\",\"text\":{\"body\":\"x\"},\"biz_opaque_callback_data\":\"$tag\"}" "biz_opaque_callback_data"
check "template without language.code: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"template","template":{"name":"x","language":{}}}' "template.language.code"
check "template without name: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"template","template":{"language":{"code":"en_US"}}}' "template.name"
check "interactive of unknown type: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"interactive","interactive":{"type":"carousel","body":{"text":"x"},"action":{}}}' "interactive.type"
check "interactive without action: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"interactive","interactive":{"type":"button","body":{"text":"x"}}}' "interactive.action"
check "interactive without body.text: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"interactive","interactive":{"type":"list","body":{},"action":{"button":"b","sections":[{"rows":[{"id":"1","title":"t"}]}]}}}' "interactive.body.text"
check "reaction without emoji: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"reaction","reaction":{"message_id":"wamid.X"}}' "reaction.emoji"
check "reaction without message_id: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"reaction","reaction":{"emoji":"x"}}' "reaction.message_id"
check "contacts without formatted_name: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","type":"contacts","contacts":[{"name":{}}]}' "formatted_name"
check "context without message_id: 400" send_err "$A" '{"messaging_product":"whatsapp","to":"16505551234","text":{"body":"x"},"context":{}}' "context.message_id"
check "error body has Meta's shape (message, type, code, error_data, fbtrace_id)" jqb '.error | has("message") and has("type") and has("code") and (.error_data.messaging_product == "whatsapp") and has("fbtrace_id")'

send "$A" '{"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN1"}'
check "mark as read of a message nobody sent: 400 naming message_id" is "$CODE" 400 \
    '.error.code == 100 and (.error.error_data.details | test("message_id wamid.IN1"))'
req "$A" POST /_fake/inbound "${JSON[@]}" --data-binary @"$FIX/webhook/msg-text.json"
check "POST /_fake/inbound takes a webhook document as it is" jqb '.entry[0].changes[0].value.messages[0].type == "text"'
IN1=$(wamid)
send "$A" '{"messaging_product":"whatsapp","status":"read","message_id":"'"$IN1"'"}'
check "mark as read of a customer's message: 200 success" is "$CODE" 200 '.success == true'
req "$A" POST /_fake/inbound "${JSON[@]}" --data-binary '{"from":"+1 650 555 1234","text":"hi","name":"Sheena"}'
check "POST /_fake/inbound makes a customer's text message, as Meta's webhook" jqb '.object == "whatsapp_business_account"
    and (.entry[0].changes[0].value | .contacts[0].wa_id == "16505551234" and .contacts[0].profile.name == "Sheena"
    and .messages[0].from == "16505551234" and .messages[0].text.body == "hi" and (.messages[0].id | startswith("wamid.")))'
IN2=$(wamid)
req "$A" POST /_fake/inbound "${JSON[@]}" --data-binary '{"text":"no sender"}'
check "POST /_fake/inbound without a sender: 400" [ "$CODE" = 400 ]
send "$A" '{"messaging_product":"whatsapp","status":"read","message_id":"'"$IN2"'","typing_indicator":{"type":"text"}}'
check "mark as read with typing indicator: 200" [ "$CODE" = 200 ]
check "mark as read without message_id: 400" send_err "$A" '{"messaging_product":"whatsapp","status":"read"}' message_id

req "$A" GET "$API/nowhere" "${AUTH[@]}"
check "unknown path: 404 with an error body" is "$CODE" 404 '.error.message | length > 0'
req "$A" GET "/messages" "${AUTH[@]}"
check "path without version: 404" [ "$CODE" = 404 ]
req "$A" GET "$API/messages" "${AUTH[@]}"
check "GET on /messages: 400 error 100" is "$CODE" 400 '.error.code == 100'
send "$A" "$TEXT"
check "another version prefix (/v26.0) works" [ "$CODE" = 200 ]
req "$A" POST "/v21.0/106540352242922/messages" "${AUTH[@]}" "${JSON[@]}" --data-binary "$TEXT"
check "any version prefix (/v21.0) works" [ "$CODE" = 200 ]

head -c $((64 * 1024 * 1024 + 1)) /dev/zero >"$TMP/big"
req "$A" POST "$API/messages" "${AUTH[@]}" "${JSON[@]}" --data-binary "@$TMP/big"
check "a body over 64 MB: 413" [ "$CODE" = 413 ]
rm -f "$TMP/big"

nc=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' "${AUTH[@]}" "${JSON[@]}" \
    --data-binary "$TEXT" "http://127.0.0.1:$A$API/messages" "http://127.0.0.1:$A$API/messages" | tr '\n' ' ')
check "keep-alive: two requests on one connection ($nc)" [ "$nc" = "1 0 " ]

# ----------------------------------------------------------------- media
head -c 2000 /dev/urandom >"$TMP/small.jpg"
head -c $((5 * 1024 * 1024 + 1)) /dev/zero >"$TMP/big.jpg"
head -c $((600 * 1024)) /dev/zero >"$TMP/big.webp"
printf 'hello' >"$TMP/doc.txt"
media() { req "$A" POST "$API/media" "${AUTH[@]}" "$@"; }
media -F messaging_product=whatsapp -F type=image/jpeg -F "file=@$TMP/small.jpg;type=image/jpeg"
check "media upload of a JPEG: 200 with a numeric id" is "$CODE" 200 '.id | test("^[0-9]+$")'
media -F messaging_product=whatsapp -F type=text/plain -F "file=@$TMP/doc.txt;type=text/plain"
check "media upload of a text document: 200" [ "$CODE" = 200 ]
media -F messaging_product=whatsapp -F "type=audio/ogg; codecs=opus" -F "file=@$TMP/doc.txt;type=audio/ogg"
check "media upload of audio/ogg; codecs=opus: 200" [ "$CODE" = 200 ]
media -F messaging_product=whatsapp -F type=video/x-msvideo -F "file=@$TMP/small.jpg;type=video/x-msvideo"
check "unsupported MIME type: 400 naming the type" is "$CODE" 400 '.error.code == 100 and (.error.error_data.details | contains("video/x-msvideo"))'
media -F messaging_product=whatsapp -F type=image/jpeg -F "file=@$TMP/big.jpg;type=image/jpeg"
check "a JPEG over 5 MB: 400 too large" is "$CODE" 400 '.error.error_data.details | contains("too large")'
media -F messaging_product=whatsapp -F type=image/webp -F "file=@$TMP/big.webp;type=image/webp"
check "a WebP sticker over 500 KB: 400" [ "$CODE" = 400 ]
media -F type=image/jpeg -F "file=@$TMP/small.jpg;type=image/jpeg"
check "upload without messaging_product: 400 naming it" is "$CODE" 400 '.error.error_data.details | contains("messaging_product")'
media -F messaging_product=whatsapp -F type=image/jpeg
check "upload without file: 400 naming it" is "$CODE" 400 '.error.error_data.details | contains("file")'
media "${JSON[@]}" --data-binary '{"messaging_product":"whatsapp"}'
check "upload that is not multipart: 400" [ "$CODE" = 400 ]
req "$A" POST "$API/media" -H "Authorization: Bearer nope" -F messaging_product=whatsapp -F type=image/jpeg -F "file=@$TMP/small.jpg;type=image/jpeg"
check "upload with a wrong token: 401" [ "$CODE" = 401 ]

# --------------------------------------------------------------- profile
prof() { req "$A" POST "$API/whatsapp_business_profile" "${AUTH[@]}" "${JSON[@]}" --data-binary "$1"; }
prof '{"messaging_product":"whatsapp","about":"Tea since 1998","description":"Loose-leaf tea","email":"mei@example.com","websites":["https://tea.example.com"],"vertical":"RETAIL","address":"12 Nanjing Rd"}'
check "profile update: 200 success" is "$CODE" 200 '.success == true'
req "$A" GET "$API/whatsapp_business_profile?fields=about,email,websites,vertical" "${AUTH[@]}"
check "profile GET returns the stored fields asked for" jqb '.data[0] == {"about":"Tea since 1998","email":"mei@example.com","websites":["https://tea.example.com"],"vertical":"RETAIL","messaging_product":"whatsapp"}'
about139=$(for _ in $(seq 139); do printf '\xc3\xa9'; done)
prof "{\"messaging_product\":\"whatsapp\",\"about\":\"$about139\"}"
check "about of 139 characters (278 bytes) is accepted" [ "$CODE" = 200 ]
prof "{\"messaging_product\":\"whatsapp\",\"about\":\"${about139}x\"}"
check "about of 140 characters: 400 naming about" is "$CODE" 400 '.error.error_data.details | contains("about")'
desc=$(head -c 513 /dev/zero | tr '\0' 'd')
prof "{\"messaging_product\":\"whatsapp\",\"description\":\"$desc\"}"
check "description of 513 characters: 400" [ "$CODE" = 400 ]
prof '{"messaging_product":"whatsapp","websites":["https://a.example","https://b.example","https://c.example"]}'
check "three websites: 400 naming websites" is "$CODE" 400 '.error.error_data.details | contains("websites")'
prof '{"messaging_product":"whatsapp","email":"not an email"}'
check "malformed email: 400" [ "$CODE" = 400 ]
prof '{"about":"x"}'
check "profile without messaging_product: 400" [ "$CODE" = 400 ]
req "$A" GET "$API/whatsapp_business_profile?fields=about" "${AUTH[@]}"
check "a rejected update changed nothing (about is the 139-character one)" jqb ".data[0].about == \"$about139\""

# ------------------------------------------------------------ faults (cli)
check "starts with --fault and --fail-to options" start B --fault rate_limit=2 --fault retry_after=7 \
    --fail-to 16505550003=131026 --fail-to +1-650-555-0004=131047 --fault pair_rate=0 --log "$TMP/b.log"
B=$PORT_B
send "$B" "$TEXT"; c1=$CODE; h1=$(tr -d '\r' <"$TMP/headers" | grep -i '^retry-after:' | awk '{print $2}')
check "rate_limit: 429 with error 130429" is "$c1" 429 '.error.code == 130429 and .error.error_data.details != null'
check "rate_limit: Retry-After is retry_after ($h1)" [ "$h1" = 7 ]
send "$B" "$TEXT"; c2=$CODE
send "$B" "$TEXT"; c3=$CODE
check "rate_limit=2: two 429s, then 200 ($c1 $c2 $c3)" [ "$c1 $c2 $c3" = "429 429 200" ]

F131026='{"messaging_product":"whatsapp","to":"16505550003","text":{"body":"x"}}'
send "$B" "$F131026"; d1=$CODE
check "fail_to 131026: 400 with the fixture's body" is "$d1" 400 '.error.code == 131026 and .error.message == "(#131026) Message undeliverable" and .error.error_data.details == "Message Undeliverable."'
send "$B" "$F131026"
check "fail_to fires every time" [ "$CODE" = 400 ]
send "$B" '{"messaging_product":"whatsapp","to":"+1 650 555 0004","text":{"body":"x"}}'
check "fail_to 131047 (number given with + and spaces)" is "$CODE" 400 '.error.code == 131047 and (.error.error_data.details | contains("24 hours"))'

# ---------------------------------------------------- faults (run time)
fault() { req "$B" POST /_fake/faults "${JSON[@]}" --data-binary "$1"; }
fault '{"server_error":1}'
check "POST /_fake/faults answers the fault state" is "$CODE" 200 '.server_error == 1 and .retry_after == 7'
send "$B" "$TEXT"; e1=$CODE; code_is 131000 && e1b=yes || e1b=no
send "$B" "$TEXT"; e2=$CODE
check "server_error=1: one 500 with error 131000, then 200 ($e1 $e1b $e2)" [ "$e1 $e1b $e2" = "500 yes 200" ]

fault '{"pair_rate":1}'
send "$B" "$TEXT"; p1=$CODE; code_is 131056 && p1b=yes || p1b=no
send "$B" "$TEXT"; p2=$CODE
check "pair_rate=1: one 400 with error 131056, then 200 ($p1 $p1b $p2)" [ "$p1 $p1b $p2" = "400 yes 200" ]

fault '{"fail_to":{"16505550005":132001}}'
send "$B" '{"messaging_product":"whatsapp","to":"16505550005","type":"template","template":{"name":"nov_promo","language":{"code":"en_US"}}}'
check "fail_to 132001 names the template and language" is "$CODE" 400 '.error.code == 132001 and .error.error_data.details == "template name (nov_promo) does not exist in en_US"'
fault '{"fail_to":{"16505550006":131056}}'
send "$B" '{"messaging_product":"whatsapp","to":"16505550006","text":{"body":"x"}}'
check "fail_to 131056" is "$CODE" 400 '.error.code == 131056'
fault '{"fail_to":{"16505550007":131999}}'
send "$B" '{"messaging_product":"whatsapp","to":"16505550007","text":{"body":"x"}}'
check "fail_to with an unknown code: a generic body with that code" is "$CODE" 400 '.error.code == 131999'
fault '{"fail_to":{"16505550003":0}}'
send "$B" "$F131026"
check "fail_to with code 0 removes the number" [ "$CODE" = 200 ]

fault '{"next_wamid":"wamid.NAMED1"}'
check "next_wamid shows in the fault state" jqb '.next_wamid == "wamid.NAMED1"'
send "$B" "$TEXT"; n1=$(wamid)
send "$B" "$TEXT"; n2=$(wamid)
check "next_wamid: the next message gets that id, once ($n1 $n2)" [ "$n1" = wamid.NAMED1 ] && [ "$n2" != wamid.NAMED1 ]
fault '{"next_wamid":""}'
check "an empty next_wamid: 400" [ "$CODE" = 400 ]

fault '{"drop":1}'
curl -s -m 10 -o /dev/null "${AUTH[@]}" "${JSON[@]}" --data-binary "$TEXT" "http://127.0.0.1:$B$API/messages"; dr=$?
check "drop=1: the connection closes with no answer (curl exit $dr)" [ "$dr" = 52 ]
send "$B" "$TEXT"
check "after the drop, requests are answered again" [ "$CODE" = 200 ]

fault '{"bogus":1}'
check "an unknown fault: 400" [ "$CODE" = 400 ]
fault '{"drop":-1}'
check "a negative count: 400" [ "$CODE" = 400 ]
req "$B" GET /_fake/faults
check "GET /_fake/faults shows fail_to" jqb '.fail_to["16505550004"] == 131047'

# the stall holds answers until it is lifted, so no check below races it
fault '{"stall_after":1}'
check "stall_after shows in the fault state" jqb '.stall_after == 1'
send "$B" "$TEXT"
check "stall_after=1: the next request is answered" [ "$CODE" = 200 ]
logged=$(wc -l <"$TMP/b.log")
for i in 1 2 3 4 5 6 7 8; do
    curl -s -m 30 -o "$TMP/held$i" "${AUTH[@]}" "${JSON[@]}" --data-binary "$TEXT" "http://127.0.0.1:$B$API/messages" &
done
all_logged() { [ "$(wc -l <"$TMP/b.log")" -ge $((logged + 8)) ]; }
check "…the 8 after it are decided and logged (within 10 s)" wait_for all_logged
held=0; for i in 1 2 3 4 5 6 7 8; do [ -s "$TMP/held$i" ] || held=$((held + 1)); done
check "…but not answered ($held of 8 held)" [ "$held" = 8 ]
req "$B" GET /_fake/stats -m 5
check "held answers hold up no worker: /_fake/stats answers meanwhile" [ "$CODE" = 200 ]
fault '{"stall_after":0}'
# wamids FILE...: how many of the answers in FILEs (one each) carry a wamid
wamids() { grep -l '"id": *"wamid\.' "$@" | wc -l; }
wait_children() { for j in $(jobs -p); do case " ${PIDS[*]} " in *" $j "*) ;; *) wait "$j";; esac; done; }
wait_children
got=$(wamids "$TMP"/held?)
check "stall_after=0 answers what was held ($got of 8)" [ "$got" = 8 ]

# the server holds each answer slow_ms at least, so a client that waits
# less times out however loaded the machine is
fault '{"slow_ms":400}'
for i in 1 2 3 4 5 6 7 8; do
    curl -s -m 20 -o "$TMP/slow$i" "${AUTH[@]}" "${JSON[@]}" --data-binary "$TEXT" "http://127.0.0.1:$B$API/messages" &
done
curl -s -m 0.2 -o /dev/null "${AUTH[@]}" "${JSON[@]}" --data-binary "$TEXT" "http://127.0.0.1:$B$API/messages"; sr=$?
check "slow_ms=400: a client that waits 0.2 s gets nothing (curl exit $sr)" [ "$sr" = 28 ]
wait_children
got=$(wamids "$TMP"/slow?)
check "slow answers all arrive ($got of 8, within 20 s)" [ "$got" = 8 ]
fault '{"slow_ms":0}'

req "$B" GET /_fake/stats
check "stats count requests, messages and faults" jqb '.requests > 10 and .messages > 5 and .faults >= 8'
req "$B" POST /_fake/reset
req "$B" GET /_fake/stats
check "POST /_fake/reset zeroes the counters" jqb '.requests == 0 and .messages == 0 and .faults == 0'
req "$B" GET /_fake/faults
check "POST /_fake/reset clears the faults" jqb '.fail_to == {} and .rate_limit == 0 and .retry_after == 1'
req "$B" GET /_fake/nothing
check "unknown control path: 404" [ "$CODE" = 404 ]

# -------------------------------------------------------------- the log
check "the log has one valid JSON line per API request" jqf "$TMP/b.log" 'length > 5' -s
check "log lines are numbered 1, 2, 3… in order" jqf "$TMP/b.log" '[.[].n] == [range(1; length + 1)]' -s
check "log: the first line is the rate-limited send" jqf "$TMP/b.log" '.[0] | .method == "POST" and .path == "/v26.0/106540352242922/messages" and .to == "16505551234" and .status == 429 and .fault == "rate_limit" and .body.text.body == "hi"' -s
check "log: the dropped request is there with status 0" jqf "$TMP/b.log" 'map(select(.fault == "drop" and .status == 0)) | length == 1' -s
check "log: accepted sends carry their wamid" jqf "$TMP/b.log" 'map(select(.status == 200 and .to != null)) | all(.wamid | startswith("wamid."))' -s
now_us=$(date +%s%6N)
check "log: each line has its arrival time, in wall-clock microseconds" jqf "$TMP/b.log" "all(.at_us | . > $now_us - 3600000000 and . <= $now_us)" -s
req "$B" POST "$API/messages" "${AUTH[@]}" -H "Content-Type: application/json" --data-binary 'not json at all'
tail -n1 "$TMP/b.log" >"$TMP/last"
check "log: a body that is not JSON is logged as a string" jqf "$TMP/last" '.body == "not json at all" and .status == 400'
nA=$(grep -c '"status":200' "$TMP/a.log")
check "log: control endpoints are not logged" not grep -q _fake "$TMP/b.log"
check "log of A has its accepted sends and uploads ($nA)" [ "$nA" -gt 20 ]

# -------------------------------------------------------------- webhooks
SECRET=s3cr3t-app
check "starts a webhook sink" start S --app-secret "$SECRET"
S=$PORT_S
check "starts with --webhook and --app-secret" start W --webhook "http://127.0.0.1:$S/_fake/sink" --app-secret "$SECRET" --fail-to 16505550004=131047 --async-fail
W=$PORT_W
# sink_get: what the sink got, in $TMP/sink; sink_statuses: the same,
# kept in $TMP/st for stjq
sink_get() { curl -s -m 10 "http://127.0.0.1:$S/_fake/sink" >"$TMP/sink"; }
sink_statuses() { sink_get; cp "$TMP/sink" "$TMP/st"; }
# stjq EXPR [--arg NAME VALUE]...: the statuses in $TMP/st, as one array,
# satisfy EXPR (decided by the one jq at the end, like jqf)
stjq() { local e=$1; shift; jqf "$TMP/st" "[.posts[].body.entry[].changes[].value.statuses[]] | $e" "$@"; }
# have_statuses N: the sink got N statuses or more, in $TMP/st. Polled,
# counted with grep (a status has one recipient_id; the escaped raw
# bodies do not match)
have_statuses() { sink_statuses; [ "$(grep -o '"recipient_id":' "$TMP/sink" | wc -l)" -ge "$1" ]; }
wids=()
for i in 1 2 3; do send "$W" "{\"messaging_product\":\"whatsapp\",\"to\":\"1650555100$i\",\"text\":{\"body\":\"m$i\"}}"; wids+=("$(wamid)"); done
check "9 statuses arrive for 3 messages (within 10 s)" wait_for have_statuses 9
check "each message gets sent, delivered, read in that order" stjq 'reduce .[] as $s ({}; .[$s.id] += [$s.status]) | (keys | length) == 3 and all(.[]; . == ["sent","delivered","read"])'
check "statuses name the wamids the API answered" stjq '[.[].id] | unique == ([$a,$b,$c] | sort)' --arg a "${wids[0]}" --arg b "${wids[1]}" --arg c "${wids[2]}"
check "statuses carry recipient_id and Unix-seconds string timestamps" stjq 'all(.[]; (.recipient_id | test("^1650555100[123]$")) and (.timestamp | test("^[0-9]{10}$")))'
check "sent carries conversation and pricing like the fixture" stjq 'map(select(.status == "sent"))[0] | .conversation.origin.type == "service" and (.conversation.expiration_timestamp | test("^[0-9]+$")) and .pricing.pricing_model == "PMP"'
sink_get
check "payload shape: object, entry[].id, changes[].field, metadata" jqf "$TMP/sink" 'all(.posts[].body; .object == "whatsapp_business_account" and .entry[0].id == "102290129340398" and .entry[0].changes[0].field == "messages" and .entry[0].changes[0].value.messaging_product == "whatsapp" and .entry[0].changes[0].value.metadata.phone_number_id == "106540352242922" and .entry[0].changes[0].value.metadata.display_phone_number == "15550783881")'
check "every post is signed correctly (checked by the sink)" jqf "$TMP/sink" '.posts | length > 0 and all(.valid == true)'
raw=$(sqlite3 :memory: "SELECT json_extract(CAST(readfile('$TMP/sink') AS TEXT), '\$.posts[0].raw')")
sig=$(sqlite3 :memory: "SELECT json_extract(CAST(readfile('$TMP/sink') AS TEXT), '\$.posts[0].signature')")
mac=$(printf '%s' "$raw" | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')
check "X-Hub-Signature-256 is sha256=HMAC(app secret, raw body) (openssl agrees)" [ "$sig" = "sha256=$mac" ]
check "the app secret is never printed" not grep -q "$SECRET" "$TMP/W.err" "$TMP/S.err"

curl -s -m 10 -X POST "http://127.0.0.1:$S/_fake/reset" >/dev/null
send "$W" '{"messaging_product":"whatsapp","to":"16505550004","text":{"body":"late"}}'
check "--async-fail: a fail_to recipient gets 200 first" [ "$CODE" = 200 ]
fw=$(wamid)
check "…then a failed status by webhook (within 10 s)" wait_for have_statuses 1
check "the failed status carries errors[0].code 131047 like the fixture" stjq 'length == 1 and .[0].id == $w and .[0].status == "failed" and .[0].errors[0].code == 131047 and .[0].errors[0].title == "Re-engagement message" and (.[0].errors[0].error_data.details | contains("24 hours"))' --arg w "$fw"

curl -s -m 10 -X POST "http://127.0.0.1:$S/_fake/reset" >/dev/null
curl -s -m 10 -X POST -H "Content-Type: application/json" -d '{"sink_fail":1}' "http://127.0.0.1:$S/_fake/faults" >/dev/null
send "$W" "$TEXT"
check "a failed webhook post is retried: all 3 statuses still arrive" wait_for have_statuses 3
req "$S" GET /_fake/stats
check "the sink saw the failed attempt too" jqb '.faults == 1'

curl -s -m 10 -X POST "http://127.0.0.1:$S/_fake/reset" >/dev/null
# urls FILE PORT COUNT: a curl config asking COUNT times for /messages
urls() { for _ in $(seq "$3"); do echo "url = \"http://127.0.0.1:$2$API/messages\""; echo "output = /dev/null"; done >"$1"; }
urls "$TMP/bulk.cfg" "$W" 200
curl -s --no-progress-meter -m 30 --parallel --parallel-max 20 "${AUTH[@]}" "${JSON[@]}" \
    --data-binary '{"messaging_product":"whatsapp","to":"16505552000","text":{"body":"bulk"}}' -K "$TMP/bulk.cfg"
check "600 statuses for 200 messages arrive, batched (within 10 s)" wait_for have_statuses 600
req "$S" GET /_fake/stats
check "…in fewer posts than statuses ($(grep -Eo '"sink_posts": *[0-9]+' "$TMP/body" | grep -Eo '[0-9]+$') posts)" jqb '.sink_posts < 600'

check "starts with --statuses sent" start W2 --webhook "http://127.0.0.1:$S/_fake/sink" --app-secret "$SECRET" --statuses sent
curl -s -m 10 -X POST "http://127.0.0.1:$S/_fake/reset" >/dev/null
send "$PORT_W2" "$TEXT"
wait_for have_statuses 1
stopped W2 # posts what it still has queued before it exits: no need to wait
sink_statuses
check "--statuses sent: only sent is posted" stjq 'length == 1 and .[0].status == "sent"'

# ---------------------------------------------------------------- --phone-id
check "starts with --phone-id" start P --phone-id 111222333
req "$PORT_P" POST "$API/messages" -H "Authorization: Bearer anything" "${JSON[@]}" --data-binary "$TEXT"
check "--phone-id: another id answers 400 error 100 subcode 33" is "$CODE" 400 '.error.code == 100 and .error.error_subcode == 33'
req "$PORT_P" POST "/v26.0/111222333/messages" -H "Authorization: Bearer anything" "${JSON[@]}" --data-binary "$TEXT"
check "--phone-id: that id works, and any non-empty token is accepted without --token" [ "$CODE" = 200 ]
FAKEAPI_TOKEN=envtok start E
req "$PORT_E" POST "$API/messages" -H "Authorization: Bearer anything" "${JSON[@]}" --data-binary "$TEXT"; e1=$CODE
req "$PORT_E" POST "$API/messages" -H "Authorization: Bearer envtok" "${JSON[@]}" --data-binary "$TEXT"; e2=$CODE
check "FAKEAPI_TOKEN sets the token ($e1 $e2)" [ "$e1 $e2" = "401 200" ]

# --------------------------------------------------------------- shutdown
# pending webhooks are flushed on SIGTERM: queue many with a long delay
curl -s -m 10 -X POST "http://127.0.0.1:$S/_fake/reset" >/dev/null
check "starts with --webhook-delay-ms" start D --webhook "http://127.0.0.1:$S/_fake/sink" --app-secret "$SECRET" --statuses sent --webhook-delay-ms 60000
urls "$TMP/d.cfg" "$PORT_D" 50
curl -s --no-progress-meter -m 30 --parallel "${AUTH[@]}" "${JSON[@]}" \
    --data-binary '{"messaging_product":"whatsapp","to":"16505553000","text":{"body":"x"}}' -K "$TMP/d.cfg"
sink_statuses
check "with --webhook-delay-ms 60000 nothing is posted yet" stjq 'length == 0'
stop D TERM
check "SIGTERM: exits 0 (also no leak under ASan)" [ "$RC" = 0 ]
sink_statuses
check "SIGTERM: the 50 pending statuses were flushed first" stjq 'length == 50'

for x in A B W P E; do stopped "$x"; done
stop S INT
check "SIGINT: exits 0" [ "$RC" = 0 ]
errs=$(cat "$TMP"/*.err)
check "nothing unexpected on stderr (quiet mode)" [ -z "$errs" ]
[ -n "$errs" ] && printf '%s\n' "$errs" | head -20 | sed 's/^/# /'

tap_done
[ "$failed" = 0 ]
