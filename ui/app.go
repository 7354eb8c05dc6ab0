package ui

import (
	"context"
	"errors"
	"image"
	"log"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// Screens that Options.Screen can open at start.
const (
	ScreenCommunities = "communities"
	ScreenCommunity   = "community"
	ScreenInspect     = "inspect"
	ScreenFinalize    = "finalize"
	ScreenActions     = "actions"
	ScreenSettings    = "settings"
	ScreenWelcome     = "welcome" // the first-run dialog, even with a name set
)

// Options configures the main window.
type Options struct {
	// DB is the open data file. Required.
	DB *store.DB
	// Lock is the data file's write lock (store.LockFile) held by main,
	// handed to store.Restore when a backup is restored from 设置.
	Lock *store.Lock
	// Version is the program's version (from git, stamped by make dist),
	// shown in 设置 → 关于.
	Version string
	// Prepare, if set, runs once in the background before the lists load
	// (installing the default template, filling demo data); the window
	// shows its progress.
	Prepare func(ctx context.Context) error
	// Screen, with InspectionID or CommunityID, opens a screen at start
	// (used by scripts and screenshots). Without an id, the first
	// community or the newest draft inspection is opened.
	Screen       string
	InspectionID string
	CommunityID  string
	// Item, with ScreenInspect, shows this item (e.g. "8.1") at start.
	Item string
	// Packages are package files to queue in 导入数据包 at start (files
	// opened with the app).
	Packages []string
	// OnReady, if set, is called on the UI goroutine once the first screen
	// shows its data; OnFirstFrame from the render thread when the window
	// is first drawn (the start-up benchmark logs both).
	OnReady      func()
	OnFirstFrame func()
	// FontsLoaded, if set, waits until the fonts started by LoadFonts are
	// loaded; New calls it after opening the window system, before it
	// builds the widgets.
	FontsLoaded func()
	// Window, if set, is the main window, made by the caller before the
	// data file was opened (NewWindow starts the window system); else
	// New makes it.
	Window fyne.Window
	// Icon, if set, becomes the app's and the window's icon once the
	// window is first drawn.
	Icon fyne.Resource
	// Trace, if set, is told the start-up phases as they end (the
	// --trace-startup output; scripts/startup_bench.sh reports them).
	Trace Trace
}

// Trace receives the name of each start-up phase as it ends.
type Trace func(phase string)

// Print tells t that phase ended; a nil Trace does nothing.
func (t Trace) Print(phase string) {
	if t != nil {
		t(phase)
	}
}

// App is the running desktop application: the Fyne app, its main window
// and the screens.
type App struct {
	fyneApp fyne.App
	window  fyne.Window
	db      *store.DB
	ctx     context.Context
	prefs   prefs
	opts    Options

	// Widgets kept as fields so tests can drive them.
	title *widget.RichText
	tabs  *container.AppTabs

	listTab    *fyne.Container // 小区列表 tab: the list or one community
	inspectTab *fyne.Container // 检查 tab: drafts, a checklist or its sign-off

	communities *communitiesScreen
	community   *communityScreen // nil until a community is opened
	inspectHome *inspectHomeScreen
	inspect     *inspectScreen  // nil until an inspection is opened
	finalize    *finalizeScreen // nil unless signing
	actions     *actionsScreen
	settings    *settingsScreen // nil until 设置 is first selected (New)
	office      *officeScreens  // 评选, 统计, 联络员 (区局 and 市局)
	exchange    *exchangeTab    // nil until 导入导出 is first selected (New)
	welcome     *welcomeDialog  // the first-run dialog while shown

	// Tabs whose screens are built the first time they are selected
	// (lazyTabs, set by New so the first frame only needs 小区列表).
	lazyTabs     bool
	pending      map[*container.TabItem]func() fyne.CanvasObject
	exchangeItem *container.TabItem
	settingsItem *container.TabItem
	// afterFirstFrame runs on the UI goroutine once the window is first
	// drawn (the first-run dialog, set by New).
	afterFirstFrame []func()

	// async runs background work (reads); writes go through queue, one
	// at a time in order. Tests replace both to run inline.
	async func(func())
	queue chan func()
	// debounce is the pause after typing before a search or autosave;
	// busyDelay how long a job may run before its progress is shown.
	debounce  time.Duration
	busyDelay time.Duration
	now       func() time.Time
}

// New builds the main window of a over the data file opts.DB.
// Translations must already be loaded (SetupLanguage) because the labels
// are localised here.
func New(a fyne.App, opts Options) *App {
	u := newApp(a, opts)
	u.queue = make(chan func(), 64)
	go func() {
		for job := range u.queue {
			job()
		}
	}()
	u.async = func(f func()) { go f() }
	u.lazyTabs = true
	u.build()
	// The data is read once the window is drawn: the first frame does not
	// wait for (or share the two cores with) the list's query.
	u.communities.count.SetText(lang.L("正在读取…"))
	u.afterFirstFrame = append(u.afterFirstFrame, u.start)
	// First start: ask who the user is, unless a script opens a screen;
	// once the window is drawn, as the dialog reads the data file.
	if (u.prefs.Name() == "" && opts.Screen == "") || opts.Screen == ScreenWelcome {
		u.afterFirstFrame = append(u.afterFirstFrame, u.showWelcome)
	}
	if opts.Icon != nil {
		u.afterFirstFrame = append(u.afterFirstFrame, func() {
			a.SetIcon(opts.Icon)
			u.window.SetIcon(opts.Icon)
		})
	}
	return u
}

func newApp(a fyne.App, opts Options) *App {
	return &App{
		fyneApp: a, db: opts.DB, ctx: context.Background(), prefs: prefs{a.Preferences()}, opts: opts,
		debounce: 300 * time.Millisecond, busyDelay: 500 * time.Millisecond, now: time.Now,
	}
}

// write runs a store write after the writes queued before it.
func (u *App) write(f func()) {
	if u.queue == nil {
		f()
		return
	}
	u.queue <- f
}

func (u *App) build() {
	if n := u.prefs.Name(); n != "" {
		u.db.SetActor(n)
	}
	// The window first: that starts the window system while LoadFonts
	// parses the fonts the widgets are measured with.
	if u.window = u.opts.Window; u.window != nil {
		u.window.SetTitle(lang.L("家园巡检"))
	} else {
		u.window = u.fyneApp.NewWindow(lang.L("家园巡检"))
		u.opts.Trace.Print("window")
	}
	u.window.SetMaster()
	if u.opts.FontsLoaded != nil {
		u.opts.FontsLoaded()
	}
	u.opts.Trace.Print("fonts")
	u.communities = newCommunitiesScreen(u)
	u.inspectHome = newInspectHomeScreen(u)
	u.actions = newActionsScreen(u)
	u.office = newOfficeScreens(u)
	u.listTab = container.NewStack(u.communities.content)
	u.inspectTab = container.NewStack(u.inspectHome.content)
	// 导入导出 and 设置 are the costly screens to build (about a third of
	// the time to the first frame, see docs/PERFORMANCE.md); they are
	// built when first selected.
	u.exchangeItem = u.lazyTab(lang.L("导入导出"), theme.StorageIcon(), func() fyne.CanvasObject {
		u.exchange = newExchangeTab(u)
		return u.exchange.content
	})
	u.settingsItem = u.lazyTab(lang.L("设置"), theme.SettingsIcon(), func() fyne.CanvasObject {
		u.settings = newSettingsScreen(u)
		return u.settings.content
	})

	// The office's tabs for the role go before 设置, the last tab; given
	// to NewAppTabs with the others rather than added after (addTabs),
	// which would lay out the tabs once more before the window is shown.
	items := []*container.TabItem{
		container.NewTabItemWithIcon(lang.L("小区列表"), theme.ListIcon(), u.listTab),
		container.NewTabItemWithIcon(lang.L("检查"), theme.DocumentCreateIcon(), u.inspectTab),
		container.NewTabItemWithIcon(lang.L("整改"), theme.WarningIcon(), u.actions.content),
		u.exchangeItem,
	}
	items = append(items, u.office.tabItems()...)
	// Only 小区列表 is laid out for the first frame: the other tabs'
	// screens are built already (cheap) but put in their tab when it is
	// first selected, as AppTabs lays out every tab's content to find its
	// own minimum size (about 25 ms of CPU before the first frame).
	if u.lazyTabs {
		for _, it := range items[1:] {
			if _, lazy := u.pending[it]; !lazy {
				content := it.Content
				it.Content = container.NewStack()
				u.pending[it] = func() fyne.CanvasObject { return content }
			}
		}
	}
	u.tabs = container.NewAppTabs(append(items, u.settingsItem)...)
	u.tabs.OnSelected = func(t *container.TabItem) {
		u.buildTab(t)
		u.office.selected(t.Content)
		switch {
		case t.Content == u.actions.content:
			u.actions.reload()
		case t == u.exchangeItem:
			u.exchange.reloadSelected()
		case t.Content == u.inspectTab:
			if u.inspect == nil && u.finalize == nil {
				u.inspectHome.reload()
			}
		}
	}

	u.title = widget.NewRichText(&widget.TextSegment{
		Text:  lang.L("家园巡检"),
		Style: widget.RichTextStyleSubHeading,
	})
	slogan := widget.NewLabel(lang.L("加强物业管理 共建美好家园"))
	slogan.Importance = widget.HighImportance
	header := container.NewVBox(
		container.NewHBox(u.title, layout.NewSpacer(), slogan),
		widget.NewSeparator(),
	)

	u.window.SetMainMenu(u.mainMenu())
	u.window.SetContent(container.NewStack(u.frameProbe(), container.NewBorder(header, nil, nil, nil, u.tabs)))
	u.window.Resize(fyne.NewSize(1180, 760))
	u.window.CenterOnScreen()
	u.window.SetOnDropped(u.dropped)
	u.opts.Trace.Print("built")
	u.window.Canvas().SetOnTypedRune(func(r rune) {
		if s := u.activeInspect(); s != nil {
			s.typedRune(r)
		}
	})
	u.window.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if s := u.activeInspect(); s != nil {
			s.typedKey(ev)
		}
	})
}

