#!/usr/bin/env bats
# crm lead import|list|show|promote|status, and viability
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
}

leads() { sqlite3 "$CRM_DB" "SELECT ${1:-count(*)} FROM (SELECT * FROM leads ORDER BY id)"; }

@test "import CSV: insert, then update and unchanged on the source's id" {
	cat > leads.csv <<'C'
id,contact_name,contact_email,contact_phone,source_type,price,location,bedrooms
s1,Ana,ana@x.test,600111222,owner,250000,Sitges,3
s2,Bo,,,agent,900000,Madrid,5
C
	crm_says 'lead import: 2 inserted, 0 updated, 0 unchanged, 0 rejected' lead import leads.csv
	sed -i 's/Sitges/Sitges centre/' leads.csv
	crm_says 'lead import: 0 inserted, 1 updated, 1 unchanged, 0 rejected' lead import leads.csv
	assert_equal "$(leads "external_id || ' ' || location || ' ' || raw FROM leads WHERE id = 1 --")" 's1 Sitges centre {"bedrooms":3}'
}

@test "import keeps a whole price whole and a fractional one as it is" {
	crm_silent -q lead import - < <(printf 'external_id,price\nA,250000\nB,199999.5\nC,\n')
	crm_ok lead list --format jsonl
	assert_equal "${#lines[@]}" 3
	assert_line --index 0 --partial '"price":250000,'
	assert_line --index 1 --partial '"price":199999.5,'
	assert_line --index 2 --partial '"price":null,'
	crm_ok lead list --format tsv
	assert_line --index 1 --regexp $'\t250000\tnew\t'
	crm_says 'lead import: 0 inserted, 0 updated, 1 unchanged, 0 rejected' lead import - <<< $'external_id,price\nA,250000.0'
}

@test "import JSONL keeps unknown keys, typed, in raw" {
	crm_says 'lead import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' \
		lead import - <<< '{"external_id":"j1","contact_email":"a@x.test","extra":{"floor":2},"tags":["sea"],"pool":true,"m2":80.5}'
	assert_equal "$(leads raw)" '{"extra":{"floor":2},"tags":["sea"],"pool":true,"m2":80.5}'
}

@test "raw is stored compact and without nulls, so the same record again is no change" {
	printf '%s\n' '{"external_id":"s1","extra":{"a": 1, "b": [1, 2]}}' '{"external_id":"n1","nested":{"z":null,"y":1}}' > r.jsonl
	crm_says 'lead import: 2 inserted, 0 updated, 0 unchanged, 0 rejected' lead import r.jsonl
	assert_equal "$(leads raw)" $'{"extra":{"a":1,"b":[1,2]}}\n{"nested":{"y":1}}'
	crm_says 'lead import: 0 inserted, 0 updated, 2 unchanged, 0 rejected' lead import r.jsonl
	run --separate-stderr bash -c 'crm lead list --format jsonl | crm lead import -'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'lead import: 0 inserted, 0 updated, 2 unchanged, 0 rejected'
}

@test "import upserts on listing_hash, then source_url, without an id" {
	crm_says 'lead import: 2 inserted, 0 updated, 0 unchanged, 0 rejected' \
		lead import - < <(printf 'listing_hash,source_url,title\nh1,https://l/1,first\n,https://l/2,second\n')
	crm_says 'lead import: 0 inserted, 2 updated, 0 unchanged, 0 rejected' \
		lead import - < <(printf 'listing_hash,source_url,title\nh1,https://l/1,first again\n,https://l/2,second again\n')
	assert_equal "$(leads)" 2
	assert_equal "$(leads "group_concat(title, '|')")" 'first again|second again'
}

@test "import --map renames columns" {
	crm_silent -q lead import - --map Ref=external_id --map Email=contact_email --map Tel=contact_phone \
		< <(printf 'Ref,Email,Tel\nm1,A@x.test,600 1 2 3 4 5\n')
	assert_equal "$(leads "external_id || ' ' || contact_email || ' ' || contact_phone || ' ' || raw")" 'm1 A@x.test 600 1 2 3 4 5 {}'
}

