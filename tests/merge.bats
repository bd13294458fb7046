#!/usr/bin/env bats
# crm client merge KEEP DROP: what KEEP takes from DROP, what it keeps,
# the one-owner rule, the dupes -> merge pipeline, errors and usage.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
}

q() {
	sqlite3 "$CRM_DB" "$1"
}

# Ana (1) with an email, a tag and a custom field; her duplicate (2)
# with a phone, a channel, notes, another tag, custom fields, two events
two_anas() {
	add_client --name Ana --email ana@x.test --tag a --set k=keep --viability 40
	add_client --name 'Ana Dup' --email ana.dup@x.test --phone '+34 612 345 678' \
		--channel sms --tag a --tag b --set k=drop --set m=2 --viability 90 --note hello
	crm_ok -q comm log 1 --channel email --at 2026-11-19T10:00:00Z --external-id e1
	crm_ok -q comm log 2 --channel sms --at 2026-11-20T10:00:00Z --external-id e2
	crm_ok -q comm log 2 --channel email --direction in --at 2026-11-21T10:00:00Z --external-id e3
}

@test "merge: KEEP takes what it has none of; where both have a value, KEEP's wins" {
	two_anas
	crm_says 'client merge: 2 into 1: 2 communications, 0 listings, 0 leads, 1 tag, 1 custom field, 6 fields, 4 history rows; 2 removed' client merge 1 2
	assert_equal "$(q 'SELECT name, email, phone, phone_norm, channel, viability, notes, stage FROM clients')" \
		'Ana|ana@x.test|+34 612 345 678|+34612345678|sms|40|hello|contacted'
	assert_equal "$(q 'SELECT group_concat(tag) FROM (SELECT tag FROM client_tags WHERE client_id = 1 ORDER BY tag)')" 'a,b'
	assert_equal "$(q 'SELECT custom FROM clients')" '{"k":"keep","m":"2"}'
	# the communications are KEEP's; the contact times the later of both,
	# the touches counted again; a stop by a reply stays
	assert_equal "$(q 'SELECT group_concat(client_id) FROM communications')" '1,1,1'
	assert_equal "$(q 'SELECT last_contacted_at, last_interaction_at, touches, last_touch_channel, automation_enabled FROM clients')" \
		'2026-11-20T10:00:00Z|2026-11-21T10:00:00Z|2|sms|0'
	# DROP is gone; its history is KEEP's, with the merge told
	assert_equal "$(q 'SELECT count(*) FROM clients WHERE id = 2')" 0
	assert_equal "$(q "SELECT action, field, new_value FROM activity_logs WHERE entity = 'client' AND entity_id = 2")" 'merge|into|1'
	assert_equal "$(q "SELECT field, old_value, coalesce(new_value, ''), coalesce(reason, '') FROM activity_logs WHERE action = 'merge' AND field <> 'snapshot' ORDER BY id")" \
		$'communications|2|2|\nhistory|2|4|\nclient|2||Ana Dup\ninto||1|'
	# one change set
	assert_equal "$(q "SELECT count(DISTINCT change_set) FROM activity_logs WHERE action = 'merge' OR reason = 'merge'")" 1
	assert_equal "$(q 'SELECT command FROM change_sets ORDER BY id DESC LIMIT 1')" 'client merge'
}

@test "merge: the one-owner rule holds; DROP's phone is KEEP's, found by it; the search index follows" {
	two_anas
	crm_ok -q client merge ana@x.test '+34 612-345-678'
	crm_ok client list --q '+34612345678' --format ids
	assert_output 1
	crm_fails 1 client list --q dup --format ids
	# DROP's email went with it: an owner of it is new
	add_client --name Other --email ana.dup@x.test
	# the phone stays KEEP's
	crm_fails 65 client add --name Other --phone '+34612345678'
	assert_equal "$stderr" "crm: client '+34612345678': already exists as 1"
}

