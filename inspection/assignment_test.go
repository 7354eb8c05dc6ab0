package inspection_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, time.UTC)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAssignmentValidate(t *testing.T) {
	ok := inspection.Assignment{CommunityID: "c", Inspector: "张三", DueDate: day("2026-12-01")}
	for _, c := range []struct {
		name string
		edit func(a *inspection.Assignment)
		want string
	}{
		{"ok", func(a *inspection.Assignment) {}, ""},
		{"no community", func(a *inspection.Assignment) { a.CommunityID = "" }, "请选择小区"},
		{"blank inspector", func(a *inspection.Assignment) { a.Inspector = "  " }, "请填写检查人员姓名"},
		{"long inspector", func(a *inspection.Assignment) { a.Inspector = strings.Repeat("张", 51) }, "不能超过50字"},
		{"no due date", func(a *inspection.Assignment) { a.DueDate = time.Time{} }, "请填写完成期限"},
		{"long note", func(a *inspection.Assignment) { a.Note = strings.Repeat("注", 501) }, "任务说明不能超过500字"},
		{"bad status", func(a *inspection.Assignment) { a.Status = "done" }, "任务状态「done」无法识别"},
		{"template without version", func(a *inspection.Assignment) { a.TemplateID = "t" }, "同时给出模板编号和版本"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := ok
			c.edit(&a)
			err := a.Validate()
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, inspection.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
}

func TestAssignmentState(t *testing.T) {
	assigned := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	a := inspection.Assignment{CommunityID: "c", Inspector: "张三", DueDate: day("2026-11-30"), AssignedAt: assigned,
		Status: inspection.AssignmentOpen}
	before := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	after := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	draft := inspection.Inspection{CommunityID: "c", Inspectors: []string{"李四", " 张三 "}, Status: inspection.Draft,
		StartedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)} // same day, earlier hour: counts
	final := draft
	final.Status = inspection.Finalized
	old := final
	old.StartedAt = time.Date(2026, 11, 19, 23, 0, 0, 0, time.UTC)
	other := final
	other.Inspectors = []string{"王五"}
	elsewhere := final
	elsewhere.CommunityID = "d"
	cancelled := a
	cancelled.Status = inspection.AssignmentCancelled
	for _, c := range []struct {
		name string
		a    inspection.Assignment
		ins  []inspection.Inspection
		now  time.Time
		want inspection.AssignmentState
	}{
		{"nothing yet", a, nil, before, inspection.StatePending},
		{"due day is not overdue", a, nil, time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC), inspection.StatePending},
		{"overdue the day after", a, nil, after, inspection.StateOverdue},
		{"draft started", a, []inspection.Inspection{draft}, before, inspection.StateInProgress},
		{"draft but overdue", a, []inspection.Inspection{draft}, after, inspection.StateOverdue},
		{"finalized", a, []inspection.Inspection{draft, final}, before, inspection.StateDone},
		{"finalized late is done", a, []inspection.Inspection{final}, after, inspection.StateDone},
		{"before the assignment", a, []inspection.Inspection{old}, before, inspection.StatePending},
		{"another inspector", a, []inspection.Inspection{other}, before, inspection.StatePending},
		{"another community", a, []inspection.Inspection{elsewhere}, before, inspection.StatePending},
		{"cancelled", cancelled, []inspection.Inspection{final}, after, inspection.StateCancelled},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.a.State(c.ins, c.now); got != c.want {
				t.Fatalf("got %s (%s), want %s", got, got.Label(), c.want)
			}
		})
	}
	if d := a.DaysLeft(before); d != 5 {
		t.Fatalf("days left %d, want 5", d)
	}
	if d := a.DaysLeft(after); d != -1 {
		t.Fatalf("days left %d, want -1", d)
	}
}
