#!/usr/bin/env bats
# The outbox every change fills, and crm sync push|retry: the events sent
# to a webhook (tests/receiver.py), signed, retried, dead, disabled.
load helper
load fixtures/receiver
bats_require_minimum_version 1.5.0

SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

setup() {
	crm_setup
	export CRM_NOW=2026-12-01T10:00:00Z
	export WEBHOOK_SECRET=$SECRET
	receiver_start "$SECRET"
	config
}

teardown() {
	receiver_stop
}

# crm.yaml with the receiver's url and what else is given
config() {
	{
		echo 'sync:'
		echo '  webhook:'
		echo "    url: http://127.0.0.1:$PORT/hook"
		echo '    timeout: 5'
		for line in "${@-secret_env: WEBHOOK_SECRET}"; do
			echo "    $line"
		done
	} > crm.yaml
}

q() {
	sqlite3 "$CRM_DB" "$1"
}


# the outbox as "type aggregate aggregate_id payload-keys", one row a line
rows() {
	q "SELECT type || ' ' || aggregate || ' ' || aggregate_id || ' '
	   || (SELECT group_concat(key, ',') FROM json_each(payload))
	   FROM outbox WHERE seq > ${1:-0} ORDER BY seq"
}

last_seq() {
	q 'SELECT coalesce(max(seq), 0) FROM outbox'
}

@test "every kind of change writes its event in the outbox" {
	add_client --name Ana --email ana@x.test
	assert_equal "$(rows)" 'client.created client 1 id,operator_id,name,email,phone,stage,channel,source_type,at'
	s=$(last_seq)
	crm -q client edit 1 --name 'Ana M' --tag vip --set k=v
	assert_equal "$(rows "$s")" "client.updated client 1 id,field,old,new,at
client.updated client 1 id,field,old,new,at
client.updated client 1 id,field,old,new,at"
	assert_equal "$(q "SELECT group_concat(payload ->> 'field', ' ') FROM outbox WHERE seq > $s")" 'name tags custom.k'
	assert_equal "$(q "SELECT payload ->> 'old' || '>' || (payload ->> 'new') FROM outbox WHERE seq = $s + 1")" 'Ana>Ana M'
	s=$(last_seq)
	crm -q client stage 1 contacted
	assert_equal "$(rows "$s")" 'client.stage_changed client 1 id,field,old,new,at'
	s=$(last_seq)
	crm -q client edit 1 --automation off
	assert_equal "$(rows "$s")" 'client.updated client 1 id,field,old,new,at'
	s=$(last_seq)
	crm -q comm log 1 --channel email --subject hello --body secret-words
	assert_equal "$(rows "$s")" 'communication.logged communication 1 id,client_id,channel,direction,kind,status,occurred_at,external_id'
	assert_equal "$(q "SELECT count(*) FROM outbox WHERE payload LIKE '%secret-words%' OR payload LIKE '%hello%'")" 0
	s=$(last_seq)
	printf '{"client_id":1,"channel":"email","external_id":"e%d"}\n' 1 2 3 | crm -q comm log -
	assert_equal "$(q "SELECT group_concat(type || ':' || aggregate_id || ':' || (payload ->> 'external_id'), ' ') FROM outbox WHERE seq > $s")" \
		'communication.logged:2:e1 communication.logged:3:e2 communication.logged:4:e3'
	s=$(last_seq)
	printf 'name,email\nBea,bea@x.test\n' | crm -q client import -
	assert_equal "$(rows "$s")" 'client.created client 2 id,operator_id,name,email,phone,stage,channel,source_type,at'
	s=$(last_seq)
	echo '{"id":"p1","contact_name":"Eva","contact_email":"eva@x.test"}' | crm -q lead import -
	assert_equal "$(last_seq)" "$s"
	crm -q lead promote p1
	assert_equal "$(q "SELECT type || ' ' || aggregate_id FROM outbox WHERE seq > $s")" 'client.created 3'
	s=$(last_seq)
	crm -q client merge 2 3
	assert_equal "$(q "SELECT type FROM outbox WHERE seq > $s AND type = 'client.merged'")" 'client.merged'
	assert_equal "$(q "SELECT payload ->> 'id' || ' ' || (payload ->> 'merged_id') FROM outbox WHERE type = 'client.merged'")" '2 3'
	s=$(last_seq)
	crm -q undo
	assert_equal "$(q "SELECT type || ' ' || aggregate_id FROM outbox WHERE seq > $s AND type LIKE 'client.un%'")" 'client.unmerged 3'
	s=$(last_seq)
	crm -q comm log 1 --channel email
	crm -q undo
	assert_equal "$(q "SELECT type || ' ' || aggregate_id || ' ' || (payload ->> 'last_id') FROM outbox WHERE seq > $s + 1")" 'communication.removed 5 5'
	s=$(last_seq)
	add_client --name Cai
	crm -q undo
	assert_equal "$(q "SELECT group_concat(type || ' ' || aggregate_id, ',') FROM outbox WHERE seq > $s")" 'client.created 4,client.removed 4'
	# forget: what was not sent about Ana goes; her forgotten event stays,
	# with her id alone, and a second forget leaves it
	crm -q client forget 1 --yes
	assert_equal "$(q 'SELECT count(*) FROM outbox WHERE client_id = 1')" 0
	assert_equal "$(q "SELECT type || ' ' || payload FROM outbox WHERE aggregate_id = 1 AND aggregate = 'client'")" \
		'client.forgotten {"id":1,"at":"2026-12-01T10:00:00Z"}'
	crm -q client forget 1 --yes
	assert_equal "$(q "SELECT count(*) FROM outbox WHERE type = 'client.forgotten'")" 1
}

