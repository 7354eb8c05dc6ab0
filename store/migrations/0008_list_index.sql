-- 0008: the community list (ListCommunityRows) looks up each community's
-- latest inspection, ordered by started_at and then id, and shows its
-- status. With id and status in the index that lookup reads index entries
-- only: no sort for the tie-break (~11 of the whole list's 40 ms at 5,000
-- communities), no read of the inspection's row (docs/PERFORMANCE.md).
-- It covers everything the former index did (that one is its prefix), so
-- that one goes.
CREATE INDEX IF NOT EXISTS inspections_community_latest ON inspections(community_id, started_at, id, status);
DROP INDEX IF EXISTS inspections_community;
