package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func TestAssignments(t *testing.T) {
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	clock := &settableClock{t: time.Date(2024, 8, 20, 9, 0, 0, 0, cst)}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.db"), store.Options{Now: clock.Now, Actor: "鼓楼区住建局"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SaveTemplate(ctx, defaultTemplate(t)); err != nil {
		t.Fatal(err)
	}
	a := addCommunity(t, db, "怡乐花园", "鼓楼区")
	b := addCommunity(t, db, "温泉公寓", "鼓楼区")
	c := addCommunity(t, db, "台江小区", "台江区")
	due := func(s string) time.Time {
		d, _ := time.ParseInLocation("2006-01-02", s, cst)
		return d
	}

	// Refused: what a person typed is checked, and the community must exist.
	for _, bad := range []struct {
		a    inspection.Assignment
		want string
	}{
		{inspection.Assignment{CommunityID: a.ID, Inspector: " ", DueDate: due("2024-08-31")}, "请填写检查人员姓名"},
		{inspection.Assignment{CommunityID: a.ID, Inspector: "张三"}, "请填写完成期限"},
		{inspection.Assignment{CommunityID: "nope", Inspector: "张三", DueDate: due("2024-08-31")}, "记录不存在"},
		{inspection.Assignment{CommunityID: a.ID, Inspector: "张三", DueDate: due("2024-08-31"), TemplateID: "x", TemplateVersion: 1}, "记录不存在"},
	} {
		if _, err := db.AddAssignment(ctx, bad.a); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: got %v, want %q", bad.a, err, bad.want)
		}
	}

	add := func(com inspection.Community, who, d string) inspection.Assignment {
		t.Helper()
		as, err := db.AddAssignment(ctx, inspection.Assignment{CommunityID: com.ID, Inspector: who, DueDate: due(d),
			TemplateID: "meihao-2024", TemplateVersion: 1, Note: " 重点看消防通道 "})
		if err != nil {
			t.Fatal(err)
		}
		return as
	}
	a1 := add(a, " 张三 ", "2024-08-31")
	b1 := add(b, "张三", "2024-08-25")
	c1 := add(c, "李四", "2024-09-10")
	if a1.Inspector != "张三" || a1.Note != "重点看消防通道" || a1.Status != inspection.AssignmentOpen ||
		a1.AssignedBy != "鼓楼区住建局" || len(a1.ID) != 36 || a1.ID[14] != '7' {
		t.Fatalf("added: %+v", a1)
	}

	ids := func(f store.AssignmentFilter) string {
		t.Helper()
		vs, err := db.Assignments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range vs {
			out = append(out, v.Community.Name+":"+string(v.State))
		}
		return strings.Join(out, " ")
	}
	if got, want := ids(store.AssignmentFilter{}), "温泉公寓:pending 怡乐花园:pending 台江小区:pending"; got != want {
		t.Fatalf("all: %s, want %s", got, want)
	}
	if got, want := ids(store.AssignmentFilter{Inspector: "张三"}), "温泉公寓:pending 怡乐花园:pending"; got != want {
		t.Fatalf("张三: %s", got)
	}
	if got, want := ids(store.AssignmentFilter{District: "台江区"}), "台江小区:pending"; got != want {
		t.Fatalf("台江区: %s", got)
	}

	// 张三 starts 怡乐花园: in progress. Time passes: 温泉公寓 is overdue.
	in, err := db.StartInspection(ctx, a.ID, "meihao-2024", 1, []string{"张三", "王五"})
	if err != nil {
		t.Fatal(err)
	}
	clock.t = time.Date(2024, 8, 26, 9, 0, 0, 0, cst)
	if got, want := ids(store.AssignmentFilter{}), "温泉公寓:overdue 怡乐花园:in_progress 台江小区:pending"; got != want {
		t.Fatalf("later: %s", got)
	}
	if got, want := ids(store.AssignmentFilter{Overdue: true}), "温泉公寓:overdue"; got != want {
		t.Fatalf("overdue: %s", got)
	}
	// Finalized: done, and no longer open.
	answerAll(t, db, defaultTemplate(t), in.ID, 97, testJPEG(t, 32, 24))
	if _, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "张三", Role: "检查员"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := ids(store.AssignmentFilter{Open: true}), "温泉公寓:overdue 台江小区:pending"; got != want {
		t.Fatalf("open: %s", got)
	}
	v, err := db.Assignment(ctx, a1.ID)
	if err != nil || v.State != inspection.StateDone || v.Fulfilled == nil || v.Fulfilled.ID != in.ID {
		t.Fatalf("done: %+v %v", v, err)
	}

	// Edit and cancel; a cancelled assignment is left out unless asked,
	// and cannot be cancelled or edited again.
	b1.DueDate, b1.Inspector = due("2024-09-30"), "王五"
	if b1, err = db.UpdateAssignment(ctx, b1); err != nil || b1.Inspector != "王五" || b1.BaseVersion == "" {
		t.Fatalf("update: %+v %v", b1, err)
	}
	if err := db.CancelAssignment(ctx, c1.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.CancelAssignment(ctx, c1.ID); !errors.Is(err, inspection.ErrInvalid) {
		t.Fatalf("cancel twice: %v", err)
	}
	if _, err := db.UpdateAssignment(ctx, c1); !errors.Is(err, inspection.ErrInvalid) {
		t.Fatalf("edit cancelled: %v", err)
	}
	if got, want := ids(store.AssignmentFilter{}), "怡乐花园:done 温泉公寓:pending"; got != want {
		t.Fatalf("after cancel: %s", got)
	}
	if got, want := ids(store.AssignmentFilter{Cancelled: true}), "怡乐花园:done 台江小区:cancelled 温泉公寓:pending"; got != want {
		t.Fatalf("with cancelled: %s", got)
	}
	v, _ = db.Assignment(ctx, c1.ID)
	if v.CancelledAt == nil || v.CancelledBy != "鼓楼区住建局" {
		t.Fatalf("cancelled: %+v", v.Assignment)
	}

	names, err := db.InspectorNames(ctx)
	if err != nil || strings.Join(names, ",") != "张三,王五,李四" {
		t.Fatalf("names: %v %v", names, err)
	}

	// Audited: every change has its entry, and the file verifies.
	trail, err := db.AuditTrail(ctx, "assignments", b1.ID)
	if err != nil || len(trail) != 2 {
		t.Fatalf("audit trail: %d %v", len(trail), err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep.Problems, err)
	}
}