@test "a forget after a delivery keeps no more than which event it was" {
	add_client --name Ana --email ana@x.test
	crm_says 'sync: push: 1 sent, 1 delivered, 0 rescheduled, 0 dead' sync push
	crm -q client edit 1 --name 'Ana M'
	crm -q client forget 1 --yes
	assert_equal "$(q "SELECT type || ' ' || payload FROM outbox ORDER BY seq")" \
		'client.created {"forgotten":true}
client.forgotten {"id":1,"at":"2026-12-01T10:00:00Z"}'
}

@test "with no webhook url nothing is written to the outbox, and sync push exits 78" {
	: > crm.yaml
	add_client --name Ana --email ana@x.test
	crm -q client edit 1 --name Bea --tag x
	crm -q comm log 1 --channel email
	assert_equal "$(q 'SELECT count(*) FROM outbox')" 0
	crm_fails 78 sync push
	assert_equal "$stderr" "crm: sync push: no sync.webhook.url in the config: nothing to push to"
}

@test "a change that changes nothing writes nothing" {
	add_client --name Ana --email ana@x.test --tag vip
	s=$(last_seq)
	crm -q client edit 1 --name Ana --email ana@x.test --tag vip
	crm -q client stage 1 new
	crm -q client edit 1 --automation on
	assert_equal "$(last_seq)" "$s"
}

