package demo_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
)

// openFile opens a new data file in t.TempDir(), with clock as its clock
// when given.
func openFile(t testing.TB, clock *demo.Clock) *store.DB {
	t.Helper()
	opts := store.Options{Actor: "测试员"}
	if clock != nil {
		opts.Now = clock.Now
	}
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "demo.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// populate makes a demo of n communities with the seed on a new file.
func populate(t testing.TB, seed uint64, n int) (*store.DB, demo.Summary) {
	t.Helper()
	clock := demo.NewClock()
	db := openFile(t, clock)
	sum, err := demo.Populate(context.Background(), db, demo.Options{Seed: seed, Communities: n, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return db, sum
}

func TestPopulateMakesEveryState(t *testing.T) {
	ctx := context.Background()
	db, sum := populate(t, 1, 40)
	t.Logf("%+v", sum)

	if sum.Communities != 40 || sum.Finalized+sum.Drafts+sum.Uninspected != 40 {
		t.Errorf("summary does not add up: %+v", sum)
	}
	for name, n := range map[string]int{"finalized": sum.Finalized, "drafts": sum.Drafts, "uninspected": sum.Uninspected,
		"vetoed": sum.Vetoed, "amendments": sum.Amendments, "actions": sum.Actions, "photos": sum.Photos} {
		if n == 0 {
			t.Errorf("no %s: %+v", name, sum)
		}
	}
	if sum.Photos > 12 || sum.Attachments <= sum.Photos {
		t.Errorf("photos %d distinct, %d attached: want at most 12 reused", sum.Photos, sum.Attachments)
	}

	comms, err := db.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(comms) != 40 {
		t.Fatalf("%d communities", len(comms))
	}
	names := map[string]int{}
	for _, c := range comms {
		names[c.Name]++
		if !slices.Contains(inspection.CommunityTypes, c.Type) {
			t.Errorf("%s: type %q", c.Name, c.Type)
		}
		if !slices.Contains([]string{"业主委员会", "临时物业管理委员会", "无"}, c.Committee) {
			t.Errorf("%s: committee %q", c.Name, c.Committee)
		}
		if c.Households < 120 || c.Households > 3000 {
			t.Errorf("%s: %d households", c.Name, c.Households)
		}
		if !strings.HasSuffix(c.Street, "街道") && !strings.HasSuffix(c.Street, "镇") && !strings.HasSuffix(c.Street, "乡") {
			t.Errorf("%s: street %q", c.Name, c.Street)
		}
		if !strings.HasSuffix(c.Community, "社区") || !strings.HasSuffix(c.Address, "号") ||
			!strings.HasSuffix(c.PropertyCompany, "物业服务有限公司") {
			t.Errorf("%s: %q %q %q", c.Name, c.Community, c.Address, c.PropertyCompany)
		}
		if c.Satisfaction != nil && (*c.Satisfaction < 70 || *c.Satisfaction > 99.5) {
			t.Errorf("%s: satisfaction %v", c.Name, *c.Satisfaction)
		}
		// 0 for the model communities (no complaints in twelve months).
		if c.ComplaintRate != nil && (*c.ComplaintRate < 0 || *c.ComplaintRate > 8 || (*c.ComplaintRate > 0 && *c.ComplaintRate < 0.1)) {
			t.Errorf("%s: complaint rate %v", c.Name, *c.ComplaintRate)
		}
	}
	for n, count := range names {
		if count > 1 {
			t.Errorf("community name %s used %d times", n, count)
		}
	}
	// The showcase is there once, and the pinyin search finds it alone.
	found, err := db.ListCommunities(ctx, store.CommunityFilter{Query: "ylhy"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Name != "怡乐花园" {
		t.Errorf("ylhy finds %v, want 怡乐花园 alone", found)
	}

	list, err := db.ListInspections(ctx, store.InspectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var drafts, finals, amends, vetoed int
	for _, s := range list {
		switch s.Status {
		case inspection.Draft:
			drafts++
			if s.Judged == 0 || s.Judged >= s.Scorable {
				t.Errorf("draft of %s: judged %d of %d, want part-answered", s.CommunityName, s.Judged, s.Scorable)
			}
		case inspection.Finalized:
			finals++
			if !s.ScoreDefined || s.Judged != s.Scorable {
				t.Errorf("finalized %s: score defined %v, judged %d of %d", s.CommunityName, s.ScoreDefined, s.Judged, s.Scorable)
			}
			if s.Vetoes > 0 {
				vetoed++
			}
		}
		if s.AmendsID != "" {
			amends++
			if s.Status != inspection.Finalized || s.AmendReason == "" {
				t.Errorf("amendment of %s: %s, reason %q", s.CommunityName, s.Status, s.AmendReason)
			}
		}
	}
	if drafts != sum.Drafts || finals != sum.Finalized+sum.Amendments || amends != sum.Amendments || vetoed == 0 {
		t.Errorf("listed %d drafts, %d finalized, %d amendments, %d vetoed; summary %+v", drafts, finals, amends, vetoed, sum)
	}

	// A finalized record is signed by its inspectors and the company, and
	// its changes are recorded under the inspector's name.
	for _, s := range list {
		if s.Status != inspection.Finalized {
			continue
		}
		rec, err := db.Inspection(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		var roles []string
		for _, sig := range rec.Inspection.Signatures {
			roles = append(roles, sig.Role)
		}
		if len(roles) != len(rec.Inspection.Inspectors)+1 || !slices.Contains(roles, "检查员") || !slices.Contains(roles, "物业服务企业代表") {
			t.Errorf("%s signed by %v", s.CommunityName, rec.Inspection.Signatures)
		}
		if rec.ContentDigest == "" {
			t.Errorf("%s: no content digest", s.CommunityName)
		}
		trail, err := db.AuditTrail(ctx, "inspections", s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(trail) == 0 || !slices.Contains(rec.Inspection.Inspectors, trail[0].Actor) {
			t.Errorf("%s: audit actor %v, inspectors %v", s.CommunityName, trail, rec.Inspection.Inspectors)
		}
		break
	}

	actions, err := db.ListActions(ctx, store.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != sum.Actions {
		t.Errorf("%d actions listed, summary says %d", len(actions), sum.Actions)
	}

	rep, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("verify: %v", rep.Problems)
	}
	if rep.Photos != sum.Photos {
		t.Errorf("verify counts %d photos, summary %d", rep.Photos, sum.Photos)
	}
}

// fingerprint renders what a demo says, without ids: the communities in
// list order and each inspection's community, status and score.
func fingerprint(t *testing.T, db *store.DB) (communities, inspections []string) {
	t.Helper()
	ctx := context.Background()
	comms, err := db.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range comms {
		communities = append(communities, fmt.Sprintf("%s|%s|%s|%s|%d", c.Name, c.District, c.Street, c.Address, c.Households))
	}
	list, err := db.ListInspections(ctx, store.InspectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		inspections = append(inspections, fmt.Sprintf("%s|%s|%v|%.4f|%d|%d/%d|%s|%s", s.CommunityName, s.Status,
			s.AmendsID != "", s.Score, s.Vetoes, s.Judged, s.Scorable, s.StartedAt.Format(time.RFC3339), s.AmendReason))
	}
	return communities, inspections
}

func TestPopulateIsDeterministic(t *testing.T) {
	a, sumA := populate(t, 7, 40)
	b, sumB := populate(t, 7, 40)
	if sumA != sumB {
		t.Errorf("summaries differ:\n%+v\n%+v", sumA, sumB)
	}
	ca, ia := fingerprint(t, a)
	cb, ib := fingerprint(t, b)
	if !slices.Equal(ca, cb) {
		t.Errorf("communities differ:\n%v\n%v", ca, cb)
	}
	if !slices.Equal(ia, ib) {
		t.Errorf("inspections differ:\n%v\n%v", ia, ib)
	}
	// Another seed, another city (a small one is enough to tell).
	c, _ := populate(t, 8, 10)
	cc, _ := fingerprint(t, c)
	same := 0
	for _, x := range cc {
		if slices.Contains(ca, x) {
			same++
		}
	}
	if same == len(cc) {
		t.Error("seed 8 makes the communities of seed 7")
	}
}

func TestPopulateRefusesANonEmptyFile(t *testing.T) {
	ctx := context.Background()
	db := openFile(t, nil)
	empty, err := demo.IsEmpty(ctx, db)
	if err != nil || !empty {
		t.Fatalf("new file: empty = %v, %v", empty, err)
	}
	if _, err := demo.Populate(ctx, db, demo.Options{Seed: 1, Communities: 5}); err != nil {
		t.Fatal(err)
	}
	if empty, err := demo.IsEmpty(ctx, db); err != nil || empty {
		t.Fatalf("after populate: empty = %v, %v", empty, err)
	}
	_, err = demo.Populate(ctx, db, demo.Options{Seed: 2, Communities: 5})
	if !errors.Is(err, demo.ErrNotEmpty) || !strings.Contains(err.Error(), "数据文件中已有数据") {
		t.Fatalf("second populate: %v", err)
	}
	comms, _ := db.ListCommunities(ctx, store.CommunityFilter{})
	if len(comms) != 5 {
		t.Errorf("%d communities after the refused populate", len(comms))
	}
	if db.Actor() != "测试员" {
		t.Errorf("actor not restored: %q", db.Actor())
	}
}

func TestClockDatesTheRecords(t *testing.T) {
	ctx := context.Background()
	db, _ := populate(t, 3, 20)
	list, err := db.ListInspections(ctx, store.InspectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	from := demo.DefaultNow.AddDate(0, 0, -57)
	for _, s := range list {
		if s.StartedAt.Before(from) || s.StartedAt.After(demo.DefaultNow) {
			t.Errorf("%s started %v, want in the eight weeks before %v", s.CommunityName, s.StartedAt, demo.DefaultNow)
		}
		if s.FinalizedAt != nil && (s.FinalizedAt.Before(s.StartedAt) || s.FinalizedAt.After(demo.DefaultNow)) {
			t.Errorf("%s finalized %v", s.CommunityName, s.FinalizedAt)
		}
	}
	// Afterwards the store is back on the wall clock.
	if d := time.Since(db.Now()); d < -time.Minute || d > time.Minute {
		t.Errorf("clock after populate: %v", db.Now())
	}
}

func TestClockIsIgnoredOnAFileWithHistory(t *testing.T) {
	ctx := context.Background()
	clock := demo.NewClock()
	db := openFile(t, clock)
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveTemplate(ctx, tpl); err != nil { // as jiayuanctl init does
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Second)
	if _, err := demo.Populate(ctx, db, demo.Options{Seed: 1, Communities: 6, Clock: clock}); err != nil {
		t.Fatal(err)
	}
	list, err := db.ListInspections(ctx, store.InspectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.StartedAt.Before(before) {
			t.Errorf("%s started %v, before the template was installed", s.CommunityName, s.StartedAt)
		}
	}
	if rep, err := db.Verify(ctx); err != nil || !rep.OK() {
		t.Errorf("verify: %v %v", err, rep.Problems)
	}
}

func BenchmarkPopulate120(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		clock := demo.NewClock()
		db := openFile(b, clock)
		b.StartTimer()
		if _, err := demo.Populate(context.Background(), db, demo.Options{Seed: 1, Clock: clock}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPopulateShowsTheWholeSelection: every district has several eligible
// communities, and the city has ineligible ones for every kind of reason.
func TestPopulateShowsTheWholeSelection(t *testing.T) {
	db, _ := populate(t, 1, 120)
	res, err := db.OfficeResults(context.Background(), store.OfficeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	eligible := map[string]int{}
	reasons := map[string]int{}
	for _, r := range res {
		if r.Verdict.Eligible() {
			eligible[r.Community.District]++
		}
		for _, f := range r.Verdict.Failures {
			for _, kind := range []string{"一票否决：8.4", "一票否决：11.2", "数据不足：缺满意度和投诉率", "数据不足：检查记录中没有物业费收费率",
				"未进入全市前5%，投诉率也未进入全市后5%", "未检查"} {
				if strings.Contains(f, kind) {
					reasons[kind]++
				}
			}
		}
	}
	districts, _ := db.Districts(context.Background())
	for _, d := range districts {
		if eligible[d] < 2 {
			t.Errorf("%s: %d eligible communities", d, eligible[d])
		}
	}
	if len(reasons) != 6 {
		t.Errorf("kinds of reasons: %v", reasons)
	}
}
