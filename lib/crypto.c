/* crypto.c: OpenSSL's libcrypto, loaded when first needed (see crypto.h).
 * The Makefile names its file (CRM_LIBCRYPTO). */
#include <ctype.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "crypto.h"

#ifndef CRM_LIBCRYPTO
#define CRM_LIBCRYPTO "libcrypto.so.3"
#endif

static struct {
	unsigned char *(*hmac)(const EVP_MD *md, const void *key, int key_len,
	                       const unsigned char *d, size_t n, unsigned char *md_out,
	                       unsigned int *md_len);
	const EVP_MD *(*sha256)(void);
	int (*rand_bytes)(unsigned char *buf, int num);
	int (*encode)(unsigned char *t, const unsigned char *f, int n);
	int (*decode)(unsigned char *t, const unsigned char *f, int n);
	int (*digest)(const void *data, size_t n, unsigned char *md, unsigned int *len,
	              const EVP_MD *type, ENGINE *impl);
} crypto;

static int crypto_load(struct crm *crm)
{
	void *h;

	if (crypto.hmac)
		return 0;
	if (!(h = dlopen(CRM_LIBCRYPTO, RTLD_NOW | RTLD_LOCAL)))
		return crm_err(crm, CRM_SOFTWARE, "cannot load OpenSSL's libcrypto (%s; Debian's"
		               " libssl3): %s", CRM_LIBCRYPTO, dlerror());
	*(void **)&crypto.sha256 = dlsym(h, "EVP_sha256");
	*(void **)&crypto.rand_bytes = dlsym(h, "RAND_bytes");
	*(void **)&crypto.encode = dlsym(h, "EVP_EncodeBlock");
	*(void **)&crypto.decode = dlsym(h, "EVP_DecodeBlock");
	*(void **)&crypto.digest = dlsym(h, "EVP_Digest");
	*(void **)&crypto.hmac = dlsym(h, "HMAC");
	if (!crypto.hmac || !crypto.sha256 || !crypto.rand_bytes || !crypto.encode ||
	    !crypto.decode || !crypto.digest) {
		crypto.hmac = NULL;
		dlclose(h);
		return crm_err(crm, CRM_SOFTWARE, "%s has no HMAC, EVP_sha256, RAND_bytes,"
		               " EVP_EncodeBlock, EVP_DecodeBlock or EVP_Digest", CRM_LIBCRYPTO);
	}
	return 0;
}

int crm_hmac_sha256(struct crm *crm, const void *key, size_t key_len, const void *msg,
                    size_t n, unsigned char out[CRM_SHA256_LEN])
{
	unsigned int len = 0;
	int rc;

	if ((rc = crypto_load(crm)))
		return rc;
	if (key_len > (size_t)0x7fffffff ||
	    !crypto.hmac(crypto.sha256(), key, (int)key_len, msg, n, out, &len) ||
	    len != CRM_SHA256_LEN)
		return crm_err(crm, CRM_SOFTWARE, "HMAC-SHA256 failed");
	return 0;
}

int crm_sha256_hex(struct crm *crm, const void *data, size_t n, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[CRM_SHA256_LEN];
	unsigned int len = 0;
	int rc;

	if ((rc = crypto_load(crm)))
		return rc;
	if (!crypto.digest(data, n, md, &len, crypto.sha256(), NULL) || len != CRM_SHA256_LEN)
		return crm_err(crm, CRM_SOFTWARE, "SHA-256 failed");
	for (int i = 0; i < CRM_SHA256_LEN; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

int crm_random_bytes(struct crm *crm, unsigned char *buf, int n)
{
	int rc;

	if ((rc = crypto_load(crm)))
		return rc;
	if (crypto.rand_bytes(buf, n) != 1)
		return crm_err(crm, CRM_SOFTWARE, "no random bytes from libcrypto");
	return 0;
}

int crm_base64_encode(struct crm *crm, const unsigned char *in, size_t n, char **out)
{
	int rc;

	*out = NULL;
	if ((rc = crypto_load(crm)))
		return rc;
	if (n > 0x3fffffff)
		return crm_err(crm, CRM_SOFTWARE, "base64: %zu bytes is too many", n);
	*out = xmalloc(4 * ((n + 2) / 3) + 1);
	crypto.encode((unsigned char *)*out, in, (int)n);
	return 0;
}

int crm_base64_decode(struct crm *crm, const char *in, unsigned char **out, size_t *len)
{
	size_t n, pad = 0;
	int rc, got;

	*out = NULL;
	*len = 0;
	if ((rc = crypto_load(crm)))
		return rc;
	in = crm_trim_space(in, &n);
	if (!n || n % 4 || n > 0x3fffffff)
		return crm_err(crm, CRM_DATAERR, "not base64");
	/* EVP_DecodeBlock counts the padding's zero bytes too */
	while (pad < 2 && in[n - 1 - pad] == '=')
		pad++;
	/* the alphabet only, padded at the end only: EVP_DecodeBlock
	 * would pass over blanks within */
	for (size_t i = 0; i < n - pad; i++)
		if (!isalnum((unsigned char)in[i]) && in[i] != '+' && in[i] != '/')
			return crm_err(crm, CRM_DATAERR, "not base64");
	*out = xmalloc(3 * (n / 4) + 1);
	if ((got = crypto.decode(*out, (const unsigned char *)in, (int)n)) < 0 ||
	    (size_t)got < pad) {
		free(*out);
		*out = NULL;
		return crm_err(crm, CRM_DATAERR, "not base64");
	}
	*len = (size_t)got - pad;
	return 0;
}
