package ui

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/exchange"
	"github.com/jiayuan-inspect/jiayuan/store"
)

const prefExportDir = "exchange.export_dir" // the folder the last package was saved in

// Export scopes and contents, in the order the radio groups offer them.
const (
	scopeIncremental = iota
	scopeFull
)

// exportScreen is 导出数据包: to whom (an office, remembered with its
// encryption key), incremental or full, all records or reference data, a
// summary of what the package will carry, then a file save dialog,
// progress and the result.
type exportScreen struct {
	u *App

	office        *widget.SelectEntry
	officeNote    *widget.Label
	scope         *widget.RadioGroup
	contents      *widget.RadioGroup
	encrypt       *widget.Check
	recipient     *widget.Entry
	recipientNote *widget.Label
	summary       *widget.Label
	exportBtn     *widget.Button
	progress      *progressView
	result        *widget.Label
	openFolder    *widget.Button

	exports []store.ExportRecord
	loads   newest
	offered bool // the last office was offered once
	running bool
	last    exchange.ExportResult
	typing  debouncer

	content fyne.CanvasObject
}

func newExportScreen(u *App) *exportScreen {
	s := &exportScreen{u: u, typing: debouncer{delay: u.debounce}}
	s.office = widget.NewSelectEntry(nil)
	s.office.SetPlaceHolder(lang.L("例如 鼓楼区住建局、市住建局"))
	s.office.OnChanged = func(string) {
		s.fillRecipient()
		s.typing.call(s.reload)
	}
	s.officeNote = caption("")
	s.scope = widget.NewRadioGroup([]string{lang.L("增量：只导出上次导出给该单位以来的变化"), lang.L("全部记录")}, nil)
	s.scope.Required = true
	s.scope.SetSelected(s.scope.Options[scopeIncremental])
	s.scope.OnChanged = func(string) { s.reload() }
	s.contents = widget.NewRadioGroup([]string{lang.L("全部数据：小区、检查记录、照片、整改事项等"), lang.L("基础数据：小区和检查模板（发给检查员）")}, nil)
	s.contents.Required = true
	s.contents.SetSelected(s.contents.Options[0])
	s.contents.OnChanged = func(string) { s.reload() }
	s.encrypt = widget.NewCheck(lang.L("加密给收件单位（U 盘丢失也无法读取）"), func(on bool) {
		if on {
			s.recipient.Enable()
		} else {
			s.recipient.Disable()
		}
		s.checkRecipient()
	})
	s.recipient = widget.NewEntry()
	s.recipient.SetPlaceHolder(lang.L("粘贴收件单位的加密公钥（age1 开头）"))
	s.recipient.OnChanged = func(string) { s.checkRecipient() }
	s.recipient.Disable()
	s.recipientNote = caption(lang.L("加密公钥由收件单位在「受信设备」中复制给您。"))
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.exportBtn = widget.NewButtonWithIcon(lang.L("导出…"), theme.DocumentSaveIcon(), s.chooseFile)
	s.exportBtn.Importance = widget.HighImportance
	s.progress = newProgressView()
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord
	s.result.Hide()
	s.openFolder = widget.NewButtonWithIcon(lang.L("打开所在文件夹"), theme.FolderOpenIcon(), func() {
		dir, _ := filepath.Abs(filepath.Dir(s.last.Path))
		if err := u.fyneApp.OpenURL(&url.URL{Scheme: "file", Path: dir}); err != nil {
			u.showError(err)
		}
	})
	s.openFolder.Hide()

	form := widget.NewForm(
		widget.NewFormItem(lang.L("收件单位"), container.NewVBox(s.office, s.officeNote)),
		widget.NewFormItem(lang.L("范围"), s.scope),
		widget.NewFormItem(lang.L("内容"), s.contents),
		widget.NewFormItem(lang.L("加密"), container.NewVBox(s.encrypt, s.recipient, s.recipientNote)),
	)
	what := widget.NewCard(lang.L("导出数据包"), "", container.NewVBox(
		caption(lang.L("把本机的记录写成一个数据包文件（.jypkg），用 U 盘或电子邮件交给收件单位。")), form))
	contains := widget.NewCard(lang.L("数据包将包含"), "", container.NewVBox(s.summary,
		container.NewHBox(s.exportBtn), s.progress.box, s.result, container.NewHBox(s.openFolder)))
	// A split, not a grid: two equal columns would double the wider one's
	// width and push the window off a small screen in English.
	split := container.NewHSplit(what, contains)
	split.Offset = 0.55
	s.content = container.NewVScroll(container.NewPadded(split))
	return s
}

