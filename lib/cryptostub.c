/* cryptostub — the few OpenSSL functions wb calls (a webhook's
 * signature: HMAC-SHA256, compared in constant time), each opening
 * libcrypto on first use (see lazy.h): loading it costs a program ~5 ms
 * at start, and most runs check no signature. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include "lazy.h"

static lazy_lib crypto = {.files = (const char *const[]){"libcrypto.so.3", NULL}};

LAZY_FN(crypto, const EVP_MD *, EVP_sha256, (void), ())
LAZY_FN(crypto, unsigned char *, HMAC,
	(const EVP_MD *md, const void *key, int key_len, const unsigned char *data,
	 size_t data_len, unsigned char *out, unsigned int *out_len),
	(md, key, key_len, data, data_len, out, out_len))
LAZY_FN(crypto, int, CRYPTO_memcmp, (const void *a, const void *b, size_t len), (a, b, len))
/* The listener keeps one keyed HMAC per thread (webhook.c). */
LAZY_FN(crypto, EVP_MAC *, EVP_MAC_fetch, (OSSL_LIB_CTX *c, const char *a, const char *p), (c, a, p))
LAZY_VOID(crypto, EVP_MAC_free, (EVP_MAC *m), (m))
LAZY_FN(crypto, EVP_MAC_CTX *, EVP_MAC_CTX_new, (EVP_MAC *m), (m))
LAZY_VOID(crypto, EVP_MAC_CTX_free, (EVP_MAC_CTX *c), (c))
LAZY_FN(crypto, int, EVP_MAC_init,
	(EVP_MAC_CTX *c, const unsigned char *key, size_t keylen, const OSSL_PARAM params[]),
	(c, key, keylen, params))
LAZY_FN(crypto, int, EVP_MAC_update, (EVP_MAC_CTX *c, const unsigned char *d, size_t n), (c, d, n))
LAZY_FN(crypto, int, EVP_MAC_final, (EVP_MAC_CTX *c, unsigned char *out, size_t *outl, size_t outsize),
	(c, out, outl, outsize))
LAZY_FN(crypto, OSSL_PARAM, OSSL_PARAM_construct_utf8_string, (const char *key, char *buf, size_t bsize),
	(key, buf, bsize))
LAZY_FN(crypto, OSSL_PARAM, OSSL_PARAM_construct_end, (void), ())
/* A received medium's sha256 (mediaget.c). */
LAZY_FN(crypto, int, EVP_Digest,
	(const void *d, size_t n, unsigned char *md, unsigned int *s, const EVP_MD *t, ENGINE *e),
	(d, n, md, s, t, e))
LAZY_FN(crypto, int, EVP_EncodeBlock, (unsigned char *to, const unsigned char *from, int n), (to, from, n))
