-- 0009: the report cache. For a finalized inspection, its answers as the
-- reports read them (code, result, value, choices, text, note, photos) in
-- one compact blob (store/report_cache.go), valid while content_digest
-- equals the inspection's. The 汇总表 reads the latest record of every
-- community; one small blob per record instead of ~46 scattered answer
-- rows (docs/PERFORMANCE.md, round 4). Filled by the reports as they read
-- records; derived and local only like inspection_scores: never travels,
-- never audited, its rows may be deleted at any time.
CREATE TABLE IF NOT EXISTS report_answers (
	inspection_id  TEXT PRIMARY KEY REFERENCES inspections(id),
	content_digest TEXT NOT NULL,
	answers        BLOB NOT NULL
) STRICT;
