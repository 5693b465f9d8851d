#!/bin/sh
# wb-send against a misbehaving API: each injected fault (429 with
# Retry-After, 5xx, dropped connections, pair rate, a failing recipient,
# a bad token, no server), two flushes at once, and kill -9 in the middle
# of a 1,000-recipient broadcast followed by flush.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
export WB_NOW=2026-11-25T10:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
fake_start
A=16505550001 B=16505550002

fake_faults '{"rate_limit":2,"retry_after":0}'
exits 0 "429 twice, then accepted" -- wb-send --to $A --template t
is "$(grep -c '"to":"16505550001","status":429,.*"fault":"rate_limit"' "$T/api.log")" "2" "two 429s reached the fake"
is "$(sends_to $A)" "1" "then one accepted, sent once"
is "$(sql "SELECT status, attempts FROM message ORDER BY id DESC LIMIT 1")" "sent|3" "three attempts, sent"
fake_faults '{"server_error":1}'
exits 0 "a 500, then accepted" -- wb-send --to $A --template t
is "$(sends_to $A)" "2" "sent"
fake_faults '{"drop":1}'
exits 0 "a dropped connection, then accepted" -- wb-send --to $A --template t
is "$(grep -c '"status":0,.*"fault":"drop"' "$T/api.log")" "1" "the drop happened"
is "$(sends_to $A)" "3" "sent"
fake_faults '{"pair_rate":1}'
exits 0 "131056 pair rate, then accepted" -- wb-send --to $A --template t
is "$(sends_to $A)" "4" "sent"

fake_faults '{"fail_to":{"16505550002":131026}}'
exits 65 "an undeliverable recipient fails at once" -- wb-send --to $B --template t
like "$(cat "$T/out")" ",$B,,,failed,\(#131026\) Message undeliverable" "the row says the API's code and text"
is "$(sql "SELECT status, error_code, attempts FROM message ORDER BY id DESC LIMIT 1")" "failed|131026|1" \
	"stored as failed with the code, tried once"
fake_faults '{"fail_to":null}'

# a failed status overtakes the API's answer: the webhook is stored
# first, then the answer names its wamid; the run reports what the
# database says (next_wamid names the id the fake will give)
sed 's/wamid\.HBgNODYxMzkxMjM0NTY3OBUCABEYEkZBSUxFRDAwMDAwMDAwMDAxAA==/wamid.EARLY1/; s/8613912345678/16505550002/' \
	"$FIXTURES/webhook/status-failed.json" | wb-recv >/dev/null
fake_faults '{"next_wamid":"wamid.EARLY1"}'
exits 65 "a failure that came before the answer" -- wb-send --to $B --template t
like "$(cat "$T/out")" ",$B,,wamid.EARLY1,failed,Message failed to send because more than 24 hours" "the row says failed, with the webhook's error"
like "$(cat "$T/err")" "1 failed" "and the exit status counts it"
is "$(sql "SELECT status FROM message WHERE wamid = 'wamid.EARLY1'")" "failed" "as the database has it"

# the database refuses a write in the middle of a round: the run stops,
# nothing goes out, every row it held stays queued for a flush (and,
# under SANITIZE=1, nothing it held leaks)
D=16505550011 E=16505550012 F=16505550013
before=$(api_requests)
sql "CREATE TRIGGER no_sending BEFORE UPDATE OF status ON message WHEN NEW.status = 'sending'
     BEGIN SELECT RAISE(ABORT, 'the disk said no'); END"
exits 65 "a database error while marking rows sending stops the run" -- \
	wb-send --rate off --to $D --to $E --to $F --template t
like "$(cat "$T/err")" "marking a message sending: the disk said no" "and says why"
is "$(api_requests)" "$before" "nothing reached the API"
is "$(sql "SELECT group_concat(m.status) FROM message m JOIN contact c ON c.id = m.contact_id
	   WHERE c.wa_id IN ('$D', '$E', '$F')")" "queued,queued,queued" "every row still queued"
sql "DROP TRIGGER no_sending"
exits 0 "a flush sends them" -- wb-send flush --rate off
is "$(sends_to $D)$(sends_to $E)$(sends_to $F)" "111" "each once"

fake_faults '{"server_error":1}'
exits 75 "WB_RETRY_BASE_MS=200000: a first backoff of 100-200 s is more than a run waits" -- \
	env WB_RETRY_BASE_MS=200000 wb-send --to $A --template t
is "$(sql "SELECT status, next_try_at - strftime('%s','2026-11-25T10:00:00Z') BETWEEN 100 AND 201 FROM message ORDER BY id DESC LIMIT 1")" \
	"queued|1" "left queued until then"

