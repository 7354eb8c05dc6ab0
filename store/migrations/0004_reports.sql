-- 0004: the liaison list (联络员名单, attachment 2 of the programme's plan):
-- one row per liaison of a county/district housing bureau or street office.
-- It has the travelling columns of every shared record so that a district
-- can send its list up to the city in a package (exchange decides when).
-- The id is a UUIDv5 of (unit, name), so the same person entered on two
-- devices is one record.
CREATE TABLE liaisons (
	id           TEXT PRIMARY KEY,
	district     TEXT NOT NULL DEFAULT '',   -- 县（市）区 the unit belongs to
	unit         TEXT NOT NULL,              -- 单位
	department   TEXT NOT NULL DEFAULT '',   -- 处（科）室
	name         TEXT NOT NULL,              -- 姓名
	title        TEXT NOT NULL DEFAULT '',   -- 职务
	mobile       TEXT NOT NULL DEFAULT '',   -- 手机
	office_phone TEXT NOT NULL DEFAULT '',   -- 办公电话
	email        TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	version      TEXT NOT NULL,
	base_version TEXT NOT NULL DEFAULT '',
	device_id    TEXT NOT NULL,
	actor        TEXT NOT NULL,
	updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX liaisons_district ON liaisons(district, unit);
