package ui

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/pdf"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo/demotest"
)

// demoDB is the app's demo city (40 communities, dated by the demo clock)
// in a real file.
func demoDB(t *testing.T) *store.DB { return demotest.City(t, 40) }

// biggestDistrict is the district with most finalized records.
func biggestDistrict(t *testing.T, db *store.DB) (string, []store.ScopeRecord) {
	t.Helper()
	all, err := db.ScopeLatestFinalized(context.Background(), store.ReportScope{})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	best := ""
	for _, r := range all {
		n[r.District]++
		if n[r.District] > n[best] {
			best = r.District
		}
	}
	recs, err := db.ScopeLatestFinalized(context.Background(), store.ReportScope{District: best})
	if err != nil || len(recs) == 0 || len(recs) == len(all) {
		t.Fatalf("district %s: %d of %d records, %v", best, len(recs), len(all), err)
	}
	return best, recs
}

// reportsUI opens 报表 as the district office of district; file choosers
// answer with files in dir and record the names they were offered.
func reportsUI(t *testing.T, db *store.DB, district string) (*App, *reportsScreen, string, *[]string) {
	t.Helper()
	u := newRoleUI(t, db, RoleDistrict, district)
	u.office.show(ScreenReports)
	s := u.office.reports
	dir := t.TempDir()
	var offered []string
	s.chooseSave = func(name string, _ []string, then func(string)) {
		offered = append(offered, name)
		then(filepath.Join(dir, name))
	}
	s.chooseFolder = func(then func(string)) { then(dir) }
	if want := cmp.Or(district, "全部"); s.district.Selected != want {
		t.Fatalf("a district office should start on its district: %q", s.district.Selected)
	}
	return u, s, dir, &offered
}

func TestReportsExportSummary(t *testing.T) {
	db := demoDB(t)
	district, recs := biggestDistrict(t, db)
	_, s, _, offered := reportsUI(t, db, district)

	test.Tap(s.summaryBtn)
	if want := district + "汇总表-2024-09-10.xlsx"; len(*offered) != 1 || (*offered)[0] != want {
		t.Fatalf("offered %q, want %q", *offered, want)
	}
	if s.exported == "" {
		t.Fatalf("nothing exported: %q", s.result.Text)
	}
	f, err := excelize.OpenFile(s.exported)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rows[0][0], district+"“美好家园”小区检查汇总表") {
		t.Errorf("title %q", rows[0][0])
	}
	// The data rows: 序号 in column A, district in B, name in E.
	inspected := map[string]bool{}
	for _, r := range recs {
		inspected[r.CommunityName] = true
	}
	communities, err := db.ListCommunities(context.Background(), store.CommunityFilter{District: district})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rows {
		if len(r) > 9 && r[0] != "" && r[0] != "序号" && r[0][0] >= '0' && r[0][0] <= '9' {
			if r[1] != district {
				t.Errorf("row of %s in the %s summary", r[1], district)
			}
			names = append(names, r[4])
			if inspected[r[4]] != (r[9] != "未检查") {
				t.Errorf("%s: status %q, inspected %v", r[4], r[9], inspected[r[4]])
			}
		}
	}
	t.Logf("%s: %d rows, %d inspected", district, len(names), len(recs))
	if len(names) != len(communities) {
		t.Errorf("%d rows, want the district's %d communities", len(names), len(communities))
	}
	if !strings.Contains(s.result.Text, "汇总表已导出") {
		t.Errorf("result %q", s.result.Text)
	}

	// A date range that contains nothing: no file, a message.
	before := s.exported
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.Local)
	s.from.SetDate(&day)
	s.to.SetDate(&day)
	s.exported = ""
	test.Tap(s.summaryBtn)
	if s.exported != "" || !strings.Contains(s.result.Text, "没有小区") {
		t.Errorf("empty scope: exported %q, says %q", s.exported, s.result.Text)
	}
	if _, err := os.Stat(before); err != nil {
		t.Errorf("the earlier export is gone: %v", err)
	}
}

