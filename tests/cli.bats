#!/usr/bin/env bats
# The dispatcher: global options, help, version, external commands, and the
# agreement of the command table, help, completion and man pages.
bats_require_minimum_version 1.5.0
load helper

@test "--version prints the version and opens no database" {
	crm_ok --db "$BATS_TEST_TMPDIR/no/such.db" --version
	assert_output --regexp '^crm [0-9]+\.[0-9]+\.[0-9]+$'
	assert [ ! -e "$BATS_TEST_TMPDIR/no" ]
}

@test "help lists the commands and opens no database" {
	crm_ok help
	assert_line --partial 'client'
	assert_line --partial 'config'
	refute_line --partial '__complete'
	assert [ ! -e "$CRM_DB" ]
}

@test "no command is a usage error" {
	crm_fails 64
	stderr_line 0 'usage: crm [--db PATH] [--config PATH] [--operator ID] [--format FMT]'
	stderr_has $'\ncommands:\n  init  '
}

@test "an unknown command exits 64 and names it" {
	crm_fails 64 frobnicate
	assert_equal "$stderr" "crm: 'frobnicate' is not a crm command; see 'crm help'"
}

@test "an unknown global option exits 64" {
	crm_fails 64 --bogus client list
	stderr_usage "crm: unknown option '--bogus'"
}

@test "a global option without its value exits 64" {
	# (after the command, --db is not a global option but unknown there)
	crm_fails 64 client list --db
	stderr_usage "crm: client list: unknown option '--db'"
	crm_fails 64 --db
	stderr_usage "crm: option '--db' needs a value"
}

@test "an unknown format exits 64" {
	crm_fails 64 --format yaml client list
	stderr_usage "crm: unknown format 'yaml'; use table, tsv, csv, json, jsonl or ids"
	crm_fails 64 client list --format yaml
	stderr_usage "crm: client list: unknown format 'yaml'; use table, tsv, csv, json, jsonl or ids"
}

@test "a bad --operator exits 64" {
	crm_fails 64 --operator abc client list
	stderr_usage "crm: option '--operator' takes a whole number, not 'abc'"
	crm_fails 64 --operator 0 client list
	stderr_usage "crm: option '--operator' takes a whole number from 1, not '0'"
	CRM_OPERATOR=-3 crm_fails 64 client list
	assert_equal "$stderr" "crm: CRM_OPERATOR: operator '-3' is not a positive whole number"
}

@test "an unknown subcommand and a missing one exit 64" {
	crm_fails 64 client frob
	assert_equal "$stderr" "crm: client: unknown subcommand 'frob'; see 'crm client --help'"
	crm_fails 64 client
	stderr_line 0 'usage: crm client SUBCOMMAND [ARGS]'
	stderr_has $'\nsubcommands:\n  add  '
}

@test "an unknown option of a subcommand exits 64 with the usage" {
	crm_fails 64 client list --bogus
	stderr_usage "crm: client list: unknown option '--bogus'"
	stderr_line 1 'usage: crm client list [--stage STAGE] [--q TEXT] [--limit N] ... [options]'
}

@test "an option's missing value and a bad number exit 64" {
	crm_fails 64 client list --limit
	stderr_usage "crm: client list: option '--limit' needs a value"
	crm_fails 64 client list --limit ten
	stderr_usage "crm: client list: option '--limit' takes a whole number, not 'ten'"
}

@test "a bad enum value exits 64" {
	crm_fails 64 client list --automation maybe
	stderr_usage "crm: client list: option '--automation': 'maybe' is not one of its values (on, off)"
}

@test "crm CMD --help and crm help CMD work without a database" {
	crm_ok client add --help
	assert_line --index 0 --partial 'usage: crm client add'
	assert_output --partial '--email EMAIL'
	crm_ok client --help
	assert_line --index 0 'usage: crm client SUBCOMMAND [ARGS]'
	assert_output --partial 'stage'
	crm_ok help client
	assert_line --index 0 'usage: crm client SUBCOMMAND [ARGS]'
	assert_output --partial 'history'
	assert [ ! -e "$CRM_DB" ]
}

@test "help for an unknown command exits 64" {
	crm_fails 64 help frob
	assert_equal "$stderr" "crm: help: 'frob' is not a crm command"
	crm_fails 64 help init extra
	assert_equal "$stderr" "crm: help: 'init' has no subcommand 'extra'"
	crm_fails 64 help client frob
	assert_equal "$stderr" "crm: client: unknown subcommand 'frob'; see 'crm client --help'"
}

