/* Unit tests of the business profile: the field checks and KEY=VALUE
 * parsing (pure), the export document both ways, the Cloud API request
 * body, and saving through a throw-away database. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#include "err.h"
#include "hours.h"
#include "profile.h"
#include "util.h"

/* The check's verdict and, when it passes, the stored form. */
static int check(int field, const char *value, const char *want, const char *what)
{
	char *norm;
	int rc = profile_check(field, value, &norm);
	if (want)
		is_str(rc ? NULL : norm, want, "%s", what);
	else
		is_int(rc, EX_DATAERR, "%s", what);
	free(norm);
	return rc;
}

static char *repeat(const char *unit, int n)
{
	sb b = {0};
	for (int i = 0; i < n; i++)
		sb_puts(&b, unit);
	return sb_take(&b);
}

static void checks(void)
{
	char *s139 = repeat("é", 139), *s140 = repeat("é", 140);
	check(PROFILE_ABOUT, s139, s139, "about: 139 characters (278 bytes) fit");
	check(PROFILE_ABOUT, s140, NULL, "about: 140 characters do not");
	ok(strstr(wb_errmsg(), "about: 140 characters, at most 139") != NULL, "the message names the field and count");
	free(s139);
	free(s140);
	char *d512 = repeat("字", 512), *d513 = repeat("字", 513);
	check(PROFILE_DESCRIPTION, d512, d512, "description: 512 characters fit");
	check(PROFILE_DESCRIPTION, d513, NULL, "description: 513 do not");
	free(d512);
	free(d513);
	check(PROFILE_DESCRIPTION, "two\nlines", "two\nlines", "description may break lines");
	check(PROFILE_NAME, "a\nb", NULL, "a name may not");
	check(PROFILE_ABOUT, "\xff\xfe", NULL, "about: not UTF-8");
	check(PROFILE_ABOUT, "", "", "empty clears");

	check(PROFILE_CATEGORY, "retail", "RETAIL", "category: any case, stored as Meta's value");
	check(PROFILE_CATEGORY, "PROF_SERVICES", "PROF_SERVICES", "category PROF_SERVICES");
	check(PROFILE_CATEGORY, "shoes", NULL, "category: not one of Meta's");

	static const char *good_mail[] = {"lucky@luckyshrub.com", "a.b+c@mail.example.co.uk"};
	for (size_t i = 0; i < 2; i++)
		check(PROFILE_EMAIL, good_mail[i], good_mail[i], good_mail[i]);
	static const char *bad_mail[] = {"nobody", "@x.com", "a@b", "a@b..com", "a@.b.com", "a b@c.com",
					 "a@b@c.com", "a@b.com."};
	for (size_t i = 0; i < sizeof bad_mail / sizeof *bad_mail; i++)
		check(PROFILE_EMAIL, bad_mail[i], NULL, bad_mail[i]);

	check(PROFILE_WEBSITES, "https://a.example, http://b.example/x?y=1",
	      "https://a.example http://b.example/x?y=1", "websites: two, by comma");
	check(PROFILE_WEBSITES, "https://a.example https://b.example", "https://a.example https://b.example",
	      "websites: two, by space");
	check(PROFILE_WEBSITES, "https://a.example,https://b.example,https://c.example", NULL,
	      "websites: three are too many");
	check(PROFILE_WEBSITES, "ftp://a.example", NULL, "websites: ftp is not the web");
	check(PROFILE_WEBSITES, "https://", NULL, "websites: no host");
	check(PROFILE_WEBSITES, "example.com", NULL, "websites: no scheme");
	char *xs = repeat("x", 240), *longurl = xasprintf("https://a.example/%s", xs);
	check(PROFILE_WEBSITES, longurl, NULL, "websites: more than 256 characters");
	free(longurl);
	free(xs);

	check(PROFILE_TIMEZONE, "Asia/Shanghai", "Asia/Shanghai", "timezone: IANA name");
	check(PROFILE_TIMEZONE, "Mars/Olympus", NULL, "timezone: unknown zone");
	check(PROFILE_ADDRESS, "1 Hacker Way", "1 Hacker Way", "address");
	is_int(profile_field("email"), PROFILE_EMAIL, "field by name");
	is_int(profile_field("website"), -1, "website is only a set alias");
}

