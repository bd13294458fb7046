#!/usr/bin/env bats
# crm undo: each kind of command's change set reverted, what cannot be
# refused with its reason, --list and --dry-run, usage.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
}

q() {
	sqlite3 "$CRM_DB" "$1"
}

# the client as "name|email|stage|tags|custom|notes|lost_reason|automation"
client_is() {
	assert_equal "$(q "SELECT name, coalesce(email, ''), stage,
		(SELECT coalesce(group_concat(tag), '') FROM (SELECT tag FROM client_tags
		 WHERE client_id = $1 ORDER BY tag)), custom, coalesce(notes, ''),
		coalesce(lost_reason, ''), automation_enabled FROM clients WHERE id = $1")" "$2"
}

@test "undo with no change set: exit 1, nothing to undo; --list prints none" {
	crm_ok init -q
	crm_fails 1 undo
	assert_equal "$stderr" 'crm: undo: nothing to undo'
	run --separate-stderr crm undo --list
	assert_failure 1
	assert_output $'id\tcommand\tactor\tat\tchanges\tundone_at'
	assert_equal "$stderr" ''
}

@test "undo client add: the client is gone, with its tags; the undo is a change set of its own" {
	add_client --name Ana --email ana@x.test --tag a --set k=v
	crm_says "undo: change set 1 (client add): 1 change undone" undo
	assert_equal "$(q 'SELECT count(*) FROM clients')" 0
	assert_equal "$(q 'SELECT count(*) FROM client_tags')" 0
	assert_equal "$(q 'SELECT id, command, undone_at IS NOT NULL FROM change_sets')" \
		$'1|client add|1\n2|undo|0'
	assert_equal "$(q 'SELECT entity, entity_id, action, old_value, reason FROM activity_logs WHERE change_set = 2')" \
		$'client|1|remove|Ana|undo of change set 1\nchange_set|1|undo||client add'
	# the search index follows
	crm_fails 1 client list --q ana --format ids
	# the email is free again
	add_client --name Ana --email ana@x.test
}

@test "undo client edit: fields, tags, custom fields and notes as they were" {
	add_client --name Ana --email ana@x.test --tag a --set k=v --note first
	crm_says 'client 1: 7 changes' client edit 1 --name Bea --email bea@x.test --tag b --untag a --set k=w --set n=1 --set-note other
	client_is 1 'Bea|bea@x.test|new|b|{"k":"w","n":"1"}|other||1'
	crm_says 'undo: change set 2 (client edit): 7 changes undone' undo
	client_is 1 'Ana|ana@x.test|new|a|{"k":"v"}|first||1'
	# the old email is the owner key again, the new one is free
	crm_fails 1 client show bea@x.test
	crm_ok client list --q ana@x.test --format ids
	assert_output 1
}

@test "undo client stage: the stage and the lost reason back, for every client of a bulk stage" {
	add_client --name Ana
	add_client --name Bo
	crm_ok -q client stage 2 meeting
	printf '1\n2\n' > ids
	run --separate-stderr crm -q client stage - lost --reason gone < ids
	assert_success
	# the stage, the lost reason, and automation a terminal stage turned off
	crm_says 'undo: change set 4 (client stage): 6 changes undone' undo
	client_is 1 'Ana||new||{}|||1'
	client_is 2 'Bo||meeting||{}|||1'
}

@test "undo comm log: the communication removed, the stage, automation and contact times worked out again" {
	add_client --name Ana --email ana@x.test
	crm_ok -q comm log 1 --channel email --at 2026-11-20T10:00:00Z --external-id e1
	crm_ok -q comm log 1 --channel sms --at 2026-11-21T10:00:00Z --external-id e2
	crm_ok -q comm log 1 --channel email --direction in --at 2026-11-22T10:00:00Z --external-id e3
	client_is 1 'Ana|ana@x.test|replied||{}|||0'
	# the reply: automation on again, the stage back, no interaction time
	crm_says 'undo: change set 4 (comm log): 3 changes undone' undo
	client_is 1 'Ana|ana@x.test|contacted||{}|||1'
	assert_equal "$(q 'SELECT last_contacted_at, coalesce(last_interaction_at, 0) FROM clients')" '2026-11-21T10:00:00Z|0'
	# the second contact: the first one is the last again, touches counted again
	crm_says 'undo: change set 3 (comm log): 1 change undone' undo
	assert_equal "$(q 'SELECT last_contacted_at, touches, last_touch_at, last_touch_channel FROM clients')" \
		'2026-11-20T10:00:00Z|1|2026-11-20T10:00:00Z|email'
	assert_equal "$(q 'SELECT group_concat(external_id) FROM communications')" e1
	crm_says 'undo: change set 2 (comm log): 2 changes undone' undo
	assert_equal "$(q 'SELECT count(*), (SELECT touches || coalesce(last_contacted_at, "") FROM clients) FROM communications')" '0|0'
	client_is 1 'Ana|ana@x.test|new||{}|||1'
	# the same event again is new again
	crm_ok -q comm log 1 --channel email --external-id e1
	assert_equal "$(q 'SELECT count(*) FROM communications')" 1
}