fake_faults '{"rate_limit":1,"retry_after":120}'
exits 75 "a Retry-After longer than a run waits: left queued" -- wb-send --to $A --template later
like "$(cat "$T/out")" ",$A,,,queued,\(#130429\)" "reported as queued, with the reason"
id=$(tail -n +2 "$T/out" | cut -d, -f1)
is "$(sql "SELECT status, next_try_at - strftime('%s','2026-11-25T10:00:00Z') >= 120 FROM message WHERE id = $id")" \
	"queued|1" "queued, not before the Retry-After"
exits 0 "flush before then sends nothing" -- wb-send flush
is "$(sql "SELECT status FROM message WHERE id = $id")" "queued" "still queued"
WB_NOW=2026-11-25T10:05:00Z wb-send flush >/dev/null
ok $? "flush after it"
is "$(sql "SELECT status FROM message WHERE id = $id")" "sent" "sent"

exits 78 "a rejected token" -- env WB_TOKEN=wrong wb-send --to $A --template t
like "$(cat "$T/err")" "rejected the token" "says so"
grep -q wrong "$T/err" "$T/out"
ok $((! $?)) "without printing it"
is "$(sql "SELECT status FROM message ORDER BY id DESC LIMIT 1")" "queued" "the message stays queued"
exits 0 "flush with the right token sends it" -- wb-send flush -o csv
is "$(tail -n +2 "$T/out" | cut -d, -f5)" "sent" "sent"

exits 69 "no server" -- env WB_API_URL=http://127.0.0.1:1/v26.0 wb-send --to $A --template t
like "$(cat "$T/err")" "unreachable" "says the API is unreachable"
is "$(sql "SELECT status FROM message ORDER BY id DESC LIMIT 1")" "queued" "the message stays queued"
WB_NOW=2026-11-25T11:00:00Z wb-send flush -o csv > "$T/out"
is "$(tail -n +2 "$T/out" | cut -d, -f5)" "sent" "a later flush sends it"

# wb-send - keeps several requests in flight: a recipient the API keeps
# refusing with 130429 is tried again while the lines after it go, a
# dropped connection and a 429 cost only their own retry, and the rows
# come out in the lines' order, not in the order the answers came
G=16505550021 H=16505550022 I=16505550023 J=16505550024
for p in $G $H $I $J; do printf '{"to":"%s","template":"t"}\n' $p; done > "$T/four.jsonl"
fake_faults '{"fail_to":{"16505550021":130429},"drop":1,"rate_limit":1,"retry_after":0}'
: > "$T/api.log"
exits 75 "wb-send -: one recipient refused for now, the others sent" -- \
	env WB_RETRY_BASE_MS=1 wb-send - --rate off -o csv < "$T/four.jsonl"
fake_faults '{"fail_to":null}'
is "$(tail -n +2 "$T/out" | cut -d, -f2,5 | tr '\n' ' ')" "$G,queued $H,sent $I,sent $J,sent " \
	"the rows in the lines' order, the one answered last first"
is "$(sends_to $H)$(sends_to $I)$(sends_to $J)" "111" "each of the others sent once"
is "$(grep -c '"fault":"drop"' "$T/api.log")$(grep -c '"fault":"rate_limit"' "$T/api.log")" "11" \
	"through a dropped connection and a 429"
is "$(sql "SELECT m.status, m.attempts FROM message m JOIN contact c ON c.id = m.contact_id WHERE c.wa_id = '$G'")" \
	"queued|5" "the refused one tried 5 times, left queued"
wb-send cancel "$(tail -n +2 "$T/out" | head -1 | cut -d, -f1)" > /dev/null

# two flushes at once never send the same message
i=0; echo phone > "$T/many.csv"
while [ $i -lt 300 ]; do printf '1650556%04d\n' $i >> "$T/many.csv"; i=$((i + 1)); done
exits 0 "300 queued for later" -- sh -c "wb-send --template t --at 2026-11-26T09:00 < '$T/many.csv'"
fake_faults '{"slow_ms":5}'
: > "$T/api.log"
WB_NOW=2026-11-26T09:00:00Z wb-send flush --concurrency 4 --rate off -o csv > "$T/f1" 2>&1 &
p1=$!
WB_NOW=2026-11-26T09:00:00Z wb-send flush --concurrency 4 --rate off -o csv > "$T/f2" 2>&1 &
p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
is "$r1$r2" "00" "both flushes succeed"
is "$(grep -c '"status":200,' "$T/api.log")" "300" "300 messages reached the API"
is "$(grep -o '"to":"[0-9]*","status":200' "$T/api.log" | sort -u | wc -l | tr -d ' ')" "300" "each recipient once"
is "$(cat "$T/f1" "$T/f2" | grep -c ',sent,')" "300" "each reported once"

