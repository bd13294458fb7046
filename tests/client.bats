#!/usr/bin/env bats
# crm client add|list|show|stage|edit|history
bats_require_minimum_version 1.5.0
load helper

@test "add prints the new id alone on stdout" {
	run --separate-stderr crm client add --name 'Ana García' --email ana@x.test
	assert_success
	assert_output 1
	run --separate-stderr crm client add --name Bo --phone '+34 600 11 22 33'
	assert_output 2
}

@test "add without name, email or phone is a usage error" {
	run --separate-stderr crm client add --channel email
	assert_failure 64
	stderr_has 'is required'
}

@test "add with a stray argument is a usage error" {
	run --separate-stderr crm client add --name A extra
	assert_failure 64
}

@test "an owner known by email alone is named by it" {
	add_client --email solo@x.test
	run crm client show "$id" --format json
	assert_output --partial '"name":"solo@x.test"'
}

@test "the same email in another case is the same owner: exit 65 naming the id" {
	add_client --name Ana --email ana@x.test
	run --separate-stderr crm client add --name Other --email ' ANA@X.test '
	assert_failure 65
	assert_equal "$stderr" "crm: client 'ANA@X.test': already exists as 1"
}

@test "phones are compared by their digits, keeping a leading +" {
	add_client --name Bo --phone '+34 600-11-22-33'
	run --separate-stderr crm client add --name B2 --phone '+34600112233'
	assert_failure 65
	stderr_has 'already exists as 1'
	# without the + it is a different number
	run --separate-stderr crm client add --name B3 --phone '34600112233'
	assert_success
}

@test "owners are unique within an operator only" {
	add_client --name Ana --email ana@x.test
	run --separate-stderr crm --operator 2 client add --name Ana --email ana@x.test
	assert_success
	assert_output 2
}

@test "add rejects an unknown stage, channel, bad viability, email, phone, time" {
	run --separate-stderr crm client add --name A --stage nowhere
	assert_failure 65
	stderr_has "stage 'nowhere': not in the pipeline"
	run --separate-stderr crm client add --name A --channel pigeon
	assert_failure 65
	stderr_has "channel 'pigeon'"
	run --separate-stderr crm client add --name A --viability 101
	assert_failure 65
	run --separate-stderr crm client add --name A --viability x
	assert_failure 65
	run --separate-stderr crm client add --name A --email nope
	assert_failure 65
	run --separate-stderr crm client add --name A --phone 12
	assert_failure 65
	run --separate-stderr crm client add --name A --next-action tomorrowish
	assert_failure 65
	for t in 'a,b' ' x' 'x ' $'a\x01b' $'caf\xc2\x85e' ''; do
		run --separate-stderr crm client add --name A --tag "$t"
		assert_failure 65
		stderr_has "a tag is not empty and has no comma, no control character, no space at either end"
	done
	run --separate-stderr crm client add --name A --set 'bad"key=1'
	assert_failure 65
	run --separate-stderr crm client add --name A --set novalue
	assert_failure 64
	# nothing was stored by any of them
	run crm client list
	assert_failure 1
}

@test "add takes every field, tags and custom fields" {
	add_client --name Ana --email ana@x.test --phone 600112233 --channel fb \
		--stage contacted --source-type owner --source-url https://l.test/1 \
		--listing-ref L1 --viability 70 --note 'call after 5' --tag hot --tag sea \
		--set rooms=3 --set 'garden=yes' --ai auto --automation off
	run --separate-stderr crm client list --format jsonl
	assert_success
	assert_output --partial '"stage":"contacted"'
	assert_output --partial '"tags":["hot","sea"]'
	assert_output --partial '"custom":{"rooms":"3","garden":"yes"}'
	assert_output --partial '"viability":70'
	assert_output --partial '"automation_enabled":0'
	assert_output --partial '"ai_mode":"auto"'
	assert_output --partial '"source_type":"owner"'
}

