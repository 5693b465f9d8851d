/* agent — the people who answer customers in the shared inbox: the agent
 * table, who is on duty, and the round robin that auto-assignment follows
 * with its setting (inbox.auto_assign). Giving conversations to agents and
 * taking them back is inbox's: an agent who goes off duty or is removed
 * hands theirs back through inbox_release. */
#ifndef WB_AGENT_H
#define WB_AGENT_H
#include <stdint.h>

#include "bulk.h"
#include "db.h"

typedef struct {
	const char *name;
	const char *display; /* NULL when unset */
	int on_duty;
	int64_t conversations; /* open or pending ones assigned to them */
	int64_t created_at;
} agent;

/* A name as WB_AGENT says it: 1 to 64 characters of UTF-8, none of them
 * white space, a control character or a comma. Pure; 0 or EX_DATAERR. */
int agent_name_check(const char *name);
/* EX_DATAERR when the name is taken or malformed. On duty from the start. */
int agent_add(wb_db *db, const char *name, const char *display, int64_t now);
/* 0 when name is an agent, else EX_FALSE "no agent 'x' (wb-agent add x)". */
int agent_find(wb_db *db, const char *name);
/* WB_AGENT from the environment or the config file (config.h) into *me,
 * malloc'd; NULL when unset or empty. 0 or config_get's error. */
int agent_whoami(char **me);
/* Who the caller is: WB_AGENT's value, which must name an agent; NULL
 * (unset) or an unknown name is EX_CONFIG saying what to do. */
int agent_me(wb_db *db, const char *name);

/* wb-agent rm, on and off over names (bulk_run: all or nothing, a row
 * for each after the commit). An agent who is removed or goes off duty
 * hands their open and pending conversations back to the queue; actor
 * is who does it (NULL: nobody in particular). An unknown name is
 * EX_DATAERR. */
int agent_rm_names(wb_db *db, int argc, char **argv, const char *actor, bulk_row_fn row, void *ctx);
int agent_duty_names(wb_db *db, int on, int argc, char **argv, const char *actor, bulk_row_fn row,
		     void *ctx);

typedef int (*agent_fn)(const agent *a, void *ctx);
/* Every agent in name order. */
int agent_each(wb_db *db, agent_fn fn, void *ctx);

/* The round robin: the agent on duty whose last assignment is oldest
 * (never assigned first, then by name): 0 and *name (malloc'd), or
 * EX_FALSE when nobody is on duty. */
int agent_next(wb_db *db, char **name);
/* Records that name was given a conversation at inbox version v. */
int agent_assigned(wb_db *db, const char *name, int64_t v);

/* Whether new conversations are assigned by themselves (default off). */
int agent_auto_assign(wb_db *db);
int agent_set_auto_assign(wb_db *db, int on);

#endif
