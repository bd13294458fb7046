#!/usr/bin/env bats
# What every batch input shares (comm log -, lead import, client import):
# the reject file, hostile input, caps.
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
	crm -q client add --name A --email a@x.test >/dev/null
	event='{"client_id":1,"channel":"email","external_id":"e1"}'
	bad='{"client_id":9,"channel":"email"}'
}

# the database is whole and holds what it held
db_intact() {
	assert_equal "$(sqlite3 "$CRM_DB" 'PRAGMA integrity_check')" ok
	crm_ok client list --format ids
	assert_output 1
}

@test "a reject file that is the database is refused (64) before anything is written" {
	for cmd in "comm log" "lead import" "client import"; do
		crm_fails 64 $cmd - --reject-file "$CRM_DB" <<< "$event"
		assert_equal "$stderr" "crm: reject file '$CRM_DB': is the database; name another file"
		db_intact
	done
}

@test "a reject file that names the database through a link, or its -wal, -shm, -journal, is refused (64)" {
	ln -s "$CRM_DB" link.db
	ln "$CRM_DB" hard.db
	for f in link.db hard.db; do
		crm_fails 64 comm log - --reject-file "$f" <<< "$event"
		assert_equal "$stderr" "crm: reject file '$f': is the database; name another file"
	done
	for x in wal shm journal; do
		crm_fails 64 comm log - --reject-file "$CRM_DB-$x" <<< "$event"
		assert_equal "$stderr" "crm: reject file '$CRM_DB-$x': is the database's -$x file; name another file"
	done
	db_intact
	[ -L link.db ]
}

@test "a reject file that is the input is refused (64): the input is left whole" {
	printf 'external_id,title\na,b\n' > leads.csv
	cp leads.csv before.csv
	crm_fails 64 lead import leads.csv --reject-file leads.csv
	assert_equal "$stderr" "crm: reject file 'leads.csv': is the input; name another file"
	cmp leads.csv before.csv
	echo "$event" > f
	crm_fails 64 comm log - --reject-file f < f
	assert_equal "$stderr" "crm: reject file 'f': is the input; name another file"
	assert_equal "$(cat f)" "$event"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
}

@test "an aborted batch (--max-errors) leaves an existing reject file as it was" {
	echo old > rej.tsv
	crm_fails 65 comm log - --reject-file rej.tsv --max-errors 1 < <(printf '%s\n' "$event" "$bad" "$bad")
	assert_equal "$stderr" 'crm: stdin:3: client 9: not found'
	assert_equal "$(cat rej.tsv)" old
	assert_equal "$(ls -A | grep -c rej.tsv)" 1    # no temporary file left
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
}

@test "a stored batch replaces the reject file whole, keeping its mode; a new one is 0600" {
	printf 'old\nold\nold\n' > rej.tsv
	chmod 640 rej.tsv
	crm_says 'comm log: 1 logged, 0 duplicates, 1 rejected' \
		comm log - --reject-file rej.tsv < <(printf '%s\n' "$event" "$bad")
	assert_equal "$(cat rej.tsv)" "2	client 9: not found	$bad"
	assert_equal "$(stat -c %a rej.tsv)" 640
	crm_fails 65 comm log - --reject-file new.tsv <<< "$bad"
	assert_equal "$stderr" $'comm log: 0 logged, 0 duplicates, 1 rejected\ncrm: stdin: nothing stored: 1 bad record'
	assert_equal "$(stat -c %a new.tsv)" 600
	assert_equal "$(cat new.tsv)" "1	client 9: not found	$bad"
}

@test "a reject file through a link is written where the link points; /dev/null is written in place" {
	mkdir out
	ln -s out/rej.tsv rej.tsv
	crm_says 'comm log: 1 logged, 0 duplicates, 1 rejected' \
		comm log - --reject-file rej.tsv < <(printf '%s\n' "$event" "$bad")
	[ -L rej.tsv ]
	assert_equal "$(cat out/rej.tsv)" "2	client 9: not found	$bad"
	crm_fails 65 comm log - --reject-file /dev/null <<< "$bad"
	assert [ -c /dev/null ]
	assert_equal "$stderr" $'comm log: 0 logged, 0 duplicates, 1 rejected\ncrm: stdin: nothing stored: 1 bad record'
}

@test "a reject file in a folder that does not exist is refused (73) and nothing is stored" {
	crm_fails 73 comm log - --reject-file nowhere/rej.tsv <<< "$event"
	assert_equal "$stderr" "crm: reject file 'nowhere/rej.tsv': No such file or directory"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
}