@test "the stage defaults to the pipeline's first" {
	add_client --name A
	run crm client list --format tsv
	assert_line --index 1 --regexp $'^1\t1\tA\t\t\tnew\tactive'
}

setup_list() {
	export CRM_NOW=2026-11-25T12:00:00Z
	crm client add --name Ana --email ana@x.test --channel email --viability 80 --tag hot --source-type owner >/dev/null
	crm client add --name Bob --phone 600000001 --channel fb --viability 30 --stage contacted >/dev/null
	crm client add --name Cleo --email cleo@y.test --channel email --stage contacted --viability 55 --note 'sea view' >/dev/null
	crm --operator 2 client add --name Dan --email dan@z.test --stage meeting >/dev/null
	crm client edit 2 --automation off -q
}

@test "list filters by stage, channel, status, source type, tag, automation" {
	setup_list
	run crm client list --stage contacted --format ids
	assert_output $'2\n3'
	run crm client list --channel email --format ids
	assert_output $'1\n3'
	run crm client list --tag hot --format ids
	assert_output 1
	run crm client list --source-type owner --format ids
	assert_output 1
	run crm client list --automation off --format ids
	assert_output 2
	run crm client list --status active --format ids
	assert_output $'1\n2\n3\n4'
}

@test "list filters by operator, viability, text, and limits and sorts" {
	setup_list
	run crm client list --operator 2 --format ids
	assert_output 4
	run crm --operator 2 client list --format ids
	assert_output 4
	run env CRM_OPERATOR=2 crm client list --format ids
	assert_output 4
	printf 'operator: 2\n' > op2.yaml
	run crm --config op2.yaml client list --format ids
	assert_output 4
	run crm --config op2.yaml --operator 1 client list --format ids
	assert_output $'1\n2\n3'
	run crm client list --min-viability 50 --format ids
	assert_output $'1\n3'
	run crm client list --q SEA --format ids
	assert_output 3
	run crm client list --q 'cleo@' --format ids
	assert_output 3
	run crm client list --q '%' --format ids
	assert_failure 1
	run crm client list --sort -viability --format ids
	assert_output $'1\n3\n2\n4'
	run crm client list --sort name --limit 2 --format ids
	assert_output $'1\n2'
}

@test "list --stale finds open clients without contact for DAYS days" {
	CRM_NOW=2026-10-01T00:00:00Z crm client add --name Old >/dev/null
	CRM_NOW=2026-10-01T00:00:00Z crm client add --name OldWon --stage won >/dev/null
	CRM_NOW=2026-11-20T00:00:00Z crm client add --name New >/dev/null
	CRM_NOW=2026-11-25T00:00:00Z run crm client list --stale 30 --format ids
	assert_output 1
}

@test "list with nothing matching exits 1, like grep" {
	run --separate-stderr crm client list --stage won
	assert_failure 1
	assert_equal "$stderr" ''
}

@test "list rejects an unknown stage (65) and sort field (64)" {
	run --separate-stderr crm client list --stage nowhere
	assert_failure 65
	run --separate-stderr crm client list --sort shoe_size
	assert_failure 64
	stderr_has "cannot sort by 'shoe_size'"
	run --separate-stderr crm client list --limit -5
	assert_failure 64
	stderr_has "option '--limit' takes a whole number from 0, not '-5'"
	for o in --limit --min-viability --stale; do
		run --separate-stderr crm client list $o -1
		assert_failure 64
	done
	run --separate-stderr crm client list --operator 0
	assert_failure 64
	stderr_has "option '--operator' takes a whole number from 1, not '0'"
}

@test "list rejects an unknown channel (65) and status (64)" {
	run --separate-stderr crm client list --channel pigeon
	assert_failure 65
	assert_equal "$stderr" "crm: channel 'pigeon': not a configured channel"
	run --separate-stderr crm client list --status bogus
	assert_failure 64
	stderr_has "option '--status': 'bogus' is not one of its values"
}

