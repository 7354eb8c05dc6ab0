package store_test

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
	"github.com/xuri/excelize/v2"
)

// TestLatestResultsChunksSameWorkbook writes the 汇总表 of a generated
// city from LatestResults, read a few communities at a time, and from the
// former all-at-once reading, and compares the workbooks cell by cell.
func TestLatestResultsChunksSameWorkbook(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "city.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sum, err := demo.Generate(ctx, db, demo.GenOptions{Seed: 11, Scale: 0.02, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Amendments == 0 || sum.Drafts == 0 {
		t.Fatalf("the generated city lacks amendments or drafts: %+v", sum)
	}
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
	at := time.Date(2024, 9, 11, 10, 0, 0, 0, time.Local)
	book := func(read func(context.Context, store.ReportFilter, func(store.CommunityResult) error) error, f store.ReportFilter) [][]string {
		seq := func(yield func(xlsx.Result, error) bool) {
			stop := false
			err := read(ctx, f, func(r store.CommunityResult) error {
				if !stop && !yield(xlsx.Result{Community: r.Community, Record: r.Record}, nil) {
					stop = true
				}
				return nil
			})
			if err != nil && !stop {
				yield(xlsx.Result{}, err)
			}
		}
		var b bytes.Buffer
		if err := xlsx.WriteSummary(&b, iter.Seq2[xlsx.Result, error](seq), xlsx.SummaryOptions{Template: tpl, At: at}); err != nil {
			t.Fatal(err)
		}
		wb, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		defer wb.Close()
		rows, err := wb.GetRows(xlsx.SummarySheet)
		if err != nil {
			t.Fatal(err)
		}
		// Styles too: failing cells are highlighted.
		for r, row := range rows {
			for c := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				style, err := wb.GetCellStyle(xlsx.SummarySheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				rows[r][c] += fmt.Sprintf(" ·%d", style)
			}
		}
		return rows
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
