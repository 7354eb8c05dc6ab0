package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/report/pdf"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// maxCombined is the most records one combined PDF takes (it is built in
// memory); more are printed in volumes of at most this many
// (pdf.WriteVolumes). A variable for the tests.
var maxCombined = pdf.VolumeSize

// Print modes, in the order of the choice.
const (
	printFolder   = iota // one file per record in a new folder
	printCombined        // one PDF
)

func (s *reportsScreen) buildPrintCard() *widget.Card {
	s.printMode = widget.NewRadioGroup([]string{lang.L("每个小区一个文件（选择文件夹）"), lang.L("合并为 PDF 文件（每 500 份一册）")}, nil)
	s.printMode.SetSelected(s.printMode.Options[printFolder])
	s.printMode.Required = true
	s.printMode.Horizontal = true
	s.printBtn = widget.NewButtonWithIcon(lang.L("批量打印检查记录表（PDF）"), theme.DocumentPrintIcon(), s.startPrint)
	s.printBtn.Importance = widget.HighImportance
	s.progress = widget.NewProgressBar()
	s.progressMsg = widget.NewLabel("")
	s.progressMsg.Truncation = fyne.TextTruncateEllipsis
	s.cancelBtn = widget.NewButtonWithIcon(lang.L("取消"), theme.CancelIcon(), s.cancelPrint)
	s.printBox = container.NewBorder(nil, nil, nil, s.cancelBtn, container.NewVBox(s.progress, s.progressMsg))
	s.printBox.Hide()
	return widget.NewCard(lang.L("批量打印检查记录表"), lang.L("范围内每个小区最近一次定稿的检查记录"),
		container.NewVBox(s.printMode, container.NewHBox(s.printBtn), s.printBox))
}

// startPrint lists the records in scope, asks where to print them and
// prints them.
func (s *reportsScreen) startPrint() {
	sc := s.scope()
	combined := s.printMode.Selected == s.printMode.Options[printCombined]
	s.u.async(func() {
		recs, err := s.u.db.ScopeLatestFinalized(s.u.ctx, sc)
		fyne.Do(func() {
			switch {
			case err != nil:
				s.showResult(false, fmt.Sprintf(lang.L("未能列出检查记录：%v"), err))
			case len(recs) == 0:
				s.showResult(false, lang.L("所选范围内没有已定稿的检查记录，没有可打印的。"))
			case combined:
				s.chooseSave(s.defaultFileName(sc, "检查记录表", ".pdf"), []string{".pdf"}, func(path string) {
					s.print(recs, path, true)
				})
			default:
				s.chooseFolder(func(dir string) {
					s.print(recs, filepath.Join(dir, s.defaultFileName(sc, "检查记录表", "")), false)
				})
			}
		})
	})
}

// print prints the records into the folder out (one file each) or the
// file out (combined) in the background, the bar and count updated
// after each record; 取消 stops it.
func (s *reportsScreen) print(recs []store.ScopeRecord, out string, combined bool) {
	ctx, cancel := context.WithCancel(s.u.ctx)
	s.cancel = cancel
	ids := make([]string, len(recs))
	names := map[string]string{}
	for i, r := range recs {
		ids[i] = r.InspectionID
		names[r.InspectionID] = r.CommunityName
	}
	s.printBtn.Disable()
	s.cancelBtn.Enable()
	s.progress.Max = float64(len(ids))
	s.progress.SetValue(0)
	s.progressMsg.SetText(fmt.Sprintf(lang.L("正在准备打印 %d 份…"), len(ids)))
	s.printBox.Show()
	s.result.SetText("")
	office, now := s.u.prefs.Unit(), s.u.now()
	load := func(ctx context.Context, id string) (pdf.Document, error) {
		rec, acts, chain, err := s.u.db.PrintData(ctx, id)
		if err != nil {
			return pdf.Document{}, err
		}
		return pdf.Document{Record: rec, Actions: acts, Chain: chain, Office: office, PrintedAt: now,
			Photo: func(sha string) ([]byte, error) { return s.u.db.Photo(ctx, sha) }}, nil
	}
	progress := func(done, total int, name string) {
		fyne.Do(func() {
			s.printMu.Lock()
			defer s.printMu.Unlock()
			s.progress.SetValue(float64(done))
			s.progressMsg.SetText(fmt.Sprintf(lang.L("已完成 %d / %d：%s"), done, total, name))
		})
	}
	start := time.Now()
	s.u.async(func() {
		var res pdf.BatchResult
		font, err := pdf.DefaultFont()
		if err == nil {
			if combined {
				res.Files, err = font.WriteVolumes(ctx, out, ids, maxCombined, load, progress)
			} else {
				res, err = font.WriteFolder(ctx, out, ids, load, progress)
			}
		}
		took := time.Since(start)
		cancelled := ctx.Err() != nil
		fyne.Do(func() {
			s.printMu.Lock()
			defer s.printMu.Unlock()
			cancel()
			s.cancel = nil
			s.printBtn.Enable()
			s.printBox.Hide()
			s.printDone(len(ids), out, combined, res, err, cancelled, names, took)
		})
	})
}

