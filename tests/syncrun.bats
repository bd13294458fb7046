#!/usr/bin/env bats
# crm sync end to end: the scraper's leads and the bot's contacts pulled,
# the changes pushed to a receiver; killed at any point and run again,
# and run twice at once.
bats_require_minimum_version 1.5.0
load helper
load fixtures/receiver

SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z WEBHOOK_SECRET=$SECRET
	receiver_start "$SECRET"
	"$TOP/tests/fixtures/sources.sh" src 3000
	cat > crm.yaml <<-Y
	sources:
	  operators: {sqlite: src/providers.db, table: operators}
	  leads:
	    sqlite: src/providers.db
	    table: leads
	    map: {url: source_url, name: contact_name, email: contact_email}
	  contacts: {sqlite: src/bot.db, table: contacted}
	sync:
	  webhook: {url: "http://127.0.0.1:$PORT/hook", secret_env: WEBHOOK_SECRET, timeout: 5}
	Y
	# 400 owners from another CRM: 400 events to push
	{
		echo 'name,email'
		for i in $(seq 400); do echo "Client $i,client$i@example.com"; done
	} > clients.csv
	crm -q client import clients.csv
}

teardown() {
	receiver_stop
}

q() { sqlite3 "$CRM_DB" "$1"; }

# every event of the outbox delivered, and the receiver saw each of them
# (at least once; exactly once with "once")
all_delivered() {
	assert_equal "$(q 'SELECT count(*) FROM outbox WHERE delivered_at IS NULL')" 0
	q 'SELECT event_id FROM outbox ORDER BY event_id' > want
	jq -r '.headers["webhook-id"]' r/log | sort -u > got
	run diff want got
	assert_success
	assert_equal "$(jq -r 'select(.valid != true) | .headers["webhook-id"]' r/log)" ''
	if [ "${1-}" = once ]; then
		assert_equal "$(jq -r '.headers["webhook-id"]' r/log | sort | uniq -d)" ''
	fi
}

# every lead of the source once, every bot contact once
all_pulled() {
	assert_equal "$(q 'SELECT count(*), count(DISTINCT external_id) FROM leads')" '3000|3000'
	assert_equal "$(q "SELECT count(*) FROM communications WHERE source = 'sync'")" 2
	assert_equal "$(q 'SELECT count(*) FROM operators')" 2
}

@test "crm sync killed at any point, again and again, then run again: nothing lost, nothing doubled" {
	echo 0.01 > r/delay
	i=0
	for d in 0.05 0.2 0.4 0.7 1.0 1.4 1.9 2.5; do
		crm -q sync & pid=$!
		sleep "$d"
		kill9 "$pid"
		# new changes keep coming between the runs
		crm_silent -q client stage "client$((++i))@example.com" contacted
	done
	# and once during the push, however slow this machine (or its build)
	crm -q sync & pid=$!
	for _ in $(seq 1200); do
		[ "$(requests)" -gt 0 ] && break
		sleep 0.05
	done
	kill9 "$pid"
	[ "$(requests)" -gt 0 ] || fail "no run got as far as the push"
	rm r/delay
	run --separate-stderr crm sync
	assert_success
	assert_output ''
	[[ $stderr == *'sync: push: '*' delivered, 0 rescheduled, 0 dead' ]] || fail "$stderr"
	all_pulled
	all_delivered
	# and again: nothing new to pull or push
	run --separate-stderr crm sync
	assert_success
	[[ $stderr == *'sync: leads: '*' 0 added, 0 updated, '*' unchanged, 0 skipped'* ]] || fail "$stderr"
	[[ $stderr == *'sync: push: 0 sent, 0 delivered, 0 rescheduled, 0 dead' ]] || fail "$stderr"
}

@test "two crm sync at once: one waits for the other, and each event is sent once" {
	echo 0.005 > r/delay
	crm -q sync --wait & a=$!
	crm -q sync --wait & b=$!
	wait "$a"
	wait "$b"
	all_pulled
	all_delivered once
	assert_equal "$(requests)" "$(q 'SELECT count(*) FROM outbox')"
}

@test "crm sync with a receiver that fails: the events wait, the pull is kept, exit 0" {
	printf '500\n' > r/script
	run --separate-stderr crm sync
	assert_success
	# the first event waits; the others go on
	n=$(q 'SELECT count(*) FROM outbox')
	[[ $stderr == *"sync: push: $n sent, $((n - 1)) delivered, 1 rescheduled, 0 dead" ]] ||
		fail "$stderr"
	all_pulled
	assert_equal "$(q 'SELECT seq, attempts, last_status FROM outbox WHERE delivered_at IS NULL')" '1|1|500'
	CRM_NOW=2026-11-25T12:01:00Z run --separate-stderr crm sync
	assert_success
	all_delivered
}

@test "a source that cannot be opened does not keep the outbox from being sent" {
	mv src/bot.db src/bot.db.away
	run --separate-stderr crm sync
	assert_failure 66
	assert_output ''
	n=$(q 'SELECT count(*) FROM outbox')
	assert_equal "$stderr" "sync: operators: 2 read, 1 added, 1 updated, 0 unchanged, 0 skipped
sync: leads: 3000 read, 3000 added, 0 updated, 0 unchanged, 0 skipped
crm: sync: sources.contacts: cannot open 'src/bot.db': no such file, or it cannot be read
sync: push: $n sent, $n delivered, 0 rescheduled, 0 dead"
	all_delivered once
	run sqlite3 "$CRM_DB" "SELECT last_result FROM sync_state WHERE source = 'contacts'"
	assert_output "error: sync: sources.contacts: cannot open 'src/bot.db': no such file, or it cannot be read"
}

@test "once a webhook is set up, every process fills the outbox, whatever configuration it finds" {
	before=$(q 'SELECT count(*) FROM outbox')
	mkdir elsewhere
	(cd elsewhere && unset CRM_CONFIG && crm -q client edit client1@example.com --name 'Client One')
	run sqlite3 "$CRM_DB" "SELECT type, json_extract(payload, '$.new') FROM outbox WHERE seq > $before"
	assert_output 'client.updated|Client One'
	# a database no process with a webhook has changed keeps none
	export CRM_DB=$BATS_TEST_TMPDIR/other.db
	(cd elsewhere && crm -q client add --name Eva > /dev/null)
	assert_equal "$(q 'SELECT count(*) FROM outbox')" 0
}
