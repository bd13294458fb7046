/* bare_post.c: the floor of `crm sync push` (bench/sync.sh): POST each
 * line of a file (a JSON body) to a url with libcurl, one handle kept
 * for the whole run, with as many headers as crm sends, and no database
 * and no signature.  usage: bare_post URL FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

int main(int argc, char **argv)
{
	char *line = NULL, hdr[256];
	size_t cap = 0;
	ssize_t len;
	long n = 0, ok = 0, status;
	FILE *in;
	CURL *h;

	if (argc != 3 || !(in = fopen(argv[2], "r")))
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_easy_init();
	while ((len = getline(&line, &cap, in)) > 0) {
		struct curl_slist *l = NULL;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		l = curl_slist_append(l, "Content-Type: application/json");
		l = curl_slist_append(l, "Expect:");
		snprintf(hdr, sizeof hdr, "webhook-id: evt_%032ld", n);
		l = curl_slist_append(l, hdr);
		l = curl_slist_append(l, "webhook-timestamp: 1795000000");
		l = curl_slist_append(l, "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
		curl_easy_setopt(h, CURLOPT_URL, argv[1]);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, l);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, line);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
		if (curl_easy_perform(h) == CURLE_OK &&
		    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
		    status / 100 == 2)
			ok++;
		curl_slist_free_all(l);
		n++;
	}
	curl_easy_cleanup(h);
	curl_global_cleanup();
	free(line);
	fclose(in);
	printf("%ld %ld\n", n, ok);
	return ok == n ? 0 : 1;
}
