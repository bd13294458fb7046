#!/bin/sh
# bench/stats.sh: a database of realistic shape for `crm stats`, made by
# SQL straight into a crm database, then `crm stats` timed on it.  Sizes:
# BENCH_STATS_CLIENTS (1000000), BENCH_STATS_COMMS (5000000, about).
# BENCH_DATA: the folder of the data (bench/data).  Called at the end of
# bench/run; runs alone too.  Not a test: nothing
# here fails on a slow figure.
#
# The shape, as the bot and the operators leave it:
#   clients    2 operators (1 a client in 7 is operator 2's); the funnel
#              of bench/run (40% new, 30% contacted, 10% replied, 8%
#              meeting, 5% negotiating, 3% won, 4% lost); channels email,
#              form and fb; source types owner and agent (1 in 5); added
#              from 2026-08-01 to 2026-11-25
#   touches    1 to 4 outbound ones (direction out, status sent, source
#              bot, kind email, form or fb_message as the channel) for
#              each client past new: the first a day or so after it was
#              added, then after 3, 7 and 14 days more (the follow-ups),
#              squeezed for the clients added lately so that none is
#              after 2026-11-30
#   replies    inbound ones (direction in, status received) for each
#              client that got to replied, or was lost from replied or a
#              later stage, after its first touch: as many as make the
#              communications about BENCH_STATS_COMMS
#   history    activity_logs as crm writes a stage change (entity client,
#              action and field stage, old and new value, actor bench): a
#              row a step from new to the stage, the first at the first
#              touch, the second at the first reply, the others later;
#              a lost client is lost from contacted, replied, meeting or
#              negotiating, after the steps to it
#   clients'   touches, last_touch_at, last_touch_channel,
#   counters   last_contacted_at (the last touch) and last_interaction_at
#              (the last reply) as those rows leave them
set -eu
cd "$(dirname "$0")/.."
top=$PWD
crm=$top/crm
data=${BENCH_DATA:-$top/bench/data}
nclients=${BENCH_STATS_CLIENTS:-1000000}
ncomms=${BENCH_STATS_COMMS:-5000000}
db=$data/stats.db
mkdir -p "$data"
rm -f "$db" "$db"-*

now() { date +%s%N; }
secs() { awk -v n="$1" 'BEGIN { printf "%.2f s", n / 1e9 }'; }
# run the SQL on stdin against the database, and say how long it took
step() {
	t0=$(now)
	sqlite3 "$db" >/dev/null
	t1=$(now)
	echo "stats data: $1: $(secs $((t1 - t0)))"
}

echo "stats data: $nclients clients, about $ncomms communications"
t_all=$(now)
t0=$(now)
"$crm" --db "$db" -q init
t1=$(now)
echo "stats data: crm init (empty): $(secs $((t1 - t0)))"

# The plan of each client, in a table of its own that goes at the end:
# its stage (st: 0 new .. 5 won, 6 lost) and the stage a lost one was
# lost from (lf), when it was added and when the data ends (epoch
# seconds), its touches (nt) and replies (nr, set below).
step "plan of $nclients clients" <<SQL
PRAGMA synchronous = OFF;
CREATE TABLE bench_plan (id INTEGER PRIMARY KEY, st INTEGER, lf INTEGER,
  created INTEGER, nt INTEGER, nr INTEGER, first_touch INTEGER, last_touch INTEGER,
  first_reply INTEGER, last_reply INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $nclients)
INSERT INTO bench_plan (id, st, lf, created, nt)
SELECT i,
  CASE WHEN i % 100 < 40 THEN 0 WHEN i % 100 < 70 THEN 1 WHEN i % 100 < 80 THEN 2
       WHEN i % 100 < 88 THEN 3 WHEN i % 100 < 93 THEN 4 WHEN i % 100 < 96 THEN 5 ELSE 6 END,
  CASE WHEN i % 100 >= 96 THEN 1 + (i / 100) % 4 END,
  unixepoch('2026-08-01') + (i * 7919) % (unixepoch('2026-11-25') - unixepoch('2026-08-01')),
  CASE WHEN i % 100 < 40 THEN 0 ELSE 1 + (i * 13) % 4 END