@test "500, 500, then 200: three attempts of the same event, each signed, then delivered" {
	printf '500\n500\n' > r/script
	add_client --name Ana
	run --separate-stderr crm sync push
	assert_success
	assert_output ''
	assert_equal "$stderr" 'sync: push: 1 sent, 0 delivered, 1 rescheduled, 0 dead'
	# about 5 s: 4.5 to 5.5, rounded up
	assert_equal "$(q 'SELECT attempts || " " || last_status FROM outbox')" '1 500'
	next=$(q 'SELECT next_attempt_at FROM outbox')
	[[ $next == 2026-12-01T10:00:0[56]Z ]] || fail "next attempt $next"
	# not due yet: nothing sent
	crm_says 'sync: push: 0 sent, 0 delivered, 0 rescheduled, 0 dead' sync push
	CRM_NOW=2026-12-01T10:00:06Z crm_says 'sync: push: 1 sent, 0 delivered, 1 rescheduled, 0 dead' sync push
	next=$(q 'SELECT next_attempt_at FROM outbox')
	[[ $next > 2026-12-01T10:04:35Z && $next < 2026-12-01T10:05:37Z ]] || fail "next attempt $next"
	CRM_NOW=2026-12-01T10:06:00Z crm_says 'sync: push: 1 sent, 1 delivered, 0 rescheduled, 0 dead' sync push
	assert_equal "$(q 'SELECT attempts || " " || last_status || " " || delivered_at FROM outbox')" \
		'3 200 2026-12-01T10:06:00Z'
	assert_equal "$(requests)" 3
	assert_equal "$(jq -r '.headers["webhook-id"]' r/log | sort -u)" "$(q 'SELECT event_id FROM outbox')"
	assert_equal "$(jq -r .valid r/log | sort -u)" true
	assert_equal "$(jq -r '.headers["webhook-timestamp"]' r/log | tr '\n' ' ')" "$(for t in 10:00:00 10:00:06 10:06:00; do date -ud "2026-12-01T${t}Z" +%s; done | tr '\n' ' ')"
	assert_equal "$(jq -r '.headers["content-type"]' r/log | sort -u)" application/json
	jq -e '.body | fromjson | .type == "client.created" and .data.name == "Ana" and (.id | startswith("evt_")) and .timestamp == "2026-12-01T10:00:00Z"' r/log
	# delivered: never again
	CRM_NOW=2026-12-02T10:00:00Z crm_says 'sync: push: 0 sent, 0 delivered, 0 rescheduled, 0 dead' sync push
	assert_equal "$(requests)" 3
}

@test "the secret: a file others may read exits 78, a missing one 78, one of mode 0600 signs" {
	add_client --name Ana
	printf '%s\n' "$SECRET" > secret
	chmod 0644 secret
	config "secret_file: $BATS_TEST_TMPDIR/secret"
	crm_fails 78 sync push
	assert_equal "$stderr" "crm: sync push: secret file '$BATS_TEST_TMPDIR/secret' has mode 644: group and others must have no access (chmod 600 '$BATS_TEST_TMPDIR/secret')"
	chmod 0610 secret
	crm_fails 78 sync push
	assert_equal "$stderr" "crm: sync push: secret file '$BATS_TEST_TMPDIR/secret' has mode 610: group and others must have no access (chmod 600 '$BATS_TEST_TMPDIR/secret')"
	chmod 0600 secret
	crm_says 'sync: push: 1 sent, 1 delivered, 0 rescheduled, 0 dead' sync push
	assert_equal "$(jq -r .valid r/log)" true
	config "secret_file: $BATS_TEST_TMPDIR/nope"
	crm_fails 78 sync push
	assert_equal "$stderr" "crm: sync push: secret file '$BATS_TEST_TMPDIR/nope': No such file or directory"
	head -c 5000 /dev/zero | tr '\0' A > long
	chmod 0600 long
	config "secret_file: $BATS_TEST_TMPDIR/long"
	crm_fails 78 sync push
	assert_equal "$stderr" "crm: sync push: secret file '$BATS_TEST_TMPDIR/long' is longer than a secret (4095 bytes at most)"
	# blanks around the secret in the environment are not part of it
	config 'secret_env: SPACED'
	add_client --name Cy
	SPACED=" $SECRET"$'\n' crm_says 'sync: push: 1 sent, 1 delivered, 0 rescheduled, 0 dead' sync push
	assert_equal "$(jq -r .valid r/log | sort -u)" true
	SPACED='   ' crm_fails 78 sync push
	assert_equal "$stderr" 'crm: sync push: no secret: $SPACED (sync.webhook.secret_env) is not set'
	config 'secret_env: NO_SUCH_VAR'
	crm_fails 78 sync push
	assert_equal "$stderr" 'crm: sync push: no secret: $NO_SUCH_VAR (sync.webhook.secret_env) is not set'
	config 'retries: 8'
	crm_fails 78 sync push
	assert_equal "$stderr" 'crm: sync push: no secret: set sync.webhook.secret_env or sync.webhook.secret_file'
	# a dry run sends nothing and needs no secret
	add_client --name Bea
	run --separate-stderr crm sync push --dry-run --format tsv
	assert_success
	assert_line --index 1 --regexp $'^3\tevt_[0-9a-f]{32}\tclient.created\t'
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" 'sync: push: 1 due (dry run: nothing was sent), 0 delivered, 0 rescheduled, 0 dead'
	assert_equal "$(requests)" 2
}