@test "a JSON array on stdin is bad data (65) with a hint, not '0 logged'" {
	crm_fails 65 comm log - <<< '[1,2,3]'
	assert_output ''
	assert_equal "$stderr" "crm: stdin:1: a JSON array: crm reads JSON Lines, one object a line (jq -c '.[]')"
	crm_fails 65 comm log - --input-format jsonl <<< "[$event]"
	assert_equal "$stderr" "crm: stdin:1: invalid JSON at column 1: expected a JSON object, not an array: crm reads JSON Lines, one object a line (jq -c '.[]')"
	# even with a reject file: no record can be read
	crm_fails 65 comm log - --reject-file rej.tsv <<< $'[\n'"$event"$'\n]'
	assert_equal "$stderr" "crm: stdin:1: a JSON array: crm reads JSON Lines, one object a line (jq -c '.[]')"
	[ ! -e rej.tsv ]
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
}

@test "a line that is not JSON and not a header with a column crm reads is bad data (65)" {
	crm_fails 65 comm log - <<< 'garbage'
	assert_equal "$stderr" "crm: stdin:1: header: no column crm reads (client_id, lead_id, email, phone, source_url, channel, ...); is this CSV?"
	crm_fails 65 lead import - <<< $'foo\tbar'
	assert_equal "$stderr" "crm: stdin:1: header: no column crm reads (external_id, source_url, listing_hash, contact_email, ...); is this TSV?"
	crm_fails 65 client import - <<< 'what,ever'
	assert_equal "$stderr" "crm: stdin:1: header: no column crm reads (name, email, phone, first_name, last_name, ...); is this CSV?"
	# --map makes a column one that crm reads
	crm_says 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' client import --map what=name - <<< $'what,ever\nBo,1'
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT custom FROM clients WHERE name = 'Bo'")" '{"ever":1}'
}

@test "a key twice in an event is bad data (65): the event is not logged to the last one" {
	crm -q client add --name C2 --email c2@ex.com >/dev/null
	crm_fails 65 comm log - <<< '{"email":"a@x.test","email":"c2@ex.com","channel":"email"}'
	assert_equal "$stderr" "crm: stdin:1: invalid JSON at column 21: key 'email' is there twice"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications')" 0
	# a duplicated CSV header is refused as it was
	crm_fails 65 comm log - <<< $'email,email,channel\na@x.test,c2@ex.com,email'
	assert_equal "$stderr" "crm: stdin:1: header: column 'email' is there twice"
}

@test "a lead's raw column with a key twice is bad data (65)" {
	crm_fails 65 lead import - <<< '{"external_id":"l1","raw":{"a":1,"a":2}}'
	assert_equal "$stderr" "crm: stdin:1: invalid JSON at column 34: key 'a' is there twice"
	crm_fails 65 lead import - <<< $'external_id,raw\nl1,"{""a"":{""b"":1,""b"":2}}"'
	assert_equal "$stderr" "crm: stdin:2: raw '{\"a\":{\"b\":1,\"b\":2}}': invalid JSON at column 13: key 'b' is there twice"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM leads')" 0
}

@test "invalid UTF-8 in JSON, CSV or TSV input is bad data (65) with its line and byte" {
	for bad in $'\xff\xfe' $'\xc0\xaf' $'\xed\xa0\x80'; do
		crm_fails 65 comm log - <<< "$event"$'\n{"client_id":1,"channel":"email","body":"x'"$bad"'"}'
		assert_equal "$stderr" 'crm: stdin:2: invalid UTF-8 on line 2 at byte 43'
		crm_fails 65 client import - <<< $'name,notes\nA,"two\nlines'"$bad"'"'
		assert_equal "$stderr" 'crm: stdin:2: invalid UTF-8 on line 3 at byte 6'
		crm_fails 65 lead import - <<< $'external_id\ttitle\nl1\tt'"$bad"
		assert_equal "$stderr" 'crm: stdin:2: invalid UTF-8 on line 2 at byte 5'
	done
	# in a header: nothing can be read
	crm_fails 65 client import - <<< $'name,n\xffotes\nA,b'
	assert_equal "$stderr" 'crm: stdin:1: invalid UTF-8 on line 1 at byte 7 (the header)'
	# with a reject file, the line goes there and the others are stored
	crm_says 'comm log: 1 logged, 0 duplicates, 1 rejected' \
		comm log - --reject-file rej.tsv <<< "$event"$'\n{"client_id":1,"channel":"email","body":"\xff"}'
	assert_equal "$(cut -f1,2 rej.tsv)" $'2\tinvalid UTF-8 on line 2 at byte 42'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM communications; SELECT count(*) FROM clients')" $'1\n1'
}

@test "what is read is stored in NFC" {
	crm_says 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' \
		client import - <<< $'name,notes,tags,piso\nNu\xcc\x81n\xcc\x83ez,Ma\xcc\x81laga,vie\xcc\x81w,3\xcc\x81'
	run sqlite3 "$CRM_DB" "SELECT name, notes, custom FROM clients WHERE id = 2; SELECT tag FROM client_tags"
	assert_success
	assert_output $'N\xc3\xba\xc3\xb1ez|M\xc3\xa1laga|{"piso":"3\xcc\x81"}\nvi\xc3\xa9w'
	crm_says 'comm log: 1 logged, 0 duplicates, 0 rejected' \
		comm log - <<< $'{"client_id":1,"channel":"email","subject":"Ma\xcc\x81laga"}'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT subject FROM communications')" $'M\xc3\xa1laga'
}