func TestReportsExportActionsOverdue(t *testing.T) {
	db := demoDB(t)
	u, s, _, offered := reportsUI(t, db, "")
	s.district.SetSelectedIndex(0) // 全部
	s.actionFilter.SetSelectedIndex(int(store.ActionsOverdue))
	test.Tap(s.actionsBtn)
	want, err := db.ScopeActionRows(context.Background(), store.ReportScope{}, store.ActionsOverdue, u.now())
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("the demo has no overdue action on 2024-09-10")
	}
	if got := (*offered)[0]; got != "整改清单（逾期）-2024-09-10.xlsx" {
		t.Errorf("offered %q", got)
	}
	f, err := excelize.OpenFile(s.exported)
	if err != nil {
		t.Fatalf("%v (result %q)", err, s.result.Text)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.ActionsSheet)
	if err != nil {
		t.Fatal(err)
	}
	status := -1
	n := 0
	for _, r := range rows {
		if i := slices.Index(r, "状态"); i >= 0 && status < 0 {
			status = i
			continue
		}
		if status >= 0 && len(r) > status && r[0] != "" {
			n++
			if r[status] != "逾期" {
				t.Errorf("row %v: status %q", r[:3], r[status])
			}
		}
	}
	t.Logf("%d overdue actions", n)
	if n != len(want) {
		t.Errorf("%d rows, want %d overdue actions", n, len(want))
	}

	// Dates with no inspection: nothing written, a message, the earlier
	// export kept.
	before := s.exported
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.Local)
	s.from.SetDate(&day)
	s.to.SetDate(&day)
	s.exported = ""
	test.Tap(s.actionsBtn)
	if s.exported != "" || !strings.Contains(s.result.Text, "未导出") {
		t.Errorf("empty scope: exported %q, says %q", s.exported, s.result.Text)
	}
	if _, err := os.Stat(before); err != nil {
		t.Errorf("the earlier export is gone: %v", err)
	}
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

func TestReportsBatchPrintFolderAndCombined(t *testing.T) {
	db := demoDB(t)
	district, recs := biggestDistrict(t, db)
	_, s, dir, offered := reportsUI(t, db, district)

	test.Tap(s.printBtn)
	folder := filepath.Join(dir, district+"检查记录表-2024-09-10")
	files, err := filepath.Glob(filepath.Join(folder, "*.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(recs) {
		t.Fatalf("%d files in %s, want %d; result %q", len(files), folder, len(recs), s.result.Text)
	}
	first := recs[0].CommunityName
	var found bool
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), first) {
			found = true
			if txt := pdfText(t, f); !strings.Contains(txt, first) {
				t.Errorf("%s does not name %s", f, first)
			}
		}
	}
	if !found {
		t.Errorf("no file for %s among %v", first, files)
	}
	if !strings.Contains(s.result.Text, "已生成") || !strings.Contains(s.result.Text, folder) || !s.printBox.Hidden || s.printBtn.Disabled() {
		t.Errorf("after printing: result %q, progress hidden %v, button disabled %v", s.result.Text, s.printBox.Hidden, s.printBtn.Disabled())
	}
	if s.progress.Value != float64(len(recs)) {
		t.Errorf("progress %v of %d", s.progress.Value, len(recs))
	}

	s.printMode.SetSelected(s.printMode.Options[printCombined])
	test.Tap(s.printBtn)
	if want := district + "检查记录表-2024-09-10.pdf"; (*offered)[len(*offered)-1] != want {
		t.Fatalf("offered %q, want %q", *offered, want)
	}
	txt := pdfText(t, filepath.Join(dir, district+"检查记录表-2024-09-10.pdf"))
	for _, r := range []store.ScopeRecord{recs[0], recs[len(recs)-1]} {
		if !strings.Contains(txt, r.CommunityName) {
			t.Errorf("the combined PDF does not name %s", r.CommunityName)
		}
	}
	if !strings.Contains(s.result.Text, "合并为一个 PDF") {
		t.Errorf("result %q", s.result.Text)
	}
}

