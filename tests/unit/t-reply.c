/* Unit tests of the pure parts of the inbound side: the auto-reply rule,
 * keyword matching, away windows, opt-out words, the webhook parser, the
 * signature check and the event reader. No database, no network. */
#include <stdlib.h>

#include "tap.h"

#include "err.h"
#include "event.h"
#include "inbound.h"
#include "reply.h"
#include "webhook.h"

static void rule(void)
{
	reply_settings s = {.greeting_on = 1, .greeting_text = "hi", .greeting_after = 14 * 86400,
			    .away_on = 1, .away_text = "closed", .when = AWAY_ALWAYS};
	int64_t t = 1800000000;
	reply_facts f = {.ts = t, .replyable = 1, .closed = 1};
	is_int(reply_decide(&s, &f), REPLY_AWAY, "closed: away");
	f.last_away = t - 3600;
	is_int(reply_decide(&s, &f), REPLY_GREETING, "away within 24 h: greeting on first contact instead");
	f.last_away = t - 86400;
	is_int(reply_decide(&s, &f), REPLY_AWAY, "24 h later: away again");
	f.closed = 0;
	is_int(reply_decide(&s, &f), REPLY_GREETING, "open, first contact: greeting");
	f.prev_in = t - 86400;
	is_int(reply_decide(&s, &f), REPLY_NONE, "a recent message from them: nothing");
	f.keyword = 1;
	is_int(reply_decide(&s, &f), REPLY_KEYWORD, "a keyword: its quick reply");
	reply_facts answer = {.ts = t, .replyable = 1, .closed = 1, .survey_answer = 1};
	is_int(reply_decide(&s, &answer), REPLY_NONE, "a survey answer: no away message");
	answer.closed = 0;
	is_int(reply_decide(&s, &answer), REPLY_NONE, "a survey answer: no greeting");
	answer.follow_up = 1;
	is_int(reply_decide(&s, &answer), REPLY_FOLLOW_UP, "a low score: the survey's follow-up question");
	answer.opted_out = 1;
	is_int(reply_decide(&s, &answer), REPLY_NONE, "but not to who opted out");
	f.prev_in = t - 14 * 86400;
	is_int(reply_decide(&s, &f), REPLY_GREETING, "after the inactivity period: greeting before keyword");
	f.greeted_near = 1;
	is_int(reply_decide(&s, &f), REPLY_KEYWORD, "a greeting given near: not again");
	f.greeted_near = 0;
	s.greeting_new_only = 1;
	is_int(reply_decide(&s, &f), REPLY_KEYWORD, "new numbers only: no greeting after inactivity");
	f.prev_in = 0;
	f.known = 1;
	is_int(reply_decide(&s, &f), REPLY_KEYWORD, "new numbers only: a known number is not greeted");
	f.known = 0;
	is_int(reply_decide(&s, &f), REPLY_GREETING, "new numbers only: a new one is");
	f.opted_out = 1;
	is_int(reply_decide(&s, &f), REPLY_NONE, "opted out: nothing");
	f.opted_out = 0;
	f.replyable = 0;
	is_int(reply_decide(&s, &f), REPLY_NONE, "a reaction: nothing");
	f.replyable = 1;
	s.greeting_on = 0;
	s.away_on = 0;
	f.closed = 1;
	is_int(reply_decide(&s, &f), REPLY_KEYWORD, "both off: keywords still answer");

	reply_settings w = {0};
	is_int(reply_parse_when("2026-12-24T18:00Z/2026-12-27T09:00Z", 0, "UTC", &w), 0, "a window parses");
	is_int(reply_closed(&w, NULL, "UTC", w.away_from), 1, "its start is inside");
	is_int(reply_closed(&w, NULL, "UTC", w.away_to), 0, "its end is outside");
	char buf[80];
	reply_fmt_when(&w, buf);
	is_str(buf, "2026-12-24T18:00:00Z/2026-12-27T09:00:00Z", "and formats back");
	is_int(reply_parse_when("soon", 0, "UTC", &w), EX_DATAERR, "a bad --when");
	is_int(reply_parse_when("2026-12-27/2026-12-24", 0, "UTC", &w), EX_DATAERR, "a backwards window");
}

/* Only a customer's own messages earn an automatic reply. */
static void answerable(void)
{
	static const char *yes[][2] = {{"text", NULL}, {"image", NULL}, {"audio", NULL}, {"sticker", NULL},
				       {"location", NULL}, {"contacts", NULL}, {"button", NULL}, {"order", NULL},
				       {"interactive", "button_reply"}, {"interactive", "list_reply"}};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		ok(reply_answers(yes[i][0], yes[i][1]), "%s %s answered", yes[i][0], yes[i][1] ? yes[i][1] : "");
	static const char *no[][2] = {{"reaction", NULL}, {"edit", NULL}, {"revoke", NULL}, {"system", NULL},
				      {"unsupported", NULL}, {"request_welcome", NULL}, {"ephemeral", NULL},
				      {"interactive", "nfm_reply"}, {"interactive", "call_permission_reply"},
				      {"interactive", NULL}, {NULL, NULL}};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		ok(!reply_answers(no[i][0], no[i][1]), "%s %s not answered", no[i][0] ? no[i][0] : "(none)",
		   no[i][1] ? no[i][1] : "");
}

