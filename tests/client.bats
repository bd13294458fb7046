#!/usr/bin/env bats
# crm client add|list|show|stage|edit|history
bats_require_minimum_version 1.5.0
load helper

# what client list prints in tsv when no client matches
tsv_header=$'id\toperator_id\tname\temail\tphone\tphone_e164\tstage\tstatus\tchannel\tsource_type\tsource_url\tlisting_ref\tviability\tautomation_enabled\tautomation_paused_until\tai_mode\ttags\tcustom\tnotes\tlost_reason\tnext_action_at\tlast_contacted_at\tlast_interaction_at\tcreated_at\tupdated_at\twarnings'

@test "add prints the new id alone on stdout" {
	crm_ok client add --name 'Ana García' --email ana@x.test
	assert_output 1
	crm_ok client add --name Bo --phone '+34 600 11 22 33'
	assert_output 2
}

@test "add without name, email or phone is a usage error" {
	crm_fails 64 client add --channel email
	stderr_usage 'crm: client add: --name (or --email or --phone) is required'
}

@test "add with a stray argument is a usage error" {
	crm_fails 64 client add --name A extra
	stderr_usage "crm: client add: unexpected argument 'extra'"
}

@test "an owner known by email alone is named by it" {
	add_client --email solo@x.test
	crm_ok client show "$id" --format json
	assert_output --partial '"name":"solo@x.test"'
}

@test "the same email in another case is the same owner: exit 65 naming the id" {
	add_client --name Ana --email ana@x.test
	crm_fails 65 client add --name Other --email ' ANA@X.test '
	assert_equal "$stderr" "crm: client 'ANA@X.test': already exists as 1"
}

@test "phones are compared by their digits, keeping a leading +" {
	add_client --name Bo --phone '+34 600-11-22-33'
	crm_fails 65 client add --name B2 --phone '+34600112233'
	assert_equal "$stderr" "crm: client '+34600112233': already exists as 1"
	# without the + it is a different number
	crm_ok client add --name B3 --phone '34600112233'
	assert_output 2
}

@test "owners are unique within an operator only" {
	add_client --name Ana --email ana@x.test
	crm_ok --operator 2 client add --name Ana --email ana@x.test
	assert_output 2
}

@test "add rejects an unknown stage, channel, bad viability, email, phone, time" {
	crm_fails 65 client add --name A --stage nowhere
	assert_equal "$stderr" "crm: stage 'nowhere': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
	crm_fails 65 client add --name A --channel pigeon
	assert_equal "$stderr" "crm: channel 'pigeon': not a configured channel (email, form, fb, phone, sms, whatsapp)"
	crm_fails 65 client add --name A --viability 101
	assert_equal "$stderr" "crm: viability '101': not a whole number from 0 to 100"
	crm_fails 65 client add --name A --viability x
	assert_equal "$stderr" "crm: viability 'x': not a whole number from 0 to 100"
	crm_fails 65 client add --name A --email nope
	assert_equal "$stderr" "crm: email 'nope': not an email address (name@domain.tld, no spaces, no empty part)"
	crm_fails 65 client add --name A --phone 12
	assert_equal "$stderr" "crm: phone '12': not a phone number (fewer than 5 digits)"
	crm_fails 65 client add --name A --next-action tomorrowish
	assert_equal "$stderr" "crm: next_action_at 'tomorrowish': not a time (use $TIME_FORMS)"
	# a control character is shown as U+FFFD, never passed to the terminal
	tags=('a,b' ' x' 'x ' $'a\x01b' $'caf\xc2\x85e' '')
	shown=('a,b' ' x' 'x ' $'a\xef\xbf\xbdb' $'caf\xef\xbf\xbde' '')
	for k in "${!tags[@]}"; do
		crm_fails 65 client add --name A --tag "${tags[k]}"
		assert_equal "$stderr" "crm: tag '${shown[k]}': a tag is not empty and has no comma, no control character, no space at either end"
	done
	crm_fails 65 client add --name A --set 'bad"key=1'
	assert_equal "$stderr" "crm: custom field 'bad\"key': a key has no quote, backslash or control character"
	crm_fails 64 client add --name A --set novalue
	stderr_usage "crm: client add: --set 'novalue': expected KEY=VALUE"
	# nothing was stored by any of them
	run --separate-stderr crm client list
	assert_failure 1
	assert_output "$tsv_header"
	assert_equal "$stderr" ''
}

@test "add takes every field, tags and custom fields" {
	add_client --name Ana --email ana@x.test --phone 600112233 --channel fb \
		--stage contacted --source-type owner --source-url https://l.test/1 \
		--listing-ref L1 --viability 70 --note 'call after 5' --tag hot --tag sea \
		--set rooms=3 --set 'garden=yes' --ai auto --automation off
	crm_ok client list --format jsonl
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
	crm_ok client list --format tsv
	assert_line --index 0 "$tsv_header"
	assert_line --index 1 --regexp $'^1\t1\tA\t\t\t\tnew\tactive'
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
	crm_ok client list --stage contacted --format ids
	assert_output $'2\n3'
	crm_ok client list --channel email --format ids
	assert_output $'1\n3'
	crm_ok client list --tag hot --format ids
	assert_output 1
	crm_ok client list --source-type owner --format ids
	assert_output 1
	crm_ok client list --automation off --format ids
	assert_output 2
	crm_ok client list --status active --format ids
	assert_output $'1\n2\n3\n4'
}

@test "list filters by operator, viability, text, and limits and sorts" {
	setup_list
	crm_ok client list --operator 2 --format ids
	assert_output 4
	crm_ok --operator 2 client list --format ids
	assert_output 4
	CRM_OPERATOR=2 crm_ok client list --format ids
	assert_output 4
	printf 'operator: 2\n' > op2.yaml
	crm_ok --config op2.yaml client list --format ids
	assert_output 4
	crm_ok --config op2.yaml --operator 1 client list --format ids
	assert_output $'1\n2\n3'
	crm_ok client list --min-viability 50 --format ids
	assert_output $'1\n3'
	crm_ok client list --q SEA --format ids
	assert_output 3
	crm_ok client list --q 'cleo@' --format ids
	assert_output 3
	crm_fails 64 client list --q '%' --format ids
	assert_equal "$stderr" "crm: --q '%': no word to search for"
	crm_ok client list --sort -viability --format ids
	assert_output $'1\n3\n2\n4'
	crm_ok client list --sort name --limit 2 --format ids
	assert_output $'1\n2'
}

@test "list --stale finds open clients without contact for DAYS days" {
	CRM_NOW=2026-10-01T00:00:00Z crm client add --name Old >/dev/null
	CRM_NOW=2026-10-01T00:00:00Z crm client add --name OldWon --stage won >/dev/null
	CRM_NOW=2026-11-20T00:00:00Z crm client add --name New >/dev/null
	CRM_NOW=2026-11-25T00:00:00Z crm_ok client list --stale 30 --format ids
	assert_output 1
}

@test "list with nothing matching exits 1, like grep" {
	crm -q init
	run --separate-stderr crm client list --stage won
	assert_failure 1
	assert_output "$tsv_header"
	assert_equal "$stderr" ''
	crm_fails 1 client list --stage won --format ids
	assert_equal "$stderr" ''
}

