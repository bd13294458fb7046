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

@test "client, lead and comm commands under valgrind" {
	run vg client add --name Ana --email ana@x.test --tag a --set k=v
	assert_success
	run vg client list --format json
	assert_success
	run vg client edit 1 --name 'Ana M' --untag a --set k=w
	assert_success
	run vg client stage 1 contacted --reason r
	assert_success
	run vg client show 1 --format table
	assert_success
	run vg client history 1
	assert_success
	printf 'id,contact_email,price,extra\nl1,b@x.test,200000,3\n' > l.csv
	run vg lead import l.csv
	assert_success
	printf '%s\n' '{"lead_id":"l1","channel":"email","external_id":"e1"}' '{"client_id":1,"channel":"fb","direction":"in","external_id":"e2"}' '{"client_id":9}' > ev.jsonl
	run vg comm log - --reject-file rej.tsv < ev.jsonl
	assert_success
	run vg comm list --format csv
	assert_success
	crm client list --format csv > c.csv
	run vg --db other.db client import c.csv
	assert_success
	run vg lead promote l1
	assert_success
	run vg config list
	assert_success
	run vg client add --name Bad --stage nowhere
	assert_failure 65
}
