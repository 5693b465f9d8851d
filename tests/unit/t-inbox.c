/* Unit tests of the shared inbox against a real database: states kept
 * in step with messages both ways (open, pending, reopened, a new one
 * after a day), first responses, taking and assigning, the round robin,
 * agents going off duty, notes, and the version a console follows. */
#include <stdlib.h>

#include "tap.h"

#include "agent.h"
#include "contact.h"
#include "db.h"
#include "err.h"
#include "inbox.h"
#include "queue.h"
#include "util.h"

#define T0 1796000000 /* a time for the customers' first messages */

static wb_db *db;

static int64_t customer(const char *wa_id)
{
	int64_t id;
	contact_ensure(db, wa_id, T0, &id);
	return id;
}

static int in(int64_t cid, int64_t ts)
{
	return inbox_customer_message(db, cid, "text", ts);
}

/* Our message to cid, sent at ts: by agent, automatic, or in a broadcast. */
static int out(int64_t cid, const char *agent, const char *auto_kind, int64_t broadcast, int64_t ts)
{
	queue_msg m = {.contact_id = cid, .type = "text", .body = "hi", .payload = "{}", .ts = ts,
		       .agent = agent, .auto_kind = auto_kind};
	int64_t id;
	queue_added added;
	int rc = broadcast ? queue_broadcast_new(db, "b", NULL, "marketing", "{}", ts, &m.broadcast_id) : 0;
	char wamid[32];
	snprintf(wamid, sizeof wamid, "wamid.OUT%lld", (long long)ts);
	if (!rc)
		rc = queue_add(db, &m, &id, &added);
	msg_status now;
	char *error = NULL;
	if (!rc)
		rc = queue_sent(db, id, wamid, ts, &now, &error);
	free(error);
	return rc;
}

/* The contact's latest conversation, copied. */
typedef struct {
	int found;
	int64_t id, version, wait, unread, first_response_at, resolved_at;
	inbox_state state;
	char assignee[32];
} conv;

static int keep(const inbox_conv *c, void *ctx)
{
	conv *v = ctx;
	*v = (conv){1, c->id, c->version, c->wait, c->unread, c->first_response_at, c->resolved_at, c->state, ""};
	snprintf(v->assignee, sizeof v->assignee, "%s", c->assignee ? c->assignee : "");
	return 0;
}

static conv get(int64_t cid, int64_t now)
{
	conv v = {0};
	inbox_filter f = {.state = INBOX_ALL, .contact_id = cid, .now = now};
	inbox_each(db, &f, keep, &v);
	return v;
}

static int changed_row(const char *target, int changed, void *ctx)
{
	*(int *)ctx = changed;
	return 0;
}

static int act(inbox_act a, const char *phone, const char *agent)
{
	char *argv[] = {(char *)phone, NULL};
	int changed = -1;
	int rc = inbox_act_phones(db, a, agent, "tester", 1, argv, NULL, changed_row, &changed);
	return rc ? -rc : changed;
}

