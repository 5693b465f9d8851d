#include "status.h"

#include <string.h>

static const char *const names[] = {
	[STATUS_QUEUED] = "queued", [STATUS_SENDING] = "sending", [STATUS_UNKNOWN] = "unknown",
	[STATUS_SENT] = "sent", [STATUS_DELIVERED] = "delivered", [STATUS_READ] = "read",
	[STATUS_FAILED] = "failed", [STATUS_CANCELLED] = "cancelled",
};

const char *status_name(msg_status s)
{
	return (unsigned)s < sizeof names / sizeof *names ? names[s] : "?";
}

int status_parse(const char *name, msg_status *s)
{
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (!strcmp(name, names[i])) {
			*s = (msg_status)i;
			return 0;
		}
	return -1;
}

int status_reached(msg_status s, msg_status step)
{
	return s >= step && s <= STATUS_READ;
}

int status_final(msg_status s)
{
	return s == STATUS_READ || s == STATUS_FAILED || s == STATUS_CANCELLED;
}

int status_may_move(msg_status from, msg_status to)
{
	if (status_final(from))
		return 0;
	if (to == STATUS_CANCELLED)
		return from == STATUS_QUEUED;
	if (to == STATUS_FAILED)
		return 1;
	return to > from;
}
