#!/bin/sh
# share/examples/wb.cron as shipped: each of its lines run as cron runs
# it (env -i: HOME and the crontab's PATH, nothing else; % as cron reads
# it), with the settings in ~/.config/wb/config pointing at a throw-away
# world and the fake API. Then a flush with nothing due writes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
fake_start
sql() { sqlite3 "$WB_DB" "$@"; }
CRON="$TOP/share/examples/wb.cron"
A=16505550001 B=16505550002 C=16505550003

# the world: two vip customers who wrote yesterday, a message due now
wb-contact add $A name=Ann >/dev/null && wb-contact add $B name=Bob >/dev/null && wb-contact add $C >/dev/null
wb-label add vip >/dev/null && wb-label apply vip $A $B >/dev/null
sql "UPDATE contact SET last_in_at = strftime('%s', 'now') - 86400 WHERE wa_id IN ('$A', '$B')"
wb-send --to $C --template order_shipped --at +1h >/dev/null
sql "UPDATE message SET due_at = strftime('%s', 'now') - 5"

# the settings cron finds: only in the config file
mkdir -p "$HOME/.config/wb" && chmod 700 "$HOME/.config" "$HOME/.config/wb"
cat >"$HOME/.config/wb/config" <<EOF
WB_DB=$WB_DB
WB_API_URL=$WB_API_URL
WB_PHONE_ID=$WB_PHONE_ID
WB_TOKEN=$WB_TOKEN
EOF
chmod 600 "$HOME/.config/wb/config"

# the crontab's PATH, with the build's programs where make install puts them
cron_path=$(sed -n 's/^PATH=//p' "$CRON" | sed "s|/usr/local/bin|$TOP/bin|")
like "$cron_path" "^$TOP/bin:/usr/bin:/bin$" "the crontab sets a PATH with /usr/local/bin"
# cron_run N [NAME=VALUE...]: the Nth job of the crontab as cron runs it,
# in an empty directory, with the crontab's variables given; its status,
# stdout and stderr in $T/rc, $T/out, $T/err
mkdir "$T/cwd"
grep -Ev '^[[:space:]]*(#|$|[A-Z_]+=)' "$CRON" | sed -E 's/^([^[:space:]]+[[:space:]]+){5}//; s/\\%/%/g' >"$T/jobs"
cron_run() {
	_job=$(sed -n "${1}p" "$T/jobs")
	shift
	(cd "$T/cwd" && env -i HOME="$HOME" LOGNAME=wb SHELL=/bin/sh PATH="$cron_path" "$@" \
		/bin/sh -c "$_job") >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
is "$(wc -l <"$T/jobs" | tr -d ' ')" "6" "six jobs"

before=$(api_requests)
cron_run 1
is "$(cat "$T/rc"):$(cat "$T/err")" "0:" "flush: exit 0, nothing on stderr"
sent="$HOME/.local/state/wb/sent.csv"
like "$(cat "$sent")" "^[0-9]+,$C,,wamid\.[^,]+,sent,,,order_shipped$" "the due message sent, its row appended without a header"
is "$(cat "$HOME/.local/state/wb/flush.log")" "" "the log directory made, nothing logged"
cron_run 1
is "$(cat "$T/rc"):$(wc -l <"$sent" | tr -d ' ')" "0:1" "nothing due: nothing appended, not even a header"

cron_run 2
# no template was synced here: sent as given, with the warning cron mails
is "$(cat "$T/rc"):$(cat "$T/err")" "0:wb-send: template weekly_promo (en_US): not checked: no templates are synced (wb-template sync)" \
	"Monday's promotion: exit 0 (unchecked: no templates synced)"
is "$(sends_to $A)$(sends_to $B)$(sends_to $C)" "111" "to the vip customers (the flushed message was C's)"
is "$(sql "SELECT name LIKE 'weekly 20__-__-__' FROM broadcast")" "1" "named by cron's date, % read as cron reads it"

cron_run 3
is "$(cat "$T/rc"):$(cat "$T/err")" "0:" "the nightly dormant label: exit 0"
is "$(wb-label who dormant -o csv --no-header | cut -d, -f1)" "$C" "on the customer who never wrote"
cron_run 3
is "$(cat "$T/rc")" "0" "and again the next night, the label there already"

cron_run 4
is "$(cat "$T/rc"):$(cat "$T/err")" "0:" "Friday's report: exit 0"
is "$(head -1 "$HOME"/reports/week-*.csv | cut -d, -f1,2)" "day,received" "the report directory made, the CSV in it"

cron_run 5
is "$(cat "$T/rc"):$(cat "$T/err")" "0:" "Monday's page, as shipped: exit 0"
page=$(ls "$HOME"/reports/week-*.html)
grep -q '<svg' "$page"
ok $? "the page with its charts in ~/reports"
# with an address, mail(1) gets the page: here a stand-in that notes its arguments
mkdir "$T/mailbin"
printf '#!/bin/sh\nprintf "%%s|" "$@" >"%s"\n' "$T/mail.args" >"$T/mailbin/mail"
chmod +x "$T/mailbin/mail"
cron_run 5 WB_REPORT_TO=boss@example.com PATH="$T/mailbin:$cron_path"
is "$(cat "$T/rc"):$(cat "$T/err")" "0:" "with WB_REPORT_TO: exit 0"
like "$(cat "$T/mail.args")" "^-A\|$page\|-s\|The week to 20[0-9-]+\|boss@example.com\|$" "mailed, the page attached"

cron_run 6
is "$(cat "$T/rc"):$(cat "$T/err")" "0:" "the CRM's changes: exit 0"
changes="$HOME/crm/changes.jsonl"
is "$(wc -l <"$changes" | tr -d ' ')" "$(sql "SELECT count(*) FROM change")" "every change, a line each"
is "$(cat "$HOME/.local/state/wb/crm.cursor")" "$(sql "SELECT max(id) FROM change")" "the cursor saved"
printf '{"cursor":9' >>"$changes"
wb-label apply vip $C >/dev/null
cron_run 6
is "$(tail -n 2 "$changes" | cut -c1-12)" '{"cursor":9
{"cursor":'"$(sql "SELECT max(id) FROM change")" "the next run ends a cut line and writes only what is new"
is "$(ls -A "$T/cwd")" "" "nothing made in the directory cron ran in"
is "$(($(api_requests) - before))" "3" "three messages in all"
done_testing
