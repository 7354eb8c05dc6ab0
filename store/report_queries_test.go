package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// finishedInspection answers every item (fee rate as given) and finalizes.
func finishedInspection(t *testing.T, db *store.DB, c inspection.Community, fee float64) string {
	t.Helper()
	ctx := context.Background()
	in, err := db.StartInspection(ctx, c.ID, "meihao-2024", 1, []string{"检查员甲"})
	if err != nil {
		t.Fatal(err)
	}
	answerAll(t, db, defaultTemplate(t), in.ID, fee, testJPEG(t, 320, 240))
	if _, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "检查员甲", Role: "检查员"}}); err != nil {
		t.Fatal(err)
	}
	return in.ID
}

func TestAmendmentChainAndPrintData(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	orig := finishedInspection(t, db, c, 98)
	am, err := db.AmendInspection(ctx, orig, "收费率录入错误")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinalizeInspection(ctx, am.ID, []inspection.Signature{{Name: "检查员甲"}}); err != nil {
		t.Fatal(err)
	}
	am2, err := db.AmendInspection(ctx, am.ID, "再次更正")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{orig, am.ID, am2.ID} {
		chain, err := db.AmendmentChain(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(chain) != 3 || chain[0] != orig || chain[1] != am.ID || chain[2] != am2.ID {
			t.Fatalf("chain of %s = %v", id, chain)
		}
	}
	rec, acts, chain, err := db.PrintData(ctx, am.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Inspection.ID != am.ID || len(chain) != 3 || chain[1].Inspection.ID != am.ID || chain[0].ContentDigest == "" {
		t.Fatalf("PrintData: %s, chain %d", rec.Inspection.ID, len(chain))
	}
	_ = acts
	if _, err := db.AmendmentChain(ctx, "nope"); !errors.Is(err, inspection.ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
}

func TestLatestResultsAndFinalizedIDs(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	a := addCommunity(t, db, "甲小区", "鼓楼区")
	b := addCommunity(t, db, "乙小区", "鼓楼区")
	c := addCommunity(t, db, "丙小区", "台江区")
	first := finishedInspection(t, db, a, 90)
	second := finishedInspection(t, db, a, 97)
	third := finishedInspection(t, db, c, 99)
	if _, err := db.StartInspection(ctx, b.ID, "meihao-2024", 1, []string{"某"}); err != nil { // a draft only
		t.Fatal(err)
	}
	got := map[string]string{}
	var order []string
	err := db.LatestResults(ctx, store.ReportFilter{}, func(r store.CommunityResult) error {
		order = append(order, r.Community.Name)
		if r.Record != nil {
			got[r.Community.Name] = r.Record.Inspection.ID
			if len(r.Record.Answers) != 46 || !r.Record.Score.Defined || r.Record.Community.ID != r.Community.ID {
				t.Errorf("%s: %d answers, score defined %v", r.Community.Name, len(r.Record.Answers), r.Record.Score.Defined)
			}
			if r.Community.Name == "甲小区" && len(r.Record.Score.Vetoes) != 0 {
				t.Errorf("latest of 甲小区 should be the one with fee 97")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 3 || got["甲小区"] != second || got["丙小区"] != third || got["乙小区"] != "" {
		t.Fatalf("order %v, latest %v", order, got)
	}
	var n int
	db.LatestResults(ctx, store.ReportFilter{District: "台江区"}, func(r store.CommunityResult) error { n++; return nil })
	if n != 1 {
		t.Fatalf("district filter: %d communities", n)
	}
	ids, err := db.FinalizedInspectionIDs(ctx, "鼓楼区", false)
	if err != nil || len(ids) != 2 || ids[0] != first || ids[1] != second {
		t.Fatalf("finalized ids %v %v", ids, err)
	}
	ids, _ = db.FinalizedInspectionIDs(ctx, "", true)
	if len(ids) != 2 {
		t.Fatalf("latest only: %v", ids)
	}
}

func TestSaveLiaisons(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	ls := []store.Liaison{
		{District: "鼓楼区", Unit: "鼓楼区住建局", Name: "张三", Title: "科长", Mobile: "13800000000"},
		{District: "台江区", Unit: "台江区房管局", Name: "李四", OfficePhone: "0591-87654321"},
	}
	added, updated, err := db.SaveLiaisons(ctx, ls)
	if err != nil || added != 2 || updated != 0 {
		t.Fatalf("first save: %d %d %v", added, updated, err)
	}
	added, updated, err = db.SaveLiaisons(ctx, ls)
	if err != nil || added != 0 || updated != 0 {
		t.Fatalf("same again: %d %d %v", added, updated, err)
	}
	ls[0].Mobile = "13900000000"
	added, updated, err = db.SaveLiaisons(ctx, ls)
	if err != nil || added != 0 || updated != 1 {
		t.Fatalf("changed: %d %d %v", added, updated, err)
	}
	got, err := db.Liaisons(ctx, "鼓楼区")
	if err != nil || len(got) != 1 || got[0].Mobile != "13900000000" || got[0].ID != store.LiaisonID("鼓楼区住建局", "张三") {
		t.Fatalf("liaisons %+v %v", got, err)
	}
	if _, _, err := db.SaveLiaisons(ctx, []store.Liaison{{Unit: "x"}}); !errors.Is(err, inspection.ErrInvalid) {
		t.Fatalf("no name: %v", err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

func TestImportCommunitiesAndFigures(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	old := addCommunity(t, db, "甲小区", "鼓楼区")
	old.Households = 999
	err := db.ImportCommunities(ctx, []inspection.Community{{Name: "新小区", District: "鼓楼区"}}, []inspection.Community{old})
	if err != nil {
		t.Fatal(err)
	}
	list, _ := db.ListCommunities(ctx, store.CommunityFilter{})
	if len(list) != 2 {
		t.Fatalf("%d communities", len(list))
	}
	got, _ := db.Community(ctx, old.ID)
	if got.Households != 999 {
		t.Fatalf("households %d", got.Households)
	}
	// All or none: one invalid community stores nothing.
	err = db.ImportCommunities(ctx, []inspection.Community{{Name: "好", District: "鼓楼区"}, {Name: "", District: "鼓楼区"}}, nil)
	if !errors.Is(err, inspection.ErrInvalid) {
		t.Fatalf("invalid: %v", err)
	}
	if list, _ := db.ListCommunities(ctx, store.CommunityFilter{}); len(list) != 2 {
		t.Fatalf("a failed import stored %d communities", len(list)-2)
	}
	n, err := db.SetCommunityFigures(ctx, []store.CommunityFigures{{CommunityID: old.ID, Satisfaction: fp(96.5)}})
	if err != nil || n != 1 {
		t.Fatalf("figures: %d %v", n, err)
	}
	n, err = db.SetCommunityFigures(ctx, []store.CommunityFigures{{CommunityID: old.ID, Satisfaction: fp(96.5)}})
	if err != nil || n != 0 {
		t.Fatalf("same figures again: %d %v", n, err)
	}
	got, _ = db.Community(ctx, old.ID)
	if got.Satisfaction == nil || *got.Satisfaction != 96.5 || got.ComplaintRate != nil || got.Households != 999 {
		t.Fatalf("after figures: %+v", got)
	}
	if _, err := db.SetCommunityFigures(ctx, []store.CommunityFigures{{CommunityID: old.ID, Satisfaction: fp(101)}}); !errors.Is(err, inspection.ErrInvalid) {
		t.Fatalf("satisfaction 101: %v", err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || len(rep.Problems) != 0 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}
