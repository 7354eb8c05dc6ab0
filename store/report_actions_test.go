package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo/demotest"
)

// TestActionSheetRowsSameAsLoadingEach compares ActionSheetRows with what
// jiayuanctl collected before it (each action's community and inspection
// loaded one at a time) on a generated city, for every filter it uses.
func TestActionSheetRowsSameAsLoadingEach(t *testing.T) {
	ctx := context.Background()
	db, _ := demotest.Generated(t, 5)
	all, err := db.ListActions(ctx, store.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("the generated city has no corrective actions")
	}
	c0, err := db.Community(ctx, all[0].CommunityID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []store.ActionFilter{{}, {OpenOnly: true}, {District: c0.District}, {District: c0.District, OpenOnly: true},
		{District: "不存在区"}} {
		got, err := db.ActionSheetRows(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want := actionRowsOneByOne(t, db, f)
		if len(got) != len(want) {
			t.Fatalf("%+v: %d rows, loading each gives %d", f, len(got), len(want))
		}
		for i := range got {
			if g, w := sheetRowString(got[i]), sheetRowString(want[i]); g != w {
				t.Fatalf("%+v row %d:\n got %s\nwant %s", f, i, g, w)
			}
		}
		if f == (store.ActionFilter{}) && len(got) != len(all) {
			t.Fatalf("%d rows, ListActions has %d", len(got), len(all))
		}
	}
}

// actionRowsOneByOne is jiayuanctl's former actionRows.
func actionRowsOneByOne(t *testing.T, db *store.DB, f store.ActionFilter) []store.ActionSheetRow {
	t.Helper()
	ctx := context.Background()
	acts, err := db.ListActions(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.ActionSheetRow
	for _, a := range acts {
		com, err := db.Community(ctx, a.CommunityID)
		if err != nil {
			t.Fatal(err)
		}
		rec, err := db.Inspection(ctx, a.InspectionID)
		if err != nil {
			t.Fatal(err)
		}
		row := store.ActionSheetRow{Action: a, Community: com, InspectedAt: rec.Inspection.StartedAt}
		if it, ok := rec.Template.Item(a.ItemCode); ok {
			row.ItemText = it.Text
		}
		out = append(out, row)
	}
	return out
}

// sheetRowString prints a row with the community's figures, not their
// addresses.
func sheetRowString(r store.ActionSheetRow) string {
	fig := func(p *float64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	sat, cr := fig(r.Community.Satisfaction), fig(r.Community.ComplaintRate)
	r.Community.Satisfaction, r.Community.ComplaintRate = nil, nil
	return fmt.Sprintf("%+v satisfaction %s complaints %s", r, sat, cr)
}

// TestEachActionSheetRowStops: the streamed rows are ActionSheetRows'
// (ActionSheetRows collects them), start gets their number first, and an
// error from start or fn stops the reading and is returned.
func TestEachActionSheetRowStops(t *testing.T) {
	ctx := context.Background()
	db, _ := demotest.Generated(t, 5)
	all, err := db.ActionSheetRows(ctx, store.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 400 { // more than one of the reader's batches (256 rows)
		t.Fatalf("only %d actions", len(all))
	}
	stop := errors.New("stop")
	total, seen := -1, 0
	err = db.EachActionSheetRow(ctx, store.ActionFilter{}, func(n int) error {
		if seen != 0 {
			t.Fatal("start called after a row")
		}
		total = n
		return nil
	}, func(r store.ActionSheetRow) error {
		if sheetRowString(r) != sheetRowString(all[seen]) {
			t.Fatalf("row %d differs", seen)
		}
		if seen++; seen == 300 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || total != len(all) || seen != 300 {
		t.Fatalf("err %v, total %d (want %d), %d rows seen", err, total, len(all), seen)
	}
	err = db.EachActionSheetRow(ctx, store.ActionFilter{}, func(int) error { return stop },
		func(store.ActionSheetRow) error { t.Fatal("a row after start failed"); return nil })
	if !errors.Is(err, stop) {
		t.Fatalf("start's error: %v", err)
	}
}
