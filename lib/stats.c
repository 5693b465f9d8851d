#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "label.h"
#include "survey.h"
#include "util.h"
#include "when.h"

const char *const stats_by_names[] = {"day", "week", "month", "hour", "weekday",
				      "contact", "label", "agent", "broadcast", NULL};

/* ---- pure rules ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int64_t stats_rank(int64_t *v, size_t n, int pct)
{
	if (!n)
		return -1;
	qsort(v, n, sizeof *v, cmp_i64);
	size_t r = (n * (size_t)pct + 99) / 100; /* ceil(n * pct / 100) */
	return v[r ? r - 1 : 0];
}

int stats_classify(const char *direction, const char *status, int64_t sent_at)
{
	if (!strcmp(direction, "in"))
		return STATS_IN | STATS_COUNTED;
	int f = sent_at ? STATS_SENT : 0;
	if (!strcmp(status, "read"))
		f |= STATS_SENT | STATS_DELIVERED | STATS_READ;
	else if (!strcmp(status, "delivered"))
		f |= STATS_SENT | STATS_DELIVERED;
	else if (!strcmp(status, "sent"))
		f |= STATS_SENT;
	else if (!strcmp(status, "failed"))
		f |= STATS_FAILED;
	return f ? f | STATS_COUNTED : 0;
}

int stats_conv_step(stats_conv_state *s, int inbound, int reply, int64_t t, int64_t *secs)
{
	int r = STATS_NOTHING;
	int silent = !s->any || t - s->prev_t >= STATS_SILENCE;
	if (inbound) {
		if (!s->waiting || silent) {
			s->waiting = 1;
			s->opened = t;
			r = STATS_OPENS;
		}
	} else if (reply && s->waiting) {
		*secs = t - s->opened;
		s->waiting = 0;
		r = STATS_ANSWERS;
	}
	s->any = 1;
	s->prev_t = t;
	return r;
}

/* ---- periods ---- */

typedef struct {
	int64_t *start;
	int *group;
	char (*label)[32];
	size_t n, cap;
} raw_periods;

static void raw_push(raw_periods *r, int64_t start, int group, const char *label)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->start = xrealloc(r->start, r->cap * sizeof *r->start);
		r->group = xrealloc(r->group, r->cap * sizeof *r->group);
		r->label = xrealloc(r->label, r->cap * sizeof *r->label);
	}
	r->start[r->n] = start;
	r->group[r->n] = group;
	snprintf(r->label[r->n++], sizeof r->label[0], "%s", label);
}

static int is_time(stats_by by)
{
	return by <= STATS_WEEKDAY || by == STATS_HOUR_WEEKDAY;
}

/* Rows of the groupings with a fixed set: 24 hours, 7 days, both. */
static int fixed_rows(stats_by by)
{
	return by == STATS_HOUR ? 24 : by == STATS_WEEKDAY ? 7 : by == STATS_HOUR_WEEKDAY ? 7 * 24 : 0;
}

/* The day the period holding day begins on, and the day the next begins. */
static int64_t period_first(stats_by by, int64_t day)
{
	int y, m, d;
	if (by == STATS_WEEK)
		return day - when_weekday(day);
	if (by != STATS_MONTH)
		return day;
	when_date(day, &y, &m, &d);
	return when_day(y, m, 1);
}

static int64_t period_next(stats_by by, int64_t day)
{
	int y, m, d;
	if (by != STATS_MONTH)
		return day + (by == STATS_WEEK ? 7 : 1);
	when_date(day, &y, &m, &d);
	return m == 12 ? when_day(y + 1, 1, 1) : when_day(y, m + 1, 1);
}

/* The segments of the period that begins on day, at the instant s. */
static void raw_period(stats_by by, int64_t day, int64_t s, const char *tz, raw_periods *r)
{
	char l[32];
	int y, m, d;
	int base = by == STATS_HOUR_WEEKDAY ? 24 * when_weekday(day) : 0;
	switch (by) {
	case STATS_HOUR:
	case STATS_HOUR_WEEKDAY:
		for (int h = 0; h < 24; h++) {
			int64_t b = h ? when_day_at(day, h * 60, tz) : s;
			if (!h || b > r->start[r->n - 1])
				raw_push(r, b, base + h, "");
			else /* h - 1 was skipped by DST: its instant is h's */
				r->group[r->n - 1] = base + h;
		}
		break;
	case STATS_WEEKDAY:
		raw_push(r, s, when_weekday(day), "");
		break;
	case STATS_MONTH:
		when_date(day, &y, &m, &d);
		snprintf(l, sizeof l, "%04d-%02d", y, m);
		raw_push(r, s, -1, l);
		break;
	default:
		when_fmt_date(day, l);
		raw_push(r, s, -1, l);
	}
}

