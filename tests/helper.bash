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
