#include "status.h"

#include <string.h>

/* Forward order; failed and the ends outside it are handled apart. */
static int rank(const char *s)
{
	static const char *const order[] = {"queued", "sending", "unknown", "sent", "delivered", "read"};
	for (int i = 0; i < 6; i++)
		if (!strcmp(s, order[i]))
			return i;
	return -1;
}

int status_valid(const char *s)
{
	return rank(s) >= 0 || !strcmp(s, "failed") || !strcmp(s, "cancelled");
}

int status_final(const char *s)
{
	return !strcmp(s, "read") || !strcmp(s, "failed") || !strcmp(s, "cancelled");
}

int status_may_move(const char *from, const char *to)
{
	if (!status_valid(from) || !status_valid(to) || status_final(from))
		return 0;
	if (!strcmp(to, "cancelled"))
		return !strcmp(from, "queued");
	if (!strcmp(to, "failed"))
		return 1;
	return rank(to) > rank(from);
}
