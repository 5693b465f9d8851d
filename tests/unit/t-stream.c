/* Unit tests of the loops in lib/: when batch_run commits (a batch's
 * worth, nothing more ready, before a failure), the same with the
 * documents read and prepared ahead on a thread (batch_run_ahead), replayed
 * carefully after a failure (batch_run_replay), jload's reader against
 * json_loadb, bulk's all-or-nothing change, wb-recv's inbound_stream and wb-reply auto's reply_stream with
 * its keys, and inorder's results in their inputs' order. */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"

#include "batch.h"
#include "bulk.h"
#include "db.h"
#include "err.h"
#include "in.h"
#include "inbound.h"
#include "inorder.h"
#include "jarena.h"
#include "jload.h"
#include "reply.h"
#include "util.h"

static wb_db *db;

static long long rows(void)
{
	sqlite3_stmt *st = db_stmt(db, "SELECT count(*) FROM probe");
	sqlite3_step(st);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

/* What the loop did, in order: "dN" a document written (with '!' when
 * outside a transaction), "s" one skipped, "C<rows>" a commit. */
typedef struct {
	sb log;
	int close_fd; /* a pipe's write end, closed at the first commit */
} probe;

/* batch_run_ahead's prep and drop: a copy of the text, counted. */
static long prepared, dropped;
static int ahead_on;

static void *probe_prep(const char *text, size_t len, void *ctx)
{
	prepared++;
	return xstrndup(text, len);
}

static void probe_drop(void *copy, void *ctx)
{
	dropped++;
	free(copy);
}

static int probe_doc(batch *b, const batch_doc *d, void *ctx)
{
	probe *p = ctx;
	if (ahead_on && !d->careful && (!d->ahead || strlen(d->ahead) != d->len || memcmp(d->ahead, d->text, d->len)))
		return wb_err(EX_SOFTWARE, "%s:%ld: not what was prepared", d->name, d->line);
	if (d->len == 3 && !memcmp(d->text, "bad", 3))
		return wb_err(EX_DATAERR, "%s:%ld: bad", d->name, d->line);
	if (d->len == 4 && !memcmp(d->text, "skip", 4)) {
		sb_puts(&p->log, "s ");
		return 0;
	}
	int rc = batch_join(b);
	if (!rc)
		rc = db_exec(db, "INSERT INTO probe VALUES (1)");
	sb_printf(&p->log, "d%.*s%s%s ", (int)d->len, d->text, sqlite3_get_autocommit(db_handle(db)) ? "!" : "",
		  d->careful ? "*" : "");
	/* "frail" fails after writing, unless handled carefully */
	if (!rc && d->len == 5 && !memcmp(d->text, "frail", 5) && !d->careful)
		return wb_err(EX_DATAERR, "%s:%ld: frail", d->name, d->line);
	return rc;
}

static int probe_done(int committed, void *ctx)
{
	probe *p = ctx;
	sb_printf(&p->log, "%s%lld ", committed ? "C" : "R", rows());
	if (p->close_fd >= 0) {
		close(p->close_fd);
		p->close_fd = -1;
	}
	return 0;
}

/* batch_run, or batch_run_ahead when ahead_on (batch_run_replay when
 * replay_on). */
static int replay_on;
static int run(in_docs *in, size_t max, probe *p)
{
	if (replay_on)
		return batch_run_replay(db, in, max, probe_prep, probe_drop, probe_doc, probe_done, p);
	if (!ahead_on)
		return batch_run(db, in, max, probe_doc, probe_done, p);
	return batch_run_ahead(db, in, max, probe_prep, probe_drop, probe_doc, probe_done, p);
}

/* Runs text (from a file) through batch_run; returns its code. */
static int run_file(const char *text, size_t max, probe *p)
{
	char *path = tap_tmpfile("docs");
	FILE *fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	in_docs *in;
	int rc = in_docs_path(path, &in);
	if (!rc)
		rc = run(in, max, p);
	in_docs_close(in);
	free(path);
	return rc;
}

/* The loops' commits, the same whether documents are read ahead or not. */
static void batches(int with_ahead)
{
	ahead_on = with_ahead;
	probe p = {.close_fd = -1};
	is_int(run_file("1\n2\n3\n4\n5\n", 2, &p), 0, "five documents, two to a batch");
	is_str(p.log.s, "d1 d2 C2 d3 d4 C4 d5 C5 ", "a commit after every two, and one at the end");

	sb_reset(&p.log);
	int fds[2];
	if (pipe(fds))
		return;
	if (write(fds[1], "6\n7\n8\n", 6) != 6)
		return;
	p.close_fd = fds[1];
	in_docs *in = in_docs_open(fds[0], "pipe");
	is_int(run(in, 100, &p), 0, "a live pipe");
	is_str(p.log.s, "d6 d7 d8 C8 ", "commits when nothing more is ready, not waiting for a batch");
	in_docs_close(in);
	close(fds[0]);

	sb_reset(&p.log);
	is_int(run_file("9\n10\nbad\n11\n", 100, &p), EX_DATAERR, "a bad document ends the run");
	is_str(p.log.s, "d9 d10 C10 ", "what came before it is committed");
	ok(strstr(wb_errmsg(), "docs:3: bad") != NULL, "with the document's own message: %s", wb_errmsg());

	sb_reset(&p.log);
	is_int(run_file("skip\nskip\n12\nskip\n", 100, &p), 0, "documents that write nothing");
	is_str(p.log.s, "s s d12 s C11 ", "open no transaction of their own");

	sb_reset(&p.log);
	is_int(run_file("13\n{\"a\":\n", 100, &p), EX_DATAERR, "a truncated document");
	is_str(p.log.s, "d13 C12 ", "keeps what came before");
	ok(strstr(wb_errmsg(), "truncated") != NULL, "and says so: %s", wb_errmsg());
	sb_free(&p.log);
	is_int(prepared, dropped, "every document prepared ahead is dropped, handled or not");
}

/* A failure while the reader waits on a pipe that says no more (its
 * writer still open) ends the run: the reader is stopped there. */
static void ahead_stopped(void)
{
	ahead_on = 1;
	probe p = {.close_fd = -1};
	int fds[2];
	if (pipe(fds) || write(fds[1], "14\nbad\n", 7) != 7)
		return;
	in_docs *in = in_docs_open(fds[0], "pipe");
	is_int(run(in, 100, &p), EX_DATAERR, "a failure with the input still open");
	is_str(p.log.s, "d14 C13 ", "what came before it is committed");
	ok(strstr(wb_errmsg(), "pipe:2: bad") != NULL, "the failure's message: %s", wb_errmsg());
	is_int(prepared, dropped, "nothing prepared is left");
	in_docs_close(in);
	close(fds[0]);
	close(fds[1]);
	sb_free(&p.log);
}

/* batch_run_replay: documents handled fast ("*" marks a careful one);
 * one that fails undoes its batch, which is handed again carefully (the
 * rest of it too); a careful failure ends the run as anywhere. */
static void replays(void)
{
	ahead_on = replay_on = 1;
	probe p = {.close_fd = -1};
	long long n = rows();
	sb want = {0};
	is_int(run_file("1\n2\nfrail\n3\n4\n5\n", 4, &p), 0, "a document that fails fast, then not");
	sb_printf(&want, "d1 d2 dfrail R%lld d1* d2* dfrail* d3* C%lld d4 d5 C%lld ", n, n + 4, n + 6);
	is_str(p.log.s, want.s, "its batch undone and replayed carefully, the next batch fast again");

	sb_reset(&p.log);
	sb_reset(&want);
	n = rows();
	is_int(run_file("6\nbad\n7\n", 100, &p), EX_DATAERR, "a document that fails carefully too");
	sb_printf(&want, "d6 R%lld d6* C%lld ", n, n + 1);
	is_str(p.log.s, want.s, "ends the run, what came before it committed once");
	ok(strstr(wb_errmsg(), "docs:2: bad") != NULL, "with the document's own message: %s", wb_errmsg());
	is_int(prepared, dropped, "every document prepared ahead is dropped, replayed or not");
	sb_free(&p.log);
	sb_free(&want);
	ahead_on = replay_on = 0;
}

/* jarena: a tree made in an arena reads as any and goes with it; what
 * jansson makes outside one is malloc's (json_dumps' string is free()'d),
 * a node from outside referred to by the tree outlives it. */
static void arenas(void)
{
	jarena *a = NULL;
	json_t *outside = json_string("kept");
	jarena_enter(&a);
	json_t *t = json_loads("{\"a\":[1,2,{\"b\":\"c\"}],\"d\":\"e\"}", 0, NULL);
	for (int i = 0; i < 2000; i++) /* past the first chunk */
		json_array_append_new(json_object_get(t, "a"), json_integer(i));
	json_object_set(t, "f", outside);
	jarena_leave();
	json_t *a0 = json_array_get(json_object_get(t, "a"), 2);
	char *s = json_dumps(a0, JSON_COMPACT);
	is_str(s, "{\"b\":\"c\"}", "a tree made in an arena reads as any");
	free(s);
	is_int((long long)json_array_size(json_object_get(t, "a")), 2003, "however large");
	jarena_enter(&a);
	json_decref(t);
	jarena_leave();
	jarena_free(a);
	is_str(json_string_value(outside), "kept", "a node from outside it outlives the arena");
	json_decref(outside);
}

/* 1 when a and b dump alike (member order too). */
static int same_json(json_t *a, json_t *b)
{
	size_t f = JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17);
	char *x = a ? json_dumps(a, f) : NULL, *y = b ? json_dumps(b, f) : NULL;
	int same = x && y && !strcmp(x, y) && json_equal(a, b);
	free(x);
	free(y);
	return same;
}