/* Every calendar period from the one holding since to the first that
 * starts at or after until (the end boundary). Each boundary is a local
 * wall-clock time turned into an instant, so a DST change makes a 23- or
 * 25-hour day rather than shifting the next one. */
static void raw_calendar(stats_by by, int64_t since, int64_t until, const char *tz, raw_periods *r)
{
	for (int64_t day = period_first(by, when_local_day(since, tz));; day = period_next(by, day)) {
		int64_t s = when_day_at(day, 0, tz);
		if (s >= until) {
			raw_push(r, s, -1, "");
			return;
		}
		raw_period(by, day, s, tz, r);
	}
}

static void periods_push(stats_periods *p, size_t *cap, int64_t start, int group)
{
	if (p->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		p->start = xrealloc(p->start, *cap * sizeof *p->start);
		p->group = xrealloc(p->group, *cap * sizeof *p->group);
	}
	p->start[p->n] = start;
	p->group[p->n++] = group;
}

static int periods_row(stats_periods *p, int *cap, const char *label)
{
	if (p->nrows == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		p->label = xrealloc(p->label, (size_t)*cap * sizeof *p->label);
	}
	snprintf(p->label[p->nrows], sizeof p->label[0], "%s", label);
	return p->nrows++;
}

int stats_periods_make(stats_by by, int64_t since, int64_t until, const char *tz, stats_periods *p)
{
	memset(p, 0, sizeof *p);
	if (until <= since)
		return wb_err(EX_DATAERR, "--until must be later than --since");
	size_t cap = 0;
	int rcap = 0;
	if (!is_time(by)) {
		periods_push(p, &cap, since, periods_row(p, &rcap, ""));
		return 0;
	}
	int fixed = fixed_rows(by);
	for (int i = 0; i < fixed; i++)
		periods_row(p, &rcap, by == STATS_WEEKDAY ? when_day_name(i, 0) : "");
	raw_periods r = {0};
	raw_calendar(by, since, until, tz, &r);
	/* clip to [since, until): the first and last periods may be partial */
	for (size_t i = 0; i + 1 < r.n; i++) {
		int64_t lo = r.start[i] < since ? since : r.start[i];
		int64_t hi = r.start[i + 1] > until ? until : r.start[i + 1];
		if (lo < hi)
			periods_push(p, &cap, lo, fixed ? r.group[i] : periods_row(p, &rcap, r.label[i]));
	}
	free(r.start);
	free(r.group);
	free(r.label);
	return 0;
}

