#!/bin/sh
# Every utility has --help, --version, a man page that renders, and bash,
# zsh and fish completions; every long option its --help names appears in
# its man page and in each completion, so the three stay in step.
. "$(dirname "$0")/lib.sh"

for b in "$TOP"/bin/wb-*; do
	u=$(basename "$b")
	exits 0 "$u --help" -- "$u" --help
	help=$(cat "$T/out")
	like "$help" "^usage: $u" "$u --help starts with usage"
	exits 0 "$u --version" -- "$u" --version
	like "$(cat "$T/out")" "^$u \(wb\) [0-9]" "$u --version names the program"
	exits 64 "$u with an unknown option" -- "$u" --no-such-option
	man1="$TOP/share/man/man1/$u.1"
	[ -f "$man1" ]; ok $? "$u has a man page"
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$man1" >"$T/man" 2>"$T/manerr"
	ok $? "$u.1 renders"
	is "$(grep -v '^$' "$T/manerr" | head -3)" "" "$u.1 renders without warnings"
	for f in "$TOP/completions/bash/$u" "$TOP/completions/zsh/_$u" "$TOP/completions/fish/$u.fish"; do
		[ -f "$f" ]; ok $? "completion $(basename "$(dirname "$f")")/$(basename "$f")"
	done
	missing=
	for o in $(printf '%s\n' "$help" | grep -v 'wb-' | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
		grep -q -- "${o#--}" "$man1" 2>/dev/null || missing="$missing man:$o"
		for f in "$TOP/completions/bash/$u" "$TOP/completions/zsh/_$u" "$TOP/completions/fish/$u.fish"; do
			grep -q -- "${o#--}" "$f" 2>/dev/null || missing="$missing $(basename "$(dirname "$f")"):$o"
		done
	done
	is "$missing" "" "$u: every option of --help is in the man page and completions"
done
[ -f "$TOP/share/man/man7/wb.7" ] && LC_ALL=C.UTF-8 man -l "$TOP/share/man/man7/wb.7" >/dev/null 2>"$T/manerr"
ok $? "wb(7) renders"
is "$(cat "$T/manerr")" "" "wb(7) renders without warnings"

# make install puts programs, pages and completions under DESTDIR
make -s -C "$TOP" install DESTDIR="$T/dest" PREFIX=/usr >/dev/null 2>"$T/err"
ok $? "make install DESTDIR=…"
for b in "$TOP"/bin/wb-*; do
	u=$(basename "$b")
	[ -x "$T/dest/usr/bin/$u" ] && [ -f "$T/dest/usr/share/man/man1/$u.1" ]
	ok $? "$u installed with its page"
done
[ -f "$T/dest/usr/share/man/man7/wb.7" ]; ok $? "wb.7 installed"
done_testing
