#include "send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"
#include "when.h"

int send_window_open(int64_t last_in_at, int64_t now)
{
	return last_in_at > 0 && now - last_in_at < SEND_WINDOW;
}

const char *const send_category_names[] = {"utility", "marketing", NULL};

send_category send_category_default(int segment, const char *template_category)
{
	if (template_category && *template_category)
		return streq_ci(template_category, "MARKETING") ? SEND_MARKETING : SEND_UTILITY;
	return segment ? SEND_MARKETING : SEND_UTILITY;
}

send_verdict send_decide(const send_facts *f)
{
	send_verdict v = {SEND_GO, 0, ""};
	int stopped = f->opted_out || (f->category == SEND_MARKETING && f->marketing_opted_out);
	if (stopped && !(f->direct && f->forced && !f->automatic)) {
		v.rule = SEND_OPTED_OUT;
		snprintf(v.why, sizeof v.why, "%s%s", f->opted_out ? "opted out" : "opted out of marketing",
			 f->direct && !f->automatic ? " (--force sends anyway)" : "");
	} else if (!f->direct && f->category == SEND_MARKETING && f->cap > 0 && f->cap_count >= f->cap) {
		char d[32];
		when_dur_fmt(f->cap_period, d);
		v.rule = SEND_CAPPED;
		snprintf(v.why, sizeof v.why, "frequency cap: %lld marketing message%s in %s", (long long)f->cap_count,
			 f->cap_count == 1 ? "" : "s", d);
	} else if (f->kind == SEND_FREE_FORM && !f->forced && !send_window_open(f->last_in, f->now)) {
		char t[40] = "";
		if (f->last_in && f->tz)
			when_fmt_human(f->last_in + SEND_WINDOW, f->tz, t);
		else if (f->last_in)
			when_fmt_utc(f->last_in + SEND_WINDOW, t);
		v.rule = f->fallback ? SEND_FALLBACK : SEND_OUTSIDE_WINDOW;
		v.refused = !f->fallback && !f->skip_closed;
		snprintf(v.why, sizeof v.why, "outside the 24-hour window (%s%s); %s", f->last_in ? "closed " : "they never wrote",
			 t, f->fallback ? "its fallback template goes instead" : "use a template");
	}
	return v;
}

int send_cap_parse(const char *s, long *n, int64_t *period)
{
	const char *slash = strchr(s, '/');
	char *num = slash ? xstrndup(s, (size_t)(slash - s)) : NULL;
	int bad = !num || parse_long(num, 1, 1000000, n) || when_dur_parse(slash + 1, period) || *period <= 0;
	free(num);
	return bad ? wb_err(EX_DATAERR, "--cap: '%s' is not COUNT/DURATION, like 1/7d", s) : 0;
}
