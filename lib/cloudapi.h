/* cloudapi — the WhatsApp Cloud API client: request bodies built as Meta
 * documents them (one function per content type, pure), answers parsed
 * for the message id or the error (code, subcode, message, details) and
 * classified as sent / retry / failed, and the HTTP side: a libcurl multi
 * handle with reused connections, several requests in flight and HTTP/2
 * where offered. The token goes only into the Authorization header; it
 * never appears in a URL, a message or a log. No database here. */
#ifndef WB_CLOUDAPI_H
#define WB_CLOUDAPI_H
#include <jansson.h>
#include <stddef.h>

#define API_DEFAULT_URL "https://graph.facebook.com/v26.0"

/* ---- request bodies (pure) */

typedef enum {
	MSG_TEXT, MSG_IMAGE, MSG_VIDEO, MSG_AUDIO, MSG_DOCUMENT, MSG_STICKER,
	MSG_LOCATION, MSG_TEMPLATE, MSG_INTERACTIVE, MSG_REACTION
} api_msg_type;

/* Names as the API spells them ("text", "image" …). */
const char *api_type_name(api_msg_type t);

typedef struct {
	api_msg_type type;
	const char *to;        /* wa_id */
	const char *recipient; /* a user ID, for a contact without a phone (to NULL) */
	const char *reply_to; /* context.message_id; for a reaction, the message reacted to */
	/* text; also the body of interactive buttons */
	const char *text;
	int preview_url; /* -1: leave out, else false/true */
	/* media: an uploaded id or a link; voice: the audio is a voice note */
	const char *media_id, *link, *caption, *filename;
	int voice;
	/* location: latitude and longitude as the user wrote them (decimal
	 * numbers, checked by the caller), so the body carries their digits */
	const char *lat, *lon;
	const char *place, *address;
	/* template: body parameters fill {{1}}, {{2}}…; header_kind is text,
	 * image, video or document (NULL: no header); buttons are the
	 * parameters of URL buttons 0, 1… */
	const char *tmpl, *lang, *header_kind, *header;
	const char *const *params;
	size_t nparams;
	const char *const *buttons;
	size_t nbuttons;
	/* interactive: reply buttons "ID:TITLE" (with text as the body), or a
	 * whole interactive object as Meta documents it (lists…) */
	const char *const *choices;
	size_t nchoices;
	json_t *interactive;
	/* reaction */
	const char *emoji;
	/* biz_opaque_callback_data: Meta hands it back in the message's status
	 * webhooks (wb-send --tag); NULL: none */
	const char *tag;
} api_msg;

/* The longest biz_opaque_callback_data Meta takes, in characters. */
#define API_TAG_MAX 512

/* The request body for POST /{phone-id}/messages. NULL and EX_DATAERR
 * for a message the API would refuse on its face (a choice without a
 * title…). */
json_t *api_msg_json(const api_msg *m);
/* The same as compact text, the form sent: a location's numbers keep the
 * digits given (37.4611978, not 37.461197800000001). malloc'd; NULL and
 * EX_DATAERR as api_msg_json. */
char *api_msg_body(const api_msg *m);

/* ---- answers (pure) */

typedef struct {
	char *wamid;            /* on success */
	long code, subcode;     /* on an error body; 0 when none */
	char *message, *details;
} api_result;

/* Reads an answer body: 0 with wamid set on success, 1 with the error
 * fields set (from Meta's error object, or made up from the HTTP status
 * when the body is not one). */
int api_result_parse(long http, const char *body, api_result *r);
void api_result_free(api_result *r);
/* One line for a failure: "(#131026) Message undeliverable: Message
 * Undeliverable." */
char *api_result_text(const api_result *r);

typedef enum { API_SENT, API_RETRY, API_FAILED, API_AUTH } api_outcome;
/* What to do about an answer: http 0 is a transport failure (timeout,
 * reset, refused), retried like 429, 5xx and the rate-limit codes;
 * a rejected token (190, HTTP 401) stops everything; the rest fail. */
api_outcome api_classify(long http, long code);

/* ---- HTTP */

typedef struct api api;

typedef struct {
	void *tag;         /* what api_start was given */
	long http;         /* 0: no answer (see error) */
	char *body;        /* malloc'd, may be empty */
	double retry_after; /* seconds from Retry-After, 0 when none */
	char error[256];   /* libcurl's reason when http is 0 */
} api_reply;

/* Reads WB_API_URL, WB_PHONE_ID and WB_TOKEN (environment or config
 * file); a missing one is EX_CONFIG. concurrency bounds the connections.
 * WB_API_TIMEOUT (seconds, default 30) bounds each request. */
int api_open(int concurrency, api **out);
void api_close(api *a);

/* Starts POST {url}/{phone-id}/{endpoint} with a JSON body; returns at once. */
int api_start(api *a, const char *endpoint, const char *json, void *tag);
/* The same from another business number of the account (phone_id NULL:
 * WB_PHONE_ID's). */
int api_start_as(api *a, const char *phone_id, const char *endpoint, const char *json, void *tag);
/* Requests started and not yet handed back. */
int api_inflight(const api *a);
/* Waits up to timeout_ms for a request to finish; 1 and *r filled, or 0. */
int api_next(api *a, int timeout_ms, api_reply *r);
void api_reply_free(api_reply *r);

/* One request, waited for: 0 when the API answered 2xx (r holds the
 * answer), else an EX_ code with a message (EX_UNAVAILABLE when it could
 * not be reached, EX_CONFIG for a rejected token, EX_TEMPFAIL when rate
 * limited, EX_DATAERR for the API's refusal, naming its code). */
int api_call(api *a, const char *endpoint, const char *json, api_reply *r);
/* (r is filled either way: free it with api_reply_free.) */

/* Uploads a file (POST /{phone-id}/media, multipart) and sets *id
 * (malloc'd). The caller has checked type and size (media.h). */
int api_upload(api *a, const char *path, const char *mime, char **id);

/* The business's phone number as Meta shows it ("+1 555-078-3881";
 * GET /{phone-id}?fields=display_phone_number), malloc'd. */
int api_display_phone(api *a, char **number);

/* Sets the business profile picture from a file's n bytes (of type
 * mime; path names it): Meta's Resumable Upload API on the app WB_APP_ID
 * (POST /{app-id}/uploads, then the bytes to the session it opens), then
 * the handle it gives as profile_picture_handle on the business profile.
 * EX_CONFIG without WB_APP_ID. */
int api_profile_photo(api *a, const char *path, const char *mime, const char *bytes, size_t n);

/* Sends the business profile: body is the JSON object for
 * POST /{phone-id}/whatsapp_business_profile (messaging_product is added
 * when missing). 0 when the API answered {"success":true}. */
int api_profile_push(api *a, const char *body);

#endif
