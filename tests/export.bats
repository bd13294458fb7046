#!/usr/bin/env bats
# crm export csv|xlsx|jsonl: the client filters, --what, --columns, -o,
# --safe-csv, one snapshot, and the workbook read back
bats_require_minimum_version 1.5.0
load helper

q() { sqlite3 "$CRM_DB" "$1"; }

setup() {
	crm_setup
	export CRM_NOW=2026-11-30T10:00:00Z
	crm -q client add --name 'Ana Núñez' --email ana@x.test --channel email --tag vip \
		--viability 80 >/dev/null
	crm -q client add --name '=Bob' --email bob@x.test --channel form --stage contacted \
		--viability 30 >/dev/null
	CRM_NOW=2026-11-28T10:00:00Z crm -q client add --name Carla --email carla@x.test \
		--channel email --stage contacted --tag vip --tag sea --viability 55 >/dev/null
	crm -q client add --name Dan --email dan@x.test --channel fb --stage meeting \
		--viability 90 --note '+34 call after 5' >/dev/null
	crm -q client add --name Eve --email eve@x.test --channel email --viability 10 >/dev/null
	q "UPDATE clients SET status = 'archived' WHERE id = 5"
	# email: Ana contacted, then replied; Carla replied before she was
	# contacted (not a reply to it); fb: Dan contacted, no reply
	crm -q comm log 1 --channel email --subject 'first' >/dev/null
	CRM_NOW=2026-11-30T11:00:00Z crm -q comm log 1 --channel email --direction in \
		--subject 're: first' >/dev/null
	CRM_NOW=2026-11-30T09:00:00Z crm -q comm log 3 --channel email --direction in >/dev/null
	crm -q comm log 3 --channel email --subject 'hello' >/dev/null
	crm -q comm log 4 --channel fb >/dev/null
	# leads: L1 of Ana, L2 of nobody, L3 of Dan, L4 of operator 2
	crm -q lead import - >/dev/null <<-'L'
		external_id,contact_name,price
		L1,Ana,250000
		L2,Nobody,199999.5
		L3,Dan,
		L4,Other,1000
	L
	q "UPDATE leads SET client_id = 1 WHERE external_id = 'L1';
	   UPDATE leads SET client_id = 4 WHERE external_id = 'L3';
	   INSERT OR IGNORE INTO operators VALUES (2, 'two', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
	   UPDATE leads SET operator_id = 2 WHERE external_id = 'L4'"
	# the export is made after all of it
	export CRM_NOW=2026-11-30T12:00:00Z
}

# the ids of the jsonl objects of TYPE (any when empty) on stdin, sorted
ids_of() { jq -r "select(${1:-true}) | .id" | sort -n | tr '\n' ' '; }

@test "export csv prints what client list --format csv prints" {
	crm_ok client list --format csv
	list=$output
	crm_ok export csv
	assert_output "$list"
	assert_line --index 0 --regexp '^id,operator_id,name,email,'
	assert_equal "${#lines[@]}" 5
}

@test "the clients exported are those client list selects, filter by filter" {
	for f in '' '--stage contacted' '--tag vip' '--min-viability 50' '--q nunez' \
		'--channel email --status active' '--since 2026-11-29' '--all' \
		'--stage replied,contacted --tag vip --min-viability 10' '--status archived' \
		'--sort name --limit 2' '--sort -viability --limit 2 --offset 1' '--channel email,fb'; do
		# shellcheck disable=SC2086
		want=$(crm client list --format ids $f | sort -n | tr '\n' ' ')
		[ -n "$want" ] || fail "no client for '$f': a test that proves nothing"
		# shellcheck disable=SC2086
		got=$(crm export jsonl $f | ids_of)
		assert_equal "$got" "$want"
		# shellcheck disable=SC2086
		got=$(crm export csv $f | tail -n +2 | cut -d, -f1 | sort -n | tr '\n' ' ')
		assert_equal "$got" "$want"
	done
	# and they narrow: not every filter gives every client
	assert_equal "$(crm export jsonl --tag vip | ids_of)" '1 3 '
	assert_equal "$(crm export jsonl --since 2026-11-29 --channel email | ids_of)" '1 '
}

@test "communications exported are those of the clients selected" {
	crm_ok export jsonl --what comms --tag vip
	assert_equal "$(jq -r .client_id <<< "$output" | sort -u | tr '\n' ' ')" '1 3 '
	assert_equal "${#lines[@]}" 4
	crm_ok export jsonl --what comms --stage meeting
	assert_equal "$(jq -r '.client_id' <<< "$output")" 4
	crm_ok export csv --what comms
	assert_line --index 0 --regexp '^id,client_id,occurred_at,channel,direction,kind,'
	assert_equal "${#lines[@]}" $(( $(q 'SELECT count(*) FROM communications') + 1 ))
}

@test "leads: those of the clients selected; with no filter every lead of the operator in force" {
	assert_equal "$(crm export jsonl --what leads --tag vip | jq -r .external_id)" L1
	assert_equal "$(crm export jsonl --what leads --stage meeting,replied | jq -r .external_id | tr '\n' ' ')" 'L1 L3 '
	# no filter: every lead, linked or not, of every operator
	assert_equal "$(crm export jsonl --what leads | jq -r .external_id | tr '\n' ' ')" 'L1 L2 L3 L4 '
	# --all and --sort narrow nothing
	assert_equal "$(crm export jsonl --what leads --all --sort name | jq -r .external_id | tr '\n' ' ')" 'L1 L2 L3 L4 '
	# the operator in force
	assert_equal "$(crm --operator 1 export jsonl --what leads | jq -r .external_id | tr '\n' ' ')" 'L1 L2 L3 '
	assert_equal "$(CRM_OPERATOR=2 crm export jsonl --what leads | jq -r .external_id)" L4
	# a number is a number
	assert_equal "$(crm export jsonl --what leads | jq -r 'select(.external_id == "L2") | .price | type')" number
}

@test "jsonl --what all: every object says its type; the pipeline counts stages and reply rates" {
	crm_ok export jsonl --what all
	assert_equal "$(jq -r .type <<< "$output" | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
		'client=4 communication=5 lead=4 stage=7 reply_rate=2 '
	stages=$(jq -c 'select(.type == "stage") | [.stage, .clients]' <<< "$output" | tr -d '\n')
	assert_equal "$stages" "$(for s in new contacted replied meeting negotiating won lost; do
		printf '["%s",%d]' "$s" "$(crm client list --format ids --stage "$s" | wc -l)"; done)"
	assert_equal "$(jq -c 'select(.type == "reply_rate") | [.channel, .contacted, .replied, .reply_rate]' <<< "$output" | tr -d '\n')" \
		'["email",2,1,0.5]["fb",1,0,0]'
	# one type alone has no type key: as client list prints it
	crm_ok export jsonl --what clients
	assert_equal "$(jq -r 'has("type")' <<< "${lines[0]}")" false
}

