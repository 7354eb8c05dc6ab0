package exchange

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func liaisonsOf(t *testing.T, d *device) map[string]store.Liaison {
	t.Helper()
	ls, err := d.db.Liaisons(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.Liaison{}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out
}

func picksOf(t *testing.T, d *device, withdrawn bool) []inspection.Pick {
	t.Helper()
	ps, err := d.db.Picks(context.Background(), store.PickFilter{Withdrawn: withdrawn})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestLiaisonsAndPicksTravelUp: the liaison list goes inspector → district
// → city, edited and extended on the way; the district's picks go to the
// city, and a later withdrawal follows in an incremental package.
func TestLiaisonsAndPicksTravelUp(t *testing.T) {
	ctx := context.Background()
	insp, district, city := newDevice(t, "检查员"), newDevice(t, "鼓楼区住建局"), newDevice(t, "市住建局")
	trustAll(t, insp, district, city)

	a := insp.finished("甲园", "鼓楼区", 98, testJPEG(t, 40, 30, 1))
	b := insp.finished("乙园", "鼓楼区", 98, testJPEG(t, 40, 30, 2))
	if _, _, err := insp.db.SaveLiaisons(ctx, []store.Liaison{
		{District: "鼓楼区", Unit: "鼓楼区住建局", Department: "物业科", Name: "王五", Title: "科长", Mobile: "13800000001"},
		{District: "鼓楼区", Unit: "东街街道办事处", Name: "赵六", Mobile: "13800000002"},
	}); err != nil {
		t.Fatal(err)
	}
	p1 := insp.export(ExportOptions{Office: "鼓楼区住建局"})
	if info := Inspect(ctx, nil, p1, Limits{}); !info.Valid || info.Format != FormatVersion || info.Counts["liaisons"] != 2 {
		t.Fatalf("inspector's package: %+v", info)
	}
	district.importOK(p1)
	if got := liaisonsOf(t, district); len(got) != 2 || got["王五"].Mobile != "13800000001" {
		t.Fatalf("district's liaisons: %+v", got)
	}

	// The district corrects a phone number, adds its own liaison, and
	// picks the two communities (one as its typical case).
	district.db.SetActor("鼓楼区住建局 王科长")
	if _, _, err := district.db.SaveLiaisons(ctx, []store.Liaison{
		{District: "鼓楼区", Unit: "鼓楼区住建局", Department: "物业科", Name: "王五", Title: "科长", Mobile: "13900000009"},
		{District: "鼓楼区", Unit: "鼓楼区住建局", Department: "办公室", Name: "周七", Mobile: "13800000003"},
	}); err != nil {
		t.Fatal(err)
	}
	sat := 99.0
	if _, err := district.db.SetCommunityFigures(ctx, []store.CommunityFigures{{CommunityID: a.CommunityID, Satisfaction: &sat},
		{CommunityID: b.CommunityID, Satisfaction: &sat}}); err != nil {
		t.Fatal(err)
	}
	for _, req := range []store.PickRequest{{CommunityID: a.CommunityID, Level: inspection.LevelDistrict},
		{CommunityID: b.CommunityID, Level: inspection.LevelDistrict},
		{CommunityID: b.CommunityID, Level: inspection.LevelDistrict, Typical: true, Introduction: "党建引领物业管理，业委会运行规范。"}} {
		if _, err := district.db.Pick(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	p2 := district.export(ExportOptions{Office: "市住建局"})
	if info := Inspect(ctx, nil, p2, Limits{}); !info.Valid || info.Counts["liaisons"] != 3 || info.Counts["picks"] != 3 {
		t.Fatalf("district's package: %+v", info)
	}
	res := city.importOK(p2)
	if res.Conflicts != 0 {
		t.Errorf("conflicts at the city: %d", res.Conflicts)
	}
	got := liaisonsOf(t, city)
	if len(got) != 3 || got["王五"].Mobile != "13900000009" || got["周七"].Department != "办公室" || got["赵六"].Unit != "东街街道办事处" {
		t.Fatalf("city's liaisons: %+v", got)
	}
	picks := picksOf(t, city, false)
	if len(picks) != 3 {
		t.Fatalf("city's picks: %+v", picks)
	}
	for _, p := range picks {
		if p.PickedBy != "鼓楼区住建局 王科长" || p.Level != inspection.LevelDistrict || p.District != "鼓楼区" {
			t.Errorf("pick arrived as %+v", p)
		}
		if p.Typical && !strings.Contains(p.Introduction, "党建引领") {
			t.Errorf("typical case without its introduction: %+v", p)
		}
	}
	// The city can now pick among the district's picks, by the same rules.
	city.db.SetActor("市住建局 李处长")
	if _, err := city.db.Pick(ctx, store.PickRequest{CommunityID: b.CommunityID, Level: inspection.LevelCity}); err != nil {
		t.Fatalf("city pick of a district pick that travelled: %v", err)
	}
	if r := ImportFile(ctx, city.db, p2, ImportOptions{}); r.Status != StatusDuplicate {
		t.Errorf("second import: %s", r.Status)
	}

	// A withdrawal travels in the next incremental package.
	if err := district.db.Unpick(ctx, a.CommunityID, inspection.LevelDistrict, false); err != nil {
		t.Fatal(err)
	}
	p3 := district.export(ExportOptions{Office: "市住建局"})
	if info := Inspect(ctx, nil, p3, Limits{}); !info.Incremental || info.Counts["picks"] != 1 || info.Counts["liaisons"] != 0 {
		t.Fatalf("incremental package: %+v", info)
	}
	city.importOK(p3)
	if n := len(picksOf(t, city, false)); n != 3 { // b's two district picks and the city's own
		t.Errorf("%d standing picks at the city, want 3", n)
	}
	for _, p := range picksOf(t, city, true) {
		if p.CommunityID == a.CommunityID && p.WithdrawnAt == nil {
			t.Errorf("the withdrawal did not travel: %+v", p)
		}
	}
	for _, d := range []*device{insp, district, city} {
		d.verify()
	}
}

// TestConcurrentLiaisonEditsConflict: the same person edited on two
// devices is one record (its id comes from unit and name), so the edits
// meet as a conflict, not as two people.
func TestConcurrentLiaisonEditsConflict(t *testing.T) {
	ctx := context.Background()
	a, b := newDevice(t, "甲"), newDevice(t, "乙")
	trustAll(t, a, b)
	for d, mobile := range map[*device]string{a: "13800000001", b: "13900000002"} {
		if _, _, err := d.db.SaveLiaisons(ctx, []store.Liaison{{District: "鼓楼区", Unit: "鼓楼区住建局", Name: "王五", Mobile: mobile}}); err != nil {
			t.Fatal(err)
		}
	}
	res := a.importOK(b.export(ExportOptions{}))
	if res.Conflicts != 1 {
		t.Fatalf("conflicts = %d, want 1", res.Conflicts)
	}
	cs, err := a.db.Conflicts(ctx, true)
	if err != nil || len(cs) != 1 || cs[0].Entity != "liaisons" {
		t.Fatalf("conflicts: %+v %v", cs, err)
	}
	if err := a.db.ResolveConflict(ctx, cs[0].ID, store.KeepOther); err != nil {
		t.Fatal(err)
	}
	if l := liaisonsOf(t, a); len(l) != 1 {
		t.Errorf("liaisons: %+v", l)
	}
	a.verify()
}

// TestLiaisonAndPickRowsChecked: a liaison or pick whose id does not come
// from its content, or whose pick level is unknown, is refused.
func TestLiaisonAndPickRowsChecked(t *testing.T) {
	v := &validator{ctx: context.Background(), byID: map[string]map[string]store.Row{"communities": {}}}
	mk := func(entity string, vals map[string]any) store.Row {
		r := store.Row{Entity: entity, Clock: store.Clock{}}
		for _, c := range store.TravelColumns(entity) {
			x, ok := vals[c.Name]
			switch {
			case ok:
			case c.Nullable:
				x = nil
			case c.Kind == store.Int:
				x = int64(0)
			default:
				x = ""
			}
			r.Values = append(r.Values, x)
		}
		return r
	}
	good := mk("liaisons", map[string]any{"id": store.LiaisonID("鼓楼区住建局", "王五"), "unit": "鼓楼区住建局", "name": "王五"})
	if err := liaison(good); err != nil {
		t.Errorf("a good liaison refused: %v", err)
	}
	for name, r := range map[string]store.Row{
		"forged id":  mk("liaisons", map[string]any{"id": store.LiaisonID("鼓楼区住建局", "赵六"), "unit": "鼓楼区住建局", "name": "王五"}),
		"no name":    mk("liaisons", map[string]any{"id": store.LiaisonID("鼓楼区住建局", ""), "unit": "鼓楼区住建局"}),
		"blank name": mk("liaisons", map[string]any{"id": store.LiaisonID("鼓楼区住建局", "王五"), "unit": "鼓楼区住建局", "name": " 王五"}),
	} {
		if err := liaison(r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	const community = "0190f0a0-0000-7000-8000-000000000001"
	v.byID["communities"][community] = store.Row{}
	pick := func(level string, typical int64, id string) store.Row {
		return mk("picks", map[string]any{"id": id, "level": level, "community_id": community, "typical": typical,
			"picked_at": "2024-09-01T10:00:00.000+08:00"})
	}
	if err := v.pick(pick("district", 0, store.PickID(inspection.LevelDistrict, community, false))); err != nil {
		t.Errorf("a good pick refused: %v", err)
	}
	for name, r := range map[string]store.Row{
		"unknown level": pick("province", 0, store.PickID("province", community, false)),
		"forged id":     pick("city", 0, store.PickID(inspection.LevelDistrict, community, false)),
		"bad typical":   pick("district", 2, store.PickID(inspection.LevelDistrict, community, true)),
	} {
		if err := v.pick(r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestFormat1PackageStillRead imports a package written by the format-1
// program (testdata/format1.jypkg: a finalized inspection with a photo and
// a draft, signed by 旧版检查员): inspectors who have not upgraded can still
// send to an office that has.
func TestFormat1PackageStillRead(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join("testdata", "format1.jypkg")
	info := Inspect(ctx, nil, path, Limits{})
	if !info.Valid || info.Format != 1 || info.SignerName != "旧版检查员" || info.Counts["inspections"] != 2 || info.Counts["photos"] != 1 {
		t.Fatalf("format-1 package: %+v", info)
	}
	office := newDevice(t, "区局")
	s, err := ReadSigner(ctx, office.db, path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := office.db.TrustDevice(ctx, s.PublicKey, s.Name); err != nil {
		t.Fatal(err)
	}
	res := office.importOK(path)
	if res.New == 0 || res.Photos != 1 {
		t.Errorf("format-1 import: %+v", res)
	}
	cs, err := office.db.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil || len(cs) != 2 {
		t.Fatalf("communities: %d %v", len(cs), err)
	}
	office.verify()
	// What the office writes now is the current format, and reads back.
	out := office.export(ExportOptions{})
	if info := Inspect(ctx, nil, out, Limits{}); !info.Valid || info.Format != FormatVersion {
		t.Errorf("re-export: %+v", info)
	}
}

// TestFormat1LabelWithNewTablesRefused: a package that says format 1 but
// carries the format-2 tables is refused (the schema must be exactly its
// format's).
func TestFormat1LabelWithNewTablesRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db2, err := createPackageDB(ctx, filepath.Join(dir, "v2.db"))
	if err != nil {
		t.Fatal(err)
	}
	db2.Close()
	db, err := openPackageDB(ctx, filepath.Join(dir, "v2.db"), 1, nil)
	if err == nil {
		db.Close()
	}
	if !errors.Is(err, ErrHostile) || !strings.Contains(err.Error(), "多余") {
		t.Errorf("a format-2 database read as format 1: %v", err)
	}
}
