#!/bin/sh
# bash completion in a plain bash (no bash-completion package): every
# script loads and answers without its helpers; --quick, --label and
# --template complete what the database holds (wb-send --complete KIND).
. "$(dirname "$0")/lib.sh"

# comp UTILITY WORD...: the candidates bash offers for the last word, as
# the completion function sets them (compopt does nothing outside a
# real completion, so it is a no-op here)
comp() {
	bash --norc --noprofile -c 'compopt() { :; }; . "$0" || exit 1
		fn=$(complete -p "$1" | sed "s/.*-F \([^ ]*\) .*/\1/"); shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}"' "$TOP/completions/bash/$1" "$@" 2>>"$T/comperr" |
		tr '\n' ' '
}

helpers=$(grep -lE '_init_completion|_filedir|_get_comp_words_by_ref|__ltrim_colon_completions|_comp_' \
	"$TOP"/completions/bash/*)
is "$helpers" "" "no bash completion calls a bash-completion helper"

wb-reply quick add /menu 'Our menu' >/dev/null
wb-reply quick add /hours 'Open 9-6' >/dev/null
is "$(comp wb-send wb-send --quick '')" "/hours /menu " "wb-send --quick: the shortcuts"
is "$(comp wb-send wb-send --label New)" 'New\ customer New\ order ' "--label: the labels, quoted for the line"
is "$(comp wb-send wb-send --template '')" "" "--template: nothing, quietly, while there are no templates"
sqlite3 "$WB_DB" "INSERT INTO template (name, lang, updated_at, gone_at) VALUES ('nov_promo', 'en_US', 1, NULL),
	('nov_promo', 'pt_BR', 1, NULL), ('order_shipped', 'en_US', 1, NULL), ('old_promo', 'en_US', 1, 2)"
is "$(comp wb-send wb-send --template '')" "nov_promo order_shipped " "and the synced templates' names, not gone ones"
is "$(comp wb-reply wb-reply away --fallback-template n)" "nov_promo " "wb-reply --fallback-template"
is "$(comp wb-template wb-template show '')" "nov_promo order_shipped " "wb-template show: the names"
is "$(comp wb-send wb-send --to 1 --kind '')" "marketing utility " "--kind"
is "$(comp wb-send wb-send --dr)" "--dry-run " "options"
touch "$T/menu.jpg"
is "$(comp wb-send wb-send --image "$T/men")" "$T/menu.jpg " "--image: files"
is "$(comp wb-label wb-label apply '')" 'New\ customer New\ order Order\ complete Paid Pending\ payment ' \
	"wb-label apply: the labels"
is "$(comp wb-contact wb-contact ls --label P)" "Paid Pending\\ payment " "wb-contact ls --label"
is "$(comp wb-contact wb-contact ls --sort '')" "last-in last-out name " "wb-contact ls --sort"
is "$(comp wb-reply wb-reply quick set '')" "/hours /menu " "wb-reply quick set: the shortcuts"
is "$(comp wb-reply wb-reply keyword add price '')" "/hours /menu " "keyword add WORD: the shortcuts"
is "$(comp wb-reply wb-reply quick '')" "ls add set rm show " "wb-reply quick: its subcommands"
is "$(comp wb-profile wb-profile set category = RET)" "RETAIL " "wb-profile set category=: Meta's categories"
is "$(comp wb-profile wb-profile link --q)" "--qr " "wb-profile link --qr"
is "$(comp wb-stats wb-stats --by b)" "broadcast " "wb-stats --by"
is "$(comp wb-stats wb-stats r)" "report " "wb-stats report"
mkdir "$T/pages" && : >"$T/pages/week.html" && : >"$T/pages/week.csv"
is "$(comp wb-stats wb-stats report -o "$T/pages/w")" "$T/pages/week.html " "wb-stats report -o: HTML files"
is "$(comp wb-stats wb-stats -o c)" "csv " "wb-stats -o: formats"
is "$(comp wb-recv wb-recv --li)" "--listen " "wb-recv"
wb-agent add mei >/dev/null && wb-agent add ravi >/dev/null
is "$(comp wb-agent wb-agent off '')" "mei ravi " "wb-agent off: the agents"
is "$(comp wb-inbox wb-inbox assign 16505550100 r)" "ravi " "wb-inbox assign PHONE: an agent"
is "$(comp wb-inbox wb-inbox ls --s)" "--state " "wb-inbox ls --state"
is "$(cat "$T/comperr")" "" "no errors: nothing is missing"
exits 64 "--complete takes a known kind" -- wb-send --complete phones
done_testing
