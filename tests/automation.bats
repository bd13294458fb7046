#!/usr/bin/env bats
# crm automation: on, off, pause, due and why; and what comm log and a
# stage change do to automation.  CRM_NOW fixes the clock in every test.
bats_require_minimum_version 1.5.0
load helper

HEAD=$'id\tname\temail\tphone\tchannel\ttouch\tai_mode\tviability\tlast_contacted_at\tdue_since'

setup() {
	crm_setup
	cat > crm.yaml <<'Y'
automation:
  stages: [new, contacted]
  followup_days: [3, 7]
  max_touches: 4
  quiet_hours: "21:00-08:00"
  timezone: Europe/Madrid
notify:
  overdue_hours: 24
Y
	# Wednesday 13:00 in Madrid
	export CRM_NOW=2026-11-25T12:00:00Z
}

# a client added at CRM_NOW; its id in $id
add() {
	add_client --name "$1" --email "$2" --channel email "${@:3}"
}

# an outbound email to client $1 at $2, quietly
touch_at() {
	run --separate-stderr crm -q comm log "$1" --channel "${3:-email}" --at "$2"
	assert_success
	assert_output ''
}

# client $1 is due now: its row is $2
due_row() {
	crm_ok automation due
	assert_output "$HEAD"$'\n'"$2"
}

# nothing is due now: exit 1, no id on stdout, nothing on stderr
none_due() {
	crm_fails 1 automation due --format ids "$@"
	assert_equal "$stderr" ''
}

sql() {
	sqlite3 "$CRM_DB" "$1"
}

@test "due: a client never touched is due at once, with every column" {
	add Ana ana@x.test --phone '+34 600 000 001' --viability 70
	due_row 1 $'1\tAna\tana@x.test\t+34 600 000 001\temail\t1\tdraft\t70\t\t2026-11-25T12:00:00Z'
}

@test "due: automation off, or paused at now, is not due; on ends the pause" {
	add Ana ana@x.test
	crm_says 'automation off: 1 of 1 client changed' automation off 1
	none_due
	crm_says 'automation on: 1 of 1 client changed' automation on ana@x.test
	crm_says 'automation pause: 1 of 1 client paused until 2026-11-27T12:00:00Z' \
		automation pause 1 --until +2d
	none_due
	CRM_NOW=2026-11-27T11:59:59Z none_due
	CRM_NOW=2026-11-27T12:00:00Z crm_ok automation due --format ids
	assert_output 1
	crm_says 'automation on: 1 of 1 client changed' automation on 1
	crm_ok automation due --format ids
	assert_output 1
	assert_equal "$(sql 'SELECT automation_enabled, automation_paused_until IS NULL FROM clients')" '1|1'
}

@test "on, off and pause: ids from stdin, one transaction, a history row each change" {
	add Ana ana@x.test
	add Bea bea@x.test
	run --separate-stderr crm automation off - <<< $'1\nbea@x.test'
	assert_success
	assert_equal "$stderr" 'automation off: 2 of 2 clients changed'
	run --separate-stderr crm automation on - <<< $'1\nnobody@x.test'
	assert_failure 1
	assert_equal "$stderr" "crm: stdin:2: client 'nobody@x.test': not found"
	assert_equal "$(sql 'SELECT sum(automation_enabled) FROM clients')" 0
	assert_equal "$(sql "SELECT entity_id || ' ' || field || ' ' || old_value || ' ' || new_value
		FROM activity_logs WHERE action = 'automation' ORDER BY id")" \
		$'1 automation_enabled 1 0\n2 automation_enabled 1 0'
}

@test "due: the stage must be one of automation.stages, and not terminal" {
	add Ana ana@x.test
	crm -q client stage 1 replied
	none_due
	crm_ok automation why 1
	assert_line --index 3 $'stage\tfail\treplied: not in automation.stages'
	crm -q client stage 1 lost
	crm_ok automation why 1
	assert_line --index 3 $'stage\tfail\tlost: terminal'
	crm -q automation on 1
	crm -q client stage 1 contacted
	crm_ok automation due --format ids
	assert_output 1
}