@test "viability: rules score a lead that has none; a given score is kept" {
	printf '%s\n' \
	  '{"id":"v1","contact_email":"a@x.test","contact_phone":"600111222","source_type":"owner","price":300000}' \
	  '{"id":"v2","contact_email":"b@x.test","price":5000000}' \
	  '{"id":"v3","viability":12}' > v.jsonl
	crm_says 'lead import: 3 inserted, 0 updated, 0 unchanged, 0 rejected' lead import v.jsonl
	assert_equal "$(leads "group_concat(viability, ' ')")" '100 30 12'
	crm_ok lead list --min-viability 30 --format ids
	assert_output $'1\n2'
}

@test "viability rules come from crm.yaml" {
	cat > crm.yaml <<'Y'
viability:
  base: 10
  rules:
    - {field: location, equals: Sitges, points: 50}
    - {field: price, max: 100000, points: -30}
Y
	crm_silent -q lead import - < <(printf '%s\n' '{"id":"a","location":"Sitges"}' '{"id":"b","price":50000}')
	assert_equal "$(leads "group_concat(viability, ' ')")" '60 0'
}

@test "rules on status and operator_id see a new lead as it is stored" {
	cat > crm.yaml <<'Y'
viability:
  rules:
    - {field: status, equals: new, points: 10}
    - {field: operator_id, equals: "1", points: 5}
    - {has: contact_email, points: 30}
Y
	echo '{"external_id":"V1","contact_email":"v@x.test"}' > v.jsonl
	crm_says 'lead import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' lead import v.jsonl
	assert_equal "$(leads viability)" 45
	crm_says 'lead import: 0 inserted, 0 updated, 1 unchanged, 0 rejected' lead import v.jsonl
	assert_equal "$(leads viability)" 45
}

@test "import: bad rows are all or nothing, or go to a reject file" {
	cat > bad.csv <<'C'
id,contact_email,price,viability,status
ok1,a@x.test,100,,
bad1,not-an-email,,,
bad2,,cheap,,
bad3,,,101,
bad4,,,,sold
C
	crm_fails 65 lead import bad.csv
	assert_equal "$stderr" "crm: bad.csv:3: contact_email 'not-an-email': not an email address (name@domain.tld, no spaces, no empty part)
crm: bad.csv:4: price 'cheap': not a price (such as 285000, 285000.50, €285,000 or 285.000,50 EUR)
crm: bad.csv:5: viability '101': not a whole number from 0 to 100
crm: bad.csv:6: status 'sold': not a lead status (new, contacted, converted, rejected, suppressed)
crm: bad.csv: 4 bad lines, nothing stored"
	assert_equal "$(leads)" 0
	crm_says 'lead import: 1 inserted, 0 updated, 0 unchanged, 4 rejected' lead import bad.csv --reject-file rej.tsv
	assert_equal "$(leads)" 1
	assert_equal "$(cut -f1 rej.tsv | tr '\n' ' ')" '3 4 5 6 '
	printf 'title\nno key\n' > nokey.csv
	crm_fails 65 lead import nokey.csv
	assert_equal "$stderr" 'crm: nokey.csv:2: lead: no external_id, id, listing_hash or source_url to know it by'
}

@test "import errors: missing file (66), bad option (64)" {
	crm_fails 66 lead import nothere.csv
	assert_equal "$stderr" 'crm: nothere.csv: No such file or directory'
	crm_fails 64 lead import --map nonsense
	stderr_usage "crm: lead import: --map 'nonsense': expected SRC=FIELD"
	crm_fails 64 lead import a.csv b.csv
	stderr_usage 'crm: lead import: one input, not 2'
}

