#!/usr/bin/env bats
# Hooks: hooks.on_reply, on_stage_change, on_won and on_notify run through
# /bin/sh -c with the event as one JSON object on stdin, after the
# transaction commits, under hooks.timeout; they never change what was
# committed nor crm's exit status.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
	crm -q client add --name 'Ana Garcia' --email ana@x.test >/dev/null
}

# the config: hooks KEY: VALUE lines, then timeout 1
hooks() {
	{
		echo 'hooks:'
		for kv in "$@"; do echo "  $kv"; done
		echo '  timeout: 1'
	} > crm.yaml
}

@test "on_reply: the event as one JSON object on stdin, never on the command line" {
	hooks 'on_reply: "cat > reply.json; tr \"\\\\0\" \" \" < /proc/$$/cmdline > cmdline; echo \"$CRM_HOOK\" > name"'
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' comm log 1 --channel email --direction in --subject 'Re: secret subject' --body 'call me at 600 000 000'
	assert_equal "$(jq -c '[.event, .communication_id, .client_id, .name, .email, .channel, .direction // "", .subject, .body, .occurred_at, .stage]' reply.json)" \
		'["reply",1,1,"Ana Garcia","ana@x.test","email","","Re: secret subject","call me at 600 000 000","2026-11-25T12:00:00Z","replied"]'
	assert_equal "$(wc -l < reply.json)" 1
	[[ $(cat cmdline) != *secret* && $(cat cmdline) != *600* ]] || fail "the event is on the command line: $(cat cmdline)"
	assert_equal "$(cat name)" on_reply
}

@test "on_stage_change, on_won, on_notify: their events; a hook's stdout goes to stderr" {
	hooks 'on_stage_change: "cat >> stage.jsonl"' 'on_won: "cat > won.json; echo won-hook-says"' \
		'on_notify: "cat >> notify.jsonl"'
	crm_says "1 of 1 client moved to 'meeting'" client stage 1 meeting --reason 'she called'
	run --separate-stderr crm client stage 1 won
	assert_success
	assert_output ''
	assert_equal "$stderr" $'1 of 1 client moved to \'won\'\nwon-hook-says'
	assert_equal "$(jq -c '[.event, .client_id, .from, .to, .reason, .actor]' stage.jsonl)" \
		$'["stage_change",1,"new","meeting","she called","tester"]\n["stage_change",1,"meeting","won",null,"tester"]'
	assert_equal "$(jq -c '[.event, .client_id, .name, .from, .to]' won.json)" '["won",1,"Ana Garcia","meeting","won"]'
	assert_equal "$(jq -c '[.event, .notification_id, .type, .client_id, .message]' notify.jsonl)" \
		'["notification",1,"meeting",1,"entered meeting (from new): she called"]'
}

@test "a hook runs after the commit: it reads the committed row, and may write, setting off no hook" {
	hooks 'on_reply: "sqlite3 \"$CRM_DB\" \"SELECT subject FROM communications\" > seen; crm -q client stage 1 negotiating"' \
		'on_stage_change: "jq -r .to >> stages; crm -q client stage 1 meeting"'
	crm -q comm log 1 --channel email --direction in --subject 'Re: flat'
	assert_equal "$(cat seen)" 'Re: flat'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT stage FROM clients')" meeting
	# the reply's move to replied ran on_stage_change once; the moves the
	# hooks made ran none
	assert_equal "$(cat stages)" replied
}

@test "a hanging hook is killed at hooks.timeout: crm exits 0 at once and says so" {
	hooks 'on_reply: "sleep 30"'
	start=$(date +%s)
	run --separate-stderr crm comm log 1 --channel email --direction in
	took=$(($(date +%s) - start))
	assert_success
	assert_output ''
	assert_equal "$stderr" $'comm log: 1 logged, 0 duplicates, 0 rejected\ncrm: hook on_reply: still running after 1 s; killed'
	((took <= 4)) || fail "crm took $took s"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 1
	# one that ignores SIGTERM gets SIGKILL a second later, with what it started
	hooks 'on_reply: "trap \"\" TERM; sleep 30 & wait"'
	start=$(date +%s)
	run --separate-stderr crm -q comm log 1 --channel email --direction in
	took=$(($(date +%s) - start))
	assert_success
	assert_equal "$stderr" 'crm: hook on_reply: still running after 1 s; killed'
	((took <= 5)) || fail "crm took $took s"
}

