package store

// Queries of the desktop app's 报表 screen: the part of the file a report
// covers (district, street, a range of inspection dates), and the rows of
// the 汇总表, the 整改清单 and the batch of 检查记录表 within it.

import (
	"context"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// ReportScope is the part of the data file a report covers. The zero
// value is the whole file.
type ReportScope struct {
	District string // "" for every district
	Street   string // "" for every street (of the district, if set)
	// From and To bound the 检查日期 (the day the latest finalized
	// inspection started, as the 汇总表 prints it), both days included;
	// zero for no bound. With a bound, communities without an inspection
	// in range are left out.
	From, To time.Time
}

// Dated reports whether the scope bounds the inspection dates.
func (s ReportScope) Dated() bool { return !s.From.IsZero() || !s.To.IsZero() }

// InRange reports whether an inspection started at t is within the
// scope's dates (compared as calendar days in the bounds' location).
func (s ReportScope) InRange(t time.Time) bool {
	day := func(x time.Time, loc *time.Location) time.Time {
		y, m, d := x.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	if !s.From.IsZero() && day(t, s.From.Location()).Before(day(s.From, s.From.Location())) {
		return false
	}
	if !s.To.IsZero() && day(t, s.To.Location()).After(day(s.To, s.To.Location())) {
		return false
	}
	return true
}

func (s ReportScope) community(c inspection.Community) bool {
	return (s.District == "" || c.District == s.District) && (s.Street == "" || c.Street == s.Street)
}

// ScopeResults calls fn for every community in scope with its latest
// finalized inspection (see LatestResults, which it reads through: one
// read transaction, a chunk of communities at a time). With dates, only
// communities whose latest finalized inspection started in range are
// given.
func (db *DB) ScopeResults(ctx context.Context, s ReportScope, fn func(CommunityResult) error) error {
	return db.scopeResults(ctx, s, false, fn)
}

// ScopeSummaries is ScopeResults reading only what the 汇总表 needs
// (ReportFilter.Summary: each record's answers in CommunityResult.Answers,
// Record.Answers nil).
func (db *DB) ScopeSummaries(ctx context.Context, s ReportScope, fn func(CommunityResult) error) error {
	return db.scopeResults(ctx, s, true, fn)
}

func (db *DB) scopeResults(ctx context.Context, s ReportScope, summary bool, fn func(CommunityResult) error) error {
	return db.LatestResults(ctx, ReportFilter{District: s.District, Summary: summary}, func(r CommunityResult) error {
		if !s.community(r.Community) {
			return nil
		}
		if s.Dated() && (r.Record == nil || !s.InRange(r.Record.Inspection.StartedAt)) {
			return nil
		}
		return fn(r)
	})
}

// ScopeRecord is the latest finalized inspection of a community in scope:
// what batch printing prints.
type ScopeRecord struct {
	InspectionID  string
	CommunityName string
	District      string
	StartedAt     time.Time
}

// ScopeLatestFinalized lists the latest finalized inspection of each
// community in scope, ordered like the 汇总表 (district, street, name).
// One query; no answers are read.
func (db *DB) ScopeLatestFinalized(ctx context.Context, s ReportScope) ([]ScopeRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT q.id, q.started_at, c.name, c.district FROM (
			SELECT i.id, i.community_id, i.started_at, ROW_NUMBER() OVER (
				PARTITION BY i.community_id ORDER BY i.finalized_at DESC, i.id DESC) AS n
			FROM inspections i WHERE i.status = 'finalized') q
		JOIN communities c ON c.id = q.community_id
		WHERE q.n = 1 AND (? = '' OR c.district = ?) AND (? = '' OR c.street = ?)
		ORDER BY c.district, c.street, c.name, c.id`, s.District, s.District, s.Street, s.Street)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScopeRecord
	for rows.Next() {
		var r ScopeRecord
		var started string
		if err := rows.Scan(&r.InspectionID, &started, &r.CommunityName, &r.District); err != nil {
			return nil, err
		}
		r.StartedAt = parseTime(started)
		if s.Dated() && !s.InRange(r.StartedAt) {
			continue
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ActionStatusFilter chooses the corrective actions of a 整改清单, as the
// 整改 screen's filter does.
type ActionStatusFilter int

// The 整改 screen's choices, in its order.
const (
	ActionsOpen    ActionStatusFilter = iota // 未完成: neither done nor cancelled (overdue included)
	ActionsOverdue                           // 逾期
	ActionsDone                              // 已整改
	ActionsAll                               // 全部
)

// keeps reports whether an action with the effective status st passes.
func (f ActionStatusFilter) keeps(st inspection.ActionStatus) bool {
	switch f {
	case ActionsOpen:
		return st != inspection.ActionDone && st != inspection.ActionCancelled
	case ActionsOverdue:
		return st == inspection.ActionOverdue
	case ActionsDone:
		return st == inspection.ActionDone
	}
	return true
}

// EachScopeActionRow gives the rows of ScopeActionRows as the 整改清单 is
// written (EachActionSheetRow): start gets their number, then fn each of
// them in the same order, read in one read transaction and never all
// held in memory (the 报表 tab's export).
func (db *DB) EachScopeActionRow(ctx context.Context, s ReportScope, f ActionStatusFilter, now time.Time, start func(total int) error, fn func(ActionSheetRow) error) error {
	open := f == ActionsOpen || f == ActionsOverdue
	// The district and 未完成 (neither done nor cancelled, which no
	// effective status turns into done or cancelled) are the query's own
	// filter: without a street, dates, 逾期 or 已整改 every row it gives
	// is kept, and SQL counts them.
	var keep func(ActionSheetRow) bool
	if s.Street != "" || s.Dated() || f == ActionsOverdue || f == ActionsDone {
		keep = func(r ActionSheetRow) bool {
			return s.community(r.Community) && f.keeps(r.Action.EffectiveStatus(now)) && (!s.Dated() || s.InRange(r.InspectedAt))
		}
	}
	return db.eachActionSheetRow(ctx, ActionFilter{District: s.District, OpenOnly: open}, keep, start, fn)
}

// ScopeActionRows lists the rows of the 整改清单 in scope (ActionSheetRows,
// same order) whose status as of now passes f; with dates, those opened by
// an inspection that started in range.
func (db *DB) ScopeActionRows(ctx context.Context, s ReportScope, f ActionStatusFilter, now time.Time) ([]ActionSheetRow, error) {
	open := f == ActionsOpen || f == ActionsOverdue
	list, err := db.ActionSheetRows(ctx, ActionFilter{District: s.District, OpenOnly: open})
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, r := range list {
		if !s.community(r.Community) || !f.keeps(r.Action.EffectiveStatus(now)) {
			continue
		}
		if s.Dated() && !s.InRange(r.InspectedAt) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}