@test "list --stale longer than time itself matches nothing" {
	crm -q client add --name A
	run --separate-stderr crm client list --stale 9223372036854775807
	assert_failure 1
	assert_equal "$stderr" ''
}

@test "list --sort stage follows the pipeline; --sort name ignores case" {
	crm -q client add --name bea --stage won
	crm -q client add --name Al --stage replied
	crm -q client add --name carl --stage new
	crm -q client add --name Dee --stage meeting
	run crm client list --sort stage --format ids
	assert_output $'3\n2\n4\n1'
	run crm client list --sort -stage --format ids
	assert_output $'1\n4\n2\n3'
	run crm client list --sort name --format ids
	assert_output $'2\n1\n3\n4'
}

@test "list prints every machine format" {
	setup_list
	run crm client list --format tsv --stage meeting
	assert_line --index 0 --regexp $'^id\toperator_id\tname\temail\tphone\tstage'
	run crm client list --format csv --stage meeting
	assert_line --index 0 --regexp '^id,operator_id,name,email,phone,stage'
	assert_line --index 1 --partial '4,2,Dan,dan@z.test,,meeting'
	run crm client list --format json --stage meeting
	assert_output --regexp '^\[.*\]$'
	echo "$output" | jq -e '.[0].name == "Dan" and .[0].tags == [] and .[0].custom == {}'
	run crm --format=jsonl client list --stage contacted
	assert_equal "$(echo "$output" | jq -s length)" 2
	run crm client list --format table --stage meeting
	assert_line --index 0 --regexp '^ID +NAME +STAGE'
}

@test "list uses the stage index" {
	crm init 2>/dev/null
	run sqlite3 "$CRM_DB" "EXPLAIN QUERY PLAN SELECT id FROM clients c WHERE c.stage = 'new' ORDER BY c.last_contacted_at, c.id LIMIT 50"
	assert_output --partial 'INDEX clients_stage (stage=?)'
	refute_output --partial 'TEMP B-TREE'
}

@test "show by id or email prints every field, listings and communications" {
	add_client --name Ana --email ana@x.test --tag hot
	run --separate-stderr crm client show ANA@x.test --format table
	assert_success
	assert_line --regexp '^name +Ana$'
	assert_line --regexp '^tags +hot$'
	assert_line 'listings:'
	assert_line --partial 'communications'
	run crm client show 1 --format json
	echo "$output" | jq -e '.name == "Ana" and .listings == [] and .communications == []'
	run crm client show 1 --format csv
	assert_line --index 1 --partial '1,1,Ana,ana@x.test'
}

@test "show of a missing client exits 1" {
	run --separate-stderr crm client show 42
	assert_failure 1
	assert_equal "$stderr" "crm: client '42': not found"
	run --separate-stderr crm client show nobody@x.test
	assert_failure 1
	run --separate-stderr crm client show 'not an id'
	assert_failure 65
	run --separate-stderr crm client show
	assert_failure 64
	run --separate-stderr crm client show 1 2
	assert_failure 64
}

@test "stage moves a client and records old, new, time and actor" {
	add_client --name Ana
	CRM_NOW=2026-11-25T10:00:00Z run --separate-stderr crm client stage 1 contacted --reason 'first mail'
	assert_success
	CRM_NOW=2026-11-25T11:00:00Z run --separate-stderr crm --actor maria client stage 1 meeting
	assert_success
	run crm client history 1 --format tsv
	assert_line --index 2 $'2026-11-25T10:00:00Z\ttester\tstage\tstage\tnew\tcontacted\tfirst mail'
	assert_line --index 3 $'2026-11-25T11:00:00Z\tmaria\tstage\tstage\tcontacted\tmeeting\t'
}

@test "stage to the same stage changes nothing" {
	add_client --name Ana
	run --separate-stderr crm client stage 1 new
	assert_success
	assert_equal "$stderr" "0 of 1 client moved to 'new'"
	run crm client history 1 --format ids
	run crm client history 1 --format tsv
	assert_equal "${#lines[@]}" 2
}

