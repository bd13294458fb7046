#!/usr/bin/env bats
# crm db check|backup|stats
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
	crm -q client add --name Ana --email ana@x.test >/dev/null
	crm -q client add --name Bo --email bo@x.test >/dev/null
	crm -q comm log 1 --channel email --external-id e1
}

# a copy of the database to damage, the original left sound
damaged() {
	cp "$CRM_DB" bad.db
}

ok_line() {
	echo "db check: ok ('$1', schema version $SCHEMA)"
}

@test "check: a sound database passes, says so on stderr, and -q is silent" {
	run --separate-stderr crm db check
	assert_success
	assert_output ''
	assert_equal "$stderr" "$(ok_line "$CRM_DB")"
	run --separate-stderr crm -q db check
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
}

@test "check: a fresh database passes" {
	export CRM_DB="$BATS_TEST_TMPDIR/fresh.db"
	crm -q init
	run --separate-stderr crm db check
	assert_success
	assert_output ''
	assert_equal "$stderr" "$(ok_line "$CRM_DB")"
}

@test "check, backup and stats: a database that does not exist is not created (66)" {
	export CRM_DB="$BATS_TEST_TMPDIR/none/crm.db"
	for args in check 'backup copy.db' stats; do
		run --separate-stderr crm db $args
		assert_failure 66
		assert_output ''
		assert_equal "$stderr" "crm: database '$CRM_DB' does not exist; 'crm init' creates it"
	done
	assert [ ! -e "$BATS_TEST_TMPDIR/none" ]
	assert [ ! -e copy.db ]
}

@test "check: a corrupt page is found by integrity_check (73)" {
	damaged
	root=$(sqlite3 bad.db "SELECT rootpage FROM sqlite_schema WHERE name = 'clients_stage'")
	size=$(sqlite3 bad.db 'PRAGMA page_size')
	# the index's root page, every byte 0xff: no valid b-tree page
	head -c "$size" /dev/zero | tr '\0' '\377' |
		dd of=bad.db bs="$size" seek=$((root - 1)) conv=notrunc status=none
	run --separate-stderr crm --db bad.db db check
	assert_failure 73
	assert_output ''
	stderr_line 0 "crm: db check: integrity: Page $root: btreeInitPage() returns error code 11"
	crm_says "$(ok_line "$CRM_DB")" db check
}

@test "check: a file that is not a database at all exits 73" {
	echo 'plain text, not sqlite at all, long enough to look like a header....' > text.db
	run --separate-stderr crm --db text.db db check
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: database 'text.db': not a crm database: file is not a database"
}

@test "check: a missing index (73)" {
	damaged
	sqlite3 bad.db 'DROP INDEX clients_stage'
	run --separate-stderr crm --db bad.db db check
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: db check: index 'clients_stage' is missing"
}

@test "check: a missing table and several problems, one line each (73)" {
	damaged
	sqlite3 bad.db 'DROP TABLE sync_state; DROP INDEX leads_status'
	run --separate-stderr crm --db bad.db db check
	assert_failure 73
	assert_output ''
	stderr_line 0 "crm: db check: index 'leads_status' is missing"
	stderr_line 1 "crm: db check: table 'sync_state' is missing"
	assert_equal "$(wc -l <<< "$stderr")" 2
}

@test "check: another application id is not a crm database (73)" {
	damaged
	sqlite3 bad.db 'PRAGMA application_id = 7'
	run --separate-stderr crm --db bad.db db check
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: db check: not a crm database: application id 7, not 1668443441"
	# what any other command says of that file
	crm_fails 73 --db bad.db client list
	assert_equal "$stderr" "crm: database 'bad.db': not a crm database (application id 7, schema version $SCHEMA)"
}

@test "check: an older schema version is told, and not migrated (73)" {
	damaged
	sqlite3 bad.db 'PRAGMA user_version = 1'
	run --separate-stderr crm --db bad.db db check
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: db check: schema version 1 is older than this crm's ($SCHEMA); 'crm init' migrates it"
	run sqlite3 bad.db 'PRAGMA user_version'
	assert_success
	assert_output 1
}

@test "check: a newer schema version is told (73)" {
	damaged
	sqlite3 bad.db 'PRAGMA user_version = 999'
	run --separate-stderr crm --db bad.db db check
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: db check: schema version 999 is newer than this crm knows ($SCHEMA)"
}

@test "check: a row that refers to a row that does not exist (73)" {
	damaged
	sqlite3 bad.db "PRAGMA foreign_keys = OFF;
		INSERT INTO communications (client_id, channel, kind, status, occurred_at, created_at)
		VALUES (99, 'email', 'email', 'sent', '2026-11-25T12:00:00Z', '2026-11-25T12:00:00Z')"
	id=$(sqlite3 bad.db 'SELECT max(id) FROM communications')
	run --separate-stderr crm --db bad.db db check
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: db check: foreign key: communications row $id refers to a clients row that does not exist"
}

