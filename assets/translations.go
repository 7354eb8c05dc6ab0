package assets

import "embed"

// Translations holds the UI translations in Fyne's lang format, one flat
// JSON object per language under translations/ (zh-CN.json, en.json).
// The keys are the Chinese strings themselves, so lang.L("小区列表") reads as
// what it shows. Load them with lang.AddTranslationsFS(Translations, "translations").
//
//go:embed translations
var Translations embed.FS
