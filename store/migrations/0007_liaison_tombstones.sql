-- 0007: a deleted liaison (联络员) keeps its row as a tombstone: deleted_at
-- and deleted_by are set and the row gets a new version, so the deletion
-- travels in packages and merges like any edit (idempotent, in any order,
-- a conflict when it races an edit of the same person). Saving the person
-- again clears them. Lists show only rows with deleted_at NULL.
ALTER TABLE liaisons ADD COLUMN deleted_at TEXT;
ALTER TABLE liaisons ADD COLUMN deleted_by TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS liaisons_standing ON liaisons(district, unit, name) WHERE deleted_at IS NULL;
