#!/usr/bin/env bats
# The dispatcher: global options, help, version, external commands, and the
# agreement of the command table, help, completion and man pages.
bats_require_minimum_version 1.5.0
load helper

@test "--version prints the version and opens no database" {
	run --separate-stderr crm --db "$BATS_TEST_TMPDIR/no/such.db" --version
	assert_success
	assert_output --regexp '^crm [0-9]+\.[0-9]+\.[0-9]+$'
	assert [ ! -e "$BATS_TEST_TMPDIR/no" ]
}

@test "help lists the commands and opens no database" {
	run --separate-stderr crm help
	assert_success
	assert_line --partial 'client'
	assert_line --partial 'config'
	refute_line --partial '__complete'
	assert [ ! -e "$CRM_DB" ]
}

@test "no command is a usage error" {
	run --separate-stderr crm
	assert_failure 64
	assert [ -n "$stderr" ]
}

@test "an unknown command exits 64 and names it" {
	run --separate-stderr crm frobnicate
	assert_failure 64
	assert_equal "$stderr" "crm: 'frobnicate' is not a crm command; see 'crm help'"
}

@test "an unknown global option exits 64" {
	run --separate-stderr crm --bogus client list
	assert_failure 64
	stderr_has "unknown option '--bogus'"
}

@test "a global option without its value exits 64" {
	run --separate-stderr crm client list --db
	assert_failure 64
	run --separate-stderr crm --db
	assert_failure 64
}

@test "an unknown format exits 64" {
	run --separate-stderr crm --format yaml client list
	assert_failure 64
	run --separate-stderr crm client list --format yaml
	assert_failure 64
}

@test "a bad --operator exits 64" {
	run --separate-stderr crm --operator abc client list
	assert_failure 64
	CRM_OPERATOR=-3 run --separate-stderr crm client list
	assert_failure 64
}

@test "an unknown subcommand and a missing one exit 64" {
	run --separate-stderr crm client frob
	assert_failure 64
	assert_equal "$stderr" "crm: client: unknown subcommand 'frob'; see 'crm client --help'"
	run --separate-stderr crm client
	assert_failure 64
}

@test "an unknown option of a subcommand exits 64 with the usage" {
	run --separate-stderr crm client list --bogus
	assert_failure 64
	stderr_line 0 "crm: client list: unknown option '--bogus'"
	stderr_has 'usage: crm client list'
}

@test "an option's missing value and a bad number exit 64" {
	run --separate-stderr crm client list --limit
	assert_failure 64
	run --separate-stderr crm client list --limit ten
	assert_failure 64
	stderr_has "takes a whole number"
}

@test "a bad enum value exits 64" {
	run --separate-stderr crm client list --automation maybe
	assert_failure 64
}

@test "crm CMD --help and crm help CMD work without a database" {
	run --separate-stderr crm client add --help
	assert_success
	assert_line --index 0 --partial 'usage: crm client add'
	assert_output --partial '--email EMAIL'
	run --separate-stderr crm client --help
	assert_success
	assert_output --partial 'stage'
	run --separate-stderr crm help client
	assert_success
	assert_output --partial 'history'
	assert [ ! -e "$CRM_DB" ]
}

@test "help for an unknown command exits 64" {
	run --separate-stderr crm help frob
	assert_failure 64
	run --separate-stderr crm help init extra
	assert_failure 64
	assert_equal "$stderr" "crm: help: 'init' has no subcommand 'extra'"
	run --separate-stderr crm help client frob
	assert_failure 64
}

@test "crm help GROUP SUBCOMMAND prints the subcommand's help" {
	run --separate-stderr crm help client add
	assert_success
	assert_line --index 0 --partial 'usage: crm client add --name NAME'
	[ ! -e "$CRM_DB" ]
}

@test "an empty --db or --config is a usage error, not the default" {
	for o in --db --config; do
		run --separate-stderr crm $o '' init
		assert_failure 64
		stderr_line 0 "crm: option '$o': the value is empty"
		stderr_line 1 "usage: crm [--db PATH] [--config PATH] [--operator ID] [--format FMT]"
		run --separate-stderr crm $o= init
		assert_failure 64
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
	PATH="$PWD/bin:$PATH" run --separate-stderr crm --db x.db --config my.yaml --operator 3 hello a 'b c'
	assert_success
	assert_line --index 0 'args: a b c'
	assert_line --index 1 'db: x.db'
	assert_line --index 2 'config: my.yaml'
	assert_line --index 3 'operator: 3'
}

