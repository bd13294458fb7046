/* client.c: crm client add|import|list|show|stage|edit|history (see
 * crm-client(1)). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "cmd.h"
#include "client.h"
#include "dnc.h"
#include "filters.h"
#include "input.h"
#include "print.h"

static const char *const on_off[] = { "on", "off", NULL };

/* --set KEY=VALUE (and --unset KEY) into custom field changes; a KEY
 * that names a client field (next_action_at, say; custom_key_check has
 * made sure the command has its option) sets that field, as its own
 * option does, and --unset clears it */
static int parse_sets(struct crm *crm, const char *usage,
                      const struct strvec *sets, const struct strvec *unsets,
                      struct crm_client_fields *f, struct crm_kv_arg **out, int *n)
{
	int field;

	*out = xmalloc((size_t)(sets->n + unsets->n + 1) * sizeof **out);
	*n = 0;
	for (int i = 0; i < sets->n; i++) {
		char *eq = strchr(sets->v[i], '=');
		if (!eq || eq == sets->v[i])
			return opt_error(crm, usage,
			                       "--set '%s': expected KEY=VALUE", sets->v[i]);
		*eq = '\0';
		if ((field = crm_client_field(sets->v[i])) >= 0) {
			f->v[field] = eq + 1;
			continue;
		}
		(*out)[*n].key = sets->v[i];
		(*out)[(*n)++].value = eq + 1;
	}
	for (int i = 0; i < unsets->n; i++) {
		if ((field = crm_client_field(unsets->v[i])) >= 0) {
			f->v[field] = "";
			continue;
		}
		(*out)[*n].key = unsets->v[i];
		(*out)[(*n)++].value = NULL;
	}
	return 0;
}

/* The options that set client fields, shared by add and edit. */
struct field_opts {
	struct crm_client_fields f;
	struct strvec tags, untags, sets, unsets;
};

#define FIELD_OPTS(fo) \
	OPT_STRING("name", &(fo).f.v[CF_NAME], "NAME", "the owner's name"), \
	OPT_STRING("email", &(fo).f.v[CF_EMAIL], "EMAIL", "email address"), \
	OPT_STRING("phone", &(fo).f.v[CF_PHONE], "PHONE", "phone number"), \
	OPT_STRINGC("channel", &(fo).f.v[CF_CHANNEL], "CHANNEL", "preferred channel", COMPL_CHANNEL), \
	OPT_STRING("source-type", &(fo).f.v[CF_SOURCE_TYPE], "TYPE", "owner, agent, ..."), \
	OPT_STRING("source-url", &(fo).f.v[CF_SOURCE_URL], "URL", "where the listing was found"), \
	OPT_STRING("listing-ref", &(fo).f.v[CF_LISTING_REF], "REF", "the listing's reference"), \
	OPT_STRING("viability", &(fo).f.v[CF_VIABILITY], "N", "score from 0 to 100"), \
	OPT_STRING("note", &(fo).f.note, "TEXT", "add a note, dated"), \
	OPT_ENUM("automation", &(fo).f.v[CF_AUTOMATION], "on|off", "may the bot contact this client", on_off), \
	OPT_ENUM("ai", &(fo).f.v[CF_AI_MODE], "MODE", "what the AI responder may do", crm_ai_modes), \
	OPT_STRING("next-action", &(fo).f.v[CF_NEXT_ACTION_AT], "TIME", "when to act next"), \
	OPT_LISTC("tag", &(fo).tags, "TAG", "add a tag", COMPL_TAG), \
	OPT_LIST("set", &(fo).sets, "KEY=VALUE", "set a custom field")

/* A --set or --unset KEY (key[0..len)) that is the name of a client field
 * an option of the command sets is that field (parse_sets).  One that
 * names a client field otherwise (another case, 'Email'; a field no
 * option sets, 'stage' in edit, 'created_at'; 'tags') is a usage error
 * that names the option for the field when there is one: what it sets
 * would not land in a custom field by mistake. */
