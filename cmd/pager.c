/* pager.c: a table longer than the screen goes through $PAGER, as git
 * does: only when stdout is a terminal, never with --no-pager. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "print.h"

static pid_t pager_pid;

void cmd_screen_size(long *rows, long *cols)
{
	struct winsize ws;
	const char *l = getenv("LINES"), *c = getenv("COLUMNS");

	memset(&ws, 0, sizeof ws);
	ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws);
	*rows = ws.ws_row ? ws.ws_row : l && atol(l) > 0 ? atol(l) : 24;
	*cols = ws.ws_col ? ws.ws_col : c && atol(c) > 0 ? atol(c) : 80;
}

/* stdout becomes a pipe to sh -c PAGER; the pager's pid is kept for
 * cmd_pager_wait */
static void start(const char *pager)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		return;   /* no pager: the table goes to the terminal */
	fflush(stdout);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		/* less: quit when it fits, colours through, no screen clearing */
		if (!getenv("LESS"))
			setenv("LESS", "FRX", 1);
		execl("/bin/sh", "sh", "-c", pager, (char *)NULL);
		_exit(127);
	}
	dup2(fds[1], STDOUT_FILENO);
	close(fds[0]);
	close(fds[1]);
	pager_pid = pid;
	/* ^C is for the pager now; crm only finishes writing */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
}

static void on_table(void *arg, long lines, size_t width)
{
	struct crm *crm = arg;
	const char *pager = getenv("PAGER");
	long rows, cols;

	if (crm->no_pager || pager_pid || !isatty(STDOUT_FILENO))
		return;
	if (!pager)
		pager = "less -FRX";
	if (!*pager || !strcmp(pager, "cat"))
		return;
	cmd_screen_size(&rows, &cols);
	/* a line wider than the screen wraps; the prompt needs a line */
	if (lines * (width ? (long)((width + (size_t)cols - 1) / (size_t)cols) : 1) < rows)
		return;
	start(pager);
}

struct printer *cmd_list_printer(struct crm *crm)
{
	struct printer *pr = printer_open(crm, stdout);

	printer_on_table(pr, on_table, crm);
	return pr;
}

void cmd_pager_wait(void)
{
	int status;

	if (!pager_pid)
		return;
	fflush(stdout);
	close(STDOUT_FILENO);   /* the pager sees the end */
	while (waitpid(pager_pid, &status, 0) < 0 && errno == EINTR)
		;
	pager_pid = 0;
}
