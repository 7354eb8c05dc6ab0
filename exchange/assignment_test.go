package exchange

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func assignmentsOf(t *testing.T, d *device, f store.AssignmentFilter) []store.AssignmentView {
	t.Helper()
	vs, err := d.db.Assignments(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestAssignmentTravelsAndComesBackDone: the district assigns two
// communities to an inspector and sends its reference package; the
// inspector sees them as 我的任务, inspects one and sends everything back;
// the district sees that assignment done (derived from the finalized
// inspection), the other still open, and a later cancellation reaches the
// inspector incrementally.
func TestAssignmentTravelsAndComesBackDone(t *testing.T) {
	ctx := context.Background()
	district, insp := newDevice(t, "鼓楼区住建局"), newDevice(t, "张三")
	trustAll(t, district, insp)
	who := "张三检查员" // the name device.start puts on the inspection

	a := district.community("怡乐花园", "鼓楼区")
	b := district.community("温泉公寓", "鼓楼区")
	district.community("没有任务的小区", "鼓楼区")
	due := t0.AddDate(0, 0, 10)
	tpl := defaultTemplate(t)
	as, err := district.db.AddAssignment(ctx, inspection.Assignment{CommunityID: a.ID, Inspector: who, DueDate: due,
		TemplateID: tpl.ID, TemplateVersion: tpl.Version, Note: "重点看消防通道"})
	if err != nil {
		t.Fatal(err)
	}
	bs, err := district.db.AddAssignment(ctx, inspection.Assignment{CommunityID: b.ID, Inspector: who, DueDate: due})
	if err != nil {
		t.Fatal(err)
	}

	ref := district.export(ExportOptions{Office: "张三", Content: store.ContentReference})
	info := Inspect(ctx, nil, ref, Limits{})
	if !info.Valid || info.Format != FormatVersion || info.Counts["assignments"] != 2 || info.Counts["communities"] != 3 {
		t.Fatalf("reference package: %+v", info)
	}
	insp.importOK(ref)
	mine := assignmentsOf(t, insp, store.AssignmentFilter{Inspector: who, Open: true})
	if len(mine) != 2 || mine[0].Note == "" && mine[1].Note == "" {
		t.Fatalf("inspector's tasks: %+v", mine)
	}
	for _, v := range mine {
		if v.State != inspection.StatePending || v.AssignedBy != "鼓楼区住建局操作员" {
			t.Fatalf("inspector's task: %+v", v)
		}
	}

	// The inspector inspects 怡乐花园 (started → in progress, finalized → done).
	in := insp.start(a.ID)
	if v, _ := insp.db.Assignment(ctx, as.ID); v.State != inspection.StateInProgress {
		t.Fatalf("after start: %s", v.State)
	}
	insp.answerAll(in.ID, 97, testJPEG(t, 40, 30, 1))
	insp.finalize(in.ID)
	if v, _ := insp.db.Assignment(ctx, as.ID); v.State != inspection.StateDone {
		t.Fatalf("after finalize: %s", v.State)
	}
	back := insp.export(ExportOptions{Office: "鼓楼区住建局"})
	district.importOK(back)
	got := map[string]inspection.AssignmentState{}
	for _, v := range assignmentsOf(t, district, store.AssignmentFilter{}) {
		got[v.ID] = v.State
	}
	if got[as.ID] != inspection.StateDone || got[bs.ID] != inspection.StatePending {
		t.Fatalf("district's view: %v", got)
	}
	district.verify()

	// Cancelled at the district: the next reference package carries it.
	if err := district.db.CancelAssignment(ctx, bs.ID); err != nil {
		t.Fatal(err)
	}
	ref2 := district.export(ExportOptions{Office: "张三", Content: store.ContentReference})
	if info := Inspect(ctx, nil, ref2, Limits{}); info.Counts["assignments"] != 1 {
		t.Fatalf("incremental reference package: %+v", info.Counts)
	}
	insp.importOK(ref2)
	if mine := assignmentsOf(t, insp, store.AssignmentFilter{Inspector: who, Open: true}); len(mine) != 0 {
		t.Fatalf("inspector's open tasks after cancel: %+v", mine)
	}
	insp.verify()
}

// TestAssignmentOnlyBringsItsCommunity: an incremental package with only a
// new assignment carries its community (closeOver), and a package whose
// assignment is malformed is refused with nothing changed.
func TestAssignmentOnlyBringsItsCommunity(t *testing.T) {
	ctx := context.Background()
	district, insp := newDevice(t, "鼓楼区住建局"), newDevice(t, "张三")
	trustAll(t, district, insp)
	a := district.community("怡乐花园", "鼓楼区")
	district.community("温泉公寓", "鼓楼区")
	insp.importOK(district.export(ExportOptions{Office: "张三", Content: store.ContentReference}))
	// The community is edited before the assignment, so the audit after
	// the last export holds the assignment only.
	if _, err := district.db.AddAssignment(ctx, inspection.Assignment{CommunityID: a.ID, Inspector: "张三",
		DueDate: t0.AddDate(0, 0, 3)}); err != nil {
		t.Fatal(err)
	}
	pkg := district.export(ExportOptions{Office: "张三", Content: store.ContentReference})
	if info := Inspect(ctx, nil, pkg, Limits{}); info.Counts["assignments"] != 1 || info.Counts["communities"] != 1 {
		t.Fatalf("incremental: %+v", info.Counts)
	}

	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := insp.db.TrustDevice(ctx, pub, "测试签名"); err != nil {
		t.Fatal(err)
	}
	for name, stmt := range map[string]string{
		"status done stored":  `UPDATE assignments SET status = 'done'`,
		"due date not a date": `UPDATE assignments SET due_date = '下周'`,
		"no inspector":        `UPDATE assignments SET inspector = ''`,
		"cancelled, no time":  `UPDATE assignments SET status = 'cancelled'`,
		"not a uuid":          `UPDATE assignments SET id = 'x'`,
		"community elsewhere": `UPDATE assignments SET community_id = '0190f0f0-0000-7000-8000-000000000000'`,
	} {
		t.Run(name, func(t *testing.T) {
			mustRefuse(t, insp, resign(t, pkg, key, FormatVersion, func(db *sql.DB, _ string) {
				if _, err := db.Exec(stmt); err != nil {
					t.Fatal(err)
				}
			}), nil)
		})
	}
	insp.importOK(pkg)
	if vs := assignmentsOf(t, insp, store.AssignmentFilter{}); len(vs) != 1 || vs[0].Community.Name != "怡乐花园" {
		t.Fatalf("after import: %+v", vs)
	}
}
