#!/usr/bin/env bats
# crm dnc add|remove|check|list, client forget, and do-not-contact in
# comm log and the leads
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
	printf 'phone:\n  default_region: ES\n' > crm.yaml
	crm client add --name 'Zebulon Quixano' --email Zeb.Quix@Example.test \
		--phone '+34 612 345 678' >/dev/null
	crm client add --name Bo --email bo@x.test >/dev/null
}

q() { sqlite3 "$CRM_DB" "$1"; }
dnc_of() { q "SELECT dnc FROM clients WHERE id = $1"; }

@test "dnc add lists an email as its owner key; check says so by its exit status" {
	crm_says 'dnc add: 1 added, 0 listed already' dnc add ' ZEB.quix@example.TEST ' --reason 'asked by phone'
	crm_ok dnc check zeb.quix@example.test
	assert_output ''
	crm_fails 1 dnc check bo@x.test
	assert_equal "$stderr" ''
	crm_says 'dnc add: 0 added, 1 listed already' dnc add zeb.quix@example.test
	assert_equal "$(q 'SELECT count(*) FROM do_not_contact')" 1
	assert_equal "$(q 'SELECT kind, reason FROM do_not_contact')" 'email|asked by phone'
}

@test "a phone is listed in E.164: any form of the number matches" {
	crm_says 'dnc add: 1 added, 0 listed already' dnc add '612 34 56 78'
	crm_ok dnc check '+34612345678'
	crm_ok dnc check '0034 612-345-678'
	crm_fails 1 dnc check '+34 612 345 679'
	assert_equal "$(q 'SELECT kind FROM do_not_contact')" phone
}

@test "the list keeps HMAC-SHA256 hashes under a random key of the database's own, never an address" {
	crm -q dnc add zeb.quix@example.test 612345678
	key=$(q "SELECT value FROM settings WHERE name = 'dnc_key'")
	assert_regex "$key" '^[0-9a-f]{64}$'
	want=$(printf '%s' zeb.quix@example.test |
		openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -r | cut -d' ' -f1)
	assert_equal "$(q "SELECT hash FROM do_not_contact WHERE kind = 'email'")" "$want"
	# another database has another key, so other hashes
	CRM_DB=other.db crm -q dnc add zeb.quix@example.test
	assert [ "$(sqlite3 other.db "SELECT value FROM settings")" != "$key" ]
	assert [ "$(sqlite3 other.db "SELECT hash FROM do_not_contact")" != "$want" ]
	run grep -a -c -i zeb other.db
	assert_output 0
}

@test "dnc list shows hashes, kinds, reasons and dates in every format, never the address" {
	crm -q dnc add zeb.quix@example.test --reason spam-complaint
	crm -q dnc add '+34 612 345 678'
	for f in tsv csv json jsonl table; do
		crm_ok dnc list --format "$f"
		assert_output --partial spam-complaint
		assert_output --partial phone
		refute_output --partial zeb
		refute_output --partial example
		refute_output --partial 612345678
		refute_output --partial '612 345'
	done
	crm_ok dnc list --format tsv
	assert_line --index 0 $'hash\tkind\treason\tcreated_at'
	assert_equal "${#lines[@]}" 3
	assert_line --index 1 --regexp $'^[0-9a-f]{64}\t(email|phone)\t.*\t2026-11-25T12:00:00Z$'
	crm_fails 64 dnc list --format ids
	stderr_has 'ids'
}

# an empty list: its header alone, and exit 1
empty_list() {
	run --separate-stderr crm dnc list --format tsv
	assert_failure 1
	assert_output $'hash\tkind\treason\tcreated_at'
	assert_equal "$stderr" ''
}

@test "dnc list of an empty list exits 1; dnc remove takes a value off" {
	empty_list
	crm -q dnc add bo@x.test
	crm_says 'dnc remove: 1 removed, 0 not listed' dnc remove BO@x.test
	crm_fails 1 dnc check bo@x.test
	crm_fails 1 dnc remove bo@x.test
	assert_equal "$stderr" 'crm: dnc remove: the value is not on do-not-contact'
	empty_list
}

