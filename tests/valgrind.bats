#!/usr/bin/env bats
# The main commands are clean under valgrind: no invalid access, no leak.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	[[ ${CRM_BIN_DIR-} == *build-san* ]] && skip "not with the sanitizer build"
	export CRM_NOW=2026-11-25T12:00:00Z
}

vg() {
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect "$(command -v crm)" "$@"
}

# run crm under valgrind, stdout and stderr apart: it must exit CODE, and
# valgrind, which says nothing when all is clean, adds nothing to stderr
vg_run() {
	local code=$1
	shift
	run --separate-stderr vg "$@"
	[ "$status" -eq "$code" ] || fail "exit $status, not $code: $stderr"
}

@test "client, lead and comm commands under valgrind" {
	vg_run 0 client add --name Ana --email ana@x.test --tag a --set k=v
	assert_output 1
	assert_equal "$stderr" ''
	vg_run 0 client list --format json
	echo "$output" | jq -e 'length == 1 and .[0].name == "Ana"'
	assert_equal "$stderr" ''
	vg_run 0 client edit 1 --name 'Ana M' --untag a --set k=w
	assert_output ''
	assert_equal "$stderr" 'client 1: 3 changes'
	vg_run 0 client stage 1 contacted --reason r
	assert_output ''
	assert_equal "$stderr" "1 of 1 client moved to 'contacted'"
	vg_run 0 client show 1 --format table
	assert_line --regexp '^name +Ana M$'
	assert_equal "$stderr" ''
	vg_run 0 client history 1
	assert_equal "${#lines[@]}" 6
	assert_equal "$stderr" ''
	printf 'id,contact_email,price,extra\nl1,b@x.test,200000,3\n' > l.csv
	vg_run 0 lead import l.csv
	assert_output ''
	assert_equal "$stderr" 'lead import: 1 inserted, 0 updated, 0 unchanged, 0 rejected'
	printf '%s\n' '{"lead_id":"l1","channel":"email","external_id":"e1"}' '{"client_id":1,"channel":"fb","direction":"in","external_id":"e2"}' '{"client_id":9}' > ev.jsonl
	vg_run 0 comm log - --reject-file rej.tsv < ev.jsonl
	assert_output ''
	assert_equal "$stderr" 'comm log: 2 logged, 0 duplicates, 1 rejected'
	vg_run 0 comm list --format csv
	assert_equal "${#lines[@]}" 3
	assert_equal "$stderr" ''
	crm client list --format csv > c.csv
	vg_run 0 --db other.db client import c.csv
	assert_output ''
	assert_equal "$stderr" 'client import: 2 inserted, 0 updated, 0 unchanged, 0 rejected'
	vg_run 0 lead promote l1
	assert_output 2
	assert_equal "$stderr" 'lead promote: 0 clients created, 1 linked to an existing client'
	vg_run 0 config list
	assert_line --index 0 $'key\tvalue'
	assert_equal "$stderr" ''
	vg_run 65 client add --name Bad --stage nowhere
	assert_output ''
	assert_equal "$stderr" "crm: stage 'nowhere': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
}

@test "filters of several values, what is due, local times and edit - under valgrind" {
	printf 'display:\n  timezone: Europe/Madrid\n' > crm.yaml
	vg_run 0 client add --name Ana --next-action 'tomorrow' --tag a
	assert_output 1
	vg_run 0 client add --name Bo --next-action '2026-11-24 10:00' --stage contacted
	assert_output 2
	vg_run 0 client list --stage new,contacted --stage replied --tag a,b --due 7d --format table --wide
	assert_line --index 1 --regexp '^1 +1 +Ana '
	assert_equal "$stderr" ''
	vg_run 0 client list --overdue --offset 0 --limit 5 --format ids
	assert_output 2
	printf '1\n2\n' > ids
	vg_run 0 client edit - --next-action friday --set rooms=3 < ids
	assert_equal "$stderr" 'client edit: 2 of 2 clients changed, 4 changes'
	vg_run 0 client show 2
	assert_line 'next_action_at           2026-11-27 00:00'
	vg_run 64 client list --status active,bogus
	assert_output ''
	stderr_has "crm: client list: option '--status': 'bogus' is not one of its values (active, archived, forgotten)"
}