@test "check: past 100 foreign key problems, the rest are counted in one line" {
	damaged
	sqlite3 bad.db "PRAGMA foreign_keys = OFF;
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 105)
		INSERT INTO communications (client_id, channel, kind, status, occurred_at, created_at)
		SELECT 1000 + i, 'email', 'email', 'sent', 'x', 'x' FROM n"
	run --separate-stderr crm --db bad.db db check
	assert_failure 73
	assert_output ''
	assert_equal "$(wc -l <<< "$stderr")" 101
	stderr_line 0 "crm: db check: foreign key: communications row $(sqlite3 bad.db "SELECT id FROM communications WHERE client_id = 1001") refers to a clients row that does not exist"
	stderr_line 100 'crm: db check: foreign key: 5 more rows refer to rows that do not exist'
}

@test "check: a database this user may only read" {
	ro=$(mktemp -d /tmp/crm-ro.XXXXXX)
	cp "$CRM_DB" "$ro/crm.db" && chmod 444 "$ro/crm.db" && chmod 555 "$ro"
	as_reader() { "$@"; }
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv is needed to drop root"
		as_reader() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	fi
	run --separate-stderr as_reader "$(command -v crm)" --db "$ro/crm.db" db check
	chmod 755 "$ro" && rm -rf "$ro"
	assert_success
	assert_output ''
	assert_equal "$stderr" "$(ok_line "$ro/crm.db")"
}

@test "check: an extra argument is a usage error (64)" {
	run --separate-stderr crm db check now
	assert_failure 64
	assert_output ''
	stderr_line 0 "crm: db check: unexpected argument 'now'"
	stderr_has 'usage: crm db check'
}

@test "backup: a copy in a new file, mode 0600, that passes check" {
	run --separate-stderr crm db backup copy.db
	assert_success
	assert_output ''
	assert_regex "$stderr" '^db backup: copy\.db \([0-9]+ bytes\)$'
	assert_equal "$stderr" "db backup: copy.db ($(stat -c %s copy.db) bytes)"
	assert_equal "$(stat -c %a copy.db)" 600
	crm_says "$(ok_line copy.db)" --db copy.db db check
	run sqlite3 copy.db 'PRAGMA journal_mode; SELECT count(*) FROM clients; SELECT external_id FROM communications'
	assert_success
	assert_output $'wal\n2\ne1'
	# nothing left beside it
	run ls -A
	assert_success
	refute_output --partial '.copy.db.'
	refute_output --partial 'copy.db-'
}

@test "backup: an existing file is replaced whole, and made 0600" {
	echo 'an old copy' > copy.db
	chmod 644 copy.db
	run --separate-stderr crm -q db backup copy.db
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
	assert_equal "$(stat -c %a copy.db)" 600
	crm_says "$(ok_line copy.db)" --db copy.db db check
}

@test "backup: the database itself, its -wal or a link to it is refused (64), untouched" {
	sum=$(cksum < "$CRM_DB")
	ln -s "$CRM_DB" link.db
	for f in "$CRM_DB" link.db; do
		crm_fails 64 db backup "$f"
		assert_equal "$stderr" "crm: backup '$f': is the database; name another file"
	done
	crm_fails 64 db backup "$CRM_DB-wal"
	assert_equal "$stderr" "crm: backup '$CRM_DB-wal': is the database's -wal file; name another file"
	assert_equal "$(cksum < "$CRM_DB")" "$sum"
	assert [ -L link.db ]
	crm_says "$(ok_line "$CRM_DB")" db check
}

@test "backup: a folder that does not exist (73)" {
	run --separate-stderr crm db backup no/such/copy.db
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: backup 'no/such/copy.db': No such file or directory"
	assert [ ! -e no ]
}

@test "backup: a device is not a file to copy to (73)" {
	run --separate-stderr crm db backup /dev/null
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" "crm: backup '/dev/null': not a regular file"
}

@test "backup: a missing or an extra FILE is a usage error (64)" {
	run --separate-stderr crm db backup
	assert_failure 64
	assert_output ''
	stderr_line 0 'crm: db backup: a file to write the copy to is required'
	run --separate-stderr crm db backup a.db b.db
	assert_failure 64
	assert_output ''
	stderr_line 0 'crm: db backup: one file, not 2'
	assert [ ! -e a.db ]
}

@test "backup and stats: a file that is not a crm database is refused (73)" {
	sqlite3 other.db 'CREATE TABLE t (x)'
	for args in 'backup copy.db' stats; do
		run --separate-stderr crm --db other.db db $args
		assert_failure 73
		assert_output ''
		assert_equal "$stderr" "crm: database 'other.db': not a crm database (application id 0, schema version 0)"
	done
	assert [ ! -e copy.db ]
}

