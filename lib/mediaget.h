/* mediaget — downloading a medium a customer sent (wb-media get, wb-recv
 * --fetch-media): from a message's wamid to its media id and type, Meta's
 * two steps (the look-up of a short-lived URL, then the authenticated
 * download, looked up again when the URL has expired), the bytes checked
 * against the size and sha256 Meta gives, written atomically, and the
 * path recorded on the message (message.media_path, wb-contact log's
 * media column). The HTTP is cloudapi's; the rules on types are media's. */
#ifndef WB_MEDIAGET_H
#define WB_MEDIAGET_H
#include "cloudapi.h"
#include "db.h"

/* What was fetched; strings malloc'd (mediaget_free). */
typedef struct {
	char *wamid;    /* the message's; NULL for a media id no message names */
	char *media_id, *mime, *sha256, *path;
	long long size;
} mediaget_got;

/* Downloads the medium that ref names (a message's wamid, or a media id)
 * to dest: a directory (existing, or ending in '/') gets MEDIA_ID.EXT,
 * anything else is the file's name; NULL is the current directory. The
 * file appears whole or not at all. EX_FALSE for a wamid no message has
 * (no such thing); EX_DATAERR for a message without a medium, and when
 * the bytes are not what Meta described (size, sha256); the API's errors as
 * cloudapi gives them. The path is recorded in its own short write
 * transaction after the file is in place, never held over the download. */
int mediaget(wb_db *db, api *a, const char *ref, const char *dest, mediaget_got *got);
void mediaget_free(mediaget_got *got);

/* wb-recv --fetch-media: a downloader, a thread of its own that fetches
 * each new medium into dir, so that the thread that stores (the
 * listener's, which must answer Meta in time, or a file's batches) never
 * waits on a download, which can take seconds. It has its own connection
 * to the database and writes only the path on the message, in a short
 * transaction of its own. A failure is a line on stderr and leaves the
 * message as it is, for wb-media get later. */
typedef struct mediaget_queue mediaget_queue;
/* Starts it on the database at db_path with a, which it owns from then
 * on (api_close at mediaget_stop). */
int mediaget_start(const char *db_path, api *a, const char *dir, mediaget_queue **q);
/* Queues a message's wamid and returns at once (an inbound_media_fn; ctx
 * is the queue). */
void mediaget_push(const char *wamid, void *ctx);
/* Waits until every medium queued is fetched or has failed, then ends
 * the thread and frees q. */
void mediaget_stop(mediaget_queue *q);

#endif
