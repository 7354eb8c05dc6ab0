package ui

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/jiayuan-inspect/jiayuan/store"
)

func TestWelcomeAsksNameAndKeepsIt(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	u.showWelcome()
	w := u.welcome
	if w == nil {
		t.Fatal("no first-run dialog")
	}
	test.Tap(w.save)
	if w.missing.Text == "" || u.welcome == nil {
		t.Fatal("an empty name must be refused and the dialog stay")
	}
	w.name.SetText("  王芳 ")
	w.unit.SetText("鼓楼区住建局")
	w.district.SetText("鼓楼区")
	w.role.SetSelected(w.role.Options[1])
	test.Tap(w.save)
	if u.welcome != nil {
		t.Fatal("dialog still open after a name was given")
	}
	p := u.prefs
	if p.Name() != "王芳" || p.Unit() != "鼓楼区住建局" || p.District() != "鼓楼区" || p.Role() != RoleDistrict {
		t.Errorf("prefs: %q %q %q %q", p.Name(), p.Unit(), p.District(), p.Role())
	}
	if u.settings.name.Text != "王芳" || u.settings.role.SelectedIndex() != 1 {
		t.Errorf("设置 shows %q, role %d", u.settings.name.Text, u.settings.role.SelectedIndex())
	}
	if len(u.office.items) != 5 {
		t.Errorf("区局 role: %d office tabs, want 5", len(u.office.items))
	}
}

func TestMoveDataFileCopiesAndRemembers(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	dir := filepath.Join(t.TempDir(), "D盘 数据")
	target := filepath.Join(dir, dataFileName)
	u.copyDataFile(target)
	if u.prefs.DataPath() != target {
		t.Fatalf("remembered %q, want %q", u.prefs.DataPath(), target)
	}
	if _, err := os.Stat(db.Path()); err != nil {
		t.Errorf("old file must stay: %v", err)
	}
	rep, err := store.VerifyFile(u.ctx, target)
	if err != nil || !rep.OK() {
		t.Errorf("copy: %+v %v", rep, err)
	}
	if !strings.Contains(u.settings.dataFile.Text, target) {
		t.Errorf("设置 shows %q", u.settings.dataFile.Text)
	}
	// The next start opens the moved file.
	got, err := DatabasePath(u.fyneApp, "")
	if err != nil || got != target {
		t.Errorf("DatabasePath = %q, %v; want %q", got, err, target)
	}
	// A missing moved file is an error, not a new empty file.
	u.prefs.SetDataPath(filepath.Join(dir, "gone.db"))
	if _, err := DatabasePath(u.fyneApp, ""); err == nil {
		t.Error("missing moved file: no error")
	}
}

func TestDefaultDataDirLinux(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("XDG folders are for Linux and the BSDs")
	}
	tmp := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(tmp, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(tmp, "data"))
	if got, err := DefaultDataDir(); err != nil || got != filepath.Join(tmp, "data", "jiayuan") {
		t.Errorf("new install: %q, %v; want the XDG data folder", got, err)
	}
	// A data file made by an earlier version in the config folder stays.
	old := filepath.Join(tmp, "config", "jiayuan")
	if err := os.MkdirAll(old, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, dataFileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := DefaultDataDir(); err != nil || got != old {
		t.Errorf("earlier install: %q, %v; want %q", got, err, old)
	}
}
