package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// reportsScreen is 报表: what jiayuanctl's xlsx, pdf and import-xlsx
// commands do, for a clerk. A scope (the whole file, a district, a street,
// a range of inspection dates) applies to the exports — 汇总表 and 整改清单
// (with the 整改 screen's status choices) — and to the batch of 检查记录表
// (the latest finalized record of each community, into a folder or one
// PDF, with progress and 取消). The imports (小区名单, 满意度与投诉数据,
// 检查模板) show a preview — rows to add and update, every error as
// Sheet!Cell with its reason — before anything is written; they are for
// the offices (an inspector's tab has no import card).
type reportsScreen struct {
	u *App

	// Scope.
	district  *widget.Select
	street    *widget.Select
	from, to  *widget.DateEntry
	scopeInfo *widget.Label
	loads     newest

	// Exports.
	summaryBtn   *widget.Button
	answersBtn   *widget.Button
	actionFilter *widget.Select
	actionsBtn   *widget.Button

	// Batch printing (reports_print.go).
	printMode   *widget.RadioGroup
	printBtn    *widget.Button
	cancelBtn   *widget.Button
	progress    *widget.ProgressBar
	progressMsg *widget.Label
	printBox    *fyne.Container // progress bar, count and 取消 while printing
	cancel      context.CancelFunc
	// printMu keeps the batch's progress updates and 取消 apart. In the
	// app they all run on the main goroutine (fyne.Do), but Fyne's test
	// driver runs fyne.Do on the calling goroutine: without it a test's
	// tap on 取消 and a worker's update would set the same label at once.
	printMu sync.Mutex

	// Imports (reports_import.go).
	importCard *widget.Card
	imports    importPanel

	// result says what the last export or batch did.
	result *widget.Label
	// exported is the last file or folder written (tests read it).
	exported string

	// File choosers; tests replace them (Fyne's dialogs cannot be driven).
	chooseSave   func(name string, exts []string, then func(path string))
	chooseFolder func(then func(dir string))
	chooseOpen   func(then func(path string))

	content fyne.CanvasObject
}

func newReportsScreen(u *App) *reportsScreen {
	s := &reportsScreen{u: u}
	s.chooseSave, s.chooseFolder, s.chooseOpen = s.dialogSave, s.dialogFolder, s.dialogOpen

	s.district = widget.NewSelect(nil, func(string) { s.districtChanged() })
	s.street = widget.NewSelect(nil, func(string) { s.refreshScope() })
	s.from = widget.NewDateEntry()
	s.from.OnChanged = func(*time.Time) { s.refreshScope() }
	s.from.SetPlaceHolder(lang.L("不限"))
	s.to = widget.NewDateEntry()
	s.to.SetPlaceHolder(lang.L("不限"))
	s.to.OnChanged = func(*time.Time) { s.refreshScope() }
	clearDates := widget.NewButtonWithIcon(lang.L("不限日期"), theme.ContentClearIcon(), func() {
		s.from.SetDate(nil)
		s.to.SetDate(nil)
	})
	s.scopeInfo = widget.NewLabel("")
	s.scopeInfo.Wrapping = proseWrap
	scopeForm := widget.NewForm(
		widget.NewFormItem(lang.L("县（市）区"), s.district),
		widget.NewFormItem(lang.L("街道（乡镇）"), s.street),
		widget.NewFormItem(lang.L("检查日期"), container.NewBorder(nil, nil, nil, clearDates,
			container.NewGridWithColumns(2, container.NewBorder(nil, nil, nil, widget.NewLabel(lang.L("至")), s.from), s.to))),
	)
	scopeCard := widget.NewCard(lang.L("范围"), lang.L("导出和批量打印都只含所选范围内的小区"), container.NewVBox(scopeForm, s.scopeInfo))

	s.summaryBtn = widget.NewButtonWithIcon(lang.L("导出汇总表（Excel）"), theme.DocumentSaveIcon(), s.exportSummary)
	s.summaryBtn.Importance = widget.HighImportance
	s.answersBtn = widget.NewButtonWithIcon(lang.L("导出答题明细（Excel）"), theme.DocumentSaveIcon(), s.exportAnswers)
	s.actionFilter = widget.NewSelect([]string{lang.L("未完成"), lang.L("逾期"), lang.L("已整改"), lang.L("全部")}, nil)
	s.actionFilter.SetSelectedIndex(int(store.ActionsOpen))
	s.actionsBtn = widget.NewButtonWithIcon(lang.L("导出整改清单（Excel）"), theme.DocumentSaveIcon(), s.exportActions)
	exportCard := widget.NewCard(lang.L("导出 Excel"), lang.L("汇总表和答题明细取每个小区最近一次定稿的检查"), container.NewVBox(
		container.NewHBox(s.summaryBtn, s.answersBtn),
		container.NewHBox(s.actionsBtn, widget.NewLabel(lang.L("状态")), s.actionFilter),
	))
	s.summaryBtn.Importance = widget.HighImportance
	s.answersBtn.Importance = widget.HighImportance

	printCard := s.buildPrintCard()
	s.result = widget.NewLabel("")
	s.result.Wrapping = proseWrap
	left := container.NewVBox(scopeCard, exportCard, printCard, s.result)

	s.importCard = s.buildImportCard()
	split := container.NewHSplit(container.NewVScroll(left), s.importCard)
	split.Offset = 0.5
	s.content = split
	return s
}

