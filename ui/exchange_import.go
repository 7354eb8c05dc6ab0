package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/exchange"
	"github.com/jiayuan-inspect/jiayuan/store"
)

const prefImportDir = "exchange.import_dir" // the folder packages were last chosen from

// importScreen is 导入数据包: package files are queued (file dialog, a
// whole folder, or dropped on the window), imported one after the other
// in the background with progress, and each gets a result: merged with
// its counts, duplicate, refused and why, or held until a person trusts
// its signer after comparing the fingerprint.
type importScreen struct {
	u *App
	x *exchangeTab

	addFile   *widget.Button
	addFolder *widget.Button
	clear     *widget.Button
	start     *widget.Button
	queueText *widget.Label
	progress  *progressView
	summary   *widget.Label
	results   []*importResultView
	resultBox *fyne.Container

	queued  []string
	running bool

	content fyne.CanvasObject
}

func newImportScreen(u *App, x *exchangeTab) *importScreen {
	s := &importScreen{u: u, x: x}
	s.addFile = widget.NewButtonWithIcon(lang.L("添加文件…"), theme.FileIcon(), s.chooseFile)
	s.addFolder = widget.NewButtonWithIcon(lang.L("添加文件夹…"), theme.FolderOpenIcon(), s.chooseFolder)
	s.clear = widget.NewButtonWithIcon(lang.L("清空"), theme.ContentClearIcon(), func() {
		s.queued = nil
		s.showQueue()
	})
	s.start = widget.NewButtonWithIcon(lang.L("开始导入"), theme.DownloadIcon(), s.importQueued)
	s.start.Importance = widget.HighImportance
	s.queueText = widget.NewLabel("")
	s.queueText.Wrapping = fyne.TextWrapWord
	s.progress = newProgressView()
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.summary.TextStyle.Bold = true
	s.resultBox = container.NewVBox()
	s.showQueue()

	hint := caption(lang.L("可以多次添加文件，或一次添加整个文件夹里的数据包，也可以把数据包文件直接拖到窗口上。导入前会自动备份数据文件。"))
	top := widget.NewCard(lang.L("导入数据包"), "", container.NewVBox(
		container.NewHBox(s.addFile, s.addFolder, s.clear, s.start), hint, s.queueText, s.progress.box))
	results := widget.NewCard(lang.L("导入结果"), "", container.NewVBox(s.summary, s.resultBox))
	s.content = container.NewBorder(container.NewPadded(top), nil, nil, nil, container.NewVScroll(container.NewPadded(results)))
	return s
}

// addFiles queues package files (others are ignored, with a word why).
func (s *importScreen) addFiles(paths []string) {
	var skipped []string
	for _, p := range paths {
		if !isPackage(p) {
			skipped = append(skipped, filepath.Base(p))
			continue
		}
		dup := false
		for _, q := range s.queued {
			dup = dup || q == p
		}
		if !dup {
			s.queued = append(s.queued, p)
		}
	}
	s.showQueue()
	if len(skipped) > 0 {
		s.u.info(lang.L("提示"), fmt.Sprintf(lang.L("%s 不是数据包文件（.jypkg），未添加。"), strings.Join(skipped, lang.L("、"))))
	}
}

func (s *importScreen) showQueue() {
	if len(s.queued) == 0 {
		s.queueText.SetText(lang.L("尚未选择数据包文件。"))
		s.start.SetText(lang.L("开始导入"))
		s.start.Disable()
		s.clear.Disable()
		return
	}
	var names []string
	for _, p := range s.queued {
		names = append(names, filepath.Base(p))
	}
	s.queueText.SetText(fmt.Sprintf(lang.L("待导入 %d 个文件：%s"), len(s.queued), strings.Join(names, lang.L("、"))))
	s.start.SetText(fmt.Sprintf(lang.L("开始导入（%d 个文件）"), len(s.queued)))
	if !s.running {
		s.start.Enable()
		s.clear.Enable()
	}
}

func (s *importScreen) chooseFile() {
	s.u.showFileOpen([]string{exchange.Extension}, s.u.fyneApp.Preferences().String(prefImportDir), func(path string) {
		s.u.fyneApp.Preferences().SetString(prefImportDir, filepath.Dir(path))
		s.addFiles([]string{path})
	})
}

func (s *importScreen) chooseFolder() {
	s.u.showFolderOpen(s.u.fyneApp.Preferences().String(prefImportDir), func(dir string) {
		s.u.fyneApp.Preferences().SetString(prefImportDir, dir)
		s.addFolderFiles(dir)
	})
}