@test "a filter repeated or given a comma list matches any of its values; each value is checked" {
	setup_list
	crm -q client add --name Eve --email eve@x.test --channel sms --stage replied --ai off --tag cold >/dev/null
	crm_ok client list --stage contacted --stage replied --format ids
	assert_output $'2\n3\n5'
	crm_ok client list --stage contacted,replied --format ids
	assert_output $'2\n3\n5'
	crm_ok client list --stage new,replied --stage meeting --format ids
	assert_output $'1\n4\n5'
	crm_ok client list --channel email,sms --format ids
	assert_output $'1\n3\n5'
	crm_ok client list --tag hot,cold --format ids
	assert_output $'1\n5'
	crm_ok client list --source-type owner,agent --format ids
	assert_output 1
	crm_ok client list --automation on,off --format ids
	assert_output $'1\n2\n3\n4\n5'
	crm_ok client list --automation off --automation off --format ids
	assert_output 2
	crm_ok client list --ai off,auto --format ids
	assert_output 5
	crm_ok client list --operator 1,2 --format ids
	assert_output $'1\n2\n3\n4\n5'
	crm_ok client list --operator 2 --stage contacted,meeting --format ids
	assert_output 4
	crm_ok client list --status active,forgotten --format ids
	assert_output $'1\n2\n3\n4\n5'
	# every value is checked, wherever it is in the list
	crm_fails 65 client list --stage contacted,nowhere
	assert_equal "$stderr" "crm: stage 'nowhere': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
	crm_fails 65 client list --stage contacted --stage ''
	assert_equal "$stderr" "crm: stage '': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
	crm_fails 65 client list --channel email,pigeon
	assert_equal "$stderr" "crm: channel 'pigeon': not a configured channel (email, form, fb, phone, sms, whatsapp)"
	crm_fails 64 client list --status active,bogus
	stderr_usage "crm: client list: option '--status': 'bogus' is not one of its values (active, archived, forgotten)"
	crm_fails 64 client list --automation on, --format ids
	stderr_usage "crm: client list: option '--automation': '' is not one of its values (on, off)"
	crm_fails 64 client list --operator 1,0
	stderr_usage "crm: client list: option '--operator' takes a whole number from 1, not '0'"
	crm_fails 64 client list --ai draft --ai sometimes
	stderr_usage "crm: client list: option '--ai': 'sometimes' is not one of its values (off, draft, auto)"
}

@test "archived clients are out of list unless --status names archived or --all is given" {
	setup_list
	crm_says 'client 3: 1 change' client edit 3 --status archived
	crm_ok client list --format ids
	assert_output $'1\n2\n4'
	crm_ok client list --stage contacted --format ids
	assert_output 2
	crm_ok client list --status archived --format ids
	assert_output 3
	crm_ok client list --status active,archived --format ids
	assert_output $'1\n2\n3\n4'
	crm_ok client list --all --format ids
	assert_output $'1\n2\n3\n4'
	crm_ok client list --all --stage contacted --format ids
	assert_output $'2\n3'
	# a client is still named, shown and edited when archived
	crm_ok client show 3 --format jsonl
	assert_equal "$(jq .id <<< "$output")" 3
}

@test "list and history page with --offset, checked as --limit is" {
	setup_list
	crm_ok client list --sort name --limit 2 --offset 1 --format ids
	assert_output $'2\n3'
	crm_ok client list --sort name --offset 3 --format ids
	assert_output 4
	run --separate-stderr crm client list --offset 4 --format ids
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" ''
	crm_ok client list --offset 0 --limit 1 --format ids
	assert_output 1
	for bad in -1 x 1.5; do
		crm_fails 64 client list --offset "$bad"
		stderr_line 0 "crm: client list: option '--offset' takes a whole number$([ "$bad" = -1 ] && echo ' from 0'), not '$bad'"
	done
	crm -q client stage 1 contacted
	crm -q client stage 1 replied
	crm_ok client history 1 --format tsv --offset 1 --limit 1
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --partial $'stage\tstage\tnew\tcontacted'
	crm_ok client history 1 --format tsv --offset 2
	assert_line --index 1 --partial $'stage\tstage\tcontacted\treplied'
	crm_fails 64 client history 1 --offset -2
	stderr_usage "crm: client history: option '--offset' takes a whole number from 0, not '-2'"
}

@test "list rejects an unknown stage (65) and sort field (64)" {
	crm -q init
	crm_fails 65 client list --stage nowhere
	assert_equal "$stderr" "crm: stage 'nowhere': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
	crm_fails 64 client list --sort shoe_size
	assert_equal "$stderr" "crm: client list: cannot sort by 'shoe_size' (id, name, stage, viability, created_at, updated_at, last_contacted_at, last_interaction_at, next_action_at; '-' before for descending)"
	crm_fails 64 client list --limit -5
	stderr_usage "crm: client list: option '--limit' takes a whole number from 0, not '-5'"
	for o in --limit --min-viability --stale; do
		crm_fails 64 client list $o -1
		stderr_usage "crm: client list: option '$o' takes a whole number from 0, not '-1'"
	done
	crm_fails 64 client list --operator 0
	stderr_usage "crm: client list: option '--operator' takes a whole number from 1, not '0'"
}

@test "list rejects an unknown channel (65) and status (64)" {
	crm -q init
	crm_fails 65 client list --channel pigeon
	assert_equal "$stderr" "crm: channel 'pigeon': not a configured channel (email, form, fb, phone, sms, whatsapp)"
	crm_fails 64 client list --status bogus
	stderr_usage "crm: client list: option '--status': 'bogus' is not one of its values (active, archived, forgotten)"
}

@test "list --stale longer than time itself matches nothing" {
	crm -q client add --name A >/dev/null
	run --separate-stderr crm client list --stale 9223372036854775807
	assert_failure 1
	assert_output "$tsv_header"
	assert_equal "$stderr" ''
}

@test "list --sort stage follows the pipeline; --sort name ignores case" {
	crm -q client add --name bea --stage won >/dev/null
	crm -q client add --name Al --stage replied >/dev/null
	crm -q client add --name carl --stage new >/dev/null
	crm -q client add --name Dee --stage meeting >/dev/null
	crm_ok client list --sort stage --format ids
	assert_output $'3\n2\n4\n1'
	crm_ok client list --sort -stage --format ids
	assert_output $'1\n4\n2\n3'
	crm_ok client list --sort name --format ids
	assert_output $'2\n1\n3\n4'
}

@test "list prints every machine format" {
	setup_list
	crm_ok client list --format tsv --stage meeting
	assert_line --index 0 "$tsv_header"
	assert_line --index 1 --regexp $'^4\t2\tDan\tdan@z.test\t\t\tmeeting\t'
	assert_equal "${#lines[@]}" 2
	crm_ok client list --format csv --stage meeting
	assert_line --index 0 --regexp '^id,operator_id,name,email,phone,phone_e164,stage'
	assert_line --index 1 --partial '4,2,Dan,dan@z.test,,,meeting'
	crm_ok client list --format json --stage meeting
	assert_output --regexp '^\[.*\]$'
	echo "$output" | jq -e 'length == 1 and .[0].name == "Dan" and .[0].tags == [] and .[0].custom == {}'
	crm_ok --format=jsonl client list --stage contacted
	assert_equal "$(echo "$output" | jq -s length)" 2
	crm_ok client list --format table --stage meeting
	assert_line --index 0 --regexp '^ID +NAME +STAGE'
	assert_line --index 1 --regexp '^4 +Dan +meeting +dan@z.test$'
}

@test "list --sort on a time puts clients without one last, both ways" {
	export CRM_NOW=2026-11-25T12:00:00Z
	crm -q client add --name NoDate >/dev/null
	crm -q client add --name Later --next-action 2026-12-10 >/dev/null
	crm -q client add --name NoDate2 >/dev/null
	crm -q client add --name Sooner --next-action 2026-12-01 >/dev/null
	crm_ok client list --sort next_action_at --format ids
	assert_output $'4\n2\n1\n3'
	crm_ok client list --sort -next_action_at --format ids
	assert_output $'2\n4\n3\n1'
	# the default order: oldest contact first, never contacted last
	crm -q comm log 3 --channel email --at 2026-11-20T00:00:00Z
	crm -q comm log 1 --channel email --at 2026-11-10T00:00:00Z
	crm_ok client list --format ids
	assert_output $'1\n3\n2\n4'
	crm_ok client list --sort -last_contacted_at --format ids
	assert_output $'3\n1\n4\n2'
	crm_ok client list --sort last_interaction_at --format ids
	assert_output $'1\n2\n3\n4'
}

# clients with next actions around CRM_NOW, a Wednesday at noon UTC: 1 last
# week, 2 this evening, 3 tomorrow, 4 in six days, 5 none, 6 this morning
setup_due() {
	export CRM_NOW=2026-11-25T12:00:00Z
	crm -q client add --name A --next-action 2026-11-20 >/dev/null
	crm -q client add --name B --next-action '2026-11-25 18:00' >/dev/null
	crm -q client add --name C --next-action tomorrow >/dev/null
	crm -q client add --name D --next-action +6d >/dev/null
	crm -q client add --name E >/dev/null
	crm -q client add --name F --next-action '2026-11-25 09:00' >/dev/null
}