@test "two keys that differ only in their Unicode normal form are one key twice (65)" {
	crm_fails 65 comm log - <<< $'{"client_id":1,"channel":"email","Jos\xc3\xa9":1,"Jose\xcc\x81":2}'
	assert_equal "$stderr" $'crm: stdin:1: key \'Jos\xc3\xa9\' is there twice (in Unicode NFC)'
	crm_fails 65 client import - <<< $'name,Jos\xc3\xa9,Jose\xcc\x81\nA,1,2'
	assert_equal "$stderr" $'crm: stdin:1: header: column \'Jos\xc3\xa9\' is there twice'
}

@test "a NUL byte in a record is bad data (65), in every format" {
	crm_fails 65 comm log - < <(printf '{"client_id":1,"channel":"email","body":"a\0b"}\n')
	assert_equal "$stderr" 'crm: stdin:1: a NUL byte in the record'
	crm_fails 65 lead import - < <(printf 'external_id\ttitle\nl1\ta\0b\n')
	assert_equal "$stderr" 'crm: stdin:2: a NUL byte in the record'
}

@test "a record of 4096 fields is read; 4097 is bad data (65), in linear time" {
	cols=$(seq -f 'c%g' 1 4095 | paste -sd,)
	vals=$(seq 1 4095 | sed 's/.*/v/' | paste -sd,)
	crm_says 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' client import - <<< "name,$cols"$'\n'"Wide,$vals"
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT json_array_length(json_group_array(key)) FROM clients, json_each(custom) WHERE name = 'Wide'")" 4095
	crm_fails 65 client import - <<< "name,x,$cols"$'\n'"Wider,1,$vals"
	assert_equal "$stderr" 'crm: stdin:1: more than 4096 fields (the header)'
	crm_fails 65 client import - <<< "name,x"$'\n'"A,$vals,1,1"
	assert_equal "$stderr" 'crm: stdin:2: more than 4096 fields'
	# a million columns or keys: refused at once, not after minutes
	seq -f 'c%g' 1 1000000 | paste -sd, > wide.csv
	run --separate-stderr timeout 20 crm client import wide.csv
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" 'crm: wide.csv:1: more than 4096 fields (the header)'
	{ printf '{'; seq -f '"k%g":1,' 1 1000000 | tr -d '\n'; printf '"channel":"email"}\n'; } > wide.jsonl
	run --separate-stderr timeout 20 crm comm log - < wide.jsonl
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" 'crm: stdin:1: invalid JSON at column 39855: more than 4096 keys in one record'
}

@test "a header with many columns twice is found in linear time" {
	{ seq -f 'c%g' 1 4000 | paste -sd,; } > dup.csv
	sed -i 's/$/,c17,name/' dup.csv
	run --separate-stderr timeout 10 crm client import dup.csv
	assert_failure 65
	assert_output ''
	assert_equal "$stderr" "crm: dup.csv:1: header: column 'c17' is there twice"
}

@test "a line longer than 16 MiB is bad data (65) and memory stays bounded" {
	head -c 64000000 /dev/zero | tr '\0' x > long
	{ printf '{"client_id":1,"channel":"email","body":"'; cat long; printf '"}\n%s\n' "$event"; } > long.jsonl
	crm_fails 65 comm log - < long.jsonl
	assert_equal "$stderr" 'crm: stdin:1: line 1 is longer than 16 MiB'
	run --separate-stderr /usr/bin/time -f '%M' crm -q comm log - --reject-file rej.tsv < long.jsonl
	assert_success
	assert_output ''
	# crm says nothing: stderr is time's line alone, the peak memory in KiB
	assert_regex "$stderr" '^[0-9]+$'
	# a 64 MB line in 16 MiB, and its copy for the reject file (more
	# under the sanitizers)
	(( ${stderr##*$'\n'} < 160000 )) || fail "peak memory ${stderr##*$'\n'} KiB"
	assert_equal "$(cut -f1,2 rej.tsv)" $'1\tline 1 is longer than 16 MiB'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT external_id FROM communications')" e1
	# a CSV record that long: where the next one starts is not known
	{ printf 'name,notes\nA,"'; cat long; printf '"\nB,b\n'; } > long.csv
	crm_fails 65 client import long.csv --reject-file rej2.tsv
	assert_equal "$stderr" 'crm: long.csv:2: a CSV record longer than 16 MiB; the rest of the input is not read'
	crm_ok client list --format ids
	assert_output 1
}

@test "a 2 MB CSV field is read in linear time" {
	{ printf 'name,notes\nA,'; head -c 2000000 /dev/zero | tr '\0' x; printf '\n'; } > big.csv
	run --separate-stderr timeout 10 crm client import big.csv
	assert_success
	assert_output ''
	assert_equal "$stderr" 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected'
	assert_equal "$(sqlite3 "$CRM_DB" "SELECT length(notes) FROM clients WHERE id = 2")" 2000000
}
