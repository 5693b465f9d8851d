#!/bin/sh
# wb-profile push: the business profile to the Cloud API's
# whatsapp_business_profile endpoint (the fake), --dry-run, and failures.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"

wb-profile set name='Lucky Tea House' about='Tea from Fujian 福建' description='Loose-leaf tea' \
	category=retail email=hello@luckytea.example website=https://luckytea.example \
	website=https://shop.luckytea.example address='12 Nanjing Rd' timezone=Asia/Shanghai
exits 0 "push --dry-run needs no token" -- wb-profile push --dry-run
json_same "$(cat "$T/out")" '{"messaging_product":"whatsapp","about":"Tea from Fujian 福建",
	"address":"12 Nanjing Rd","description":"Loose-leaf tea","email":"hello@luckytea.example",
	"websites":["https://luckytea.example","https://shop.luckytea.example"],"vertical":"RETAIL"}'
ok $? "--dry-run prints Meta's business-profile body"
exits 78 "push without a token" -- wb-profile push
like "$(cat "$T/err")" "^wb-profile: WB_(TOKEN|PHONE_ID) is not set" "names what is missing"
exits 64 "push takes no arguments" -- wb-profile push extra
exits 64 "--dry-run only with push" -- wb-profile show --dry-run

fake_start
exits 0 "push to the API" -- wb-profile push
is "$(cat "$T/out")" "" "silent when it worked"
got=$(curl -s -H "Authorization: Bearer $FAKE_TOKEN" \
	"$WB_API_URL/$WB_PHONE_ID/whatsapp_business_profile?fields=about,websites,vertical")
like "$got" '"about":"Tea from Fujian 福建"' "the API holds the about text"
like "$got" '"vertical":"RETAIL"' "and the category as Meta's vertical"
like "$(tail -1 "$T/api.log")" '"path":"/v26.0/106540352242922/whatsapp_business_profile"' \
	"posted to the business-profile endpoint"
if grep -q "$FAKE_TOKEN" "$T/out" "$T/err"; then ok 1 "the token is never printed"; else ok 0 "the token is never printed"; fi

WB_TOKEN=wrong-token exits 78 "a rejected token is a configuration error" -- wb-profile push
if grep -q wrong-token "$T/err"; then ok 1 "and is not echoed"; else ok 0 "and is not echoed"; fi
fake_faults '{"server_error":5}'
exits 75 "a failing API is a temporary failure" -- wb-profile push
fake_stop
exits 69 "an unreachable API" -- wb-profile push
done_testing
