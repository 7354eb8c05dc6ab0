-- 0006: assignments (检查任务): the office tells an inspector (by name)
-- which community to inspect and by when. An assignment travels in
-- packages like every shared record (office → inspector in a reference
-- package, back with everything else) and is audited. Its id is a UUIDv7.
-- status is only open or cancelled: done is derived from the inspections
-- (inspection.Assignment.State), so the inspector never edits the
-- office's record.
CREATE TABLE assignments (
	id               TEXT PRIMARY KEY,
	community_id     TEXT NOT NULL REFERENCES communities(id),
	inspector        TEXT NOT NULL,
	due_date         TEXT NOT NULL,             -- YYYY-MM-DD
	template_id      TEXT NOT NULL DEFAULT '',  -- '' for any template
	template_version INTEGER NOT NULL DEFAULT 0,
	note             TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL CHECK (status IN ('open', 'cancelled')),
	assigned_by      TEXT NOT NULL,
	assigned_at      TEXT NOT NULL,
	cancelled_at     TEXT,
	cancelled_by     TEXT NOT NULL DEFAULT '',
	version          TEXT NOT NULL,
	base_version     TEXT NOT NULL DEFAULT '',
	device_id        TEXT NOT NULL,
	actor            TEXT NOT NULL,
	updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX assignments_inspector ON assignments(inspector, status, due_date);
CREATE INDEX assignments_community ON assignments(community_id);