@test "list filters by status, source type, operator, q and since" {
	printf '%s\n' '{"id":"a","source_type":"owner","title":"Sea view flat"}' '{"id":"b","source_type":"agent","operator_id":2}' | CRM_NOW=2026-11-01T00:00:00Z crm -q lead import -
	echo '{"id":"c","source_type":"owner"}' | crm -q lead import -
	crm_says "lead status: 1 of 1 lead set to 'rejected'" lead status c rejected
	crm_ok lead list --status rejected --format ids
	assert_output 3
	crm_ok lead list --source-type owner --format ids
	assert_output $'1\n3'
	crm_ok lead list --operator 2 --format ids
	assert_output 2
	crm_ok lead list --q 'sea VIEW' --format ids
	assert_output 1
	crm_ok lead list --since 7d --format ids
	assert_output 3
	crm_fails 64 lead list --status gone
	stderr_usage "crm: lead list: option '--status': 'gone' is not one of its values (new, contacted, converted, rejected, suppressed)"
	crm_fails 65 lead list --since someday
	assert_equal "$stderr" "crm: lead list: --since 'someday': not a time (use $TIME_FORMS)"
	run --separate-stderr crm lead list --status converted
	assert_failure 1
	assert_output $'id\texternal_id\toperator_id\tsource_type\tsource_url\tlisting_ref\tlisting_hash\tcontact_name\tcontact_email\tcontact_phone\tcontact_phone_e164\tchannel\ttitle\tlocation\tprice\tstatus\tviability\tviability_given\tclient_id\traw\tcreated_at\tupdated_at\twarnings'
	assert_equal "$stderr" ''
}

@test "list: a lead filter repeated or given a comma list matches any of its values" {
	printf '%s\n' '{"id":"a","source_type":"owner"}' '{"id":"b","source_type":"agent","operator_id":2}' '{"id":"c","source_type":"bank","operator_id":3}' | crm -q lead import -
	crm -q lead status c rejected
	crm_ok lead list --status new,rejected --format ids
	assert_output $'1\n2\n3'
	crm_ok lead list --status new --status rejected --source-type owner,bank --format ids
	assert_output $'1\n3'
	crm_ok lead list --operator 2,3 --format ids
	assert_output $'2\n3'
	crm_ok lead list --operator 2 --operator 3 --status rejected --format ids
	assert_output 3
	crm_fails 64 lead list --status new,gone
	stderr_usage "crm: lead list: option '--status': 'gone' is not one of its values (new, contacted, converted, rejected, suppressed)"
	crm_fails 64 lead list --operator x,2
	stderr_usage "crm: lead list: option '--operator' takes a whole number, not 'x'"
}

@test "list --offset pages through the leads" {
	printf '%s\n' '{"id":"a"}' '{"id":"b"}' '{"id":"c"}' | crm -q lead import -
	crm_ok lead list --offset 1 --limit 1 --format ids
	assert_output 2
	crm_ok lead list --offset 1 --format ids
	assert_output $'2\n3'
	crm_fails 64 lead list --offset -1
	stderr_usage "crm: lead list: option '--offset' takes a whole number from 0, not '-1'"
}

@test "show by id or external id; missing is 1" {
	echo '{"id":"s9","title":"T"}' | crm -q lead import -
	crm_ok lead show s9 --format json
	echo "$output" | jq -e '.external_id == "s9" and .status == "new"'
	crm_ok lead show 1 --format table
	assert_line --regexp '^title +T$'
	crm_fails 1 lead show nope
	assert_equal "$stderr" "crm: lead 'nope': not found"
	crm_fails 64 lead show
	stderr_usage 'crm: lead show: one lead (id or external id)'
}

@test "promote makes a client from the lead and links its listing" {
	echo '{"id":"p1","contact_name":"Eva","contact_email":"eva@x.test","listing_ref":"R1","listing_hash":"h1","source_url":"https://l/1","viability":70,"channel":"email"}' | crm -q lead import -
	run --separate-stderr crm lead promote p1 --stage contacted
	assert_success
	assert_output 1
	assert_equal "$stderr" 'lead promote: 1 client created, 0 linked to an existing client'
	crm_ok client show 1 --format json
	echo "$output" | jq -e '.name == "Eva" and .stage == "contacted" and .viability == 70 and .channel == "email" and (.listings | length == 1)'
	assert_equal "$(leads "status || ' ' || client_id")" 'converted 1'
}

