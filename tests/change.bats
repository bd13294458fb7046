#!/usr/bin/env bats
# Every change passes one point (lib/change.c), which writes the history
# rows: each kind of change, made through the command line, leaves
# exactly the rows it should, and no more.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
}

# the history rows written since the last call are TEXT (entity id
# action field old new reason, one a line; "" for none)
mark=0
history_is() {
	local q="SELECT entity, entity_id, action, coalesce(field, ''), coalesce(old_value, ''),"
	q+=" coalesce(new_value, ''), coalesce(reason, '') FROM activity_logs WHERE id > $mark ORDER BY id"
	assert_equal "$(sqlite3 -separator ' ' "$CRM_DB" "$q")" "$1"
	mark=$(sqlite3 "$CRM_DB" 'SELECT coalesce(max(id), 0) FROM activity_logs')
}

# forget the rows written so far
history_seen() {
	mark=$(sqlite3 "$CRM_DB" 'SELECT coalesce(max(id), 0) FROM activity_logs')
}

# run a crm command that must succeed with nothing on stderr (but its summary)
ok() {
	run --separate-stderr crm "$@"
	assert_success
	[[ $stderr != *'crm: '* ]] || fail "crm $*: $stderr"
}

@test "add, edit, stage, tag: one row each change; none for what did not change" {
	ok client add --name Ana --email ana@x.test --tag a --set k=v
	assert_output 1
	history_is 'client 1 create   Ana manual'
	ok client edit 1 --name 'Ana M' --tag b --untag a --set k=w --note n
	history_is $'client 1 edit name Ana Ana M \nclient 1 edit notes  2026-11-25 12:00 n \nclient 1 tag tags  b \nclient 1 untag tags a  \nclient 1 edit custom.k v w '
	ok client edit 1 --name 'Ana M' --tag b
	history_is ''
	ok client stage 1 meeting --reason 'called'
	history_is 'client 1 stage stage new meeting called'
	ok client stage 1 meeting
	history_is ''
}

@test "a bulk stage: one row a client that moved" {
	for n in A B C; do ok client add --name $n; done
	history_seen
	ok client stage 3 meeting
	history_seen
	printf '1\n2\n3\n' > ids
	run --separate-stderr crm client stage - lost --reason gone < ids
	assert_success
	assert_equal "$stderr" "3 of 3 clients moved to 'lost'"
	# a terminal stage turns automation off, with its own row
	history_is $'client 1 stage stage new lost gone\nclient 1 automation automation_enabled 1 0 stage \'lost\' is terminal\nclient 1 edit lost_reason  gone \nclient 2 stage stage new lost gone\nclient 2 automation automation_enabled 1 0 stage \'lost\' is terminal\nclient 2 edit lost_reason  gone \nclient 3 stage stage meeting lost gone\nclient 3 automation automation_enabled 1 0 stage \'lost\' is terminal\nclient 3 edit lost_reason  gone '
	# a client there already is left alone: no row, its lost reason kept
	ok client stage 2 new
	history_seen
	run --separate-stderr crm client stage - lost --reason 'gone again' < ids
	assert_success
	assert_equal "$stderr" "1 of 3 clients moved to 'lost' (2 already there)"
	history_is $'client 2 stage stage new lost gone again\nclient 2 edit lost_reason gone gone again '
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT group_concat(lost_reason) FROM clients')" 'gone,gone again,gone'
}

@test "import: a create row for a new owner, a row a field for a known one" {
	printf 'name,email,stage,tags\nAna,ana@x.test,new,a\nBo,bo@x.test,new,\n' > c.csv
	ok client import c.csv
	history_is $'client 1 create   Ana import\nclient 2 create   Bo import'
	printf 'name,email,stage,tags\nAna,ana@x.test,meeting,b\nBo,bo@x.test,new,\n' > c.csv
	ok client import c.csv
	history_is $'client 1 stage stage new meeting \nclient 1 untag tags a  \nclient 1 tag tags  b '
}

@test "first contact, reply: the stage moves and automation stops, each with its row; the event and contact times leave none" {
	ok client add --name Ana --email ana@x.test
	history_seen
	ok comm log 1 --channel email --external-id e1
	history_is $'client 1 stage stage new contacted first contact\ncommunication 1 log id  1 '
	ok comm log 1 --channel email --external-id e2
	history_is 'communication 2 log id  2 '
	ok comm log 1 --channel email --direction in --external-id e3
	history_is $'client 1 automation automation_enabled 1 0 reply received\nclient 1 stage stage contacted replied reply received\ncommunication 3 log id  3 '
	# the same through a batch, for a lead met for the first time
	ok lead import - <<< $'external_id,contact_email\nl1,l1@x.test'
	history_seen
	ok comm log - <<< '{"lead_id":"l1","channel":"email","external_id":"e4"}'
	history_is $'client 2 create   l1@x.test lead\nlead 1 link client_id  2 \nlead 1 status status new contacted \nclient 2 stage stage new contacted first contact\ncommunication 4 log id  4 '
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 4
}

