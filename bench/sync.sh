#!/bin/sh
# bench/sync.sh: crm sync against floors measured in the same run
# (DESIGN.md sec. 10).  bench/run calls it; it runs alone as well (after
# make).  Not a test: nothing here fails on a slow figure.
#   outbox: `crm comm log -` of BENCH_SYNC_EVENTS events (200000) with a
#           webhook set up (an event in the outbox for each) against the
#           same run with none (no outbox)
#   pull:   `crm sync pull` of BENCH_SYNC_LEADS leads (100000) from a
#           scraper database against `crm lead import` of the same rows
#           as CSV
#   push:   `crm sync push` of BENCH_PUSH events (5000) to the receiver of
#           the tests against bench/bare_post (libcurl alone, the same
#           bodies to the same receiver)
set -eu
cd "$(dirname "$0")/.."
top=$PWD
crm=$top/crm
data=$top/bench/data
nev=${BENCH_SYNC_EVENTS:-200000}
nleads=${BENCH_SYNC_LEADS:-100000}
npush=${BENCH_PUSH:-5000}
mkdir -p "$data/sync"
cd "$data/sync"
rm -rf ./*

now() { date +%s%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / (t / 1e9) }'; }
sec() { awk -v n="$1" 'BEGIN { printf "%.2f s", n / 1e9 }'; }

cflags="-O2 -std=c11 -D_POSIX_C_SOURCE=200809L $(pkg-config --cflags sqlite3)"
cc $cflags -o gen_events "$top/bench/gen_events.c" $(pkg-config --libs sqlite3)
cc $cflags $(pkg-config --cflags libcurl) -o bare_post "$top/bench/bare_post.c" \
	$(pkg-config --libs libcurl)

python3 "$top/tests/receiver.py" "$PWD" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw &
receiver=$!
trap 'kill $receiver' EXIT
while [ ! -s port ]; do sleep 0.05; done
url="http://127.0.0.1:$(cat port)/hook"
export CRM_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
printf 'sync:\n  webhook: {url: "%s", secret_env: CRM_WEBHOOK_SECRET}\n' "$url" > hook.yaml
: > none.yaml
echo "crm sync bench: $nev events, $nleads leads, $npush pushed"

# --- the outbox's cost to a batch of events
. "$top/bench/clients.sh"
make_clients clients.db 10000
"$crm" --db clients.db -q init
./gen_events "$nev" 10000 > events.jsonl
cp clients.db none.db
cp clients.db hook.db
t0=$(now); "$crm" --config none.yaml --db none.db -q comm log - < events.jsonl; t1=$(now)
t_none=$((t1 - t0))
t0=$(now); "$crm" --config hook.yaml --db hook.db -q comm log - < events.jsonl; t1=$(now)
t_hook=$((t1 - t0))
n_out=$(sqlite3 hook.db 'SELECT count(*) FROM outbox')
echo "comm log - of $nev events: $(rate "$nev" "$t_hook") events/s with a webhook ($n_out outbox rows), $(rate "$nev" "$t_none")/s without: $(ratio "$t_none" "$t_hook")x the rate without"

# --- pull: the scraper's leads, from its database, against lead import
"$top/tests/fixtures/sources.sh" src "$nleads"
cat > pull.yaml <<'Y'
sources:
  leads:
    sqlite: src/providers.db
    table: leads
    map: {url: source_url, name: contact_name, email: contact_email, phone: contact_phone}
Y
sqlite3 -csv -header src/providers.db "SELECT id AS external_id, operator_id,
	url AS source_url, name AS contact_name, email AS contact_email,
	phone AS contact_phone, title, location, price, status, bedrooms, updated_at
	FROM leads" > leads.csv
t0=$(now); "$crm" --config none.yaml --db import.db -q lead import leads.csv; t1=$(now)
t_import=$((t1 - t0))
t0=$(now); "$crm" --config pull.yaml --db pull.db -q sync pull; t1=$(now)
t_pull=$((t1 - t0))
echo "sync pull of $(sqlite3 pull.db 'SELECT count(*) FROM leads') leads: $(sec "$t_pull"), lead import of the same as CSV $(sec "$t_import"): $(ratio "$t_import" "$t_pull")x the import's rate"
t0=$(now); "$crm" --config pull.yaml --db pull.db -q sync pull; t1=$(now)
echo "sync pull again (nothing new): $(sec $((t1 - t0)))"

# --- push: events to the receiver, signed, against libcurl alone
cp clients.db push.db
{
	echo name,email
	seq "$npush" | sed 's/.*/Owner &,owner&@push.example/'
} > owners.csv
"$crm" --config hook.yaml --db push.db -q client import owners.csv
sqlite3 push.db "SELECT json_object('id', event_id, 'type', type, 'timestamp', created_at,
	'data', json(payload)) FROM outbox ORDER BY seq" > bodies.jsonl
t0=$(now); ./bare_post "$url" bodies.jsonl > /dev/null; t1=$(now)
t_bare=$((t1 - t0))
t0=$(now); "$crm" --config hook.yaml --db push.db -q sync push; t1=$(now)
t_push=$((t1 - t0))
n_push=$(sqlite3 push.db 'SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL')
echo "sync push of $n_push events: $(rate "$n_push" "$t_push") events/s, libcurl alone $(rate "$npush" "$t_bare")/s to the same receiver: $(ratio "$t_bare" "$t_push")x"
