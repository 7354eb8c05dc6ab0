package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
	"github.com/jiayuan-inspect/jiayuan/store/demo/demotest"
)

// demoCity is the app's demo city (60 communities, dated by the demo clock)
// in a real file.
func demoCity(t *testing.T) *store.DB { return demotest.City(t, 60) }

// TestScopeNarrowsLatestResults checks district, street and dates against
// LatestResults of the whole file filtered by hand, and that the batch
// list (ScopeLatestFinalized) is the inspected communities of the same
// scope in the same order.
func TestScopeNarrowsLatestResults(t *testing.T) {
	ctx := context.Background()
	db := demoCity(t)
	var all []store.CommunityResult
	if err := db.LatestResults(ctx, store.ReportFilter{}, func(r store.CommunityResult) error {
		all = append(all, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// The street with most communities, and a date range that cuts the
	// inspected communities roughly in half.
	count := map[[2]string]int{}
	var starts []time.Time
	for _, r := range all {
		count[[2]string{r.Community.District, r.Community.Street}]++
		if r.Record != nil {
			starts = append(starts, r.Record.Inspection.StartedAt)
		}
	}
	var best [2]string
	for k, n := range count {
		if n > count[best] || (n == count[best] && k[0]+k[1] < best[0]+best[1]) {
			best = k
		}
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	mid := starts[len(starts)/2]
	loc := time.Local
	from := time.Date(mid.In(loc).Year(), mid.In(loc).Month(), mid.In(loc).Day(), 0, 0, 0, 0, loc)

	for _, sc := range []store.ReportScope{
		{},
		{District: best[0]},
		{District: best[0], Street: best[1]},
		{From: from},
		{To: from},
		{District: best[0], From: from.AddDate(0, 0, -14), To: from},
	} {
		var want []string
		var wantIDs []string
		for _, r := range all {
			c := r.Community
			if sc.District != "" && c.District != sc.District || sc.Street != "" && c.Street != sc.Street {
				continue
			}
			if sc.Dated() {
				if r.Record == nil {
					continue
				}
				d := r.Record.Inspection.StartedAt.In(loc)
				day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
				if !sc.From.IsZero() && day.Before(sc.From) || !sc.To.IsZero() && day.After(sc.To) {
					continue
				}
			}
			want = append(want, c.ID)
			if r.Record != nil {
				wantIDs = append(wantIDs, r.Record.Inspection.ID)
			}
		}
		var got []string
		if err := db.ScopeResults(ctx, sc, func(r store.CommunityResult) error {
			got = append(got, r.Community.ID)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%+v: ScopeResults gave %d communities, want %d", sc, len(got), len(want))
		}
		var gotSum, gotSumIDs []string
		if err := db.ScopeSummaries(ctx, sc, func(r store.CommunityResult) error {
			gotSum = append(gotSum, r.Community.ID)
			if r.Record != nil {
				gotSumIDs = append(gotSumIDs, r.Record.Inspection.ID)
				if r.Answers == nil || r.Record.Answers != nil {
					t.Errorf("%+v: ScopeSummaries gave a record with %d answers in a list, %d in a map", sc, len(r.Answers), len(r.Record.Answers))
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(gotSum, want) || !slices.Equal(gotSumIDs, wantIDs) {
			t.Errorf("%+v: ScopeSummaries gave %d communities (%d records), want %d (%d)", sc, len(gotSum), len(gotSumIDs), len(want), len(wantIDs))
		}
		recs, err := db.ScopeLatestFinalized(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []string
		for _, r := range recs {
			gotIDs = append(gotIDs, r.InspectionID)
		}
		if !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("%+v: ScopeLatestFinalized gave %d records, want %d", sc, len(gotIDs), len(wantIDs))
		}
		if len(want) == 0 {
			t.Errorf("%+v: empty scope tests nothing", sc)
		}
		if sc.Dated() && len(want) == len(all) {
			t.Errorf("%+v: the dates left out nothing", sc)
		}
	}
}

// TestScopeActionRowsFilters checks the 整改清单's status choices against
// the actions' effective status, and the street.
func TestScopeActionRowsFilters(t *testing.T) {
	ctx := context.Background()
	db := demoCity(t)
	now := demo.DefaultNow.AddDate(0, 0, 20) // some due dates have passed
	all, err := db.ScopeActionRows(ctx, store.ReportScope{}, store.ActionsAll, now)
	if err != nil {
		t.Fatal(err)
	}
	n := map[inspection.ActionStatus]int{}
	for _, r := range all {
		n[r.Action.EffectiveStatus(now)]++
	}
	if n[inspection.ActionOverdue] == 0 || len(all) == n[inspection.ActionOverdue] {
		t.Fatalf("the demo should have overdue and other actions at %v: %v", now, n)
	}
	for f, want := range map[store.ActionStatusFilter]int{
		store.ActionsOpen:    len(all) - n[inspection.ActionDone] - n[inspection.ActionCancelled],
		store.ActionsOverdue: n[inspection.ActionOverdue],
		store.ActionsDone:    n[inspection.ActionDone],
	} {
		rows, err := db.ScopeActionRows(ctx, store.ReportScope{}, f, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != want {
			t.Errorf("filter %d: %d rows, want %d", f, len(rows), want)
		}
	}
	c := all[0].Community
	rows, err := db.ScopeActionRows(ctx, store.ReportScope{District: c.District, Street: c.Street}, store.ActionsAll, now)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, r := range all {
		if r.Community.District == c.District && r.Community.Street == c.Street {
			want++
		}
	}
	if len(rows) != want || want == len(all) {
		t.Errorf("street %s%s: %d rows, want %d of %d", c.District, c.Street, len(rows), want, len(all))
	}
}

// TestEachScopeActionRowSameAsList checks the streamed 整改清单 of the 报表
// tab against ScopeActionRows (which filters the whole list afterwards):
// for every status choice and scopes of the whole file, a district, a
// street and date ranges, the count given first and the rows, in order.
// It also stops on an error from start or from a row.
func TestEachScopeActionRowSameAsList(t *testing.T) {
	ctx := context.Background()
	db := demoCity(t)
	now := demo.DefaultNow.AddDate(0, 0, 20)
	all, err := db.ScopeActionRows(ctx, store.ReportScope{}, store.ActionsAll, now)
	if err != nil {
		t.Fatal(err)
	}
	var starts []time.Time
	for _, r := range all {
		starts = append(starts, r.InspectedAt)
	}
	slices.SortFunc(starts, time.Time.Compare)
	mid := starts[len(starts)/2]
	c := all[len(all)/2].Community
	scopes := []store.ReportScope{{}, {District: c.District}, {District: c.District, Street: c.Street}, {From: mid},
		{To: mid}, {District: c.District, From: starts[len(starts)/4], To: mid}, {District: "没有这个区"}}
	nonEmpty := 0
	for _, sc := range scopes {
		for f := store.ActionsOpen; f <= store.ActionsAll; f++ {
			want, err := db.ScopeActionRows(ctx, sc, f, now)
			if err != nil {
				t.Fatal(err)
			}
			total := -1
			var got []store.ActionSheetRow
			err = db.EachScopeActionRow(ctx, sc, f, now, func(n int) error {
				if got != nil || total >= 0 {
					t.Errorf("%+v %d: start after rows or twice", sc, f)
				}
				total = n
				return nil
			}, func(r store.ActionSheetRow) error {
				got = append(got, r)
				return nil
			})
			if err != nil {
				t.Fatalf("%+v %d: %v", sc, f, err)
			}
			if total != len(want) || len(got) != len(want) {
				t.Fatalf("%+v %d: count %d, %d rows; ScopeActionRows gives %d", sc, f, total, len(got), len(want))
			}
			for i := range want {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("%+v %d: row %d is %+v, want %+v", sc, f, i, got[i], want[i])
				}
			}
			if len(want) > 0 && len(want) < len(all) {
				nonEmpty++
			}
		}
	}
	if nonEmpty < 10 {
		t.Fatalf("only %d scopes narrowed the list to some rows: the test compares too little", nonEmpty)
	}
	stop := errors.New("stop")
	if err := db.EachScopeActionRow(ctx, store.ReportScope{}, store.ActionsAll, now, func(int) error { return stop }, func(store.ActionSheetRow) error {
		t.Error("a row after start failed")
		return nil
	}); err != stop {
		t.Errorf("start's error: got %v", err)
	}
	n := 0
	if err := db.EachScopeActionRow(ctx, store.ReportScope{}, store.ActionsAll, now, func(int) error { return nil }, func(store.ActionSheetRow) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	}); err != stop || n != 3 {
		t.Errorf("a row's error: got %v after %d rows", err, n)
	}
}
