// phonenumber.cc: the one piece of crm in C++, and its one use of Google's
// libphonenumber.  It is built as crm-phone.so, which lib/phone.c loads
// with dlopen the first time a phone must be parsed: linking the library
// (ICU, protobuf, abseil) would cost every crm process its start-up time.
#include <cstring>
#include <string>

#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

extern "C" {

// The number in E.164 ("+34612345678") into out (size bytes): 1 when the
// text parses as a number of a possible length, national forms in region
// (an ISO 3166 code; "" for none); 0 when it does not; -1 on a failure of
// the library itself.
int crm_phone_e164(const char *in, const char *region, char *out, size_t size)
{
	try {
		const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
		PhoneNumber number;
		std::string e164;

		if (util->Parse(in, region && *region ? region : "ZZ", &number) !=
		    PhoneNumberUtil::NO_PARSING_ERROR || !util->IsPossibleNumber(number))
			return 0;
		util->Format(number, PhoneNumberUtil::E164, &e164);
		// a key must be the key of itself: text the library reads one
		// way and its E.164 form another ("(+/4) 600-111-222") is not
		// a number it understood
		PhoneNumber again;
		std::string e164_again;
		if (util->Parse(e164, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR)
			return 0;
		util->Format(again, PhoneNumberUtil::E164, &e164_again);
		if (e164_again != e164 || e164.size() >= size)
			return 0;
		std::memcpy(out, e164.c_str(), e164.size() + 1);
		return 1;
	} catch (...) {
		return -1;
	}
}

// Whether libphonenumber knows the region (an ISO 3166 code such as ES).
int crm_phone_region(const char *region)
{
	try {
		return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(region) != 0;
	} catch (...) {
		return -1;
	}
}

}