// setInspector hides the imports for an inspector.
func (s *reportsScreen) setInspector(inspector bool) {
	if inspector {
		s.importCard.Hide()
	} else {
		s.importCard.Show()
	}
}

// reload fills the districts (a district office starts on its own) and
// counts what is in scope.
func (s *reportsScreen) reload() {
	s.u.async(func() {
		ds, err := s.u.db.Districts(s.u.ctx)
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			opts := append([]string{lang.L("全部")}, ds...)
			sel := s.district.Selected
			if sel == "" || !contains(opts, sel) {
				sel = opts[0]
				if s.u.prefs.Role() == RoleDistrict && contains(ds, s.u.prefs.District()) {
					sel = s.u.prefs.District()
				}
			}
			cb := s.district.OnChanged
			s.district.OnChanged = nil
			s.district.Options = opts
			s.district.SetSelected(sel)
			s.district.OnChanged = cb
			s.district.Refresh()
			s.districtChanged()
		})
	})
}

// districtChanged fills the streets of the chosen district.
func (s *reportsScreen) districtChanged() {
	district := s.scope().District
	s.u.async(func() {
		var streets []string
		var err error
		if district != "" {
			streets, err = s.u.db.Streets(s.u.ctx, district)
		}
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			cb := s.street.OnChanged
			s.street.OnChanged = nil
			s.street.Options = append([]string{lang.L("全部")}, streets...)
			if !contains(s.street.Options, s.street.Selected) || district == "" {
				s.street.SetSelectedIndex(0)
			}
			s.street.OnChanged = cb
			if district == "" {
				s.street.Disable()
			} else {
				s.street.Enable()
			}
			s.street.Refresh()
			s.refreshScope()
		})
	})
}

// scope is the chosen part of the file.
func (s *reportsScreen) scope() store.ReportScope {
	var sc store.ReportScope
	if s.district.SelectedIndex() > 0 {
		sc.District = s.district.Selected
	}
	if sc.District != "" && s.street.SelectedIndex() > 0 {
		sc.Street = s.street.Selected
	}
	if s.from.Date != nil {
		sc.From = *s.from.Date
	}
	if s.to.Date != nil {
		sc.To = *s.to.Date
	}
	return sc
}

// scopeName names the scope in titles and file names: 鼓楼区, 鼓楼区东街街道
// or 全部.
func scopeName(sc store.ReportScope) string {
	if sc.District == "" {
		return "全部"
	}
	return sc.District + sc.Street
}