@test "promote is owner-centric: a second listing of the same owner links" {
	printf '%s\n' '{"id":"a","contact_name":"Eva","contact_email":"eva@x.test","listing_hash":"h1"}' \
	  '{"id":"b","contact_name":"Eva","contact_phone":"+34 600","contact_email":"EVA@x.test","listing_hash":"h2"}' | crm -q lead import -
	run --separate-stderr sh -c 'printf "a\nb\n" | crm lead promote -'
	assert_success
	assert_output $'1\n1'
	assert_equal "$stderr" 'lead promote: 1 client created, 1 linked to an existing client'
	run sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients; SELECT group_concat(listing_hash) FROM client_listings WHERE client_id = 1'
	assert_success
	assert_output $'1\nh1,h2'
}

@test "promote errors: unknown lead (1, nothing done), bad stage (65), none (64)" {
	echo '{"id":"a","contact_name":"Eva"}' | crm -q lead import -
	crm_fails 1 lead promote a zzz
	assert_equal "$stderr" "crm: lead 'zzz': not found"
	crm_fails 65 lead promote a --stage limbo
	assert_equal "$stderr" "crm: lead promote: stage 'limbo': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost)"
	crm_fails 64 lead promote
	stderr_usage 'crm: lead promote: leads are required'
	assert_equal "$(leads "status || ' ' || coalesce(client_id, '-')")" 'new -'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
}

@test "status sets leads' status, from stdin too, and checks it" {
	printf '%s\n' '{"id":"a"}' '{"id":"b"}' | crm -q lead import -
	crm_says "lead status: 2 of 2 leads set to 'suppressed'" lead status - suppressed < <(printf 'a\n2\n')
	crm_fails 65 lead status a gone
	assert_equal "$stderr" "crm: lead status: status 'gone': not a lead status (new, contacted, converted, rejected, suppressed)"
	crm_fails 64 lead status a
	stderr_usage 'crm: lead status: leads and a status are required'
	crm_fails 1 lead status - new < <(printf 'a\nzz\n')
	assert_equal "$stderr" "crm: stdin:2: lead 'zz': not found"
	assert_equal "$(leads "group_concat(status)")" 'suppressed,suppressed'
}

@test "show, promote and status name a lead by crm's id first, then the source's" {
	printf 'id,contact_name,contact_email\n2,Alice,a@x.test\n1,Bob,b@x.test\n' | crm -q lead import -
	crm_ok lead show 1 --format jsonl
	echo "$output" | jq -e '.id == 1 and .external_id == "2" and .contact_name == "Alice"'
	crm_says "lead status: 1 of 1 lead set to 'rejected'" lead status 2 rejected
	assert_equal "$(leads "contact_name || ' ' || status")" $'Alice new\nBob rejected'
}

# leads of every shape: a computed and a given score, raw fields, a
# fractional price, another operator and status; and without the
# source's id unless $1 is "with-id"
lead_shapes() {
	crm -q lead import - <<'L'
{"external_id":"s1","contact_name":"Ana","contact_email":"ana@x.test","source_type":"owner","price":250000,"bedrooms":3,"extra":{"floor":2}}
{"external_id":"s2","contact_name":"Bo, \"the owner\"","price":199999.5,"viability":45,"operator_id":2}
L
	crm -q lead status s2 rejected
	[[ ${1-} == with-id ]] || crm -q lead import - <<'L'
{"listing_hash":"h3","source_url":"https://l.test/3","title":"Flat\twith tab"}
{"source_url":"https://l.test/4","contact_phone":"600 111 222"}
L
}