size_t stats_periods_find(const stats_periods *p, int64_t t)
{
	size_t lo = 0, hi = p->n; /* start[lo] <= t < start[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->start[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void stats_periods_free(stats_periods *p)
{
	free(p->start);
	free(p->group);
	free(p->label);
	memset(p, 0, sizeof *p);
}

/* ---- reading the message table ---- */

/* The time a message counts at: sent_at for what we sent (a scheduled
 * message is created long before it goes), ts for the rest. */
#define STATS_T "coalesce(sent_at, ts)"
/* The messages statistics see: received, or sent, or failed. */
#define STATS_COUNTED_SQL \
	"(direction = 'in' OR sent_at IS NOT NULL OR status IN ('sent', 'delivered', 'read', 'failed'))"

typedef struct {
	int64_t *v;
	size_t n, cap;
} i64s;

static void i64s_push(i64s *a, int64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = x;
}

/* Where x is or would go in v, kept sorted. */
static size_t i64s_find(const i64s *a, int64_t x)
{
	size_t lo = 0, hi = a->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (a->v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int i64s_has(const i64s *a, int64_t x)
{
	size_t i = i64s_find(a, x);
	return i < a->n && a->v[i] == x;
}

/* Adds x unless present (v kept sorted): a group meets few broadcasts. */
static void i64s_add_unique(i64s *a, int64_t x)
{
	size_t lo = i64s_find(a, x);
	if (lo < a->n && a->v[lo] == x)
		return;
	i64s_push(a, x);
	memmove(a->v + lo + 1, a->v + lo, (a->n - 1 - lo) * sizeof *a->v);
	a->v[lo] = x;
}

/* A row being counted. */
typedef struct {
	char *key[3];
	int64_t id;     /* what the row is for: label, broadcast, hour of day */
	int id_is_key;  /* the row's first key is id, a number (hour, broadcast) */
	int64_t received, sent, delivered, read, failed, auto_replies, contacts, new_contacts;
	int64_t last_contact;
	i64s broadcasts, responses;
	int64_t csat_n, csat_good, nps_n, nps_net; /* survey answers: how many, 4-5; promoters - detractors */
	int64_t assigned, resolved;       /* by agent: the inbox's figures */
	i64s inbox_responses, resolutions;
} group;

typedef struct {
	int64_t id, t, broadcast;
	int flags, automatic, agent; /* agent: index into the agent names, -1 none */
	int marketing;               /* of a marketing broadcast: what --by broadcast counts */
	int answer;                  /* a survey answer: score, + 256 for CSAT; -1 none */
} msg;

/* A small map from an id (broadcast, label) to a group. */
typedef struct {
	int64_t *k;
	int *v;
	size_t n, cap;
} idmap;

static int *idmap_slot(idmap *m, int64_t k)
{
	if (2 * (m->n + 1) > m->cap) {
		idmap old = *m;
		m->cap = m->cap ? m->cap * 2 : 64;
		m->k = xmalloc(m->cap * sizeof *m->k);
		m->v = xmalloc(m->cap * sizeof *m->v);
		m->n = 0;
		for (size_t i = 0; i < m->cap; i++)
			m->v[i] = -1;
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i] >= 0)
				*idmap_slot(m, old.k[i]) = old.v[i];
		free(old.k);
		free(old.v);
	}
	size_t i = (size_t)((uint64_t)k * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
	while (m->v[i] >= 0 && m->k[i] != k)
		i = (i + 1) & (m->cap - 1);
	if (m->v[i] < 0) {
		m->k[i] = k;
		m->n++;
	}
	return &m->v[i];
}

/* k's value, -1 when absent (nothing inserted). */
static int idmap_get(const idmap *m, int64_t k)
{
	if (!m->n)
		return -1;
	size_t i = (size_t)((uint64_t)k * 0x9E3779B97F4A7C15ull >> 20) & (m->cap - 1);
	while (m->v[i] >= 0 && m->k[i] != k)
		i = (i + 1) & (m->cap - 1);
	return m->v[i];
}

/* The agent names met, shared by the walks of one reading. */
typedef struct {
	char **names;
	size_t n;
	int last;
} agent_tab;

typedef struct {
	wb_db *db;
	stats_by by;
	int64_t since, until;
	const char *tz;
	stats_periods per;
	group *g;
	size_t ng, gcap;
	idmap ids;           /* label or broadcast id → group */
	idmap answers;       /* message id → its survey answer (msg.answer) */
	i64s marketing;      /* the ids of marketing broadcasts, sorted */
	int null_agent;      /* the group of messages without an agent */
	int *agent_group;    /* agent index → group */
	size_t nagent_group;
	agent_tab *at;       /* every agent name met: own_at, or the first walk's */
	agent_tab own_at;
	int64_t cid;         /* the contact being read, and its messages */
	msg *buf;
	size_t nbuf, capbuf;
	int *cg;             /* by label: the contact's label groups */
	size_t ncg, capcg;
	int one;             /* otherwise: the one group of a message */
	char *phone, *user_id, *name, *labels; /* the contact, fetched when needed */
	stats_row_fn row_fn;
	stats_conv_fn conv_fn;
	void *ctx;
	int rc;
} walk;

static int new_group(walk *w, const char *k0, const char *k1, int64_t id)
{
	if (w->ng == w->gcap) {
		w->gcap = w->gcap ? w->gcap * 2 : 16;
		w->g = xrealloc(w->g, w->gcap * sizeof *w->g);
	}
	group *g = &w->g[w->ng];
	memset(g, 0, sizeof *g);
	g->key[0] = k0 ? xstrdup(k0) : NULL;
	g->key[1] = k1 ? xstrdup(k1) : NULL;
	g->id = id;
	g->last_contact = -1;
	return (int)w->ng++;
}

static void reset_group(group *g)
{
	for (int i = 0; i < 3; i++)
		free(g->key[i]);
	free(g->broadcasts.v);
	free(g->responses.v);
	free(g->inbox_responses.v);
	free(g->resolutions.v);
	memset(g, 0, sizeof *g);
	g->last_contact = -1;
}

static int intern_agent(agent_tab *t, const char *a)
{
	if (!a)
		return -1;
	if (t->last >= 0 && !strcmp(t->names[t->last], a))
		return t->last;
	size_t i;
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->names[i], a))
			break;
	if (i == t->n) {
		t->names = xrealloc(t->names, (i + 1) * sizeof *t->names);
		t->names[t->n++] = xstrdup(a);
	}
	return t->last = (int)i;
}

/* The group of an agent's messages (-1: none yet), the table grown to
 * the agents the reading has met. */
static int *agent_slot(walk *w, int agent)
{
	if (agent < 0)
		return &w->null_agent;
	if ((size_t)agent >= w->nagent_group) {
		size_t n = w->at->n;
		w->agent_group = xrealloc(w->agent_group, n * sizeof *w->agent_group);
		for (size_t i = w->nagent_group; i < n; i++)
			w->agent_group[i] = -1;
		w->nagent_group = n;
	}
	return &w->agent_group[agent];
}

/* The group of an agent (-1: no agent), made when first met. */
static int agent_group(walk *w, int agent)
{
	int *slot = agent_slot(w, agent);
	if (*slot < 0)
		*slot = new_group(w, agent < 0 ? NULL : w->at->names[agent], NULL, 0);
	return *slot;
}

