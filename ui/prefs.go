package ui

import (
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/jiayuan-inspect/jiayuan/assets"
)

// Preference keys. The values live in Fyne's per-user preferences, so the
// same person keeps them whichever data file they open.
const (
	prefLanguage       = "ui.language"             // LangChinese or LangEnglish
	prefName           = "user.name"               // who I am: recorded on every change
	prefUnit           = "user.unit"               // 单位, e.g. 鼓楼区住建局
	prefDistrict       = "user.district"           // the district I work in (the list's default filter)
	prefRole           = "user.role"               // RoleInspector, RoleDistrict or RoleCity
	prefLastInspectors = "inspect.last_inspectors" // the names asked at 开始检查, joined with 、
	prefDataPath       = "data.path"               // the data file, once moved (设置 → 移动数据文件…)
)

// UI languages. Chinese is the default whatever the system locale says.
const (
	LangChinese = "zh-CN"
	LangEnglish = "en"
)

// Roles a user can take.
const (
	RoleInspector = "inspector" // 检查员
	RoleDistrict  = "district"  // 区局
	RoleCity      = "city"      // 市局
)

// prefs reads and writes the app's preferences with typed getters.
type prefs struct{ p fyne.Preferences }

func (p prefs) Language() string {
	if p.p.String(prefLanguage) == LangEnglish {
		return LangEnglish
	}
	return LangChinese
}
func (p prefs) SetLanguage(l string) { p.p.SetString(prefLanguage, l) }
func (p prefs) Name() string         { return strings.TrimSpace(p.p.String(prefName)) }
func (p prefs) SetName(s string)     { p.p.SetString(prefName, strings.TrimSpace(s)) }
func (p prefs) Unit() string         { return p.p.String(prefUnit) }
func (p prefs) SetUnit(s string)     { p.p.SetString(prefUnit, strings.TrimSpace(s)) }
func (p prefs) District() string     { return p.p.String(prefDistrict) }
func (p prefs) SetDistrict(s string) { p.p.SetString(prefDistrict, strings.TrimSpace(s)) }
func (p prefs) Role() string {
	switch r := p.p.String(prefRole); r {
	case RoleDistrict, RoleCity:
		return r
	}
	return RoleInspector
}
func (p prefs) SetRole(r string) { p.p.SetString(prefRole, r) }

// LastInspectors are the names given the last time an inspection started.
func (p prefs) LastInspectors() []string { return splitNames(p.p.String(prefLastInspectors)) }
func (p prefs) SetLastInspectors(names []string) {
	p.p.SetString(prefLastInspectors, strings.Join(names, "、"))
}

// splitNames splits a list of names typed with 、，, ; or spaces.
func splitNames(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("、，,;；/ 　\t\n", r)
	})
	var out []string
	seen := map[string]bool{}
	for _, n := range f {
		if n = strings.TrimSpace(n); n != "" && !seen[n] {
			out = append(out, n)
			seen[n] = true
		}
	}
	return out
}

// proseWrap wraps the 报表 screen's messages: at any character in Chinese
// (they hold long file paths), between words in English (breaking at any
// character cut words in two there).
var proseWrap = fyne.TextWrapBreak

// SetupLanguage loads the translations in the language chosen in 设置
// (Chinese unless English was chosen), whatever the system locale. Fyne's
// lang package reads the locale from $LANGUAGE when translations are
// added, so it is set first. Call it before building any screen; a change
// of language applies on the next start.
func SetupLanguage(a fyne.App) error {
	env := "zh_CN"
	proseWrap = fyne.TextWrapBreak
	if (prefs{a.Preferences()}).Language() == LangEnglish {
		env = "en"
		proseWrap = fyne.TextWrapWord
	}
	if err := os.Setenv("LANGUAGE", env); err != nil {
		return err
	}
	return lang.AddTranslationsFS(assets.Translations, "translations")
}

// Actor is the name recorded on changes: the name given in 设置, or "" to
// let the store use the system user.
func Actor(a fyne.App) string { return prefs{a.Preferences()}.Name() }
