/* Unit tests of wb-send's pure parts: request bodies against Meta's
 * documented samples, answers and their classification, the token
 * bucket and backoff on a fake clock, media types and limits, the
 * rules (send_decide, every verdict and its wording), and which content
 * a spec asks for. */
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"

#include "cloudapi.h"
#include "compose.h"
#include "err.h"
#include "media.h"
#include "ratelimit.h"
#include "send.h"
#include "tmplcheck.h"
#include "util.h"

#define TO "8613912345678"

/* The fixtures live beside the repository (shared) or inside it. */
static json_t *fixture(const char *name)
{
	static const char *const dirs[] = {"../shared/fixtures", "../../shared/fixtures", "tests/fixtures"};
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		char *p = xasprintf("%s/%s", dirs[i], name);
		json_t *j = access(p, R_OK) == 0 ? json_load_file(p, 0, NULL) : NULL;
		free(p);
		if (j)
			return j;
	}
	printf("Bail out! fixture %s not found\n", name);
	exit(1);
}

static void same(const api_msg *m, const char *name)
{
	json_t *want = fixture(name), *got = api_msg_json(m);
	int eq = got && json_equal(got, want);
	ok(eq, "body matches %s", name);
	if (!eq && got) {
		char *s = json_dumps(got, JSON_COMPACT);
		printf("#   got: %s\n", s);
		free(s);
	}
	json_decref(want);
	json_decref(got);
}

static void bodies(void)
{
	same(&(api_msg){.type = MSG_TEXT, .to = TO, .text = "Hi Mei, your oolong ships today 🚚", .preview_url = 0},
	     "send/text.json");
	same(&(api_msg){.type = MSG_TEXT, .to = TO, .text = "2 boxes reserved.", .preview_url = -1,
			.reply_to = "wamid.HBgNODYxMzkxMjM0NTY3OBUCABIYFjNFQjBDMDEyRDk0RTdGMEY0002AA=="},
	     "send/text-reply.json");
	same(&(api_msg){.type = MSG_IMAGE, .to = TO, .media_id = "1284061392617345", .caption = "New harvest"},
	     "send/image-id.json");
	same(&(api_msg){.type = MSG_IMAGE, .to = TO, .link = "https://example.com/img/oolong.jpg",
			.caption = "New harvest"},
	     "send/image-link.json");
	same(&(api_msg){.type = MSG_VIDEO, .to = TO, .link = "https://example.com/v/brew.mp4", .caption = "How to brew"},
	     "send/video.json");
	same(&(api_msg){.type = MSG_AUDIO, .to = TO, .media_id = "907733961375410", .caption = "dropped"},
	     "send/audio-voice.json");
	same(&(api_msg){.type = MSG_DOCUMENT, .to = TO, .media_id = "620348195637281", .filename = "invoice-1042.pdf",
			.caption = "Your invoice"},
	     "send/document.json");
	same(&(api_msg){.type = MSG_STICKER, .to = TO, .media_id = "783145926381045"}, "send/sticker.json");
	same(&(api_msg){.type = MSG_LOCATION, .to = TO, .lat = "31.2304", .lon = "121.4737", .place = "Lucky Tea House",
			.address = "12 Nanjing Rd, Shanghai"},
	     "send/location.json");
	same(&(api_msg){.type = MSG_TEMPLATE, .to = TO, .tmpl = "hello_world"}, "send/template-no-params.json");
	/* a template wb has not synced: the values bound as given */
	const char *params[] = {"Mei", "#1042"}, *buttons[] = {"1042"};
	tgiven g = {"image:https://example.com/img/parcel.jpg", params, 2, buttons, 1, 0};
	tbound b;
	tverdict v = tcheck_bind(NULL, &g, &b);
	is_int(v.rule, TC_OK, "values bound as given");
	same(&(api_msg){.type = MSG_TEMPLATE, .to = TO, .tmpl = "order_shipped", .lang = "en_US", .tcomps = b.comps,
			.ntcomps = b.ncomps},
	     "send/template.json");
	tbound_free(&b);
	const char *choices[] = {"confirm-1042:Confirm order", "cancel-1042:Cancel"};
	same(&(api_msg){.type = MSG_INTERACTIVE, .to = TO, .text = "Confirm order #1042?", .choices = choices,
			.nchoices = 2},
	     "send/interactive-buttons.json");
	json_t *list = fixture("send/interactive-list.json");
	same(&(api_msg){.type = MSG_INTERACTIVE, .to = TO, .interactive = json_object_get(list, "interactive")},
	     "send/interactive-list.json");
	json_decref(list);
	same(&(api_msg){.type = MSG_REACTION, .to = TO, .emoji = "🙏",
			.reply_to = "wamid.HBgNODYxMzkxMjM0NTY3OBUCABIYFjNFQjBDMDEyRDk0RTdGMEY0001AA=="},
	     "send/reaction.json");
	/* the text as sent: a location's digits as given, a voice note, a tag */
	char *body = api_msg_body(&(api_msg){.type = MSG_LOCATION, .to = TO, .lat = "37.4611978", .lon = "-122.1"});
	ok(body && strstr(body, "\"latitude\":37.4611978,\"longitude\":-122.1}"), "a location keeps its digits");
	free(body);
	body = api_msg_body(&(api_msg){.type = MSG_LOCATION, .to = TO, .lat = "0.000", .lon = "-0.5"});
	ok(body && strstr(body, "\"latitude\":0.0,\"longitude\":-0.5}"), "zeros too");
	free(body);
	body = api_msg_body(&(api_msg){.type = MSG_AUDIO, .to = TO, .media_id = "907733961375410", .voice = 1,
				       .tag = "campaign-7"});
	ok(body && strstr(body, "\"audio\":{\"id\":\"907733961375410\",\"voice\":true}"), "a voice note says so");
	ok(body && strstr(body, "\"biz_opaque_callback_data\":\"campaign-7\""), "the tag is Meta's callback data");
	free(body);
	body = api_msg_body(&(api_msg){.type = MSG_DOCUMENT, .to = TO, .media_id = "1", .voice = 1});
	ok(body && !strstr(body, "voice"), "only audio is a voice note");
	free(body);
	const char *bad[] = {"no-title"};
	json_t *j = api_msg_json(&(api_msg){.type = MSG_INTERACTIVE, .to = TO, .text = "x", .choices = bad, .nchoices = 1});
	ok(!j, "a choice without a title is refused");
	ok(strstr(wb_errmsg(), "ID:TITLE") != NULL, "and the message says the form");
}

