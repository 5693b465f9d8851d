/* Unit tests of the template rules (tmplcheck) without a database:
 * definitions read into slots, every kind of refusal with its wording,
 * the values bound into Meta's request body (named and positional,
 * typed, header media, buttons), the template as shown, the short form
 * of create, and the messaging limit's names. */
#include "tap.h"

#include "cloudapi.h"
#include "err.h"
#include "limit.h"
#include "tmplcheck.h"
#include "util.h"

/* Positional, with a text header, a footer and four kinds of button. */
static const char *const ORDER =
	"{\"name\":\"order_shipped\",\"language\":\"en_US\",\"status\":\"APPROVED\",\"category\":\"UTILITY\","
	"\"parameter_format\":\"POSITIONAL\",\"id\":\"1418820573306601\",\"components\":["
	"{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"Order {{1}}\",\"example\":{\"header_text\":[\"A-1042\"]}},"
	"{\"type\":\"BODY\",\"text\":\"Hi {{1}}, your order {{2}} has shipped.\","
	"\"example\":{\"body_text\":[[\"Mei\",\"A-1042\"]]}},"
	"{\"type\":\"FOOTER\",\"text\":\"Lucky Tea House\"},"
	"{\"type\":\"BUTTONS\",\"buttons\":[{\"type\":\"QUICK_REPLY\",\"text\":\"Stop updates\"},"
	"{\"type\":\"URL\",\"text\":\"Track it\",\"url\":\"https://tea.example/track/{{1}}\","
	"\"example\":[\"https://tea.example/track/A-1042\"]},"
	"{\"type\":\"COPY_CODE\",\"example\":\"TEA10\"},"
	"{\"type\":\"PHONE_NUMBER\",\"text\":\"Call us\",\"phone_number\":\"+15550142208\"}]}]}";

/* Named, with an image header. */
static const char *const PROMO =
	"{\"name\":\"winter_promo\",\"language\":\"en_US\",\"status\":\"APPROVED\",\"category\":\"MARKETING\","
	"\"parameter_format\":\"NAMED\",\"components\":["
	"{\"type\":\"HEADER\",\"format\":\"IMAGE\",\"example\":{\"header_handle\":[\"4::aW1hZ2U=\"]}},"
	"{\"type\":\"BODY\",\"text\":\"Hi {{first_name}}, {{discount}} off all oolong until {{until}}.\","
	"\"example\":{\"body_text_named_params\":[{\"param_name\":\"first_name\",\"example\":\"Mei\"},"
	"{\"param_name\":\"discount\",\"example\":\"15%\"},{\"param_name\":\"until\",\"example\":\"Sunday\"}]}}]}";

static tdef def(const char *json)
{
	tdef d;
	int rc = tdef_parse(json, &d);
	if (rc)
		printf("#   %s\n", wb_errmsg());
	return d;
}

/* Binds and returns the request body's template object as compact JSON
 * (NULL when refused; *v the verdict). */
static char *bound_json(const tdef *d, const tgiven *g, tverdict *v)
{
	tbound b;
	*v = tcheck_bind(d, g, &b);
	if (v->rule)
		return NULL;
	api_msg m = {.type = MSG_TEMPLATE, .to = "1", .tmpl = "t", .tcomps = b.comps, .ntcomps = b.ncomps};
	json_t *j = api_msg_json(&m);
	char *s = json_dumps(json_object_get(json_object_get(j, "template"), "components"), JSON_COMPACT);
	json_decref(j);
	tbound_free(&b);
	return s;
}

#define GIVEN(h, p, b) ((tgiven){h, p, sizeof p / sizeof *p - 1, b, sizeof b / sizeof *b - 1, 0})