@test "dnc add - reads values from stdin in one transaction" {
	run --separate-stderr crm dnc add - <<'IN'
zeb.quix@example.test

+34 612 345 678
bo@x.test
IN
	assert_success
	assert_output ''
	assert_equal "$stderr" 'dnc add: 3 added, 0 listed already'
	printf 'bo@x.test\n612345678\n' | crm dnc check -
	run crm dnc check - <<< $'bo@x.test\nnew@x.test'
	assert_failure 1
}

@test "dnc add - of an empty input adds nothing and makes no key" {
	run --separate-stderr crm dnc add - < /dev/null
	assert_success
	assert_output ''
	assert_equal "$stderr" 'dnc add: 0 added, 0 listed already'
	assert_equal "$(q 'SELECT count(*) FROM settings')" 0
}

@test "dnc errors: no value (64), neither email nor phone (65), unknown option (64)" {
	crm_fails 64 dnc add
	stderr_usage "crm: dnc add: an email, a phone or '-' is required"
	crm_fails 65 dnc add hello
	assert_equal "$stderr" "crm: dnc add: 'hello': neither an email address nor a phone number"
	crm_fails 65 dnc check 'a@b'
	stderr_has "not an email address"
	crm_fails 65 dnc add 12
	assert_equal "$stderr" "crm: dnc add: '12': neither an email address nor a phone number"
	crm_fails 64 dnc add x@y.test --why spam
	stderr_has "unknown option '--why'"
	crm_fails 64 dnc list extra
	stderr_usage "crm: dnc list: unexpected argument 'extra'"
	empty_list
	assert_equal "$(q 'SELECT count(*) FROM do_not_contact')" 0
}

@test "hostile input on stdin: a bad line stores nothing, and says its line" {
	run --separate-stderr crm dnc add - < <(printf 'bo@x.test\nzeb\0@example.test\n')
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" 'crm: stdin:2: a NUL byte in the line'
	run --separate-stderr crm dnc add - < <(printf 'bo@x.test\n\xff\xfe@x.test\n')
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" 'crm: stdin:2: email: not valid UTF-8 (byte 1)'
	run --separate-stderr crm dnc add - < <(printf 'bo@x.test\nrm -rf /\n')
	assert_failure 65
	assert_equal "$stderr" "crm: stdin:2: 'rm -rf /': neither an email address nor a phone number"
	assert_equal "$(q 'SELECT count(*) FROM do_not_contact')" 0
	assert_equal "$(q 'SELECT count(*) FROM settings')" 0
}

@test "a listed client has dnc 1, with a history row; removing both addresses clears it" {
	crm -q dnc add zeb.quix@example.test 612345678 --reason complaint
	assert_equal "$(dnc_of 1)" 1
	assert_equal "$(dnc_of 2)" 0
	crm_ok client history 1 --format tsv
	assert_line --index 2 $'2026-11-25T12:00:00Z\ttester\tdnc\tdnc\t0\t1\tcomplaint'
	crm -q dnc remove zeb.quix@example.test
	assert_equal "$(dnc_of 1)" 1     # the phone is listed still
	crm -q dnc remove 612345678
	assert_equal "$(dnc_of 1)" 0
}

@test "a client added or edited with a listed address gets dnc 1, and 0 when it changes" {
	crm -q dnc add cy@x.test
	crm -q client add --name Cy --email CY@x.test
	assert_equal "$(dnc_of 3)" 1
	crm -q client edit 3 --email cy2@x.test
	assert_equal "$(dnc_of 3)" 0
	crm -q client edit 2 --email cy@x.test
	assert_equal "$(dnc_of 2)" 1
	printf 'name,email\nDi,cy@x.test\nEd,ed@x.test\n' > c.csv
	CRM_OPERATOR=2 crm -q client import c.csv
	assert_equal "$(q "SELECT dnc FROM clients WHERE name IN ('Di', 'Ed') ORDER BY name")" $'1\n0'
}