// cancelPrint stops the batch; records being printed finish, no
// half-written file is left.
func (s *reportsScreen) cancelPrint() {
	s.printMu.Lock()
	defer s.printMu.Unlock()
	if s.cancel != nil {
		s.cancel()
		s.cancelBtn.Disable()
		s.progressMsg.SetText(lang.L("正在取消…"))
	}
}

// printDone says how many were printed, where, and which failed and why.
func (s *reportsScreen) printDone(total int, out string, combined bool, res pdf.BatchResult, err error, cancelled bool,
	names map[string]string, took time.Duration) {
	var lines []string
	ok := err == nil
	switch {
	case cancelled:
		if combined {
			lines = append(lines, lang.L("批量打印已取消，没有生成文件。"))
		} else {
			lines = append(lines, fmt.Sprintf(lang.L("批量打印已取消：已生成 %d 份（共 %d 份），位于 %s"), len(res.Files), total, out))
		}
	case combined && ok && len(res.Files) > 1:
		lines = append(lines, fmt.Sprintf(lang.L("已将 %d 份检查记录表合并为 %d 册 PDF（每册最多 %d 份）：%s（用时 %.1f 秒）"),
			total, len(res.Files), maxCombined, strings.Join(res.Files, "、"), took.Seconds()))
	case combined && ok:
		lines = append(lines, fmt.Sprintf(lang.L("已将 %d 份检查记录表合并为一个 PDF：%s（用时 %.1f 秒）"), total, out, took.Seconds()))
	case combined:
		lines = append(lines, fmt.Sprintf(lang.L("未能生成 PDF：%v"), err))
	default:
		lines = append(lines, fmt.Sprintf(lang.L("已生成 %d 个 PDF 文件（共 %d 份），位于 %s（用时 %.1f 秒）"), len(res.Files), total, out, took.Seconds()))
	}
	if !combined {
		for _, f := range res.Failed {
			if cancelled && errors.Is(f.Err, context.Canceled) {
				continue // stopped by 取消, not a failure
			}
			lines = append(lines, fmt.Sprintf(lang.L("未能打印：%s（记录 %s）：%v"), names[f.ID], recordTail(f.ID), f.Err))
		}
		if err != nil && !cancelled && len(res.Failed) == 0 && !errors.Is(err, context.Canceled) {
			lines = append(lines, err.Error())
		}
	}
	if len(res.Files) > 0 {
		s.exported = out
	}
	msg := strings.Join(lines, "\n")
	s.showResult(ok, msg)
	if cancelled {
		s.result.Importance = widget.WarningImportance
		s.result.Refresh()
	}
	s.u.info(lang.L("批量打印"), msg)
}

// recordTail is the end of a record id (its start is a shared timestamp).
func recordTail(id string) string {
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}
