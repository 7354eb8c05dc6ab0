-- 0001: the first schema of 家园巡检.
-- Every table whose rows travel in packages has a text id (UUIDv7, or a
-- natural key for templates and answers), a version (hybrid logical
-- clock), the version it was edited from, the device and the person.

CREATE TABLE device (
	id          TEXT PRIMARY KEY,           -- hex of the first 8 bytes of SHA-256(public key)
	name        TEXT NOT NULL,
	public_key  BLOB NOT NULL,
	private_key BLOB NOT NULL,
	created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE communities (
	id               TEXT PRIMARY KEY,
	name             TEXT NOT NULL,
	district         TEXT NOT NULL,
	street           TEXT NOT NULL DEFAULT '',
	community        TEXT NOT NULL DEFAULT '',
	address          TEXT NOT NULL DEFAULT '',
	property_company TEXT NOT NULL DEFAULT '',
	households       INTEGER NOT NULL DEFAULT 0,
	type             TEXT NOT NULL DEFAULT '',
	committee        TEXT NOT NULL DEFAULT '',
	satisfaction     REAL,
	complaint_rate   REAL,
	initials         TEXT NOT NULL DEFAULT '',  -- pinyin initials of the name, for search
	version          TEXT NOT NULL,
	base_version     TEXT NOT NULL DEFAULT '',
	device_id        TEXT NOT NULL,
	actor            TEXT NOT NULL,
	updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX communities_district ON communities(district, street);

CREATE TABLE templates (
	id               TEXT PRIMARY KEY,          -- template_id || '@' || template_version
	template_id      TEXT NOT NULL,
	template_version INTEGER NOT NULL,
	name             TEXT NOT NULL,
	community_type   TEXT NOT NULL DEFAULT '',
	body             TEXT NOT NULL,             -- the template as JSON
	version          TEXT NOT NULL,
	base_version     TEXT NOT NULL DEFAULT '',
	device_id        TEXT NOT NULL,
	actor            TEXT NOT NULL,
	updated_at       TEXT NOT NULL,
	UNIQUE (template_id, template_version)
) STRICT;

CREATE TABLE inspections (
	id               TEXT PRIMARY KEY,
	community_id     TEXT NOT NULL REFERENCES communities(id),
	template_id      TEXT NOT NULL,
	template_version INTEGER NOT NULL,
	inspectors       TEXT NOT NULL DEFAULT '[]',   -- JSON array of names
	started_at       TEXT NOT NULL,
	status           TEXT NOT NULL CHECK (status IN ('draft', 'finalized')),
	finalized_at     TEXT,
	signatures       TEXT NOT NULL DEFAULT '[]',   -- JSON array of signatures
	amends_id        TEXT REFERENCES inspections(id),
	amend_reason     TEXT NOT NULL DEFAULT '',
	content_digest   TEXT NOT NULL DEFAULT '',     -- SHA-256 of the finalized content
	version          TEXT NOT NULL,
	base_version     TEXT NOT NULL DEFAULT '',
	device_id        TEXT NOT NULL,
	actor            TEXT NOT NULL,
	updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX inspections_community ON inspections(community_id, started_at);

CREATE TABLE answers (
	id            TEXT PRIMARY KEY,               -- UUIDv5 of inspection id and item code
	inspection_id TEXT NOT NULL REFERENCES inspections(id),
	item_code     TEXT NOT NULL,
	result        TEXT NOT NULL DEFAULT '' CHECK (result IN ('', 'pass', 'fail', 'na')),
	value         REAL,
	choices       TEXT NOT NULL DEFAULT '[]',
	text          TEXT NOT NULL DEFAULT '',
	note          TEXT NOT NULL DEFAULT '',
	photos        TEXT NOT NULL DEFAULT '[]',     -- JSON array of photo SHA-256 digests
	version       TEXT NOT NULL,
	base_version  TEXT NOT NULL DEFAULT '',
	device_id     TEXT NOT NULL,
	actor         TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	UNIQUE (inspection_id, item_code)
) STRICT;

-- Photos are content-addressed and immutable.
CREATE TABLE photos (
	sha256     TEXT PRIMARY KEY,
	mime       TEXT NOT NULL,
	width      INTEGER NOT NULL,
	height     INTEGER NOT NULL,
	data       BLOB NOT NULL,
	original   BLOB,
	created_at TEXT NOT NULL
) STRICT;

CREATE TABLE corrective_actions (
	id                    TEXT PRIMARY KEY,
	inspection_id         TEXT NOT NULL REFERENCES inspections(id),
	community_id          TEXT NOT NULL REFERENCES communities(id),
	item_code             TEXT NOT NULL,
	problem               TEXT NOT NULL DEFAULT '',
	responsible           TEXT NOT NULL DEFAULT '',
	due_date              TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD
	status                TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
	recheck_inspection_id TEXT NOT NULL DEFAULT '',
	recheck_result        TEXT NOT NULL DEFAULT '',
	note                  TEXT NOT NULL DEFAULT '',
	version               TEXT NOT NULL,
	base_version          TEXT NOT NULL DEFAULT '',
	device_id             TEXT NOT NULL,
	actor                 TEXT NOT NULL,
	updated_at            TEXT NOT NULL
) STRICT;
CREATE INDEX corrective_actions_community ON corrective_actions(community_id);

-- Scores are derived from answers and kept here, local only, so lists
-- need not re-read every answer. Never travels, never audited.
CREATE TABLE inspection_scores (
	inspection_id TEXT PRIMARY KEY REFERENCES inspections(id),
	score         REAL NOT NULL,
	defined       INTEGER NOT NULL,
	vetoes        INTEGER NOT NULL,
	judged        INTEGER NOT NULL,
	scorable      INTEGER NOT NULL
) STRICT;

-- The append-only audit log. seq is local order only (the log never
-- travels); each entry's hash covers the previous entry's hash.
CREATE TABLE audit_log (
	seq       INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	device_id TEXT NOT NULL,
	actor     TEXT NOT NULL,
	entity    TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	action    TEXT NOT NULL,
	old       TEXT NOT NULL DEFAULT '',
	new       TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, seq);