static int custom_key_check(struct crm *crm, const char *usage, const char *opt,
                            const char *key, size_t len, const struct opt *opts,
                            const struct field_opts *fo)
{
	for (int i = 0; i < crm_clients.ncols; i++) {
		const struct crm_col *c = &crm_clients.cols[i];
		if (strlen(c->name) != len || strncasecmp(c->name, key, len))
			continue;
		for (const struct opt *o = opts; o->kind != OPT_END_; o++)
			if ((c->field >= 0 && o->target == &fo->f.v[c->field]) ||
			    (!strcmp(c->name, "tags") &&
			     o->target == (opt[2] == 'u' ? &fo->untags : &fo->tags))) {
				if (c->field >= 0 && !strncmp(c->name, key, len))
					return 0;   /* the field's own name: parse_sets sets it */
				return opt_error(crm, usage, "%s '%.*s': '%s' is a client field, not a"
				                 " custom one; did you mean '--%s'?", opt, (int)len,
				                 key, c->name, o->name);
			}
		return opt_error(crm, usage, "%s '%.*s': '%s' is a client field, not a custom one",
		                 opt, (int)len, key, c->name);
	}
	return 0;
}

static int finish_fields(struct crm *crm, const char *usage, const struct opt *opts,
                         struct field_opts *fo, struct crm_kv_arg **kv)
{
	int rc = 0;

	for (int i = 0; i < fo->sets.n && !rc; i++)
		rc = custom_key_check(crm, usage, "--set", fo->sets.v[i],
		                      strcspn(fo->sets.v[i], "="), opts, fo);
	for (int i = 0; i < fo->unsets.n && !rc; i++)
		rc = custom_key_check(crm, usage, "--unset", fo->unsets.v[i],
		                      strlen(fo->unsets.v[i]), opts, fo);
	if (!rc)
		rc = parse_sets(crm, usage, &fo->sets, &fo->unsets, &fo->f, kv, &fo->f.nset);

	fo->f.set = *kv;
	fo->f.tags = fo->tags.v;
	fo->f.ntags = fo->tags.n;
	fo->f.untags = fo->untags.v;
	fo->f.nuntags = fo->untags.n;
	fo->f.reason = NULL;
	return rc;
}

static void field_opts_free(struct field_opts *fo)
{
	strvec_free(&fo->tags);
	strvec_free(&fo->untags);
	strvec_free(&fo->sets);
	strvec_free(&fo->unsets);
}

static int client_add(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "--name NAME [--email EMAIL] [--phone PHONE] ...";
	struct field_opts fo;
	struct crm_kv_arg *kv = NULL;
	long long id;
	int n, rc;

	memset(&fo, 0, sizeof fo);
	struct opt opts[] = {
		FIELD_OPTS(fo),
		OPT_STRINGC("stage", &fo.f.v[CF_STAGE], "STAGE", "first stage (default: the pipeline's first)", COMPL_STAGE),
		OPT_END()
	};
	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n > 0)
		rc = opt_error(crm, usage, "unexpected argument '%s'", argv[0]);
	else if (!fo.f.v[CF_NAME] && !fo.f.v[CF_EMAIL] && !fo.f.v[CF_PHONE])
		rc = opt_error(crm, usage, "--name (or --email or --phone) is required");
	else if (!(rc = finish_fields(crm, usage, opts, &fo, &kv))) {
		fo.f.source = "manual";
		rc = crm_client_add(crm, &fo.f, &id);
		if (!rc)
			printf("%lld\n", id);
	}
	free(kv);
	field_opts_free(&fo);
	return rc;
}

static int client_import(struct crm *crm, int argc, char **argv)
{
	return cmd_import(crm, argc, argv, &crm_client_importer);
}

static int client_list(struct crm *crm, int argc, char **argv)
{
	struct client_filter_args cf;

	return cmd_list(crm, argc, argv, "[--stage STAGE] [--q TEXT] [--limit N] ...",
	                client_filter_init(crm, &cf));
}


