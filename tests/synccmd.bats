#!/usr/bin/env bats
# crm sync as a command: its help and completion, its lock, its status
# with nothing set up, and the migration of a version 5 database.
# Pull, push and apply have tests of their own (sync.bats, push.bats,
# apply.bats).

bats_require_minimum_version 1.5.0
load helper

# hold the sync lock of $CRM_DB for SECONDS from another process (an
# fcntl lock, as crm takes it); $holder is its pid, $CRM_DB.held says
# that it holds it
hold_lock() {
	python3 -c '
import fcntl, sys, time
f = open(sys.argv[1] + ".sync.lock", "a")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[1] + ".held", "w").close()
time.sleep(float(sys.argv[2]))' "$CRM_DB" "$1" &
	holder=$!
	for _ in $(seq 100); do [ -e "$CRM_DB.held" ] && return; sleep 0.05; done
	fail "the lock was never taken"
}

setup() {
	crm_setup
	crm init 2>/dev/null
}

@test "sync --help: its own options, then its subcommands" {
	crm_ok sync --help
	assert_line --index 0 'usage: crm sync [--dry-run] [--source NAME] [--wait] [options]'
	assert_line --partial -- '--source NAME          pull this source only'
	assert_line 'subcommands:'
	assert_line --regexp '^  pull +bring in leads'
	assert_line --regexp '^  apply +apply an external'
	crm_ok help sync
	assert_line --index 0 'usage: crm sync [--dry-run] [--source NAME] [--wait] [options]'
}

@test "sync: an option it does not know is a usage error, with its usage" {
	crm_fails 64 sync --bogus
	stderr_usage "crm: sync: unknown option '--bogus'"
	crm_fails 64 sync pull extra
	stderr_usage "crm: sync pull: unexpected argument 'extra'"
	crm_fails 64 sync push --source leads
	stderr_usage "crm: sync push: unknown option '--source'"
	crm_fails 64 sync bogus
	assert_equal "$stderr" "crm: sync: unknown subcommand 'bogus'; see 'crm sync --help'"
}

@test "sync: bash completes its options, the names of its sources, its subcommands" {
	crm_ok __complete sync --source ''
	assert_output $'operators\nleads\ncontacts'
	crm_ok __complete sync --dry-run --
	assert_line --index 0 -- '--dry-run'
	assert_line -- '--wait'
	crm_ok __complete sync ''
	assert_output $'pull\npush\nstatus\nretry\napply'
	crm_ok __complete sync pull --
	assert_line -- '--source'
	crm_ok __complete sync retry --
	assert_line --index 0 -- '--dead'
}

@test "sync: a second run while one holds the lock exits 75 at once" {
	hold_lock 5
	start=$SECONDS
	crm_fails 75 sync
	assert_equal "$stderr" "crm: sync: another sync is running (lock '$CRM_DB.sync.lock'); try again, or use --wait"
	crm_fails 75 sync pull
	crm_fails 75 sync push
	(( SECONDS - start < 3 )) || fail "it waited"
	kill "$holder"
	reap "$holder" 143
}

@test "sync --wait: waits for the lock, then runs" {
	hold_lock 1.5
	start=$(date +%s%N)
	run --separate-stderr crm sync pull --wait
	waited=$(( ($(date +%s%N) - start) / 1000000 ))
	(( waited >= 900 )) || fail "it did not wait: $waited ms"
	[[ $stderr != *"another sync is running"* ]] || fail "$stderr"
	wait "$holder"
}

@test "sync: the lock goes with the process that held it, however it ends" {
	hold_lock 30
	kill -9 "$holder"
	reap "$holder" 137
	run --separate-stderr crm sync pull
	[[ $stderr != *"another sync is running"* ]] || fail "$stderr"
}

@test "sync: a lock file that cannot be made exits 73" {
	mkdir "$CRM_DB.sync.lock"
	crm_fails 73 sync pull
	assert_equal "$stderr" "crm: sync: lock '$CRM_DB.sync.lock': Is a directory"
}

@test "sync status: nothing set up" {
	crm_ok sync status --format json
	assert_output '{"webhook":null,"endpoint":"not set","pending":0,"due":0,"delivered":0,"dead":0,"oldest_pending":null,"next_attempt_at":null,"sources":[]}'
	crm_ok sync status
	assert_line --index 0 'webhook'
	assert_line --regexp '^endpoint +not set$'
	assert_line --regexp '^pending +0$'
	assert_line 'Sources:'
	assert_line '  (none)'
}

