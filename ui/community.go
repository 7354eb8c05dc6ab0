package ui

import (
	"context"
	"fmt"
	"strings"

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

// communityScreen is 小区详情: the community's facts, its inspections with
// scores and status, its open corrective actions, and 开始检查.
type communityScreen struct {
	u  *App
	id string
	c  inspection.Community

	back, edit, start *widget.Button
	assign            *widget.Button  // 分派检查 (区局 and 市局)
	tasks             *fyne.Container // the community's assignments (检查任务)
	assignments       []store.AssignmentView
	assignDialog      *assignDialog
	title             *widget.Label
	facts             *widget.Form
	factValues        map[string]*widget.Label
	history           *fyne.Container // one historyRow per inspection, newest first
	historyRows       []*historyRow
	actionsNote       *widget.Label
	startDialog       *startDialog

	content fyne.CanvasObject
}

// historyRow is one inspection of the community.
type historyRow struct {
	summary store.InspectionSummary
	open    *widget.Button
}

func newCommunityScreen(u *App, id string) *communityScreen {
	s := &communityScreen{u: u, id: id, factValues: map[string]*widget.Label{}}
	s.back = widget.NewButtonWithIcon(lang.L("返回列表"), theme.NavigateBackIcon(), u.showCommunities)
	s.edit = widget.NewButtonWithIcon(lang.L("编辑"), theme.DocumentCreateIcon(), func() {
		c := s.c
		showCommunityForm(u, &c, func(string) { s.reload(); u.communities.reloadDistricts() })
	})
	s.start = widget.NewButtonWithIcon(lang.L("开始检查"), theme.MediaPlayIcon(), s.showStart)
	s.start.Importance = widget.HighImportance
	s.assign = widget.NewButtonWithIcon(lang.L("分派检查"), theme.CalendarIcon(), func() {
		s.assignDialog = u.showAssign(s.c, s.reload)
	})
	if u.prefs.Role() == RoleInspector {
		s.assign.Hide()
	}
	s.tasks = container.NewVBox()
	s.title = widget.NewLabel("")
	s.title.TextStyle.Bold = true
	s.title.SizeName = theme.SizeNameHeadingText

	s.facts = widget.NewForm()
	for _, k := range []string{"所属区域", "地址", "物业服务企业", "户数", "小区类型", "业委会", "满意度", "投诉率"} {
		v := widget.NewLabel("")
		v.Wrapping = fyne.TextWrapWord
		s.factValues[k] = v
		s.facts.Append(lang.L(k), v)
	}
	s.history = container.NewVBox()
	s.actionsNote = widget.NewLabel("")
	s.actionsNote.Importance = widget.WarningImportance
	s.actionsNote.Hide()

	top := container.NewBorder(nil, nil, s.back, container.NewHBox(s.edit, s.assign, s.start), s.title)
	factsCard := widget.NewCard(lang.L("基本情况"), "", s.facts)
	historyCard := widget.NewCard(lang.L("检查记录"), "", container.NewVBox(s.tasks, s.actionsNote, s.history))
	body := container.NewGridWithColumns(2, container.NewVScroll(factsCard), container.NewVScroll(historyCard))
	s.content = container.NewBorder(top, nil, nil, nil, body)
	s.reload()
	return s
}

func (s *communityScreen) reload() {
	s.u.async(func() {
		c, err := s.u.db.Community(s.u.ctx, s.id)
		var hist []store.InspectionSummary
		var acts []store.ActionRow
		if err == nil {
			hist, err = s.u.db.ListInspections(s.u.ctx, store.InspectionFilter{CommunityID: s.id})
		}
		if err == nil {
			acts, err = s.u.db.ListActionRows(s.u.ctx, store.ActionFilter{CommunityID: s.id, OpenOnly: true})
		}
		var tasks []store.AssignmentView
		if err == nil {
			tasks, err = s.u.db.Assignments(s.u.ctx, store.AssignmentFilter{CommunityID: s.id})
		}
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.show(c, hist, acts)
			s.showTasks(tasks)
		})
	})
}

