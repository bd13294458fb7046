#!/usr/bin/env bats
# crm sync pull: sources (leads, bot contacts, operators, listings), feeds,
# cursors, writeback
bats_require_minimum_version 1.5.0
load helper

setup() {
	crm_setup
	export CRM_NOW=2026-11-25T12:00:00Z
	"$TOP/tests/fixtures/sources.sh" src 5
	export CRM_CONFIG=$BATS_TEST_TMPDIR/crm.yaml
	cat > crm.yaml <<'Y'
sources:
  operators: {sqlite: src/providers.db, table: operators}
  leads:
    sqlite: src/providers.db
    table: leads
    map: {url: source_url, name: contact_name, email: contact_email, phone: contact_phone}
  contacts: {sqlite: src/bot.db, table: contacted}
Y
}

q() { sqlite3 "$CRM_DB" "$1"; }
src() { sqlite3 src/providers.db "$1"; }
# a config of one source: NAME and its YAML flow map
only() { printf 'sources:\n  %s: %s\n' "$1" "$2" > crm.yaml; }

@test "pull: no sources configured says so and succeeds" {
	rm crm.yaml
	unset CRM_CONFIG
	crm_says 'sync: pull: no sources configured (sources: in crm.yaml)' sync pull
}

@test "pull: every source, in order, each telling what it brought" {
	run --separate-stderr crm sync pull
	assert_success
	assert_output ''
	stderr_line 0 'sync: operators: 2 read, 2 added, 0 updated, 0 unchanged, 0 skipped'
	stderr_line 1 'sync: leads: 5 read, 5 added, 0 updated, 0 unchanged, 0 skipped'
	stderr_line 2 'sync: contacts: 2 read, 2 added, 0 updated, 0 unchanged, 0 skipped'
	assert_equal "$(q 'SELECT id, name FROM operators ORDER BY id')" $'1|Casa Norte\n2|Costa Homes'
}

@test "pull: leads, then nothing new, then one changed row" {
	crm_says 'sync: leads: 5 read, 5 added, 0 updated, 0 unchanged, 0 skipped' sync pull --source leads
	assert_equal "$(q "SELECT external_id, operator_id, contact_email, title, price, raw FROM leads WHERE external_id = '3'")" '3|2|owner3@example.com|Flat 3|203000|{"bedrooms":4}'
	# the rows of the cursor's own value are read again, and change nothing
	crm_says 'sync: leads: 1 read, 0 added, 0 updated, 1 unchanged, 0 skipped' sync pull --source leads
	src "UPDATE leads SET title = 'Flat 3 renovated', updated_at = '2026-12-01T00:00:00Z' WHERE id = 3"
	crm_says 'sync: leads: 2 read, 0 added, 1 updated, 1 unchanged, 0 skipped' sync pull --source leads
	assert_equal "$(q "SELECT title FROM leads WHERE external_id = '3'")" 'Flat 3 renovated'
	crm_says 'sync: leads: 1 read, 0 added, 0 updated, 1 unchanged, 0 skipped' sync pull --source leads
	assert_equal "$(q 'SELECT count(*) FROM leads')" 5
}

@test "pull: a row written later with the cursor's value is not missed" {
	crm_ok sync pull --source leads -q
	at=$(src 'SELECT max(updated_at) FROM leads')
	# a smaller key than the cursor's, the same time
	src "INSERT INTO leads (id, email, updated_at) VALUES (0, 'late@example.com', '$at')"
	crm_says 'sync: leads: 2 read, 1 added, 0 updated, 1 unchanged, 0 skipped' sync pull --source leads
	assert_equal "$(q "SELECT contact_email FROM leads WHERE external_id = '0'")" 'late@example.com'
}