/* A group whose first key is the number id. */
static int numbered_group(walk *w, int64_t id)
{
	int g = new_group(w, NULL, NULL, id);
	w->g[g].id_is_key = 1;
	return g;
}

/* The rows a message counts in: *gs points at their groups. */
static size_t groups_of(walk *w, const msg *m, const int **gs)
{
	*gs = &w->one;
	switch (w->by) {
	case STATS_CONTACT:
		w->one = 0;
		return 1;
	case STATS_LABEL:
		*gs = w->cg;
		return w->ncg;
	case STATS_AGENT:
		w->one = agent_group(w, m->agent);
		return 1;
	case STATS_BROADCAST: {
		if (!m->marketing)
			return 0;
		int *slot = idmap_slot(&w->ids, m->broadcast);
		if (*slot < 0)
			*slot = numbered_group(w, m->broadcast);
		w->one = *slot;
		return 1;
	}
	default:
		w->one = w->per.group[stats_periods_find(&w->per, m->t)];
		return 1;
	}
}

static void count(group *g, const msg *m, int64_t cid)
{
	if (g->last_contact != cid) {
		g->contacts++;
		g->last_contact = cid;
	}
	g->received += !!(m->flags & STATS_IN);
	g->sent += !!(m->flags & STATS_SENT);
	g->delivered += !!(m->flags & STATS_DELIVERED);
	g->read += !!(m->flags & STATS_READ);
	g->failed += !!(m->flags & STATS_FAILED);
	g->auto_replies += (m->flags & STATS_SENT) && m->automatic;
	if (m->marketing)
		i64s_add_unique(&g->broadcasts, m->broadcast);
	if (m->answer >= 256) {
		g->csat_n++;
		g->csat_good += m->answer - 256 >= 4;
	} else if (m->answer >= 0) {
		g->nps_n++;
		g->nps_net += (m->answer >= 9) - (m->answer <= 6);
	}
}

static int emit_group(walk *w, group *g)
{
	stats_row r = {
		.key = {{.text = g->key[0], .num = g->id, .numeric = g->id_is_key}, {.text = g->key[1]},
			{.text = g->key[2]}},
		.received = g->received, .sent = g->sent, .delivered = g->delivered,
		.read = g->read, .failed = g->failed,
		.delivery_rate = g->sent ? (double)g->delivered / (double)g->sent : NAN,
		.read_rate = g->sent ? (double)g->read / (double)g->sent : NAN,
		.contacts = g->contacts, .new_contacts = g->new_contacts,
		.response_median = stats_rank(g->responses.v, g->responses.n, 50),
		.response_p90 = stats_rank(g->responses.v, g->responses.n, 90),
		.auto_replies = g->auto_replies,
		.broadcasts = (int64_t)g->broadcasts.n,
		.csat = g->csat_n ? (double)g->csat_good / (double)g->csat_n : NAN,
		.nps = g->nps_n ? 100.0 * (double)g->nps_net / (double)g->nps_n : NAN,
		.assigned = g->assigned, .resolved = g->resolved,
		.inbox_response_median = stats_rank(g->inbox_responses.v, g->inbox_responses.n, 50),
		.inbox_response_p90 = stats_rank(g->inbox_responses.v, g->inbox_responses.n, 90),
		.resolution_median = stats_rank(g->resolutions.v, g->resolutions.n, 50),
		.resolution_p90 = stats_rank(g->resolutions.v, g->resolutions.n, 90),
		.responses = g->responses.v, /* sorted by stats_rank */
		.nresponses = g->responses.n,
	};
	if (w->by == STATS_NONE) {
		r.key[0].time = w->since;
		r.key[1].time = w->until;
	}
	return w->row_fn(&r, w->ctx);
}

static char *opt_dup(sqlite3_stmt *st, int row, int i)
{
	return row && sqlite3_column_type(st, i) != SQLITE_NULL ? xstrdup(db_col_text(st, i)) : NULL;
}

/* The phone, user ID, name and labels of the contact being read. */
static void load_contact(walk *w, int labels)
{
	if (!w->phone && !w->user_id) {
		sqlite3_stmt *st = db_stmt(w->db, "SELECT wa_id, user_id, coalesce(name, profile_name, username) "
						  "FROM contact WHERE id = ?");
		sqlite3_bind_int64(st, 1, w->cid);
		int row = sqlite3_step(st) == SQLITE_ROW;
		w->phone = opt_dup(st, row, 0);
		w->user_id = opt_dup(st, row, 1);
		w->name = opt_dup(st, row, 2);
		sqlite3_reset(st);
	}
	if (labels && !w->labels)
		w->labels = label_names_of(w->db, w->cid);
}