// TestReportsBatchPrintCancel prints in the background like the app does
// and cancels after the first record: fewer files, no half-written one,
// a message saying so, the window's widgets usable again.
func TestReportsBatchPrintCancel(t *testing.T) {
	db := demoDB(t)
	_, s, dir, _ := reportsUI(t, db, "")
	s.district.SetSelectedIndex(0)
	all, err := db.ScopeLatestFinalized(context.Background(), store.ReportScope{})
	if err != nil {
		t.Fatal(err)
	}
	s.u.async = func(f func()) { go f() }
	test.Tap(s.printBtn)
	deadline := time.Now().Add(60 * time.Second)
	for s.progress.Value < 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	test.Tap(s.cancelBtn)
	for s.printBtn.Disabled() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if !strings.Contains(s.result.Text, "已取消") || strings.Contains(s.result.Text, "context") || strings.Contains(s.result.Text, "未能打印") {
		t.Fatalf("result %q", s.result.Text)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	t.Logf("%d of %d files printed before 取消; %s", len(files), len(all), s.result.Text)
	if len(files) == 0 || len(files) >= len(all) {
		t.Errorf("%d files after cancelling, of %d", len(files), len(all))
	}
	for _, f := range files {
		if filepath.Ext(f) != ".pdf" {
			t.Errorf("left behind: %s", f)
		}
	}
}

// communityBook writes a community list: a new community, an update of
// an existing one, and a row whose 户数 is not a number (D4).
func communityBook(t *testing.T, existing inspection.Community) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "小区名单")
	for i, row := range [][]any{
		{"小区名称", "县（市）区", "街道", "户数", "物业服务企业"},
		{"新建家园", existing.District, "东街街道", 420, "新物业"},
		{"坏数据小区", existing.District, "东街街道", "很多", ""},
		{existing.Name, existing.District, existing.Street, existing.Households + 10, existing.PropertyCompany},
	} {
		if err := f.SetSheetRow("小区名单", "A"+string(rune('1'+i)), &row); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "小区名单.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReportsImportCommunitiesPreviewThenGoodRows(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	list, err := db.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	existing := list[0]
	path := communityBook(t, existing)
	_, s, _, _ := reportsUI(t, db, "")
	s.chooseOpen = func(then func(string)) { then(path) }
	p := &s.imports

	test.Tap(p.communitiesBtn)
	var text []string
	for _, l := range p.lines {
		text = append(text, l.text)
	}
	all := strings.Join(text, "\n")
	if !strings.Contains(all, "小区名单!D3：户数「很多」不是数字") {
		t.Errorf("preview does not name the bad cell:\n%s", all)
	}
	if !strings.Contains(all, "［新增］新建家园") || !strings.Contains(all, "［更新］"+existing.Name) {
		t.Errorf("preview does not list the new and updated rows:\n%s", all)
	}
	if !p.applyBtn.Hidden || p.skipBtn.Hidden || !strings.Contains(p.skipBtn.Text, "导入其余 2 行") {
		t.Errorf("with an error: 导入 hidden %v, skip hidden %v %q", p.applyBtn.Hidden, p.skipBtn.Hidden, p.skipBtn.Text)
	}
	// Nothing is written by the preview.
	after, _ := db.ListCommunities(ctx, store.CommunityFilter{})
	if len(after) != len(list) {
		t.Fatalf("the preview wrote: %d communities, was %d", len(after), len(list))
	}

	test.Tap(p.skipBtn)
	if p.applied != 2 || !strings.Contains(p.message.Text, "跳过有错误的 1 行") {
		t.Errorf("applied %d: %q", p.applied, p.message.Text)
	}
	after, _ = db.ListCommunities(ctx, store.CommunityFilter{})
	var names []string
	for _, c := range after {
		names = append(names, c.Name)
		if c.ID == existing.ID && c.Households != existing.Households+10 {
			t.Errorf("%s: %d households, want %d", c.Name, c.Households, existing.Households+10)
		}
	}
	if len(after) != len(list)+1 || !slices.Contains(names, "新建家园") || slices.Contains(names, "坏数据小区") {
		t.Errorf("after import: %d communities (was %d), 新建家园 %v, 坏数据小区 %v", len(after), len(list),
			slices.Contains(names, "新建家园"), slices.Contains(names, "坏数据小区"))
	}
}