static char *fixture_text(const char *name)
{
	json_t *j = fixture(name);
	char *s = json_dumps(j, 0);
	json_decref(j);
	return s;
}

static void answers(void)
{
	api_result r;
	char *s = fixture_text("response/ok-text.json");
	is_int(api_result_parse(200, s, &r), 0, "ok-text parses");
	is_str(r.wamid, "wamid.HBgNODYxMzkxMjM0NTY3OBUCABEYEjQwRjE0QzBBQTg4MDQ2QjI1AA==", "its message id");
	api_result_free(&r);
	free(s);
	s = fixture_text("response/ok-template.json");
	api_result_parse(200, s, &r);
	is_str(r.wamid, "wamid.HBgNODYxMzkxMjM0NTY3OBUCABEYEkJBMjNDNzVEM0Y1RkE5QjE2AA==", "ok-template's id");
	api_result_free(&r);
	free(s);
	s = fixture_text("response/ok-media-upload.json");
	api_result_parse(200, s, &r);
	is_str(r.wamid, "1284061392617345", "a media upload's id");
	api_result_free(&r);
	free(s);

	static const struct {
		const char *file;
		long http, code;
		api_outcome out;
	} errs[] = {
		{"response/error-100-param.json", 400, 100, API_FAILED},
		{"response/error-130429-rate.json", 429, 130429, API_RETRY},
		{"response/error-131026-undeliverable.json", 400, 131026, API_FAILED},
		{"response/error-131047-window.json", 400, 131047, API_FAILED},
		{"response/error-131056-pair-rate.json", 400, 131056, API_RETRY},
		{"response/error-132001-template.json", 404, 132001, API_FAILED},
		{"response/error-190-token.json", 401, 190, API_AUTH},
	};
	for (size_t i = 0; i < sizeof errs / sizeof *errs; i++) {
		s = fixture_text(errs[i].file);
		is_int(api_result_parse(errs[i].http, s, &r), 1, "%s is an error", errs[i].file);
		is_int(r.code, errs[i].code, "%s: code", errs[i].file);
		is_int(api_classify(errs[i].http, r.code), errs[i].out, "%s: classified", errs[i].file);
		api_result_free(&r);
		free(s);
	}
	s = fixture_text("response/error-190-token.json");
	api_result_parse(401, s, &r);
	is_int(r.subcode, 463, "190 carries its subcode");
	api_result_free(&r);
	free(s);
	s = fixture_text("response/error-131026-undeliverable.json");
	api_result_parse(400, s, &r);
	char *t = api_result_text(&r);
	is_str(t, "(#131026) Message undeliverable: Message Undeliverable.", "one line with code, title, details");
	free(t);
	api_result_free(&r);
	free(s);
	is_int(api_result_parse(502, "<html>bad gateway</html>", &r), 1, "a non-JSON error body");
	is_str(r.message, "HTTP 502 without an error body", "is described by its status");
	api_result_free(&r);
	is_int(api_classify(0, 0), API_RETRY, "no answer (timeout, reset) is retried");
	is_int(api_classify(503, 0), API_RETRY, "5xx is retried");
	is_int(api_classify(500, 131000), API_RETRY, "131000 is retried");
	is_int(api_classify(400, 131049), API_FAILED, "131049 is not retried at once");
	is_int(api_classify(200, 0), API_SENT, "200 is sent");
}

