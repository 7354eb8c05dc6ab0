package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// TestBackupRestore: backup, a later change, restore --list and --from;
// while another program holds the data file's lock (the app), reading
// commands still work and restore is refused.
func TestBackupRestore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "巡检.db")
	mustCtl(t, "demo", "--db", db, "--seed", "2", "--communities", "6")
	out := mustCtl(t, "backup", "--db", db)
	if !strings.Contains(out, "已备份并校验") {
		t.Fatalf("backup says: %s", out)
	}
	// A change after the backup, made behind the program's back.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE communities SET households = households + 1`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, _, code := ctl(t, "verify", "--db", db); code != exitFailure {
		t.Fatal("verify should fail after the change")
	}

	lock, err := store.LockFile(db) // the app is running
	if err != nil {
		t.Fatal(err)
	}
	mustCtl(t, "list", "communities", "--db", db)
	if out, _, _ := ctl(t, "verify", "--db", db); !strings.Contains(out, "记录") {
		t.Fatalf("verify while the app runs: %s", out)
	}
	out = mustCtl(t, "restore", "--db", db, "--list")
	if !strings.Contains(out, "手动") || !strings.Contains(out, "编号") {
		t.Fatalf("list: %s", out)
	}
	_, errOut, code := ctl(t, "restore", "--db", db, "--from", "1")
	if code != exitFailure || !strings.Contains(errOut, "已在另一个窗口或程序中打开") {
		t.Fatalf("restore under the app: %d %s", code, errOut)
	}
	lock.Close()

	out = mustCtl(t, "restore", "--db", db, "--from", "1")
	if !strings.Contains(out, "已恢复") || !strings.Contains(out, "原数据文件已移到") {
		t.Fatalf("restore says: %s", out)
	}
	mustCtl(t, "verify", "--db", db)
	out = mustCtl(t, "restore", "--db", db)
	if !strings.Contains(out, "恢复前的原文件") {
		t.Fatalf("the replaced file is not listed: %s", out)
	}
	if _, _, code := ctl(t, "restore", "--db", db, "--from", "99"); code != exitMisuse {
		t.Fatalf("a missing number: exit %d", code)
	}
}

// TestWritingCommandsWaitForTheApp: while the app holds the data file,
// commands that change it are refused with the Chinese message and change
// nothing; reading ones run.
func TestWritingCommandsRefusedWhileTheAppRuns(t *testing.T) {
	db := filepath.Join(t.TempDir(), "巡检.db")
	mustCtl(t, "demo", "--db", db, "--seed", "2", "--communities", "4")
	lock, err := store.LockFile(db)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	for _, args := range [][]string{
		{"trust", "--db", db, "--key", "AAAA"},
		{"export", "--db=" + db, "--out", filepath.Join(t.TempDir(), "p.jypkg"), "--since-last", "市局"},
		{"exchange-key", "--db", db},
	} {
		_, errOut, code := ctl(t, args...)
		if code != exitFailure || !strings.Contains(errOut, "已在另一个窗口或程序中打开") {
			t.Errorf("%v while the app runs: exit %d %s", args, code, errOut)
		}
	}
	for _, args := range [][]string{
		{"trust", "--db", db, "--list"},
		{"export", "--db", db, "--out", filepath.Join(t.TempDir(), "p.jypkg")},
		{"list", "inspections", "--db", db},
		{"verify", "--db", db},
		{"backup", "--db", db},
	} {
		mustCtl(t, args...)
	}
}
