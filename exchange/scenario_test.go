package exchange

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func TestFinalizedNeverOverwritten(t *testing.T) {
	ctx := context.Background()
	photo := testJPEG(t, 48, 32, 5)
	a, b := newDevice(t, "A"), newDevice(t, "B")
	trustAll(t, a, b)
	c := a.community("怡乐花园", "鼓楼区")
	in := a.start(c.ID)
	a.answerAll(in.ID, 98, photo)
	b.importOK(a.export(ExportOptions{})) // B holds A's draft

	// Concurrently: A finalizes; B edits the draft.
	a.finalize(in.ID)
	if _, err := b.db.SetNote(ctx, in.ID, "1.1", "B 在草稿上的修改"); err != nil {
		t.Fatal(err)
	}
	signed, err := a.db.Inspection(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}

	// B's draft edit reaches A: the signed record does not change.
	res := a.importOK(b.export(ExportOptions{}))
	if res.Conflicts == 0 {
		t.Fatalf("the concurrent draft edit was not kept as a conflict: %+v", res)
	}
	after, _ := a.db.Inspection(ctx, in.ID)
	if after.ContentDigest != signed.ContentDigest || after.Answers["1.1"].Note != signed.Answers["1.1"].Note {
		t.Fatal("an import changed a finalized inspection's answers")
	}
	a.verify()

	// A's finalized record reaches B: it replaces B's draft; B's edit is a conflict.
	res = b.importOK(a.export(ExportOptions{}))
	got, _ := b.db.Inspection(ctx, in.ID)
	if got.Inspection.Status != inspection.Finalized || got.ContentDigest != signed.ContentDigest || res.Conflicts == 0 {
		t.Fatalf("B: status %s, conflicts %d", got.Inspection.Status, res.Conflicts)
	}
	if inspection.ContentDigest(got.Inspection, got.Answers) != signed.ContentDigest {
		t.Fatal("B's answers do not match the signed content")
	}
	b.verify()
	cs, _ := b.db.Conflicts(ctx, true)
	var answerConflict string
	for _, c := range cs {
		if c.Entity == "answers" && strings.Contains(c.Row, "B 在草稿上的修改") {
			answerConflict = c.ID
		}
	}
	if answerConflict == "" {
		t.Fatalf("B's draft edit is not among the conflicts: %+v", cs)
	}
	if err := b.db.ResolveConflict(ctx, answerConflict, store.KeepOther); !errors.Is(err, inspection.ErrFinalized) {
		t.Fatalf("taking a draft edit over a signed answer: %v", err)
	}
	if err := b.db.ResolveConflict(ctx, answerConflict, store.KeepCurrent); err != nil {
		t.Fatal(err)
	}
	b.verify()

	// A second, different signed version of the same inspection is refused.
	c2 := a.community("金山小区", "仓山区")
	in2 := a.start(c2.ID)
	a.answerAll(in2.ID, 98, photo)
	b.importOK(a.export(ExportOptions{}))
	a.finalize(in2.ID)
	if _, err := b.db.SetNote(ctx, in2.ID, "1.1", "B 的版本"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.FinalizeInspection(ctx, in2.ID, []inspection.Signature{{Name: "B 检查员"}}); err != nil {
		t.Fatal(err)
	}
	r := mustRefuse(t, a, b.export(ExportOptions{}), store.ErrFinalizedClash)
	t.Log(r.Message)
}

func TestAmendmentTravels(t *testing.T) {
	ctx := context.Background()
	photo := testJPEG(t, 48, 32, 6)
	a, office := newDevice(t, "A"), newDevice(t, "office")
	trustAll(t, a, office)
	orig := a.finished("怡乐花园", "鼓楼区", 93, photo)
	office.importOK(a.export(ExportOptions{Office: "区局"}))

	am, err := a.db.AmendInspection(ctx, orig.ID, "收费率录入错误")
	if err != nil {
		t.Fatal(err)
	}
	a.answerAll(am.ID, 97, photo)
	a.finalize(am.ID)
	res := office.importOK(a.export(ExportOptions{Office: "区局"}))
	if res.New == 0 {
		t.Fatalf("incremental package brought nothing: %+v", res)
	}
	got, err := office.db.Inspection(ctx, am.ID)
	if err != nil || got.Inspection.AmendsID != orig.ID || got.Inspection.Status != inspection.Finalized {
		t.Fatalf("amendment at the office: %+v %v", got.Inspection, err)
	}
	o, _ := office.db.Inspection(ctx, orig.ID)
	want, _ := a.db.Inspection(ctx, orig.ID)
	if o.ContentDigest != want.ContentDigest {
		t.Fatal("the original changed")
	}
	office.verify()

	// An incremental package with a new amendment carries the chain of
	// records it amends, so a receiver that lacks them can still check it.
	am2, err := a.db.AmendInspection(ctx, am.ID, "再次更正")
	if err != nil {
		t.Fatal(err)
	}
	pkg := a.export(ExportOptions{Office: "区局"})
	if info := Inspect(ctx, office.db, pkg, Limits{}); !info.Valid || info.Counts["inspections"] != 3 || !info.Incremental {
		t.Fatalf("incremental package with an amendment: %+v", info)
	}
	office.importOK(pkg)
	if got, err := office.db.Inspection(ctx, am2.ID); err != nil || got.Inspection.AmendsID != am.ID {
		t.Fatalf("second amendment: %v", err)
	}
	office.verify()
}

func TestEncryptedRoundTrip(t *testing.T) {
	ctx := context.Background()
	a, office, stranger := newDevice(t, "A"), newDevice(t, "office"), newDevice(t, "stranger")
	trustAll(t, a, office, stranger)
	a.finished("怡乐花园", "鼓楼区", 98, testJPEG(t, 48, 32, 8))
	recipient, err := OfficeRecipient(ctx, office.db)
	if err != nil || !strings.HasPrefix(recipient, "age1") {
		t.Fatalf("recipient %q %v", recipient, err)
	}
	again, _ := OfficeRecipient(ctx, office.db)
	if again != recipient {
		t.Fatal("the office's recipient changed")
	}
	pkg := a.export(ExportOptions{Recipient: recipient})
	body, _ := os.ReadFile(pkg)
	if !bytes.HasPrefix(body, []byte(ageHeader)) || bytes.Contains(body, []byte("怡乐花园")) || bytes.Contains(body, []byte("SQLite format 3")) {
		t.Fatal("the package is not encrypted")
	}
	if _, err := OfficeRecipient(ctx, stranger.db); err != nil {
		t.Fatal(err)
	}
	r := mustRefuse(t, stranger, pkg, ErrEncrypted)
	t.Log(r.Message)
	if info := Inspect(ctx, nil, pkg, Limits{}); info.Valid || !strings.Contains(info.Problem, "加密") {
		t.Fatalf("inspect without a key: %+v", info)
	}
	office.importOK(pkg)
	office.verify()
	if info := Inspect(ctx, office.db, pkg, Limits{}); !info.Valid || !info.Encrypted {
		t.Fatalf("inspect with the key: %+v", info)
	}
}

// Two inspectors → district → city: the city holds every inspection once.
func TestThreeLevels(t *testing.T) {
	ctx := context.Background()
	photo := testJPEG(t, 48, 32, 9)
	i1, i2 := newDevice(t, "inspector1"), newDevice(t, "inspector2")
	district, city := newDevice(t, "district"), newDevice(t, "city")
	trustAll(t, i1, i2, district, city)

	// The district sends communities to its inspectors.
	c1, c2 := district.community("怡乐花园", "鼓楼区"), district.community("金山小区", "鼓楼区")
	ref := district.export(ExportOptions{Content: store.ContentReference})
	i1.importOK(ref)
	i2.importOK(ref)

	var ids []string
	for _, d := range []*device{i1, i2} {
		for _, c := range []inspection.Community{c1, c2} {
			in := d.start(c.ID)
			d.answerAll(in.ID, 96, photo)
			d.finalize(in.ID)
			ids = append(ids, in.ID)
		}
		draft := d.start(c1.ID)
		ids = append(ids, draft.ID)
	}
	district.importOK(i1.export(ExportOptions{Office: "鼓楼区住建局"}))
	district.importOK(i2.export(ExportOptions{Office: "鼓楼区住建局"}))
	city.importOK(district.export(ExportOptions{Office: "市局"}))
	// The city also gets an inspector's package directly: nothing doubles.
	city.importOK(i1.export(ExportOptions{}))

	list, err := city.db.ListInspections(ctx, store.InspectionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, s := range list {
		seen[s.ID]++
	}
	if len(list) != len(ids) {
		t.Fatalf("city has %d inspections, want %d", len(list), len(ids))
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Fatalf("inspection %s seen %d times at the city", id, seen[id])
		}
	}
	city.verify()
	district.verify()
	cs, _ := city.db.Conflicts(ctx, true)
	if len(cs) != 0 {
		t.Fatalf("unexpected conflicts: %+v", cs)
	}
}

// Incremental exports carry only what changed, and each photo once.
func TestIncrementalPhotosTravelOnce(t *testing.T) {
	ctx := context.Background()
	a, office := newDevice(t, "A"), newDevice(t, "office")
	trustAll(t, a, office)
	p1, p2 := testJPEG(t, 48, 32, 10), testJPEG(t, 48, 32, 11)
	a.finished("怡乐花园", "鼓楼区", 98, p1)
	first, err := Export(ctx, a.db, a.t.TempDir()+"/first"+Extension, ExportOptions{Office: "区局"})
	if err != nil {
		t.Fatal(err)
	}
	if first.Incremental || first.Counts["photos"] != 1 {
		t.Fatalf("first export: %+v", first)
	}
	office.importOK(first.Path)

	in := a.start(a.community("金山小区", "仓山区").ID)
	a.answerAll(in.ID, 98, p1) // the same photo again
	if _, err := a.db.AttachPhoto(ctx, in.ID, "1.1", p2, false); err != nil {
		t.Fatal(err)
	}
	second, err := Export(ctx, a.db, a.t.TempDir()+"/second"+Extension, ExportOptions{Office: "区局"})
	if err != nil {
		t.Fatal(err)
	}
	if !second.Incremental || second.Counts["photos"] != 1 || second.Counts["inspections"] != 1 || second.Counts["communities"] != 1 {
		t.Fatalf("incremental export: %+v", second.Counts)
	}
	res := office.importOK(second.Path)
	if res.Photos != 1 {
		t.Fatalf("photos stored: %d", res.Photos)
	}
	nothing, err := Export(ctx, a.db, a.t.TempDir()+"/third"+Extension, ExportOptions{Office: "区局"})
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for k, n := range nothing.Counts {
		if k != "photos" {
			rows += n
		}
	}
	if rows != 0 || nothing.Counts["photos"] != 0 {
		t.Fatalf("nothing changed, yet: %+v", nothing.Counts)
	}
	office.importOK(nothing.Path)
	office.verify()
}

// A concurrent edit becomes a conflict; resolving it travels and settles
// the same conflict at the other end.
func TestConflictResolutionTravels(t *testing.T) {
	ctx := context.Background()
	a, b := newDevice(t, "A"), newDevice(t, "B")
	trustAll(t, a, b)
	c := a.community("怡乐花园", "鼓楼区")
	b.importOK(a.export(ExportOptions{}))
	// Repeated edits on one side are not conflicts by themselves.
	for i := 0; i < 3; i++ {
		cur, _ := a.db.Community(ctx, c.ID)
		cur.Households = 900 + i
		if _, err := a.db.UpdateCommunity(ctx, cur); err != nil {
			t.Fatal(err)
		}
	}
	if res := b.importOK(a.export(ExportOptions{})); res.Conflicts != 0 || res.Updated != 1 {
		t.Fatalf("three edits on one device: %+v", res)
	}
	// Now both edit.
	ca, _ := a.db.Community(ctx, c.ID)
	ca.PropertyCompany = "A 改的物业"
	a.db.UpdateCommunity(ctx, ca)
	cb, _ := b.db.Community(ctx, c.ID)
	cb.PropertyCompany = "B 改的物业"
	b.db.UpdateCommunity(ctx, cb)

	resA := a.importOK(b.export(ExportOptions{}))
	resB := b.importOK(a.export(ExportOptions{}))
	if resA.Conflicts != 1 || resB.Conflicts != 1 {
		t.Fatalf("conflicts: A %d, B %d", resA.Conflicts, resB.Conflicts)
	}
	wa, _ := a.db.Community(ctx, c.ID)
	wb, _ := b.db.Community(ctx, c.ID)
	if wa.PropertyCompany != wb.PropertyCompany {
		t.Fatalf("different winners: %q vs %q", wa.PropertyCompany, wb.PropertyCompany)
	}
	cs, _ := a.db.Conflicts(ctx, true)
	if len(cs) != 1 || cs[0].Current == "" || cs[0].Row == "" {
		t.Fatalf("conflicts at A: %+v", cs)
	}
	loser := "A 改的物业"
	if wa.PropertyCompany == loser {
		loser = "B 改的物业"
	}
	if err := a.db.ResolveConflict(ctx, cs[0].ID, store.KeepOther); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.db.Community(ctx, c.ID); got.PropertyCompany != loser {
		t.Fatalf("after taking the other version: %q", got.PropertyCompany)
	}
	trail, _ := a.db.AuditTrail(ctx, "communities", c.ID)
	if trail[len(trail)-1].Action != "resolve" {
		t.Fatalf("the resolution is not in the audit log: %+v", trail[len(trail)-1])
	}
	a.verify()
	b.importOK(a.export(ExportOptions{}))
	if got, _ := b.db.Community(ctx, c.ID); got.PropertyCompany != loser {
		t.Fatalf("B after the resolution arrived: %q", got.PropertyCompany)
	}
	if open, _ := b.db.Conflicts(ctx, true); len(open) != 0 {
		t.Fatalf("B still has open conflicts: %+v", open)
	}
	b.verify()
}