@test "the database is created with mode 0600 in a new folder" {
	export CRM_DB="$BATS_TEST_TMPDIR/deep/er/crm.db"
	run --separate-stderr crm init
	assert_success
	assert_equal "$(stat -c %a "$CRM_DB")" 600
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/deep/er")" 700
}

@test "without --db or CRM_DB the database goes under XDG_DATA_HOME" {
	unset CRM_DB
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/data"
	run --separate-stderr crm init
	assert_success
	assert [ -f "$XDG_DATA_HOME/crm/crm.db" ]
	unset XDG_DATA_HOME
	run --separate-stderr crm init
	assert_success
	assert [ -f "$HOME/.local/share/crm/crm.db" ]
}

@test "init is idempotent and sets the schema version" {
	run --separate-stderr crm init
	assert_success
	assert_output ''
	stderr_has 'ready'
	run --separate-stderr crm init
	assert_success
	run sqlite3 "$CRM_DB" 'PRAGMA user_version; PRAGMA journal_mode; PRAGMA application_id'
	assert_line --index 0 2
	assert_line --index 1 wal
	assert_line --index 2 1668443441
}

@test "init -q says nothing" {
	run --separate-stderr crm -q init
	assert_success
	assert_equal "$stderr" ''
}

@test "a database from a newer crm is refused" {
	crm init 2>/dev/null
	sqlite3 "$CRM_DB" 'PRAGMA user_version = 999'
	run --separate-stderr crm client list
	assert_failure 73
	assert_equal "$stderr" "crm: database '$CRM_DB': schema version 999 is newer than this crm knows (2); upgrade crm"
}

@test "a file that is not a crm database is refused" {
	sqlite3 other.db 'CREATE TABLE t (x)'
	run --separate-stderr crm --db other.db client list
	assert_failure 73
	stderr_has 'not a crm database'
	echo 'plain text, not sqlite at all, long enough to look like a header....' > text.db
	run --separate-stderr crm --db text.db client list
	assert_failure 73
}

@test "a database that cannot be created exits 73" {
	mkdir ro && chmod 500 ro
	if [ "$(id -u)" = 0 ]; then
		# root writes anywhere: use a path below a regular file instead
		: > file
		run --separate-stderr crm --db file/crm.db init
	else
		run --separate-stderr crm --db ro/sub/crm.db init
	fi
	assert_failure 73
	stderr_has 'cannot create'
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
		stderr_has 'write error'
		# a header lost is lost output, even when no row matched
		run --separate-stderr sh -c 'crm lead list --format tsv > /dev/full'
		assert_failure 73
	fi
}

@test "a change committed whose output is lost says so and exits 74; a retry finds it done" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr sh -c 'crm client add --name A --email a@x.test > /dev/full'
	assert_failure 74
	assert_equal "$stderr" "crm: stdout: write error: No space left on device; the change was committed, only its output is lost"
	assert_equal "$(crm client list --format ids)" 1
	run --separate-stderr crm client add --name A --email a@x.test
	assert_failure 65
	assert_equal "$stderr" "crm: client 'a@x.test': already exists as 1"
	# nothing committed: output lost is 73, as for a list
	run --separate-stderr sh -c 'crm client add --name B --email a@x.test > /dev/full'
	assert_failure 65
	run --separate-stderr sh -c 'crm client add --help > /dev/full'
	assert_failure 73
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
	run --separate-stderr crm client list --format csv --safe-csv
	assert_success
	assert_line --index 1 --partial "1,1,\"'=cmd|' /c calc'!A1\","
	assert_line --index 1 --partial ",\"'+1\",,\"'-2\","
	assert_line --index 1 --partial ",\"'@SUM(1)\","
	assert_line --index 2 --partial $'2,1,"\'\tTab",t@x.test,'
	# before the command too; and without it, the cell is as stored
	run crm --safe-csv client list --format csv
	assert_line --index 1 --partial "1,1,\"'=cmd|' /c calc'!A1\","
	run crm client list --format csv
	assert_line --index 1 --partial "1,1,=cmd|' /c calc'!A1,"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT name FROM clients WHERE id = 1')" "=cmd|' /c calc'!A1"
	# other formats are data for programs: untouched
	run crm client list --format tsv --safe-csv
	assert_line --index 1 --partial "=cmd|' /c calc'!A1"
}