FROM n;
SQL

# how many replies each replying client gets, on average: what the
# touches leave of the communications asked for (1 at least)
read -r ntouch nreplying <<EOT
$(sqlite3 -separator ' ' "$db" "SELECT sum(nt), sum(st BETWEEN 2 AND 5 OR lf >= 2) FROM bench_plan")
EOT
avg=$(( nreplying > 0 && ncomms > ntouch ? (ncomms - ntouch) / nreplying : 1 ))
[ "$avg" -ge 1 ] || avg=1
echo "stats data: $ntouch touches; $nreplying clients reply, $avg times on average"

# The times: touch k (from 1) at 1, 4, 11 and 25 days (and some hours)
# after the client was added, or at 10%, 20%, 35% and 50% of the time it
# has before the end, whichever comes first; reply j of nr at 12 hours,
# then 2 days apart, after the first touch, or at j / (nr + 1) of the
# time left after it, whichever comes first.  Both only grow with k and j.
step "touch and reply times" <<SQL
PRAGMA synchronous = OFF;
UPDATE bench_plan SET nr = CASE WHEN st BETWEEN 2 AND 5 OR lf >= 2
  THEN 1 + (id * 7919) % (2 * $avg - 1) ELSE 0 END;
UPDATE bench_plan SET
  first_touch = CASE WHEN nt > 0 THEN created + min(86400 + id % 43200,
    (unixepoch('2026-11-30') - created) / 10) END,
  last_touch = CASE WHEN nt > 0 THEN created + min(
    CASE nt WHEN 1 THEN 86400 WHEN 2 THEN 4 * 86400 WHEN 3 THEN 11 * 86400 ELSE 25 * 86400 END + id % 43200,
    (unixepoch('2026-11-30') - created) * CASE nt WHEN 1 THEN 10 WHEN 2 THEN 20 WHEN 3 THEN 35 ELSE 50 END / 100) END;
UPDATE bench_plan SET
  first_reply = CASE WHEN nr > 0 THEN first_touch + min(43200, (unixepoch('2026-11-30') - first_touch) / (nr + 1)) END,
  last_reply = CASE WHEN nr > 0 THEN first_touch + min(43200 + (nr - 1) * 172800,
    (unixepoch('2026-11-30') - first_touch) * nr / (nr + 1)) END;
SQL