// lazyTab is a tab whose content build makes when the tab is first
// selected (buildTab), or at once unless lazyTabs is set (tests).
func (u *App) lazyTab(text string, icon fyne.Resource, build func() fyne.CanvasObject) *container.TabItem {
	if !u.lazyTabs {
		return container.NewTabItemWithIcon(text, icon, build())
	}
	if u.pending == nil {
		u.pending = map[*container.TabItem]func() fyne.CanvasObject{}
	}
	item := container.NewTabItemWithIcon(text, icon, container.NewStack())
	u.pending[item] = build
	return item
}

// applyRole shows the office's tabs of the role just set in 设置 or the
// first-run dialog, at once; the selected tab stays selected (adding tabs
// before it would otherwise move the selection onto another).
func (u *App) applyRole() {
	if u.office == nil || u.tabs == nil {
		return
	}
	selected := u.tabs.Selected()
	u.office.applyRole()
	for _, it := range u.tabs.Items {
		if it == selected {
			u.tabs.Select(it)
			return
		}
	}
	u.tabs.SelectIndex(0) // an office tab that the role does not have
}

// buildTab builds a lazy tab's screen if it is not built yet.
func (u *App) buildTab(item *container.TabItem) {
	build, ok := u.pending[item]
	if !ok {
		return
	}
	delete(u.pending, item)
	item.Content = build()
	u.tabs.Refresh()
}