@test "the pipeline follows the configured stages and channels" {
	printf 'pipeline:\n  stages: [meeting, contacted, new, replied, negotiating, won, lost]\nchannels: [fb, email, form, phone, sms, whatsapp]\n' > crm.yaml
	crm_ok export jsonl --what all
	assert_equal "$(jq -r 'select(.type == "stage") | .stage' <<< "$output" | tr '\n' ' ')" \
		'meeting contacted new replied negotiating won lost '
	assert_equal "$(jq -r 'select(.type == "reply_rate") | .channel' <<< "$output" | tr '\n' ' ')" 'fb email '
}

@test "--columns picks catalog columns in their order; with --what all the clients' only" {
	crm_ok export csv --columns name,id --tag vip
	assert_output $'name,id\nAna Núñez,1\nCarla,3'
	crm_ok export jsonl --what comms --columns client_id,subject --stage meeting
	assert_output '{"client_id":4,"subject":null}'
	crm_ok export jsonl --what all --columns id,tags --tag vip
	assert_line --index 0 '{"type":"client","id":1,"tags":["vip"]}'
	assert_equal "$(jq -r 'select(.type == "communication") | keys | length' <<< "$output" | sort -u)" 13
}

@test "an unknown column exits 64 naming the known ones and the one likely meant" {
	crm_fails 64 export csv --columns id,nmae
	assert_equal "$stderr" "crm: export: --columns 'nmae': unknown column; did you mean 'name'? (known: id, operator_id, name, email, phone, phone_e164, stage, status, channel, source_type, source_url, listing_ref, viability, automation_enabled, automation_paused_until, ai_mode, tags, custom, notes, lost_reason, next_action_at, last_contacted_at, last_interaction_at, created_at, updated_at, warnings)"
	crm_fails 64 export jsonl --what comms --columns name
	stderr_has "crm: export: --columns 'name': unknown column (known: id, client_id, occurred_at, channel,"
	crm_fails 64 export csv --what leads --columns id,,title
	stderr_has "crm: export: --columns '': unknown column"
	crm_fails 64 export csv --columns id,name,id
	assert_equal "$stderr" "crm: export: --columns 'id': named twice"
}

