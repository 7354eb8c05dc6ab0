package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// Action filters, in the order the filter offers them.
const (
	actionFilterOpen = iota // 未完成 (待整改, 整改中, 逾期)
	actionFilterOverdue
	actionFilterDone
	actionFilterAll
)

// actionsScreen is 整改: the corrective actions opened for failed items,
// filtered, overdue ones standing out; the chosen one is edited on the
// right (responsible party, due date, status, note), each change saved at
// once.
type actionsScreen struct {
	u *App

	filter *widget.Select
	search *widget.Entry
	count  *widget.Label
	list   *widget.List
	all    []store.ActionRow
	rows   []store.ActionRow
	loads  newest

	// The editor of the selected action.
	selected    int
	heading     *widget.Label
	problem     *widget.Label
	responsible *autoEntry
	due         *widget.DateEntry
	status      *widget.Select
	note        *autoEntry
	recheck     *widget.Label
	openInsp    *widget.Button
	saved       *widget.Label
	editor      *fyne.Container
	empty       *widget.Label
	typing      debouncer
	updating    bool

	content fyne.CanvasObject
}

var actionStatuses = []inspection.ActionStatus{inspection.ActionOpen, inspection.ActionInProgress, inspection.ActionDone}

func newActionsScreen(u *App) *actionsScreen {
	s := &actionsScreen{u: u, selected: -1, typing: debouncer{delay: u.debounce}}
	s.filter = widget.NewSelect([]string{lang.L("未完成"), lang.L("逾期"), lang.L("已整改"), lang.L("全部")}, nil)
	s.filter.SetSelectedIndex(actionFilterOpen)
	s.filter.OnChanged = func(string) { s.apply() }
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("按小区、问题或责任单位筛选"))
	s.search.OnChanged = func(string) { s.apply() }
	s.count = widget.NewLabel("")
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject { return newActionRowView() },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*actionRowView).set(s.rows[id], s.u.now()) },
	)
	s.list.OnSelected = func(id widget.ListItemID) { s.edit(id) }

	s.heading = widget.NewLabel("")
	s.heading.TextStyle.Bold = true
	s.heading.Wrapping = fyne.TextWrapWord
	s.problem = widget.NewLabel("")
	s.problem.Wrapping = fyne.TextWrapWord
	s.responsible = newAutoEntry(false)
	s.responsible.OnChanged = func(string) { s.changed(false) }
	s.responsible.onFocusLost = s.typing.flush
	s.due = widget.NewDateEntry()
	s.due.OnChanged = func(*time.Time) { s.changed(true) }
	var labels []string
	for _, st := range actionStatuses {
		labels = append(labels, actionStatusLabel(st))
	}
	s.status = widget.NewSelect(labels, func(string) { s.changed(true) })
	s.note = newAutoEntry(true)
	s.note.SetMinRowsVisible(3)
	s.note.OnChanged = func(string) { s.changed(false) }
	s.note.onFocusLost = s.typing.flush
	s.recheck = widget.NewLabel("")
	s.recheck.Wrapping = fyne.TextWrapWord
	s.openInsp = widget.NewButtonWithIcon(lang.L("打开检查记录"), theme.DocumentIcon(), func() {
		if s.selected >= 0 {
			u.openInspection(s.rows[s.selected].InspectionID)
		}
	})
	s.saved = widget.NewLabel("")
	s.saved.Importance = widget.MediumImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("责任单位"), s.responsible),
		widget.NewFormItem(lang.L("整改期限"), s.due),
		widget.NewFormItem(lang.L("状态"), s.status),
		widget.NewFormItem(lang.L("整改情况"), s.note),
	)
	s.editor = container.NewVBox(s.heading, s.problem, form, s.recheck, container.NewHBox(s.openInsp, s.saved))
	s.editor.Hide()
	s.empty = widget.NewLabel(lang.L("选择左侧的整改事项进行编辑。"))

	top := container.NewBorder(nil, nil, container.NewHBox(s.filter, s.count), nil, s.search)
	right := widget.NewCard(lang.L("整改事项"), "", container.NewStack(s.empty, s.editor))
	split := container.NewHSplit(s.list, container.NewVScroll(right))
	split.Offset = 0.6
	s.content = container.NewBorder(top, nil, nil, nil, split)
	return s
}

func (s *actionsScreen) reload() {
	var rows []store.ActionRow
	s.loads.load(s.u, func(ctx context.Context) (err error) {
		rows, err = s.u.db.ListActionRows(ctx, store.ActionFilter{})
		return err
	}, func() {
		s.all = rows
		s.apply()
	})
}