@test "a stage change to a terminal stage turns automation off, with a history row" {
	add Ana ana@x.test
	crm_says "1 of 1 client moved to 'won'" client stage 1 won
	assert_equal "$(sql "SELECT automation_enabled FROM clients")" 0
	assert_equal "$(sql "SELECT field || ' ' || old_value || ' ' || new_value || ' ' || reason
		FROM activity_logs WHERE action = 'automation'")" \
		"automation_enabled 1 0 stage 'won' is terminal"
	crm -q client stage 1 new
	none_due
}

@test "due: a client on do-not-contact, archived or forgotten is not due" {
	add Ana ana@x.test
	sql 'UPDATE clients SET dnc = 1'
	none_due
	crm_ok automation why 1
	assert_line --index 4 $'do_not_contact\tfail\tlisted'
	assert_line --index 9 $'next_due\tnever\tdo_not_contact fails'
	sql 'UPDATE clients SET dnc = 0'
	crm -q client edit 1 --status archived
	none_due --all
	crm_ok automation why 1
	assert_line --index 5 $'status\tfail\tarchived'
	sql "UPDATE clients SET status = 'forgotten'"
	none_due --all
}

@test "due: the follow-up waits followup_days[touches-1] days of 24 h, the last value repeating" {
	CRM_NOW=2026-11-01T10:00:00Z add Ana ana@x.test
	touch_at 1 2026-11-02T10:00:00Z
	CRM_NOW=2026-11-05T09:59:59Z none_due
	CRM_NOW=2026-11-05T10:00:00Z due_row 1 $'1\tAna\tana@x.test\t\temail\t2\tdraft\t\t2026-11-02T10:00:00Z\t2026-11-05T10:00:00Z'
	touch_at 1 2026-11-05T10:00:00Z
	CRM_NOW=2026-11-12T09:59:59Z none_due
	CRM_NOW=2026-11-12T10:00:00Z crm_ok automation due --format ids
	assert_output 1
	# the third touch waits 7 days again: the last value repeats
	touch_at 1 2026-11-12T10:00:00Z
	CRM_NOW=2026-11-19T09:59:59Z none_due
	CRM_NOW=2026-11-19T10:00:00Z crm_ok automation due
	assert_output "$HEAD"$'\n1\tAna\tana@x.test\t\temail\t4\tdraft\t\t2026-11-12T10:00:00Z\t2026-11-19T10:00:00Z'
}

@test "due: max_touches outbound touches and no more; notes and replies are no touches" {
	CRM_NOW=2026-10-01T10:00:00Z add Ana ana@x.test
	crm -q automation on 1
	for d in 02 06 14 22; do touch_at 1 2026-10-${d}T10:00:00Z; done
	crm -q comm log 1 --channel email --kind note --at 2026-10-23T10:00:00Z
	assert_equal "$(sql 'SELECT touches, last_touch_at FROM clients')" '4|2026-10-22T10:00:00Z'
	none_due
	crm_ok automation why 1
	assert_line --index 6 $'max_touches\tfail\t4 of 4'
	assert_line --index 9 $'next_due\tnever\tmax_touches fails'
}

@test "due: quiet hours are [start, end) in automation.timezone, across midnight" {
	CRM_NOW=2026-11-01T10:00:00Z add Ana ana@x.test
	# Madrid is UTC+1 in November
	for t in 2026-11-25T20:00:00Z 2026-11-25T23:30:00Z 2026-11-26T06:59:59Z; do
		CRM_NOW=$t none_due
	done
	for t in 2026-11-25T19:59:59Z 2026-11-26T07:00:00Z; do
		CRM_NOW=$t crm_ok automation due --format ids
		assert_output 1
	done
	CRM_NOW=2026-11-25T23:30:00Z crm_ok automation why 1
	assert_line --index 8 $'quiet_hours\tfail\t00:30 in 21:00-08:00 Europe/Madrid'
	assert_line --index 9 $'next_due\tlater\t2026-11-26T07:00:00Z'
}