@test "crm help GROUP SUBCOMMAND prints the subcommand's help" {
	crm_ok help client add
	assert_line --index 0 --partial 'usage: crm client add --name NAME'
	[ ! -e "$CRM_DB" ]
}

@test "an empty --db or --config is a usage error, not the default" {
	for o in --db --config; do
		crm_fails 64 $o '' init
		stderr_usage "crm: option '$o': the value is empty"
		crm_fails 64 $o= init
		stderr_usage "crm: option '$o': the value is empty"
	done
	[ ! -e "$HOME/.local/share/crm" ]
}

@test "an unknown command runs crm-NAME from PATH with the environment" {
	mkdir -p bin
	cat > bin/crm-hello <<'SH'
#!/bin/sh
echo "args: $*"
echo "db: $CRM_DB"
echo "config: $CRM_CONFIG"
echo "operator: $CRM_OPERATOR"
SH
	chmod +x bin/crm-hello
	: > my.yaml
	PATH="$PWD/bin:$PATH" crm_ok --db x.db --config my.yaml --operator 3 hello a 'b c'
	assert_line --index 0 'args: a b c'
	assert_line --index 1 'db: x.db'
	assert_line --index 2 'config: my.yaml'
	assert_line --index 3 'operator: 3'
	assert_equal "${#lines[@]}" 4
}

@test "the database is created with mode 0600 in a new folder" {
	export CRM_DB="$BATS_TEST_TMPDIR/deep/er/crm.db"
	run --separate-stderr crm init
	assert_success
	assert_output ''
	assert_equal "$stderr" "crm: database '$CRM_DB' is ready (schema version $SCHEMA)"
	assert_equal "$(stat -c %a "$CRM_DB")" 600
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/deep/er")" 700
}

@test "without --db or CRM_DB the database goes under XDG_DATA_HOME" {
	unset CRM_DB
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/data"
	crm_says "crm: database '$XDG_DATA_HOME/crm/crm.db' is ready (schema version $SCHEMA)" init
	assert [ -f "$XDG_DATA_HOME/crm/crm.db" ]
	unset XDG_DATA_HOME
	crm_says "crm: database '$HOME/.local/share/crm/crm.db' is ready (schema version $SCHEMA)" init
	assert [ -f "$HOME/.local/share/crm/crm.db" ]
}

@test "init is idempotent and sets the schema version" {
	crm_says "crm: database '$CRM_DB' is ready (schema version $SCHEMA)" init
	crm_says "crm: database '$CRM_DB' is ready (schema version $SCHEMA)" init
	run sqlite3 "$CRM_DB" 'PRAGMA user_version; PRAGMA journal_mode; PRAGMA application_id'
	assert_success
	assert_line --index 0 "$SCHEMA"
	assert_line --index 1 wal
	assert_line --index 2 1668443441
}

