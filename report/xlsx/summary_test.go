package xlsx_test

import (
	"archive/zip"
	"bytes"
	"context"
	"iter"
	"slices"
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
	return readResults(db, store.ReportFilter{District: district})
}

// readResults is what jiayuanctl gives the Excel writers: with f.Summary,
// what it gives WriteSummary (each record's answers in a sorted list).
func readResults(db *store.DB, f store.ReportFilter) iter.Seq2[xlsx.Result, error] {
	return func(yield func(xlsx.Result, error) bool) {
		stop := false
		err := db.LatestResults(context.Background(), f, func(r store.CommunityResult) error {
			if stop {
				return nil
			}
			if !yield(xlsx.Result{Community: r.Community, Record: r.Record, Answers: r.Answers}, nil) {
				stop = true
			}
			return nil
		})
		if err != nil && !stop {
			yield(xlsx.Result{}, err)
		}
	}
}

// sameParts fails unless two workbooks hold the same parts, byte for
// byte once unzipped.
func sameParts(t testing.TB, what string, got, want []byte) {
	t.Helper()
	parts := func(b []byte) map[string]string {
		z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, f := range z.File {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(r); err != nil {
				t.Fatal(err)
			}
			r.Close()
			m[f.Name] = buf.String()
		}
		return m
	}
	g, w := parts(got), parts(want)
	if len(g) != len(w) || len(w) < 5 {
		t.Fatalf("%s: %d parts, want %d", what, len(g), len(w))
	}
	for name, x := range w {
		if g[name] != x {
			t.Fatalf("%s: part %s differs (%d vs %d bytes)", what, name, len(g[name]), len(x))
		}
	}
}

// listForm is a result as store.ReportFilter.Summary gives it: the
// answers in a list sorted by code, without notes or photos, no map.
func listForm(r xlsx.Result) xlsx.Result {
	if r.Record == nil {
		return r
	}
	rec := *r.Record
	r.Answers = []inspection.Answer{}
	for _, a := range rec.Answers {
		a.Note, a.Photos = "", nil
		r.Answers = append(r.Answers, a)
	}
	slices.SortFunc(r.Answers, func(a, b inspection.Answer) int { return strings.Compare(a.ItemCode, b.ItemCode) })
	rec.Answers = nil
	r.Record = &rec
	return r
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
	// Read for the 汇总表 alone (store.ReportFilter.Summary), twice (the
	// second from its cache): the same workbook.
	for _, what := range []string{"read for the 汇总表", "read for the 汇总表, cached"} {
		var s bytes.Buffer
		if err := xlsx.WriteSummary(&s, readResults(db, store.ReportFilter{Summary: true}), xlsx.SummaryOptions{Template: tpl, Title: "鼓楼区汇总表", At: at}); err != nil {
			t.Fatal(err)
		}
		sameParts(t, what, s.Bytes(), b.Bytes())
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

// TestSummaryOtherTemplate checks the item columns of records made with
// another template than the table's: an item that template lacks shows
// （模板无此项）, the items it has show their results, and a record of the
// table's own template shows every item, in rows of the same table.
func TestSummaryOtherTemplate(t *testing.T) {
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	// other: version 2 without the first check item of each section.
	other := *tpl
	other.Version = 2
	other.Sections = nil
	var dropped []string
	for _, s := range tpl.Sections {
		items := []inspection.Item{}
		gone := false
		for _, it := range s.Items {
			if !gone && it.Kind == inspection.KindCheck {
				gone = true
				dropped = append(dropped, it.Code)
				continue
			}
			items = append(items, it)
		}
		s.Items = items
		other.Sections = append(other.Sections, s)
	}
	record := func(name string, t *inspection.Template) xlsx.Result {
		answers := map[string]inspection.Answer{}
		for _, it := range t.Items() {
			if it.Kind == inspection.KindCheck {
				answers[it.Code] = inspection.Answer{ItemCode: it.Code, Result: inspection.Pass}
			}
		}
		in := inspection.Inspection{ID: name, TemplateID: t.ID, TemplateVersion: t.Version, StartedAt: time.Date(2024, 9, 1, 9, 0, 0, 0, time.Local), Status: inspection.Finalized}
		return xlsx.Result{Community: inspection.Community{Name: name, District: "鼓楼区"},
			Record: &inspection.Record{Inspection: in, Template: t, Answers: answers, Score: inspection.Score(t, answers)}}
	}
	list := []xlsx.Result{record("旧版小区", &other), record("新版小区", tpl), record("又一旧版小区", &other)}
	var b bytes.Buffer
	seq := func(yield func(xlsx.Result, error) bool) {
		for _, r := range list {
			if !yield(r, nil) {
				return
			}
		}
	}
	if err := xlsx.WriteSummary(&b, seq, xlsx.SummaryOptions{Template: tpl, At: time.Date(2024, 9, 20, 9, 0, 0, 0, time.Local)}); err != nil {
		t.Fatal(err)
	}
	// The same results with their answers in sorted lists: the same
	// workbook.
	var l bytes.Buffer
	lists := func(yield func(xlsx.Result, error) bool) {
		for _, r := range list {
			if !yield(listForm(r), nil) {
				return
			}
		}
	}
	if err := xlsx.WriteSummary(&l, lists, xlsx.SummaryOptions{Template: tpl, At: time.Date(2024, 9, 20, 9, 0, 0, 0, time.Local)}); err != nil {
		t.Fatal(err)
	}
	sameParts(t, "answers in lists", l.Bytes(), b.Bytes())
	rows, err := openBook(t, b.Bytes()).GetRows(xlsx.SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	cell := func(row int, code string) string {
		for i, h := range rows[2] {
			if strings.HasPrefix(h, code+" ") {
				if i < len(rows[row]) {
					return rows[row][i]
				}
				return ""
			}
		}
		t.Fatalf("no column for item %s", code)
		return ""
	}
	if len(dropped) < 2 {
		t.Fatalf("dropped %v: the template has too few sections", dropped)
	}
	for _, it := range tpl.Items() {
		if it.Kind != inspection.KindCheck {
			continue
		}
		missing := false
		for _, d := range dropped {
			missing = missing || d == it.Code
		}
		for row := 3; row <= 5; row++ {
			want := "符合"
			if missing && row != 4 {
				want = "（模板无此项）"
			}
			if got := cell(row, it.Code); got != want {
				t.Errorf("row %d (%s), item %s: %q, want %q", row+1, rows[row][4], it.Code, got, want)
			}
		}
	}
}