@test "lead list CSV imports again: nothing changes, and a new database gets the same leads" {
	lead_shapes
	crm lead list --format csv > leads.csv
	run --separate-stderr env CRM_NOW=2026-11-26T08:00:00Z crm lead import leads.csv
	assert_success
	assert_output ''
	assert_equal "$stderr" 'lead import: 0 inserted, 0 updated, 4 unchanged, 0 rejected'
	crm_ok lead list --format csv
	assert_output "$(cat leads.csv)"
	assert_equal "${#lines[@]}" 5
	assert_equal "$(leads raw)" $'{"bedrooms":3,"extra":{"floor":2}}\n{}\n{}\n{}'
	CRM_DB=fresh.db crm_says 'lead import: 4 inserted, 0 updated, 0 unchanged, 0 rejected' lead import leads.csv
	CRM_DB=fresh.db crm_ok lead list --format csv
	assert_output "$(cat leads.csv)"
}

# lead list --format jsonl, imported into the same database and a new one
jsonl_round_trip() {
	crm lead list --format jsonl > leads.jsonl
	run --separate-stderr env CRM_NOW=2026-11-26T08:00:00Z crm lead import - < leads.jsonl
	assert_success
	assert_output ''
	assert_equal "$stderr" "lead import: 0 inserted, 0 updated, $1 unchanged, 0 rejected"
	crm_ok lead list --format jsonl
	assert_output "$(cat leads.jsonl)"
	assert_equal "${#lines[@]}" "$1"
	CRM_DB=fresh.db crm_says "lead import: $1 inserted, 0 updated, 0 unchanged, 0 rejected" lead import leads.jsonl
	CRM_DB=fresh.db crm_ok lead list --format jsonl
	assert_output "$(cat leads.jsonl)"
}

@test "lead list JSONL imports again: nothing changes, and a new database gets the same leads" {
	lead_shapes with-id
	jsonl_round_trip 2
}

@test "lead list JSONL of leads without the source's id imports again" {
	lead_shapes
	jsonl_round_trip 4
}

@test "import: id next to an external_id column is ignored, even when the external_id is empty" {
	printf 'id,external_id,listing_hash,title,client_id,created_at,updated_at\n7,,h1,first,3,2020-01-01T00:00:00Z,2020-01-01T00:00:00Z\n8,e8,,second,,,\n' > l.csv
	crm_says 'lead import: 2 inserted, 0 updated, 0 unchanged, 0 rejected' lead import l.csv
	assert_equal "$(leads "id || ' ' || coalesce(external_id, '-') || ' ' || coalesce(client_id, '-') || ' ' || created_at || ' ' || raw")" \
		$'1 - - 2026-11-25T12:00:00Z {}\n2 e8 - 2026-11-25T12:00:00Z {}'
	crm_says 'lead import: 0 inserted, 1 updated, 0 unchanged, 0 rejected' \
		lead import - < <(printf 'id,external_id,listing_hash,title\n1,,h1,first again\n')
	assert_equal "$(leads "count(*) || ' ' || group_concat(title, '|')")" '2 first again|second'
}

@test "import merges a raw column holding a JSON object; another raw is kept as it is" {
	printf '%s\n' '{"external_id":"r1","raw":{"floor":2,"m2":80},"m2":81}' \
	  '{"external_id":"r2","raw":"scraped text"}' > r.jsonl
	crm_says 'lead import: 2 inserted, 0 updated, 0 unchanged, 0 rejected' lead import r.jsonl
	crm_says 'lead import: 1 inserted, 1 updated, 0 unchanged, 0 rejected' \
		lead import - < <(printf 'external_id,raw\nr3,"{""lift"":true}"\nr1,"{""sea"":1}"\n')
	assert_equal "$(leads raw)" $'{"floor":2,"m2":81,"sea":1}\n{"raw":"scraped text"}\n{"lift":true}'
}

@test "import: a row with an external_id is matched on it alone" {
	printf 'listing_hash,source_url,title\nh1,https://l/1,by hash\n' | crm -q lead import -
	crm_says 'lead import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' lead import - <<< $'external_id,listing_hash,source_url,title\ne1,h1,https://l/1,by id'
	crm_says 'lead import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' lead import - <<< $'listing_hash,source_url,title\nh2,https://l/1,other hash'
	assert_equal "$(leads "coalesce(external_id, '-') || ' ' || title")" $'- by hash\ne1 by id\n- other hash'
}

