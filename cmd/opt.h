/* opt.h: declarative options.  One array per subcommand parses the
 * arguments, prints --help, answers the completion helper and validates
 * enum values, so none of these can drift from the others.
 *
 *   const char *reason = NULL;
 *   struct opt opts[] = {
 *       OPT_STRING("reason", &reason, "TEXT", "why the stage changed"),
 *       OPT_POS(COMPL_STAGE),
 *       OPT_END()
 *   };
 *   int n = opt_parse(crm, argc, argv, opts, "CLIENT...|- STAGE");
 *   if (n < 0) return OPT_EXIT(n);  // --help (0) or a usage error (64)
 *   // argv[0..n-1] now holds the positional arguments
 *
 * A set of options that several commands take is declared once and
 * inherited (OPT_INHERIT), as notmuch does: the client filters, say.
 * Every subcommand also takes the common options: --format, --safe-csv,
 * -q/--quiet and --help, and --actor when it changes the database.
 * Options may come before, between or after positional arguments; "--"
 * ends them; "-" alone is a positional argument.  The global options of
 * `crm` itself are an array too (opt_parse_global).
 */
#ifndef CRM_OPT_H
#define CRM_OPT_H

#include <stdarg.h>

#include "../lib/crm.h"

enum opt_kind {
	OPT_END_ = 0,
	OPT_FLAG_,    /* int *: set to 1 */
	OPT_STRING_,  /* const char **: the last one wins */
	OPT_INT_,     /* long long *, 0 or more (1 or more with OPTF_POSITIVE) */
	OPT_LIST_,    /* struct strvec *: repeatable */
	OPT_ENUM_,    /* const char **, value must be one of ->values */
	OPT_FORMAT_,  /* enum crm_fmt *: an output format's name */
	OPT_ANYOF_,   /* struct strvec *: values any of which matches, repeated
	                 or as a comma list (--stage a,b --stage c); each one
	                 of ->values when set, an id with OPTF_POSITIVE */
	OPT_INHERIT_, /* ->target is another array, whose options are these too */
	OPT_POS_,     /* no option: how positional arguments complete */
};

enum opt_flags {
	OPTF_NONEMPTY = 1 << 0,  /* an empty value is a usage error */
	OPTF_POSITIVE = 1 << 1,  /* OPT_INT_: 1 or more (an id) */
	OPTF_OPTIONAL = 1 << 2,  /* OPT_STRING_: the value may be left out
	                            ("--due" alone is values[0]); the next
	                            argument is it unless it starts with "-" */
};

/* What completes an option's value (or the positional arguments). */
enum opt_compl {
	COMPL_NONE = 0,
	COMPL_FILE,
	COMPL_STAGE,    /* pipeline.stages from the live config */
	COMPL_CHANNEL,  /* channels from the live config */
	COMPL_FORMAT,   /* output formats */
	COMPL_VALUES,   /* ->values */
	COMPL_CONFIG_KEY, /* the keys of crm.yaml */
	COMPL_CLIENT,   /* the clients' emails in the database, 200 at most */
	COMPL_TAG,      /* the tags in use, 200 at most */
};

struct strvec {
	const char **v;
	int n;
};
void strvec_push(struct strvec *sv, const char *s);
void strvec_free(struct strvec *sv);

struct opt {
	enum opt_kind kind;
	const char *name;      /* long name, without "--" */
	char short_name;       /* 0: none */
	void *target;
	const char *argname;   /* "TEXT", "N", ... */
	const char *help;
	enum opt_compl compl;
	const char *const *values; /* OPT_ENUM_: NULL-terminated */
	int *seen;             /* optional: set to 1 when given */
	unsigned flags;        /* enum opt_flags */
};

#define OPT_FLAG(n, s, t, h) { OPT_FLAG_, n, s, t, NULL, h, COMPL_NONE, NULL, NULL, 0 }
#define OPT_STRING(n, t, a, h) { OPT_STRING_, n, 0, t, a, h, COMPL_NONE, NULL, NULL, 0 }
#define OPT_STRINGC(n, t, a, h, c) { OPT_STRING_, n, 0, t, a, h, c, NULL, NULL, 0 }
#define OPT_INT(n, t, a, h, seen) { OPT_INT_, n, 0, t, a, h, COMPL_NONE, NULL, seen, 0 }
/* an id: a whole number from 1 */
#define OPT_ID(n, t, a, h, seen) { OPT_INT_, n, 0, t, a, h, COMPL_NONE, NULL, seen, OPTF_POSITIVE }
#define OPT_LIST(n, t, a, h) { OPT_LIST_, n, 0, t, a, h, COMPL_NONE, NULL, NULL, 0 }
#define OPT_LISTC(n, t, a, h, c) { OPT_LIST_, n, 0, t, a, h, c, NULL, NULL, 0 }
#define OPT_ENUM(n, t, a, h, vals) { OPT_ENUM_, n, 0, t, a, h, COMPL_VALUES, vals, NULL, 0 }
/* a string whose usual values complete, but which the library checks */
#define OPT_STRINGV(n, t, a, h, vals) { OPT_STRING_, n, 0, t, a, h, COMPL_VALUES, vals, NULL, 0 }
/* a filter's values, any of which matches: repeated or a comma list;
 * each one of vals (NULL: any text, which the library checks); c
 * completes them.  ANYID: ids from 1. */