@test "the secret: a FIFO, a directory or another user's file exits 78 at once; so does a key that is not base64" {
	add_client --name Ana
	mkfifo fifo
	config "secret_file: $BATS_TEST_TMPDIR/fifo"
	timeout 10 crm sync push 2> err || rc=$?
	assert_equal "${rc-0}" 78
	assert_equal "$(cat err)" "crm: sync push: secret file '$BATS_TEST_TMPDIR/fifo' is not a regular file"
	config "secret_file: $BATS_TEST_TMPDIR"
	crm_fails 78 sync push
	assert_equal "$stderr" "crm: sync push: secret file '$BATS_TEST_TMPDIR' is not a regular file"
	printf '%s\n' "$SECRET" > secret
	chmod 0600 secret
	if [ "$(id -u)" = 0 ]; then
		chown 65534 secret
		config "secret_file: $BATS_TEST_TMPDIR/secret"
		crm_fails 78 sync push
		assert_equal "$stderr" "crm: sync push: secret file '$BATS_TEST_TMPDIR/secret' belongs to user 65534, not to user 0 who runs crm"
	fi
	config
	for key in whsec_ 'whsec_MfKQ9r8G KYqrTwjUPD8ILPZIo2LaLaSw' whsec_M===; do
		WEBHOOK_SECRET=$key crm_fails 78 sync push
		assert_equal "$stderr" "crm: sync push: the webhook secret is not base64 (after 'whsec_')"
	done
	assert_equal "$(requests)" 0
	assert_equal "$(q 'SELECT attempts FROM outbox')" 0
}

@test "429 with Retry-After waits that long; the rest of the batch waits too" {
	echo '429 7' > r/script
	add_client --name Ana
	add_client --name Bea
	crm_says 'sync: push: 1 sent, 0 delivered, 1 rescheduled, 0 dead' sync push
	# too many requests is not an attempt of the event's
	assert_equal "$(q 'SELECT seq || " " || attempts || " " || coalesce(last_status, "-") || " " || next_attempt_at FROM outbox')" \
		'1 0 429 2026-12-01T10:00:07Z
2 0 - 2026-12-01T10:00:00Z'
	echo '429 Tue, 01 Dec 2026 11:00:00 GMT' > r/script
	CRM_NOW=2026-12-01T10:00:07Z crm_says 'sync: push: 1 sent, 0 delivered, 1 rescheduled, 0 dead' sync push
	assert_equal "$(q 'SELECT next_attempt_at FROM outbox WHERE seq = 1')" 2026-12-01T11:00:00Z
	CRM_NOW=2026-12-01T11:00:00Z crm_says 'sync: push: 2 sent, 2 delivered, 0 rescheduled, 0 dead' sync push
}

@test "429: a Retry-After of years waits a day, one of the past none, one crm cannot read the backoff; never dead" {
	config 'secret_env: WEBHOOK_SECRET' 'retries: 1'
	printf '429 99999999999999999999\n429 Mon, 30 Nov 2026 10:00:00 GMT\n429 soon\n' > r/script
	add_client --name Ana
	crm_says 'sync: push: 1 sent, 0 delivered, 1 rescheduled, 0 dead' sync push
	assert_equal "$(q 'SELECT attempts || " " || next_attempt_at FROM outbox')" '0 2026-12-02T10:00:00Z'
	CRM_NOW=2026-12-02T10:00:00Z crm_says 'sync: push: 1 sent, 0 delivered, 1 rescheduled, 0 dead' sync push
	assert_equal "$(q 'SELECT attempts || " " || next_attempt_at FROM outbox')" '0 2026-12-02T10:00:00Z'
	CRM_NOW=2026-12-02T10:00:00Z crm_says 'sync: push: 1 sent, 0 delivered, 1 rescheduled, 0 dead' sync push
	next=$(q 'SELECT next_attempt_at FROM outbox')
	[[ $next == 2026-12-02T10:00:0[56]Z ]] || fail "next attempt $next"
	CRM_NOW=2026-12-02T10:01:00Z crm_says 'sync: push: 1 sent, 1 delivered, 0 rescheduled, 0 dead' sync push
	assert_equal "$(q 'SELECT attempts || " " || last_status FROM outbox')" '1 200'
	assert_equal "$(requests)" 4
}

