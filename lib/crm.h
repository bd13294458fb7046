/* crm.h: the crm library's context, status codes and shared helpers.
 *
 * Every library function returns a crm status (0 on success) and never
 * prints or exits; on failure it leaves a message in crm->err through
 * crm_err().  The dispatcher turns the status into `crm: <message>` on
 * stderr and uses the status as the exit code (DESIGN.md sec. 8).
 */
#ifndef CRM_H
#define CRM_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "config.h"

#define CRM_VERSION "0.1.0"

/* Status codes double as exit codes. */
enum crm_status {
	CRM_OK = 0,
	CRM_NOTFOUND = 1,     /* nothing matched / not found */
	CRM_USAGE = 64,       /* unknown command or option, missing argument */
	CRM_DATAERR = 65,     /* bad input data */
	CRM_NOINPUT = 66,     /* an input file or source cannot be opened */
	CRM_UNAVAILABLE = 69, /* a remote is unavailable */
	CRM_SOFTWARE = 70,    /* internal error */
	CRM_CANTCREAT = 73,   /* cannot create the database or an output file */
	CRM_IOERR = 74,       /* the change was committed, its output lost */
	CRM_TEMPFAIL = 75,    /* database busy past the timeout */
	CRM_CONFIG = 78,      /* configuration error */
};

/* Output formats (DESIGN.md sec. 6). */
enum crm_fmt {
	FMT_DEFAULT = -1, /* table on a TTY, tsv otherwise */
	FMT_TABLE = 0,
	FMT_TSV,
	FMT_CSV,
	FMT_JSON,
	FMT_JSONL,
	FMT_IDS,
	FMT_XLSX,         /* crm export's workbook: no --format names it */
	FMT_HTML,         /* crm report's tables (lib/html.c): no --format */
};

struct crm_stmt_cache;

/* change.c: what the open transaction has changed so far: its change set
 * (0: none yet, made at the first change) and the communications it
 * logged (ids first..last; 0: none).  A batch keeps a copy before each
 * record's savepoint and puts it back when the record is undone. */
struct crm_change_state {
	long long set, comm_first, comm_last;
};

struct crm {
	/* from global options and the environment */
	const char *db_opt;      /* --db or $CRM_DB */
	const char *config_opt;  /* --config or $CRM_CONFIG */
	long long operator_id;   /* --operator, $CRM_OPERATOR, config; 0: none set
	                            (lists show every operator; new rows go to 1) */
	enum crm_fmt fmt;        /* --format, resolved before the command runs */
	int fmt_given;           /* --format was given */
	unsigned fmt_refused;    /* formats the command cannot print (1 << fmt):
	                            ids, but for a list */
	int safe_csv;            /* --safe-csv: no cell a spreadsheet would run */
	int quiet;               /* -q: no talk on stderr */
	int no_pager;            /* --no-pager: a long table is not paged */
	int writes;              /* the command changes the database (--actor) */
	int no_hooks;            /* --no-hooks or $CRM_NO_HOOKS: no hook runs */
	const char *actor;       /* --actor or $USER */
	const char *cmdname;     /* "client add": context for messages */

	struct crm_config cfg;   /* always loaded before a command runs */
	char *db_path;           /* the resolved database path (owned) */
	sqlite3 *db;             /* open only for commands that need it */
	struct crm_stmt_cache *stmts;
	int committed;           /* transactions the command committed */
	int stmt_rc;             /* the status of the last crm_stmt that failed */
	long long operator_known; /* an operator found in the database (0: none) */
	struct crm_change_state changes; /* of the open transaction */
	int outbox;              /* outbox.c: 0 not known yet, 1 changes are kept
	                            in the outbox, -1 they are not */
	int sync_inbound;        /* the changes come from an external CRM (crm sync
	                            apply): the outbox does not send them back */

	char err[2048];          /* the last error message, without "crm: " */
};

/* Record a message and return status: `return crm_err(crm, CRM_DATAERR,
 * "stage '%s': not in the pipeline", s);` */
