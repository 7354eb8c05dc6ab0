-- 0003: indexes for the desktop screens (local only, nothing travels).
-- Recently used notes of an item (the quick phrases of the 检查 screen).
CREATE INDEX IF NOT EXISTS answers_item_recent ON answers(item_code, updated_at);
-- The community list's latest inspection per community, and open actions.
CREATE INDEX IF NOT EXISTS corrective_actions_open ON corrective_actions(community_id, status);