/* jload's reader makes of a text what json_loadb makes of it, or leaves
 * it to json_loadb (whose errors are then the ones said). */
static void fast_json(void)
{
	static const char *const taken[] = {
		"{\"a\":\"\\u00e9\\ud83d\\ude00\\n\\/\\\"\\\\\\b\\f\\r\\t x\"}",
		" [1, -0, 1.5e3, -2E-2, 0.1, 1e-400, 9223372036854775807, true, false, null, {}, [], \"\"] ",
		"{\"a\":1,\"b\":[{\"c\":{}}],\"a\":2}", /* a repeated key: the last, in the first's place */
		"{\"\xc3\xa9\":\"\xe2\x82\xac\xf0\x9f\x98\x80\"}",
		"{\"a\":\"\\u002F\\u0041\",\"b\":\"\xef\xbf\xbd\"}",
	};
	for (size_t i = 0; i < sizeof taken / sizeof *taken; i++) {
		json_t *f = jload_fast(taken[i], strlen(taken[i])), *j = json_loads(taken[i], 0, NULL);
		ok(f && same_json(f, j), "jload reads %s as jansson does", taken[i]);
		json_decref(f);
		json_decref(j);
	}
	static const char *const theirs[] = {
		"", "1", "\"a\"", "{", "{\"a\":}", "[1,]", "{\"a\":1,}", "[01]", "[1e400]", "[-1E999]",
		"[99999999999999999999]", "{\"a\\u0041\":1}", "[\"\\u0000\"]", "[\"\\ud800\"]", "[\"\\udc00x\"]",
		"[\"\xc3\"]", "[\"\xed\xa0\x80\"]", "[\"\xc0\xaf\"]", "[\"\xf4\x90\x80\x80\"]", "[\"a\tb\"]",
		"[tru]", "{} x", "[\"\\x\"]", "[1 2]", "{\"a\" 1}", "\xef\xbb\xbf{}",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	};
	for (size_t i = 0; i < sizeof theirs / sizeof *theirs; i++) {
		size_t n = strlen(theirs[i]);
		json_error_t e1, e2;
		json_t *f = jload_fast(theirs[i], n), *l = jload(theirs[i], n, JSON_ALLOW_NUL, &e1),
		       *j = json_loadb(theirs[i], n, JSON_ALLOW_NUL, &e2);
		ok(!f && (l ? same_json(l, j) : !j && !strcmp(e1.text, e2.text)),
		   "jload leaves '%s' to jansson, which says the same", theirs[i]);
		json_decref(l);
		json_decref(j);
	}
	/* every documented webhook */
	DIR *d = opendir("tests/samples/webhook");
	struct dirent *de;
	int n = 0, taken_all = 1;
	while (d && (de = readdir(d))) {
		if (!strstr(de->d_name, ".json"))
			continue;
		char path[512];
		snprintf(path, sizeof path, "tests/samples/webhook/%s", de->d_name);
		FILE *fp = fopen(path, "rb");
		char buf[65536];
		size_t len = fp ? fread(buf, 1, sizeof buf, fp) : 0;
		if (fp)
			fclose(fp);
		json_t *f = jload_fast(buf, len), *j = json_loadb(buf, len, JSON_ALLOW_NUL, NULL);
		if (!(j ? f && same_json(f, j) : !f)) {
			taken_all = 0;
			printf("# %s: read otherwise than by jansson\n", path);
		}
		n++;
		json_decref(f);
		json_decref(j);
	}
	if (d)
		closedir(d);
	ok(n > 50 && taken_all, "jload reads the %d sample webhooks as jansson does", n);
}