@test "an inbound unsubscribe lists the client's email and phone, and moves no stage" {
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' \
		comm log 1 --channel email --direction in --kind unsubscribe
	crm_ok dnc check zeb.quix@example.test 612345678
	assert_equal "$(dnc_of 1)" 1
	assert_equal "$(q 'SELECT DISTINCT reason FROM do_not_contact')" unsubscribe
	assert_equal "$(q 'SELECT c.stage, m.status FROM clients c JOIN communications m ON m.client_id = c.id')" 'new|received'
	crm_ok __complete comm log 1 --kind un
	assert_line --index 9 unsubscribe
}

@test "an outbound bounce lists the client, unless automation.bounce_to_dnc is false" {
	crm -q comm log bo@x.test --channel email --status bounced
	crm_ok dnc check bo@x.test
	assert_equal "$(q 'SELECT reason FROM do_not_contact')" bounced
	assert_equal "$(dnc_of 2)" 1
	printf 'automation:\n  bounce_to_dnc: false\n' > crm.yaml
	crm -q comm log 1 --channel email --status bounced
	crm_fails 1 dnc check zeb.quix@example.test
	assert_equal "$(dnc_of 1)" 0
	crm_ok config get automation.bounce_to_dnc
	assert_output false
	printf 'automation:\n  bounce_to_dnc: sometimes\n' > crm.yaml
	crm_fails 78 dnc list
	stderr_has "'automation.bounce_to_dnc' must be true or false"
}

@test "in a batch, what one event lists the next ones see" {
	printf 'external_id,operator_id,contact_name,contact_email\nL9,2,Zeb elsewhere,zeb.quix@example.test\n' |
		crm -q lead import
	run --separate-stderr crm comm log - --reject-file rej.tsv <<'IN'
{"client_id":1,"channel":"email","direction":"in","kind":"unsubscribe","external_id":"u1"}
{"lead_id":"L9","channel":"email","external_id":"f1"}
{"email":"bo@x.test","channel":"email","status":"bounced","external_id":"b1"}
{"client_id":2,"channel":"email","external_id":"n1"}
IN
	assert_success
	assert_output ''
	stderr_has 'comm log: 3 logged, 0 duplicates, 1 rejected'
	assert_equal "$(cut -f1,2 rej.tsv)" $'2\tlead \'L9\': suppressed; it is never promoted nor contacted'
	assert_equal "$(q 'SELECT count(*) FROM clients')" 2
	assert_equal "$(q 'SELECT id, dnc FROM clients ORDER BY id')" $'1|1\n2|1'
	crm_ok dnc check bo@x.test zeb.quix@example.test
}

@test "a lead of a listed owner is imported suppressed, never promoted, refused as a first contact" {
	crm -q dnc add ana@y.test
	printf 'external_id,contact_name,contact_email,status\nA1,Ana,ANA@y.test,new\nB1,Bea,bea@y.test,new\n' > l.csv
	crm_says 'lead import: 2 inserted, 0 updated, 0 unchanged, 0 rejected' lead import l.csv
	assert_equal "$(q 'SELECT external_id, status FROM leads ORDER BY id')" $'A1|suppressed\nB1|new'
	crm_fails 65 lead promote A1
	assert_equal "$stderr" "crm: lead 'A1': suppressed; it is never promoted nor contacted"
	crm_fails 65 lead promote B1 A1
	assert_equal "$(q 'SELECT count(*) FROM clients')" 2
	crm_fails 65 comm log - <<< '{"email":"ana@y.test","channel":"email"}'
	assert_equal "$stderr" "crm: stdin:1: lead 'A1': suppressed; it is never promoted nor contacted"
	# with a reject file the event goes there, the others are stored
	run --separate-stderr crm comm log - --reject-file rej.tsv <<'IN'
{"lead_id":"A1","channel":"email"}
{"lead_id":"B1","channel":"email"}
IN
	assert_success
	stderr_has 'comm log: 1 logged, 0 duplicates, 1 rejected'
	assert_equal "$(cut -f1,2 rej.tsv)" $'1\tlead \'A1\': suppressed; it is never promoted nor contacted'
	assert_equal "$(q 'SELECT count(*) FROM clients')" 3
}

