package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/jiayuan-inspect/jiayuan/assets"
)

func TestNewShowsTabs(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)

	if got := u.window.Title(); got != "家园巡检" {
		t.Errorf("window title = %q, want 家园巡检", got)
	}
	want := []string{"小区列表", "检查", "整改", "导入导出", "统计", "报表", "设置"}
	if len(u.tabs.Items) != len(want) {
		t.Fatalf("got %d tabs, want %d", len(u.tabs.Items), len(want))
	}
	for i, item := range u.tabs.Items {
		if item.Text != want[i] {
			t.Errorf("tab %d = %q, want %q", i, item.Text, want[i])
		}
	}
	if got := len(u.communities.rows); got != 3 {
		t.Errorf("the list shows %d communities, want 3", got)
	}
	if got := u.communities.count.Text; got != "共 3 个小区" {
		t.Errorf("count = %q", got)
	}
}

func TestThemeUsesBundledFont(t *testing.T) {
	th := NewTheme()
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Italic: true}, {Bold: true, Italic: true}, {Monospace: true}} {
		if got := th.Font(style).Content(); len(got) != len(assets.FontTTF) {
			t.Errorf("Font(%+v) is not the bundled CJK font", style)
		}
	}
	if got := th.Font(fyne.TextStyle{Symbol: true}); got != theme.DefaultTheme().Font(fyne.TextStyle{Symbol: true}) {
		t.Errorf("Font(Symbol) = %s, want Fyne's symbol font", got.Name())
	}
}

// TestStringsAreTranslated checks that every lang.L("…") literal in this
// package's non-test files has an entry in each translation file, and
// that English has no Chinese-only entry left untranslated.
func TestStringsAreTranslated(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`lang\.L\("([^"]+)"`)
	han := regexp.MustCompile(`\p{Han}`)
	for _, name := range []string{"zh-CN.json", "en.json"} {
		data, err := assets.Translations.ReadFile("translations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var tr map[string]json.RawMessage // Fyne's plural entries are objects
		if err := json.Unmarshal(data, &tr); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range call.FindAllStringSubmatch(string(src), -1) {
				raw, ok := tr[m[1]]
				if !ok {
					t.Errorf("%s: %q (used in %s) has no translation", name, m[1], file)
				}
				var v string
				_ = json.Unmarshal(raw, &v)
				if name == "en.json" && v == m[1] && han.MatchString(v) {
					t.Errorf("en.json: %q is not translated", m[1])
				}
			}
		}
	}
}

func TestSettingsSetActor(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	test.Type(u.settings.name, "王检查")
	if got := db.Actor(); got != "王检查" {
		t.Errorf("actor = %q, want 王检查", got)
	}
	if got := u.prefs.Name(); got != "王检查" {
		t.Errorf("saved name = %q", got)
	}
	u.settings.language.SetSelectedIndex(1)
	if got := u.prefs.Language(); got != LangEnglish {
		t.Errorf("language = %q, want en", got)
	}
	if !strings.Contains(u.settings.langNote.Text, "重新启动") {
		t.Errorf("the language note should say a restart is needed: %q", u.settings.langNote.Text)
	}
	if !strings.Contains(u.settings.fingerprnt.Text, " ") || u.settings.deviceID.Text != db.Device().ID {
		t.Errorf("device: %q %q", u.settings.deviceID.Text, u.settings.fingerprnt.Text)
	}
	if !strings.Contains(u.settings.about.Text, "Apache-2.0") {
		t.Error("about names no font licence")
	}
}