@test "503 with Retry-After waits that long, and is an attempt" {
	echo '503 60' > r/script
	add_client --name Ana
	crm_says 'sync: push: 1 sent, 0 delivered, 1 rescheduled, 0 dead' sync push
	assert_equal "$(q 'SELECT attempts || " " || last_status || " " || next_attempt_at FROM outbox')" \
		'1 503 2026-12-01T10:01:00Z'
}

@test "without CRM_NOW each request is signed at its own time, not at the push's start" {
	unset CRM_NOW
	echo 'sleep 2 200' > r/script
	add_client --name Ana
	add_client --name Bea
	crm_says 'sync: push: 2 sent, 2 delivered, 0 rescheduled, 0 dead' sync push
	assert_equal "$(jq -r .valid r/log | sort -u)" true
	t1=$(jq -r '.headers["webhook-timestamp"]' r/log | sed -n 1p)
	t2=$(jq -r '.headers["webhook-timestamp"]' r/log | sed -n 2p)
	(( t2 - t1 >= 2 )) || fail "timestamps $t1 then $t2"
	# delivered at the time of its answer, 2 s after it was sent
	d=$(q "SELECT strftime('%s', delivered_at) FROM outbox WHERE seq = 1")
	(( d - t1 >= 2 )) || fail "sent at $t1, delivered at $d"
}

@test "410 disables the endpoint: 69 now and later without a request, until sync retry" {
	echo 410 > r/script
	add_client --name Ana
	run --separate-stderr crm sync push
	assert_failure 69
	assert_output ''
	assert_equal "$stderr" "sync: push: 1 sent, 0 delivered, 0 rescheduled, 0 dead; the endpoint is disabled (410): see 'crm sync retry'
crm: sync push: the endpoint answered 410 Gone: it is disabled until 'crm sync retry'"
	crm_ok sync status --format json
	echo "$output" | jq -e '.endpoint | startswith("disabled")'
	CRM_NOW=2026-12-02T10:00:00Z run --separate-stderr crm sync push
	assert_failure 69
	assert_equal "$stderr" "sync: push: 0 sent, 0 delivered, 0 rescheduled, 0 dead; the endpoint is disabled (410): see 'crm sync retry'
crm: sync push: the endpoint is disabled (it answered 410 Gone); 'crm sync retry' enables it again"
	assert_equal "$(requests)" 1
	crm_says 'sync retry: 0 pending events due now' sync retry
	crm_says 'sync: push: 1 sent, 1 delivered, 0 rescheduled, 0 dead' sync push
	assert_equal "$(requests)" 2
}

@test "400 makes an event dead at once, with a sync_failure notification" {
	echo 400 > r/script
	add_client --name Ana
	run --separate-stderr crm sync push
	assert_failure 69
	assert_output ''
	assert_equal "$stderr" "sync: push: 1 sent, 0 delivered, 0 rescheduled, 1 dead
crm: sync push: 1 event could not be delivered and is dead: see 'crm notify' and 'crm sync retry --dead'"
	assert_equal "$(q 'SELECT attempts || " " || last_status || " " || dead_at FROM outbox')" '1 400 2026-12-01T10:00:00Z'
	crm_ok notify --format tsv
	assert_line --index 1 --partial $'sync_failure\t'
	assert_line --index 1 --partial 'not delivered after 1 attempt (HTTP 400)'
	CRM_NOW=2026-12-05T10:00:00Z crm_says 'sync: push: 0 sent, 0 delivered, 0 rescheduled, 0 dead' sync push
}