@test "pull: a row committed late, a little before the cursor, is read within the overlap" {
	crm_ok sync pull --source leads -q
	# 30 s before the cursor: inside the default overlap of 60 s
	src "INSERT INTO leads (id, email, updated_at) VALUES (100, 'late@example.com', '2026-11-06T09:59:35Z')"
	crm_says 'sync: leads: 2 read, 1 added, 0 updated, 1 unchanged, 0 skipped' sync pull --source leads
	# outside it: not read
	src "INSERT INTO leads (id, email, updated_at) VALUES (101, 'later@example.com', '2026-11-06T09:58:00Z')"
	crm_says 'sync: leads: 2 read, 0 added, 0 updated, 2 unchanged, 0 skipped' sync pull --source leads
	# overlap 0: the cursor's own value only
	sed -i 's/    table: leads/    table: leads\n    overlap: 0/' crm.yaml
	src "INSERT INTO leads (id, email, updated_at) VALUES (102, 'x@example.com', '2026-11-06T10:00:01Z')"
	crm_says 'sync: leads: 1 read, 0 added, 0 updated, 1 unchanged, 0 skipped' sync pull --source leads
	assert_equal "$(q "SELECT group_concat(external_id) FROM leads WHERE external_id IN ('100', '101', '102')")" '100'
}

@test "pull: the overlap of a number cursor, and of a date, in the source's own form" {
	sqlite3 src/s.db "CREATE TABLE \"my \"\"leads\"\"\" (id INTEGER, email TEXT, v INTEGER, day TEXT);
		INSERT INTO \"my \"\"leads\"\"\" VALUES (1, 'a@example.com', 1000, '2026-11-20'),
			(2, 'b@example.com', 2000, '2026-11-21')"
	only leads '{sqlite: src/s.db, table: "my \"leads\"", cursor: v, overlap: 1500, map: {email: contact_email}}'
	crm_says 'sync: leads: 2 read, 2 added, 0 updated, 0 unchanged, 0 skipped' sync pull
	crm_says 'sync: leads: 2 read, 0 added, 0 updated, 2 unchanged, 0 skipped' sync pull
	only leads '{sqlite: src/s.db, table: "my \"leads\"", cursor: v, overlap: 999, map: {email: contact_email}}'
	crm_says 'sync: leads: 1 read, 0 added, 0 updated, 1 unchanged, 0 skipped' sync pull
	q "DELETE FROM sync_state"
	only leads '{sqlite: src/s.db, table: "my \"leads\"", cursor: day, overlap: 86400, map: {email: contact_email}}'
	crm_ok -q sync pull
	crm_says 'sync: leads: 2 read, 0 added, 0 updated, 2 unchanged, 0 skipped' sync pull
}

@test "pull: an overlap that is no number of seconds up to a day is 78" {
	only leads '{sqlite: src/providers.db, table: leads, overlap: 86401}'
	run --separate-stderr crm sync pull
	assert_failure 78
	assert_output ''
	stderr_has 'sources.leads.overlap'
}

@test "pull: a bad row is skipped, counted, named in sync status, and passed" {
	src "INSERT INTO leads (id, email, updated_at) VALUES (9, 'not an email', '2026-12-02T00:00:00Z')"
	crm_says 'sync: leads: 6 read, 5 added, 0 updated, 0 unchanged, 1 skipped' sync pull --source leads
	crm_ok sync status --format json
	assert_output --partial '"last_result":"ok, 1 skipped (first: id 9: contact_email '
	assert_output --partial '"cursor":"{\"at\":\"2026-12-02T00:00:00Z\",\"key\":9}"'
	crm_says 'sync: leads: 1 read, 0 added, 0 updated, 0 unchanged, 1 skipped' sync pull --source leads
}

@test "pull: the source's status is taken for a new lead only" {
	src "UPDATE leads SET status = 'rejected' WHERE id = 1"
	crm_ok sync pull --source leads -q
	assert_equal "$(q "SELECT status FROM leads WHERE external_id = '1'")" rejected
	crm_ok -q lead status 1 new
	src "UPDATE leads SET status = 'converted', updated_at = '2026-12-03T00:00:00Z' WHERE id = 1"
	crm_ok sync pull --source leads -q
	assert_equal "$(q "SELECT status FROM leads WHERE external_id = '1'")" new
}