@test "due: quiet hours follow the DST changes of Europe/Madrid (2026-03-29, 2026-10-25)" {
	CRM_NOW=2026-03-01T10:00:00Z add Ana ana@x.test
	# 06:30 UTC: 07:30 CET on Saturday (quiet), 08:30 CEST on Sunday (not)
	CRM_NOW=2026-03-28T06:30:00Z none_due
	CRM_NOW=2026-03-29T06:30:00Z crm_ok automation due --format ids
	assert_output 1
	# 06:30 UTC: 08:30 CEST on Saturday (not quiet), 07:30 CET on Sunday (quiet)
	CRM_NOW=2026-10-24T06:30:00Z crm_ok automation due --format ids
	assert_output 1
	CRM_NOW=2026-10-25T06:30:00Z none_due
	CRM_NOW=2026-10-25T06:30:00Z crm_ok automation why 1
	assert_line --index 9 $'next_due\tlater\t2026-10-25T07:00:00Z'
	# the zone is automation's, not the process's
	TZ=America/New_York CRM_NOW=2026-10-25T06:30:00Z none_due
}

@test "due: the touch due longest ago first, then viability, highest first; --limit" {
	CRM_NOW=2026-11-01T10:00:00Z add Ana ana@x.test --viability 10
	CRM_NOW=2026-11-01T10:00:00Z add Bea bea@x.test --viability 90
	CRM_NOW=2026-11-01T10:00:00Z add Cid cid@x.test --viability 50
	CRM_NOW=2026-10-01T10:00:00Z add Dan dan@x.test
	touch_at 1 2026-11-10T10:00:00Z
	crm_ok automation due --format ids
	assert_output $'4\n2\n3\n1'
	crm_ok automation due --format ids --limit 2
	assert_output $'4\n2'
	crm_ok automation due --format ids --limit 2 --offset 2
	assert_output $'3\n1'
}

@test "due: the client filters, and --channel the channel of the touch to make" {
	add Ana ana@x.test --viability 80 --tag hot
	add Bea bea@x.test --viability 20 --channel form
	add Cid cid@x.test
	sql "UPDATE clients SET channel = NULL, last_touch_channel = 'fb' WHERE id = 3"
	crm_ok automation due --format ids --min-viability 50
	assert_output 1
	crm_ok automation due --format ids --tag hot
	assert_output 1
	crm_ok automation due --format ids --channel form
	assert_output 2
	crm_ok automation due --format ids --channel fb,email
	assert_output $'1\n3'
	crm -q client stage 2 contacted
	crm_ok automation due --format ids --stage contacted
	assert_output 2
	crm_fails 65 automation due --channel pigeon
	stderr_has "channel 'pigeon'"
	crm_fails 64 automation due --sort name
	assert_equal "$stderr" 'crm: automation due: --sort: the order is the touch due longest ago, then viability'
}

@test "due: jsonl has the columns of the contract" {
	add Ana ana@x.test
	crm_ok automation due --format jsonl
	assert_output '{"id":1,"name":"Ana","email":"ana@x.test","phone":null,"channel":"email","touch":1,"ai_mode":"draft","viability":null,"last_contacted_at":null,"due_since":"2026-11-25T12:00:00Z"}'
}

@test "why: one line per rule with the value that decided it, then when it is next due" {
	CRM_NOW=2026-11-01T10:00:00Z add Ana ana@x.test
	touch_at 1 2026-11-24T10:00:00Z
	crm_ok automation why ana@x.test
	assert_output "rule	result	value
automation	pass	on
paused	pass	not paused
stage	pass	contacted
do_not_contact	pass	not listed
status	pass	active
max_touches	pass	1 of 4
followup	fail	last touch 2026-11-24T10:00:00Z, wait 3d: due 2026-11-27T10:00:00Z
quiet_hours	pass	13:00 not in 21:00-08:00 Europe/Madrid
next_due	later	2026-11-27T10:00:00Z"
	crm -q automation off 1
	crm_ok automation why 1
	assert_line --index 1 $'automation\tfail\toff'
	assert_line --index 9 $'next_due\tnever\tautomation fails'
	crm -q automation on 1
	CRM_NOW=2026-11-28T10:00:00Z crm_ok automation why 1 --format jsonl
	assert_line --index 6 '{"rule":"followup","result":"pass","value":"last touch 2026-11-24T10:00:00Z, wait 3d: due 2026-11-27T10:00:00Z"}'
	crm_fails 64 automation why 1 --format ids
	stderr_usage "crm: automation why: format 'ids' is for lists; use table, tsv, csv, json or jsonl"
}

