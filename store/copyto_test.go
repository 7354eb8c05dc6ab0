package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

func TestCopyToMakesACheckedCopyWithTheSameDevice(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	addCommunity(t, db, "怡乐花园", "鼓楼区")
	target := filepath.Join(t.TempDir(), "新位置 (U盘)", "jiayuan.db")
	if err := db.CopyTo(ctx, target); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the original must stay: %v", err)
	}
	c, err := store.Open(ctx, target, store.Options{Actor: "测试员"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Device().ID != db.Device().ID {
		t.Errorf("device %s in the copy, %s in the original: moving must keep the device key", c.Device().ID, db.Device().ID)
	}
	rows, err := c.ListCommunityRows(ctx, store.CommunityRowFilter{Query: "怡乐花园"})
	if err != nil || len(rows) != 1 {
		t.Errorf("community in the copy: %d rows, %v", len(rows), err)
	}
	rep, err := c.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Errorf("verify the copy: %+v, %v", rep, err)
	}
	// A second copy to the same place is refused and leaves the first.
	if err := db.CopyTo(ctx, target); !errors.Is(err, store.ErrCopyExists) {
		t.Errorf("copy onto an existing file: %v, want ErrCopyExists", err)
	}
}
