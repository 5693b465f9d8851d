#!/bin/sh
# Installs the Debian packages named as arguments that are missing.
# As root it runs apt-get; otherwise it names them and fails.
# one dpkg-query for all of them (it reads dpkg's whole status file each
# time it starts); one that dpkg does not know is named on stderr only
missing=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
	awk 'BEGIN { for (i = 1; i < ARGC; i++) want[i] = ARGV[i]; ARGC = 1 }
	/ ok installed$/ { have[$1] = 1 }
	END { for (i = 1; i in want; i++) if (!(want[i] in have)) printf " %s", want[i] }' "$@")
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
