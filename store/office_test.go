package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// finishedWith answers every item (fee rate as given), changes the
// answers with edit, and finalizes.
func finishedWith(t *testing.T, db *store.DB, c inspection.Community, fee float64, edit func(id string)) string {
	t.Helper()
	ctx := context.Background()
	in, err := db.StartInspection(ctx, c.ID, "meihao-2024", 1, []string{"检查员甲"})
	if err != nil {
		t.Fatal(err)
	}
	answerAll(t, db, defaultTemplate(t), in.ID, fee, testJPEG(t, 32, 24))
	if edit != nil {
		edit(in.ID)
	}
	if _, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "检查员甲", Role: "检查员"}}); err != nil {
		t.Fatal(err)
	}
	return in.ID
}

func verdictOf(t *testing.T, db *store.DB, id string) inspection.Verdict {
	t.Helper()
	v, _, err := db.Verdict(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOfficeResultsUseTheLatestFinalized: a finalized amendment replaces
// what it corrects; a draft amendment does not; the correction of an old
// visit finalized after a newer visit does not replace the newer visit.
func TestOfficeResultsUseTheLatestFinalized(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	if _, err := db.SetCommunityFigures(ctx, []store.CommunityFigures{{CommunityID: c.ID, Satisfaction: fp(99)}}); err != nil {
		t.Fatal(err)
	}
	if v := verdictOf(t, db, c.ID); v.Status != inspection.StatusUninspected {
		t.Fatalf("before any inspection: %s %v", v.Status, v.Reasons)
	}
	orig := finishedWith(t, db, c, 98, nil)
	if v := verdictOf(t, db, c.ID); !v.Eligible() {
		t.Fatalf("after a passing inspection: %s %v", v.Status, v.Reasons)
	}
	// A draft correction to a fee rate of 93 changes nothing yet.
	am, err := db.AmendInspection(ctx, orig, "收费率录入错误")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetValue(ctx, am.ID, "11.2", fp(93)); err != nil {
		t.Fatal(err)
	}
	if v := verdictOf(t, db, c.ID); !v.Eligible() {
		t.Fatalf("a draft amendment changed the verdict: %v", v.Reasons)
	}
	if _, err := db.FinalizeInspection(ctx, am.ID, []inspection.Signature{{Name: "检查员甲"}}); err != nil {
		t.Fatal(err)
	}
	v := verdictOf(t, db, c.ID)
	if v.Status != inspection.StatusIneligible || !strings.Contains(strings.Join(v.Reasons, "\n"), "一票否决：11.2 物业费收费率为 93%") {
		t.Fatalf("after the finalized amendment: %s %v", v.Status, v.Reasons)
	}
	// A newer visit passes again …
	newer := finishedWith(t, db, c, 97, nil)
	if v := verdictOf(t, db, c.ID); !v.Eligible() {
		t.Fatalf("after the newer visit: %v", v.Reasons)
	}
	// … and a correction of the old visit finalized now does not replace it.
	am2, err := db.AmendInspection(ctx, am.ID, "再次核对")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinalizeInspection(ctx, am2.ID, []inspection.Signature{{Name: "检查员甲"}}); err != nil {
		t.Fatal(err)
	}
	res, err := db.OfficeResults(ctx, store.OfficeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Record == nil || res[0].Record.Inspection.ID != newer {
		t.Fatalf("latest record: %+v, want the newer visit %s", res[0].Record.Inspection.ID, newer)
	}
}

// city makes n communities in two districts, all inspected with passing
// answers and the same top satisfaction (so all tie for first and are
// eligible), and returns them.
func city(t *testing.T, db *store.DB, names map[string]string) map[string]inspection.Community {
	t.Helper()
	ctx := context.Background()
	out := map[string]inspection.Community{}
	var figs []store.CommunityFigures
	for name, district := range names {
		c := addCommunity(t, db, name, district)
		finishedWith(t, db, c, 97, nil)
		out[name] = c
		figs = append(figs, store.CommunityFigures{CommunityID: c.ID, Satisfaction: fp(99)})
	}
	if _, err := db.SetCommunityFigures(ctx, figs); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPicksAndLimits(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	cs := city(t, db, map[string]string{"甲园": "鼓楼区", "乙园": "鼓楼区", "丙园": "鼓楼区", "丁园": "台江区"})
	bad := addCommunity(t, db, "戊园", "鼓楼区")
	finishedWith(t, db, bad, 97, func(id string) {
		if _, err := db.SetResult(ctx, id, "8.4", inspection.Fail); err != nil {
			t.Fatal(err)
		}
	})
	pick := func(name string, level inspection.PickLevel, typical bool, intro string) error {
		_, err := db.Pick(ctx, store.PickRequest{CommunityID: cs[name].ID, Level: level, Typical: typical, Introduction: intro})
		return err
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	refused := func(err, want error, msg string) {
		t.Helper()
		if !errors.Is(err, want) || !strings.Contains(err.Error(), msg) {
			t.Fatalf("got %v, want %v with %q", err, want, msg)
		}
	}
	db.SetActor("鼓楼区住建局 王科长")
	must(pick("甲园", inspection.LevelDistrict, false, ""))
	must(pick("乙园", inspection.LevelDistrict, false, ""))
	refused(pick("丙园", inspection.LevelDistrict, false, ""), inspection.ErrPickLimit, "鼓楼区已选树区级「美好家园」2个（「甲园」、「乙园」），每个县（市）区最多2个")
	must(pick("丁园", inspection.LevelDistrict, false, ""))
	_, err := db.Pick(ctx, store.PickRequest{CommunityID: bad.ID, Level: inspection.LevelDistrict})
	refused(err, inspection.ErrNotEligible, "「戊园」不符合条件：一票否决：8.4")
	refused(pick("乙园", inspection.LevelDistrict, true, ""), inspection.ErrPickLimit, "需要填写小区情况介绍")
	must(pick("乙园", inspection.LevelDistrict, true, "党建引领物业管理，业委会运行规范。"))
	refused(pick("甲园", inspection.LevelDistrict, true, "介绍"), inspection.ErrPickLimit, "每个县（市）区只推荐1个")
	refused(pick("丙园", inspection.LevelCity, false, ""), inspection.ErrPickLimit, "「丙园」不是区级「美好家园」")
	db.SetActor("市房管局 李处长")
	must(pick("乙园", inspection.LevelCity, false, ""))
	must(pick("乙园", inspection.LevelCity, true, "推荐省厅：党建联建典型。"))

	picks, err := db.Picks(ctx, store.PickFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(picks) != 6 {
		t.Fatalf("%d picks: %+v", len(picks), picks)
	}
	for _, p := range picks {
		if p.PickedBy == "" || p.PickedAt.IsZero() || p.District == "" || p.Version == "" || p.ID != store.PickID(p.Level, p.CommunityID, p.Typical) {
			t.Errorf("pick not recorded fully: %+v", p)
		}
		if p.Level == inspection.LevelCity && p.PickedBy != "市房管局 李处长" {
			t.Errorf("city pick by %q", p.PickedBy)
		}
	}

	// Withdrawing follows the order: the city's typical case, then its
	// pick, then the district's typical case, then the district pick.
	refused(db.Unpick(ctx, cs["乙园"].ID, inspection.LevelDistrict, false), inspection.ErrPickLimit, "请先撤销")
	refused(db.Unpick(ctx, cs["乙园"].ID, inspection.LevelCity, false), inspection.ErrPickLimit, "请先撤销典型案例")
	must(db.Unpick(ctx, cs["乙园"].ID, inspection.LevelCity, true))
	must(db.Unpick(ctx, cs["乙园"].ID, inspection.LevelCity, false))
	must(db.Unpick(ctx, cs["乙园"].ID, inspection.LevelDistrict, true))
	must(db.Unpick(ctx, cs["乙园"].ID, inspection.LevelDistrict, false))
	if err := db.Unpick(ctx, cs["乙园"].ID, inspection.LevelDistrict, false); !errors.Is(err, inspection.ErrNotFound) {
		t.Errorf("withdrawing twice: %v", err)
	}
	// Room again in 鼓楼区; the withdrawn picks stay on record.
	must(pick("丙园", inspection.LevelDistrict, false, ""))
	all, err := db.Picks(ctx, store.PickFilter{Withdrawn: true})
	if err != nil {
		t.Fatal(err)
	}
	withdrawn := 0
	for _, p := range all {
		if !p.Active() {
			withdrawn++
			if p.WithdrawnBy == "" {
				t.Errorf("withdrawn without who: %+v", p)
			}
		}
	}
	if withdrawn != 4 || len(all) != 7 {
		t.Errorf("%d picks on record, %d withdrawn", len(all), withdrawn)
	}
	// Picking again reuses the record.
	must(db.Unpick(ctx, cs["丙园"].ID, inspection.LevelDistrict, false))
	must(pick("乙园", inspection.LevelDistrict, false, ""))
	trail, err := db.AuditTrail(ctx, "picks", store.PickID(inspection.LevelDistrict, cs["乙园"].ID, false))
	if err != nil || len(trail) != 3 || trail[0].Action != "create" || trail[2].Old == "" {
		t.Errorf("audit trail: %d entries, %v", len(trail), err)
	}
	if probs, err := db.PickProblems(ctx); err != nil || len(probs) != 0 {
		t.Errorf("problems: %v %v", probs, err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Errorf("verify: %v %v", rep.Problems, err)
	}
}

func TestRankingFilters(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	cs := city(t, db, map[string]string{"甲园": "鼓楼区", "乙园": "鼓楼区", "丁园": "台江区"})
	// 乙园 fails one ordinary item: lower score, still eligible.
	c := addCommunity(t, db, "庚园", "鼓楼区")
	if _, err := db.SetCommunityFigures(ctx, []store.CommunityFigures{{CommunityID: c.ID, Satisfaction: fp(70)}}); err != nil {
		t.Fatal(err)
	}
	list, err := db.Ranking(ctx, store.OfficeFilter{District: "鼓楼区"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range list {
		got = append(got, s.Community.Name+":"+s.Verdict.Status.Label())
	}
	if g := strings.Join(got, " "); !strings.HasSuffix(g, "庚园:未检查") || len(list) != 3 || list[0].Rank != 1 || list[2].Rank != 0 {
		t.Errorf("ranking: %s", g)
	}
	if list, _ := db.Ranking(ctx, store.OfficeFilter{Street: "东街街道", Type: "商品房"}); len(list) != 4 {
		t.Errorf("street+type filter: %d", len(list))
	}
	if list, _ := db.Ranking(ctx, store.OfficeFilter{Type: "老旧小区"}); len(list) != 0 {
		t.Errorf("type filter: %d", len(list))
	}
	_ = cs
}

// settableClock is a clock a test moves by hand.
type settableClock struct{ t time.Time }

func (c *settableClock) Now() time.Time { return c.t }

func TestOfficeActionsOverdueByTheClock(t *testing.T) {
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	clock := &settableClock{t: time.Date(2024, 8, 20, 9, 0, 0, 0, cst)}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "a.db"), store.Options{Now: clock.Now, Actor: "测试员"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SaveTemplate(ctx, defaultTemplate(t)); err != nil {
		t.Fatal(err)
	}
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	finishedWith(t, db, c, 97, func(id string) {
		for _, code := range []string{"8.1", "13.2"} {
			if _, err := db.SetResult(ctx, id, code, inspection.Fail); err != nil {
				t.Fatal(err)
			}
		}
	})
	acts, err := db.OfficeActions(ctx, store.OfficeActionFilter{})
	if err != nil || len(acts) != 2 {
		t.Fatalf("%d actions, %v", len(acts), err)
	}
	due := acts[0].DueDate // 30 days after 2024-08-20: 2024-09-19
	if due.Format("2006-01-02") != "2024-09-19" {
		t.Fatalf("due %s", due)
	}
	for _, tc := range []struct {
		now     time.Time
		overdue int
		days    int
	}{
		{time.Date(2024, 9, 19, 23, 59, 0, 0, cst), 0, 0},
		{time.Date(2024, 9, 20, 0, 0, 0, 0, cst), 2, 1},
		{time.Date(2024, 9, 30, 8, 0, 0, 0, cst), 2, 11},
	} {
		clock.t = tc.now
		over, err := db.OfficeActions(ctx, store.OfficeActionFilter{Status: inspection.ActionOverdue})
		if err != nil {
			t.Fatal(err)
		}
		if len(over) != tc.overdue || (len(over) > 0 && over[0].DaysOverdue != tc.days) {
			t.Errorf("at %s: %d overdue (%+v), want %d by %d days", tc.now, len(over), over, tc.overdue, tc.days)
		}
	}
	// Marking one done takes it out of the overdue list.
	if _, err := db.MarkActionDone(ctx, acts[0].ID, "已清理完毕"); err != nil {
		t.Fatal(err)
	}
	over, _ := db.OfficeActions(ctx, store.OfficeActionFilter{Status: inspection.ActionOverdue})
	open, _ := db.OfficeActions(ctx, store.OfficeActionFilter{OpenOnly: true})
	if len(over) != 1 || len(open) != 1 || over[0].ID == acts[0].ID {
		t.Errorf("after marking done: %d overdue, %d open", len(over), len(open))
	}
	if _, err := db.MarkActionDone(ctx, "nope-nope", ""); !errors.Is(err, inspection.ErrNotFound) {
		t.Errorf("unknown action: %v", err)
	}
}

func TestProgrammeYearAndReminders(t *testing.T) {
	db, _ := openTest(t) // the clock starts on 2024-08-20
	ctx := context.Background()
	y, err := db.ProgrammeYear(ctx)
	if err != nil || y != 2024 {
		t.Fatalf("year %d %v", y, err)
	}
	r, err := db.Reminders(ctx)
	if err != nil || len(r) != 2 || r[0].DaysLeft != -5 || r[1].DaysLeft != 34 {
		t.Fatalf("reminders %+v %v", r, err)
	}
	if err := db.SetProgrammeYear(ctx, 2025); err != nil {
		t.Fatal(err)
	}
	if y, _ := db.ProgrammeYear(ctx); y != 2025 {
		t.Errorf("set year: %d", y)
	}
	if err := db.SetProgrammeYear(ctx, 99); !errors.Is(err, inspection.ErrInvalid) {
		t.Errorf("bad year: %v", err)
	}
	if err := db.SetReportSuggestions(ctx, "建议加大老旧小区改造力度"); err != nil {
		t.Fatal(err)
	}
	if s, _ := db.ReportSuggestions(ctx); s != "建议加大老旧小区改造力度" {
		t.Errorf("suggestions %q", s)
	}
}

func TestDeleteLiaison(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if _, _, err := db.SaveLiaisons(ctx, []store.Liaison{{District: "鼓楼区", Unit: "鼓楼区住建局", Name: "王五", Mobile: "13800000000"}}); err != nil {
		t.Fatal(err)
	}
	id := store.LiaisonID("鼓楼区住建局", "王五")
	if err := db.DeleteLiaison(ctx, id); err != nil {
		t.Fatal(err)
	}
	if ls, _ := db.Liaisons(ctx, ""); len(ls) != 0 {
		t.Errorf("%d liaisons left", len(ls))
	}
	if err := db.DeleteLiaison(ctx, id); !errors.Is(err, inspection.ErrNotFound) {
		t.Errorf("twice: %v", err)
	}
	if rep, err := db.Verify(ctx); err != nil || !rep.OK() {
		t.Errorf("verify after delete: %v %v", rep.Problems, err)
	}
}
