#!/usr/bin/env bats
# Notifications: written in the same transaction as their cause (a
# reply, a move to meeting), listed and marked read by crm notify.
# Hooks: tests/hooks.bats.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
}

# the notifications stored, "kind client_id message read?" a line
stored() {
	sqlite3 -separator ' ' "$CRM_DB" "SELECT kind, coalesce(client_id, '-'), message,
		read_at IS NOT NULL FROM notifications ORDER BY id"
}

@test "a reply writes a reply notification; an outbound event and a note none" {
	add_client --name Ana --email ana@x.test
	crm -q comm log 1 --channel email --subject 'hello'
	crm -q comm log 1 --channel email --kind note --body 'called her'
	assert_equal "$(stored)" ''
	crm -q comm log 1 --channel email --direction in --subject 'Re: the flat'
	crm -q comm log 1 --channel fb --direction in
	assert_equal "$(stored)" $'reply 1 reply on email: Re: the flat 0\nreply 1 reply on fb 0'
	# the same event again (its external id) is no new reply
	crm -q comm log 1 --channel sms --direction in --external-id x1
	crm -q comm log 1 --channel sms --direction in --external-id x1
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM notifications")" 3
}

@test "a batch of replies: one notification each, with the batch; a batch undone leaves none" {
	add_client --name Ana --email ana@x.test
	add_client --name Bo --email bo@x.test
	for i in $(seq 1 300); do
		c=$((i % 2 + 1))
		d=out; ((i % 3 == 0)) && d=in
		printf '{"client_id":%d,"channel":"email","direction":"%s","external_id":"e%d"}\n' $c $d $i
	done > events.jsonl
	crm_says 'comm log: 300 logged, 0 duplicates, 0 rejected' comm log - < events.jsonl
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*), count(DISTINCT client_id) FROM notifications WHERE kind = 'reply'")" '100|2'
	# all or nothing: a bad line leaves no notification
	printf '{"client_id":1,"channel":"email","direction":"in"}\n{"client_id":1,"channel":"pigeon"}\n' > bad.jsonl
	crm_fails 65 comm log - < bad.jsonl
	stderr_has 'crm: stdin:2: channel '\''pigeon'\'
	# and the two touches past the first replies are violations, one a client
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT kind, count(*) FROM notifications GROUP BY kind")" $'reply|100\nviolation|2'
	# a dry run stores none either
	printf '{"client_id":1,"channel":"email","direction":"in"}\n' > one.jsonl
	crm -q comm log - --dry-run < one.jsonl
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM notifications")" 102
}

@test "a client entering meeting: by client stage, by a reply, by an import; once per move" {
	add_client --name Ana --email ana@x.test
	add_client --name Bo --email bo@x.test
	crm -q client stage 1 meeting --reason 'called back'
	crm -q client stage 1 meeting
	assert_equal "$(stored)" 'meeting 1 entered meeting (from new): called back 0'
	# a reply that moves the client to meeting (pipeline.on_reply)
	printf 'pipeline:\n  on_reply: meeting\n' > crm.yaml
	crm -q comm log 2 --channel email --direction in
	assert_equal "$(stored | tail -2)" $'reply 2 reply on email 0\nmeeting 2 entered meeting (from new): reply received 0'
	rm crm.yaml
	add_client --name Cy --email cy@x.test
	printf 'email,stage\ncy@x.test,meeting\n' > c.csv
	crm -q client import c.csv
	assert_equal "$(stored | tail -1)" 'meeting 3 entered meeting (from new) 0'
	# to another stage: none
	crm -q client stage 3 won
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM notifications")" 4
}

# two replies and a meeting, at three times
three() {
	add_client --name 'Ana Garcia' --email ana@x.test
	add_client --name Bo --email bo@x.test
	CRM_NOW=2026-11-20T09:00:00Z crm -q comm log 1 --channel email --direction in --subject 'Re: piso'
	CRM_NOW=2026-11-24T09:00:00Z crm -q client stage 2 meeting
	crm -q comm log 2 --channel sms --direction in
}

@test "notify lists the unread ones, oldest first, in every format" {
	three
	crm_ok notify
	assert_output $'id\ttype\tclient_id\tname\tmessage\tcreated_at
1\treply\t1\tAna Garcia\treply on email: Re: piso\t2026-11-20T09:00:00Z
2\tmeeting\t2\tBo\tentered meeting (from new)\t2026-11-24T09:00:00Z
3\treply\t2\tBo\treply on sms\t2026-11-25T12:00:00Z'
	crm_ok notify --format ids
	assert_output $'1\n2\n3'
	crm_ok notify --format jsonl
	assert_line --index 0 '{"id":1,"type":"reply","client_id":1,"name":"Ana Garcia","message":"reply on email: Re: piso","created_at":"2026-11-20T09:00:00Z"}'
	crm_ok --format json notify
	assert_equal "$(jq -r '.[2].message' <<< "$output")" 'reply on sms'
	crm_ok notify --format csv
	assert_line --index 1 '1,reply,1,Ana Garcia,reply on email: Re: piso,2026-11-20T09:00:00Z'
	crm_ok notify --format table
	assert_line --index 0 --regexp '^ID +TYPE +CLIENT ID +NAME +MESSAGE +CREATED AT$'
	assert_line --index 1 --regexp '^1 +reply +1 +Ana Garcia +reply on email: Re: piso +2026-11-20 09:00$'
}

