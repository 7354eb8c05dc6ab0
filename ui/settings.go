package ui

import (
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// settingsScreen is 设置: who I am (name, unit, district), role, language,
// the data file, this device's key fingerprint, and about. Every field is
// saved as it changes.
type settingsScreen struct {
	u *App

	name       *autoEntry
	unit       *autoEntry
	district   *widget.SelectEntry
	role       *widget.Select
	language   *widget.Select
	langNote   *widget.Label
	dataFile   *widget.Label
	openFolder *widget.Button
	moveData   *widget.Button
	deviceID   *widget.Label
	fingerprnt *widget.Label
	about      *widget.Label
	saved      *widget.Label
	typing     debouncer

	content fyne.CanvasObject
}

var (
	roleValues = []string{RoleInspector, RoleDistrict, RoleCity}
	langValues = []string{LangChinese, LangEnglish}
)

func newSettingsScreen(u *App) *settingsScreen {
	s := &settingsScreen{u: u, typing: debouncer{delay: u.debounce}}
	p := u.prefs
	s.saved = widget.NewLabel("")
	s.saved.Importance = widget.MediumImportance

	s.name = newAutoEntry(false)
	s.name.SetText(p.Name())
	s.name.SetPlaceHolder(lang.L("记录在每一处修改上，例如 张三"))
	s.name.OnChanged = func(string) { s.typing.call(s.saveText) }
	s.name.onFocusLost = s.typing.flush
	s.unit = newAutoEntry(false)
	s.unit.SetText(p.Unit())
	s.unit.SetPlaceHolder(lang.L("例如 鼓楼区住建局"))
	s.unit.OnChanged = func(string) { s.typing.call(s.saveText) }
	s.unit.onFocusLost = s.typing.flush
	districts, _ := u.db.Districts(u.ctx)
	s.district = widget.NewSelectEntry(districts)
	s.district.SetText(p.District())
	s.district.SetPlaceHolder(lang.L("小区列表默认显示此区"))
	s.district.OnChanged = func(string) { s.typing.call(s.saveText) }

	s.role = widget.NewSelect([]string{lang.L("检查员"), lang.L("区局"), lang.L("市局")}, nil)
	for i, r := range roleValues {
		if r == p.Role() {
			s.role.SetSelectedIndex(i)
		}
	}
	s.role.OnChanged = func(string) {
		role := roleValues[max(0, s.role.SelectedIndex())]
		changed := role != p.Role()
		p.SetRole(role)
		if changed {
			u.applyRole() // the office's tabs appear or go at once
		}
		s.markSaved()
	}
	s.language = widget.NewSelect([]string{"中文", "English"}, nil)
	for i, l := range langValues {
		if l == p.Language() {
			s.language.SetSelectedIndex(i)
		}
	}
	s.langNote = widget.NewLabel(lang.L("更改语言后重新启动程序生效。"))
	s.langNote.Importance = widget.MediumImportance
	s.language.OnChanged = func(string) {
		p.SetLanguage(langValues[max(0, s.language.SelectedIndex())])
		s.langNote.Importance = widget.WarningImportance
		s.langNote.SetText(lang.L("已保存。请重新启动程序以切换语言。") + " / Restart to switch the language.")
		s.markSaved()
	}

	s.dataFile = widget.NewLabel(u.db.Path())
	s.dataFile.Wrapping = fyne.TextWrapBreak
	s.dataFile.Selectable = true
	s.openFolder = widget.NewButtonWithIcon(lang.L("打开所在文件夹"), theme.FolderOpenIcon(), func() {
		dir, _ := filepath.Abs(filepath.Dir(u.db.Path()))
		if err := u.fyneApp.OpenURL(&url.URL{Scheme: "file", Path: dir}); err != nil {
			u.showError(err)
		}
	})
	s.moveData = widget.NewButtonWithIcon(lang.L("移动数据文件…"), theme.FolderNewIcon(), u.moveDataFile)
	dev := u.db.Device()
	s.deviceID = widget.NewLabel(dev.ID)
	s.deviceID.Selectable = true
	s.fingerprnt = widget.NewLabel(store.Fingerprint(dev.PublicKey))
	s.fingerprnt.Wrapping = fyne.TextWrapWord
	s.fingerprnt.Selectable = true
	s.fingerprnt.TextStyle.Monospace = true

	s.about = widget.NewLabel(aboutText(u.opts.Version))
	s.about.Wrapping = fyne.TextWrapWord

	me := widget.NewCard(lang.L("我的信息"), lang.L("姓名记录在每一处修改上，随数据包一起交给区局、市局。"), widget.NewForm(
		widget.NewFormItem(lang.L("姓名"), s.name),
		widget.NewFormItem(lang.L("单位"), s.unit),
		widget.NewFormItem(lang.L("所属区"), s.district),
		widget.NewFormItem(lang.L("角色"), s.role),
		widget.NewFormItem(lang.L("语言"), container.NewVBox(s.language, s.langNote)),
	))
	data := widget.NewCard(lang.L("数据与设备"), "", widget.NewForm(
		widget.NewFormItem(lang.L("数据文件"), container.NewVBox(s.dataFile, container.NewHBox(s.openFolder, s.moveData))),
		widget.NewFormItem(lang.L("设备编号"), s.deviceID),
		widget.NewFormItem(lang.L("设备密钥指纹"), s.fingerprnt),
	))
	hint := widget.NewLabel(wrapText(lang.L("区局、市局核对数据包来源时，请与此处的设备密钥指纹逐组比对。"), 60))
	hint.Importance = widget.MediumImportance
	aboutCard := widget.NewCard(lang.L("关于"), "", s.about)
	left := container.NewVBox(me, s.saved)
	right := container.NewVBox(data, hint, u.backupCard(), aboutCard)
	s.content = container.NewVScroll(container.NewGridWithColumns(2, left, right))
	return s
}

// reloadFromPrefs shows the preferences again after the first-run dialog
// set them.
func (s *settingsScreen) reloadFromPrefs() {
	p := s.u.prefs
	// Read first: setting a field saves all three from the fields.
	name, unit, district, role := p.Name(), p.Unit(), p.District(), p.Role()
	s.name.SetText(name)
	s.unit.SetText(unit)
	s.district.SetText(district)
	for i, r := range roleValues {
		if r == role && s.role.SelectedIndex() != i {
			s.role.SetSelectedIndex(i)
		}
	}
	s.typing.stop()
}

func (s *settingsScreen) saveText() {
	p := s.u.prefs
	p.SetName(s.name.Text)
	p.SetUnit(s.unit.Text)
	p.SetDistrict(s.district.Text)
	if n := p.Name(); n != "" {
		s.u.db.SetActor(n)
	}
	s.markSaved()
}

func (s *settingsScreen) markSaved() {
	s.saved.SetText(fmt.Sprintf(lang.L("已保存 %s"), s.u.now().Format("15:04:05")))
}

// aboutText names the program, its versions and the licences of what it
// bundles.
func aboutText(version string) string {
	if version == "" {
		version = "dev"
	}
	fyneVersion, sqliteVersion := "", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			switch d.Path {
			case "fyne.io/fyne/v2":
				fyneVersion = d.Version
			case "modernc.org/sqlite":
				sqliteVersion = d.Version
			}
		}
	}
	lines := []string{
		fmt.Sprintf(lang.L("家园巡检 %s（数据结构版本 %d）"), version, store.SchemaVersion()),
		fmt.Sprintf("Go %s · Fyne %s · modernc.org/sqlite %s", strings.TrimPrefix(runtime.Version(), "go"), fyneVersion, sqliteVersion),
		lang.L("「加强物业管理 共建美好家园」活动检查工具，离线使用，数据以文件交换。"),
		"",
		lang.L("许可证："),
		lang.L("文泉驿微米黑字体（WenQuanYi Micro Hei）：Apache-2.0"),
		"Fyne: BSD-3-Clause · modernc.org/sqlite: BSD-3-Clause",
		"go-pinyin: MIT · imaging: MIT · google/uuid: BSD-3-Clause",
	}
	return strings.Join(lines, "\n")
}