@test "import: a price that is not one is bad data (65), with the reason" {
	hint='(such as 285000, 285000.50, €285,000 or 285.000,50 EUR)'
	for p in 'nan:not a price' 'inf:not a price' '0x10:not a price' '-5:not a price' \
	         '+5:not a price' '1e5:not a price' '2.5e5:not a price' '5.:not a price' \
	         '.5:not a price' ',.,:not a price' '€:not a price' '1.5 mil:not a price' \
	         '€5 EUR:two currencies' '1234567890123:more than 12 digits' \
	         '1.999:more than 2 decimals' '1.2.3:thousands in groups of three, with one kind of separator' \
	         '100000000000000000000:more than 12 digits'; do
		run --separate-stderr crm lead import - <<< "external_id,price
p,\"${p%%:*}\""
		assert_failure 65
		assert_output ''
		assert_equal "$stderr" "crm: stdin:2: price '${p%%:*}': ${p#*:} $hint"
	done
	crm_fails 65 lead import - <<< '{"external_id":"p","price":-1}'
	assert_equal "$stderr" "crm: stdin:1: price '-1': not a price $hint"
	# a JSON number's point is a decimal point: 2.5e5 is no price, nor 1,5
	crm_fails 65 lead import - <<< '{"external_id":"p","price":2.5e5}'
	assert_equal "$stderr" "crm: stdin:1: price '2.5e5': not a price $hint"
	long=1$(printf '%0400d' 0)
	crm_fails 65 lead import - <<< "external_id,price
p,$long"
	assert_equal "$stderr" "crm: stdin:2: price '$long': more than 12 digits $hint"
	# bad UTF-8 in a price is told by the reader, before the price is read
	crm_fails 65 lead import - < <(printf 'external_id,price\np,28\3775\n')
	assert_equal "$stderr" 'crm: stdin:2: invalid UTF-8 on line 2 at byte 5'
	assert_equal "$(leads)" 0
	crm_silent -q lead import - < <(printf 'external_id,price\na,0\nb,007\nc,199999.50\nd,999999999999.99\n')
	crm_ok lead list --format json
	echo "$output" | jq -e '[.[].price] == [0, 7, 199999.5, 999999999999.99]'
	# what list prints, import reads back unchanged
	run --separate-stderr bash -c 'crm lead list --format csv | crm lead import -'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'lead import: 0 inserted, 0 updated, 4 unchanged, 0 rejected'
}

@test "viability: a computed score follows the lead's updates; a given one stays until another is given" {
	crm_silent -q lead import - < <(printf 'external_id,source_type\na,agent\nb,owner\n')
	assert_equal "$(leads "viability || ' ' || viability_given")" $'0 0\n20 0'
	crm_says 'lead import: 0 inserted, 2 updated, 0 unchanged, 0 rejected' lead import - <<< $'external_id,contact_email,contact_phone,viability\na,a@x.test,600111222,\nb,b@x.test,,55'
	assert_equal "$(leads "viability || ' ' || viability_given")" $'60 0\n55 1'
	crm_silent -q lead import - < <(printf 'external_id,source_type,contact_phone\na,owner,\nb,agent,600111333\n')
	assert_equal "$(leads "viability || ' ' || viability_given")" $'80 0\n55 1'
	crm_silent -q lead import - < <(printf 'external_id,viability\na,10\nb,90\n')
	crm_silent -q lead import - < <(printf 'external_id,title\na,pinned now\n')
	assert_equal "$(leads "viability || ' ' || viability_given")" $'10 1\n90 1'
	crm_fails 65 lead import - <<< $'external_id,viability_given\na,maybe'
	assert_equal "$stderr" "crm: stdin:2: viability_given 'maybe': not 0 or 1"
}

@test "a contact_email that is not one word with an @ is bad data, as for clients" {
	crm_fails 65 lead import - <<< $'external_id,contact_email\nb1,bad email@x.test'
	assert_equal "$stderr" "crm: stdin:2: contact_email 'bad email@x.test': U+0020 is not allowed in an email address (a control, format or space character)"
}