static void parse(void)
{
	tdef d = def(ORDER);
	is_str(d.name, "order_shipped", "the name");
	ok(!d.named, "positional");
	is_int(d.nslots, 6, "six slots: header, two in the body, payload, URL, coupon");
	is_str(tkind_names[d.slots[0].kind], "text", "the header's is text");
	is_str(d.slots[0].example, "A-1042", "with its example");
	is_str(d.slots[2].name, "2", "body {{2}}");
	is_str(d.slots[2].example, "A-1042", "its example from body_text");
	ok(d.slots[3].optional && d.slots[3].kind == TK_PAYLOAD, "a quick reply's payload may be left out");
	ok(d.slots[4].kind == TK_URL && d.slots[4].position == 1, "the URL button is index 1");
	ok(d.slots[5].kind == TK_COUPON && d.slots[5].position == 2, "the copy code button index 2");
	is_str(d.slots[5].example, "TEA10", "its example");
	tdef_free(&d);
	d = def(PROMO);
	ok(d.named, "named");
	ok(d.nslots == 4 && d.slots[0].kind == TK_IMAGE, "an image header and three named values");
	is_str(d.slots[3].name, "until", "in their order");
	is_str(d.slots[2].example, "15%", "examples by name");
	tdef_free(&d);
	tdef bad;
	is_int(tdef_parse("{\"name\":\"x\",\"language\":\"en\",\"components\":[{\"type\":\"BODY\"}]}", &bad),
	       EX_DATAERR, "a body without text is bad data");
	ok(strstr(wb_errmsg(), "components[0].text") != NULL, "naming the field (%s)", wb_errmsg());
	tdef_free(&bad);
}

static void refusals(void)
{
	tdef d = def(ORDER);
	tverdict v;
	const char *two[] = {"Mei", "A-1042", NULL}, *one[] = {"Mei", NULL};
	const char *url[] = {"A-1042", "TEA10", NULL};
	char *s = bound_json(&d, &GIVEN("text:A-1042", two, url), &v);
	is_int(v.rule, TC_OK, "everything given");
	is_str(s, "[{\"type\":\"header\",\"parameters\":[{\"type\":\"text\",\"text\":\"A-1042\"}]},"
		  "{\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":\"Mei\"},{\"type\":\"text\",\"text\":\"A-1042\"}]},"
		  "{\"type\":\"button\",\"sub_type\":\"url\",\"index\":\"1\",\"parameters\":[{\"type\":\"text\",\"text\":\"A-1042\"}]},"
		  "{\"type\":\"button\",\"sub_type\":\"copy_code\",\"index\":\"2\",\"parameters\":[{\"type\":\"coupon_code\","
		  "\"coupon_code\":\"TEA10\"}]}]",
	       "bound to header, body and the buttons at their indexes");
	free(s);
	bound_json(&d, &GIVEN("A-1042", one, url), &v);
	is_int(v.rule, TC_COUNT, "one body value short: a count (132000)");
	is_str(v.why, "body: 1 value given; the template has 2 ({{1}}, {{2}})", "naming the slots");
	bound_json(&d, &GIVEN(NULL, two, url), &v);
	is_str(v.why, "header {{1}}: no value (--header text:VALUE)", "a header value missing");
	const char *url_only[] = {"A-1042", NULL};
	bound_json(&d, &GIVEN("A-1042", two, url_only), &v);
	is_str(v.why, "button 2 (COPY_CODE \"\"): no value (--button copy_code:VALUE)", "a coupon missing");
	const char *extra[] = {"A-1042", "TEA10", "more", NULL};
	bound_json(&d, &GIVEN("A-1042", two, extra), &v);
	is_int(v.rule, TC_COUNT, "a button value too many");
	const char *typed[] = {"quick_reply:STOP-1042", "coupon:TEA10", "A-1042", NULL};
	s = bound_json(&d, &GIVEN("A-1042", two, typed), &v);
	ok(s && strstr(s, "{\"type\":\"button\",\"sub_type\":\"quick_reply\",\"index\":\"0\",\"parameters\":[{\"type\":"
			  "\"payload\",\"payload\":\"STOP-1042\"}]}"),
	   "a typed value goes to its kind of button, the payload to the quick reply");
	free(s);
	const char *tab[] = {"Mei\tLi", "A-1042", NULL};
	bound_json(&d, &GIVEN("A-1042", tab, url), &v);
	is_int(v.rule, TC_TEXT, "a tab in a body value");
	is_str(v.why, "body {{1}}: a newline, a tab or more than 4 spaces in a row (Meta refuses them in parameters)",
	       "named and explained");
	const char *spaces[] = {"Mei", "A     1042", NULL};
	bound_json(&d, &GIVEN("A-1042", spaces, url), &v);
	is_int(v.rule, TC_TEXT, "five spaces in a row");
	const char *empty[] = {"Mei", "", NULL};
	bound_json(&d, &GIVEN("A-1042", empty, url), &v);
	is_str(v.why, "body {{2}}: an empty value (Meta refuses it)", "an empty value");
	bound_json(&d, &GIVEN("A-1042 and a great deal more text than a header can hold at all", two, url), &v);
	is_str(v.why, "header: 69 characters once filled; the limit is 60", "a header too long once filled");
	const char *long_code[] = {"A-1042", "TEA10TEA10TEA10X", NULL};
	bound_json(&d, &GIVEN("A-1042", two, long_code), &v);
	is_int(v.rule, TC_TEXT, "a coupon code over 15 characters");
	bound_json(&d, &GIVEN("image:https://x.example/a.jpg", two, url), &v);
	is_str(v.why, "header: the template's header is a text; '--header image:…' given", "a medium for a text header");
	tdef_free(&d);
}

