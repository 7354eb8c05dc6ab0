package ui

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/exchange"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// Screens of the 导入导出 tab that Options.Screen can open at start.
const (
	ScreenExport    = "export"
	ScreenImport    = "import"
	ScreenConflicts = "conflicts"
	ScreenDevices   = "devices"
	ScreenHistory   = "history"
)

// exchangeTab is the 导入导出 tab: 导出数据包, 导入数据包, 冲突处理,
// 受信设备 and 导入记录, one screen each, chosen on the left.
type exchangeTab struct {
	u *App

	export    *exportScreen
	imports   *importScreen
	conflicts *conflictsScreen
	devices   *devicesScreen
	history   *historyScreen

	tabs    *container.AppTabs
	content fyne.CanvasObject
}

func newExchangeTab(u *App) *exchangeTab {
	x := &exchangeTab{u: u}
	x.export = newExportScreen(u)
	x.imports = newImportScreen(u, x)
	x.conflicts = newConflictsScreen(u, x)
	x.devices = newDevicesScreen(u)
	x.history = newHistoryScreen(u)
	x.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("导出数据包"), theme.UploadIcon(), x.export.content),
		container.NewTabItemWithIcon(lang.L("导入数据包"), theme.DownloadIcon(), x.imports.content),
		container.NewTabItemWithIcon(lang.L("冲突处理"), theme.WarningIcon(), x.conflicts.content),
		container.NewTabItemWithIcon(lang.L("受信设备"), theme.AccountIcon(), x.devices.content),
		container.NewTabItemWithIcon(lang.L("导入记录"), theme.HistoryIcon(), x.history.content),
	)
	x.tabs.SetTabLocation(container.TabLocationLeading)
	x.tabs.OnSelected = func(*container.TabItem) { x.reloadSelected() }
	x.content = x.tabs
	return x
}

// reloadSelected refreshes the screen that shows (lists change when
// packages are imported or conflicts resolved elsewhere).
func (x *exchangeTab) reloadSelected() {
	switch x.tabs.Selected().Content {
	case x.export.content:
		x.export.reload()
	case x.conflicts.content:
		x.conflicts.reload()
	case x.devices.content:
		x.devices.reload()
	case x.history.content:
		x.history.reload()
	}
}

// show selects one of the tab's screens by its Screen name.
func (x *exchangeTab) show(screen string) {
	i := map[string]int{ScreenExport: 0, ScreenImport: 1, ScreenConflicts: 2, ScreenDevices: 3, ScreenHistory: 4}[screen]
	if x.tabs.SelectedIndex() == i {
		x.reloadSelected()
		return
	}
	x.tabs.SelectIndex(i)
}

// dropped queues package files dropped on the window and shows 导入数据包.
func (x *exchangeTab) dropped(uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		paths = append(paths, u.Path())
	}
	x.show(ScreenImport)
	x.imports.addFiles(paths)
}

// isPackage reports whether a path names a package file.
func isPackage(path string) bool {
	return strings.EqualFold(strings.TrimSpace(pathExt(path)), exchange.Extension)
}

func pathExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 && !strings.ContainsAny(p[i:], `/\`) {
		return p[i:]
	}
	return ""
}

// Offices this user exports to, remembered in the preferences with the
// recipient key each was last encrypted to.
const prefOffices = "exchange.offices" // JSON: [{"name": …, "recipient": …}]

type knownOffice struct {
	Name      string `json:"name"`
	Recipient string `json:"recipient,omitempty"`
}

func (p prefs) Offices() []knownOffice {
	var out []knownOffice
	if s := p.p.String(prefOffices); s != "" {
		_ = json.Unmarshal([]byte(s), &out)
	}
	return out
}

// RememberOffice records an office (and its recipient key, if given),
// most recent first.
func (p prefs) RememberOffice(name, recipient string) {
	name, recipient = strings.TrimSpace(name), strings.TrimSpace(recipient)
	if name == "" {
		return
	}
	list := []knownOffice{{Name: name, Recipient: recipient}}
	for _, o := range p.Offices() {
		switch {
		case o.Name != name:
			list = append(list, o)
		case recipient == "":
			list[0].Recipient = o.Recipient
		}
	}
	if len(list) > 30 {
		list = list[:30]
	}
	b, _ := json.Marshal(list)
	p.p.SetString(prefOffices, string(b))
}

// officeNames are the remembered offices and those exported to before,
// remembered first.
func officeNames(known []knownOffice, exports []store.ExportRecord) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range known {
		if !seen[o.Name] {
			out, seen[o.Name] = append(out, o.Name), true
		}
	}
	var more []string
	for _, e := range exports {
		if e.Office != "" && !seen[e.Office] {
			more, seen[e.Office] = append(more, e.Office), true
		}
	}
	sort.Strings(more)
	return append(out, more...)
}

// progressView is a progress bar with a line of text, shown while a job
// runs on the screen that started it (the window stays usable).
type progressView struct {
	bar   *widget.ProgressBar
	label *widget.Label
	box   *fyne.Container
}

func newProgressView() *progressView {
	p := &progressView{bar: widget.NewProgressBar(), label: widget.NewLabel("")}
	p.label.Truncation = fyne.TextTruncateEllipsis
	p.box = container.NewVBox(p.label, p.bar)
	p.box.Hide()
	return p
}

func (p *progressView) start(text string) {
	p.label.SetText(text)
	p.bar.SetValue(0)
	p.box.Show()
}

// set shows how far the job is; call it on the UI goroutine.
func (p *progressView) set(text string, done, total int) {
	p.label.SetText(text)
	if total > 0 {
		p.bar.SetValue(float64(done) / float64(total))
	}
}

func (p *progressView) stop() { p.box.Hide() }

// copyButton copies what text returns to the clipboard.
func copyButton(u *App, text func() string) *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon(lang.L("复制"), theme.ContentCopyIcon(), func() {
		u.fyneApp.Clipboard().SetContent(text())
		b.SetText(lang.L("已复制"))
	})
	return b
}

// caption is a small grey label.
func caption(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameCaptionText
	l.Importance = widget.MediumImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

// entityName is a record table's name in the UI language.
func entityName(entity string) string {
	if label := store.EntityLabel(entity); label != "" {
		return lang.L(label)
	}
	return entity
}

// countsText lists rows per table ("小区 3、检查记录 2、照片 5"), in
// the order tables travel, leaving out empty ones.
func countsText(counts map[string]int) string {
	parts := countsParts(counts)
	if len(parts) == 0 {
		return lang.L("没有记录")
	}
	return strings.Join(parts, lang.L("、"))
}

// countsParts are the non-empty counts, one per table.
func countsParts(counts map[string]int) []string {
	var parts []string
	for _, e := range append(append([]string{}, store.Entities...), "photos") {
		if n := counts[e]; n > 0 {
			parts = append(parts, entityName(e)+" "+strconv.Itoa(n))
		}
	}
	return parts
}

// selectExchange shows the 导入导出 tab.
func (u *App) selectExchange() {
	u.buildTab(u.exchangeItem) // built when first shown (ui/app.go)
	u.tabs.Select(u.exchangeItem)
}
