#!/usr/bin/env bats
# The command table, `crm help`, the bash completion and the man pages
# must agree, so that none of them can drift from the others.
bats_require_minimum_version 1.5.0
load helper

commands() { crm __complete ''; }
subcommands() { crm __complete "$1" ''; }
options() { crm __complete "$1" "$2" -; }

@test "every command has its man page and its line in crm help and crm.1" {
	run crm help
	help=$output
	for c in $(commands); do
		assert_regex "$help" "  $c "
		grep -q "^\.It Cm $c\b" "$TOP/man/crm.1" || fail "crm.1 does not list '$c'"
		[ "$c" = help ] && continue
		[ -f "$TOP/man/crm-$c.1" ] || fail "man/crm-$c.1 is missing"
	done
}

@test "every man page belongs to a command" {
	cmds=" $(commands | tr '\n' ' ') "
	for page in "$TOP"/man/crm-*.1; do
		name=${page##*/crm-}
		name=${name%.1}
		[[ $cmds == *" $name "* ]] || fail "$page documents no command"
	done
}

@test "every subcommand is in its group's help and man page" {
	for c in $(commands); do
		subs=$(subcommands "$c")
		[ -n "$subs" ] || continue
		[ "$c" = help ] && continue
		run crm help "$c"
		for s in $subs; do
			assert_regex "$output" "  $s "
			grep -Eq "^\.(It Cm $s|Cm $c $s)\b" "$TOP/man/crm-$c.1" ||
				fail "crm-$c.1 does not document '$s'"
		done
	done
}

@test "every option of every subcommand is in its --help and man page" {
	for c in $(commands); do
		[ "$c" = help ] && continue
		subs=$(subcommands "$c")
		[ -n "$subs" ] || subs=-
		for s in $subs; do
			if [ "$s" = - ]; then
				opts=$(crm __complete "$c" -)
				help=$(crm "$c" --help)
			else
				opts=$(options "$c" "$s")
				help=$(crm "$c" "$s" --help)
			fi
			for o in $opts; do
				case $o in --format|--safe-csv|--quiet|--help|--actor) continue ;; esac
				assert_regex "$help" "$o"
				grep -Eq "Fl -${o#--}( |$)" "$TOP/man/crm-$c.1" ||
					fail "crm-$c.1 does not document '$c $s $o'"
			done
		done
	done
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

@test "bash completes commands, subcommands and options" {
	run complete_line crm cl
	assert_output client
	run complete_line crm client ''
	assert_line add
	assert_line stage
	assert_line history
	run complete_line crm client list --st
	assert_line --partial -- '--stage'
	assert_line -- '--stale'
	run complete_line crm --for
	assert_output -- '--format'
	run complete_line crm --format j
	assert_output $'json\njsonl'
	run complete_line crm help cli
	assert_output client
	run complete_line crm help client st
	assert_output stage
}

@test "bash completes the values of sort fields, kinds, statuses and config keys" {
	run complete_line crm client list --sort last_
	assert_output $'last_contacted_at\nlast_interaction_at'
	run complete_line crm comm log 1 --kind fb
	assert_output fb_message
	run complete_line crm comm log 1 --status b
	assert_output bounced
	run complete_line crm lead status 1 con
	assert_output $'contacted\nconverted'
	run complete_line crm config get pipeline.t
	assert_output pipeline.terminal
}

@test "bash completes stage names from the live config" {
	run complete_line crm client list --stage ''
	assert_line new
	assert_line negotiating
	run complete_line crm client stage 1 ''
	assert_line won
	cat > crm.yaml <<'Y'
pipeline:
  stages: [lead, talking, done]
  terminal: [done]
  on_reply: talking
Y
	run complete_line crm client stage 1 ''
	assert_output $'lead\ntalking\ndone'
	mv crm.yaml other.yaml
	run complete_line crm --config other.yaml client add --stage t
	assert_output talking
	run complete_line crm client add --channel f
	assert_output $'form\nfb'
}

@test "the completion helper is hidden and opens no database" {
	run crm help
	refute_output --partial __complete
	crm __complete client list --stage '' >/dev/null
	assert [ ! -e "$CRM_DB" ]
}
