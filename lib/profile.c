#include "profile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cloudapi.h"
#include "config.h"
#include "err.h"
#include "media.h"
#include "phone.h"
#include "util.h"
#include "when.h"

const char *const profile_fields[] = {"name", "about", "description", "category", "address",
				      "email", "websites", "timezone", NULL};

/* Meta's documented values of the business profile's vertical. */
const char *const profile_categories[] = {
	"UNDEFINED", "OTHER", "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN",
	"FINANCE", "GROCERY", "GOVT", "HOTEL", "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL",
	"TRAVEL", "RESTAURANT", "NOT_A_BIZ", NULL};

/* Limits in Unicode characters, as Meta documents them (0: none); a
 * website's limit is per URL. Line breaks make sense only in the long
 * texts a customer reads. */
static const struct {
	int max, lines;
} rules[PROFILE_NFIELDS] = {
	[PROFILE_NAME] = {0, 0},    [PROFILE_ABOUT] = {139, 1},  [PROFILE_DESCRIPTION] = {512, 1},
	[PROFILE_CATEGORY] = {0, 0}, [PROFILE_ADDRESS] = {256, 1}, [PROFILE_EMAIL] = {128, 0},
	[PROFILE_WEBSITES] = {256, 0}, [PROFILE_TIMEZONE] = {0, 0},
};

#define DOC_VERSION 1 /* of the export document */

char *profile_tz(wb_db *db)
{
	return db_get_setting(db, "profile.timezone");
}

void profile_free(profile *p)
{
	for (int i = 0; i < PROFILE_NFIELDS; i++) {
		free(p->v[i]);
		p->v[i] = NULL;
		p->given[i] = 0;
	}
}

int profile_field(const char *name)
{
	for (int i = 0; profile_fields[i]; i++)
		if (!strcmp(name, profile_fields[i]))
			return i;
	return -1;
}

static int check_text(int field, const char *s)
{
	const char *name = profile_fields[field];
	long len = utf8_len(s);
	if (len < 0)
		return wb_err(EX_DATAERR, "%s: not valid UTF-8", name);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 || *p == 0x7f) && !(rules[field].lines && (*p == '\n' || *p == '\t')))
			return wb_err(EX_DATAERR, "%s: holds a control character", name);
	if (rules[field].max && len > rules[field].max)
		return wb_err(EX_DATAERR, "%s: %ld characters, at most %d", name, len, rules[field].max);
	return 0;
}

/* The shape of an address: one @, a local part, a dotted domain. Whether
 * the mailbox exists is not ours to know. */
static int email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || at - s > 64)
		return 0;
	for (const char *p = s; p < at; p++)
		if (!isgraph((unsigned char)*p) || strchr("()<>[]\\,;:\"", *p))
			return 0;
	const char *d = at + 1;
	if (!*d || *d == '.' || *d == '-' || !strchr(d, '.') || strstr(d, "..") || d[strlen(d) - 1] == '.')
		return 0;
	for (const char *p = d; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return 0;
	return 1;
}

/* http:// or https://, a host, and nothing a list could not hold (a
 * comma or space would split it in websites=A,B). */
static int url_ok(const char *s)
{
	size_t skip = !strncasecmp(s, "http://", 7) ? 7 : !strncasecmp(s, "https://", 8) ? 8 : 0;
	if (!skip || !s[skip] || strchr("/?#:@", s[skip]))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == ',')
			return 0;
	return 1;
}

static int check_websites(const char *s, char **norm)
{
	char *copy = xstrdup(s);
	sb out = {0};
	int n = 0, rc = 0;
	for (char *save = NULL, *u = strtok_r(copy, ", \t\n", &save); u && !rc;
	     u = strtok_r(NULL, ", \t\n", &save)) {
		if (++n > PROFILE_MAX_WEBSITES)
			rc = wb_err(EX_DATAERR, "websites: at most %d", PROFILE_MAX_WEBSITES);
		else if (!url_ok(u))
			rc = wb_err(EX_DATAERR, "websites: '%s' is not an http:// or https:// URL", u);
		else if ((rc = check_text(PROFILE_WEBSITES, u)) == 0)
			sb_printf(&out, "%s%s", out.len ? " " : "", u);
	}
	free(copy);
	if (rc) {
		sb_free(&out);
		return rc;
	}
	*norm = out.s ? sb_take(&out) : xstrdup("");
	return 0;
}

