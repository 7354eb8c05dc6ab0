package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// dayClock is a settable clock; each reading moves it one second.
type dayClock struct{ t time.Time }

func (c *dayClock) Now() time.Time { c.t = c.t.Add(time.Second); return c.t }

func TestDailyBackupOncePerDayKeepsTen(t *testing.T) {
	ctx := context.Background()
	clock := &dayClock{t: time.Date(2024, 8, 1, 9, 0, 0, 0, time.Local)}
	path := filepath.Join(t.TempDir(), "jiayuan.db")
	db, err := store.Open(ctx, path, store.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	addCommunity(t, db, "怡乐花园", "鼓楼区")
	first, err := db.DailyBackup(ctx)
	if err != nil || first == "" {
		t.Fatalf("first daily backup: %q %v", first, err)
	}
	if again, err := db.DailyBackup(ctx); err != nil || again != "" {
		t.Fatalf("second start the same day made %q (%v)", again, err)
	}
	for day := 1; day <= 12; day++ {
		clock.t = clock.t.AddDate(0, 0, 1)
		if p, err := db.DailyBackup(ctx); err != nil || p == "" {
			t.Fatalf("day %d: %q %v", day, p, err)
		}
	}
	if _, err := db.Backup(ctx, store.BackupImport); err != nil { // an import backup is counted apart
		t.Fatal(err)
	}
	list, err := store.ListBackups(path)
	if err != nil {
		t.Fatal(err)
	}
	daily := 0
	for _, b := range list {
		if b.Reason == store.BackupDaily {
			daily++
		}
		rep, err := store.VerifyFile(ctx, b.Path)
		if err != nil || !rep.OK() {
			t.Fatalf("%s does not verify: %v %v", b.Path, rep.Problems, err)
		}
	}
	if daily != store.DailyBackupsKept || len(list) != daily+1 {
		t.Fatalf("%d daily backups of %d, want %d", daily, len(list), store.DailyBackupsKept)
	}
	if list[0].Reason != store.BackupImport || list[1].Reason != store.BackupDaily || list[1].Time.Day() != clock.t.Day() {
		t.Fatalf("not newest first: %+v %+v", list[0], list[1])
	}
}

// TestRestore: a backup replaces the data file; the replaced file is kept
// (with what was in its WAL) and can be restored in turn; a damaged backup
// is refused and nothing moves; a running app's lock refuses a restore.
func TestRestore(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	backup, err := db.BackupNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	addCommunity(t, db, "后来新增小区", "台江区")
	// While the app holds the lock, restore is refused.
	lock, err := store.LockFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Restore(ctx, path, backup, nil); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("restore under a running app: %v", err)
	}
	// A backup damaged on disk is refused, nothing moves.
	bad := filepath.Join(t.TempDir(), "bad.db")
	body, _ := os.ReadFile(backup)
	raw, _ := sql.Open("sqlite", backup)
	raw.Close()
	tampered := filepath.Join(t.TempDir(), "tampered.db")
	os.WriteFile(tampered, body, 0o600)
	if raw, err := sql.Open("sqlite", tampered); err == nil {
		raw.Exec(`UPDATE communities SET name = '篡改' WHERE id = ?`, c.ID)
		raw.Close()
	}
	os.WriteFile(bad, body[:len(body)/2], 0o600)
	db.Close()
	for _, b := range []string{bad, tampered} {
		if _, err := store.Restore(ctx, path, b, lock); err == nil {
			t.Fatalf("%s restored", b)
		} else {
			t.Log(err)
		}
	}
	if n := communityCount(t, path); n != 2 {
		t.Fatalf("a refused restore changed the data file: %d communities", n)
	}
	res, err := store.Restore(ctx, path, backup, lock)
	if err != nil {
		t.Fatal(err)
	}
	lock.Close()
	if n := communityCount(t, path); n != 1 {
		t.Fatalf("after restore: %d communities, want the backup's 1", n)
	}
	if n := communityCount(t, res.Aside); n != 2 {
		t.Fatalf("the replaced file kept aside has %d communities, want 2", n)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		if st, _ := os.Stat(path + "-wal"); st.Size() > 0 {
			t.Fatal("a WAL of the replaced file was left next to the restored one")
		}
	}
	// The file kept aside is a backup like any other: restore it back.
	if _, err := store.Restore(ctx, path, res.Aside, nil); err != nil {
		t.Fatal(err)
	}
	if n := communityCount(t, path); n != 2 {
		t.Fatalf("restoring the kept file: %d communities", n)
	}
	list, _ := store.ListBackups(path)
	reasons := map[string]int{}
	for _, b := range list {
		reasons[b.Reason]++
	}
	if reasons[store.BackupBeforeRestore] != 2 || reasons[store.BackupManual] != 1 {
		t.Fatalf("backups: %v", reasons)
	}
}

// communityCount opens the data file (verifying it) and counts communities.
func communityCount(t *testing.T, path string) int {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("%s: verify %v %v", path, rep.Problems, err)
	}
	cs, err := db.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

func TestBackupRefusesUnverifiable(t *testing.T) {
	ctx := context.Background()
	// A data file changed behind the program's back: its backup does not
	// verify, so no backup is kept and the caller is told why.
	db, path := openTest(t)
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE communities SET households = 1 WHERE id = ?`, c.ID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = db.BackupNow(ctx)
	if err == nil || !strings.Contains(err.Error(), "校验未通过") || !strings.Contains(err.Error(), c.ID) {
		t.Fatalf("backup of a tampered file: %v", err)
	}
	if list, _ := store.ListBackups(path); len(list) != 0 {
		t.Fatalf("an unverified backup was kept: %v", list)
	}
}
