/* template — the account's message templates as rows (template,
 * template_slot): read from the Cloud API by sync (every page, in one
 * transaction; what is no longer listed is marked gone, not deleted),
 * changed by the template webhooks (status, quality, category) and by
 * create and rm through the API; listed; and looked up for a send or for
 * show. The rules and the reading of a definition are tmplcheck's; the
 * HTTP is cloudapi's. */
#ifndef WB_TEMPLATE_H
#define WB_TEMPLATE_H
#include <jansson.h>
#include <stdint.h>

#include "cloudapi.h"
#include "db.h"
#include "tmplcheck.h"

/* WB_WABA_ID (environment or config file): the WhatsApp Business
 * Account whose templates these are. EX_CONFIG when it is set nowhere. */
int template_waba(char **id);

typedef struct {
	const char *name, *lang, *category, *status, *reason, *quality, *meta_id;
	const char *definition; /* Meta's JSON, NULL when only a webhook named it */
	int64_t updated_at, synced_at, gone_at;
	int params;             /* the values a send gives it */
} template_row;

/* Filters of ls (NULL: any); matched without regard to case. */
typedef struct {
	const char *name, *lang, *status, *category;
} template_filter;
/* The templates, by name and language. */
int template_each(wb_db *db, const template_filter *f, int (*fn)(const template_row *t, void *ctx), void *ctx);

typedef struct {
	long listed, added, changed, gone;
	char *tier; /* the messaging limit as the API named it; NULL when it could not be read */
} template_sync_stats;
/* GET /{waba}/message_templates, every page, then the number's
 * messaging limit; stored in one transaction once all is read. */
int template_sync(wb_db *db, api *a, const char *waba, template_sync_stats *st);

/* What wb knows of a template, for a send. */
typedef struct {
	int synced;      /* the templates were synced at least once */
	int found;       /* name in lang has a row */
	char *status;
	int64_t gone_at; /* no longer listed upstream since */
	int has_def;     /* def is read from its definition */
	tdef def;
	char *langs;     /* the languages name has ("en_US, fr"), NULL when none */
} template_info;
int template_info_get(wb_db *db, const char *name, const char *lang, template_info *t);
void template_info_free(template_info *t);

/* One change a webhook brings (entry[].changes[]): field
 * message_template_status_update, message_template_quality_update or
 * template_category_update changes the template's row (made when wb has
 * not synced it yet); phone_number_quality_update the messaging limit.
 * Other fields are not this module's: 0, nothing done. A change of these
 * fields without a template name and language is EX_DATAERR. */
int template_apply_update(wb_db *db, const char *field, json_t *value);

/* Submits a definition (Meta's JSON) to POST /{waba}/message_templates
 * and stores it with the status the API answers (*status, malloc'd). */
int template_create(wb_db *db, api *a, const char *waba, json_t *def, char **status);
/* DELETE /{waba}/message_templates?name=NAME (every language), or with
 * lang only that one (by its id); the rows are marked DELETED. *n: how many. */
int template_rm(wb_db *db, api *a, const char *waba, const char *name, const char *lang, long *n);

#endif
