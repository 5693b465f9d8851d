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

/* One value of a template message, as Meta's "parameters" entries. */
typedef enum {
	TV_TEXT, TV_CURRENCY, TV_DATE_TIME, TV_IMAGE, TV_VIDEO, TV_DOCUMENT, TV_LOCATION,
	TV_PAYLOAD, TV_COUPON, TV_FLOW
} api_tv_kind;

typedef struct {
	api_tv_kind kind;
	const char *name;    /* parameter_name, for named templates; NULL: positional */
	const char *text;    /* text, fallback_value, media link or id, payload, coupon code, flow token */
	int is_id;           /* media: text is an uploaded media id, not a link */
	char code[4];        /* currency: ISO 4217 */
	long long amount_1000; /* currency: the amount times 1000 */
	double lat, lon;     /* location */
} api_tvalue;

/* A component of a template message: "header", "body", or "button"
 * with its sub_type (url, quick_reply, copy_code, flow) and index among
 * the template's buttons. */
typedef struct {
	const char *type, *sub_type;
	int index;
	const api_tvalue *v;
	size_t n;
} api_tcomp;

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
	/* template: its name, language (NULL: en_US) and the components
	 * that carry values (tmplcheck binds them) */
	const char *tmpl, *lang;
	const api_tcomp *tcomps;
	size_t ntcomps;
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
/* Meta's limit on a text message's body, in characters (code points) */
#define API_TEXT_MAX 4096
/* ... and on an interactive message's body text */
#define API_BODY_MAX 1024

/* The request body for POST /{phone-id}/messages. NULL and EX_DATAERR
 * for a message the API would refuse on its face (a choice without a
 * title…). */
json_t *api_msg_json(const api_msg *m);
/* The same as compact text, the form sent: a location's numbers keep the
 * digits given (37.4611978, not 37.461197800000001). malloc'd; NULL and
 * EX_DATAERR as api_msg_json. */
char *api_msg_body(const api_msg *m);

/* The body that marks a customer's message read (and the ones before it,
 * as WhatsApp does), with the typing indicator when typing: Meta's
 * {"messaging_product":"whatsapp","status":"read","message_id":…,
 * "typing_indicator":{"type":"text"}}. */
json_t *api_read_json(const char *wamid, int typing);

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
	char *body;        /* malloc'd, may be empty; NUL-terminated */
	size_t body_len;   /* its bytes (a media download holds NULs) */
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
/* Waits up to timeout_ms for a request to make progress or for fd to
 * be readable (a stream read as it goes); 1 when fd is, else 0. The
 * answers are then collected with api_next(a, 0, ...). */
int api_wait(api *a, int timeout_ms, int fd);
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

/* Marks the customer's message wamid read, with the typing indicator
 * when typing (it shows until the next message, or 25 seconds). 0 when
 * the API answered {"success":true}. */
int api_mark_read(api *a, const char *wamid, int typing);

/* GET, POST (with json) or DELETE {url}/{path}, path relative to the
 * API's address ("884120553010742/message_templates?limit=100"), waited
 * for: 0 on a 2xx answer (r holds it), else as api_call. */
int api_request(api *a, const char *method, const char *path, const char *json, api_reply *r);
/* Every item of a Graph API listing ({"data":[…],"paging":…}), page
 * after page: the next page is asked for with paging.cursors.after for
 * as long as the answer has paging.next. fn's non-zero return stops it. */
int api_each_page(api *a, const char *path, int (*fn)(json_t *item, void *ctx), void *ctx);
/* The business number's messaging limit as the API names it
 * (whatsapp_business_manager_messaging_limit: "TIER_2K" …), malloc'd. */
int api_messaging_limit(api *a, char **tier);
/* The business's phone number as Meta shows it ("+1 555-078-3881";
 * GET /{phone-id}?fields=display_phone_number), malloc'd. */
int api_display_phone(api *a, char **number);

/* Sets the business profile picture from a file's n bytes (of type
 * mime; path names it): Meta's Resumable Upload API on the app WB_APP_ID
 * (POST /{app-id}/uploads, then the bytes to the session it opens), then
 * the handle it gives as profile_picture_handle on the business profile.
 * EX_CONFIG without WB_APP_ID. */
int api_profile_photo(api *a, const char *path, const char *mime, const char *bytes, size_t n);

/* A received medium as GET /{media-id} describes it: a download URL
 * (valid for about five minutes), its type, sha256 (hex) and size. */
typedef struct {
	char *url, *mime, *sha256;
	long long size;
} api_media;
/* Looks a media id up (Meta's first step of a download); EX_UNAVAILABLE
 * when the answer lacks url, sha256 or file_size. */
int api_media_info(api *a, const char *media_id, api_media *m);
void api_media_free(api_media *m);
/* GETs a URL the API gave (a media URL), with the token: 0 on 2xx, 1
 * otherwise; r holds the answer (the bytes; body_len counts them). */
int api_get_url(api *a, const char *url, api_reply *r, size_t *body_len);
/* The exit code and one-line message for a failed request (what names it). */
int api_reply_error(const char *what, const api_reply *r);

/* Sends the business profile: body is the JSON object for
 * POST /{phone-id}/whatsapp_business_profile (messaging_product is added
 * when missing). 0 when the API answered {"success":true}. */
int api_profile_push(api *a, const char *body);

#endif