// reload reads the export history (for the offices and the last export)
// and what a package with the chosen options would carry.
func (s *exportScreen) reload() {
	opts := s.storeOptions()
	s.summary.SetText(lang.L("正在统计…"))
	var exports []store.ExportRecord
	var set store.ExportSet
	s.loads.loadOr(s.u, func(ctx context.Context) (err error) {
		if exports, err = s.u.db.Exports(ctx); err != nil {
			return err
		}
		set, err = s.u.db.ExportRows(ctx, opts)
		return err
	}, func() {
		s.exports = exports
		names := officeNames(s.u.prefs.Offices(), exports)
		s.office.SetOptions(names)
		if !s.offered && opts.Office == "" && len(names) > 0 {
			// The office exported to last, to start with.
			s.offered = true
			s.office.SetText(names[0])
			return
		}
		s.offered = true
		s.showSummary(opts, set)
	}, func(err error) { s.summary.SetText(err.Error()) })
}

func (s *exportScreen) storeOptions() store.ExportOptions {
	o := store.ExportOptions{Office: strings.TrimSpace(s.office.Text), Full: s.scope.Selected == s.scope.Options[scopeFull],
		Content: store.ContentAll}
	if s.contents.Selected == s.contents.Options[1] {
		o.Content = store.ContentReference
	}
	return o
}

func (s *exportScreen) showSummary(opts store.ExportOptions, set store.ExportSet) {
	var last *store.ExportRecord
	for i := range s.exports {
		e := &s.exports[i]
		if opts.Office != "" && e.Office == opts.Office && (last == nil || e.CreatedAt.After(last.CreatedAt)) {
			last = e
		}
	}
	switch {
	case opts.Office == "":
		s.officeNote.SetText(lang.L("未填写收件单位：导出全部记录，以后也无法只导出变化。"))
		s.scope.Disable()
	case last == nil:
		s.officeNote.SetText(lang.L("首次导出给该单位：导出全部记录。"))
		s.scope.Disable()
	default:
		s.officeNote.SetText(fmt.Sprintf(lang.L("上次导出给该单位：%s（%s）"), formatDateTime(last.CreatedAt), last.FileName))
		s.scope.Enable()
	}
	counts := map[string]int{"photos": len(set.Photos)}
	for _, r := range set.Rows {
		counts[r.Entity]++
	}
	kind := lang.L("全部记录")
	if set.Incremental {
		kind = fmt.Sprintf(lang.L("增量：%s 以来的变化"), formatDateTime(set.Since))
	}
	text := kind + "\n\n" + strings.Join(countsParts(counts), "\n")
	if len(set.Rows) == 0 {
		text = kind + "\n" + lang.L("自上次导出以来没有变化，数据包将是空的。")
	}
	s.summary.SetText(text)
}

// fillRecipient puts the remembered key of a known office in the field.
func (s *exportScreen) fillRecipient() {
	name := strings.TrimSpace(s.office.Text)
	for _, o := range s.u.prefs.Offices() {
		if o.Name == name && o.Recipient != "" {
			s.recipient.SetText(o.Recipient)
			s.encrypt.SetChecked(true)
			return
		}
	}
}