@test "list --due is due by the end of a day or within a span; --overdue is before now; soonest first" {
	setup_due
	crm_ok client list --due --format ids
	assert_output $'1\n6\n2'
	crm_ok client list --due today --format ids
	assert_output $'1\n6\n2'
	crm_ok client list --due=tomorrow --format ids
	assert_output $'1\n6\n2\n3'
	crm_ok client list --due friday --format ids
	assert_output $'1\n6\n2\n3'
	crm_ok client list --due 2026-11-26 --format ids
	assert_output $'1\n6\n2\n3'
	crm_ok client list --due 7d --format ids
	assert_output $'1\n6\n2\n3\n4'
	crm_ok client list --due +1h --format ids
	assert_output $'1\n6'
	crm_ok client list --overdue --format ids
	assert_output $'1\n6'
	crm_ok client list --overdue --sort -id --format ids
	assert_output $'6\n1'
	# with the other filters, as every command of the client filters has
	crm -q client stage 6 won
	crm_ok client list --due --stage new --format ids
	assert_output $'1\n2'
	run --separate-stderr crm client list --overdue --stage meeting
	assert_failure 1
	assert_equal "$stderr" ''
	crm_fails 65 client list --due monda
	assert_equal "$stderr" "crm: client list: --due 'monda': not a time (use $TIME_FORMS)"
	crm_fails 64 client list --overdue=yes
	stderr_usage "crm: client list: option '--overdue' takes no value"
}

@test "list --due today ends with the local day of display.timezone" {
	setup_due
	# 23:00 UTC is midnight in Madrid, in November
	crm -q client add --name G --next-action 2026-11-25T22:30:00Z >/dev/null
	crm -q client add --name H --next-action 2026-11-25T23:30:00Z >/dev/null
	crm_ok client list --due --format ids
	assert_output $'1\n6\n2\n7\n8'
	printf 'display:\n  timezone: Europe/Madrid\n' > crm.yaml
	crm_ok client list --due --format ids
	assert_output $'1\n6\n2\n7'
}

# run crm ARGS on a terminal: what it shows is $output, with CR LF line
# ends made LF, and crm's exit code last (rc=N)
on_tty() {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	local cmd="crm"
	for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
	run bash -c "script -qec '$cmd; echo rc=\$?' /dev/null < /dev/null | tr -d '\r'"
	assert_success
}

@test "the table shows next action and last contact from now on a terminal, local times elsewhere" {
	setup_due
	crm -q comm log 2 --channel email --at 2026-11-22T09:00:00Z
	NO_COLOR=1 on_tty client list --sort id --limit 3
	assert_line --index 0 --regexp '^ID +NAME +STAGE +CHANNEL +EMAIL +PHONE +VIABILITY +LAST CONTACT +NEXT ACTION$'
	assert_line --index 1 --regexp '^1 +A +new +5d ago$'
	assert_line --index 2 --regexp '^2 +B +contacted +3d ago +in 6h$'
	assert_line --index 3 --regexp '^3 +C +new +in 12h$'
	assert_line --index 4 'rc=0'
	# not on a terminal, the table gives local times of display.timezone
	printf 'display:\n  timezone: Europe/Madrid\n' > crm.yaml
	crm_ok client list --format table --sort id --limit 2
	assert_line --index 1 --regexp '^1 +A +new +2026-11-20 01:00$'
	assert_line --index 2 --regexp '^2 +B +contacted +2026-11-22 10:00 +2026-11-25 19:00$'
	crm_ok client list --format table --wide --sort id --limit 1
	assert_line --index 1 --regexp ' 2026-11-20 01:00 +2026-11-25 13:00 +2026-11-25 13:00$'
	crm_ok client show 2
	assert_line 'next_action_at           2026-11-25 19:00'
	assert_line 'last_contacted_at        2026-11-22 10:00'
	assert_line --regexp '^2026-11-22 10:00 +email +out '
	# the machine formats keep UTC, on a terminal too
	crm_ok client list --format tsv --sort id --limit 2
	assert_equal "$(cut -f21,22 <<< "$output")" $'next_action_at\tlast_contacted_at\n2026-11-20T00:00:00Z\t\n2026-11-25T18:00:00Z\t2026-11-22T09:00:00Z'
	on_tty client list --format jsonl --sort id --limit 1
	assert_line --index 0 --partial '"next_action_at":"2026-11-20T00:00:00Z"'
	crm_ok client show 2 --format json
	echo "$output" | jq -e '.next_action_at == "2026-11-25T18:00:00Z" and .communications[0].occurred_at == "2026-11-22T09:00:00Z"'
}

@test "list uses the stage index" {
	crm -q init
	run --separate-stderr sqlite3 "$CRM_DB" "EXPLAIN QUERY PLAN SELECT id FROM clients c WHERE c.stage = 'new' AND c.status <> 'archived' ORDER BY c.last_contacted_at NULLS LAST, c.id LIMIT 50"
	assert_success
	assert_equal "$stderr" ''
	assert_output --partial 'INDEX clients_stage (stage=?)'
	refute_output --partial 'TEMP B-TREE'
}

@test "show by id or email prints every field, listings and communications" {
	add_client --name Ana --email ana@x.test --tag hot
	crm_ok client show ANA@x.test --format table
	assert_line --regexp '^name +Ana$'
	assert_line --regexp '^tags +hot$'
	assert_line 'listings:'
	assert_line --partial 'communications'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.name == "Ana" and .listings == [] and .communications == []'
	crm_ok client show 1 --format csv
	assert_line --index 0 --partial 'id,operator_id,name,email,'
	assert_line --index 1 --partial '1,1,Ana,ana@x.test'
	assert_equal "${#lines[@]}" 2
}

@test "show of a missing client exits 1" {
	crm -q init
	crm_fails 1 client show 42
	assert_equal "$stderr" "crm: client '42': not found"
	crm_fails 1 client show nobody@x.test
	assert_equal "$stderr" "crm: client 'nobody@x.test': not found"
	crm_fails 1 client show 'not an id'
	assert_equal "$stderr" "crm: client 'not an id': not found"
	crm_fails 64 client show
	stderr_usage 'crm: client show: a client (id, email or phone) is required'
	crm_fails 64 client show 1 2
	stderr_usage 'crm: client show: one client, not 2'
}

@test "stage moves a client and records old, new, time and actor" {
	add_client --name Ana
	CRM_NOW=2026-11-25T10:00:00Z crm_says "1 of 1 client moved to 'contacted'" client stage 1 contacted --reason 'first mail'
	CRM_NOW=2026-11-25T11:00:00Z crm_says "1 of 1 client moved to 'meeting'" --actor maria client stage 1 meeting
	crm_ok client history 1 --format tsv
	assert_equal "${#lines[@]}" 4
	assert_line --index 2 $'2026-11-25T10:00:00Z\ttester\tstage\tstage\tnew\tcontacted\tfirst mail'
	assert_line --index 3 $'2026-11-25T11:00:00Z\tmaria\tstage\tstage\tcontacted\tmeeting\t'
}

@test "stage to the same stage changes nothing" {
	add_client --name Ana
	crm_says "0 of 1 client moved to 'new' (1 already there)" client stage 1 new
	crm_fails 64 client history 1 --format ids
	stderr_usage "crm: client history: format 'ids' is for lists; use table, tsv, csv, json or jsonl"
	crm_ok client history 1 --format tsv
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --partial $'\tcreate\t'
}

@test "stage lost --reason keeps the reason" {
	add_client --name Ana
	crm_ok -q client stage 1 lost --reason 'sold elsewhere'
	assert_output ''
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.lost_reason == "sold elsewhere" and .stage == "lost"'
}

@test "stage checks the stage against the pipeline (65)" {
	add_client --name Ana
	crm_fails 65 client stage 1 limbo
	assert_equal "$stderr" "crm: client stage: stage 'limbo': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
}

@test "stage follows a configured pipeline" {
	cat > crm.yaml <<'Y'
pipeline:
  stages: [lead, talking, done]
  terminal: [done]
  on_reply: talking
Y
	add_client --name Ana
	crm_ok client list --format tsv
	assert_line --index 1 --partial $'\tlead\t'
	crm_says "1 of 1 client moved to 'talking'" client stage 1 talking
	crm_fails 65 client stage 1 meeting
	assert_equal "$stderr" "crm: client stage: stage 'meeting': not a pipeline stage (lead, talking, done)"
}

