#!/usr/bin/env bats
# crm comm log|list
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
	crm client add --name Ana --email ana@x.test --phone 600111222 >/dev/null
	crm client add --name Bo --email bo@x.test --stage meeting >/dev/null
}

comms() { sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications'; }

@test "log one event from arguments" {
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' \
		comm log 1 --channel email --subject Hello --body 'Saw your flat' --external-id e1
	crm_ok comm list 1 --format jsonl
	assert_equal "${#lines[@]}" 1
	assert_output --partial '"kind":"email","status":"sent","subject":"Hello","body":"Saw your flat","source":"manual","external_id":"e1"'
}

@test "log by email; -q is silent" {
	crm_silent -q comm log ANA@x.test --channel fb
	crm_ok comm list --format tsv
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --partial $'\t1\t2026-11-25T12:00:00Z\tfb\tout\tfb_message\tsent'
}

@test "log errors: missing channel (64), unknown client (1), bad channel, time, kind, status (65)" {
	crm_fails 64 comm log 1
	stderr_usage 'crm: comm log: --channel is required'
	crm_fails 64 comm log
	stderr_usage "crm: comm log: a client or '-' is required"
	crm_fails 1 comm log 9 --channel email
	assert_equal "$stderr" "crm: client '9': not found"
	crm_fails 65 comm log 1 --channel pigeon
	assert_equal "$stderr" "crm: channel 'pigeon': not a configured channel (email, form, fb, phone, sms, whatsapp)"
	crm_fails 65 comm log 1 --channel email --at yesterday-ish
	assert_equal "$stderr" "crm: at 'yesterday-ish': not a time (use $TIME_FORMS)"
	crm_fails 65 comm log 1 --channel email --kind telegram
	assert_equal "$stderr" "crm: kind 'telegram': not a known kind (email, form, fb_message, call, sms, whatsapp, meeting, note, marked_contacted, unsubscribe)"
	crm_fails 65 comm log 1 --channel email --status lost
	assert_equal "$stderr" "crm: status 'lost': not a known status (sent, delivered, failed, bounced, received, logged)"
	crm_fails 64 comm log 1 --channel email --direction sideways
	stderr_usage "crm: comm log: option '--direction': 'sideways' is not one of its values (out, in)"
	assert_equal "$(comms)" 0
}

@test "the same external_id twice is stored once" {
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' comm log 1 --channel email --external-id x1
	crm_says 'comm log: 0 logged, 1 duplicate, 0 rejected' comm log 1 --channel email --external-id x1
	assert_equal "$(comms)" 1
	# re-sent after the client's email changed, by the old email
	crm -q comm log ana@x.test --channel email --external-id x2
	crm -q client edit 1 --email ana2@x.test
	crm_says 'comm log: 0 logged, 1 duplicate, 0 rejected' comm log ana@x.test --channel email --external-id x2
	crm_fails 1 comm log ana@x.test --channel email --external-id x3
	assert_equal "$stderr" "crm: client 'ana@x.test': not found"
	assert_equal "$(comms)" 2
}

@test "an outbound event moves a new client to contacted, with history" {
	crm_silent -q comm log 1 --channel email --at 2026-11-20T10:00:00+01:00
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.stage == "contacted" and .last_contacted_at == "2026-11-20T09:00:00Z"'
	crm_ok client history 1 --format tsv
	assert_line --partial $'stage\tstage\tnew\tcontacted\tfirst contact'
}

@test "an inbound reply moves new/contacted to replied, not later stages" {
	crm_silent -q comm log 1 --channel email
	crm_silent -q comm log 1 --channel email --direction in
	crm_silent -q comm log 2 --channel email --direction in
	crm_ok client list --format tsv --sort id
	assert_line --index 1 --partial $'\treplied\t'
	assert_line --index 2 --partial $'\tmeeting\t'
	crm_ok client history 1 --format tsv
	assert_line --partial $'contacted\treplied\treply received'
}

@test "pipeline.on_reply configures the reply stage" {
	cat > crm.yaml <<'Y'
pipeline:
  stages: [new, contacted, talking, won, lost]
  terminal: [won, lost]
  on_reply: talking
Y
	crm_silent -q comm log 1 --channel email --direction in
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.stage == "talking"'
}

@test "a reply never moves a client out of a terminal stage" {
	cat > crm.yaml <<'Y'
pipeline:
  stages: [new, parked, contacted, replied, won]
  terminal: [parked, won]
  on_reply: replied
automation:
  stages: [new]
Y
	crm -q client stage 1 parked
	crm_silent -q comm log 1 --channel email --direction in
	crm_silent -q comm log 1 --channel email
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.stage == "parked"'
}

@test "last contact times only move forward" {
	crm_silent -q comm log 1 --channel email --at 2026-11-20T10:00:00Z
	crm_silent -q comm log 1 --channel email --at 2026-11-10T10:00:00Z
	crm_silent -q comm log 1 --channel email --direction in --at 2026-11-21T10:00:00Z
	crm_silent -q comm log 1 --channel email --direction in --at 2026-11-01T10:00:00Z
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.last_contacted_at == "2026-11-20T10:00:00Z" and .last_interaction_at == "2026-11-21T10:00:00Z"'
}

@test "stdin: JSONL events, found by each identifying field" {
	crm -q lead import - <<'L'
{"external_id":"L1","contact_name":"Cara","contact_email":"cara@x.test","source_url":"https://l.test/1","listing_hash":"h1"}
L
	run --separate-stderr crm comm log - <<'E'
{"client_id":1,"channel":"email","external_id":"a"}
{"email":"BO@x.test","channel":"email","external_id":"b"}
{"phone":"600 111 222","channel":"fb","kind":"fb_message_sent","external_id":"c"}
{"lead_id":"L1","channel":"form","kind":"form_submitted","external_id":"d"}
{"source_url":"https://l.test/1","channel":"email","direction":"in","external_id":"e"}
{"listing_hash":"h1","channel":"email","kind":"marked_contacted","external_id":"f"}
E
	assert_success
	assert_output ''
	assert_equal "$stderr" 'comm log: 6 logged, 0 duplicates, 0 rejected'
	run sqlite3 "$CRM_DB" 'SELECT client_id, kind, source FROM communications ORDER BY id'
	assert_success
	assert_output $'1|email|bot\n2|email|bot\n1|fb_message|bot\n3|form|bot\n3|email|bot\n3|marked_contacted|bot'
}

@test "stdin: identifying fields are tried in turn until one matches" {
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' \
		comm log - <<< '{"email":"new@x.test","phone":"600 111 222","channel":"sms","external_id":"t1"}'
	run sqlite3 "$CRM_DB" 'SELECT client_id FROM communications'
	assert_success
	assert_output 1
	# a client_id that names no client is an error, not a cue to try the email
	crm_fails 65 comm log - <<< '{"client_id":7,"email":"ana@x.test","channel":"sms"}'
	assert_equal "$stderr" 'crm: stdin:1: client 7: not found'
	assert_equal "$(comms)" 1
}

@test "stdin: an event for a lead promotes it at first contact" {
	crm -q lead import - <<'L'
{"external_id":"L7","contact_name":"Dora","contact_email":"dora@x.test","contact_phone":"611 000 111","source_type":"owner","source_url":"https://l.test/7","listing_ref":"R7","listing_hash":"h7","viability":66}
L
	crm_silent -q comm log - <<< '{"lead_id":"L7","channel":"email","kind":"email_sent","external_id":"p1","at":"2026-11-24T09:00:00Z"}'
	crm_ok client show dora@x.test --format json
	echo "$output" | jq -e '.stage == "contacted" and .viability == 66 and .source_type == "owner" and .last_contacted_at == "2026-11-24T09:00:00Z"'
	echo "$output" | jq -e '.listings | length == 1 and .[0].listing_hash == "h7" and .[0].listing_ref == "R7"'
	echo "$output" | jq -e '.communications | length == 1'
	crm_ok lead show L7 --format json
	echo "$output" | jq -e '.status == "contacted" and .client_id == 3'
}

@test "stdin: an event for a lead that is a client already keeps the lead's status" {
	crm -q lead import - <<'L'
{"external_id":"L9","contact_email":"eve@x.test"}
L
	crm -q lead promote L9
	crm -q lead status L9 rejected
	crm_silent -q comm log - <<< '{"lead_id":"L9","channel":"email","external_id":"k1"}'
	crm_ok lead show L9 --format json
	echo "$output" | jq -e '.status == "rejected" and .client_id == 3'
	assert_equal "$(comms)" 1
}

@test "stdin: a lead whose owner is a client links to that client" {
	crm -q lead import - <<'L'
{"external_id":"L8","contact_name":"Ana again","contact_email":"ana@X.test","listing_hash":"h8"}
L
	crm_silent -q comm log - <<< '{"listing_hash":"h8","channel":"email","external_id":"q1"}'
	run sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients; SELECT client_id, listing_hash FROM client_listings'
	assert_success
	assert_output $'2\n1|h8'
}

@test "stdin: an event that matches no one is a data error" {
	run --separate-stderr crm comm log - <<'E'
{"client_id":1,"channel":"email","external_id":"ok"}
{"email":"nobody@x.test","channel":"email"}
E
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" 'crm: stdin:2: no client or lead matches the event'
	assert_equal "$(comms)" 0
}

@test "stdin: all or nothing, the first bad line named" {
	run --separate-stderr crm comm log - <<'E'
{"client_id":1,"channel":"email"}

{"client_id":1,"channel":"email",
E
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" 'crm: stdin:3: invalid JSON at column 34: expected a key'
	assert_equal "$(comms)" 0
}

@test "stdin: each kind of bad line is rejected with a reason" {
	run --separate-stderr crm comm log - --reject-file rej.tsv <<'E'
{"client_id":1,"channel":"email","external_id":"good"}
{"client_id":1}
{"client_id":1,"channel":"email","at":"someday"}
{"client_id":1,"channel":"email","direction":"up"}
{"client_id":"x","channel":"email"}
{"client_id":99,"channel":"email"}
[1,2]
not json
{"client_id":1,"channel":"email","kind":"carrier pigeon"}
E
	assert_success
	assert_output ''
	assert_equal "$stderr" 'comm log: 1 logged, 0 duplicates, 8 rejected'
	run cut -f1,2 rej.tsv
	assert_success
	assert_equal "${#lines[@]}" 8
	assert_line --index 0 $'2\tchannel: missing'
	assert_line --index 1 $'3\tat \'someday\': not a time (use '"$TIME_FORMS)"
	assert_line --index 2 $'4\tdirection \'up\': not a direction (out, in)'
	assert_line --index 3 $'5\tclient_id \'x\': not an id'
	assert_line --index 4 $'6\tclient 99: not found'
	assert_line --index 7 $'9\tkind \'carrier pigeon\': not a known kind (email, form, fb_message, call, sms, whatsapp, meeting, note, marked_contacted, unsubscribe)'
	run cut -f3 rej.tsv
	assert_success
	assert_line --index 0 '{"client_id":1}'
	assert_equal "$(comms)" 1
}

@test "stdin: a reject file with nothing stored exits 65" {
	run --separate-stderr crm comm log - --reject-file rej.tsv <<'E'
{"client_id":1}
E
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" $'comm log: 0 logged, 0 duplicates, 1 rejected\ncrm: stdin: nothing stored: 1 bad record'
	assert_equal "$(wc -l < rej.tsv)" 1
}

@test "stdin: --max-errors allows that many bad lines" {
	printf '%s\n' '{"client_id":1,"channel":"email"}' '{"client_id":1}' '{"client_id":1}' > ev.jsonl
	crm_fails 65 comm log - --max-errors 1 < ev.jsonl
	assert_equal "$stderr" $'crm: stdin:2: channel: missing (skipped)\ncrm: stdin:3: channel: missing'
	assert_equal "$(comms)" 0
	crm_says $'crm: stdin:2: channel: missing (skipped)\ncrm: stdin:3: channel: missing (skipped)\ncomm log: 1 logged, 0 duplicates, 2 rejected' \
		comm log - --max-errors 2 < ev.jsonl
	assert_equal "$(comms)" 1
	crm_fails 64 comm log - --max-errors -2 < ev.jsonl
	stderr_usage "crm: comm log: option '--max-errors' takes a whole number from 0, not '-2'"
}

@test "stdin: an unwritable reject file exits 73" {
	crm_fails 73 comm log - --reject-file /nonexistent/dir/rej <<< '{"client_id":1,"channel":"email"}'
	assert_equal "$stderr" "crm: reject file '/nonexistent/dir/rej': No such file or directory"
	assert_equal "$(comms)" 0
}

@test "stdin: empty input is not an error" {
	crm_says 'comm log: 0 logged, 0 duplicates, 0 rejected' comm log - < /dev/null
}

@test "stdin: re-sent events are no-ops" {
	printf '%s\n' '{"client_id":1,"channel":"email","external_id":"r1"}' '{"client_id":2,"channel":"fb","external_id":"r2"}' > ev.jsonl
	crm_silent -q comm log - < ev.jsonl
	crm_says 'comm log: 0 logged, 2 duplicates, 0 rejected' comm log - < ev.jsonl
	assert_equal "$(comms)" 2
}

@test "stdin: a re-sent event is a duplicate though its client's email changed" {
	echo '{"email":"ana@x.test","channel":"email","external_id":"ev-1"}' | crm -q comm log -
	crm -q client edit 1 --email new@x.test
	crm_says 'comm log: 0 logged, 1 duplicate, 0 rejected' \
		comm log - <<< '{"email":"ana@x.test","channel":"email","external_id":"ev-1"}'
	assert_equal "$(comms)" 1
}

@test "stdin: a re-sent event is a duplicate though its client is gone" {
	echo '{"client_id":2,"channel":"email","external_id":"ev-m"}' | crm -q comm log -
	# as a merge of client 2 into 1 leaves it
	sqlite3 "$CRM_DB" 'UPDATE communications SET client_id = 1; DELETE FROM clients WHERE id = 2'
	crm_says 'comm log: 0 logged, 1 duplicate, 0 rejected' \
		comm log - <<< '{"client_id":2,"channel":"email","external_id":"ev-m"}'
	run sqlite3 "$CRM_DB" "SELECT client_id FROM communications"
	assert_success
	assert_output 1
	crm_fails 65 comm log - <<< '{"client_id":2,"channel":"email","external_id":"ev-n"}'
	assert_equal "$stderr" 'crm: stdin:1: client 2: not found'
}

@test "stdin: a re-sent event naming a new lead neither logs nor promotes it" {
	crm -q comm log 1 --channel email --external-id ev-2
	crm -q lead import - <<< '{"external_id":"L5","contact_name":"Eli","contact_email":"eli@x.test"}'
	run --separate-stderr crm comm log - <<'E'
{"lead_id":"L5","channel":"email","external_id":"ev-2"}
{"lead_id":"L5","channel":"email","external_id":"ev-3"}
{"lead_id":"L5","channel":"email","external_id":"ev-3"}
E
	assert_success
	assert_output ''
	assert_equal "$stderr" 'comm log: 1 logged, 2 duplicates, 0 rejected'
	run sqlite3 "$CRM_DB" "SELECT external_id, client_id FROM communications ORDER BY id; SELECT count(*) FROM clients"
	assert_success
	assert_output $'ev-2|1\nev-3|3\n3'
	crm -q lead import - <<< '{"external_id":"L6","contact_name":"Flo","contact_email":"flo@x.test"}'
	crm_says 'comm log: 0 logged, 1 duplicate, 0 rejected' \
		comm log - <<< '{"lead_id":"L6","channel":"email","external_id":"ev-3"}'
	run sqlite3 "$CRM_DB" "SELECT status, client_id IS NULL FROM leads WHERE external_id = 'L6'; SELECT count(*) FROM clients"
	assert_success
	assert_output $'new|1\n3'
}

@test "stdin: an event's lead_id is the source's id first, then crm's id" {
	printf 'id,contact_name,contact_email\n2,Alice,a@x.test\n1,Bob,b@x.test\n' | crm -q lead import -
	crm -q lead import - <<< '{"external_id":"L3","contact_name":"Cy","contact_email":"cy@x.test"}'
	run --separate-stderr crm comm log - <<'E'
{"lead_id":"1","channel":"email","external_id":"s1"}
{"lead_id":3,"channel":"email","external_id":"s2"}
E
	assert_success
	assert_output ''
	assert_equal "$stderr" 'comm log: 2 logged, 0 duplicates, 0 rejected'
	run sqlite3 "$CRM_DB" "SELECT m.external_id, c.name FROM communications m JOIN clients c ON c.id = m.client_id ORDER BY m.id"
	assert_success
	assert_output $'s1|Bob\ns2|Cy'
	run sqlite3 "$CRM_DB" "SELECT contact_name, status FROM leads ORDER BY id"
	assert_success
	assert_output $'Alice|new\nBob|contacted\nCy|contacted'
	crm_fails 65 comm log - <<< '{"lead_id":"9","channel":"email"}'
	assert_equal "$stderr" "crm: stdin:1: lead '9': not found"
}

@test "stdin: CSV and TSV with a header, detected or forced; --map" {
	crm_says 'comm log: 2 logged, 0 duplicates, 0 rejected' \
		comm log - < <(printf 'client_id,channel,subject,external_id\n1,email,"Hi, there",c1\n2,fb,,c2\n')
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' \
		comm log - --map who=client_id < <(printf 'who\tchannel\tbody\n1\temail\tline one\\nline two\n')
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' \
		comm log - --input-format csv < <(printf 'client_id,channel\n2,email\n')
	assert_equal "$(comms)" 4
	run sqlite3 "$CRM_DB" "SELECT subject FROM communications WHERE external_id = 'c1'"
	assert_success
	assert_output 'Hi, there'
	run sqlite3 "$CRM_DB" "SELECT body FROM communications WHERE id = 3"
	assert_success
	assert_output $'line one\nline two'
	crm_fails 64 comm log - --input-format xml < /dev/null
	stderr_usage "crm: comm log: option '--input-format': 'xml' is not one of its values (jsonl, csv, tsv)"
}

@test "list filters by channel, direction, since and until, newest first" {
	crm -q comm log 1 --channel email --at 2026-11-01T00:00:00Z
	crm -q comm log 1 --channel fb --at 2026-11-20T00:00:00Z
	crm -q comm log 2 --channel email --direction in --at 2026-11-24T00:00:00Z
	crm_ok comm list --format ids
	assert_output $'3\n2\n1'
	crm_ok comm list 1 --format ids
	assert_output $'2\n1'
	crm_ok comm list --channel email --format ids
	assert_output $'3\n1'
	crm_ok comm list --direction in --format ids
	assert_output 3
	crm_ok comm list --since 7d --format ids
	assert_output $'3\n2'
	crm_ok comm list --since 2026-11-01 --until 2026-11-20 --format ids
	assert_output 1
	crm_ok comm list --format json
	echo "$output" | jq -e 'length == 3'
}

@test "log --at and list --since take the forms people type, in display.timezone" {
	export CRM_NOW=2026-11-25T12:00:00Z
	printf 'display:\n  timezone: Europe/Madrid\n' > crm.yaml
	crm -q comm log 1 --channel email --at '2026-11-24 10:00'
	crm -q comm log 1 --channel email --at today
	crm -q comm log 1 --channel email --at +1h
	crm_ok comm list --format tsv
	assert_equal "$(cut -f3 <<< "$output")" $'occurred_at\n2026-11-25T13:00:00Z\n2026-11-24T23:00:00Z\n2026-11-24T09:00:00Z'
	crm_ok comm list --since today --format ids
	assert_output $'3\n2'
	crm_ok comm list --until '2026-11-24 10:01' --format ids
	assert_output 1
	crm_fails 65 comm log 1 --channel email --at monda
	assert_equal "$stderr" "crm: at 'monda': not a time (use $TIME_FORMS)"
}

@test "list: --channel and --direction repeated or as a comma list match any of their values" {
	crm -q comm log 1 --channel email --at 2026-11-01T00:00:00Z
	crm -q comm log 1 --channel fb --at 2026-11-20T00:00:00Z
	crm -q comm log 2 --channel sms --direction in --at 2026-11-24T00:00:00Z
	crm_ok comm list --channel email,sms --format ids
	assert_output $'3\n1'
	crm_ok comm list --channel email --channel fb --format ids
	assert_output $'2\n1'
	crm_ok comm list --direction in,out --format ids
	assert_output $'3\n2\n1'
	crm_fails 64 comm list --direction in,sideways
	stderr_usage "crm: comm list: option '--direction': 'sideways' is not one of its values (out, in)"
}

@test "list --offset pages through the communications, newest first" {
	crm -q comm log 1 --channel email --at 2026-11-01T00:00:00Z
	crm -q comm log 1 --channel fb --at 2026-11-20T00:00:00Z
	crm -q comm log 2 --channel sms --at 2026-11-24T00:00:00Z
	crm_ok comm list --offset 1 --limit 1 --format ids
	assert_output 2
	crm_ok comm list 1 --offset 1 --format ids
	assert_output 1
	crm_fails 64 comm list --offset x
	stderr_usage "crm: comm list: option '--offset' takes a whole number, not 'x'"
}

@test "list errors: bad time (65), missing client (1), nothing matched (1)" {
	crm_fails 65 comm list --since tomorrowish
	assert_equal "$stderr" "crm: comm list: --since 'tomorrowish': not a time (use $TIME_FORMS)"
	crm_fails 1 comm list 42
	assert_equal "$stderr" "crm: client '42': not found"
	run --separate-stderr crm comm list
	assert_failure 1
	assert_output $'id\tclient_id\toccurred_at\tchannel\tdirection\tkind\tstatus\tsubject\tbody\tsource\texternal_id\tcreated_at'
	assert_equal "$stderr" ''
	crm_fails 1 comm list --format ids
	assert_equal "$stderr" ''
	crm_fails 64 comm list 1 2
	stderr_usage 'crm: comm list: one client at most, not 2'
}

@test "client show includes the timeline" {
	crm -q comm log 1 --channel email --subject 'first' --at 2026-11-01T00:00:00Z
	crm -q comm log 1 --channel email --direction in --subject 'reply' --at 2026-11-02T00:00:00Z
	crm_ok client show 1 --format table
	assert_line --regexp '^2026-11-02 00:00 +email +in +email +received +reply$'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.communications[0].subject == "reply" and .communications[1].subject == "first"'
}

@test "stdin: an owner known to two operators needs the event's operator_id" {
	crm --operator 2 client add --name 'Ana two' --email ana@x.test >/dev/null
	crm_fails 65 comm log - <<< '{"email":"ana@x.test","channel":"email"}'
	assert_equal "$stderr" "crm: stdin:1: email 'ana@x.test': known to operators 1 and 2; give operator_id"
	assert_equal "$(comms)" 0
	crm_silent -q comm log - <<< '{"email":"ana@x.test","channel":"email","operator_id":2}'
	CRM_OPERATOR=1 crm_silent -q comm log - <<< '{"email":"ana@x.test","channel":"email"}'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT group_concat(client_id) FROM (SELECT client_id FROM communications ORDER BY id)')" '3,1'
}

@test "a reply turns automation off for its client, with history, when stop_on_reply" {
	crm_silent -q comm log 1 --channel email --direction in
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.automation_enabled == 0'
	crm_ok client history 1 --format tsv
	assert_line --partial $'automation\tautomation_enabled\t1\t0\treply received'
	# a second reply changes nothing more
	crm_silent -q comm log 1 --channel email --direction in
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM activity_logs WHERE field = 'automation_enabled'")" 1
	printf 'automation:\n  stop_on_reply: false\n' > crm.yaml
	crm_silent -q comm log 2 --channel email --direction in
	crm_ok client show 2 --format json
	echo "$output" | jq -e '.automation_enabled == 1'
}

@test "log CLIENT refuses the options of a stream" {
	for o in '--reject-file r.tsv' '--max-errors 2' '--map a=b' '--input-format csv' --dry-run; do
		crm_fails 64 comm log 1 --channel email $o
		stderr_usage "crm: comm log: --input-format, --map, --reject-file, --max-errors and --dry-run are for '-', the events on stdin"
	done
	assert_equal "$(comms)" 0
}

@test "stdin: a reject file that cannot be written stores nothing, whatever the line's length" {
	for n in 100 4000 5000; do
		printf '{"client_id":1,"channel":"email","external_id":"g%s"}\n{"client_id":999,"channel":"email","external_id":"b1","body":"%s"}\n' \
			"$n" "$(head -c "$n" /dev/zero | tr '\0' a)" > r.jsonl
		crm_fails 73 comm log - --reject-file /dev/full < r.jsonl
		assert_equal "$stderr" "crm: reject file '/dev/full': No space left on device"
		assert_equal "$(comms)" 0
	done
}

@test "stdin: a NUL byte in a line is bad data, not the end of the line" {
	printf 'client_id\tchannel\tbody\texternal_id\n1\temail\tab\0cd\tt1\n' > nul.tsv
	crm_fails 65 comm log - < nul.tsv
	assert_equal "$stderr" "crm: stdin:2: a NUL byte in the record"
	printf '{"client_id":1,"channel":"email","external_id":"n1"}\0{"client_id":2,"channel":"email","external_id":"n2"}\n' > nul.jsonl
	crm_fails 65 comm log - < nul.jsonl
	assert_equal "$stderr" "crm: stdin:1: a NUL byte in the record"
	assert_equal "$(comms)" 0
}

@test "stdin: a CSV row with fewer fields than the header is bad data" {
	crm_fails 65 comm log - <<< $'client_id,channel,body,external_id\n1,email,ab'
	assert_equal "$stderr" "crm: stdin:2: 3 fields, but the header has 4"
}

@test "a leap second is refused (65), not stored as :59" {
	crm -q client add --name A >/dev/null
	crm_fails 65 comm log 1 --channel email --at 2026-06-30T23:59:60Z
	assert_equal "$stderr" "crm: at '2026-06-30T23:59:60Z': not a time (use $TIME_FORMS)"
	crm_fails 65 comm log - <<< '{"client_id":1,"channel":"email","at":"2016-12-31T23:59:60+00:00"}'
	assert_equal "$stderr" "crm: stdin:1: at '2016-12-31T23:59:60+00:00': not a time (use $TIME_FORMS)"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
}

@test "stdin: an event's at takes the typed forms; one that is none is bad data with its line" {
	printf 'display:\n  timezone: Europe/Madrid\n' > crm.yaml
	crm_says 'comm log: 2 logged, 0 duplicates, 0 rejected' comm log - <<< '{"client_id":1,"channel":"email","at":"2026-11-24 10:00"}
{"client_id":1,"channel":"email","at":"7d"}'
	crm_ok comm list --format tsv
	assert_equal "$(cut -f3 <<< "$output")" $'occurred_at\n2026-11-24T09:00:00Z\n2026-11-18T12:00:00Z'
	big=$(head -c 200000 /dev/zero | tr '\0' 9)
	for bad in 'monda' '+99999999999999999999d' '\u0000today' 'to\u0000day' "$big"; do
		crm_fails 65 comm log - <<< "{\"client_id\":2,\"channel\":\"email\",\"at\":\"$bad\"}"
		[[ $stderr == "crm: stdin:1: "* ]] || fail "no line in: $stderr"
	done
	crm_fails 65 comm log - < <(printf '{"client_id":2,"channel":"email","at":"tod\xffay"}\n')
	assert_equal "$stderr" "crm: stdin:1: invalid UTF-8 on line 1 at byte 43"
	assert_equal "$(comms)" 2
}

@test "invalid UTF-8 in an argument is bad data (65)" {
	crm -q client add --name A >/dev/null
	crm_fails 65 comm log 1 --channel email --body $'bad \xff byte'
	assert_equal "$stderr" 'crm: body: not valid UTF-8 (byte 5)'
	crm_fails 65 comm log 1 --channel email --subject $'\xed\xa0\x80'
	assert_equal "$stderr" 'crm: subject: not valid UTF-8 (byte 1)'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
}

@test "stdin: an event's email with a trailing no-break space finds its owner; a zero-width space is bad data" {
	crm -q client add --name A --email a@b.com >/dev/null
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' \
		comm log - <<< $'{"email":"A@B.com\xc2\xa0","channel":"email","external_id":"x1"}'
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT email FROM communications m JOIN clients c ON c.id = m.client_id")" a@b.com
	crm_fails 65 comm log - <<< $'{"email":"a\u200b@b.com","channel":"email"}'
	assert_equal "$stderr" $'crm: stdin:1: email \'a\u200b@b.com\': U+200B is not allowed in an email address (a control, format or space character)'
}

@test "an unknown direction, channel, kind, status or source lists the values and names the likely one" {
	crm_fails 64 comm log 1 --channel email --direction ni
	stderr_usage "crm: comm log: option '--direction': 'ni' is not one of its values (out, in); did you mean 'in'?"
	crm_fails 65 comm log 1 --channel emial
	assert_equal "$stderr" "crm: channel 'emial': not a configured channel (email, form, fb, phone, sms, whatsapp); did you mean 'email'?"
	crm_fails 65 comm log 1 --channel email --kind mail
	assert_equal "$stderr" "crm: kind 'mail': not a known kind (email, form, fb_message, call, sms, whatsapp, meeting, note, marked_contacted, unsubscribe); did you mean 'email'?"
	crm_fails 65 comm log 1 --channel email --status snet
	assert_equal "$stderr" "crm: status 'snet': not a known status (sent, delivered, failed, bounced, received, logged); did you mean 'sent'?"
	crm_fails 64 comm log - --input-format jsnl < /dev/null
	stderr_usage "crm: comm log: option '--input-format': 'jsnl' is not one of its values (jsonl, csv, tsv); did you mean 'jsonl'?"
	crm_fails 65 comm log - <<< '{"client_id":1,"channel":"email","direction":"ni"}'
	assert_equal "$stderr" "crm: stdin:1: direction 'ni': not a direction (out, in); did you mean 'in'?"
	crm_fails 65 comm log - <<< '{"client_id":1,"channel":"email","source":"bots"}'
	assert_equal "$stderr" "crm: stdin:1: source 'bots': not a known source (bot, manual, sync, import); did you mean 'bot'?"
	crm_fails 65 comm list --channel emial
	assert_equal "$stderr" "crm: comm list: channel 'emial': not a configured channel (email, form, fb, phone, sms, whatsapp); did you mean 'email'?"
	crm_fails 65 comm list --until 'next week'
	assert_equal "$stderr" "crm: comm list: --until 'next week': not a time (use $TIME_FORMS)"
	assert_equal "$(comms)" 0
}

@test "list: the table shows the client's name in 100 columns; --wide and machine formats every column" {
	crm -q client add --name 'Ana María García-Fernández de la Vega' --email amg@x.test >/dev/null
	crm -q comm log 3 --channel email --at 2026-11-20T10:00:00Z --external-id ext-1 \
		--subject 'Re: your flat in the old town, with the terrace and the views'
	crm -q comm log - <<'E'
{"client_id":2,"channel":"whatsapp","direction":"in","body":"yes please call me tomorrow morning at nine","at":"2026-11-21T10:00:00Z"}
{"client_id":3,"channel":"phone","kind":"marked_contacted","at":"2026-11-22T10:00:00Z"}
E
	crm_ok comm list --format table
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 'OCCURRED AT       CLIENT            CHANNEL   DIR  KIND        STATUS    SUBJECT'
	assert_line --index 1 '2026-11-22 10:00  Ana María Garcí…  phone     out  marked_co…  logged'
	assert_line --index 2 '2026-11-21 10:00  Bo                whatsapp  in   whatsapp    received  yes please call me to…'
	assert_line --index 3 '2026-11-20 10:00  Ana María Garcí…  email     out  email       sent      Re: your flat in the …'
	for l in "${lines[@]}"; do
		w=$(LC_ALL=C.UTF-8 bash -c 'echo ${#1}' _ "$l")
		(( w <= 100 )) || fail "$w columns: $l"
	done
	refute_output --partial ext-1
	crm_ok comm list --format table --wide
	assert_line --index 0 --regexp '^ID +CLIENT ID +OCCURRED AT +CHANNEL +DIRECTION +KIND +STATUS +SUBJECT +BODY +SOURCE +EXTERNAL ID +CREATED AT$'
	assert_line --index 3 --partial 'ext-1'
	crm_ok comm list --format tsv
	assert_line --index 0 $'id\tclient_id\toccurred_at\tchannel\tdirection\tkind\tstatus\tsubject\tbody\tsource\texternal_id\tcreated_at'
	crm_ok comm list --format jsonl
	echo "$output" | head -1 | jq -e 'has("client") | not'
	# a client's own timeline needs no client column
	crm_ok client show 3
	assert_line 'OCCURRED AT       CHANNEL  DIRECTION  KIND              STATUS  SUBJECT'
}

@test "stdin: without a reject file, the error names the first ten bad lines and how many there were" {
	for i in $(seq 1 40); do
		case $i in
		1|2|40) printf '{"client_id":1,"channel":"email","external_id":"ok%s"}\n' "$i" ;;
		5) echo '{"client_id":1,' ;;
		*) printf '{"client_id":1,"channel":"telex","external_id":"b%s"}\n' "$i" ;;
		esac
	done > many.jsonl
	run --separate-stderr crm -q comm log - < many.jsonl
	assert_failure 65
	assert_output ''
	want=''
	for i in 3 4 5 6 7 8 9 10 11 12; do
		if [ "$i" = 5 ]; then
			want+="crm: stdin:5: invalid JSON at column 16: expected a key"$'\n'
		else
			want+="crm: stdin:$i: channel 'telex': not a configured channel (email, form, fb, phone, sms, whatsapp)"$'\n'
		fi
	done
	assert_equal "$stderr" "${want}crm: stdin: 37 bad lines, nothing stored"
	assert_equal "$(comms)" 0
	# one bad line alone is the error, as it was
	head -n 4 many.jsonl | grep -v '"b3"' > one.jsonl
	crm_fails 65 comm log - < one.jsonl
	assert_equal "$stderr" "crm: stdin:3: channel 'telex': not a configured channel (email, form, fb, phone, sms, whatsapp)"
	assert_equal "$(comms)" 0
}

