-- 0002: exchange packages (数据交换包). Every table here is local to this
-- installation: none of them travels, none is audited (the record changes
-- an import makes are audited as usual).

-- Devices whose packages this installation merges without asking.
CREATE TABLE trusted_devices (
	id          TEXT PRIMARY KEY,           -- DeviceID(public_key)
	public_key  BLOB NOT NULL,
	name        TEXT NOT NULL DEFAULT '',
	enrolled_at TEXT NOT NULL,
	enrolled_by TEXT NOT NULL DEFAULT '',
	revoked_at  TEXT
) STRICT;

-- The knowledge of a record's current row beyond its own version: a JSON
-- object {device id: highest version of that device the row includes}
-- (a version vector). Written when an import or a conflict resolution
-- replaces the row; the row's own version is added when it is read.
CREATE TABLE row_clocks (
	entity    TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	clock     TEXT NOT NULL,
	PRIMARY KEY (entity, entity_id)
) STRICT;

-- Versions of a record that lost to a concurrent version, kept for a
-- person to see and resolve. The id is derived from (entity, entity_id,
-- version), so the same losing version is recorded once whatever the
-- order of imports.
CREATE TABLE conflicts (
	id          TEXT PRIMARY KEY,
	entity      TEXT NOT NULL,
	entity_id   TEXT NOT NULL,
	version     TEXT NOT NULL,              -- the losing version
	row         TEXT NOT NULL,              -- the losing row, travelling columns as JSON
	clock       TEXT NOT NULL,              -- its version vector
	detected_at TEXT NOT NULL,
	package_id  TEXT NOT NULL DEFAULT '',   -- the import that found it
	resolved_at TEXT,
	resolution  TEXT NOT NULL DEFAULT '',   -- kept_current | took_other | superseded
	resolved_by TEXT NOT NULL DEFAULT '',
	UNIQUE (entity, entity_id, version)
) STRICT;
CREATE INDEX conflicts_open ON conflicts(resolved_at, entity, entity_id);

-- Every package merged. A package whose id or digest is here is a
-- duplicate: importing it again changes nothing.
CREATE TABLE imports (
	package_id  TEXT PRIMARY KEY,
	digest      TEXT NOT NULL UNIQUE,       -- SHA-256 of the signed content
	file_name   TEXT NOT NULL,
	signer_id   TEXT NOT NULL,
	signer_name TEXT NOT NULL,
	created_at  TEXT NOT NULL,              -- when the package was made (signer's clock)
	imported_at TEXT NOT NULL,
	imported_by TEXT NOT NULL,
	new_rows    INTEGER NOT NULL,
	updated     INTEGER NOT NULL,
	duplicate   INTEGER NOT NULL,
	conflicts   INTEGER NOT NULL,
	photos      INTEGER NOT NULL,
	backup      TEXT NOT NULL DEFAULT ''
) STRICT;

-- Packages written, per receiving office, so that an incremental export
-- carries only what changed here since the last one (audit_seq is the
-- audit log's high-water mark at that export).
CREATE TABLE exports (
	package_id  TEXT PRIMARY KEY,
	office      TEXT NOT NULL,
	full        INTEGER NOT NULL,
	audit_seq   INTEGER NOT NULL,
	created_at  TEXT NOT NULL,
	file_name   TEXT NOT NULL,
	rows        INTEGER NOT NULL,
	photos      INTEGER NOT NULL
) STRICT;
CREATE INDEX exports_office ON exports(office, audit_seq);

-- Photos already sent to an office, so each travels there once.
CREATE TABLE exported_photos (
	office TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	PRIMARY KEY (office, sha256)
) STRICT;

-- The office's age X25519 identities: inspectors encrypt packages to the
-- recipient; the secret never leaves this file.
CREATE TABLE age_identities (
	recipient  TEXT PRIMARY KEY,            -- age1…
	identity   TEXT NOT NULL,               -- AGE-SECRET-KEY-1…
	created_at TEXT NOT NULL
) STRICT;
