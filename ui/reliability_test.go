package ui

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// overlayText is every label's text in the window's top overlay (a dialog).
func overlayText(u *App) string {
	top := u.window.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			texts = append(texts, w.Text)
		case fyne.Widget:
			r := w.CreateRenderer() // dialogs build their content in the renderer
			for _, c := range r.Objects() {
				walk(c)
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(top)
	return strings.Join(texts, "\n")
}

// TestStartCheckWarnsAndNamesTheRecord: a record changed with the sqlite3
// shell behind the app's back is named in a warning at start, and no daily
// backup is made of the bad file; a good file gets its daily backup.
func TestStartCheckWarnsAndNamesTheRecord(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	u.checkDataFile(ctx)
	if list, _ := store.ListBackups(db.Path()); len(list) != 1 || list[0].Reason != store.BackupDaily {
		t.Fatalf("a good file: backups %v", list)
	}
	if txt := overlayText(u); strings.Contains(txt, "校验") {
		t.Fatalf("a warning for a good file: %s", txt)
	}

	cs, err := db.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil || len(cs) == 0 {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE communities SET households = 1 WHERE id = ?`, cs[0].ID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	u.checkDataFile(ctx)
	txt := overlayText(u)
	for _, want := range []string{"数据文件校验发现 1 处问题", "小区「" + cs[0].Name + "」（" + cs[0].District + "）（编号 " + cs[0].ID + "）", "记录内容与审计日志不符", "jiayuanctl verify"} {
		if !strings.Contains(txt, want) {
			t.Errorf("warning lacks %q:\n%s", want, txt)
		}
	}
}

// TestRestoreFromSettings: 立即备份, a later change, then 恢复备份 of that
// backup: the file holds the backup's records, the replaced file is kept,
// and the app asks to be restarted.
func TestRestoreFromSettings(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	path := db.Path()
	u := newTestUI(t, db)
	u.backupNow()
	if txt := overlayText(u); !strings.Contains(txt, "备份已写入并校验通过") {
		t.Fatalf("backup: %s", txt)
	}
	list, _ := store.ListBackups(path)
	if len(list) != 1 {
		t.Fatalf("backups: %v", list)
	}
	before, _ := db.ListCommunities(ctx, store.CommunityFilter{})
	if _, err := db.AddCommunity(ctx, inspection.Community{Name: "备份之后的小区", District: "鼓楼区"}); err != nil {
		t.Fatal(err)
	}
	u.restore(list[0].Path)
	if txt := overlayText(u); !strings.Contains(txt, "已恢复") || !strings.Contains(txt, "原数据文件保留在") {
		t.Fatalf("restore: %s", txt)
	}
	again, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	after, _ := again.ListCommunities(ctx, store.CommunityFilter{})
	if len(after) != len(before) {
		t.Fatalf("%d communities after restore, want %d", len(after), len(before))
	}
	if rep, err := again.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", rep.Problems, err)
	}
}