@test "stage reads ids from stdin, all or nothing" {
	add_client --name A
	add_client --name B
	add_client --name C --email c@x.test
	crm_says "2 of 2 clients moved to 'contacted'" client stage - contacted < <(printf '1\n\n c@x.test \n')
	crm_ok client list --stage contacted --format ids
	assert_output $'1\n3'
	crm_fails 1 client stage - won < <(printf '2\n99\n')
	assert_equal "$stderr" "crm: stdin:2: client '99': not found"
	crm_fails 1 client list --stage won --format ids
	assert_equal "$stderr" ''
}

@test "stage needs clients and a stage" {
	crm_fails 64 client stage won
	stderr_usage 'crm: client stage: clients and a stage are required'
	crm_fails 64 client stage
	stderr_usage 'crm: client stage: clients and a stage are required'
}

@test "edit changes fields and custom fields, each into the history" {
	add_client --name Ana --email ana@x.test --set rooms=2 --tag a
	crm_fails 64 client edit 1 --name 'Ana M' --phone 600 111 222 --set rooms=3 --set pool=yes --unset nothing --tag b --untag a
	stderr_usage 'crm: client edit: one client, not 3'
	crm_says 'client 1: 6 changes' client edit 1 --name 'Ana M' --phone '600 111 222' --set rooms=3 --set pool=yes --tag b --untag a
	crm_ok client history 1 --format tsv
	assert_equal "${#lines[@]}" 8
	assert_line --partial $'edit\tname\tAna\tAna M'
	assert_line --partial $'edit\tphone\t\t600 111 222'
	assert_line --partial $'edit\tcustom.rooms\t2\t3'
	assert_line --partial $'edit\tcustom.pool\t\tyes'
	assert_line --partial $'tag\ttags\t\tb'
	assert_line --partial $'untag\ttags\ta\t'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.custom == {"rooms":"3","pool":"yes"} and .tags == ["b"]'
	crm_says 'client 1: 1 change' client edit 1 --unset pool --set-note ''
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.custom == {"rooms":"3"} and .notes == null'
}

@test "edit with no change records nothing" {
	add_client --name Ana
	crm_says 'client 1: 0 changes' client edit 1 --name Ana
	crm_ok client history 1 --format tsv
	assert_equal "${#lines[@]}" 2
}

@test "a tag already there, or already gone, is no change and no error" {
	add_client --name Ana --email ana@x.test --tag a --tag a
	crm_says 'client 1: 1 change' client edit 1 --name 'Ana M' --tag a
	crm_says 'client 1: 0 changes' client edit 1 --untag nosuch
	crm_fails 65 client edit 1 --untag a --tag a
	assert_equal "$stderr" "crm: tag 'a': both added and removed"
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.name == "Ana M" and .tags == ["a"]'
}

@test "edit to another owner's email exits 65; a missing client exits 1" {
	add_client --name Ana --email ana@x.test
	add_client --name Bo --email bo@x.test
	crm_fails 65 client edit 2 --email ANA@x.test
	assert_equal "$stderr" "crm: client 'ANA@x.test': already exists as 1"
	add_client --name Cy --phone '+1 555 1234567'
	crm_fails 65 client edit 1 --email ana@x.test --phone '+1 (555) 123-4567'
	assert_equal "$stderr" "crm: client '+1 (555) 123-4567': already exists as 3"
	crm_fails 65 client add --name Dee --email dee@x.test --phone '+15551234567'
	assert_equal "$stderr" "crm: client '+15551234567': already exists as 3"
	crm_fails 1 client edit 9 --name X
	assert_equal "$stderr" "crm: client '9': not found"
	crm_fails 65 client edit 1 --name ''
	assert_equal "$stderr" 'crm: name: cannot be empty'
	crm_fails 64 client edit
	stderr_usage 'crm: client edit: a client (id, email or phone) is required'
}

@test "history prints the audit trail oldest first" {
	add_client --name Ana
	crm -q client stage 1 contacted
	crm_ok client history 1 --format tsv
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 $'at\tactor\taction\tfield\told_value\tnew_value\treason'
	assert_line --index 1 --partial $'create'
	assert_line --index 2 --partial $'stage\tstage\tnew\tcontacted'
	crm_fails 1 client history 5
	assert_equal "$stderr" "crm: client '5': not found"
	crm_fails 64 client history 1 --format ids
	stderr_usage "crm: client history: format 'ids' is for lists; use table, tsv, csv, json or jsonl"
}

@test "edit --next-action 7d is a week ahead; status forgotten is not for edit" {
	export CRM_NOW=2026-11-25T12:00:00Z
	add_client --name Ana
	crm_says 'client 1: 1 change' client edit 1 --next-action 7d
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.next_action_at == "2026-12-02T12:00:00Z"'
	crm_fails 65 client edit 1 --status forgotten
	assert_equal "$stderr" "crm: status 'forgotten': not a client status (active, archived)"
	crm_says 'client 1: 1 change' client edit 1 --status archived
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.status == "archived"'
}

# the next_action_at of client 1, as json has it
next_action() {
	crm_ok client show 1 --format json
	jq -r .next_action_at <<< "$output"
}

@test "a time is typed as today, tomorrow, a weekday, +2d, 7d or a local date and time" {
	# a Wednesday
	export CRM_NOW=2026-11-25T12:00:00Z
	add_client --name Ana
	for form in 'today=2026-11-25T00:00:00Z' 'Tomorrow=2026-11-26T00:00:00Z' \
	            'friday=2026-11-27T00:00:00Z' 'wed=2026-12-02T00:00:00Z' \
	            '+2d=2026-11-27T12:00:00Z' '+3h=2026-11-25T15:00:00Z' \
	            '7d=2026-12-02T12:00:00Z' '2026-12-01 10:00=2026-12-01T10:00:00Z' \
	            '2026-12-01T10:00=2026-12-01T10:00:00Z' '2026-12-01T10:00+01:00=2026-12-01T09:00:00Z'; do
		crm_silent -q client edit 1 --next-action "${form%%=*}"
		assert_equal "${form%%=*}: $(next_action)" "${form%%=*}: ${form#*=}"
	done
	# --set names the field as its option does; --unset clears it
	crm_says 'client 1: 1 change' client edit 1 --set next_action_at=+1d
	assert_equal "$(next_action)" 2026-11-26T12:00:00Z
	crm_says 'client 1: 1 change' client edit 1 --unset next_action_at
	assert_equal "$(next_action)" null
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.custom == {}'
}

@test "a local time is one of display.timezone, then of TZ; it is stored in UTC" {
	export CRM_NOW=2026-11-25T12:00:00Z
	add_client --name Ana
	printf 'display:\n  timezone: Europe/Madrid\n' > crm.yaml
	crm_silent -q client edit 1 --next-action '2026-12-01 10:00'
	assert_equal "$(next_action)" 2026-12-01T09:00:00Z
	crm_silent -q client edit 1 --next-action 2026-07-01T10:00
	assert_equal "$(next_action)" 2026-07-01T08:00:00Z
	crm_silent -q client edit 1 --next-action tomorrow
	assert_equal "$(next_action)" 2026-11-25T23:00:00Z
	# a zone given with the time is that zone
	crm_silent -q client edit 1 --next-action 2026-07-01T10:00Z
	assert_equal "$(next_action)" 2026-07-01T10:00:00Z
	rm crm.yaml
	TZ=America/New_York crm_silent -q client edit 1 --next-action '2026-12-01 10:00'
	assert_equal "$(next_action)" 2026-12-01T15:00:00Z
	crm_silent -q client edit 1 --next-action '2026-12-01 10:00'
	assert_equal "$(next_action)" 2026-12-01T10:00:00Z
}

@test "a time that is no form is bad data (65): half words, signs, bad UTF-8, a huge argument" {
	export CRM_NOW=2026-11-25T12:00:00Z
	add_client --name Ana
	for bad in monda yesterday -2d ++2d +d '2026-12-01 25:00' $'tod\xc3\xa4y'; do
		crm_fails 65 client edit 1 --next-action "$bad"
		assert_equal "$stderr" "crm: next_action_at '$bad': not a time (use $TIME_FORMS)"
	done
	crm_fails 65 client edit 1 --next-action $'today\xff'
	assert_equal "$stderr" "crm: next_action_at: not valid UTF-8 (byte 6)"
	# the message shows a bad byte as U+FFFD, never as it came
	crm_fails 65 client list --since $'today\xff'
	assert_equal "$stderr" $'crm: client list: --since \'today\xef\xbf\xbd\': not a time (use '"$TIME_FORMS)"
	big=$(head -c 100000 /dev/zero | tr '\0' 1)d
	crm_fails 65 client edit 1 --next-action "$big"
	stderr_has "crm: next_action_at '1111"
	crm_fails 65 client list --since "$big"
	stderr_has "crm: client list: --since '1111"
	assert_equal "$(next_action)" null
}