@test "undo comm log -: a batch's communications, and the client and listing a first contact made of a lead" {
	add_client --name Ana --email ana@x.test
	crm_ok -q lead import - <<< $'external_id,contact_email,listing_ref\nl1,lee@x.test,R1'
	{
		for i in 1 2 3; do echo "{\"client_id\":1,\"channel\":\"email\",\"external_id\":\"a$i\"}"; done
		echo '{"lead_id":"l1","channel":"email","external_id":"b1"}'
	} > ev.jsonl
	crm_ok -q comm log - < ev.jsonl
	assert_equal "$(q 'SELECT count(*) FROM clients')" 2
	assert_equal "$(q 'SELECT status, client_id FROM leads')" 'contacted|2'
	crm_ok undo --list --limit 1
	assert_output $'id\tcommand\tactor\tat\tchanges\tundone_at\n3\tcomm log\ttester\t2026-11-25T12:00:00Z\t10\t'
	crm_says 'undo: change set 3 (comm log): 10 changes undone' undo
	assert_equal "$(q 'SELECT count(*) FROM communications')" 0
	assert_equal "$(q 'SELECT group_concat(id) FROM clients')" 1
	assert_equal "$(q 'SELECT count(*) FROM client_listings')" 0
	assert_equal "$(q 'SELECT status, coalesce(client_id, 0) FROM leads')" 'new|0'
	client_is 1 'Ana|ana@x.test|new||{}|||1'
	assert_equal "$(q 'SELECT touches, coalesce(last_contacted_at, 0) FROM clients')" '0|0'
}

@test "undo lead import: the leads it made removed, the leads it updated as they were" {
	crm_ok -q lead import - <<< $'external_id,title,price,contact_email\nl1,flat,100000,a@x.test'
	before=$(q 'SELECT * FROM leads')
	export CRM_NOW=2026-11-26T12:00:00Z
	crm_ok -q lead import - <<< $'external_id,title,status,price,contact_email,rooms\nl1,house,rejected,120000,b@x.test,3\nl2,house,new,,,'
	crm_says 'undo: change set 2 (lead import): 3 changes undone' undo
	# every column as it was; updated_at says when it was undone
	assert_equal "$(q 'SELECT * FROM leads')" "${before%|*}|2026-11-26T12:00:00Z"
	assert_equal "$(q 'SELECT external_id, title, status, price, contact_email, email_norm, raw FROM leads')" 'l1|flat|new|100000|a@x.test|a@x.test|{}'
	crm_says 'undo: change set 1 (lead import): 1 change undone' undo
	assert_equal "$(q 'SELECT count(*) FROM leads')" 0
}

@test "undo CHANGE_SET is refused when a later change set touched the same rows, and names it" {
	add_client --name Ana
	add_client --name Bo
	crm_ok -q client edit 1 --name Ann
	crm_ok -q client stage 1 meeting
	crm_ok -q client edit 2 --name Bob
	crm_fails 65 undo 3
	assert_equal "$stderr" "crm: undo: change set 3 (client edit) cannot be undone: change set 4 (client stage) changed client 1 since; undo the newer first (crm undo 4)"
	# a communication logged later touches its client too
	crm_ok -q comm log 2 --channel email
	crm_fails 65 undo 5
	stderr_has 'change set 6 (comm log) changed client 2'
	# nothing changed; once the later one is undone, it goes
	client_is 1 'Ann||meeting||{}|||1'
	crm_says 'undo: change set 4 (client stage): 1 change undone' undo 4
	crm_says 'undo: change set 3 (client edit): 1 change undone' undo 3
	client_is 1 'Ana||new||{}|||1'
	# undone already; an undo; no such change set
	crm_fails 65 undo 3
	assert_equal "$stderr" 'crm: undo: change set 3 (client edit): undone already, at 2026-11-25T12:00:00Z'
	crm_fails 65 undo 7
	assert_equal "$stderr" 'crm: undo: change set 7 is an undo itself; an undo is not undone'
	crm_fails 1 undo 99
	assert_equal "$stderr" 'crm: undo: change set 99: not found'
	# no argument: the last one not undone, past the undos
	crm_says 'undo: change set 6 (comm log): 2 changes undone' undo
}