static void pacing(void)
{
	ratelimit rl;
	rl_init(&rl, 10, 100.0);
	is_int(rl_take(&rl, 100.0) == 0, 1, "the first request goes at once");
	double w = rl_take(&rl, 100.0);
	ok(w > 0.099 && w < 0.101, "the next waits a tenth of a second at 10/s (%g)", w);
	is_int(rl_take(&rl, 100.1001) == 0, 1, "and goes then");
	/* a long pause does not bank more than the burst */
	int burst = 0;
	while (rl_take(&rl, 200.0) == 0)
		burst++;
	is_int(burst, 1, "a pause banks one token at 10/s");
	/* over 10 simulated seconds at 1000/s, within 2 % */
	rl_init(&rl, 1000, 0);
	long sent = 0;
	for (double t = 0; t < 10; t += 0.0007)
		while (rl_take(&rl, t) == 0)
			sent++;
	ok(sent >= 9800 && sent <= 10200, "1000/s holds over 10 s on a fake clock (%ld)", sent);
	rl_init(&rl, 0, 0);
	for (int i = 0; i < 1000; i++)
		rl_take(&rl, 0);
	is_int(rl_take(&rl, 0) == 0, 1, "rate 0 is unlimited");

	double r;
	is_int(rl_parse("80/s", &r), 0, "80/s");
	ok(r == 80, "is 80 a second");
	rl_parse("300/m", &r);
	ok(r == 5, "300/m is 5 a second");
	rl_parse("off", &r);
	ok(r == 0, "off is unlimited");
	is_int(rl_parse("fast", &r), EX_DATAERR, "a bad rate is bad data, as a bad duration is");
	is_int(rl_parse("-5/s", &r), EX_DATAERR, "a negative rate too");

	ok(rl_backoff(2, 0.5, 0, 0) == 0.25 && rl_backoff(2, 0.5, 0, 0.999) < 0.5, "the first retry waits 0.25-0.5 s");
	ok(rl_backoff(3, 0.5, 0, 0) == 0.5, "then doubles");
	ok(rl_backoff(40, 0.5, 0, 0.999) <= 30, "capped at 30 s");
	ok(rl_backoff(2, 0.5, 7, 0.5) == 7, "Retry-After wins when longer");
	ok(rl_backoff(4, 0, 0, 0.5) == 0 && rl_backoff(4, 0, 7, 0.5) == 7, "base 0: no pause but Retry-After's");
}