static void load_label_groups(walk *w)
{
	sqlite3_stmt *st = db_stmt(w->db, "SELECT label_id FROM contact_label WHERE contact_id = ?");
	sqlite3_bind_int64(st, 1, w->cid);
	w->ncg = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (w->ncg == w->capcg) {
			w->capcg = w->capcg ? w->capcg * 2 : 8;
			w->cg = xrealloc(w->cg, w->capcg * sizeof *w->cg);
		}
		int g = *idmap_slot(&w->ids, sqlite3_column_int64(st, 0));
		if (g >= 0) /* else a label made after the walk began */
			w->cg[w->ncg++] = g;
	}
	sqlite3_reset(st);
}

static int cmp_msg(const void *a, const void *b)
{
	const msg *x = a, *y = b;
	if (x->t != y->t)
		return (x->t > y->t) - (x->t < y->t);
	return (x->id > y->id) - (x->id < y->id);
}

/* A conversation of the contact being read, until it is complete. */
typedef struct {
	int open, in_range;
	stats_conversation c;
} conv_acc;

static int conv_flush(walk *w, conv_acc *a)
{
	int wanted = a->open && a->in_range && w->conv_fn;
	a->open = 0;
	if (!wanted)
		return 0;
	load_contact(w, 1);
	a->c.phone = w->phone;
	a->c.user_id = w->user_id;
	a->c.name = w->name;
	a->c.labels = w->labels;
	return w->conv_fn(&a->c, w->ctx);
}

static int in_range(const walk *w, int64_t t)
{
	return t >= w->since && t < w->until;
}

/* Follows the contact's conversations through message m, which the rule
 * found to open one, answer one or neither (ev); a conversation ends
 * where the next opens, or with a day of silence once answered. */
static int follow(walk *w, conv_acc *c, const msg *m, int ev, int ends, int64_t secs)
{
	int rc = 0;
	if (ends || ev == STATS_OPENS)
		rc = conv_flush(w, c);
	if (ev == STATS_OPENS)
		*c = (conv_acc){.open = 1, .in_range = in_range(w, m->t),
				.c = {.opened_at = m->t, .first_response = -1}};
	if (!c->open)
		return rc;
	c->c.received += !!(m->flags & STATS_IN);
	c->c.sent += !!(m->flags & STATS_SENT);
	c->c.last_at = m->t;
	if (ev == STATS_ANSWERS) {
		c->c.first_response = secs;
		c->c.agent = m->agent < 0 ? NULL : w->at->names[m->agent];
	}
	return rc;
}

/* Counts message m in its rows; first: the contact's first message ever. */
static void count_message(walk *w, const msg *m, int first)
{
	const int *gs;
	size_t n = in_range(w, m->t) ? groups_of(w, m, &gs) : 0;
	for (size_t k = 0; k < n; k++) {
		count(&w->g[gs[k]], m, w->cid);
		w->g[gs[k]].new_contacts += first;
	}
}

/* A first response belongs with the message that opened the
 * conversation, except by agent: with whoever answered (m). */
static void count_response(walk *w, const msg *opener, const msg *m, int64_t secs)
{
	const int *gs;
	size_t n = in_range(w, opener->t) ? groups_of(w, w->by == STATS_AGENT ? m : opener, &gs) : 0;
	for (size_t k = 0; k < n; k++)
		i64s_push(&w->g[gs[k]].responses, secs);
}

/* By contact, a contact's row goes out as soon as its messages are read. */
static int emit_contact(walk *w)
{
	if (w->by != STATS_CONTACT || !w->row_fn || !w->g[0].contacts)
		return 0;
	load_contact(w, 0);
	w->g[0].key[0] = w->phone ? xstrdup(w->phone) : NULL;
	w->g[0].key[1] = w->user_id ? xstrdup(w->user_id) : NULL;
	w->g[0].key[2] = w->name ? xstrdup(w->name) : NULL;
	int rc = emit_group(w, &w->g[0]);
	reset_group(&w->g[0]);
	return rc;
}

static void forget_contact(walk *w)
{
	w->nbuf = 0;
	free(w->phone);
	free(w->user_id);
	free(w->name);
	free(w->labels);
	w->phone = w->user_id = w->name = w->labels = NULL;
}

/* Runs the rules over one contact's messages (its whole history, in time
 * order) and counts what falls in [since, until). A conversation opened
 * in the range is followed to its end, so a day's figures do not change
 * with the end of the range they were asked in. */
