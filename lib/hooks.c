/* hooks.c: the hooks' queue and their runs (see hooks.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "print.h"

extern char **environ;

const char *const crm_hook_names[HOOK_EVENTS] = {
	[HOOK_REPLY] = "on_reply",
	[HOOK_STAGE] = "on_stage_change",
	[HOOK_WON] = "on_won",
	[HOOK_NOTIFY] = "on_notify",
};

/* what each event is called in its JSON ("event"), and the row that
 * tells it, ?1 its id */
static const char *const event_names[HOOK_EVENTS] = {
	[HOOK_REPLY] = "reply",
	[HOOK_STAGE] = "stage_change",
	[HOOK_WON] = "won",
	[HOOK_NOTIFY] = "notification",
};
static const char reply_sql[] =
	"SELECT m.id AS communication_id, m.client_id, c.name, c.email, c.phone, c.stage,"
	" m.channel, m.kind, m.status, m.subject, m.body, m.occurred_at, m.source, m.external_id"
	" FROM communications m JOIN clients c ON c.id = m.client_id WHERE m.id = ?1";
static const char stage_sql[] =
	"SELECT a.entity_id AS client_id, c.name, c.email, c.phone, a.old_value AS \"from\","
	" a.new_value AS \"to\", a.reason, a.actor, a.at"
	" FROM activity_logs a LEFT JOIN clients c ON c.id = a.entity_id WHERE a.id = ?1";
static const char notify_sql[] =
	"SELECT n.id AS notification_id, n.kind AS type, n.client_id, c.name, n.message,"
	" n.created_at FROM notifications n LEFT JOIN clients c ON c.id = n.client_id"
	" WHERE n.id = ?1";
static const char *const event_sql[HOOK_EVENTS] = {
	[HOOK_REPLY] = reply_sql,
	[HOOK_STAGE] = stage_sql,
	[HOOK_WON] = stage_sql,
	[HOOK_NOTIFY] = notify_sql,
};

/* The queue: each event an id shifted left by two bits, with the kind
 * in the low two.  [0, ready) committed; [ready, n) the open
 * transaction's. */
static uint64_t *queue;
static size_t qn, qcap, qready;

static const char *hook_command(const struct crm *crm, enum crm_hook_event ev)
{
	switch (ev) {
	case HOOK_REPLY: return crm->cfg.hooks.on_reply;
	case HOOK_STAGE: return crm->cfg.hooks.on_stage_change;
	case HOOK_WON: return crm->cfg.hooks.on_won;
	case HOOK_NOTIFY: return crm->cfg.hooks.on_notify;
	default: return NULL;
	}
}

void crm_hook_queue(struct crm *crm, enum crm_hook_event ev, long long id)
{
	const char *cmd = hook_command(crm, ev);

	if (crm->no_hooks || !cmd || !*cmd || id <= 0)
		return;
	if (qn == qcap) {
		qcap = qcap ? qcap * 2 : 256;
		queue = xrealloc(queue, qcap * sizeof *queue);
	}
	queue[qn++] = (uint64_t)id << 2 | (uint64_t)ev;
}

void crm_hooks_committed(void)
{
	qready = qn;
}

void crm_hooks_dropped(void)
{
	qn = qready;
}

size_t crm_hooks_mark(void)
{
	return qn;
}

void crm_hooks_undo(size_t mark)
{
	if (mark >= qready && mark < qn)
		qn = mark;
}

/* The event's JSON (owned, *len its length): "event", then each column
 * of its row by name; NULL when the row is gone. */
static char *event_json(struct crm *crm, enum crm_hook_event ev, long long id, size_t *len)
{
	sqlite3_stmt *st = crm_stmt(crm, event_sql[ev]);
	char *buf = NULL;
	FILE *out;

	if (!st || !(out = open_memstream(&buf, len)))
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		fclose(out);
		free(buf);
		sqlite3_reset(st);
		return NULL;
	}
	fputs("{\"event\":", out);
	json_put_string(out, event_names[ev]);
	for (int i = 0; i < sqlite3_column_count(st); i++) {
		fputc(',', out);
		json_put_string(out, sqlite3_column_name(st, i));
		fputc(':', out);
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_NULL:
			fputs("null", out);
			break;
		case SQLITE_INTEGER:
			fprintf(out, "%lld", (long long)sqlite3_column_int64(st, i));
			break;
		default:
			json_put_string(out, (const char *)sqlite3_column_text(st, i));
		}
	}
	fputs("}\n", out);
	sqlite3_reset(st);
	fclose(out);
	return buf;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for pid until deadline (ms, monotonic): 1 when it ended (*status),
 * 0 when the time ran out.  SIGCHLD is blocked: it wakes the wait. */
