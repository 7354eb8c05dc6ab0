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
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// Reliability at the app's edges (docs/RELIABILITY.md): the start-up
// check (audit verification, then the day's backup), the 备份与恢复 card
// in 设置, and the window that says a data file is open elsewhere.

// startCheckDelay keeps the start-up check out of the first seconds, when
// the first screen loads (and the start-up benchmark measures).
const startCheckDelay = 3 * time.Second

// CheckAtStart verifies the data file in the background a few seconds
// after the window opens — integrity_check, the audit chain, every record
// against its audit entry, every photo against its digest — and warns,
// naming the first broken record, if anything is wrong. When the file
// verifies it then makes the day's backup (store.DailyBackup), so a bad
// file never pushes good backups out.
func (u *App) CheckAtStart() {
	time.AfterFunc(startCheckDelay, func() { u.checkDataFile(u.ctx) })
}

func (u *App) checkDataFile(ctx context.Context) {
	rep, err := u.db.Verify(ctx)
	if err != nil {
		fyne.Do(func() { u.showError(fmt.Errorf("%s：%w", lang.L("启动时校验数据文件出错"), err)) })
		return
	}
	if !rep.OK() {
		name := u.recordName(ctx, rep.Problems[0])
		fyne.Do(func() { u.showVerifyWarning(rep, name) })
		return
	}
	done := make(chan error, 1)
	u.write(func() {
		_, err := u.db.DailyBackup(ctx)
		done <- err
	})
	if err := <-done; err != nil {
		fyne.Do(func() { u.showError(fmt.Errorf("%s：%w", lang.L("每日自动备份失败"), err)) })
	}
}

// recordName names a problem's record for a person: the community's name,
// or the community an inspection is of ("" when it cannot be read).
func (u *App) recordName(ctx context.Context, p store.Problem) string {
	switch p.Entity {
	case "communities":
		if c, err := u.db.Community(ctx, p.EntityID); err == nil {
			return "「" + c.Name + "」（" + c.District + "）"
		}
	case "inspections":
		if r, err := u.db.Inspection(ctx, p.EntityID); err == nil {
			return fmt.Sprintf(lang.L("「%s」%s 的检查记录"), r.Community.Name, r.Inspection.StartedAt.Format("2006-01-02"))
		}
	}
	return ""
}

// verifyWarningText says what verification found: how many problems, the
// first one with its record (named when name is given), and what to do.
func verifyWarningText(rep store.VerifyReport, path, name string) string {
	p := rep.Problems[0]
	first := entityName(p.Entity) + name
	if p.EntityID != "" {
		first += fmt.Sprintf(lang.L("（编号 %s）"), p.EntityID)
	}
	first += "：" + p.Message
	lines := []string{
		fmt.Sprintf(lang.L("数据文件校验发现 %d 处问题。第一处："), len(rep.Problems)),
		first,
		"",
		lang.L("这通常说明有人绕过家园巡检直接改动了数据文件（例如用 sqlite3 修改），或文件已损坏。"),
		lang.L("签字定稿的检查记录以纸质记录表上印的内容摘要为准。今天的自动备份未做，以免以问题文件覆盖较早的备份。"),
		lang.L("可在「设置 → 备份与恢复」中恢复较早的备份；全部问题可用下面的命令查看："),
		"jiayuanctl verify --db " + path,
	}
	return strings.Join(lines, "\n")
}

func (u *App) showVerifyWarning(rep store.VerifyReport, name string) {
	msg := widget.NewLabel(verifyWarningText(rep, u.db.Path(), name))
	msg.Wrapping = fyne.TextWrapWord
	msg.Selectable = true
	icon := widget.NewIcon(theme.WarningIcon())
	d := dialog.NewCustom(lang.L("数据文件校验未通过"), lang.L("我知道了"),
		container.NewBorder(nil, nil, container.NewVBox(icon), nil, msg), u.window)
	d.Resize(fyne.NewSize(680, 340))
	d.Show()
}

// backupCard is 设置's 备份与恢复: when backups are made, 立即备份 and
// 恢复备份….
func (u *App) backupCard() fyne.CanvasObject {
	note := widget.NewLabel(fmt.Sprintf(lang.L("每次导入数据包前、每天第一次启动时自动备份到数据文件旁的 backups 文件夹（每日备份保留最近 %d 份），每份写完后都经过校验。"),
		store.DailyBackupsKept))
	note.Wrapping = fyne.TextWrapWord
	now := widget.NewButtonWithIcon(lang.L("立即备份"), theme.DocumentSaveIcon(), u.backupNow)
	restore := widget.NewButtonWithIcon(lang.L("恢复备份…"), theme.HistoryIcon(), u.showRestore)
	return widget.NewCard(lang.L("备份与恢复"), "", container.NewVBox(note, container.NewHBox(now, restore)))
}

