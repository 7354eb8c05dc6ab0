package main

import (
	"archive/zip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

type rankRow struct {
	CommunityID   string   `json:"community_id"`
	Name          string   `json:"name"`
	District      string   `json:"district"`
	Score         *float64 `json:"score"`
	Eligible      bool     `json:"eligible"`
	Status        string   `json:"status"`
	Reasons       []string `json:"reasons"`
	Failures      []string `json:"failures"`
	Rank          *int     `json:"rank"`
	Satisfaction  *float64 `json:"satisfaction"`
	ComplaintRate *float64 `json:"complaint_rate"`
	Picks         []string `json:"picks"`
}

// TestOfficeCommands walks the office's selection on a demo file: rank,
// pick up to the limits, typical cases, city picks, unpick, actions and
// the work report.
func TestOfficeCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "office.db")
	mustCtl(t, "demo", "--db", db, "--communities", "80")

	rows := decode[[]rankRow](t, mustCtl(t, "rank", "--db", db, "--json"))
	if len(rows) != 80 {
		t.Fatalf("%d rows", len(rows))
	}
	byDistrict := map[string][]rankRow{}
	var ineligible rankRow
	seenIneligible := false
	for i, r := range rows {
		if r.CommunityID == "" || r.Name == "" || r.District == "" || len(r.Reasons) == 0 {
			t.Fatalf("row %d incomplete: %+v", i, r)
		}
		if r.Eligible != (r.Status == "eligible") || r.Eligible != (r.Rank != nil) {
			t.Errorf("%s: eligible %v, status %s, rank %v", r.Name, r.Eligible, r.Status, r.Rank)
		}
		if r.Eligible {
			byDistrict[r.District] = append(byDistrict[r.District], r)
			if i > 0 && !rows[i-1].Eligible {
				t.Errorf("%s: eligible after an ineligible row", r.Name)
			}
		} else {
			if len(r.Failures) == 0 {
				t.Errorf("%s: ineligible without a reason", r.Name)
			}
			if r.Status == "ineligible" && !seenIneligible {
				ineligible, seenIneligible = r, true
			}
		}
	}
	if rows[0].Rank == nil || *rows[0].Rank != 1 {
		t.Errorf("first row rank %v", rows[0].Rank)
	}
	// A district with at least three eligible communities.
	var district string
	for d, list := range byDistrict {
		if len(list) >= 3 && (district == "" || d < district) {
			district = d
		}
	}
	if district == "" {
		t.Fatalf("no district with three eligible communities: %v", byDistrict)
	}
	in := decode[[]rankRow](t, mustCtl(t, "rank", "--db", db, "--json", "--district", district))
	for _, r := range in {
		if r.District != district {
			t.Errorf("--district %s listed %s", district, r.District)
		}
	}
	if out := mustCtl(t, "rank", "--db", db, "--district", district); !strings.Contains(out, "符合条件") || !strings.Contains(out, "排名") {
		t.Errorf("rank table:\n%s", out)
	}

	el := byDistrict[district]
	a, b, c := el[0].CommunityID, el[1].CommunityID, el[2].CommunityID
	if out := mustCtl(t, "pick", "--db", db, "--community", a, "--level", "district", "--as", "区局王科长"); !strings.Contains(out, "选树人 区局王科长") {
		t.Errorf("pick says %s", out)
	}
	mustCtl(t, "pick", "--db", db, "--community", b[:30], "--level", "district")
	_, errOut, code := ctl(t, "pick", "--db", db, "--community", c, "--level", "district")
	if code != exitFailure || !strings.Contains(errOut, "每个县（市）区最多2个") {
		t.Errorf("third district pick: exit %d, %s", code, errOut)
	}
	_, errOut, code = ctl(t, "pick", "--db", db, "--community", ineligible.CommunityID, "--level", "district")
	if code != exitFailure || !strings.Contains(errOut, "不符合条件") {
		t.Errorf("ineligible pick: exit %d, %s", code, errOut)
	}
	if _, _, code := ctl(t, "pick", "--db", db, "--community", a, "--level", "district", "--typical"); code != exitMisuse {
		t.Errorf("typical without --intro: exit %d", code)
	}
	if _, _, code := ctl(t, "pick", "--db", db, "--community", a, "--level", "province"); code != exitMisuse {
		t.Errorf("bad level: exit %d", code)
	}
	mustCtl(t, "pick", "--db", db, "--community", a, "--level", "district", "--typical", "--intro", "党建引领，业委会运行规范，零投诉。")
	_, errOut, code = ctl(t, "pick", "--db", db, "--community", c, "--level", "city")
	if code != exitFailure || !strings.Contains(errOut, "不是区级「美好家园」") {
		t.Errorf("city pick of a non-pick: exit %d, %s", code, errOut)
	}
	mustCtl(t, "pick", "--db", db, "--community", a, "--level", "city")
	picked := decode[[]rankRow](t, mustCtl(t, "rank", "--db", db, "--json", "--district", district))
	for _, r := range picked {
		if r.CommunityID == a && strings.Join(r.Picks, "、") != "区级「美好家园」、区级典型案例、市级「美好家园」" {
			t.Errorf("picks of %s: %v", r.Name, r.Picks)
		}
	}
	_, errOut, code = ctl(t, "unpick", "--db", db, "--community", a, "--level", "district")
	if code != exitFailure || !strings.Contains(errOut, "请先撤销") {
		t.Errorf("unpick out of order: exit %d, %s", code, errOut)
	}
	mustCtl(t, "unpick", "--db", db, "--community", b, "--level", "district")
	mustCtl(t, "pick", "--db", db, "--community", c, "--level", "district")

	// Actions: the demo's due dates (2024) are past by the wall clock.
	type act struct {
		ID          string `json:"id"`
		Status      string `json:"status"`
		DaysOverdue int    `json:"days_overdue"`
		DueDate     string `json:"due_date"`
	}
	all := decode[[]act](t, mustCtl(t, "actions", "--db", db, "--json"))
	over := decode[[]act](t, mustCtl(t, "actions", "--db", db, "--json", "--overdue"))
	if len(all) == 0 || len(over) == 0 || len(over) > len(all) {
		t.Fatalf("%d actions, %d overdue", len(all), len(over))
	}
	for _, x := range over {
		if x.Status != "overdue" || x.DaysOverdue <= 0 {
			t.Errorf("overdue row %+v", x)
		}
	}
	if out := mustCtl(t, "actions", "--db", db, "--overdue"); !strings.Contains(out, "逾期") {
		t.Errorf("actions table:\n%s", out)
	}
	mustCtl(t, "actions", "--db", db, "--done", over[0].ID, "--note", "已整改到位，复查照片存档")
	if after := decode[[]act](t, mustCtl(t, "actions", "--db", db, "--json", "--overdue")); len(after) != len(over)-1 {
		t.Errorf("after --done: %d overdue, was %d", len(after), len(over))
	}

	// The work report with the selection and native charts.
	xl := filepath.Join(dir, "report.xlsx")
	out := mustCtl(t, "report", "--db", db, "--out", xl, "--suggestions", "建议加强老旧小区物业管理。")
	if !strings.Contains(out, "区级选树 2 个") || !strings.Contains(out, "市级选树 1 个") {
		t.Errorf("report says %s", out)
	}
	f, err := excelize.OpenFile(xl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rowsX, _ := f.GetRows("工作报告数据")
	text := ""
	for _, r := range rowsX {
		text += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{"符合“美好家园”条件", "“美好家园”选树情况", "区级典型案例", "党建引领，业委会运行规范，零投诉。", "存在问题及建议",
		"建议加强老旧小区物业管理。", "报告参考文字"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	zr, err := zip.OpenReader(xl)
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
	}
	zr.Close()
	if charts != 2 {
		t.Errorf("%d charts", charts)
	}
	mustCtl(t, "verify", "--db", db)
}
