#!/usr/bin/env bats
# crm pipeline: the clients of each stage, counted with the client
# filters; the board on a terminal, the counts as data elsewhere.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export LC_ALL=C.UTF-8
}

# Eight clients over two operators, hand-counted in the tests below:
#   1 Ana  new        email  50  op 1  vip
#   2 Bo   new        form   80  op 1
#   3 Cy   new        email  80  op 2
#   4 Di   contacted  email  -   op 1  vip
#   5 Ed   contacted  fb     30  op 2
#   6 Flo  won        email  90  op 1
#   7 Gus  won        email  95  op 1  archived
#   8 Hal  lost       form   10  op 2  vip
clients() {
	crm -q client add --name Ana --stage new --channel email --viability 50 --tag vip >/dev/null
	crm -q client add --name Bo --stage new --channel form --viability 80 >/dev/null
	crm -q --operator 2 client add --name Cy --stage new --channel email --viability 80 >/dev/null
	crm -q client add --name Di --stage contacted --channel email --tag vip >/dev/null
	crm -q --operator 2 client add --name Ed --stage contacted --channel fb --viability 30 >/dev/null
	crm -q client add --name Flo --stage won --channel email --viability 90 >/dev/null
	crm -q client add --name Gus --stage won --channel email --viability 95 >/dev/null
	crm -q --operator 2 client add --name Hal --stage lost --channel form --viability 10 --tag vip >/dev/null
	sqlite3 "$CRM_DB" "UPDATE clients SET status = 'archived' WHERE name = 'Gus'"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 8
}

# the stage and clients columns of the tsv, one "stage n" a line
counts() {
	crm_ok pipeline --format tsv "$@"
	output=$(cut -f1,2 <<< "$output" | tr '\t' ' ')
	mapfile -t lines <<< "$output"
}

# run crm ARGS on a terminal COLS columns wide: what it shows is
# $output, LF line ends, crm's exit code last (rc=N)
on_tty() {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	local cols=$1 cmd="crm"
	shift
	for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
	run bash -c "script -qec 'stty cols $cols; $cmd; echo rc=\$?' /dev/null < /dev/null | tr -d '\r'"
	assert_success
}