int profile_check(int field, const char *value, char **norm)
{
	*norm = NULL;
	if (field < 0 || field >= PROFILE_NFIELDS)
		return wb_err(EX_SOFTWARE, "internal error: profile field %d", field);
	if (field == PROFILE_WEBSITES)
		return check_websites(value, norm);
	int rc = check_text(field, value);
	if (rc)
		return rc;
	if (!*value) {
		*norm = xstrdup("");
		return 0;
	}
	if (field == PROFILE_EMAIL && !email_ok(value))
		return wb_err(EX_DATAERR, "email: '%s' is not an email address", value);
	if (field == PROFILE_TIMEZONE && !when_tz_valid(value))
		return wb_err(EX_DATAERR, "timezone: '%s' is not a time zone (like Asia/Shanghai)", value);
	if (field == PROFILE_CATEGORY) {
		for (int i = 0; profile_categories[i]; i++)
			if (streq_ci(value, profile_categories[i])) {
				*norm = xstrdup(profile_categories[i]);
				return 0;
			}
		return wb_err(EX_DATAERR, "category: '%s' is not one of Meta's (RETAIL, RESTAURANT, "
					  "PROF_SERVICES, … see wb-profile(1))", value);
	}
	*norm = xstrdup(value);
	return 0;
}

/* Sets a field from a checked value: an empty one unsets it. */
static int give(profile *p, int field, const char *value)
{
	char *norm;
	int rc = profile_check(field, value, &norm);
	if (rc)
		return rc;
	free(p->v[field]);
	p->v[field] = *norm ? norm : NULL;
	if (!*norm)
		free(norm);
	p->given[field] = 1;
	return 0;
}

int profile_parse_set(int argc, char **argv, profile *p)
{
	sb sites = {0};
	int rc = 0, got_sites = 0;
	for (int i = 0; i < argc && !rc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			rc = wb_err(EX_USAGE, "'%s': not KEY=VALUE", argv[i]);
			break;
		}
		char *key = xstrndup(argv[i], (size_t)(eq - argv[i]));
		int f = !strcmp(key, "website") ? PROFILE_WEBSITES : profile_field(key);
		if (f < 0)
			rc = wb_err(EX_USAGE, "unknown key '%s' (name, about, description, category, "
					      "address, email, website, websites, timezone)", key);
		else if (f == PROFILE_WEBSITES) {
			/* every website= and websites= of one set make the new list */
			sb_printf(&sites, "%s%s", sites.len ? " " : "", eq + 1);
			got_sites = 1;
		} else if (p->given[f])
			rc = wb_err(EX_USAGE, "%s given twice", key);
		else
			rc = give(p, f, eq + 1);
		free(key);
	}
	if (!rc && got_sites)
		rc = give(p, PROFILE_WEBSITES, sites.s ? sites.s : "");
	sb_free(&sites);
	return rc;
}

int profile_websites(const char *stored, char *urls[PROFILE_MAX_WEBSITES])
{
	int n = 0;
	const char *p = stored;
	while (p && *p && n < PROFILE_MAX_WEBSITES) {
		size_t len = strcspn(p, " ");
		if (len)
			urls[n++] = xstrndup(p, len);
		p += len + (p[len] == ' ');
	}
	return n;
}

int profile_load(wb_db *db, profile *p)
{
	memset(p, 0, sizeof *p);
	for (int i = 0; i < PROFILE_NFIELDS; i++) {
		char *key = xasprintf("profile.%s", profile_fields[i]);
		p->v[i] = db_get_setting(db, key);
		free(key);
	}
	return 0;
}