static void named(void)
{
	tdef d = def(PROMO);
	tverdict v;
	const char *all[] = {"until=Sunday", "first_name=Mei", "discount=currency:12.50 EUR", NULL}, *nob[] = {NULL};
	char *s = bound_json(&d, &GIVEN("image:https://tea.example/winter.jpg", all, nob), &v);
	is_int(v.rule, TC_OK, "named values in any order");
	is_str(s, "[{\"type\":\"header\",\"parameters\":[{\"type\":\"image\",\"image\":{\"link\":"
		  "\"https://tea.example/winter.jpg\"}}]},{\"type\":\"body\",\"parameters\":["
		  "{\"type\":\"text\",\"text\":\"Mei\",\"parameter_name\":\"first_name\"},"
		  "{\"type\":\"currency\",\"currency\":{\"fallback_value\":\"12.50 EUR\",\"code\":\"EUR\",\"amount_1000\":12500},"
		  "\"parameter_name\":\"discount\"},{\"type\":\"text\",\"text\":\"Sunday\",\"parameter_name\":\"until\"}]}]",
	       "in the template's order, each with its parameter_name; a currency with amount_1000");
	free(s);
	s = bound_json(&d, &GIVEN("image:1284061392617345", all, nob), &v);
	ok(s && strstr(s, "{\"id\":\"1284061392617345\"}"), "a medium by its id");
	free(s);
	const char *pos[] = {"Mei", "15%", "Sunday", NULL};
	bound_json(&d, &GIVEN("image:https://x.example/a.jpg", pos, nob), &v);
	is_int(v.rule, TC_FORMAT, "positional values for named parameters: a format (132012)");
	is_str(v.why, "body: the template's parameters are named ({{first_name}}, {{discount}}, {{until}}); give "
		      "--param NAME=VALUE, not 'Mei'", "saying how");
	const char *unknown[] = {"first_name=Mei", "percent=15%", "until=Sunday", NULL};
	bound_json(&d, &GIVEN("image:https://x.example/a.jpg", unknown, nob), &v);
	is_str(v.why, "body: the template has no {{percent}} (it has {{first_name}}, {{discount}}, {{until}})",
	       "a name it does not have");
	const char *twice[] = {"first_name=Mei", "first_name=Li", NULL};
	bound_json(&d, &GIVEN("image:https://x.example/a.jpg", twice, nob), &v);
	is_str(v.why, "body {{first_name}}: given twice", "a name twice");
	const char *missing[] = {"first_name=Mei", "discount=15%", NULL};
	bound_json(&d, &GIVEN("image:https://x.example/a.jpg", missing, nob), &v);
	is_str(v.why, "body {{until}}: no value (--param until=VALUE)", "a name missing");
	bound_json(&d, &GIVEN("video:https://x.example/a.mp4", all, nob), &v);
	is_str(v.why, "header: the template's header is an image; '--header video:…' given", "the wrong medium");
	bound_json(&d, &GIVEN(NULL, all, nob), &v);
	is_str(v.why, "header: the template's header is an image; give --header image:URL", "no medium");
	bound_json(&d, &GIVEN("image:tea.jpg", all, nob), &v);
	is_int(v.rule, TC_FORMAT, "a medium is a link or an id");
	const char *bad_cur[] = {"first_name=Mei", "discount=currency:lots", "until=Sunday", NULL};
	bound_json(&d, &GIVEN("image:https://x.example/a.jpg", bad_cur, nob), &v);
	is_str(v.why, "body {{discount}}: 'lots': a currency is AMOUNT CODE, like currency:12.50 EUR", "a bad currency");
	tdef_free(&d);
}