# no line of $output is wider than COLS characters
fits() {
	local line
	while IFS= read -r line; do
		(( ${#line} <= $1 )) || fail "a line of ${#line} characters is wider than $1: '$line'"
	done <<< "$output"
}

@test "counts a stage: every configured stage in order, zeros included; archived ones left out" {
	clients
	crm_ok pipeline --format tsv
	assert_output "$(printf '%s\n' $'stage\tclients\tterminal\tconfigured\tviability_avg' \
		$'new\t3\t0\t1\t70.0' $'contacted\t2\t0\t1\t30.0' $'replied\t0\t0\t1\t' \
		$'meeting\t0\t0\t1\t' $'negotiating\t0\t0\t1\t' $'won\t1\t1\t1\t90.0' \
		$'lost\t1\t1\t1\t10.0')"
	# the archived one with --all, or by its status
	counts --all
	assert_line --index 6 'won 2'
	crm_ok pipeline --format jsonl --status archived
	assert_line --index 5 '{"stage":"won","clients":1,"terminal":1,"configured":1,"viability_avg":95.0}'
	assert_line --index 0 '{"stage":"new","clients":0,"terminal":0,"configured":1,"viability_avg":null}'
}

@test "the client filters count as they list: operator, channel, tag, stage, viability" {
	clients
	counts --operator 2
	assert_output $'stage clients\nnew 1\ncontacted 1\nreplied 0\nmeeting 0\nnegotiating 0\nwon 0\nlost 1'
	counts --channel email
	assert_output $'stage clients\nnew 2\ncontacted 1\nreplied 0\nmeeting 0\nnegotiating 0\nwon 1\nlost 0'
	counts --tag vip
	assert_output $'stage clients\nnew 1\ncontacted 1\nreplied 0\nmeeting 0\nnegotiating 0\nwon 0\nlost 1'
	counts --stage new,won --min-viability 60
	assert_output $'stage clients\nnew 2\ncontacted 0\nreplied 0\nmeeting 0\nnegotiating 0\nwon 1\nlost 0'
	# the operator of the config or the environment, as client list takes it
	CRM_OPERATOR=2 counts
	assert_line --index 1 'new 1'
	# each filter agrees with client list's
	for f in '--operator 2' '--channel email' '--tag vip' '--all' '--channel form,fb'; do
		crm_ok client list $f --format ids
		listed=$(grep -c . <<< "$output" || true)
		crm_ok pipeline $f --format tsv
		assert_equal "$(awk -F'\t' 'NR > 1 { n += $2 } END { print n }' <<< "$output")" "$listed"
	done
}

@test "json and csv carry the same counts; the mean viability is of those that have one" {
	clients
	crm_ok pipeline --format json --channel email
	echo "$output" | jq -e 'length == 7 and .[0] == {"stage":"new","clients":2,"terminal":0,"configured":1,"viability_avg":65.0}
		and .[1].viability_avg == null and .[1].clients == 1 and ([.[].clients] | add) == 4'
	crm_ok pipeline --format csv --tag vip
	assert_line --index 0 'stage,clients,terminal,configured,viability_avg'
	assert_line --index 2 'contacted,1,0,1,'
	assert_line --index 7 'lost,1,1,1,10.0'
}

@test "an empty database: every stage, each 0; in a pipe tsv is the default" {
	crm -q init
	crm_ok pipeline
	assert_output "$(printf '%s\n' $'stage\tclients\tterminal\tconfigured\tviability_avg' \
		$'new\t0\t0\t1\t' $'contacted\t0\t0\t1\t' $'replied\t0\t0\t1\t' $'meeting\t0\t0\t1\t' \
		$'negotiating\t0\t0\t1\t' $'won\t0\t1\t1\t' $'lost\t0\t1\t1\t')"
	crm_ok pipeline --format table
	assert_line --index 0 --regexp '^new \(0\) +contacted \(0\) +replied \(0\) +meeting \(0\)$'
	assert_line --index 2 --regexp '^\(none\) +\(none\) +\(none\) +\(none\)$'
}

@test "stages the config no longer names come after the configured ones, not lost" {
	clients
	cat > crm.yaml <<'Y'
pipeline:
  stages: [new, won, lost]
  terminal: [won, lost]
  on_reply: new
  on_first_contact: new
Y
	counts
	assert_output $'stage clients\nnew 3\nwon 1\nlost 1\ncontacted 2'
	crm_ok pipeline --format jsonl
	assert_line --index 3 '{"stage":"contacted","clients":2,"terminal":0,"configured":0,"viability_avg":30.0}'
	COLUMNS=100 crm_ok pipeline --format table
	assert_line --index 0 --regexp '^new \(3\) +won \(1\) +lost \(1\) +contacted\* \(2\)$'
	assert_line '* not in pipeline.stages any more'
}

@test "the board on an 80-column terminal: two bands, best first, ties by id, none wider" {
	clients
	crm -q client add --name 'María José Fernández de la Torre' --stage meeting --viability 70 >/dev/null
	NO_COLOR=1 on_tty 80 pipeline --top 2
	assert_line --index 0 --regexp '^new \(3\) +contacted \(2\) +replied \(0\) +meeting \(1\)$'
	assert_line --index 1 --regexp '^─{18}  ─{18}  ─{18}  ─{18}$'
	# 80 columns: four of 18 side by side; Bo and Cy both 80, Bo first
	assert_line --index 2 'Bo (80)             Ed (30)             (none)              María José F… (70)'
	assert_line --index 3 'Cy (80)             Di'
	assert_line --index 4 '+1 more'
	# a blank line between the bands ($lines has no blank one)
	[[ $output == *$'+1 more\n\nnegotiating'* ]] || fail "no blank line between the bands: $output"
	assert_line --index 5 --regexp '^negotiating \(0\) +won \(1\) +lost \(1\)$'
	assert_line --index 7 --regexp '^\(none\) +Flo \(90\) +Hal \(10\)$'
	assert_line --index 8 'rc=0'
	fits 80
}

@test "the board on a 200-column terminal: one band; --top sets how many a column" {
	clients
	NO_COLOR=1 on_tty 200 pipeline
	assert_line --index 0 --regexp '^new \(3\) +contacted \(2\) +replied \(0\) +meeting \(0\) +negotiating \(0\) +won \(1\) +lost \(1\)$'
	assert_line --index 2 --regexp '^Bo \(80\) +Ed \(30\) +\(none\) +\(none\) +\(none\) +Flo \(90\) +Hal \(10\)$'
	assert_line --index 3 'Cy (80)                     Di'
	assert_line --index 4 'Ana (50)'
	assert_line --index 5 'rc=0'
	fits 200
	NO_COLOR=1 on_tty 200 pipeline --top 1 --operator 1
	assert_line --index 0 --regexp '^new \(2\) +contacted \(1\) +replied \(0\)'
	assert_line --index 2 --regexp '^Bo \(80\) +Di +\(none\)'
	assert_line --index 3 '+1 more'
	assert_line --index 4 'rc=0'
	fits 200
	# no client at all: the counts alone
	NO_COLOR=1 on_tty 200 pipeline --top 0
	assert_line --index 2 --regexp '^\+3 more +\+2 more +\(none\)'
	fits 200
}

@test "a narrow terminal: a stage a band, names cut, none wider; bold header unless NO_COLOR" {
	clients
	NO_COLOR=1 on_tty 12 pipeline --top 1 --stage new
	assert_line --index 0 'new (3)'
	assert_line --index 1 '────────────'
	assert_line --index 2 'Bo (80)'
	assert_line --index 3 '+2 more'
	assert_line --index 4 'contact… (0)'
	fits 12
	on_tty 80 pipeline --top 1
	assert_line --index 0 --partial $'\e[1mnew (3)'
	NO_COLOR=1 on_tty 80 pipeline --top 1
	[[ $output != *$'\e'* ]] || fail "an escape with NO_COLOR: $output"
}

@test "the table format in a pipe fits \$COLUMNS, else 80" {
	clients
	crm -q client add --name "$(printf 'Long%.0s' $(seq 20))" --stage new --viability 99 >/dev/null
	COLUMNS=50 crm_ok pipeline --format table
	assert_line --index 0 --regexp '^new \(4\) +contacted \(2\)$'
	assert_line --index 2 'LongLongLongLongLo… (99)  Ed (30)'
	fits 50
	crm_ok pipeline --format table
	assert_line --index 0 --regexp '^new \(4\) +contacted \(2\) +replied \(0\) +meeting \(0\)$'
	fits 80
}

@test "errors: a usage error 64, bad data 65, no database 66; nothing on stdout" {
	crm_fails 66 pipeline
	assert_equal "$stderr" "crm: database '$CRM_DB' does not exist; 'crm init' creates it"
	assert [ ! -e "$CRM_DB" ]
	crm -q init
	crm_fails 64 pipeline --frobnicate
	stderr_usage "crm: pipeline: unknown option '--frobnicate'"
	crm_fails 64 pipeline --sort id
	stderr_usage "crm: pipeline: unknown option '--sort'"
	crm_fails 64 pipeline --limit 3
	stderr_usage "crm: pipeline: unknown option '--limit'"
	crm_fails 64 pipeline new
	stderr_usage "crm: pipeline: unexpected argument 'new'"
	crm_fails 64 pipeline --top many
	stderr_usage "crm: pipeline: option '--top' takes a whole number, not 'many'"
	crm_fails 64 pipeline --format ids
	stderr_has "format 'ids' is for lists"
	crm_fails 64 pipeline --status gone
	stderr_has "'gone' is not one of its values"
	crm_fails 65 pipeline --stage nope
	assert_equal "$stderr" "crm: stage 'nope': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
	crm_fails 65 pipeline --channel pigeon --format table
	stderr_has "channel 'pigeon'"
	crm_fails 65 pipeline --since someday
	assert_equal "$stderr" "crm: pipeline: --since 'someday': not a time (use $TIME_FORMS)"
}

@test "pipeline --help, the man page's synopsis and the command table agree" {
	crm_ok pipeline --help
	assert_line --index 0 'usage: crm pipeline [client filters] [--top N] [options]'
	assert_line --partial -- '--top N'
	refute_line --partial -- '--sort'
	grep -q '^\.Op Fl -top Ar n$' "$TOP/man/crm-pipeline.1"
	crm_ok help
	assert_line --regexp '^  pipeline +the board'
}
