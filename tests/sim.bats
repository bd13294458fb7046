#!/usr/bin/env bats
# A simulated week of the bot's loop (tests/simweek.sh): due, send, comm
# log, with replies, unsubscribes, bounces and forgets at random.
bats_require_minimum_version 1.5.0
load helper

@test "a simulated week of the bot: no contact after a stop, past max touches, in quiet hours or early" {
	run --separate-stderr "$TOP/tests/simweek.sh" "$TOP/crm" 20261201
	assert_success
	assert_equal "$stderr" ''
	assert_line --regexp $'^contacts\t[1-9][0-9]+$'
	assert_line --regexp $'^replies\t[1-9][0-9]*$'
	assert_line --regexp $'^unsubscribes\t[1-9][0-9]*$'
	assert_line --regexp $'^bounces\t[1-9][0-9]*$'
	assert_line --regexp $'^forgets\t[1-9][0-9]*$'
	assert_line $'violations\t0'
}