@test "stage lost --reason keeps the reason" {
	add_client --name Ana
	crm -q client stage 1 lost --reason 'sold elsewhere'
	run crm client show 1 --format json
	echo "$output" | jq -e '.lost_reason == "sold elsewhere" and .stage == "lost"'
}

@test "stage checks the stage against the pipeline (65)" {
	add_client --name Ana
	run --separate-stderr crm client stage 1 limbo
	assert_failure 65
	assert_equal "$stderr" "crm: stage 'limbo': not in the pipeline"
}

@test "stage follows a configured pipeline" {
	cat > crm.yaml <<'Y'
pipeline:
  stages: [lead, talking, done]
  terminal: [done]
  on_reply: talking
Y
	add_client --name Ana
	run crm client list --format tsv
	assert_line --index 1 --partial $'\tlead\t'
	run --separate-stderr crm client stage 1 talking
	assert_success
	run --separate-stderr crm client stage 1 meeting
	assert_failure 65
}

@test "stage reads ids from stdin, all or nothing" {
	add_client --name A
	add_client --name B
	add_client --name C --email c@x.test
	printf '1\n\n c@x.test \n' | crm -q client stage - contacted
	run crm client list --stage contacted --format ids
	assert_output $'1\n3'
	run --separate-stderr sh -c 'printf "2\n99\n" | crm client stage - won'
	assert_failure 1
	assert_equal "$stderr" "crm: stdin:2: client '99': not found"
	run crm client list --stage won --format ids
	assert_failure 1
}

@test "stage needs clients and a stage" {
	run --separate-stderr crm client stage won
	assert_failure 64
}

@test "edit changes fields and custom fields, each into the history" {
	add_client --name Ana --email ana@x.test --set rooms=2 --tag a
	run --separate-stderr crm client edit 1 --name 'Ana M' --phone 600 111 222 --set rooms=3 --set pool=yes --unset nothing --tag b --untag a
	assert_failure 64
	run --separate-stderr crm client edit 1 --name 'Ana M' --phone '600 111 222' --set rooms=3 --set pool=yes --tag b --untag a
	assert_success
	assert_equal "$stderr" 'client 1: 6 changes'
	run crm client history 1 --format tsv
	assert_line --partial $'edit\tname\tAna\tAna M'
	assert_line --partial $'edit\tphone\t\t600 111 222'
	assert_line --partial $'edit\tcustom.rooms\t2\t3'
	assert_line --partial $'edit\tcustom.pool\t\tyes'
	assert_line --partial $'tag\ttags\t\tb'
	assert_line --partial $'untag\ttags\ta\t'
	run crm client show 1 --format json
	echo "$output" | jq -e '.custom == {"rooms":"3","pool":"yes"} and .tags == ["b"]'
	run --separate-stderr crm client edit 1 --unset pool --note ''
	assert_success
	run crm client show 1 --format json
	echo "$output" | jq -e '.custom == {"rooms":"3"}'
}

@test "edit with no change records nothing" {
	add_client --name Ana
	run --separate-stderr crm client edit 1 --name Ana
	assert_equal "$stderr" 'client 1: 0 changes'
}

@test "a tag already there, or already gone, is no change and no error" {
	add_client --name Ana --email ana@x.test --tag a --tag a
	run --separate-stderr crm client edit 1 --name 'Ana M' --tag a
	assert_success
	assert_equal "$stderr" 'client 1: 1 change'
	run --separate-stderr crm client edit 1 --untag nosuch
	assert_success
	assert_equal "$stderr" 'client 1: 0 changes'
	run --separate-stderr crm client edit 1 --untag a --tag a
	assert_failure 65
	assert_equal "$stderr" "crm: tag 'a': both added and removed"
	run crm client show 1 --format json
	echo "$output" | jq -e '.name == "Ana M" and .tags == ["a"]'
}