@test "pull: bot contacts become communications once, and promote their lead" {
	crm_ok sync pull -q
	assert_equal "$(q "SELECT channel, source, direction, occurred_at, substr(external_id, 1, 4) FROM communications ORDER BY id")" $'email|sync|out|2026-11-20T09:00:00Z|bot:\nform|sync|out|2026-11-20T09:05:00Z|bot:'
	assert_equal "$(q "SELECT external_id, status, client_id IS NOT NULL FROM leads WHERE external_id IN ('1', '2') ORDER BY id")" $'1|contacted|1\n2|contacted|1'
	assert_equal "$(q "SELECT name, email, stage FROM clients ORDER BY id")" $'Owner 1|owner1@example.com|contacted\nOwner 2|owner2@example.com|contacted'
	# read again from the start: nothing doubled
	q "DELETE FROM sync_state"
	run --separate-stderr crm sync pull --source contacts
	assert_success
	assert_equal "$stderr" 'sync: contacts: 2 read, 0 added, 0 updated, 2 unchanged, 0 skipped'
	assert_equal "$(q 'SELECT count(*) FROM communications')" 2
}

@test "pull: bot contacts without ids: one that differs in kind or subject is another; a later status is not" {
	sqlite3 src/bot.db "CREATE TABLE sent (email TEXT, channel TEXT, kind TEXT, subject TEXT,
		status TEXT, contacted_at TEXT);
		INSERT INTO sent VALUES
			('owner1@example.com', 'email', 'email', 'Your flat', 'sent', '2026-11-20T09:00:00Z'),
			('owner1@example.com', 'email', 'email', 'Your flat, again', 'sent', '2026-11-20T09:00:00Z'),
			('owner1@example.com', 'email', 'note', 'Your flat', 'logged', '2026-11-20T09:00:00Z')"
	crm_ok -q sync pull --source leads
	only contacts '{sqlite: src/bot.db, table: sent}'
	crm_says 'sync: contacts: 3 read, 3 added, 0 updated, 0 unchanged, 0 skipped' sync pull
	sqlite3 src/bot.db "UPDATE sent SET status = 'delivered' WHERE kind = 'email'"
	q "DELETE FROM sync_state"
	crm_says 'sync: contacts: 3 read, 0 added, 0 updated, 3 unchanged, 0 skipped' sync pull
	assert_equal "$(q 'SELECT count(DISTINCT external_id) FROM communications')" 3
}

@test "pull: operators refreshed from the source" {
	crm_ok sync pull --source operators -q
	src "UPDATE operators SET name = 'Casa Sur' WHERE id = 1; INSERT INTO operators VALUES (3, 'Third')"
	crm_says 'sync: operators: 3 read, 1 added, 1 updated, 1 unchanged, 0 skipped' sync pull --source operators
	assert_equal "$(q 'SELECT id, name FROM operators ORDER BY id')" $'1|Casa Sur\n2|Costa Homes\n3|Third'
}

@test "pull --dry-run reads and counts, and writes nothing, cursor included" {
	run --separate-stderr crm sync pull --dry-run
	assert_success
	stderr_line 1 'sync: leads: 5 read, 5 added, 0 updated, 0 unchanged, 0 skipped'
	stderr_line 3 'sync: pull: dry run: nothing was written'
	assert_equal "$(q 'SELECT count(*) FROM leads')" 0
	assert_equal "$(q 'SELECT count(*) FROM sync_state')" 0
	assert_equal "$(q 'SELECT count(*) FROM communications')" 0
}

@test "pull --source: only that one; an unconfigured or unknown one is 64" {
	crm_says 'sync: operators: 2 read, 2 added, 0 updated, 0 unchanged, 0 skipped' sync pull --source operators
	assert_equal "$(q 'SELECT count(*) FROM leads')" 0
	crm_fails 64 sync pull --source listings
	assert_equal "$stderr" "crm: sync pull: source 'listings' is not pulled: a listing is read when its client or lead is shown"
	crm_fails 64 sync pull --source nope
	stderr_has "nope"
}

