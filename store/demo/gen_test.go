package demo_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
)

func generate(t *testing.T, opts demo.GenOptions) (*store.DB, demo.GenSummary) {
	t.Helper()
	db := openFile(t, nil)
	sum, err := demo.Generate(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	return db, sum
}

// rowsOf reads every record's id and version, and every photo digest.
func rowsOf(t *testing.T, path, where string) []string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var out []string
	for _, q := range []string{
		`SELECT 'c ' || id || ' ' || version FROM communities c WHERE ` + where,
		`SELECT 'i ' || i.id || ' ' || i.version || ' ' || i.content_digest FROM inspections i JOIN communities c ON c.id = i.community_id WHERE ` + where,
		`SELECT 'a ' || a.id || ' ' || a.version || ' ' || a.photos FROM answers a JOIN inspections i ON i.id = a.inspection_id JOIN communities c ON c.id = i.community_id WHERE ` + where,
		`SELECT 'x ' || a.id || ' ' || a.version || ' ' || a.status FROM corrective_actions a JOIN communities c ON c.id = a.community_id WHERE ` + where,
	} {
		rows, err := raw.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		rows.Close()
	}
	slices.Sort(out)
	return out
}

func TestGenerateVerifiesAndIsDeterministic(t *testing.T) {
	ctx := context.Background()
	db, sum := generate(t, demo.GenOptions{Seed: 7, Scale: 0.01})
	t.Logf("%+v", sum)
	if sum.Communities != 50 || sum.Districts != 12 {
		t.Errorf("communities %d districts %d, want 50 and 12", sum.Communities, sum.Districts)
	}
	for name, n := range map[string]int{"inspections": sum.Inspections, "finalized": sum.Finalized, "vetoed": sum.Vetoed,
		"amendments": sum.Amendments, "actions": sum.Actions, "photos": sum.Photos} {
		if n == 0 {
			t.Errorf("no %s: %+v", name, sum)
		}
	}
	if per := float64(sum.Inspections) / float64(sum.Communities); per < 3 || per > 6 {
		t.Errorf("%.1f inspections per community, want about 4", per)
	}
	if per := float64(sum.Photos) / float64(sum.Inspections-sum.Amendments); per < 4 || per > 6 {
		t.Errorf("%.1f photos per inspection, want about 5", per)
	}
	if vetoShare := float64(sum.Vetoed) / float64(sum.Finalized); vetoShare > 0.15 {
		t.Errorf("%.0f %% of inspections fail a veto item: too many", 100*vetoShare)
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
	if rep.Records != sum.Rows || rep.Photos != sum.Photos {
		t.Errorf("verify saw %d records and %d photos, generated %d and %d", rep.Records, rep.Photos, sum.Rows, sum.Photos)
	}
	rows, err := db.ListCommunityRows(ctx, store.CommunityRowFilter{Query: "ylhy"})
	if err != nil || len(rows) != 1 {
		t.Errorf("the showcase community by its initials: %d rows, %v", len(rows), err)
	}

	again, _ := generate(t, demo.GenOptions{Seed: 7, Scale: 0.01})
	if a, b := rowsOf(t, db.Path(), "true"), rowsOf(t, again.Path(), "true"); !slices.Equal(a, b) {
		t.Errorf("the same seed made different records (%d and %d rows)", len(a), len(b))
	}
	other, _ := generate(t, demo.GenOptions{Seed: 8, Scale: 0.01})
	if a, b := rowsOf(t, db.Path(), "true"), rowsOf(t, other.Path(), "true"); slices.Equal(a, b) {
		t.Error("another seed made the same records")
	}
}

// A district's share, generated alone, is exactly the city's records of
// that district.
func TestGenerateDistrictIsTheCitysShare(t *testing.T) {
	city, _ := generate(t, demo.GenOptions{Seed: 3, Scale: 0.02})
	d := demo.GenDistricts()[0]
	part, sum := generate(t, demo.GenOptions{Seed: 3, Scale: 0.02, District: d})
	if sum.Communities == 0 || sum.Inspections == 0 {
		t.Fatalf("empty district: %+v", sum)
	}
	where := "c.district = '" + d + "'"
	if a, b := rowsOf(t, city.Path(), where), rowsOf(t, part.Path(), "true"); !slices.Equal(a, b) {
		t.Errorf("district %s alone: %d rows, in the city: %d", d, len(b), len(a))
	}
	if rep, err := part.Verify(context.Background()); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
}

func TestGenerateInspectorAndRefusals(t *testing.T) {
	ctx := context.Background()
	teams, err := demo.GenTeams(3, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	name := teams[demo.GenDistricts()[0]][0]
	db, sum := generate(t, demo.GenOptions{Seed: 3, Scale: 0.02, Inspector: name})
	if sum.Inspections == 0 {
		t.Fatalf("inspector %s has no inspections: %+v", name, sum)
	}
	list, err := db.ListInspections(ctx, store.InspectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range list {
		if in.Inspectors[0] != name {
			t.Errorf("inspection %s led by %s in %s's file", in.ID, in.Inspectors[0], name)
		}
	}
	if rep, err := db.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
	if _, err := demo.Generate(ctx, db, demo.GenOptions{Seed: 3, Scale: 0.02}); err == nil {
		t.Error("generated into a file that holds records")
	}
	empty := openFile(t, nil)
	if _, err := demo.Generate(ctx, empty, demo.GenOptions{Scale: 0.01, District: "不存在区"}); err == nil {
		t.Error("generated an unknown district")
	}
	if _, err := demo.Generate(ctx, empty, demo.GenOptions{Scale: -1}); err == nil {
		t.Error("generated a negative scale")
	}
}
