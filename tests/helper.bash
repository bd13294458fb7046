# Shared setup for crm's bats tests: a scratch database and home for every
# test, never the user's.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
PATH="${CRM_BIN_DIR:-$TOP}:$PATH"
export PATH TOP

crm_setup() {
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	export CRM_DB="$BATS_TEST_TMPDIR/crm.db"
	export USER=tester
	unset CRM_CONFIG CRM_OPERATOR CRM_NOW CRM_ACTOR XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR
	cd "$BATS_TEST_TMPDIR" || return 1
}

setup() {
	crm_setup
}

# add a client and keep its id in $id
add_client() {
	run --separate-stderr crm client add "$@"
	assert_success
	id=$output
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