func (s *communityScreen) show(c inspection.Community, hist []store.InspectionSummary, acts []store.ActionRow) {
	s.c = c
	s.title.SetText(c.Name)
	set := func(k, v string) {
		if v == "" {
			v = "—"
		}
		s.factValues[k].SetText(v)
	}
	set("所属区域", strings.TrimSpace(strings.Join([]string{c.District, c.Street, c.Community}, " ")))
	set("地址", c.Address)
	set("物业服务企业", c.PropertyCompany)
	set("户数", intText(c.Households))
	set("小区类型", c.Type)
	set("业委会", c.Committee)
	set("满意度", suffix(floatText(c.Satisfaction), "%"))
	set("投诉率", suffix(floatText(c.ComplaintRate), lang.L(" 件/百户")))

	if n := len(acts); n > 0 {
		overdue := 0
		for _, a := range acts {
			if a.EffectiveStatus(s.u.now()) == inspection.ActionOverdue {
				overdue++
			}
		}
		s.actionsNote.SetText(fmt.Sprintf(lang.L("有 %d 项整改未完成，其中 %d 项逾期"), n, overdue))
		s.actionsNote.Show()
	} else {
		s.actionsNote.Hide()
	}

	s.historyRows = nil
	s.history.Objects = nil
	if len(hist) == 0 {
		s.history.Add(widget.NewLabel(lang.L("尚未检查。点击「开始检查」开始第一次检查。")))
	}
	for _, h := range hist {
		row := &historyRow{summary: h}
		id := h.ID
		row.open = widget.NewButton(lang.L("打开"), func() { s.u.openInspection(id) })
		if h.Status == inspection.Draft {
			row.open.SetText(lang.L("继续检查"))
			row.open.Importance = widget.HighImportance
		}
		s.historyRows = append(s.historyRows, row)
		status := widget.NewLabel(inspectionStatusLabel(h.Status))
		if h.Status == inspection.Draft {
			status.Importance = widget.HighImportance
		} else {
			status.Importance = widget.SuccessImportance
		}
		when := widget.NewLabel(formatDate(h.StartedAt))
		who := widget.NewLabel(strings.Join(h.Inspectors, "、"))
		who.Truncation = fyne.TextTruncateEllipsis
		score := widget.NewLabel(formatScore(h.Score, h.ScoreDefined) + lang.L(" 分") +
			fmt.Sprintf(lang.L("（已判定 %d/%d）"), h.Judged, h.Scorable))
		if h.Vetoes > 0 {
			score.SetText(score.Text + " · " + fmt.Sprintf(lang.L("%d 项否决"), h.Vetoes))
			score.Importance = widget.DangerImportance
		}
		line2 := container.NewHBox(status, score)
		if h.AmendsID != "" {
			am := widget.NewLabel(lang.L("更正记录"))
			am.Importance = widget.WarningImportance
			line2.Add(am)
		}
		s.history.Add(container.NewBorder(nil, nil, nil, row.open,
			container.NewVBox(container.NewBorder(nil, nil, when, nil, who), line2)))
		s.history.Add(widget.NewSeparator())
	}
	s.history.Refresh()
}

func suffix(v, unit string) string {
	if v == "" {
		return ""
	}
	return v + unit
}

// startDialog asks who inspects (remembering the last names) and which
// template to use, then starts the inspection.
type startDialog struct {
	inspectors *widget.Entry
	template   *widget.Select
	errLabel   *widget.Label
	ok         *widget.Button
	dialog     dialog.Dialog
	templates  []store.TemplateInfo
}

func (s *communityScreen) showStart() {
	tpls, err := s.u.db.Templates(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	if len(tpls) == 0 {
		s.u.info(lang.L("无法开始检查"), lang.L("数据文件中没有检查模板。"))
		return
	}
	d := &startDialog{templates: tpls}
	s.startDialog = d
	d.inspectors = widget.NewEntry()
	d.inspectors.SetPlaceHolder(lang.L("多人用顿号分隔，例如 张三、李四"))
	names := s.u.prefs.LastInspectors()
	if len(names) == 0 && s.u.prefs.Name() != "" {
		names = []string{s.u.prefs.Name()}
	}
	task := s.myTask()
	if task != nil {
		names = withName(names, task.Inspector)
	}
	d.inspectors.SetText(strings.Join(names, "、"))
	var opts []string
	sel := 0
	for i, t := range tpls {
		opts = append(opts, fmt.Sprintf("%s（v%d）", t.Name, t.Version))
		if t.CommunityType != "" && t.CommunityType == s.c.Type {
			sel = i
		}
	}
	for i, t := range tpls {
		if task != nil && t.ID == task.TemplateID && t.Version == task.TemplateVersion {
			sel = i
		}
	}
	d.template = widget.NewSelect(opts, nil)
	d.template.SetSelectedIndex(sel)
	d.errLabel = widget.NewLabel("")
	d.errLabel.Importance = widget.DangerImportance
	d.errLabel.Hide()
	d.ok = widget.NewButton(lang.L("开始检查"), func() { s.startInspection(d) })
	d.ok.Importance = widget.HighImportance
	d.inspectors.OnSubmitted = func(string) { s.startInspection(d) }
	cancel := widget.NewButton(lang.L("取消"), func() { d.dialog.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(lang.L("检查人员"), d.inspectors),
		widget.NewFormItem(lang.L("检查模板"), d.template),
	)
	body := container.NewVBox(widget.NewLabel(s.c.Name), form, d.errLabel, container.NewHBox(layout.NewSpacer(), cancel, d.ok))
	d.dialog = dialog.NewCustomWithoutButtons(lang.L("开始检查"), body, s.u.window)
	d.dialog.Resize(fyne.NewSize(560, 0))
	d.dialog.Show()
	s.u.window.Canvas().Focus(d.inspectors)
}

func (s *communityScreen) startInspection(d *startDialog) {
	names := splitNames(d.inspectors.Text)
	if len(names) == 0 {
		d.errLabel.SetText(lang.L("请至少填写一名检查人员"))
		d.errLabel.Show()
		return
	}
	tpl := d.templates[max(d.template.SelectedIndex(), 0)]
	d.ok.Disable()
	var in inspection.Inspection
	s.u.busy(lang.L("正在开始检查…"), func(ctx context.Context) error {
		var err error
		in, err = s.u.db.StartInspection(ctx, s.id, tpl.ID, tpl.Version, names)
		return err
	}, func(err error) {
		d.ok.Enable()
		if err != nil {
			d.errLabel.SetText(wrapText(err.Error(), 60))
			d.errLabel.Show()
			return
		}
		s.u.prefs.SetLastInspectors(names)
		d.dialog.Hide()
		s.reload()
		s.u.openInspection(in.ID)
	})
}
