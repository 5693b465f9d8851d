#!/bin/sh
# Secrets from $XDG_CONFIG_HOME/wb/config: read when the environment has
# none, refused (77) when others can read the file or write to its
# directory, never printed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fakeapi.sh"
fake_start
api_url=$WB_API_URL
unset WB_TOKEN WB_PHONE_ID WB_API_URL
mkdir -p "$XDG_CONFIG_HOME/wb"
cfg="$XDG_CONFIG_HOME/wb/config"
cat >"$cfg" <<EOF2
# wb's secrets
export WB_TOKEN="$FAKE_TOKEN"
WB_PHONE_ID = 106540352242922
WB_API_URL='$api_url'
EOF2
chmod 600 "$cfg"
wb-profile set about='Tea' >/dev/null

exits 0 "token, phone id and URL from the config file" -- wb-profile push
is "$(grep -c whatsapp_business_profile "$T/api.log")" "1" "the request reached the API"

chmod 640 "$cfg"
exits 77 "a group-readable config file is refused" -- wb-profile push
like "$(cat "$T/err")" "config: readable by others \(mode 640\).*chmod 600" "says why and what to do"
chmod 604 "$cfg"
exits 77 "a world-readable one too" -- wb-profile push
if grep -q "$FAKE_TOKEN" "$T/err" "$T/out"; then ok 1 "the token is not printed"; else ok 0 "the token is not printed"; fi
WB_TOKEN=$FAKE_TOKEN WB_PHONE_ID=106540352242922 WB_API_URL=$api_url exits 0 \
	"with everything in the environment the file is not needed" -- wb-profile push
chmod 600 "$cfg"
chmod 720 "$XDG_CONFIG_HOME/wb"
exits 77 "a config directory others can write to is refused" -- wb-profile push
is "$(cat "$T/err")" "wb-profile: $XDG_CONFIG_HOME/wb: writable by others (mode 720), who could replace the secrets in it: chmod 700 it" \
	"says why and what to do"
chmod 755 "$XDG_CONFIG_HOME/wb"
exits 0 "one they may only read is taken" -- wb-profile push
WB_TOKEN=wrong exits 78 "the environment wins over the file" -- wb-profile push

# every setting wb(7) documents may be in the file; others are warned about
cat >"$cfg" <<EOF2
WB_DB=$T/from-config.db
WB_OUTPUT=tsv
WB_DEFAULT_REGION=GB
WB_AGENT=till-2
WB_TOKEN=$FAKE_TOKEN
WB_PHONE_ID=106540352242922
WB_API_URL=$api_url
WB_DBB=$T/typo.db
WB_NOW=2026-01-01
EOF2
env -u WB_DB wb-contact add '020 7946 0958' >"$T/out" 2>"$T/err"
is "$?:$(cat "$T/out")" "0:$(printf 'phone\tuser_id\tcreated\n442079460958\t\ttrue')" \
	"WB_OUTPUT and WB_DEFAULT_REGION from the file"
is "$(sqlite3 "$T/from-config.db" 'SELECT wa_id FROM contact')" "442079460958" "WB_DB from the file"
is "$(cat "$T/err")" "wb-contact: $cfg:8: WB_DBB: no such setting (wb(7) lists them); ignored
wb-contact: $cfg:9: WB_NOW: read from the environment only; ignored" "other keys warned about, by line"
env -u WB_DB wb-send --to 442079460958 --template hello_world >/dev/null 2>&1
is "$(sqlite3 "$T/from-config.db" 'SELECT agent FROM message')" "till-2" "WB_AGENT from the file"

rm "$cfg"
exits 78 "no file and no environment: configuration missing" -- wb-profile push
like "$(cat "$T/err")" "WB_(TOKEN|PHONE_ID) is not set \(environment or .*config\)" "names the key and where it looked"

# a database and its -wal and -shm are the user's alone, whatever the umask
(umask 000; wb-contact -d "$T/open.db" add 33612345678 >/dev/null)
is "$(stat -c %a "$T/open.db" "$T/open.db-wal" "$T/open.db-shm" "$T/open.db-wake" | tr '\n' ' ')" "600 600 600 600 " \
	"a new database, its -wal, -shm and -wake are created 0600 under umask 000"
done_testing