/* show: one CLIENT, the whole record for a person unless a format is
 * asked for */
static int client_show(struct crm *crm, int argc, char **argv)
{
	struct opt opts[] = { OPT_POS(COMPL_CLIENT), OPT_END() };
	struct printer *pr;
	long long id;
	int n, rc;

	if ((n = opt_parse(crm, argc, argv, opts, "CLIENT")) < 0)
		return OPT_EXIT(n);
	rc = cmd_one_client(crm, "CLIENT", n, argv, &id);
	/* show takes a name too, when one client has it */
	if (rc == CRM_DATAERR && n == 1 && !strchr(argv[0], '@') &&
	    !crm_phone_like(argv[0]))
		rc = crm_client_resolve_name(crm, argv[0], &id);
	if (rc)
		return rc;
	pr = cmd_show_printer(crm);
	rc = crm_client_show(crm, id, pr);
	printer_free(pr);
	return rc;
}

static int client_stage(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "CLIENT...|- STAGE";
	const char *reason = NULL;
	long long *ids = NULL;
	int n, nids, rc = 0, moved = 0, there = 0, yes = 0, would;
	struct opt opts[] = {
		OPT_STRING("reason", &reason, "TEXT", "why (kept in the history)"),
		OPT_FLAG("yes", 'y', &yes, "no question however many clients change"),
		OPT_POS(COMPL_CLIENT),
		OPT_POS(COMPL_STAGE),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n < 2)
		return opt_error(crm, usage, "clients and a stage are required");
	if ((rc = crm_stage_check(crm, argv[n - 1])))
		return cmd_arg_fail(crm, rc);
	if ((rc = cmd_refs(crm, n - 1, argv, crm_client_resolve, &ids, &nids)))
		return rc;
	/* count what would move only when the question could be asked */
	would = nids;
	if (!yes && crm->cfg.bulk_confirm > 0 && nids > crm->cfg.bulk_confirm)
		rc = crm_client_count_moves(crm, ids, nids, argv[n - 1], &would);
	if (!rc && !(rc = cmd_confirm_bulk(crm, would, "client stage", yes)))
		rc = crm_client_set_stage(crm, ids, nids, argv[n - 1], reason, &moved, &there);
	if (!rc && there)
		cmd_say(crm, "%d of %d client%s moved to '%s' (%d already there)", moved, nids,
		        nids == 1 ? "" : "s", argv[n - 1], there);
	else if (!rc)
		cmd_say(crm, "%d of %d client%s moved to '%s'", moved, nids,
		        nids == 1 ? "" : "s", argv[n - 1]);
	free(ids);
	return rc;
}

/* CLIENT alone, or "-": the clients on stdin, one a line, changed all
 * or none */
static int client_edit(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "CLIENT|- [--name NAME] [--set KEY=VALUE] ...";
	struct field_opts fo;
	struct crm_kv_arg *kv = NULL;
	long long id, *ids = NULL;
	int n, nids, rc, yes = 0, clients = 0, changed = 0;

	memset(&fo, 0, sizeof fo);
	struct opt opts[] = {
		FIELD_OPTS(fo),
		OPT_STRINGV("status", &fo.f.v[CF_STATUS], "STATUS", "active or archived",
		            crm_client_set_statuses),
		OPT_STRING("lost-reason", &fo.f.v[CF_LOST_REASON], "TEXT", "why the client was lost"),
		OPT_STRING("set-note", &fo.f.v[CF_NOTES], "TEXT", "replace the notes ('' clears them)"),
		OPT_LISTC("untag", &fo.untags, "TAG", "remove a tag", COMPL_TAG),
		OPT_LIST("unset", &fo.unsets, "KEY", "remove a custom field"),
		OPT_FLAG("yes", 'y', &yes, "no question however many clients change (with -)"),
		OPT_POS(COMPL_CLIENT),
		OPT_END()
	};
	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		rc = OPT_EXIT(n);
	else if (n == 1 && !strcmp(argv[0], "-")) {
		/* the fields first: nothing read nor asked for when they are wrong */
		if (!(rc = finish_fields(crm, usage, opts, &fo, &kv)) &&
		    !(rc = crm_client_check_fields(crm, &fo.f)) &&
		    !(rc = cmd_refs(crm, 1, argv, crm_client_resolve, &ids, &nids)) &&
		    !(rc = cmd_confirm_bulk(crm, nids, "client edit", yes)) &&
		    !(rc = crm_client_update_all(crm, ids, nids, &fo.f, &clients, &changed)))
			cmd_say(crm, "client edit: %d of %d client%s changed, %d change%s", clients,
			        nids, nids == 1 ? "" : "s", changed, changed == 1 ? "" : "s");
	} else if (!(rc = cmd_one_client(crm, usage, n, argv, &id)) &&
	           !(rc = finish_fields(crm, usage, opts, &fo, &kv))) {
		rc = crm_client_update(crm, id, &fo.f, &changed);
		if (!rc)
			cmd_say(crm, "client %lld: %d change%s", id, changed,
			        changed == 1 ? "" : "s");
	}
	free(ids);
	free(kv);
	field_opts_free(&fo);
	return rc;
}

