/* The HTTP side of lib/cloudapi against the fake Cloud API
 * (build/fake-cloudapi): business profile push, media upload, several
 * requests in flight, error answers, a rejected token, no server. */
#include <sys/prctl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#include "cloudapi.h"
#include "err.h"
#include "util.h"

extern char **environ;
static pid_t fake;

static void start_fake(void)
{
	char *port = tap_tmpfile("port"), *log = tap_tmpfile("api.log");
	char *argv[] = {"fake-cloudapi", "--listen", "127.0.0.1:0", "--port-file", port, "--log", log,
			"--token", "unit-token", "--phone-id", "106540352242922", "--quiet", NULL};
	if (posix_spawn(&fake, "build/fake-cloudapi", NULL, NULL, argv, environ)) {
		printf("Bail out! cannot start build/fake-cloudapi\n");
		exit(1);
	}
	char buf[16] = "";
	for (int i = 0; i < 200 && !buf[0]; i++) {
		FILE *fp = fopen(port, "r");
		if (fp) {
			if (!fgets(buf, sizeof buf, fp))
				buf[0] = 0;
			fclose(fp);
		}
		if (!buf[0])
			nanosleep(&(struct timespec){0, 50000000}, NULL);
	}
	if (!buf[0]) {
		printf("Bail out! the fake API did not start\n");
		exit(1);
	}
	buf[strcspn(buf, "\n")] = 0;
	char *url = xasprintf("http://127.0.0.1:%s/v26.0", buf);
	setenv("WB_API_URL", url, 1);
	setenv("WB_PHONE_ID", "106540352242922", 1);
	setenv("WB_TOKEN", "unit-token", 1);
	char *config = tap_tmpfile("config");
	setenv("XDG_CONFIG_HOME", config, 1);
	free(config);
	free(url);
	free(port);
	free(log);
}

static void profile(api *a)
{
	is_int(api_profile_push(a, "{\"about\":\"Fresh tea daily\",\"websites\":[\"https://example.com\"]}"), 0,
	       "the profile is pushed (messaging_product added)");
	char *long_about = xmalloc(200);
	memset(long_about, 'x', 199);
	long_about[199] = 0;
	char *body = xasprintf("{\"about\":\"%s\"}", long_about);
	is_int(api_profile_push(a, body), EX_DATAERR, "an about over 139 characters is refused by the API");
	ok(strstr(wb_errmsg(), "(#100)") != NULL, "the message carries the API's code");
	free(body);
	free(long_about);
	is_int(api_profile_push(a, "[1]"), EX_DATAERR, "not an object");
}

static void upload(api *a)
{
	char *path = tap_tmpfile("tea.jpg");
	FILE *fp = fopen(path, "wb");
	fputs("\xff\xd8\xff\xe0 jpeg", fp);
	fclose(fp);
	char *id = NULL;
	is_int(api_upload(a, path, "image/jpeg", &id), 0, "a file is uploaded");
	ok(id && *id, "and gets a media id");
	free(id);
	is_int(api_upload(a, path, "image/gif", &id), EX_DATAERR, "a type Meta does not take is refused");
	free(path);
}

static void inflight(api *a)
{
	int tags[20];
	for (int i = 0; i < 20; i++) {
		tags[i] = i;
		char *b = xasprintf("{\"messaging_product\":\"whatsapp\",\"to\":\"1650555%04d\",\"type\":\"template\","
				    "\"template\":{\"name\":\"t\",\"language\":{\"code\":\"en_US\"}}}", i);
		api_start(a, "messages", b, &tags[i]);
		free(b);
	}
	is_int(api_inflight(a), 20, "twenty requests in flight");
	int got = 0, seen[20] = {0}, sent = 0;
	api_reply r;
	while (api_inflight(a)) {
		if (!api_next(a, 1000, &r))
			continue;
		got++;
		seen[*(int *)r.tag]++;
		api_result res;
		if (!api_result_parse(r.http, r.body, &res) && !strncmp(res.wamid, "wamid.", 6))
			sent++;
		api_result_free(&res);
		api_reply_free(&r);
	}
	int once = 1;
	for (int i = 0; i < 20; i++)
		once &= seen[i] == 1;
	ok(got == 20 && once, "each answer comes back once, with its tag");
	is_int(sent, 20, "each with a wamid");
	is_int(api_call(a, "messages", "{\"messaging_product\":\"whatsapp\"}", &r), EX_DATAERR,
	       "a body the API refuses");
	api_reply_free(&r);
}

int main(void)
{
	start_fake();
	api *a;
	ok(prctl(PR_GET_DUMPABLE) == 1, "a test process is dumpable");
	is_int(api_open(8, &a), 0, "the client opens with the environment's settings");
	ok(prctl(PR_GET_DUMPABLE) == 0, "and the process that holds the token is not: no core dump, no tracing");
	profile(a);
	upload(a);
	inflight(a);
	api_close(a);

	setenv("WB_TOKEN", "wrong", 1);
	api_open(1, &a);
	is_int(api_profile_push(a, "{\"about\":\"x\"}"), EX_CONFIG, "a rejected token is a configuration error");
	ok(!strstr(wb_errmsg(), "wrong"), "and the message does not show the token");
	api_close(a);

	setenv("WB_API_URL", "http://127.0.0.1:1/v26.0", 1);
	api_open(1, &a);
	is_int(api_profile_push(a, "{\"about\":\"x\"}"), EX_UNAVAILABLE, "no server is unavailable");
	api_close(a);

	unsetenv("WB_TOKEN");
	is_int(api_open(1, &a), EX_CONFIG, "no token: configuration missing");
	ok(strstr(wb_errmsg(), "WB_TOKEN") != NULL, "names it");

	kill(fake, SIGTERM);
	waitpid(fake, NULL, 0);
	tap_rmdir();
	return done_testing();
}
