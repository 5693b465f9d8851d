#!/bin/sh
# make deps (tests/deps.sh): nothing to do, and no package manager, when
# everything is there; as root it installs only what is missing; as
# another user it names what is missing and stops.
. "$(dirname "$0")/lib.sh"

# apt-get and apt here only write down how they were called
mkdir "$T/fakebin"
for c in apt-get apt; do
	printf '#!/bin/sh\necho "%s $*" >>"%s"\n' "$c" "$T/apt.log" >"$T/fakebin/$c"
	chmod +x "$T/fakebin/$c"
done
apt_calls() { cat "$T/apt.log" 2>/dev/null; }

exits 0 "installed packages: nothing to do" -- env PATH="$T/fakebin:$PATH" sh "$TOP/tests/deps.sh" perl sqlite3
is "$(cat "$T/out" "$T/err")" "" "and nothing said"
is "$(apt_calls)" "" "and no apt-get, not even an update"
env PATH="$T/fakebin:$PATH" make -s -C "$TOP" deps >"$T/out" 2>&1
ok $? "make deps: everything the build and the tests need is there"
is "$(apt_calls)" "" "so make check and make demo leave the package manager alone"

if [ "$(id -u)" = 0 ]; then
	exits 0 "root: a missing package is installed" -- \
		env PATH="$T/fakebin:$PATH" sh "$TOP/tests/deps.sh" wb-no-such-package perl
	is "$(apt_calls)" "$(printf 'apt-get update -qq\napt-get install -y -qq --no-install-recommends wb-no-such-package')" \
		"apt-get updates, then installs only what is missing"
else
	echo "ok $((_n = _n + 1)) # skip needs root: apt-get runs only as root"
	echo "ok $((_n = _n + 1)) # skip needs root: apt-get runs only as root"
fi

# as_nobody CMD...: CMD as uid 65534, from / (the clone may lie under a
# directory only root can enter, such as root's home or a mktemp -d)
as_nobody() { (cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$@"); }
# nobody_copy: a copy of deps.sh that uid 65534 can read, in $PUB: in
# $T opened for passing through, else in a directory of its own in /tmp
nobody_copy() {
	chmod 711 "$T" && PUB="$T/pub" && publish && return 0
	PUB=$(mktemp -d /tmp/wb-deps.XXXXXX) && publish
}
publish() {
	mkdir -p "$PUB" && chmod 755 "$PUB" && cp "$TOP/tests/deps.sh" "$PUB/" &&
		chmod 644 "$PUB/deps.sh" && as_nobody test -r "$PUB/deps.sh"
}
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	skip="needs root and setpriv to become another user"
elif ! nobody_copy; then
	skip="no directory here that uid 65534 can read"
fi
trap 'rm -rf "$T" ${PUB:+"$PUB"}' EXIT
if [ -z "${skip:-}" ]; then
	exits 1 "not root: a missing package stops it" -- \
		as_nobody sh "$PUB/deps.sh" wb-no-such-package perl
	like "$(cat "$T/err")" "missing Debian packages: wb-no-such-package$" "names only what is missing"
	like "$(cat "$T/err")" "apt-get install wb-no-such-package" "and how to install it"
else
	for _ in 1 2 3; do echo "ok $((_n = _n + 1)) # skip $skip"; done
fi
done_testing
