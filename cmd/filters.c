/* filters.c: the option sets several commands share (see filters.h). */
#include <string.h>

#include "cmd.h"
#include "filters.h"

static const char *const on_off[] = { "on", "off", NULL };
/* --due alone is today; the others complete */
static const char *const due_whens[] = { "today", "tomorrow", "7d", NULL };

static int list_clients(struct crm *crm, void *args, int wide, struct printer *pr)
{
	struct client_filter_args *a = args;

	a->flt.wide = wide;
	return crm_client_list(crm, &a->flt, pr);
}

const struct list_cmd *client_filter_init(struct crm *crm, struct client_filter_args *a)
{
	struct crm_client_filter *f = &a->flt;

	(void)crm;
	memset(a, 0, sizeof *a);
	crm_client_filter_init(f);
	const struct opt o[] = {
		OPT_ANYOF("stage", &a->stage, "STAGE", "in this stage", COMPL_STAGE, NULL),
		OPT_ANYOF("status", &a->status, "STATUS", "with this status; by default not archived nor forgotten",
		          COMPL_VALUES, crm_client_statuses),
		OPT_FLAG("all", 0, &f->all, "archived and forgotten clients too"),
		OPT_ANYOF("channel", &a->channel, "CHANNEL", "preferring this channel", COMPL_CHANNEL,
		          NULL),
		OPT_ANYOF("source-type", &a->source_type, "TYPE", "of this source type", COMPL_NONE,
		          NULL),
		OPT_ANYID("operator", &a->operators, "ID", "of this operator"),
		OPT_ANYOF("automation", &a->automation, "on|off", "with automation on or off",
		          COMPL_VALUES, on_off),
		OPT_ANYOF("ai", &a->ai, "MODE", "with this AI mode", COMPL_VALUES, crm_ai_modes),
		OPT_STRING("q", &f->q, "TEXT", "TEXT in name, email, phone, notes, url or ref"),
		OPT_ANYOF("tag", &a->tag, "TAG", "with this tag", COMPL_TAG, NULL),
		OPT_INT("min-viability", &f->min_viability, "N", "viability at least N", NULL),
		OPT_INT("stale", &f->stale_days, "DAYS", "open, and no contact for DAYS days", NULL),
		OPT_STRING("since", &a->since, "TIME", "added at or after TIME (or 7d, 24h, ...)"),
		OPT_STRING("until", &a->until, "TIME", "added before TIME"),
		OPT_OPTIONAL("due", &a->due, "WHEN",
		             "next action by the end of WHEN (default today) or within it (7d)",
		             due_whens),
		OPT_FLAG("overdue", 0, &f->overdue, "next action before now"),
		OPT_STRINGV("sort", &f->sort, "FIELD", "order by FIELD; -FIELD descending",
		            crm_client_sort_fields),
		OPT_INT("limit", &f->limit, "N", "at most N clients", NULL),
		OPT_INT("offset", &f->offset, "N", "skip the first N (for paging)", NULL),
		OPT_END()
	};
	_Static_assert(sizeof o <= sizeof a->opts, "FILTER_NOPTS is too small");
	memcpy(a->opts, o, sizeof o);
	a->lc = (struct list_cmd){ "clients", a->opts, client_filter_finish, list_clients, a };
	return &a->lc;
}

/* a --since, --until or --due given: into canonical text at t (flags of
 * crm_time_parse_as), and *out = t */
static int time_arg(struct crm *crm, const char *name, const char *in, unsigned flags,
                    char t[CRM_TIME_LEN], const char **out)
{
	if (!in)
		return 0;
	if (crm_time_parse_as(in, flags, t))
		return crm_err(crm, CRM_DATAERR, "%s: --%s '%s': not a time (use %s)",
		               crm->cmdname, name, in, CRM_TIME_FORMS);
	*out = t;
	return 0;
}

int client_filter_finish(struct crm *crm, void *args)
{
	struct client_filter_args *a = args;

	a->flt.operator_id = crm->operator_id;
	a->flt.stage = a->stage.v;
	a->flt.status = a->status.v;
	a->flt.channel = a->channel.v;
	a->flt.source_type = a->source_type.v;
	a->flt.operators = a->operators.v;
	a->flt.automation = a->automation.v;
	a->flt.ai = a->ai.v;
	a->flt.tag = a->tag.v;
	/* due by the end of a day, or within a span from now */
	return time_arg(crm, "since", a->since, 0, a->since_t, &a->flt.since) ||
	       time_arg(crm, "until", a->until, 0, a->until_t, &a->flt.until) ||
	       time_arg(crm, "due", a->due, CRM_TIME_AHEAD | CRM_TIME_DAY_END, a->due_t,
	                &a->flt.due) ? CRM_DATAERR : 0;
}

