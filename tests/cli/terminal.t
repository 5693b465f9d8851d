#!/bin/sh
# Output for people: a table shows times in the business zone with their
# offset, durations and rates in words, fits the terminal (COLUMNS, or the
# tty's width through a pseudo-terminal) by cutting the widest columns,
# writes one row a line a column, and draws sparklines and bar charts
# (Unicode blocks, ASCII outside UTF-8); csv and json keep raw values.
# Input read from a terminal says what it waits for. A customer's
# control characters are shown, not obeyed. --no-header.
. "$(dirname "$0")/lib.sh"
export WB_NOW=2026-11-25T10:00:00Z
sql() { sqlite3 "$WB_DB" "$@"; }
# tty CMD: runs the shell command CMD with a pseudo-terminal as its
# stdin, stdout and stderr (script(1)), feeding it this shell's stdin
tty() { script -qec "$1" /dev/null | tr -d '\r'; }
# widest TEXT: the longest line, in bytes
widest() { printf '%s\n' "$1" | awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }'; }
A=16505550001 B=16505550002

wb-profile set timezone=Asia/Shanghai >/dev/null
wb-contact add $A name='Ann Mueller-Luedenscheidt of Hohenzollern-Sigmaringen' >/dev/null
wb-contact add $B name=Bo >/dev/null
# Ann wrote on the 24th at 10:00Z (18:00 in Shanghai) and 11:00Z; we
# answered at 12:05Z, read; a message is queued for the 26th
msg() { sql "INSERT INTO message (contact_id, direction, type, body, ts, status, sent_at, due_at)
	VALUES (1, '$1', 'text', 'hi', strftime('%s', '$2'), '$3', $4, $5)"; }
msg in 2026-11-24T10:00:00Z received NULL NULL
msg in 2026-11-25T01:00:00Z received NULL NULL
msg out 2026-11-24T12:05:00Z read "strftime('%s', '2026-11-24T12:05:00Z')" NULL
msg out 2026-11-25T09:00:00Z queued NULL "strftime('%s', '2026-11-26T01:30:00Z')"
sql "UPDATE contact SET last_in_at = strftime('%s', '2026-11-24T10:00:00Z') WHERE id = 1"

# --- times: the business zone with its offset in a table, UTC elsewhere
is "$(wb-contact ls -o csv --no-header | cut -d, -f1,8)" "$A,2026-11-24T10:00:00Z
$B," "csv: UTC"
like "$(wb-contact ls -o table)" "^$A  +Ann .* 2026-11-24 18:00\+08:00$" "ls as a table: the business zone"
like "$(wb-contact log $A -o table)" "^2026-11-24 18:00\+08:00  $A  +in " "log"
like "$(wb-send queue -o table)" "$A +text +queued +2026-11-26 09:30\+08:00" "the queue"
like "$(wb-stats conversations --since 2026-11-24 --until 2026-11-26 -o table)" \
	"^$A  +Ann .*  2026-11-24 18:00\+08:00  +2h 05m  +1  +1  2026-11-24 20:05\+08:00" "stats; a duration in words"

# --- durations and rates: in words in a table, numbers elsewhere
exits 0 "a day by day report" -- wb-stats --since 2026-11-24 --until 2026-11-26 --by day -o csv
is "$(sed -n 2p "$T/out" | cut -d, -f1,2,3,7,8,11)" "2026-11-24,1,1,1,1,7500" "csv: rates as fractions, seconds"
LC_ALL=C.UTF-8 exits 0 "as a table" -- wb-stats --since 2026-11-24 --until 2026-11-26 --by day -o table
like "$(sed -n 2p "$T/out")" "^2026-11-24 +1  █ +1 +1 +1 +0 +100% +100% .* 2h 05m +2h 05m " \
	"a table: 100%, 2h 05m, and received's sparkline"
like "$(sed -n 3p "$T/out")" "^2026-11-25  +1  █ " "a block a row, as high as the count"
LC_ALL=C exits 0 "in ASCII" -- wb-stats --since 2026-11-23 --until 2026-11-26 --by day -o table
is "$(sed -n '2,4p' "$T/out" | cut -c20-23 | tr '\n' '|')" "0   |1  @|1  @|" "the sparkline is ASCII outside UTF-8, blank for none"

# --- one row: a line a column
exits 0 "the summary" -- wb-stats --since 2026-11-24 --until 2026-11-26 -o table
like "$(cat "$T/out")" "^since: +2026-11-24 00:00\+08:00$" "one row: a line a column"
like "$(cat "$T/out")" "
read_rate: +100%
" "with the figures in words"
like "$(wb-contact show $A -o table)" "^phone: +$A
name: +Ann .*
attrs:$" "wb-contact show too; empty values end their line"

# --- bar charts
LC_ALL=C.UTF-8 COLUMNS=40 exits 0 "--plot" -- wb-stats --since 2026-11-23 --until 2026-11-26 --by day --plot received
is "$(cat "$T/out")" "day         received
2026-11-23                             0
2026-11-24  ██████████████████████████ 1
2026-11-25  ██████████████████████████ 1" "a bar a row, as wide as the terminal"
LC_ALL=C COLUMNS=30 exits 0 "--plot of a rate, in ASCII" -- wb-stats --since 2026-11-24 --until 2026-11-26 --by day --plot read_rate --no-header
is "$(sed 's/ *$//' "$T/out")" "2026-11-24  ############# 100%
2026-11-25" "'#' outside UTF-8; the value as the table shows it"
exits 64 "--plot of no such column" -- wb-stats --plot frequency
like "$(cat "$T/err")" "--plot: 'frequency' is not one of received, sent, " "lists the columns"
exits 64 "--plot with -o csv" -- wb-stats --plot received -o csv
LC_ALL=C exits 0 "--plot of top" -- wb-stats top --since 2026-11-24 --until 2026-11-26 --plot messages
like "$(cat "$T/out")" "^$A +Ann .* #+ 3$" "named by phone and name"

# --- width: COLUMNS, or the terminal's; the widest columns cut first
LC_ALL=C COLUMNS=84 exits 0 "a table 84 columns wide" -- wb-contact ls -o table
is "$(widest "$(cat "$T/out")")" "84" "never wider"
like "$(cat "$T/out")" "^$A  +Ann Mueller-Lueden~ +false  2026-11-24 18:00\+0~$" \
	"the widest cut first, the name, then with the time; '~' outside UTF-8"
like "$(head -1 "$T/out")" "^phone  +use~  name  +pro~  use~  lab~  opte~  last_in$" "a header wider than its cells is cut before them"
LC_ALL=C.UTF-8 COLUMNS=84 exits 0 "in UTF-8" -- wb-contact ls -o table
like "$(cat "$T/out")" "Ann Mueller-Lueden…" "cut with an ellipsis"
out=$(LC_ALL=C tty 'stty cols 52; wb-contact ls' </dev/null)
like "$out" "^phone  +use~  +name" "on a terminal: a table by default"
is "$(widest "$out")" "52" "as wide as the terminal"

# --- stdin on a terminal: what it waits for
out=$(printf '%s\n' $B | tty 'wb-label apply Paid')
like "$out" "wb-label: stdin is the terminal: type phone numbers, one a line \(or CSV with a phone column\), then Ctrl-D" \
	"says what it waits for"
like "$out" "Paid +$B +true" "and reads it"

# --- outside text: control characters shown, not obeyed (a table, a
# diagnostic); bidi controls and invisible format characters shown as
# <U+XXXX>, so that no name reorders what is around it ("Trojan Source")
ESC=$(printf '\033') RLO=$(printf '\342\200\256') LRI=$(printf '\342\201\246') PDI=$(printf '\342\201\251')
sql "UPDATE contact SET profile_name = 'Eve${ESC}]0;pwned$(printf '\007')${ESC}[31m',
	name = 'Bo ${RLO}99.0\$${LRI}x${PDI}' WHERE wa_id = '$B'"
sql "UPDATE message SET body = 'hi$(printf '\302\233')2J' WHERE id = 1"
out=$(wb-contact ls -o table; wb-contact log $A -o table)
like "$out" "  Eve\^\[\]0;pwned\^G\^\[\[31m  " "a table shows a name's control characters in caret notation"
like "$out" "  hi\^\[\[2J  " "and a C1 control (CSI) as the ESC sequence it stands for"
like "$out" "  Bo <U\+202E>99\.0\\\$<U\+2066>x<U\+2069>  " "and bidi controls as <U+XXXX>"
csv=$(tty 'wb-contact ls -o csv; wb-contact log '$A' -o json' </dev/null)
like "$csv" "Eve\^\[\]0;pwned\^G\^\[\[31m" "csv and json on a terminal show them too"
like "$csv" "Bo <U\+202E>99" "bidi controls too"
is "$(wb-contact ls -o csv --no-header | grep -c "Bo ${RLO}99.0\\\$${LRI}x${PDI}")" 1 "csv to a pipe keeps the exact bytes"
exits 65 "a bad phone with an escape sequence in it" -- wb-contact add "1${ESC}[2J"
is "$(cat "$T/err")" "wb-contact: '1^[[2J': not a phone number (unexpected character)" "a diagnostic shows it too"
is "$(cat "$T/err" "$T/out" | tr -d '\033\007' | wc -c) $(printf '%s' "$out$csv" | tr -d '\033\007\302\233' | wc -c)" \
	"$(cat "$T/err" "$T/out" | wc -c) $(printf '%s' "$out$csv" | wc -c)" "no escape or bell byte reaches the terminal"

# wb-recv's events on a terminal: DEL, C1 controls and bidi controls as
# JSON \u escapes (ESC already is one), the same JSON as to a pipe
DEL=$(printf '\177') CSI=$(printf '\302\233')
sed -e "s/Mei Chen 陈梅/Zed${RLO}${DEL}/" -e "s/你好, is the oolong in stock?/pay \\\\u001b${CSI}[2J${LRI}100${PDI}/" \
	"$FIXTURES/webhook/msg-text.json" >"$T/hook.json"
tty "wb-recv '$T/hook.json'" </dev/null >"$T/ev.tty"
WB_DB="$T/piped.db" wb-recv "$T/hook.json" >"$T/ev.pipe"
ev=$(cat "$T/ev.tty")
like "$ev" '"name":"Zed\\u202e\\u007f".*"text":"pay \\u001b\\u009b\[2J\\u2066100\\u2069' \
	"wb-recv to a terminal: \\u escapes for DEL, C1 and bidi controls"
case $ev in *"$RLO"* | *"$DEL"* | *"$CSI"* | *"$LRI"* | *"$ESC"*) ok 1 "none of them raw" ;; *) ok 0 "none of them raw" ;; esac
is "$(jq -n --slurpfile a "$T/ev.tty" --slurpfile b "$T/ev.pipe" '$a == $b and ($b[0].name | contains("\u202e"))')" true \
	"the same events as to a pipe, which gets the exact bytes"

# --- --no-header
is "$(wb-label ls -o csv --no-header | head -1)" "New customer,1,0,0" "csv"
is "$(wb-label ls -o tsv --no-header | wc -l | tr -d ' ')" "5" "tsv"
like "$(wb-label ls -o table --no-header | head -1)" "^New customer +1 +0 +0$" "table"
done_testing
