/* cryptostub — the few OpenSSL functions wb calls (a webhook's
 * signature: HMAC-SHA256, compared in constant time), each opening
 * libcrypto on first use (see lazy.h): loading it costs a program ~5 ms
 * at start, and most runs check no signature. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lazy.h"

static lazy_lib crypto = {.files = (const char *const[]){"libcrypto.so.3", NULL}};

LAZY_FN(crypto, const EVP_MD *, EVP_sha256, (void), ())
LAZY_FN(crypto, unsigned char *, HMAC,
	(const EVP_MD *md, const void *key, int key_len, const unsigned char *data,
	 size_t data_len, unsigned char *out, unsigned int *out_len),
	(md, key, key_len, data, data_len, out, out_len))
LAZY_FN(crypto, int, CRYPTO_memcmp, (const void *a, const void *b, size_t len), (a, b, len))