@test "init indexes for --q the clients written behind crm's back, once" {
	crm -q init
	sqlite3 "$CRM_DB" "INSERT INTO clients (operator_id, name, stage, created_at, updated_at)
		VALUES (1, 'Núñez', 'new', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"
	crm_fails 1 client list --q nunez --format ids
	assert_equal "$stderr" ""
	crm_says "crm: search index: 1 client or lead brought up to date
crm: database '$CRM_DB' is ready (schema version $SCHEMA)" init
	crm_ok client list --q nunez --format ids
	assert_output 1
	crm_says "crm: database '$CRM_DB' is ready (schema version $SCHEMA)" init
}

@test "init -q says nothing" {
	crm_silent -q init
	assert [ -f "$CRM_DB" ]
}

@test "a database from a newer crm is refused" {
	crm -q init
	sqlite3 "$CRM_DB" 'PRAGMA user_version = 999'
	crm_fails 73 client list
	assert_equal "$stderr" "crm: database '$CRM_DB': schema version 999 is newer than this crm knows ($SCHEMA); upgrade crm"
}

@test "a version 1 database that crm migrates gets the schema crm init makes from schema.sql" {
	# today's: schema.sql, version $SCHEMA
	crm_silent -q --db new.db init
	# version 1 as it was made (its schema.sql is the fixture), with an
	# owner and a lead whose emails it keyed in ASCII lower case only
	sqlite3 v1.db < "$TOP/tests/fixtures/schema-v1.sql"
	sqlite3 v1.db <<'SQL'
PRAGMA user_version = 1;
PRAGMA application_id = 1668443441;
INSERT INTO operators (id, name, created_at, updated_at)
	VALUES (1, 'operator 1', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
INSERT INTO clients (operator_id, name, email, email_norm, stage, created_at, updated_at)
	VALUES (1, 'Ana', 'ÁNA@X.TEST', lower('ÁNA@X.TEST'), 'new', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
INSERT INTO leads (external_id, operator_id, contact_email, email_norm, created_at, updated_at)
	VALUES ('l1', 1, 'BÓ@X.TEST', lower('BÓ@X.TEST'), '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
INSERT INTO communications (client_id, channel, direction, kind, status, occurred_at, created_at) VALUES
	(1, 'email', 'out', 'email', 'sent', '2026-11-02T09:00:00Z', '2026-11-02T09:00:00Z'),
	(1, 'form', 'out', 'form', 'sent', '2026-11-05T09:00:00Z', '2026-11-05T09:00:00Z'),
	(1, 'email', 'out', 'note', 'logged', '2026-11-06T09:00:00Z', '2026-11-06T09:00:00Z'),
	(1, 'email', 'in', 'email', 'received', '2026-11-07T09:00:00Z', '2026-11-07T09:00:00Z');
SQL
	assert_equal "$(sqlite3 v1.db 'SELECT email_norm FROM clients; SELECT email_norm FROM leads')" $'Ána@x.test\nbÓ@x.test'
	# any command migrates it
	crm_ok --db v1.db client list --format ids
	assert_output 1
	run sqlite3 new.db .schema
	assert_success
	assert_output --partial 'CREATE TABLE clients ('
	schema=$output
	run sqlite3 v1.db .schema
	assert_success
	assert_equal "$output" "$schema"
	run sqlite3 v1.db 'PRAGMA user_version; PRAGMA application_id'
	assert_success
	assert_output "$SCHEMA"$'\n1668443441'
	# and the migration did its work: the keys are in NFC and case folded
	run sqlite3 v1.db 'SELECT email_norm FROM clients; SELECT email_norm FROM leads'
	assert_success
	assert_output $'ána@x.test\nbó@x.test'
	crm_ok --db v1.db client show 'ána@x.test' --format json
	echo "$output" | jq -e '.id == 1'
	# version 4 counted the outbound touches: not the note, not the reply
	run sqlite3 v1.db 'SELECT touches, last_touch_at, last_touch_channel, dnc FROM clients'
	assert_success
	assert_output '2|2026-11-05T09:00:00Z|form|0'
}

@test "a file that is not a crm database is refused" {
	sqlite3 other.db 'CREATE TABLE t (x)'
	crm_fails 73 --db other.db client list
	assert_equal "$stderr" "crm: database 'other.db': not a crm database (application id 0, schema version 0)"
	echo 'plain text, not sqlite at all, long enough to look like a header....' > text.db
	crm_fails 73 --db text.db client list
	assert_equal "$stderr" "crm: database 'text.db': not a crm database: file is not a database"
}

@test "a database that cannot be created exits 73" {
	mkdir ro && chmod 500 ro
	if [ "$(id -u)" = 0 ]; then
		# root writes anywhere: use a path below a regular file instead
		: > file
		crm_fails 73 --db file/crm.db init
		assert_equal "$stderr" "crm: database: cannot create 'file/crm.db': Not a directory"
	else
		crm_fails 73 --db ro/sub/crm.db init
		assert_equal "$stderr" "crm: database: cannot create 'ro/sub': Permission denied"
	fi
}

@test "a busy database exits 75, for a write command of every group" {
	crm -q client add --name A --email a@x.test >/dev/null
	crm -q lead import - <<< $'external_id,contact_email\nl1,l1@x.test'
	echo '{"client_id":1,"channel":"email"}' > event.jsonl
	printf 'name\nB\n' > clients.csv
	printf 'external_id\nl2\n' > leads.csv
	# hold the write lock from another process for longer than the timeout
	( sqlite3 "$CRM_DB" 'BEGIN IMMEDIATE; SELECT 1;' '.shell sleep 9' 'COMMIT;' >/dev/null 2>&1 & )
	sleep 1
	# all at once: each waits out the same 5 s
	cmds=("client add --name Busy --email busy@x.test" "client import clients.csv"
	      "client stage 1 contacted" "client edit 1 --note n" "comm log 1 --channel email"
	      "comm log - < event.jsonl" "lead import leads.csv" "lead promote l1" "lead status l1 rejected")
	for i in "${!cmds[@]}"; do
		( rc=0; eval "crm ${cmds[$i]}" > "out$i" 2> "err$i" || rc=$?; echo $rc > "rc$i" ) &
	done
	wait
	for i in "${!cmds[@]}"; do
		assert_equal "${cmds[$i]}: $(cat "rc$i")" "${cmds[$i]}: 75"
		assert_equal "$(cat "out$i")" ''
		assert_equal "$(cat "err$i")" "crm: database '$CRM_DB' is busy; try again"
	done
}

@test "a closed stdout is an error, not a silent loss" {
	crm client add --name A >/dev/null
	if [ -w /dev/full ]; then
		run --separate-stderr sh -c 'crm client list > /dev/full'
		assert_failure 73
		assert_output ''
		assert_equal "$stderr" 'crm: stdout: write error: No space left on device'
		# a header lost is lost output, even when no row matched
		run --separate-stderr sh -c 'crm lead list --format tsv > /dev/full'
		assert_failure 73
		assert_output ''
		assert_equal "$stderr" 'crm: stdout: write error: No space left on device'
	fi
}

@test "a change committed whose output is lost says so and exits 74; a retry finds it done" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr sh -c 'crm client add --name A --email a@x.test > /dev/full'
	assert_failure 74
	assert_output ''
	assert_equal "$stderr" "crm: stdout: write error: No space left on device; the change was committed, only its output is lost"
	crm_ok client list --format ids
	assert_output 1
	crm_fails 65 client add --name A --email a@x.test
	assert_equal "$stderr" "crm: client 'a@x.test': already exists as 1"
	# nothing committed: output lost is 73, as for a list
	run --separate-stderr sh -c 'crm client add --name B --email a@x.test > /dev/full'
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" "crm: client 'a@x.test': already exists as 1"
	run --separate-stderr sh -c 'crm client add --help > /dev/full'
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: stdout: write error: No space left on device"
}

@test "past ulimit -f a write fails with 'File too large' (73), not a signal, and the database is whole" {
	crm -q client add --name A >/dev/null
	for i in $(seq 1 20000); do
		printf '{"client_id":1,"channel":"email","external_id":"e%d","body":"a body that takes some room"}\n' "$i"
	done > events.jsonl
	run --separate-stderr bash -c 'ulimit -f 400; crm comm log - < events.jsonl'
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: commit: database '$CRM_DB': disk I/O error (File too large)"
	assert_equal "$(sqlite3 "$CRM_DB" 'PRAGMA integrity_check; SELECT count(*) FROM communications')" $'ok\n0'
}

@test "--safe-csv puts a ' before a cell a spreadsheet would run; what is stored is kept" {
	crm -q client add --name "=cmd|' /c calc'!A1" --note '@SUM(1)' --source-type '+1' --listing-ref '-2' >/dev/null
	crm -q client add --name $'\tTab' --email t@x.test >/dev/null
	crm_ok client list --format csv --safe-csv
	assert_equal "${#lines[@]}" 3
	assert_line --index 1 --partial "1,1,\"'=cmd|' /c calc'!A1\","
	assert_line --index 1 --partial ",\"'+1\",,\"'-2\","
	assert_line --index 1 --partial ",\"'@SUM(1)\","
	assert_line --index 2 --partial $'2,1,"\'\tTab",t@x.test,'
	# before the command too; and without it, the cell is as stored
	crm_ok --safe-csv client list --format csv
	assert_line --index 1 --partial "1,1,\"'=cmd|' /c calc'!A1\","
	crm_ok client list --format csv
	assert_line --index 1 --partial "1,1,=cmd|' /c calc'!A1,"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT name FROM clients WHERE id = 1')" "=cmd|' /c calc'!A1"
	# other formats are data for programs: untouched
	crm_ok client list --format tsv --safe-csv
	assert_line --index 1 --partial "=cmd|' /c calc'!A1"
}

@test "a negative or unknown schema version, or a foreign application id, is 'not a crm database' (73)" {
	sqlite3 neg.db 'PRAGMA user_version = -1'
	crm_fails 73 --db neg.db client list
	assert_equal "$stderr" "crm: database 'neg.db': not a crm database (application id 0, schema version -1)"
	sqlite3 foreign.db 'CREATE TABLE t (x); PRAGMA user_version = 1'
	crm_fails 73 --db foreign.db client list
	assert_equal "$stderr" "crm: database 'foreign.db': not a crm database (application id 0, schema version 1)"
	crm --db mine.db -q init
	sqlite3 mine.db 'PRAGMA application_id = 42'
	crm_fails 73 --db mine.db client list
	assert_equal "$stderr" "crm: database 'mine.db': not a crm database (application id 42, schema version $SCHEMA)"
}

@test "the table format lets no control character reach the terminal, and aligns wide text" {
	crm -q client add --name $'Evil\e]0;x\a\e[2J' --email e@x.test --note $'one\ntwo' >/dev/null
	crm -q client add --name '山田太郎' --email y@x.test >/dev/null
	crm -q client add --name 'José' --email j@x.test >/dev/null
	crm -q client add --name 'Go 🚀 ✅' --email g@x.test >/dev/null
	crm -q client add --name $'ab\u202ecd' --email b@x.test >/dev/null
	crm_ok --format table client list
	[[ $output != *$'\e'* && $output != *$'\a'* && $output != *$'\u202e'* ]] ||
		fail "a control character in: $output"
	assert_line --index 1 --partial $'Evil\xef\xbf\xbd]0;x\xef\xbf\xbd\xef\xbf\xbd[2J  new'
	assert_line --index 2 --partial $'山田太郎        new'
	assert_line --index 3 --partial $'José            new'
	assert_line --index 4 --partial $'Go 🚀 ✅        new'
	assert_line --index 5 --partial $'ab\xef\xbf\xbdcd           new'
	crm_ok --format table client show 1
	[[ $output != *$'\e'* && $output != *$'\a'* ]] || fail "a control character in: $output"
	assert_line 'notes                    one'
	assert_line '                         two'
}

# run the shell line LINE on a terminal of ROWS rows and 80 columns: what
# the terminal shows is $output, LF line ends, crm's exit code last
# (rc=N); PAGER marks each line that went through it
on_tty() {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	local rows=$1 line=$2
	run bash -c "script -qec 'stty rows $rows cols 80; $line; echo rc=\$?' /dev/null < /dev/null | tr -d '\r'"
	assert_success
}

@test "a table longer than the screen goes through \$PAGER; a shorter one, a pipe and --no-pager do not" {
	for i in $(seq 12); do crm -q client add --name "n$i" >/dev/null; done
	export PAGER='sed s/^/paged:/' NO_COLOR=1
	on_tty 10 'crm client list'
	assert_line --index 0 --regexp '^paged:ID +NAME +STAGE'
	assert_line --index 12 --regexp '^paged:12 +n12 +new$'
	assert_line --index 13 'rc=0'
	# 9 rows and the header leave the prompt a line
	on_tty 11 'crm client list --limit 9'
	assert_line --index 0 --regexp '^ID +NAME +STAGE'
	assert_line --index 9 --regexp '^9 +n9 +new$'
	assert_line --index 10 'rc=0'
	on_tty 10 'crm client list --limit 9'
	assert_line --index 0 --regexp '^paged:ID'
	# a line wider than the screen takes two
	crm -q client add --name "$(printf 'x%.0s' $(seq 39))" --email "$(printf 'y%.0s' $(seq 30))@x.test" >/dev/null
	on_tty 9 'crm client list --offset 9'
	assert_line --index 0 --regexp '^paged:ID'
	on_tty 9 'crm client list --offset 9 --limit 3'
	assert_line --index 0 --regexp '^ID'
	on_tty 10 'crm --no-pager client list'
	assert_line --index 0 --regexp '^ID +NAME +STAGE'
	assert_line --index 14 'rc=0'
	on_tty 10 'crm client list --no-pager'
	assert_line --index 0 --regexp '^ID +NAME +STAGE'
	for p in '' cat; do
		on_tty 10 "PAGER=$p crm client list"
		assert_line --index 0 --regexp '^ID +NAME +STAGE'
	done
	# a pipe is never paged, whatever the format
	on_tty 10 'crm client list --format table | tail -1; crm client list | head -1'
	assert_line --index 0 --regexp '^13 +x+'
	assert_line --index 1 --regexp $'^id\toperator_id\tname\t'
	# the pager is told LESS=FRX when LESS is not set
	printf '#!/bin/sh\necho "LESS=$LESS"\ncat >/dev/null\n' > pager
	chmod +x pager
	on_tty 5 'PAGER=./pager crm client list'
	assert_output $'LESS=FRX\nrc=0'
	on_tty 5 'LESS=S PAGER=./pager crm client list'
	assert_output $'LESS=S\nrc=0'
	# the other lists: leads, communications, a client's history
	for s in contacted replied meeting; do crm -q client stage 1 $s; done
	on_tty 5 'crm client history 1'
	assert_line --index 0 --regexp '^paged:AT +ACTOR'
	crm -q comm log 1 --channel email
	on_tty 5 'crm comm list'
	assert_line --index 0 --regexp '^OCCURRED AT +CLIENT'
	for i in 1 2 3; do crm -q comm log 1 --channel email; done
	on_tty 5 'crm comm list'
	assert_line --index 0 --regexp '^paged:OCCURRED AT +CLIENT'
	printf '{"id":"l%d"}\n' 1 2 3 4 5 | crm -q lead import -
	on_tty 5 'crm lead list'
	assert_line --index 0 --regexp '^paged:ID +STATUS'
}

@test "--no-pager is a global option, before or after the command; crm opens no pager in a pipe" {
	crm -q client add --name A >/dev/null
	LINES=1 PAGER=false crm_ok --no-pager client list --format ids
	assert_output 1
	LINES=1 PAGER=false crm_ok client list --no-pager --format ids
	assert_output 1
	LINES=1 PAGER=false crm_ok client list --format table
	assert_line --index 1 --regexp '^1 +A +new$'
	crm_ok client list --help
	assert_line --regexp '^ +--no-pager +a long table is not paged$'
	crm_ok __complete --no
	assert_line --no-pager
	crm_ok __complete client list --no
	assert_line --no-pager
}

@test "an empty list on a terminal says no clients, leads or communications match (exit 1); a pipe gets the header" {
	crm -q client add --name A >/dev/null
	on_tty 24 'crm client list --stage won 2> err; r=$?; cat err; (exit $r)'
	assert_output $'crm: client list: no clients match\nrc=1'
	on_tty 24 'crm lead list 2> err; r=$?; cat err; (exit $r)'
	assert_output $'crm: lead list: no leads match\nrc=1'
	on_tty 24 'crm comm list --format json 2> err; r=$?; cat err; (exit $r)'
	assert_output $'[]\ncrm: comm list: no communications match\nrc=1'
	on_tty 24 'crm -q client list --stage won --format ids 2> err; r=$?; cat err; (exit $r)'
	assert_output $'crm: client list: no clients match\nrc=1'
	run --separate-stderr crm client list --stage won --format csv
	assert_failure 1
	assert_output --regexp '^id,operator_id,name,'
	assert_equal "$stderr" ''
	run --separate-stderr crm client list --stage won --format json
	assert_failure 1
	assert_output '[]'
	assert_equal "$stderr" ''
	crm_fails 1 client list --stage won --format jsonl
	assert_equal "$stderr" ''
	crm_fails 1 lead list --format table
	assert_equal "$stderr" ''
}

@test "a read-only database can still be read; a write to it exits 73" {
	crm -q client add --name Ana >/dev/null
	# a folder every user can reach (the test's own folder may not be)
	ro=$(mktemp -d /tmp/crm-ro.XXXXXX)
	mv "$CRM_DB" "$ro/crm.db" && chmod 444 "$ro/crm.db" && chmod 555 "$ro"
	as_reader() { "$@"; }
	if [ "$(id -u)" = 0 ]; then
		# root writes anywhere: read and write as an ordinary user
		command -v setpriv >/dev/null || skip "setpriv is needed to drop root"
		as_reader() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	fi
	run --separate-stderr as_reader "$(command -v crm)" --db "$ro/crm.db" client list --format ids
	assert_success
	assert_output 1
	assert_equal "$stderr" ''
	# a path with an empty first component, and a file the user may
	# write in a folder it may not
	run --separate-stderr as_reader "$(command -v crm)" --db "/$ro/crm.db" client list --format ids
	assert_success
	assert_output 1
	assert_equal "$stderr" ''
	chmod 666 "$ro/crm.db"
	run --separate-stderr as_reader "$(command -v crm)" --db "$ro/crm.db" client list --format ids
	assert_success
	assert_output 1
	assert_equal "$stderr" ''
	run --separate-stderr as_reader "$(command -v crm)" --db "$ro/crm.db" client add --name Bo
	chmod 755 "$ro" && rm -rf "$ro"
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: database '$ro/crm.db': read-only for this user"
}

@test "a CRM_NOW that is not a time is a usage error, not the real clock" {
	CRM_NOW=garbage crm_fails 64 client add --name A
	assert_equal "$stderr" "crm: CRM_NOW 'garbage': not a time (use 2026-12-01T10:00:00Z or 2026-12-01)"
	[ ! -e "$CRM_DB" ]
	CRM_NOW=2026-11-25T12:00:00+01:00 crm_ok client add --name A
	assert_output 1
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.created_at == "2026-11-25T11:00:00Z"'
}

# the field names a format gives: a header line, or the keys of the
# first JSON object (without a record's lists)
fields_of() {
	case $1 in
	tsv) head -1 | tr '\t' '\n' ;;
	csv) head -1 | tr ',' '\n' ;;
	json) jq -r '(if type == "array" then .[0] else . end) | del(.listings, .communications) | keys_unsorted[]' ;;
	jsonl) head -1 | jq -r 'del(.listings, .communications) | keys_unsorted[]' ;;
	esac
}