static void media(void)
{
	const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0}, png[] = "\x89PNG\r\n\x1a\n", ogg[] = "OggS\0";
	is_str(media_mime("x.bin", jpeg, 4), "image/jpeg", "JPEG by magic, whatever the name");
	is_str(media_mime("x", png, 8), "image/png", "PNG by magic");
	is_str(media_mime("note", ogg, 5), "audio/ogg", "Ogg by magic");
	is_str(media_mime("invoice.PDF", (const unsigned char *)"", 0), "application/pdf", "PDF by extension");
	ok(media_mime("noext", (const unsigned char *)"", 0) == NULL, "unknown without magic or extension");
	is_int(media_check(MSG_IMAGE, 0, "a.jpg", "image/jpeg", 5 << 20), 0, "an image of 5 MB is fine");
	is_int(media_check(MSG_IMAGE, 0, "a.jpg", "image/jpeg", (5 << 20) + 1), EX_DATAERR, "a byte more is not");
	is_int(media_check(MSG_IMAGE, 0, "a.webp", "image/webp", 10), EX_DATAERR, "webp is not an image type");
	is_int(media_check(MSG_STICKER, 0, "s.webp", "image/webp", 100 << 10), 0, "webp is a sticker");
	is_int(media_check(MSG_VIDEO, 0, "v.mp4", "video/mp4", 16 << 20), 0, "video 16 MB");
	is_int(media_check(MSG_DOCUMENT, 0, "d.pdf", "application/pdf", 100 << 20), 0, "document 100 MB");
	is_int(media_check(MSG_AUDIO, 1, "v.mp3", "audio/mpeg", 10), EX_DATAERR, "a voice note must be Ogg/Opus");
	is_int(media_check(MSG_AUDIO, 1, "v.ogg", "audio/ogg", 10), 0, "Ogg is a voice note");
	ok(media_is_url("https://x/y") && !media_is_url("photo.jpg"), "URLs and files told apart");
}

static void rules(void)
{
	int64_t now = 1000000;
	ok(send_window_open(now - 3600, now), "an hour after their message: open");
	ok(!send_window_open(now - SEND_WINDOW, now), "24 hours after: closed");
	ok(!send_window_open(0, now), "never wrote: closed");
	long n;
	int64_t p;
	is_int(send_cap_parse("1/7d", &n, &p), 0, "1/7d");
	ok(n == 1 && p == 7 * 86400, "one in seven days");
	is_int(send_cap_parse("2", &n, &p), EX_DATAERR, "a cap needs a period");
	is_int(send_cap_parse("x/7d", &n, &p), EX_DATAERR, "and a count");
}