@test "a lead's contact email and phone are trimmed of Unicode white space; an invisible character inside is bad data" {
	crm_says 'lead import: 1 inserted, 0 updated, 0 unchanged, 0 rejected' \
		lead import - <<< $'external_id,contact_email,contact_phone\nl1,a@b.com\xc2\xa0,\xe2\x80\x83+34 600 111 222'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT contact_email, email_norm, contact_phone, phone_norm FROM leads')" 'a@b.com|a@b.com|+34 600 111 222|+34600111222'
	crm_fails 65 lead import - <<< $'external_id,contact_phone\nl2,600\u2060111222'
	assert_equal "$stderr" $'crm: stdin:2: contact_phone \'600\u2060111222\': U+2060 is not allowed in a phone number (a control, format or space character)'
	assert_equal "$(leads)" 1
}

@test "an unknown lead status or stage lists the values and names the likely one, before any lead is looked up" {
	statuses='new, contacted, converted, rejected, suppressed'
	crm -q lead import - <<< $'external_id\nl1'
	crm_fails 65 lead status l1 rejectd
	assert_equal "$stderr" "crm: lead status: status 'rejectd': not a lead status ($statuses); did you mean 'rejected'?"
	crm_fails 65 lead status nobody rejectd
	assert_equal "$stderr" "crm: lead status: status 'rejectd': not a lead status ($statuses); did you mean 'rejected'?"
	crm_fails 65 lead promote l1 --stage contactd
	assert_equal "$stderr" "crm: lead promote: stage 'contactd': not a pipeline stage (new, contacted, replied, meeting, negotiating, won, lost); did you mean 'contacted'?"
	crm_fails 64 lead list --status rejeted
	stderr_usage "crm: lead list: option '--status': 'rejeted' is not one of its values ($statuses); did you mean 'rejected'?"
	crm_fails 65 lead import - <<< $'external_id,status\nl2,convertd'
	assert_equal "$stderr" "crm: stdin:2: status 'convertd': not a lead status ($statuses); did you mean 'converted'?"
	assert_equal "$(leads 'status')" new
}

@test "lead list --q: accents and case aside, phones in any form" {
	printf 'external_id,contact_name,contact_phone,title,location\nA,Núñez,+34 612 345 678,Piso luminoso,Málaga\nB,Dubois,,Villa,Nice\n' > leads.csv
	crm_silent -q lead import leads.csv
	for q in malaga MÁLAGA nunez 'piso lum' 612345678 '0034 612 345 678'; do
		crm_ok lead list --q "$q" --format ids
		assert_output 1
	done
	crm_ok lead list --q nice --format ids
	assert_output 2
	crm_fails 1 lead list --q 'nice malaga' --format ids
	assert_equal "$stderr" ''
}

@test "import: prices as scraped, currency signs and thousands separators; the currency goes to raw" {
	cat > scraped.csv <<'C'
external_id,price,rooms
a,"€285,000",3
b,1.250.000 €,
c,285 000 EUR,
d,"285.000,50 €",
e,"$1,250,000.00",
f,£950,
g,250000,
C
	crm_says 'lead import: 7 inserted, 0 updated, 0 unchanged, 0 rejected' lead import scraped.csv
	assert_equal "$(leads "external_id || ' ' || price || ' ' || raw")" \
'a 285000 {"rooms":3,"currency":"EUR"}
b 1250000 {"currency":"EUR"}
c 285000 {"currency":"EUR"}
d 285000.5 {"currency":"EUR"}
e 1250000 {"currency":"USD"}
f 950 {"currency":"GBP"}
g 250000 {}'
	# the same again is no change; list's output reads back unchanged
	crm_says 'lead import: 0 inserted, 0 updated, 7 unchanged, 0 rejected' lead import scraped.csv
	run --separate-stderr bash -c 'crm lead list --format csv | crm lead import -'
	assert_success
	assert_output ''
	assert_equal "$stderr" 'lead import: 0 inserted, 0 updated, 7 unchanged, 0 rejected'
	# the price as read is what the viability rules score
	crm_ok lead list --format jsonl
	assert_equal "$(jq -c '[.external_id, .price, .viability]' <<< "$output" | tr '\n' ' ')" \
		'["a",285000,20] ["b",1250000,0] ["c",285000,20] ["d",285000.5,20] ["e",1250000,0] ["f",950,0] ["g",250000,20] '
}

