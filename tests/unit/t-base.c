/* Unit tests of the foundation: times, durations, placeholders,
 * UTF-8 text, the output formats, the CSV and phone readers, and the
 * database. */
#include <pty.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tap.h"

#include "contact.h"
#include "db.h"
#include "err.h"
#include "import.h"
#include "in.h"
#include "kv.h"
#include "out.h"
#include "tmpl.h"
#include "util.h"
#include "when.h"

static void times(void)
{
	int64_t t, now = 1764064800; /* 2025-11-25T10:00:00Z */
	char buf[40];
	is_int(when_parse("2026-11-24T09:00Z", now, "UTC", &t), 0, "ISO with Z");
	when_fmt_utc(t, buf);
	is_str(buf, "2026-11-24T09:00:00Z", "formats back");
	when_parse("2026-11-24T09:00+08:00", now, "UTC", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2026-11-24T01:00:00Z", "offset +08:00");
	when_parse("2026-11-24T09:00", now, "Asia/Shanghai", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2026-11-24T01:00:00Z", "no zone: the business zone");
	when_parse("2026-11-24", now, "America/New_York", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2026-11-24T05:00:00Z", "a date is local midnight");
	when_parse("2026-07-01 08:30", now, "America/New_York", &t);
	when_fmt_local(t, "America/New_York", buf);
	is_str(buf, "2026-07-01T08:30:00-04:00", "summer time, space separator, local format");
	is_int(when_parse("now", now, NULL, &t), 0, "now");
	is_int(t, now, "now is now");
	when_parse("-7d", now, NULL, &t);
	is_int(t, now - 7 * 86400, "-7d");
	when_parse("30m", now, NULL, &t);
	is_int(t, now + 1800, "30m is ahead");
	when_parse("2026-12-03T15:00Z -1d", now, NULL, &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2026-12-02T15:00:00Z", "a time and an offset");
	when_parse("today", now, "Asia/Shanghai", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2025-11-24T16:00:00Z", "today in Shanghai starts at 16:00Z the day before");
	when_parse("tomorrow 09:00", now, "Asia/Shanghai", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2025-11-26T01:00:00Z", "tomorrow 09:00 in Shanghai");
	when_parse("today 18:30 +1h", now, "UTC", &t);
	when_fmt_utc(t, buf);
	is_str(buf, "2025-11-25T19:30:00Z", "a day, a clock time and an offset");
	static const char *bad[] = {"", "2026-13-01", "today 25:00", "tomorrow 9am", "2026-02-30", "tomorrowish", "2026-11-24T25:00",
				    "7", "-7x", "2026-11-24 1d", "soon"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		is_int(when_parse(bad[i], now, "UTC", &t), EX_DATAERR, "time '%s' rejected", bad[i]);

	int64_t d;
	is_int(when_dur_parse("90s", &d), 0, "90s");
	is_int(d, 90, "90s is 90");
	when_dur_parse("1h30m", &d);
	is_int(d, 5400, "1h30m");
	when_dur_parse("14d", &d);
	is_int(d, 14 * 86400, "14d");
	char db[32];
	when_dur_fmt(14 * 86400, db);
	is_str(db, "2w", "14d formats as 2w");
	is_int(when_dur_parse("14", &d), EX_DATAERR, "a bare number is not a duration");
	is_int(when_dur_parse("-1d", &d), EX_DATAERR, "a negative duration is refused");
	ok(when_tz_valid("Asia/Shanghai"), "Asia/Shanghai is a zone");
	ok(!when_tz_valid("Mars/Olympus"), "Mars/Olympus is not");
	ok(!when_tz_valid("../../etc/passwd"), "paths are not zones");
}

static void placeholders(void)
{
	kv m = {0};
	kv_set(&m, "name", "Mei");
	kv_set(&m, "order_id", "A-77");
	char *s;
	is_int(tmpl_render("Hi {{name}}, order {{ order_id }} shipped", kv_lookup, &m, &s), 0, "render");
	is_str(s, "Hi Mei, order A-77 shipped", "placeholders filled");
	free(s);
	is_int(tmpl_render("Hi {{nobody}}", kv_lookup, &m, &s), EX_DATAERR, "a missing value is an error");
	is_str(wb_errmsg(), "no value for {{nobody}}", "which names it");
	is_int(tmpl_render("no {{ braces", kv_lookup, &m, &s), 0, "an unclosed brace is text");
	is_str(s, "no {{ braces", "kept as is");
	free(s);
	is_int(tmpl_check("Hi {{ name }}, {{order_id}}", kv_lookup, &m), 0, "known placeholders pass the check");
	is_int(tmpl_check("Hi {{nmae}} {{x}}", kv_lookup, &m), EX_DATAERR, "an unknown one does not");
	is_str(wb_errmsg(), "{{nmae}}", "the first unknown one is named");
	is_int(tmpl_check("Hi {{}}", kv_lookup, &m), EX_DATAERR, "nor does an empty one");
	is_int(tmpl_check("no {{ braces", kv_lookup, &m), 0, "an unclosed brace is text");
	kv_free(&m);
}

static char *render(out_format f, int rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	static const char *const cols[] = {"phone", "name", "n", "rate", NULL};
	out *o = out_new(f, fp, cols);
	for (int i = 0; i < rows; i++) {
		out_str(o, i ? "=HYPERLINK(\"x\")" : "16505551234");
		out_str(o, i ? "Chen, \"Mei\"\n2" : "陈梅");
		out_int(o, -5);
		out_num(o, 0.25);
		out_row_end(o);
	}
	out_close(o);
	fclose(fp);
	return buf;
}

static void text(void)
{
	unsigned cp = 1;
	is_int(utf8_next("", &cp), 1, "the end: one byte");
	is_int(cp, 0, "of code point 0");
	is_int(utf8_next("a", &cp), 1, "ASCII: one byte");
	is_int(utf8_next("\xc3\xa9", &cp), 2, "é: two bytes");
	is_int(cp, 0xE9, "U+00E9");
	is_int(utf8_next("价", &cp), 3, "价: three");
	is_int(cp, 0x4EF7, "U+4EF7");
	is_int(utf8_next("👍", &cp), 4, "an emoji: four");
	is_int(cp, 0x1F44D, "U+1F44D");
	is_int(utf8_next("\x80", &cp), 0, "a stray continuation byte is not UTF-8");
	is_int(utf8_next("\xc3(", &cp), 0, "nor a cut sequence");
	is_int(utf8_next("\xc1\x81", &cp), 0, "nor an overlong form");
	is_int(utf8_next("\xed\xa0\x80", &cp), 0, "nor a surrogate");
	is_int(utf8_next("\xf4\x90\x80\x80", &cp), 0, "nor past U+10FFFF");
	is_int(utf8_len("añ价👍"), 4, "characters, not bytes");
	is_int(utf8_len("a\xff" "b"), -1, "invalid text has no length");
	is_int(utf8_width("a价👍"), 5, "wide characters take two columns");
	is_int(utf8_width("a\xff" "b"), 3, "a stray byte takes one");
	is_int(utf8_prefix("a价👍", 2), 1, "a cut never splits a wide character");
	is_int(utf8_prefix("a价👍", 3), 4, "nor a character's bytes");
	is_int(utf8_prefix("abc", 9), 3, "what fits is whole");

	/* sb_printf formats into the room left, and again when it overflows */
	sb b = {0};
	sb_printf(&b, "%s-%d", "ab", 7);
	is_str(b.s, "ab-7", "sb_printf on an empty buffer");
	char big[300];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	sb_printf(&b, "[%s]", big);
	ok(b.len == 4 + 301 && strlen(b.s) == b.len && b.s[4] == '[' && b.s[b.len - 1] == ']',
	   "a text larger than the room: whole, after what was there");
	sb_printf(&b, "%s", "");
	is_int(b.len, 305, "an empty one adds nothing");
	sb_free(&b);
	char *v = str_visible("a\033]0;x\007\x7f\xc2\x9b" "2J\xff价 \r\n\t", 0);
	is_str(v, "a^[]0;x^G^?^[[2J\\xFF价 ^M\n\t", "shown: C0 and DEL in caret notation, C1 as ESC, a stray byte in hex");
	free(v);
	v = str_visible("a\r\nb\tc", 1);
	is_str(v, "a  b c", "on one line: newlines and tabs are blanks");
	free(v);
	v = str_visible("+1 \u202e0021\u202c \u2066x\u2069\u200f\u200b\ufeff \U0001F468\u200d\U0001F469 \u0645\u200c", 1);
	is_str(v, "+1 <U+202E>0021<U+202C> <U+2066>x<U+2069><U+200F><U+200B><U+FEFF> \U0001F468\u200d\U0001F469 \u0645\u200c",
	       "bidi controls and invisible format characters as <U+XXXX>; the joiners stay");
	free(v);
}

/* out_json_stream onto a terminal (a pseudo-terminal in raw mode): what
 * the terminal gets for writes cut anywhere, even inside a character. */
static void json_on_tty(void)
{
	int m, sl;
	if (openpty(&m, &sl, NULL, NULL, NULL)) {
		ok(0, "openpty");
		return;
	}
	struct termios t;
	tcgetattr(sl, &t);
	cfmakeraw(&t);
	tcsetattr(sl, TCSANOW, &t);
	FILE *tty = fdopen(sl, "w"), *j = out_json_stream(tty);
	ok(j != tty, "a terminal gets a stream of its own");
	const char *in = "{\"n\":\"a\u202e\x7f\xc2\x9b[2J\\u001b\u9648\u6885\U0001F600\"}\n";
	for (const char *p = in; *p; p++) { /* a byte a write */
		fputc(*p, j);
		fflush(j);
	}
	fclose(j);
	fclose(tty);
	char got[200] = {0};
	size_t n = 0;
	ssize_t r;
	while (n < sizeof got - 1 && !memchr(got, '\n', n) && (r = read(m, got + n, sizeof got - 1 - n)) > 0)
		n += (size_t)r;
	close(m);
	is_str(strtok(got, "\n"), "{\"n\":\"a\\u202e\\u007f\\u009b[2J\\u001b\u9648\u6885\U0001F600\"}",
	       "DEL, C1 and bidi controls as \\u escapes; other characters whole, however the writes cut them");
	FILE *pipe_end = tmpfile();
	ok(out_json_stream(pipe_end) == pipe_end, "not a terminal: the stream itself, exact bytes");
	fclose(pipe_end);
}

static void output(void)
{
	char *s = render(OUT_CSV, 2);
	is_str(s, "phone,name,n,rate\n16505551234,陈梅,-5,0.25\n\"'=HYPERLINK(\"\"x\"\")\",\"Chen, \"\"Mei\"\"\n2\",-5,0.25\n",
	       "csv quotes, neutralises formulas, keeps numbers");
	ok(!out_neutralises("-1.5e3") && !out_neutralises("+12"), "a signed number is a number");
	ok(out_neutralises("-nan(x)") && out_neutralises("+inf") && out_neutralises("-0x1p3"),
	   "what strtod reads but a spreadsheet calls a function is neutralised");
	free(s);
	s = render(OUT_TSV, 1);
	is_str(s, "phone\tname\tn\trate\n16505551234\t陈梅\t-5\t0.25\n", "tsv");
	free(s);
	s = render(OUT_JSONL, 2);
	is_str(s, "{\"phone\":\"16505551234\",\"name\":\"陈梅\",\"n\":-5,\"rate\":0.25}\n"
		  "{\"phone\":\"=HYPERLINK(\\\"x\\\")\",\"name\":\"Chen, \\\"Mei\\\"\\n2\",\"n\":-5,\"rate\":0.25}\n",
	       "jsonl escapes and keeps types");
	free(s);
	s = render(OUT_JSON, 0);
	is_str(s, "[]\n", "empty json is an empty array");
	free(s);
	s = render(OUT_TABLE, 1);
	is_str(s, "phone        name  n   rate\n16505551234  陈梅  -5  0.25\n", "table aligns wide characters");
	free(s);
}

static void reader(void)
{
	const char *csv = "\xEF\xBB\xBFphone,name,note\n+1 650 555 1234,\"Chen, Mei\",\"two\nlines\"\n\n8613912345678,Li,x\n";
	FILE *fp = fmemopen((void *)csv, strlen(csv), "r");
	csvr *r = csvr_open(fp, "t.csv", ',');
	char **f;
	int n;
	long line;
	is_int(csvr_next(r, &f, &n, &line), 1, "header record");
	is_str(f[0], "phone", "BOM dropped");
	is_int(csvr_next(r, &f, &n, &line), 1, "first row");
	is_str(f[2], "two\nlines", "quoted newline kept");
	is_int(line, 2, "starts on line 2");
	is_int(csvr_next(r, &f, &n, &line), 1, "row after a blank line");
	is_int(line, 5, "on line 5");
	is_int(csvr_next(r, &f, &n, &line), 0, "end");
	csvr_close(r);
	fclose(fp);

	const char *spaces = "a,b\n \t \nc,d\n";
	fp = fmemopen((void *)spaces, strlen(spaces), "r");
	r = csvr_open(fp, "s.csv", ',');
	csvr_next(r, &f, &n, &line);
	is_int(csvr_next(r, &f, &n, &line), 1, "a record after a line of blanks");
	is_int(line, 3, "starts on its own line, not the blank one");
	csvr_close(r);
	fclose(fp);

	const char *bad = "a,b\n\"open,x\n";
	fp = fmemopen((void *)bad, strlen(bad), "r");
	r = csvr_open(fp, "bad.csv", ',');
	csvr_next(r, &f, &n, &line);
	is_int(csvr_next(r, &f, &n, &line), EX_DATAERR, "unterminated quote");

	ok(strstr(wb_errmsg(), "bad.csv:2") != NULL, "names file and line: %s", wb_errmsg());
	csvr_close(r);
	fclose(fp);

	static const char *inputs[] = {
		"+1 650 555 1234\n8613912345678\n+16505551234\n",
		"name,phone\nA,+1 650 555 1234\nB,8613912345678\n",
		"{\"phone\":\"16505551234\"}\n{\"wa_id\":\"8613912345678\",\"x\":1}\n",
		"phone\tname\n16505551234\tA\n8613912345678\tB\n",
	};
	for (size_t i = 0; i < 4; i++) {
		fp = fmemopen((void *)inputs[i], strlen(inputs[i]), "r");
		phone_list l = {0};
		is_int(in_phones_stream(fp, "stdin", &l), 0, "phones form %zu read", i);
		is_int(l.n, 2, "two distinct phones");
		if (l.n == 2) {
			is_str(l.v[0], "16505551234", "first");
			is_str(l.v[1], "8613912345678", "second");
		}
		phone_list_free(&l);
		fclose(fp);
	}
	const char *badphones = "16505551234\nnot-a-phone\n";
	fp = fmemopen((void *)badphones, strlen(badphones), "r");
	phone_list l = {0};
	is_int(in_phones_stream(fp, "stdin", &l), EX_DATAERR, "a bad phone fails the list");
	ok(strstr(wb_errmsg(), "stdin:2:") != NULL, "and names the line: %s", wb_errmsg());
	phone_list_free(&l);
	fclose(fp);
}

/* Documents one after another, split where each one's outermost bracket
 * closes: brackets and escaped quotes inside strings do not count, and a
 * string read in two pieces (the reader's buffer is 64 KB) ends where it
 * ends, even with the escape the last byte of the first piece. */
static void docs(void)
{
	sb in = {0}, big = {0};
	sb_puts(&in, "{\"a\":\"x\\\"}y\",\"b\":[\"]\",{\"c\":\"\\\\\"}]}\n");
	sb_puts(&in, "{\n  \"k\": \"v\\n}\"\n}  [1,\n2] 42 \"text\"\n");
	sb_puts(&big, "{\"s\":\"");
	while (in.len + big.len < 65535)
		sb_putc(&big, 'z');
	sb_puts(&big, "\\\"}{]\"}");
	sb_puts(&in, big.s);
	sb_puts(&in, "\n\n7\n");
	char *path = tap_tmpfile("docs");
	FILE *fp = fopen(path, "w");
	if (!fp || fwrite(in.s, 1, in.len, fp) != in.len || fclose(fp))
		return (void)ok(0, "cannot write %s", path);
	in_docs *r;
	in_docs_path(path, &r);
	const char *want[] = {"{\"a\":\"x\\\"}y\",\"b\":[\"]\",{\"c\":\"\\\\\"}]}", "{\n  \"k\": \"v\\n}\"\n}",
			      "[1,\n2]", "42 \"text\"", big.s, "7"};
	long lines[] = {1, 2, 4, 5, 6, 8};
	const char *doc;
	size_t len;
	long long off;
	long line;
	for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
		is_int(in_docs_next(r, &doc, &len, &off, &line), 1, "document %zu", k + 1);
		ok(len == strlen(want[k]) && !memcmp(doc, want[k], len), "document %zu whole (%zu bytes)", k + 1, len);
		is_int(line, lines[k], "document %zu's line", k + 1);
	}
	is_int(in_docs_next(r, &doc, &len, &off, &line), 0, "the end");
	in_docs_close(r);
	free(path);
	sb_free(&in);
	sb_free(&big);
}

/* Reads all of text with in_rows; each row as "LINE:PHONE:k=v|k=v". */
static int rows_of(const char *text, int forms, sb *got)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	in_rows *r;
	in_row row;
	kv vars = {0};
	int rc = in_rows_open(fp, "t", forms, &r);
	sb_reset(got);
	while (!rc && (rc = in_rows_next(r, &row)) == 1) {
		in_row_vars(&row, &vars);
		sb_printf(got, "%ld:%s:", row.line, row.phone ? row.phone : "-");
		for (size_t i = 0; i < vars.n; i++)
			sb_printf(got, "%s%s=%s", i ? "|" : "", vars.k[i], vars.v[i]);
		sb_putc(got, '\n');
		rc = 0;
	}
	kv_free(&vars);
	in_rows_close(r);
	fclose(fp);
	return rc;
}

static void rows(void)
{
	sb got = {0};
	is_int(rows_of("\xEF\xBB\xBF Name , Phone ,city\nMei,+1 650 555 1234,\"Lyon\nFR\"\n\nLi,8613912345678\n",
		       0, &got), 0, "a CSV table");
	is_str(got.s, "2:+1 650 555 1234:Name=Mei|Phone=+1 650 555 1234|city=Lyon\nFR\n5:8613912345678:Name=Li|Phone=8613912345678\n",
	       "header trimmed; cells by column; lines counted over quoted newlines and blank lines");
	is_int(rows_of("wa_id\tphone\n1\t2\n3\n", 0, &got), 0, "a TSV table");
	is_str(got.s, "2:2:wa_id=1|phone=2\n3:-:wa_id=3\n", "phone wins over wa_id; a short row has no phone");
	is_int(rows_of("\n+1 650 555 1234\n  \n8613912345678\n", IN_ROWS_LIST, &got), 0, "a plain list");
	is_str(got.s, "2:+1 650 555 1234:phone=+1 650 555 1234\n4:8613912345678:phone=8613912345678\n",
	       "one phone a line, its first line included, blank lines skipped");
	is_int(rows_of("16505551234\n", 0, &got), EX_DATAERR, "a list where a header is required");
	is_str(wb_errmsg(), "t:1: no header row (16505551234); a header naming the columns is required", "says so");
	is_int(rows_of("Phone number\n16505551234\n", IN_ROWS_LIST, &got), 0, "a header in other words");
	is_str(got.s, "2:16505551234:Phone number=16505551234\n", "is a header, not the list's first number");
	is_int(rows_of("Phone 2\n16505551234\n", IN_ROWS_LIST, &got), EX_DATAERR,
	       "one cell with more letters than digits");
	is_str(wb_errmsg(), "t:1: no phone column in the header (Phone 2); name it with --phone-column",
	       "is a header, listed when it names no phone column");
	is_int(rows_of("name,city\n", IN_ROWS_LIST, &got), EX_DATAERR, "two cells without a phone column");
	is_int(rows_of("name\nx\n", IN_ROWS_LIST, &got), EX_DATAERR, "one cell without a digit is a header");
	is_str(wb_errmsg(), "t:1: no phone column in the header (name); name it with --phone-column",
	       "without a phone column");
	is_int(rows_of("12ab\n", IN_ROWS_LIST, &got), 0, "one cell with a digit");
	is_str(got.s, "1:12ab:phone=12ab\n", "is a list's first number, good or bad");
	is_int(rows_of("{\"wa_id\":\"1\",\"n\":2,\"name\":\"A\"}\n\n{\"phone\":\"2\"}\n{}\n", IN_ROWS_JSONL, &got),
	       0, "JSONL");
	is_str(got.s, "1:1:wa_id=1|name=A\n3:2:phone=2\n4:-:\n", "string members by name, in order");
	is_int(rows_of("{\"phone\":\"1\"}\n[1]\n", IN_ROWS_JSONL, &got), EX_DATAERR, "a line that is no object");
	is_str(wb_errmsg(), "t:2: not a JSON object", "names the line");
	is_int(rows_of("{\"phone\":\"1\"}\n{\"phone\n", IN_ROWS_JSONL, &got), EX_DATAERR, "a line that is no JSON");
	ok(!strncmp(wb_errmsg(), "t:2: not a JSON object: ", 24), "says why: %s", wb_errmsg());
	is_int(rows_of(" \n\n", IN_ROWS_LIST | IN_ROWS_JSONL, &got), 0, "an empty input");
	ok(!got.len, "has no rows");
	is_int(rows_of("phone\n\"1,2\n", 0, &got), EX_DATAERR, "an unterminated quote");
	ok(!strncmp(wb_errmsg(), "t:2: unterminated quoted field: ", 32), "names its line: %s", wb_errmsg());

	const char *text = "x,phone\n1,2\n";
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	in_rows *r;
	in_row row;
	is_int(in_rows_open(fp, "h.csv", 0, &r), 0, "open");
	const in_row *h = in_rows_header(r);
	ok(h && h->n == 2 && h->line == 1 && !strcmp(h->cell[1], "phone"), "the header row");
	is_int(in_rows_next(r, &row), 1, "a row");
	is_int(in_row_err(&row, wb_err(EX_DATAERR, "bad")), EX_DATAERR, "in_row_err keeps the code");
	is_str(wb_errmsg(), "h.csv:2: bad", "and names file and line");
	in_rows_close(r);
	fclose(fp);
	sb_free(&got);
}

/* The tables people export: their delimiters, their names for the
 * phone column, headers left out, JSON arrays. */
static void tables(void)
{
	is_int(in_delimiter("Telefon;Name;Stadt"), ';', "a European export's ';'");
	is_int(in_delimiter("phone\tname"), '\t', "a tab");
	is_int(in_delimiter("phone,name;x,y"), ',', "the commonest");
	is_int(in_delimiter("\"a;b;c\",d"), ',', "counted outside quotes");
	is_int(in_delimiter("phone"), ',', "a comma when there is none");
	static const struct {
		const char *header;
		int col;
	} names[] = {
		{"Name,Mobile", 1}, {"name,Cell Phone", 1}, {"Tel.,Name", 0}, {"Name,TÉLÉPHONE", 1},
		{"Kunde,Handy", 1}, {"nombre,Móvil", 1}, {"姓名,手机号", 1}, {"名前,電話", 1}, {"MSISDN", 0},
		{"Name,Phone Number", 1}, {"wa_id,phone", 1}, {"Phone,WhatsApp", 1}, {"Home Phone,Mobile Phone", 1},
		{"Phone 1 - Type,Phone 1 - Value", 1}, {"name,order number", -1}, {"telephones", -1},
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char buf[64], *cells[4];
		int n = 0;
		snprintf(buf, sizeof buf, "%s", names[i].header);
		for (char *save, *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save))
			cells[n++] = c;
		is_int(in_phone_column(cells, n), names[i].col, "the phone column of %s", names[i].header);
	}

	sb got = {0};
	is_int(rows_of("Name;Telefon;Stadt\nMüller;+49 30 1234567;\"Berlin; Mitte\"\n", 0, &got), 0, "';' CSV");
	is_str(got.s, "2:+49 30 1234567:Name=Müller|Telefon=+49 30 1234567|Stadt=Berlin; Mitte\n",
	       "read with its delimiter");
	is_int(rows_of("16505550001,\"Müller, K\",,wholesale\n16505550002,Ng,,\n", IN_ROWS_LIST, &got), 0,
	       "rows of a table without its header");
	is_str(got.s, "1:16505550001:\n2:16505550002:\n", "the first cell that reads as a number is the phone");
	is_int(rows_of("Müller,+49 30 1234567\nNg,\n", IN_ROWS_LIST, &got), 0, "the phone further right");
	is_str(got.s, "1:+49 30 1234567:\n2::\n", "the same column in every row");
	is_int(rows_of("Müller,+49 30 1234567\n", 0, &got), EX_DATAERR, "without a header where one is required");
	is_str(wb_errmsg(), "t:1: no header row (Müller, +49 30 1234567); a header naming the columns is required",
	       "says so");
	is_int(rows_of("Kunde,Nummer\nA,1\n", IN_ROWS_LIST, &got), EX_DATAERR, "a header without a phone column");
	is_str(wb_errmsg(), "t:1: no phone column in the header (Kunde, Nummer); name it with --phone-column",
	       "lists the header");
	is_int(rows_of("[{\"phone\":\"1\",\"n\":1},\n{\"phone\":\"2\"}\n]\n", IN_ROWS_JSONL, &got), 0,
	       "a JSON array, as -o json writes it");
	is_str(got.s, "1:1:phone=1\n2:2:phone=2\n", "each object a row on its line");
	is_int(rows_of("[]", IN_ROWS_JSONL, &got), 0, "an empty JSON array");
	ok(!got.len, "has no rows");
	is_int(rows_of("[\n{\"phone\":\"1\"},\n2]\n", IN_ROWS_JSONL, &got), EX_DATAERR, "an element that is no object");
	ok(!strncmp(wb_errmsg(), "t:3: not a JSON object", 22), "names its line: %s", wb_errmsg());
	is_int(rows_of("[{\"phone\":\"1\"}\n", IN_ROWS_JSONL, &got), EX_DATAERR, "a JSON array cut short");
	is_str(wb_errmsg(), "t:2: the JSON array does not end (no ']')", "says so");
	is_int(rows_of("[{\"phone\":\"1\"} {}]", IN_ROWS_JSONL, &got), EX_DATAERR, "elements without a comma");
	is_int(rows_of("[{\"phone\":\"1\"}] x", IN_ROWS_JSONL, &got), EX_DATAERR, "more after the array");

	is_int(rows_of("phone,f\n1,'=x\n2,'-5\n3,'x\n4,\"'@a, b\"\n", 0, &got), 0, "cells neutralised for spreadsheets");
	is_str(got.s, "2:1:phone=1|f==x\n3:2:phone=2|f='-5\n4:3:phone=3|f='x\n5:4:phone=4|f=@a, b\n",
	       "read as they were before, and only those");

	/* the user's word, last: it holds for the rest of the process */
	ok(in_table_option(IN_OPT_PHONE_COLUMN, "Kontakt") && in_table_option(IN_OPT_DELIMITER, "|"),
	   "--phone-column and --delimiter");
	is_int(rows_of("Name|Kontakt|Phone\nA|+49 30 1234567|x\n", 0, &got), 0, "a table read the user's way");
	is_str(got.s, "2:+49 30 1234567:Name=A|Kontakt=+49 30 1234567|Phone=x\n", "its delimiter and phone column");
	is_int(rows_of("Name|Phone\n", 0, &got), EX_DATAERR, "a header without the column named");
	is_str(wb_errmsg(), "t:1: no column 'Kontakt' in the header (Name, Phone)", "names it and lists the header");
	ok(!in_table_option('d', "x"), "other options are not its own");
	sb_free(&got);
}

static void database(void)
{
	char *path = tap_tmpfile("a/b/wb.db");
	wb_db *db;
	is_int(db_open(path, &db), 0, "opens, creating parent directories");
	sqlite3_stmt *st = db_stmt(db, "PRAGMA user_version");
	sqlite3_step(st);
	is_int(sqlite3_column_int(st, 0), WB_SCHEMA_VERSION, "schema version set");
	sqlite3_reset(st);
	st = db_stmt(db, "PRAGMA journal_mode");
	sqlite3_step(st);
	is_str(db_col_text(st, 0), "wal", "WAL mode");
	sqlite3_reset(st); /* a statement left running would keep a commit from finishing */
	st = db_stmt(db, "SELECT count(*) FROM label");
	sqlite3_step(st);
	is_int(sqlite3_column_int(st, 0), 5, "the app's five default labels");
	sqlite3_reset(st);
	int64_t id, id2;
	int created;
	is_int(contact_upsert(db, "16505551234", "Mei", 100, &id, &created), 0, "upsert new");
	is_int(created, 1, "created");
	is_int(contact_upsert(db, "16505551234", NULL, 200, &id2, &created), 0, "upsert again");
	ok(id == id2 && created == 0, "same contact, not created");
	contact c;
	is_int(contact_get(db, "16505551234", &c), 0, "get");
	is_str(c.name, "Mei", "name kept when upsert passes none");
	contact_free(&c);
	is_int(contact_get(db, "1999", &c), EX_FALSE, "unknown contact is 'false'");
	is_int(contact_upsert_attrs(db, "16505551234", NULL, "{\"city\":\"Lyon\",\"tier\":\"gold\"}", 300,
				    &id2, &created), 0, "attributes merged on upsert");
	is_int(contact_upsert_attrs(db, "16505551234", NULL, "{\"tier\":null}", 300, &id2, &created), 0,
	       "a null member removes");
	is_int(contact_upsert_attrs(db, "16505550000", "New", "{\"a\":\"x\",\"gone\":null}", 300, &id2,
				    &created), 0, "a new contact with attributes");
	kv attrs = {0};
	contact_attrs(db, id, &attrs);
	ok(attrs.n == 1 && !strcmp(kv_get(&attrs, "city"), "Lyon"), "attributes kept and removed");
	kv_clear(&attrs);
	contact_attrs(db, id2, &attrs);
	ok(attrs.n == 1 && !strcmp(kv_get(&attrs, "a"), "x"), "a null member is not stored on insert");
	kv_clear(&attrs);
	is_int(contact_set_attr(db, id, "qu\"ote.key", "v"), 0, "any key spelling is safe");
	is_int(contact_set_attr(db, id, "city", NULL), 0, "set NULL removes");
	contact_attrs(db, id, &attrs);
	ok(attrs.n == 1 && !strcmp(kv_get(&attrs, "qu\"ote.key"), "v"), "one attribute left");
	kv_free(&attrs);
	st = db_stmt(db, "SELECT count(*) FROM contact_attr WHERE key = 'a' AND value = 'x'");
	sqlite3_step(st);
	is_int(sqlite3_column_int(st, 0), 1, "the contact_attr view shows attributes as rows");
	sqlite3_reset(st);
	const char *tsv = "phone\tname\ttier\n\n16505550000\tNewer\tgold\n \n16505550001\t\t\n";
	FILE *fp = fmemopen((void *)tsv, strlen(tsv), "r");
	import_stats ist;
	is_int(import_contacts(db, fp, "c.tsv", 400, NULL, NULL, NULL, &ist), 0, "import reads TSV");
	ok(ist.created == 1 && ist.updated == 1, "one created, one updated");
	contact_attrs(db, id2, &attrs);
	ok(attrs.n == 2 && !strcmp(kv_get(&attrs, "tier"), "gold"), "by the header's columns");
	kv_free(&attrs);
	fclose(fp);
	is_int(db_set_setting(db, "profile.name", "Lucky Tea"), 0, "setting saved");
	char *v = db_get_setting(db, "profile.name");
	is_str(v, "Lucky Tea", "setting read");
	free(v);
	db_close(db);
	is_int(db_open(path, &db), 0, "reopens an existing database");
	db_close(db);
	tap_rmdir();
	free(path);
}

int main(void)
{
	times();
	placeholders();
	text();
	output();
	json_on_tty();
	reader();
	docs();
	rows();
	database();
	tables();
	return done_testing();
}