func (u *App) mainMenu() *fyne.MainMenu {
	ctrl := fyne.KeyModifierShortcutDefault
	search := fyne.NewMenuItem(lang.L("搜索检查项"), func() { u.withInspect((*inspectScreen).showSearch) })
	search.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: ctrl}
	next := fyne.NewMenuItem(lang.L("下一个未填项"), func() { u.withInspect((*inspectScreen).nextUnanswered) })
	next.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: ctrl}
	print := fyne.NewMenuItem(lang.L("打印检查记录"), func() { u.withInspect((*inspectScreen).print) })
	print.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: ctrl}
	sign := fyne.NewMenuItem(lang.L("完成并签名"), func() { u.withInspect((*inspectScreen).openFinalize) })
	add := fyne.NewMenuItem(lang.L("新增小区"), func() { u.communities.showAdd() })
	about := fyne.NewMenuItem(lang.L("关于"), func() {
		u.tabs.Select(u.tabs.Items[len(u.tabs.Items)-1])
	})
	return fyne.NewMainMenu(
		fyne.NewMenu(lang.L("文件"), add),
		fyne.NewMenu(lang.L("检查"), search, next, print, fyne.NewMenuItemSeparator(), sign),
		fyne.NewMenu(lang.L("帮助"), about),
	)
}