@test "edit to another owner's email exits 65; a missing client exits 1" {
	add_client --name Ana --email ana@x.test
	add_client --name Bo --email bo@x.test
	run --separate-stderr crm client edit 2 --email ANA@x.test
	assert_failure 65
	assert_equal "$stderr" "crm: client 'ANA@x.test': already exists as 1"
	add_client --name Cy --phone '+1 555 1234567'
	run --separate-stderr crm client edit 1 --email ana@x.test --phone '+1 (555) 123-4567'
	assert_failure 65
	assert_equal "$stderr" "crm: client '+1 (555) 123-4567': already exists as 3"
	run --separate-stderr crm client add --name Dee --email dee@x.test --phone '+15551234567'
	assert_failure 65
	assert_equal "$stderr" "crm: client '+15551234567': already exists as 3"
	run --separate-stderr crm client edit 9 --name X
	assert_failure 1
	run --separate-stderr crm client edit 1 --name ''
	assert_failure 65
	run --separate-stderr crm client edit
	assert_failure 64
}

@test "history prints the audit trail oldest first" {
	add_client --name Ana
	crm -q client stage 1 contacted
	run --separate-stderr crm client history 1 --format tsv
	assert_success
	assert_line --index 0 $'at\tactor\taction\tfield\told_value\tnew_value\treason'
	assert_line --index 1 --partial $'create'
	assert_line --index 2 --partial $'stage\tstage\tnew\tcontacted'
	run --separate-stderr crm client history 5
	assert_failure 1
	run --separate-stderr crm client history 1 --format ids
	assert_failure 64
	assert_equal "$stderr" "crm: client history: format 'ids': its rows have no id"
}

@test "edit --next-action 7d is a week ahead; status forgotten is not for edit" {
	export CRM_NOW=2026-11-25T12:00:00Z
	add_client --name Ana
	crm -q client edit 1 --next-action 7d
	run crm client show 1 --format json
	echo "$output" | jq -e '.next_action_at == "2026-12-02T12:00:00Z"'
	run --separate-stderr crm client edit 1 --status forgotten
	assert_failure 65
	assert_equal "$stderr" "crm: status 'forgotten': not one of active, archived"
	run --separate-stderr crm client edit 1 --status archived
	assert_success
}

@test "a bulk stage change over bulk.confirm asks on the terminal; --yes or no terminal goes ahead" {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	for i in 1 2 3; do crm -q client add --name "c$i" >/dev/null; done
	printf 'bulk:\n  confirm: 2\n' > crm.yaml
	run bash -c "printf 'n\n' | script -qec 'crm client stage 1 2 3 contacted; echo rc=\$?' /dev/null"
	assert_output --partial 'change 3 clients? [y/N]'
	assert_output --partial 'crm: client stage: not confirmed; nothing changed'
	assert_output --partial 'rc=1'
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM clients WHERE stage = 'new'")" 3
	run bash -c "printf 'y\n' | script -qec 'crm client stage 1 2 3 contacted; echo rc=\$?' /dev/null"
	assert_output --partial 'change 3 clients? [y/N]'
	assert_output --partial 'rc=0'
	# only what would move counts: clients already there, and an id twice
	run bash -c "script -qec 'crm client stage 1 2 2 3 contacted; echo rc=\$?' /dev/null < /dev/null"
	refute_output --partial '[y/N]'
	assert_output --partial 'rc=0'
	run bash -c "script -qec 'crm client stage 1 1 1 2 new; echo rc=\$?' /dev/null < /dev/null"
	refute_output --partial '[y/N]'
	assert_output --partial 'rc=0'
	run bash -c "script -qec 'crm client stage --yes 1 2 3 meeting; echo rc=\$?' /dev/null < /dev/null"
	refute_output --partial '[y/N]'
	assert_output --partial 'rc=0'
	# no terminal at all: nobody to ask
	run --separate-stderr setsid -w crm client stage 1 2 3 won < /dev/null
	assert_success
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM clients WHERE stage = 'won'")" 3
}