# run `crm client stage ARGS` on a terminal that reads ANSWER: what the
# terminal shows is $output, ending with crm's exit code (rc=N); crm's
# stdout and stderr are kept apart in the files out and err
stage_on_tty() {
	local answer=$1
	shift
	run bash -c "printf '$answer' | script -qec 'crm client stage $* > out 2> err; echo rc=\$?' /dev/null"
	assert_success
}

@test "a bulk stage change over bulk.confirm asks on the terminal; --yes or no terminal goes ahead" {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	for i in 1 2 3; do crm -q client add --name "c$i" >/dev/null; done
	printf 'bulk:\n  confirm: 2\n' > crm.yaml
	stage_on_tty 'n\n' 1 2 3 contacted
	assert_output --partial 'change 3 clients? [y/N]'
	assert_output --partial 'rc=1'
	assert_equal "$(cat out)" ''
	assert_equal "$(cat err)" 'crm: client stage: not confirmed; nothing changed'
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM clients WHERE stage = 'new'")" 3
	stage_on_tty 'y\n' 1 2 3 contacted
	assert_output --partial 'change 3 clients? [y/N]'
	assert_output --partial 'rc=0'
	assert_equal "$(cat out)" ''
	assert_equal "$(cat err)" "3 of 3 clients moved to 'contacted'"
	# only what would move counts: clients already there, and an id twice
	stage_on_tty '' 1 2 2 3 contacted
	assert_output $'rc=0\r'
	assert_equal "$(cat out)" ''
	assert_equal "$(cat err)" "0 of 3 clients moved to 'contacted' (3 already there)"
	stage_on_tty '' 1 1 1 2 new
	assert_output $'rc=0\r'
	assert_equal "$(cat out)" ''
	assert_equal "$(cat err)" "2 of 2 clients moved to 'new'"
	# the question and the count are of the clients that move
	stage_on_tty 'y\n' 1 2 3 lost
	assert_output --partial 'change 3 clients? [y/N]'
	stage_on_tty 'y\n' 1 2 3 new
	crm -q client stage 3 lost --reason first
	crm -q client add --name c4 >/dev/null
	stage_on_tty 'y\n' 1 2 3 4 lost --reason second
	assert_output --partial 'change 3 clients? [y/N]'
	assert_output --partial 'rc=0'
	assert_equal "$(cat err)" "3 of 4 clients moved to 'lost' (1 already there)"
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT group_concat(lost_reason) FROM clients")" 'second,second,first,second'
	stage_on_tty 'y\n' 1 2 3 4 new
	stage_on_tty '' --yes 1 2 3 meeting
	assert_output $'rc=0\r'
	assert_equal "$(cat out)" ''
	assert_equal "$(cat err)" "3 of 3 clients moved to 'meeting'"
	# no terminal at all: nobody to ask
	run --separate-stderr setsid -w crm client stage 1 2 3 won < /dev/null
	assert_success
	assert_output ''
	assert_equal "$stderr" "3 of 3 clients moved to 'won'"
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM clients WHERE stage = 'won'")" 3
}

@test "edit - makes the same edits to every client on stdin, in one transaction" {
	export CRM_NOW=2026-11-25T12:00:00Z
	for n in a b c d; do crm -q client add --name "$n" --email "$n@x.test" >/dev/null; done
	run --separate-stderr crm client edit - --tag batch --next-action +2d <<< $'1\n b@x.test \n\n3\n1'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'client edit: 3 of 3 clients changed, 6 changes'
	crm_ok client list --tag batch --format ids
	assert_output $'1\n2\n3'
	crm_ok client list --due 2d --format tsv
	assert_equal "$(cut -f1,21 <<< "$output")" $'id\tnext_action_at\n1\t2026-11-27T12:00:00Z\n2\t2026-11-27T12:00:00Z\n3\t2026-11-27T12:00:00Z'
	crm_ok client history 2 --format tsv
	assert_line --partial $'tags\t\tbatch'
	# again: nothing left to change
	run --separate-stderr crm client edit - --tag batch <<< $'1\n2'
	assert_success
	assert_equal "$stderr" 'client edit: 0 of 2 clients changed, 0 changes'
	crm_silent -q client edit - --untag batch < /dev/null
}

@test "edit -: one bad line or one client that cannot change leaves every client as it was" {
	for n in a b c; do crm -q client add --name "$n" --email "$n@x.test" >/dev/null; done
	crm_fails 1 client edit - --tag t <<< $'1\n99\n2'
	assert_equal "$stderr" "crm: stdin:2: client '99': not found"
	crm_fails 65 client edit - --tag t < <(printf '1\n2\0x\n')
	assert_equal "$stderr" "crm: stdin:2: a NUL byte in the line"
	crm_fails 65 client edit - --tag t < <(printf '1\n\xff@x.test\n')
	assert_equal "$stderr" 'crm: stdin:2: client: not valid UTF-8 (byte 1)'
	crm_fails 65 client edit - --tag t < <(printf '1\n'; head -c 3000000 /dev/zero | tr '\0' 7; echo)
	stderr_has "crm: stdin:2: client '7777"
	# the clients would take another's email: none changes
	crm_fails 65 client edit - --email a@x.test --tag t <<< $'3\n2'
	assert_equal "$stderr" "crm: client 3: client 'a@x.test': already exists as 1"
	run --separate-stderr sqlite3 "$CRM_DB" "SELECT count(*) FROM client_tags UNION ALL SELECT email FROM clients WHERE id = 3"
	assert_output $'0\nc@x.test'
	# a wrong value is told once, before anything is read
	crm_fails 65 client edit - --next-action someday <<< 1
	assert_equal "$stderr" "crm: next_action_at 'someday': not a time (use $TIME_FORMS)"
	crm_fails 64 client edit - 2 --tag t
	stderr_usage 'crm: client edit: one client, not 2'
}

@test "edit - over bulk.confirm asks on the terminal; --yes or no terminal goes ahead" {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	for i in 1 2 3; do crm -q client add --name "c$i" >/dev/null; done
	printf 'bulk:\n  confirm: 2\n' > crm.yaml
	printf '1\n2\n3\n' > ids
	run bash -c "printf 'n\n' | script -qec 'crm client edit - --tag t < ids > out 2> err; echo rc=\$?' /dev/null"
	assert_success
	assert_output --partial 'crm: client edit: change 3 clients? [y/N]'
	assert_output --partial 'rc=1'
	assert_equal "$(cat out)" ''
	assert_equal "$(cat err)" 'crm: client edit: not confirmed; nothing changed'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM client_tags')" 0
	run bash -c "printf 'y\n' | script -qec 'crm client edit - --tag t < ids > out 2> err; echo rc=\$?' /dev/null"
	assert_output --partial 'rc=0'
	assert_equal "$(cat err)" 'client edit: 3 of 3 clients changed, 3 changes'
	run bash -c "script -qec 'crm client edit - --yes --tag u < ids > out 2> err; echo rc=\$?' /dev/null < /dev/null"
	assert_output $'rc=0\r'
	assert_equal "$(cat err)" 'client edit: 3 of 3 clients changed, 3 changes'
	run --separate-stderr setsid -w crm client edit - --tag v < ids
	assert_success
	assert_output ''
	assert_equal "$stderr" 'client edit: 3 of 3 clients changed, 3 changes'
}

@test "list --sort with an empty field, help with too many words: usage errors" {
	crm -q init
	crm_fails 64 client list --sort=
	assert_equal "$stderr" "crm: client list: cannot sort by '' (id, name, stage, viability, created_at, updated_at, last_contacted_at, last_interaction_at, next_action_at; '-' before for descending)"
	crm_fails 64 help client add extra
	assert_equal "$stderr" "crm: help: a command and a subcommand at most"
	crm_fails 64 client list --operator abc
	stderr_usage "crm: client list: option '--operator' takes a whole number, not 'abc'"
}

