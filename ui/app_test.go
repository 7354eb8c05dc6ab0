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
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/assets"
)

func TestNewShowsTabs(t *testing.T) {
	a := test.NewTempApp(t)
	u := New(a, Options{})
	defer u.window.Close()

	if got := u.window.Title(); got != "家园巡检" {
		t.Errorf("window title = %q, want 家园巡检", got)
	}
	want := []string{"小区列表", "检查", "导入导出", "统计", "设置"}
	if len(u.tabs.Items) != len(want) {
		t.Fatalf("got %d tabs, want %d", len(u.tabs.Items), len(want))
	}
	for i, item := range u.tabs.Items {
		if item.Text != want[i] {
			t.Errorf("tab %d = %q, want %q", i, item.Text, want[i])
		}
		if label := placeholderLabel(item.Content); label == nil || label.Text != "建设中" {
			t.Errorf("tab %s: want the 建设中 placeholder", item.Text)
		}
	}
}

func TestNewUsesContentForCommunities(t *testing.T) {
	a := test.NewTempApp(t)
	list := widget.NewLabel("list")
	u := New(a, Options{Content: list})
	defer u.window.Close()

	if got := u.tabs.Items[0].Content; got != list {
		t.Errorf("小区列表 tab content = %T, want Options.Content", got)
	}
	if label := placeholderLabel(u.tabs.Items[1].Content); label == nil {
		t.Error("检查 tab: want the placeholder")
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
// package's non-test files has an entry in each translation file.
func TestStringsAreTranslated(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`lang\.L\("([^"]+)"`)
	for _, name := range []string{"zh-CN.json", "en.json"} {
		data, err := assets.Translations.ReadFile("translations/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var tr map[string]json.RawMessage
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
				if _, ok := tr[m[1]]; !ok {
					t.Errorf("%s: %q (used in %s) has no translation", name, m[1], file)
				}
			}
		}
	}
}

func placeholderLabel(o fyne.CanvasObject) *widget.Label {
	c, ok := o.(*fyne.Container)
	if !ok || len(c.Objects) != 1 {
		return nil
	}
	label, _ := c.Objects[0].(*widget.Label)
	return label
}
