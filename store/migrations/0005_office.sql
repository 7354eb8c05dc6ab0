-- 0005: the office's selection (选树): 「美好家园」 communities and typical
-- cases (典型案例) picked by a district office or the city. A pick travels
-- in packages like every shared record (the travelling columns) and is
-- audited. Its id is a UUIDv5 of (level, community, typical), so the same
-- pick made on two devices is one record; withdrawing a pick keeps the row
-- with withdrawn_at set, so who picked what and when stays on record.
CREATE TABLE picks (
	id           TEXT PRIMARY KEY,
	level        TEXT NOT NULL CHECK (level IN ('district', 'city')),
	community_id TEXT NOT NULL REFERENCES communities(id),
	district     TEXT NOT NULL,               -- the community's 县（市）区 when picked (limits count per district)
	typical      INTEGER NOT NULL DEFAULT 0 CHECK (typical IN (0, 1)),  -- 1: 典型案例
	introduction TEXT NOT NULL DEFAULT '',    -- 典型案例介绍 (小区情况介绍)
	picked_by    TEXT NOT NULL,
	picked_at    TEXT NOT NULL,
	withdrawn_at TEXT,                        -- NULL while the pick stands
	withdrawn_by TEXT NOT NULL DEFAULT '',
	version      TEXT NOT NULL,
	base_version TEXT NOT NULL DEFAULT '',
	device_id    TEXT NOT NULL,
	actor        TEXT NOT NULL,
	updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX picks_level ON picks(level, district, withdrawn_at);
CREATE INDEX picks_community ON picks(community_id);