@test "list --sort with an empty field, help with too many words: usage errors" {
	run --separate-stderr crm client list --sort=
	assert_failure 64
	stderr_has "cannot sort by ''"
	run --separate-stderr crm help client add extra
	assert_failure 64
	assert_equal "$stderr" "crm: help: a command and a subcommand at most"
	run --separate-stderr crm client list --operator abc
	assert_failure 64
	stderr_has "option '--operator' takes a whole number, not 'abc'"
}

@test "a custom field key of any length is set and removed whole" {
	key=$(printf 'k%.0s' {1..400})
	add_client --name A --set "$key=1"
	run crm client show 1 --format json
	echo "$output" | jq -e --arg k "$key" '.custom[$k] == "1"'
	crm -q client edit 1 --unset "$key"
	run crm client show 1 --format json
	echo "$output" | jq -e '.custom == {}'
}

@test "an owner's email with a trailing no-break space or other white space is the same owner" {
	add_client --name A --email a@b.com
	run --separate-stderr crm client add --name B --email $'a@b.com\xc2\xa0'
	assert_failure 65
	assert_equal "$stderr" "crm: client 'a@b.com': already exists as 1"
	run --separate-stderr crm client add --name B --email $'\xe2\x80\x83A@B.COM\t'
	assert_failure 65
	assert_equal "$stderr" "crm: client 'A@B.COM': already exists as 1"
	# what is stored is trimmed too
	add_client --name C --email $' c@b.com\xc2\xa0'
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT email FROM clients WHERE id = $id")" c@b.com
}

@test "a control, format or space character inside an email or phone is bad data (65)" {
	run --separate-stderr crm client add --name A --email $'c\u200b1@ex.com'
	assert_failure 65
	assert_equal "$stderr" $'crm: email \'c\u200b1@ex.com\': U+200B is not allowed in an email address (a control, format or space character)'
	run --separate-stderr crm client add --name A --phone $'600\u2060111222'
	assert_failure 65
	assert_equal "$stderr" $'crm: phone \'600\u2060111222\': U+2060 is not allowed in a phone number (a control, format or space character)'
	run --separate-stderr crm client add --name A --phone $'600\xc2\xa0111 222'
	assert_failure 65
	stderr_has 'U+00A0 is not allowed in a phone number'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
	# plain spaces in a phone are how people write them
	add_client --name A --phone '+34 600 111 222'
}

@test "the same email in NFD, NFC or another case of an accented letter is one owner" {
	add_client --name A --email $'Jose\xcc\x81@x.test'
	run --separate-stderr crm client add --name B --email $'JOS\xc3\x89@X.test'
	assert_failure 65
	assert_equal "$stderr" $'crm: client \'JOS\xc3\x89@X.test\': already exists as 1'
	run --separate-stderr crm client show $'jos\xc3\xa9@x.test' --format json
	assert_success
	echo "$output" | jq -e '.id == 1'
}

@test "names, notes, tags and custom fields are stored in NFC" {
	add_client --name $'Nu\xcc\x81n\xcc\x83ez' --note $'Ma\xcc\x81laga' --tag $'vie\xcc\x81w' --set $'pi\xcc\x81so=3\xcc\x81'
	run sqlite3 "$CRM_DB" "SELECT name, notes, custom FROM clients; SELECT tag FROM client_tags"
	assert_output $'N\xc3\xba\xc3\xb1ez|M\xc3\xa1laga|{"p\xc3\xadso":"3\xcc\x81"}\nvi\xc3\xa9w'
}

