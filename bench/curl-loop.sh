#!/bin/sh
# The baseline: the usual cron script, one curl process per message.
# usage: curl-loop.sh < phones   (WB_API_URL, WB_PHONE_ID, WB_TOKEN set)
# The token goes through a header file, not argv.
set -u
hdr=$(mktemp)
trap 'rm -f "$hdr"' EXIT
chmod 600 "$hdr"
printf 'Authorization: Bearer %s\nContent-Type: application/json\n' "$WB_TOKEN" > "$hdr"
while read -r phone; do
	curl -s -o /dev/null -X POST -H @"$hdr" \
		-d '{"messaging_product":"whatsapp","to":"'"$phone"'","type":"template","template":{"name":"nov_promo","language":{"code":"en_US"}}}' \
		"$WB_API_URL/$WB_PHONE_ID/messages"
done