static void unknown_and_status(void)
{
	tverdict v;
	const char *p[] = {"first_name=Mei", "date_time:Sunday 3 pm", NULL}, *b[] = {"payload:STOP", NULL};
	char *s = bound_json(NULL, &GIVEN("text:Hello", p, b), &v);
	is_str(s, "[{\"type\":\"header\",\"parameters\":[{\"type\":\"text\",\"text\":\"Hello\"}]},{\"type\":\"body\","
		  "\"parameters\":[{\"type\":\"text\",\"text\":\"Mei\",\"parameter_name\":\"first_name\"},{\"type\":"
		  "\"date_time\",\"date_time\":{\"fallback_value\":\"Sunday 3 pm\"}}]},{\"type\":\"button\",\"sub_type\":"
		  "\"quick_reply\",\"index\":\"0\",\"parameters\":[{\"type\":\"payload\",\"payload\":\"STOP\"}]}]",
	       "a template wb does not know: bound as given");
	free(s);
	const char *nl[] = {"two\nlines", NULL}, *nob[] = {NULL};
	bound_json(NULL, &GIVEN(NULL, nl, nob), &v);
	is_int(v.rule, TC_TEXT, "Meta's text rules hold for it too");
	tgiven as_is = GIVEN(NULL, nl, nob);
	as_is.as_is = 1;
	tbound tb;
	is_int(tcheck_bind(NULL, &as_is, &tb).rule, TC_OK, "unless it goes as it is (--no-check)");
	tbound_free(&tb);
	bound_json(NULL, &GIVEN("photo.jpg", nob, nob), &v);
	is_int(v.rule, TC_FORMAT, "a header without its kind");
	is_int(tcheck_status("APPROVED").rule, TC_OK, "APPROVED goes");
	is_str(tcheck_status("PAUSED").why, "paused for its quality (Meta answers 132015 until it is resumed)", "PAUSED");
	is_str(tcheck_status("DISABLED").why, "disabled (Meta answers 132016)", "DISABLED");
	is_str(tcheck_status("PENDING").why, "PENDING, not approved (Meta answers 132001)", "PENDING");
	is_int(tcheck_status("REJECTED").rule, TC_STATUS, "REJECTED");
	is_int(tcheck_status(NULL).rule, TC_OK, "a status not known is not held against it");
}

static void show(void)
{
	tdef d = def(ORDER);
	tline *l;
	size_t n;
	tdef_lines(&d, &l, &n);
	is_int(n, 7, "header, body, footer and four buttons");
	is_str(l[0].text, "Order {{1=A-1042}}", "slots marked with their examples");
	is_str(l[1].text, "Hi {{1=Mei}}, your order {{2=A-1042}} has shipped.", "the body");
	is_str(l[2].part, "footer", "the footer");
	is_str(l[4].text, "[Track it] https://tea.example/track/{{1}} (e.g. https://tea.example/track/A-1042)", "a URL button");
	is_str(l[5].text, "[Copy code] (e.g. TEA10)", "a copy code button");
	tlines_free(l, n);
	tdef_free(&d);
	d = def(PROMO);
	tdef_lines(&d, &l, &n);
	is_str(l[0].text, "[image: 4::aW1hZ2U=]", "a media header");
	tlines_free(l, n);
	tdef_free(&d);
}

