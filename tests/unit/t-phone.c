/* Unit tests of phone numbers: what each notation reads as in a default
 * region (libphonenumber's plans), what is refused and how it is said,
 * which reading counts when a number has two, and a contact's own wa_id
 * reading back as that contact whatever the region makes of it. */
#include <stdlib.h>

#include "tap.h"

#include "contact.h"
#include "db.h"
#include "err.h"
#include "phone.h"

static void accepted(void)
{
	static const struct {
		const char *in, *region, *want;
	} good[] = {
		{"(650) 555-0104", "US", "16505550104"},
		{"6505550104", "US", "16505550104"},
		{"650.555.0104", "US", "16505550104"},
		{"650-555-0104", "US", "16505550104"},
		{"1 650 555 0104", "US", "16505550104"},
		{"  +1 (650) 555-0104\t", NULL, "16505550104"},
		{"+1/650/555/0104", "GB", "16505550104"},
		{"+44 (0)20 7946 0958", NULL, "442079460958"},
		{"+44 (0)20 7946 0958", "US", "442079460958"},
		{"+44.20.7946.0958", "CN", "442079460958"},
		{"020 7946 0958", "GB", "442079460958"},
		{"07400 123456", "gb", "447400123456"},
		{"0044 20 7946 0958", NULL, "442079460958"},
		{"0044 20 7946 0958", "US", "442079460958"},
		{"0044 20 7946 0958", "GB", "442079460958"},
		{"00 1 650 555 0104", NULL, "16505550104"},
		{"00 1 650 555 0104", "DE", "16505550104"},
		{"011 44 20 7946 0958", "US", "442079460958"},
		{"139 1234 5678", "CN", "8613912345678"},
		{"+86 139-1234-5678", "US", "8613912345678"},
		{"030 1234567", "DE", "49301234567"},
		{"0151 12345678", "DE", "4915112345678"},
		/* what wb writes, read back in another country's region */
		{"8613912345678", NULL, "8613912345678"},
		{"8613912345678", "GB", "8613912345678"},
		{"16505551234", "GB", "16505551234"},
		{"16505551234", "US", "16505551234"},
		{"442079460958", "US", "442079460958"},
		{"442079460958", "CN", "442079460958"},
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		char p[PHONE_MAX] = "";
		int rc = phone_parse(good[i].in, good[i].region, p);
		is_int(rc, 0, "'%s' in %s accepted %s", good[i].in, good[i].region ? good[i].region : "no region",
		       rc ? wb_errmsg() : "");
		is_str(p, good[i].want, "'%s' in %s is %s", good[i].in,
		       good[i].region ? good[i].region : "no region", good[i].want);
	}
}