static void states(void)
{
	int64_t c = customer("16505550001");
	is_int(in(c, T0), 0, "a first message");
	conv v = get(c, T0 + 90);
	ok(v.found && v.state == INBOX_OPEN && v.unread == 1 && v.wait == 90, "opens a conversation, waiting 90 s");
	in(c, T0 + 60);
	in(c, T0 - 30); /* delivered late */
	v = get(c, T0 + 90);
	ok(v.unread == 3 && v.wait == 120, "more messages: counted unread; the wait from the earliest (%lld)",
	   (long long)v.wait);
	int64_t ver = v.version;
	is_int(inbox_customer_message(db, c, "reaction", T0 + 70), 0, "a reaction");
	is_int(get(c, T0 + 90).version, ver, "changes nothing");
	out(c, NULL, "away", 0, T0 + 100);
	out(c, NULL, NULL, 1, T0 + 110);
	ok(get(c, T0 + 200).state == INBOX_OPEN, "an automatic reply or a broadcast answers nothing");
	out(c, "mei", NULL, 0, T0 + 300);
	v = get(c, T0 + 400);
	ok(v.state == INBOX_PENDING && v.unread == 0 && v.wait == -1, "a reply: pending, nothing unread");
	is_int(v.first_response_at, T0 + 300, "the first response");
	out(c, "bob", NULL, 0, T0 + 350);
	is_int(get(c, T0 + 400).first_response_at, T0 + 300, "a second reply is no first response");
	in(c, T0 + 500);
	v = get(c, T0 + 560);
	ok(v.state == INBOX_OPEN && v.wait == 60 && v.unread == 1, "the customer again: open, waiting from then");
	is_int(act(INBOX_RESOLVE, "16505550001", NULL), 1, "resolve");
	is_int(act(INBOX_RESOLVE, "16505550001", NULL), 0, "resolve again changes nothing");
	v = get(c, T0 + 600);
	ok(v.state == INBOX_RESOLVED && v.resolved_at > 0, "resolved");
	int64_t id = v.id;
	in(c, v.resolved_at + INBOX_REOPEN_WITHIN - 1);
	v = get(c, 0);
	ok(v.id == id && v.state == INBOX_OPEN && v.resolved_at == 0, "a message within a day reopens it");
	act(INBOX_RESOLVE, "16505550001", NULL);
	in(c, get(c, 0).resolved_at + INBOX_REOPEN_WITHIN);
	v = get(c, 0);
	ok(v.id != id && v.state == INBOX_OPEN && v.first_response_at == 0, "a day later: a new conversation");
	out(c, "mei", NULL, 0, T0 + 900000);
	is_int(act(INBOX_REOPEN, "16505550001", NULL), 1, "reopen a pending one by hand");
	ok(get(c, T0 + 900060).wait >= 0, "it waits again");
	is_int(act(INBOX_REOPEN, "16505550009", NULL), -EX_DATAERR, "reopen a contact who never wrote: bad data");
	is_int(act(INBOX_RESOLVE, "16505550009", NULL), 0, "resolve one: nothing to do, no error");
	act(INBOX_RESOLVE, "16505550001", NULL);
}

static void taking(void)
{
	int64_t a = customer("16505550011"), b = customer("16505550012");
	int64_t cid;
	int changed;
	in(b, T0 + 10);
	in(a, T0 + 20);
	is_int(inbox_take(db, "nobody", NULL, T0, &cid, &changed), EX_CONFIG, "take by someone who is no agent");
	agent_add(db, "mei", "Mei Lin", T0);
	agent_add(db, "bob", NULL, T0);
	is_int(agent_add(db, "bob", NULL, T0), EX_DATAERR, "an agent's name is taken once");
	is_int(agent_add(db, "two words", NULL, T0), EX_DATAERR, "names have no spaces");
	is_int(inbox_take(db, "mei", NULL, T0 + 30, &cid, &changed), 0, "mei takes the next");
	ok(cid == b && changed, "the one waiting longest");
	is_int(inbox_take(db, "bob", "16505550011", T0 + 30, &cid, &changed), 0, "bob takes 16505550011");
	is_int(inbox_take(db, "mei", "16505550011", T0 + 30, &cid, &changed), EX_FALSE, "mei cannot take it too");
	is_str(wb_errmsg(), "16505550011: taken by bob", "and is told by whom");
	is_int(inbox_take(db, "bob", "16505550011", T0 + 30, &cid, &changed), 0, "taking one's own again");
	is_int(changed, 0, "changes nothing");
	is_int(inbox_take(db, "bob", NULL, T0 + 30, &cid, &changed), EX_FALSE, "the queue is empty");
	is_int(act(INBOX_ASSIGN, "16505550011", "mei"), 1, "assign to mei");
	is_str(get(a, T0).assignee, "mei", "it is hers");
	is_int(act(INBOX_ASSIGN, "16505550011", "ghost"), -EX_DATAERR, "assign to no agent: bad data");
	is_int(act(INBOX_UNASSIGN, "16505550011", NULL), 1, "unassign");
	is_str(get(a, T0).assignee, "", "back in the queue");
	act(INBOX_ASSIGN, "16505550011", "bob");
	char *argv[] = {"bob", NULL};
	is_int(agent_duty_names(db, 0, 1, argv, "bob", changed_row, &changed), 0, "bob goes off duty");
	is_str(get(a, T0).assignee, "", "his conversation goes back to the queue");
	is_str(get(b, T0).assignee, "mei", "the others' stay");
	argv[0] = "mei";
	is_int(agent_rm_names(db, 1, argv, NULL, changed_row, &changed), 0, "mei is removed");
	is_str(get(b, T0).assignee, "", "hers go back to the queue");
	is_int(agent_find(db, "mei"), EX_FALSE, "she is no agent now");
	agent_add(db, "mei", NULL, T0);
}