@test "every format of list and show gives the same fields, for clients, leads, communications and history" {
	crm -q client add --name Ana --email a@x.test --tag t --set k=v >/dev/null
	crm -q comm log 1 --channel email --subject hi
	crm -q lead import - <<< $'external_id,contact_email,raw\nl1,l@x.test,"{""a"":1}"'
	for cmd in "client list" "client show 1" "lead list" "lead show l1" "comm list" "client history 1"; do
		want=$(crm $cmd --format tsv | fields_of tsv)
		[ -n "$want" ] || fail "$cmd: no fields"
		for f in csv json jsonl; do
			run --separate-stderr sh -c "crm $cmd --format $f"
			assert_success
			assert_equal "$stderr" ''
			assert_equal "$cmd $f: $(fields_of $f <<< "$output")" "$cmd $f: $want"
		done
	done
	# a list and the show of one of its rows name the same fields
	assert_equal "$(crm client show 1 --format tsv | fields_of tsv)" "$(crm client list --format tsv | fields_of tsv)"
	assert_equal "$(crm lead show l1 --format tsv | fields_of tsv)" "$(crm lead list --format tsv | fields_of tsv)"
}

@test "show prints the whole record for a person wherever stdout goes; json gives it nested" {
	crm -q client add --name Ana --email a@x.test >/dev/null
	crm -q comm log 1 --channel email --body 'hello there'
	run --separate-stderr crm client show 1
	assert_success
	assert_equal "$stderr" ''
	assert_line --index 0 'id                       1'
	assert_line 'listings:'
	assert_line '  (none)'
	assert_line 'communications (newest first):'
	assert_line --regexp '^[-0-9]+ [0-9:]+  email    out        email  sent    hello there$'
	run --separate-stderr crm client show 1 --format json
	assert_success
	echo "$output" | jq -e '.name == "Ana" and .listings == [] and (.communications | length) == 1 and .communications[0].body == "hello there"'
	crm_fails 64 client show 1 --format ids
	stderr_usage "crm: client show: format 'ids' is for lists; use table, tsv, csv, json or jsonl"
	run --separate-stderr crm lead show nope
	assert_failure 1
	assert_equal "$stderr" "crm: lead 'nope': not found"
}