@test "csv --what all, --format, an argument and a bad --what are usage errors" {
	crm_fails 64 export csv --what all
	assert_equal "$stderr" "crm: export: csv --what all: a csv file holds one table; export clients, comms and leads one at a time, or all as jsonl or xlsx"
	crm_fails 64 export jsonl --format json
	assert_equal "$stderr" "crm: export: --format: the format is the subcommand (csv, xlsx or jsonl)"
	crm_fails 64 export csv extra
	stderr_usage "crm: export: unexpected argument 'extra'"
	crm_fails 64 export csv --what everything
	stderr_has "--what"
	stderr_has "everything"
	crm_fails 64 export csv -o
	stderr_has "option '-o' needs a value"
	crm_fails 64 export
	crm_fails 64 export pdf
	crm_fails 64 export csv --sort nmae
	assert_equal "$stderr" "crm: export: cannot sort by 'nmae' (id, name, stage, viability, created_at, updated_at, last_contacted_at, last_interaction_at, next_action_at; '-' before for descending); did you mean 'name'?"
}

@test "bad filter data exits 65; no database exits 66" {
	crm_fails 65 export csv --stage nope
	stderr_has "stage 'nope'"
	crm_fails 65 export jsonl --since yesterdayish
	stderr_has "--since 'yesterdayish': not a time"
	CRM_DB=$BATS_TEST_TMPDIR/none.db crm_fails 66 export csv
	stderr_has "does not exist"
	assert [ ! -e "$BATS_TEST_TMPDIR/none.db" ]
}

@test "an export that selects nothing writes its header and exits 0" {
	crm_ok export csv --stage won
	assert_output --regexp '^id,operator_id,name,'
	assert_equal "${#lines[@]}" 1
	crm_ok export jsonl --stage won
	assert_output ''
}

@test "--safe-csv quotes formula cells; it is the default for -o FILE.csv, not for stdout" {
	crm_ok export csv --columns name,notes --stage contacted,meeting
	assert_line '=Bob,'
	assert_line 'Dan,+34 call after 5'
	crm_ok export csv --columns name,notes --stage contacted,meeting --safe-csv
	assert_line "\"'=Bob\","
	assert_line "Dan,\"'+34 call after 5\""
	crm_ok export csv --columns name,notes --stage contacted,meeting -o out.csv
	assert_output ''
	run grep -c "^\"'=Bob\",\$" out.csv
	assert_output 1
	run grep -c "^Dan,\"'+34 call after 5\"\$" out.csv
	assert_output 1
	crm_ok export csv --columns name,notes --stage contacted,meeting -o OUT.CSV
	run grep -c "^\"'=Bob\",\$" OUT.CSV
	assert_output 1
	# another name is written as asked
	crm_ok export csv --columns name --stage contacted -o out.txt
	run grep -c '^=Bob$' out.txt
	assert_output 1
}