static void refused(void)
{
	static const struct {
		const char *in, *region, *says;
	} bad[] = {
		/* not Singapore's 6505550104: a national number needs its country */
		{"(650) 555-0104", NULL, "national number: set WB_DEFAULT_REGION (e.g. US)"},
		{"6505550104", NULL, "a national number needs WB_DEFAULT_REGION (e.g. US)"},
		{"19999999999", NULL, "not in the numbering plan"},
		{"020 7946 0958", NULL, "national number: set WB_DEFAULT_REGION"},
		{"+999 123 4567", NULL, "no such country code"},
		{"+999 123 4567", "US", "no such country code"},
		{"+1 650 555 010", NULL, "too short"},
		{"650 555 010", "US", "for US"},
		{"+1 650 555 01044", "US", "too long"},
		{"123", NULL, "not a valid phone number"},
		{"020 7946 0958", "US", "not a valid phone number"},
		{"650-555-0104 ext. 12", "US", "has an extension"},
		{"+1 650 555 0104 x12", NULL, "has an extension"},
		{"1-800-FLOWERS", "US", "unexpected 'F'"},
		{"abc", NULL, "not a phone number"},
		{"", NULL, "not a phone number"},
		{"+", NULL, "not a phone number"},
		{" - ", "US", "not a phone number"},
		{"650+555", "US", "unexpected '+'"},
		{"+0123456789", NULL, "not a valid phone number"},
		{"1234567890123456789012345", NULL, "too long"},
		{"1234567890123456789", "US", "not a valid phone number"},
		{"650\xc2\xa0" "5550104", "US", "unexpected character"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char p[PHONE_MAX];
		is_int(phone_parse(bad[i].in, bad[i].region, p), EX_DATAERR, "phone %zu '%s' refused", i,
		       bad[i].in);
		ok(strstr(wb_errmsg(), bad[i].says) != NULL, "and says so: %s", wb_errmsg());
		ok(!strncmp(wb_errmsg(), "'", 1) && strstr(wb_errmsg(), bad[i].in), "quoting the number");
	}
	char p[PHONE_MAX];
	is_int(phone_parse("020 7946 0958", "XX", p), EX_CONFIG, "a region that is none is a setting's fault");
	ok(strstr(wb_errmsg(), "WB_DEFAULT_REGION 'XX'") != NULL, "and names it: %s", wb_errmsg());
	is_int(phone_parse("020 7946 0958", "GBR", p), EX_CONFIG, "regions have two letters");
	is_int(phone_parse("020 7946 0958", "001", p), EX_CONFIG, "the non-geographic '001' is not one");
}

static void readings(void)
{
	phone_reading r;
	is_int(phone_read("16505551234", "US", &r), 0, "read");
	is_str(r.bare, "16505551234", "digits alone are bare, as wb writes them");
	is_str(r.intl.wa_id, "16505551234", "international reading");
	is_str(r.national.wa_id, "16505551234", "national reading, the same");

	is_int(phone_read("+1 650 555 1234", "GB", &r), 0, "read");
	ok(r.plus && !*r.bare, "with '+' it is not bare");
	is_int(r.national.status, -1, "and has no national reading");

	is_int(phone_read("(650) 555-1234", NULL, &r), 0, "read");
	ok(!*r.bare, "punctuation is not wb's writing");
	is_int(r.national.status, -1, "no region, no national reading");

	/* Seychelles +248 2 510 123 is, without its '+', a valid Michigan
	 * number: both readings hold, and the national one counts */
	is_int(phone_read("2482510123", "US", &r), 0, "read");
	is_str(r.intl.wa_id, "2482510123", "as international: Seychelles");
	is_str(r.national.wa_id, "12482510123", "as national: the US");
	char p[PHONE_MAX];
	is_int(phone_pick(&r, p), 0, "picked");
	is_str(p, "12482510123", "national when both are valid");
	is_int(phone_parse("2482510123", NULL, p), 0, "without a region");
	is_str(p, "2482510123", "only the international reading is left");
	is_int(phone_parse("+248 2 510 123", "US", p), 0, "with '+'");
	is_str(p, "2482510123", "it is international");
}

/* The database knows wb's own numbers: a contact's wa_id read back is that
 * contact even where the default region reads the digits otherwise. */
static void contacts(void)
{
	setenv("WB_DEFAULT_REGION", "US", 1);
	char *path = tap_tmpfile("wb.db");
	wb_db *db;
	is_int(db_open(path, &db), 0, "database");
	int64_t id;
	is_int(contact_ensure(db, "2482510123", 100, &id), 0, "a Seychelles contact");
	char p[PHONE_MAX];
	is_int(contact_resolve_phone(db, "2482510123", p), 0, "its wa_id");
	is_str(p, "2482510123", "is that contact, not a US number");
	is_int(contact_resolve_phone(db, "248 251 0123", p), 0, "written as a person would");
	is_str(p, "12482510123", "it is a US number");
	is_int(contact_resolve_phone(db, "6505550104", p), 0, "a bare number that is no contact");
	is_str(p, "16505550104", "reads by the rules");
	is_int(contact_resolve_phone(NULL, "2482510123", p), 0, "no database");
	is_str(p, "12482510123", "the rules alone");
	is_int(contact_resolve_phone(db, "1234", p), EX_DATAERR, "a bad number that is no contact");
	db_close(db);
	tap_rmdir();
	free(path);
}

int main(void)
{
	accepted();
	refused();
	readings();
	contacts();
	return done_testing();
}
