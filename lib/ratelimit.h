/* ratelimit — pacing outgoing requests: a token bucket for --rate and the
 * backoff between retries (exponential, with jitter, honouring
 * Retry-After). Pure: the caller passes the clock and the randomness, so
 * the rules are tested without sleeping. Nothing here sends or sleeps. */
#ifndef WB_RATELIMIT_H
#define WB_RATELIMIT_H

typedef struct {
	double rate;   /* tokens a second; <= 0: unlimited */
	double burst;  /* the most tokens the bucket holds */
	double tokens; /* available now */
	double last;   /* when tokens was computed (seconds, any epoch) */
} ratelimit;

/* Starts with one token, so the first request goes at once and a long
 * run is paced at rate from the start (a full bucket would let a burst
 * through and push the average over the rate). */
void rl_init(ratelimit *r, double rate, double now);
/* Takes a token when there is one (returns 0), else returns the seconds
 * until the next one and takes nothing. */
double rl_take(ratelimit *r, double now);

/* Reads "80/s", "1000/s", "300/m", "5000/h" or "off" (unlimited: 0).
 * Returns 0, or EX_DATAERR naming the value (a bad value, as a bad duration is). */
int rl_parse(const char *s, double *rate);

/* Seconds to wait before attempt number `attempt` (2 for the first
 * retry): base seconds (0.5 unless tests shorten it) doubling each time,
 * capped at 60 times base (30 s), scaled by a jitter factor from rnd in
 * [0,1) to between 50 % and 100 %, and never less than retry_after (the
 * server's Retry-After, 0 when none). */
double rl_backoff(int attempt, double base, double retry_after, double rnd);

#endif