@test "an unknown command or subcommand names the one it likely meant; crm-NAME comes first" {
	crm_fails 64 clinet
	assert_equal "$stderr" "crm: 'clinet' is not a crm command; did you mean 'client'?"
	crm_fails 64 client lsit
	assert_equal "$stderr" "crm: client: unknown subcommand 'lsit'; did you mean 'list'?"
	crm_fails 64 help clinet
	assert_equal "$stderr" "crm: help: 'clinet' is not a crm command; did you mean 'client'?"
	crm_fails 64 help client stgae
	assert_equal "$stderr" "crm: client: unknown subcommand 'stgae'; did you mean 'stage'?"
	mkdir -p bin
	printf '#!/bin/sh\necho "mine: $*"\n' > bin/crm-clinet
	chmod +x bin/crm-clinet
	PATH="$PWD/bin:$PATH" crm_ok clinet list
	assert_output 'mine: list'
	assert [ ! -e "$CRM_DB" ]
}

@test "an unknown option names the option it likely meant" {
	crm_fails 64 client list --stgae new
	stderr_usage "crm: client list: unknown option '--stgae'; did you mean '--stage'?"
	crm_fails 64 --fromat json client list
	stderr_usage "crm: unknown option '--fromat'; did you mean '--format'?"
	crm_fails 64 comm log 1 --chanel email
	stderr_usage "crm: comm log: unknown option '--chanel'; did you mean '--channel'?"
	# the start of both --stage and --stale
	crm_fails 64 client list --sta new
	stderr_usage "crm: client list: unknown option '--sta'"
	assert [ ! -e "$CRM_DB" ]
}

