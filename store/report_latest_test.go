package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo/demotest"
)

// TestLatestResultsChunksSameWorkbook writes the 汇总表 of a generated
// city from LatestResults, read a few communities at a time, and from the
// former all-at-once reading, and compares the workbooks cell by cell.
func TestLatestResultsChunksSameWorkbook(t *testing.T) {
	ctx := context.Background()
	db, _ := demotest.Generated(t, 11)
	store.SetLatestResultsChunk(t, 7) // several chunks, the last one short
	var tpl *inspection.Template
	var district string
	records := 0
	if err := db.LatestResults(ctx, store.ReportFilter{}, func(r store.CommunityResult) error {
		if r.Record != nil {
			tpl, district = r.Record.Template, r.Community.District
			records++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if records < 20 {
		t.Fatalf("only %d communities have a finalized inspection", records)
	}
	// Both readings written as 汇总表 and read back cell by cell, with
	// styles (summaryCells, report_cache_test.go).
	book := func(read readFunc, f store.ReportFilter) [][]string {
		return summaryCells(t, tpl, collect(t, read, f))
	}
	for _, f := range []store.ReportFilter{{}, {District: district}} {
		got, want := book(db.LatestResults, f), book(db.LatestResultsAllAtOnce, f)
		if len(got) < 3 || len(got) != len(want) {
			t.Fatalf("%+v: %d rows, all at once %d", f, len(got), len(want))
		}
		for i := range got {
			if !slices.Equal(got[i], want[i]) {
				t.Fatalf("%+v row %d:\n got %q\nwant %q", f, i+1, got[i], want[i])
			}
		}
	}
}
