# clients.sh: make_clients DB N: N clients of realistic shape, made by SQL
# straight into a new crm database (two operators, stages, channels,
# contact times); sourced by bench/run and bench/export.sh, which set
# $crm.
make_clients() {
	db=$1 nclients=$2
	"$crm" --db "$db" -q init
	sqlite3 "$db" >/dev/null <<-SQL
	PRAGMA journal_mode = WAL;
	INSERT INTO operators VALUES (1, 'agency one', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
	INSERT INTO operators VALUES (2, 'agency two', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
	WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $nclients)
	INSERT INTO clients (id, operator_id, name, email, email_norm, phone, phone_norm,
	  source_type, source_url, listing_ref, channel, stage, viability,
	  last_contacted_at, created_at, updated_at)
	SELECT i, 1 + (i % 7 = 0),
	  'Owner ' || i, 'owner' || i || '@example.com', 'owner' || i || '@example.com',
	  '+34 6' || printf('%08d', i), '+346' || printf('%08d', i),
	  CASE WHEN i % 5 = 0 THEN 'agent' ELSE 'owner' END,
	  'https://listings.example/' || i, 'ID-' || i,
	  CASE i % 3 WHEN 0 THEN 'email' WHEN 1 THEN 'form' ELSE 'fb' END,
	  CASE WHEN i % 100 < 40 THEN 'new' WHEN i % 100 < 70 THEN 'contacted'
	       WHEN i % 100 < 80 THEN 'replied' WHEN i % 100 < 88 THEN 'meeting'
	       WHEN i % 100 < 93 THEN 'negotiating' WHEN i % 100 < 96 THEN 'won' ELSE 'lost' END,
	  (i * 37) % 100,
	  CASE WHEN i % 100 < 40 THEN NULL
	       ELSE strftime('%Y-%m-%dT%H:%M:%SZ', '2026-11-25', '-' || ((i * 7919) % 7776000) || ' seconds') END,
	  '2026-08-01T00:00:00Z', '2026-08-01T00:00:00Z'
	FROM n;
	ANALYZE;
	SQL
}
