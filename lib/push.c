/* push.c: the outbox sent to the webhook (see sync.h, crm-sync(1)).
 *
 * Each due event is POSTed alone, signed the Standard Webhooks way, with
 * no transaction open while the request runs: the batch is read, then
 * each answer is recorded in a short transaction of its own.  A push
 * killed between the two sends that event again (at least once). */
#define CURL_DISABLE_TYPECHECK
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "crypto.h"
#include "notify.h"
#include "outbox.h"
#include "sync.h"

/* libcurl, loaded when a push first sends: linked, it and what it
 * brings (TLS, HTTP/2, ...) would cost every crm process its start-up.
 * The Makefile names its file (CRM_LIBCURL). */
#ifndef CRM_LIBCURL
#define CRM_LIBCURL "libcurl.so.4"
#endif

static struct {
	CURL *(*init)(void);
	CURLcode (*setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*perform)(CURL *h);
	CURLcode (*getinfo)(CURL *h, CURLINFO info, ...);
	void (*cleanup)(CURL *h);
	struct curl_slist *(*append)(struct curl_slist *l, const char *s);
	void (*free_all)(struct curl_slist *l);
	const char *(*strerror)(CURLcode c);
	time_t (*getdate)(const char *s, const time_t *unused);
} curl;

static int curl_load(struct crm *crm)
{
	void *h;

	if (curl.init)
		return 0;
	if (!(h = dlopen(CRM_LIBCURL, RTLD_NOW | RTLD_LOCAL)))
		return crm_err(crm, CRM_SOFTWARE, "sync push: cannot load libcurl (%s; Debian's"
		               " libcurl4): %s", CRM_LIBCURL, dlerror());
	*(void **)&curl.setopt = dlsym(h, "curl_easy_setopt");
	*(void **)&curl.perform = dlsym(h, "curl_easy_perform");
	*(void **)&curl.getinfo = dlsym(h, "curl_easy_getinfo");
	*(void **)&curl.cleanup = dlsym(h, "curl_easy_cleanup");
	*(void **)&curl.append = dlsym(h, "curl_slist_append");
	*(void **)&curl.free_all = dlsym(h, "curl_slist_free_all");
	*(void **)&curl.strerror = dlsym(h, "curl_easy_strerror");
	*(void **)&curl.getdate = dlsym(h, "curl_getdate");
	*(void **)&curl.init = dlsym(h, "curl_easy_init");
	if (!curl.init || !curl.setopt || !curl.perform || !curl.getinfo || !curl.cleanup ||
	    !curl.append || !curl.free_all || !curl.strerror || !curl.getdate) {
		curl.init = NULL;
		dlclose(h);
		return crm_err(crm, CRM_SOFTWARE, "sync push: %s lacks a function crm uses",
		               CRM_LIBCURL);
	}
	return 0;
}

int crm_webhook_sign(struct crm *crm, const char *secret, const char *id, long long ts,
                     const char *body, size_t n, char **sig)
{
	unsigned char *key = NULL, mac[CRM_SHA256_LEN];
	char head[256], *b64 = NULL, *msg = NULL;
	size_t klen, hlen;
	int rc;

	*sig = NULL;
	if (!strncmp(secret, "whsec_", 6))
		secret += 6;
	if ((rc = crm_base64_decode(crm, secret, &key, &klen))) {
		rc = crm_err(crm, CRM_CONFIG, "sync push: the webhook secret is not base64"
		             " (after 'whsec_')");
		goto cleanup;
	}
	/* what is signed: "id.timestamp.body" */
	hlen = (size_t)snprintf(head, sizeof head, "%s.%lld.", id, ts);
	if (hlen >= sizeof head) {
		rc = crm_err(crm, CRM_SOFTWARE, "sync push: event id '%.40s...' too long", id);
		goto cleanup;
	}
	msg = xmalloc(hlen + n);
	memcpy(msg, head, hlen);
	memcpy(msg + hlen, body, n);
	if ((rc = crm_hmac_sha256(crm, key, klen, msg, hlen + n, mac)) ||
	    (rc = crm_base64_encode(crm, mac, sizeof mac, &b64)))
		goto cleanup;
	*sig = xmalloc(strlen(b64) + 4);
	strcpy(*sig, "v1,");
	strcat(*sig, b64);
cleanup:
	free(key);
	free(msg);
	free(b64);
	return rc;
}