@test "a custom field key of any length is set and removed whole" {
	key=$(printf 'k%.0s' {1..400})
	add_client --name A --set "$key=1"
	crm_ok client show 1 --format json
	echo "$output" | jq -e --arg k "$key" '.custom[$k] == "1"'
	crm_says 'client 1: 1 change' client edit 1 --unset "$key"
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.custom == {}'
}

@test "an owner's email with a trailing no-break space or other white space is the same owner" {
	add_client --name A --email a@b.com
	crm_fails 65 client add --name B --email $'a@b.com\xc2\xa0'
	assert_equal "$stderr" "crm: client 'a@b.com': already exists as 1"
	crm_fails 65 client add --name B --email $'\xe2\x80\x83A@B.COM\t'
	assert_equal "$stderr" "crm: client 'A@B.COM': already exists as 1"
	# what is stored is trimmed too
	add_client --name C --email $' c@b.com\xc2\xa0'
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT email FROM clients WHERE id = $id")" c@b.com
}

@test "a control, format or space character inside an email or phone is bad data (65)" {
	crm_fails 65 client add --name A --email $'c\u200b1@ex.com'
	assert_equal "$stderr" $'crm: email \'c\u200b1@ex.com\': U+200B is not allowed in an email address (a control, format or space character)'
	crm_fails 65 client add --name A --phone $'600\u2060111222'
	assert_equal "$stderr" $'crm: phone \'600\u2060111222\': U+2060 is not allowed in a phone number (a control, format or space character)'
	crm_fails 65 client add --name A --phone $'600\xc2\xa0111 222'
	assert_equal "$stderr" $'crm: phone \'600\xc2\xa0111 222\': U+00A0 is not allowed in a phone number (a control, format or space character)'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
	# plain spaces in a phone are how people write them
	add_client --name A --phone '+34 600 111 222'
}

@test "the same email in NFD, NFC or another case of an accented letter is one owner" {
	add_client --name A --email $'Jose\xcc\x81@x.test'
	crm_fails 65 client add --name B --email $'JOS\xc3\x89@X.test'
	assert_equal "$stderr" $'crm: client \'JOS\xc3\x89@X.test\': already exists as 1'
	crm_ok client show $'jos\xc3\xa9@x.test' --format json
	echo "$output" | jq -e $'.id == 1 and .email == "Jos\xc3\xa9@x.test"'
}

@test "names, notes, tags and custom fields are stored in NFC" {
	add_client --name $'Nu\xcc\x81n\xcc\x83ez' --note $'Ma\xcc\x81laga' --tag $'vie\xcc\x81w' --set $'pi\xcc\x81so=3\xcc\x81'
	run sqlite3 "$CRM_DB" "SELECT name, notes, custom FROM clients; SELECT tag FROM client_tags"
	assert_success
	assert_output $'N\xc3\xba\xc3\xb1ez|M\xc3\xa1laga|{"p\xc3\xadso":"3\xcc\x81"}\nvi\xc3\xa9w'
}

@test "invalid UTF-8 in an argument is bad data (65), and nothing is stored" {
	for bad in $'\xff\xfe' $'\xc0\xaf' $'\xed\xa0\x80'; do
		crm_fails 65 client add --name "x${bad}"
		assert_equal "$stderr" 'crm: name: not valid UTF-8 (byte 2)'
	done
	crm_fails 65 client add --name A --note $'\xff'
	assert_equal "$stderr" 'crm: note: not valid UTF-8 (byte 1)'
	crm_fails 65 client add --name A --tag $'t\xff'
	assert_equal "$stderr" 'crm: tag: not valid UTF-8 (byte 2)'
	crm_fails 65 client add --name A --email $'a\xff@x.test'
	assert_equal "$stderr" 'crm: email: not valid UTF-8 (byte 2)'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
}

@test "a database whose emails were keyed in ASCII lower case is migrated: NFC and case folded" {
	add_client --name A --email $'\xc3\x81NA@x.test'
	# as a version 1 database keyed it
	sqlite3 "$CRM_DB" $'UPDATE clients SET email_norm = \'\xc3\x81na@x.test\''
	schema_before_4 1
	crm_fails 65 client add --name B --email $'\xc3\xa1na@x.test'
	assert_equal "$stderr" $'crm: client \'\xc3\xa1na@x.test\': already exists as 1'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT email_norm FROM clients; PRAGMA user_version')" $'\xc3\xa1na@x.test\n'"$SCHEMA"
}

@test "stage -: a NUL byte in a line of ids is bad data (65) and nothing moves" {
	add_client --name A
	add_client --name B
	crm_fails 65 client stage - won < <(printf '1\n2\0junk\n')
	assert_equal "$stderr" 'crm: stdin:2: a NUL byte in the line'
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT count(*) FROM clients WHERE stage = 'won'")" 0
}

@test "a client's creation is one history row, its tags and custom fields included; later changes are rows of their own" {
	add_client --name Ana --tag a --tag b --set k=v --set j=w
	crm_ok client history 1 --format tsv
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --regexp $'^[^\t]+\ttester\tcreate\t\t\tAna\tmanual$'
	crm_ok client show 1 --format json
	assert_equal "$(jq -c '[.tags, .custom]' <<< "$output")" '[["a","b"],{"k":"v","j":"w"}]'
	crm_says 'client 1: 2 changes' client edit 1 --tag c --set k=x
	crm_ok client history 1 --format tsv
	assert_equal "${#lines[@]}" 4
	assert_line --index 2 --partial $'tag\ttags\t\tc'
	assert_line --index 3 --partial $'edit\tcustom.k\tv\tx'
	# an import makes the same single row
	crm_says 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' \
		client import - <<< $'name,email,tags,custom\nBo,bo@x.test,"x,y","{""m2"":80}"'
	crm_ok client history 2 --format tsv
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --regexp $'^[^\t]+\ttester\tcreate\t\t\tBo\timport$'
	crm_ok client show 2 --format json
	assert_equal "$(jq -c '[.tags, .custom]' <<< "$output")" '[["x","y"],{"m2":80}]'
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
	assert_equal "$stderr" "crm: client list: --since 'yesterday-ish': not a time (use $TIME_FORMS)"
	run --separate-stderr crm client list --ai sometimes
	assert_failure 64
	stderr_line 0 "crm: client list: option '--ai': 'sometimes' is not one of its values (off, draft, auto)"
}

@test "stage: a client named twice counts once; a message never passes an escape to the terminal" {
	add_client --name A
	add_client --name B
	crm_says "2 of 2 clients moved to 'contacted'" client stage 1 2 2 1 contacted
	crm_fails 65 client add --name x --tag $'a\e[2Jb'
	assert_equal "$stderr" $'crm: tag \'a\xef\xbf\xbd[2Jb\': a tag is not empty and has no comma, no control character, no space at either end'
}