@test "backup: a consistent copy while two writers pipe 10,000 events each" {
	unset CRM_NOW
	seq 1 100 | awk '{ printf "{\"name\":\"Owner %d\",\"email\":\"o%d@x.test\"}\n", $1, $1 }' |
		crm -q client import -
	for w in 1 2; do
		awk -v w=$w 'BEGIN { for (i = 1; i <= 10000; i++)
			printf "{\"client_id\":%d,\"channel\":\"email\",\"external_id\":\"w%d-%d\"}\n", i % 100 + 1, w, i }' > ev$w.jsonl
	done
	crm -q comm log - < ev1.jsonl > w1.out 2>&1 3>&- &
	p1=$!
	crm -q comm log - < ev2.jsonl > w2.out 2>&1 3>&- &
	p2=$!
	n=0
	# copies while they write, and one after
	while (( n < 200 )) && { kill -0 $p1 2>/dev/null || kill -0 $p2 2>/dev/null; }; do
		crm -q db backup copy$n.db
		n=$((n + 1))
	done
	wait $p1
	wait $p2
	assert_equal "$(cat w1.out w2.out)" ''
	crm_silent -q db backup copy$n.db
	# (not $i: bats' run uses it)
	for ((copy = 0; copy <= n; copy++)); do
		crm_silent -q --db copy$copy.db db check
		# each writer's batch is one transaction: in the copy whole or not at all
		read -r all w1 w2 < <(sqlite3 -separator ' ' copy$copy.db "SELECT count(*),
			count(*) FILTER (WHERE external_id LIKE 'w1-%'),
			count(*) FILTER (WHERE external_id LIKE 'w2-%') FROM communications")
		[[ $w1 == 0 || $w1 == 10000 ]] || fail "copy$copy: $w1 events of writer 1"
		[[ $w2 == 0 || $w2 == 10000 ]] || fail "copy$copy: $w2 events of writer 2"
		assert_equal "$all" $((w1 + w2 + 1))
	done
	assert_equal "$all" 20001
	run sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications'
	assert_success
	assert_output 20001
}

@test "stats: row counts, file sizes and pages, in tsv" {
	sqlite3 "$CRM_DB" 'CREATE TABLE "we""ird name" (x); INSERT INTO "we""ird name" VALUES (1), (2), (3)'
	run --separate-stderr crm db stats --format tsv
	assert_success
	assert_equal "$stderr" ''
	assert_line --index 0 $'name\tkind\tvalue'
	assert_line $'clients\ttable\t2'
	assert_line $'communications\ttable\t1'
	assert_line $'sync_state\ttable\t0'
	assert_line $'we"ird name\ttable\t3'
	assert_line $'database\tfile\t'"$(stat -c %s "$CRM_DB")"
	assert_line --regexp $'^wal\tfile\t[0-9]+$'
	assert_line --regexp $'^shm\tfile\t[0-9]+$'
	assert_line $'page_size\tpragma\t'"$(sqlite3 "$CRM_DB" 'PRAGMA page_size')"
	assert_line --regexp $'^page_count\tpragma\t[1-9][0-9]*$'
	assert_line $'freelist_count\tpragma\t0'
	assert_line "user_version"$'\tpragma\t'"$SCHEMA"
	assert_line $'application_id\tpragma\t1668443441'
	# tables in name order, then files, then pragmas
	assert_line --index 1 --regexp $'^activity_logs\ttable\t[0-9]+$'
	assert_line --index -1 $'application_id\tpragma\t1668443441'
}

@test "stats: json, jsonl, csv and table formats" {
	crm_ok db stats --format json
	echo "$output" | jq -e '.[] | select(.name == "clients") | .kind == "table" and .value == 2'
	echo "$output" | jq -e 'map(select(.kind == "file")) | map(.name) == ["database", "wal", "shm"]'
	crm_ok db stats --format jsonl
	assert_line '{"name":"user_version","kind":"pragma","value":'"$SCHEMA"'}'
	crm_ok db stats --format csv
	assert_line --index 0 'name,kind,value'
	assert_line 'clients,table,2'
	crm_ok --format table db stats
	assert_line --index 0 --regexp '^NAME +KIND +VALUE$'
	assert_line --regexp '^clients +table +2$'
}

@test "stats: the ids format and an extra argument are usage errors (64)" {
	run --separate-stderr crm db stats --format ids
	assert_failure 64
	assert_output ''
	stderr_usage "crm: db stats: format 'ids' is for lists; use table, tsv, csv, json or jsonl"
	run --separate-stderr crm db stats tables
	assert_failure 64
	assert_output ''
	stderr_line 0 "crm: db stats: unexpected argument 'tables'"
}

@test "stats: an older database is measured as it is, not migrated" {
	sqlite3 "$CRM_DB" 'PRAGMA user_version = 1'
	crm_ok db stats --format tsv
	assert_line $'user_version\tpragma\t1'
	run sqlite3 "$CRM_DB" 'PRAGMA user_version'
	assert_success
	assert_output 1
}

@test "db --help and db check --help open no database" {
	export CRM_DB="$BATS_TEST_TMPDIR/none.db"
	crm_ok db --help
	assert_line --index 0 'usage: crm db SUBCOMMAND [ARGS]'
	assert_output --partial 'backup'
	crm_ok db backup --help
	assert_line --index 0 'usage: crm db backup FILE [options]'
	assert [ ! -e "$CRM_DB" ]
}