#define OPT_ANYOF(n, t, a, h, c, vals) { OPT_ANYOF_, n, 0, t, a, h, c, vals, NULL, 0 }
#define OPT_ANYID(n, t, a, h) { OPT_ANYOF_, n, 0, t, a, h, COMPL_NONE, NULL, NULL, OPTF_POSITIVE }
/* a string whose value may be left out: vals[0] then; vals complete */
#define OPT_OPTIONAL(n, t, a, h, vals) { OPT_STRING_, n, 0, t, a, h, COMPL_VALUES, vals, NULL, OPTF_OPTIONAL }
#define OPT_INHERIT(opts) { OPT_INHERIT_, NULL, 0, (void *)(opts), NULL, NULL, COMPL_NONE, NULL, NULL, 0 }
#define OPT_POS(c) { OPT_POS_, NULL, 0, NULL, NULL, NULL, c, NULL, NULL, 0 }
#define OPT_POSV(vals) { OPT_POS_, NULL, 0, NULL, NULL, NULL, COMPL_VALUES, vals, NULL, 0 }
#define OPT_END() { OPT_END_, NULL, 0, NULL, NULL, NULL, COMPL_NONE, NULL, NULL, 0 }

#define OPT_HELP (-1)   /* --help was printed: exit 0 */
#define OPT_BAD (-2)    /* a usage error was printed: exit 64 */
#define OPT_FAILED(st) (-100 - (st)) /* what the command needs failed, said: exit st */
#define OPT_EXIT(n) ((n) == OPT_HELP ? 0 : (n) == OPT_BAD ? CRM_USAGE : -100 - (n))

/* What the command needs once its options are known to be good (the
 * database): fn runs once, at the end of the next opt_parse that
 * succeeds, not for --help nor for a usage error.  A status other than 0,
 * which fn has told, makes opt_parse return OPT_FAILED(status). */
void opt_when_parsed(int (*fn)(struct crm *crm));

/* Parse argv (argv[0] is the subcommand's name; crm->cmdname names it in
 * messages).  Returns the count of positional arguments, moved to
 * argv[0..n-1]; or OPT_BAD after printing "crm: <cmd>: unknown option
 * '--x'" and the usage line; or OPT_HELP after printing --help; or
 * OPT_FAILED (see opt_when_parsed).  It also resolves crm->fmt (table on
 * a TTY, tsv otherwise).
 * With the hidden first argument "--crm-complete PREV CUR" it prints the
 * candidates for the completion helper and returns OPT_HELP. */
int opt_parse(struct crm *crm, int argc, char **argv, const struct opt *opts,
              const char *usage);
/* The global options of `crm`, before the command: parsed up to the
 * first argument that is not an option, whose index it returns (argc
 * when there is none); OPT_BAD after a usage error.  Messages have no
 * command name. */
int opt_parse_global(struct crm *crm, int argc, char **argv, const struct opt *opts,
                     const char *usage);
/* The candidates for an option's value (prev, "--db" say) or for a new
 * option (cur starts with "-"): 1 when it answered. */
int opt_complete_global(struct crm *crm, const struct opt *opts, const char *prev,
                        const char *cur);

/* The lists (OPT_LIST, OPT_ANYOF) that parsing opts filled, freed. */
void opt_free(const struct opt *opts);

/* 1 if arg is "--name" of an option of opts that takes a value */
int opt_takes_value(const struct opt *opts, const char *arg);

/* A usage error: "crm: <cmd>: <message>" and the usage line on stderr;
 * returns CRM_USAGE. */
int opt_error(struct crm *crm, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print "usage: crm <cmd> <usage>" and the options to out. */
void opt_usage(struct crm *crm, FILE *out, const struct opt *opts,
               const char *usage);

#endif