/* 0 when the open file sb is fit to hold the secret: a regular file of
 * the user's, to which group and others have no access */
static int secret_file_fit(struct crm *crm, const char *path, const struct stat *sb)
{
	if (!S_ISREG(sb->st_mode))
		return crm_err(crm, CRM_CONFIG, "sync push: secret file '%s' is not a regular"
		               " file", path);
	if (sb->st_uid != geteuid())
		return crm_err(crm, CRM_CONFIG, "sync push: secret file '%s' belongs to user %ld,"
		               " not to user %ld who runs crm", path, (long)sb->st_uid,
		               (long)geteuid());
	if (sb->st_mode & 077)
		return crm_err(crm, CRM_CONFIG, "sync push: secret file '%s' has mode %03o: group"
		               " and others must have no access (chmod 600 '%s')", path,
		               (unsigned)(sb->st_mode & 0777), path);
	return 0;
}

/* The secret (owned), trimmed: from the variable sync.webhook.secret_env
 * names, or the file sync.webhook.secret_file (secret_file_fit). */
static int secret_load(struct crm *crm, char **secret)
{
	const char *env = crm->cfg.webhook.secret_env, *path = crm->cfg.webhook.secret_file;
	const char *s;
	char buf[4096];
	struct stat sb;
	ssize_t n = 0;
	size_t len;
	int fd, rc;

	*secret = NULL;
	if (env) {
		s = getenv(env);
		if (!s || !*(s = crm_trim_space(s, &len)))
			return crm_err(crm, CRM_CONFIG, "sync push: no secret: $%s (sync.webhook."
			               "secret_env) is not set", env);
		*secret = xstrndup(s, len);
		return 0;
	}
	if (!path)
		return crm_err(crm, CRM_CONFIG, "sync push: no secret: set sync.webhook.secret_env"
		               " or sync.webhook.secret_file");
	/* not blocked by a FIFO: secret_file_fit refuses it */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return crm_err(crm, CRM_CONFIG, "sync push: secret file '%s': %s", path,
		               strerror(errno));
	if (fstat(fd, &sb) < 0 ||
	    (!(rc = secret_file_fit(crm, path, &sb)) && (n = read(fd, buf, sizeof buf)) < 0))
		rc = crm_err(crm, CRM_CONFIG, "sync push: secret file '%s': %s", path,
		             strerror(errno));
	close(fd);
	if (rc)
		return rc;
	if ((size_t)n == sizeof buf)
		return crm_err(crm, CRM_CONFIG, "sync push: secret file '%s' is longer than a"
		               " secret (%zu bytes at most)", path, sizeof buf - 1);
	buf[n] = '\0';
	if (!*(s = crm_trim_space(buf, &len)))
		return crm_err(crm, CRM_CONFIG, "sync push: secret file '%s' is empty", path);
	*secret = xstrndup(s, len);
	return 0;
}

/* the longest wait a Retry-After may ask for: the last backoff step */
#define CRM_PUSH_WAIT_MAX 86400

/* one due event, as read before it is sent */
struct event {
	long long seq, attempts, client;
	char *id, *type, *body;
};

/* what the endpoint answered: status 0 when it did not */
struct answer {
	long status;
	long long retry_after;    /* seconds; -1: none said */
	char error[CURL_ERROR_SIZE + 64];
};

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p; (void)arg;
	return size * n;
}

/* The wait a Retry-After value asks for, in seconds from now, at most
 * a day; -1 when it is neither a number of seconds nor an HTTP date. */
static long long retry_after(const char *v)
{
	long long now = crm_clock_epoch(), t;
	char *end;

	if (isdigit((unsigned char)*v)) {
		errno = 0;
		t = strtoll(v, &end, 10);
		if (*end && !isspace((unsigned char)*end))
			return -1;
		if (errno == ERANGE)
			t = CRM_PUSH_WAIT_MAX;
	} else {
		time_t d = curl.getdate(v, NULL);
		if (d == (time_t)-1)
			return -1;
		t = (long long)d > now ? (long long)d - now : 0;
	}
	return t > CRM_PUSH_WAIT_MAX ? CRM_PUSH_WAIT_MAX : t;
}