@test "a forget cannot be undone, and says so" {
	add_client --name Ana
	# what client forget leaves: a change set with a forget row
	q "INSERT INTO change_sets (command, actor, at) VALUES ('client forget', 'tester', '2026-11-25T12:00:00Z');
	   INSERT INTO activity_logs (entity, entity_id, action, actor, at, change_set)
	   VALUES ('client', 1, 'forget', 'tester', '2026-11-25T12:00:00Z', 2)"
	crm_fails 65 undo
	assert_equal "$stderr" 'crm: undo: change set 2 (client forget) forgot client 1: a forget cannot be undone, the personal data it erased is gone'
	crm_fails 65 undo --dry-run
	assert_equal "$(q 'SELECT count(*) FROM change_sets WHERE undone_at IS NOT NULL')" 0
}

@test "undo --dry-run prints what it would revert and changes nothing" {
	add_client --name Ana --tag a
	crm_ok -q client edit 1 --name Bea --tag b --untag a --set k=v
	before=$(q 'SELECT * FROM clients; SELECT * FROM client_tags; SELECT count(*) FROM activity_logs')
	run --separate-stderr crm undo --dry-run
	assert_success
	assert_output "$(printf 'change_set\tundo\tentity\tentity_id\tfield\tvalue\trestored\n2\trestore\tclient\t1\tcustom.k\tv\t\n2\ttag\tclient\t1\ttags\t\ta\n2\tuntag\tclient\t1\ttags\tb\t\n2\trestore\tclient\t1\tname\tBea\tAna')"
	assert_equal "$stderr" 'undo: change set 2 (client edit): 4 changes would be undone (dry run: nothing changed)'
	assert_equal "$(q 'SELECT * FROM clients; SELECT * FROM client_tags; SELECT count(*) FROM activity_logs')" "$before"
	assert_equal "$(q 'SELECT count(*) FROM change_sets')" 2
	crm_ok -q undo -n --format jsonl
	assert_line --index 0 '{"change_set":2,"undo":"restore","entity":"client","entity_id":1,"field":"custom.k","value":"v","restored":null}'
}

@test "undo --list: the last change sets, newest first, with their counts and when they were undone" {
	add_client --name Ana
	crm_ok -q --actor bo client edit 1 --name Bea
	crm_ok -q undo
	crm_ok undo --list
	assert_output "$(printf 'id\tcommand\tactor\tat\tchanges\tundone_at\n3\tundo\ttester\t2026-11-25T12:00:00Z\t2\t\n2\tclient edit\tbo\t2026-11-25T12:00:00Z\t1\t2026-11-25T12:00:00Z\n1\tclient add\ttester\t2026-11-25T12:00:00Z\t1\t')"
	crm_ok undo --list --limit 1 --format ids
	assert_output 3
}

@test "undo: usage errors exit 64" {
	crm_fails 64 undo 1 2
	stderr_usage 'crm: undo: one change set at most, not 2'
	crm_fails 64 undo x
	stderr_usage "crm: undo: change set 'x': not an id"
	crm_fails 64 undo --list 3
	stderr_usage 'crm: undo: --list takes no change set and no --dry-run'
	crm_fails 64 undo --limit 3
	stderr_usage 'crm: undo: --limit goes with --list'
	crm_fails 64 undo --bogus
	stderr_has "unknown option '--bogus'"
	crm_ok undo --help
	assert_line --index 0 'usage: crm undo [--list [--limit N]] [--dry-run] [CHANGE_SET] [options]'
}

@test "undo of dnc add takes the address off the list and the client's mark with it; a removal is not undone" {
	crm_ok client add --name Ana --email ana@x.test
	crm_silent -q dnc add ana@x.test
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT dnc FROM clients; SELECT count(*) FROM do_not_contact')" $'1\n1'
	crm_says 'undo: change set 2 (dnc add): 2 changes undone' undo
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT dnc FROM clients; SELECT count(*) FROM do_not_contact')" $'0\n0'
	crm_fails 1 dnc check ana@x.test
	crm_silent -q dnc add ana@x.test
	crm_silent -q dnc remove ana@x.test
	crm_fails 65 undo
	assert_regex "$stderr" "^crm: undo: change set [0-9]+ \(dnc remove\): cannot undo 'remove' of do_not_contact 0$"
	crm_fails 1 dnc check ana@x.test
}
