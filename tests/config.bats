#!/usr/bin/env bats
# crm config check|get|list, and how the file is found and checked
bats_require_minimum_version 1.5.0
load helper

@test "check without a file says the defaults are in use" {
	run --separate-stderr crm config check
	assert_success
	assert_output 'no configuration file; defaults in use'
	assert [ ! -e "$CRM_DB" ]
}

@test "the file is found by --config, CRM_CONFIG, ./crm.yaml, XDG_CONFIG_HOME, ~/.config" {
	echo 'channels: [email]' > a.yaml
	run crm --config a.yaml config check
	assert_output 'a.yaml: ok'
	CRM_CONFIG=a.yaml run crm config check
	assert_output 'a.yaml: ok'
	mkdir -p "$HOME/.config/crm" xdg/crm
	echo 'channels: [fb]' > "$HOME/.config/crm/crm.yaml"
	run crm config get channels
	assert_output fb
	echo 'channels: [sms]' > xdg/crm/crm.yaml
	XDG_CONFIG_HOME=$PWD/xdg run crm config get channels
	assert_output sms
	echo 'channels: [form]' > crm.yaml
	XDG_CONFIG_HOME=$PWD/xdg run crm config get channels
	assert_output form
	run crm --config a.yaml config get channels
	assert_output email
}

@test "the example file documents every key and loads cleanly" {
	run --separate-stderr crm --config "$TOP/crm.yaml.example" config check
	assert_success
	for key in $(crm config list --format tsv | cut -f1 | tail -n +2); do
		leaf=${key##*.}
		grep -q "$leaf" "$TOP/crm.yaml.example" || fail "crm.yaml.example does not mention '$key'"
		grep -q "$leaf" "$TOP/man/crm.yaml.5" || fail "crm.yaml.5 does not mention '$key'"
	done
}

@test "an unknown key exits 78 with file, line and column" {
	printf 'pipeline:\n  stages: [a, b]\n  stage: [c]\n' > crm.yaml
	run --separate-stderr crm client list
	assert_failure 78
	assert_equal "$stderr" "crm: crm.yaml:3:3: unknown key 'pipeline.stage'"
	printf 'colour: blue\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	assert_equal "$stderr" "crm: crm.yaml:1:1: unknown key 'colour'"
}

@test "a wrong type exits 78 with file, line and column" {
	printf 'automation:\n  max_touches: many\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	assert_equal "$stderr" "crm: crm.yaml:2:16: 'automation.max_touches' must be a whole number"
	printf 'channels: email\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	stderr_has "'channels' must be a list"
	printf 'automation:\n  stop_on_reply: maybe\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	printf 'pipeline: 3\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	printf 'sync:\n  webhook:\n    timeout: [1]\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	stderr_has 'crm.yaml:3:14:'
}

@test "values that do not fit exit 78" {
	for bad in \
		'pipeline: {stages: [a, b], terminal: [c]}' \
		'pipeline: {stages: [a, b], on_reply: c}' \
		'pipeline: {stages: []}' \
		'pipeline: {stages: [a, a]}' \
		'channels: []' \
		'automation: {stages: [nowhere]}' \
		'automation: {max_touches: 0}' \
		'automation: {followup_days: [3, -1]}' \
		'automation: {quiet_hours: "late"}' \
		'ai: {default: sometimes}' \
		'viability: {base: 150}' \
		'viability: {rules: [{points: 3}]}' \
		'viability: {rules: [{field: price, points: 3}]}' \
		'viability: {rules: [{has: title}]}' \
		'viability: {rules: [{has: title, points: x}]}' \
		'viability: {rules: [{has: title, colour: red, points: 1}]}' \
		'sources: {leads: {table: t}}' \
		'sources: {leads: {sqlite: x.db}}' \
		'sources: {leads: {csv: a.csv, jsonl: b.jsonl}}' \
		'operator: abc'; do
		echo "$bad" > crm.yaml
		run --separate-stderr crm config check
		[ "$status" -eq 78 ] || fail "'$bad' gave $status"
		[[ $stderr == "crm: crm.yaml:"* ]] || fail "'$bad': $stderr"
	done
}

@test "a YAML syntax error exits 78 with its place" {
	printf 'pipeline: [\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	assert_regex "$stderr" '^crm: crm.yaml:[0-9]+:[0-9]+: '
}

@test "a missing --config or CRM_CONFIG file exits 66" {
	run --separate-stderr crm --config nope.yaml config check
	assert_failure 66
	assert_equal "$stderr" "crm: config 'nope.yaml': No such file or directory"
	CRM_CONFIG=nope.yaml run --separate-stderr crm client list
	assert_failure 66
}

@test "an empty file is the defaults" {
	: > crm.yaml
	run crm config get pipeline.on_reply
	assert_output replied
}

@test "get prints a scalar, a list one item a line, a section as rows" {
	run crm config get automation.max_touches
	assert_output 4
	run crm config get pipeline.terminal
	assert_output $'won\nlost'
	run crm config get automation --format tsv
	assert_line --index 0 $'key\tvalue'
	assert_line --index 1 $'automation.stages\t[new, contacted]'
	run crm config get sync.webhook.retries
	assert_output 8
}

@test "get of an unknown key exits 1; without a key 64" {
	run --separate-stderr crm config get pipeline.nothing
	assert_failure 1
	assert_equal "$stderr" "crm: config get: no key 'pipeline.nothing'"
	run --separate-stderr crm config get
	assert_failure 64
	run --separate-stderr crm config check extra
	assert_failure 64
}

@test "list prints every key in the format asked" {
	run crm config list --format tsv
	assert_line --index 0 $'key\tvalue'
	assert_line $'pipeline.stages\t[new, contacted, replied, meeting, negotiating, won, lost]'
	assert_line $'viability.base\t0'
	run crm config list --format json
	echo "$output" | jq -e 'map(select(.key == "automation.followup_days"))[0].value == "[3, 7, 14]"'
}

@test "a pipeline of its own keeps the defaults that fit" {
	printf 'pipeline:\n  stages: [lead, talking, done]\n' > crm.yaml
	run crm config get automation.stages
	assert_output lead
	run crm config get pipeline.on_reply
	assert_output null
}

@test "a relative source path is taken from the file's folder" {
	mkdir -p conf
	printf 'sources:\n  leads: {sqlite: ../scraper.db, table: leads}\n' > conf/crm.yaml
	run crm --config conf/crm.yaml config get sources.leads
	assert_output '{sqlite: conf/../scraper.db, table: leads, writeback: false}'
	printf 'database: ~/x/crm.db\n' > crm.yaml
	run crm config get database
	assert_output "$HOME/x/crm.db"
}