# SQL to drop the indexes of the tables filled below, and to make them
# again once they are full (a sorted build beats keeping them row by row)
indexes=$(sqlite3 "$db" "SELECT sql || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
  AND tbl_name IN ('clients', 'communications', 'activity_logs')")
drops=$(sqlite3 "$db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_schema WHERE type = 'index'
  AND sql IS NOT NULL AND tbl_name IN ('clients', 'communications', 'activity_logs')")

step "clients" <<SQL
PRAGMA synchronous = OFF;
PRAGMA cache_size = -131072;
$drops
INSERT INTO operators VALUES (1, 'agency one', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO operators VALUES (2, 'agency two', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
INSERT INTO clients (id, operator_id, name, email, email_norm, phone, phone_norm,
  source_type, source_url, listing_ref, channel, stage, viability, lost_reason,
  touches, last_touch_at, last_touch_channel, last_contacted_at, last_interaction_at,
  created_at, updated_at)
SELECT p.id, 1 + (p.id % 7 = 0),
  'Owner ' || p.id, 'owner' || p.id || '@example.com', 'owner' || p.id || '@example.com',
  '+34 6' || printf('%08d', p.id), '+346' || printf('%08d', p.id),
  CASE WHEN p.id % 5 = 0 THEN 'agent' ELSE 'owner' END,
  'https://listings.example/' || p.id, 'ID-' || p.id,
  CASE p.id % 3 WHEN 0 THEN 'email' WHEN 1 THEN 'form' ELSE 'fb' END,
  CASE p.st WHEN 0 THEN 'new' WHEN 1 THEN 'contacted' WHEN 2 THEN 'replied' WHEN 3 THEN 'meeting'
    WHEN 4 THEN 'negotiating' WHEN 5 THEN 'won' ELSE 'lost' END,
  (p.id * 37) % 100,
  CASE WHEN p.st = 6 THEN CASE p.id % 3 WHEN 0 THEN 'not selling' WHEN 1 THEN 'sold elsewhere'
    ELSE 'no answer' END END,
  p.nt,
  strftime('%Y-%m-%dT%H:%M:%SZ', p.last_touch, 'unixepoch'),
  CASE WHEN p.nt > 0 THEN CASE p.id % 3 WHEN 0 THEN 'email' WHEN 1 THEN 'form' ELSE 'fb' END END,
  strftime('%Y-%m-%dT%H:%M:%SZ', p.last_touch, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%SZ', p.last_reply, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%SZ', p.created, 'unixepoch'),
  strftime('%Y-%m-%dT%H:%M:%SZ', max(p.created, coalesce(p.last_touch, 0), coalesce(p.last_reply, 0)),
    'unixepoch')
FROM bench_plan p ORDER BY p.id;
SQL

# k: 1 .. the most touches or replies a client has
step "communications: touches" <<SQL
PRAGMA synchronous = OFF;
PRAGMA cache_size = -131072;
WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < 4),
t AS (SELECT p.id, k.k, p.id % 3 AS ch, p.created + min(
    CASE k.k WHEN 1 THEN 86400 WHEN 2 THEN 4 * 86400 WHEN 3 THEN 11 * 86400 ELSE 25 * 86400 END + p.id % 43200,
    (unixepoch('2026-11-30') - p.created) * CASE k.k WHEN 1 THEN 10 WHEN 2 THEN 20 WHEN 3 THEN 35 ELSE 50 END / 100) AS at
  FROM bench_plan p JOIN k ON k.k <= p.nt)
INSERT INTO communications (client_id, channel, direction, kind, status, subject,
  occurred_at, source, external_id, created_at)
SELECT t.id, CASE t.ch WHEN 0 THEN 'email' WHEN 1 THEN 'form' ELSE 'fb' END, 'out',
  CASE t.ch WHEN 0 THEN 'email' WHEN 1 THEN 'form' ELSE 'fb_message' END, 'sent',
  CASE WHEN t.k = 1 THEN 'About your listing' ELSE 'Following up on your listing' END,
  strftime('%Y-%m-%dT%H:%M:%SZ', t.at, 'unixepoch'), 'bot',
  printf('bench-o%08d-%d', t.id, t.k), strftime('%Y-%m-%dT%H:%M:%SZ', t.at, 'unixepoch')
FROM t ORDER BY t.id, t.k;
SQL

step "communications: replies" <<SQL
PRAGMA synchronous = OFF;
PRAGMA cache_size = -131072;
WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < 2 * $avg),
r AS (SELECT p.id, k.k, p.id % 3 AS ch, p.first_touch + min(43200 + (k.k - 1) * 172800,
    (unixepoch('2026-11-30') - p.first_touch) * k.k / (p.nr + 1)) AS at
  FROM bench_plan p JOIN k ON k.k <= p.nr WHERE p.nr > 0)
INSERT INTO communications (client_id, channel, direction, kind, status, subject,
  occurred_at, source, external_id, created_at)
SELECT r.id, CASE r.ch WHEN 0 THEN 'email' WHEN 1 THEN 'form' ELSE 'fb' END, 'in',
  CASE r.ch WHEN 2 THEN 'fb_message' ELSE 'email' END, 'received',
  'Re: about your listing', strftime('%Y-%m-%dT%H:%M:%SZ', r.at, 'unixepoch'), 'bot',
  printf('bench-i%08d-%d', r.id, r.k), strftime('%Y-%m-%dT%H:%M:%SZ', r.at, 'unixepoch')
FROM r ORDER BY r.id, r.k;
SQL

# Step s (1 to the stage, or to the stage a lost client was lost from)
# moves from stage s - 1 to s: the first at the first touch, the second
# at the first reply, each later one 5 days on, or a fifth of the time
# left, whichever comes first; lost, a day (or a tenth of the time left)
# after the last step, touch or reply, whichever is last.
step "stage history" <<SQL
PRAGMA synchronous = OFF;
PRAGMA cache_size = -131072;
CREATE TEMP TABLE names (i INTEGER PRIMARY KEY, name TEXT);
INSERT INTO names VALUES (0, 'new'), (1, 'contacted'), (2, 'replied'), (3, 'meeting'),
  (4, 'negotiating'), (5, 'won'), (6, 'lost');
WITH RECURSIVE s(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM s WHERE s < 5),
h AS (SELECT p.id, s.s,
    CASE WHEN s.s = 1 THEN p.first_touch
         WHEN s.s = 2 THEN p.first_reply
         ELSE p.first_reply + min((s.s - 2) * 5 * 86400,
           (unixepoch('2026-11-30') - p.first_reply) * (s.s - 2) / 5) END AS at
  FROM bench_plan p JOIN s ON s.s <= CASE WHEN p.st = 6 THEN p.lf ELSE p.st END),
l AS (SELECT p.id, p.lf, b.at + min(86400, (unixepoch('2026-11-30') - b.at) / 10) AS at
  FROM (SELECT p.id, max(h.at, p.last_touch, coalesce(p.last_reply, 0)) AS at
        FROM bench_plan p JOIN h ON h.id = p.id AND h.s = p.lf WHERE p.st = 6) b
  JOIN bench_plan p ON p.id = b.id),
rows AS (SELECT h.id, h.s - 1 AS old, h.s AS new, h.at FROM h
  UNION ALL SELECT l.id, l.lf, 6, l.at FROM l)
INSERT INTO activity_logs (entity, entity_id, action, field, old_value, new_value, actor, at)
SELECT 'client', rows.id, 'stage', 'stage', o.name, n.name, 'bench',
  strftime('%Y-%m-%dT%H:%M:%SZ', rows.at, 'unixepoch')
FROM rows JOIN names o ON o.i = rows.old JOIN names n ON n.i = rows.new
ORDER BY rows.at, rows.id, rows.new;
SQL

step "indexes" <<SQL
PRAGMA cache_size = -131072;
DROP TABLE bench_plan;
$indexes
SQL

step "ANALYZE" <<SQL
ANALYZE;
SQL

t0=$(now)
"$crm" --db "$db" -q init
t1=$(now)
echo "stats data: crm init (search index of $nclients clients): $(secs $((t1 - t0)))"
read -r nc nm nh <<EOT
$(sqlite3 -separator ' ' "$db" "SELECT (SELECT count(*) FROM clients), (SELECT count(*) FROM communications),
  (SELECT count(*) FROM activity_logs)")
EOT
echo "stats data: $nc clients, $nm communications, $nh stage history rows, $(du -m "$db" | cut -f1) MiB: $(secs $(( $(now) - t_all )))"

# --- crm stats on it, when this crm has the command
if ! "$crm" help | grep -q '^  stats '; then
	echo "stats: not built"
	exit 0
fi
best=0
for run in 1 2 3; do
	t0=$(now)
	"$crm" --db "$db" stats --format json > /dev/null
	t1=$(now)
	[ "$best" = 0 ] || [ $((t1 - t0)) -lt "$best" ] && best=$((t1 - t0))
done
echo "stats on $nc clients, $nm communications: $(awk -v n="$best" 'BEGIN { printf "%.3f", n / 1e9 }') s (target < 3 s)"
CRM_EXPLAIN=1 "$crm" --db "$db" stats --format json 2> "$data/plan.txt" > /dev/null
echo "stats: the plans of its statements (CRM_EXPLAIN=1):"
sed 's/^/  /' "$data/plan.txt"
