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

// Generated is the city jiayuanctl gen makes from seed at scale 0.02 (100
// communities with two years of inspections), in a real file whose path
// it returns too. It fails the test if the city lacks drafts, corrective
// actions or amendments: the tests that use it compare readings of those.
func Generated(t testing.TB, seed uint64) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "city.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sum, err := demo.Generate(ctx, db, demo.GenOptions{Seed: seed, Scale: 0.02, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Drafts == 0 || sum.Actions == 0 || sum.Amendments == 0 {
		t.Fatalf("the generated city lacks drafts, actions or amendments: %+v", sum)
	}
	return db, path
}
