package assets

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

func TestFontIsSingleTrueType(t *testing.T) {
	// 0x00010000 starts a TrueType font; "ttcf" a collection, "OTTO" CFF.
	if !bytes.HasPrefix(FontTTF, []byte{0, 1, 0, 0}) {
		t.Fatalf("FontTTF starts with %q, want a TrueType font (00 01 00 00)", FontTTF[:4])
	}
}

func TestIconIsPNG(t *testing.T) {
	if !bytes.HasPrefix(IconPNG, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatal("IconPNG is not a PNG file")
	}
}

func TestTranslationsHaveTheSameKeys(t *testing.T) {
	zh := readTranslations(t, "zh-CN.json")
	en := readTranslations(t, "en.json")
	for key, raw := range zh {
		var text string
		if json.Unmarshal(raw, &text) == nil && text != key {
			t.Errorf("zh-CN.json: %q translates to %q; keys are the Chinese text itself", key, text)
		}
		if _, ok := en[key]; !ok {
			t.Errorf("en.json: missing %q", key)
		}
	}
	for key := range en {
		if _, ok := zh[key]; !ok {
			t.Errorf("en.json: %q is not in zh-CN.json", key)
		}
	}
	entries, err := Translations.ReadDir("translations")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if want := []string{"en.json", "fyne.zh-CN.json", "zh-CN.json"}; strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("translation files = %v, want %v", names, want)
	}
	// Fyne's own strings (Quit, Cancel, the file dialog…) in Chinese: its
	// bundled zh_Hans file does not match our zh-CN locale, so we carry them
	// under a prefix; their keys are Fyne's English ids.
	for key := range readTranslations(t, "fyne.zh-CN.json") {
		if _, ours := zh[key]; ours {
			t.Errorf("fyne.zh-CN.json: %q is also in zh-CN.json", key)
		}
	}
}

// readTranslations reads one file; a value is a string, or an object of
// plural forms.
func readTranslations(t *testing.T, name string) map[string]json.RawMessage {
	t.Helper()
	data, err := Translations.ReadFile("translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(m) == 0 {
		t.Fatalf("%s: no translations", name)
	}
	return m
}
