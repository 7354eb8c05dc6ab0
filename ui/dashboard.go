package ui

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// dashboardScreen is 统计: the plan's deadlines with days left, the work
// report figures (inspected, passed, eligible, picked, corrective
// actions), charts drawn in the app (communities by district and status,
// the score distribution, the ten most failed items), the 存在问题及建议
// text and the export of the work report to Excel.
type dashboardScreen struct {
	u *App

	district  *widget.Select
	year      *widget.Entry
	reminders *fyne.Container
	figures   *widget.Label
	byStatus  *barChart
	histogram *barChart
	failing   *barChart
	suggest   *autoEntry
	saved     *widget.Label
	export    *widget.Button
	exported  string // the last exported file (tests read it)
	typing    debouncer
	loads     newest

	report xlsx.WorkReport // the figures shown

	content fyne.CanvasObject
}

// Score bins of the histogram: lower bounds; the last bin includes 100.
var scoreBins = []float64{0, 60, 70, 80, 85, 90, 95}

func scoreBinLabels() []string {
	out := []string{"<60"}
	for i := 1; i < len(scoreBins); i++ {
		hi := "100"
		if i+1 < len(scoreBins) {
			hi = inspection.FormatNumber(scoreBins[i+1])
		}
		out = append(out, inspection.FormatNumber(scoreBins[i])+"–"+hi)
	}
	return out
}

func newDashboardScreen(u *App) *dashboardScreen {
	s := &dashboardScreen{u: u, typing: debouncer{delay: u.debounce}}
	s.district = widget.NewSelect(nil, func(string) { s.reload() })
	s.year = widget.NewEntry()
	s.year.SetPlaceHolder(lang.L("年份"))
	s.year.OnSubmitted = func(string) { s.saveYear() }
	setYear := widget.NewButton(lang.L("设定年份"), s.saveYear)
	s.reminders = container.NewVBox()
	s.figures = widget.NewLabel("")
	s.figures.Wrapping = fyne.TextWrapWord
	s.byStatus = newBarChart(lang.L("各县（市）区小区检查进度"), false)
	s.histogram = newBarChart(lang.L("得分分布（最近一次定稿的检查）"), false)
	s.failing = newBarChart(lang.L("不符合小区数最多的十个检查项"), true)
	s.suggest = newAutoEntry(true)
	s.suggest.SetMinRowsVisible(4)
	s.suggest.SetPlaceHolder(lang.L("存在问题及建议（写入工作报告）"))
	s.suggest.OnChanged = func(string) { s.typing.call(s.saveSuggestions) }
	s.suggest.onFocusLost = s.typing.flush
	s.saved = widget.NewLabel("")
	s.saved.Importance = widget.MediumImportance
	s.export = widget.NewButtonWithIcon(lang.L("导出工作报告（Excel）"), theme.DocumentSaveIcon(), s.exportReport)
	s.export.Importance = widget.HighImportance

	liaisons := widget.NewButtonWithIcon(lang.L("联络员名单"), theme.AccountIcon(), func() { u.office.show(ScreenLiaisons) })
	remindCard := widget.NewCard(lang.L("报送时间"), "", container.NewVBox(s.reminders,
		container.NewHBox(widget.NewLabel(lang.L("活动年度")), container.NewGridWrap(fyne.NewSize(80, s.year.MinSize().Height), s.year), setYear, liaisons)))
	figCard := widget.NewCard(lang.L("工作报告数据"), "", container.NewVBox(s.figures,
		s.suggest, container.NewHBox(s.export, s.saved)))
	left := container.NewVBox(remindCard, figCard)
	charts := container.NewVBox(s.byStatus, container.NewGridWithColumns(2, s.histogram, s.failing))
	top := container.NewHBox(widget.NewLabel(lang.L("范围")), s.district)
	split := container.NewHSplit(container.NewVScroll(left), container.NewVScroll(charts))
	split.Offset = 0.34
	s.content = container.NewBorder(top, nil, nil, nil, split)
	return s
}

// reloadDistricts fills the scope choice: 全市 and each district; a
// district office starts on its own district.
func (s *dashboardScreen) reloadDistricts() {
	ds, err := s.u.db.Districts(s.u.ctx)
	if err != nil {
		s.u.showError(err)
		return
	}
	opts := append([]string{lang.L("全市")}, ds...)
	cb := s.district.OnChanged
	s.district.OnChanged = nil
	s.district.Options = opts
	sel := opts[0]
	if s.u.prefs.Role() == RoleDistrict {
		for _, d := range ds {
			if d == s.u.prefs.District() {
				sel = d
			}
		}
	}
	if s.district.Selected == "" || !contains(opts, s.district.Selected) {
		s.district.SetSelected(sel)
	}
	s.district.OnChanged = cb
	s.district.Refresh()
}