@test "after the last retry an event is dead; sync retry --dead makes it due again" {
	config 'secret_env: WEBHOOK_SECRET' 'retries: 2'
	printf '503\n503\n' > r/script
	add_client --name Ana
	crm_says 'sync: push: 1 sent, 0 delivered, 1 rescheduled, 0 dead' sync push
	CRM_NOW=2026-12-01T11:00:00Z run --separate-stderr crm sync push
	assert_failure 69
	stderr_has 'sync: push: 1 sent, 0 delivered, 0 rescheduled, 1 dead'
	assert_equal "$(q 'SELECT attempts || " " || dead_at FROM outbox')" '2 2026-12-01T11:00:00Z'
	CRM_NOW=2026-12-03T10:00:00Z crm_says 'sync: push: 0 sent, 0 delivered, 0 rescheduled, 0 dead' sync push
	crm_says 'sync retry: 1 dead event due now' sync retry --dead
	assert_equal "$(q 'SELECT attempts || " " || coalesce(dead_at, "-") || " " || next_attempt_at FROM outbox')" \
		'0 - 2026-12-01T10:00:00Z'
	crm_says 'sync: push: 1 sent, 1 delivered, 0 rescheduled, 0 dead' sync push
	assert_equal "$(requests)" 3
	assert_equal "$(jq -r '.headers["webhook-id"]' r/log | sort -u | wc -l)" 1
}

@test "sync retry makes the waiting events due now" {
	echo 500 > r/script
	add_client --name Ana
	crm -q sync push
	crm_says 'sync retry: 1 pending event due now' sync retry
	crm_says 'sync: push: 1 sent, 1 delivered, 0 rescheduled, 0 dead' sync push
}

@test "--dry-run lists the due events and sends nothing" {
	add_client --name Ana
	crm -q client stage 1 contacted
	run --separate-stderr crm sync push --dry-run --format tsv
	assert_success
	assert_equal "${lines[0]}" $'seq\tevent_id\ttype\taggregate\taggregate_id\tattempts\tnext_attempt_at'
	assert_line --index 1 --regexp $'^1\tevt_[0-9a-f]{32}\tclient.created\tclient\t1\t0\t2026-12-01T10:00:00Z$'
	assert_line --index 2 --regexp $'^2\tevt_[0-9a-f]{32}\tclient.stage_changed\tclient\t1\t0\t'
	assert_equal "$stderr" 'sync: push: 2 due (dry run: nothing was sent), 0 delivered, 0 rescheduled, 0 dead'
	assert_equal "$(requests)" 0
}

@test "two pushes at once: the second exits 75; with --wait each event is sent once" {
	echo 'sleep 2 200' > r/script
	add_client --name Ana
	add_client --name Bea
	crm -q sync push &
	pid=$!
	receiver_wait 1
	crm_fails 75 sync push
	stderr_has 'crm: sync: another sync is running'
	run --separate-stderr crm sync push --wait
	assert_success
	wait "$pid"
	assert_equal "$(requests)" 2
	assert_equal "$(jq -r '.headers["webhook-id"]' r/log | sort | uniq -d)" ''
	assert_equal "$(q 'SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL')" 2
}

@test "a push killed while it waits for an answer loses no event; no transaction is held meanwhile" {
	echo 'sleep 30 200' > r/script
	add_client --name Ana
	add_client --name Bea
	crm -q sync push &
	pid=$!
	receiver_wait 1
	assert_equal "$(requests)" 1
	# the push waits on the receiver: the database is free
	run --separate-stderr timeout 2 crm client add --name Cai
	assert_success
	assert_output 3
	kill -9 "$pid"
	reap "$pid" 137
	assert_equal "$(q 'SELECT count(*) FROM outbox WHERE delivered_at IS NULL')" 3
	crm_says 'sync: push: 3 sent, 3 delivered, 0 rescheduled, 0 dead' sync push
	# the first at least once, each of the others once
	assert_equal "$(jq -r '.headers["webhook-id"]' r/log | sort -u | wc -l)" 3
	assert_equal "$(requests)" 4
	assert_equal "$(q 'SELECT count(*) FROM outbox WHERE delivered_at IS NULL')" 0
}
