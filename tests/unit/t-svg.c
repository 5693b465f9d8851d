/* Unit tests of the report's drawing: text is escaped into well-formed
 * XML whatever bytes it holds; a chart has a shape per value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "svg.h"

/* What html_text writes for s. */
static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	html_text(f, s);
	fclose(f);
	return buf;
}

static size_t occurrences(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

int main(void)
{
	char *e = escaped("<script>alert('x')</script> & \"Q\" {{x}}");
	is_str(e, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Q&quot; {{x}}", "markup escaped, {{x}} kept");
	free(e);
	e = escaped("茶 caf\xc3\xa9\ttab");
	is_str(e, "茶 café\ttab", "UTF-8 and tabs as they are");
	free(e);
	e = escaped("a\x01" "b\xff" "c\x7f");
	is_str(e, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD", "control bytes and invalid UTF-8: U+FFFD, which XML allows");
	free(e);
	e = escaped(NULL);
	is_str(e, "", "NULL: nothing");
	free(e);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	double in[] = {3, 0, 7}, out[] = {1, 2, 0};
	svg_bars_line(f, "a <chart>", (const char *const[]){"a", "b", "c"}, 3, &(svg_series){"in", in},
		      &(svg_series){"out", out});
	fclose(f);
	is_int(occurrences(buf, "<rect class=\"bar\""), 3, "a bar a value");
	is_int(occurrences(buf, "<circle class=\"point\""), 3, "a point a value");
	ok(strstr(buf, "aria-label=\"a &lt;chart&gt;\""), "the title escaped");
	ok(strstr(buf, "viewBox=\"0 0 720 ") && !strstr(buf, "width=\"720"), "scales: a viewBox, no fixed width");
	free(buf);
	return done_testing();
}
