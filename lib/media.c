#include "media.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

static const struct {
	const char *ext, *mime;
} by_ext[] = {
	{"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"png", "image/png"}, {"webp", "image/webp"},
	{"mp4", "video/mp4"}, {"3gp", "video/3gpp"}, {"aac", "audio/aac"}, {"amr", "audio/amr"},
	{"mp3", "audio/mpeg"}, {"m4a", "audio/mp4"}, {"ogg", "audio/ogg"}, {"opus", "audio/ogg"},
	{"pdf", "application/pdf"}, {"txt", "text/plain"}, {"csv", "text/csv"},
	{"doc", "application/msword"},
	{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	{"xls", "application/vnd.ms-excel"},
	{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"ppt", "application/vnd.ms-powerpoint"},
	{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
};

static const char *from_magic(const unsigned char *h, size_t n)
{
	if (n >= 3 && !memcmp(h, "\xff\xd8\xff", 3))
		return "image/jpeg";
	if (n >= 8 && !memcmp(h, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 12 && !memcmp(h, "RIFF", 4) && !memcmp(h + 8, "WEBP", 4))
		return "image/webp";
	if (n >= 12 && !memcmp(h + 4, "ftyp", 4))
		return !memcmp(h + 8, "3g", 2) ? "video/3gpp" : !memcmp(h + 8, "M4A", 3) ? "audio/mp4" : "video/mp4";
	if (n >= 4 && !memcmp(h, "OggS", 4))
		return "audio/ogg";
	if (n >= 6 && !memcmp(h, "#!AMR\n", 6))
		return "audio/amr";
	if (n >= 3 && (!memcmp(h, "ID3", 3) || (h[0] == 0xff && (h[1] & 0xe0) == 0xe0 && (h[1] & 0x06))))
		return "audio/mpeg";
	if (n >= 2 && h[0] == 0xff && (h[1] & 0xf6) == 0xf0)
		return "audio/aac";
	if (n >= 5 && !memcmp(h, "%PDF-", 5))
		return "application/pdf";
	return NULL;
}

const char *media_mime(const char *name, const unsigned char *head, size_t n)
{
	const char *m = from_magic(head, n);
	if (m)
		return m;
	const char *dot = strrchr(name, '.');
	if (!dot || strchr(dot, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof by_ext / sizeof *by_ext; i++)
		if (streq_ci(dot + 1, by_ext[i].ext))
			return by_ext[i].mime;
	return NULL;
}

const char *media_ext(const char *mime)
{
	size_t n = strcspn(mime, "; ");
	for (size_t i = 0; i < sizeof by_ext / sizeof *by_ext; i++)
		if (strlen(by_ext[i].mime) == n && !strncasecmp(mime, by_ext[i].mime, n))
			return by_ext[i].ext;
	return "bin";
}

int media_check(api_msg_type kind, int voice, const char *name, const char *mime, long long size)
{
	static const struct {
		api_msg_type kind;
		const char *prefix;
		long long max;
	} rules[] = {
		{MSG_IMAGE, "image/jpeg", 5 << 20}, {MSG_IMAGE, "image/png", 5 << 20},
		{MSG_VIDEO, "video/mp4", 16 << 20}, {MSG_VIDEO, "video/3gpp", 16 << 20},
		{MSG_AUDIO, "audio/aac", 16 << 20}, {MSG_AUDIO, "audio/amr", 16 << 20},
		{MSG_AUDIO, "audio/mpeg", 16 << 20}, {MSG_AUDIO, "audio/mp4", 16 << 20},
		{MSG_AUDIO, "audio/ogg", 16 << 20}, {MSG_STICKER, "image/webp", 500 << 10},
		{MSG_DOCUMENT, "", 100 << 20},
	};
	const char *kn = api_type_name(kind);
	if (!mime)
		return wb_err(EX_DATAERR, "%s: unknown file type for %s", name, kn);
	if (voice && strcmp(mime, "audio/ogg"))
		return wb_err(EX_DATAERR, "%s: a voice message must be Ogg/Opus audio, not %s", name, mime);
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
		if (rules[i].kind != kind || strncmp(mime, rules[i].prefix, strlen(rules[i].prefix)))
			continue;
		if (size > rules[i].max)
			return wb_err(EX_DATAERR, "%s: %lld bytes; %s %s is limited to %lld KB", name, size, kn, mime,
				      rules[i].max >> 10);
		return 0;
	}
	return wb_err(EX_DATAERR, "%s: %s cannot be sent as %s", name, mime, kn);
}

int media_is_url(const char *src)
{
	return !strncmp(src, "https://", 8) || !strncmp(src, "http://", 7);
}

int media_probe(api_msg_type kind, int voice, const char *path, const char **mime)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return wb_err(errno == ENOENT ? EX_NOINPUT : EX_IOERR, "%s: %s", path, strerror(errno));
	unsigned char head[16];
	size_t n = fread(head, 1, sizeof head, fp);
	struct stat st;
	fstat(fileno(fp), &st);
	fclose(fp);
	*mime = media_mime(path, head, n);
	return media_check(kind, voice, path, *mime, (long long)st.st_size);
}

int media_fetch(const char *url, char **path)
{
	const char *tmp = getenv("TMPDIR");
	char *p = xasprintf("%s/wb-media.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(p);
	if (fd < 0) {
		int rc = wb_err(EX_CANTCREAT, "%s: %s", p, strerror(errno));
		free(p);
		return rc;
	}
	FILE *fp = fdopen(fd, "wb");
	CURL *h = curl_easy_init();
	char err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, fp);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)(100 << 20));
	CURLcode res = curl_easy_perform(h);
	long http = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_cleanup(h);
	int rc = 0;
	if (fclose(fp))
		rc = wb_err(EX_IOERR, "%s: %s", p, strerror(errno));
	else if (res != CURLE_OK)
		rc = wb_err(EX_UNAVAILABLE, "%s: %s", url, *err ? err : curl_easy_strerror(res));
	else if (http >= 300 && http < 400)
		rc = wb_err(EX_DATAERR, "%s: redirects (HTTP %ld); Meta's fetcher follows no redirects, "
					"so give the final URL", url, http);
	else if (http != 200)
		rc = wb_err(EX_UNAVAILABLE, "%s: HTTP %ld", url, http);
	if (rc) {
		unlink(p);
		free(p);
		return rc;
	}
	*path = p;
	return 0;
}
