package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// dataFileName is the data file's name in the folder it lives in.
const dataFileName = "jiayuan.db"

// DatabasePath returns the data file to open: flagValue if set; else the
// file chosen with 设置 → 移动数据文件… (an error if it is missing, so
// that a new empty file is never made in its place while, say, the USB
// disk it is on is not plugged in); else jiayuan.db in DefaultDataDir,
// creating that folder.
func DatabasePath(a fyne.App, flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if p := (prefs{a.Preferences()}).DataPath(); p != "" {
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return "", fmt.Errorf("数据文件 %s 找不到（这是在「设置 → 移动数据文件」中选定的位置）。请接上它所在的磁盘后重新打开家园巡检；文件确已不在时，请联系信息科（可用 --db 指定其他数据文件）", p)
			}
			return "", fmt.Errorf("无法读取数据文件 %s：%w", p, err)
		}
		return p, nil
	}
	dir, err := DefaultDataDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("无法创建数据文件夹 %s：%w", dir, err)
	}
	return filepath.Join(dir, dataFileName), nil
}

// DefaultDataDir is the folder where each platform keeps a program's data:
// %AppData%\jiayuan on Windows, ~/Library/Application Support/jiayuan on
// macOS, $XDG_DATA_HOME/jiayuan (~/.local/share/jiayuan) elsewhere. On
// Linux a data file made by an earlier version in ~/.config/jiayuan is
// kept where it is.
func DefaultDataDir() (string, error) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("找不到用户数据文件夹（请用 --db 指定数据文件）：%w", err)
		}
		return filepath.Join(dir, "jiayuan"), nil
	}
	if cfg, err := os.UserConfigDir(); err == nil {
		if _, err := os.Stat(filepath.Join(cfg, "jiayuan", dataFileName)); err == nil {
			return filepath.Join(cfg, "jiayuan"), nil
		}
	}
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "jiayuan"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("找不到用户主文件夹（请用 --db 指定数据文件）：%w", err)
	}
	return filepath.Join(home, ".local", "share", "jiayuan"), nil
}

// DataPath is the data file chosen with 移动数据文件…, or "".
func (p prefs) DataPath() string     { return p.p.String(prefDataPath) }
func (p prefs) SetDataPath(s string) { p.p.SetString(prefDataPath, s) }

// moveDataFile asks for a folder, copies the data file there (a checked
// copy, store.CopyTo), remembers the new place and asks to restart. The
// old file is left where it was until the person deletes it.
func (u *App) moveDataFile() {
	u.showFolderOpen("", func(dir string) { u.confirmMove(filepath.Join(dir, dataFileName)) })
}

// confirmMove explains what will happen to target and, if confirmed,
// copies.
func (u *App) confirmMove(target string) {
	old, _ := filepath.Abs(u.db.Path())
	if abs, err := filepath.Abs(target); err == nil {
		target = abs
	}
	if target == old {
		u.info(lang.L("移动数据文件"), lang.L("数据文件已经在这个文件夹里。"))
		return
	}
	if _, err := os.Stat(target); err == nil {
		u.showError(fmt.Errorf("%s：%s", lang.L("所选文件夹中已有数据文件，不会覆盖它。请选择其他文件夹"), target))
		return
	}
	msg := strings.Join([]string{lang.L("把数据文件复制到下面的位置并校验："), target,
		lang.L("成功后程序需要重新启动，以后使用新位置的文件。原文件保留在："), old,
		lang.L("确认新位置可用后再自行删除原文件。")}, "\n")
	dialog.ShowConfirm(lang.L("移动数据文件"), msg, func(ok bool) {
		if ok {
			u.copyDataFile(target)
		}
	}, u.window)
}

// copyDataFile copies after the writes queued before it, then switches.
func (u *App) copyDataFile(target string) {
	u.busy(lang.L("正在复制并校验数据文件…"), func(ctx context.Context) error {
		done := make(chan error, 1)
		u.write(func() { done <- u.db.CopyTo(ctx, target) })
		return <-done
	}, func(err error) {
		if err != nil {
			if errors.Is(err, store.ErrCopyExists) {
				err = fmt.Errorf("%s：%w", lang.L("所选文件夹中已有数据文件，不会覆盖它。请选择其他文件夹"), err)
			}
			u.showError(err)
			return
		}
		u.prefs.SetDataPath(target)
		if u.settings != nil {
			u.settings.dataFile.SetText(target + "\n" + lang.L("（重新启动后生效）"))
		}
		d := dialog.NewCustom(lang.L("数据文件已复制"), lang.L("退出程序"),
			widget.NewLabel(strings.Join([]string{lang.L("新数据文件已校验通过："), target,
				lang.L("请重新启动家园巡检。原文件仍在："), u.db.Path(), lang.L("确认无误后可删除原文件。")}, "\n")), u.window)
		d.SetOnClosed(u.fyneApp.Quit)
		d.Show()
	})
}