static int save_fields(wb_db *db, const profile *p)
{
	int rc = 0;
	for (int i = 0; i < PROFILE_NFIELDS && !rc; i++)
		if (p->given[i]) {
			char *key = xasprintf("profile.%s", profile_fields[i]);
			rc = db_set_setting(db, key, p->v[i]);
			free(key);
		}
	return rc;
}

/* Runs the writes of an update in one transaction: all or nothing. */
static int save_all(wb_db *db, const profile *p, const hours_spec *h)
{
	int rc = db_begin(db);
	if (rc)
		return rc;
	rc = save_fields(db, p);
	if (!rc && h)
		rc = hours_save(db, h);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

int profile_save(wb_db *db, const profile *p)
{
	return save_all(db, p, NULL);
}

static json_t *websites_json(const char *stored)
{
	json_t *a = json_array();
	char *urls[PROFILE_MAX_WEBSITES];
	int n = profile_websites(stored, urls);
	for (int i = 0; i < n; i++) {
		json_array_append_new(a, json_string(urls[i]));
		free(urls[i]);
	}
	return a;
}

/* A string, or null for an unset value (or one not in UTF-8, which only
 * a hand edit of the database can leave). */
static json_t *str_or_null(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

json_t *profile_json(const profile *p, const hours_spec *h)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "version", json_integer(DOC_VERSION));
	for (int i = 0; i < PROFILE_NFIELDS; i++)
		json_object_set_new(doc, profile_fields[i],
				    i == PROFILE_WEBSITES ? websites_json(p->v[i]) : str_or_null(p->v[i]));
	json_t *hours = json_object(), *week = json_object(), *ex = json_object();
	char buf[HOURS_MAX_RANGES * 12 + 8];
	for (int d = 0; d < 7; d++) {
		hours_fmt_ranges(h->day[d], h->n[d], buf, sizeof buf);
		json_object_set_new(week, when_day_name(d, 1), json_string(buf));
	}
	for (int i = 0; i < h->nex; i++) {
		hours_fmt_ranges(h->ex[i].r, h->ex[i].n, buf, sizeof buf);
		json_object_set_new(ex, h->ex[i].date, json_string(buf));
	}
	json_object_set_new(hours, "mode", str_or_null(hours_mode_name(h->mode)));
	json_object_set_new(hours, "week", week);
	json_object_set_new(hours, "exceptions", ex);
	json_object_set_new(doc, "hours", hours);
	return doc;
}

static int need_string(json_t *v, const char *what)
{
	return json_is_string(v) ? 0 : wb_err(EX_DATAERR, "%s: not a string", what);
}

static int week_from_json(json_t *week, hours_spec *h)
{
	if (!json_is_object(week))
		return wb_err(EX_DATAERR, "hours.week: not an object");
	char *words[14];
	int n = 0;
	const char *day;
	json_t *v;
	json_object_foreach(week, day, v) {
		int known = 0;
		for (int d = 0; d < 7; d++)
			known |= !strcmp(day, when_day_name(d, 1));
		if (!known)
			return wb_err(EX_DATAERR, "hours.week: '%s' is not a day (mon … sun)", day);
		if (need_string(v, "hours.week"))
			return EX_DATAERR;
		words[n++] = (char *)day;
		words[n++] = (char *)json_string_value(v);
	}
	if (!n)
		return 0;
	int rc = hours_parse_week(n, words, h);
	return rc ? wb_err_prefix(rc, "hours.week: ") : 0;
}

static int exceptions_from_json(json_t *ex, hours_spec *h)
{
	if (!json_is_object(ex))
		return wb_err(EX_DATAERR, "hours.exceptions: not an object");
	const char *date;
	json_t *v;
	json_object_foreach(ex, date, v) {
		hours_range r[HOURS_MAX_RANGES];
		int n;
		if (need_string(v, "hours.exceptions"))
			return EX_DATAERR;
		int rc = hours_parse_ranges(json_string_value(v), r, &n);
		if (!rc)
			rc = hours_set_exception(h, date, r, n);
		if (rc)
			return wb_err_prefix(rc, "hours.exceptions: ");
	}
	return 0;
}

