package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func TestListCommunityRowsStatus(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	tpl := defaultTemplate(t)
	photo := testJPEG(t, 40, 30)

	never := addCommunity(t, db, "怡乐花园", "鼓楼区")
	drafting := addCommunity(t, db, "金山碧水", "仓山区")
	done := addCommunity(t, db, "融侨锦江", "台江区")
	failing := addCommunity(t, db, "三坊七巷小区", "鼓楼区")

	if _, err := db.StartInspection(ctx, drafting.ID, tpl.ID, tpl.Version, []string{"张三"}); err != nil {
		t.Fatal(err)
	}
	finish := func(c inspection.Community, fee float64) {
		in, err := db.StartInspection(ctx, c.ID, tpl.ID, tpl.Version, []string{"李四"})
		if err != nil {
			t.Fatal(err)
		}
		answerAll(t, db, tpl, in.ID, fee, photo)
		if _, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "李四", Role: "检查员"}}); err != nil {
			t.Fatal(err)
		}
	}
	finish(done, 98)
	finish(failing, 90) // fee rate fails: a veto and a corrective action

	want := map[string]store.CommunityStatus{
		never.ID: store.StatusUninspected, drafting.ID: store.StatusInProgress,
		done.ID: store.StatusDone, failing.ID: store.StatusNeedsActions,
	}
	rows, err := db.ListCommunityRows(ctx, store.CommunityRowFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("got %d rows, want 4", len(rows))
	}
	for _, r := range rows {
		if r.Status != want[r.ID] {
			t.Errorf("%s: status %s, want %s", r.Name, r.Status, want[r.ID])
		}
		switch r.ID {
		case never.ID:
			if r.LatestID != "" || r.ScoreDefined {
				t.Errorf("%s: latest %q defined %v, want none", r.Name, r.LatestID, r.ScoreDefined)
			}
		case failing.ID:
			if r.Vetoes != 1 || r.OpenActions != 1 || !r.ScoreDefined || r.Score >= 100 {
				t.Errorf("%s: vetoes %d, open actions %d, score %v (defined %v)", r.Name, r.Vetoes, r.OpenActions, r.Score, r.ScoreDefined)
			}
		case done.ID:
			if r.Score != 100 || r.LatestAt.IsZero() {
				t.Errorf("%s: score %v at %v, want 100", r.Name, r.Score, r.LatestAt)
			}
		}
	}

	tests := []struct {
		name string
		f    store.CommunityRowFilter
		want []string
	}{
		{"pinyin initials", store.CommunityRowFilter{Query: "ylhy"}, []string{"怡乐花园"}},
		{"pinyin upper case", store.CommunityRowFilter{Query: "JSBS"}, []string{"金山碧水"}},
		{"name substring", store.CommunityRowFilter{Query: "锦江"}, []string{"融侨锦江"}},
		{"district", store.CommunityRowFilter{District: "鼓楼区"}, []string{"三坊七巷小区", "怡乐花园"}},
		{"status", store.CommunityRowFilter{Status: store.StatusNeedsActions}, []string{"三坊七巷小区"}},
		{"status and district", store.CommunityRowFilter{District: "鼓楼区", Status: store.StatusUninspected}, []string{"怡乐花园"}},
		{"like wildcard is literal", store.CommunityRowFilter{Query: "%"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := db.ListCommunityRows(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Name)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}

	acts, err := db.ListActionRows(ctx, store.ActionFilter{OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 || acts[0].CommunityName != "三坊七巷小区" || acts[0].District != "鼓楼区" || acts[0].ItemCode != "11.2" {
		t.Errorf("open actions = %+v, want 11.2 of 三坊七巷小区", acts)
	}
}

func TestStreetsAndRecentNotes(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	tpl := defaultTemplate(t)
	for i, s := range []struct{ name, district, street string }{
		{"甲小区", "鼓楼区", "东街街道"}, {"乙小区", "鼓楼区", "南街街道"}, {"丙小区", "仓山区", "仓前街道"},
	} {
		if _, err := db.AddCommunity(ctx, inspection.Community{Name: s.name, District: s.district, Street: s.street}); err != nil {
			t.Fatal(i, err)
		}
	}
	streets, err := db.Streets(ctx, "鼓楼区")
	if err != nil || fmt.Sprint(streets) != "[东街街道 南街街道]" {
		t.Errorf("Streets(鼓楼区) = %v, %v", streets, err)
	}
	all, err := db.Streets(ctx, "")
	if err != nil || len(all) != 3 {
		t.Errorf("Streets() = %v, %v", all, err)
	}

	rows, _ := db.ListCommunityRows(ctx, store.CommunityRowFilter{})
	in, err := db.StartInspection(ctx, rows[0].ID, tpl.ID, tpl.Version, []string{"王五"})
	if err != nil {
		t.Fatal(err)
	}
	in2, err := db.StartInspection(ctx, rows[1].ID, tpl.ID, tpl.Version, []string{"王五"})
	if err != nil {
		t.Fatal(err)
	}
	// The same note in two inspections counts once; the newest comes first.
	for _, n := range []struct{ id, note string }{{in.ID, "楼道堆放杂物"}, {in2.ID, "消防通道被占用"}, {in.ID, "楼道堆放杂物"}} {
		if _, err := db.SetNote(ctx, n.id, "8.1", n.note); err != nil {
			t.Fatal(err)
		}
	}
	notes, err := db.RecentNotes(ctx, "8.1", 5)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(notes) != "[楼道堆放杂物 消防通道被占用]" {
		t.Errorf("RecentNotes = %v, want newest first without repeats", notes)
	}
	if none, _ := db.RecentNotes(ctx, "1.1", 5); len(none) != 0 {
		t.Errorf("RecentNotes(1.1) = %v, want none", none)
	}
}

// TestListCommunityRows5000 checks that the list query stays fast with a
// city's worth of communities (the list screen runs it on every search).
func TestListCommunityRows5000(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	ctx := context.Background()
	db, _ := openTest(t)
	if err := db.AddCommunities(ctx, benchCommunities(5000)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rows, err := db.ListCommunityRows(ctx, store.CommunityRowFilter{})
	if err != nil || len(rows) != 5000 {
		t.Fatalf("got %d rows, %v", len(rows), err)
	}
	all := time.Since(start)
	start = time.Now()
	found, err := db.ListCommunityRows(ctx, store.CommunityRowFilter{Query: "ylhy"})
	if err != nil || len(found) == 0 {
		t.Fatalf("ylhy: %d rows, %v", len(found), err)
	}
	search := time.Since(start)
	t.Logf("5000 communities: list %v, search %v", all, search)
	if all > 2*time.Second || search > time.Second {
		t.Errorf("too slow: list %v, search %v", all, search)
	}
}

func benchCommunities(n int) []inspection.Community {
	names := []string{"怡乐花园", "金山碧水", "融侨锦江", "三盛果岭", "阳光城", "万科城"}
	out := make([]inspection.Community, n)
	for i := range out {
		out[i] = inspection.Community{
			Name: fmt.Sprintf("%s%d期", names[i%len(names)], i), District: fmt.Sprintf("第%d区", i%8),
			Street: fmt.Sprintf("街道%d", i%40), Address: fmt.Sprintf("福州市某路%d号", i), Households: 500,
		}
	}
	return out
}