// welcomeDialog is the first-run dialog (no name in the preferences yet):
// who the user is, and this device's key fingerprint, which store.Open
// created with the data file. Widgets are fields so tests can drive them.
type welcomeDialog struct {
	name     *widget.Entry
	unit     *widget.Entry
	district *widget.SelectEntry
	role     *widget.RadioGroup
	missing  *widget.Label
	save     *widget.Button
	d        dialog.Dialog
}

func (u *App) showWelcome() {
	p := u.prefs
	w := &welcomeDialog{}
	w.name = widget.NewEntry()
	w.name.SetPlaceHolder(lang.L("例如 张三"))
	w.unit = widget.NewEntry()
	w.unit.SetText(p.Unit())
	w.unit.SetPlaceHolder(lang.L("例如 鼓楼区住建局"))
	districts, _ := u.db.Districts(u.ctx)
	w.district = widget.NewSelectEntry(districts)
	w.district.SetText(p.District())
	w.district.SetPlaceHolder(lang.L("小区列表默认显示此区"))
	w.role = widget.NewRadioGroup([]string{lang.L("检查员"), lang.L("区局"), lang.L("市局")}, nil)
	w.role.Horizontal = true
	w.role.Required = true
	for i, r := range roleValues {
		if r == p.Role() {
			w.role.SetSelected(w.role.Options[i])
		}
	}
	fp := widget.NewLabel(store.Fingerprint(u.db.Device().PublicKey))
	fp.TextStyle.Monospace = true
	fp.Wrapping = fyne.TextWrapWord
	fp.Selectable = true
	intro := widget.NewLabel(lang.L("第一次使用，请填写您的信息。姓名记录在每一处修改上，随数据包交给区局、市局；以后可在「设置」中修改。"))
	intro.Wrapping = fyne.TextWrapWord
	fpNote := widget.NewLabel(lang.L("本机已生成设备密钥。区局登记受信设备时，请与下面的指纹逐组核对："))
	fpNote.Wrapping = fyne.TextWrapWord
	fpNote.Importance = widget.MediumImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("姓名"), w.name),
		widget.NewFormItem(lang.L("单位"), w.unit),
		widget.NewFormItem(lang.L("所属区"), w.district),
		widget.NewFormItem(lang.L("角色"), w.role),
	)
	w.missing = widget.NewLabel("")
	w.missing.Importance = widget.DangerImportance
	w.save = widget.NewButton(lang.L("开始使用"), func() { u.saveWelcome(w) })
	w.save.Importance = widget.HighImportance
	content := container.NewVBox(intro, form, widget.NewSeparator(), fpNote, fp, w.missing, container.NewCenter(w.save))
	w.d = dialog.NewCustomWithoutButtons(lang.L("欢迎使用家园巡检"), content, u.window)
	w.d.Resize(fyne.NewSize(620, 0))
	w.d.Show()
	u.welcome = w
	u.window.Canvas().Focus(w.name)
}

// saveWelcome keeps what the first-run dialog says, unless the name is
// missing.
func (u *App) saveWelcome(w *welcomeDialog) {
	if strings.TrimSpace(w.name.Text) == "" {
		w.missing.SetText(lang.L("请填写姓名。"))
		return
	}
	p := u.prefs
	role := p.Role()
	p.SetName(w.name.Text)
	p.SetUnit(w.unit.Text)
	p.SetDistrict(w.district.Text)
	for i, o := range w.role.Options {
		if o == w.role.Selected {
			p.SetRole(roleValues[i])
		}
	}
	u.db.SetActor(p.Name())
	if p.Role() != role {
		u.applyRole()
	}
	if u.settings != nil {
		u.settings.reloadFromPrefs()
	}
	w.d.Hide()
	u.welcome = nil
}