// addFolderFiles queues every package file directly in dir.
func (s *importScreen) addFolderFiles(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		s.u.showError(err)
		return
	}
	var paths []string
	for _, e := range entries {
		if !e.IsDir() && isPackage(e.Name()) {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	if len(paths) == 0 {
		s.u.info(lang.L("提示"), fmt.Sprintf(lang.L("文件夹 %s 中没有数据包文件（.jypkg）。"), dir))
		return
	}
	sort.Strings(paths)
	s.addFiles(paths)
}

// importQueued imports the queued files in the background, one after the
// other, and shows a result for each.
func (s *importScreen) importQueued() {
	if s.running || len(s.queued) == 0 {
		return
	}
	paths := s.queued
	s.queued = nil
	s.resultBox.RemoveAll()
	s.results = nil
	s.summary.SetText("")
	s.run(paths, func(res []exchange.Result) {
		for i, r := range res {
			v := newImportResultView(s, paths[i], r)
			s.results = append(s.results, v)
			s.resultBox.Add(v.box)
		}
		s.showSummary()
	})
}

// run imports paths off the UI goroutine with progress; done gets the
// results on the UI goroutine.
func (s *importScreen) run(paths []string, done func([]exchange.Result)) {
	s.running = true
	for _, b := range []*widget.Button{s.start, s.clear, s.addFile, s.addFolder} {
		b.Disable()
	}
	for _, v := range s.results {
		v.trust.Disable()
	}
	s.queueText.SetText("")
	s.progress.start(fmt.Sprintf(lang.L("正在导入 %d 个文件…"), len(paths)))
	index := map[string]int{}
	for i, p := range paths {
		index[p] = i
	}
	opts := exchange.ImportOptions{Progress: func(file, stage string, done, total int) {
		i := index[file]
		frac := 0.0
		if total > 0 {
			frac = float64(done) / float64(total)
		}
		text := fmt.Sprintf(lang.L("正在导入第 %d / %d 个文件 %s：%s"), i+1, len(paths), filepath.Base(file), stageLabel(stage))
		if total > 1 {
			text += fmt.Sprintf(" %d / %d", done, total)
		}
		fyne.Do(func() { s.progress.set(text, int((float64(i)+frac)*1000), len(paths)*1000) })
	}}
	s.u.async(func() {
		res := exchange.Import(context.Background(), s.u.db, paths, opts)
		fyne.Do(func() {
			s.running = false
			s.progress.stop()
			s.addFile.Enable()
			s.addFolder.Enable()
			s.showQueue()
			for _, v := range s.results {
				v.show()
			}
			done(res)
			for _, r := range res {
				if r.Status == exchange.StatusMerged {
					s.u.communities.reload()
					break
				}
			}
		})
	})
}

// stageLabel is an import stage in the UI language.
func stageLabel(stage string) string {
	switch stage {
	case "校验":
		return lang.L("校验签名")
	case "读取":
		return lang.L("读取记录")
	case "备份":
		return lang.L("备份数据文件")
	case "合并":
		return lang.L("合并")
	}
	return stage
}

// showSummary counts the results by outcome.
func (s *importScreen) showSummary() {
	n := map[exchange.Status]int{}
	conflicts := 0
	for _, v := range s.results {
		n[v.res.Status]++
		conflicts += v.res.Conflicts
	}
	text := fmt.Sprintf(lang.L("共 %d 个文件：已导入 %d，重复 %d，待确认 %d，已拒绝 %d"), len(s.results),
		n[exchange.StatusMerged], n[exchange.StatusDuplicate], n[exchange.StatusHeld], n[exchange.StatusRefused])
	if conflicts > 0 {
		text += fmt.Sprintf(lang.L("；新增冲突 %d 条，请在「冲突处理」中处理"), conflicts)
	}
	s.summary.SetText(text)
}

// importResultView is the result of one file.
type importResultView struct {
	s    *importScreen
	path string
	res  exchange.Result

	status    *widget.Label
	file      *widget.Label
	counts    *widget.Label
	message   *widget.Label
	signer    *widget.Label
	trust     *widget.Button
	distrust  *widget.Button
	conflicts *widget.Button
	buttons   *fyne.Container
	box       *fyne.Container
}

func newImportResultView(s *importScreen, path string, res exchange.Result) *importResultView {
	v := &importResultView{s: s, path: path}
	v.status = widget.NewLabel("")
	v.status.TextStyle.Bold = true
	v.file = widget.NewLabel(filepath.Base(path))
	v.file.TextStyle.Bold = true
	v.file.Truncation = fyne.TextTruncateEllipsis
	v.counts = widget.NewLabel("")
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.signer = widget.NewLabel("")
	v.signer.Wrapping = fyne.TextWrapWord
	v.trust = widget.NewButtonWithIcon(lang.L("信任并导入"), theme.ConfirmIcon(), v.trustAndImport)
	v.trust.Importance = widget.HighImportance
	v.distrust = widget.NewButtonWithIcon(lang.L("不信任"), theme.CancelIcon(), v.refuseTrust)
	v.conflicts = widget.NewButtonWithIcon(lang.L("处理冲突"), theme.WarningIcon(), func() { s.x.show(ScreenConflicts) })
	head := container.NewBorder(nil, nil, nil, v.status, v.file)
	v.buttons = container.NewHBox(v.trust, v.distrust, v.conflicts)
	v.box = container.NewVBox(head, v.counts, v.message, v.signer, v.buttons, widget.NewSeparator())
	v.set(res)
	return v
}

// set shows a result.
func (v *importResultView) set(res exchange.Result) {
	v.res = res
	v.counts.Hide()
	v.message.Hide()
	v.trust.Hide()
	v.distrust.Hide()
	v.conflicts.Hide()
	switch res.Status {
	case exchange.StatusMerged:
		v.status.SetText(lang.L("已导入"))
		v.status.Importance = widget.SuccessImportance
		if res.Conflicts > 0 {
			v.status.SetText(lang.L("已导入，有冲突"))
			v.status.Importance = widget.WarningImportance
			v.conflicts.Show()
		}
		v.counts.SetText(fmt.Sprintf(lang.L("新增 %d 条 · 更新 %d 条 · 重复 %d 条 · 冲突 %d 条 · 照片 %d 张"),
			res.New, res.Updated, res.Duplicate, res.Conflicts, res.Photos))
		v.counts.Show()
	case exchange.StatusDuplicate:
		v.status.SetText(lang.L("重复，未作改动"))
		v.status.Importance = widget.MediumImportance
		v.message.SetText(res.Message)
		v.message.Show()
	case exchange.StatusHeld:
		v.status.SetText(lang.L("待确认：签名设备未登记"))
		v.status.Importance = widget.WarningImportance
		v.message.SetText(lang.L("请与对方核对设备密钥指纹（对方在「设置」或「受信设备」中可以看到），一致才点「信任并导入」。"))
		v.message.Show()
		v.trust.Show()
		v.distrust.Show()
	case exchange.StatusRefused:
		v.status.SetText(lang.L("已拒绝"))
		v.status.Importance = widget.DangerImportance
		v.message.SetText(res.Message)
		v.message.Importance = widget.DangerImportance
		v.message.Show()
	}
	v.status.Refresh()
	v.message.Refresh()
	v.showButtons()
	if res.Signer != "" || res.Fingerprint != "" {
		v.signer.SetText(fmt.Sprintf(lang.L("签名：%s（设备 %s）"), res.Signer, res.SignerID) + " · " +
			fmt.Sprintf(lang.L("设备密钥指纹：%s"), res.Fingerprint))
		v.signer.Show()
	} else {
		v.signer.Hide()
	}
}

func (v *importResultView) show() {
	if v.res.Status == exchange.StatusHeld {
		v.trust.Enable()
	}
}

// trustAndImport enrols the package's signer and imports the file again.
func (v *importResultView) trustAndImport() {
	s := v.s
	if s.running {
		return
	}
	v.trust.Disable()
	v.distrust.Disable()
	s.u.async(func() {
		info, err := exchange.ReadSigner(context.Background(), s.u.db, v.path, exchange.Limits{})
		if err == nil && info.Trust == store.TrustUnknown {
			_, err = s.u.db.TrustDevice(context.Background(), info.PublicKey, info.Name)
		}
		fyne.Do(func() {
			if err != nil {
				v.trust.Enable()
				v.distrust.Enable()
				s.u.showError(err)
				return
			}
			s.run([]string{v.path}, func(res []exchange.Result) {
				v.set(res[0])
				s.showSummary()
			})
		})
	})
}

// showButtons hides the row of buttons when none applies.
func (v *importResultView) showButtons() {
	for _, b := range v.buttons.Objects {
		if b.Visible() {
			v.buttons.Show()
			return
		}
	}
	v.buttons.Hide()
}

// refuseTrust leaves the package unimported and its signer unenrolled.
func (v *importResultView) refuseTrust() {
	v.trust.Hide()
	v.distrust.Hide()
	v.status.SetText(lang.L("未信任，未导入"))
	v.status.Importance = widget.MediumImportance
	v.status.Refresh()
	v.message.SetText(fmt.Sprintf(lang.L("数据包 %s 未导入：未信任签名设备「%s」。"), filepath.Base(v.path), v.res.Signer))
	v.showButtons()
}