@test "why: due now says so" {
	add Ana ana@x.test
	crm_ok automation why 1
	assert_line --index 9 $'next_due\tnow\t2026-11-25T12:00:00Z'
}

@test "errors: unknown client 1, bad --until 65 with its forms, usage 64" {
	add Ana ana@x.test
	crm_fails 1 automation why 99
	assert_equal "$stderr" "crm: client '99': not found"
	crm_fails 1 automation on 99
	assert_equal "$stderr" "crm: client '99': not found"
	crm_fails 65 automation pause 1 --until soon
	assert_equal "$stderr" "crm: automation pause: --until 'soon': not a time (use 2026-12-01, 2026-12-01 10:00, 2026-12-01T10:00:00Z, 2026-12-01T10:00+01:00, today, tomorrow, monday, +2d, +3h, 7d, 24h, 30m, 2w)"
	crm_fails 64 automation pause 1
	stderr_usage 'crm: automation pause: --until is required'
	crm_fails 64 automation on
	stderr_usage "crm: automation on: clients (ids, emails or phones) or '-' are required"
	crm_fails 64 automation why
	stderr_usage 'crm: automation why: a client (id, email or phone) is required'
	crm_fails 64 automation why 1 2
	stderr_usage 'crm: automation why: one client, not 2'
	crm_fails 64 automation due --bogus
	stderr_has "unknown option '--bogus'"
	crm_fails 64 automation frob
	stderr_has "automation: unknown subcommand 'frob'"
	assert_equal "$(sql 'SELECT automation_paused_until IS NULL FROM clients')" 1
}

@test "pause --until takes the typed forms: a date, a time, +2d, a span ahead" {
	add Ana ana@x.test
	crm_says 'automation pause: 1 of 1 client paused until 2026-12-01T00:00:00Z' \
		automation pause 1 --until 2026-12-01
	crm_says 'automation pause: 1 of 1 client paused until 2026-11-28T12:00:00Z' \
		automation pause 1 --until 3d
	crm_says 'automation pause: 1 of 1 client paused until 2026-11-25T15:00:00Z' \
		automation pause 1 --until +3h
}

@test "comm log: touches counted once, duplicates by external_id are no-ops, in a batch too" {
	CRM_NOW=2026-11-01T10:00:00Z add Ana ana@x.test
	events=$'{"client_id":1,"channel":"email","at":"2026-11-02T10:00:00Z","external_id":"a"}
{"client_id":1,"channel":"form","at":"2026-11-06T10:00:00Z","external_id":"b"}
{"client_id":1,"channel":"email","direction":"in","at":"2026-11-07T10:00:00Z","external_id":"c"}
{"client_id":1,"channel":"email","kind":"note","at":"2026-11-08T10:00:00Z","external_id":"d"}'
	run --separate-stderr crm comm log - <<< "$events"
	assert_success
	assert_equal "$stderr" 'comm log: 4 logged, 0 duplicates, 0 rejected'
	assert_equal "$(sql 'SELECT touches, last_touch_at, last_touch_channel, last_contacted_at FROM clients')" \
		'2|2026-11-06T10:00:00Z|form|2026-11-06T10:00:00Z'
	run --separate-stderr crm comm log - <<< "$events"
	assert_equal "$stderr" 'comm log: 0 logged, 4 duplicates, 0 rejected'
	assert_equal "$(sql 'SELECT touches FROM clients')" 2
	crm -q comm log 1 --channel email --at 2026-11-20T10:00:00Z --external-id e
	crm -q comm log 1 --channel email --at 2026-11-20T10:00:00Z --external-id e
	assert_equal "$(sql 'SELECT touches, last_touch_channel FROM clients')" '3|email'
}