static int hours_from_json(json_t *j, hours_spec *h)
{
	if (!json_is_object(j))
		return wb_err(EX_DATAERR, "hours: not an object");
	const char *key;
	json_t *v, *mode = NULL;
	int rc = 0;
	json_object_foreach(j, key, v) {
		if (!strcmp(key, "mode"))
			mode = v;
		else if (!strcmp(key, "week"))
			rc = week_from_json(v, h);
		else if (!strcmp(key, "exceptions"))
			rc = exceptions_from_json(v, h);
		else
			rc = wb_err(EX_DATAERR, "hours: unknown key '%s' (mode, week, exceptions)", key);
		if (rc)
			return rc;
	}
	int ranges = 0;
	for (int d = 0; d < 7; d++)
		ranges += h->n[d];
	h->mode = ranges ? HOURS_WEEK : HOURS_UNSET;
	if (mode && !json_is_null(mode)) {
		const char *m = json_string_value(mode);
		int found = 0;
		for (int i = HOURS_WEEK; i <= HOURS_APPOINTMENT && m; i++)
			if (!strcmp(m, hours_mode_name((hours_mode)i))) {
				h->mode = (hours_mode)i;
				found = 1;
			}
		if (!found)
			return wb_err(EX_DATAERR, "hours.mode: not one of week, always, appointment, null");
	}
	if (ranges && h->mode != HOURS_WEEK)
		return wb_err(EX_DATAERR, "hours.week: has opening hours, but the mode is not week");
	return 0;
}

int profile_from_json(json_t *doc, profile *p, hours_spec *h, int *has_hours)
{
	*has_hours = 0;
	if (!json_is_object(doc))
		return wb_err(EX_DATAERR, "not a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v) {
		int f = profile_field(key), rc = 0;
		if (!strcmp(key, "version")) {
			if (!json_is_integer(v) || json_integer_value(v) != DOC_VERSION)
				rc = wb_err(EX_DATAERR, "version: this wb reads version %d", DOC_VERSION);
		} else if (!strcmp(key, "hours")) {
			rc = hours_from_json(v, h);
			*has_hours = 1;
		} else if (f < 0) {
			rc = wb_err(EX_DATAERR, "unknown key '%s'", key);
		} else if (json_is_null(v)) {
			rc = give(p, f, "");
		} else if (f == PROFILE_WEBSITES) {
			sb list = {0};
			size_t i;
			json_t *u;
			if (!json_is_array(v))
				rc = wb_err(EX_DATAERR, "websites: not an array");
			json_array_foreach(v, i, u) {
				if (!rc && !(rc = need_string(u, "websites")))
					sb_printf(&list, "%s%s", i ? " " : "", json_string_value(u));
			}
			if (!rc)
				rc = give(p, f, list.s ? list.s : "");
			sb_free(&list);
		} else if (!(rc = need_string(v, key))) {
			rc = give(p, f, json_string_value(v));
		}
		if (rc)
			return rc;
	}
	return 0;
}

int profile_export(wb_db *db, char **text)
{
	profile p;
	hours_spec h;
	int rc = profile_load(db, &p);
	if (rc || (rc = hours_load(db, &h))) {
		profile_free(&p);
		return rc;
	}
	json_t *doc = profile_json(&p, &h);
	char *s = json_dumps(doc, JSON_INDENT(2));
	*text = xasprintf("%s\n", s);
	free(s);
	json_decref(doc);
	hours_free(&h);
	profile_free(&p);
	return 0;
}