@test "invalid UTF-8 in an argument is bad data (65), and nothing is stored" {
	for bad in $'\xff\xfe' $'\xc0\xaf' $'\xed\xa0\x80'; do
		run --separate-stderr crm client add --name "x${bad}"
		assert_failure 65
		assert_equal "$stderr" 'crm: name: not valid UTF-8 (byte 2)'
	done
	run --separate-stderr crm client add --name A --note $'\xff'
	assert_failure 65
	assert_equal "$stderr" 'crm: notes: not valid UTF-8 (byte 1)'
	run --separate-stderr crm client add --name A --tag $'t\xff'
	assert_failure 65
	assert_equal "$stderr" 'crm: tag: not valid UTF-8 (byte 2)'
	run --separate-stderr crm client add --name A --email $'a\xff@x.test'
	assert_failure 65
	assert_equal "$stderr" 'crm: email: not valid UTF-8 (byte 2)'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
}

@test "a database whose emails were keyed in ASCII lower case is migrated: NFC and case folded" {
	add_client --name A --email $'\xc3\x81NA@x.test'
	# as a version 1 database keyed it
	sqlite3 "$CRM_DB" $'UPDATE clients SET email_norm = \'\xc3\x81na@x.test\'; PRAGMA user_version = 1'
	run --separate-stderr crm client add --name B --email $'\xc3\xa1na@x.test'
	assert_failure 65
	assert_equal "$stderr" $'crm: client \'\xc3\xa1na@x.test\': already exists as 1'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT email_norm FROM clients; PRAGMA user_version')" $'\xc3\xa1na@x.test\n2'
}

@test "stage -: a NUL byte in a line of ids is bad data (65) and nothing moves" {
	add_client --name A
	add_client --name B
	run --separate-stderr crm client stage - won < <(printf '1\n2\0junk\n')
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" 'crm: stdin:2: a NUL byte in the line'
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM clients WHERE stage = 'won'")" 0
}

@test "a client's creation is one history row, its tags and custom fields included; later changes are rows of their own" {
	add_client --name Ana --tag a --tag b --set k=v --set j=w
	run --separate-stderr crm client history 1 --format tsv
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --regexp $'^[^\t]+\ttester\tcreate\t\t\tAna\tmanual$'
	assert_equal "$(crm client show 1 --format json | jq -c '[.tags, .custom]')" '[["a","b"],{"k":"v","j":"w"}]'
	crm -q client edit 1 --tag c --set k=x
	run --separate-stderr crm client history 1 --format tsv
	assert_equal "${#lines[@]}" 4
	assert_line --index 2 --partial $'tag\ttags\t\tc'
	assert_line --index 3 --partial $'edit\tcustom.k\tv\tx'
	# an import makes the same single row
	run --separate-stderr crm client import - <<< $'name,email,tags,custom\nBo,bo@x.test,"x,y","{""m2"":80}"'
	assert_success
	assert_equal "$(crm client history 2 --format tsv | cut -f3 | tail -n +2)" create
	assert_equal "$(crm client show 2 --format json | jq -c '[.tags, .custom]')" '[["x","y"],{"m2":80}]'
}

@test "list --ai, --since and --until filter on the AI mode and when the client was added" {
	CRM_NOW=2026-10-01T00:00:00Z crm -q client add --name Old --ai off >/dev/null
	CRM_NOW=2026-11-20T00:00:00Z crm -q client add --name New >/dev/null
	CRM_NOW=2026-11-25T00:00:00Z run --separate-stderr crm client list --since 7d --format ids
	assert_success
	assert_output 2
	assert_equal "$stderr" ''
	run --separate-stderr crm client list --until 2026-11-01 --format ids
	assert_success
	assert_output 1
	run --separate-stderr crm client list --ai off --format ids
	assert_success
	assert_output 1
	run --separate-stderr crm client list --since yesterday-ish
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" "crm: since 'yesterday-ish': not a date or time"
	run --separate-stderr crm client list --ai sometimes
	assert_failure 64
	stderr_line 0 "crm: client list: option '--ai': 'sometimes' is not one of its values"
}
