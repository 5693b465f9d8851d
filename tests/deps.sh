#!/bin/sh
# Installs the Debian packages named as arguments that are missing.
# As root it runs apt-get; otherwise it names them and fails.
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "wb: missing Debian packages:$missing" >&2
	echo "wb: run as root: apt-get install$missing" >&2
	exit 1
fi
echo "wb: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null &&
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ echo "wb: apt-get install$missing failed" >&2; exit 1; }
