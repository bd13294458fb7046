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
		--map Email=email --map 'Phone Number=phone' --map 'Lifecycle Stage=lifecycle_stage'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'client import: 2 inserted, 0 updated, 0 unchanged, 0 rejected'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.name == "Ana García" and .phone == "+34 600 111 222" and .custom == {"lifecycle_stage":"lead","Company":"Casa SL"}'
}

@test "bad rows: all or nothing, or a reject file" {
	printf 'name,email,stage,viability\nA,a@x.test,new,\nB,b@x.test,limbo,\nC,c@x.test,,500\n,,,\n' > bad.csv
	crm_fails 65 client import bad.csv
	assert_equal "$stderr" "crm: bad.csv:3: stage 'limbo': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
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