static void decide(void)
{
	int64_t now = 1795000000; /* 2026-11-18T11:06:40Z */
	send_facts open = {.now = now, .last_in = now - 3600, .direct = 1};
	send_verdict v = send_decide(&open);
	ok(v.rule == SEND_GO && !v.refused && !*v.why, "a text within the window goes");

	send_facts late = {.now = now, .last_in = now - SEND_WINDOW, .direct = 1};
	v = send_decide(&late);
	is_int(v.rule, SEND_OUTSIDE_WINDOW, "a text 24 hours after their message does not");
	ok(v.refused, "and is refused, not skipped");
	is_str(v.why, "outside the 24-hour window (closed 2026-11-18T11:06:40Z); use a template",
	       "naming when the window closed");
	late.skip_closed = 1;
	v = send_decide(&late);
	ok(v.rule == SEND_OUTSIDE_WINDOW && !v.refused, "--skip-closed: skipped, not refused");
	late.skip_closed = 0;
	late.last_in = 0;
	is_str(send_decide(&late).why, "outside the 24-hour window (they never wrote); use a template",
	       "or that it never opened");
	late.fallback = 1;
	v = send_decide(&late);
	is_int(v.rule, SEND_FALLBACK, "with a fallback template, the fallback goes instead");
	ok(!v.refused, "not refused");
	is_str(v.why, "outside the 24-hour window (they never wrote); its fallback template goes instead",
	       "saying why");
	late.kind = SEND_TEMPLATE;
	is_int(send_decide(&late).rule, SEND_GO, "a template goes outside the window (its own, not the fallback)");
	late.fallback = 0;
	is_int(send_decide(&late).rule, SEND_GO, "a template goes outside the window");
	late.kind = SEND_FREE_FORM;
	late.forced = 1;
	is_int(send_decide(&late).rule, SEND_GO, "--force lifts the window");

	send_facts out = {.now = now, .last_in = now - 60, .opted_out = 1, .direct = 1};
	v = send_decide(&out);
	is_int(v.rule, SEND_OPTED_OUT, "a direct send to an opted-out contact stops");
	ok(!v.refused, "skipped");
	is_str(v.why, "opted out (--force sends anyway)", "saying --force would send");
	out.forced = 1;
	is_int(send_decide(&out).rule, SEND_GO, "a direct send with --force goes");
	out.automatic = 1;
	v = send_decide(&out);
	is_int(v.rule, SEND_OPTED_OUT, "an automatic reply never does");
	is_str(v.why, "opted out", "and --force is not offered");
	out.automatic = 0;
	out.direct = 0;
	v = send_decide(&out);
	is_int(v.rule, SEND_OPTED_OUT, "nor a broadcast, even with --force");
	is_str(v.why, "opted out", "plainly");
	out.kind = SEND_TEMPLATE;
	out.last_in = 0;
	is_int(send_decide(&out).rule, SEND_OPTED_OUT, "opt-out comes before the window");

	send_facts seg = {.now = now, .kind = SEND_TEMPLATE, .category = SEND_MARKETING, .cap = 1,
			  .cap_period = 7 * 86400, .cap_count = 1};
	v = send_decide(&seg);
	is_int(v.rule, SEND_CAPPED, "a marketing broadcast over the cap stops");
	ok(!v.refused, "skipped");
	is_str(v.why, "frequency cap: 1 marketing message in 1w", "saying which cap");
	seg.category = SEND_UTILITY;
	is_int(send_decide(&seg).rule, SEND_GO, "a utility send (order notices) is never capped");
	seg.category = SEND_MARKETING;
	seg.cap = 2;
	seg.cap_count = 3;
	is_str(send_decide(&seg).why, "frequency cap: 3 marketing messages in 1w", "counted in words");
	seg.cap_count = 1;
	is_int(send_decide(&seg).rule, SEND_GO, "under the cap it goes");
	seg.cap = 0;
	seg.cap_count = 9;
	is_int(send_decide(&seg).rule, SEND_GO, "no cap, no limit");
	seg.cap = 1;
	seg.direct = 1;
	is_int(send_decide(&seg).rule, SEND_GO, "the cap is for broadcasts only");
	seg.direct = 0;
	seg.kind = SEND_FREE_FORM;
	is_int(send_decide(&seg).rule, SEND_CAPPED, "the cap comes before the window");

	/* a marketing opt-out (Meta's user preferences) stops marketing alone */
	send_facts mk = {.now = now, .kind = SEND_TEMPLATE, .category = SEND_MARKETING, .marketing_opted_out = 1};
	v = send_decide(&mk);
	is_int(v.rule, SEND_OPTED_OUT, "marketing to a contact who stopped marketing stops");
	is_str(v.why, "opted out of marketing", "saying which opt-out");
	mk.category = SEND_UTILITY;
	is_int(send_decide(&mk).rule, SEND_GO, "an order notice to them goes");
	mk.category = SEND_MARKETING;
	mk.direct = mk.forced = 1;
	is_int(send_decide(&mk).rule, SEND_GO, "a direct marketing send with --force goes");

	is_int(send_category_default(1, NULL), SEND_MARKETING, "a label segment is marketing");
	is_int(send_category_default(0, NULL), SEND_UTILITY, "a CSV list or --to is utility");
	is_int(send_category_default(0, "marketing"), SEND_MARKETING, "a marketing template is marketing");
	is_int(send_category_default(1, "UTILITY"), SEND_UTILITY, "a utility template is utility, even to a segment");
	is_int(send_category_default(1, "AUTHENTICATION"), SEND_UTILITY, "so is an authentication one");
	is_str(send_category_names[SEND_MARKETING], "marketing", "named as --kind takes it");
}