static char *created(const tcreate *c, int *rc)
{
	json_t *j;
	*rc = tcreate_json(c, &j);
	char *s = *rc ? NULL : json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static void create(void)
{
	int rc;
	const char *ex[] = {"A-1042", "Mei", "A-1042", "A-1042"}, *btn[] = {"url:Track it:https://tea.example/t/{{1}}",
									       "quick_reply:Stop updates"};
	tcreate c = {.name = "order_shipped", .category = "utility", .header = "text:Order {{1}}",
		     .body = "Hi {{1}}, your order {{2}} has shipped.", .footer = "Lucky Tea House", .examples = ex,
		     .nexamples = 4, .buttons = btn, .nbuttons = 2};
	char *s = created(&c, &rc);
	is_str(s, "{\"name\":\"order_shipped\",\"language\":\"en_US\",\"category\":\"UTILITY\",\"parameter_format\":"
		  "\"POSITIONAL\",\"components\":[{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"Order {{1}}\","
		  "\"example\":{\"header_text\":[\"A-1042\"]}},{\"type\":\"BODY\",\"text\":\"Hi {{1}}, your order {{2}} has "
		  "shipped.\",\"example\":{\"body_text\":[[\"Mei\",\"A-1042\"]]}},{\"type\":\"FOOTER\",\"text\":\"Lucky Tea "
		  "House\"},{\"type\":\"BUTTONS\",\"buttons\":[{\"type\":\"URL\",\"text\":\"Track it\",\"url\":"
		  "\"https://tea.example/t/{{1}}\",\"example\":[\"https://tea.example/t/A-1042\"]},{\"type\":\"QUICK_REPLY\","
		  "\"text\":\"Stop updates\"}]}]}",
	       "the short form as Meta's JSON: examples in order, header, body, URL");
	free(s);
	const char *named_ex[] = {"until=Sunday", "first_name=Mei"};
	tcreate n = {.name = "winter", .category = "MARKETING", .body = "Hi {{first_name}}, see you {{until}}.",
		     .examples = named_ex, .nexamples = 2};
	s = created(&n, &rc);
	ok(s && strstr(s, "\"parameter_format\":\"NAMED\"") &&
		   strstr(s, "\"body_text_named_params\":[{\"param_name\":\"first_name\",\"example\":\"Mei\"},"
			     "{\"param_name\":\"until\",\"example\":\"Sunday\"}]"),
	   "named parameters, examples by name");
	free(s);
	const char *one[] = {"Mei"};
	tcreate bad = {.name = "Order-Shipped", .category = "utility", .body = "Hi {{1}}.", .examples = one, .nexamples = 1};
	created(&bad, &rc);
	is_int(rc, EX_DATAERR, "a name with capitals and a dash");
	bad.name = "ok";
	bad.nexamples = 0;
	created(&bad, &rc);
	is_str(wb_errmsg(), "--example: 0 given; the template has 1 parameter", "a parameter without its example");
	bad.nexamples = 1;
	bad.body = "{{1}}, hello";
	created(&bad, &rc);
	is_str(wb_errmsg(), "--body: Meta refuses a body that starts or ends with a parameter", "a parameter at the start");
	bad.body = "Hi {{2}} there";
	created(&bad, &rc);
	is_str(wb_errmsg(), "--body: parameters are numbered {{1}}, {{2}} … in turn; {{1}} is missing", "numbered in turn");
	const char *two[] = {"a", "b"};
	tcreate mixed = {.name = "m", .category = "utility", .body = "Hi {{1}} and {{name}} too", .examples = two,
			 .nexamples = 2};
	created(&mixed, &rc);
	is_int(rc, EX_DATAERR, "numbered and named mixed");
	mixed.category = "promo";
	created(&mixed, &rc);
	is_str(wb_errmsg(), "--category: marketing, utility or authentication", "a category Meta does not have");
}

static void limits(void)
{
	long n;
	ok(!limit_parse("TIER_2K", &n) && n == 2000, "TIER_2K is 2,000");
	ok(!limit_parse("TIER_250", &n) && n == 250, "TIER_250");
	ok(!limit_parse("TIER_100K", &n) && n == 100000, "TIER_100K");
	ok(!limit_parse("TIER_UNLIMITED", &n) && n == LIMIT_UNLIMITED, "TIER_UNLIMITED");
	ok(!limit_parse("10k", &n) && n == 10000, "10k, as WB_TIER may say");
	ok(!limit_parse("unlimited", &n) && n == LIMIT_UNLIMITED, "unlimited");
	is_int(limit_parse("TIER_LOTS", &n), EX_DATAERR, "not a limit");
	char b[32];
	limit_fmt(100000, b);
	is_str(b, "100,000", "written with thousands");
	limit_fmt(250, b);
	is_str(b, "250", "and small ones plainly");
}

int main(void)
{
	parse();
	refusals();
	named();
	unknown_and_status();
	show();
	create();
	limits();
	return done_testing();
}
