#!/usr/bin/env bats
# crm stats: every figure of a small history computed by hand.
bats_require_minimum_version 1.5.0
load helper

load fixtures/history

setup_file() {
	history_setup_file
}

setup() {
	history_copy
}

@test "stats: the totals, computed by hand" {
	crm_ok stats --format tsv
	assert_output $'since\tuntil\tclients\tcontacts\treplies\tcontacted\treplied\treply_rate\tmedian_reply_hours\twon\twon_touches\ttouches_per_won
\t\t4\t5\t2\t4\t2\t0.5\t18\t1\t2\t2'
}

@test "stats --by stage: the funnel from the history, days in each stage" {
	crm_ok stats --by stage
	# new: stays of 25 h (A, B, D) and 2 h (C); contacted: 1 d (A), 9 d (B),
	# 0.5 d (D); A was 6 d replied and 2 d at the meeting.  B, lost, reached
	# contacted; A, won, reached every stage, negotiating too
	assert_output $'stage\tclients\treached\tconversion\tmedian_days\tstays
new\t0\t4\t1\t1.04\t4
contacted\t1\t4\t0.5\t1\t3
replied\t1\t2\t0.5\t6\t1
meeting\t0\t1\t1\t2\t1
negotiating\t0\t1\t1\t\t0
won\t1\t1\t\t\t0
lost\t1\t1\t\t\t0'
}

@test "stats --by channel: a reply counts on its channel, after the first contact there" {
	crm_ok stats --by channel --format csv
	assert_output 'channel,contacts,replies,contacted,replied,reply_rate,median_reply_hours
email,3,1,2,1,0.5,24
form,1,0,1,0,0,
fb,1,1,1,1,1,12
phone,0,0,0,0,,
sms,0,0,0,0,,
whatsapp,0,0,0,0,,'
}

@test "stats --by week: Monday weeks, the new clients of each" {
	crm_ok stats --by week --format jsonl
	assert_output '{"week":"2026-11-02","contacts":4,"replies":1,"new_clients":3}
{"week":"2026-11-09","contacts":1,"replies":1,"new_clients":1}'
}

@test "stats: weeks begin on Monday in display.timezone" {
	printf 'display:\n  timezone: America/New_York\n' > crm.yaml
	# Monday 11-09 03:00 UTC is Sunday 22:00 in New York: the week before
	at 2026-11-09T03:00:00Z comm log 3 --channel form
	crm_ok stats --by week --format tsv
	assert_output $'week\tcontacts\treplies\tnew_clients
2026-11-02\t5\t1\t3
2026-11-09\t1\t1\t1'
}

@test "stats --since: what happened from then; wins count the touches before them" {
	crm_ok stats --since 2026-11-09 --format json
	assert_output '{"since":"2026-11-09T00:00:00Z","until":null,"clients":4,"contacts":1,"replies":1,"contacted":1,"replied":1,"reply_rate":1,"median_reply_hours":12,"won":1,"won_touches":2,"touches_per_won":2,"stages":[{"stage":"new","clients":0,"reached":4,"conversion":1,"median_days":1.04,"stays":1},{"stage":"contacted","clients":1,"reached":4,"conversion":0.5,"median_days":4.75,"stays":2},{"stage":"replied","clients":1,"reached":2,"conversion":0.5,"median_days":6,"stays":1},{"stage":"meeting","clients":0,"reached":1,"conversion":1,"median_days":2,"stays":1},{"stage":"negotiating","clients":0,"reached":1,"conversion":1,"median_days":null,"stays":0},{"stage":"won","clients":1,"reached":1,"conversion":null,"median_days":null,"stays":0},{"stage":"lost","clients":1,"reached":1,"conversion":null,"median_days":null,"stays":0}],"channels":[{"channel":"email","contacts":0,"replies":0,"contacted":0,"replied":0,"reply_rate":null,"median_reply_hours":null},{"channel":"form","contacts":0,"replies":0,"contacted":0,"replied":0,"reply_rate":null,"median_reply_hours":null},{"channel":"fb","contacts":1,"replies":1,"contacted":1,"replied":1,"reply_rate":1,"median_reply_hours":12},{"channel":"phone","contacts":0,"replies":0,"contacted":0,"replied":0,"reply_rate":null,"median_reply_hours":null},{"channel":"sms","contacts":0,"replies":0,"contacted":0,"replied":0,"reply_rate":null,"median_reply_hours":null},{"channel":"whatsapp","contacts":0,"replies":0,"contacted":0,"replied":0,"reply_rate":null,"median_reply_hours":null}],"weeks":[{"week":"2026-11-09","contacts":1,"replies":1,"new_clients":1}]}'
}