// apply filters the loaded actions.
func (s *actionsScreen) apply() {
	now := s.u.now()
	q := strings.TrimSpace(s.search.Text)
	s.rows = nil
	for _, r := range s.all {
		st := r.EffectiveStatus(now)
		keep := true
		switch s.filter.SelectedIndex() {
		case actionFilterOpen:
			keep = st != inspection.ActionDone
		case actionFilterOverdue:
			keep = st == inspection.ActionOverdue
		case actionFilterDone:
			keep = st == inspection.ActionDone
		}
		if keep && q != "" {
			keep = strings.Contains(r.CommunityName, q) || strings.Contains(r.Problem, q) ||
				strings.Contains(r.Responsible, q) || strings.HasPrefix(r.ItemCode, q)
		}
		if keep {
			s.rows = append(s.rows, r)
		}
	}
	s.count.SetText(fmt.Sprintf(lang.L("%d 项"), len(s.rows)))
	s.list.UnselectAll()
	s.selected = -1
	s.editor.Hide()
	s.empty.Show()
	s.list.Refresh()
}

// edit shows action i in the editor.
func (s *actionsScreen) edit(i int) {
	s.typing.flush()
	if i < 0 || i >= len(s.rows) {
		return
	}
	s.selected = i
	r := s.rows[i]
	s.updating = true
	s.heading.SetText(fmt.Sprintf("%s · %s %s", r.CommunityName, r.ItemCode, actionStatusLabel(r.EffectiveStatus(s.u.now()))))
	s.problem.SetText(r.Problem)
	s.responsible.SetText(r.Responsible)
	due := r.DueDate
	s.due.SetDate(&due)
	for k, st := range actionStatuses {
		if st == r.Status {
			s.status.SetSelectedIndex(k)
		}
	}
	s.note.SetText(r.Note)
	switch {
	case r.RecheckInspectionID != "":
		s.recheck.SetText(fmt.Sprintf(lang.L("回头看：复查结果为「%s」"), resultLabel(r.RecheckResult)))
	default:
		s.recheck.SetText(lang.L("尚未复查；该小区下次检查定稿时自动复查此项。"))
	}
	s.saved.SetText("")
	s.updating = false
	s.empty.Hide()
	s.editor.Show()
}

// changed saves the editor: at once for a choice, after a pause in typing
// for text.
func (s *actionsScreen) changed(now bool) {
	if s.updating || s.selected < 0 {
		return
	}
	i := s.selected
	a := s.rows[i].CorrectiveAction
	a.Responsible = s.responsible.Text
	a.Note = s.note.Text
	if k := s.status.SelectedIndex(); k >= 0 {
		a.Status = actionStatuses[k]
	}
	if s.due.Date != nil {
		d := *s.due.Date
		a.DueDate = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.Local)
	}
	save := func() {
		s.u.write(func() {
			saved, err := s.u.db.UpdateAction(context.Background(), a)
			fyne.Do(func() {
				if err != nil {
					s.u.showError(err)
					if i == s.selected {
						s.edit(i) // back to the stored values
					}
					return
				}
				if i < len(s.rows) && s.rows[i].ID == saved.ID {
					s.rows[i].CorrectiveAction = saved
					s.list.RefreshItem(i)
				}
				for k := range s.all {
					if s.all[k].ID == saved.ID {
						s.all[k].CorrectiveAction = saved
					}
				}
				s.saved.SetText(fmt.Sprintf(lang.L("已保存 %s"), s.u.now().Format("15:04:05")))
			})
		})
	}
	if now {
		s.typing.stop()
		save()
	} else {
		s.typing.call(save)
	}
}

// actionRowView is one corrective action in the list.
type actionRowView struct {
	widget.BaseWidget
	title, detail, status *widget.Label
}

func newActionRowView() *actionRowView {
	r := &actionRowView{title: widget.NewLabel(""), detail: widget.NewLabel(""), status: widget.NewLabel("")}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.title.TextStyle.Bold = true
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.detail.SizeName = theme.SizeNameCaptionText
	r.detail.Importance = widget.MediumImportance
	r.status.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

func (r *actionRowView) set(a store.ActionRow, now time.Time) {
	r.title.SetText(a.CommunityName + " · " + a.ItemCode + " " + a.Problem)
	r.detail.SetText(fmt.Sprintf(lang.L("%s · 责任单位：%s · 期限：%s"), a.District, a.Responsible, formatDate(a.DueDate)))
	st := a.EffectiveStatus(now)
	r.status.SetText(actionStatusLabel(st))
	switch st {
	case inspection.ActionOverdue:
		r.status.Importance = widget.DangerImportance
		r.status.TextStyle.Bold = true
	case inspection.ActionDone:
		r.status.Importance = widget.SuccessImportance
		r.status.TextStyle.Bold = false
	case inspection.ActionInProgress:
		r.status.Importance = widget.HighImportance
		r.status.TextStyle.Bold = false
	default:
		r.status.Importance = widget.WarningImportance
		r.status.TextStyle.Bold = false
	}
	r.status.Refresh()
}

func (r *actionRowView) CreateRenderer() fyne.WidgetRenderer {
	status := container.NewGridWrap(fyne.NewSize(80, r.status.MinSize().Height), r.status)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, status,
		container.NewVBox(r.title, r.detail)))
}