static void parse_set(void)
{
	profile p = {0};
	char *args[] = {"name=Lucky Shrub", "website=https://a.example", "website=https://b.example",
			"category=hotel", "about="};
	is_int(profile_parse_set(5, args, &p), 0, "set words parse");
	is_str(p.v[PROFILE_NAME], "Lucky Shrub", "name");
	is_str(p.v[PROFILE_WEBSITES], "https://a.example https://b.example", "website twice makes two");
	is_str(p.v[PROFILE_CATEGORY], "HOTEL", "category normalised");
	ok(p.given[PROFILE_ABOUT] && !p.v[PROFILE_ABOUT], "about= clears about");
	ok(!p.given[PROFILE_EMAIL], "email untouched");
	profile_free(&p);

	static const struct {
		const char *word;
		int rc;
	} bad[] = {{"color=red", EX_USAGE}, {"name", EX_USAGE}, {"=x", EX_USAGE},
		   {"email=nope", EX_DATAERR}, {"timezone=Nowhere/Land", EX_DATAERR}};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *one[] = {(char *)bad[i].word};
		is_int(profile_parse_set(1, one, &p), bad[i].rc, "set %s", bad[i].word);
		profile_free(&p);
	}
	char *twice[] = {"name=a", "name=b"};
	is_int(profile_parse_set(2, twice, &p), EX_USAGE, "a key given twice");
	profile_free(&p);
	char *three[] = {"website=https://a.example", "websites=https://b.example,https://c.example"};
	is_int(profile_parse_set(2, three, &p), EX_DATAERR, "website and websites add up to three");
	profile_free(&p);
}

static void sample(profile *p, hours_spec *h)
{
	char *args[] = {"name=Lucky Shrub", "about=Succulent specialists", "category=RETAIL",
			"email=lucky@luckyshrub.com", "websites=https://a.example,https://b.example",
			"timezone=Asia/Shanghai"};
	memset(p, 0, sizeof *p);
	profile_parse_set(6, args, p);
	memset(h, 0, sizeof *h);
	char *week[] = {"mon-fri", "09:00-18:00", "sat", "10:00-14:00"};
	hours_parse_week(4, week, h);
	hours_range r[1] = {{600, 840}};
	hours_set_exception(h, "2026-12-24", r, 1);
	hours_set_exception(h, "2026-12-25", NULL, 0);
}