@test "comm log: a touch to a client not due is stored with a violation notification" {
	CRM_NOW=2026-11-01T10:00:00Z add Ana ana@x.test
	touch_at 1 2026-11-02T10:00:00Z
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' comm log 1 --channel email \
		--at 2026-11-03T10:00:00Z
	assert_equal "$(sql "SELECT kind, client_id, message FROM notifications")" \
		'violation|1|client 1: touched at 2026-11-03T10:00:00Z but not due: followup (last touch 2026-11-02T10:00:00Z, wait 3d: due 2026-11-05T10:00:00Z)'
	assert_equal "$(sql 'SELECT touches FROM clients')" 2
	# in quiet hours (00:30 in Madrid)
	crm -q comm log 1 --channel email --at 2026-11-20T23:30:00Z
	assert_equal "$(sql "SELECT count(*) FROM notifications WHERE message LIKE '%quiet_hours (00:30 in%'")" 1
	# a touch older than the last one is history brought in late: not judged
	crm -q comm log 1 --channel email --at 2026-11-02T12:00:00Z
	assert_equal "$(sql "SELECT count(*), (SELECT touches FROM clients) FROM notifications")" '2|4'
}

@test "comm log --strict: a touch to a client not due exits 65 and stores nothing" {
	CRM_NOW=2026-11-01T10:00:00Z add Ana ana@x.test
	touch_at 1 2026-11-02T10:00:00Z
	crm_fails 65 comm log 1 --channel email --at 2026-11-03T10:00:00Z --strict
	assert_equal "$stderr" 'crm: client 1: touched at 2026-11-03T10:00:00Z but not due: followup (last touch 2026-11-02T10:00:00Z, wait 3d: due 2026-11-05T10:00:00Z)'
	run --separate-stderr crm comm log --strict - <<< $'{"client_id":1,"channel":"email","at":"2026-11-06T10:00:00Z"}
{"client_id":1,"channel":"email","at":"2026-11-07T10:00:00Z"}'
	assert_failure 65
	stderr_has 'stdin:2: client 1: touched at 2026-11-07T10:00:00Z but not due: followup'
	assert_equal "$(sql 'SELECT (SELECT count(*) FROM communications), touches, (SELECT count(*) FROM notifications) FROM clients')" '1|1|0'
	# due, it is stored
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' comm log 1 --channel email \
		--at 2026-11-05T10:00:00Z --strict
}

@test "due: a follow-up more than notify.overdue_hours late writes one overdue notification" {
	CRM_NOW=2026-11-01T10:00:00Z add Ana ana@x.test
	touch_at 1 2026-11-02T10:00:00Z
	# due since 11-05 10:00: 25 h later it is overdue
	CRM_NOW=2026-11-06T10:00:00Z crm_ok automation due --format ids
	assert_equal "$(sql 'SELECT count(*) FROM notifications')" 0
	CRM_NOW=2026-11-06T11:00:01Z crm_ok automation due --format ids
	CRM_NOW=2026-11-06T12:00:00Z crm_ok automation due --format ids
	assert_equal "$(sql "SELECT kind, client_id, key, message FROM notifications")" \
		'overdue|1|overdue:1:2|client 1: touch 2 due since 2026-11-05T10:00:00Z, more than 24 h ago'
}

@test "due: on a read-only database it lists, and says the notifications were not written" {
	CRM_NOW=2026-11-01T10:00:00Z add Ana ana@x.test
	touch_at 1 2026-11-02T10:00:00Z
	# a copy no one but root may write; root itself reads it as nobody
	ro=$(mktemp -d)
	cp "$CRM_DB" crm.yaml "$ro/"
	chmod 755 "$ro"
	chmod 444 "$ro/crm.db"
	local as=()
	[ "$(id -u)" != 0 ] || as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	cd "$ro"
	CRM_NOW=2026-11-08T10:00:00Z run --separate-stderr "${as[@]}" env CRM_DB="$ro/crm.db" \
		HOME="$ro" "$(command -v crm)" automation due --format ids
	cd "$BATS_TEST_TMPDIR"
	rm -rf "$ro"
	assert_success
	assert_output 1
	assert_equal "$stderr" 'automation due: the database is read-only: overdue notifications not written'
}

@test "completion: subcommands and the options of due" {
	crm_ok __complete automation ''
	assert_output $'on\noff\npause\ndue\nwhy'
	crm_ok __complete automation due --ch
	assert_output --partial -- '--channel'
	crm_ok __complete automation pause --u
	assert_line --index 0 -- '--until'
}