int profile_import(wb_db *db, const char *text, const char *name)
{
	json_error_t e;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &e);
	if (!doc)
		return wb_err(EX_DATAERR, "%s:%d:%d: %s", name, e.line, e.column, json_why(&e));
	profile p = {0};
	hours_spec h = {0};
	int has_hours, rc = profile_from_json(doc, &p, &h, &has_hours);
	json_decref(doc);
	if (rc)
		rc = wb_err_prefix(rc, "%s: ", name);
	else
		rc = save_all(db, &p, has_hours ? &h : NULL);
	hours_free(&h);
	profile_free(&p);
	return rc;
}

int profile_number(char digits[PHONE_MAX])
{
	char *number = NULL;
	api *a = NULL;
	int rc = config_get("WB_DISPLAY_PHONE", &number);
	if (!rc && !number && !(rc = api_open(1, &a)))
		rc = api_display_phone(a, &number);
	api_close(a);
	/* international, as Meta writes it: the digits are the number (Meta's
	 * own test numbers, +1 555…, are in no numbering plan) */
	size_t n = 0;
	for (const char *p = number; !rc && *p; p++)
		if (*p >= '0' && *p <= '9' && n < PHONE_MAX - 1)
			digits[n++] = *p;
		else if (!strchr("+-() .", *p) || (*p >= '0' && *p <= '9'))
			n = PHONE_MAX;
	digits[n < PHONE_MAX ? n : 0] = 0;
	if (!rc && (n < 7 || n >= PHONE_MAX))
		rc = wb_err(EX_DATAERR, "the business's number '%s' is not one in international form (+1 555-078-3881)",
			    number);
	free(number);
	return rc;
}

int profile_photo(const char *path)
{
	const char *mime;
	int rc = media_probe(MSG_IMAGE, 0, path, &mime);
	if (!rc && strcmp(mime, "image/jpeg") && strcmp(mime, "image/png"))
		rc = wb_err(EX_DATAERR, "%s: %s; a profile picture is a JPEG or PNG image", path, mime);
	if (rc)
		return rc;
	FILE *fp = fopen(path, "rb");
	sb bytes = {0};
	char buf[65536];
	size_t n;
	while (fp && (n = fread(buf, 1, sizeof buf, fp)) > 0)
		sb_add(&bytes, buf, n);
	if (!fp || ferror(fp))
		rc = wb_err(EX_IOERR, "%s: cannot read", path);
	if (fp)
		fclose(fp);
	api *a;
	if (!rc && !(rc = api_open(1, &a))) {
		rc = api_profile_photo(a, path, mime, bytes.s ? bytes.s : "", bytes.len);
		api_close(a);
	}
	sb_free(&bytes);
	return rc;
}

char *profile_wa_link(const char *digits, const char *text)
{
	sb b = {0};
	sb_printf(&b, "https://wa.me/%s", digits);
	if (text && *text) {
		sb_puts(&b, "?text=");
		for (const unsigned char *p = (const unsigned char *)text; *p; p++)
			if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			    strchr("-._~", *p))
				sb_putc(&b, (char)*p);
			else
				sb_printf(&b, "%%%02X", *p);
	}
	return sb_take(&b);
}

json_t *profile_api_body(const profile *p)
{
	/* Meta's names, in the order its documentation lists them */
	static const struct {
		const char *api;
		int field;
	} map[] = {{"about", PROFILE_ABOUT},   {"address", PROFILE_ADDRESS},
		   {"description", PROFILE_DESCRIPTION}, {"email", PROFILE_EMAIL},
		   {"websites", PROFILE_WEBSITES}, {"vertical", PROFILE_CATEGORY}};
	json_t *body = json_object();
	json_object_set_new(body, "messaging_product", json_string("whatsapp"));
	for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
		const char *v = p->v[map[i].field];
		if (v)
			json_object_set_new(body, map[i].api,
					    map[i].field == PROFILE_WEBSITES ? websites_json(v) : str_or_null(v));
	}
	return body;
}

int profile_to_api_json(wb_db *db, json_t **body)
{
	profile p;
	int rc = profile_load(db, &p);
	if (!rc)
		*body = profile_api_body(&p);
	profile_free(&p);
	return rc;
}