/* {{opens_at}}: the end of an away window, else the hours' next opening. */
static void opens_at(void)
{
	reply_settings s = {.when = AWAY_WINDOW, .away_from = 1796083200, .away_to = 1796342400};
	hours_spec none = {0};
	char buf[32];
	/* the window ends Fri 2026-12-04 00:00 UTC; asked on Tue 2026-12-01 */
	is_int(reply_opens_at(&s, &none, "UTC", 1796083200, buf), 0, "an away window");
	is_str(buf, "Fri 00:00", "ends when the window does");
	s.when = AWAY_OUTSIDE_HOURS;
	is_int(reply_opens_at(&s, &none, "UTC", 1796083200, buf), EX_FALSE, "without hours there is no opening");
}

static void words(void)
{
	is_int(reply_word_at("What is the PRICE?", "price"), 12, "case-insensitive, punctuation ends a word");
	is_int(reply_word_at("prices please", "price"), -1, "not inside a longer word");
	is_int(reply_word_at("unprice", "price"), -1, "nor at its end");
	is_int(reply_word_at("price", "price"), 0, "the whole text");
	is_int(reply_word_at("请问价格多少", "价格"), 6, "Chinese: a substring");
	is_int(reply_word_at("价格price", "price"), 6, "a Latin word after Chinese");
	is_int(reply_word_at("¿precio?", "precio"), 2, "Spanish punctuation separates");
	is_int(reply_word_at("preçoprice", "price"), -1, "an accented letter joins a word");
	is_int(reply_word_at("price👍", "price"), 0, "emoji separate");
	is_int(reply_word_at(NULL, "price"), -1, "no text");
	is_int(reply_word_at("x", ""), -1, "no word");
	char *stop[] = {"STOP", "停止", NULL};
	is_int(inbound_word_is(stop, "  stop! "), 1, "STOP padded, any case");
	is_int(inbound_word_is(stop, "停止"), 1, "a word in Chinese");
	is_int(inbound_word_is(stop, "stop it"), 0, "not the whole message");
	is_int(inbound_word_is(stop, NULL), 0, "no text");
}