@test "pull: a missing source file is 66, a missing table or column 78, named" {
	only leads '{sqlite: src/none.db, table: leads}'
	crm_fails 66 sync pull
	assert_equal "$stderr" "crm: sync: sources.leads: cannot open '$PWD/src/none.db': no such file, or it cannot be read"
	only leads '{sqlite: src/providers.db, table: nope}'
	crm_fails 78 sync pull
	assert_equal "$stderr" "crm: sync: sources.leads: no table 'nope' in '$PWD/src/providers.db'"
	only leads "{sqlite: src/providers.db, table: leads, cursor: 'odd\"col'}"
	crm_fails 78 sync pull
	assert_equal "$stderr" "crm: sync: sources.leads: no column 'odd\"col' in table 'leads' of '$PWD/src/providers.db'"
	crm_ok sync status --format json
	assert_output --partial '"last_result":"error: sync: sources.leads: no column'
}

@test "pull: one source failing does not keep the others from being pulled" {
	sed -i 's|src/bot.db|src/gone.db|' crm.yaml
	run --separate-stderr crm sync pull
	assert_failure 66
	stderr_line 1 'sync: leads: 5 read, 5 added, 0 updated, 0 unchanged, 0 skipped'
	stderr_line 2 "crm: sync: sources.contacts: cannot open '$PWD/src/gone.db': no such file, or it cannot be read"
	assert_equal "$(q 'SELECT count(*) FROM leads')" 5
}

@test "sync status: each source's cursor and rows" {
	crm_ok sync pull -q
	crm_ok sync status --format json
	assert_output --partial '{"source":"leads","kind":"sqlite","path":"'"$PWD"'/src/providers.db","cursor":"{\"at\":\"2026-11-06T10:00:05Z\",\"key\":5}","last_run_at":"2026-11-25T12:00:00Z","last_result":"ok","rows":5}'
	assert_output --partial '{"source":"contacts","kind":"sqlite",'
	run --separate-stderr crm sync status --format table
	assert_success
	assert_line --regexp '^leads +sqlite .* ok +5$'
}

@test "writeback: lead statuses set in crm go to the source's status column" {
	sed -i 's|table: leads|table: leads\n    writeback: true|' crm.yaml
	crm_ok sync pull --source leads -q
	crm_ok -q lead status 4 suppressed
	crm_says 'sync: leads: 1 read, 0 added, 0 updated, 1 unchanged, 0 skipped, 1 written back' sync pull --source leads
	assert_equal "$(src 'SELECT id, status FROM leads WHERE status <> '"'new'"'')" '4|suppressed'
	# written once: the cursor of activity_logs moved on
	crm_says 'sync: leads: 1 read, 0 added, 0 updated, 1 unchanged, 0 skipped' sync pull --source leads
	crm_ok -q lead status 4 contacted
	crm_ok -q sync pull --source leads --dry-run
	assert_equal "$(src 'SELECT status FROM leads WHERE id = 4')" suppressed
}

@test "client show and lead show: the listing's title, location and price" {
	sqlite3 src/listings.db "CREATE TABLE listings (listing_ref TEXT PRIMARY KEY, title TEXT,
		location TEXT, price REAL, rooms INTEGER);
		INSERT INTO listings VALUES ('L1', 'Sea view flat', 'Sitges', 250000, 3)"
	echo '  listings: {sqlite: src/listings.db, table: listings}' >> crm.yaml
	add_client --name Ana --listing-ref L1
	crm_ok client show "$id"
	assert_line 'listings (sources.listings):'
	assert_line --regexp '^L1 +Sea view flat +Sitges +250000'
	crm_ok client show "$id" --format json
	assert_output --partial '"listing_context":[{"listing_ref":"L1","title":"Sea view flat","location":"Sitges","price":"250000.0","listing":{"listing_ref":"L1","title":"Sea view flat","location":"Sitges","price":250000.0,"rooms":3}}]'
	crm_ok -q lead import - <<< $'external_id,listing_ref,contact_name\nx9,L1,Bo'
	crm_ok lead show x9
	assert_line --regexp '^L1 +Sea view flat +Sitges +250000'
	# no source file: the record, without the listing's context
	rm src/listings.db
	crm_ok client show "$id" --format json
	assert_output --partial '"listing_context":[]'
}