# kill -9 in the middle of a 1,000-recipient broadcast, then flush. The
# fake holds every answer after the 200th, so the kill lands in the middle
# whatever the machine's speed. A request caught by the kill may or may not
# have reached the API: each unknown one is there once or not at all.
i=0; echo phone > "$T/k.csv"
while [ $i -lt 1000 ]; do printf '1650557%04d\n' $i >> "$T/k.csv"; i=$((i + 1)); done
fake_faults '{"slow_ms":0,"stall_after":200}'
: > "$T/api.log"
wb-send --template t --concurrency 8 --rate off < "$T/k.csv" > /dev/null 2>&1 &
victim=$!
while [ "$(grep -c '"status":200,' "$T/api.log")" -lt 200 ] && kill -0 $victim 2>/dev/null; do sleep 0.05; done
kill -9 $victim
wait $victim 2>/dev/null
fake_faults '{"stall_after":0}'
before=$(grep -c '"status":200,' "$T/api.log")
ok $(( before >= 200 && before <= 208 ? 0 : 1 )) "killed in the middle ($before of 1000 reached the API)"
exits 0 "flush after the crash" -- wb-send flush --rate off -o csv
unknown=$(grep -c ',unknown,' "$T/out")
ok $(( unknown <= 8 ? 0 : 1 )) "at most the requests in flight are unknown ($unknown)"
grep -o '"to":"1650557[0-9]*","status":200' "$T/api.log" | cut -d'"' -f4 | sort > "$T/at-api"
is "$(uniq -d "$T/at-api" | wc -l | tr -d ' ')" "0" "no recipient twice at the API"
sql "SELECT c.wa_id, m.status FROM message m JOIN contact c ON c.id = m.contact_id
	WHERE c.wa_id LIKE '1650557%' ORDER BY 1" > "$T/rows"
is "$(grep -c '|sent$' "$T/rows")+$(grep -c '|unknown$' "$T/rows")" "$((1000 - unknown))+$unknown" \
	"none lost: every recipient sent or reported unknown"
is "$(grep '|sent$' "$T/rows" | cut -d'|' -f1 | comm -23 - "$T/at-api" | wc -l | tr -d ' ')" "0" \
	"every sent one reached the API"
is "$(grep -c '|unknown$' "$T/rows")" "$unknown" "the unknown ones are those reported"
exits 0 "flush --retry-unknown resends the unknown ones" -- wb-send flush --retry-unknown -o csv
is "$(grep -c ',sent,' "$T/out")" "$unknown" "they are sent"
is "$(sql "SELECT count(*) FROM message WHERE status = 'unknown'")" "0" "nothing unknown remains"
# the same for wb-send - killed with requests in flight: the lines read
# are rows, each sent once or reported unknown by the next flush
i=0; while [ $i -lt 100 ]; do printf '{"to":"1650558%04d","template":"t"}\n' $i; i=$((i + 1)); done > "$T/k.jsonl"
fake_faults '{"stall_after":20}'
: > "$T/api.log"
wb-send - --concurrency 8 --rate off < "$T/k.jsonl" > /dev/null 2>&1 &
victim=$!
while [ "$(grep -c '"status":200,' "$T/api.log")" -lt 20 ] && kill -0 $victim 2>/dev/null; do sleep 0.05; done
kill -9 $victim
wait $victim 2>/dev/null
fake_faults '{"stall_after":0}'
exits 0 "flush after wb-send - was killed" -- wb-send flush --rate off -o csv
unknown=$(grep -c ',unknown,' "$T/out")
ok $(( unknown <= 8 ? 0 : 1 )) "at most the requests in flight are unknown ($unknown)"
grep -o '"to":"1650558[0-9]*","status":200' "$T/api.log" | cut -d'"' -f4 | sort > "$T/at-api"
is "$(uniq -d "$T/at-api" | wc -l | tr -d ' ')" "0" "no recipient twice at the API"
# how many lines it had read when it was killed is up to the scheduler:
# what it read is rows, each sent or unknown, and what reached the API
# is among them (the rest is unread input, the caller's to send again)
sql "SELECT c.wa_id, m.status FROM message m JOIN contact c ON c.id = m.contact_id
	WHERE c.wa_id LIKE '1650558%' ORDER BY 1" > "$T/rows"
is "$(grep -vc '|sent$\||unknown$' "$T/rows")" 0 "none lost: each line read sent or unknown"
is "$(cut -d'|' -f1 "$T/rows" | comm -13 - "$T/at-api" | wc -l | tr -d ' ')" 0 "every one the API got is a row"
done_testing
