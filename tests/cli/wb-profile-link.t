#!/bin/sh
# The WhatsApp Business app's small tools: wb-profile link (the wa.me
# link with a prefilled message, and its QR code as SVG or PNG, read back
# with zbarimg) and wb-profile photo (Meta's Resumable Upload API, then
# the handle on the business profile), against the fake Cloud API.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
# decode FILE: the text of the QR code in an image
# ImageMagick, which zbarimg reads the SVG with, leaves a link in its
# temporary directory: the test's own, removed with it
decode() { MAGICK_TEMPORARY_PATH="$T" zbarimg -q --raw "$1" 2>/dev/null; }

export WB_DISPLAY_PHONE='+86 139 1234 5678'
exits 0 "link" -- wb-profile link -o csv
is "$(cat "$T/out")" "$(printf 'phone,link,qr\n8613912345678,https://wa.me/8613912345678,')" \
	"the wa.me link of WB_DISPLAY_PHONE"
exits 0 "link --text" -- wb-profile link --text 'Hi! Is the oolong in stock? 乌龙' -o tsv
is "$(tail -1 "$T/out" | cut -f2)" "https://wa.me/8613912345678?text=Hi%21%20Is%20the%20oolong%20in%20stock%3F%20%E4%B9%8C%E9%BE%99" \
	"prefills the message, percent-encoded as UTF-8"
exits 0 "link --qr FILE.png" -- wb-profile link --text 'menu please' --qr "$T/shop.png"
is "$(decode "$T/shop.png")" "https://wa.me/8613912345678?text=menu%20please" "the PNG's QR code reads back as the link"
exits 0 "link --qr FILE.svg" -- wb-profile link --qr "$T/shop.svg"
like "$(head -2 "$T/shop.svg")" "<svg xmlns=\"http://www.w3.org/2000/svg\"" "an SVG"
is "$(decode "$T/shop.svg")" "https://wa.me/8613912345678" "whose QR code reads back too"
exits 64 "--qr takes .svg or .png" -- wb-profile link --qr "$T/shop.gif"
exits 64 "--text goes with link" -- wb-profile show --text x
exits 73 "an unwritable place" -- wb-profile link --qr "$T/no/such/dir/shop.png"
is "$(ls "$T" | grep -c '^shop\.png\.')" 0 "leaves no half-written file"
WB_DISPLAY_PHONE='call us' exits 65 "a display number that is none" -- wb-profile link
unset WB_DISPLAY_PHONE
exits 78 "without WB_DISPLAY_PHONE the API is asked, which needs a token" -- wb-profile link

fake_start --display-phone 15550783881
exits 0 "link asks the Cloud API for the number" -- wb-profile link -o tsv
is "$(tail -1 "$T/out" | cut -f1,2)" "$(printf '15550783881\thttps://wa.me/15550783881')" "its display_phone_number"
like "$(tail -1 "$T/api.log")" '"method":"GET","path":"/v26.0/106540352242922","status":200' \
	"GET /{phone-id}"

# photo
printf '\211PNG\r\n\032\n a tiny png' >"$T/logo.png"
exits 78 "photo needs WB_APP_ID" -- wb-profile photo "$T/logo.png"
export WB_APP_ID=1234567890123
before=$(api_requests)
exits 0 "photo" -- wb-profile photo "$T/logo.png"
is "$(($(api_requests) - before))" 3 "three requests"
is "$(tail -3 "$T/api.log" | jq -r '.path | sub("[0-9]+$"; "N")' | tr '\n' ' ')" \
	"/v26.0/1234567890123/uploads /v26.0/upload:MTphdHRhY2htZW50OjN /v26.0/106540352242922/whatsapp_business_profile " \
	"an upload session on the app, the file's bytes to it, then the profile"
like "$(tail -1 "$T/api.log")" '"body":\{"profile_picture_handle":"4::[^"]+","messaging_product":"whatsapp"\}' \
	"the upload's handle set as profile_picture_handle"
like "$(curl -s -H "Authorization: Bearer $FAKE_TOKEN" "$WB_API_URL/$WB_PHONE_ID/whatsapp_business_profile?fields=profile_picture_url")" \
	'"profile_picture_url":"https://' "the profile has a picture"
printf 'GIF89a' >"$T/logo.gif"
exits 65 "a GIF is not a profile picture" -- wb-profile photo "$T/logo.gif"
exits 66 "a file that is not there" -- wb-profile photo "$T/nothere.png"
exits 64 "photo needs a file" -- wb-profile photo
is "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FAKE_TOKEN" -H 'Content-Type: application/json' \
	-d '{"messaging_product":"whatsapp","profile_picture_handle":"made-up"}' "$WB_API_URL/$WB_PHONE_ID/whatsapp_business_profile")" \
	400 "the fake takes only handles it gave"
is "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FAKE_TOKEN" -X POST \
	"$WB_API_URL/$WB_APP_ID/uploads?file_name=a.png&file_type=image/png")" 400 "nor a session without file_length"
done_testing
