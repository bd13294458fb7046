/* pipeline.c: crm pipeline: the board (see crm-pipeline(1)).  In the
 * table format, a column a stage, each headed by its count, with the
 * stage's best clients by viability under it, fitted to the terminal;
 * in the others, a row of counts a stage. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "display.h"
#include "filters.h"
#include "pipeline.h"

static const char usage[] = "[client filters] [--top N]";

#define TOP_DEFAULT 5
#define COL_MIN 16   /* a column narrower says too little: another band */
#define COL_MAX 40   /* a wider one only spreads the board out */
#define GAP 2        /* spaces between columns */

/* s, cut to max terminal columns with an ellipsis when it is longer;
 * the columns written */
static size_t put_cut(FILE *out, const char *s, size_t max)
{
	size_t bytes, w;

	if (!max)
		return 0;
	w = crm_display_width(s, max, &bytes);
	if (!s[bytes]) {
		crm_put_display(out, s, bytes, -1);
		return w;
	}
	w = crm_display_width(s, max - 1, &bytes);
	crm_put_display(out, s, bytes, -1);
	fputs("\xe2\x80\xa6", out);
	return w + 1;
}

/* text, then suffix whole when both fit in max, text cut for it; else
 * text alone, cut */
static size_t put_with(FILE *out, const char *text, const char *suffix, size_t max)
{
	size_t sw = strlen(suffix);

	if (max <= sw + 1)
		return put_cut(out, text, max);
	size_t w = put_cut(out, text, max - sw);
	fputs(suffix, out);
	return w + sw;
}

/* row r of stage s's column: its header (r -1), its rule (r -2), a
 * client, what more it has, or nothing */
static size_t put_cell(FILE *out, const struct crm_board_stage *s, int r, size_t cw)
{
	char suffix[48];
	size_t w = 0;

	if (r == -1) {
		snprintf(suffix, sizeof suffix, "%s (%lld)", s->configured ? "" : "*", s->clients);
		return put_with(out, s->stage, suffix, cw);
	}
	if (r == -2) {
		for (; w < cw; w++)
			fputs("\xe2\x94\x80", out);   /* ─ */
		return w;
	}
	if (r < s->ntop) {
		const struct crm_board_client *c = &s->top[r];
		if (c->viability < 0)
			return put_cut(out, c->name ? c->name : "", cw);
		snprintf(suffix, sizeof suffix, " (%lld)", c->viability);
		return put_with(out, c->name ? c->name : "", suffix, cw);
	}
	if (r == s->ntop && s->clients > s->ntop) {
		snprintf(suffix, sizeof suffix, "+%lld more", s->clients - s->ntop);
		return put_cut(out, suffix, cw);
	}
	if (r == 0 && s->clients == 0)
		return put_cut(out, "(none)", cw);
	return 0;
}

/* one line of a band of stages, without trailing blanks; the header
 * line bold on a terminal that takes colour */
static void put_line(const struct crm_board_stage *band, int k, int r, size_t cw, int bold)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *line = open_memstream(&buf, &len);

	if (!line)
		return;
	for (int i = 0; i < k; i++) {
		size_t w = put_cell(line, &band[i], r, cw);
		if (i < k - 1)
			for (; w < cw + GAP; w++)
				putc(' ', line);
	}
	fclose(line);
	while (len && buf[len - 1] == ' ')
		len--;
	if (bold && len)
		fputs("\033[1m", stdout);
	fwrite(buf, 1, len, stdout);
	if (bold && len)
		fputs("\033[0m", stdout);
	putchar('\n');
	free(buf);
}

/* The board, fitted to width: as many columns side by side as leave
 * each COL_MIN columns at least; the stages that do not fit go on in
 * another band of columns below, after a blank line. */
static void put_board(const struct crm_board *b, long width)
{
	size_t w = width > 0 ? (size_t)width : 80, cw;
	int k = (int)((w + GAP) / (COL_MIN + GAP)), bold, unconfigured = 0;

	if (k < 1)
		k = 1;
	if (k > b->n)
		k = b->n;
	if (k < 1)
		return;
	cw = (w - (size_t)GAP * (size_t)(k - 1)) / (size_t)k;
	if (cw > COL_MAX)
		cw = COL_MAX;
	bold = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	for (int first = 0; first < b->n; first += k) {
		int nb = b->n - first < k ? b->n - first : k, rows = 0;
		const struct crm_board_stage *band = &b->stages[first];
		for (int i = 0; i < nb; i++) {
			/* its clients, what more it has, or "(none)" */
			int r = band[i].clients ? band[i].ntop + (band[i].clients > band[i].ntop) : 1;
			if (r > rows)
				rows = r;
			unconfigured |= !band[i].configured;
		}
		if (first)
			putchar('\n');
		put_line(band, nb, -1, cw, bold);
		put_line(band, nb, -2, cw, 0);
		for (int r = 0; r < rows; r++)
			put_line(band, nb, r, cw, 0);
	}
	if (unconfigured) {
		putchar('\n');
		put_cut(stdout, "* not in pipeline.stages any more", w);
		putchar('\n');
	}
}

int cmd_pipeline(struct crm *crm, int argc, char **argv)
{
	struct client_filter_args cf;
	long long top = TOP_DEFAULT;
	struct crm_board board = { 0 };
	struct printer *pr;
	int n, rc;

	/* the board counts every client chosen: no order, no page */
	client_filter_init(crm, &cf);
	client_filter_choosing(&cf);
	struct opt opts[] = {
		OPT_INHERIT(cf.opts),
		OPT_INT("top", &top, "N", "at most N clients under each stage (default 5)", NULL),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0) {
		rc = OPT_EXIT(n);
		goto cleanup;
	}
	if (n > 0) {
		rc = opt_error(crm, usage, "unexpected argument '%s'", argv[0]);
		goto cleanup;
	}
	if ((rc = client_filter_finish(crm, &cf)))
		goto cleanup;
	if (crm->fmt != FMT_TABLE) {
		pr = printer_open(crm, stdout);
		rc = crm_pipeline_counts(crm, &cf.flt, pr);
		printer_free(pr);
		goto cleanup;
	}
	if (!(rc = crm_pipeline_board(crm, &cf.flt, top, &board))) {
		long rows, cols;
		cmd_screen_size(&rows, &cols);
		put_board(&board, cols);
	}
cleanup:
	crm_board_free(&board);
	opt_free(opts);
	return rc;
}