// scopeDates describes the date bounds ("" without), through tr: the
// reports' titles are Chinese whatever the UI's language (tr returns
// its argument), the scope line on the screen is in the UI's (lang.L).
func scopeDates(sc store.ReportScope, tr func(string) string) string {
	switch {
	case !sc.From.IsZero() && !sc.To.IsZero():
		return fmt.Sprintf(tr("检查日期 %s 至 %s"), sc.From.Format("2006-01-02"), sc.To.Format("2006-01-02"))
	case !sc.From.IsZero():
		return fmt.Sprintf(tr("检查日期 %s 起"), sc.From.Format("2006-01-02"))
	case !sc.To.IsZero():
		return fmt.Sprintf(tr("检查日期至 %s"), sc.To.Format("2006-01-02"))
	}
	return ""
}

// chinese is the tr of scopeDates for documents: no translation.
func chinese(s string) string { return s }

// title is a report's title for the scope: 鼓楼区“美好家园”小区检查汇总表
// (检查日期 … 至 …).
func scopeTitle(sc store.ReportScope, what string) string {
	t := what
	if sc.District != "" {
		t = sc.District + sc.Street + what
	}
	if d := scopeDates(sc, chinese); d != "" {
		t += "（" + d + "）"
	}
	return t
}

// defaultFileName is e.g. 鼓楼区汇总表-2026-11-26.xlsx.
func (s *reportsScreen) defaultFileName(sc store.ReportScope, what, ext string) string {
	prefix := scopeName(sc)
	if sc.District == "" {
		prefix = s.u.prefs.Unit() // 福州市住建局汇总表-…, not 全部汇总表-…
	}
	return safeName(prefix+what+"-"+s.u.now().Format("2006-01-02")) + ext
}

// refreshScope counts the finalized records in scope.
func (s *reportsScreen) refreshScope() {
	if s.from.Date != nil && s.to.Date != nil && s.to.Date.Before(*s.from.Date) {
		s.scopeInfo.Importance = widget.DangerImportance
		s.scopeInfo.SetText(lang.L("结束日期早于开始日期，范围内没有检查记录。"))
		s.loads.drop()
		return
	}
	sc := s.scope()
	var recs []store.ScopeRecord
	var rows []store.CommunityRow
	s.loads.loadOr(s.u, func(ctx context.Context) (err error) {
		if recs, err = s.u.db.ScopeLatestFinalized(ctx, sc); err != nil || sc.Dated() {
			return err
		}
		rows, err = s.u.db.ListCommunityRows(ctx, store.CommunityRowFilter{District: sc.District, Street: sc.Street})
		return err
	}, func() {
		s.scopeInfo.Importance = widget.MediumImportance
		name := scopeName(sc)
		if sc.District == "" {
			name = lang.L("全部")
		}
		name = strings.TrimSuffix(name+" "+scopeDates(sc, func(s string) string { return lang.L(s) }), " ")
		if sc.Dated() {
			s.scopeInfo.SetText(fmt.Sprintf(lang.L("范围：%s。检查日期在范围内的已定稿小区 %d 个。"), name, len(recs)))
		} else {
			s.scopeInfo.SetText(fmt.Sprintf(lang.L("范围：%s。小区 %d 个，其中已定稿 %d 个。"), name, len(rows), len(recs)))
		}
	}, func(err error) {
		s.scopeInfo.Importance = widget.DangerImportance
		s.scopeInfo.SetText(err.Error())
	})
}

// errNothing: an export found nothing in scope; nothing was written.
var errNothing = errors.New("nothing in scope")

