package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// Import kinds.
const (
	importCommunities = "小区名单"
	importFigures     = "满意度与投诉数据"
	importTemplate    = "检查模板"
)

// importPanel shows an import's preview and applies it.
type importPanel struct {
	communitiesBtn, figuresBtn, templateBtn *widget.Button

	summary   *widget.Label
	list      *widget.List
	lines     []previewLine
	applyBtn  *widget.Button // 导入 (only without errors)
	skipBtn   *widget.Button // 跳过错误行，导入其余 N 行
	discard   *widget.Button
	message   *widget.Label
	writing   *widget.ProgressBarInfinite // shown while an import is written
	preview   *importPreview              // nil when nothing is previewed
	applied   int                         // rows written by the last apply (tests)
	buttonBar *fyne.Container
}

// previewLine is one line of the preview list.
type previewLine struct {
	text string
	kind int // lineRow, lineError, lineWarning
}

const (
	lineRow = iota
	lineError
	lineWarning
)

// importPreview is a read workbook, ready to apply.
type importPreview struct {
	kind     string
	path     string
	summary  string
	lines    []previewLine
	good     int  // rows that can be written and change something
	same     int  // good rows equal to what the data file holds (不变)
	bad      int  // rows with errors
	blocked  bool // a file-level problem: nothing can be written
	apply    func(ctx context.Context, skipBad bool) (int, error)
	template bool
}

