# Shared by the command-line tests: a throw-away world per test file and
# TAP helpers. Source it: . "$(dirname "$0")/lib.sh"
set -u
# CI may start us with no standard input at all: give every command an
# empty one unless a test pipes something in.
exec </dev/null
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PATH="$TOP/bin:$PATH"
FIXTURES="$TOP/../shared/fixtures"
[ -d "$FIXTURES" ] || FIXTURES="$TOP/tests/fixtures"
T=$(mktemp -d "${TMPDIR:-/tmp}/wb-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export WB_DB="$T/wb.db" HOME="$T/home" XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data"
unset WB_OUTPUT WB_DEFAULT_CC WB_DEFAULT_REGION WB_TOKEN WB_APP_SECRET WB_PHONE_ID WB_API_URL WB_NOW WB_AGENT
# tables as wide as their cells unless a test sets a width
unset COLUMNS
# retries do not wait (a test that needs the backoff sets its own)
export WB_RETRY_BASE_MS=0
mkdir -p "$HOME"
_n=0
_failed=0

# ok COND-EXIT DESCRIPTION: records a result from the status of the last
# command, e.g.  wb-label ls >/dev/null; ok $? "ls runs"
ok() {
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi
}
# is GOT WANT DESCRIPTION
is() {
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then echo "ok $_n - $3"; else
		echo "not ok $_n - $3"; _failed=$((_failed + 1))
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | sed '3,$s/^/#         /'
	fi
}
# exits WANT DESCRIPTION -- CMD...: runs CMD (stdin from /dev/null unless
# redirected by the caller), checks its exit status; its stdout and stderr
# are kept in $T/out and $T/err.
exits() {
	_want=$1 _desc=$2; shift 3
	"$@" >"$T/out" 2>"$T/err"
	_got=$?
	is "$_got" "$_want" "$_desc (exit $_want)"
	[ "$_got" = "$_want" ] || sed 's/^/#   stderr: /' "$T/err"
}
# like GOT PATTERN DESCRIPTION (grep -E)
like() {
	_n=$((_n + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then echo "ok $_n - $3"; else
		echo "not ok $_n - $3"; _failed=$((_failed + 1))
		printf '%s\n' "$1" | sed 's/^/#   got: /' | head -20; echo "#   want match: $2"
	fi
}
# listener OUT ARGS...: wb-recv --listen on a free port of 127.0.0.1, its
# events to OUT, its stderr to $T/log, fd 3 closed (a test may hold a pipe
# there); sets $PORT, $URL (its /webhook) and $PID once it listens
listener() {
	_out=$1; shift
	rm -f "$T/log" # the old log must not name the old port
	wb-recv --listen 127.0.0.1:0 "$@" 2> "$T/log" > "$_out" 3>&- &
	PID=$!
	PORT=
	for _ in $(seq 500); do
		PORT=$(sed -n 's/.*listening on .* (port \([0-9]*\)).*/\1/p' "$T/log" 2>/dev/null)
		[ -n "$PORT" ] && break
		sleep 0.02
	done
	URL="http://127.0.0.1:$PORT/webhook"
}
done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
}
