-- 0010: the 汇总表's own cache, and an index for the latest records.
--
-- report_summaries: for a finalized inspection, what a row of the 汇总表
-- needs already worked out — each answer's code, result, value, choices
-- and text (no notes, no photos) and the record's score with its veto
-- findings — in one small blob (store/report_summary.go), valid while
-- content_digest equals the inspection's and the blob's format is the
-- program's. A row of report_answers is ~2 KB (notes and photo digests);
-- this one ~1.2 KB, and no answer map is built nor score computed per
-- record (docs/PERFORMANCE.md, round 6). Derived and local only, like
-- report_answers: never travels, never audited, rows may be deleted.
CREATE TABLE IF NOT EXISTS report_summaries (
	inspection_id  TEXT PRIMARY KEY REFERENCES inspections(id),
	content_digest TEXT NOT NULL,
	summary        BLOB NOT NULL
) STRICT;
-- The reports' latest finalized record of a community (ORDER BY
-- finalized_at DESC, id DESC LIMIT 1 per community) read from the index
-- alone, one seek per community, instead of numbering every finalized
-- inspection of a chunk of communities with a window function.
CREATE INDEX IF NOT EXISTS inspections_community_finalized ON inspections(community_id, status, finalized_at, id);