/* bulk: writes a row for each target; "same" changes nothing, "fail" fails. */
static int bulk_act(wb_db *d, const char *target, int64_t now, void *ctx, int *changed)
{
	if (!strcmp(target, "fail"))
		return wb_err(EX_DATAERR, "%s: no", target);
	if (sqlite3_get_autocommit(db_handle(d)))
		return wb_err(EX_SOFTWARE, "outside a transaction");
	*changed = strcmp(target, "same") != 0;
	return db_exec(d, "INSERT INTO probe VALUES (1)");
}

/* Notes each target told, and whether the rows were committed by then. */
static int bulk_row(const char *target, int changed, void *ctx)
{
	sb_printf(ctx, "%s:%d%s ", target, changed, sqlite3_get_autocommit(db_handle(db)) ? "" : "(open)");
	return 0;
}

/* Every target in one transaction, all or nothing, each told after the
 * commit with whether it changed; phones from arguments or stdin. */
static void bulk(void)
{
	long long before = rows();
	sb got = {0};
	const char *const ok3[] = {"a", "same", "b"};
	is_int(bulk_run(db, ok3, 3, bulk_act, NULL, bulk_row, &got), 0, "three targets");
	is_str(got.s, "a:1 same:0 b:1 ", "each told in order, with whether it changed, after the commit");
	is_int(rows() - before, 3, "all written");

	sb_reset(&got);
	const char *const bad[] = {"c", "fail", "d"};
	is_int(bulk_run(db, bad, 3, bulk_act, NULL, bulk_row, &got), EX_DATAERR, "one target fails");
	ok(!got.len, "none is told");
	is_int(rows() - before, 3, "nothing of them stays");

	sb_reset(&got);
	char *args[] = {"+1 650 555 1234", "16505551234", "8613912345678"};
	is_int(bulk_phones(db, 3, args, NULL, bulk_act, NULL, bulk_row, &got), 0, "phones from arguments");
	is_str(got.s, "16505551234:1 8613912345678:1 ", "normalised, a repeat dropped");

	sb_reset(&got);
	const char *list = "phone\n16505550001\nnope\n";
	FILE *fp = fmemopen((void *)list, strlen(list), "r");
	is_int(bulk_phones(db, 0, NULL, fp, bulk_act, NULL, bulk_row, &got), EX_DATAERR, "a bad phone on stdin");
	ok(!got.len && rows() - before == 5, "fails them all before any is touched");
	is_str(wb_errmsg(), "stdin:3: 'nope': not a phone number (unexpected 'n')", "naming its line");
	fclose(fp);

	sb_free(&got);
}