func (u *App) backupNow() {
	var path string
	u.busy(lang.L("正在备份并校验…"), func(ctx context.Context) error {
		done := make(chan error, 1)
		u.write(func() {
			var err error
			path, err = u.db.BackupNow(ctx)
			done <- err
		})
		return <-done
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		u.info(lang.L("已备份"), lang.L("备份已写入并校验通过：")+"\n"+path)
	})
}

var backupReasonNames = map[string]string{
	store.BackupImport: "导入前", store.BackupDaily: "每日", store.BackupManual: "手动", store.BackupBeforeRestore: "恢复前的原文件",
}

// showRestore lists the backups, newest first; choosing one asks for
// confirmation, then restores.
func (u *App) showRestore() {
	list, err := store.ListBackups(u.db.Path())
	if err != nil {
		u.showError(err)
		return
	}
	if len(list) == 0 {
		u.info(lang.L("恢复备份"), lang.L("还没有备份。"))
		return
	}
	labels := make([]string, len(list))
	for i, b := range list {
		name := lang.L(backupReasonNames[b.Reason])
		if name == "" {
			name = b.Reason
		}
		labels[i] = fmt.Sprintf("%s  %s  %d KB", b.Time.Format("2006-01-02 15:04:05"), name, b.Size>>10)
	}
	var d dialog.Dialog
	choices := widget.NewList(func() int { return len(labels) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(labels[i]) })
	choices.OnSelected = func(i widget.ListItemID) {
		d.Hide()
		u.confirmRestore(list[i])
	}
	d = dialog.NewCustom(lang.L("恢复备份"), lang.L("取消"), container.NewBorder(
		widget.NewLabel(lang.L("选择要恢复的备份（最新的在前）：")), nil, nil, nil, choices), u.window)
	d.Resize(fyne.NewSize(560, 420))
	d.Show()
}

func (u *App) confirmRestore(b store.BackupInfo) {
	msg := strings.Join([]string{
		fmt.Sprintf(lang.L("用 %s 的备份替换当前数据文件？"), b.Time.Format("2006-01-02 15:04:05")),
		lang.L("先校验备份；当前数据文件移到 backups 文件夹保留（可再恢复）。此后的修改不在备份中。"),
		lang.L("恢复后程序将退出，请重新启动家园巡检。"),
	}, "\n")
	dialog.ShowConfirm(lang.L("恢复备份"), wrapText(msg, 56), func(ok bool) {
		if ok {
			u.restore(b.Path)
		}
	}, u.window)
}

// restore verifies the backup, closes the data file after the queued
// writes, restores and quits (the screens hold the closed file).
func (u *App) restore(from string) {
	var res store.RestoreResult
	closed := false
	u.busy(lang.L("正在校验并恢复备份…"), func(ctx context.Context) error {
		rep, err := store.VerifyFile(ctx, from)
		if err != nil {
			return err
		}
		if !rep.OK() {
			return fmt.Errorf("%s %s：%s", lang.L("备份校验未通过，未恢复"), filepath.Base(from), rep.Problems[0])
		}
		done := make(chan error, 1)
		u.write(func() {
			u.db.Close()
			closed = true
			var err error
			res, err = store.Restore(ctx, u.db.Path(), from, u.opts.Lock)
			done <- err
		})
		return <-done
	}, func(err error) {
		if err != nil && !closed {
			u.showError(err)
			return
		}
		text := lang.L("已恢复。请重新启动家园巡检。")
		if err != nil {
			text = lang.L("恢复失败，数据文件未改动：") + err.Error() + "\n" + lang.L("请重新启动家园巡检。")
		} else if res.Aside != "" {
			text += "\n" + lang.L("原数据文件保留在：") + "\n" + res.Aside
		}
		d := dialog.NewCustom(lang.L("恢复备份"), lang.L("退出程序"), widget.NewLabel(wrapText(text, 60)), u.window)
		d.SetOnClosed(u.fyneApp.Quit)
		d.Show()
	})
}

// ShowStartError shows a window with err (the data file could not be
// opened: another window has it, say) and runs until it is closed. The
// app uses it instead of log.Fatal, which a desktop user never sees.
func ShowStartError(a fyne.App, err error) {
	w := a.NewWindow(lang.L("家园巡检"))
	text := err.Error()
	if errors.Is(err, store.ErrLocked) {
		text = lang.L("该数据文件已在另一个家园巡检窗口中打开，本窗口不会打开它。") + "\n\n" + text
	}
	msg := widget.NewLabel(wrapText(text, 56))
	msg.Selectable = true
	quit := widget.NewButton(lang.L("退出"), a.Quit)
	quit.Importance = widget.HighImportance
	w.SetContent(container.NewPadded(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), quit), container.NewVBox(widget.NewIcon(theme.WarningIcon())), nil, msg)))
	w.Resize(fyne.NewSize(560, 240))
	w.CenterOnScreen()
	w.ShowAndRun()
}