// withInspect runs f on the open checklist, or says that none is open.
func (u *App) withInspect(f func(*inspectScreen)) {
	if u.inspect == nil {
		u.info(lang.L("提示"), lang.L("请先在小区列表中打开或开始一项检查。"))
		return
	}
	if u.finalize != nil {
		u.showInspect()
	}
	u.tabs.SelectIndex(1)
	f(u.inspect)
}

// activeInspect is the checklist if it is what the window shows.
func (u *App) activeInspect() *inspectScreen {
	if u.inspect == nil || u.finalize != nil || u.tabs.SelectedIndex() != 1 {
		return nil
	}
	return u.inspect
}

func (u *App) dropped(pos fyne.Position, uris []fyne.URI) {
	if u.tabs.Selected() == u.exchangeItem || (len(uris) > 0 && isPackage(uris[0].Path())) {
		u.selectExchange()
		u.exchange.dropped(uris)
		return
	}
	if s := u.activeInspect(); s != nil {
		s.dropped(pos, uris)
		return
	}
	u.info(lang.L("提示"), lang.L("请先打开检查，再把照片拖到检查项上。"))
}

// start runs Prepare, then loads the first screen.
func (u *App) start() {
	ready := func() {
		u.openStartScreen()
		if u.opts.OnReady != nil {
			u.opts.OnReady()
		}
	}
	if u.opts.Prepare == nil {
		u.communities.reloadDistricts()
		u.communities.reloadThen(ready)
		return
	}
	u.busy(lang.L("正在准备数据文件…"), u.opts.Prepare, func(err error) {
		if err != nil {
			u.showError(err)
		}
		u.communities.reloadDistricts()
		u.communities.reloadThen(ready)
	})
}

func (u *App) openStartScreen() {
	switch u.opts.Screen {
	case ScreenCommunity:
		id := u.opts.CommunityID
		if id == "" && len(u.communities.rows) > 0 {
			id = u.communities.rows[0].ID
		}
		if id != "" {
			u.showCommunity(id)
		}
	case ScreenInspect, ScreenFinalize:
		id := u.opts.InspectionID
		if id == "" {
			if drafts, err := u.db.ListInspections(u.ctx, store.InspectionFilter{Status: "draft"}); err == nil && len(drafts) > 0 {
				id = drafts[0].ID
			}
		}
		if id != "" {
			u.openInspectionThen(id, func() {
				if u.inspect != nil && u.opts.Item != "" {
					u.inspect.goTo(u.opts.Item)
				}
				if u.opts.Screen == ScreenFinalize && u.inspect != nil {
					u.inspect.openFinalize()
				}
			})
		}
	case ScreenActions:
		u.tabs.SelectIndex(2)
	case ScreenSettings:
		u.tabs.SelectIndex(len(u.tabs.Items) - 1)
	case ScreenRanking, ScreenDashboard, ScreenLiaisons, ScreenAssignments, ScreenReports:
		for _, it := range u.tabs.Items { // office.show finds its tab by its content
			if it != u.exchangeItem && it != u.settingsItem {
				u.buildTab(it)
			}
		}
		u.office.show(u.opts.Screen)
	case ScreenExport, ScreenImport, ScreenConflicts, ScreenDevices, ScreenHistory:
		u.selectExchange()
		u.exchange.show(u.opts.Screen)
	}
	if len(u.opts.Packages) > 0 {
		u.selectExchange()
		u.exchange.show(ScreenImport)
		u.exchange.imports.addFiles(u.opts.Packages)
	}
}