static int wait_until(pid_t pid, long long deadline, int *status)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);
		if (got == pid || (got < 0 && errno != EINTR))
			return 1;
		long long left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct timespec ts = { left / 1000, (left % 1000) * 1000000 };
		sigtimedwait(&chld, NULL, &ts);
	}
}

/* Write the payload to the hook's stdin (fd, non-blocking) until it is
 * all written, the hook stops reading (EPIPE: it need not read), or the
 * deadline; 0 when the time ran out. */
static int feed(int fd, const char *p, size_t len, long long deadline)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w > 0) {
			p += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return 1;   /* EPIPE: the hook did not read it all */
		long long left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct pollfd pfd = { fd, POLLOUT, 0 };
		poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
	}
	return 1;
}

/* One hook: cmd through /bin/sh -c, the payload on its stdin. */
static void run_one(struct crm *crm, const char *name, const char *cmd,
                    const char *payload, size_t len, FILE *warn)
{
	int timeout = crm->cfg.hooks.timeout > 0 ? crm->cfg.hooks.timeout : 10;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int p[2], status = 0, rc, ended;
	pid_t pid;
	long long deadline;
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };

	if (pipe(p) != 0) {
		fprintf(warn, "crm: hook %s: cannot start: %s\n", name, strerror(errno));
		return;
	}
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
	/* stdout is crm's data: what a hook prints goes to stderr */
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGXFSZ);
	sigaddset(&dfl, SIGCHLD);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	/* a group of its own: a timeout ends what the hook started too */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	                         POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(p[0]);
	if (rc != 0) {
		close(p[1]);
		fprintf(warn, "crm: hook %s: cannot start /bin/sh: %s\n", name, strerror(rc));
		return;
	}
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	deadline = now_ms() + timeout * 1000LL;
	ended = feed(p[1], payload, len, deadline);
	close(p[1]);
	if (ended)
		ended = wait_until(pid, deadline, &status);
	if (!ended) {
		kill(-pid, SIGTERM);
		if (!wait_until(pid, now_ms() + 1000, &status)) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
		kill(-pid, SIGKILL);   /* what it left behind */
		fprintf(warn, "crm: hook %s: still running after %d s; killed\n", name, timeout);
	} else if (WIFEXITED(status) && WEXITSTATUS(status)) {
		fprintf(warn, "crm: hook %s: exit status %d\n", name, WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		fprintf(warn, "crm: hook %s: killed by signal %d\n", name, WTERMSIG(status));
	}
}

void crm_hooks_run(struct crm *crm, FILE *warn)
{
	struct sigaction ign, old_pipe;
	sigset_t chld, old_mask;
	size_t n = qready;

	if (!n || !crm->db)
		goto done;
	/* a hook that does not read its stdin must not end crm */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old_mask);
	fflush(stdout);
	fflush(warn);
	if (crm->db_path)
		setenv("CRM_DB", crm->db_path, 1);
	/* a hook's own crm commands run no hooks: a hook on_stage_change that
	 * moves a client would otherwise run itself for ever */
	setenv("CRM_NO_HOOKS", "1", 1);
	for (size_t i = 0; i < n; i++) {
		enum crm_hook_event ev = (enum crm_hook_event)(queue[i] & 3);
		long long id = (long long)(queue[i] >> 2);
		const char *cmd = hook_command(crm, ev);
		size_t len = 0;
		char *json;

		if (!cmd || !*cmd || !(json = event_json(crm, ev, id, &len)))
			continue;
		setenv("CRM_HOOK", crm_hook_names[ev], 1);
		run_one(crm, crm_hook_names[ev], cmd, json, len, warn);
		free(json);
	}
	unsetenv("CRM_HOOK");
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
done:
	/* what a transaction still open queued waits for its commit */
	if (n && qn > n)
		memmove(queue, queue + n, (qn - n) * sizeof *queue);
	qn -= n;
	qready = 0;
	if (!qn) {
		free(queue);
		queue = NULL;
		qcap = 0;
	}
}
