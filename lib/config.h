/* config — settings that are not in the database because they are the
 * machine's, the user's or secret: WB_DB, WB_OUTPUT, WB_AGENT,
 * WB_DEFAULT_REGION, WB_TOKEN, WB_APP_SECRET, WB_PHONE_ID, WB_API_URL…
 * (every one wb(7) documents). Read from the environment first, then from
 * $XDG_CONFIG_HOME/wb/config (KEY=VALUE lines, # comments; read once, a
 * key that is no setting warned about by line), which is refused when
 * group- or world-readable, or when its directory is group- or
 * world-writable (another user could put a file of theirs there).
 * Values are never printed. */
#ifndef WB_CONFIG_H
#define WB_CONFIG_H

/* Sets *out to a malloc'd value, or NULL when the key is set nowhere.
 * Returns 0, or EX_NOPERM (file too open) / EX_IOERR with a message. */
int config_get(const char *key, char **out);
/* Like config_get, but a missing key is EX_CONFIG naming it. */
int config_need(const char *key, char **out);
/* The file config_get reads, malloc'd; NULL when neither
 * XDG_CONFIG_HOME nor HOME says where it is. */
char *config_path(void);
/* For a process that holds a secret (the token, the app secret): it
 * leaves no core dump and cannot be traced by other processes of its
 * user, so the secret is in no file and no debugger's reach. */
void config_private(void);

#endif