@test "a bad format lists the command's formats and names the one it likely meant" {
	crm_fails 64 client list --format jsn
	stderr_usage "crm: client list: unknown format 'jsn'; use table, tsv, csv, json, jsonl or ids; did you mean 'json'?"
	crm_fails 64 client show 1 --format tabel
	stderr_usage "crm: client show: unknown format 'tabel'; use table, tsv, csv, json or jsonl; did you mean 'table'?"
	crm_fails 64 --format jsonn client list
	stderr_usage "crm: unknown format 'jsonn'; use table, tsv, csv, json, jsonl or ids; did you mean 'json'?"
}

@test "ids is a format of lists alone: the parser, --help and the completion agree" {
	crm -q client add --name Ana --email a@x.test >/dev/null
	crm -q comm log 1 --channel email
	crm -q lead import - <<< $'external_id\nl1'
	for cmd in "client list" "lead list" "comm list"; do
		crm_ok $cmd --format ids
		assert_output 1
		crm_ok $cmd --help
		assert_line --regexp '^ +--format FMT +table, tsv, csv, json, jsonl or ids$'
		crm_ok __complete $cmd --format ''
		assert_output $'table\ntsv\ncsv\njson\njsonl\nids'
	done
	no_ids() {
		local name=$1
		shift
		crm_fails 64 $name "$@" --format ids
		stderr_usage "crm: $name: format 'ids' is for lists; use table, tsv, csv, json or jsonl"
		crm_fails 64 --format ids $name "$@"
		stderr_usage "crm: $name: format 'ids' is for lists; use table, tsv, csv, json or jsonl"
		crm_ok $name --help
		assert_line --regexp '^ +--format FMT +table, tsv, csv, json or jsonl$'
		crm_ok __complete $name --format ''
		assert_output $'table\ntsv\ncsv\njson\njsonl'
	}
	no_ids "client show" 1
	no_ids "client history" 1
	no_ids "lead show" l1
	no_ids "config list"
	no_ids "config get" database
	no_ids "db stats"
	no_ids "client add" --name Bo
	no_ids "comm log" 1 --channel email
	# nothing was done
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients; SELECT count(*) FROM communications')" $'1\n1'
}

