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
		'automation: {stages: [new, won]}' \
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

# each file of crm.yaml lines ($1) gives exit 78 and exactly the message $2
refused() {
	printf '%s\n' "$1" > crm.yaml
	run --separate-stderr crm config check
	[ "$status" -eq 78 ] || fail "'$1' gave $status: $stderr"
	assert_equal "$stderr" "crm: crm.yaml:$2"
	assert_output ''
}

@test "a key given twice in one map exits 78 at the second" {
	refused $'operator: 1\noperator: 2' "2:1: duplicate key 'operator'"
	refused $'pipeline:\n  stages: [a]\n  stages: [b]' "3:3: duplicate key 'pipeline.stages'"
	refused 'viability: {rules: [{has: title, points: 1, points: 2}]}' \
		"1:45: duplicate key 'viability.rules.points'"
	refused 'sources: {leads: {sqlite: a.db, table: t, map: {a: b, a: c}}}' \
		"1:55: duplicate key 'sources.leads.map.a'"
}

@test "a second YAML document exits 78" {
	refused $'channels: [email]\n---\nchannels: [sms]' '2:1: a second YAML document; the file holds one'
	refused $'channels: [email]\n---' '2:1: a second YAML document; the file holds one'
	printf -- '---\nchannels: [email]\n...\n' > crm.yaml
	run --separate-stderr crm config check
	assert_success
}

@test "numbers out of their range exit 78 at the value" {
	refused 'operator: 0' "1:11: 'operator' must be at least 1"
	refused 'operator: -3' "1:11: 'operator' must be at least 1"
	refused 'notify: {overdue_hours: -1}' "1:25: 'notify.overdue_hours' must be at least 0"
	refused 'bulk: {confirm: -5}' "1:17: 'bulk.confirm' must be at least 0"
	refused 'hooks: {timeout: 0}' "1:18: 'hooks.timeout' must be at least 1"
	refused 'sync: {webhook: {timeout: -1}}' "1:27: 'sync.webhook.timeout' must be at least 1"
	refused 'sync: {webhook: {retries: -1}}' "1:27: 'sync.webhook.retries' must be at least 0"
	refused 'automation: {followup_days: [3, -1]}' "1:33: 'automation.followup_days' must be at least 1"
	refused 'automation: {max_touches: 0}' "1:27: 'automation.max_touches' must be at least 1"
	refused 'automation: {max_touches: 4294967297}' "1:27: 'automation.max_touches' is too large"
	refused 'viability: {base: -1}' "1:19: 'viability.base' must be from 0 to 100"
	printf 'notify: {overdue_hours: 0}\nbulk: {confirm: 0}\nsync: {webhook: {retries: 0}}\n' > crm.yaml
	run --separate-stderr crm config check
	assert_success
}

@test "a viability rule on a field leads do not have, or with min above max, exits 78" {
	refused 'viability: {rules: [{has: colour, points: 1}]}' \
		"1:27: viability.rules.has: 'colour' is not a lead field"
	refused 'viability: {rules: [{field: prize, min: 1, points: 1}]}' \
		"1:29: viability.rules.field: 'prize' is not a lead field"
	refused 'viability: {rules: [{field: price, min: 10, max: 1, points: 1}]}' \
		"1:21: 'viability.rules': a rule's 'min' is more than its 'max'"
	refused 'viability: {rules: [{field: price, min: nan, points: 1}]}' \
		"1:41: 'viability.rules.min' must be a number"
	refused 'viability: {rules: [{has: price, equals: "3", points: 1}]}' \
		"1:21: 'viability.rules': a 'has' rule takes no 'equals', 'min' or 'max'"
	for f in external_id operator_id source_type source_url listing_ref listing_hash \
		contact_name contact_email contact_phone channel title location price status viability; do
		echo "viability: {rules: [{has: $f, points: 1}, {field: $f, min: 1, max: 1, points: 1}]}" > crm.yaml
		run --separate-stderr crm config check
		[ "$status" -eq 0 ] || fail "lead field '$f' refused: $stderr"
	done
}

@test "sync.webhook with both secret_env and secret_file exits 78" {
	refused $'sync:\n  webhook:\n    secret_env: CRM_SECRET\n    secret_file: secret' \
		"4:18: 'sync.webhook': secret_env or secret_file, not both"
}

@test "a map with nothing in it, empty or ~, is the defaults" {
	printf 'pipeline:\nautomation: ~\nhooks: null\nsources:\n  leads: ~\n  contacts:\n' > crm.yaml
	run --separate-stderr crm config check
	assert_success
	assert_output 'crm.yaml: ok'
	run --separate-stderr crm config get pipeline.terminal
	assert_output $'won\nlost'
	run --separate-stderr crm config get sources.leads
	assert_output null
	printf '~\n' > crm.yaml
	run --separate-stderr crm config check
	assert_success
	refused 'pipeline: "~"' "1:11: 'pipeline' must be a map"
}