static int finish_contact(walk *w)
{
	if (!w->nbuf)
		return 0;
	if (w->by == STATS_LABEL)
		load_label_groups(w);
	stats_conv_state st = {0};
	const msg *opener = NULL;
	conv_acc conv = {0};
	int rc = 0;
	for (size_t i = 0; i < w->nbuf && !rc; i++) {
		const msg *m = &w->buf[i];
		int reply = (m->flags & STATS_SENT) && !m->automatic && !m->broadcast;
		int64_t secs = 0;
		int ends = !st.waiting && st.any && m->t - st.prev_t >= STATS_SILENCE;
		int ev = stats_conv_step(&st, m->flags & STATS_IN, reply, m->t, &secs);
		if (ev == STATS_OPENS)
			opener = m;
		if (w->conv_fn)
			rc = follow(w, &conv, m, ev, ends, secs);
		if (w->row_fn)
			count_message(w, m, i == 0);
		if (w->row_fn && ev == STATS_ANSWERS)
			count_response(w, opener, m, secs);
	}
	if (!rc)
		rc = conv_flush(w, &conv);
	if (!rc)
		rc = emit_contact(w);
	forget_contact(w);
	return rc;
}

/* The marketing broadcasts, few: the message index, which the walk reads
 * alone, has no room for each message's kind. */