@test "stdin: --dry-run counts what would be logged, duplicates and rejects, and stores nothing" {
	crm_silent -q comm log - <<< '{"client_id":1,"channel":"email","external_id":"old"}'
	before=$(sqlite3 "$CRM_DB" 'SELECT count(*), max(updated_at), group_concat(stage) FROM clients; SELECT count(*) FROM activity_logs')
	cat > ev.jsonl <<'J'
{"client_id":2,"channel":"email","external_id":"old"}
{"client_id":2,"channel":"email","direction":"in","external_id":"n1","at":"2026-11-25T10:00:00Z"}
{"client_id":2,"channel":"email","external_id":"n1"}
{"client_id":9,"channel":"email","external_id":"n2"}
{"email":"bo@x.test","channel":"sms","external_id":"n3"}
J
	crm_says 'comm log: 2 logged, 2 duplicates, 1 rejected (dry run: nothing stored)' \
		comm log - --dry-run --reject-file rej.tsv < ev.jsonl
	[ ! -e rej.tsv ]
	assert_equal "$(comms)" 1
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*), max(updated_at), group_concat(stage) FROM clients; SELECT count(*) FROM activity_logs')" "$before"
	# the real run does what the dry run said
	crm_says 'comm log: 2 logged, 2 duplicates, 1 rejected' comm log - --reject-file rej.tsv < ev.jsonl
	assert_equal "$(comms)" 3
	# a dry run with bad lines and no reject file fails as the run would
	crm_fails 65 comm log - --dry-run < ev.jsonl
	assert_equal "$stderr" 'crm: stdin:4: client 9: not found'
}

