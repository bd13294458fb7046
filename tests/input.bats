#!/usr/bin/env bats
# What every batch input shares (comm log -, lead import, client import):
# the reject file, hostile input, caps.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
	crm -q client add --name A --email a@x.test >/dev/null
	event='{"client_id":1,"channel":"email","external_id":"e1"}'
	bad='{"client_id":9,"channel":"email"}'
}

# the database is whole and holds what it held
db_intact() {
	assert_equal "$(sqlite3 "$CRM_DB" 'PRAGMA integrity_check')" ok
	assert_equal "$(crm client list --format ids)" 1
}

@test "a reject file that is the database is refused (64) before anything is written" {
	for cmd in "comm log" "lead import" "client import"; do
		run --separate-stderr sh -c "echo '$event' | crm $cmd - --reject-file '$CRM_DB'"
		assert_failure 64
		assert_equal "$stderr" "crm: reject file '$CRM_DB': is the database; name another file"
		assert_output ''
		db_intact
	done
}

@test "a reject file that names the database through a link, or its -wal, -shm, -journal, is refused (64)" {
	ln -s "$CRM_DB" link.db
	ln "$CRM_DB" hard.db
	for f in link.db hard.db "$CRM_DB-wal" "$CRM_DB-shm" "$CRM_DB-journal"; do
		run --separate-stderr sh -c "echo '$event' | crm comm log - --reject-file '$f'"
		assert_failure 64
		stderr_has "crm: reject file '$f': is the database"
	done
	db_intact
	[ -L link.db ]
}

@test "a reject file that is the input is refused (64): the input is left whole" {
	printf 'external_id,title\na,b\n' > leads.csv
	cp leads.csv before.csv
	run --separate-stderr crm lead import leads.csv --reject-file leads.csv
	assert_failure 64
	assert_equal "$stderr" "crm: reject file 'leads.csv': is the input; name another file"
	cmp leads.csv before.csv
	echo "$event" > f
	run --separate-stderr crm comm log - --reject-file f < f
	assert_failure 64
	assert_equal "$stderr" "crm: reject file 'f': is the input; name another file"
	assert_equal "$(cat f)" "$event"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
}

@test "an aborted batch (--max-errors) leaves an existing reject file as it was" {
	echo old > rej.tsv
	run --separate-stderr sh -c "printf '%s\n' '$event' '$bad' '$bad' | crm comm log - --reject-file rej.tsv --max-errors 1"
	assert_failure 65
	assert_equal "$stderr" 'crm: stdin:3: client 9: not found'
	assert_equal "$(cat rej.tsv)" old
	assert_equal "$(ls -A | grep -c rej.tsv)" 1    # no temporary file left
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
}

@test "a stored batch replaces the reject file whole, keeping its mode; a new one is 0600" {
	printf 'old\nold\nold\n' > rej.tsv
	chmod 640 rej.tsv
	run --separate-stderr sh -c "printf '%s\n' '$event' '$bad' | crm comm log - --reject-file rej.tsv"
	assert_success
	assert_equal "$stderr" 'comm log: 1 logged, 0 duplicates, 1 rejected'
	assert_equal "$(cat rej.tsv)" "2	client 9: not found	$bad"
	assert_equal "$(stat -c %a rej.tsv)" 640
	run --separate-stderr sh -c "echo '$bad' | crm comm log - --reject-file new.tsv"
	assert_failure 65
	assert_equal "$(stat -c %a new.tsv)" 600
	assert_equal "$(cat new.tsv)" "1	client 9: not found	$bad"
}

@test "a reject file through a link is written where the link points; /dev/null is written in place" {
	mkdir out
	ln -s out/rej.tsv rej.tsv
	run --separate-stderr sh -c "printf '%s\n' '$event' '$bad' | crm comm log - --reject-file rej.tsv"
	assert_success
	[ -L rej.tsv ]
	assert_equal "$(cat out/rej.tsv)" "2	client 9: not found	$bad"
	run --separate-stderr sh -c "echo '$bad' | crm comm log - --reject-file /dev/null"
	assert_failure 65
	assert_equal "$stderr" $'comm log: 0 logged, 0 duplicates, 1 rejected\ncrm: stdin: nothing stored: 1 bad record'
}

@test "a reject file in a folder that does not exist is refused (73) and nothing is stored" {
	run --separate-stderr sh -c "echo '$event' | crm comm log - --reject-file nowhere/rej.tsv"
	assert_failure 73
	assert_equal "$stderr" "crm: reject file 'nowhere/rej.tsv': No such file or directory"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
}