@test "listings: a table and columns with quotes in their names, and many long ones" {
	cols=$(for i in $(seq 1 80); do printf ', "column %s %0100d"' "$i" 0; done)
	sqlite3 src/listings.db "CREATE TABLE \"the \"\"listings\"\"\" (\"ref \"\"x\"\"\" TEXT, title TEXT $cols);
		INSERT INTO \"the \"\"listings\"\"\" (\"ref \"\"x\"\"\", title) VALUES ('L1', 'Sea view flat')"
	printf '%s\n' '  listings: {sqlite: src/listings.db, table: "the \"listings\"", key: "ref \"x\""}' >> crm.yaml
	add_client --name Ana --listing-ref L1
	crm_ok client show "$id" --format json
	assert_output --partial '"listing":{"ref \"x\"":"L1","title":"Sea view flat","column 1 0000'
	crm_ok client show "$id"
	assert_line --regexp '^L1 +Sea view flat'
}

# a feed of leads as JSON Lines, at feed.jsonl
feed_config() {
	only leads "{$1: feed.$1, map: {email: contact_email}}"
}

@test "feed: appended lines only are read; a last line without newline waits" {
	feed_config jsonl
	printf '{"id":"f1","email":"a@example.com"}\n{"id":"f2","email":"b@example.com"}\n' > feed.jsonl
	crm_says 'sync: leads: 2 read, 2 added, 0 updated, 0 unchanged, 0 skipped' sync pull
	printf '{"id":"f3","email":"c@example.com"}\n{"id":"f4","em' >> feed.jsonl
	crm_says 'sync: leads: 1 read, 1 added, 0 updated, 0 unchanged, 0 skipped' sync pull
	printf 'ail":"d@example.com"}\n' >> feed.jsonl
	crm_says 'sync: leads: 1 read, 1 added, 0 updated, 0 unchanged, 0 skipped' sync pull
	assert_equal "$(q 'SELECT external_id, contact_email FROM leads ORDER BY id')" $'f1|a@example.com\nf2|b@example.com\nf3|c@example.com\nf4|d@example.com'
	crm_ok sync status --format json
	assert_output --partial '"cursor":"{\"inode\":'"$(stat -c %i feed.jsonl)"',\"size\":'"$(stat -c %s feed.jsonl)"',\"offset\":'"$(stat -c %s feed.jsonl)"',\"line\":4,\"head\":'"$(stat -c %s feed.jsonl)"',\"mark\":\"'
}

@test "feed: a rotated file (another inode) and a truncated one are read from the start" {
	feed_config csv
	printf 'id,email\nf1,a@example.com\nf2,b@example.com\n' > feed.csv
	crm_ok -q sync pull
	printf 'id,email\nf2,b@example.com\nf3,c@example.com\n' > feed.new
	mv feed.new feed.csv
	crm_says 'sync: leads: 2 read, 1 added, 0 updated, 1 unchanged, 0 skipped' sync pull
	printf 'id,email\nf9,z@example.com\n' > feed.csv.tmp
	cat feed.csv.tmp > feed.csv   # the same inode, shorter
	crm_says 'sync: leads: 1 read, 1 added, 0 updated, 0 unchanged, 0 skipped' sync pull
	printf 'f10,y@example.com\n' >> feed.csv
	crm_says 'sync: leads: 1 read, 1 added, 0 updated, 0 unchanged, 0 skipped' sync pull
	assert_equal "$(q 'SELECT group_concat(external_id) FROM (SELECT external_id FROM leads ORDER BY id)')" 'f1,f2,f3,f9,f10'
	# the same inode, written again longer than the offset: other first bytes
	printf 'id,email\ng1,g@example.com\ng2,h@example.com\ng3,i@example.com\n' > feed.csv.tmp
	cat feed.csv.tmp > feed.csv
	crm_says 'sync: leads: 3 read, 3 added, 0 updated, 0 unchanged, 0 skipped' sync pull
}

@test "feed: a quoted CSV field of several lines across the end of a block is one field" {
	feed_config csv
	{
		printf 'id,email,title\nr1,,'
		head -c $(((1 << 20) - 40)) /dev/zero | tr '\0' x
		printf '\nr2,,"line one\nline two\nline three, the last"\nr3,,plain\n'
	} > feed.csv
	crm_says 'sync: leads: 3 read, 3 added, 0 updated, 0 unchanged, 0 skipped' sync pull
	assert_equal "$(q "SELECT title FROM leads WHERE external_id = 'r2'")" $'line one\nline two\nline three, the last'
	crm_says 'sync: leads: 0 read, 0 added, 0 updated, 0 unchanged, 0 skipped' sync pull
}

