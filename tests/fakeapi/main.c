/*
 * main.c — fake-cloudapi: a fake WhatsApp Cloud API for wb's tests,
 * benchmarks and demo. Parses the options, starts the HTTP server and the
 * webhook thread, writes the port file, and waits for SIGTERM/SIGINT; then
 * stops accepting, flushes pending webhooks (at most 2 s) and frees
 * everything before exiting 0.
 *
 * Signals are blocked in every thread and taken synchronously with
 * sigwait() here, so no handler runs in the middle of a request.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fakeapi.h"

#define DRAIN_MS 2000

struct fake_config cfg;

uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void info(const char *fmt, ...)
{
    if (cfg.quiet) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, FAKEAPI_NAME ": ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, FAKEAPI_NAME ": ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void usage(FILE *f)
{
    fprintf(f,
"usage: " FAKEAPI_NAME " [OPTION]...\n"
"A fake WhatsApp Cloud API on 127.0.0.1 for tests (see tests/fakeapi/README.md).\n"
"\n"
"  --listen ADDR:PORT     listen there (default 127.0.0.1:0, port 0 picks one;\n"
"                         [::1]:PORT for IPv6)\n"
"  --port-file FILE       write the port to FILE once listening\n"
"  --token TOKEN          the bearer token to expect (env FAKEAPI_TOKEN;\n"
"                         default: any non-empty token)\n"
"  --phone-id ID[,ID…]    only these phone-number ids exist (default: any)\n"
"  --log FILE             append one JSON line per API request\n"
"  --fault KEY=VALUE      rate_limit=N retry_after=S server_error=N drop=N\n"
"                         slow_ms=MS stall_after=N pair_rate=N async_fail=1\n"
"                         sink_fail=N\n"
"  --fail-to PHONE=CODE   messages to PHONE fail with that error code\n"
"  --async-fail           ...answered 200, the failure comes by webhook\n"
"  --webhook URL          post status webhooks there\n"
"  --app-secret SECRET    sign them (env FAKEAPI_APP_SECRET)\n"
"  --statuses LIST        statuses per message (default sent,delivered,read)\n"
"  --webhook-delay-ms MS  pause before each status of a message (default 0)\n"
"  --waba-id ID           entry[].id in webhooks (default 102290129340398)\n"
"  --display-phone NUM    display_phone_number in webhooks (15550783881)\n"
"  --threads N            HTTP worker threads (default 4)\n"
"  --templates FILE       message templates (a JSON array of Meta's objects);\n"
"                         template sends are then checked against them\n"
"  --page-size N          templates per page of the listing at most\n"
"  --tier TIER            the number's messaging limit (default TIER_250)\n"
"  --create-status S      the status of a created template (default PENDING)\n"
"  --quiet                no informational messages on stderr\n"
"  -h, --help             this help;  -V, --version  the version\n");
}

static int parse_statuses(const char *list)
{
    cfg.n_statuses = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", list);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        enum wh_status s;
        if (!strcmp(t, "sent")) s = WH_SENT;
        else if (!strcmp(t, "delivered")) s = WH_DELIVERED;
        else if (!strcmp(t, "read")) s = WH_READ;
        else return -1;
        if (cfg.n_statuses == 3) return -1;
        cfg.statuses[cfg.n_statuses++] = s;
    }
    return 0;
}

/* A whole decimal number from lo to hi into *out; -1 when it is not. */
static int parse_uint(const char *s, unsigned long lo, unsigned long hi,
                      unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || *s == '-' || v < lo || v > hi) return -1;
    *out = (unsigned)v;
    return 0;
}

/* "127.0.0.1:8080", "[::1]:0", ":0" or "8080" */
static int parse_listen(const char *s, char *host, size_t cap, unsigned *port,
                        bool *ipv6)
{
    const char *colon;
    *ipv6 = false;
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':') return -1;
        snprintf(host, cap, "%.*s", (int)(end - s - 1), s + 1);
        colon = end + 1;
        *ipv6 = true;
    } else if ((colon = strrchr(s, ':'))) {
        if (colon == s) snprintf(host, cap, "127.0.0.1");
        else snprintf(host, cap, "%.*s", (int)(colon - s), s);
        if (!strcmp(host, "localhost")) snprintf(host, cap, "127.0.0.1");
    } else {
        snprintf(host, cap, "127.0.0.1");
        colon = s - 1;
    }
    char *end;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (!colon[1] || *end || p > 65535) return -1;
    *port = (unsigned)p;
    return 0;
}

