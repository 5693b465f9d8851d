#!/bin/sh
# Every utility has --help, --version, a man page that renders, and bash,
# zsh and fish completions; every long option its --help names appears in
# its man page and in each completion, so the three stay in step.
. "$(dirname "$0")/lib.sh"

# unmentioned OPTIONS FILE...: " KIND:OPTION" for each option (--name)
# whose name a file does not hold, KIND "man" for a page, else the
# completion's shell (its directory); one awk for what was a grep each
unmentioned() {
	_opts=$1
	shift
	awk -v opts="$_opts" 'BEGIN {
		n = split(opts, o, " ")
		for (i = 1; i < ARGC; i++) {
			t[i] = ""
			while ((getline line < ARGV[i]) > 0)
				t[i] = t[i] "\n" line
			close(ARGV[i])
			k = split(ARGV[i], part, "/")
			kind[i] = ARGV[i] ~ /\.1$/ ? "man" : part[k - 1]
		}
		for (j = 1; j <= n; j++)
			for (i = 1; i < ARGC; i++)
				if (!index(t[i], substr(o[j], 3)))
					printf " %s:%s", kind[i], o[j]
		exit
	}' "$@"
}

# Every page is rendered by one groff (as man would: preconv, tbl, the
# mandoc macros, 80 columns), its output thrown away: one process instead
# of man's pipeline per page. Only when it warns is each page rendered
# alone, to say which one.
render() { LC_ALL=C.UTF-8 groff -k -t -z -mandoc -Tutf8 -rLL=80n "$@" 2>&1; }
ALL=$(render "$TOP"/share/man/man1/*.1 "$TOP/share/man/man7/wb.7")
ALL_RC=$?
# rendered PAGE: ok when groff renders it; its warnings in $T/manerr
rendered() {
	if [ "$ALL_RC" = 0 ] && [ -z "$ALL" ]; then : >"$T/manerr"; return 0; fi
	render "$1" >"$T/manerr"
}

for b in "$TOP"/bin/wb-*; do
	u=${b##*/}
	exits 0 "$u --help" -- "$u" --help
	help=$(cat "$T/out")
	like "$help" "^usage: $u" "$u --help starts with usage"
	exits 0 "$u --version" -- "$u" --version
	like "$(cat "$T/out")" "^$u \(wb\) [0-9]" "$u --version names the program"
	exits 64 "$u with an unknown option" -- "$u" --no-such-option
	man1="$TOP/share/man/man1/$u.1"
	[ -f "$man1" ]; ok $? "$u has a man page"
	rendered "$man1"
	ok $? "$u.1 renders"
	is "$(grep -v '^$' "$T/manerr" | head -3)" "" "$u.1 renders without warnings"
	for f in "$TOP/completions/bash/$u" "$TOP/completions/zsh/_$u" "$TOP/completions/fish/$u.fish"; do
		_d=${f%/*}
		[ -f "$f" ]; ok $? "completion ${_d##*/}/${f##*/}"
	done
	opts=$(printf '%s\n' "$help" | grep -v 'wb-' | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u)
	missing=$(unmentioned "$opts" "$man1" "$TOP/completions/bash/$u" "$TOP/completions/zsh/_$u" "$TOP/completions/fish/$u.fish")
	is "$missing" "" "$u: every option of --help is in the man page and completions"
done
[ -f "$TOP/share/man/man7/wb.7" ] && rendered "$TOP/share/man/man7/wb.7"
ok $? "wb(7) renders"
is "$(cat "$T/manerr")" "" "wb(7) renders without warnings"

# make install puts programs, pages and completions under DESTDIR
make -s -C "$TOP" install DESTDIR="$T/dest" PREFIX=/usr >/dev/null 2>"$T/err"
ok $? "make install DESTDIR=…"
for b in "$TOP"/bin/wb-*; do
	u=${b##*/}
	[ -x "$T/dest/usr/bin/$u" ] && [ -f "$T/dest/usr/share/man/man1/$u.1" ]
	ok $? "$u installed with its page"
done
[ -f "$T/dest/usr/share/man/man7/wb.7" ]; ok $? "wb.7 installed"
# the phone module is installed beside the programs and found from there
# (../lib/wb); a program that cannot find it says so and exits 69
[ -f "$T/dest/usr/lib/wb/wb-phonelib.so" ]; ok $? "wb-phonelib.so installed in lib/wb"
WB_DB="$T/inst.db" "$T/dest/usr/bin/wb-contact" add '+1 (650) 555-1234' >"$T/out" 2>"$T/err"
ok $? "an installed program reads a phone number"
like "$(cat "$T/out")" "^16505551234," "…as the digits of E.164"
mkdir "$T/alone" && cp "$T/dest/usr/bin/wb-contact" "$T/alone/"
exits 69 "a program without its phone module" -- env WB_DB="$T/inst.db" "$T/alone/wb-contact" add '+1 650 555 1235'
like "$(cat "$T/err")" "^wb-contact: cannot load \.\./lib/wb/wb-phonelib\.so: .*No such file" "…says which module it could not load"
done_testing