@test "the time zone is UTC unless set" {
	run --separate-stderr crm config list --format tsv
	assert_line $'automation.timezone\tUTC'
	printf 'automation: {timezone: Europe/Madrid}\n' > crm.yaml
	run --separate-stderr crm config get automation.timezone
	assert_output Europe/Madrid
	printf 'automation: {timezone: ~}\n' > crm.yaml
	run --separate-stderr crm config get automation.timezone
	assert_output UTC
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

@test "a folder as --config or CRM_CONFIG exits 66" {
	mkdir conf
	run --separate-stderr crm --config conf config check
	assert_failure 66
	assert_equal "$stderr" "crm: config 'conf': Is a directory"
	assert_output ''
	CRM_CONFIG=$PWD/conf run --separate-stderr crm client list
	assert_failure 66
	assert_equal "$stderr" "crm: config '$PWD/conf': Is a directory"
}

@test "terminal stages are told as closed, not as stages a client cannot leave" {
	for f in "$TOP/man/crm.yaml.5" "$TOP/crm.yaml.example"; do
		run grep -n 'does not leave' "$f"
		assert_failure
		run grep -c 'client stage' "$f"
		assert_success
	done
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
	echo "$output" | jq -e 'map(select(.key == "automation.followup_days"))[0].value == [3, 7, 14]'
}

@test "list in json gives each value as JSON: null, numbers, booleans, lists, rules, sources" {
	printf 'sources:\n  leads: {sqlite: /s/p.db, table: leads, map: {id: external_id}}\n' > crm.yaml
	run --separate-stderr crm config list --format json
	assert_success
	assert_equal "$stderr" ""
	v() { jq -c --arg k "$1" '.[] | select(.key == $k) | .value' <<< "$output"; }
	assert_equal "$(v database)" "\"$HOME/.local/share/crm/crm.db\""
	assert_equal "$(v operator)" null
	assert_equal "$(v automation.max_touches)" 4
	assert_equal "$(v automation.stop_on_reply)" true
	assert_equal "$(v automation.followup_days)" '[3,7,14]'
	assert_equal "$(v pipeline.terminal)" '["won","lost"]'
	assert_equal "$(v pipeline.on_reply)" '"replied"'
	assert_equal "$(v viability.rules)" \
		'[{"has":"contact_email","points":30},{"has":"contact_phone","points":30},{"field":"source_type","equals":"owner","points":20},{"field":"price","min":100000,"max":600000,"points":20}]'
	assert_equal "$(v sources.leads)" \
		'{"sqlite":"/s/p.db","table":"leads","writeback":false,"map":{"id":"external_id"}}'
	assert_equal "$(v sources.contacts)" null
	assert_equal "$(jq length <<< "$output")" "$(crm config list --format tsv | tail -n +2 | wc -l)"
}

@test "get prints key and value rows in json, jsonl and csv, for a key as for a section" {
	run --separate-stderr crm config get pipeline.stages --format json
	assert_success
	jq -e '. == [{"key": "pipeline.stages",
	              "value": ["new", "contacted", "replied", "meeting", "negotiating", "won", "lost"]}]' <<< "$output"
	run --separate-stderr crm config get automation.max_touches --format jsonl
	assert_success
	assert_output '{"key":"automation.max_touches","value":4}'
	run --separate-stderr crm config get sync.webhook --format jsonl
	assert_success
	assert_line --index 0 '{"key":"sync.webhook.url","value":null}'
	assert_line --index 3 '{"key":"sync.webhook.timeout","value":20}'
	run --separate-stderr crm config get pipeline.terminal --format csv
	assert_success
	assert_output $'key,value\npipeline.terminal,"[won, lost]"'
	run --separate-stderr crm config get nothing.here --format json
	assert_failure 1
	assert_output ''
}