@test "notify --type and --since filter; a bad type is 64 with the types, a bad time 65 with the forms" {
	three
	crm_ok notify --type meeting --format ids
	assert_output 2
	crm_ok notify --type reply,meeting --format ids
	assert_output $'1\n2\n3'
	crm_ok notify --type reply --since 2026-11-21 --format ids
	assert_output 3
	crm_ok notify --since 3d --format ids
	assert_output $'2\n3'
	crm_fails 64 notify --type replies
	stderr_line 0 "crm: notify: option '--type': 'replies' is not one of its values (reply, meeting, overdue, violation, sync_failure)"
	crm_fails 65 notify --since yesterdayish
	assert_equal "$stderr" "crm: notify: --since 'yesterdayish': not a time (use $TIME_FORMS)"
	crm_fails 64 notify 1
	stderr_usage "crm: notify: unexpected argument '1'; ids are for --mark-read"
	crm_fails 64 notify --all
	stderr_usage "crm: notify: --all is for --mark-read"
}

@test "notify exits 1 with nothing on stderr when there is nothing to see, so -q || works in cron" {
	# no database is no database: 66, and none is made
	crm_fails 66 notify
	assert_equal "$stderr" "crm: database '$CRM_DB' does not exist; 'crm init' creates it"
	[ ! -e "$CRM_DB" ] || fail 'notify made a database'
	crm -q init
	run --separate-stderr crm notify --format ids
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" ''
	run --separate-stderr crm notify -q
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" ''
	for f in tsv csv json table; do
		run --separate-stderr crm notify --format $f
		assert_failure 1
		assert_output ''
		assert_equal "$stderr" ''
	done
	run bash -c 'crm notify -q --format ids || echo nothing'
	assert_output nothing
	three
	run bash -c 'crm notify -q --format ids >/dev/null || echo nothing'
	assert_output ''
	run --separate-stderr crm notify --type sync_failure --format ids
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" ''
}

@test "--mark-read ids, - and --all mark read in one transaction" {
	three
	crm_says 'notify: 1 marked read' notify --mark-read 2
	crm_ok notify --format ids
	assert_output $'1\n3'
	crm_says 'notify: 1 marked read (1 read already)' notify --mark-read 1 2
	run --separate-stderr crm notify --mark-read - <<< $'3\n'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'notify: 1 marked read'
	run --separate-stderr crm notify --format ids
	assert_failure 1
	assert_equal "$(stored | cut -d' ' -f1,2 | tr '\n' ' ')" 'reply 1 meeting 2 reply 2 '
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM notifications WHERE read_at = '2026-11-25T12:00:00Z'")" 3
	# the ids format feeds --mark-read -
	crm -q comm log 1 --channel email --direction in
	crm -q comm log 2 --channel email --direction in
	run bash -c 'crm notify --format ids | crm notify --mark-read -'
	assert_success
	assert_output 'notify: 2 marked read'
}

@test "--mark-read --all marks what --type and --since choose" {
	three
	crm_says 'notify: 2 marked read' notify --mark-read --all --type reply
	crm_ok notify --format ids
	assert_output 2
	crm_says 'notify: 1 marked read' notify --mark-read --all
	crm_says 'notify: 0 marked read' notify --mark-read --all
}

@test "--mark-read: an unknown id is 1, a bad one 65, and neither marks anything; no ids is 64" {
	three
	crm_fails 1 notify --mark-read 1 99
	assert_equal "$stderr" "crm: notify: notification '99': not found"
	crm_fails 65 notify --mark-read 1 x
	assert_equal "$stderr" "crm: notify: notification 'x': not an id"
	crm_fails 1 notify --mark-read - <<< $'1\n2\n77'
	assert_equal "$stderr" "crm: notify: stdin:3: notification '77': not found"
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM notifications WHERE read_at IS NULL")" 3
	crm_fails 64 notify --mark-read
	stderr_usage "crm: notify: --mark-read: ids, '-' or --all"
	crm_fails 64 notify --mark-read 1 --all
	stderr_usage "crm: notify: --mark-read: ids or --all, not both"
	crm_fails 64 notify --mark-read 1 --type reply
	stderr_usage "crm: notify: --type and --since choose what --all marks, not ids"
}

@test "notify shows the operator's own: --operator" {
	add_client --name Ana --email ana@x.test
	crm -q --operator 2 client add --name Bo --email bo@x.test >/dev/null
	crm -q comm log 1 --channel email --direction in
	crm -q comm log 2 --channel email --direction in
	crm_ok --operator 2 notify --format ids
	assert_output 2
	crm_ok notify --format ids
	assert_output $'1\n2'
}

@test "notify finds follow-ups overdue by now itself, once each, with no automation due run" {
	export CRM_NOW=2026-11-01T10:00:00Z
	add_client --name Ana --email ana@x.test
	crm_silent -q comm log 1 --channel email
	# touch 2 is due from 2026-11-04T10:00Z; overdue 24 h later
	export CRM_NOW=2026-11-05T09:00:00Z
	crm_fails 1 notify --format tsv
	assert_equal "$stderr" ''
	export CRM_NOW=2026-11-05T11:00:00Z
	crm_ok notify --format tsv
	assert_output $'id\ttype\tclient_id\tname\tmessage\tcreated_at\n1\toverdue\t1\tAna\tclient 1: touch 2 due since 2026-11-04T10:00:00Z, more than 24 h ago\t2026-11-05T11:00:00Z'
	export CRM_NOW=2026-11-05T12:00:00Z
	crm_ok notify --format ids
	assert_output 1
}