func (s *dashboardScreen) scope() string {
	if s.district.SelectedIndex() <= 0 {
		return ""
	}
	return s.district.Selected
}

// dashboardData is what one reload reads.
type dashboardData struct {
	rows        []store.CommunityRow
	report      xlsx.WorkReport
	reminders   []inspection.Reminder
	year        int
	suggestions string
	actions     []store.OfficeAction
	problems    []string
	scores      []float64 // total scores of the latest finalized inspections
}

func (s *dashboardScreen) load(ctx context.Context, district string) (dashboardData, error) {
	var d dashboardData
	var err error
	db := s.u.db
	if d.rows, err = db.ListCommunityRows(ctx, store.CommunityRowFilter{District: district}); err != nil {
		return d, err
	}
	res, err := db.OfficeResults(ctx, store.OfficeFilter{District: district})
	if err != nil {
		return d, err
	}
	for _, r := range res {
		if r.Record != nil && r.Record.Score.Defined {
			d.scores = append(d.scores, r.Record.Score.Total)
		}
	}
	picks, err := db.Picks(ctx, store.PickFilter{})
	if err != nil {
		return d, err
	}
	tpl, err := defaultTemplateOf(ctx, db)
	if err != nil {
		return d, err
	}
	if d.report, err = xlsx.BuildOfficeReport(officeLines(res), picks, tpl, 0); err != nil {
		return d, err
	}
	if d.year, err = db.ProgrammeYear(ctx); err != nil {
		return d, err
	}
	d.reminders = inspection.Reminders(d.year, s.u.now())
	if d.suggestions, err = db.ReportSuggestions(ctx); err != nil {
		return d, err
	}
	if d.actions, err = db.OfficeActions(ctx, store.OfficeActionFilter{District: district, OpenOnly: true}); err != nil {
		return d, err
	}
	d.problems, err = db.PickProblems(ctx)
	return d, err
}

// defaultTemplateOf is the newest version of the default template (or of
// the first stored one): it names the items of the report.
func defaultTemplateOf(ctx context.Context, db *store.DB) (*inspection.Template, error) {
	infos, err := db.Templates(ctx)
	if err != nil || len(infos) == 0 {
		return nil, err
	}
	pick := infos[0]
	for _, ti := range infos {
		if ti.ID == "meihao-2024" {
			pick = ti
			break
		}
	}
	return db.Template(ctx, pick.ID, pick.Version)
}

func officeLines(res []store.OfficeResult) []xlsx.OfficeLine {
	out := make([]xlsx.OfficeLine, len(res))
	for i, r := range res {
		out[i] = xlsx.OfficeLine{Result: xlsx.Result{Community: r.Community, Record: r.Record}, Eligible: r.Verdict.Eligible()}
	}
	return out
}

func (s *dashboardScreen) reload() {
	if len(s.district.Options) == 0 {
		s.reloadDistricts()
	}
	district := s.scope()
	var d dashboardData
	s.loads.load(s.u, func(ctx context.Context) (err error) {
		d, err = s.load(ctx, district)
		return err
	}, func() { s.show(d) })
}

