-- crm schema: the whole data model (DESIGN.md sec. 4).
-- Applied by `crm init` (and on first use) to a new database; an older
-- database is brought here by the numbered migrations in lib/migrate.c, tracked
-- by PRAGMA user_version.  Times are UTC ISO-8601 text: 2026-11-25T14:03:00Z.

CREATE TABLE operators (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

-- email_norm and phone_norm are the owner keys (the comments inside the
-- statement are kept as the file first had them): an email in NFC and
-- case folded (version 2), a phone in E.164, else its digits as typed
-- (version 3).
CREATE TABLE clients (
	id                   INTEGER PRIMARY KEY,
	operator_id          INTEGER NOT NULL REFERENCES operators(id),
	name                 TEXT NOT NULL,
	email                TEXT,
	email_norm           TEXT,   -- lower-case, trimmed: owner identity
	phone                TEXT,
	phone_norm           TEXT,   -- digits, leading '+' kept: owner identity
	source_type          TEXT,   -- owner, agent, ...
	source_url           TEXT,
	listing_ref          TEXT,
	channel              TEXT,   -- preferred channel
	stage                TEXT NOT NULL,
	status               TEXT NOT NULL DEFAULT 'active'
	                     CHECK (status IN ('active', 'archived', 'forgotten')),
	automation_enabled   INTEGER NOT NULL DEFAULT 1 CHECK (automation_enabled IN (0, 1)),
	automation_paused_until TEXT,
	ai_mode              TEXT NOT NULL DEFAULT 'draft'
	                     CHECK (ai_mode IN ('off', 'draft', 'auto')),
	viability            INTEGER CHECK (viability BETWEEN 0 AND 100),
	notes                TEXT,
	custom               TEXT NOT NULL DEFAULT '{}',  -- a JSON object
	last_contacted_at    TEXT,   -- last outbound; only moves forward
	last_interaction_at  TEXT,   -- last inbound; only moves forward
	next_action_at       TEXT,
	lost_reason          TEXT,
	created_at           TEXT NOT NULL,
	updated_at           TEXT NOT NULL
);
-- one client per owner within an operator
CREATE UNIQUE INDEX clients_owner_email ON clients(operator_id, email_norm)
	WHERE email_norm IS NOT NULL;
CREATE UNIQUE INDEX clients_owner_phone ON clients(operator_id, phone_norm)
	WHERE phone_norm IS NOT NULL;
-- the list filters
CREATE INDEX clients_stage ON clients(stage, last_contacted_at);
CREATE INDEX clients_operator_stage ON clients(operator_id, stage, last_contacted_at);
CREATE INDEX clients_channel ON clients(channel, last_contacted_at);
CREATE INDEX clients_source_type ON clients(source_type);
CREATE INDEX clients_viability ON clients(viability);
CREATE INDEX clients_last_contacted ON clients(last_contacted_at);
CREATE INDEX clients_source_url ON clients(source_url) WHERE source_url IS NOT NULL;

-- tags, apart so that a tag filter has an index
CREATE TABLE client_tags (
	client_id  INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	tag        TEXT NOT NULL,
	PRIMARY KEY (client_id, tag)
) WITHOUT ROWID;
CREATE INDEX client_tags_tag ON client_tags(tag, client_id);

CREATE TABLE leads (
	id             INTEGER PRIMARY KEY,
	external_id    TEXT UNIQUE,          -- the source's id
	operator_id    INTEGER NOT NULL REFERENCES operators(id),
	source_type    TEXT,
	source_url     TEXT,
	listing_ref    TEXT,
	listing_hash   TEXT,
	contact_name   TEXT,
	contact_email  TEXT,
	email_norm     TEXT,
	contact_phone  TEXT,
	phone_norm     TEXT,
	channel        TEXT,
	title          TEXT,
	location       TEXT,
	price          NUMERIC,   -- a whole price stays an integer
	status         TEXT NOT NULL DEFAULT 'new'
	               CHECK (status IN ('new', 'contacted', 'converted', 'rejected', 'suppressed')),
	viability      INTEGER CHECK (viability BETWEEN 0 AND 100),
	viability_given INTEGER NOT NULL DEFAULT 0 CHECK (viability_given IN (0, 1)),
	               -- 1: given with the lead; 0: the rules', scored again on update
	raw            TEXT NOT NULL DEFAULT '{}',  -- JSON object of the columns crm does not know
	client_id      INTEGER REFERENCES clients(id) ON DELETE SET NULL,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
);
CREATE INDEX leads_status ON leads(status, created_at);
CREATE INDEX leads_operator ON leads(operator_id, status);
CREATE INDEX leads_source_url ON leads(source_url) WHERE source_url IS NOT NULL;
CREATE INDEX leads_listing_hash ON leads(listing_hash) WHERE listing_hash IS NOT NULL;
CREATE INDEX leads_email ON leads(operator_id, email_norm) WHERE email_norm IS NOT NULL;
CREATE INDEX leads_phone ON leads(operator_id, phone_norm) WHERE phone_norm IS NOT NULL;
CREATE INDEX leads_client ON leads(client_id) WHERE client_id IS NOT NULL;
CREATE INDEX leads_viability ON leads(viability);

CREATE TABLE client_listings (
	id            INTEGER PRIMARY KEY,
	client_id     INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	lead_id       INTEGER REFERENCES leads(id) ON DELETE SET NULL,
	listing_ref   TEXT,
	listing_hash  TEXT,
	source_url    TEXT,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX client_listings_key ON client_listings(client_id,
	coalesce(listing_hash, source_url, listing_ref));
CREATE INDEX client_listings_hash ON client_listings(listing_hash) WHERE listing_hash IS NOT NULL;
CREATE INDEX client_listings_url ON client_listings(source_url) WHERE source_url IS NOT NULL;

CREATE TABLE communications (
	id           INTEGER PRIMARY KEY,
	client_id    INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	channel      TEXT NOT NULL,
	direction    TEXT NOT NULL DEFAULT 'out' CHECK (direction IN ('out', 'in')),
	kind         TEXT NOT NULL,
	status       TEXT NOT NULL,
	subject      TEXT,
	body         TEXT,
	occurred_at  TEXT NOT NULL,
	source       TEXT NOT NULL DEFAULT 'manual'
	             CHECK (source IN ('bot', 'manual', 'sync', 'import')),
	external_id  TEXT UNIQUE,
	created_at   TEXT NOT NULL
);
CREATE INDEX communications_client ON communications(client_id, occurred_at);
CREATE INDEX communications_occurred ON communications(occurred_at);

CREATE TABLE activity_logs (
	id           INTEGER PRIMARY KEY,
	entity       TEXT NOT NULL,     -- client, lead, ...
	entity_id    INTEGER NOT NULL,
	action       TEXT NOT NULL,     -- create, stage, edit, tag, merge, forget, ...
	field        TEXT,
	old_value    TEXT,
	new_value    TEXT,
	reason       TEXT,
	actor        TEXT NOT NULL,
	at           TEXT NOT NULL
);
CREATE INDEX activity_logs_entity ON activity_logs(entity, entity_id, id);

CREATE TABLE notifications (
	id          INTEGER PRIMARY KEY,
	kind        TEXT NOT NULL,      -- reply, meeting, overdue, sync_failure
	client_id   INTEGER REFERENCES clients(id) ON DELETE CASCADE,
	message     TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	read_at     TEXT
);
CREATE INDEX notifications_unread ON notifications(read_at, created_at);

CREATE TABLE do_not_contact (
	hash        TEXT PRIMARY KEY,   -- SHA-256 of the normalised email or phone
	kind        TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
	reason      TEXT,
	created_at  TEXT NOT NULL
) WITHOUT ROWID;

-- [search] What --q searches: a client's and a lead's words, case and
-- accents aside (unicode61, remove_diacritics 2), each found by its
-- start; lib/search.c says which words a client and a lead have.  The
-- triggers note each client and lead that changed in search_dirty, and
-- crm brings their index rows up to date in one statement as it commits:
-- FTS5 writes each statement's words out as a segment of their own, so a
-- row at a time would cost a batch far more than the rows themselves.
-- The section can run again on a database that has it (IF NOT EXISTS);
-- run on one without, it notes every client and lead, for the commit.
CREATE VIRTUAL TABLE IF NOT EXISTS clients_fts USING fts5(name, email, phone, notes, tags, refs,
	tokenize = 'unicode61 remove_diacritics 2', columnsize = 0);
CREATE VIRTUAL TABLE IF NOT EXISTS leads_fts USING fts5(name, email, phone, title, location, refs,
	tokenize = 'unicode61 remove_diacritics 2', columnsize = 0);

-- what changed since the index was last brought up to date
CREATE TABLE IF NOT EXISTS search_dirty (
	entity  TEXT NOT NULL CHECK (entity IN ('client', 'lead')),
	id      INTEGER NOT NULL,
	PRIMARY KEY (entity, id)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS clients_search_insert AFTER INSERT ON clients BEGIN
	INSERT OR IGNORE INTO search_dirty VALUES ('client', new.id);
END;
CREATE TRIGGER IF NOT EXISTS clients_search_update
AFTER UPDATE OF name, email, phone_norm, notes, source_url, listing_ref ON clients BEGIN
	INSERT OR IGNORE INTO search_dirty VALUES ('client', new.id);
END;
CREATE TRIGGER IF NOT EXISTS clients_search_delete AFTER DELETE ON clients BEGIN
	INSERT OR IGNORE INTO search_dirty VALUES ('client', old.id);
END;
CREATE TRIGGER IF NOT EXISTS client_tags_search_insert AFTER INSERT ON client_tags BEGIN
	INSERT OR IGNORE INTO search_dirty VALUES ('client', new.client_id);
END;
CREATE TRIGGER IF NOT EXISTS client_tags_search_delete AFTER DELETE ON client_tags BEGIN
	INSERT OR IGNORE INTO search_dirty VALUES ('client', old.client_id);
END;
CREATE TRIGGER IF NOT EXISTS leads_search_insert AFTER INSERT ON leads BEGIN
	INSERT OR IGNORE INTO search_dirty VALUES ('lead', new.id);
END;
CREATE TRIGGER IF NOT EXISTS leads_search_update
AFTER UPDATE OF contact_name, contact_email, phone_norm, title, location, source_url,
	listing_ref, external_id ON leads BEGIN
	INSERT OR IGNORE INTO search_dirty VALUES ('lead', new.id);
END;
CREATE TRIGGER IF NOT EXISTS leads_search_delete AFTER DELETE ON leads BEGIN
	INSERT OR IGNORE INTO search_dirty VALUES ('lead', old.id);
END;
INSERT OR IGNORE INTO search_dirty SELECT 'client', id FROM clients;
INSERT OR IGNORE INTO search_dirty SELECT 'lead', id FROM leads;
-- [/search]

-- [outreach] Version 4: what the bot may do, and how mistakes are fixed.
-- Added as columns (ALTER TABLE), so that a new database and a migrated
-- one read the same.
--
-- A client's outbound touches (kinds email, form, fb_message, sms,
-- whatsapp and call), counted as they are logged, with the time and
-- channel of the last one: `crm automation due` decides on these without
-- reading communications.
ALTER TABLE clients ADD COLUMN touches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN last_touch_at TEXT;
ALTER TABLE clients ADD COLUMN last_touch_channel TEXT;
-- 1 while an email or phone of the client is on do_not_contact
ALTER TABLE clients ADD COLUMN dnc INTEGER NOT NULL DEFAULT 0 CHECK (dnc IN (0, 1));
UPDATE clients SET
	touches = (SELECT count(*) FROM communications m WHERE m.client_id = clients.id
	           AND m.direction = 'out'
	           AND m.kind IN ('email', 'form', 'fb_message', 'sms', 'whatsapp', 'call')),
	last_touch_at = (SELECT max(m.occurred_at) FROM communications m
	           WHERE m.client_id = clients.id AND m.direction = 'out'
	           AND m.kind IN ('email', 'form', 'fb_message', 'sms', 'whatsapp', 'call'));
UPDATE clients SET last_touch_channel = (SELECT m.channel FROM communications m
	WHERE m.client_id = clients.id AND m.direction = 'out'
	AND m.kind IN ('email', 'form', 'fb_message', 'sms', 'whatsapp', 'call')
	ORDER BY m.occurred_at DESC, m.id DESC LIMIT 1)
	WHERE last_touch_at IS NOT NULL;
-- the clients automation may work on, with every column its rules and
-- its order read: `automation due` decides from the index alone, and
-- reads the rows of the clients it lists only
CREATE INDEX clients_automation ON clients(stage, touches, last_touch_at,
	automation_paused_until, created_at, viability, channel, last_touch_channel,
	automation_enabled, status, dnc)
	WHERE automation_enabled = 1 AND status = 'active' AND dnc = 0;

-- One command's transaction: what crm undo reverts.  Each history row
-- names the change set it belongs to.
CREATE TABLE change_sets (
	id         INTEGER PRIMARY KEY,
	command    TEXT NOT NULL,      -- "client stage", "comm log", ...
	actor      TEXT NOT NULL,
	at         TEXT NOT NULL,
	undone_at  TEXT                -- set when crm undo reverted it
);
ALTER TABLE activity_logs ADD COLUMN change_set INTEGER REFERENCES change_sets(id);
CREATE INDEX activity_logs_change_set ON activity_logs(change_set) WHERE change_set IS NOT NULL;

-- A notification that must be written once (an overdue follow-up, say)
-- carries a key; the same key again is no new notification.
ALTER TABLE notifications ADD COLUMN key TEXT;
CREATE UNIQUE INDEX notifications_key ON notifications(key) WHERE key IS NOT NULL;

-- Per-database values crm makes once: the key of the do-not-contact
-- hashes (name 'dnc_key').
CREATE TABLE settings (
	name   TEXT PRIMARY KEY,
	value  TEXT NOT NULL
) WITHOUT ROWID;
-- [/outreach]

-- [stats] Version 5: what crm stats and crm pipeline read.
-- The stage history alone, in the order crm stats reads it: a client's
-- changes of stage one after another, with what they were, when and
-- in which change set (an undone one, and undo's own, do not count),
-- from the index alone (only stage changes are in it, so it costs the
-- other writes nothing; entity and action are there for SQLite to see
-- that it covers the query)
CREATE INDEX activity_logs_stage ON activity_logs(entity_id, id, old_value, new_value, at,
	change_set, entity, action) WHERE entity = 'client' AND action = 'stage';
-- A client's communications in time order, with what crm stats counts
-- of each: it reads them from the index alone, a client's one after
-- another, the outbound ones of a second before the inbound ones (and
-- client show and comm list read a client's as before)
DROP INDEX IF EXISTS communications_client;
CREATE INDEX communications_client ON communications(client_id, occurred_at,
	direction DESC, channel);
-- The board (`crm pipeline`) counts the clients of each stage by status
-- and lists each stage's best by viability, from this index alone; the
-- clients' rows are read for those it lists only.
CREATE INDEX clients_pipeline ON clients(stage, viability, status);
-- [/stats]

-- [sync] Version 6: crm sync (crm-sync(1)).
-- What crm pushes: one row per event, in the transaction of the change
-- it tells (lib/outbox.c, from the change-capture point).  seq is the
-- order of delivery; event_id is the webhook-id, the same on every
-- attempt.  A row is pending until delivered_at or dead_at is set;
-- next_attempt_at is when it may be tried again.  client_id names the
-- person whose data the payload may carry, so that forgetting them
-- purges what was not sent.  The tables of versions 1 to 5 had never
-- been filled: they are made again.
DROP TABLE IF EXISTS outbox;
CREATE TABLE outbox (
	seq              INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id         TEXT NOT NULL UNIQUE,
	type             TEXT NOT NULL,      -- client.created, client.stage_changed, ...
	aggregate        TEXT NOT NULL,      -- client, communication
	aggregate_id     INTEGER NOT NULL,
	client_id        INTEGER,
	payload          TEXT NOT NULL,      -- JSON
	created_at       TEXT NOT NULL,
	attempts         INTEGER NOT NULL DEFAULT 0,
	next_attempt_at  TEXT NOT NULL,
	delivered_at     TEXT,
	dead_at          TEXT,
	last_status      INTEGER,            -- the HTTP status of the last attempt
	last_error       TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt_at, seq)
	WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE INDEX outbox_client ON outbox(client_id)
	WHERE client_id IS NOT NULL AND delivered_at IS NULL;
-- Each source's cursor (JSON: its shape is the source's), with its last
-- run; the webhook's row says whether the endpoint was disabled (410).
DROP TABLE IF EXISTS sync_state;
CREATE TABLE sync_state (
	source       TEXT PRIMARY KEY,
	cursor       TEXT,
	last_run_at  TEXT,
	last_result  TEXT,
	rows         INTEGER NOT NULL DEFAULT 0,
	updated_at   TEXT NOT NULL
);
-- Events applied from an external CRM (crm sync apply), by key: the
-- same event again is no change.
CREATE TABLE IF NOT EXISTS sync_inbox (
	key         TEXT PRIMARY KEY,
	applied_at  TEXT NOT NULL,
	result      TEXT NOT NULL           -- applied, ignored: why
) WITHOUT ROWID;
-- A client as an external CRM knows it (crm sync apply): its system
-- (hubspot, pipedrive) and its id there.
CREATE TABLE IF NOT EXISTS sync_links (
	system       TEXT NOT NULL,
	external_id  TEXT NOT NULL,
	client_id    INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
	created_at   TEXT NOT NULL,
	PRIMARY KEY (system, external_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sync_links_client ON sync_links(client_id);
-- [/sync]
