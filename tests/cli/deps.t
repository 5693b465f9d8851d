#!/bin/sh
# make deps (tests/deps.sh): nothing to do when everything is there; as
# another user than root it names what is missing and stops.
. "$(dirname "$0")/lib.sh"
exits 0 "installed packages: nothing to do" -- sh "$TOP/tests/deps.sh" perl sqlite3
is "$(cat "$T/out" "$T/err")" "" "and nothing said"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	exits 1 "not root: a missing package stops it" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups sh "$TOP/tests/deps.sh" wb-no-such-package perl
	like "$(cat "$T/err")" "missing Debian packages: wb-no-such-package$" "names only what is missing"
	like "$(cat "$T/err")" "apt-get install wb-no-such-package" "and how to install it"
else
	echo "ok $((_n = _n + 1)) # skip needs root to become another user"
fi
done_testing