@test "feed: a header crm cannot read is 65; nothing is taken and the cursor stays until it is mended" {
	feed_config csv
	printf 'id,email,email\nf1,a@example.com,b@example.com\n' > feed.csv
	run --separate-stderr crm sync pull
	assert_failure 65
	assert_output ''
	stderr_has "crm: sync: sources.leads: $PWD/feed.csv:"
	stderr_has "feed.csv:1: header: column 'contact_email' is there twice"
	assert_equal "$(q 'SELECT count(*) FROM leads')" 0
	assert_equal "$(q "SELECT count(*) FROM sync_state WHERE source = 'leads' AND cursor IS NOT NULL")" 0
	printf 'id,email\nf1,a@example.com\n' > feed.csv
	crm_says 'sync: leads: 1 read, 1 added, 0 updated, 0 unchanged, 0 skipped' sync pull
}

@test "feed: contact events of a feed become communications" {
	crm_ok -q sync pull --source leads
	printf 'sources:\n  contacts: {jsonl: events.jsonl}\n' > crm.yaml
	printf '{"email":"owner3@example.com","channel":"email","at":"2026-11-21T10:00:00Z"}\n' > events.jsonl
	crm_says 'sync: contacts: 1 read, 1 added, 0 updated, 0 unchanged, 0 skipped' sync pull
	q "DELETE FROM sync_state"
	crm_says 'sync: contacts: 1 read, 0 added, 0 updated, 1 unchanged, 0 skipped' sync pull
	assert_equal "$(q "SELECT count(*), min(source) FROM communications")" '1|sync'
}

@test "feed: a NUL byte, bad UTF-8 and a huge line are skipped, named, and passed" {
	feed_config jsonl
	{
		printf '{"id":"n1","email":"a@example.com"}\n'
		printf '{"id":"n2","title":"a\0b"}\n'
		printf '{"id":"n3","title":"\xff\xfe"}\n'
		printf '{"id":"n4","title":"'; head -c $((17 << 20)) /dev/zero | tr '\0' x; printf '"}\n'
		printf '{"id":"n5","email":"e@example.com"}\n'
	} > feed.jsonl
	crm_says 'sync: leads: 5 read, 2 added, 0 updated, 0 unchanged, 3 skipped' sync pull
	assert_equal "$(q 'SELECT group_concat(external_id) FROM leads')" 'n1,n5'
	crm_ok sync status --format json
	assert_output --partial "\"last_result\":\"ok, 3 skipped (first: $PWD/feed.jsonl:2: "
	crm_says 'sync: leads: 0 read, 0 added, 0 updated, 0 unchanged, 0 skipped' sync pull
}

@test "pull killed at any point loses and doubles nothing" {
	"$TOP/tests/fixtures/sources.sh" src 20000
	crm -q init
	crm sync pull --source leads -q & pid=$!
	sleep 0.7
	kill9 "$pid"
	before=$(q 'SELECT count(*) FROM leads')
	[ "$before" -lt 20000 ] || skip "the pull ended before it was killed"
	run --separate-stderr crm sync pull --source leads
	assert_success
	assert_equal "$(q 'SELECT count(*), count(DISTINCT external_id) FROM leads')" '20000|20000'
	# the cursor is the last row's
	assert_equal "$(q "SELECT cursor FROM sync_state WHERE source = 'leads'")" "$(src "SELECT json_object('at', updated_at, 'key', id) FROM leads ORDER BY updated_at DESC, id DESC LIMIT 1")"
	# again: the rows of the overlap only, the last minute, read again
	n=$(src "SELECT count(*) FROM leads WHERE updated_at >= (SELECT strftime('%Y-%m-%dT%H:%M:%S', max(updated_at), '-60 seconds') FROM leads)")
	crm_says "sync: leads: $n read, 0 added, 0 updated, $n unchanged, 0 skipped" sync pull --source leads
}
