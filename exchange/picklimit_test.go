package exchange

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// TestPicksOverLimitReported: two devices of one district office pick
// within the limits each, together beyond them (three 「美好家园」, two
// typical cases). The city keeps every pick (each was legal where it was
// made) and says so: the import result and PickProblems name the broken
// limits, in either import order, and only the import that broke them.
func TestPicksOverLimitReported(t *testing.T) {
	ctx := context.Background()
	insp, d1, d2 := newDevice(t, "检查员"), newDevice(t, "区局甲机"), newDevice(t, "区局乙机")
	trustAll(t, insp, d1, d2)
	var cs []inspection.Inspection
	for i, name := range []string{"甲园", "乙园", "丙园"} {
		cs = append(cs, insp.finished(name, "鼓楼区", 98, testJPEG(t, 40, 30, uint8(i+1))))
	}
	p0 := insp.export(ExportOptions{Office: "鼓楼区住建局"})
	sat := 99.0
	pick := func(d *device, reqs ...store.PickRequest) string {
		t.Helper()
		d.importOK(p0)
		var figs []store.CommunityFigures
		for _, c := range cs {
			figs = append(figs, store.CommunityFigures{CommunityID: c.CommunityID, Satisfaction: &sat})
		}
		if _, err := d.db.SetCommunityFigures(ctx, figs); err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs {
			if _, err := d.db.Pick(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		return d.export(ExportOptions{Office: "市住建局"})
	}
	intro := "党建引领物业管理，业委会运行规范。"
	pa := pick(d1, store.PickRequest{CommunityID: cs[0].CommunityID, Level: inspection.LevelDistrict},
		store.PickRequest{CommunityID: cs[1].CommunityID, Level: inspection.LevelDistrict},
		store.PickRequest{CommunityID: cs[0].CommunityID, Level: inspection.LevelDistrict, Typical: true, Introduction: intro})
	pb := pick(d2, store.PickRequest{CommunityID: cs[2].CommunityID, Level: inspection.LevelDistrict},
		store.PickRequest{CommunityID: cs[2].CommunityID, Level: inspection.LevelDistrict, Typical: true, Introduction: intro})

	want := []string{"鼓楼区区级「美好家园」3个，超过2个", "鼓楼区典型案例2个，超过1个"}
	for _, order := range [][]string{{pa, pb}, {pb, pa}} {
		city := newDevice(t, "市住建局")
		trustAll(t, city, insp, d1, d2)
		first := city.importOK(order[0])
		if len(first.PickProblems) != 0 {
			t.Errorf("one office's picks reported as over the limits: %v", first.PickProblems)
		}
		second := city.importOK(order[1])
		if !slices.Equal(second.PickProblems, want) {
			t.Errorf("import result's pick problems = %q, want %q", second.PickProblems, want)
		}
		if !strings.Contains(second.Message, "超出限额") || !strings.Contains(second.Message, want[0]) {
			t.Errorf("message does not say the picks break the limits: %s", second.Message)
		}
		if got, err := city.db.PickProblems(ctx); err != nil || !slices.Equal(got, want) {
			t.Errorf("PickProblems = %q, %v", got, err)
		}
		if n := len(picksOf(t, city, false)); n != 5 {
			t.Errorf("%d standing picks kept, want 5", n)
		}
		city.verify()
	}
}
