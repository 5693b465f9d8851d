#!/bin/sh
# wb-agent: add, ls, rm, on and off duty; auto-assignment round robin
# among the agents on duty as customers write; an agent going off duty
# or removed hands their conversations back to the queue.
. "$(dirname "$0")/lib.sh"
export WB_NOW=2026-11-25T12:00:00Z

# hooks N...: a webhook document a line, customer 1650555010N writing
hooks() {
	for n in "$@"; do
		printf '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","contacts":[{"profile":{"name":"C%s"},"wa_id":"1650555010%s"}],"messages":[{"from":"1650555010%s","id":"wamid.A%s","timestamp":"%s","type":"text","text":{"body":"hi"}}]}}]}]}\n' \
			"$n" "$n" "$n" "$n" $((1796040000 + n))
	done
}
assignees() { wb-inbox -o csv | tail -n +2 | cut -d, -f1,5 | tr '\n' ' '; }

exits 0 "add" -- wb-agent add mei --display "Mei Lin"
wb-agent add bob >/dev/null && wb-agent add ann >/dev/null
exits 0 "ls" -- wb-agent ls -o csv
is "$(cat "$T/out")" "name,display,on_duty,conversations,created
ann,,true,0,2026-11-25T12:00:00Z
bob,,true,0,2026-11-25T12:00:00Z
mei,Mei Lin,true,0,2026-11-25T12:00:00Z" "agents, on duty from the start"
is "$(wb-agent auto-assign -o csv)" "auto_assign
false" "auto-assignment is off at first"
hooks 1 | wb-recv -q
is "$(assignees)" "16505550101, " "so a new conversation waits in the queue"

exits 0 "auto-assign on" -- wb-agent auto-assign on
WB_AGENT=bob exits 0 "off duty (WB_AGENT)" -- wb-agent off
is "$(cat "$T/out")" "name,on_duty,changed
bob,false,true" "a row for bob"
hooks 2 3 4 | wb-recv -q
is "$(assignees)" "16505550101, 16505550102,ann 16505550103,mei 16505550104,ann " \
	"new conversations go round robin among those on duty"
exits 0 "on duty" -- wb-agent on bob
hooks 5 | wb-recv -q
is "$(assignees | cut -d' ' -f5)" "16505550105,bob" "bob gets the next: the longest without one"
exits 0 "ann goes off duty" -- wb-agent off ann
is "$(assignees)" "16505550101, 16505550102, 16505550103,mei 16505550104, 16505550105,bob " \
	"her conversations go back to the queue"
is "$(wb-agent ls -o csv | grep ^mei, | cut -d, -f3,4)" "true,1" "ls counts each one's conversations"
exits 0 "rm" -- wb-agent rm mei
is "$(assignees | cut -d' ' -f3)" "16505550103," "a removed agent's conversations go back too"
is "$(sqlite3 "$WB_DB" "SELECT kind, agent FROM conversation_event WHERE conversation_id = 3 ORDER BY id" | tr '\n' ' ')" \
	"opened| assigned|mei unassigned|mei " "each step is an event"

exits 65 "an agent twice" -- wb-agent add bob
exits 65 "a name with a space" -- wb-agent add "two words"
exits 65 "off of no agent" -- wb-agent off ghost bob
is "$(wb-agent ls -o csv | grep ^bob, | cut -d, -f3)" "true" "nothing changes when one name is bad"
exits 78 "on without a name or WB_AGENT" -- wb-agent on
exits 64 "auto-assign maybe" -- wb-agent auto-assign maybe
exits 64 "--display without add" -- wb-agent ls --display x
exits 64 "rm without a name" -- wb-agent rm
done_testing