@test "a negative or unknown schema version, or a foreign application id, is 'not a crm database' (73)" {
	sqlite3 neg.db 'PRAGMA user_version = -1'
	run --separate-stderr crm --db neg.db client list
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: database 'neg.db': not a crm database (application id 0, schema version -1)"
	sqlite3 foreign.db 'CREATE TABLE t (x); PRAGMA user_version = 1'
	run --separate-stderr crm --db foreign.db client list
	assert_failure 73
	assert_equal "$stderr" "crm: database 'foreign.db': not a crm database (application id 0, schema version 1)"
	crm --db mine.db -q init
	sqlite3 mine.db 'PRAGMA application_id = 42'
	run --separate-stderr crm --db mine.db client list
	assert_failure 73
	assert_equal "$stderr" "crm: database 'mine.db': not a crm database (application id 42, schema version 2)"
}

@test "the table format lets no control character reach the terminal, and aligns wide text" {
	crm -q client add --name $'Evil\e]0;x\a\e[2J' --email e@x.test --note $'one\ntwo'
	crm -q client add --name '山田太郎' --email y@x.test
	crm -q client add --name 'José' --email j@x.test
	crm -q client add --name 'Go 🚀 ✅' --email g@x.test
	crm -q client add --name $'ab\u202ecd' --email b@x.test
	run --separate-stderr crm --format table client list
	assert_success
	[[ $output != *$'\e'* && $output != *$'\a'* && $output != *$'\u202e'* ]] ||
		fail "a control character in: $output"
	assert_line --index 1 --partial $'Evil\xef\xbf\xbd]0;x\xef\xbf\xbd\xef\xbf\xbd[2J  new'
	assert_line --index 2 --partial $'山田太郎        new'
	assert_line --index 3 --partial $'José            new'
	assert_line --index 4 --partial $'Go 🚀 ✅        new'
	assert_line --index 5 --partial $'ab\xef\xbf\xbdcd           new'
	run --separate-stderr crm --format table client show 1
	[[ $output != *$'\e'* ]] || fail "a control character in: $output"
	assert_line 'notes                    one'
	assert_line '                         two'
}

@test "a read-only database can still be read; a write to it exits 73" {
	crm -q client add --name Ana
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
	# a path with an empty first component, and a file the user may
	# write in a folder it may not
	run --separate-stderr as_reader "$(command -v crm)" --db "/$ro/crm.db" client list --format ids
	assert_output 1
	chmod 666 "$ro/crm.db"
	run --separate-stderr as_reader "$(command -v crm)" --db "$ro/crm.db" client list --format ids
	assert_output 1
	run --separate-stderr as_reader "$(command -v crm)" --db "$ro/crm.db" client add --name Bo
	chmod 755 "$ro" && rm -rf "$ro"
	assert_failure 73
	assert_equal "$stderr" "crm: database '$ro/crm.db': read-only for this user"
}

@test "a CRM_NOW that is not a time is a usage error, not the real clock" {
	CRM_NOW=garbage run --separate-stderr crm client add --name A
	assert_failure 64
	assert_equal "$stderr" "crm: CRM_NOW 'garbage': not a date or time"
	[ ! -e "$CRM_DB" ]
	CRM_NOW=2026-11-25T12:00:00+01:00 run --separate-stderr crm client add --name A
	assert_success
	run crm client show 1 --format json
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
	assert_line --regexp '^[-0-9T:Z]+  email    out        email  sent    hello there$'
	run --separate-stderr crm client show 1 --format json
	assert_success
	echo "$output" | jq -e '.name == "Ana" and .listings == [] and (.communications | length) == 1 and .communications[0].body == "hello there"'
	run --separate-stderr crm client show 1 --format ids
	assert_success
	assert_output 1
	run --separate-stderr crm lead show nope
	assert_failure 1
	assert_equal "$stderr" "crm: lead 'nope': not found"
}