@test "get of one key in table or tsv prints the value alone, for a shell" {
	run --separate-stderr crm config get automation.followup_days --format tsv
	assert_success
	assert_output $'3\n7\n14'
	printf 'pipeline: {stages: [a b, c]}\nchannels: [email]\n' > crm.yaml
	run --separate-stderr crm config get pipeline.stages
	assert_output $'a b\nc'
	run --separate-stderr crm config get pipeline.terminal
	assert_success
	assert_output ''
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

@test "list writes values as YAML that reads back: quoted where plain text would not" {
	cat > crm.yaml <<'Y'
operator: ~
pipeline:
  stages: ["a,b", "x: y", new, "true", "42"]
  terminal: [new]
hooks:
  on_reply: "notify-send 'crm: reply'"
Y
	run --separate-stderr crm config check
	assert_success
	run --separate-stderr crm config list --format tsv
	assert_line $'operator\tnull'
	assert_line $'pipeline.stages\t[\'a,b\', \'x: y\', new, \'true\', \'42\']'
	assert_line $'hooks.on_reply\t\'notify-send \'\'crm: reply\'\'\''
	# the shell's form is the plain text
	run --separate-stderr crm config get pipeline.stages
	assert_output $'a,b\nx: y\nnew\ntrue\n42'
}

@test "get and list refuse the ids format: their rows have no id" {
	run --separate-stderr crm config list --format ids
	assert_failure 64
	assert_equal "$stderr" "crm: config list: format 'ids': its rows have no id"
	run --separate-stderr crm config get pipeline.stages --format ids
	assert_failure 64
	assert_equal "$stderr" "crm: config get: format 'ids': its rows have no id"
}

@test "automation.timezone is a time zone; a source given as {} sets nothing" {
	printf 'automation:\n  timezone: Mars/Olympus\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	assert_equal "$stderr" "crm: crm.yaml:2:13: automation.timezone: 'Mars/Olympus' is not a time zone (such as Europe/Madrid)"
	printf 'automation:\n  timezone: Europe/Madrid\nsources:\n  leads: {}\n' > crm.yaml
	run --separate-stderr crm config check
	assert_success
	run crm config get sources.leads
	assert_output null
}

@test "the database in force is listed, from XDG_DATA_HOME, HOME or the file" {
	run crm config get database
	assert_output "$HOME/.local/share/crm/crm.db"
	XDG_DATA_HOME=/srv/data run crm config get database
	assert_output /srv/data/crm/crm.db
	printf 'database: ~\n' > crm.yaml
	run crm config get database
	assert_output "$HOME/.local/share/crm/crm.db"
	printf 'database: ~/crm/my.db\n' > crm.yaml
	run crm config get database
	assert_output "$HOME/crm/my.db"
}

@test "a list of more than 1000 stages is refused (78) at once; a name twice is found in linear time" {
	{ printf 'pipeline:\n  stages: ['; seq -f 's%g' 1 200000 | paste -sd,; printf ']\n'; } > big.yaml
	run --separate-stderr timeout 10 crm --config big.yaml config check
	assert_failure 78
	assert_output ''
	assert_equal "$stderr" "crm: big.yaml:2:11: 'pipeline.stages': more than 1000 items"
	{ printf 'pipeline:\n  stages: ['; seq -f 's%g' 1 999 | paste -sd,; printf ',s500]\n  terminal: [s1]\n'; } > dup.yaml
	run --separate-stderr crm --config dup.yaml config check
	assert_failure 78
	stderr_has "'pipeline.stages': 's500' is there twice"
	{ printf 'pipeline:\n  stages: ['; seq -f 's%g' 1 1000 | paste -sd,; printf ']\n  terminal: [s1000]\n'; } > ok.yaml
	run --separate-stderr crm --config ok.yaml config check
	assert_success
}

@test "the stages crm acts on are keys: on_first_contact and lost, checked against the pipeline" {
	cat > crm.yaml <<'Y'
pipeline:
  stages: [fresh, reached, talking, gone]
  terminal: [gone]
  on_reply: talking
  on_first_contact: reached
  lost: gone
Y
	run --separate-stderr crm config check
	assert_success
	crm -q client add --name A >/dev/null
	crm -q comm log 1 --channel email >/dev/null
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT stage FROM clients')" reached
	crm -q client stage 1 gone --reason 'sold it'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT lost_reason FROM clients')" 'sold it'
	printf 'pipeline:\n  stages: [a, b]\n  on_first_contact: c\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	assert_output ''
	assert_equal "$stderr" "crm: crm.yaml:3:21: pipeline.on_first_contact: 'c' is not in pipeline.stages"
	printf 'pipeline:\n  stages: [a, b]\n  lost: z\n' > crm.yaml
	run --separate-stderr crm config check
	assert_failure 78
	assert_equal "$stderr" "crm: crm.yaml:3:9: pipeline.lost: 'z' is not in pipeline.stages"
	# a pipeline of its own without those names: no first-contact move
	printf 'pipeline:\n  stages: [a, b]\n' > crm.yaml
	run --separate-stderr crm config get pipeline.on_first_contact --format jsonl
	assert_success
	assert_output '{"key":"pipeline.on_first_contact","value":null}'
	assert_equal "$stderr" ''
}