func (s *reportsScreen) buildImportCard() *widget.Card {
	p := &s.imports
	p.communitiesBtn = widget.NewButtonWithIcon(lang.L("导入小区名单…"), theme.UploadIcon(), func() { s.chooseImport(importCommunities) })
	p.figuresBtn = widget.NewButtonWithIcon(lang.L("导入满意度与投诉数据…"), theme.UploadIcon(), func() { s.chooseImport(importFigures) })
	p.templateBtn = widget.NewButtonWithIcon(lang.L("导入检查模板…"), theme.UploadIcon(), func() { s.chooseImport(importTemplate) })
	p.summary = widget.NewLabel(lang.L("选择一个 Excel 文件（.xlsx）：先显示预览（新增、更新的行和每个错误的位置），确认后才写入。"))
	p.summary.Wrapping = proseWrap
	p.list = widget.NewList(
		func() int { return len(p.lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			ln := p.lines[id]
			l.SetText(ln.text)
			switch ln.kind {
			case lineError:
				l.Importance = widget.DangerImportance
			case lineWarning:
				l.Importance = widget.WarningImportance
			default:
				l.Importance = widget.MediumImportance
			}
			l.Refresh()
		},
	)
	p.applyBtn = widget.NewButtonWithIcon(lang.L("导入"), theme.ConfirmIcon(), func() { s.applyImport(false) })
	p.applyBtn.Importance = widget.HighImportance
	p.skipBtn = widget.NewButtonWithIcon(lang.L("跳过错误行导入"), theme.ConfirmIcon(), func() { s.applyImport(true) })
	p.skipBtn.Importance = widget.WarningImportance
	p.discard = widget.NewButtonWithIcon(lang.L("放弃"), theme.CancelIcon(), s.discardImport)
	p.message = widget.NewLabel("")
	p.message.Wrapping = proseWrap
	p.buttonBar = container.NewHBox(p.applyBtn, p.skipBtn, p.discard)
	p.buttonBar.Hide()
	p.writing = widget.NewProgressBarInfinite()
	p.writing.Stop()
	p.writing.Hide()
	top := container.NewVBox(container.NewHBox(p.communitiesBtn, p.figuresBtn, p.templateBtn), p.summary)
	bottom := container.NewVBox(p.buttonBar, p.writing, p.message)
	return widget.NewCard(lang.L("从 Excel 导入"), lang.L("小区名单、满意度与投诉数据、检查模板"),
		container.NewBorder(top, bottom, nil, nil, p.list))
}

func (s *reportsScreen) chooseImport(kind string) {
	s.chooseOpen(func(path string) { s.previewImport(kind, path) })
}

// previewImport reads the workbook in the background and shows what
// importing it would do.
func (s *reportsScreen) previewImport(kind, path string) {
	var pv *importPreview
	s.u.busy(lang.L("正在读取 Excel 文件…"), func(ctx context.Context) error {
		var err error
		pv, err = s.readImport(ctx, kind, path)
		return err
	}, func(err error) {
		if err != nil {
			s.discardImport()
			s.imports.message.Importance = widget.DangerImportance
			s.imports.message.SetText(fmt.Sprintf(lang.L("无法读取 %s：%v"), filepath.Base(path), err))
			return
		}
		s.showPreview(pv)
	})
}

// readImport reads and checks a workbook against the data file; nothing
// is written.
func (s *reportsScreen) readImport(ctx context.Context, kind, path string) (*importPreview, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	db := s.u.db
	switch kind {
	case importCommunities:
		p, err := xlsx.ReadCommunities(f)
		if err != nil {
			return nil, err
		}
		existing, err := db.ListCommunities(ctx, store.CommunityFilter{})
		if err != nil {
			return nil, err
		}
		xlsx.MatchCommunities(p, existing)
		return rowsPreview(kind, path, p, func(v inspection.Community) string {
			households := "—"
			if v.Households > 0 {
				households = fmt.Sprintf("%d户", v.Households)
			}
			return fmt.Sprintf("%s｜%s｜%s｜%s｜%s", v.Name, v.District, v.Street, v.PropertyCompany, households)
		}, func(ctx context.Context, rows []xlsx.Row[inspection.Community]) error {
			var add, update []inspection.Community
			for _, r := range rows {
				switch r.Action {
				case "新增":
					add = append(add, r.Value)
				case "更新":
					update = append(update, r.Value)
				}
			}
			return db.ImportCommunities(ctx, add, update)
		}), nil
	case importFigures:
		p, err := xlsx.ReadFigures(f)
		if err != nil {
			return nil, err
		}
		existing, err := db.ListCommunities(ctx, store.CommunityFilter{})
		if err != nil {
			return nil, err
		}
		xlsx.MatchFigures(p, existing)
		return rowsPreview(kind, path, p, func(v xlsx.Figure) string {
			return fmt.Sprintf("%s｜%s｜满意度 %s｜投诉率 %s", v.Name, v.District, optNumber(v.Satisfaction), optNumber(v.ComplaintRate))
		}, func(ctx context.Context, rows []xlsx.Row[xlsx.Figure]) error {
			var figs []store.CommunityFigures
			for _, r := range rows {
				if r.Action != "不变" {
					figs = append(figs, store.CommunityFigures{CommunityID: r.Value.CommunityID, Satisfaction: r.Value.Satisfaction, ComplaintRate: r.Value.ComplaintRate})
				}
			}
			_, err := db.SetCommunityFigures(ctx, figs)
			return err
		}), nil
	case importTemplate:
		p, err := xlsx.ReadTemplate(f)
		if err != nil {
			return nil, err
		}
		pv := &importPreview{kind: kind, path: path, template: true, blocked: len(p.Problems) > 0 || p.Template == nil}
		for _, e := range p.Problems {
			pv.lines = append(pv.lines, previewLine{"✗ " + e.String(), lineError})
		}
		for _, w := range p.Warnings {
			pv.lines = append(pv.lines, previewLine{"！" + w.String(), lineWarning})
		}
		if t := p.Template; t != nil {
			pv.summary = fmt.Sprintf("检查模板：%s（编号 %s，第 %d 版），%d 个章节，%d 个检查项", t.Name, t.ID, t.Version, len(t.Sections), len(t.Items()))
			for _, sec := range t.Sections {
				pv.lines = append(pv.lines, previewLine{fmt.Sprintf("%s %s（%d 项）", sec.Code, sec.Title, len(sec.Items)), lineRow})
			}
			infos, err := db.Templates(ctx)
			if err != nil {
				return nil, err
			}
			for _, ti := range infos {
				if ti.ID == t.ID && ti.Version == t.Version {
					pv.lines = append([]previewLine{{fmt.Sprintf("！数据文件中已有模板 %s 第 %d 版：内容相同时不变，不同时请提高「版本」后再导入", t.ID, t.Version), lineWarning}}, pv.lines...)
				}
			}
			if !pv.blocked {
				pv.good = 1
			}
			pv.apply = func(ctx context.Context, _ bool) (int, error) {
				if err := db.SaveTemplate(ctx, t); err != nil {
					return 0, err
				}
				return 1, nil
			}
		} else {
			pv.summary = "检查模板：无法读取"
		}
		if len(p.Problems) > 0 {
			pv.summary += fmt.Sprintf("；有 %d 个错误，不能导入", len(p.Problems))
		}
		return pv, nil
	}
	return nil, fmt.Errorf("unknown import %q", kind)
}

// rowsPreview lists a row import: errors first (each as Sheet!Cell with
// its reason), then warnings, then the rows with their action.
func rowsPreview[T any](kind, path string, p *xlsx.Preview[T], line func(T) string,
	save func(context.Context, []xlsx.Row[T]) error) *importPreview {
	pv := &importPreview{kind: kind, path: path, summary: p.Summary(), bad: p.BadRows(), blocked: len(p.Problems) > 0}
	for _, r := range p.Good() {
		if r.Action == "不变" {
			pv.same++
		} else {
			pv.good++
		}
	}
	if pv.blocked && p.Sheet == "" {
		pv.summary = fmt.Sprintf("%s：找不到可以导入的工作表", p.Kind)
	}
	for _, e := range p.Errors() {
		pv.lines = append(pv.lines, previewLine{"✗ " + e.String(), lineError})
	}
	for _, w := range p.Warnings {
		pv.lines = append(pv.lines, previewLine{"！" + w.String(), lineWarning})
	}
	for _, r := range p.Rows {
		mark := r.Action
		if !r.OK() {
			mark = "错误"
		}
		pv.lines = append(pv.lines, previewLine{fmt.Sprintf("第%d行［%s］%s", r.Line, mark, line(r.Value)), lineRow})
	}
	pv.apply = func(ctx context.Context, skipBad bool) (int, error) {
		return xlsx.Apply(ctx, p, skipBad, save)
	}
	return pv
}

func optNumber(v *float64) string {
	if v == nil {
		return "—"
	}
	return inspection.FormatNumber(*v)
}

// showPreview shows a preview with the buttons it allows: 导入 when
// nothing is wrong, 跳过错误行导入 when some rows are.
func (s *reportsScreen) showPreview(pv *importPreview) {
	p := &s.imports
	p.preview = pv
	p.lines = pv.lines
	p.list.Refresh()
	p.list.ScrollToTop()
	p.summary.SetText(filepath.Base(pv.path) + " — " + pv.summary)
	p.message.SetText("")
	switch {
	case pv.blocked || pv.good == 0:
		p.applyBtn.Hide()
		p.skipBtn.Hide()
		p.message.Importance = widget.DangerImportance
		if pv.blocked {
			p.message.SetText(lang.L("文件有错误，不能导入。请按上面的提示修改 Excel 文件后重新选择。没有写入任何数据。"))
		} else if pv.same > 0 && pv.bad == 0 {
			p.message.Importance = widget.SuccessImportance
			p.message.SetText(fmt.Sprintf(lang.L("文件中的 %d 行与数据文件中已有的相同，没有需要导入的变化。"), pv.same))
		} else {
			p.message.SetText(lang.L("没有可以导入的行。没有写入任何数据。"))
		}
	case pv.bad > 0:
		p.applyBtn.Hide()
		p.skipBtn.SetText(fmt.Sprintf(lang.L("跳过 %d 个错误行，导入其余 %d 行"), pv.bad, pv.good))
		p.skipBtn.Show()
		p.message.Importance = widget.WarningImportance
		p.message.SetText(lang.L("有错误的行不会写入。可以修改 Excel 文件后重新选择，或跳过错误行导入其余各行。"))
	default:
		p.skipBtn.Hide()
		p.applyBtn.SetText(fmt.Sprintf(lang.L("导入 %d 行"), pv.good))
		if pv.template {
			p.applyBtn.SetText(lang.L("保存检查模板"))
		}
		p.applyBtn.Show()
	}
	p.buttonBar.Show()
}

// applyImport writes the previewed import (all or nothing, one
// transaction).
func (s *reportsScreen) applyImport(skipBad bool) {
	p := &s.imports
	pv := p.preview
	if pv == nil {
		return
	}
	p.applyBtn.Disable()
	p.skipBtn.Disable()
	p.discard.Disable()
	p.writing.Show()
	p.writing.Start()
	p.message.Importance = widget.MediumImportance
	p.message.SetText(lang.L("正在写入数据文件…"))
	s.u.write(func() {
		n, err := pv.apply(context.Background(), skipBad)
		fyne.Do(func() {
			p.writing.Stop()
			p.writing.Hide()
			p.applyBtn.Enable()
			p.skipBtn.Enable()
			p.discard.Enable()
			if err != nil {
				p.message.Importance = widget.DangerImportance
				p.message.SetText(fmt.Sprintf(lang.L("导入失败，没有写入任何数据：%v"), err))
				return
			}
			p.applied = n
			msg := fmt.Sprintf(lang.L("%s：已导入 %d 行。"), lang.L(pv.kind), n)
			if pv.template {
				msg = lang.L("检查模板已保存。")
			} else if skipBad && pv.bad > 0 {
				msg += fmt.Sprintf(lang.L("跳过有错误的 %d 行。"), pv.bad)
			}
			p.preview = nil
			p.buttonBar.Hide()
			p.message.Importance = widget.SuccessImportance
			p.message.SetText(msg)
			s.reload()
			if s.u.communities != nil {
				s.u.communities.reloadDistricts()
				s.u.communities.reload()
			}
		})
	})
}

func (s *reportsScreen) discardImport() {
	p := &s.imports
	p.preview = nil
	p.lines = nil
	p.list.Refresh()
	p.buttonBar.Hide()
	p.summary.SetText(lang.L("选择一个 Excel 文件（.xlsx）：先显示预览（新增、更新的行和每个错误的位置），确认后才写入。"))
	p.message.SetText("")
}