@test "-o writes the file whole, in place of the old one, with no temporary file left" {
	echo old > out.jsonl
	crm_ok export jsonl -o out.jsonl --tag vip
	assert_output ''
	assert_equal "$(ids_of < out.jsonl)" '1 3 '
	crm_ok export jsonl -oshort.jsonl --tag vip
	assert_equal "$(ids_of < short.jsonl)" '1 3 '
	crm_ok export xlsx --output=book.xlsx
	run unzip -l book.xlsx
	assert_output --partial xl/worksheets/sheet1.xml
	assert_equal "$(ls -A | grep -c '^\.')" 0
}

@test "-o that cannot be written exits 73; -o the database or its WAL exits 64" {
	crm_fails 73 export csv -o "$BATS_TEST_TMPDIR/no/such/dir/out.csv"
	stderr_has "crm: export file '$BATS_TEST_TMPDIR/no/such/dir/out.csv'"
	mkdir ro && chmod 0555 ro
	if [ "$(id -u)" != 0 ]; then
		crm_fails 73 export jsonl -o ro/out.jsonl
		assert [ ! -e ro/out.jsonl ]
	fi
	crm_fails 73 export xlsx -o "$BATS_TEST_TMPDIR/no/out.xlsx"
	crm_fails 64 export csv -o "$CRM_DB"
	assert_equal "$stderr" "crm: export file '$CRM_DB': is the database; name another file"
	crm_fails 64 export xlsx -o "$CRM_DB-wal"
	stderr_has "is the database's -wal file"
	assert_equal "$(q 'SELECT count(*) FROM clients')" 5
}

@test "standard output that cannot be written exits 73, whatever the format" {
	for f in csv xlsx jsonl; do
		run --separate-stderr crm export "$f" --what comms
		assert_success
		run --separate-stderr sh -c "crm export $f --what comms > /dev/full"
		assert_failure 73
		assert_equal "$stderr" 'crm: stdout: write error: No space left on device'
	done
}

@test "xlsx refuses a terminal; to a pipe or a file it is a whole workbook" {
	run script -qec "crm export xlsx" /dev/null
	assert_failure 64
	assert_output --partial "crm: export: xlsx: standard output is a terminal; name a file with -o FILE, or send it to a pipe or a file"
	crm export xlsx --what all | cat > piped.xlsx
	run unzip -l piped.xlsx
	assert_success
	assert_output --partial xl/worksheets/sheet4.xml
	crm export xlsx > plain.xlsx
	run unzip -l plain.xlsx
	assert_success
	# nothing left behind in TMPDIR
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir "$TMPDIR"
	crm export xlsx --what all > /dev/null
	assert_equal "$(ls -A "$TMPDIR")" ''
}

# A database of N clients with long notes, made by SQL.
big_db() {
	q "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < $1 + 100)
	   INSERT INTO clients (id, operator_id, name, email, email_norm, stage, notes, created_at, updated_at)
	   SELECT i, 1, 'Owner ' || i, 'o' || i || '@x.test', 'o' || i || '@x.test', 'new',
	     printf('%.200c', 'n'), '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM n"
}

# Run crm export ARGS... -o F in the background, and kill it with
# SIGKILL once its temporary file beside F has something in it (xlsx:
# once it is there and a moment has passed); it must die of the signal
# (137), not end first.  $t is the temporary file.
kill_mid_write() {
	local f=$1 pid st=0
	shift
	crm export "$@" -o "$f" & pid=$!
	t=
	for _ in $(seq 200); do
		t=$(ls -A | grep "^\.$f\." || true)
		[ -n "$t" ] && [ "$(stat -c %s "$t" 2>/dev/null || echo 0)" -gt 0 ] && break
		[[ $f == *.xlsx ]] && [ -n "$t" ] && { sleep 0.5; break; }
		sleep 0.05
	done
	[ -n "$t" ] || fail "no temporary file for $f"
	kill -9 "$pid"
	wait "$pid" || st=$?
	assert_equal "$st" 137
}

@test "an export killed mid-write leaves the old file, or none, never a part of one" {
	big_db 300000
	for f in out.csv out.xlsx; do
		echo old > "$f"
		kill_mid_write "$f" "${f#out.}"
		assert_equal "$(cat "$f")" old
		rm -f "$t"
	done
	kill_mid_write new.csv csv --stage new
	assert [ ! -e new.csv ]
}

