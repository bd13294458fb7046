/* crypto.h: what crm takes from OpenSSL's libcrypto (HMAC-SHA256, random
 * bytes, base64), loaded with dlopen the first time one is needed:
 * linked, its thousands of relocations would cost every crm process a
 * millisecond at start, for what a few commands use. */
#ifndef CRM_CRYPTO_H
#define CRM_CRYPTO_H

#include <stddef.h>

#include "crm.h"

#define CRM_SHA256_LEN 32

/* out = HMAC-SHA256(key, msg); 0 or CRM_SOFTWARE (no libcrypto). */
int crm_hmac_sha256(struct crm *crm, const void *key, size_t key_len, const void *msg,
                    size_t n, unsigned char out[CRM_SHA256_LEN]);
/* The SHA-256 of data[0..n) in lowercase hex into out. */
int crm_sha256_hex(struct crm *crm, const void *data, size_t n, char out[65]);
/* n random bytes into buf, from the system's generator. */
int crm_random_bytes(struct crm *crm, unsigned char *buf, int n);
/* The base64 (RFC 4648, padded) of in[0..n), owned, into *out. */
int crm_base64_encode(struct crm *crm, const unsigned char *in, size_t n, char **out);
/* The bytes of base64 text in (white space around it ignored), owned,
 * into *out and their number into *len; CRM_DATAERR when it is not
 * base64. */
int crm_base64_decode(struct crm *crm, const char *in, unsigned char **out, size_t *len);

#endif