static const char doc[] =
	"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":["
	"{\"field\":\"message_template_status_update\",\"value\":{}},"
	"{\"field\":\"messages\",\"value\":{\"contacts\":[{\"profile\":{\"name\":\"Ana\"},\"wa_id\":\"5511987654321\"}],"
	"\"messages\":[{\"from\":\"5511987654321\",\"id\":\"wamid.1\",\"timestamp\":\"1764050400\",\"type\":\"order\","
	"\"order\":{\"text\":\"two please\"},\"group_id\":\"G1\"}],"
	"\"statuses\":[{\"id\":\"wamid.2\",\"status\":\"failed\",\"timestamp\":1764050401,\"recipient_id\":\"1\","
	"\"errors\":[{\"code\":131026,\"title\":\"Undeliverable\"}]}]}}]}]}";

static void parser(void)
{
	wh_batch b;
	webhook_parse(doc, sizeof doc - 1, &b);
	is_int(b.n, 3, "a change kept whole, a message and a status");
	is_int(b.bad, 0, "nothing bad");
	is_int(b.v[0].kind, WH_CHANGE, "a template change");
	is_int(b.v[0].known, 1, "of a field wb keeps");
	is_str(b.v[0].field, "message_template_status_update", "its field");
	is_str(b.v[0].waba_id, "1", "the account");
	wh_item *v = b.v + 1;
	is_str(v[0].type, "order", "an order");
	is_str(v[0].name, "Ana", "the profile name");
	is_str(v[0].text, "two please", "its text");
	is_int(v[0].ts, 1764050400, "string timestamp");
	is_int(v[1].ts, 1764050401, "number timestamp");
	is_int(v[1].error_code, 131026, "status error code");
	is_str(v[1].error_text, "Undeliverable", "error text falls back to the title");
	is_str(v[1].error_title, "Undeliverable", "and the title is kept");
	sb e = {0};
	event_render(&v[0], &e);
	event ev;
	is_int(event_parse(e.s, e.len, &ev), 0, "the event reads back");
	is_int(ev.kind, EV_MESSAGE, "a message");
	is_str(ev.wamid, "wamid.1", "wamid");
	is_str(ev.phone, "5511987654321", "from");
	is_int(ev.ts, 1764050400, "ts");
	is_str(ev.text, "two please", "text");
	ok(json_object_get(ev.root, "raw") != NULL, "an unknown type carries its raw JSON");
	is_str(json_string_value(json_object_get(ev.root, "group")), "G1", "group id");
	event_free(&ev);
	sb_reset(&e);
	event_render(&v[1], &e);
	is_int(event_parse(e.s, e.len, &ev), 0, "a status event reads back");
	is_int(ev.kind, EV_STATUS, "a status");
	is_str(ev.status, "failed", "its status");
	event_free(&ev);
	sb_free(&e);
	webhook_free(&b);

	/* each bad part is one item of its own, with its place and why */
	static const char *bad[][3] = {
		{"", "", "not JSON"},
		{"[]", "", "not a WhatsApp webhook"},
		{"{\"object\":\"whatsapp_business_account\"}", "", "not a WhatsApp webhook"},
		{"{\"object\":\"whatsapp_business_account\",\"entry\":[{}]}", "entry[0]", "no \"changes\" list"},
		{"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\"}]}]}",
		 "entry[0].changes[0]", "no \"value\" object"},
		{"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{\"messages\":[{\"id\":\"x\",\"from\":\"1\",\"type\":\"text\"}]}}]}]}",
		 "entry[0].changes[0].value.messages[0]", "no timestamp"},
		{"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{\"statuses\":[{\"id\":\"x\",\"timestamp\":\"1\"}]}}]}]}",
		 "entry[0].changes[0].value.statuses[0]", "no status"},
		{"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{\"messages\":{}}}]}]}",
		 "entry[0].changes[0].value.messages", "not a list"},
		{"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{\"messages\":[{\"id\":\"x\",\"timestamp\":\"1\",\"type\":\"text\"}]}}]}]}",
		 "entry[0].changes[0].value.messages[0]", "nobody to keep it for"},
		{"{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{\"messages\":[{\"id\":\"x\",\"timestamp\":\"1\",\"type\":\"text\",\"from_user_id\":\"16505551234\"}]}}]}]}",
		 "entry[0].changes[0].value.messages[0]", "\"from_user_id\" is not a user ID"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		webhook_parse(bad[i][0], strlen(bad[i][0]), &b);
		ok(b.n == 1 && b.bad == 1 && b.v[0].kind == WH_BAD, "one bad part: %s", bad[i][0]);
		is_str(b.n ? b.v[0].path : "?", bad[i][1], "its path");
		ok(b.n && strstr(b.v[0].reason, bad[i][2]), "why: %s", b.n ? b.v[0].reason : "?");
		ok(b.n && (!*bad[i][1]) == !b.v[0].part, "a document of its own, but for the whole");
		webhook_free(&b);
	}
	static const char *badev[] = {"[1]", "{\"event\":1}", "{\"event\":\"status\",\"wamid\":\"w\",\"to\":\"1\"}",
				      "{\"event\":\"message\",\"wamid\":\"w\",\"from\":\"1\",\"ts\":\"2026-01-01T00:00:00Z\"}"};
	for (size_t i = 0; i < sizeof badev / sizeof *badev; i++) {
		event ev;
		is_int(event_parse(badev[i], strlen(badev[i]), &ev), EX_DATAERR, "event rejected: %s", badev[i]);
		event_free(&ev);
	}
}

static void signature(void)
{
	const char body[] = "{\"object\":\"whatsapp_business_account\"}";
	char sig[72];
	webhook_sign("s3cret", body, sizeof body - 1, sig);
	is_int(strlen(sig), 71, "sha256= and 64 hex digits");
	is_int(webhook_signature_ok("s3cret", body, sizeof body - 1, sig), 1, "a right signature");
	is_int(webhook_signature_ok("other", body, sizeof body - 1, sig), 0, "another secret");
	is_int(webhook_signature_ok("s3cret", body, sizeof body - 2, sig), 0, "another body");
	is_int(webhook_signature_ok("s3cret", body, sizeof body - 1, NULL), 0, "no header");
	is_int(webhook_signature_ok("s3cret", body, sizeof body - 1, "sha256=abc"), 0, "a short header");
	is_int(webhook_signature_ok("", body, sizeof body - 1, sig), 0, "no secret");
	/* RFC 4231 test case 2 */
	webhook_sign("Jefe", "what do ya want for nothing?", 28, sig);
	is_str(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "the HMAC is HMAC-SHA256");
	/* the key is kept between signatures: the next is not the last's continued */
	webhook_sign("Jefe", "what do ya want for nothing?", 28, sig);
	is_str(sig, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "and again");
}

int main(void)
{
	answerable();
	opens_at();
	rule();
	words();
	parser();
	signature();
	return done_testing();
}