@test "merge: listings and leads that pointed at DROP point at KEEP" {
	add_client --name Ana --email ana@x.test
	crm_ok -q lead import - <<< $'external_id,contact_email,contact_name,listing_ref\nl1,ana2@x.test,Ana,R1\nl2,ana@x.test,Ana,R2'
	crm_ok -q lead promote l1 l2
	assert_equal "$(q 'SELECT group_concat(client_id) FROM leads')" '2,1'
	crm_says 'client merge: 2 into 1: 0 communications, 1 listing, 1 lead, 0 tags, 0 custom fields, 2 fields, 2 history rows; 2 removed' client merge 1 2
	assert_equal "$(q 'SELECT group_concat(client_id) FROM leads')" '1,1'
	assert_equal "$(q 'SELECT group_concat(listing_ref) FROM (SELECT listing_ref FROM client_listings WHERE client_id = 1 ORDER BY 1)')" 'R1,R2'
}

@test "merge --dry-run says what would move and changes nothing" {
	two_anas
	before=$(q 'SELECT * FROM clients; SELECT * FROM communications; SELECT count(*) FROM activity_logs; SELECT count(*) FROM change_sets')
	run --separate-stderr crm client merge 1 2 --dry-run
	assert_success
	assert_output ''
	assert_equal "$stderr" $'client merge: 2 into 1: 2 communications, 0 listings, 0 leads, 1 tag, 1 custom field, 6 fields, 4 history rows; 2 removed\nclient merge: dry run: nothing changed'
	assert_equal "$(q 'SELECT * FROM clients; SELECT * FROM communications; SELECT count(*) FROM activity_logs; SELECT count(*) FROM change_sets')" "$before"
}