@test "automation, do-not-contact, notify, merge and undo under valgrind" {
	crm -q client add --name Ana --email ana@x.test
	crm -q client add --name Bo --phone '+34 611 22 33 44'
	crm -q client add --name Bo2 --email bo@x.test
	vg_run 0 automation due --format ids
	assert_output $'1\n2\n3'
	assert_equal "$stderr" ''
	vg_run 0 automation why 1
	assert_line $'next_due\tnow\t2026-11-25T12:00:00Z'
	assert_equal "$stderr" ''
	vg_run 0 dnc add ana@x.test
	assert_equal "$stderr" 'dnc add: 1 added, 0 listed already'
	vg_run 0 comm log 2 --channel email --direction in --kind email
	assert_equal "$stderr" 'comm log: 1 logged, 0 duplicates, 0 rejected'
	vg_run 0 notify --format ids
	assert_output 1
	assert_equal "$stderr" ''
	vg_run 0 client merge 2 3
	assert_regex "$stderr" '^client merge: 3 into 2: '
	vg_run 0 undo
	assert_regex "$stderr" '^undo: change set [0-9]+ \(client merge\): '
	vg_run 0 client forget 1 --yes
	assert_equal "$stderr" 'client forget: 1 client forgotten; its email and phone on do-not-contact'
}

@test "stats and report under valgrind" {
	crm -q client add --name Ana --email ana@x.test --source-type owner
	crm -q --operator 2 client add --name Bo --email bo@x.test
	CRM_NOW=2026-11-20T10:00:00Z crm -q comm log 1 --channel email
	CRM_NOW=2026-11-21T10:00:00Z crm -q comm log 1 --channel email --direction in
	CRM_NOW=2026-11-22T10:00:00Z crm -q client stage 1 won
	vg_run 0 stats --format json
	assert_regex "$output" '^\{"since":null,"until":null,"clients":2,"contacts":1,"replies":1,'
	assert_equal "$stderr" ''
	vg_run 0 stats --by operator --since 7d --until 2026-11-26
	assert_line --index 1 $'1\toperator 1\t1\t1\t1\t1\t1\t1\t1\t1'
	assert_equal "$stderr" ''
	vg_run 0 stats --by source --format csv
	assert_line --index 1 'owner,1,1,1,1,1,1,1,1'
	assert_equal "$stderr" ''
	vg_run 0 report --since 2026-11-01 -o r.html
	assert_equal "$stderr" ''
	run xmllint --noout r.html
	assert_success
}

@test "sync pull, push, status and apply under valgrind" {
	"$TOP/tests/fixtures/sources.sh" src 5
	mkdir r
	python3 "$TOP/tests/receiver.py" "$BATS_TEST_TMPDIR/r" 3>&- &
	receiver=$!
	while [ ! -s r/port ]; do sleep 0.05; done
	export CRM_CONFIG=$BATS_TEST_TMPDIR/crm.yaml S=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
	cat > crm.yaml <<-Y
	sources:
	  leads: {sqlite: src/providers.db, table: leads, map: {url: source_url, email: contact_email}}
	  contacts: {sqlite: src/bot.db, table: contacted}
	sync:
	  webhook: {url: "http://127.0.0.1:$(cat r/port)/hook", secret_env: S}
	  inbound: {fields: {email: email, firstname: first_name}}
	Y
	vg_run 0 sync
	assert_output ''
	assert_equal "$stderr" $'sync: leads: 5 read, 5 added, 0 updated, 0 unchanged, 0 skipped\nsync: contacts: 2 read, 2 added, 0 updated, 0 unchanged, 0 skipped\nsync: push: 6 sent, 6 delivered, 0 rescheduled, 0 dead'
	vg_run 0 sync status --format json
	echo "$output" | jq -e '.delivered == 6 and (.sources | length) == 2'
	assert_equal "$stderr" ''
	echo '{"eventId":1,"subscriptionType":"contact.creation","objectId":7,"occurredAt":1795000000000,"properties":{"firstname":"Eva","email":"eva@x.test"}}' > in.jsonl
	vg_run 0 sync apply in.jsonl
	assert_equal "$stderr" 'sync apply: 1 read, 1 applied, 0 already applied, 0 older than the last change, 0 ignored'
	kill "$receiver"
}
