#!/usr/bin/env bats
# The command table, `crm help`, the bash completion and the man pages
# must agree, so that none of them can drift from the others.
bats_require_minimum_version 1.5.0
load helper

# the words the completion helper offers after `crm ARGS`, in $words; the
# helper must succeed and say nothing on stderr
complete_words() {
	crm_ok __complete "$@"
	words=$output
}

# every command, in $cmds; there is at least one
commands() {
	complete_words ''
	cmds=$words
	assert [ -n "$cmds" ]
}

@test "every command has its man page and its line in crm help and crm.1" {
	commands
	crm_ok help
	help=$output
	for c in $cmds; do
		assert_regex "$help" "  $c "
		grep -q "^\.It Cm $c\b" "$TOP/man/crm.1" || fail "crm.1 does not list '$c'"
		[ "$c" = help ] && continue
		[ -f "$TOP/man/crm-$c.1" ] || fail "man/crm-$c.1 is missing"
	done
}

@test "every man page belongs to a command" {
	commands
	cmds=" $(tr '\n' ' ' <<< "$cmds") "
	for page in "$TOP"/man/crm-*.1; do
		name=${page##*/crm-}
		name=${name%.1}
		[[ $cmds == *" $name "* ]] || fail "$page documents no command"
	done
}

@test "every subcommand is in its group's help and man page" {
	commands
	groups=0
	for c in $cmds; do
		complete_words "$c" ''
		subs=$words
		[ -n "$subs" ] || continue
		[ "$c" = help ] && continue
		groups=$((groups + 1))
		crm_ok help "$c"
		for s in $subs; do
			assert_regex "$output" "  $s "
			grep -Eq "^\.(It Cm $s|Cm $c $s)\b" "$TOP/man/crm-$c.1" ||
				fail "crm-$c.1 does not document '$s'"
		done
	done
	# client, comm, lead, config and db at least
	(( groups >= 5 )) || fail "only $groups command groups"
}

@test "every option of every subcommand is in its --help and man page" {
	commands
	checked=0
	for c in $cmds; do
		[ "$c" = help ] && continue
		complete_words "$c" ''
		subs=$words
		# a group that runs itself (crm sync) has options of its own
		complete_words "$c" -
		[ -z "$subs" ] || [ "$words" = --help ] || subs="- $subs"
		[ -n "$subs" ] || subs=-
		for s in $subs; do
			if [ "$s" = - ]; then
				complete_words "$c" -
				crm_ok "$c" --help
			else
				complete_words "$c" "$s" -
				crm_ok "$c" "$s" --help
			fi
			help=$output
			assert [ -n "$words" ]
			for o in $words; do
				case $o in --format|--safe-csv|--quiet|--no-pager|--help|--actor) continue ;; esac
				assert_regex "$help" "$o"
				grep -Eq "Fl -${o#--}( |$)" "$TOP/man/crm-$c.1" ||
					fail "crm-$c.1 does not document '$c $s $o'"
				checked=$((checked + 1))
			done
		done
	done
	(( checked >= 50 )) || fail "only $checked options checked"
}

@test "the man pages are clean under mandoc -Tlint" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	run mandoc -Tlint -Wwarning "$TOP"/man/*.1 "$TOP"/man/*.5
	assert_success
	assert_output ''
}

# complete the words of a command line as bash would
complete_line() {
	source "$TOP/completions/crm.bash"
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_crm
	printf '%s\n' "${COMPREPLY[@]}"
}

# what bash offers for a command line; completing succeeds and says
# nothing on stderr
completes() {
	run --separate-stderr complete_line "$@"
	assert_success
	assert_equal "$stderr" ''
}

@test "bash completes commands, subcommands and options" {
	completes crm cl
	assert_output client
	completes crm client ''
	assert_line add
	assert_line stage
	assert_line history
	completes crm client list --st
	assert_line --partial -- '--stage'
	assert_line -- '--stale'
	completes crm --for
	assert_output -- '--format'
	completes crm --format j
	assert_output $'json\njsonl'
	completes crm help cli
	assert_output client
	completes crm help client st
	assert_output stage
}

@test "bash completes the values of sort fields, kinds, statuses and config keys" {
	completes crm client list --sort last_
	assert_output $'last_contacted_at\nlast_interaction_at'
	completes crm client list --due t
	assert_output $'today\ntomorrow'
	completes crm client list --status active,ar
	assert_output active,archived
	completes crm client list --stage new,contacted,re
	assert_output new,contacted,replied
	completes crm client list --stage=new,w
	assert_output --regexp '^(--stage=)?new,won$'
	completes crm comm log 1 --kind fb
	assert_output fb_message
	completes crm comm log 1 --status b
	assert_output bounced
	completes crm lead status 1 con
	assert_output $'contacted\nconverted'
	completes crm config get pipeline.t
	assert_output pipeline.terminal
}

@test "bash completes stage names from the live config" {
	completes crm client list --stage ''
	assert_line new
	assert_line negotiating
	completes crm client stage 1 ''
	assert_line won
	cat > crm.yaml <<'Y'
pipeline:
  stages: [lead, talking, done]
  terminal: [done]
  on_reply: talking
Y
	completes crm client stage 1 ''
	assert_output $'lead\ntalking\ndone'
	mv crm.yaml other.yaml
	completes crm --config other.yaml client add --stage t
	assert_output talking
	completes crm client add --channel f
	assert_output $'form\nfb'
}

@test "the completion helper is hidden and opens no database" {
	crm_ok help
	refute_output --partial __complete
	crm_ok __complete client list --stage ''
	assert_line --index 0 new
	assert [ ! -e "$CRM_DB" ]
}

@test "bash completes the clients' emails where a client is named, and the tags in use, 200 at most" {
	crm -q client add --name A --email ana@x.test --tag sea-view --tag vip >/dev/null
	crm -q client add --name B --email bo@x.test --tag seaside >/dev/null
	completes crm client show a
	assert_output ana@x.test
	completes crm client history b
	assert_output bo@x.test
	completes crm client edit ''
	assert_output $'ana@x.test\nbo@x.test'
	completes crm client stage b
	assert_output bo@x.test
	completes crm client list --tag se
	assert_output $'sea-view\nseaside'
	completes crm client list --tag vip,se
	assert_output $'vip,sea-view\nvip,seaside'
	completes crm client edit 1 --untag v
	assert_output vip
	completes crm client add --name C --tag s
	assert_output $'sea-view\nseaside'
	# 200 at most, from the owner index
	sqlite3 "$CRM_DB" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
		INSERT INTO clients (operator_id, name, email, email_norm, stage, created_at, updated_at)
		SELECT 1, 'c' || i, 'c' || i || '@x.test', 'c' || i || '@x.test', 'new', 'now', 'now' FROM n"
	run --separate-stderr crm __complete client show c
	assert_success
	assert_equal "$stderr" ''
	assert_equal "${#lines[@]}" 200
}

@test "completing a client never creates the database" {
	export CRM_DB="$BATS_TEST_TMPDIR/none/crm.db"
	completes crm client show a
	assert_output ''
	assert [ ! -e "$BATS_TEST_TMPDIR/none" ]
}
