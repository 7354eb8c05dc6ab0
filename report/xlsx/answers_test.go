package xlsx_test

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/xuri/excelize/v2"
)

// seqOf yields the given results.
func seqOf(rs ...xlsx.Result) iter.Seq2[xlsx.Result, error] {
	return func(yield func(xlsx.Result, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func loadResult(t *testing.T, db *store.DB, id string) xlsx.Result {
	t.Helper()
	rec, err := db.Inspection(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return xlsx.Result{Community: rec.Community, Record: &rec}
}

// TestAnswers writes a finalized record with veto failures, a draft, a
// correction and a community never inspected, and reads every row back.
func TestAnswers(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	yl := makeRecord(t, db, recordOpts{Name: "怡乐花园", Finalize: true, Veto: true, Photos: 3})
	draft := makeRecord(t, db, recordOpts{Name: "金山碧水湾", District: "仓山区"})
	orig := makeRecord(t, db, recordOpts{Name: "三坊七巷小区", Finalize: true})
	am, err := db.AmendInspection(ctx, orig, "数值录入有误")
	if err != nil {
		t.Fatal(err)
	}
	v := 99.0
	if _, err := db.SetAnswer(ctx, inspection.Answer{InspectionID: am.ID, ItemCode: "11.2", Value: &v}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinalizeInspection(ctx, am.ID, []inspection.Signature{{Name: "林晓梅", Role: "检查员"}}); err != nil {
		t.Fatal(err)
	}
	none, err := db.AddCommunity(ctx, inspection.Community{Name: "未检小区", District: "鼓楼区"})
	if err != nil {
		t.Fatal(err)
	}
	results := []xlsx.Result{loadResult(t, db, yl), loadResult(t, db, draft), {Community: none}, loadResult(t, db, am.ID)}
	nItems := len(results[0].Record.Template.Items())

	var b bytes.Buffer
	at := time.Date(2024, 9, 20, 9, 0, 0, 0, time.Local)
	if err := xlsx.WriteAnswers(&b, seqOf(results...), xlsx.AnswersOptions{Title: "测试答题明细", At: at}); err != nil {
		t.Fatal(err)
	}
	f := openBook(t, b.Bytes())
	rows, err := f.GetRows(xlsx.AnswersSheet)
	if err != nil {
		t.Fatal(err)
	}
	if want := 2 + 3*nItems; len(rows) != want {
		t.Fatalf("%d rows, want title + header + 3 records × %d items = %d", len(rows), nItems, want)
	}
	if !strings.HasPrefix(rows[0][0], "测试答题明细（制表时间 2024-09-20 09:00") {
		t.Errorf("title %q", rows[0][0])
	}
	head := rows[1]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q in %v", name, head)
		return -1
	}
	get := func(r []string, name string) string {
		if i := col(name); i < len(r) {
			return r[i]
		}
		return ""
	}
	type key struct{ name, item string }
	byKey := map[key][]string{}
	rowOf := map[key]int{}
	for i, r := range rows[2:] {
		if got := get(r, "序号"); got != strconv.Itoa(i+1) {
			t.Fatalf("row %d: 序号 %q", i+3, got)
		}
		k := key{get(r, "小区名称"), get(r, "检查项")}
		if byKey[k] != nil {
			t.Fatalf("two rows for %v", k)
		}
		byKey[k], rowOf[k] = r, i+3
	}
	cell := func(name, item, column string) string {
		r := byKey[key{name, item}]
		if r == nil {
			t.Fatalf("no row for %s %s", name, item)
		}
		return get(r, column)
	}
	// Items in the template's order, under their section.
	if got := rows[2][col("检查项")]; got != "1.1" {
		t.Errorf("first item %q", got)
	}
	if got := cell("怡乐花园", "8.4", "章节"); !strings.HasSuffix(got, "环境与设施") {
		t.Errorf("8.4 section %q", got)
	}
	for _, c := range []struct{ name, item, column, want string }{
		{"怡乐花园", "8.4", "结果", "不符合"},
		{"怡乐花园", "8.4", "一票否决项", "是"},
		{"怡乐花园", "8.4", "备注", "东侧消防车通道被私家车占用，现场拍照留证"},
		{"怡乐花园", "8.4", "记录状态", "已完成"},
		{"怡乐花园", "8.4", "县（市）区", "鼓楼区"},
		{"怡乐花园", "8.4", "街道（乡镇）", "东街街道"},
		{"怡乐花园", "8.4", "检查人员", "林晓梅、陈建国"},
		{"怡乐花园", "1.1", "一票否决项", ""},
		{"怡乐花园", "1.1", "结果", "符合"},
		{"怡乐花园", "1.1", "照片数", "3"},
		{"怡乐花园", "9.3", "结果", "不适用"},
		{"怡乐花园", "11.2", "数值", "93.5"},
		{"怡乐花园", "11.2", "单位", "%"},
		{"怡乐花园", "11.2", "结果", "不符合"},
		{"怡乐花园", "10.9", "数值", "2"},
		{"怡乐花园", "10.9", "结果", "符合"},
		{"怡乐花园", "2.2", "结果", "不计分"},
		{"怡乐花园", "2.2", "数值", "0.8"},
		{"怡乐花园", "4.2", "选择/填写内容", "养老、快递收发"},
		{"怡乐花园", "4.2", "结果", "符合"},
		{"金山碧水湾", "1.1", "记录状态", "草稿"},
		{"金山碧水湾", "1.1", "县（市）区", "仓山区"},
		{"三坊七巷小区", "11.2", "记录状态", "已更正"},
		{"三坊七巷小区", "11.2", "数值", "99"},
		{"三坊七巷小区", "11.2", "结果", "符合"},
		{"三坊七巷小区", "11.2", "检查记录编号", am.ID},
	} {
		if got := cell(c.name, c.item, c.column); got != c.want {
			t.Errorf("%s %s %s = %q, want %q", c.name, c.item, c.column, got, c.want)
		}
	}
	if got := cell("怡乐花园", "1.1", "检查日期"); got != results[0].Record.Inspection.StartedAt.Format("2006-01-02") {
		t.Errorf("date %q", got)
	}
	for _, r := range rows[2:] {
		if get(r, "小区名称") == "未检小区" {
			t.Error("a community without a record has rows")
		}
	}
	// Numbers are numbers; failing results are highlighted.
	for _, c := range []struct{ column, item string }{{"数值", "11.2"}, {"照片数", "1.1"}, {"序号", "1.1"}} {
		ref := cellAt(col(c.column), rowOf[key{"怡乐花园", c.item}])
		if typ, err := f.GetCellType(xlsx.AnswersSheet, ref); err != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
			t.Errorf("%s %s (%s) is not a number: type %v %v", c.column, c.item, ref, typ, err)
		}
	}
	if typ, _ := f.GetCellType(xlsx.AnswersSheet, cellAt(col("检查项"), rowOf[key{"怡乐花园", "11.2"}])); typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber {
		t.Errorf("the item code 11.2 is stored as a number (type %v)", typ)
	}
	if fill := styleFill(t, f, xlsx.AnswersSheet, cellAt(col("结果"), rowOf[key{"怡乐花园", "8.4"}])); fill != "FFC7CE" {
		t.Errorf("failing result fill %q", fill)
	}
	if fill := styleFill(t, f, xlsx.AnswersSheet, cellAt(col("结果"), rowOf[key{"怡乐花园", "1.1"}])); fill != "" {
		t.Errorf("passing result fill %q", fill)
	}
	panes, err := f.GetPanes(xlsx.AnswersSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.XSplit != 0 {
		t.Errorf("panes %+v %v", panes, err)
	}
	tables, err := f.GetTables(xlsx.AnswersSheet)
	if err != nil || len(tables) != 1 || tables[0].Range != "A2:"+cellAt(len(head)-1, len(rows)) {
		t.Errorf("filter table %+v %v (want A2:%s)", tables, err, cellAt(len(head)-1, len(rows)))
	}
	if w, err := f.GetColWidth(xlsx.AnswersSheet, "K"); err != nil || w < 30 {
		t.Errorf("检查内容 width %v %v", w, err)
	}
}

// TestAnswersEmptyAndErrors: no records gives a valid workbook with the
// header only; an error from the results is returned; too many rows for
// one sheet are refused with a message.
func TestAnswersEmptyAndErrors(t *testing.T) {
	var b bytes.Buffer
	if err := xlsx.WriteAnswers(&b, seqOf(), xlsx.AnswersOptions{}); err != nil {
		t.Fatal(err)
	}
	f := openBook(t, b.Bytes())
	rows, err := f.GetRows(xlsx.AnswersSheet)
	if err != nil || len(rows) != 2 || rows[1][0] != "序号" {
		t.Fatalf("empty export: %v %v", rows, err)
	}
	if !strings.Contains(rows[0][0], "答题明细") {
		t.Errorf("default title %q", rows[0][0])
	}

	boom := errors.New("读取失败")
	bad := func(yield func(xlsx.Result, error) bool) { yield(xlsx.Result{}, boom) }
	if err := xlsx.WriteAnswers(&b, bad, xlsx.AnswersOptions{}); !errors.Is(err, boom) {
		t.Errorf("error from the results: %v", err)
	}

	db := openDB(t)
	res := loadResult(t, db, makeRecord(t, db, recordOpts{Finalize: true}))
	defer xlsx.SetMaxSheetRows(40)() // 2 header rows + 46 items do not fit
	err = xlsx.WriteAnswers(&b, seqOf(res), xlsx.AnswersOptions{})
	if err == nil || !strings.Contains(err.Error(), "超过 Excel 一个工作表的上限") {
		t.Errorf("over the row limit: %v", err)
	}
}
