/* Unit test of the webhook's signature against the Standard Webhooks
 * specification's published example (whsec_ secret, msg id, timestamp,
 * payload and the signature they give).  Prints "N passed, N failed";
 * exits 1 on a failure. */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "crypto.h"
#include "outbox.h"

static int passed, failed;

#define CHECK(cond) do { \
	if (cond) passed++; \
	else { failed++; fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

int main(void)
{
	static const char secret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
	static const char body[] = "{\"test\": 2432232314}";
	struct crm crm;
	char *sig = NULL;

	memset(&crm, 0, sizeof crm);
	CHECK(crm_webhook_sign(&crm, secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
	                       strlen(body), &sig) == 0);
	CHECK(sig && !strcmp(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
	free(sig);
	/* the same key without its prefix signs the same */
	CHECK(crm_webhook_sign(&crm, secret + 6, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
	                       body, strlen(body), &sig) == 0);
	CHECK(sig && !strcmp(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
	free(sig);
	/* another timestamp, another signature */
	CHECK(crm_webhook_sign(&crm, secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body,
	                       strlen(body), &sig) == 0);
	CHECK(sig && strcmp(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
	free(sig);
	/* a secret that is not base64 is a configuration error */
	CHECK(crm_webhook_sign(&crm, "whsec_not*base64!", "msg_1", 1, body, strlen(body),
	                       &sig) == CRM_CONFIG && !sig);
	/* an empty key, blanks within, padding before the end: not base64 */
	static const char *const bad[] = { "whsec_", "whsec_MfKQ 9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
		"whsec_MfKQ9r8G=YqrTwjUPD8ILPZIo2LaLaSw", "whsec_M===", "whsec_====" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		CHECK(crm_webhook_sign(&crm, bad[i], "msg_1", 1, body, strlen(body), &sig) ==
		      CRM_CONFIG && !sig);
	/* padded base64 decodes to its bytes, padding left out */
	unsigned char *out = NULL;
	size_t n = 0;
	CHECK(crm_base64_decode(&crm, "YWI=", &out, &n) == 0 && n == 2 && !memcmp(out, "ab", 2));
	free(out);
	CHECK(crm_base64_decode(&crm, "YQ==", &out, &n) == 0 && n == 1 && out[0] == 'a');
	free(out);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