static void round_robin(void)
{
	agent_add(db, "ann", NULL, T0);
	char *argv[] = {"bob", NULL};
	int changed;
	agent_duty_names(db, 1, 1, argv, NULL, changed_row, &changed);
	int64_t c = customer("16505550021");
	in(c, T0);
	is_str(get(c, T0).assignee, "", "auto-assignment is off at first");
	agent_set_auto_assign(db, 1);
	const char *want[] = {"ann", "mei", "bob", "ann"};
	for (int i = 0; i < 4; i++) {
		char phone[24];
		snprintf(phone, sizeof phone, "1650555003%d", i);
		int64_t k = customer(phone);
		in(k, T0 + i);
		is_str(get(k, T0).assignee, want[i], "new conversation %d goes to %s", i + 1, want[i]);
	}
	argv[0] = "mei";
	agent_duty_names(db, 0, 1, argv, NULL, changed_row, &changed);
	int64_t k = customer("16505550040");
	in(k, T0);
	is_str(get(k, T0).assignee, "bob", "mei is off duty: skipped");
	act(INBOX_RESOLVE, "16505550040", NULL);
	in(k, T0 + 60);
	is_str(get(k, T0).assignee, "bob", "a reopened one stays with its agent");
	agent_set_auto_assign(db, 0);
}

static int count_changed(const inbox_conv *c, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

static void versions(void)
{
	int64_t before, after;
	inbox_version(db, &before);
	int64_t c = customer("16505550051");
	in(c, T0);
	inbox_version(db, &after);
	ok(after > before, "a message takes a new version");
	is_int(get(c, T0).version, after, "the conversation has it");
	int n = 0;
	inbox_filter f = {.state = INBOX_ALL, .since_version = before, .now = T0};
	inbox_each(db, &f, count_changed, &n);
	is_int(n, 1, "only it changed since");
	is_int(inbox_note(db, "16505550051", "ann", "wants the green tea", T0 + 5), 0, "a note");
	n = 0;
	f.since_version = after;
	inbox_each(db, &f, count_changed, &n);
	is_int(n, 1, "a note is a change too");
	is_int(inbox_note(db, "16505550099", "ann", "x", T0), EX_FALSE, "a note on no contact");
	is_int(inbox_note(db, "16505550051", "ann", "", T0), EX_DATAERR, "an empty note");
	f = (inbox_filter){.state = INBOX_OPEN, .label = "no such label", .now = T0};
	is_int(inbox_each(db, &f, count_changed, &n), EX_DATAERR, "a filter by a label that does not exist");

	/* wb-recv's batches: one version a transaction */
	int64_t d = customer("16505550052"), e = customer("16505550053"), g = customer("16505550054"), v;
	db_begin(db);
	in(d, T0 + 10);
	db_savepoint(db);
	in(g, T0 + 10); /* takes the transaction's version too, then is undone */
	db_savepoint_end(db, 0);
	in(e, T0 + 11);
	db_commit(db);
	inbox_version(db, &v);
	is_int(get(d, T0 + 11).version, v, "a transaction's conversations share its one new version");
	is_int(get(e, T0 + 11).version, v, "the second's too");
	ok(v == after + 2, "counted once (and once for the note before): %lld after %lld", (long long)v,
	   (long long)after);
	db_begin(db);
	db_savepoint(db);
	in(g, T0 + 12); /* the first to count in this transaction, undone */
	db_savepoint_end(db, 0);
	in(g, T0 + 13);
	db_commit(db);
	inbox_version(db, &v);
	ok(v == after + 3 && get(g, T0 + 13).version == v, "a count undone with its savepoint is made again");
	in(d, T0 + 14);
	inbox_version(db, &after);
	ok(after == v + 1 && get(d, T0 + 14).version == after, "the next transaction, the next version");
}

int main(void)
{
	char *path = tap_tmpfile("wb.db");
	if (db_open(path, &db)) {
		printf("Bail out! %s\n", wb_errmsg());
		return 1;
	}
	states();
	taking();
	round_robin();
	versions();
	db_close(db);
	tap_rmdir();
	free(path);
	return done_testing();
}