@test "stats --until: the stages as they were then, from the history" {
	crm_ok stats --until 2026-11-11T12:00:00Z --by stage --format tsv
	# A was at the meeting, B and D contacted; D's reply came after
	assert_output $'stage\tclients\treached\tconversion\tmedian_days\tstays
new\t0\t4\t1\t1.04\t4
contacted\t3\t4\t0.25\t1\t1
replied\t0\t1\t1\t6\t1
meeting\t1\t1\t0\t\t0
negotiating\t0\t0\t\t\t0
won\t0\t0\t\t\t0
lost\t0\t0\t\t\t0'
	crm_ok stats --until 2026-11-11T12:00:00Z --format tsv
	assert_line --index 1 $'\t2026-11-11T12:00:00Z\t4\t5\t1\t4\t1\t0.25\t24\t0\t0\t'
}

@test "stats --by operator and --by source" {
	crm_ok stats --by operator --format tsv
	assert_output $'operator_id\tname\tclients\tcontacts\tcontacted\treplied\treply_rate\twon\twon_touches\ttouches_per_won
1\toperator 1\t3\t4\t3\t1\t0.3333\t1\t2\t2
2\toperator 2\t1\t1\t1\t1\t1\t0\t0\t'
	crm_ok stats --by source --format tsv
	assert_output $'source_type\tclients\tcontacts\tcontacted\treplied\treply_rate\twon\twon_touches\ttouches_per_won
owner\t2\t3\t2\t1\t0.5\t1\t2\t2
agent\t1\t1\t1\t0\t0\t0\t0\t
\t1\t1\t1\t1\t1\t0\t0\t'
}

@test "stats takes the client filters of client list" {
	crm_ok stats --channel email --format tsv
	assert_line --index 1 $'\t\t2\t3\t1\t2\t1\t0.5\t24\t1\t2\t2'
	crm_ok stats --operator 2 --by channel --format tsv
	assert_line --index 3 $'fb\t1\t1\t1\t1\t1\t12'
	crm_ok stats --stage won,lost --format tsv
	assert_line --index 1 $'\t\t2\t3\t1\t2\t1\t0.5\t24\t1\t2\t2'
	crm_ok stats --q nobody --format tsv
	assert_line --index 1 $'\t\t0\t0\t0\t0\t0\t\t\t0\t0\t'
}

@test "stats on a terminal: a page for a person, with bars" {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	run bash -c "script -qec 'crm stats; echo rc=\$?' /dev/null < /dev/null | tr -d '\r'"
	assert_success
	assert_line --index 0 'period           from the start to now'
	assert_line --index 4 'reply rate       50.0% (2 of 4 clients contacted)'
	assert_line --index 5 'median reply     18 h after the first contact'
	assert_output --partial 'contacted    1 ████████████████████  4 ████████████████████  50.0%    1'
	assert_output --partial 'email     3 ████████████████████  1 of 2   50.0%       24'
	assert_output --partial 'Weeks (from Monday):'
	assert_line 'rc=0'
}

@test "stats on an empty database: zeros, and no rate of nothing" {
	rm -f "$CRM_DB"
	crm_ok -q init
	crm_ok stats --format tsv
	assert_output $'since\tuntil\tclients\tcontacts\treplies\tcontacted\treplied\treply_rate\tmedian_reply_hours\twon\twon_touches\ttouches_per_won
\t\t0\t0\t0\t0\t0\t\t\t0\t0\t'
	crm_ok stats --by week
	assert_output $'week\tcontacts\treplies\tnew_clients'
}

@test "stats: a stage of the data the config lacks still counts, off the funnel" {
	printf 'pipeline:\n  stages: [new, contacted, replied, won, lost]\n  terminal: [won, lost]\n' > crm.yaml
	crm_ok stats --by stage --format tsv
	assert_output $'stage\tclients\treached\tconversion\tmedian_days\tstays
new\t0\t4\t1\t1.04\t4
contacted\t1\t4\t0.5\t1\t3
replied\t1\t2\t0.5\t6\t1
won\t1\t1\t\t\t0
lost\t1\t1\t\t\t0
meeting\t0\t0\t\t2\t1'
}

@test "stats: CRM_EXPLAIN shows the indexes each pass reads" {
	CRM_EXPLAIN=1 run --separate-stderr crm stats --format json
	assert_success
	[[ $stderr == *"USING COVERING INDEX activity_logs_stage"* ]] || fail "$stderr"
	[[ $stderr == *"USING COVERING INDEX communications_client"* ]] || fail "$stderr"
	crm_ok stats --format json
}