static size_t header(char *p, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t len = size * n;
	char v[128];

	if (len > 12 && !strncasecmp(p, "retry-after:", 12)) {
		size_t i = 12, k = 0;
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		while (i < len && k < sizeof v - 1 && p[i] != '\r' && p[i] != '\n')
			v[k++] = p[i++];
		v[k] = '\0';
		a->retry_after = k ? retry_after(v) : -1;
	}
	return len;
}

/* POST e with the handle h, which keeps its connection to the endpoint
 * open from one event to the next */
static int post(struct crm *crm, CURL *h, const char *secret, const struct event *e,
                struct answer *a)
{
	struct curl_slist *hdr = NULL;
	char line[512], errbuf[CURL_ERROR_SIZE] = "", *sig = NULL;
	long long ts = crm_clock_epoch();
	size_t n = strlen(e->body);
	CURLcode cc;
	int rc;

	a->status = 0;
	a->retry_after = -1;
	a->error[0] = '\0';
	if ((rc = crm_webhook_sign(crm, secret, e->id, ts, e->body, n, &sig)))
		return rc;
	hdr = curl.append(hdr, "Content-Type: application/json");
	hdr = curl.append(hdr, "Expect:");
	snprintf(line, sizeof line, "webhook-id: %s", e->id);
	hdr = curl.append(hdr, line);
	snprintf(line, sizeof line, "webhook-timestamp: %lld", ts);
	hdr = curl.append(hdr, line);
	snprintf(line, sizeof line, "webhook-signature: %s", sig);
	hdr = curl.append(hdr, line);
	curl.setopt(h, CURLOPT_URL, crm->cfg.webhook.url);
	curl.setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl.setopt(h, CURLOPT_POSTFIELDS, e->body);
	curl.setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	curl.setopt(h, CURLOPT_USERAGENT, "crm/" CRM_VERSION);
	curl.setopt(h, CURLOPT_TIMEOUT, (long)crm->cfg.webhook.timeout);
	curl.setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl.setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl.setopt(h, CURLOPT_HEADERFUNCTION, header);
	curl.setopt(h, CURLOPT_HEADERDATA, a);
	if ((cc = curl.perform(h)) == CURLE_OK) {
		curl.getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
		snprintf(a->error, sizeof a->error, "HTTP %ld", a->status);
	} else {
		snprintf(a->error, sizeof a->error, "no answer: %s", *errbuf ? errbuf :
		         curl.strerror(cc));
	}
	curl.free_all(hdr);
	free(sig);
	return 0;
}

/* the wait before the next attempt, after attempt n (from 1) failed:
 * about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then 24 h, each 0.9 to 1.1
 * of it, so that many events do not come back at once */
static int backoff(struct crm *crm, long long n, long long *secs)
{
	static const long long base[] = { 5, 300, 1800, 7200, 18000, 36000, 86400 };
	const int nb = (int)(sizeof base / sizeof *base);
	unsigned char r[2];
	long long b = base[n < 1 ? 0 : n > nb ? nb - 1 : n - 1];
	int rc;

	if ((rc = crm_random_bytes(crm, r, sizeof r)))
		return rc;
	/* in milliseconds, rounded up to the second */
	*secs = (b * 900 + b * 200 * ((long long)r[0] << 8 | r[1]) / 65535 + 999) / 1000;
	return 0;
}

/* What the answer makes of the event, in a transaction of its own. */
static int record(struct crm *crm, const struct event *e, const struct answer *a,
                  struct crm_push_stats *st, int *stop)
{
	static const char sql[] =
		"UPDATE outbox SET attempts = attempts + ?7, last_status = ?2, last_error = ?3,"
		" delivered_at = ?4, dead_at = ?5, next_attempt_at = coalesce(?6, next_attempt_at)"
		" WHERE seq = ?1";
	char now[CRM_TIME_LEN], next[CRM_TIME_LEN], msg[512], why[80];
	/* too many requests: the endpoint's pace, not the event's failure */
	int busy = a->status == 429;
	long long tries = e->attempts + !busy, wait = 0, clock = crm_clock_epoch();
	int max = crm->cfg.webhook.retries > 0 ? crm->cfg.webhook.retries : 1;
	int ok = a->status >= 200 && a->status < 300, gone = a->status == 410;
	int dead = 0, rc;
	sqlite3_stmt *s;