@test "client dupes | client merge -: every pair merged once, in one transaction" {
	add_client --name Ana --email ana@x.test --phone '+34 612 345 678'
	add_client --name Bo --email bo@x.test
	# Ana again, stored before the keys were computed as they are now
	# (what a migration leaves): the same email and phone, other keys
	q "INSERT INTO clients (operator_id, name, email, email_norm, phone, phone_norm, stage, created_at, updated_at)
	   VALUES (1, 'Ana Old', 'ANA@x.test', 'ANA@x.test', '+34 612 345 678', '34612345678', 'new', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"
	crm_ok client dupes
	assert_output $'id\tduplicate_id\tmatch\tkey\n1\t3\temail\tana@x.test\n1\t3\tphone\t+34612345678'
	run --separate-stderr sh -c 'crm client dupes | crm client merge -'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'client merge: 3 into 1: 0 communications, 0 listings, 0 leads, 0 tags, 0 custom fields, 0 fields, 0 history rows; 3 removed'
	assert_equal "$(q 'SELECT group_concat(id) FROM clients')" '1,2'
	run --separate-stderr crm client dupes
	assert_failure 1
	assert_output $'id\tduplicate_id\tmatch\tkey'
	# a bad line stores nothing
	run --separate-stderr crm client merge - <<< $'1\t2\n1\t9'
	assert_failure 1
	assert_equal "$stderr" "crm: client merge: stdin:2: client '9': not found"
	assert_equal "$(q 'SELECT group_concat(id) FROM clients')" '1,2'
	run --separate-stderr crm client merge - <<< '1'
	assert_failure 65
	assert_equal "$stderr" 'crm: client merge: stdin:1: a KEEP and a DROP client are needed'
}

@test "merge: the same client, two operators' clients, no such client" {
	add_client --name Ana --email ana@x.test
	crm_fails 65 client merge 1 1
	assert_equal "$stderr" 'crm: client merge: KEEP and DROP are the same client (1)'
	crm_fails 65 client merge 1 ana@x.test
	assert_equal "$stderr" 'crm: client merge: KEEP and DROP are the same client (1)'
	crm_ok -q --operator 2 client add --name Ana --email ana@x.test
	crm_fails 65 client merge 1 2
	assert_equal "$stderr" "crm: client merge: client 1 is operator 1's and client 2 operator 2's: the clients of two operators are not merged"
	crm_fails 1 client merge 1 7
	assert_equal "$stderr" "crm: client '7': not found"
	assert_equal "$(q 'SELECT count(*) FROM clients')" 2
}

# the clients with their tags, communications, listings and leads, and
# which client each history row is about
dump() {
	q "SELECT id, name, email, email_norm, phone, phone_norm, channel, stage, automation_enabled,
	   viability, notes, custom, last_contacted_at, last_interaction_at FROM clients;
	   SELECT * FROM client_tags ORDER BY 1, 2; SELECT * FROM communications;
	   SELECT * FROM client_listings; SELECT id, client_id FROM leads;
	   SELECT id, entity_id FROM activity_logs WHERE entity = 'client' AND id <= $1 ORDER BY id"
}

@test "undo of a merge makes DROP again, with all that was its own, and KEEP as it was" {
	two_anas
	crm_ok -q lead import - <<< $'external_id,contact_email,contact_name,listing_ref\nl1,ana.dup@x.test,Ana,R1\nl2,ana@x.test,Ana,R1'
	crm_ok -q lead promote l1 l2
	last=$(q 'SELECT max(id) FROM activity_logs')
	before=$(dump "$last")
	crm_ok -q client merge 1 2
	assert_equal "$(q 'SELECT count(*) FROM clients')" 1
	crm_says 'undo: change set 8 (client merge): 14 changes undone' undo
	assert_equal "$(dump "$last")" "$before"
	# the touches counted again, for each
	assert_equal "$(q 'SELECT group_concat(touches) FROM clients')" '1,1'
	# the search index follows
	crm_ok client list --q dup --format ids
	assert_output 2
}

@test "an undo of what came before a merge is refused: the merge changed the client since" {
	add_client --name Ana
	add_client --name Bo
	crm_ok -q client merge 1 2
	crm_fails 65 undo 1
	# (the history of a client merged into it is its own: Bo's creation too)
	assert_equal "$stderr" 'crm: undo: change set 1 (client add) cannot be undone: change set 3 (client merge) changed client 1, change set 2 (client add) changed client 1 since; undo the newer first (crm undo 3)'
	# a merge stored without its snapshot is refused, and says so
	q "DELETE FROM activity_logs WHERE field = 'snapshot'"
	crm_fails 65 undo
	assert_equal "$stderr" 'crm: undo: change set 3 (client merge) merged client 2 into 1 with no snapshot of it: it cannot be undone'
}

@test "the undo of a merge is refused once a new client has the removed one's id" {
	add_client --name Ana
	add_client --name Bo
	crm_ok -q client merge 1 2
	add_client --name Cy
	assert_equal "$id" 2
	crm_fails 65 undo 3
	assert_equal "$stderr" 'crm: undo: change set 3 (client merge) cannot be undone: change set 4 (client add) changed client 2 since; undo the newer first (crm undo 4)'
	crm_ok -q undo
	crm_says 'undo: change set 3 (client merge): 4 changes undone' undo
	assert_equal "$(q 'SELECT group_concat(name) FROM clients')" 'Ana,Bo'
}

@test "merge: usage errors exit 64" {
	crm_fails 64 client merge
	stderr_usage 'crm: client merge: a KEEP and a DROP client are required (or -)'
	crm_fails 64 client merge 1
	stderr_usage 'crm: client merge: a KEEP and a DROP client are required (or -)'
	crm_fails 64 client merge 1 2 3
	stderr_usage 'crm: client merge: a KEEP and a DROP client are required (or -)'
	crm_fails 64 client merge 1 2 --bogus
	stderr_has "unknown option '--bogus'"
	crm_ok client merge --help
	assert_line --index 0 'usage: crm client merge KEEP DROP|- [--dry-run] [options]'
}

@test "merge: KEEP takes DROP's do-not-contact, as a change its history and the outbox tell" {
	printf 'sync:\n  webhook:\n    url: http://127.0.0.1:9/hook\n' > crm.yaml
	export CRM_CONFIG=$PWD/crm.yaml
	two_anas
	crm_ok -q dnc add ana.dup@x.test
	s=$(q 'SELECT max(seq) FROM outbox')
	crm_ok -q client merge 1 2
	assert_equal "$(q 'SELECT dnc FROM clients WHERE id = 1')" 1
	assert_equal "$(q "SELECT payload ->> 'field', payload ->> 'old', payload ->> 'new' FROM outbox WHERE seq > $s AND aggregate_id = 1 AND type = 'client.updated' AND payload ->> 'field' = 'dnc'")" 'dnc|0|1'
	crm_ok client history 1
	assert_output --partial $'\tdnc\tdnc\t0\t1\tmerge\n'
	crm_ok -q undo
	assert_equal "$(q 'SELECT id, dnc FROM clients ORDER BY id')" $'1|0\n2|1'
}
