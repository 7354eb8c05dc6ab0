// Command jiayuan is the 家园巡检 desktop app. It only wires the parts
// together; the screens live in package ui.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/ui"
)

func main() {
	dbFlag := flag.String("db", "", "SQLite database `file` (default: jiayuan/jiayuan.db in the user config folder)")
	flag.Parse()
	dbPath, err := databasePath(*dbFlag)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("database:", dbPath)

	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		log.Printf("load translations: %v", err)
	}
	a := app.NewWithID("cn.gov.jiayuan.inspect")
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG))
	a.Settings().SetTheme(ui.NewTheme())

	// TODO(store): open store here: st, err := store.Open(dbPath); defer st.Close();
	// fill it with demo data the first time and hand it to ui.New via ui.Options.

	ui.New(a, ui.Options{}).ShowAndRun()
}

// databasePath returns flagValue if set, otherwise jiayuan.db in
// os.UserConfigDir()/jiayuan, creating that folder.
func databasePath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find user config folder (use --db): %w", err)
	}
	dir = filepath.Join(dir, "jiayuan")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create data folder: %w", err)
	}
	return filepath.Join(dir, "jiayuan.db"), nil
}
