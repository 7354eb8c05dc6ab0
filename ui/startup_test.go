package ui

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// newLazyTestUI builds the window as New does (导入导出 and 设置 built when
// first selected), with background work run inline.
func newLazyTestUI(t *testing.T) *App {
	t.Helper()
	db, _ := openTestDB(t)
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	loaded := false
	u := newApp(a, Options{DB: db, FontsLoaded: func() { loaded = true }})
	u.async = func(f func()) { f() }
	u.debounce = 0
	u.busyDelay = time.Hour
	u.lazyTabs = true
	u.build()
	u.start()
	u.window.Resize(fyne.NewSize(1180, 760))
	t.Cleanup(func() { u.window.Close() })
	if !loaded {
		t.Error("build did not wait for FontsLoaded")
	}
	return u
}

func TestLazyTabsAreBuiltWhenFirstSelected(t *testing.T) {
	u := newLazyTestUI(t)
	if u.settings != nil || u.exchange != nil {
		t.Fatal("设置 and 导入导出 should not be built before they are selected")
	}
	if len(u.communities.rows) == 0 || len(u.communities.districts) == 0 {
		t.Errorf("the list should be filled at start: %d rows, districts %v", len(u.communities.rows), u.communities.districts)
	}

	u.tabs.Select(u.settingsItem)
	if u.settings == nil || u.settingsItem.Content != u.settings.content || u.tabs.Selected() != u.settingsItem {
		t.Fatal("selecting 设置 did not build and show it")
	}
	if u.settings.deviceID.Text != u.db.Device().ID {
		t.Errorf("设置 shows device %q", u.settings.deviceID.Text)
	}
	settings := u.settings
	u.tabs.SelectIndex(0)
	u.tabs.Select(u.settingsItem)
	if u.settings != settings {
		t.Error("设置 was built again")
	}

	// Dropping packages builds 导入导出 and queues them.
	dir := t.TempDir()
	u.tabs.SelectIndex(0)
	u.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(filepath.Join(dir, "a.jypkg"))})
	if u.exchange == nil || u.tabs.Selected() != u.exchangeItem || u.exchangeItem.Content != u.exchange.content {
		t.Fatal("dropping a package did not build and show 导入导出")
	}
	if q := u.exchange.imports.queued; len(q) != 1 {
		t.Errorf("queued %v, want the package", q)
	}
}

func TestLazyTabsOpenStartScreens(t *testing.T) {
	for _, screen := range []string{ScreenSettings, ScreenImport, ScreenDevices} {
		t.Run(screen, func(t *testing.T) {
			u := newLazyTestUI(t)
			u.opts.Screen = screen
			u.openStartScreen()
			want := u.exchangeItem
			if screen == ScreenSettings {
				want = u.settingsItem
			}
			built := u.exchange != nil && want.Content == u.exchange.content
			if screen == ScreenSettings {
				built = u.settings != nil && want.Content == u.settings.content
			}
			if u.tabs.Selected() != want || !built {
				t.Errorf("--screen=%s shows %q", screen, u.tabs.Selected().Text)
			}
		})
	}
}

// TestEveryLazyTabShowsItsScreen selects each tab of the window built as
// the app builds it (only 小区列表 laid out at first): each then shows its
// screen, not the empty stand-in; --screen=ranking and --screen=actions
// still open theirs.
func TestEveryLazyTabShowsItsScreen(t *testing.T) {
	u := newLazyTestUI(t)
	if len(u.pending) < 4 {
		t.Fatalf("%d tabs wait to be built, want every tab but 小区列表", len(u.pending))
	}
	for i := range u.tabs.Items {
		u.tabs.SelectIndex(i)
		it := u.tabs.Items[i]
		if _, waiting := u.pending[it]; waiting {
			t.Errorf("tab %q selected but not built", it.Text)
		}
		if c, ok := it.Content.(*fyne.Container); ok && len(c.Objects) == 0 {
			t.Errorf("tab %q shows an empty container", it.Text)
		}
	}
	if u.tabs.Items[1].Content != u.inspectTab || u.tabs.Items[2].Content != u.actions.content {
		t.Error("检查 and 整改 do not show their screens")
	}

	for _, screen := range []string{ScreenRanking, ScreenActions} {
		u := newLazyTestUI(t)
		u.opts.Screen = screen
		u.openStartScreen()
		want := u.office.ranking.content
		if screen == ScreenActions {
			want = u.actions.content
		}
		if u.tabs.Selected().Content != want {
			t.Errorf("--screen=%s shows %q", screen, u.tabs.Selected().Text)
		}
	}
}
