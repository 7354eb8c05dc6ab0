package xlsx_test

import (
	"archive/zip"
	"bytes"
	"context"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/xuri/excelize/v2"
)

func results(t testing.TB, db *store.DB, district string) iter.Seq2[xlsx.Result, error] {
	return func(yield func(xlsx.Result, error) bool) {
		stop := false
		err := db.LatestResults(context.Background(), store.ReportFilter{District: district}, func(r store.CommunityResult) error {
			if stop {
				return nil
			}
			if !yield(xlsx.Result{Community: r.Community, Record: r.Record}, nil) {
				stop = true
			}
			return nil
		})
		if err != nil && !stop {
			yield(xlsx.Result{}, err)
		}
	}
}

func openBook(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// styleFill is the fill colour of a cell ("" for none).
func styleFill(t testing.TB, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Fill.Color) == 0 {
		return ""
	}
	return s.Fill.Color[0]
}

func TestSummary(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	makeRecord(t, db, recordOpts{Name: "怡乐花园", Finalize: true, Veto: true})
	makeRecord(t, db, recordOpts{Name: "金山碧水湾", Finalize: true})
	if _, err := db.AddCommunity(ctx, inspection.Community{Name: "未检小区", District: "鼓楼区"}); err != nil {
		t.Fatal(err)
	}
	tpl, _ := db.Template(ctx, "meihao-2024", 1)
	var b bytes.Buffer
	at := time.Date(2024, 9, 20, 9, 0, 0, 0, time.Local)
	if err := xlsx.WriteSummary(&b, results(t, db, ""), xlsx.SummaryOptions{Template: tpl, Title: "鼓楼区汇总表", At: at}); err != nil {
		t.Fatal(err)
	}
	f := openBook(t, b.Bytes())
	rows, err := f.GetRows(xlsx.SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows, want title + 2 header rows + 3 communities", len(rows))
	}
	head := rows[2]
	col := func(prefix string) int {
		for i, h := range head {
			if strings.HasPrefix(h, prefix) {
				return i
			}
		}
		t.Fatalf("no column %q in %v", prefix, head)
		return -1
	}
	byName := map[string][]string{}
	for _, r := range rows[3:] {
		byName[r[4]] = r
	}
	yl := byName["怡乐花园"]
	if yl == nil || byName["未检小区"] == nil {
		t.Fatalf("rows by name: %v", byName)
	}
	if got := yl[col("8.4 ")]; got != "不符合" {
		t.Errorf("8.4 = %q", got)
	}
	if got := yl[col("11.2 ")]; got != "93.5" {
		t.Errorf("11.2 = %q", got)
	}
	if got := yl[col("9.3 ")]; got != "不适用" {
		t.Errorf("9.3 = %q", got)
	}
	if got := yl[col("一票否决项")]; !strings.Contains(got, "8.4") || !strings.Contains(got, "11.2") {
		t.Errorf("vetoes = %q", got)
	}
	if got := yl[col("评选初审")]; !strings.Contains(got, "一票否决（2 项）") {
		t.Errorf("check = %q", got)
	}
	if got := byName["未检小区"][col("评选初审")]; got != "未检查" {
		t.Errorf("uninspected check = %q", got)
	}
	if got := byName["金山碧水湾"][col("评选初审")]; strings.Contains(got, "一票否决") || strings.Contains(got, "数据不足") {
		t.Errorf("clean community check = %q", got)
	}
	if got := yl[col("总分")]; got == "" {
		t.Error("no total score")
	}
	// Failing cells are highlighted, passing ones are not.
	rowNum := 4
	for i, r := range rows[3:] {
		if r[4] == "怡乐花园" {
			rowNum = 4 + i
		}
	}
	if fill := styleFill(t, f, xlsx.SummarySheet, cellAt(col("8.4 "), rowNum)); fill != "FFC7CE" {
		t.Errorf("failing cell fill %q", fill)
	}
	if fill := styleFill(t, f, xlsx.SummarySheet, cellAt(col("1.1 "), rowNum)); fill != "" {
		t.Errorf("passing cell fill %q", fill)
	}
	panes, err := f.GetPanes(xlsx.SummarySheet)
	if err != nil || !panes.Freeze || panes.YSplit != 3 || panes.XSplit != 5 {
		t.Errorf("panes %+v %v", panes, err)
	}
	tables, err := f.GetTables(xlsx.SummarySheet)
	if err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A3:") || !strings.HasSuffix(tables[0].Range, "6") {
		t.Errorf("filter table %+v %v", tables, err)
	}
}

func cellAt(col0, row int) string {
	n, _ := excelize.CoordinatesToCellName(col0+1, row)
	return n
}

func TestWorkReportAndActions(t *testing.T) {
	tpl, _ := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	rep, err := xlsx.BuildWorkReport(syntheticCity(tpl, 26), tpl, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Communities != 26 || rep.Total.Inspected != 26 || len(rep.Districts) != 13 || len(rep.TopFailing) == 0 {
		t.Fatalf("report %+v", rep.Total)
	}
	if rep.TopFailing[0].Failed < rep.TopFailing[len(rep.TopFailing)-1].Failed {
		t.Error("top failing items not sorted")
	}
	var b bytes.Buffer
	if err := xlsx.WriteWorkReport(&b, rep, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 2 {
		t.Errorf("%d native charts, want 2", charts)
	}
	f := openBook(t, b.Bytes())
	if v, _ := f.GetCellValue(xlsx.WorkReportSheet, "B18"); v != "26" {
		t.Errorf("total communities cell B18 = %q", v)
	}

	due := time.Date(2024, 9, 1, 0, 0, 0, 0, time.Local)
	rows := []xlsx.ActionRow{
		{Action: inspection.CorrectiveAction{ItemCode: "8.4", Problem: "消防车通道被占用", DueDate: due, Status: inspection.ActionOpen},
			Community: inspection.Community{Name: "怡乐花园", District: "鼓楼区"}, ItemText: "无占用、堵塞消防车通道现象"},
		{Action: inspection.CorrectiveAction{ItemCode: "1.1", DueDate: due, Status: inspection.ActionDone, RecheckResult: inspection.Pass},
			Community: inspection.Community{Name: "金山碧水湾", District: "鼓楼区"}},
	}
	b.Reset()
	if err := xlsx.WriteActions(&b, rows, "", time.Date(2024, 9, 11, 10, 0, 0, 0, time.Local)); err != nil {
		t.Fatal(err)
	}
	f = openBook(t, b.Bytes())
	if v, _ := f.GetCellValue(xlsx.ActionsSheet, "J3"); v != "逾期" {
		t.Errorf("status %q", v)
	}
	if v, _ := f.GetCellValue(xlsx.ActionsSheet, "K3"); v != "10" {
		t.Errorf("days overdue %q", v)
	}
	if fill := styleFill(t, f, xlsx.ActionsSheet, "J3"); fill != "FFC7CE" {
		t.Errorf("overdue fill %q", fill)
	}
	if v, _ := f.GetCellValue(xlsx.ActionsSheet, "J4"); v != "已整改" {
		t.Errorf("done status %q", v)
	}
}