static void document(void)
{
	profile p, q = {0};
	hours_spec h, g = {0};
	sample(&p, &h);
	json_t *doc = profile_json(&p, &h);
	char *a = json_dumps(doc, JSON_INDENT(2));
	int has_hours;
	is_int(profile_from_json(doc, &q, &g, &has_hours), 0, "the document reads back");
	ok(has_hours, "with its hours");
	json_t *again = profile_json(&q, &g);
	char *b = json_dumps(again, JSON_INDENT(2));
	is_str(b, a, "and writes the same bytes");
	ok(strstr(a, "\"2026-12-25\": \"closed\"") != NULL, "a holiday is \"closed\"");
	free(a);
	free(b);
	json_decref(again);
	json_decref(doc);
	profile_free(&q);
	hours_free(&g);

	static const struct {
		const char *json, *msg;
	} bad[] = {
		{"[]", "not a JSON object"},
		{"{\"colour\":\"red\"}", "unknown key 'colour'"},
		{"{\"version\":2}", "version"},
		{"{\"about\":7}", "about: not a string"},
		{"{\"websites\":\"https://a.example\"}", "websites: not an array"},
		{"{\"email\":\"nope\"}", "email:"},
		{"{\"hours\":{\"mode\":\"sometimes\"}}", "hours.mode"},
		{"{\"hours\":{\"week\":{\"funday\":\"closed\"}}}", "hours.week: 'funday'"},
		{"{\"hours\":{\"week\":{\"mon\":\"9-5\"}}}", "hours.week: '9-5'"},
		{"{\"hours\":{\"mode\":\"always\",\"week\":{\"mon\":\"09:00-10:00\"}}}", "mode is not week"},
		{"{\"hours\":{\"exceptions\":{\"2026-02-30\":\"closed\"}}}", "hours.exceptions: '2026-02-30'"},
		{"{\"hours\":{\"holidays\":{}}}", "hours: unknown key 'holidays'"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		json_t *j = json_loads(bad[i].json, 0, NULL);
		profile r = {0};
		hours_spec s = {0};
		is_int(profile_from_json(j, &r, &s, &has_hours), EX_DATAERR, "rejects %s", bad[i].json);
		ok(strstr(wb_errmsg(), bad[i].msg) != NULL, "saying '%s' (%s)", bad[i].msg, wb_errmsg());
		json_decref(j);
		profile_free(&r);
		hours_free(&s);
	}

	json_t *body = profile_api_body(&p);
	char *s = json_dumps(body, JSON_COMPACT);
	is_str(s, "{\"messaging_product\":\"whatsapp\",\"about\":\"Succulent specialists\","
		  "\"email\":\"lucky@luckyshrub.com\",\"websites\":[\"https://a.example\",\"https://b.example\"],"
		  "\"vertical\":\"RETAIL\"}",
	       "API body: Meta's names, only the fields set, no name or time zone");
	free(s);
	json_decref(body);
	profile_free(&p);
	hours_free(&h);
}

static void database(void)
{
	char path[] = "/tmp/wb-profile.XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	wb_db *db;
	if (db_open(path, &db)) {
		ok(0, "db opens: %s", wb_errmsg());
		return;
	}
	profile p;
	hours_spec h;
	sample(&p, &h);
	is_int(profile_save(db, &p), 0, "profile saved");
	char *tz = profile_tz(db);
	is_str(tz, "Asia/Shanghai", "the time zone is a setting");
	free(tz);
	json_t *body;
	is_int(profile_to_api_json(db, &body), 0, "API body from the database");
	is_str(json_string_value(json_object_get(body, "vertical")), "RETAIL", "vertical is the category");
	is_int(json_array_size(json_object_get(body, "websites")), 2, "both websites");
	json_decref(body);

	is_int(db_begin(db), 0, "begin");
	is_int(hours_save(db, &h), 0, "whole schedule saved");
	is_int(db_commit(db), 0, "commit");
	hours_spec back;
	hours_load(db, &back);
	is_int(back.nex, 2, "both exceptions back");
	ok(hours_find_exception(&back, "2026-12-24") && hours_find_exception(&back, "2026-12-24")->n == 1,
	   "the special day has its range");
	ok(hours_find_exception(&back, "2026-12-25") && hours_find_exception(&back, "2026-12-25")->n == 0,
	   "the holiday is closed");
	ok(!hours_find_exception(&back, "2026-12-26"), "no other day");
	is_str(hours_mode_name(back.mode), "week", "mode week");
	hours_free(&back);

	hours_spec none = {.mode = HOURS_ALWAYS};
	db_begin(db);
	hours_save(db, &none);
	db_commit(db);
	hours_load(db, &back);
	ok(back.mode == HOURS_ALWAYS && back.nex == 0, "saving replaces the exceptions too");
	hours_free(&back);

	char *text;
	is_int(profile_export(db, &text), 0, "export");
	is_int(profile_import(db, "{\"about\": \"x\", }", "p.json"), EX_DATAERR, "bad JSON");
	ok(!strncmp(wb_errmsg(), "p.json:1:", 9), "names file and line: %s", wb_errmsg());
	is_int(profile_import(db, "{\"about\":\"Cacti\",\"email\":\"bad\"}", "p.json"), EX_DATAERR,
	       "one bad field");
	char *about = db_get_setting(db, "profile.about");
	is_str(about, "Succulent specialists", "writes nothing");
	free(about);
	is_int(profile_import(db, text, "p.json"), 0, "import of an export");
	free(text);

	profile_free(&p);
	hours_free(&h);
	db_close(db);
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char *f = xasprintf("%s%s", path, suffixes[i]);
		unlink(f);
		free(f);
	}
}

/* The wa.me link: digits, and the text percent-encoded as UTF-8. */
static void links(void)
{
	char *l = profile_wa_link("15550783881", NULL);
	is_str(l, "https://wa.me/15550783881", "the number alone");
	free(l);
	l = profile_wa_link("15550783881", "Hi! 50% off? 茶~_.-");
	is_str(l, "https://wa.me/15550783881?text=Hi%21%2050%25%20off%3F%20%E8%8C%B6~_.-",
	       "unreserved characters stay, the rest is encoded byte by byte");
	free(l);
}

int main(void)
{
	links();
	checks();
	parse_set();
	document();
	database();
	return done_testing();
}
