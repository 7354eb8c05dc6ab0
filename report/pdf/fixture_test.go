package pdf_test

import (
	"context"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/report/internal/fixture"
	"github.com/jiayuan-inspect/jiayuan/report/pdf"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// The fixtures live in report/internal/fixture, shared with report/xlsx.

type recordOpts = fixture.RecordOpts

var (
	openDB     = fixture.OpenDB
	photo      = fixture.Photo
	signature  = fixture.Signature
	makeRecord = fixture.MakeRecord
)

// document loads what the PDF needs, the way the CLI does.
func document(t testing.TB, db *store.DB, id string) pdf.Document {
	t.Helper()
	ctx := context.Background()
	rec, err := db.Inspection(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	acts, err := db.ListActions(ctx, store.ActionFilter{InspectionID: id})
	if err != nil {
		t.Fatal(err)
	}
	return pdf.Document{
		Record: rec, Actions: acts,
		Photo:     func(sha string) ([]byte, error) { return db.Photo(ctx, sha) },
		PrintedAt: time.Date(2024, 9, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)),
	}
}