void client_filter_choosing(struct client_filter_args *a)
{
	static const char *const list_only[] = { "sort", "limit", "offset", NULL };
	struct opt *to = a->opts;

	for (struct opt *o = a->opts; o->kind != OPT_END_; o++)
		if (!o->name || !crm_in_set(o->name, list_only))
			*to++ = *o;
	*to = (struct opt)OPT_END();
}

int period_filter_parse(struct crm *crm, int argc, char **argv, const char *usage,
                        struct period_args *a, const struct opt *more)
{
	struct client_filter_args *cf = &a->cf;
	int n = 0, rc;

	memset(a, 0, sizeof *a);
	client_filter_init(crm, cf);
	client_filter_choosing(cf);
	for (struct opt *o = cf->opts; o->kind != OPT_END_; o++) {
		if (o->name && !strcmp(o->name, "since"))
			o->help = "count what happened at or after TIME (or 7d, 24h, ...)";
		else if (o->name && !strcmp(o->name, "until"))
			o->help = "count what happened before TIME; stages as they were then";
	}
	a->opts[n++] = (struct opt)OPT_INHERIT(cf->opts);
	for (; more && more->kind != OPT_END_ && n <= PERIOD_MORE; more++)
		a->opts[n++] = *more;
	a->opts[n] = (struct opt)OPT_END();
	if ((n = opt_parse(crm, argc, argv, a->opts, usage)) < 0)
		return n;
	if (n > 0)
		return opt_error(crm, usage, "unexpected argument '%s'", argv[0]);
	if ((rc = client_filter_finish(crm, cf)))
		return rc;
	a->since = cf->flt.since;
	a->until = cf->flt.until;
	cf->flt.since = cf->flt.until = NULL;
	return 0;
}

static int list_leads(struct crm *crm, void *args, int wide, struct printer *pr)
{
	struct lead_filter_args *a = args;

	a->flt.wide = wide;
	return crm_lead_list(crm, &a->flt, pr);
}

const struct list_cmd *lead_filter_init(struct crm *crm, struct lead_filter_args *a)
{
	struct crm_lead_filter *f = &a->flt;

	(void)crm;
	memset(a, 0, sizeof *a);
	crm_lead_filter_init(f);
	const struct opt o[] = {
		OPT_ANYOF("status", &a->status, "STATUS", "with this status", COMPL_VALUES,
		          crm_lead_statuses),
		OPT_ANYOF("source-type", &a->source_type, "TYPE", "of this source type", COMPL_NONE,
		          NULL),
		OPT_ANYID("operator", &a->operators, "ID", "of this operator"),
		OPT_INT("min-viability", &f->min_viability, "N", "viability at least N", NULL),
		OPT_STRING("q", &f->q, "TEXT", "TEXT in name, email, phone, title, location or url"),
		OPT_STRING("since", &a->since, "TIME", "imported at or after TIME (or 7d, 24h, ...)"),
		OPT_INT("limit", &f->limit, "N", "at most N leads", NULL),
		OPT_INT("offset", &f->offset, "N", "skip the first N (for paging)", NULL),
		OPT_END()
	};
	_Static_assert(sizeof o <= sizeof a->opts, "FILTER_NOPTS is too small");
	memcpy(a->opts, o, sizeof o);
	a->lc = (struct list_cmd){ "leads", a->opts, lead_filter_finish, list_leads, a };
	return &a->lc;
}

int lead_filter_finish(struct crm *crm, void *args)
{
	struct lead_filter_args *a = args;

	a->flt.operator_id = crm->operator_id;
	a->flt.status = a->status.v;
	a->flt.source_type = a->source_type.v;
	a->flt.operators = a->operators.v;
	return time_arg(crm, "since", a->since, 0, a->since_t, &a->flt.since) ? CRM_DATAERR : 0;
}

int cmd_list(struct crm *crm, int argc, char **argv, const char *usage,
             const struct list_cmd *lc)
{
	struct printer *pr;
	int n, rc, wide = 0;
	struct opt opts[] = {
		OPT_INHERIT(lc->filters),
		OPT_FLAG("wide", 0, &wide, "every column in the table format"),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		rc = OPT_EXIT(n);
	else if (n > 0)
		rc = opt_error(crm, usage, "unexpected argument '%s'", argv[0]);
	else if (!(rc = lc->finish(crm, lc->args))) {
		pr = cmd_list_printer(crm);
		rc = cmd_none_match(crm, lc->list(crm, lc->args, wide || crm->fmt != FMT_TABLE, pr),
		                    lc->what);
		printer_free(pr);
	}
	opt_free(opts);
	return rc;
}
