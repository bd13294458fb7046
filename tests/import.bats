#!/usr/bin/env bats
# crm client import
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
}

# the clients of the database $1 (the test's without it) as JSON Lines,
# without their times, in $clients; there is at least one
clients_of() {
	if [ $# = 0 ]; then
		crm_ok client list --format jsonl
	else
		crm_ok --db "$1" client list --format jsonl
	fi
	clients=$(jq -c 'del(.created_at, .updated_at)' <<< "$output")
	assert [ -n "$clients" ]
}

@test "list --format=csv | import reproduces the clients" {
	crm client add --name 'Ana, "the owner"' --email ana@x.test --stage meeting --tag hot --tag 'sea view' --set rooms=3 --note $'two\nlines' >/dev/null
	crm client add --name Bo --phone 600111222 --channel fb --viability 40 --automation off --ai off >/dev/null
	crm client list --format csv > a.csv
	run --separate-stderr sh -c 'crm client list --format=csv | crm --db other.db client import -'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'client import: 2 inserted, 0 updated, 0 unchanged, 0 rejected'
	clients_of
	want=$clients
	clients_of other.db
	assert_equal "$clients" "$want"
}

@test "tsv and jsonl round-trip too" {
	crm client add --name Ana --email ana@x.test --tag a --set k=v --note $'tab\there' >/dev/null
	for f in tsv jsonl; do
		run --separate-stderr sh -c "crm client list --format $f | crm --db $f.db client import -"
		assert_success
		assert_output ''
		assert_equal "$stderr" 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected'
	done
	clients_of
	want=$clients
	for f in tsv jsonl; do
		clients_of $f.db
		assert_equal "$clients" "$want"
	done
}

@test "importing the same rows again changes nothing; a changed row updates" {
	crm client add --name Ana --email ana@x.test >/dev/null
	crm client list --format csv > c.csv
	crm_says 'client import: 0 inserted, 0 updated, 1 unchanged, 0 rejected' client import c.csv
	crm_says 'client import: 0 inserted, 1 updated, 0 unchanged, 0 rejected' \
		client import - < <(printf 'name,email,stage\nAna M,ANA@x.test,contacted\n')
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.name == "Ana M" and .stage == "contacted"'
	crm_ok client history 1 --format tsv
	assert_line --partial $'stage\tstage\tnew\tcontacted'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 1
}

@test "a HubSpot export with --map; unknown columns become custom fields" {
	cat > hubspot.csv <<'C'
First Name,Last Name,Email,Phone Number,Lifecycle Stage,Company
Ana,García,ana@x.test,+34 600 111 222,lead,Casa SL
Bo,,bo@x.test,,customer,
C
	run --separate-stderr crm client import hubspot.csv --map 'First Name=first_name' --map 'Last Name=last_name' \
		--map Email=email --map 'Phone Number=phone' --map 'Lifecycle Stage=custom.lifecycle_stage'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'client import: 2 inserted, 0 updated, 0 unchanged, 0 rejected'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.name == "Ana García" and .phone == "+34 600 111 222" and .custom == {"lifecycle_stage":"lead","Company":"Casa SL"}'
}

@test "bad rows: all or nothing, or a reject file" {
	printf 'name,email,stage,viability\nA,a@x.test,new,\nB,b@x.test,limbo,\nC,c@x.test,,500\n,,,\n' > bad.csv
	crm_fails 65 client import bad.csv
	assert_equal "$stderr" "crm: bad.csv:3: stage 'limbo': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)
crm: bad.csv:4: viability '500': not a whole number from 0 to 100
crm: bad.csv:5: client: a name, an email or a phone is needed
crm: bad.csv: 3 bad lines, nothing stored"
	crm_fails 1 client list --format ids
	assert_equal "$stderr" ''
	crm_says 'client import: 1 inserted, 0 updated, 0 unchanged, 3 rejected' client import bad.csv --reject-file rej.tsv
	assert_equal "$(cut -f1 rej.tsv | tr '\n' ' ')" '3 4 5 '
}

@test "a reject file holds one line a reject, even for a row that spans lines" {
	printf 'name,email\nA,a@x.test\n"B\nb","b\tad"\nC,c@x.test\n' > multi.csv
	crm_says 'client import: 2 inserted, 0 updated, 0 unchanged, 1 rejected' client import multi.csv --reject-file rej.tsv
	assert_equal "$(wc -l < rej.tsv)" 1
	assert_equal "$(cat rej.tsv)" $'3\temail \'b\\tad\': U+0009 is not allowed in an email address (a control, format or space character)\t"B\\nb","b\tad"'
}

@test "a custom column that is not a JSON object is bad data (65)" {
	crm_fails 65 client import - <<< '{"name":"A","custom":"[1]"}'
	assert_equal "$stderr" "crm: stdin:1: custom '[1]': invalid JSON at column 1: expected a JSON object"
}

@test "a tags array with null, true, an object or an empty string is bad data (65), not a crash" {
	# each with the number of its bad element
	for t in '[null] 1' '[true] 1' '[{"a":1}] 1' '["vip",""] 2' '[["x"]] 1' '[1] 1'; do
		tags=${t% *}
		crm_fails 65 client import - <<< "{\"name\":\"n\",\"tags\":$tags}"
		assert_equal "$stderr" "crm: stdin:1: tags '$tags': element ${t##* } is not a tag (a string, not empty)"
	done
	crm_fails 65 client import - <<< '{"name":"n","tags":{"a":1}}'
	assert_equal "$stderr" "crm: stdin:1: tags '{\"a\":1}': a JSON array of strings or a comma list: not an array"
	crm_fails 65 client import - <<< '{"name":"n","tags":7}'
	assert_equal "$stderr" "crm: stdin:1: tags '7': a JSON array of strings or a comma list: not an array"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
}

@test "a malformed tags cell is bad data (65): the client keeps its tags" {
	crm client add --name c1 --email c1@ex.com --tag vip --tag sea-view >/dev/null
	crm_fails 65 client import - <<< $'email,tags\nc1@ex.com,"[""vip"",""sea-view"""'
	assert_equal "$stderr" "crm: stdin:2: tags '[\"vip\",\"sea-view\"': a JSON array of strings or a comma list: invalid JSON at column 18: expected ',' or ']'"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT group_concat(tag) FROM (SELECT tag FROM client_tags ORDER BY tag)')" sea-view,vip
	# an array of strings, and a comma list, are the two ways
	crm_says 'client import: 0 inserted, 1 updated, 0 unchanged, 0 rejected' \
		client import - <<< $'email,tags\nc1@ex.com,"[""hot"",""sea-view""]"'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT group_concat(tag) FROM (SELECT tag FROM client_tags ORDER BY tag)')" hot,sea-view
	crm_says 'client import: 0 inserted, 1 updated, 0 unchanged, 0 rejected' \
		client import - <<< $'email,tags\nc1@ex.com," a , b "'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT group_concat(tag) FROM (SELECT tag FROM client_tags ORDER BY tag)')" a,b
}

@test "a custom key with a quote, backslash or newline is refused at import, as --set refuses it" {
	# each key as JSON writes it, and as it is
	json=('a\"b' 'a\\b' 'a\nb')
	keys=('a"b' 'a\b' 'a b')   # as a message shows them: a line end is a space
	for k in 0 1 2; do
		crm_fails 65 client import - <<< "{\"name\":\"n\",\"custom\":{\"${json[k]}\":1}}"
		assert_equal "$stderr" "crm: stdin:1: custom key '${keys[k]}': a custom field key has no quote, backslash or control character"
	done
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
}

@test "a key twice in a custom object, or in the record, is bad data (65) naming the key" {
	crm_fails 65 client import - <<< '{"name":"n","custom":{"a":1,"b":{"c":1,"c":2}}}'
	assert_equal "$stderr" "crm: stdin:1: invalid JSON at column 40: key 'c' is there twice"
	crm_fails 65 client import - <<< $'name,custom\nn,"{""a"":1,""a"":2}"'
	assert_equal "$stderr" "crm: stdin:2: custom '{\"a\":1,\"a\":2}': invalid JSON at column 8: key 'a' is there twice"
	crm_fails 65 client import - <<< '{"name":"n","email":"a@x.test","email":"b@x.test"}'
	assert_equal "$stderr" "crm: stdin:1: invalid JSON at column 32: key 'email' is there twice"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
}

@test "import errors: missing file (66), bad --map (64)" {
	crm_fails 66 client import nope.csv
	assert_equal "$stderr" 'crm: nope.csv: No such file or directory'
	crm_fails 64 client import --map =x
	stderr_usage "crm: client import: --map '=x': expected SRC=FIELD"
}

@test "input that cannot be read stores nothing and exits 66" {
	mkdir adir
	crm_fails 66 client import adir
	assert_equal "$stderr" "crm: adir: read error: Is a directory"
	crm_fails 66 client import - < adir
	assert_equal "$stderr" "crm: stdin: read error: Is a directory"
	crm_fails 66 client import adir --reject-file rej.tsv
	assert_equal "$stderr" "crm: adir: read error: Is a directory"
	[ ! -e rej.tsv ]
	# a file that was there, or one a link names, is left alone
	echo kept > old.tsv
	ln -s old.tsv link.tsv
	crm_fails 66 client import adir --reject-file old.tsv
	assert_equal "$stderr" "crm: adir: read error: Is a directory"
	[ -f old.tsv ]
	crm_fails 66 client import adir --reject-file link.tsv
	assert_equal "$stderr" "crm: adir: read error: Is a directory"
	[ -L link.tsv ] && [ -f old.tsv ]
	assert_equal "$(cat old.tsv)" kept
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
}

@test "a cell is a number in the custom fields only when it reads back as written" {
	crm_silent -q client import - < <(printf 'name,email,ref,big,flt,ok,z,neg,dec\nZ,z@x.test,1e3,12345678901234567890123,1.50,42,007,-3,0.25\n')
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.custom == {"ref":"1e3","big":"12345678901234567890123","flt":"1.50","ok":42,"z":"007","neg":-3,"dec":0.25}'
}

@test "a custom field an import made from a header with spaces can be edited and removed" {
	printf 'Name,Email,Lifecycle Stage\nEva,eva@x.test,lead\n' | crm -q client import - --map Name=name --map Email=email
	crm_says 'client 1: 1 change' client edit eva@x.test --set 'Lifecycle Stage=customer'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.custom == {"Lifecycle Stage":"customer"}'
	crm_says 'client 1: 1 change' client edit eva@x.test --unset 'Lifecycle Stage'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.custom == {}'
}

@test "CSV with CR line ends, or a lone CR between rows, loses no row" {
	printf 'name,email\rA,a@x.test\rB,b@x.test\r' > mac.csv
	crm_says 'client import: 2 inserted, 0 updated, 0 unchanged, 0 rejected' client import mac.csv
	crm_says 'client import: 3 inserted, 0 updated, 0 unchanged, 0 rejected' \
		client import - < <(printf 'name,email\nC,c@x.test\rD,d@x.test\n"E\re",e@x.test\r\n')
	crm_ok client list --format jsonl --sort id
	assert_equal "$(echo "$output" | jq -c '[.name, .email]' | tr '\n' ' ')" \
		'["A","a@x.test"] ["B","b@x.test"] ["C","c@x.test"] ["D","d@x.test"] ["E\re","e@x.test"] '
}

@test "in JSON Lines a CR is blank space, even in the first line before the format is known" {
	crm_says 'client import: 2 inserted, 0 updated, 0 unchanged, 0 rejected' \
		client import - < <(printf '{"name":"K1",\r"email":"k1@x.test"}\n{"name":"K2"}\n')
	crm_ok client list --format ids
	assert_output $'1\n2'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT email FROM clients WHERE id = 1')" k1@x.test
}

@test "a header that cannot name a custom field is bad data" {
	crm_fails 65 client import - <<< $'name,"q""k"\nZ,1'
	assert_equal "$stderr" "crm: stdin:2: column 'q\"k': a custom field key has no quote, backslash or control character"
}

@test "--map to a field the import does not read exits 64 with the fields and a guess; nothing is stored" {
	printf 'Name,Mail\nAna,ana@x.test\n' > h.csv
	crm_fails 64 client import h.csv --map Mail=emial
	stderr_usage "crm: client import: --map 'Mail=emial': unknown field 'emial'; did you mean 'email'? (known fields: name, email, phone, stage, status, channel, source_type, source_url, listing_ref, viability, automation_enabled, ai_mode, notes, lost_reason, next_action_at, last_contacted_at, last_interaction_at, operator_id, tags, custom, first_name, last_name, or custom.KEY)"
	crm_fails 64 client import h.csv --map Mail=created_at
	stderr_has "--map 'Mail=created_at': unknown field 'created_at' (known fields: name, email,"
	crm_fails 64 lead import h.csv --map Name=contact_nmae
	stderr_has "--map 'Name=contact_nmae': unknown field 'contact_nmae'; did you mean 'contact_name'? (known fields: external_id, operator_id,"
	stderr_has ', viability_given, raw, or raw.KEY)'
	crm_fails 64 comm log - --map Who=emial < h.csv
	stderr_has "--map 'Who=emial': unknown field 'emial'; did you mean 'email'? (known fields: client_id, lead_id, email,"
	stderr_has ', operator_id, source)'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients' 2>/dev/null || echo 0)" 0
	# a field in another case is that field; custom.KEY is a custom field
	crm_says 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' \
		client import h.csv --map Mail=EMAIL --map Name=custom.email
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.email == "ana@x.test" and .name == "ana@x.test" and .custom == {"email":"Ana"}'
}

@test "--map a column the header does not have exits 64, naming the header's columns" {
	crm_fails 64 lead import - --map Nope=contact_name <<< $'external_id,contact_email\nl1,a@x.test'
	assert_equal "$stderr" "crm: lead import: --map 'Nope=contact_name': no column 'Nope' in the header of stdin (its columns: external_id, contact_email)"
	printf 'Name,Mail\nAna,ana@x.test\n' > h.csv
	crm_fails 64 client import h.csv --map Mial=email
	assert_equal "$stderr" "crm: client import: --map 'Mial=email': no column 'Mial' in the header of h.csv; did you mean 'Mail'? (its columns: Name, Mail)"
	crm_fails 64 comm log - --map Mial=email < h.csv
	assert_equal "$stderr" "crm: comm log: --map 'Mial=email': no column 'Mial' in the header of stdin; did you mean 'Mail'? (its columns: Name, Mail)"
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients UNION ALL SELECT count(*) FROM leads')" $'0\n0'
}

@test "header names and --map sources match without regard to case and surrounding spaces" {
	printf ' NAME ,Email ,TAGS,Lifecycle Stage,ID\nAna,ana@x.test,"a,b",lead,77\n' > h.csv
	crm_says 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' client import h.csv
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.name == "Ana" and .email == "ana@x.test" and .tags == ["a","b"] and .custom == {"Lifecycle Stage":"lead"}'
	# in TSV too, and a --map source in another case, with a no-break space
	printf 'E-MAIL\xc2\xa0\tPhone\nbo@x.test\t600111222\n' > h.tsv
	crm_says 'client import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' client import h.tsv --map e-mail=email
	crm_ok client show bo@x.test --format json
	echo "$output" | jq -e '.phone == "600111222"'
	# Email and EMAIL are one column twice
	crm_fails 65 client import - <<< $'Email,EMAIL\na@x.test,b@x.test'
	assert_equal "$stderr" "crm: stdin:1: header: column 'email' is there twice"
	# leads: Contact_Email is contact_email; unknown columns keep their case in raw
	crm_says 'lead import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' \
		lead import - <<< $'External_ID,Contact_Email,Bedrooms\nl1,c@x.test,3'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT external_id, contact_email, raw FROM leads')" 'l1|c@x.test|{"Bedrooms":3}'
	# raw.KEY names a key of the lead's raw JSON
	crm_says 'lead import: 0 inserted, 1 updated, 0 unchanged, 0 rejected' \
		lead import - --map Rooms=raw.bedrooms <<< $'external_id,Rooms\nl1,4'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT raw FROM leads')" '{"Bedrooms":3,"bedrooms":4}'
}

@test "--dry-run says what would be inserted, updated and rejected, and stores nothing" {
	crm client add --name Ana --email ana@x.test >/dev/null
	before=$(sqlite3 "$CRM_DB" 'SELECT * FROM clients; SELECT count(*) FROM activity_logs; SELECT count(*) FROM client_tags')
	printf 'name,email,stage,tags\nAna M,ana@x.test,meeting,a\nBo,bo@x.test,,b\nCy,cy@x.test,limbo,\nAna M,ANA@x.test,,a\n' > c.csv
	crm_says 'client import: 1 inserted, 1 updated, 1 unchanged, 1 rejected (dry run: nothing stored)' \
		client import c.csv --dry-run --reject-file rej.tsv
	[ ! -e rej.tsv ]
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT * FROM clients; SELECT count(*) FROM activity_logs; SELECT count(*) FROM client_tags')" "$before"
	crm_silent -q client import c.csv --dry-run --max-errors 1
	# without a reject file, a dry run fails as the run would, naming the line
	crm_fails 65 client import c.csv --dry-run
	assert_equal "$stderr" "crm: c.csv:4: stage 'limbo': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
	# and the run does what the dry run said
	crm_says 'client import: 1 inserted, 1 updated, 1 unchanged, 1 rejected' client import c.csv --reject-file rej.tsv
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 2
}
