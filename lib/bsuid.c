#include "bsuid.h"

#include <string.h>

static int upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static int alnum(char c)
{
	return upper(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int bsuid_is_parent(const char *s)
{
	return bsuid_valid(s) && !strncmp(s + 3, "ENT.", 4) && s[7];
}

int bsuid_valid(const char *s)
{
	if (!s || !upper(s[0]) || !upper(s[1]) || s[2] != '.')
		return 0;
	const char *p = s + 3;
	if (!strncmp(p, "ENT.", 4) && p[4])
		p += 4;
	size_t n = 0;
	for (; *p; p++, n++)
		if (!alnum(*p))
			return 0;
	return n >= 1 && n <= 128;
}