@test "an unknown stage, channel, status, AI mode, on/off or sort field lists the values and names the likely one" {
	add_client --name Ana
	stages='new, contacted, replied, meeting, negotiating, won, lost'
	crm_fails 65 client stage 1 meting
	assert_equal "$stderr" "crm: client stage: stage 'meting': not a pipeline stage ($stages); did you mean 'meeting'?"
	crm_fails 65 client stage 1 limbo
	assert_equal "$stderr" "crm: client stage: stage 'limbo': not a pipeline stage ($stages)"
	crm_fails 65 client add --name Bo --stage wn
	assert_equal "$stderr" "crm: stage 'wn': not a pipeline stage ($stages); did you mean 'won'?"
	crm_fails 65 client list --stage contaced
	assert_equal "$stderr" "crm: stage 'contaced': not a pipeline stage ($stages); did you mean 'contacted'?"
	crm_fails 65 client edit 1 --channel emial
	assert_equal "$stderr" "crm: channel 'emial': not a configured channel (email, form, fb, phone, sms, whatsapp); did you mean 'email'?"
	crm_fails 65 client edit 1 --status archivd
	assert_equal "$stderr" "crm: status 'archivd': not a client status (active, archived); did you mean 'archived'?"
	crm_fails 64 client edit 1 --ai drfat
	stderr_usage "crm: client edit: option '--ai': 'drfat' is not one of its values (off, draft, auto); did you mean 'draft'?"
	crm_fails 64 client list --automation of
	stderr_usage "crm: client list: option '--automation': 'of' is not one of its values (on, off); did you mean 'off'?"
	sorts='id, name, stage, viability, created_at, updated_at, last_contacted_at, last_interaction_at, next_action_at'
	crm_fails 64 client list --sort nmae
	assert_equal "$stderr" "crm: client list: cannot sort by 'nmae' ($sorts; '-' before for descending); did you mean 'name'?"
	crm_fails 64 client list --sort -viabilty
	assert_equal "$stderr" "crm: client list: cannot sort by 'viabilty' ($sorts; '-' before for descending); did you mean '-viability'?"
	# in an import, with the line
	printf 'name,ai_mode\nBo,drafts\n' > ai.csv
	crm_fails 65 client import ai.csv
	assert_equal "$stderr" "crm: ai.csv:2: ai_mode 'drafts': not an AI mode (off, draft, auto); did you mean 'draft'?"
	printf 'name,automation_enabled\nBo,of\n' > auto.csv
	crm_fails 65 client import auto.csv
	assert_equal "$stderr" "crm: auto.csv:2: automation_enabled 'of': not on or off (on, off, yes, no, true, false, 1, 0); did you mean 'off'?"
	# the stages of the configuration in force
	printf 'pipeline:\n  stages: [lead, talking, done]\n' > crm.yaml
	crm_fails 65 client stage 1 taking
	assert_equal "$stderr" "crm: client stage: stage 'taking': not a pipeline stage (lead, talking, done); did you mean 'talking'?"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*), max(stage) FROM clients')" '1|new'
}

@test "--set and --unset: a client field by its own name is that field; in another case, or one no option sets, a usage error naming the option" {
	add_client --name Ana
	crm_fails 64 client edit 1 --set Email=a@x.test
	stderr_usage "crm: client edit: --set 'Email': 'email' is a client field, not a custom one; did you mean '--email'?"
	crm_fails 64 client add --name Bo --set Next_Action_At=7d
	stderr_usage "crm: client add: --set 'Next_Action_At': 'next_action_at' is a client field, not a custom one; did you mean '--next-action'?"
	crm_fails 64 client add --name Bo --set notes=x
	stderr_usage "crm: client add: --set 'notes': 'notes' is a client field, not a custom one"
	crm_fails 64 client edit 1 --set stage=won
	stderr_usage "crm: client edit: --set 'stage': 'stage' is a client field, not a custom one"
	crm_fails 64 client edit 1 --unset tags
	stderr_usage "crm: client edit: --unset 'tags': 'tags' is a client field, not a custom one; did you mean '--untag'?"
	crm_fails 64 client edit 1 --set created_at=2020-01-01
	stderr_usage "crm: client edit: --set 'created_at': 'created_at' is a client field, not a custom one"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*), max(email), max(custom) FROM clients')" '1||{}'
	# a key that is no field is a custom field
	crm_says 'client 1: 1 change' client edit 1 --set email2=b@x.test
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.custom == {"email2": "b@x.test"} and .email == null'
	# the field's own name, where an option of the command sets it, is the field
	add_client --name Bo --set next_action_at=2026-12-01T10:00:00Z --set stage=won
	crm_ok client show "$id" --format json
	echo "$output" | jq -e '.next_action_at == "2026-12-01T10:00:00Z" and .stage == "won" and .custom == {}'
	crm_says "client $id: 1 change" client edit "$id" --unset next_action_at
	crm_ok client show "$id" --format json
	echo "$output" | jq -e '.next_action_at == null and .custom == {}'
}

@test "one owner whichever way the phone is written: 00, +, national in phone.default_region" {
	add_client --name A --phone '0033 6 12 34 56 78'
	crm_fails 65 client add --name B --phone '+33 6 12 34 56 78'
	assert_equal "$stderr" "crm: client '+33 6 12 34 56 78': already exists as 1"
	add_client --name C --phone '+34 655 444 333'
	# without a region a national number is not read as Spanish
	add_client --name D --phone '655444333'
	assert_equal "$id" 3
	printf 'phone:\n  default_region: es\n' > es.yaml
	crm_fails 65 --config es.yaml client add --name E --phone '655 44 43 33'
	assert_equal "$stderr" "crm: client '655 44 43 33': already exists as 2"
	crm_ok client list --format csv --wide
	assert_line --index 1 --partial '1,1,A,,0033 6 12 34 56 78,+33612345678,new'
	assert_line --index 2 --partial '2,1,C,,+34 655 444 333,+34655444333,new'
	assert_line --index 3 --partial '3,1,D,,655444333,,new'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT phone_norm FROM clients ORDER BY id')" $'+33612345678\n+34655444333\n655444333'
}

@test "a client is named by its phone in any form, wherever a client is expected" {
	add_client --name Ana --phone '+34 612 345 678'
	printf 'phone:\n  default_region: ES\n' > es.yaml
	for ref in +34612345678 '0034 612 345 678' '+34 612-345-678' '(+34) 612.345.678'; do
		crm_ok client show "$ref" --format jsonl
		assert_equal "$(jq .id <<< "$output")" 1
	done
	crm_ok --config es.yaml client show 612345678 --format jsonl
	assert_equal "$(jq .id <<< "$output")" 1
	crm_says "1 of 1 client moved to 'contacted'" client stage +34612345678 contacted
	crm_says 'client 1: 1 change' client edit '0034 612 345 678' --viability 50
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' comm log '+34 612 345 678' --channel email
	crm_ok client history +34612345678 --format csv
	assert_line --index 2 --partial ',tester,stage,stage,new,contacted,'
	crm_fails 1 client show '+34 699 999 999'
	assert_equal "$stderr" "crm: client '+34 699 999 999': not found"
}

@test "emails as mail systems take them: the bad ones are refused (65), nothing stored" {
	for bad in '@x.com' 'bad@' 'a@@b.com' 'a@.com' 'a@b..com' 'a@b' '.a@b.com' 'a@-b.com' 'a(c)@b.com'; do
		crm_fails 65 client add --name A --email "$bad"
		assert_equal "$stderr" "crm: email '$bad': not an email address (name@domain.tld, no spaces, no empty part)"
	done
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
	add_client --name A --email "o'brien+tag@sub.example.ie"
	add_client --name B --email 'núñez@málaga.es'
	crm_fails 65 client import - <<< $'name,email\nC,a@b..com'
	assert_equal "$stderr" "crm: stdin:2: email 'a@b..com': not an email address (name@domain.tld, no spaces, no empty part)"
}

@test "a phone crm cannot read is kept as typed, flagged, and matched as typed" {
	add_client --name A --phone '12-345'
	crm_ok client show 1
	assert_line --regexp '^phone +12-345$'
	assert_line --regexp '^phone_e164 *$'
	assert_line --regexp '^warnings +phone not parsed \(kept and matched as typed\)$'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.phone == "12-345" and .phone_e164 == null and (.warnings | test("not parsed"))'
	crm_fails 65 client add --name B --phone '12 345'
	assert_equal "$stderr" "crm: client '12 345': already exists as 1"
	add_client --name C --phone '+34 600 111 222'
	crm_ok client show 2 --format jsonl
	echo "$output" | jq -e '.phone_e164 == "+34600111222" and .warnings == null'
	crm_fails 65 client add --name D --phone '12'
	assert_equal "$stderr" "crm: phone '12': not a phone number (fewer than 5 digits)"
}

@test "show takes a name that one client has; several is 64 and names them" {
	add_client --name 'Ana Núñez' --email ana@x.test
	add_client --name 'Anabel Ruiz'
	add_client --name 'Bruno Núñez'
	for ref in 'nunez ana' 'ANA NÚÑEZ' 'ana nú'; do
		crm_ok client show "$ref" --format jsonl
		assert_equal "$(jq .id <<< "$output")" 1
	done
	crm_fails 64 client show nunez
	assert_equal "$stderr" "crm: client 'nunez': 2 clients have that name (1 Ana Núñez, 3 Bruno Núñez); give an id, an email or a phone"
	crm_fails 64 client show ana
	assert_equal "$stderr" "crm: client 'ana': 2 clients have that name (1 Ana Núñez, 2 Anabel Ruiz); give an id, an email or a phone"
	crm_fails 1 client show 'Carla'
	assert_equal "$stderr" "crm: client 'Carla': not found"
	# a name names a client for show only
	crm_fails 65 client edit 'Bruno' --viability 5
	assert_equal "$stderr" "crm: client 'Bruno': not an id, an email or a phone"
}