func TestReportsImportFiguresAndTemplate(t *testing.T) {
	ctx := context.Background()
	db := demoDB(t)
	list, err := db.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	c := list[1]
	// Figures: one good row, one out of range.
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "满意度")
	for i, row := range [][]any{
		{"小区名称", "县（市）区", "满意度", "投诉率"},
		{c.Name, c.District, 97.5, 0.4},
		{list[2].Name, list[2].District, 150, 0.1},
	} {
		f.SetSheetRow("满意度", "A"+string(rune('1'+i)), &row)
	}
	figPath := filepath.Join(t.TempDir(), "满意度.xlsx")
	if err := f.SaveAs(figPath); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, s, _, _ := reportsUI(t, db, "")
	p := &s.imports
	s.chooseOpen = func(then func(string)) { then(figPath) }
	test.Tap(p.figuresBtn)
	if p.preview == nil || !strings.Contains(p.lines[0].text, "满意度!C3：满意度「150」应在 0 到 100 之间") {
		t.Fatalf("figures preview: %v", p.lines)
	}
	test.Tap(p.skipBtn)
	got, err := db.Community(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Satisfaction == nil || *got.Satisfaction != 97.5 {
		t.Errorf("satisfaction after import: %v (%q)", got.Satisfaction, p.message.Text)
	}

	// A template: the default one as a new version imports; a workbook
	// without its sheets is refused with the reason and writes nothing.
	tpl, err := defaultTemplateOf(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	tpl.Version++
	var buf bytes.Buffer
	if err := xlsx.WriteTemplate(&buf, tpl, time.Now()); err != nil {
		t.Fatal(err)
	}
	tplPath := filepath.Join(t.TempDir(), "模板.xlsx")
	if err := os.WriteFile(tplPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	s.chooseOpen = func(then func(string)) { then(figPath) }
	test.Tap(p.templateBtn)
	if p.preview == nil || !p.preview.blocked || !p.applyBtn.Hidden || !strings.Contains(p.message.Text, "不能导入") {
		t.Errorf("a figures workbook as template: %+v, %q", p.preview, p.message.Text)
	}
	s.chooseOpen = func(then func(string)) { then(tplPath) }
	test.Tap(p.templateBtn)
	if p.applyBtn.Hidden {
		t.Fatalf("template preview: %q %v %q", p.summary.Text, p.lines, p.message.Text)
	}
	test.Tap(p.applyBtn)
	if _, err := db.Template(ctx, tpl.ID, tpl.Version); err != nil {
		t.Errorf("template %s v%d not saved: %v (%q)", tpl.ID, tpl.Version, err, p.message.Text)
	}
}

func TestReportsInspectorHasNoImports(t *testing.T) {
	db := demoDB(t)
	u := newRoleUI(t, db, RoleInspector, "")
	if titles := tabTitles(u); !strings.Contains(titles, "统计 报表") || strings.Contains(titles, "联络员") {
		t.Errorf("inspector tabs: %s", titles)
	}
	if !u.office.reports.importCard.Hidden {
		t.Error("an inspector should not see the imports")
	}
	u.prefs.SetRole(RoleCity)
	u.office.applyRole()
	if u.office.reports.importCard.Hidden {
		t.Error("the city office should see the imports")
	}
}

func TestReportsExportAnswers(t *testing.T) {
	db := demoDB(t)
	district, recs := biggestDistrict(t, db)
	_, s, _, offered := reportsUI(t, db, district)
	test.Tap(s.answersBtn)
	if want := district + "答题明细-2024-09-10.xlsx"; len(*offered) != 1 || (*offered)[0] != want {
		t.Fatalf("offered %q, want %q", *offered, want)
	}
	f, err := excelize.OpenFile(s.exported)
	if err != nil {
		t.Fatalf("%v (result %q)", err, s.result.Text)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.AnswersSheet)
	if err != nil {
		t.Fatal(err)
	}
	idCol := -1
	got := map[string]int{}
	for _, r := range rows {
		if i := slices.Index(r, "检查记录编号"); i >= 0 && idCol < 0 {
			idCol = i
			continue
		}
		if idCol >= 0 && len(r) > idCol {
			if r[1] != district {
				t.Errorf("a %s answer in the %s export", r[1], district)
			}
			got[r[idCol]]++
		}
	}
	var want []string
	for _, r := range recs {
		want = append(want, r.InspectionID)
		if got[r.InspectionID] < 10 {
			t.Errorf("%s (%s): %d answer rows", r.CommunityName, r.InspectionID, got[r.InspectionID])
		}
	}
	if len(got) != len(want) {
		t.Errorf("answers of %d records, want %d", len(got), len(want))
	}
	if !strings.Contains(s.result.Text, "答题明细已导出") {
		t.Errorf("result %q", s.result.Text)
	}
}

// TestReportsPrintResultNamesFailures checks the message after a batch in
// which one record failed: how many, where, which community and why.
func TestReportsPrintResultNamesFailures(t *testing.T) {
	db, _ := openTestDB(t)
	u := newRoleUI(t, db, RoleDistrict, "鼓楼区")
	s := u.office.reports
	id := "01a219ef-24d6-74ca-8022-1d6db8487e42"
	res := pdf.BatchResult{Files: []string{"/x/a.pdf", "/x/b.pdf"},
		Failed: []pdf.BatchError{{ID: id, Err: errors.New("照片文件损坏")}}}
	s.printDone(3, "/x", false, res, errors.New("1 份检查记录打印失败"), false, map[string]string{id: "怡乐花园"}, time.Second)
	for _, want := range []string{"已生成 2 个 PDF 文件（共 3 份），位于 /x", "未能打印：怡乐花园（记录 b8487e42）：照片文件损坏"} {
		if !strings.Contains(s.result.Text, want) {
			t.Errorf("result %q lacks %q", s.result.Text, want)
		}
	}
	if s.result.Importance != widget.DangerImportance {
		t.Errorf("a batch with a failure is shown as %v", s.result.Importance)
	}
	// Records stopped by 取消 are not failures.
	res.Failed = []pdf.BatchError{{ID: id, Err: fmt.Errorf("读取检查记录：%w", context.Canceled)}}
	s.printDone(3, "/x", false, res, context.Canceled, true, map[string]string{id: "怡乐花园"}, time.Second)
	if want := "批量打印已取消：已生成 2 份（共 3 份），位于 /x"; s.result.Text != want {
		t.Errorf("after 取消: %q, want %q", s.result.Text, want)
	}
}

// TestReportsFileNameOfTheWholeFile: a whole-file export is named after
// the user's unit (or just what it is), not 「全部汇总表」.
func TestReportsFileNameOfTheWholeFile(t *testing.T) {
	db := demoDB(t)
	u, s, _, _ := reportsUI(t, db, "")
	if got := s.defaultFileName(store.ReportScope{}, "汇总表", ".xlsx"); got != "汇总表-2024-09-10.xlsx" {
		t.Errorf("no unit: %q", got)
	}
	u.prefs.SetUnit("福州市住建局")
	if got := s.defaultFileName(store.ReportScope{}, "汇总表", ".xlsx"); got != "福州市住建局汇总表-2024-09-10.xlsx" {
		t.Errorf("with a unit: %q", got)
	}
	if got := s.defaultFileName(store.ReportScope{District: "鼓楼区"}, "整改清单", ".xlsx"); got != "鼓楼区整改清单-2024-09-10.xlsx" {
		t.Errorf("a district: %q", got)
	}
}

// TestReportsImportUnchangedListWritesNothing: a list equal to the data
// file (here the 汇总表 just exported, read back as a 小区名单, as a clerk
// did in the real app) offers no 「导入 120 行」 but says nothing changes.
func TestReportsImportUnchangedListWritesNothing(t *testing.T) {
	db := demoDB(t)
	_, s, _, _ := reportsUI(t, db, "")
	test.Tap(s.summaryBtn)
	if s.exported == "" {
		t.Fatal("no 汇总表 exported")
	}
	s.chooseOpen = func(then func(string)) { then(s.exported) }
	p := &s.imports
	test.Tap(p.communitiesBtn)
	if !p.applyBtn.Hidden || !p.skipBtn.Hidden {
		t.Errorf("an unchanged list offers to import: %q / %q", p.applyBtn.Text, p.skipBtn.Text)
	}
	if !strings.Contains(p.message.Text, "没有需要导入的变化") {
		t.Errorf("message %q", p.message.Text)
	}
}

// TestReportsScopeDatesTranslate: the scope line's dates follow the UI's
// language (they were Chinese in the English UI), while the reports'
// titles stay Chinese.
func TestReportsScopeDatesTranslate(t *testing.T) {
	data, err := assets.Translations.ReadFile("translations/en.json")
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]json.RawMessage
	if err := json.Unmarshal(data, &en); err != nil {
		t.Fatal(err)
	}
	english := func(s string) string {
		var v string
		if err := json.Unmarshal(en[s], &v); err != nil || v == "" {
			t.Errorf("en.json has no entry for %q", s)
			return s
		}
		return v
	}
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.Local), time.Date(2026, 6, 30, 0, 0, 0, 0, time.Local)
	han := regexp.MustCompile(`\p{Han}`)
	for _, sc := range []store.ReportScope{{From: from, To: to}, {From: from}, {To: to}} {
		if got := scopeDates(sc, english); han.MatchString(got) || !strings.Contains(got, "2026-") {
			t.Errorf("English scope dates %q", got)
		}
		if got := scopeTitle(sc, "汇总表"); !strings.Contains(got, "检查日期") {
			t.Errorf("title %q lost its Chinese dates", got)
		}
	}
	if got := scopeDates(store.ReportScope{}, english); got != "" {
		t.Errorf("no dates: %q", got)
	}
}

