#!/usr/bin/env bats
# crm config check|get|list, and how the file is found and checked
bats_require_minimum_version 1.5.0
load helper

@test "check without a file says the defaults are in use" {
	crm_ok config check
	assert_output 'no configuration file; defaults in use'
	assert [ ! -e "$CRM_DB" ]
}

@test "the file is found by --config, CRM_CONFIG, ./crm.yaml, XDG_CONFIG_HOME, ~/.config" {
	echo 'channels: [email]' > a.yaml
	crm_ok --config a.yaml config check
	assert_output 'a.yaml: ok'
	CRM_CONFIG=a.yaml crm_ok config check
	assert_output 'a.yaml: ok'
	mkdir -p "$HOME/.config/crm" xdg/crm
	echo 'channels: [fb]' > "$HOME/.config/crm/crm.yaml"
	crm_ok config get channels
	assert_output fb
	echo 'channels: [sms]' > xdg/crm/crm.yaml
	XDG_CONFIG_HOME=$PWD/xdg crm_ok config get channels
	assert_output sms
	echo 'channels: [form]' > crm.yaml
	XDG_CONFIG_HOME=$PWD/xdg crm_ok config get channels
	assert_output form
	crm_ok --config a.yaml config get channels
	assert_output email
}

@test "the example file documents every key and loads cleanly" {
	crm_ok --config "$TOP/crm.yaml.example" config check
	assert_output "$TOP/crm.yaml.example: ok"
	crm_ok config list --format tsv
	assert_line --index 0 $'key\tvalue'
	for key in $(printf '%s\n' "${lines[@]:1}" | cut -f1); do
		leaf=${key##*.}
		grep -q "$leaf" "$TOP/crm.yaml.example" || fail "crm.yaml.example does not mention '$key'"
		grep -q "$leaf" "$TOP/man/crm.yaml.5" || fail "crm.yaml.5 does not mention '$key'"
	done
}

@test "an unknown key exits 78 with file, line and column" {
	printf 'pipeline:\n  stages: [a, b]\n  stage: [c]\n' > crm.yaml
	crm_fails 78 client list
	assert_equal "$stderr" "crm: crm.yaml:3:3: unknown key 'pipeline.stage'; did you mean 'pipeline.stages'?"
	printf 'colour: blue\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:1:1: unknown key 'colour'"
}

@test "a wrong type exits 78 with file, line and column" {
	printf 'automation:\n  max_touches: many\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:2:16: 'automation.max_touches' must be a whole number"
	printf 'channels: email\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:1:11: 'channels' must be a list"
	printf 'automation:\n  stop_on_reply: maybe\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:2:18: 'automation.stop_on_reply' must be true or false"
	printf 'pipeline: 3\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:1:11: 'pipeline' must be a map"
	printf 'sync:\n  webhook:\n    timeout: [1]\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:3:14: 'sync.webhook.timeout' must be a whole number"
}

# each file of crm.yaml lines ($1) gives exit 78 and exactly the message $2
refused() {
	printf '%s\n' "$1" > crm.yaml
	run --separate-stderr crm config check
	[ "$status" -eq 78 ] || fail "'$1' gave $status: $stderr"
	assert_equal "$stderr" "crm: crm.yaml:$2"
	assert_output ''
}

@test "values that do not fit exit 78" {
	refused 'pipeline: {stages: [a, b], terminal: [c]}' \
		"1:38: pipeline.terminal: 'c' is not in pipeline.stages (a, b)"
	refused 'pipeline: {stages: [a, b], on_reply: c}' \
		"1:38: pipeline.on_reply: 'c' is not in pipeline.stages (a, b)"
	refused 'pipeline: {stages: []}' \
		"1:20: 'pipeline.stages' must name at least one stage"
	refused 'pipeline: {stages: [a, a]}' \
		"1:24: 'pipeline.stages': 'a' is there twice"
	refused 'channels: []' \
		"1:11: 'channels' must name at least one channel"
	refused 'automation: {stages: [nowhere]}' \
		"1:22: automation.stages: 'nowhere' is not in pipeline.stages (new, contacted, replied, meeting, negotiating, won, lost)"
	refused 'automation: {stages: [new, won]}' \
		"1:22: automation.stages: 'won' is a terminal stage"
	refused 'automation: {max_touches: 0}' \
		"1:27: 'automation.max_touches' must be at least 1"
	refused 'automation: {followup_days: [3, -1]}' \
		"1:33: 'automation.followup_days' must be at least 1"
	refused 'automation: {quiet_hours: "late"}' \
		"1:27: automation.quiet_hours: 'late' is not HH:MM-HH:MM"
	refused 'ai: {default: sometimes}' \
		"1:15: ai.default: 'sometimes' is not an AI mode (off, draft, auto)"
	refused 'viability: {base: 150}' \
		"1:19: 'viability.base' must be from 0 to 100"
	refused 'viability: {rules: [{points: 3}]}' \
		"1:21: 'viability.rules': a rule needs 'has' or 'field'"
	refused 'viability: {rules: [{field: price, points: 3}]}' \
		"1:21: 'viability.rules': a 'field' rule needs 'equals', 'min' or 'max'"
	refused 'viability: {rules: [{has: title}]}' \
		"1:21: 'viability.rules': a rule needs 'points'"
	refused 'viability: {rules: [{has: title, points: x}]}' \
		"1:42: 'viability.rules.points' must be a whole number"
	refused 'viability: {rules: [{has: title, colour: red, points: 1}]}' \
		"1:34: unknown key 'viability.rules.colour'"
	refused 'sources: {leads: {table: t}}' \
		"1:18: 'sources.leads' needs exactly one of sqlite, csv or jsonl"
	refused 'sources: {leads: {sqlite: x.db}}' \
		"1:18: 'sources.leads' needs a table for its sqlite file"
	refused 'sources: {leads: {csv: a.csv, jsonl: b.jsonl}}' \
		"1:18: 'sources.leads' needs exactly one of sqlite, csv or jsonl"
	refused 'operator: abc' \
		"1:11: 'operator' must be a whole number"
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
	crm_ok config check
	assert_output 'crm.yaml: ok'
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
	crm_ok config check
	assert_output 'crm.yaml: ok'
}

@test "a viability rule on a field leads do not have, or with min above max, exits 78" {
	refused 'viability: {rules: [{has: colour, points: 1}]}' \
		"1:27: viability.rules.has: 'colour' is not a lead field (external_id, operator_id, source_type, source_url, listing_ref, listing_hash, contact_name, contact_email, contact_phone, channel, title, location, price, status, viability)"
	refused 'viability: {rules: [{field: prize, min: 1, points: 1}]}' \
		"1:29: viability.rules.field: 'prize' is not a lead field (external_id, operator_id, source_type, source_url, listing_ref, listing_hash, contact_name, contact_email, contact_phone, channel, title, location, price, status, viability); did you mean 'price'?"
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
		assert_output 'crm.yaml: ok'
		assert_equal "$stderr" ''
	done
}

@test "sync.webhook with both secret_env and secret_file exits 78" {
	refused $'sync:\n  webhook:\n    secret_env: CRM_SECRET\n    secret_file: secret' \
		"4:18: 'sync.webhook': secret_env or secret_file, not both"
}

@test "a map with nothing in it, empty or ~, is the defaults" {
	printf 'pipeline:\nautomation: ~\nhooks: null\nsources:\n  leads: ~\n  contacts:\n' > crm.yaml
	crm_ok config check
	assert_output 'crm.yaml: ok'
	crm_ok config get pipeline.terminal
	assert_output $'won\nlost'
	crm_ok config get sources.leads
	assert_output null
	printf '~\n' > crm.yaml
	crm_ok config check
	assert_output 'crm.yaml: ok'
	refused 'pipeline: "~"' "1:11: 'pipeline' must be a map"
}

@test "the time zone is UTC unless set" {
	crm_ok config list --format tsv
	assert_line $'automation.timezone\tUTC'
	printf 'automation: {timezone: Europe/Madrid}\n' > crm.yaml
	crm_ok config get automation.timezone
	assert_output Europe/Madrid
	printf 'automation: {timezone: ~}\n' > crm.yaml
	crm_ok config get automation.timezone
	assert_output UTC
}

@test "display.timezone is TZ, then UTC, unless set; an unknown zone is 78 with its place" {
	crm_ok config get display.timezone
	assert_output UTC
	TZ=America/New_York crm_ok config get display.timezone
	assert_output America/New_York
	printf 'display:\n  timezone: Europe/Madrid\n' > crm.yaml
	TZ=America/New_York crm_ok config get display.timezone
	assert_output Europe/Madrid
	crm_ok config list --format tsv
	assert_line $'display.timezone\tEurope/Madrid'
	printf 'display: {timezone: ~}\n' > crm.yaml
	crm_ok config get display.timezone
	assert_output UTC
	printf 'pipeline:\n  lost: lost\ndisplay:\n  timezone: Mars/Olympus\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:4:13: display.timezone: 'Mars/Olympus' is not a time zone (such as Europe/Madrid)"
	printf 'display:\n  timezone: ../../etc/passwd\n' > crm.yaml
	crm_fails 78 client list
	assert_equal "$stderr" "crm: crm.yaml:2:13: display.timezone: '../../etc/passwd' is not a time zone (such as Europe/Madrid)"
	printf 'display:\n  zone: UTC\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:2:3: unknown key 'display.zone'"
}

@test "a YAML syntax error exits 78 with its place" {
	printf 'pipeline: [\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" 'crm: crm.yaml:2:1: did not find expected node content'
}

@test "a missing --config or CRM_CONFIG file exits 66" {
	crm_fails 66 --config nope.yaml config check
	assert_equal "$stderr" "crm: config 'nope.yaml': No such file or directory"
	CRM_CONFIG=nope.yaml crm_fails 66 client list
	assert_equal "$stderr" "crm: config 'nope.yaml': No such file or directory"
}

@test "a folder as --config or CRM_CONFIG exits 66" {
	mkdir conf
	crm_fails 66 --config conf config check
	assert_equal "$stderr" "crm: config 'conf': Is a directory"
	CRM_CONFIG=$PWD/conf crm_fails 66 client list
	assert_equal "$stderr" "crm: config '$PWD/conf': Is a directory"
}

@test "terminal stages are told as closed, not as stages a client cannot leave" {
	for f in "$TOP/man/crm.yaml.5" "$TOP/crm.yaml.example"; do
		run grep -n 'does not leave' "$f"
		assert_failure 1
		assert_output ''
		run grep -c 'client stage' "$f"
		assert_success
		assert_output --regexp '^[1-9][0-9]*$'
	done
}

@test "an empty file is the defaults" {
	: > crm.yaml
	crm_ok config get pipeline.on_reply
	assert_output replied
}

@test "get prints a scalar, a list one item a line, a section as rows" {
	crm_ok config get automation.max_touches
	assert_output 4
	crm_ok config get pipeline.terminal
	assert_output $'won\nlost'
	crm_ok config get automation --format tsv
	assert_line --index 0 $'key\tvalue'
	assert_line --index 1 $'automation.stages\t[new, contacted]'
	crm_ok config get sync.webhook.retries
	assert_output 8
}

@test "get of an unknown key exits 1; without a key 64" {
	crm_fails 1 config get pipeline.nothing
	assert_equal "$stderr" "crm: config get: no key 'pipeline.nothing'"
	crm_fails 64 config get
	stderr_usage 'crm: config get: one key, such as pipeline.stages'
	crm_fails 64 config check a.yaml b.yaml
	stderr_usage "crm: config check: one file, not 2"
}

@test "list prints every key in the format asked" {
	crm_ok config list --format tsv
	assert_line --index 0 $'key\tvalue'
	assert_line $'pipeline.stages\t[new, contacted, replied, meeting, negotiating, won, lost]'
	assert_line $'viability.base\t0'
	crm_ok config list --format json
	echo "$output" | jq -e 'map(select(.key == "automation.followup_days"))[0].value == [3, 7, 14]'
}

@test "list in json gives each value as JSON: null, numbers, booleans, lists, rules, sources" {
	unset CRM_DB
	printf 'sources:\n  leads: {sqlite: /s/p.db, table: leads, map: {id: external_id}}\n' > crm.yaml
	crm_ok config list --format json
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
		'{"sqlite":"/s/p.db","table":"leads","writeback":false,"overlap":60,"map":{"id":"external_id"}}'
	assert_equal "$(v sources.contacts)" null
	keys=$(jq length <<< "$output")
	crm_ok config list --format tsv
	assert_equal "$keys" $((${#lines[@]} - 1))
}

@test "get prints key and value rows in json, jsonl and csv, for a key as for a section" {
	crm_ok config get pipeline.stages --format json
	jq -e '. == [{"key": "pipeline.stages",
	              "value": ["new", "contacted", "replied", "meeting", "negotiating", "won", "lost"]}]' <<< "$output"
	crm_ok config get automation.max_touches --format jsonl
	assert_output '{"key":"automation.max_touches","value":4}'
	crm_ok config get sync.webhook --format jsonl
	assert_line --index 0 '{"key":"sync.webhook.url","value":null}'
	assert_line --index 3 '{"key":"sync.webhook.timeout","value":20}'
	crm_ok config get pipeline.terminal --format csv
	assert_output $'key,value\npipeline.terminal,"[won, lost]"'
	crm_fails 1 config get nothing.here --format json
	assert_equal "$stderr" "crm: config get: no key 'nothing.here'"
	assert_output ''
}

@test "get of one key in table or tsv prints the value alone, for a shell" {
	crm_ok config get automation.followup_days --format tsv
	assert_output $'3\n7\n14'
	printf 'pipeline: {stages: [a b, c]}\nchannels: [email]\n' > crm.yaml
	crm_ok config get pipeline.stages
	assert_output $'a b\nc'
	crm_ok config get pipeline.terminal
	assert_output ''
}

@test "a pipeline of its own keeps the defaults that fit" {
	printf 'pipeline:\n  stages: [lead, talking, done]\n' > crm.yaml
	crm_ok config get automation.stages
	assert_output lead
	crm_ok config get pipeline.on_reply
	assert_output null
}

@test "a relative source path is taken from the file's folder" {
	mkdir -p conf
	printf 'sources:\n  leads: {sqlite: ../scraper.db, table: leads}\n' > conf/crm.yaml
	crm_ok --config conf/crm.yaml config get sources.leads
	assert_output '{sqlite: conf/../scraper.db, table: leads, writeback: false, overlap: 60}'
	printf 'database: ~/x/crm.db\n' > crm.yaml
	unset CRM_DB
	crm_ok config get database
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
	crm_ok config check
	assert_output 'crm.yaml: ok'
	crm_ok config list --format tsv
	assert_line $'operator\tnull'
	assert_line $'pipeline.stages\t[\'a,b\', \'x: y\', new, \'true\', \'42\']'
	assert_line $'hooks.on_reply\t\'notify-send \'\'crm: reply\'\'\''
	# the shell's form is the plain text
	crm_ok config get pipeline.stages
	assert_output $'a,b\nx: y\nnew\ntrue\n42'
}

@test "get and list refuse the ids format: it is for lists" {
	crm_fails 64 config list --format ids
	stderr_usage "crm: config list: format 'ids' is for lists; use table, tsv, csv, json or jsonl"
	crm_fails 64 config get pipeline.stages --format ids
	stderr_usage "crm: config get: format 'ids' is for lists; use table, tsv, csv, json or jsonl"
}

@test "automation.timezone is a time zone; a source given as {} sets nothing" {
	printf 'automation:\n  timezone: Mars/Olympus\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:2:13: automation.timezone: 'Mars/Olympus' is not a time zone (such as Europe/Madrid)"
	printf 'automation:\n  timezone: Europe/Madrid\nsources:\n  leads: {}\n' > crm.yaml
	crm_ok config check
	assert_output 'crm.yaml: ok'
	crm_ok config get sources.leads
	assert_output null
}

@test "the database in force is listed, from XDG_DATA_HOME, HOME or the file" {
	unset CRM_DB
	crm_ok config get database
	assert_output "$HOME/.local/share/crm/crm.db"
	XDG_DATA_HOME=/srv/data crm_ok config get database
	assert_output /srv/data/crm/crm.db
	printf 'database: ~\n' > crm.yaml
	crm_ok config get database
	assert_output "$HOME/.local/share/crm/crm.db"
	printf 'database: ~/crm/my.db\n' > crm.yaml
	crm_ok config get database
	assert_output "$HOME/crm/my.db"
}

@test "a list of more than 1000 stages is refused (78) at once; a name twice is found in linear time" {
	{ printf 'pipeline:\n  stages: ['; seq -f 's%g' 1 200000 | paste -sd,; printf ']\n'; } > big.yaml
	run --separate-stderr timeout 10 crm --config big.yaml config check
	assert_failure 78
	assert_output ''
	assert_equal "$stderr" "crm: big.yaml:2:11: 'pipeline.stages': more than 1000 items"
	{ printf 'pipeline:\n  stages: ['; seq -f 's%g' 1 999 | paste -sd,; printf ',s500]\n  terminal: [s1]\n'; } > dup.yaml
	crm_fails 78 --config dup.yaml config check
	assert_equal "$stderr" "crm: dup.yaml:3:2: 'pipeline.stages': 's500' is there twice"
	{ printf 'pipeline:\n  stages: ['; seq -f 's%g' 1 1000 | paste -sd,; printf ']\n  terminal: [s1000]\n'; } > ok.yaml
	crm_ok --config ok.yaml config check
	assert_output 'ok.yaml: ok'
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
	crm_ok config check
	assert_output 'crm.yaml: ok'
	crm -q client add --name A >/dev/null
	crm_silent -q comm log 1 --channel email
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT stage FROM clients')" reached
	crm_silent -q client stage 1 gone --reason 'sold it'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT stage, lost_reason FROM clients')" 'gone|sold it'
	printf 'pipeline:\n  stages: [a, b]\n  on_first_contact: c\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:3:21: pipeline.on_first_contact: 'c' is not in pipeline.stages (a, b)"
	printf 'pipeline:\n  stages: [a, b]\n  lost: z\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:3:9: pipeline.lost: 'z' is not in pipeline.stages (a, b)"
	# a pipeline of its own without those names: no first-contact move
	printf 'pipeline:\n  stages: [a, b]\n' > crm.yaml
	crm_ok config get pipeline.on_first_contact --format jsonl
	assert_output '{"key":"pipeline.on_first_contact","value":null}'
}

@test "get and list tell the database in force: --db, then CRM_DB, then the file's" {
	printf 'database: /srv/crm/from-file.db\n' > crm.yaml
	unset CRM_DB
	crm_ok config get database
	assert_output /srv/crm/from-file.db
	CRM_DB=/tmp/env.db crm_ok config get database
	assert_output /tmp/env.db
	CRM_DB=/tmp/env.db crm_ok --db opt.db config get database
	assert_output opt.db
	crm_ok --db opt.db config list --format tsv
	assert_line $'database\topt.db'
	crm_ok --db opt.db config get database --format jsonl
	assert_output '{"key":"database","value":"opt.db"}'
	assert [ ! -e opt.db ]
}

@test "check FILE checks that file, whatever the file in force says" {
	printf 'channels: [email]\n' > good.yaml
	printf 'chanels: [email]\n' > crm.yaml
	crm_ok config check good.yaml
	assert_output 'good.yaml: ok'
	crm_ok --config crm.yaml config check good.yaml
	assert_output 'good.yaml: ok'
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:1:1: unknown key 'chanels'; did you mean 'channels'?"
	crm_fails 78 --config good.yaml config check crm.yaml
	assert_equal "$stderr" "crm: crm.yaml:1:1: unknown key 'chanels'; did you mean 'channels'?"
	crm_ok --config good.yaml config check
	assert_output 'good.yaml: ok'
	crm_fails 66 config check nope.yaml
	assert_equal "$stderr" "crm: config 'nope.yaml': No such file or directory"
	assert [ ! -e "$CRM_DB" ]
}

@test "an unknown key, in the file or asked of get, names the key it likely meant" {
	crm_fails 1 config get pipline.stages
	assert_equal "$stderr" "crm: config get: no key 'pipline.stages'; did you mean 'pipeline.stages'?"
	crm_fails 1 config get automaton
	assert_equal "$stderr" "crm: config get: no key 'automaton'; did you mean 'automation'?"
	crm_fails 1 config get sync.webhok
	assert_equal "$stderr" "crm: config get: no key 'sync.webhok'; did you mean 'sync.webhook'?"
	printf 'automation:\n  max_touch: 3\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:2:3: unknown key 'automation.max_touch'; did you mean 'automation.max_touches'?"
	printf 'viability: {rules: [{has: title, point: 3}]}\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:1:34: unknown key 'viability.rules.point'; did you mean 'viability.rules.points'?"
	printf 'pipeline: {stages: [new, won], on_reply: wn}\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:1:42: pipeline.on_reply: 'wn' is not in pipeline.stages (new, won); did you mean 'won'?"
	printf 'ai: {default: drfat}\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:1:15: ai.default: 'drfat' is not an AI mode (off, draft, auto); did you mean 'draft'?"
}

@test "phone.default_region: a region code, checked against libphonenumber by config check" {
	printf 'phone:\n  default_region: Spain\n' > bad.yaml
	run --separate-stderr crm --config bad.yaml config check
	assert_failure 78
	assert_output ''
	assert_equal "$stderr" "crm: bad.yaml:2:19: phone.default_region: 'Spain' is not a region code (such as ES or FR)"
	printf 'phone:\n  default_region: XX\n' > xx.yaml
	run --separate-stderr crm --config xx.yaml config check
	assert_failure 78
	assert_output ''
	assert_equal "$stderr" "crm: xx.yaml: phone.default_region: 'XX' is not a region libphonenumber knows (such as ES or FR)"
	printf 'phone:\n  default_region: fr\n' > fr.yaml
	run --separate-stderr crm --config fr.yaml config check
	assert_success
	assert_output 'fr.yaml: ok'
	run --separate-stderr crm --config fr.yaml config get phone.default_region
	assert_success
	assert_output FR
}