@test "the export is one snapshot: a writer meanwhile is not held up, and nothing of it shows" {
	big_db 4000
	q "INSERT INTO communications (client_id, channel, direction, kind, status, occurred_at, source, created_at)
	   SELECT id, 'email', 'out', 'email', 'sent', '2026-11-02T00:00:00Z', 'manual', '2026-11-02T00:00:00Z'
	   FROM clients WHERE id >= 100"
	comms=$(q 'SELECT count(*) FROM communications')
	mkfifo pipe
	crm export jsonl --what all > pipe & pid=$!
	exec 5< pipe
	# the exporter is now blocked writing its clients, the pipe full
	read -r first <&5
	assert_equal "$(jq -r .type <<< "$first")" client
	sleep 0.2
	run timeout 5 crm -q client add --name Late --email late@x.test
	assert_success
	late=$output
	run timeout 5 crm -q comm log "$late" --channel email
	assert_success
	run timeout 5 crm -q comm log 1 --channel email --subject late
	assert_success
	cat <&5 > rest
	exec 5<&-
	wait "$pid"
	{ echo "$first"; cat rest; } > all.jsonl
	# none of the writes shows, and the sheets agree
	assert_equal "$(jq -r 'select(.type == "client" and .id == '"$late"') | .id' all.jsonl)" ''
	assert_equal "$(jq -r 'select(.type == "communication" and .subject == "late") | .id' all.jsonl)" ''
	assert_equal "$(jq -r 'select(.type == "communication") | .id' all.jsonl | wc -l)" "$comms"
	jq -r 'select(.type == "client") | .id' all.jsonl | sort -n > clients
	jq -r 'select(.type == "communication") | .client_id' all.jsonl | sort -nu > comm_clients
	assert_equal "$(comm -13 clients comm_clients)" ''
	assert_equal "$(jq -r 'select(.type == "stage") | .clients' all.jsonl | paste -sd+ | bc)" \
		"$(wc -l < clients)"
	# and the writes are there now
	assert_equal "$(crm export jsonl --what comms | jq -r 'select(.subject == "late") | .client_id')" 1
}

@test "hostile text: bad UTF-8, control characters, very long text go to csv and xlsx" {
	q "UPDATE clients SET name = CAST(X'416EFF61' AS TEXT), notes = 'bell' || char(7) || 'esc' || char(27) || char(1) WHERE id = 1;
	   UPDATE clients SET notes = printf('%.100000c', 'x') || 'END' WHERE id = 2"
	crm_ok export csv --columns id,name,notes
	assert_equal "$(sed -n 2p <<< "$output" | od -An -tx1 | tr -d ' \n' | head -c 20)" \
		"312c416eff612c62656c"
	assert_equal "$(crm export csv --columns notes --stage contacted | tail -1 | wc -c)" 100004
	crm_ok export jsonl --columns name,notes --tag vip
	crm_ok export xlsx --what all -o hostile.xlsx
	/usr/bin/python3 -c 'import openpyxl' 2>/dev/null || skip "/usr/bin/python3 cannot import openpyxl"
	run /usr/bin/python3 - <<-'P'
		import openpyxl
		ws = openpyxl.load_workbook("hostile.xlsx")["Clients"]
		rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
		hdr = [c.value for c in ws[1]]
		name, notes = hdr.index("name"), hdr.index("notes")
		print(rows[1][name] == "An\ufffda", rows[1][notes] == "bell\ufffdesc\ufffd\ufffd",
		      len(rows[2][notes]), rows[2][notes][:3])
		# long text wraps, short text does not
		r2 = [r for r in ws.iter_rows(min_row=2) if r[0].value == 2][0]
		print(r2[notes].alignment.wrap_text, r2[name].alignment.wrap_text)
	P
	assert_success
	assert_output $'True True 32767 xxx\nTrue None'
}