@test "a failing hook is told on stderr; the change stays and crm's status is its own" {
	hooks 'on_stage_change: "echo no >&2; exit 3"' 'on_won: "kill -9 $$"'
	run --separate-stderr crm client stage 1 won
	assert_success
	assert_output ''
	assert_equal "$stderr" $'1 of 1 client moved to \'won\'\nno\ncrm: hook on_stage_change: exit status 3\ncrm: hook on_won: killed by signal 9'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT stage FROM clients')" won
	# nor does it change a failure's status
	hooks 'on_stage_change: "exit 3"'
	crm_fails 65 client stage 1 nowhere
	stderr_has "stage 'nowhere'"
	[[ $stderr != *hook* ]] || fail "$stderr"
}

@test "a hook that does not read its stdin does not end crm" {
	hooks 'on_reply: "exit 0"' 'on_notify: "head -c 1 > /dev/null"'
	body=$(head -c 300000 /dev/zero | tr '\0' x)
	printf '{"client_id":1,"channel":"email","direction":"in","body":"%s"}\n' "$body" > big.jsonl
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' comm log - < big.jsonl
}

@test "--no-hooks and CRM_NO_HOOKS=1 run none" {
	hooks 'on_reply: "echo ran >> ran"'
	crm -q --no-hooks comm log 1 --channel email --direction in
	CRM_NO_HOOKS=1 crm -q comm log 1 --channel email --direction in
	[ ! -e ran ] || fail "a hook ran"
	CRM_NO_HOOKS=0 crm -q comm log 1 --channel email --direction in
	assert_equal "$(cat ran)" ran
}

@test "a batch: the hook once per reply, after the batch commits; none for a batch undone" {
	hooks 'on_reply: "n=$(sqlite3 \"$CRM_DB\" \"SELECT count(*) FROM communications\"); jq -r .communication_id | sed \"s/$/ $n/\" >> replies"'
	crm -q client add --name Bo --email bo@x.test >/dev/null
	for i in $(seq 1 120); do
		d=out; ((i % 3 == 0)) && d=in
		printf '{"client_id":%d,"channel":"email","direction":"%s","external_id":"e%d"}\n' $((i % 2 + 1)) $d $i
	done > events.jsonl
	crm_says 'comm log: 120 logged, 0 duplicates, 0 rejected' comm log - < events.jsonl
	# 40 replies, each seeing the 120 events stored
	assert_equal "$(wc -l < replies)" 40
	assert_equal "$(cut -d' ' -f2 replies | sort -u)" 120
	assert_equal "$(cut -d' ' -f1 replies | head -3 | tr '\n' ' ')" '3 6 9 '
	rm replies
	crm_says 'comm log: 0 logged, 120 duplicates, 0 rejected' comm log - < events.jsonl
	printf '{"client_id":1,"channel":"email","direction":"in"}\n{"client_id":1,"channel":"pigeon"}\n' > bad.jsonl
	crm_fails 65 comm log - < bad.jsonl
	crm -q comm log - --dry-run < events.jsonl
	[ ! -e replies ] || fail "hooks ran for what was not stored: $(cat replies)"
}

@test "a batch that skips bad records runs no hook for them" {
	hooks 'on_reply: "jq -r .external_id >> replies"'
	printf '%s\n' '{"client_id":1,"channel":"email","direction":"in","external_id":"a"}' \
		'{"client_id":99,"channel":"email","direction":"in","external_id":"b"}' \
		'{"client_id":1,"channel":"email","direction":"in","external_id":"c"}' > some.jsonl
	run --separate-stderr crm comm log - --max-errors 5 < some.jsonl
	assert_success
	assert_equal "$(cat replies)" $'a\nc'
}
