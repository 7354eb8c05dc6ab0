package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// Assignments (检查任务): the office's 分派检查 dialog and 检查任务 tab, and
// the lines that show an assignment in the community list and detail.

// assignmentStateLabel is a state in the UI language.
func assignmentStateLabel(s inspection.AssignmentState) string { return lang.L(s.Label()) }

func assignmentStateImportance(s inspection.AssignmentState) widget.Importance {
	switch s {
	case inspection.StateOverdue:
		return widget.DangerImportance
	case inspection.StateDone:
		return widget.SuccessImportance
	case inspection.StateInProgress:
		return widget.HighImportance
	case inspection.StateCancelled:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// dueText says when an assignment is due: 「期限 2024-08-31（还有 5 天）」,
// 「今天到期」 or 「逾期 3 天」 while it is still to do.
func dueText(v store.AssignmentView, now time.Time) string {
	s := fmt.Sprintf(lang.L("期限 %s"), v.DueDate.Format("2006-01-02"))
	if v.State == inspection.StateDone || v.State == inspection.StateCancelled {
		return s
	}
	switch d := v.DaysLeft(now); {
	case d > 0:
		return s + fmt.Sprintf(lang.L("（还有 %d 天）"), d)
	case d == 0:
		return s + lang.L("（今天到期）")
	default:
		return s + fmt.Sprintf(lang.L("（逾期 %d 天）"), -d)
	}
}

// assignDialog is 分派检查: who (names used before offered), by when, and
// a note.
type assignDialog struct {
	inspector *widget.SelectEntry
	names     []string // offered: the names used before
	due       *widget.DateEntry
	note      *widget.Entry
	errLabel  *widget.Label
	ok        *widget.Button
	dialog    dialog.Dialog
	old       *inspection.Assignment // the assignment changed by 修改任务, nil for a new one
}

// showAssign opens 分派检查 for community c; done runs after a save.
func (u *App) showAssign(c inspection.Community, done func()) *assignDialog {
	return u.showAssignDialog(c, nil, done)
}

// showAssignDialog opens 分派检查, or 修改任务 when old is an assignment to
// change (its inspector, due date and note are filled in).
func (u *App) showAssignDialog(c inspection.Community, old *inspection.Assignment, done func()) *assignDialog {
	d := &assignDialog{old: old}
	names, err := u.db.InspectorNames(u.ctx)
	if err != nil {
		u.showError(err)
	}
	d.names = names
	d.inspector = widget.NewSelectEntry(names)
	d.inspector.SetPlaceHolder(lang.L("检查人员姓名（与其设置中的姓名一致）"))
	d.due = widget.NewDateEntry()
	due := u.now().AddDate(0, 0, 14)
	d.due.SetDate(&due)
	d.note = widget.NewMultiLineEntry()
	d.note.SetPlaceHolder(lang.L("任务说明（可不填）"))
	d.note.SetMinRowsVisible(3)
	title, okText := lang.L("分派检查"), lang.L("分派")
	if old != nil {
		d.inspector.SetText(old.Inspector)
		due := old.DueDate
		d.due.SetDate(&due)
		d.note.SetText(old.Note)
		title, okText = lang.L("修改任务"), lang.L("保存")
	}
	d.errLabel = widget.NewLabel("")
	d.errLabel.Importance = widget.DangerImportance
	d.errLabel.Hide()
	d.ok = widget.NewButton(okText, func() { u.saveAssignment(c, d, done) })
	d.ok.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("取消"), func() { d.dialog.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(lang.L("检查人员"), d.inspector),
		widget.NewFormItem(lang.L("完成期限"), d.due),
		widget.NewFormItem(lang.L("说明"), d.note),
	)
	where := widget.NewLabel(c.Name + "（" + c.District + "）")
	where.TextStyle.Bold = true
	body := container.NewVBox(where, form, d.errLabel, container.NewHBox(layout.NewSpacer(), cancel, d.ok))
	d.dialog = dialog.NewCustomWithoutButtons(title, body, u.window)
	d.dialog.Resize(fyne.NewSize(560, 0))
	d.dialog.Show()
	u.window.Canvas().Focus(d.inspector)
	return d
}

func (u *App) saveAssignment(c inspection.Community, d *assignDialog, done func()) {
	a := inspection.Assignment{CommunityID: c.ID}
	if d.old != nil {
		a = *d.old
	}
	a.Inspector, a.Note = d.inspector.Text, d.note.Text
	if t := d.due.Date; t != nil {
		a.DueDate = *t
	}
	if err := a.Validate(); err != nil {
		d.errLabel.SetText(wrapText(strings.TrimPrefix(err.Error(), inspection.ErrInvalid.Error()+"："), 60))
		d.errLabel.Show()
		return
	}
	d.ok.Disable()
	u.busy(lang.L("正在保存…"), func(ctx context.Context) error {
		var err error
		if d.old != nil {
			_, err = u.db.UpdateAssignment(ctx, a)
		} else {
			_, err = u.db.AddAssignment(ctx, a)
		}
		return err
	}, func(err error) {
		d.ok.Enable()
		if err != nil {
			d.errLabel.SetText(wrapText(err.Error(), 60))
			d.errLabel.Show()
			return
		}
		d.dialog.Hide()
		if done != nil {
			done()
		}
	})
}

// cancelAssignment asks, then cancels an open assignment.
func (u *App) cancelAssignment(v store.AssignmentView, done func()) {
	msg := fmt.Sprintf(lang.L("取消「%s」对%s的检查任务？"), v.Inspector, v.Community.Name)
	dialog.NewConfirm(lang.L("取消任务"), msg, func(yes bool) {
		if !yes {
			return
		}
		u.busy(lang.L("正在保存…"), func(ctx context.Context) error {
			return u.db.CancelAssignment(ctx, v.ID)
		}, func(err error) {
			if err != nil {
				u.showError(err)
			}
			if done != nil {
				done()
			}
		})
	}, u.window).Show()
}

// assignmentLine is one assignment in the community detail: who, due,
// state, note, and 取消任务 for the office.
func (u *App) assignmentLine(v store.AssignmentView, office bool, done func()) fyne.CanvasObject {
	who := widget.NewLabel(fmt.Sprintf(lang.L("检查人员：%s"), v.Inspector))
	who.TextStyle.Bold = true
	due := widget.NewLabel(dueText(v, u.now()))
	state := widget.NewLabel(assignmentStateLabel(v.State))
	state.Importance = assignmentStateImportance(v.State)
	lines := container.NewVBox(container.NewHBox(who, state), due)
	if v.Note != "" {
		note := widget.NewLabel(v.Note)
		note.Wrapping = fyne.TextWrapWord
		note.SizeName = theme.SizeNameCaptionText
		lines.Add(note)
	}
	var right fyne.CanvasObject
	if office && v.Status == inspection.AssignmentOpen && v.State != inspection.StateDone {
		a := v.Assignment
		edit := widget.NewButtonWithIcon(lang.L("修改"), theme.DocumentCreateIcon(), func() {
			if s := u.community; s != nil {
				s.assignDialog = u.showAssignDialog(v.Community, &a, done)
			}
		})
		cancel := widget.NewButtonWithIcon(lang.L("取消任务"), theme.CancelIcon(), func() { u.cancelAssignment(v, done) })
		right = container.NewVBox(edit, cancel)
	}
	return container.NewBorder(nil, nil, nil, right, lines)
}

// Office tab 检查任务.

// Filters of the 检查任务 tab.
const (
	assignFilterOpen = iota
	assignFilterOverdue
	assignFilterDone
	assignFilterAll
)

// assignmentsScreen is the office's 检查任务 tab: every assignment with its
// state (overdue in red), filtered by state and inspector; a line opens
// its community; 取消任务 cancels an open one.
type assignmentsScreen struct {
	u         *App
	filter    *widget.Select
	inspector *widget.SelectEntry
	count     *widget.Label
	list      *widget.List
	rows      []store.AssignmentView
	loads     newest

	content fyne.CanvasObject
}

func newAssignmentsScreen(u *App) *assignmentsScreen {
	s := &assignmentsScreen{u: u}
	s.filter = widget.NewSelect([]string{lang.L("未完成"), lang.L("已逾期"), lang.L("已完成"), lang.L("全部（含已取消）")}, nil)
	s.filter.SetSelectedIndex(assignFilterOpen)
	s.filter.OnChanged = func(string) { s.reload() }
	s.inspector = widget.NewSelectEntry(nil)
	s.inspector.SetPlaceHolder(lang.L("全部检查人员"))
	s.inspector.OnChanged = func(string) { s.reload() }
	s.count = widget.NewLabel("")
	s.list = widget.NewList(func() int { return len(s.rows) },
		func() fyne.CanvasObject { return newAssignmentRowView(s) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				o.(*assignmentRowView).set(s.rows[id])
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		if id < len(s.rows) {
			u.showCommunity(s.rows[id].CommunityID)
		}
	}
	hint := widget.NewLabel(lang.L("在小区详情中点「分派检查」分派新任务；检查员导入数据包后在「小区列表 → 我的任务」中看到。"))
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	filters := container.NewHBox(container.NewGridWrap(fyne.NewSize(170, s.filter.MinSize().Height), s.filter),
		container.NewGridWrap(fyne.NewSize(200, s.inspector.MinSize().Height), s.inspector))
	top := container.NewVBox(container.NewBorder(nil, nil, s.count, filters), hint)
	s.content = container.NewBorder(top, nil, nil, nil, s.list)
	return s
}

func (s *assignmentsScreen) reload() {
	f := store.AssignmentFilter{Inspector: s.inspector.Text}
	switch s.filter.SelectedIndex() {
	case assignFilterOpen:
		f.Open = true
	case assignFilterOverdue:
		f.Overdue = true
	case assignFilterAll:
		f.Cancelled = true
	}
	done := s.filter.SelectedIndex() == assignFilterDone
	var rows []store.AssignmentView
	var names []string
	s.loads.load(s.u, func(ctx context.Context) (err error) {
		if rows, err = s.u.db.Assignments(ctx, f); err != nil {
			return err
		}
		names, err = s.u.db.InspectorNames(ctx)
		return err
	}, func() {
		if done {
			kept := rows[:0]
			for _, v := range rows {
				if v.State == inspection.StateDone {
					kept = append(kept, v)
				}
			}
			rows = kept
		}
		s.rows = rows
		s.inspector.SetOptions(names)
		s.count.SetText(fmt.Sprintf(lang.L("共 %d 项检查任务"), len(rows)))
		s.list.Refresh()
	})
}

// assignmentRowView is one line of 检查任务: community and district, the
// inspector and note, due date, state and 取消任务.
type assignmentRowView struct {
	widget.BaseWidget
	s                       *assignmentsScreen
	name, where, due, state *widget.Label
	cancel                  *widget.Button
	v                       store.AssignmentView
}

func newAssignmentRowView(s *assignmentsScreen) *assignmentRowView {
	r := &assignmentRowView{s: s, name: widget.NewLabel(""), where: widget.NewLabel(""), due: widget.NewLabel(""),
		state: widget.NewLabel("")}
	r.name.TextStyle.Bold = true
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.where.Truncation = fyne.TextTruncateEllipsis
	r.where.SizeName = theme.SizeNameCaptionText
	r.cancel = widget.NewButtonWithIcon(lang.L("取消任务"), theme.CancelIcon(), func() {
		s.u.cancelAssignment(r.v, s.reload)
	})
	r.ExtendBaseWidget(r)
	return r
}

func (r *assignmentRowView) set(v store.AssignmentView) {
	r.v = v
	r.name.SetText(v.Community.Name + " · " + v.Inspector)
	where := v.Community.District + " " + v.Community.Street
	if v.Note != "" {
		where += " · " + v.Note
	}
	r.where.SetText(where)
	r.due.Importance = widget.MediumImportance
	if v.State == inspection.StateOverdue {
		r.due.Importance = widget.DangerImportance
	}
	r.due.SetText(dueText(v, r.s.u.now()))
	r.state.Importance = assignmentStateImportance(v.State)
	r.state.SetText(assignmentStateLabel(v.State))
	if v.Status == inspection.AssignmentOpen && v.State != inspection.StateDone {
		r.cancel.Show()
	} else {
		r.cancel.Hide()
	}
}

func (r *assignmentRowView) CreateRenderer() fyne.WidgetRenderer {
	right := container.NewHBox(
		container.NewGridWrap(fyne.NewSize(250, r.due.MinSize().Height), r.due),
		container.NewGridWrap(fyne.NewSize(80, r.state.MinSize().Height), r.state),
		container.NewGridWrap(fyne.NewSize(120, r.cancel.MinSize().Height), r.cancel),
	)
	left := container.New(layout.NewCustomPaddedVBoxLayout(-12), r.name, r.where)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, right, left))
}

// Community detail.

// showTasks lists the community's assignments (open and done) above its
// inspections; the office can cancel an open one.
func (s *communityScreen) showTasks(vs []store.AssignmentView) {
	s.assignments = vs
	s.tasks.Objects = nil
	if len(vs) > 0 {
		head := widget.NewLabel(lang.L("检查任务"))
		head.TextStyle.Bold = true
		s.tasks.Add(head)
	}
	office := s.u.prefs.Role() != RoleInspector
	for _, v := range vs {
		s.tasks.Add(s.u.assignmentLine(v, office, s.reload))
		s.tasks.Add(widget.NewSeparator())
	}
	s.tasks.Refresh()
}

// myTask is the open assignment of this community to the name in 设置
// (the first due), or nil.
func (s *communityScreen) myTask() *store.AssignmentView {
	me := inspection.NormalizeName(s.u.prefs.Name())
	for i, v := range s.assignments {
		if me != "" && v.Inspector == me && v.State != inspection.StateDone && v.State != inspection.StateCancelled {
			return &s.assignments[i]
		}
	}
	return nil
}

// withName puts name first among names unless it is there already.
func withName(names []string, name string) []string {
	for _, n := range names {
		if inspection.NormalizeName(n) == name {
			return names
		}
	}
	return append([]string{name}, names...)
}

// Community list: 我的任务.

// myTasks are the open assignments to the name in 设置, by community (the
// first due when there are several).
func (s *communitiesScreen) myTasks() (map[string]store.AssignmentView, error) {
	me := s.u.prefs.Name()
	if me == "" {
		return nil, nil
	}
	vs, err := s.u.db.Assignments(s.u.ctx, store.AssignmentFilter{Inspector: me, Open: true})
	if err != nil {
		return nil, err
	}
	out := map[string]store.AssignmentView{}
	for _, v := range vs {
		if _, ok := out[v.CommunityID]; !ok {
			out[v.CommunityID] = v
		}
	}
	return out, nil
}

// onlyMine reports whether the status filter's index is 我的任务 (after the
// statuses).
func (s *communitiesScreen) onlyMine(index int) bool { return index == len(store.CommunityStatuses)+1 }

// tasksFirst keeps the rows that have a task, soonest due first.
func tasksFirst(rows []store.CommunityRow, tasks map[string]store.AssignmentView) []store.CommunityRow {
	var out []store.CommunityRow
	for _, r := range rows {
		if _, ok := tasks[r.ID]; ok {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return tasks[out[i].ID].DueDate.Before(tasks[out[j].ID].DueDate) })
	return out
}

// setTask shows my assignment of the row's community, if any: its due
// date, in red once overdue.
func (r *communityRowView) setTask(tasks map[string]store.AssignmentView, now time.Time) {
	v, ok := tasks[r.id]
	if !ok {
		r.task.SetText("")
		r.task.Hide()
		return
	}
	r.task.Importance = widget.HighImportance
	if v.State == inspection.StateOverdue {
		r.task.Importance = widget.DangerImportance
	}
	label := lang.L("任务")
	if v.State == inspection.StateInProgress {
		label += "（" + assignmentStateLabel(v.State) + "）"
	}
	r.task.SetText(label + " · " + dueText(v, now))
	r.task.Show()
}