static int write_port_file(const char *path, unsigned port)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fprintf(f, "%u\n", port);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

enum {
    OPT_LISTEN = 256, OPT_PORT_FILE, OPT_TOKEN, OPT_PHONE_ID, OPT_LOG,
    OPT_FAULT, OPT_FAIL_TO, OPT_ASYNC_FAIL, OPT_WEBHOOK, OPT_APP_SECRET,
    OPT_STATUSES, OPT_WH_DELAY, OPT_WABA, OPT_DISPLAY, OPT_THREADS, OPT_QUIET,
    OPT_TEMPLATES, OPT_PAGE_SIZE, OPT_TIER, OPT_CREATE_STATUS,
};

static const struct option options[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"port-file", required_argument, NULL, OPT_PORT_FILE},
    {"token", required_argument, NULL, OPT_TOKEN},
    {"phone-id", required_argument, NULL, OPT_PHONE_ID},
    {"log", required_argument, NULL, OPT_LOG},
    {"fault", required_argument, NULL, OPT_FAULT},
    {"fail-to", required_argument, NULL, OPT_FAIL_TO},
    {"async-fail", no_argument, NULL, OPT_ASYNC_FAIL},
    {"webhook", required_argument, NULL, OPT_WEBHOOK},
    {"app-secret", required_argument, NULL, OPT_APP_SECRET},
    {"statuses", required_argument, NULL, OPT_STATUSES},
    {"webhook-delay-ms", required_argument, NULL, OPT_WH_DELAY},
    {"waba-id", required_argument, NULL, OPT_WABA},
    {"display-phone", required_argument, NULL, OPT_DISPLAY},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"templates", required_argument, NULL, OPT_TEMPLATES},
    {"page-size", required_argument, NULL, OPT_PAGE_SIZE},
    {"tier", required_argument, NULL, OPT_TIER},
    {"create-status", required_argument, NULL, OPT_CREATE_STATUS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
    char host[128] = "127.0.0.1", err[400];
    unsigned port = 0;
    bool ipv6 = false;
    const char *port_file = NULL;
    int rc = 1;

    cfg.token = getenv("FAKEAPI_TOKEN");
    if (cfg.token && !*cfg.token) cfg.token = NULL;
    cfg.app_secret = getenv("FAKEAPI_APP_SECRET");
    if (cfg.app_secret && !*cfg.app_secret) cfg.app_secret = NULL;
    cfg.waba_id = "102290129340398";
    cfg.display_phone = "15550783881";
    cfg.threads = 4;
    cfg.tier = "TIER_250";
    cfg.create_status = "PENDING";
    parse_statuses("sent,delivered,read");

    if (server_init() || templates_init()) {
        warn("out of memory");
        return 70;
    }
    ids_init();

    int c;
    while ((c = getopt_long(argc, argv, "hV", options, NULL)) != -1) {
        switch (c) {
        case OPT_LISTEN:
            if (parse_listen(optarg, host, sizeof host, &port, &ipv6)) {
                warn("--listen wants ADDR:PORT, got \"%s\"", optarg);
                goto usage_error;
            }
            break;
        case OPT_PORT_FILE: port_file = optarg; break;
        case OPT_TOKEN: cfg.token = *optarg ? optarg : NULL; break;
        case OPT_PHONE_ID: cfg.phone_id = optarg; break;
        case OPT_LOG: cfg.log_path = optarg; break;
        case OPT_FAULT:
            if (faults_apply_kv(optarg, err, sizeof err)) {
                warn("%s", err);
                goto usage_error;
            }
            break;
        case OPT_FAIL_TO:
            if (faults_fail_to_kv(optarg, err, sizeof err)) {
                warn("%s", err);
                goto usage_error;
            }
            break;
        case OPT_ASYNC_FAIL:
            faults_apply_kv("async_fail=true", err, sizeof err);
            break;
        case OPT_WEBHOOK: cfg.webhook_url = optarg; break;
        case OPT_APP_SECRET: cfg.app_secret = *optarg ? optarg : NULL; break;
        case OPT_STATUSES:
            if (parse_statuses(optarg)) {
                warn("--statuses wants a list of sent, delivered, read");
                goto usage_error;
            }
            break;
        case OPT_WH_DELAY:
            if (parse_uint(optarg, 0, 3600000, &cfg.webhook_delay_ms)) {
                warn("--webhook-delay-ms wants milliseconds");
                goto usage_error;
            }
            break;
        case OPT_WABA: cfg.waba_id = optarg; break;
        case OPT_DISPLAY: cfg.display_phone = optarg; break;
        case OPT_THREADS:
            if (parse_uint(optarg, 1, 256, &cfg.threads)) {
                warn("--threads wants a number from 1 to 256");
                goto usage_error;
            }
            break;
        case OPT_QUIET: cfg.quiet = true; break;
        case OPT_TEMPLATES:
            if (templates_load(optarg, err, sizeof err)) {
                warn("%s", err);
                goto usage_error;
            }
            break;
        case OPT_PAGE_SIZE:
            if (parse_uint(optarg, 1, 1000, &cfg.page_size)) {
                warn("--page-size wants a number from 1 to 1000");
                goto usage_error;
            }
            break;
        case OPT_TIER: cfg.tier = optarg; break;
        case OPT_CREATE_STATUS: cfg.create_status = optarg; break;
        case 'h':
            usage(stdout);
            server_free();
            templates_free();
            return 0;
        case 'V':
            printf(FAKEAPI_NAME " " FAKEAPI_VERSION "\n");
            server_free();
            templates_free();
            return 0;
        default:
            goto usage_error;
        }
    }
    if (optind < argc) {
        warn("unexpected argument \"%s\"", argv[optind]);
        goto usage_error;
    }

    /* Block the signals before any thread exists so that all threads
     * inherit the mask and only sigwait() below receives them. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        warn("cannot initialise libcurl");
        server_free();
        templates_free();
        return 70;
    }
    if (cfg.log_path && log_open(cfg.log_path)) {
        warn("cannot open log %s: %s", cfg.log_path, strerror(errno));
        rc = 73;
        goto out_curl;
    }
    if (webhook_start()) {
        warn("cannot start the webhook thread");
        rc = 70;
        goto out_log;
    }
    unsigned bound = server_start(host, port, ipv6);
    if (!bound) {
        warn("cannot listen on %s:%u: %s", host, port, strerror(errno));
        rc = 69;
        goto out_server;
    }
    if (port_file && write_port_file(port_file, bound)) {
        warn("cannot write port file %s: %s", port_file, strerror(errno));
        rc = 73;
        goto out_server;
    }
    info("listening on %s%s%s:%u%s%s", ipv6 ? "[" : "", host, ipv6 ? "]" : "",
         bound, cfg.webhook_url ? ", webhooks to " : "",
         cfg.webhook_url ? cfg.webhook_url : "");

    int sig = 0;
    while (sigwait(&sigs, &sig) != 0) {}
    info("got signal %d, stopping", sig);
    rc = 0;

out_server:
    server_stop();
    webhook_stop(rc == 0 ? DRAIN_MS : 0);
    info("served %llu API requests, accepted %llu messages, "
         "%llu faults, posted %llu statuses",
         (unsigned long long)atomic_load(&stats.requests),
         (unsigned long long)atomic_load(&stats.messages),
         (unsigned long long)atomic_load(&stats.faults),
         (unsigned long long)atomic_load(&stats.webhook_statuses));
out_log:
    log_close();
out_curl:
    curl_global_cleanup();
    server_free();
    templates_free();
    return rc;

usage_error:
    usage(stderr);
    server_free();
    templates_free();
    return 64;
}