@test "listing an address suppresses the leads not yet promoted that have it" {
	printf 'external_id,contact_name,contact_phone\nP1,Pat,612000111\n' | crm -q lead import
	crm -q dnc add '+34 612 000 111'
	assert_equal "$(q 'SELECT status FROM leads')" suppressed
	crm_fails 65 lead promote P1
	# a person may set it back; the owner is still listed
	crm -q lead status P1 new
	crm_fails 65 lead promote P1
	assert_equal "$stderr" "crm: lead 'P1': its owner is on do-not-contact; it is never promoted nor contacted"
}

@test "an event for a listed address nobody has is refused, saying why" {
	crm -q dnc add gone@x.test
	crm_fails 65 comm log - <<< '{"email":"gone@x.test","channel":"email"}'
	assert_equal "$stderr" 'crm: stdin:1: email: on do-not-contact; no first contact'
}

# a client with personal data everywhere: notes, history, tags, custom
# fields, a communication, a listing, a lead, the search index
person() {
	crm -q client edit 1 --note 'call Zeb.Quix@Example.test, Yrsa knows' --tag quixano-vip \
		--set nickname=Zebby --lost-reason 'Quixano moved'
	crm -q client stage 1 contacted --reason 'Zebulon answered'
	crm -q comm log 1 --channel email --subject 'Hola Zebulon' --body 'zeb.quix@example.test'
	printf 'external_id,contact_name,contact_email,source_url,raw.note\nL1,Zebulon Q,zeb.quix@example.test,https://l.test/1,Quixano again\n' |
		crm -q lead import
	crm -q lead promote L1 >/dev/null
	crm -q client edit 1 --email zeb.quix@example.test
}

@test "client forget erases the person and leaves their addresses on do-not-contact" {
	person
	crm_ok client list --q quixano --format ids
	assert_output 1
	crm_says 'client forget: 1 client forgotten; its email and phone on do-not-contact' \
		client forget zeb.quix@example.test
	assert_equal "$(q 'SELECT name, email, phone, notes, custom, status, automation_enabled, dnc, lost_reason FROM clients WHERE id = 1')" \
		'[forgotten]||||{}|forgotten|0|1|'
	assert_equal "$(q 'SELECT count(*) FROM communications')" 0
	assert_equal "$(q 'SELECT count(*) FROM client_listings')" 0
	assert_equal "$(q 'SELECT count(*) FROM client_tags')" 0
	assert_equal "$(q 'SELECT status, contact_name, contact_email, raw FROM leads')" 'suppressed|||{}'
	crm_ok dnc check zeb.quix@example.test 612345678
	assert_equal "$(q 'SELECT DISTINCT reason FROM do_not_contact')" forget
	# nobody finds them again: by search, by email, by phone
	run --separate-stderr crm client list --q quixano --format ids
	assert_failure 1
	crm_fails 1 client show zeb.quix@example.test
	crm_fails 1 client show 612345678
	# Bo is untouched
	assert_equal "$(q 'SELECT name, dnc, status FROM clients WHERE id = 2')" 'Bo|0|active'
}

@test "client forget keeps one history row of it, and nothing personal in the history" {
	person
	crm -q client forget 1
	crm_ok client history 1 --format tsv
	assert_line --index -1 $'2026-11-25T12:00:00Z\ttester\tforget\t\t\t\t'
	[[ ${output,,} != *zeb* && ${output,,} != *quix* && $output != *612* ]] ||
		fail "the history still names the person: $output"
	assert_output --partial $'stage\tstage\tnew\tcontacted\t[forgotten]'
	assert_equal "$(q "SELECT count(*) FROM activity_logs WHERE action = 'forget'")" 1
}