// TestReportsBatchPrintCombinedVolumes: more records than one combined
// PDF takes are printed in volumes (they were refused), each named
// -第N册, every record in exactly one, none lost.
func TestReportsBatchPrintCombinedVolumes(t *testing.T) {
	db := demoDB(t)
	district, recs := biggestDistrict(t, db)
	if len(recs) < 4 {
		t.Fatalf("%s has only %d records", district, len(recs))
	}
	defer func(n int) { maxCombined = n }(maxCombined)
	maxCombined = 3 // the last volume holds fewer
	_, s, dir, _ := reportsUI(t, db, district)
	s.printMode.SetSelected(s.printMode.Options[printCombined])
	test.Tap(s.printBtn)
	base := filepath.Join(dir, district+"检查记录表-2024-09-10")
	if _, err := os.Stat(base + ".pdf"); err == nil {
		t.Errorf("%s.pdf written as well as the volumes", base)
	}
	want := (len(recs) + 2) / 3
	seen := map[string]int{}
	for v := 1; v <= want; v++ {
		name := fmt.Sprintf("%s-第%d册.pdf", base, v)
		txt := pdfText(t, name)
		for _, r := range recs {
			if strings.Contains(txt, r.CommunityName) {
				seen[r.CommunityName]++
			}
		}
	}
	if _, err := os.Stat(fmt.Sprintf("%s-第%d册.pdf", base, want+1)); err == nil {
		t.Errorf("volume %d is one too many", want+1)
	}
	for _, r := range recs {
		if seen[r.CommunityName] != 1 {
			t.Errorf("%s is in %d volumes", r.CommunityName, seen[r.CommunityName])
		}
	}
	if !strings.Contains(s.result.Text, fmt.Sprintf("合并为 %d 册 PDF", want)) || s.progress.Value != float64(len(recs)) {
		t.Errorf("result %q, progress %v of %d", s.result.Text, s.progress.Value, len(recs))
	}
}