@test "crm --help COMMAND [SUBCOMMAND] is crm help COMMAND [SUBCOMMAND]" {
	crm_ok help client
	want=$output
	assert_line --index 0 'usage: crm client SUBCOMMAND [ARGS]'
	crm_ok --help client
	assert_equal "$output" "$want"
	crm_ok -h client
	assert_equal "$output" "$want"
	crm_ok --db x.db --help client
	assert_equal "$output" "$want"
	crm_ok client --help
	assert_equal "$output" "$want"
	crm_ok client add --help
	want=$output
	crm_ok --help client add
	assert_equal "$output" "$want"
	crm_ok --help
	assert_line --index 0 --partial 'usage: crm [--db PATH]'
	crm_fails 64 --help clinet
	assert_equal "$stderr" "crm: help: 'clinet' is not a crm command; did you mean 'client'?"
	assert [ ! -e "$CRM_DB" ]
	assert [ ! -e x.db ]
}

@test "a command that reads creates no database nor folder (66); one that writes makes them, folders 0700" {
	export CRM_DB="$BATS_TEST_TMPDIR/new/dir/crm.db"
	for cmd in "client list" "client list --q ana" "client show 1" "client show Ana" \
	           "client history 1" "client dupes" "comm list" "lead list" "lead list --q ana" \
	           "lead show l1" "db check" "db stats"; do
		crm_fails 66 $cmd
		assert_equal "$stderr" "crm: database '$CRM_DB' does not exist; 'crm init' creates it"
	done
	crm_fails 66 --db elsewhere/crm.db client list --stage new
	assert_equal "$stderr" "crm: database 'elsewhere/crm.db' does not exist; 'crm init' creates it"
	crm_ok config get database
	assert_output "$CRM_DB"
	crm_ok help client
	# a usage error is told first, and opens nothing
	crm_fails 64 client list --bogus
	stderr_usage "crm: client list: unknown option '--bogus'"
	assert [ ! -e "$BATS_TEST_TMPDIR/new" ]
	assert [ ! -e elsewhere ]
	umask 022
	add_client --name Ana
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/new")" 700
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/new/dir")" 700
	assert_equal "$(stat -c %a "$CRM_DB")" 600
	crm_ok client list --format ids
	assert_output 1
}