/* CLIENT...|-: every personal value of theirs erased, their email and
 * phone kept on do-not-contact; asked for past bulk.confirm */
static int client_forget(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "CLIENT...|- [--yes]";
	long long *ids = NULL;
	int n, nids, rc, yes = 0, done = 0;
	struct opt opts[] = {
		OPT_FLAG("yes", 'y', &yes, "no question however many clients are forgotten"),
		OPT_POS(COMPL_CLIENT),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n < 1)
		return opt_error(crm, usage, "clients (id, email or phone) or '-' are required");
	if ((rc = cmd_refs(crm, n, argv, crm_client_resolve, &ids, &nids)))
		return rc;
	if (!(rc = cmd_confirm_bulk(crm, nids, "client forget", yes)))
		rc = crm_client_forget(crm, ids, nids, &done);
	if (done)
		cmd_say(crm, "client forget: %d client%s forgotten; %s email and phone on"
		        " do-not-contact", done, done == 1 ? "" : "s", done == 1 ? "its" : "their");
	free(ids);
	return rc;
}

static int client_dupes(struct crm *crm, int argc, char **argv)
{
	return cmd_print_all(crm, argc, argv, crm_client_dupes, NULL);
}

/* The pairs of `merge -`: "KEEP DROP" a line, the two split by a tab, a
 * comma or spaces; what follows them (the match and key of client
 * dupes) is ignored, and so is a header line that starts with "id". */
static int merge_pairs(struct crm *crm, long long **pairs, int *n)
{
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;

	*pairs = NULL;
	*n = 0;
	while (!rc && getline(&line, &cap, stdin) > 0) {
		char *f[2], *p = line;
		int k;
		lineno++;
		for (k = 0; k < 2; k++) {
			p += strspn(p, " \t,\r\n");
			f[k] = p;
			p += strcspn(p, " \t,\r\n");
			if (*p)
				*p++ = '\0';
		}
		if (!*f[0] || (lineno == 1 && !strcmp(f[0], "id")))
			continue;
		if (!*f[1]) {
			rc = crm_err(crm, CRM_DATAERR, "client merge: stdin:%ld: a KEEP and a DROP"
			             " client are needed", lineno);
			break;
		}
		*pairs = xrealloc(*pairs, (size_t)(*n + 1) * 2 * sizeof **pairs);
		for (k = 0; k < 2 && !rc; k++)
			if ((rc = crm_client_resolve(crm, f[k], &(*pairs)[2 * *n + k]))) {
				char msg[sizeof crm->err];
				memcpy(msg, crm->err, sizeof msg);
				crm_err(crm, rc, "client merge: stdin:%ld: %s", lineno, msg);
			}
		(*n)++;
	}
	free(line);
	return rc;
}

