#!/usr/bin/env bats
# crm sync apply: an external CRM's events (HubSpot, Pipedrive v2)
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	cat > crm.yaml <<-'EOF'
	sync:
	  inbound:
	    fields: {firstname: first_name, lastname: last_name, email: email, phone: phone,
	             hs_lead_status: stage, name: name, emails: email, phones: phone,
	             stage_id: stage}
	    stages: {NEW: new, IN_PROGRESS: contacted, CONNECTED: replied, "3": meeting}
	EOF
}

# a HubSpot event: ID TYPE OBJECT MS [PROPERTY VALUE]
hs() {
	local prop=''
	[[ $# -gt 4 ]] && prop=",\"propertyName\":\"$5\",\"propertyValue\":\"$6\""
	printf '{"eventId":%s,"subscriptionType":"%s","objectId":%s,"portalId":7,"occurredAt":%s%s}\n' \
		"$1" "$2" "$3" "$4" "$prop"
}

# a contact.creation that carries its properties
hs_created() {
	printf '{"eventId":%s,"subscriptionType":"contact.creation","objectId":%s,"occurredAt":%s,"properties":{"firstname":"%s","lastname":"%s","email":"%s"}}\n' \
		"$1" "$2" "$3" "$4" "$5" "$6"
}

said() {
	assert_equal "$stderr" "sync apply: $1"
}

@test "hubspot: a creation makes the client, a change of the stage property moves it" {
	{ hs_created 1 101 1764583200000 Ana Ruiz ana@x.test
	  hs 2 contact.propertyChange 101 1764583300000 hs_lead_status IN_PROGRESS; } > in.jsonl
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	assert_output ''
	said '2 read, 2 applied, 0 already applied, 0 older than the last change, 0 ignored'
	crm_ok client show 1 --format json
	assert_output --partial '"name":"Ana Ruiz"'
	assert_output --partial '"email":"ana@x.test"'
	assert_output --partial '"stage":"contacted"'
	crm_ok client history 1 --format tsv
	assert_line --index 1 --regexp $'\tcreate\t\t\tAna Ruiz\thubspot$'
	assert_line --index 2 --regexp $'\tstage\tstage\tnew\tcontacted\thubspot \\(2025-12-01T10:01:40Z\\)$'
	run sqlite3 "$CRM_DB" "SELECT system, external_id, client_id FROM sync_links"
	assert_output 'hubspot|contact:101|1'
}

@test "hubspot: a creation alone names the client by its object; a later name replaces it" {
	{ hs 1 contact.creation 102 1764583200000
	  hs 2 contact.propertyChange 102 1764583300000 firstname Eva; } |
		crm sync apply - -q
	crm_ok client show 1 --format json
	assert_output --partial '"name":"Eva"'
}

@test "pipedrive: a person's creation and a deal's stage change" {
	cat > in.jsonl <<-'EOF'
	{"meta":{"action":"create","entity":"person","entity_id":"55","id":"55","timestamp":"2025-12-01T10:00:00Z","version":"2.0"},"data":{"id":55,"name":"Luis Gil","emails":[{"label":"home","value":"old@x.test","primary":false},{"label":"work","value":"luis@x.test","primary":true}],"phones":[{"value":"+34612345678","primary":true}]},"previous":null}
	{"meta":{"action":"create","entity":"deal","entity_id":"9","id":"9","timestamp":"2025-12-01T10:01:00Z","version":"2.0"},"data":{"id":9,"stage_id":1,"person_id":55},"previous":null}
	{"meta":{"action":"change","entity":"deal","entity_id":"9","id":"9","timestamp":"2025-12-01T10:02:00Z","version":"2.0"},"data":{"id":9,"stage_id":3,"person_id":55},"previous":{"stage_id":1}}
	{"meta":{"action":"change","entity":"person","entity_id":"55","id":"55","timestamp":"2025-12-01T10:03:00Z","version":"2.0"},"data":{"id":55,"name":"Luis Gil Sanz","emails":[{"value":"luis@x.test","primary":true}]},"previous":{"name":"Luis Gil"}}
	EOF
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	assert_output ''
	said '4 read, 3 applied, 0 already applied, 0 older than the last change, 1 ignored'
	crm_ok client show 1 --format json
	assert_output --partial '"name":"Luis Gil Sanz"'
	assert_output --partial '"email":"luis@x.test"'
	assert_output --partial '"phone":"+34612345678"'
	assert_output --partial '"stage":"meeting"'
	crm_ok client history 1 --format tsv
	assert_line --index 2 --regexp $'\tstage\tstage\tnew\tmeeting\tpipedrive \\(2025-12-01T10:02:00Z\\)$'
	run sqlite3 "$CRM_DB" "SELECT external_id FROM sync_links ORDER BY 1"
	assert_output $'deal:9\nperson:55'
}

@test "a whole JSON array is read too, pretty printed" {
	cat > in.json <<-'EOF'
	[
	  {"eventId": 1, "subscriptionType": "contact.creation", "objectId": 7,
	   "occurredAt": 1764583200000, "properties": {"email": "x@x.test"}},
	  {"eventId": 2, "subscriptionType": "contact.deletion", "objectId": 7,
	   "occurredAt": 1764583300000}
	]
	EOF
	run --separate-stderr crm sync apply < in.json
	assert_success
	said '2 read, 1 applied, 0 already applied, 0 older than the last change, 1 ignored'
}

@test "the same events twice are applied once, a duplicate inside one input too" {
	{ hs_created 1 101 1764583200000 Ana Ruiz ana@x.test
	  hs 2 contact.propertyChange 101 1764583300000 hs_lead_status IN_PROGRESS
	  hs 2 contact.propertyChange 101 1764583300000 hs_lead_status IN_PROGRESS; } > in.jsonl
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	said '3 read, 2 applied, 1 already applied, 0 older than the last change, 0 ignored'
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	assert_output ''
	said '3 read, 0 applied, 3 already applied, 0 older than the last change, 0 ignored'
	run sqlite3 "$CRM_DB" "SELECT count(*) FROM clients; SELECT count(*) FROM activity_logs WHERE action = 'stage'"
	assert_output $'1\n1'
}

@test "an event older than the field's last change is stale and ignored" {
	{ hs_created 1 101 1764583200000 Ana Ruiz ana@x.test
	  hs 2 contact.propertyChange 101 1764583400000 hs_lead_status CONNECTED
	  hs 3 contact.propertyChange 101 1764583300000 hs_lead_status IN_PROGRESS; } > in.jsonl
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	said '3 read, 2 applied, 0 already applied, 1 older than the last change, 0 ignored'
	crm_ok client show 1 --format json
	assert_output --partial '"stage":"replied"'
	# a stage set here after the event happened there wins too
	crm client stage 1 meeting -q
	hs 4 contact.propertyChange 101 1764583500000 hs_lead_status NEW | crm sync apply - -q
	crm_ok client show 1 --format json
	assert_output --partial '"stage":"meeting"'
}

@test "an email older than its last change is stale, in a later run and in one input" {
	{ hs_created 1 101 1764583200000 Ana Ruiz a@x.test
	  hs 2 contact.propertyChange 101 1764583400000 email new@x.test; } | crm sync apply - -q
	hs 3 contact.propertyChange 101 1764583300000 email old@x.test > old.jsonl
	run --separate-stderr crm sync apply old.jsonl
	assert_success
	assert_output ''
	said '1 read, 0 applied, 0 already applied, 1 older than the last change, 0 ignored'
	run sqlite3 "$CRM_DB" "SELECT email FROM clients"
	assert_output 'new@x.test'
	crm_ok client history 1 --format tsv
	assert_line --index 2 --regexp $'\tedit\temail\ta@x.test\tnew@x.test\thubspot \\(2025-12-01T10:03:20Z\\)$'
	{ hs 4 contact.propertyChange 101 1764583600000 email newer@x.test
	  hs 5 contact.propertyChange 101 1764583500000 email older@x.test; } > in.jsonl
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	assert_output ''
	said '2 read, 1 applied, 0 already applied, 1 older than the last change, 0 ignored'
	run sqlite3 "$CRM_DB" "SELECT email FROM clients"
	assert_output 'newer@x.test'
}

@test "a name older than its last change is stale in a later run; of one time, the later event wins" {
	{ hs_created 1 101 1764583200000 Ana Ruiz a@x.test
	  hs 2 contact.propertyChange 101 1764583400000 firstname Anabel; } | crm sync apply - -q
	hs 3 contact.propertyChange 101 1764583300000 firstname Eva > old.jsonl
	run --separate-stderr crm sync apply old.jsonl
	assert_success
	assert_output ''
	said '1 read, 0 applied, 0 already applied, 1 older than the last change, 0 ignored'
	run sqlite3 "$CRM_DB" "SELECT name FROM clients"
	assert_output 'Anabel Ruiz'
	{ hs 4 contact.propertyChange 101 1764583500000 firstname Eva
	  hs 5 contact.propertyChange 101 1764583500000 firstname Ada; } > same.jsonl
	run --separate-stderr crm sync apply same.jsonl
	assert_success
	assert_output ''
	said '2 read, 2 applied, 0 already applied, 0 older than the last change, 0 ignored'
	run sqlite3 "$CRM_DB" "SELECT name FROM clients"
	assert_output 'Ada Ruiz'
}

@test "a phone older than its last change is stale in a later run" {
	{ hs_created 1 101 1764583200000 Ana Ruiz a@x.test
	  hs 2 contact.propertyChange 101 1764583400000 phone +34611111111; } | crm sync apply - -q
	hs 3 contact.propertyChange 101 1764583300000 phone +34622222222 > old.jsonl
	run --separate-stderr crm sync apply old.jsonl
	assert_success
	assert_output ''
	said '1 read, 0 applied, 0 already applied, 1 older than the last change, 0 ignored'
	run sqlite3 "$CRM_DB" "SELECT phone FROM clients"
	assert_output '+34611111111'
}

@test "a manual edit and inbound changes: the latest of them wins, whoever made it" {
	hs_created 1 101 1764583200000 Ana Ruiz a@x.test | crm sync apply - -q
	# an edit here after the event happened there wins over it
	CRM_NOW=2025-12-01T10:10:00Z crm client edit 1 --email me@x.test --name 'Ana Sol' -q
	{ hs 2 contact.propertyChange 101 1764583500000 email old@x.test
	  hs 3 contact.propertyChange 101 1764583500000 lastname Ruiz; } > old.jsonl
	run --separate-stderr crm sync apply old.jsonl
	assert_success
	assert_output ''
	said '2 read, 0 applied, 0 already applied, 2 older than the last change, 0 ignored'
	run sqlite3 "$CRM_DB" "SELECT name, email FROM clients"
	assert_output 'Ana Sol|me@x.test'
	# one that happened after the edit wins over it, and over an older one
	hs 4 contact.propertyChange 101 1764584400000 email new@x.test | crm sync apply - -q
	hs 5 contact.propertyChange 101 1764584100000 email mid@x.test > mid.jsonl
	run --separate-stderr crm sync apply mid.jsonl
	assert_success
	assert_output ''
	said '1 read, 0 applied, 0 already applied, 1 older than the last change, 0 ignored'
	run sqlite3 "$CRM_DB" "SELECT name, email FROM clients"
	assert_output 'Ana Sol|new@x.test'
}

@test "a stage value the config does not map is ignored" {
	{ hs_created 1 101 1764583200000 Ana Ruiz ana@x.test
	  hs 2 contact.propertyChange 101 1764583300000 hs_lead_status UNQUALIFIED; } > in.jsonl
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	said '2 read, 1 applied, 0 already applied, 0 older than the last change, 1 ignored'
	crm_ok client show 1 --format json
	assert_output --partial '"stage":"new"'
	run sqlite3 "$CRM_DB" "SELECT result FROM sync_inbox WHERE key = 'hubspot:2'"
	assert_output 'ignored: a stage value sync.inbound.stages does not map'
}

@test "an owner crm knows is linked, not doubled; do-not-contact and automation off win" {
	CRM_NOW=2025-12-01T09:00:00Z add_client --name 'Ana R' --email ana@x.test --automation off
	crm dnc add ana@x.test -q
	{ hs_created 1 101 1764583200000 Ana Ruiz ANA@x.test
	  hs 2 contact.propertyChange 101 1764583300000 email other@x.test
	  hs 3 contact.propertyChange 101 1764583400000 hs_lead_status IN_PROGRESS
	  hs 4 contact.propertyChange 101 1764583500000 phone +34611111111; } > in.jsonl
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	assert_output ''
	said '4 read, 2 applied, 0 already applied, 0 older than the last change, 2 ignored'
	run sqlite3 "$CRM_DB" "SELECT count(*), name, email, phone IS NULL, dnc, automation_enabled, stage FROM clients"
	assert_output '1|Ana R|ana@x.test|1|1|0|contacted'
	run sqlite3 "$CRM_DB" "SELECT client_id FROM sync_links"
	assert_output 1
}

@test "a change that happened there before crm made the client here is stale" {
	CRM_NOW=2025-12-01T10:05:00Z add_client --name 'Ana R' --email ana@x.test --stage replied
	{ hs_created 1 101 1764583200000 Ana Ruiz ana@x.test
	  hs 2 contact.propertyChange 101 1764583260000 hs_lead_status NEW
	  hs 3 contact.propertyChange 101 1764583560000 hs_lead_status IN_PROGRESS; } > in.jsonl
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	assert_output ''
	said '3 read, 2 applied, 0 already applied, 1 older than the last change, 0 ignored'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*), name, stage FROM clients')" '1|Ana R|contacted'
}

@test "a new contact whose email is on do-not-contact is made on do-not-contact" {
	crm dnc add eva@x.test -q
	hs_created 1 101 1764583200000 Eva Sol eva@x.test | crm sync apply - -q
	run sqlite3 "$CRM_DB" "SELECT name, dnc FROM clients"
	assert_output 'Eva Sol|1'
}

@test "a malformed line fails the whole input with its line number: nothing applied" {
	{ hs_created 1 101 1764583200000 Ana Ruiz ana@x.test
	  echo
	  echo '{"eventId": 2, "subscriptionType": '; } > in.jsonl
	run --separate-stderr crm sync apply - < in.jsonl
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" 'crm: stdin:3: not JSON'
	run --separate-stderr crm sync apply in.jsonl
	assert_failure 65
	assert_equal "$stderr" 'crm: in.jsonl:3: not JSON'
	run sqlite3 "$CRM_DB" "SELECT count(*) FROM clients; SELECT count(*) FROM sync_inbox"
	assert_output $'0\n0'
}

@test "an event of no known shape, with no id, or not an object exits 65" {
	run --separate-stderr crm sync apply <<< '{"hello": 1}'
	assert_failure 65
	assert_equal "$stderr" 'crm: stdin:1: not a HubSpot or Pipedrive event'
	run --separate-stderr crm sync apply <<< '{"subscriptionType":"contact.creation","objectId":1,"occurredAt":1}'
	assert_failure 65
	assert_equal "$stderr" 'crm: stdin:1: a HubSpot event with no eventId'
	run --separate-stderr crm sync apply <<< '[{"meta":{"action":"create","entity":"person","timestamp":1}}]'
	assert_failure 65
	assert_equal "$stderr" 'crm: stdin:1: event 1: a Pipedrive event with no meta.action, meta.entity or meta.entity_id'
	run --separate-stderr crm sync apply <<< '[1, 2]'
	assert_failure 65
	assert_equal "$stderr" 'crm: stdin:1: event 1: not an object'
	run --separate-stderr crm sync apply <<< '"text"'
	assert_failure 65
	assert_equal "$stderr" 'crm: stdin:1: not an object or an array of objects'
}

@test "an unknown subscription type or entity is ignored and counted" {
	{ hs 1 company.creation 5 1764583200000
	  echo '{"meta":{"action":"create","entity":"note","entity_id":"3","timestamp":1764583200},"data":{}}'; } > in.jsonl
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	assert_output ''
	said '2 read, 0 applied, 0 already applied, 0 older than the last change, 2 ignored'
}

@test "--dry-run tells and changes nothing" {
	{ hs_created 1 101 1764583200000 Ana Ruiz ana@x.test
	  hs 2 contact.propertyChange 101 1764583300000 hs_lead_status IN_PROGRESS; } > in.jsonl
	run --separate-stderr crm sync apply --dry-run in.jsonl
	assert_success
	assert_output ''
	said '2 read, 2 applied, 0 already applied, 0 older than the last change, 0 ignored (dry run: nothing changed)'
	run sqlite3 "$CRM_DB" "SELECT count(*) FROM clients; SELECT count(*) FROM sync_inbox; SELECT count(*) FROM sync_links; SELECT count(*) FROM outbox"
	assert_output $'0\n0\n0\n0'
}

@test "a file that cannot be opened exits 66" {
	crm_fails 66 sync apply nosuch.jsonl
	assert_equal "$stderr" 'crm: sync apply: nosuch.jsonl: No such file or directory'
}

@test "an event that needs sync.inbound.fields when it is not set exits 78, nothing applied" {
	: > crm.yaml
	{ hs 1 contact.deletion 5 1764583200000
	  hs_created 2 101 1764583200000 Ana Ruiz ana@x.test; } > in.jsonl
	crm_fails 78 sync apply in.jsonl
	assert_equal "$stderr" "crm: sync apply: sync.inbound.fields is not set: it maps the fields of hubspot to crm's (see crm.yaml(5))"
	run sqlite3 "$CRM_DB" "SELECT count(*) FROM sync_inbox"
	assert_output 0
	printf 'sync: {inbound: {fields: {hs_lead_status: stage}}}\n' > crm.yaml
	crm_fails 78 sync apply in.jsonl
	assert_equal "$stderr" 'crm: crm.yaml:1:26: sync.inbound.fields maps a field to stage, and sync.inbound.stages is not set'
}

@test "hostile input: a NUL byte, bad UTF-8, a huge line exit 65 with the line" {
	printf '{"a":1}\n{"b":\0}\n' > nul.jsonl
	crm_fails 65 sync apply nul.jsonl
	assert_equal "$stderr" 'crm: nul.jsonl:2: a NUL byte'
	printf '\n\n{"eventId":1,"subscriptionType":"contact.creation","objectId":1,"occurredAt":1,"properties":{"firstname":"\xff"}}\n' > bad.jsonl
	crm_fails 65 sync apply bad.jsonl
	assert_equal "$stderr" 'crm: bad.jsonl:3: not valid UTF-8'
	head -c 2000000 /dev/zero | tr '\0' 'a' > big.jsonl
	crm_fails 65 sync apply big.jsonl
	assert_equal "$stderr" 'crm: big.jsonl:1: a line longer than 1 MiB'
	run sqlite3 "$CRM_DB" "SELECT count(*) FROM sync_inbox"
	assert_output 0
}

@test "a name changed twice in one input takes the later; a bad email exits 65 with its line" {
	{ hs_created 1 101 1764583200000 Ana Ruiz ana@x.test
	  hs 2 contact.propertyChange 101 1764583300000 firstname Anabel
	  hs 3 contact.propertyChange 101 1764583400000 lastname Sol; } > in.jsonl
	run --separate-stderr crm sync apply in.jsonl
	assert_success
	said '3 read, 3 applied, 0 already applied, 0 older than the last change, 0 ignored'
	run sqlite3 "$CRM_DB" "SELECT name FROM clients"
	assert_output 'Anabel Sol'
	{ echo; hs 4 contact.propertyChange 101 1764583500000 email not-an-email; } > bad.jsonl
	run --separate-stderr crm sync apply bad.jsonl
	assert_failure 65
	assert_output ''
	[[ $stderr == 'crm: bad.jsonl:2: '*'not-an-email'* ]] || fail "stderr: $stderr"
	run sqlite3 "$CRM_DB" "SELECT email FROM clients; SELECT count(*) FROM sync_inbox"
	assert_output $'ana@x.test\n3'
}

@test "the changes applied are not pushed back; a change made in crm is" {
	echo '  webhook: {url: "http://127.0.0.1:9/hook", secret_env: S}' >> crm.yaml
	crm_ok config get sync.webhook.url
	assert_output 'http://127.0.0.1:9/hook'
	{ hs_created 1 101 1764583200000 Ana Ruiz ana@x.test
	  hs 2 contact.propertyChange 101 1764583300000 hs_lead_status IN_PROGRESS; } |
		crm sync apply - -q
	run sqlite3 "$CRM_DB" "SELECT stage FROM clients; SELECT count(*) FROM outbox"
	assert_output $'contacted\n0'
	crm client stage 1 meeting -q
	run sqlite3 "$CRM_DB" "SELECT type, aggregate_id FROM outbox"
	assert_output 'client.stage_changed|1'
}
