package xlsx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/xuri/excelize/v2"
)

// book builds a workbook from rows of cell values on one sheet; cells
// that start with "=" become formulas (without a cached result, as a
// program that does not calculate would leave them).
func book(t testing.TB, sheet string, rows [][]any, setup func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if sheet != "Sheet1" {
		f.SetSheetName("Sheet1", sheet)
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
				f.SetCellFormula(sheet, cell, s[1:])
				continue
			}
			if s, ok := v.(string); ok {
				f.SetCellStr(sheet, cell, s)
				continue
			}
			f.SetCellValue(sheet, cell, v)
		}
	}
	if setup != nil {
		setup(f)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func issuesText(is []xlsx.Issue) string {
	var s []string
	for _, i := range is {
		s = append(s, i.String())
	}
	return strings.Join(s, "\n")
}

func TestReadCommunitiesMessyList(t *testing.T) {
	long := strings.Repeat("很", 5000)
	data := book(t, "小区名单", [][]any{
		{"鼓楼区住宅小区名单（2024年8月）"}, // a merged title row
		{},
		{"序号", "项目名称", "区县", "所属街道", "社区（村）", "详细地址", "物业公司", "总户数（户）", "备注"},
		{1, "怡乐花园（一期）", "鼓楼区", "东街街道", "南营社区", "东街88号", "福建美家物业", "１２００", "说明"},
		{2, "金山碧水湾", "", "", "", "", "", "1,350户", ""}, // district from the merged cell above
		{},
		{"３", "=\"南湖\"&\"小区\"", "台江区", "", "", "", "", 860, ""},
		{4, long, "台江区", "", "", "", "", "很多", ""},
		{5, "怡乐花园（一期）", "鼓楼区", "", "", "", "", "", ""},
		{6, "", "台江区", "", "", "", "", 100, ""},
		{"合计", "", "", "", "", "", "", 3410, ""},
	}, func(f *excelize.File) {
		f.MergeCell("小区名单", "A1", "I1")
		f.MergeCell("小区名单", "C4", "C5") // 鼓楼区 written once for two rows
	})
	p, err := xlsx.ReadCommunities(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) != 0 {
		t.Fatalf("problems: %s", issuesText(p.Problems))
	}
	if p.Header != 3 || p.Sheet != "小区名单" {
		t.Errorf("header row %d on %s", p.Header, p.Sheet)
	}
	if len(p.Rows) != 6 {
		t.Fatalf("%d rows, want 6 (blank and 合计 skipped): %+v", len(p.Rows), p.Rows)
	}
	r0, r1, r2 := p.Rows[0], p.Rows[1], p.Rows[2]
	if !r0.OK() || r0.Value.Name != "怡乐花园（一期）" || r0.Value.Households != 1200 || r0.Value.PropertyCompany != "福建美家物业" || r0.Value.Community != "南营社区" {
		t.Errorf("row 4: %+v %v", r0.Value, r0.Issues)
	}
	if !r1.OK() || r1.Value.District != "鼓楼区" || r1.Value.Households != 1350 {
		t.Errorf("row 5 (merged district, 1,350户): %+v %v", r1.Value, r1.Issues)
	}
	if !r2.OK() || r2.Value.Name != "南湖小区" || r2.Line != 7 {
		t.Errorf("row 7 (formula name): %+v %v", r2.Value, r2.Issues)
	}
	errs := issuesText(p.Errors())
	for _, want := range []string{"小区名单!B8：小区名称过长（5000 个字，最多 100 个）", "小区名单!H8：户数「很多」不是数字",
		"小区名单!B9：与第4行重复", "小区名单!B10：小区名称为空"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(issuesText(p.Warnings), "「备注」") {
		t.Errorf("unused column not warned: %s", issuesText(p.Warnings))
	}

	// Nothing is written while errors remain; skipping writes the good rows.
	called := 0
	_, err = xlsx.Apply(context.Background(), p, false, func(ctx context.Context, rows []xlsx.Row[inspection.Community]) error { called++; return nil })
	if !errors.Is(err, xlsx.ErrHasErrors) || called != 0 {
		t.Fatalf("apply with errors: %v, save called %d", err, called)
	}
	var saved []xlsx.Row[inspection.Community]
	n, err := xlsx.Apply(context.Background(), p, true, func(ctx context.Context, rows []xlsx.Row[inspection.Community]) error { saved = rows; return nil })
	if err != nil || n != 3 || len(saved) != 3 {
		t.Fatalf("apply skipping bad rows: %d %v", n, err)
	}
}

func TestReadCommunitiesRefusesUnusableFiles(t *testing.T) {
	empty := book(t, "Sheet1", nil, nil)
	wrong := book(t, "Sheet1", [][]any{{"姓名", "电话"}, {"张三", "123"}}, nil)
	headerOnly := book(t, "Sheet1", [][]any{{"小区名称", "县（市）区"}}, nil)
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"empty workbook": {empty, "工作表是空的"},
		"wrong headers":  {wrong, "需要列 「小区名称」、「县（市）区」"},
		"header only":    {headerOnly, "表头下没有数据"},
		"not a workbook": {[]byte("PK\x03\x04 not really"), "无法打开 Excel 文件"},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := xlsx.ReadCommunities(bytes.NewReader(tc.data))
			var msg string
			if err != nil {
				msg = err.Error()
			} else {
				msg = issuesText(p.Problems)
				if _, err := xlsx.Apply(context.Background(), p, true, func(context.Context, []xlsx.Row[inspection.Community]) error {
					t.Error("save called for an unusable file")
					return nil
				}); !errors.Is(err, xlsx.ErrHasErrors) {
					t.Errorf("apply: %v", err)
				}
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("got %q, want %q", msg, tc.want)
			}
		})
	}
}