// writeExport writes a file with write (under a temporary name in its
// folder, then renamed, so a failure leaves no half-written file) while a
// progress dialog shows, and reports the outcome: done(n) is the success
// message for n rows.
func (s *reportsScreen) writeExport(path, label string, write func(ctx context.Context, w io.Writer) (int, error), done func(n int) string, empty string) {
	n := 0
	s.u.busy(label, func(ctx context.Context) error {
		var err error
		n, err = writeAtomic(path, func(w io.Writer) (int, error) { return write(ctx, w) })
		return err
	}, func(err error) {
		switch {
		case errors.Is(err, errNothing):
			s.showResult(false, empty)
		case err != nil:
			s.showResult(false, fmt.Sprintf(lang.L("未能导出 %s：%v"), filepath.Base(path), err))
		default:
			s.exported = path
			msg := done(n) + "\n" + fmt.Sprintf(lang.L("已保存到：%s"), path)
			s.showResult(true, msg)
			s.u.info(lang.L("已导出"), msg)
		}
	})
}

// writeAtomic writes path through a temporary file in its folder. On
// failure the temporary file is removed, and so is path if it is empty
// (the save dialog creates the file it was given).
func writeAtomic(path string, write func(io.Writer) (int, error)) (int, error) {
	dir := filepath.Dir(path)
	cleanup := func() {
		if st, err := os.Stat(path); err == nil && st.Size() == 0 {
			os.Remove(path)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("无法创建文件夹 %s：%w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".jiayuan-*.tmp")
	if err != nil {
		cleanup()
		return 0, fmt.Errorf("无法写入文件夹 %s：%w", dir, err)
	}
	defer os.Remove(f.Name())
	n, err := write(f)
	if err != nil {
		f.Close()
		cleanup()
		return n, err
	}
	if err := f.Close(); err != nil {
		cleanup()
		return n, fmt.Errorf("无法写入 %s：%w", path, err)
	}
	os.Chmod(f.Name(), 0o644)
	if err := os.Rename(f.Name(), path); err != nil {
		cleanup()
		return n, fmt.Errorf("无法写入 %s：%w", path, err)
	}
	return n, nil
}

func (s *reportsScreen) showResult(ok bool, msg string) {
	if ok {
		s.result.Importance = widget.SuccessImportance
	} else {
		s.result.Importance = widget.DangerImportance
	}
	s.result.SetText(msg)
}

// exportSummary writes the 汇总表 of the scope.
func (s *reportsScreen) exportSummary() {
	sc := s.scope()
	s.chooseSave(s.defaultFileName(sc, "汇总表", ".xlsx"), []string{".xlsx"}, func(path string) {
		now := s.u.now()
		s.writeExport(path, lang.L("正在导出汇总表…"), func(ctx context.Context, w io.Writer) (int, error) {
			tpl, err := defaultTemplateOf(ctx, s.u.db)
			if err != nil {
				return 0, err
			}
			if tpl == nil {
				return 0, errors.New(lang.L("数据文件中没有检查模板，无法确定汇总表的检查项列。"))
			}
			n := 0
			err = xlsx.WriteSummary(w, scopeResults(ctx, s.u.db, sc, true, &n),
				xlsx.SummaryOptions{Title: scopeTitle(sc, "“美好家园”小区检查汇总表"), Template: tpl, At: now})
			if err == nil && n == 0 {
				err = errNothing
			}
			return n, err
		}, func(n int) string {
			return fmt.Sprintf(lang.L("汇总表已导出：%d 个小区。"), n)
		}, lang.L("所选范围内没有小区，未导出汇总表。"))
	})
}

// exportAnswers writes the 答题明细 of the latest finalized record of each
// community in scope.
func (s *reportsScreen) exportAnswers() {
	sc := s.scope()
	s.chooseSave(s.defaultFileName(sc, "答题明细", ".xlsx"), []string{".xlsx"}, func(path string) {
		now := s.u.now()
		s.writeExport(path, lang.L("正在导出答题明细…"), func(ctx context.Context, w io.Writer) (int, error) {
			n, records := 0, 0
			inspected := func(yield func(xlsx.Result, error) bool) {
				for r, err := range scopeResults(ctx, s.u.db, sc, false, &n) {
					if err == nil && r.Record != nil {
						records++
					}
					if !yield(r, err) {
						return
					}
				}
			}
			err := xlsx.WriteAnswers(w, inspected, xlsx.AnswersOptions{Title: scopeTitle(sc, "“美好家园”检查答题明细"), At: now})
			if err == nil && records == 0 {
				err = errNothing
			}
			return records, err
		}, func(n int) string {
			return fmt.Sprintf(lang.L("答题明细已导出：%d 个小区的检查记录。"), n)
		}, lang.L("所选范围内没有已定稿的检查记录，未导出答题明细。"))
	})
}

// scopeResults adapts ScopeResults (ScopeSummaries when summary: for the
// 汇总表 alone) to the iterator the Excel writers take, counting the
// communities in *n.
func scopeResults(ctx context.Context, db *store.DB, sc store.ReportScope, summary bool, n *int) iter.Seq2[xlsx.Result, error] {
	return func(yield func(xlsx.Result, error) bool) {
		stopped := false
		errStop := errors.New("stop")
		read := db.ScopeResults
		if summary {
			read = db.ScopeSummaries
		}
		err := read(ctx, sc, func(r store.CommunityResult) error {
			*n++
			if !yield(xlsx.Result{Community: r.Community, Record: r.Record, Answers: r.Answers}, nil) {
				stopped = true
				return errStop
			}
			return nil
		})
		if err != nil && !stopped {
			yield(xlsx.Result{}, err)
		}
	}
}

// exportActions writes the 整改清单 of the scope with the chosen status.
func (s *reportsScreen) exportActions() {
	sc := s.scope()
	f := store.ActionStatusFilter(max(0, s.actionFilter.SelectedIndex()))
	status := []string{"未完成", "逾期", "已整改", "全部"}[f]
	what := "整改清单"
	if f != store.ActionsAll {
		what += "（" + status + "）"
	}
	s.chooseSave(s.defaultFileName(sc, what, ".xlsx"), []string{".xlsx"}, func(path string) {
		now := s.u.now()
		s.writeExport(path, lang.L("正在导出整改清单…"), func(ctx context.Context, w io.Writer) (int, error) {
			title := scopeTitle(sc, "“美好家园”检查问题整改清单")
			if f != store.ActionsAll {
				title += "（" + status + "）"
			}
			// Each row is written as it is read (the list of a city is
			// never all in memory), after the count the title gives.
			n := 0
			err := xlsx.WriteActionsFrom(w, func(start func(int) error, row func(xlsx.ActionRow) error) error {
				return s.u.db.EachScopeActionRow(ctx, sc, f, now, func(total int) error {
					if total == 0 {
						return errNothing
					}
					n = total
					return start(total)
				}, func(r store.ActionSheetRow) error {
					return row(xlsx.ActionRow{Action: r.Action, Community: r.Community, ItemText: r.ItemText, InspectedAt: r.InspectedAt})
				})
			}, title, now)
			return n, err
		}, func(n int) string {
			return fmt.Sprintf(lang.L("整改清单已导出：%d 项。"), n)
		}, fmt.Sprintf(lang.L("所选范围内没有“%s”的整改事项，未导出。"), lang.L(status)))
	})
}

// File dialogs. They start in the export folder next to the data file.

func (s *reportsScreen) startDir() string {
	dir := s.u.exportDir("报表")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ""
	}
	return dir
}

func (s *reportsScreen) dialogSave(name string, exts []string, then func(string)) {
	s.u.showFileSave(name, exts, s.startDir(), then)
}

func (s *reportsScreen) dialogFolder(then func(string)) {
	s.u.showFolderOpen(s.startDir(), then)
}

func (s *reportsScreen) dialogOpen(then func(string)) {
	s.u.showFileOpen([]string{".xlsx"}, s.startDir(), then)
}