@test "lead status: by hand and by import, a row each change" {
	ok lead import - <<< $'external_id,title\nl1,flat'
	history_is 'lead 1 create    '
	ok lead status l1 rejected
	history_is 'lead 1 status status new rejected '
	ok lead import - <<< $'external_id,status\nl1,suppressed'
	# an update keeps the lead as it was, for undo
	history_is $'lead 1 update  {"external_id":"l1","operator_id":1,"source_type":null,"source_url":null,"listing_ref":null,"listing_hash":null,"contact_name":null,"contact_email":null,"contact_phone":null,"channel":null,"title":"flat","location":null,"price":null,"status":"rejected","viability":0,"email_norm":null,"phone_norm":null,"raw":"{}","viability_given":0}  \nlead 1 status status rejected suppressed '
	ok lead import - <<< $'external_id,status\nl1,suppressed'
	history_is ''
}

@test "notes: --note and --set-note leave one edit row each, with the notes before and after" {
	ok client add --name Ana --note first
	history_is 'client 1 create   Ana manual'
	export CRM_NOW=2026-11-26T08:05:00Z
	ok client edit 1 --note second
	history_is $'client 1 edit notes first first\n2026-11-26 08:05 second '
	ok client edit 1 --set-note clean
	history_is $'client 1 edit notes first\n2026-11-26 08:05 second clean '
	ok client edit 1 --set-note clean
	history_is ''
}

# the change sets written since the last call are TEXT (id command actor
# rows, one a line)
sets_mark=0
change_sets_are() {
	local q="SELECT s.id, s.command, s.actor, (SELECT count(*) FROM activity_logs a"
	q+=" WHERE a.change_set = s.id) FROM change_sets s WHERE s.id > $sets_mark ORDER BY s.id"
	assert_equal "$(sqlite3 -separator ' ' "$CRM_DB" "$q")" "$1"
	sets_mark=$(sqlite3 "$CRM_DB" 'SELECT coalesce(max(id), 0) FROM change_sets')
}

@test "change sets: one a command that changed something, named by the command and actor; every history row has one" {
	ok client add --name Ana --email ana@x.test --tag a
	change_sets_are '1 client add tester 1'
	ok --actor bo client edit 1 --name 'Ana M' --tag b
	change_sets_are '2 client edit bo 2'
	# nothing changed: no change set
	ok client edit 1 --name 'Ana M'
	ok client stage 1 new
	change_sets_are ''
	ok comm log 1 --channel email --external-id e1
	change_sets_are '3 comm log tester 2'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM activity_logs WHERE change_set IS NULL')" 0
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT DISTINCT at FROM change_sets')" 2026-11-25T12:00:00Z
}

@test "a batch of events is one change set with one row for its communications, the bad records left out" {
	ok client add --name Ana --email ana@x.test
	ok client add --name Bo --email bo@x.test
	change_sets_are $'1 client add tester 1\n2 client add tester 1'
	history_seen
	{
		for i in 1 2 3; do echo "{\"client_id\":1,\"channel\":\"email\",\"external_id\":\"a$i\"}"; done
		echo '{"client_id":9,"channel":"email","external_id":"bad"}'
		echo '{"client_id":2,"channel":"email","external_id":"b1"}'
	} > ev.jsonl
	run --separate-stderr crm comm log - --reject-file rej < ev.jsonl
	assert_success
	change_sets_are '3 comm log tester 3'
	history_is $'client 1 stage stage new contacted first contact\nclient 2 stage stage new contacted first contact\ncommunication 1 log id  4 '
	# a batch whose every record is bad leaves no change set
	echo '{"client_id":9,"channel":"email","external_id":"bad"}' > bad.jsonl
	run --separate-stderr crm comm log - --reject-file rej < bad.jsonl
	assert_failure 65
	# a dry run none either
	run --separate-stderr crm comm log - --dry-run <<< '{"client_id":1,"channel":"email","external_id":"a9"}'
	assert_success
	change_sets_are ''
}