func TestReadCommunitiesTenThousandRows(t *testing.T) {
	rows := [][]any{{"小区名称", "县（市）区", "户数", "满意度"}}
	for i := 0; i < 10000; i++ {
		rows = append(rows, []any{fmt.Sprintf("小区%05d", i), fmt.Sprintf("第%d区", i%13), 100 + i, "95.5%"})
	}
	data := book(t, "Sheet1", rows, nil)
	start := time.Now()
	p, err := xlsx.ReadCommunities(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if len(p.Rows) != 10000 || p.BadRows() != 0 {
		t.Fatalf("%d rows, %d bad: %s", len(p.Rows), p.BadRows(), issuesText(p.Errors()[:min(3, len(p.Errors()))]))
	}
	if s := p.Rows[9999].Value.Satisfaction; s == nil || *s != 95.5 {
		t.Errorf("satisfaction %v", s)
	}
	t.Logf("10,000 rows read in %v", took)
	if took > 10*time.Second {
		t.Errorf("reading 10,000 rows took %v", took)
	}
}

func TestMatchCommunitiesKeepsExistingFacts(t *testing.T) {
	data := book(t, "Sheet1", [][]any{
		{"小区名称", "县（市）区", "户数"},
		{"怡乐花园", "鼓楼区", 900},
		{"金山碧水湾", "鼓楼区", ""},
		{"新小区", "鼓楼区", 10},
	}, nil)
	p, _ := xlsx.ReadCommunities(bytes.NewReader(data))
	existing := []inspection.Community{
		{ID: "a", Name: "怡乐花园", District: "鼓楼区", Address: "东街88号", Households: 800},
		{ID: "b", Name: "金山碧水湾", District: "鼓楼区", Households: 500},
	}
	xlsx.MatchCommunities(p, existing)
	got := map[string]string{}
	for _, r := range p.Rows {
		got[r.Value.Name] = r.Action
	}
	if got["怡乐花园"] != "更新" || got["金山碧水湾"] != "不变" || got["新小区"] != "新增" {
		t.Fatalf("actions %v", got)
	}
	if v := p.Rows[0].Value; v.ID != "a" || v.Address != "东街88号" || v.Households != 900 {
		t.Fatalf("merged %+v", v)
	}
}

func TestReadFigures(t *testing.T) {
	data := book(t, "满意度", [][]any{
		{"小区", "所属区县", "业主满意度", "投诉率（件/百户）"},
		{"怡乐花园", "鼓楼区", 0.955, "0.8"},
		{"金山碧水湾", "鼓楼区", "９６．５", ""},
		{"不存在小区", "鼓楼区", 90, 1},
		{"怡乐花园", "台江区", 150, -1},
	}, func(f *excelize.File) {
		style, _ := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
		f.SetCellStyle("满意度", "C2", "C2", style)
	})
	p, err := xlsx.ReadFigures(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	xlsx.MatchFigures(p, []inspection.Community{
		{ID: "a", Name: "怡乐花园", District: "鼓楼区"},
		{ID: "b", Name: "金山碧水湾", District: "鼓楼区"},
	})
	if len(p.Rows) != 4 {
		t.Fatalf("%d rows", len(p.Rows))
	}
	a, b := p.Rows[0], p.Rows[1]
	if !a.OK() || a.Value.CommunityID != "a" || *a.Value.Satisfaction != 95.5 || *a.Value.ComplaintRate != 0.8 {
		t.Errorf("percent cell: %+v %v", a.Value, a.Issues)
	}
	if !b.OK() || *b.Value.Satisfaction != 96.5 || b.Value.ComplaintRate != nil {
		t.Errorf("full-width digits: %+v %v", b.Value, b.Issues)
	}
	errs := issuesText(p.Errors())
	for _, want := range []string{"不在小区名单中", "满意度!C5：满意度「150」应在 0 到 100 之间", "满意度!D5：投诉率「-1」应为非负数"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
}

func TestLiaisonsRoundTrip(t *testing.T) {
	ls := []xlsx.Liaison{
		{District: "鼓楼区", Unit: "鼓楼区住房和城乡建设局", Department: "物业科", Name: "张三", Title: "科长", Mobile: "13800000000", OfficePhone: "0591-87654321", Email: "a@b.cn"},
		{District: "台江区", Unit: "台江区房管局", Name: "李四", Mobile: "13911112222"},
	}
	var b bytes.Buffer
	if err := xlsx.WriteLiaisons(&b, ls, time.Now()); err != nil {
		t.Fatal(err)
	}
	f := openBook(t, b.Bytes())
	if v, _ := f.GetCellValue(xlsx.LiaisonsSheet, "G4"); v != "13800000000" {
		t.Errorf("mobile cell %q", v)
	}
	p, err := xlsx.ReadLiaisons(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Errors()) != 0 || len(p.Rows) != 2 {
		t.Fatalf("read back: %d rows, %s", len(p.Rows), issuesText(p.Errors()))
	}
	for i := range ls {
		if p.Rows[i].Value != ls[i] {
			t.Errorf("row %d: %+v, want %+v", i, p.Rows[i].Value, ls[i])
		}
	}
	// A typical attachment 2 as filled in by hand.
	data := book(t, "Sheet1", [][]any{
		{"附件2"}, {"“美好家园”活动联络员名单"},
		{"序号", "单位名称", "姓名", "职务/职称", "手机号码", "办公室电话"},
		{1, "福清市住房和城乡建设局", "王五", "副局长", 13812345678, "0591-85222222"},
		{2, "长乐区房管局", "赵六", "", "138 1234 5679", ""},
		{3, "闽侯县住建局", "钱七", "", "12345", ""},
	}, nil)
	p, _ = xlsx.ReadLiaisons(bytes.NewReader(data))
	if len(p.Errors()) != 0 || len(p.Rows) != 3 {
		t.Fatalf("hand-made list: %s", issuesText(p.Errors()))
	}
	if v := p.Rows[0].Value; v.District != "福清市" || v.Mobile != "13812345678" || v.Title != "副局长" {
		t.Errorf("row 1: %+v", v)
	}
	if v := p.Rows[1].Value; v.Mobile != "13812345679" || v.District != "长乐区" {
		t.Errorf("row 2: %+v", v)
	}
	if !strings.Contains(issuesText(p.Warnings), "Sheet1!E6：手机号码「12345」不是 11 位手机号") {
		t.Errorf("warnings: %s", issuesText(p.Warnings))
	}
}

func TestTemplateRoundTrip(t *testing.T) {
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := xlsx.WriteTemplate(&b, tpl, time.Now()); err != nil {
		t.Fatal(err)
	}
	p, err := xlsx.ReadTemplate(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Problems) > 0 {
		t.Fatalf("problems: %s", issuesText(p.Problems))
	}
	want, _ := inspection.MarshalTemplate(tpl)
	got, _ := inspection.MarshalTemplate(p.Template)
	if !bytes.Equal(want, got) {
		t.Fatalf("round trip differs:\n%s\n----\n%s", firstDiff(string(want), string(got)), "")
	}
}

func TestReadTemplateNamesProblems(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "设置")
	f.SetSheetRow("设置", "A1", &[]any{"模板编号", "my-tpl"})
	f.SetSheetRow("设置", "A2", &[]any{"版本", "二"})
	f.SetSheetRow("设置", "A3", &[]any{"模板名称", "测试"})
	f.NewSheet("章节")
	f.SetSheetRow("章节", "A1", &[]any{"编号", "标题", "权重"})
	f.SetSheetRow("章节", "A2", &[]any{"1", "安全", 10})
	f.NewSheet("检查项")
	f.SetSheetRow("检查项", "A1", &[]any{"章节", "编号", "检查内容", "类型", "阈值", "一票否决"})
	f.SetSheetRow("检查项", "A2", &[]any{"1", "1.1", "消防通道畅通", "判定", "", "是"})
	f.SetSheetRow("检查项", "A3", &[]any{"1", "1.2", "收费率", "数值", "大于95", "也许"})
	f.SetSheetRow("检查项", "A4", &[]any{"9", "9.1", "无章节", "判定", "", ""})
	f.SetSheetRow("检查项", "A5", &[]any{"1", "1.3", "什么", "问答", "", ""})
	var b bytes.Buffer
	f.Write(&b)
	p, err := xlsx.ReadTemplate(&b)
	if err != nil {
		t.Fatal(err)
	}
	got := issuesText(p.Problems)
	for _, want := range []string{"设置!B2：版本应为正整数", "检查项!E3：阈值「大于95」无法识别", "检查项!F3：一票否决应填“是”或“否”（现为「也许」）",
		"检查项!A4：章节「9」不在「章节」工作表中", "检查项!D5：类型「问答」无法识别"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

func firstDiff(a, b string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			lo := max(0, i-200)
			return a[lo:min(len(a), i+200)] + "\n≠\n" + b[lo:min(len(b), i+200)]
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(a), len(b))
}

// TestListImportFrame checks what the three list importers share: a
// duplicate row names the first line, a 合计 line is skipped, a header
// with nothing under it is a problem, and the figures sheet needs one of
// its two figure columns.
func TestListImportFrame(t *testing.T) {
	figures := book(t, "满意度", [][]any{
		{"小区名称", "县（市）区", "满意度"},
		{"怡乐花园", "鼓楼区", 95},
		{"怡乐花园", "鼓楼区", 96},
		{"合计", "", 95.5},
	}, nil)
	p, err := xlsx.ReadFigures(bytes.NewReader(figures))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != 2 || !strings.Contains(issuesText(p.Errors()), "满意度!A3：与第2行重复") {
		t.Errorf("figures: %d rows, errors %s", len(p.Rows), issuesText(p.Errors()))
	}

	liaisons := book(t, "联络员", [][]any{
		{"序号", "单位", "姓名", "手机号码"},
		{1, "鼓楼区住建局", "张三", "13800000000"},
		{2, "鼓楼区住建局", "张三", "13800000001"},
		{"合计", "", "", ""},
	}, nil)
	pl, err := xlsx.ReadLiaisons(bytes.NewReader(liaisons))
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Rows) != 2 || !strings.Contains(issuesText(pl.Errors()), "联络员!C3：与第2行重复（同一单位的同名联络员）") {
		t.Errorf("liaisons: %d rows, errors %s", len(pl.Rows), issuesText(pl.Errors()))
	}

	noFigure := book(t, "满意度", [][]any{{"小区名称", "县（市）区", "备注"}, {"怡乐花园", "鼓楼区", "x"}}, nil)
	if p, _ := xlsx.ReadFigures(bytes.NewReader(noFigure)); !strings.Contains(issuesText(p.Problems), "缺少「满意度」或「投诉率」列") {
		t.Errorf("no figure column: %s", issuesText(p.Problems))
	}
	empty := book(t, "小区名单", [][]any{{"小区名称", "县（市）区", "地址"}}, nil)
	if p, _ := xlsx.ReadCommunities(bytes.NewReader(empty)); !strings.Contains(issuesText(p.Problems), "表头下没有数据") {
		t.Errorf("header only: %s", issuesText(p.Problems))
	}
}