@test "sync status: the outbox's counts, and each configured source's cursor and last run" {
	cat > crm.yaml <<-'YAML'
	sources:
	  leads: {sqlite: scraper.db, table: leads}
	  contacts: {jsonl: contacts.jsonl}
	sync:
	  webhook: {url: 'http://127.0.0.1:9/hook', secret_env: SECRET}
	YAML
	sqlite3 "$CRM_DB" "
		INSERT INTO outbox (event_id, type, aggregate, aggregate_id, payload, created_at,
			next_attempt_at, delivered_at, dead_at) VALUES
		('e1', 'client.created', 'client', 1, '{}', '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z', NULL, NULL),
		('e2', 'client.created', 'client', 2, '{}', '2026-11-21T10:00:00Z', '2026-11-30T10:00:00Z', NULL, NULL),
		('e3', 'client.created', 'client', 3, '{}', '2026-11-19T10:00:00Z', '2026-11-19T10:00:00Z', '2026-11-19T10:00:01Z', NULL),
		('e4', 'client.created', 'client', 4, '{}', '2026-11-18T10:00:00Z', '2026-11-18T10:00:00Z', NULL, '2026-11-19T10:00:00Z');
		INSERT INTO sync_state (source, cursor, last_run_at, last_result, rows, updated_at)
		VALUES ('leads', '{\"at\":\"2026-11-25\",\"key\":\"77\"}', '2026-11-25T10:00:00Z', 'ok', 120, '2026-11-25T10:00:00Z')"
	export CRM_NOW=2026-11-25T12:00:00Z
	crm_ok sync status --format json
	assert_output '{"webhook":"http://127.0.0.1:9/hook","endpoint":"enabled","pending":2,"due":1,"delivered":1,"dead":1,"oldest_pending":"2026-11-20T10:00:00Z","next_attempt_at":"2026-11-20T10:00:00Z","sources":[{"source":"leads","kind":"sqlite","path":"scraper.db","cursor":"{\"at\":\"2026-11-25\",\"key\":\"77\"}","last_run_at":"2026-11-25T10:00:00Z","last_result":"ok","rows":120},{"source":"contacts","kind":"jsonl","path":"contacts.jsonl","cursor":null,"last_run_at":null,"last_result":null,"rows":0}]}'
	sqlite3 "$CRM_DB" "INSERT INTO sync_state (source, last_result, updated_at)
		VALUES ('webhook', 'disabled (410) at 2026-11-25T11:00:00Z', '2026-11-25T11:00:00Z')"
	crm_ok sync status --format tsv
	assert_output $'webhook\tendpoint\tpending\tdue\tdelivered\tdead\toldest_pending\tnext_attempt_at\nhttp://127.0.0.1:9/hook\tdisabled (410) at 2026-11-25T11:00:00Z\t2\t1\t1\t1\t2026-11-20T10:00:00Z\t2026-11-20T10:00:00Z'
}

@test "sync status: no database is 66, and none is made" {
	export CRM_DB="$BATS_TEST_TMPDIR/none.db"
	crm_fails 66 sync status
	assert [ ! -e none.db ]
}

@test "sync: a version 5 database gains the outbox, the cursors and the inbox of version 6" {
	sqlite3 "$CRM_DB" "DROP TABLE outbox; DROP TABLE sync_state; DROP TABLE sync_inbox;
		DROP TABLE sync_links;
		CREATE TABLE outbox (id INTEGER PRIMARY KEY, entity TEXT NOT NULL,
			entity_id INTEGER NOT NULL, event TEXT NOT NULL, payload TEXT NOT NULL,
			created_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
			next_attempt_at TEXT, delivered_at TEXT, dead_at TEXT, last_error TEXT);
		CREATE INDEX outbox_pending ON outbox(delivered_at, dead_at, next_attempt_at);
		CREATE TABLE sync_state (source TEXT PRIMARY KEY, cursor TEXT, updated_at TEXT NOT NULL);
		PRAGMA user_version = 5"
	crm_ok sync status --format tsv
	run sqlite3 "$CRM_DB" "SELECT name FROM sqlite_master WHERE name IN ('outbox_due',
		'outbox_client', 'outbox_pending', 'sync_inbox', 'sync_links') ORDER BY name;
		SELECT count(*) FROM pragma_table_info('outbox') WHERE name IN ('seq', 'event_id');
		SELECT count(*) FROM pragma_table_info('sync_state') WHERE name = 'last_run_at';
		PRAGMA user_version"
	assert_output $'outbox_client\noutbox_due\nsync_inbox\nsync_links\n2\n1\n'"$SCHEMA"
}