#define HOOK(wamid, body)                                                                              \
	"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":"    \
	"\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"profile\":{\"name\":" \
	"\"Mei\"},\"wa_id\":\"16505551234\"}],\"messages\":[{\"from\":\"16505551234\",\"id\":\"" wamid     \
	"\",\"timestamp\":\"1764064800\",\"type\":\"text\",\"text\":{\"body\":\"" body "\"}}]}}]}]}\n"

/* A document parsed ahead has its event line made, unless no event is
 * to be written (wb-recv -q): then only what the store keeps. */
static void quiet_parse(void)
{
	const char *doc = HOOK("wamid.Q", "hi");
	wh_batch *loud = inbound_parse(doc, strlen(doc), NULL), *quiet = inbound_parse_quiet(doc, strlen(doc), NULL);
	ok(loud->n == 1 && loud->v[0].event && strstr(loud->v[0].event, "\"wamid.Q\""), "parsed ahead: its event made");
	ok(quiet->n == 1 && !quiet->v[0].event, "parsed ahead for -q: no event made");
	ok(quiet->n == 1 && quiet->v[0].raw_text && !strcmp(quiet->v[0].raw_text, loud->v[0].raw_text),
	   "the raw JSON the store keeps made alike");
	inbound_parse_free(loud, NULL);
	inbound_parse_free(quiet, NULL);
}

