package inspection

// Assignments (检查任务): the office tells an inspector which community to
// inspect and by when. See docs/OFFICE.md, 检查任务.

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// AssignmentStatus is the stored status of an assignment: open or
// cancelled. Done is not stored: it is derived from the inspections (see
// Assignment.FulfilledBy), so the inspector never has to edit the office's
// record and the office sees the assignment done as soon as the finalized
// inspection arrives in a package.
type AssignmentStatus string

// Stored statuses.
const (
	AssignmentOpen      AssignmentStatus = "open"
	AssignmentCancelled AssignmentStatus = "cancelled"
)

// Valid reports whether s is a stored status.
func (s AssignmentStatus) Valid() bool { return s == AssignmentOpen || s == AssignmentCancelled }

// AssignmentState is the status as shown.
type AssignmentState string

// Shown states, derived by Assignment.State.
const (
	StatePending    AssignmentState = "pending"     // 待检查
	StateInProgress AssignmentState = "in_progress" // 检查中：an inspection has been started
	StateDone       AssignmentState = "done"        // 已完成：a finalized inspection fulfils it
	StateOverdue    AssignmentState = "overdue"     // 已逾期：not done and the due date has passed
	StateCancelled  AssignmentState = "cancelled"   // 已取消
)

// Label is the state's Chinese name.
func (s AssignmentState) Label() string {
	switch s {
	case StatePending:
		return "待检查"
	case StateInProgress:
		return "检查中"
	case StateDone:
		return "已完成"
	case StateOverdue:
		return "已逾期"
	case StateCancelled:
		return "已取消"
	}
	return string(s)
}

// Limits of an assignment's texts, in characters.
const (
	MaxInspectorName  = 50
	MaxAssignmentNote = 500
)

// Assignment is one 检查任务: Inspector (by name, as the inspector's
// device has it in 设置) inspects the community by DueDate, optionally
// with a given template version.
type Assignment struct {
	ID              string           `json:"id"` // UUIDv7
	CommunityID     string           `json:"community_id"`
	Inspector       string           `json:"inspector"`
	DueDate         time.Time        `json:"due_date"`         // a date; overdue from the day after
	TemplateID      string           `json:"template_id"`      // "" for any template
	TemplateVersion int              `json:"template_version"` // 0 with no template
	Note            string           `json:"note"`
	Status          AssignmentStatus `json:"status"`
	AssignedBy      string           `json:"assigned_by"`
	AssignedAt      time.Time        `json:"assigned_at"`
	CancelledAt     *time.Time       `json:"cancelled_at"`
	CancelledBy     string           `json:"cancelled_by"`
	Revision
}

// NormalizeName trims an inspector's name and folds inner runs of spaces,
// so 「 张三 」 and 「张三」 are one inspector.
func NormalizeName(s string) string { return strings.Join(strings.Fields(s), " ") }

// Validate checks what a person typed: a community, an inspector's name,
// a due date, a stored status and the lengths.
func (a Assignment) Validate() error {
	switch {
	case a.CommunityID == "":
		return fmt.Errorf("%w：请选择小区", ErrInvalid)
	case NormalizeName(a.Inspector) == "":
		return fmt.Errorf("%w：请填写检查人员姓名", ErrInvalid)
	case utf8.RuneCountInString(a.Inspector) > MaxInspectorName:
		return fmt.Errorf("%w：检查人员姓名不能超过%d字", ErrInvalid, MaxInspectorName)
	case a.DueDate.IsZero():
		return fmt.Errorf("%w：请填写完成期限", ErrInvalid)
	case utf8.RuneCountInString(a.Note) > MaxAssignmentNote:
		return fmt.Errorf("%w：任务说明不能超过%d字", ErrInvalid, MaxAssignmentNote)
	case a.Status != "" && !a.Status.Valid():
		return fmt.Errorf("%w：任务状态「%s」无法识别（open 或 cancelled）", ErrInvalid, a.Status)
	case (a.TemplateID == "") != (a.TemplateVersion == 0):
		return fmt.Errorf("%w：指定模板须同时给出模板编号和版本", ErrInvalid)
	case a.TemplateVersion < 0:
		return fmt.Errorf("%w：模板版本 %d 不合法", ErrInvalid, a.TemplateVersion)
	}
	return nil
}

// startOfDay is the first instant of t's calendar date in loc.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// Counts reports whether inspection in works toward the assignment: the
// same community, the assigned inspector among its inspectors, and
// started on or after the day the assignment was made (by calendar date in
// the assignment's location, so a few minutes' difference between the
// office's and the inspector's clocks does not matter). An amendment
// (更正) counts like its original.
func (a Assignment) Counts(in Inspection) bool {
	if in.CommunityID != a.CommunityID {
		return false
	}
	loc := a.AssignedAt.Location()
	if in.StartedAt.Before(startOfDay(a.AssignedAt, loc)) {
		return false
	}
	want := NormalizeName(a.Inspector)
	for _, n := range in.Inspectors {
		if NormalizeName(n) == want {
			return true
		}
	}
	return false
}

// FulfilledBy is the first finalized inspection among ins that counts
// toward the assignment, or nil.
func (a Assignment) FulfilledBy(ins []Inspection) *Inspection {
	for i := range ins {
		if ins[i].Status == Finalized && a.Counts(ins[i]) {
			return &ins[i]
		}
	}
	return nil
}

// State derives the shown state from the inspections of the community
// (any order) and the clock: cancelled, done (a finalized inspection
// counts), overdue (due date passed, in now's location), in progress (a
// draft counts) or pending.
func (a Assignment) State(ins []Inspection, now time.Time) AssignmentState {
	if a.Status == AssignmentCancelled {
		return StateCancelled
	}
	if a.FulfilledBy(ins) != nil {
		return StateDone
	}
	if a.Overdue(now) {
		return StateOverdue
	}
	for _, in := range ins {
		if a.Counts(in) {
			return StateInProgress
		}
	}
	return StatePending
}

// Overdue reports whether the due date has passed at now (from the day
// after the due date, in now's location), whatever the inspections.
func (a Assignment) Overdue(now time.Time) bool {
	if a.DueDate.IsZero() {
		return false
	}
	y, m, d := a.DueDate.Date()
	end := time.Date(y, m, d, 0, 0, 0, 0, now.Location()).AddDate(0, 0, 1)
	return !now.Before(end)
}

// DaysLeft is the number of calendar days from now to the due date: 0 on
// the due date, negative once overdue.
func (a Assignment) DaysLeft(now time.Time) int {
	y, m, d := a.DueDate.Date()
	due := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
	ny, nm, nd := now.Date()
	today := time.Date(ny, nm, nd, 12, 0, 0, 0, time.UTC)
	return int(due.Sub(today).Hours() / 24)
}