	crm_time_from_epoch(clock, now);
	if (!ok && !gone) {
		dead = a->status == 400 || a->status == 401 || a->status == 403 ||
		       a->status == 404 || (!busy && tries >= max);
		/* 429 and 503 may say when to come back */
		if ((busy || a->status == 503) && a->retry_after >= 0 && !dead)
			wait = a->retry_after;
		else if (!dead && (rc = backoff(crm, tries, &wait)))
			return rc;
		crm_time_from_epoch(clock + wait, next);
	}
	if ((rc = crm_begin(crm)))
		return rc;
	if (!(s = crm_stmt(crm, sql))) {
		rc = crm_stmt_status(crm);
		goto done;
	}
	sqlite3_bind_int64(s, 1, e->seq);
	if (a->status)
		sqlite3_bind_int64(s, 2, a->status);
	crm_bind_text(s, 3, ok ? NULL : a->error);
	crm_bind_text(s, 4, ok ? now : NULL);
	crm_bind_text(s, 5, dead ? now : NULL);
	crm_bind_text(s, 6, ok || gone || dead ? NULL : next);
	sqlite3_bind_int(s, 7, !busy);
	if ((rc = crm_exec_stmt(crm, s, "sync push")))
		goto done;
	if (gone) {
		snprintf(why, sizeof why, "disabled: the endpoint answered 410 at %s", now);
		rc = crm_sync_state_put(crm, "webhook", NULL, why, 0);
	} else if (dead) {
		snprintf(msg, sizeof msg, "webhook: event %s (%s, seq %lld) not delivered after"
		         " %lld attempt%s (%s): see 'crm sync retry --dead'", e->id, e->type, e->seq,
		         tries, tries == 1 ? "" : "s", a->error);
		rc = crm_notify_add(crm, "sync_failure", 0, msg, NULL, NULL);
	}
done:
	if (rc) {
		crm_rollback(crm);
		return rc;
	}
	if ((rc = crm_commit(crm)))
		return rc;
	st->attempted++;
	if (ok)
		st->delivered++;
	else if (dead)
		st->dead++;
	else if (!gone)
		st->rescheduled++;
	if (gone)
		st->disabled = 1;
	/* gone: nothing more is sent; too many requests: the rest wait */
	*stop = gone || a->status == 429;
	return 0;
}

/* ?1 now, ?2 after this seq */
static const char due_sql[] =
	"SELECT seq, event_id, type, aggregate, aggregate_id, attempts, next_attempt_at,"
	" json_object('id', event_id, 'type', type, 'timestamp', created_at,"
	" 'data', json(payload)), client_id"
	" FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= ?1"
	" AND seq > ?2 ORDER BY seq LIMIT ?3";

static const struct pcol due_cols[] = {
	{ "seq", COL_INT, 0 },
	{ "event_id", COL_TEXT, 0 },
	{ "type", COL_TEXT, 0 },
	{ "aggregate", COL_TEXT, 0 },
	{ "aggregate_id", COL_INT, 0 },
	{ "attempts", COL_INT, 0 },
	{ "next_attempt_at", COL_TIME, 0 },
};

static int dry(struct crm *crm, struct printer *pr, struct crm_push_stats *st)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *s = crm_stmt(crm, due_sql);
	int rc;

	if (!s)
		return crm_stmt_status(crm);
	crm_now(now);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, 0);
	sqlite3_bind_int64(s, 3, -1);
	if (pr)
		printer_begin(pr, due_cols, (int)(sizeof due_cols / sizeof *due_cols));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		st->attempted++;
		if (pr)
			printer_row_stmt(pr, s);
	}
	if (pr)
		printer_end(pr);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "sync push");
}

/* the next events due after seq, at most n of them, into ev (owned
 * strings); *got how many */
static int due(struct crm *crm, long long after, struct event *ev, int n, int *got)
{
	char now[CRM_TIME_LEN];
	sqlite3_stmt *s = crm_stmt(crm, due_sql);
	int rc;

	*got = 0;
	if (!s)
		return crm_stmt_status(crm);
	crm_time_from_epoch(crm_clock_epoch(), now);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int64(s, 3, n);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct event *e = &ev[(*got)++];
		e->seq = sqlite3_column_int64(s, 0);
		e->id = crm_column_dup(s, 1);
		e->type = crm_column_dup(s, 2);
		e->attempts = sqlite3_column_int64(s, 5);
		e->body = crm_column_dup(s, 7);
		e->client = sqlite3_column_int64(s, 8);
	}
	/* reset: no read transaction stays open while the requests run */
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "sync push");
}

