package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// historyScreen is 导入记录: the packages imported here (when, which file,
// who signed it, what it changed) and the packages exported to offices.
type historyScreen struct {
	u *App

	importsCount *widget.Label
	importList   *widget.List
	imports      []store.ImportRecord
	exportsCount *widget.Label
	exportList   *widget.List
	exports      []store.ExportRecord
	loads        newest

	content fyne.CanvasObject
}

func newHistoryScreen(u *App) *historyScreen {
	s := &historyScreen{u: u}
	s.importsCount = widget.NewLabel("")
	s.importList = widget.NewList(
		func() int { return len(s.imports) },
		func() fyne.CanvasObject { return newTwoLineRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := s.imports[id]
			c := r.Counts
			o.(*twoLineRow).set(fmt.Sprintf("%s · %s", formatDateTime(r.ImportedAt), r.FileName),
				fmt.Sprintf(lang.L("签名：%s（%s）· 新增 %d · 更新 %d · 重复 %d · 冲突 %d · 照片 %d · 导入人 %s"),
					r.SignerName, r.SignerID, c.New, c.Updated, c.Duplicate, c.Conflicts, c.Photos, r.ImportedBy))
		},
	)
	s.exportsCount = widget.NewLabel("")
	s.exportList = widget.NewList(
		func() int { return len(s.exports) },
		func() fyne.CanvasObject { return newTwoLineRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := s.exports[id]
			kind := lang.L("增量")
			if r.Full {
				kind = lang.L("全部记录")
			}
			o.(*twoLineRow).set(fmt.Sprintf(lang.L("%s · %s → %s"), formatDateTime(r.CreatedAt), r.FileName, r.Office),
				fmt.Sprintf(lang.L("%s · 记录 %d 条 · 照片 %d 张"), kind, r.Rows, r.PhotoCount))
		},
	)
	imports := container.NewBorder(container.NewHBox(widget.NewIcon(theme.DownloadIcon()), boldLabel(lang.L("导入记录")), s.importsCount),
		nil, nil, nil, s.importList)
	exports := container.NewBorder(container.NewVBox(
		container.NewHBox(widget.NewIcon(theme.UploadIcon()), boldLabel(lang.L("导出记录")), s.exportsCount),
		caption(lang.L("只记录填写了收件单位的导出（下次对该单位增量导出从这里算起）。"))),
		nil, nil, nil, s.exportList)
	split := container.NewVSplit(imports, exports)
	split.Offset = 0.6
	s.content = container.NewPadded(split)
	return s
}

func (s *historyScreen) reload() {
	var imports []store.ImportRecord
	var exports []store.ExportRecord
	s.loads.load(s.u, func(ctx context.Context) (err error) {
		if imports, err = s.u.db.Imports(ctx); err == nil {
			exports, err = s.u.db.Exports(ctx)
		}
		return err
	}, func() {
		s.imports, s.exports = imports, exports
		s.importsCount.SetText(fmt.Sprintf(lang.L("共 %d 个数据包"), len(imports)))
		s.exportsCount.SetText(fmt.Sprintf(lang.L("共 %d 个数据包"), len(exports)))
		s.importList.Refresh()
		s.exportList.Refresh()
	})
}

func boldLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return l
}

// twoLineRow is a list row: a bold title and a grey detail line.
type twoLineRow struct {
	widget.BaseWidget
	title, detail *widget.Label
}

func newTwoLineRow() *twoLineRow {
	r := &twoLineRow{title: widget.NewLabel(""), detail: widget.NewLabel("")}
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.detail.SizeName = theme.SizeNameCaptionText
	r.detail.Importance = widget.MediumImportance
	r.detail.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

func (r *twoLineRow) set(title, detail string) {
	r.title.SetText(title)
	r.detail.SetText(detail)
}

func (r *twoLineRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewVBox(r.title, r.detail))
}
