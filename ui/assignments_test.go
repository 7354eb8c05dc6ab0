package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// tapOverlayButton taps the button labelled one of texts in the window's
// top overlay (a dialog).
func tapOverlayButton(t *testing.T, u *App, texts ...string) {
	t.Helper()
	top := u.window.Canvas().Overlays().Top()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			for _, s := range texts {
				if w.Text == s && found == nil {
					found = w
				}
			}
		case fyne.Widget:
			for _, c := range w.CreateRenderer().Objects() {
				walk(c)
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	if top != nil {
		walk(top)
	}
	if found == nil {
		t.Fatalf("no button %v in the dialog: %s", texts, overlayText(u))
	}
	test.Tap(found)
}

// tapButtonIn taps the first button labelled text inside o.
func tapButtonIn(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if w.Text == text && found == nil {
				found = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	test.Tap(found)
}

// TestAssignFromCommunityDetail: the district office assigns 怡乐花园 to
// 张三 through 分派检查 (names used before offered), sees it in the detail,
// changes its due date there (修改任务), and cancels it in the 检查任务 tab.
func TestAssignFromCommunityDetail(t *testing.T) {
	ctx := context.Background()
	db := officeDB(t) // 张三 has inspected before
	u := newRoleUI(t, db, RoleDistrict, "鼓楼区")
	id := communityID(t, db, "三坊七巷小区")
	u.showCommunity(id)
	s := u.community
	if !s.assign.Visible() {
		t.Fatal("分派检查 hidden for the district office")
	}
	test.Tap(s.assign)
	d := s.assignDialog
	if d == nil {
		t.Fatal("分派检查 opened no dialog")
	}
	if got := strings.Join(d.names, ","); got != "张三" {
		t.Fatalf("names used before: %q", got)
	}
	// Without a name: refused in the dialog.
	test.Tap(d.ok)
	if !d.errLabel.Visible() || !strings.Contains(d.errLabel.Text, "请填写检查人员姓名") {
		t.Fatalf("no name: %q", d.errLabel.Text)
	}
	d.inspector.SetText("张三")
	due := time.Date(2024, 9, 20, 0, 0, 0, 0, time.Local)
	d.due.SetDate(&due)
	d.note.SetText("重点看消防通道")
	test.Tap(d.ok)
	vs, err := db.Assignments(ctx, store.AssignmentFilter{CommunityID: id})
	if err != nil || len(vs) != 1 || vs[0].Inspector != "张三" || vs[0].Note != "重点看消防通道" ||
		vs[0].DueDate.Format("2006-01-02") != "2024-09-20" || vs[0].AssignedBy != "王科长" {
		t.Fatalf("stored: %+v %v", vs, err)
	}
	if len(u.community.assignments) != 1 || len(u.community.tasks.Objects) == 0 {
		t.Fatal("the detail does not show the assignment")
	}

	// 修改任务: the dialog comes filled in; a new due date is saved.
	tapButtonIn(t, u.community.tasks, "修改")
	e := u.community.assignDialog
	if e == d || e.inspector.Text != "张三" || e.note.Text != "重点看消防通道" {
		t.Fatalf("修改任务 dialog: %+v", e)
	}
	later := time.Date(2024, 9, 25, 0, 0, 0, 0, time.Local)
	e.due.SetDate(&later)
	test.Tap(e.ok)
	if vs, _ = db.Assignments(ctx, store.AssignmentFilter{CommunityID: id}); len(vs) != 1 ||
		vs[0].DueDate.Format("2006-01-02") != "2024-09-25" || vs[0].BaseVersion == "" {
		t.Fatalf("after 修改任务: %+v", vs)
	}

	// 检查任务 tab: the line, then 取消任务 with its confirmation.
	u.office.show(ScreenAssignments)
	a := u.office.assign
	if len(a.rows) != 1 || a.rows[0].Community.Name != "三坊七巷小区" || a.rows[0].State != inspection.StatePending {
		t.Fatalf("检查任务 rows: %+v", a.rows)
	}
	row := newAssignmentRowView(a)
	row.set(a.rows[0])
	if !strings.Contains(row.due.Text, "期限 2024-09-25（还有 15 天）") || !row.cancel.Visible() {
		t.Fatalf("row: %q", row.due.Text)
	}
	test.Tap(row.cancel)
	if txt := overlayText(u); !strings.Contains(txt, "取消「张三」对三坊七巷小区的检查任务？") {
		t.Fatalf("confirmation: %s", txt)
	}
	tapOverlayButton(t, u, "Yes", "是")
	if len(a.rows) != 0 {
		t.Fatalf("open after cancel: %+v", a.rows)
	}
	a.filter.SetSelectedIndex(assignFilterAll)
	if len(a.rows) != 1 || a.rows[0].State != inspection.StateCancelled {
		t.Fatalf("all: %+v", a.rows)
	}
}

// TestMyAssignments: an inspector whose name in 设置 is 王科长 sees the
// communities assigned to them under 我的任务, soonest due first, the
// overdue one in red; starting an inspection of one from its detail puts
// their name on it and the assignment is in progress.
func TestMyAssignments(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	for name, due := range map[string]string{"怡乐花园": "2024-09-30", "三坊七巷小区": "2024-08-30"} {
		d, _ := time.ParseInLocation("2006-01-02", due, time.Local)
		if _, err := db.AddAssignment(ctx, inspection.Assignment{CommunityID: communityID(t, db, name), Inspector: "王科长",
			DueDate: d}); err != nil {
			t.Fatal(err)
		}
	}
	d, _ := time.ParseInLocation("2006-01-02", "2024-09-30", time.Local)
	if _, err := db.AddAssignment(ctx, inspection.Assignment{CommunityID: communityID(t, db, "金山碧水"), Inspector: "别人",
		DueDate: d}); err != nil {
		t.Fatal(err)
	}
	u := newRoleUI(t, db, RoleInspector, "")
	s := u.communities
	s.status.SetSelectedIndex(len(s.status.Options) - 1)
	if s.status.Selected != "我的任务" {
		t.Fatalf("last status option: %q", s.status.Selected)
	}
	var names []string
	for _, r := range s.rows {
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != "三坊七巷小区,怡乐花园" {
		t.Fatalf("我的任务: %v", names)
	}
	row := newCommunityRowView()
	row.set(s.rows[0])
	row.setTask(s.tasks, u.now())
	if !row.task.Visible() || row.task.Importance != widget.DangerImportance || !strings.Contains(row.task.Text, "逾期 11 天") {
		t.Fatalf("overdue row: %q %v", row.task.Text, row.task.Importance)
	}
	row.set(s.rows[1])
	row.setTask(s.tasks, u.now())
	if row.task.Importance == widget.DangerImportance || !strings.Contains(row.task.Text, "还有 20 天") {
		t.Fatalf("pending row: %q", row.task.Text)
	}
	// Other filters still show every community, with my tasks marked.
	s.status.SetSelectedIndex(0)
	if len(s.rows) != 3 || len(s.tasks) != 2 {
		t.Fatalf("all: %d rows, %d tasks", len(s.rows), len(s.tasks))
	}

	// Start 怡乐花园 from its detail: the inspector's name is put first.
	id := communityID(t, db, "怡乐花园")
	u.showCommunity(id)
	if u.community.assign.Visible() {
		t.Fatal("分派检查 shown to an inspector")
	}
	test.Tap(u.community.start)
	sd := u.community.startDialog
	if !strings.HasPrefix(sd.inspectors.Text, "王科长") {
		t.Fatalf("inspectors: %q", sd.inspectors.Text)
	}
	test.Tap(sd.ok)
	if u.inspect == nil {
		t.Fatalf("not started: %q", sd.errLabel.Text)
	}
	vs, err := db.Assignments(ctx, store.AssignmentFilter{CommunityID: id})
	if err != nil || len(vs) != 1 || vs[0].State != inspection.StateInProgress {
		t.Fatalf("after start: %+v %v", vs, err)
	}
}