/* Who a request goes to: a phone in "to", else a user ID in "recipient". */
static void recipients(void)
{
	api_msg m = {.type = MSG_TEXT, .to = "16505551234", .recipient = "US.1", .text = "hi", .preview_url = -1};
	json_t *j = api_msg_json(&m);
	ok(json_object_get(j, "to") && !json_object_get(j, "recipient"), "a phone: to, and no recipient");
	json_decref(j);
	m.to = NULL;
	j = api_msg_json(&m);
	is_str(json_string_value(json_object_get(j, "recipient")), "US.1", "no phone: the user ID in recipient");
	ok(!json_object_get(j, "to"), "and no to");
	json_decref(j);
}

static void specs(void)
{
	is_str(compose_outcome_name(COMPOSED_DRY_RUN), "dry-run", "outcomes by the names wb-send prints");
	is_str(compose_outcome_name(COMPOSED_DUPLICATE), "duplicate", "duplicate");

	api_msg_type t;
	compose_spec s = {.text = "hi", .preview_url = -1};
	is_int(compose_spec_type(&s, EX_USAGE, &t), 0, "text alone");
	is_int(t, MSG_TEXT, "is a text");
	s.image = "a.jpg";
	is_int(compose_spec_type(&s, EX_USAGE, &t), EX_USAGE, "text and image clash");
	compose_spec c = {.text = "pick", .choices = (const char *[]){"a:A"}, .nchoices = 1};
	compose_spec_type(&c, EX_USAGE, &t);
	is_int(t, MSG_INTERACTIVE, "text with choices is interactive");
	compose_spec e = {0};
	is_int(compose_spec_type(&e, EX_DATAERR, &t), EX_DATAERR, "nothing to send");
	compose_spec rx = {.react = "👍"};
	is_int(compose_spec_type(&rx, EX_USAGE, &t), EX_USAGE, "a reaction needs the message it reacts to");
	compose_spec p2 = {.text = "x", .params = (const char *[]){"a"}, .nparams = 1};
	is_int(compose_spec_type(&p2, EX_USAGE, &t), EX_USAGE, "--param without --template");

	json_t *j = json_loads("{\"to\":\"1\",\"template\":\"t\",\"param\":[\"a\",\"b\"],\"key\":\"k\",\"auto\":\"away\","
			       "\"upload\":true,\"rendered\":true,\"tag\":\"t1\"}", 0, NULL);
	compose_spec js;
	is_int(compose_spec_from_json(j, &js, "stdin:1"), 0, "a JSONL message object");
	ok(js.nparams == 2 && !strcmp(js.params[1], "b") && !strcmp(js.auto_kind, "away") && js.upload &&
		   js.rendered && !strcmp(js.tag, "t1"),
	   "fields map to the options of the same name");
	compose_spec_free(&js);
	json_decref(j);
	j = json_loads("{\"to\":\"1\",\"text\":\"x\",\"ky\":\"k\"}", 0, NULL);
	is_int(compose_spec_from_json(j, &js, "stdin:4"), EX_DATAERR, "a key no option names");
	is_str(wb_errmsg(), "stdin:4: unknown key \"ky\" (a line's keys are wb-send's long options)", "is named");
	compose_spec_free(&js);
	json_decref(j);
	j = json_loads("{\"to\":\"1\",\"text\":5}", 0, NULL);
	is_int(compose_spec_from_json(j, &js, "stdin:2"), EX_DATAERR, "a number where text goes");
	ok(strstr(wb_errmsg(), "stdin:2") != NULL, "names the line");
	compose_spec_free(&js);
	json_decref(j);
	j = json_loads("{\"text\":\"x\"}", 0, NULL);
	is_int(compose_spec_from_json(j, &js, "stdin:3"), EX_DATAERR, "no recipient");
	compose_spec_free(&js);
	json_decref(j);
}

int main(void)
{
	recipients();
	bodies();
	answers();
	pacing();
	media();
	rules();
	decide();
	specs();
	return done_testing();
}