static int load_marketing(walk *w)
{
	sqlite3_stmt *st = db_stmt(w->db, "SELECT id FROM broadcast WHERE kind = 'marketing' ORDER BY id");
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		i64s_push(&w->marketing, sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return step == SQLITE_DONE ? 0 : db_fail(w->db, "reading broadcasts");
}

static int keep_answer(int64_t message_id, int score, int csat, void *p)
{
	*idmap_slot(p, message_id) = score + (csat ? 256 : 0);
	return 0;
}

/* The contact read into the first walk's buffer, in time order, through
 * every walk: one reading of the table serves several groupings. */
static int finish_walks(walk *ws, size_t n)
{
	walk *w = &ws[0];
	if (w->nbuf)
		qsort(w->buf, w->nbuf, sizeof *w->buf, cmp_msg);
	int rc = 0;
	for (size_t k = 1; k < n && !rc; k++) {
		ws[k].buf = w->buf;
		ws[k].nbuf = w->nbuf;
		ws[k].cid = w->cid;
		rc = finish_contact(&ws[k]);
		ws[k].buf = NULL;
	}
	return rc ? rc : finish_contact(w);
}

/* Reads every counted message, contact by contact: the conversation rule
 * and "first message ever" need each contact's whole history, however
 * short the range. The first of the n walks reads; all of them count. */
static int walk_messages(walk *ws, size_t n)
{
	walk *w = &ws[0];
	int rc = load_marketing(w);
	if (!rc)
		rc = survey_scores_each(w->db, keep_answer, &w->answers);
	if (rc)
		return rc;
	int need_agent = 0;
	for (size_t k = 0; k < n; k++) {
		need_agent |= ws[k].by == STATS_AGENT || ws[k].conv_fn;
		ws[k].at = &w->own_at;
	}
	sqlite3_stmt *st = db_stmt(w->db,
		"SELECT contact_id, id, ts, direction, status, sent_at, auto, broadcast_id, agent "
		"FROM message ORDER BY contact_id, ts");
	int step;
	w->cid = -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t cid = sqlite3_column_int64(st, 0);
		if (cid != w->cid) {
			if ((rc = finish_walks(ws, n)))
				break;
			w->cid = cid;
		}
		int64_t sent_at = sqlite3_column_int64(st, 5);
		int flags = stats_classify(db_col_text(st, 3), db_col_text(st, 4), sent_at);
		int64_t t = sent_at ? sent_at : sqlite3_column_int64(st, 2);
		if (!(flags & STATS_COUNTED))
			continue;
		if (w->nbuf == w->capbuf) {
			w->capbuf = w->capbuf ? w->capbuf * 2 : 256;
			w->buf = xrealloc(w->buf, w->capbuf * sizeof *w->buf);
		}
		int64_t broadcast = sqlite3_column_int64(st, 7);
		w->buf[w->nbuf++] = (msg){
			.id = sqlite3_column_int64(st, 1),
			.t = t,
			.flags = flags,
			.automatic = sqlite3_column_type(st, 6) != SQLITE_NULL,
			.broadcast = broadcast,
			.marketing = broadcast && i64s_has(&w->marketing, broadcast),
			.agent = need_agent && sqlite3_column_type(st, 8) != SQLITE_NULL
					 ? intern_agent(w->at, (const char *)sqlite3_column_text(st, 8)) : -1,
			.answer = idmap_get(&w->answers, sqlite3_column_int64(st, 1)),
		};
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(w->db, "reading messages");
	sqlite3_reset(st);
	if (!rc)
		rc = finish_walks(ws, n);
	return rc;
}

static void walk_free(walk *w)
{
	for (size_t i = 0; i < w->ng; i++)
		reset_group(&w->g[i]);
	for (size_t i = 0; i < w->own_at.n; i++)
		free(w->own_at.names[i]);
	free(w->g);
	free(w->own_at.names);
	free(w->agent_group);
	free(w->ids.k);
	free(w->ids.v);
	free(w->answers.k);
	free(w->answers.v);
	free(w->marketing.v);
	free(w->buf);
	free(w->cg);
	stats_periods_free(&w->per);
}

int stats_key_cols(stats_by by, const char *const **cols)
{
	static const char *const none[] = {"since", "until"}, *const contact[] = {"phone", "user_id", "name"},
				 *const broadcast[] = {"broadcast", "name"}, *const hour_weekday[] = {"hour_weekday"};
	switch (by) {
	case STATS_NONE: *cols = none; return 2;
	case STATS_CONTACT: *cols = contact; return 3;
	case STATS_BROADCAST: *cols = broadcast; return 2;
	case STATS_HOUR_WEEKDAY: *cols = hour_weekday; return 1;
	default: *cols = &stats_by_names[by]; return 1;
	}
}

static int cmp_agent_group(const void *a, const void *b)
{
	const group *x = a, *y = b;
	if (!x->key[0] || !y->key[0])
		return !!x->key[0] - !!y->key[0];
	return strcmp(x->key[0], y->key[0]);
}

static int cmp_id_group(const void *a, const void *b)
{
	const group *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* Groups known before the walk: periods, labels, the summary. */
static void prepare_groups(walk *w)
{
	switch (w->by) {
	case STATS_CONTACT:
		new_group(w, NULL, NULL, 0);
		break;
	case STATS_LABEL: {
		sqlite3_stmt *st = db_stmt(w->db, "SELECT id, name FROM label ORDER BY name");
		while (sqlite3_step(st) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);
			int g = new_group(w, db_col_text(st, 1), NULL, id);
			*idmap_slot(&w->ids, id) = g;
		}
		sqlite3_reset(st);
		break;
	}
	case STATS_AGENT:
	case STATS_BROADCAST:
		break;
	case STATS_NONE: /* its keys are the range's times */
		new_group(w, NULL, NULL, 0);
		break;
	default:
		for (int i = 0; i < w->per.nrows; i++)
			if (w->by == STATS_HOUR || w->by == STATS_HOUR_WEEKDAY)
				numbered_group(w, i);
			else
				new_group(w, w->per.label[i], NULL, 0);
	}
}

/* By agent, the shared inbox's figures: one query a kind, each row an
 * agent (NULL: none) and a figure: 0 for a count, seconds for a time. */
enum { INBOX_ASSIGNED, INBOX_RESOLVED, INBOX_RESPONSE };
static int inbox_figures(walk *w)
{
	static const char *const sql[] = {
		[INBOX_ASSIGNED] = "SELECT agent, 0 FROM conversation_event "
				   "WHERE kind = 'assigned' AND ts >= ?1 AND ts < ?2",
		[INBOX_RESOLVED] = "SELECT e.agent, e.ts - v.opened_at FROM conversation_event e "
				   "JOIN conversation v ON v.id = e.conversation_id "
				   "WHERE e.kind = 'resolved' AND e.ts >= ?1 AND e.ts < ?2",
		[INBOX_RESPONSE] = "SELECT first_response_by, first_response_at - opened_at FROM conversation "
				   "WHERE first_response_at IS NOT NULL AND opened_at >= ?1 AND opened_at < ?2",
	};
	for (int k = 0; k < 3; k++) {
		sqlite3_stmt *st = db_stmt(w->db, sql[k]);
		sqlite3_bind_int64(st, 1, w->since);
		sqlite3_bind_int64(st, 2, w->until);
		int step;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			/* may move w->g */
			int gi = agent_group(w, intern_agent(w->at, (const char *)sqlite3_column_text(st, 0)));
			group *g = &w->g[gi];
			int64_t secs = sqlite3_column_int64(st, 1);
			if (k == INBOX_ASSIGNED) {
				g->assigned++;
			} else if (k == INBOX_RESOLVED) {
				g->resolved++;
				i64s_push(&g->resolutions, secs);
			} else {
				i64s_push(&g->inbox_responses, secs);
			}
		}
		sqlite3_reset(st);
		if (step != SQLITE_DONE)
			return db_fail(w->db, "reading conversations");
	}
	return 0;
}

/* The rows of groupings that are only known after the walk, in order. */
static int emit_groups(walk *w)
{
	if (!w->ng) /* no messages: qsort must not see the NULL array */
		return 0;
	if (w->by == STATS_AGENT)
		qsort(w->g, w->ng, sizeof *w->g, cmp_agent_group);
	if (w->by == STATS_BROADCAST) {
		qsort(w->g, w->ng, sizeof *w->g, cmp_id_group);
		sqlite3_stmt *st = db_stmt(w->db, "SELECT name FROM broadcast WHERE id = ?");
		for (size_t i = 0; i < w->ng; i++) {
			sqlite3_bind_int64(st, 1, w->g[i].id);
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
				w->g[i].key[1] = xstrdup(db_col_text(st, 0));
			sqlite3_reset(st);
		}
	}
	int rc = 0;
	for (size_t i = 0; i < w->ng && !rc; i++)
		rc = emit_group(w, &w->g[i]);
	return rc;
}

