package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Options configures the main window.
type Options struct {
	// Content, if non-nil, is shown in the 小区列表 tab instead of a placeholder.
	Content fyne.CanvasObject
}

// App is the running desktop application: the Fyne app and its main window.
type App struct {
	fyneApp fyne.App
	window  fyne.Window

	// Widgets kept as fields so tests can drive them.
	title *widget.RichText
	tabs  *container.AppTabs
}

// New builds the main window of a. Translations must already be loaded
// (lang.AddTranslationsFS) because the labels are localised here.
func New(a fyne.App, opts Options) *App {
	u := &App{fyneApp: a}

	communities := opts.Content
	if communities == nil {
		communities = placeholder()
	}
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("小区列表"), theme.ListIcon(), communities),
		container.NewTabItemWithIcon(lang.L("检查"), theme.DocumentCreateIcon(), placeholder()),
		container.NewTabItemWithIcon(lang.L("导入导出"), theme.StorageIcon(), placeholder()),
		container.NewTabItemWithIcon(lang.L("统计"), theme.GridIcon(), placeholder()),
		container.NewTabItemWithIcon(lang.L("设置"), theme.SettingsIcon(), placeholder()),
	)

	u.title = widget.NewRichText(&widget.TextSegment{
		Text:  lang.L("家园巡检"),
		Style: widget.RichTextStyleHeading,
	})
	slogan := widget.NewLabel(lang.L("加强物业管理 共建美好家园"))
	header := container.NewVBox(
		container.NewHBox(u.title, layout.NewSpacer(), container.NewCenter(slogan)),
		widget.NewSeparator(),
	)

	u.window = a.NewWindow(lang.L("家园巡检"))
	u.window.SetMaster()
	u.window.SetContent(container.NewBorder(header, nil, nil, nil, u.tabs))
	u.window.Resize(fyne.NewSize(1100, 720))
	u.window.CenterOnScreen()
	return u
}

// Window returns the main window, for dialogs.
func (u *App) Window() fyne.Window { return u.window }

// ShowAndRun shows the main window and runs the Fyne event loop until the
// window is closed.
func (u *App) ShowAndRun() {
	u.window.ShowAndRun()
}

// placeholder stands in for a screen that is not written yet.
func placeholder() fyne.CanvasObject {
	return container.NewCenter(widget.NewLabel(lang.L("建设中")))
}
