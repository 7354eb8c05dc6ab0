// Package demotest opens the app's demo data in a real data file for tests
// of the packages that read it (store, ui): a file in t.TempDir(), dated by
// the demo's clock, closed when the test ends.
package demotest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
)

// City is the demo (seed 1) with the given number of communities.
func City(t testing.TB, communities int) *store.DB {
	t.Helper()
	ctx := context.Background()
	clock := demo.NewClock()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), store.Options{Now: clock.Now, Actor: "测试员"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.Populate(ctx, db, demo.Options{Seed: 1, Communities: communities, Clock: clock}); err != nil {
		t.Fatal(err)
	}
	return db
}