static int disabled(struct crm *crm, int *off)
{
	static const char sql[] =
		"SELECT 1 FROM sync_state WHERE source = 'webhook' AND last_result LIKE 'disabled%'";
	sqlite3_stmt *s = crm_stmt(crm, sql);
	int rc;

	*off = 0;
	if (!s)
		return crm_stmt_status(crm);
	rc = sqlite3_step(s);
	*off = rc == SQLITE_ROW;
	sqlite3_reset(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : crm_sqlerr(crm, "sync push");
}

#define BATCH 64

int crm_sync_push(struct crm *crm, int dry_run, struct printer *pr, struct crm_push_stats *st)
{
	struct event ev[BATCH];
	char *secret = NULL;
	long long after = 0;
	int rc, off, got = 0, stop = 0;
	CURL *h = NULL;

	memset(st, 0, sizeof *st);
	if (!crm->cfg.webhook.url)
		return crm_err(crm, CRM_CONFIG, "sync push: no sync.webhook.url in the config:"
		               " nothing to push to");
	if ((rc = disabled(crm, &off)))
		return rc;
	if (off) {
		st->disabled = 1;
		return crm_err(crm, CRM_UNAVAILABLE, "sync push: the endpoint is disabled (it"
		               " answered 410 Gone); 'crm sync retry' enables it again");
	}
	/* a dry run sends nothing, and needs no secret */
	if (dry_run)
		return dry(crm, pr, st);
	if ((rc = secret_load(crm, &secret)))
		return rc;
	do {
		rc = due(crm, after, ev, BATCH, &got);
		if (!rc && got && !h && !(rc = curl_load(crm)) && !(h = curl.init()))
			rc = crm_err(crm, CRM_SOFTWARE, "sync push: curl_easy_init failed");
		for (int i = 0; i < got && !rc && !stop; i++) {
			struct answer a;
			if (!(rc = post(crm, h, secret, &ev[i], &a)))
				rc = record(crm, &ev[i], &a, st, &stop);
		}
		if (got)
			after = ev[got - 1].seq;
		for (int i = 0; i < got; i++) {
			free(ev[i].id);
			free(ev[i].type);
			free(ev[i].body);
		}
	} while (!rc && !stop && got == BATCH);
	if (!rc && st->disabled)
		rc = crm_err(crm, CRM_UNAVAILABLE, "sync push: the endpoint answered 410 Gone: it is"
		             " disabled until 'crm sync retry'");
	else if (!rc && st->dead)
		rc = crm_err(crm, CRM_UNAVAILABLE, "sync push: %lld event%s could not be delivered"
		             " and %s dead: see 'crm notify' and 'crm sync retry --dead'", st->dead,
		             st->dead == 1 ? "" : "s", st->dead == 1 ? "is" : "are");
	if (h)
		curl.cleanup(h);
	if (secret) {
		memset(secret, 0, strlen(secret));
		free(secret);
	}
	return rc;
}

int crm_sync_retry(struct crm *crm, int dead, long long *n)
{
	static const char dead_sql[] =
		"UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = ?1"
		" WHERE dead_at IS NOT NULL AND delivered_at IS NULL";
	static const char wait_sql[] =
		"UPDATE outbox SET next_attempt_at = ?1"
		" WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at > ?1";
	static const char enable_sql[] =
		"UPDATE sync_state SET last_result = 'enabled', updated_at = ?1"
		" WHERE source = 'webhook'";
	char now[CRM_TIME_LEN];
	sqlite3_stmt *s;
	int rc, own;

	*n = 0;
	if ((rc = crm_tx_begin(crm, &own)))
		return rc;
	crm_now(now);
	if (!(s = crm_stmt(crm, dead ? dead_sql : wait_sql))) {
		rc = crm_stmt_status(crm);
		goto done;
	}
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	if ((rc = crm_exec_stmt(crm, s, "sync retry")))
		goto done;
	*n = sqlite3_changes(crm->db);
	if (!(s = crm_stmt(crm, enable_sql))) {
		rc = crm_stmt_status(crm);
		goto done;
	}
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	rc = crm_exec_stmt(crm, s, "sync retry");
done:
	return crm_tx_end(crm, own, rc);
}