@test "stats: errors" {
	crm_fails 64 stats --by nope
	stderr_line 0 "crm: stats: option '--by': 'nope' is not one of its values (stage, channel, week, operator, source)"
	crm_fails 64 stats --limit 5
	stderr_line 0 "crm: stats: unknown option '--limit'"
	crm_fails 64 stats extra
	stderr_line 0 "crm: stats: unexpected argument 'extra'"
	crm_fails 65 stats --since tody
	stderr_has "crm: stats: --since 'tody': not a time"
	crm_fails 65 stats --stage meting
	stderr_has "stage 'meting'"
	rm -f "$CRM_DB"
	crm_fails 66 stats
	stderr_line 0 "crm: database '$CRM_DB' does not exist; 'crm init' creates it"
}

@test "stats: a full standard output is an error" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c 'crm stats --format json > /dev/full'
	assert_failure 73
	assert_output ''
	assert_equal "$stderr" 'crm: stdout: write error: No space left on device'
}

@test "stats: a version 4 database gains the indexes of stats and pipeline" {
	sqlite3 "$CRM_DB" 'DROP INDEX activity_logs_stage; DROP INDEX clients_pipeline;
		DROP INDEX communications_client;
		CREATE INDEX communications_client ON communications(client_id, occurred_at);
		PRAGMA user_version = 4'
	crm_ok stats --by stage --format tsv
	run sqlite3 "$CRM_DB" "SELECT name FROM sqlite_master WHERE name IN ('activity_logs_stage',
		'clients_pipeline') ORDER BY name; PRAGMA user_version"
	assert_output $'activity_logs_stage\nclients_pipeline\n'"$SCHEMA"
	run sqlite3 "$CRM_DB" "SELECT sql FROM sqlite_master WHERE name = 'communications_client'"
	assert_output 'CREATE INDEX communications_client ON communications(client_id, occurred_at,
	direction DESC, channel)'
	crm_ok stats --format tsv
	assert_line --index 1 $'\t\t4\t5\t2\t4\t2\t0.5\t18\t1\t2\t2'
}

@test "stats: a change of stage undone did not happen" {
	at 2026-11-19T10:00:00Z client stage 3 lost --reason 'by mistake'
	at 2026-11-19T10:05:00Z undo
	crm_ok stats --by stage --format tsv
	# as in the history without them: C is contacted, and was never lost
	assert_line --index 2 $'contacted\t1\t4\t0.5\t1\t3'
	assert_line --index 7 $'lost\t1\t1\t\t\t0'
}

@test "stats: a reply in the same second as the contact counts; what is dated after now does not" {
	at 2026-11-18T10:00:00Z client add --name E --email e@x.test --channel sms
	at 2026-11-18T10:00:00Z comm log 5 --channel sms --at 2026-11-18T10:00:00Z
	at 2026-11-18T10:00:00Z comm log 5 --channel sms --direction in --at 2026-11-18T10:00:00Z
	# logged ahead of time, for next year
	at 2026-11-18T10:00:00Z comm log 3 --channel form --at 2027-01-04T10:00:00Z
	crm_ok stats --by channel --format tsv
	assert_line --index 2 $'form\t1\t0\t1\t0\t0\t'
	assert_line --index 5 $'sms\t1\t1\t1\t1\t1\t0'
	# until a time after it, it counts
	crm_ok stats --by channel --format tsv --until 2027-02-01
	assert_line --index 2 $'form\t2\t0\t1\t0\t0\t'
	crm_ok stats --by week --format tsv
	assert_line --index 3 $'2026-11-16\t1\t1\t1'
	assert_equal "${#lines[@]}" 4
}

@test "stats: times another program wrote wrong do not count, nor break the figures" {
	# 300 contacts to C at the epoch, one with no time, a client added at none
	sqlite3 "$CRM_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
		INSERT INTO communications (client_id, channel, direction, kind, status, occurred_at,
		  source, created_at)
		SELECT 3, 'form', 'out', 'form', 'sent', '1970-01-01T00:00:00Z', 'import', '2026-11-19T00:00:00Z' FROM n;
		INSERT INTO communications (client_id, channel, direction, kind, status, occurred_at,
		  source, created_at)
		VALUES (3, 'form', 'out', 'form', 'sent', '2026-11-1x', 'import', '2026-11-19T00:00:00Z');
		UPDATE clients SET created_at = '2026-11-02Txx' WHERE id = 2;"
	crm_ok stats --by channel --format tsv
	assert_line --index 2 $'form\t301\t0\t1\t0\t0\t'
	crm_ok stats --format tsv
	assert_line --index 1 $'\t\t4\t305\t2\t4\t2\t0.5\t18\t1\t2\t2'
	# B's first stay has no start: it is not measured
	crm_ok stats --by stage --format tsv
	assert_line --index 1 $'new\t0\t4\t1\t1.04\t3'
	crm_ok stats --since 2026-11-01 --by week --format tsv
	assert_output $'week\tcontacts\treplies\tnew_clients
2026-10-26\t0\t0\t0
2026-11-02\t4\t1\t2
2026-11-09\t1\t1\t1'
}
