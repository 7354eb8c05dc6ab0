package exchange

import (
	"context"
	"database/sql"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// The office data file of testdata/audit-batch-objects.sqlite was written by
// the version of 2026-11-27 03:52 UTC (main at 4224908), whose import-batch audit entries
// hold one JSON object per row. Regenerate it (only with that version) by
//
//	go test ./exchange -run TestAuditBatchObjectsStillRead -update-audit-fixture
var updateAuditFixture = flag.Bool("update-audit-fixture", false, "regenerate exchange/testdata/audit-batch-objects.sqlite")

const auditFixture = "testdata/audit-batch-objects.sqlite"

// TestAuditBatchObjectsStillRead: a data file whose import-batch entries
// were written as one JSON object per row (before the compact form)
// still verifies clean, and its audit trail still names the imported
// rows.
func TestAuditBatchObjectsStillRead(t *testing.T) {
	ctx := context.Background()
	if *updateAuditFixture {
		a := newDevice(t, "检查员")
		a.finished("旧格式小区", "鼓楼区", 97, testJPEG(t, 16, 16, 3))
		a.finished("旧格式花园", "鼓楼区", 99, testJPEG(t, 16, 16, 4))
		office := newDevice(t, "区局")
		trustAll(t, a, office)
		office.importOK(a.export(ExportOptions{}))
		office.db.Close()
		raw, err := sql.Open("sqlite", office.path)
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(auditFixture)
		if _, err := raw.Exec(`VACUUM INTO ?`, auditFixture); err != nil {
			t.Fatal(err)
		}
		raw.Close()
	}
	body, err := os.ReadFile(auditFixture)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "jiayuan.db")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	var objects, batches int
	var answerID string
	if err := raw.QueryRow(`SELECT COUNT(*), SUM(substr(new, 1, 1) = '{') FROM audit_log WHERE action = 'import-batch'`).Scan(&batches, &objects); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT id FROM answers ORDER BY id LIMIT 1`).Scan(&answerID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if batches == 0 || objects != batches {
		t.Fatalf("the fixture should hold import-batch entries of JSON objects only: %d of %d", objects, batches)
	}
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rep, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || rep.Records == 0 {
		t.Fatalf("Verify of the old data file: %d records, problems %+v", rep.Records, rep.Problems)
	}
	trail, err := db.AuditTrail(ctx, "answers", answerID)
	if err != nil {
		t.Fatal(err)
	}
	if len(trail) != 1 || trail[0].Action != "import" || !strings.HasPrefix(trail[0].New, `{"id":"`+answerID+`"`) {
		t.Fatalf("audit trail of an answer imported in an old batch entry: %+v", trail)
	}
}