@test "the workbook read back: sheets, headers, rows, numbers, dates, frozen header, autofilter, widths, charts, properties" {
	/usr/bin/python3 -c 'import openpyxl' 2>/dev/null || skip "/usr/bin/python3 cannot import openpyxl"
	crm_ok export xlsx --what all --min-viability 20 -o book.xlsx
	run --separate-stderr /usr/bin/python3 - <<-'P'
		import datetime, openpyxl
		wb = openpyxl.load_workbook("book.xlsx")
		print(wb.sheetnames)
		for ws in wb:
		    print(ws.title, ws.max_row, ws.freeze_panes, ws.auto_filter.ref, len(ws._charts))
		c = wb["Clients"]
		hdr = [x.value for x in c[1]]
		print(hdr[:4], all(x.font.b for x in c[1]))
		row = [x.value for x in c[2]]
		print(type(row[hdr.index("id")]).__name__, type(row[hdr.index("viability")]).__name__,
		      row[hdr.index("created_at")], c.cell(2, hdr.index("created_at") + 1).number_format)
		print(sorted(r[0] for r in c.iter_rows(min_row=2, values_only=True)),
		      [r[hdr.index("tags")] for r in c.iter_rows(min_row=2, values_only=True) if r[0] == 3])
		# as wide as the widest cell: "id" and its filter button; carla@x.test
		print(int(c.column_dimensions["A"].width), int(c.column_dimensions["D"].width))
		m = wb["Communications"]
		mh = [x.value for x in m[1]]
		print(isinstance(m.cell(2, mh.index("occurred_at") + 1).value, datetime.datetime))
		l = wb["Leads"]
		lh = [x.value for x in l[1]]
		print(sorted((r[lh.index("external_id")], r[lh.index("price")]) for r in l.iter_rows(min_row=2, values_only=True)))
		p = wb["Pipeline"]
		print([r for r in p.iter_rows(min_row=1, max_row=8, max_col=2, values_only=True)][:3])
		print([r for r in p.iter_rows(min_row=10, max_row=12, max_col=4, values_only=True)])
		pr = wb.properties
		print(pr.title, "|", pr.subject, "|", pr.description, "|", pr.created, "|", pr.creator)
	P
	assert_success
	assert_line --index 0 "['Clients', 'Communications', 'Leads', 'Pipeline']"
	assert_line --index 1 'Clients 5 A2 A1:Z5 0'
	assert_line --index 2 'Communications 6 A2 A1:L6 0'
	assert_line --index 3 'Leads 3 A2 A1:W3 0'
	assert_line --index 4 'Pipeline 12 A2 A1:D8 2'
	assert_line --index 5 "['id', 'operator_id', 'name', 'email'] True"
	assert_line --index 6 'int int 2026-11-30 10:00:00 yyyy-mm-dd hh:mm:ss'
	assert_line --index 7 "[1, 2, 3, 4] ['sea,vip']"
	assert_line --index 8 '6 13'
	assert_line --index 9 'True'
	assert_line --index 10 "[('L1', 250000), ('L3', None)]"
	assert_line --index 11 "[('stage', 'clients'), ('new', 0), ('contacted', 1)]"
	assert_line --index 12 "[('channel', 'contacted', 'replied', 'reply_rate'), ('email', 2, 1, 0.5), ('fb', 1, 0, 0)]"
	assert_line --index 13 'crm export: all | --min-viability 20 | --min-viability 20 | 2026-11-30 12:00:00 | tester'
}

@test "the man page's synopsis is the --help usage of each subcommand" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	syn=$(mandoc -Tascii "$TOP/man/crm-export.1" | col -b | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | tr -s ' \n\t' ' ')
	for s in csv xlsx jsonl; do
		crm_ok export "$s" --help
		usage=${lines[0]#usage: }
		usage=${usage% \[options\]}
		want=$(sed -e 's/WHAT/what/; s/\[filters\]/[client-filters]/; s/A,B,\.\.\./a,b,.../; s/FILE/file/' <<< "$usage")
		[[ $syn == *"$want"* ]] || fail "crm-export.1 SYNOPSIS lacks '$want': $syn"
	done
}