func (s *dashboardScreen) show(d dashboardData) {
	s.report = d.report
	// Reminders.
	s.reminders.Objects = nil
	for _, r := range d.reminders {
		l := widget.NewLabel(fmt.Sprintf("%s  %s  %s", r.Date.Format("2006年1月2日"), r.Title, r.Describe()))
		l.Wrapping = fyne.TextWrapWord
		switch {
		case r.DaysLeft < 0:
			l.Importance = widget.MediumImportance
		case r.DaysLeft <= 7:
			l.Importance = widget.DangerImportance
			l.TextStyle.Bold = true
		default:
			l.Importance = widget.WarningImportance
		}
		s.reminders.Add(l)
	}
	s.year.SetText(strconv.Itoa(d.year))

	// Figures.
	t := d.report.Total
	overdue := 0
	for _, a := range d.actions {
		if a.Effective == inspection.ActionOverdue {
			overdue++
		}
	}
	lines := []string{
		fmt.Sprintf(lang.L("小区 %d 个，已检查 %d 个（覆盖率 %.1f%%）"), t.Communities, t.Inspected, pctOf(t.Inspected, t.Communities)),
		fmt.Sprintf(lang.L("达标（无一票否决且总分≥%s）%d 个，一票否决 %d 个，平均得分 %.1f"), inspection.FormatNumber(d.report.PassScore), t.Passed, t.Vetoed, t.AverageScore()),
		fmt.Sprintf(lang.L("符合“美好家园”条件 %d 个；区级选树 %d 个，市级选树 %d 个"), max(0, t.Eligible), max(0, t.DistrictPicks), max(0, t.CityPicks)),
		fmt.Sprintf(lang.L("未完成整改 %d 项，其中逾期 %d 项"), len(d.actions), overdue),
	}
	if len(d.problems) > 0 {
		lines = append(lines, lang.L("注意：")+strings.Join(d.problems, "；"))
	}
	s.figures.SetText(strings.Join(lines, "\n"))

	// Charts.
	order := []store.CommunityStatus{store.StatusDone, store.StatusNeedsActions, store.StatusInProgress, store.StatusUninspected}
	var districts []string
	idx := map[string]int{}
	for _, r := range d.rows {
		if _, ok := idx[r.District]; !ok {
			idx[r.District] = len(districts)
			districts = append(districts, r.District)
		}
	}
	series := make([][]float64, len(order))
	for k := range series {
		series[k] = make([]float64, len(districts))
	}
	for _, r := range d.rows {
		for k, st := range order {
			if r.Status == st {
				series[k][idx[r.District]]++
			}
		}
	}
	var names []string
	for _, st := range order {
		names = append(names, statusLabel(st))
	}
	s.byStatus.set(districts, names, []color.Color{chartGreen, chartOrange, chartBlue, chartGrey}, series...)

	hist := make([]float64, len(scoreBins))
	for _, l := range d.scores {
		b := 0
		for i, lo := range scoreBins {
			if l >= lo {
				b = i
			}
		}
		hist[b]++
	}
	s.histogram.set(scoreBinLabels(), []string{lang.L("小区数")}, []color.Color{chartBlue}, hist)

	top := d.report.TopFailing
	if len(top) > xlsx.TopItems {
		top = top[:xlsx.TopItems]
	}
	var labels []string
	var counts []float64
	for _, it := range top {
		labels = append(labels, it.Code+" "+clipRunes(it.Text, 14))
		counts = append(counts, float64(it.Failed))
	}
	s.failing.set(labels, []string{lang.L("不符合小区数")}, []color.Color{chartRed}, counts)

	if c := fyne.CurrentApp().Driver().CanvasForObject(s.suggest); c == nil || c.Focused() != s.suggest {
		cb := s.suggest.OnChanged
		s.suggest.OnChanged = nil
		s.suggest.SetText(d.suggestions)
		s.suggest.OnChanged = cb
	}
}

func pctOf(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func (s *dashboardScreen) saveSuggestions() {
	text := s.suggest.Text
	s.u.write(func() {
		err := s.u.db.SetReportSuggestions(context.Background(), text)
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.saved.SetText(fmt.Sprintf(lang.L("已保存 %s"), s.u.now().Format("15:04:05")))
		})
	})
}

func (s *dashboardScreen) saveYear() {
	y, err := strconv.Atoi(strings.TrimSpace(s.year.Text))
	if err != nil {
		s.u.info(lang.L("提示"), lang.L("请填写四位数的年份，例如 2024。"))
		return
	}
	s.u.write(func() {
		err := s.u.db.SetProgrammeYear(context.Background(), y)
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			s.reload()
		})
	})
}

// exportDir is the folder next to the data file where exports go.
func (u *App) exportDir(name string) string {
	return filepath.Join(filepath.Dir(u.db.Path()), name)
}

// exportReport writes the work report workbook into 工作报告/ next to the
// data file and says where.
func (s *dashboardScreen) exportReport() {
	s.typing.flush()
	rep := s.report
	rep.Suggestions = s.suggest.Text
	scope := s.scope()
	now := s.u.now()
	dir := s.u.exportDir("工作报告")
	name := fmt.Sprintf("%s工作报告数据_%s.xlsx", scope, now.Format("20060102"))
	path := filepath.Join(dir, name)
	s.u.busy(lang.L("正在导出工作报告…"), func(ctx context.Context) error {
		_, err := writeAtomic(path, func(w io.Writer) (int, error) {
			return 0, xlsx.WriteWorkReport(w, rep, scope+"“共建美好家园”活动工作报告数据", now)
		})
		return err
	}, func(err error) {
		if err != nil {
			s.u.showError(err)
			return
		}
		s.exported = path
		s.u.info(lang.L("已导出"), fmt.Sprintf(lang.L("工作报告已保存到：%s"), path))
	})
}