int crm_err(struct crm *crm, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Map a SQLite result code to a status and message; ctx names the work. */
int crm_sqlerr(struct crm *crm, const char *ctx);

/* db.c */
int crm_db_path(struct crm *crm);        /* resolve crm->db_path */
/* $XDG_DATA_HOME/crm/crm.db, else ~/.local/share/crm/crm.db (owned);
 * NULL when neither variable is set */
char *crm_default_db_path(void);
int crm_db_open(struct crm *crm);         /* open, create, migrate */
/* The same for a command that only reads: the database is never created
 * (nor its folder); CRM_NOINPUT when there is no such file. */
int crm_db_open_existing(struct crm *crm);
/* migrate.c: bring the open database to this binary's schema (create it
 * when new); 73 when it is not a crm database or a newer one. */
int crm_db_migrate(struct crm *crm);
/* The owner keys in SQL, as crm computes them now: crm_norm_email(x)
 * and crm_phone_key(x), NULL for what is no email or phone. */
int crm_db_functions(struct crm *crm);
/* search.c: bring the search index up to date with the clients and
 * leads that changed (search_dirty); crm_commit does, before it commits. */
int crm_search_sync(struct crm *crm);
/* The same, in a transaction of its own; *indexed is how many clients
 * and leads were waiting (crm init). */
int crm_search_refresh(struct crm *crm, long long *indexed);
/* change.c: write what the transaction's change set still holds in
 * memory (the range of communications it logged); crm_commit does,
 * before it commits.  crm_change_forget: the transaction is over. */
int crm_change_flush(struct crm *crm);
void crm_change_forget(struct crm *crm);
/* Run sql (several statements may be); ctx names the work in an error. */
int crm_db_exec(struct crm *crm, const char *sql, const char *ctx);
void crm_db_close(struct crm *crm);
int crm_db_schema_version(void);          /* the version this binary knows */
int crm_db_application_id(void);          /* PRAGMA application_id of crm's files */
/* What the open database says of itself: its schema version (PRAGMA
 * user_version), its application id, and how many objects its schema
 * has (0 for a new file; counted only when version and id are both 0,
 * else -1). */
struct crm_db_ident {
	int version, appid, nobjects;
};
int crm_db_ident(struct crm *crm, struct crm_db_ident *id);
/* Open the existing database read-only, as it is: never created or
 * migrated, whatever its application id or version (the caller looks);
 * CRM_NOINPUT when there is no such file. */
int crm_db_open_asis(struct crm *crm);
extern const char crm_schema_sql[];       /* schema.sql, compiled in */
int crm_begin(struct crm *crm);           /* BEGIN IMMEDIATE; 75 when busy */
int crm_commit(struct crm *crm);
void crm_rollback(struct crm *crm);
/* A transaction of its own unless the caller has one open: crm_tx_begin
 * sets *own; crm_tx_end commits (rc == 0) or rolls back what it began and
 * returns rc or the commit's status. */
int crm_tx_begin(struct crm *crm, int *own);
int crm_tx_end(struct crm *crm, int own, int rc);
/* A prepared statement for a static SQL string, prepared once per process,
 * reset and with bindings cleared on each call.  Owned by the cache.  NULL
 * when it cannot be prepared: the message is set, and crm_stmt_status()
 * gives the status (75 busy, 73 read-only or not a database, 70 else). */
sqlite3_stmt *crm_stmt(struct crm *crm, const char *sql);
int crm_stmt_status(const struct crm *crm);
/* The first row's id of sql (rows of id, operator_id; ?1 the operator or
 * 0 for any, ?2 value): *id 0 when there is none; ops[0] is its
 * operator, ops[1] another operator a later row has (0: none). */
int crm_lookup_owned(struct crm *crm, const char *sql, long long op, const char *value,
                     long long *id, long long ops[2], const char *ctx);
/* column i of the current row as owned text, NULL for NULL */
char *crm_column_dup(sqlite3_stmt *st, int i);
/* Step a statement that returns no rows; status + message on failure. */
int crm_exec_stmt(struct crm *crm, sqlite3_stmt *st, const char *ctx);
/* The id the first row of sql gives, with ?1 bound to a and ?2 to b;
 * *id 0 when there is no row. */
int crm_lookup_id(struct crm *crm, const char *sql, long long a, const char *b,
                  long long *id, const char *ctx);
/* bind text or NULL when s is NULL or empty; s is not copied, so it must
 * live until the statement has been stepped */
int crm_bind_text(sqlite3_stmt *st, int i, const char *s);

/* 0 when s is a stage of the pipeline (a channel of the config); else
 * CRM_DATAERR "stage 's': not a pipeline stage (new, contacted, ...);
 * did you mean 'x'?". */
int crm_stage_check(struct crm *crm, const char *s);
int crm_channel_check(struct crm *crm, const char *s);
/* What would work instead of s, for a message: "(a, b, c)" (the
 * NULL-terminated set, cut with "..." past buf's size), then "; did you
 * mean 'b'?" when one of them is what s likely meant.  Returns buf. */
const char *crm_hint(const char *s, const char *const *set, char *buf, size_t size);
/* CRM_DATAERR "NAME 'S': WHAT (a, b, c); did you mean 'b'?": a value
 * that is not one of the set */
int crm_not_in_set(struct crm *crm, const char *name, const char *s, const char *what,
                   const char *const *set);

/* The operator new rows belong to: the configured one, else 1. */
long long crm_operator(struct crm *crm);
/* Make sure operator id exists in `operators` (added by hand if not). */
int crm_operator_ensure(struct crm *crm, long long id);

/* timeutil.c: times are UTC ISO-8601 text "YYYY-MM-DDTHH:MM:SSZ". */
#define CRM_TIME_LEN 21 /* with the NUL */
int crm_now(char out[CRM_TIME_LEN]);   /* $CRM_NOW or the clock */
/* -1 when $CRM_NOW is set but is not an absolute time */
int crm_now_check(void);
long long crm_now_epoch(void);
/* The clock as it is now, read afresh (each request of a long push),
 * unless $CRM_NOW froze it. */
long long crm_clock_epoch(void);
/* Parse a typed time, any form of crm_time_parse_as below (a span such as
 * "7d", "24h", "30m", "2w" is that long before now), into canonical UTC
 * text.  0 on success, -1 if it is not a time. */
int crm_time_parse(const char *in, char out[CRM_TIME_LEN]);
/* The forms crm_time_parse_as takes (below), as every message about a
 * time that is not one lists them: "at 'x': not a time (use "
 * CRM_TIME_FORMS ")"; a date or time without a zone is local, a weekday
 * stands for all seven.  Kept here, beside the parser, so that a new
 * form is one line more. */
#define CRM_TIME_FORMS "2026-12-01, 2026-12-01 10:00, 2026-12-01T10:00:00Z," \
	" 2026-12-01T10:00+01:00, today, tomorrow, monday, +2d, +3h, 7d, 24h, 30m, 2w"
/* The same, but a relative time is that long after now ("7d": in a week),
 * for times that are due, such as next_action_at. */
int crm_time_parse_ahead(const char *in, char out[CRM_TIME_LEN]);
/* The forms people type, into canonical UTC text, 0 or -1: a date or time
 * with Z or an offset; one without, as "2026-12-01 10:00" or
 * "2026-12-01T10:00", in the display zone (a date alone is its start);
 * today, tomorrow, a weekday (monday, mon: the next one, a week ahead on
 * a Monday), each the start of that local day; "+2d", "+3h": that long
 * after now; "7d", "24h": that long before now, or after it with
 * CRM_TIME_AHEAD.  With CRM_TIME_DAY_END the end of it: a day (any form
 * but a span) gives the start of the next local day, a span the second
 * after it (so that "< end" is "by the end").  Units: s, m, h,
 * d, w.  crm_time_parse and crm_time_parse_ahead are this with 0 and
 * CRM_TIME_AHEAD. */
enum { CRM_TIME_AHEAD = 1, CRM_TIME_DAY_END = 2 };
int crm_time_parse_as(const char *in, unsigned flags, char out[CRM_TIME_LEN]);
/* The zone people see (display.timezone), a name of the system's tz
 * database; NULL or "" for $TZ, else UTC. */
void crm_time_set_zone(const char *zone);
/* epoch <-> the broken-down local time of the display zone (tm_wday
 * set; mktime's rules for a time a clock change skips or repeats) */
struct tm;
int crm_time_local(long long t, struct tm *tm);
int crm_time_unlocal(const struct tm *tm, long long *t);
/* Many local times at the cost of one: between begin and end the zone
 * stays in force (they nest). */
void crm_time_zone_begin(void);
void crm_time_zone_end(void);
/* A canonical time for a person: "2026-12-01 10:00" in the display zone;
 * or, by ago, how far from now: "now", "in 5m", "3h ago", "in 2d", "3w
 * ago" (minutes under an hour, hours under a day, days under two weeks,
 * weeks under eight), past that the local date.  -1 when canon is not a
 * time (the caller shows it as it is). */
#define CRM_LOCAL_LEN 17
int crm_time_local_text(const char *canon, char out[CRM_LOCAL_LEN]);
int crm_time_ago(const char *canon, char out[CRM_LOCAL_LEN]);
int crm_time_to_epoch(const char *canon, long long *epoch);
/* The UTC offset (seconds east) of t in zone, a name of the system's tz
 * database (automation.timezone), whatever the display zone is; "UTC"
 * needs no database. */
int crm_zone_offset(const char *zone, long long t, long *off);
void crm_time_from_epoch(long long epoch, char out[CRM_TIME_LEN]);

/* text.c: Unicode text (libutf8proc) and owner identity */
/* 0 when s[0..n) is valid UTF-8 (no overlong form, surrogate or code
 * point past U+10FFFF); else the position, from 1, of the first bad byte */
size_t crm_utf8_check(const char *s, size_t n);
/* 1 if s[0..n) is ASCII alone */
int crm_ascii(const char *s, size_t n);
int crm_utf8_valid(const char *s);
/* s (or s[0..n)) in Unicode NFC (owned); NULL when it is not UTF-8 */
char *crm_nfc(const char *s);
char *crm_nfc_n(const char *s, size_t n);
/* Text a user stores: CRM_DATAERR "WHAT: not valid UTF-8 (byte N)", else
 * *out is its NFC form (owned). */
int crm_text(struct crm *crm, const char *what, const char *in, char **out);
/* s without Unicode white space at either end: the start, and its length
 * in *n */
const char *crm_trim_space(const char *s, size_t *n);
/* The first control, format or space character (Unicode Cc, Cf, Zs, Zl,
 * Zp; U+0020 too unless allow_space) of valid UTF-8 s[0..n), -1 if none */
long crm_invisible(const char *s, size_t n, int allow_space);
/* 1 if s has a control character: C0, DEL, or C1 (U+0080..U+009F) */
int crm_has_control(const char *s);
/* The owner key of an email: trimmed of white space, an addr-spec as
 * mail systems take it (see crm_email_valid), in NFC and case folded.
 * NULL (and no allocation) when s is not one: not UTF-8, or a control,
 * format or space character inside. */
char *crm_norm_email(const char *s);
/* Whether the n bytes at s are an email address: a dot-atom local part
 * (RFC 5322, no comments or quoted strings; UTF-8 letters allowed), an @,
 * and a domain of two or more labels, none empty, none starting or
 * ending with '-'. */
int crm_email_valid(const char *s, size_t n);

/* phone.c.  The owner key of a phone (owned, *key): its E.164 form
 * ("+34612345678") when libphonenumber parses it as a number of a
 * possible length, national and 00 forms read in phone.default_region;
 * else its digits as typed ("612345"), which crm_phone_key_parsed() tells
 * apart: such a number is kept, matched as typed, and shown as not
 * parsed.  CRM_DATAERR when s has fewer than 5 digits; CRM_SOFTWARE when
 * crm-phone.so cannot be loaded.  s is already checked (crm_owner_value). */
int crm_phone_key(struct crm *crm, const char *s, char **key);
/* the longest text read as a phone number; a longer one is its digits */
#define CRM_PHONE_MAX 64
int crm_phone_key_parsed(const char *key);
/* Whether s is written as a phone is: 5 digits or more, with spaces,
 * dots, dashes, slashes, brackets and a leading '+' */
int crm_phone_like(const char *s);
/* *known: whether libphonenumber knows region (ES, FR, ...). */
int crm_phone_region_known(struct crm *crm, const char *region, int *known);
/* An email (phone set: a phone) given for field: *norm its owner key, and
 * *value (may be NULL) what is stored, trimmed and in NFC; both owned.
 * CRM_DATAERR naming the field and what is wrong. */
int crm_owner_value(struct crm *crm, const char *field, const char *in, int phone,
                    char **value, char **norm);

/* util: allocation that succeeds or ends crm with "out of memory" (70),
 * the one place lib/ exits */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);   /* n bytes of s, NUL-terminated */
/* the element of the NULL-terminated set equal to s, or NULL */
const char *crm_in_set(const char *s, const char *const *set);
int crm_parse_int(const char *s, long long *out); /* whole string, base 10 */
/* The element of the NULL-terminated set that s was most likely meant to
 * be (a typo: a few letters off, not all of them, case aside, or the
 * start of just one of them; of two as near, the one s is the start of),
 * or NULL when none is close. */
const char *crm_suggest(const char *s, const char *const *set);
/* The set as "a, b, c" into buf (cut with "..." when it does not fit). */
const char *crm_set_list(const char *const *set, char *buf, size_t size);
/* n bytes at s, not NUL-terminated */
struct crm_span {
	const char *s;
	size_t n;
};
/* The first of v[0..n) equal to an earlier one (its index), -1 when all
 * differ; n log n however large n is. */
int crm_find_dup(const struct crm_span *v, int n);

#endif