// frameProbe is a transparent pixel behind the content whose image is
// asked for when the window is drawn, which tells OnFirstFrame and starts
// afterFirstFrame.
func (u *App) frameProbe() fyne.CanvasObject {
	var once sync.Once
	return canvas.NewRaster(func(w, h int) image.Image {
		once.Do(func() {
			if u.opts.OnFirstFrame != nil {
				u.opts.OnFirstFrame()
			}
			if jobs := u.afterFirstFrame; len(jobs) > 0 {
				go fyne.Do(func() {
					for _, f := range jobs {
						f()
					}
				})
			}
		})
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
}

// Window returns the main window, for dialogs.
func (u *App) Window() fyne.Window { return u.window }

// ShowAndRun shows the main window and runs the Fyne event loop until the
// window is closed.
func (u *App) ShowAndRun() {
	u.window.ShowAndRun()
}

// Navigation.

func (u *App) showCommunities() {
	u.community = nil
	u.listTab.Objects = []fyne.CanvasObject{u.communities.content}
	u.listTab.Refresh()
	u.tabs.SelectIndex(0)
	u.communities.reload()
}

func (u *App) showCommunity(id string) {
	u.community = newCommunityScreen(u, id)
	u.listTab.Objects = []fyne.CanvasObject{u.community.content}
	u.listTab.Refresh()
	u.tabs.SelectIndex(0)
}

// openInspection loads an inspection and shows its checklist.
func (u *App) openInspection(id string) { u.openInspectionThen(id, nil) }

func (u *App) openInspectionThen(id string, then func()) {
	u.busy(lang.L("正在打开检查记录…"), func(ctx context.Context) error {
		rec, err := u.db.Inspection(ctx, id)
		if err != nil {
			return err
		}
		fyne.Do(func() {
			u.inspect = newInspectScreen(u, rec)
			u.showInspect()
		})
		return nil
	}, func(err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if then != nil {
			then()
		}
	})
}

func (u *App) showInspect() {
	u.finalize = nil
	u.inspectTab.Objects = []fyne.CanvasObject{u.inspect.content}
	u.inspectTab.Refresh()
	u.tabs.SelectIndex(1)
	u.inspect.sections.ScrollTo(u.inspect.section)
	u.inspect.focusCurrent()
}

func (u *App) showFinalize(f *finalizeScreen) {
	u.finalize = f
	u.inspectTab.Objects = []fyne.CanvasObject{f.content}
	u.inspectTab.Refresh()
	u.tabs.SelectIndex(1)
}

func (u *App) closeInspection() {
	u.inspect, u.finalize = nil, nil
	u.inspectTab.Objects = []fyne.CanvasObject{u.inspectHome.content}
	u.inspectTab.Refresh()
	u.inspectHome.reload()
}

// Background work.

// busy runs work off the UI goroutine. If it takes longer than half a
// second a progress dialog named label shows until it ends. done runs on
// the UI goroutine with work's error.
func (u *App) busy(label string, work func(ctx context.Context) error, done func(error)) {
	finished := false
	var d dialog.Dialog
	timer := time.AfterFunc(u.busyDelay, func() {
		fyne.Do(func() {
			if finished {
				return
			}
			bar := widget.NewProgressBarInfinite()
			d = dialog.NewCustomWithoutButtons(label, container.NewPadded(bar), u.window)
			d.Resize(fyne.NewSize(360, 120))
			d.Show()
		})
	})
	u.async(func() {
		err := work(u.ctx)
		fyne.Do(func() {
			timer.Stop()
			finished = true
			if d != nil {
				d.Hide()
			}
			if done != nil {
				done(err)
			}
		})
	})
}

// showError tells the user what went wrong, in their language where the
// message is ours (store and domain errors are in Chinese).
func (u *App) showError(err error) {
	if err == nil {
		return
	}
	if !errors.Is(err, context.Canceled) {
		log.Printf("jiayuan: %v", err)
	}
	u.info(lang.L("出错了"), err.Error())
}

// info shows a message in a dialog with an OK button.
func (u *App) info(title, msg string) {
	dialog.NewCustom(title, lang.L("确定"), widget.NewLabel(wrapText(msg, 56)), u.window).Show()
}

// placeholder stands in for a screen that another module provides.
func placeholder() fyne.CanvasObject {
	return container.NewCenter(widget.NewLabel(lang.L("建设中")))
}