/* what one merge moved, on stderr */
static void merge_told(void *arg, long long keep, long long drop,
                       const struct crm_merge_counts *c)
{
	struct crm *crm = arg;

	cmd_say(crm, "client merge: %lld into %lld: %lld communication%s, %lld listing%s,"
	        " %lld lead%s, %lld tag%s, %lld custom field%s, %lld field%s, %lld history"
	        " row%s; %lld removed", drop, keep, c->comms, c->comms == 1 ? "" : "s",
	        c->listings, c->listings == 1 ? "" : "s", c->leads, c->leads == 1 ? "" : "s",
	        c->tags, c->tags == 1 ? "" : "s", c->custom, c->custom == 1 ? "" : "s",
	        c->fields, c->fields == 1 ? "" : "s", c->history, c->history == 1 ? "" : "s",
	        drop);
}

/* KEEP DROP, or "-": pairs on stdin, all in one transaction */
static int client_merge(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "KEEP DROP|- [--dry-run]";
	long long *pairs = NULL;
	int n, npairs = 0, rc, dry = 0;
	struct opt opts[] = {
		OPT_FLAG("dry-run", 'n', &dry, "say what would be merged; change nothing"),
		OPT_POS(COMPL_CLIENT),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if (n == 1 && !strcmp(argv[0], "-"))
		rc = merge_pairs(crm, &pairs, &npairs);
	else if (n != 2)
		return opt_error(crm, usage, "a KEEP and a DROP client are required (or -)");
	else {
		pairs = xmalloc(2 * sizeof *pairs);
		npairs = 1;
		if ((rc = crm_client_resolve(crm, argv[0], &pairs[0])) == 0)
			rc = crm_client_resolve(crm, argv[1], &pairs[1]);
	}
	if (!rc)
		rc = crm_client_merge_all(crm, pairs, npairs, dry, merge_told, crm);
	if (!rc && dry)
		cmd_say(crm, "client merge: dry run: nothing changed");
	free(pairs);
	return rc;
}

static int client_history(struct crm *crm, int argc, char **argv)
{
	static const char usage[] = "CLIENT [--limit N] [--offset N]";
	long long id, limit = -1, offset = 0;
	struct printer *pr;
	int n, rc;
	struct opt opts[] = {
		OPT_INT("limit", &limit, "N", "at most N changes", NULL),
		OPT_INT("offset", &offset, "N", "skip the first N (for paging)", NULL),
		OPT_POS(COMPL_CLIENT),
		OPT_END()
	};

	if ((n = opt_parse(crm, argc, argv, opts, usage)) < 0)
		return OPT_EXIT(n);
	if ((rc = cmd_one_client(crm, usage, n, argv, &id)))
		return rc;
	pr = cmd_list_printer(crm);
	rc = crm_client_history(crm, id, limit, offset, pr);
	printer_free(pr);
	return rc;
}

const struct cmd client_cmds[] = {
	{ "add", client_add, CMD_DB | CMD_WRITES, "add a client (an owner)", NULL },
	{ "import", client_import, CMD_DB | CMD_WRITES, "add or update clients from CSV, TSV or JSONL", NULL },
	{ "list", client_list, CMD_DB | CMD_LIST, "list clients matching filters", NULL },
	{ "show", client_show, CMD_DB, "show a client, its listings and communications", NULL },
	{ "stage", client_stage, CMD_DB | CMD_WRITES, "move clients to a pipeline stage", NULL },
	{ "edit", client_edit, CMD_DB | CMD_WRITES, "change a client's fields", NULL },
	{ "history", client_history, CMD_DB, "show a client's audit trail", NULL },
	{ "forget", client_forget, CMD_DB | CMD_WRITES, "erase a person's data, keep them on do-not-contact", NULL },
	{ "dupes", client_dupes, CMD_DB | CMD_LIST, "list likely duplicate owners, for merge", NULL },
	{ "merge", client_merge, CMD_DB | CMD_WRITES, "merge a duplicate client into another", NULL },
	{ NULL, NULL, 0, NULL, NULL }
};