@test "import: locale.decimal settles 1.250 and 1,250, and nothing else" {
	printf 'external_id,price\na,1.250\nb,"1,250"\nc,1.250.000\nd,"12,5"\n' > p.csv
	crm_silent -q lead import p.csv
	assert_equal "$(leads "price" | tr '\n' ' ')" '1.25 1250 1250000 12.5 '
	printf 'locale:\n  decimal: ","\n' > crm.yaml
	crm_says 'lead import: 0 inserted, 2 updated, 2 unchanged, 0 rejected' lead import p.csv
	assert_equal "$(leads "price" | tr '\n' ' ')" '1250 1.25 1250000 12.5 '
	# a JSON number's point is a decimal point, whatever the key says
	crm_says 'lead import: 0 inserted, 1 updated, 0 unchanged, 0 rejected' lead import - <<< '{"external_id":"a","price":1.250}'
	assert_equal "$(leads "price FROM leads WHERE external_id = 'a' --")" 1.25
}

@test "locale.decimal other than '.' or ',' exits 78 with file, line and column" {
	printf 'locale:\n  decimal: ";"\n' > crm.yaml
	crm_fails 78 lead import - <<< $'external_id,price\na,1'
	assert_equal "$stderr" "crm: crm.yaml:2:12: locale.decimal: ';' is not '.' or ','"
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:2:12: locale.decimal: ';' is not '.' or ','"
	printf 'locale:\n  decimal: [","]\n' > crm.yaml
	crm_fails 78 config check
	assert_equal "$stderr" "crm: crm.yaml:2:12: 'locale.decimal' must be a string"
	printf 'locale:\n  decimal: ","\n' > crm.yaml
	crm_ok config get locale.decimal
	assert_output ','
	rm crm.yaml
	crm_ok config get locale.decimal
	assert_output '.'
}

@test "import --dry-run says what would be inserted, updated and rejected, and stores nothing" {
	crm_silent -q lead import - <<< $'external_id,title\nl1,flat'
	printf 'external_id,title,price\nl1,flat,\nl1,house,\nl2,villa,"€500.000"\nl3,hut,cheap\n' > l.csv
	crm_says "crm: l.csv:5: price 'cheap': not a price (such as 285000, 285000.50, €285,000 or 285.000,50 EUR) (skipped)
lead import: 1 inserted, 1 updated, 1 unchanged, 1 rejected (dry run: nothing stored)" \
		lead import l.csv --dry-run --max-errors 1
	assert_equal "$(leads "external_id || ' ' || title || ' ' || raw")" 'l1 flat {}'
	crm_silent -q lead import l.csv --max-errors 1
	assert_equal "$(leads "external_id || ' ' || title || ' ' || raw")" $'l1 house {}\nl2 villa {"currency":"EUR"}'
}

@test "promote of a lead with no contact name, email or phone is refused (65), as client add is; nothing is done" {
	printf '%s\n' '{"id":"ok","contact_name":"Eva"}' '{"id":"bare","listing_hash":"h9","source_url":"https://l.test/9","title":"flat"}' |
		crm -q lead import -
	crm_fails 65 lead promote ok bare
	assert_equal "$stderr" "crm: lead 'bare': no contact name, email or phone; a client needs one"
	assert_equal "$(leads "status || ' ' || coalesce(client_id, '-')")" $'new -\nnew -'
	assert_equal "$(sqlite3 "$CRM_DB" 'SELECT count(*) FROM clients')" 0
	# with a phone it is a client
	crm -q lead import - <<< $'external_id,contact_phone\nbare,600 111 222'
	run --separate-stderr crm lead promote bare
	assert_success
	assert_output 1
	assert_equal "$stderr" 'lead promote: 1 client created, 0 linked to an existing client'
}