// checkRecipient tells whether the pasted key can be used.
func (s *exportScreen) checkRecipient() bool {
	if !s.encrypt.Checked {
		s.recipientNote.Importance = widget.MediumImportance
		s.recipientNote.SetText(lang.L("不加密：拿到文件的人都能读取其中的记录。"))
		return true
	}
	if strings.TrimSpace(s.recipient.Text) == "" {
		s.recipientNote.Importance = widget.WarningImportance
		s.recipientNote.SetText(lang.L("请粘贴收件单位的加密公钥（在对方的「受信设备」中复制）。"))
		return false
	}
	if _, err := exchange.ParseRecipient(s.recipient.Text); err != nil {
		s.recipientNote.Importance = widget.DangerImportance
		s.recipientNote.SetText(lang.L("加密公钥无法识别：应以 age1 开头，请完整复制。"))
		return false
	}
	s.recipientNote.Importance = widget.SuccessImportance
	s.recipientNote.SetText(lang.L("只有持有对应密钥的收件单位能打开这个数据包。"))
	return true
}

// defaultFileName is 家园巡检_<单位或姓名>_<日期>.jypkg.
func (s *exportScreen) defaultFileName() string {
	who := s.u.prefs.Unit()
	if who == "" {
		who = s.u.prefs.Name()
	}
	if who == "" {
		who = s.u.db.Device().Name
	}
	who = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>| `, r) || r < 32 {
			return '_'
		}
		return r
	}, strings.TrimSpace(who))
	name := lang.L("家园巡检")
	if who != "" {
		name += "_" + who
	}
	return name + "_" + s.u.now().Format("2006-01-02") + exchange.Extension
}

// chooseFile asks where to save the package.
func (s *exportScreen) chooseFile() {
	if s.running {
		return
	}
	if !s.checkRecipient() {
		return
	}
	dir := s.u.fyneApp.Preferences().String(prefExportDir)
	s.u.showFileSave(s.defaultFileName(), []string{exchange.Extension}, dir, func(path string) {
		os.Remove(path) // the dialog made it empty; Export writes it whole
		s.exportTo(path)
	})
}

// exportTo writes the package to path in the background, showing
// progress, then the result.
func (s *exportScreen) exportTo(path string) {
	if s.running {
		return
	}
	s.running = true
	s.exportBtn.Disable()
	s.result.Hide()
	s.openFolder.Hide()
	s.progress.start(fmt.Sprintf(lang.L("正在导出 %s …"), filepath.Base(path)))
	opts := exchange.ExportOptions{Office: strings.TrimSpace(s.office.Text), Full: s.storeOptions().Full, Content: s.storeOptions().Content}
	if s.encrypt.Checked {
		opts.Recipient = strings.TrimSpace(s.recipient.Text)
	}
	opts.Progress = func(done, total int) {
		fyne.Do(func() {
			s.progress.set(fmt.Sprintf(lang.L("正在写入 %s：%d / %d"), filepath.Base(path), done, total), done, total)
		})
	}
	s.u.async(func() {
		res, err := exchange.Export(context.Background(), s.u.db, path, opts)
		fyne.Do(func() {
			s.running = false
			s.exportBtn.Enable()
			s.progress.stop()
			if err != nil {
				s.result.Importance = widget.DangerImportance
				s.result.SetText(fmt.Sprintf(lang.L("导出失败：%v"), err))
				s.result.Show()
				return
			}
			s.last = res
			s.u.prefs.RememberOffice(opts.Office, opts.Recipient)
			s.u.fyneApp.Preferences().SetString(prefExportDir, filepath.Dir(path))
			s.result.Importance = widget.SuccessImportance
			s.result.SetText(exportResultText(res))
			s.result.Show()
			s.openFolder.Show()
			s.reload()
		})
	})
}

func exportResultText(res exchange.ExportResult) string {
	kind := lang.L("全部记录")
	if res.Incremental {
		kind = lang.L("增量")
	}
	enc := lang.L("未加密")
	if res.Encrypted {
		enc = lang.L("已加密")
	}
	return fmt.Sprintf(lang.L("已导出 %s（%s，%s，%s）"), res.Path, kind, enc, formatSize(res.Size)) + "\n" + countsText(res.Counts)
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
