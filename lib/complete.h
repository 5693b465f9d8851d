/* complete — the names shell completion offers for an option's value:
 * labels, quick reply shortcuts (with their '/'), template names (of
 * the template table when this database has one, else none) and agents. It only
 * reads; a name comes whole, one per call. */
#ifndef WB_COMPLETE_H
#define WB_COMPLETE_H

#include "db.h"

typedef enum { COMPLETE_LABEL, COMPLETE_QUICK, COMPLETE_TEMPLATE, COMPLETE_AGENT } complete_kind;
/* label quick template agent, NULL-terminated */
extern const char *const complete_kinds[];

/* Calls fn with each name of kind, in order; a non-zero return stops. */
int complete_names(wb_db *db, complete_kind kind, int (*fn)(const char *name, void *ctx), void *ctx);

#endif
