#include "ratelimit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void rl_init(ratelimit *r, double rate, double now)
{
	r->rate = rate;
	/* a fiftieth of a second's worth: smooth enough to hold a rate
	 * within 2 % over seconds, loose enough to absorb a slow tick */
	r->burst = rate > 50 ? rate / 50 : 1;
	r->tokens = 1;
	r->last = now;
}

double rl_take(ratelimit *r, double now)
{
	if (r->rate <= 0)
		return 0;
	if (now > r->last) {
		r->tokens = fmin(r->burst, r->tokens + (now - r->last) * r->rate);
		r->last = now;
	}
	if (r->tokens >= 1) {
		r->tokens -= 1;
		return 0;
	}
	return (1 - r->tokens) / r->rate;
}

int rl_parse(const char *s, double *rate)
{
	if (!strcmp(s, "off") || !strcmp(s, "0")) {
		*rate = 0;
		return 0;
	}
	char *end;
	double n = strtod(s, &end);
	double per = 0;
	if (end != s && *end == '/' && end[1] && !end[2])
		per = end[1] == 's' ? 1 : end[1] == 'm' ? 60 : end[1] == 'h' ? 3600 : 0;
	if (!per || !(n > 0) || !isfinite(n))
		return wb_err(EX_DATAERR, "--rate: '%s' is not a rate like 80/s, 300/m or off", s);
	*rate = n / per;
	return 0;
}

double rl_backoff(int attempt, double base, double retry_after, double rnd)
{
	double cap = 60 * base;
	for (int i = 2; i < attempt && base < cap; i++)
		base *= 2;
	if (base > cap)
		base = cap;
	double wait = base * (0.5 + rnd / 2);
	return wait < retry_after ? retry_after : wait;
}