static int reply_row(const reply_msg *m, void *ctx)
{
	sb_printf(ctx, "%s|%s|%s|%s|%s\n", m->to, m->text, m->reply_to, m->key, reply_kind_names[m->kind]);
	return 0;
}

static void streams(void)
{
	char *events = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&events, &len);
	inbound ib;
	inbound_open(&ib, db, out);
	sqlite3_stmt *ts = db_stmt(db, "PRAGMA temp_store");
	ok(sqlite3_step(ts) == SQLITE_ROW && sqlite3_column_int(ts, 0) == 0,
	   "the store's statement journals are not pure in-memory ones (1 KB chunks)");
	sqlite3_reset(ts);
	ts = db_stmt(db, "PRAGMA cache_size");
	ok(sqlite3_step(ts) == SQLITE_ROW && sqlite3_column_int(ts, 0) != -65536,
	   "a listener's page cache stays SQLite's: its memory stays flat");
	sqlite3_reset(ts);
	char *path = tap_tmpfile("hooks");
	FILE *fp = fopen(path, "w");
	fputs(HOOK("wamid.A", "hello") HOOK("wamid.A", "hello") "{\"object\":1}\n" HOOK("wamid.B", "again")
	      "{\"object\":", fp);
	fclose(fp);
	in_docs *in;
	in_docs_path(path, &in);
	is_int(inbound_stream(&ib, in), EX_DATAERR, "inbound_stream stops at a truncated document");
	ok(strstr(wb_errmsg(), "hooks: offset ") && strstr(wb_errmsg(), "(line 5)"), "naming where: %s",
	   wb_errmsg());
	is_int(ib.quarantined, 1, "a document that is no webhook is quarantined, and the stream goes on");
	sqlite3_stmt *st = db_stmt(db, "SELECT source || ' ' || byte_offset || ' ' || reason FROM quarantine");
	ok(sqlite3_step(st) == SQLITE_ROW && strstr(db_col_text(st, 0), "hooks ") &&
	   strstr(db_col_text(st, 0), "not a WhatsApp webhook"), "with where it came from and why");
	sqlite3_reset(st);
	is_int(inbound_finish(&ib), EX_PARTIAL, "the run says some were set aside");
	in_docs_close(in);
	char *empty = tap_tmpfile("empty");
	fclose(fopen(empty, "w"));
	is_int(inbound_paths(&ib, 1, &empty), 0, "a batch of files");
	free(empty);
	ok(sqlite3_step(ts) == SQLITE_ROW && sqlite3_column_int(ts, 0) == -65536, "has a page cache of 64 MB");
	sqlite3_reset(ts);
	inbound_close(&ib);
	fclose(out);
	int lines = 0;
	for (const char *e = events; e && *e; e++)
		lines += *e == '\n';
	is_int(lines, 2, "the events before it are out, a delivery seen twice as one");
	ok(events && strstr(events, "\"wamid.A\"") && strstr(events, "\"wamid.B\""), "in order");

	reply_settings s;
	reply_settings_load(db, &s);
	s.greeting_on = 1;
	free(s.greeting_text);
	s.greeting_text = xstrdup("Hi {{name}}");
	reply_settings_save(db, &s);
	reply_settings_free(&s);

	fp = fopen(path, "w");
	fputs(events ? events : "", fp);
	fputs("{\"event\":\"message\",\"wamid\":\"wamid.NOPE\",\"from\":\"1999\",\"ts\":\"2026-11-25T10:00:00Z\","
	      "\"type\":\"text\",\"text\":\"x\"}\n",
	      fp);
	fclose(fp);
	sb got = {0};
	in_docs_path(path, &in);
	is_int(reply_stream(db, in, reply_row, &got), 0, "reply_stream over the events");
	in_docs_close(in);
	is_str(got.s, "16505551234|Hi Mei|wamid.A|auto:wamid.A|greeting\n",
	       "one greeting, keyed by the message it answers; the unknown message is skipped");
	sb_reset(&got);
	in_docs_path(path, &in);
	is_int(reply_stream(db, in, reply_row, &got), 0, "the same events again");
	in_docs_close(in);
	ok(!got.len, "answer nothing twice");
	sb_free(&got);
	free(events);
	free(path);
}