@test "after client forget no byte of the email is left in the database or its WAL" {
	person
	# a second connection keeps the WAL file in place while crm runs
	coproc reader { sqlite3 "$CRM_DB"; }
	pid=$reader_PID
	echo 'SELECT count(*) FROM clients;' >&"${reader[1]}"
	read -r n <&"${reader[0]}"
	assert_equal "$n" 2
	crm -q comm log 2 --channel email --body 'nothing of Zeb here'
	grep -a -q -i 'zeb.quix@example.test' crm.db crm.db-wal || fail "the test saw no email before"
	# the words of the search index too (yrsa shares its start with none)
	grep -a -q -i yrsa crm.db crm.db-wal || fail "the test saw no word before"
	crm_silent -q client forget 1
	[ -e "$CRM_DB-wal" ] || fail "no WAL file: the test proves nothing"
	run grep -a -c -i -e 'zeb.quix@example' -e 'zebulon' -e 'quixano' -e yrsa crm.db crm.db-wal
	assert_output $'crm.db:0\ncrm.db-wal:0'
	# the reader ends cleanly once its input is closed
	exec {reader[1]}>&-
	wait "$pid"
}

@test "client forget - takes clients from stdin; a forgotten client gets no event" {
	run --separate-stderr crm client forget - <<< $'zeb.quix@example.test\nbo@x.test'
	assert_success
	assert_equal "$stderr" 'client forget: 2 clients forgotten; their email and phone on do-not-contact'
	assert_equal "$(q "SELECT count(*) FROM clients WHERE status = 'forgotten'")" 2
	# out of sight, as archived clients are
	run --separate-stderr crm client list --format ids
	assert_failure 1
	crm_ok client list --all --format ids
	assert_output $'1\n2'
	crm_ok client list --status forgotten --format ids
	assert_output $'1\n2'
	crm_fails 65 comm log 1 --channel email --kind note
	assert_equal "$stderr" 'crm: client 1: forgotten; nothing is logged for it'
	assert_equal "$(q 'SELECT count(*) FROM communications')" 0
	# the owner comes back as a lead: suppressed
	printf 'external_id,contact_email\nR1,bo@x.test\n' | crm -q lead import
	assert_equal "$(q "SELECT status FROM leads WHERE external_id = 'R1'")" suppressed
}

@test "client forget errors: no client (64), unknown client (1), nothing changed" {
	crm_fails 64 client forget
	stderr_usage "crm: client forget: clients (id, email or phone) or '-' are required"
	crm_fails 1 client forget 1 nobody@x.test
	assert_equal "$stderr" "crm: client 'nobody@x.test': not found"
	crm_fails 1 client forget - <<< $'1\n77'
	assert_equal "$stderr" "crm: stdin:2: client '77': not found"
	assert_equal "$(q "SELECT count(*) FROM clients WHERE status = 'forgotten'")" 0
	assert_equal "$(q 'SELECT count(*) FROM do_not_contact')" 0
}

@test "the completion offers dnc's subcommands and options, and client forget" {
	crm_ok __complete dnc ''
	assert_output $'add\nremove\ncheck\nlist'
	crm_ok __complete dnc add --re
	assert_line --index 0 -- '--reason'
	crm_ok __complete client fo
	assert_line forget
	crm_ok help dnc
	assert_line --partial '  check      exit 0 when the values are on do-not-contact, 1 if not'
}

@test "client forget over bulk.confirm asks on the terminal; --yes goes ahead" {
	command -v script >/dev/null || skip "script(1) is needed for a terminal"
	crm -q client add --name Cy >/dev/null
	printf 'bulk:\n  confirm: 2\n' > crm.yaml
	printf '1\n2\n3\n' > ids
	run bash -c "printf 'n\n' | script -qec 'crm client forget - < ids > out 2> err; echo rc=\$?' /dev/null"
	assert_success
	assert_output --partial 'crm: client forget: change 3 clients? [y/N]'
	assert_output --partial 'rc=1'
	assert_equal "$(cat out)" ''
	assert_equal "$(cat err)" 'crm: client forget: not confirmed; nothing changed'
	assert_equal "$(q "SELECT count(*) FROM clients WHERE status = 'forgotten'")" 0
	run bash -c "script -qec 'crm client forget - --yes < ids > out 2> err; echo rc=\$?' /dev/null < /dev/null"
	assert_output $'rc=0\r'
	assert_equal "$(cat err)" 'client forget: 3 clients forgotten; their email and phone on do-not-contact'
	assert_equal "$(q "SELECT count(*) FROM clients WHERE status = 'forgotten'")" 3
}
