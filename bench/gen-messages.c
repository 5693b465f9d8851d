/* gen-messages — fills a wb database with a year of traffic for the
 * benchmarks: customers writing, automatic and human replies with their
 * delivery statuses, weekly broadcasts. Deterministic (fixed seed, fixed
 * end date), one transaction, indexes built after the rows.
 *   gen-messages DB   (sizes: BENCH_MESSAGES, BENCH_CONTACTS, BENCH_DAYS) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "util.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int64_t pick(int64_t n)
{
	return (int64_t)(next() % (uint64_t)n);
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	long n;
	if (!v || !*v)
		return def;
	if (parse_long(v, 1, 1000000000, &n))
		wb_die(EX_USAGE, "%s: '%s' is not a count", name, v);
	return n;
}

typedef struct {
	sqlite3 *h;
	sqlite3_stmt *ins;
	long n, want;
} gen;

/* One message; status NULL for inbound. Outbound statuses follow a
 * plausible mix: most read or delivered, a few failed or never sent. */
static void put(gen *g, int64_t contact, int out, int64_t ts, const char *agent, const char *automatic,
		int64_t broadcast)
{
	if (g->n >= g->want)
		return;
	sqlite3_stmt *st = g->ins;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, contact);
	sqlite3_bind_text(st, 2, out ? "out" : "in", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ts);
	const char *status = "received";
	int64_t sent_at = 0;
	if (out) {
		int r = (int)pick(100);
		status = r < 55 ? "read" : r < 85 ? "delivered" : r < 93 ? "sent" : r < 97 ? "failed" : "queued";
		if (strcmp(status, "queued") && (strcmp(status, "failed") || r % 2))
			sent_at = ts + pick(3);
	}
	sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
	db_bind_opt_int(st, 5, sent_at);
	db_bind_text(st, 6, agent);
	db_bind_text(st, 7, automatic);
	db_bind_opt_int(st, 8, broadcast);
	if (sqlite3_step(st) != SQLITE_DONE)
		wb_die(EX_SOFTWARE, "insert: %s", sqlite3_errmsg(g->h));
	g->n++;
}

static void exec(sqlite3 *h, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK)
		wb_die(EX_SOFTWARE, "%s: %s", sql, err);
}

int main(int argc, char **argv)
{
	wb_init(argv[0]);
	if (argc != 2)
		wb_usage("usage: gen-messages DB");
	long messages = env_long("BENCH_MESSAGES", 10000000);
	long contacts = env_long("BENCH_CONTACTS", 100000);
	long days = env_long("BENCH_DAYS", 365);
	const int64_t end = 1793491200; /* 2026-11-01T00:00:00Z: fixed, so reruns agree */
	const int64_t start = end - days * 86400;
	static const char *const agents[] = {"ann", "bob", "cai", "dee", "eva"};
	static const char *const autos[] = {"away", "greeting", "keyword"};

	wb_db *db;
	int rc = db_open(argv[1], &db);
	if (rc)
		wb_fail(rc);
	sqlite3 *h = db_handle(db);
	exec(h, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144");

	/* Indexes are rebuilt from their own definitions after the rows. */
	sb idx = {0};
	sqlite3_stmt *st;
	sqlite3_prepare_v2(h, "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
			      "AND tbl_name = 'message' AND sql IS NOT NULL", -1, &st, NULL);
	sb drop = {0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		sb_printf(&idx, "%s;\n", (const char *)sqlite3_column_text(st, 1));
		sb_printf(&drop, "DROP INDEX %s;\n", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	exec(h, "BEGIN");
	if (drop.s)
		exec(h, drop.s);

	sqlite3_prepare_v2(h, "INSERT INTO contact (id, wa_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
			   -1, &st, NULL);
	for (long c = 1; c <= contacts; c++) {
		char wa[32], name[32];
		snprintf(wa, sizeof wa, "86139%08ld", c);
		snprintf(name, sizeof name, "Customer %ld", c);
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, c);
		sqlite3_bind_text(st, 2, wa, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, start);
		sqlite3_bind_int64(st, 5, start);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	for (long w = 0; w * 7 < days; w++) {
		char sql[200];
		snprintf(sql, sizeof sql, "INSERT INTO broadcast (id, name, agent, created_at) VALUES (%ld, 'week %ld', 'ann', %lld)",
			 w + 1, w + 1, (long long)(start + w * 7 * 86400));
		exec(h, sql);
	}

	gen g = {.h = h, .want = messages};
	sqlite3_prepare_v2(h, "INSERT INTO message (contact_id, direction, type, ts, status, sent_at, agent, auto, broadcast_id) "
			      "VALUES (?, ?, 'text', ?, ?, ?, ?, ?, ?)", -1, &g.ins, NULL);
	/* A session is a customer writing and being answered: 2.35 messages
	 * on average, so sessions this far apart fill the span. */
	int64_t step_ms = (end - start) * 1000 * 230 / (messages * 100) + 1;
	int64_t t_ms = start * 1000, t = start, next_broadcast = start + 9 * 3600;
	long week = 0;
	while (g.n < g.want && t < end) {
		if (t >= next_broadcast) {
			week++;
			/* 2% of the contacts, a different slice each week */
			for (long c = week % 50 + 1; c <= contacts && g.n < g.want; c += 50)
				put(&g, c, 1, next_broadcast + c % 600, "ann", NULL, week);
			next_broadcast += 7 * 86400;
		}
		int64_t c = 1 + pick(contacts);
		put(&g, c, 0, t, NULL, NULL, 0);
		if (pick(4) == 0)
			put(&g, c, 0, t + 20 + pick(120), NULL, NULL, 0);
		if (pick(5) == 0)
			put(&g, c, 1, t + 1, NULL, autos[pick(3)], 0);
		if (pick(10) < 9)
			put(&g, c, 1, t + 30 + pick(pick(10) ? 3600 : 86400), agents[pick(5)], NULL, 0);
		t_ms += pick(2 * step_ms);
		t = t_ms / 1000;
	}
	sqlite3_finalize(g.ins);
	if (idx.s)
		exec(h, idx.s);
	exec(h, "COMMIT; ANALYZE; PRAGMA journal_mode=WAL");
	fprintf(stderr, "gen-messages: %ld messages, %ld contacts, %ld days\n", g.n, contacts, days);
	sb_free(&idx);
	sb_free(&drop);
	db_close(db);
	return 0;
}
