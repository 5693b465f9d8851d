#include "phonelib.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

/* Nothing in libphonenumber throws but an allocation, and nothing here
 * catches that: running out of memory ends wb, as xmalloc does. */

static const PhoneNumberUtil &util()
{
	/* a singleton that loads the plans' metadata on first use (the
	 * library is thread-safe, and so is a static's initialisation) */
	static const PhoneNumberUtil &u = *PhoneNumberUtil::GetInstance();
	return u;
}

/* The main region of every country calling code (1 to 999), "ZZ" for
 * none: asked once. The library finds it in a map behind a lock each
 * time, which costs a bulk import of '+' numbers a sixth of its time. */
static const std::string &main_region(int cc)
{
	static const std::vector<std::string> regions = [] {
		std::vector<std::string> v(1000);
		for (int i = 0; i < 1000; i++)
			util().GetRegionCodeForCountryCode(i, &v[i]);
		return v;
	}();
	static const std::string none = "ZZ";
	return cc > 0 && cc < 1000 ? regions[cc] : none;
}

/* Why a parsed number is not valid, as far as its length tells. */
static phonelib_status why_invalid(const PhoneNumber &n)
{
	switch (util().IsPossibleNumberWithReason(n)) {
	case PhoneNumberUtil::INVALID_COUNTRY_CODE:
		return PHONELIB_NO_COUNTRY;
	case PhoneNumberUtil::TOO_SHORT:
		return PHONELIB_TOO_SHORT;
	case PhoneNumberUtil::TOO_LONG:
		return PHONELIB_TOO_LONG;
	default:
		return PHONELIB_INVALID;
	}
}

static phonelib_status written_out(const char *digits, char *out, size_t cap)
{
	size_t n = std::strlen(digits);
	if (n >= cap)
		return PHONELIB_TOO_LONG;
	std::memcpy(out, digits, n + 1);
	return PHONELIB_VALID;
}

/* IsValidNumber tries every region that shares the country code (+1 has
 * 25) until one matches; most numbers belong to the code's main region,
 * which is asked first. The answer is the same, found sooner. */
static bool valid(const PhoneNumber &n)
{
	const PhoneNumberUtil &u = util();
	return u.IsValidNumberForRegion(n, main_region(n.country_code())) || u.IsValidNumber(n);
}

/* '+' and digits alone, wb's usual input, as written: the country code
 * split off (no code is the start of another) and the rest the national
 * number. Parse does the same and would also strip a national prefix,
 * but costs as much again as the validation, so a number valid as
 * written skips it. A rest that starts with 0 (a national prefix, or an
 * Italian number's own 0) is left to Parse. */
static bool valid_as_written(const char *text)
{
	size_t len = std::strlen(text);
	if (text[0] != '+' || text[1] == '0' || len < 3 || len > 18 ||
	    std::strspn(text + 1, "0123456789") != len - 1)
		return false;
	for (int k = 1, cc = 0; k <= 3 && text[k + 1]; k++) {
		cc = cc * 10 + (text[k] - '0');
		if (main_region(cc) == "ZZ")
			continue;
		if (text[k + 1] == '0')
			return false;
		PhoneNumber n;
		n.set_country_code(cc);
		n.set_national_number(std::strtoull(text + k + 1, nullptr, 10));
		return valid(n);
	}
	return false;
}

phonelib_status phonelib_parse(const char *text, const char *region, char *out, size_t cap)
{
	if (valid_as_written(text))
		return written_out(text + 1, out, cap);
	const PhoneNumberUtil &u = util();
	PhoneNumber n;
	switch (u.Parse(text, region && *region ? region : "ZZ", &n)) {
	case PhoneNumberUtil::NO_PARSING_ERROR:
		break;
	case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
		return PHONELIB_NO_COUNTRY;
	case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
	case PhoneNumberUtil::TOO_SHORT_NSN:
		return PHONELIB_TOO_SHORT;
	case PhoneNumberUtil::TOO_LONG_NSN:
		return PHONELIB_TOO_LONG;
	default:
		return PHONELIB_NOT_A_NUMBER;
	}
	if (n.has_extension())
		return PHONELIB_EXTENSION;
	if (!valid(n))
		return why_invalid(n);
	std::string e164;
	u.Format(n, PhoneNumberUtil::E164, &e164);
	return written_out(e164.c_str() + (e164[0] == '+'), out, cap);
}

int phonelib_country_code(const char *region)
{
	return util().GetCountryCodeForRegion(region);
}

int phonelib_main_region(int cc, char region[3])
{
	const std::string &r = main_region(cc);
	/* "ZZ" is no country; "001" stands for the non-geographic codes
	 * (+800, +882…), which have no national form to read */
	if (r.size() != 2 || r == "ZZ")
		return -1;
	std::memcpy(region, r.c_str(), 3);
	return 0;
}
