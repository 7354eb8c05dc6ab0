package exchange

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// TestBatchAuditVerify: rows new here are audited with one import-batch
// entry per chunk; Verify still names each row changed, added or deleted
// behind the program's back, and an edited batch entry breaks the chain.
func TestBatchAuditVerify(t *testing.T) {
	ctx := context.Background()
	a := newDevice(t, "甲")
	var ids []string
	for i := range 3 {
		in := a.finished("批量小区"+string(rune('一'+i)), "鼓楼区", 100, testJPEG(t, 32, 32, uint8(i)))
		ids = append(ids, in.ID)
	}
	pkg := a.export(ExportOptions{})
	office := newDevice(t, "区局")
	trustAll(t, a, office)
	office.importOK(pkg)
	office.verify()

	trail, err := office.db.AuditTrail(ctx, "inspections", ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 1 || trail[0].Action != "import" || !strings.Contains(trail[0].New, ids[1]) || strings.Contains(trail[0].New, ids[0]) {
		t.Fatalf("audit trail of an imported inspection: %+v", trail)
	}
	var batches int
	raw := rawOpen(t, office.path)
	if err := raw.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'import-batch' AND entity_id = ''`).Scan(&batches); err != nil {
		t.Fatal(err)
	}
	if batches == 0 {
		t.Fatal("no batch audit entry written")
	}
	office.db.Close()

	cases := []struct {
		name, sql, want string
	}{
		{"answer edited", `UPDATE answers SET note = '改过' WHERE id = (SELECT id FROM answers WHERE inspection_id = '` + ids[2] + `' LIMIT 1)`, "记录内容与审计日志不符"},
		{"inspection deleted", `PRAGMA foreign_keys = OFF; DELETE FROM inspections WHERE id = '` + ids[0] + `'`, "已不存在"},
		{"batch entry edited", `UPDATE audit_log SET new = replace(new, '100', '101') WHERE seq = (SELECT MAX(seq) FROM audit_log WHERE action = 'import-batch')`, "哈希链断开"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDevice(t, "区局-"+c.name)
			trustAll(t, a, d)
			d.importOK(pkg)
			d.db.Close()
			db := rawOpen(t, d.path)
			if res, err := db.Exec(c.sql); err != nil {
				t.Fatal(err)
			} else if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("%d rows changed", n)
			}
			db.Close()
			st, err := store.Open(ctx, d.path, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			rep, err := st.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, p := range rep.Problems {
				found = found || strings.Contains(p.Message, c.want)
			}
			if !found {
				t.Fatalf("verify did not report %q: %v", c.want, rep.Problems)
			}
		})
	}
}

func rawOpen(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", fileDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestIncrementalExportAfterBatchImport: rows that arrived in a batch
// audit entry after the last export to an office go in the next
// incremental package to it.
func TestIncrementalExportAfterBatchImport(t *testing.T) {
	ctx := context.Background()
	insp, district, city := newDevice(t, "检查员"), newDevice(t, "区局"), newDevice(t, "市局")
	trustAll(t, insp, district, city)
	insp.finished("先到小区", "鼓楼区", 98, testJPEG(t, 32, 32, 1))
	district.importOK(insp.export(ExportOptions{Office: "区局"}))
	city.importOK(district.export(ExportOptions{Office: "市局"}))

	later := insp.finished("后到小区", "鼓楼区", 97, testJPEG(t, 32, 32, 2))
	district.importOK(insp.export(ExportOptions{Office: "区局"}))
	p := district.export(ExportOptions{Office: "市局"})
	info := Inspect(ctx, nil, p, Limits{})
	if !info.Valid || !info.Incremental || info.Counts["inspections"] != 1 || info.Counts["answers"] == 0 {
		t.Fatalf("incremental package after a batched import: %+v", info)
	}
	res := city.importOK(p)
	if res.New == 0 {
		t.Errorf("nothing new at the city: %+v", res)
	}
	if _, err := city.db.Inspection(ctx, later.ID); err != nil {
		t.Errorf("the later inspection did not reach the city: %v", err)
	}
	city.verify()
}

// TestScoresOfImportedInspections: the scores the office computes for
// inspections new to it (from the answers as they arrive) are those the
// inspector's device computed, draft and finalized alike.
func TestScoresOfImportedInspections(t *testing.T) {
	insp, office := newDevice(t, "检查员"), newDevice(t, "区局")
	trustAll(t, insp, office)
	insp.finished("甲园", "鼓楼区", 98, testJPEG(t, 32, 32, 1))
	insp.finished("乙园", "鼓楼区", 60, testJPEG(t, 32, 32, 2)) // a low fee: a failed number item
	draft := insp.start(insp.community("丙园", "鼓楼区").ID)
	insp.answerAll(draft.ID, 95, testJPEG(t, 32, 32, 3))
	insp.start(insp.community("丁园", "鼓楼区").ID) // no answers
	office.importOK(insp.export(ExportOptions{}))
	scores := func(d *device) string {
		var s string
		if err := rawOpen(t, d.path).QueryRow(`SELECT group_concat(inspection_id || ':' || score || ':' || defined || ':' || vetoes
			|| ':' || judged || ':' || scorable, ' ') FROM (SELECT * FROM inspection_scores ORDER BY inspection_id)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, b := scores(insp), scores(office); a != b || strings.Count(a, " ") != 3 {
		t.Errorf("scores differ:\ninspector %s\noffice    %s", a, b)
	}
}
