# Shared setup for crm's bats tests: a scratch database and home for every
# test, never the user's.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
# the schema version this crm makes (lib/migrate.c)
SCHEMA=6
PATH="${CRM_BIN_DIR:-$TOP}:$PATH"
export PATH TOP

crm_setup() {
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	export CRM_DB="$BATS_TEST_TMPDIR/crm.db"
	export USER=tester
	unset CRM_CONFIG CRM_OPERATOR CRM_NOW CRM_ACTOR XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR
	# a time typed without a zone is local: UTC unless a test sets another
	export TZ=UTC
	cd "$BATS_TEST_TMPDIR" || return 1
}

setup() {
	crm_setup
}

# add a client and keep its id in $id
add_client() {
	run --separate-stderr crm client add "$@"
	assert_success
	assert_output --regexp '^[1-9][0-9]*$'
	assert_equal "$stderr" ''
	id=$output
}

# wait for the background process PID, whose exit status must be one of
# CODES (137: killed by SIGKILL, 143: by SIGTERM)
reap() {
	local pid=$1 rc=0
	shift
	wait "$pid" || rc=$?
	[[ " $* " == *" $rc "* ]] || fail "process $pid exited $rc, not ${*// / or }"
}

# kill -9 the background process PID: it must die of it, or have ended
# already with exit 0
kill9() {
	if kill -9 "$1" 2>/dev/null; then
		reap "$1" 137 0
	else
		reap "$1" 0
	fi
}

# stderr of the last `run --separate-stderr` has TEXT in it
stderr_has() {
	[[ $stderr == *"$1"* ]] || fail "stderr has no '$1': $stderr"
}

# line N (from 0) of that stderr is TEXT
stderr_line() {
	local -a l
	mapfile -t l <<< "$stderr"
	[[ ${l[$1]-} == "$2" ]] || fail "stderr line $1 is '${l[$1]-}', not '$2'"
}

# run crm, stdout and stderr apart: it must succeed and say nothing on
# stderr; the caller checks $output
crm_ok() {
	run --separate-stderr crm "$@"
	assert_success
	assert_equal "$stderr" ''
}

# run crm, stdout and stderr apart: it must exit CODE and print nothing on
# stdout; the caller checks $stderr
crm_fails() {
	local code=$1
	shift
	run --separate-stderr crm "$@"
	assert_failure "$code"
	assert_output ''
}

# the stderr of the last run is MSG and then the command's usage line
stderr_usage() {
	stderr_line 0 "$1"
	[[ $stderr == "$1"$'\nusage: crm '* ]] || fail "no usage after '$1': $stderr"
}

# run crm, stdout and stderr apart: it must succeed, print nothing on
# stdout and say MSG on stderr (as a change or a batch tells what it did)
crm_says() {
	local msg=$1
	shift
	run --separate-stderr crm "$@"
	assert_success
	assert_output ''
	assert_equal "$stderr" "$msg"
}

# run crm, stdout and stderr apart: it must succeed and print nothing at
# all (a change made with -q)
crm_silent() {
	crm_says '' "$@"
}

# the time forms that an error about a time lists (CRM_TIME_FORMS)
TIME_FORMS='2026-12-01, 2026-12-01 10:00, 2026-12-01T10:00:00Z, 2026-12-01T10:00+01:00, today, tomorrow, monday, +2d, +3h, 7d, 24h, 30m, 2w'

# Take back from the database at $CRM_DB what schema versions 4 and 5 added, so
# that it reads as version VERSION (1 to 3) would have it, for the tests
# of older databases' migration.
schema_before_4() {
	sqlite3 "$CRM_DB" "DROP INDEX activity_logs_stage;
		DROP INDEX clients_pipeline;
		DROP INDEX clients_automation;
		ALTER TABLE clients DROP COLUMN touches;
		ALTER TABLE clients DROP COLUMN last_touch_at;
		ALTER TABLE clients DROP COLUMN last_touch_channel;
		ALTER TABLE clients DROP COLUMN dnc;
		DROP INDEX activity_logs_change_set;
		ALTER TABLE activity_logs DROP COLUMN change_set;
		DROP TABLE change_sets;
		DROP INDEX notifications_key;
		ALTER TABLE notifications DROP COLUMN key;
		DROP TABLE settings;
		PRAGMA user_version = $1"
}