int stats_report_views(wb_db *db, const stats_view *views, size_t n, int64_t since, int64_t until,
		       const char *tz)
{
	walk *ws = xcalloc(n, sizeof *ws);
	int rc = 0;
	for (size_t k = 0; k < n; k++) {
		ws[k] = (walk){.db = db, .by = views[k].by, .since = since, .until = until, .tz = tz,
			       .row_fn = views[k].fn, .ctx = views[k].ctx, .null_agent = -1,
			       .own_at = {.last = -1}};
		if (!rc)
			rc = stats_periods_make(views[k].by, since, until, tz, &ws[k].per);
		if (!rc)
			prepare_groups(&ws[k]);
	}
	if (!rc)
		rc = walk_messages(ws, n);
	for (size_t k = 0; k < n && !rc; k++)
		if (ws[k].by == STATS_AGENT)
			rc = inbox_figures(&ws[k]);
	for (size_t k = 0; k < n && !rc; k++)
		if (ws[k].by != STATS_CONTACT)
			rc = emit_groups(&ws[k]);
	for (size_t k = 0; k < n; k++)
		walk_free(&ws[k]);
	free(ws);
	return rc;
}

int stats_report(wb_db *db, stats_by by, int64_t since, int64_t until, const char *tz,
		 stats_row_fn fn, void *ctx)
{
	return stats_report_views(db, &(stats_view){by, fn, ctx}, 1, since, until, tz);
}

int stats_conversations(wb_db *db, int64_t since, int64_t until, stats_conv_fn fn, void *ctx)
{
	if (until <= since)
		return wb_err(EX_DATAERR, "--until must be later than --since");
	walk w = {.db = db, .by = STATS_NONE, .since = since, .until = until,
		  .conv_fn = fn, .ctx = ctx, .null_agent = -1, .own_at = {.last = -1}};
	int rc = walk_messages(&w, 1);
	walk_free(&w);
	return rc;
}

int stats_top(wb_db *db, int64_t since, int64_t until, int by_received, long limit,
	      stats_top_fn fn, void *ctx)
{
	if (until <= since)
		return wb_err(EX_DATAERR, "--until must be later than --since");
	sqlite3_stmt *st = db_stmt(db,
		"SELECT c.wa_id, coalesce(c.name, c.profile_name, c.username), m.received, m.sent, m.last_at, c.user_id "
		"FROM (SELECT contact_id, sum(direction = 'in') AS received, "
		"             sum(direction = 'out') AS sent, max(" STATS_T ") AS last_at "
		"      FROM message "
		"      WHERE " STATS_T " >= ?1 AND " STATS_T " < ?2 "
		"        AND (direction = 'in' OR sent_at IS NOT NULL OR status IN ('sent', 'delivered', 'read')) "
		"      GROUP BY contact_id) m "
		"JOIN contact c ON c.id = m.contact_id "
		"ORDER BY CASE WHEN ?3 THEN m.received ELSE m.received + m.sent END DESC, "
		"         m.received DESC, c.wa_id IS NULL, c.wa_id, c.user_id "
		"LIMIT ?4");
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, until);
	sqlite3_bind_int(st, 3, by_received);
	sqlite3_bind_int64(st, 4, limit);
	int step, rc = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		stats_top_row r = {
			.phone = sqlite3_column_type(st, 0) == SQLITE_NULL ? NULL : db_col_text(st, 0),
			.user_id = sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL : db_col_text(st, 5),
			.name = sqlite3_column_type(st, 1) == SQLITE_NULL ? NULL : db_col_text(st, 1),
			.received = sqlite3_column_int64(st, 2),
			.sent = sqlite3_column_int64(st, 3),
			.last_at = sqlite3_column_int64(st, 4),
		};
		if ((rc = fn(&r, ctx)))
			break;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(db, "reading messages");
	sqlite3_reset(st);
	return rc;
}

/* The report's survey section: wb-survey's figures (survey.h), CSAT as
 * a share. */
typedef struct {
	stats_survey_fn fn;
	void *ctx;
} survey_pass;

static int survey_figures(const survey_result *r, void *p)
{
	survey_pass *x = p;
	stats_survey_row row = {.name = r->name, .sent = r->sent, .answered = r->answered, .csat = r->csat,
				.nps = r->nps};
	return x->fn(&row, x->ctx);
}

int stats_surveys(wb_db *db, int64_t since, int64_t until, stats_survey_fn fn, void *ctx)
{
	return survey_results(db, NULL, SURVEY_BY_NONE, NULL, since, until, survey_figures, &(survey_pass){fn, ctx});
}
