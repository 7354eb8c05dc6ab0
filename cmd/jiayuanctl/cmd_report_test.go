package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReportCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	mustCtl(t, "demo", "--db", db, "--communities", "30")

	// One record, by the start of its id.
	list := mustCtl(t, "list", "inspections", "--db", db, "--status", "finalized")
	var id string
	for _, line := range strings.Split(list, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 && len(f[0]) == 36 {
			id = f[0]
			break
		}
	}
	if id == "" {
		t.Fatalf("no finalized inspection in:\n%s", list)
	}
	one := filepath.Join(dir, "one.pdf")
	mustCtl(t, "pdf", "--db", db, "--inspection", id[:13], "--out", one)
	if data, err := os.ReadFile(one); err != nil || !strings.HasPrefix(string(data), "%PDF-") {
		t.Fatalf("single PDF: %v", err)
	}

	// A batch into a folder, progress on stderr.
	out, errOut, code := ctl(t, "pdf", "--db", db, "--all", "--out", filepath.Join(dir, "batch"))
	if code != exitOK || !strings.Contains(out, "已生成") || !strings.Contains(errOut, "[1/") {
		t.Fatalf("batch: %d\n%s\n%s", code, out, errOut)
	}
	files, _ := os.ReadDir(filepath.Join(dir, "batch"))
	if len(files) == 0 {
		t.Fatal("batch wrote nothing")
	}
	if _, _, code := ctl(t, "pdf", "--db", db, "--out", "x.pdf"); code != exitMisuse {
		t.Errorf("pdf without a choice: exit %d", code)
	}

	// Every export opens back.
	for _, kind := range []string{"summary", "actions", "liaisons", "workreport", "template"} {
		path := filepath.Join(dir, kind+".xlsx")
		mustCtl(t, "xlsx", kind, "--db", db, "--out", path)
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if len(f.GetSheetList()) == 0 {
			t.Errorf("%s: no sheets", kind)
		}
		f.Close()
	}

	// The template exported imports back unchanged; a broken community
	// list is previewed with its errors and refused.
	mustCtl(t, "import-xlsx", "template", "--db", db, filepath.Join(dir, "template.xlsx"), "--apply")
	bad := filepath.Join(dir, "bad.xlsx")
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"小区名称", "县（市）区", "户数"})
	f.SetSheetRow("Sheet1", "A2", &[]any{"新桥花园", "鼓楼区", "１２００"})
	f.SetSheetRow("Sheet1", "A3", &[]any{"坏小区", "鼓楼区", "很多"})
	f.SaveAs(bad)
	out, errOut, code = ctl(t, "import-xlsx", "communities", "--db", db, bad)
	if code != exitFailure || !strings.Contains(errOut, "Sheet1!C3：户数「很多」不是数字") || !strings.Contains(out, "第2行 [新增] 新桥花园") {
		t.Fatalf("preview: %d\n%s\n%s", code, out, errOut)
	}
	if _, _, code := ctl(t, "import-xlsx", "communities", "--db", db, bad, "--apply"); code != exitFailure {
		t.Errorf("apply with errors: exit %d", code)
	}
	if out := mustCtl(t, "list", "communities", "--db", db, "--query", "新桥花园"); strings.Contains(out, "新桥花园") {
		t.Error("a refused import wrote a community")
	}
	mustCtl(t, "import-xlsx", "communities", "--db", db, bad, "--apply", "--skip-bad")
	if out := mustCtl(t, "list", "communities", "--db", db, "--query", "新桥花园"); !strings.Contains(out, "新桥花园") {
		t.Error("--skip-bad did not write the good row")
	}
	mustCtl(t, "verify", "--db", db)
}