@test "a note is no contact: no contact time, no stage, no stale reset, automation left on" {
	export CRM_NOW=2026-12-20T12:00:00Z
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' comm log 1 --channel phone --kind note --body 'called, wrong number'
	crm_silent -q comm log 1 --channel email --kind note --direction in --body 'forwarded by a neighbour'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.stage == "new" and .last_contacted_at == null and .last_interaction_at == null and .automation_enabled == 1'
	echo "$output" | jq -e '[.communications[].kind] == ["note","note"] and [.communications[].status] == ["received","logged"]'
	# still stale: a note is not a contact
	crm_ok client list --stale 14 --format ids
	assert_line 1
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM activity_logs WHERE action NOT IN ('create', 'log')")" 0
	# a contact after it moves them
	crm_silent -q comm log 1 --channel email
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.stage == "contacted" and .last_contacted_at == "2026-12-20T12:00:00Z"'
}

@test "stdin: notes in a batch move nothing, before or after the client's contacts" {
	cat > ev.jsonl <<'J'
{"client_id":1,"channel":"email","kind":"note","external_id":"n1","at":"2026-11-20T10:00:00Z"}
{"client_id":1,"channel":"email","external_id":"e1","at":"2026-11-21T10:00:00Z"}
{"client_id":1,"channel":"email","kind":"note","external_id":"n2","at":"2026-11-24T10:00:00Z"}
{"client_id":1,"channel":"email","kind":"note","direction":"in","external_id":"n3","at":"2026-11-24T11:00:00Z"}
{"client_id":2,"channel":"sms","kind":"note","direction":"in","external_id":"n4"}
J
	crm_says 'comm log: 5 logged, 0 duplicates, 0 rejected' comm log - < ev.jsonl
	crm_ok client list --format jsonl --sort id
	assert_equal "$(jq -c '[.id, .stage, .last_contacted_at, .last_interaction_at, .automation_enabled]' <<< "$output" | tr '\n' ' ')" \
		'[1,"contacted","2026-11-21T10:00:00Z",null,1] [2,"meeting",null,null,1] '
	# a note about a lead makes its client, and leaves it uncontacted
	crm -q lead import - <<< '{"external_id":"L5","contact_email":"lea@x.test"}'
	crm_silent -q comm log - <<< '{"lead_id":"L5","channel":"email","kind":"note","external_id":"n5"}'
	crm_ok client show lea@x.test --format json
	echo "$output" | jq -e '.stage == "new" and .last_contacted_at == null'
	crm_ok lead show L5 --format json
	echo "$output" | jq -e '.status == "new" and .client_id == 3'
}

@test "an event on a channel of the config's own, with no kind, is a contact" {
	printf 'channels: [email, telegram]\n' > crm.yaml
	crm_silent -q comm log 1 --channel telegram
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.stage == "contacted" and .last_contacted_at != null'
	echo "$output" | jq -e '.communications[0].kind == "marked_contacted" and .communications[0].status == "logged"'
}
