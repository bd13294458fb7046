#!/usr/bin/env bats
# crm ai off|draft|auto: what the AI responder may do for each client,
# set through the change point (a history row each), in one transaction.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
}

ai_modes() {
	sqlite3 "$CRM_DB" 'SELECT group_concat(ai_mode) FROM (SELECT ai_mode FROM clients ORDER BY id)'
}

@test "ai auto sets the mode, with a history row; a client there already is counted, not changed" {
	add_client --name Ana --email ana@x.test
	add_client --name Bo
	crm_says "1 of 1 client set to 'auto'" ai auto 1
	assert_equal "$(ai_modes)" auto,draft
	crm_ok client history 1 --format tsv
	assert_line $'2026-11-25T12:00:00Z\ttester\tedit\tai_mode\tdraft\tauto\t'
	crm_says "1 of 2 clients set to 'auto' (1 already)" ai auto ana@x.test 2
	assert_equal "$(ai_modes)" auto,auto
	crm_says "2 of 2 clients set to 'off'" ai off 1 2
	crm_says "1 of 1 client set to 'draft'" ai draft 2
	assert_equal "$(ai_modes)" off,draft
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM activity_logs WHERE field = 'ai_mode'")" 5
	crm_silent -q ai auto 1
	assert_equal "$(ai_modes)" auto,draft
}

@test "ai - reads the clients from stdin; one that is not there changes none" {
	add_client --name Ana
	add_client --name Bo
	printf '1\n2\n' > ids
	run --separate-stderr crm ai off - < ids
	assert_success
	assert_output ''
	assert_equal "$stderr" "2 of 2 clients set to 'off'"
	printf '1\n\n99\n' > ids
	run --separate-stderr crm ai auto - < ids
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" "crm: stdin:3: client '99': not found"
	crm_fails 1 ai auto 2 99
	assert_equal "$stderr" "crm: client '99': not found"
	assert_equal "$(ai_modes)" off,off
}

@test "new clients take ai.default; show and list display the mode; --ai filters" {
	add_client --name Ana
	printf 'ai:\n  default: off\n' > crm.yaml
	add_client --name Bo
	printf 'name\nCy\n' > c.csv
	crm_says 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' client import c.csv
	assert_equal "$(ai_modes)" draft,off,off
	crm_ok client show 2 --format json
	assert_equal "$(jq -r .ai_mode <<< "$output")" off
	crm_ok client list --ai off --format ids
	assert_output $'2\n3'
	crm_ok client list --ai draft,auto --format tsv
	assert_line --index 0 --partial $'\tai_mode\t'
	assert_equal "${#lines[@]}" 2
	run --separate-stderr crm client list --ai auto --format ids
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" ''
}

@test "ai: a mode is a subcommand; clients are required; errors exit 64" {
	crm_fails 64 ai
	stderr_has 'usage: crm ai SUBCOMMAND'
	crm_fails 64 ai drafts 1
	assert_equal "$stderr" "crm: ai: unknown subcommand 'drafts'; did you mean 'draft'?"
	crm_fails 64 ai auto
	stderr_usage "crm: ai auto: clients (ids, emails, phones) or '-' are required"
	crm_fails 64 ai auto 1 --bogus
	stderr_has "unknown option '--bogus'"
	crm_ok ai --help
	assert_line --partial 'off '
	assert_line --partial 'auto '
}

@test "ai: a bulk change over bulk.confirm asks on the terminal; --yes goes ahead" {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	for i in 1 2 3; do crm -q client add --name "c$i" >/dev/null; done
	printf 'bulk:\n  confirm: 2\n' > crm.yaml
	run bash -c "printf 'n\n' | script -qec 'crm ai auto 1 2 3 > out 2> err; echo rc=\$?' /dev/null"
	assert_output --partial 'change 3 clients? [y/N]'
	assert_output --partial 'rc=1'
	assert_equal "$(cat err)" 'crm: ai auto: not confirmed; nothing changed'
	assert_equal "$(ai_modes)" draft,draft,draft
	run bash -c "script -qec 'crm ai auto --yes 1 2 3 > out 2> err; echo rc=\$?' /dev/null < /dev/null"
	assert_output --partial 'rc=0'
	assert_equal "$(cat err)" "3 of 3 clients set to 'auto'"
	assert_equal "$(ai_modes)" auto,auto,auto
}
