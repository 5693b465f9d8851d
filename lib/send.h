/* send — the rules a message must pass before it goes, as pure
 * functions: opt-out (and the marketing opt-out), the frequency cap on
 * marketing broadcasts, the 24-hour window for free-form messages, and
 * which kind (marketing or utility) a send is when not told. Facts in, a verdict with its reason
 * out, so each refusal is worded once wherever it is judged (compose,
 * when a message is made; deliver, again as a queued one leaves). No
 * database, no network. */
#ifndef WB_SEND_H
#define WB_SEND_H
#include <stdint.h>

/* Free-form messages may go this long after the contact's last message. */
#define SEND_WINDOW (24 * 3600)

typedef enum { SEND_FREE_FORM, SEND_TEMPLATE } send_kind;

/* What a message is for (wb-send --kind), as Meta's template categories
 * say it: marketing (promotions; the frequency cap counts these and a
 * marketing opt-out stops them) or utility (order notices, replies). */
typedef enum { SEND_UTILITY, SEND_MARKETING } send_category;
extern const char *const send_category_names[]; /* utility marketing, NULL-terminated */
/* The kind of a send not told one: a template's own category when known
 * (MARKETING, UTILITY, AUTHENTICATION, any case; NULL: unknown), else
 * marketing for a segment (labels, attributes) and utility for anything
 * else (a CSV list, --to, a message stream). */
send_category send_category_default(int segment, const char *template_category);

typedef struct {
	int64_t now;
	int64_t last_in;   /* the contact's last message to us; 0: they never wrote */
	send_kind kind;    /* only templates may go outside the window */
	int opted_out;
	int forced;        /* --force */
	int direct;        /* to recipients named one by one, not a segment */
	int automatic;     /* an automatic reply (--auto) */
	send_category category;
	int marketing_opted_out; /* the contact stopped marketing messages only (in WhatsApp:
	                          * user_preferences; contact.marketing_stop) */
	long cap;          /* marketing broadcasts allowed within cap_period; 0: no cap */
	int64_t cap_period;
	int64_t cap_count; /* marketing messages the contact got within cap_period */
	int fallback;      /* a fallback template is named (--fallback-template) */
	int skip_closed;   /* a closed window skips a free-form message (--skip-closed:
	                    * a survey, which only a customer who wrote may get), not refuses it */
	const char *tz;    /* the business zone the reasons' times are told in; NULL: UTC */
} send_facts;

/* SEND_FALLBACK: a free-form message outside the window that goes as
 * its fallback template instead. */
typedef enum { SEND_GO, SEND_OPTED_OUT, SEND_CAPPED, SEND_OUTSIDE_WINDOW, SEND_FALLBACK } send_rule;

typedef struct {
	send_rule rule; /* SEND_GO: it may go */
	int refused;    /* 1: the rules forbid what was asked (an error); 0: skipped, as a segment expects */
	char why[160];  /* the reason in words, "" for SEND_GO (room for the window's, with its time and the fallback) */
} send_verdict;

/* Opt-out first (a direct, non-automatic send may --force it; a marketing
 * opt-out stops marketing messages alike), then the frequency cap on
 * marketing sends to segments, then the 24-hour window for free-form
 * messages (which --force lifts, and a fallback template answers). */
send_verdict send_decide(const send_facts *f);
int send_window_open(int64_t last_in_at, int64_t now);
/* "--cap 1/7d": at most n marketing broadcasts per period seconds. */
int send_cap_parse(const char *s, long *n, int64_t *period);

#endif
