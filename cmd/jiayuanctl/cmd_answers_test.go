package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestXLSXAnswers exports the 答题明细 of a demo file, all of it and one
// district, and reads the rows back.
func TestXLSXAnswers(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "d.db")
	mustCtl(t, "demo", "--db", db, "--communities", "30")
	rows := func(path string) [][]string {
		t.Helper()
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("答题明细")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	all := filepath.Join(dir, "answers.xlsx")
	if out := mustCtl(t, "xlsx", "answers", "--db", db, "--out", all); !strings.Contains(out, "已导出") {
		t.Errorf("output %q", out)
	}
	every := rows(all)
	if len(every) < 3 || every[1][0] != "序号" {
		t.Fatalf("%d rows: %v", len(every), every[:min(len(every), 3)])
	}
	districts := map[string]int{}
	for _, r := range every[2:] {
		districts[r[1]]++
	}
	if len(districts) < 2 {
		t.Fatalf("one district only in the whole export: %v", districts)
	}
	var d string
	for k := range districts {
		d = k
		break
	}
	one := filepath.Join(dir, "one.xlsx")
	mustCtl(t, "xlsx", "answers", "--db", db, "--district", d, "--out", one)
	got := rows(one)
	if len(got)-2 != districts[d] {
		t.Errorf("%s: %d rows, the whole export has %d", d, len(got)-2, districts[d])
	}
	if !strings.HasPrefix(got[0][0], d+"“美好家园”检查答题明细") {
		t.Errorf("title %q", got[0][0])
	}
	for _, r := range got[2:] {
		if r[1] != d {
			t.Fatalf("row of %s in the export of %s", r[1], d)
		}
	}
	if _, errOut, code := ctl(t, "xlsx", "answers", "--db", db, "--district", "无此区", "--out", filepath.Join(dir, "x.xlsx")); code == exitOK || !strings.Contains(errOut, "没有县（市）区「无此区」") {
		t.Errorf("unknown district: exit %d %s", code, errOut)
	}
}