/* inorder: items (single letters) go out as those before them are done. */
static void order_out(void *item, void *ctx)
{
	sb_puts(ctx, item);
	free(item);
}

static void order(void)
{
	sb out = {0};
	inorder q;
	inorder_init(&q, order_out, &out);
	inorder_put(&q, xstrdup("a"));
	is_str(out.s, "a", "inorder: an item with nothing before it goes at once");
	inorder_hold(&q, 10, xstrdup("b"));
	inorder_put(&q, xstrdup("c"));
	inorder_hold(&q, 12, xstrdup("d"));
	inorder_hold(&q, 15, xstrdup("e"));
	inorder_put(&q, xstrdup("f"));
	inorder_done(&q, 12);
	inorder_done(&q, 99); /* no place: nothing happens */
	is_str(out.s, "a", "a result waits for the one held before it");
	ok(inorder_held(&q, 15) && !inorder_held(&q, 11), "the held item is found by its key, only by it");
	inorder_done(&q, 10);
	is_str(out.s, "abcd", "which lets out those done after it, in order");
	ok(inorder_waiting(&q), "one is still held");
	inorder_end(&q);
	is_str(out.s, "abcdef", "the end lets out what is left, in order");
	ok(!inorder_waiting(&q), "and nothing is held");
	sb_free(&out);
}

/* The reader between two documents of a live pipe, not yet waiting for
 * input, while the loop asks whether more is pending: the loop must
 * commit (the pipe's writer waits for that) rather than wait for a
 * document. A race, so tried many times; a hang ends at the alarm. */
static void ahead_live_race(void)
{
	ahead_on = 1;
	int ok = 0, tries = 300;
	db_exec(db, "DELETE FROM probe");
	for (int i = 0; i < tries; i++) {
		probe p = {.close_fd = -1};
		int fds[2];
		if (pipe(fds) || write(fds[1], "1\n2\n", 4) != 4)
			break;
		p.close_fd = fds[1];
		in_docs *in = in_docs_open(fds[0], "pipe");
		ok += run(in, 100, &p) == 0 && !strcmp(p.log.s, "d1 d2 C2 ");
		in_docs_close(in);
		close(fds[0]);
		sb_free(&p.log);
		db_exec(db, "DELETE FROM probe");
	}
	is_int(ok, tries, "a live pipe read ahead commits when its reader is about to wait, every time");
}

int main(void)
{
	/* a loop that waited for a batch to fill would wait on the pipe for
	 * ever: fail instead */
	alarm(60);
	char *path = tap_tmpfile("wb.db");
	if (db_open(path, &db))
		return 1;
	db_exec(db, "CREATE TABLE probe (x)");
	batches(0);
	db_exec(db, "DELETE FROM probe");
	batches(1);
	ahead_stopped();
	ahead_live_race();
	replays();
	arenas();
	fast_json();
	bulk();
	streams();
	quiet_parse();
	order();
	db_close(db);
	tap_rmdir();
	free(path);
	return done_testing();
}