@test "--q finds words by their start, case and accents aside, and phones in any form" {
	add_client --name 'Ana Núñez' --phone '+34 612 345 678' --tag sea-view
	add_client --name 'Luc Dubois' --email luc@exemple.fr --note 'prefers MÁLAGA'
	add_client --name 'Eve' --listing-ref ID-10042
	for q in nunez NÚÑEZ 'nú' 'ana nun' 612345678 '+34 612 345 678' 0034612345678 sea-view sea; do
		crm_ok client list --q "$q" --format ids
		assert_output 1
	done
	for q in malaga luc@exemple.fr exemple dubois; do
		crm_ok client list --q "$q" --format ids
		assert_output 2
	done
	crm_ok client list --q 10042 --format ids
	assert_output 3
	# every word must match
	crm_fails 1 client list --q 'ana dubois' --format ids
	assert_equal "$stderr" ''
	# the index follows edits, tags and deletes
	crm_says 'client 2: 1 change' client edit 2 --name 'Luc Martin'
	crm_fails 1 client list --q dubois --format ids
	crm_ok client list --q martin --format ids
	assert_output 2
	crm_says 'client 1: 1 change' client edit 1 --untag sea-view
	crm_fails 1 client list --q sea --format ids
	sqlite3 "$CRM_DB" 'DELETE FROM clients WHERE id = 3'
	crm_fails 1 client list --q 10042 --format ids
	crm_fails 64 client list --q '%*"'
	assert_equal "$stderr" "crm: --q '%*\"': no word to search for"
	crm_fails 65 client list --q $'\xff'
	assert_equal "$stderr" 'crm: --q: not valid UTF-8 (byte 1)'
}

@test "a database of version 2 gets phone keys in E.164; dupes lists owners that now collide" {
	add_client --name A --phone '+34 655 444 333'
	add_client --name B --phone '0034 612 345 678'
	add_client --name C --phone '655444333'
	add_client --name D --email d@x.test
	# as version 2 keyed them: digits, a leading + kept
	sqlite3 "$CRM_DB" "UPDATE clients SET phone_norm = '+34655444333' WHERE id = 1;
		UPDATE clients SET phone_norm = '0034612345678' WHERE id = 2;
		UPDATE clients SET phone_norm = '655444333' WHERE id = 3"
	schema_before_4 2
	printf 'phone:\n  default_region: ES\n' > es.yaml
	crm_ok --config es.yaml client dupes
	assert_output $'id\tduplicate_id\tmatch\tkey\n1\t3\tphone\t+34655444333'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT phone_norm FROM clients ORDER BY id; PRAGMA user_version')" \
		$'+34655444333\n+34612345678\n655444333\n\n'"$SCHEMA"
	crm_ok --config es.yaml client list --q 612345678 --format ids
	assert_output 2
	crm_ok --config es.yaml client dupes --format json
	echo "$output" | jq -e '. == [{"id":1,"duplicate_id":3,"match":"phone","key":"+34655444333"}]'
	# without a region, 655444333 is no other owner's
	crm_fails 1 client dupes --format ids
}

@test "dupes with none exits 1; it takes no argument" {
	add_client --name A --email a@x.test
	crm_fails 1 client dupes --format ids
	assert_equal "$stderr" ''
	crm_fails 64 client dupes 1
	stderr_usage "crm: client dupes: unexpected argument '1'"
}

@test "a crm without its phone library says so (70) when a phone must be read" {
	[ ! -e /usr/local/lib/crm/crm-phone.so ] || skip 'crm is installed in /usr/local'
	mkdir bin
	cp "$(command -v crm)" bin/crm
	run --separate-stderr bin/crm client add --name A --phone '+34 600 111 222'
	assert_failure 70
	assert_output ''
	[[ $stderr == "crm: phone: cannot load crm-phone.so (beside '$PWD/bin/' or in '/usr/local/lib/crm'; it needs libphonenumber8): not found" ]] ||
		fail "stderr: $stderr"
	# what needs no phone works
	run --separate-stderr bin/crm client add --name B --email b@x.test
	assert_success
	assert_output 1
}

@test "--note adds a dated note on a line of its own (add: the first, as given); --set-note replaces the notes" {
	export CRM_NOW=2026-11-25T09:30:00Z
	add_client --name Ana --note 'saw the flat'
	export CRM_NOW=2026-12-01T10:00:59Z
	crm_says 'client 1: 1 change' client edit 1 --note $'called back\nno answer'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT notes FROM clients')" \
		$'saw the flat\n2026-12-01 10:00 called back\nno answer'
	crm_says 'client 1: 1 change' client edit 1 --set-note 'owner: Ana'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT notes FROM clients')" 'owner: Ana'
	crm_says 'client 1: 1 change' client edit 1 --set-note 'owner: Ana M' --note 'sells in spring'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT notes FROM clients')" $'owner: Ana M\n2026-12-01 10:00 sells in spring'
	crm_says 'client 1: 1 change' client edit 1 --set-note '' --note 'fresh start'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT notes FROM clients')" '2026-12-01 10:00 fresh start'
	crm_says 'client 1: 1 change' client edit 1 --set-note ''
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT notes IS NULL FROM clients')" 1
	crm_fails 65 client edit 1 --note ''
	assert_equal "$stderr" "crm: note: empty (--set-note '' clears the notes)"
	crm_fails 64 client add --name Bo --set-note x
	stderr_usage "crm: client add: unknown option '--set-note'"
}

@test "a phone of a thousand digits is kept as its digits, not handed to libphonenumber" {
	long=$(head -c 1000 /dev/zero | tr '\0' 7)
	add_client --name A --phone "+34 $long"
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.phone_e164 == null and (.warnings | test("not parsed"))'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT length(phone_norm) FROM clients')" 1002
	crm_fails 65 client add --name B --phone "(+34) $long"
	assert_equal "$stderr" "crm: client '(+34) $long': already exists as 1"
	crm_fails 1 client show "$long$long"
	assert_equal "$stderr" "crm: client '$long$long': not found"
	crm_ok client list --q "34$long" --format ids
	assert_output 1
}

@test "--q finds a phone as a person dials it: with 00, with a national 0, or bare; no phone library is loaded" {
	add_client --name Zoe --phone '+33 6 12 34 56 78'
	add_client --name Yan --phone '0612 99'
	for q in '06 12 34 56 78' '0033 6 12 34 56 78' '+33612345678' '612345678'; do
		crm_ok client list --q "$q" --format ids
		assert_output 1
	done
	crm_ok client list --q '0612 99' --format ids
	assert_output 2
	# a search needs no phone library: a crm without one still searches
	[ ! -e /usr/local/lib/crm/crm-phone.so ] || skip 'crm is installed in /usr/local'
	mkdir bin
	cp "$(command -v crm)" bin/crm
	run --separate-stderr bin/crm client list --q '06 12 34 56 78' --format ids
	assert_success
	assert_output 1
	assert_equal "$stderr" ''
}

@test "an edit to the same number writes a key stored in an older form; a second is no change" {
	add_client --name Ana --phone '612 345 678'
	printf 'phone:\n  default_region: ES\n' > es.yaml
	crm_fails 1 --config es.yaml client show +34612345678 --format json
	crm_says 'client 1: 1 change' --config es.yaml client edit 1 --phone '+34 612 345 678'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT phone_norm FROM clients')" '+34612345678'
	crm_says 'client 1: 0 changes' --config es.yaml client edit 1 --phone '0034 612 345 678'
	crm_fails 65 --config es.yaml client add --name Ana2 --phone +34612345678
	assert_equal "$stderr" "crm: client '+34612345678': already exists as 1"
}

@test "--q of digits written like a phone also finds them as words: a listing reference, a date" {
	add_client --name Foo --listing-ref 123-456-789 --note 'visit 2026-12-01'
	add_client --name Bar --phone '+34 612 345 678'
	for q in 123-456-789 '123 456 789' 2026-12-01; do
		crm_ok client list --q "$q" --format ids
		assert_output 1
	done
	crm_ok client list --q '612 345 678' --format ids
	assert_output 2
}
