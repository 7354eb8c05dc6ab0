package xlsx

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/xuri/excelize/v2"
)

// The sheets of a template workbook, in the spirit of XLSForm: settings,
// sections, and one row per item.
const (
	TemplateSettingsSheet = "设置"
	TemplateSectionsSheet = "章节"
	TemplateItemsSheet    = "检查项"
)

var settingFields = []struct{ key, label string }{
	{"id", "模板编号"}, {"version", "版本"}, {"name", "模板名称"}, {"type", "适用小区类型"}, {"description", "说明"},
}

var sectionFields = []field{
	{key: "code", label: "编号", synonyms: []string{"章节编号", "序号"}, required: true},
	{key: "title", label: "标题", synonyms: []string{"章节", "章节名称", "名称"}, required: true},
	{key: "weight", label: "权重", synonyms: []string{"章节权重", "分值"}, required: true},
}

var itemFields = []field{
	{key: "section", label: "章节", synonyms: []string{"章节编号", "所属章节"}, required: true},
	{key: "code", label: "编号", synonyms: []string{"检查项编号", "项目编号"}, required: true},
	{key: "text", label: "检查内容", synonyms: []string{"内容", "检查项", "检查项目", "要求"}, required: true},
	{key: "kind", label: "类型", synonyms: []string{"题型", "检查方式"}, required: true},
	{key: "unit", label: "单位", synonyms: []string{"计量单位"}},
	{key: "threshold", label: "阈值", synonyms: []string{"标准值", "达标值", "判定标准"}},
	{key: "options", label: "选项", synonyms: []string{"可选项"}},
	{key: "multiple", label: "多选", synonyms: []string{"可多选", "是否多选"}},
	{key: "min", label: "至少选择", synonyms: []string{"至少选", "最少选择"}},
	{key: "veto", label: "一票否决", synonyms: []string{"否决项", "是否一票否决"}},
	{key: "weight", label: "权重", synonyms: []string{"分值"}},
	{key: "guidance", label: "指引", synonyms: []string{"说明", "检查指引", "检查方法"}},
	{key: "evidence", label: "需佐证", synonyms: []string{"需佐证照片", "需要照片", "佐证"}},
	{key: "phrases", label: "常用语", synonyms: []string{"常用备注"}},
	{key: "metric", label: "指标", synonyms: []string{"统计指标"}},
}

var kindNames = map[inspection.Kind]string{
	inspection.KindCheck: "判定", inspection.KindNumber: "数值", inspection.KindChoice: "选项", inspection.KindText: "文字",
}

var metricNames = map[inspection.Metric]string{
	inspection.MetricSatisfaction: "满意度", inspection.MetricComplaintRate: "投诉率", inspection.MetricFeeRate: "物业费收费率",
}

// WriteTemplate writes a template as a workbook that an office can edit in
// Excel or WPS and import back (ReadTemplate gives the same template).
// Lists (options, quick phrases) are one entry per line within the cell.
func WriteTemplate(w io.Writer, t *inspection.Template, at time.Time) error {
	f, st, err := newBook(TemplateItemsSheet)
	if err != nil {
		return err
	}
	defer f.Close()
	// Items.
	sh := TemplateItemsSheet
	widths := []float64{6, 7, 40, 7, 8, 10, 16, 6, 8, 8, 6, 40, 7, 24, 12}
	for i, fd := range itemFields {
		f.SetCellValue(sh, cellName(i+1, 1), fd.label)
		f.SetColWidth(sh, colName(i+1), colName(i+1), widths[i])
	}
	f.SetCellStyle(sh, "A1", cellName(len(itemFields), 1), st.header)
	r := 2
	for _, s := range t.Sections {
		for _, it := range s.Items {
			vals := []any{s.Code, it.Code, it.Text, kindNames[it.Kind], it.Unit, thresholdText(it.Threshold),
				joinList(it.Options), yesNo(it.Multiple), intOrEmpty(it.MinSelected), yesNo(it.Veto), it.Weight, it.Guidance,
				yesNo(it.Evidence), joinList(it.Phrases), metricNames[it.Metric]}
			for i, v := range vals {
				cell := cellName(i+1, r)
				switch v := v.(type) {
				case string:
					// Text stays text: a code like 1.10 must not become 1.1.
					if err := f.SetCellStr(sh, cell, v); err != nil {
						return err
					}
				default:
					f.SetCellValue(sh, cell, v)
				}
			}
			r++
		}
	}
	if r > 2 {
		f.SetCellStyle(sh, "A2", cellName(len(itemFields), r-1), st.wrap)
	}
	f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: 3, YSplit: 1, TopLeftCell: "D2", ActivePane: "bottomRight"})
	dv := func(col int, list []string) {
		v := excelize.NewDataValidation(true)
		v.Sqref = fmt.Sprintf("%s2:%s1000", colName(col), colName(col))
		v.SetDropList(list)
		f.AddDataValidation(sh, v)
	}
	dv(4, []string{"判定", "数值", "选项", "文字"})
	for _, c := range []int{8, 10, 13} {
		dv(c, []string{"是", "否"})
	}
	dv(15, []string{"满意度", "投诉率", "物业费收费率"})

	// Sections.
	if _, err := f.NewSheet(TemplateSectionsSheet); err != nil {
		return err
	}
	for i, fd := range sectionFields {
		f.SetCellValue(TemplateSectionsSheet, cellName(i+1, 1), fd.label)
	}
	f.SetCellStyle(TemplateSectionsSheet, "A1", "C1", st.header)
	for i, s := range t.Sections {
		f.SetCellStr(TemplateSectionsSheet, cellName(1, i+2), s.Code)
		f.SetCellStr(TemplateSectionsSheet, cellName(2, i+2), s.Title)
		f.SetCellValue(TemplateSectionsSheet, cellName(3, i+2), s.Weight)
	}
	f.SetColWidth(TemplateSectionsSheet, "B", "B", 24)

	// Settings.
	if _, err := f.NewSheet(TemplateSettingsSheet); err != nil {
		return err
	}
	vals := map[string]string{"id": t.ID, "version": strconv.Itoa(t.Version), "name": t.Name, "type": t.CommunityType, "description": t.Description}
	for i, s := range settingFields {
		f.SetCellStr(TemplateSettingsSheet, cellName(1, i+1), s.label)
		f.SetCellStr(TemplateSettingsSheet, cellName(2, i+1), vals[s.key])
	}
	f.SetCellStyle(TemplateSettingsSheet, "A1", cellName(1, len(settingFields)), st.header)
	f.SetCellStyle(TemplateSettingsSheet, "B1", cellName(2, len(settingFields)), st.wrap)
	f.SetColWidth(TemplateSettingsSheet, "A", "A", 14)
	f.SetColWidth(TemplateSettingsSheet, "B", "B", 80)
	f.SetCellStr(TemplateSettingsSheet, cellName(1, len(settingFields)+2), "填写说明")
	f.SetCellStr(TemplateSettingsSheet, cellName(2, len(settingFields)+2), "修改模板后请提高“版本”；类型为 判定/数值/选项/文字；"+
		"阈值如 >= 95；选项、常用语每行一个；是否项填 是/否；指标可填 满意度/投诉率/物业费收费率。")
	return save(f, w, t.Name, at)
}

func thresholdText(t *inspection.Threshold) string {
	if t == nil {
		return ""
	}
	return t.Op + " " + inspection.FormatNumber(t.Value)
}

// joinList puts one entry per line. A single entry that contains a list
// separator gets a trailing line break so that it reads back as one.
func joinList(list []string) string {
	s := strings.Join(list, "\n")
	if len(list) == 1 && strings.ContainsAny(list[0], ";；") {
		s += "\n"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return ""
}

func intOrEmpty(n int) any {
	if n == 0 {
		return ""
	}
	return n
}

// TemplatePreview is a template workbook read and checked.
type TemplatePreview struct {
	Template *inspection.Template // nil when the workbook could not be read at all
	Problems []Issue
	Warnings []Issue
}

// ReadTemplate reads a template workbook (see WriteTemplate) and checks
// the result with Template.Validate. Every problem is listed; nothing is
// saved.
func ReadTemplate(r io.Reader) (*TemplatePreview, error) {
	f, err := openWorkbook(r)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p := &TemplatePreview{}
	t := &inspection.Template{}
	// Settings: label in column A, value in column B.
	if idx, _ := f.GetSheetIndex(TemplateSettingsSheet); idx < 0 {
		p.Problems = append(p.Problems, Issue{Sheet: TemplateSettingsSheet, Reason: "缺少工作表「设置」（模板编号、版本、名称）"})
	} else {
		sd, err := readSheet(f, TemplateSettingsSheet)
		if err != nil {
			return nil, err
		}
		found := map[string]bool{}
		for r := range sd.shown {
			label := normHeader(sd.at(sd.shown, r, 0))
			for _, s := range settingFields {
				if label != normHeader(s.label) {
					continue
				}
				found[s.key] = true
				c := cell{sd: sd, row: r, col: 1, shown: sd.at(sd.shown, r, 1), raw: sd.at(sd.raw, r, 1)}
				switch s.key {
				case "id":
					t.ID = c.text(false)
				case "version":
					v, _, ok, _ := c.number()
					if !ok || v < 1 || v != math.Trunc(v) || v > 1e6 {
						p.Problems = append(p.Problems, c.issue("版本应为正整数"))
					} else {
						t.Version = int(v)
					}
				case "name":
					t.Name = c.text(false)
				case "type":
					t.CommunityType = c.text(false)
				case "description":
					t.Description = c.text(true)
				}
			}
		}
		for _, s := range settingFields[:3] {
			if !found[s.key] {
				p.Problems = append(p.Problems, Issue{Sheet: TemplateSettingsSheet, Reason: "缺少「" + s.label + "」"})
			}
		}
	}
	// Sections.
	sections := map[string]int{}
	if sd, ok := p.sheet(f, TemplateSectionsSheet, sectionFields); ok {
		from, to, _ := sd.dataRows()
		for r := from; r < to; r++ {
			if sd.blankRow(r, keysOf(sectionFields)) {
				continue
			}
			code := sd.cell(r, "code")
			s := inspection.Section{Code: code.text(false), Title: sd.cell(r, "title").text(false)}
			wc := sd.cell(r, "weight")
			if v, _, ok, empty := wc.number(); ok {
				s.Weight = v
			} else if !empty {
				p.Problems = append(p.Problems, wc.issue("权重「%s」不是数字", wc.text(false)))
			}
			if _, dup := sections[s.Code]; dup {
				p.Problems = append(p.Problems, code.issue("章节编号 %s 重复", s.Code))
				continue
			}
			sections[s.Code] = len(t.Sections)
			t.Sections = append(t.Sections, s)
		}
	}
	// Items.
	if sd, ok := p.sheet(f, TemplateItemsSheet, itemFields); ok {
		from, to, _ := sd.dataRows()
		for r := from; r < to; r++ {
			if sd.blankRow(r, keysOf(itemFields)) {
				continue
			}
			sc := sd.cell(r, "section")
			si, ok := sections[sc.text(false)]
			if !ok {
				// A section may be named by its title as well.
				for i, s := range t.Sections {
					if s.Title == sc.text(false) {
						si, ok = i, true
					}
				}
			}
			if !ok {
				p.Problems = append(p.Problems, sc.issue("章节「%s」不在「章节」工作表中", sc.text(false)))
				continue
			}
			it := p.item(sd, r)
			t.Sections[si].Items = append(t.Sections[si].Items, it)
		}
	}
	if len(p.Problems) == 0 {
		if err := t.Validate(); err != nil {
			var joined interface{ Unwrap() []error }
			if errors.As(err, &joined) {
				for _, e := range joined.Unwrap() {
					p.Problems = append(p.Problems, Issue{Sheet: TemplateItemsSheet, Reason: e.Error()})
				}
			} else {
				p.Problems = append(p.Problems, Issue{Sheet: TemplateItemsSheet, Reason: err.Error()})
			}
		}
	}
	p.Template = t
	return p, nil
}

func (p *TemplatePreview) sheet(f *excelize.File, name string, fields []field) (*sheetData, bool) {
	if idx, _ := f.GetSheetIndex(name); idx < 0 {
		p.Problems = append(p.Problems, Issue{Sheet: name, Reason: "缺少工作表「" + name + "」"})
		return nil, false
	}
	sd, err := readSheet(f, name)
	if err != nil {
		p.Problems = append(p.Problems, Issue{Sheet: name, Reason: err.Error()})
		return nil, false
	}
	_, missing := sd.findHeader(fields)
	if len(missing) > 0 {
		p.Problems = append(p.Problems, Issue{Sheet: name, Cell: "A1", Reason: "缺少列 " + strings.Join(missing, "、")})
		return nil, false
	}
	p.Warnings = append(p.Warnings, sd.unusedColumns()...)
	return sd, true
}

func (p *TemplatePreview) item(sd *sheetData, r int) inspection.Item {
	it := inspection.Item{Code: sd.cell(r, "code").text(false), Text: sd.cell(r, "text").text(false),
		Unit: sd.cell(r, "unit").text(false), Guidance: sd.cell(r, "guidance").text(true)}
	kc := sd.cell(r, "kind")
	switch k := strings.ToLower(narrow(kc.text(false))); k {
	case "判定", "check", "符合/不符合", "判断":
		it.Kind = inspection.KindCheck
	case "数值", "number", "数字":
		it.Kind = inspection.KindNumber
	case "选项", "choice", "选择", "单选", "多选":
		it.Kind = inspection.KindChoice
		it.Multiple = k == "多选"
	case "文字", "text", "文本":
		it.Kind = inspection.KindText
	default:
		p.Problems = append(p.Problems, kc.issue("类型「%s」无法识别（判定/数值/选项/文字）", kc.text(false)))
	}
	if tc := sd.cell(r, "threshold"); tc.text(false) != "" {
		th, err := parseThreshold(tc.text(false))
		if err != nil {
			p.Problems = append(p.Problems, tc.issue("%v", err))
		} else {
			it.Threshold = th
		}
	}
	it.Options = splitList(sd.cell(r, "options").text(true))
	it.Phrases = splitList(sd.cell(r, "phrases").text(true))
	yes := func(key, label string) bool {
		c := sd.cell(r, key)
		switch strings.ToLower(narrow(c.text(false))) {
		case "是", "y", "yes", "true", "1", "√", "✓", "需要", "要":
			return true
		case "", "否", "n", "no", "false", "0", "×", "不需要":
			return false
		}
		p.Problems = append(p.Problems, c.issue("%s应填“是”或“否”（现为「%s」）", label, c.text(false)))
		return false
	}
	it.Multiple = yes("multiple", "多选") || it.Multiple
	it.Veto = yes("veto", "一票否决")
	it.Evidence = yes("evidence", "需佐证")
	if mc := sd.cell(r, "min"); mc.text(false) != "" {
		v, _, ok, _ := mc.number()
		if !ok || v < 0 || v != math.Trunc(v) || v > 1000 {
			p.Problems = append(p.Problems, mc.issue("至少选择应为非负整数"))
		} else {
			it.MinSelected = int(v)
		}
	}
	wc := sd.cell(r, "weight")
	if v, _, ok, empty := wc.number(); ok {
		it.Weight = v
	} else if !empty {
		p.Problems = append(p.Problems, wc.issue("权重「%s」不是数字", wc.text(false)))
	} else {
		it.Weight = 1
	}
	if mc := sd.cell(r, "metric"); mc.text(false) != "" {
		found := false
		for m, name := range metricNames {
			if s := mc.text(false); s == name || s == string(m) || (m == inspection.MetricFeeRate && s == "收费率") {
				it.Metric, found = m, true
			}
		}
		if !found {
			p.Problems = append(p.Problems, mc.issue("指标「%s」无法识别（满意度/投诉率/物业费收费率）", mc.text(false)))
		}
	}
	return it
}

// parseThreshold reads ">= 95", "≥95", "＞＝95" (narrowed), "<= 3".
func parseThreshold(s string) (*inspection.Threshold, error) {
	s = strings.TrimSpace(narrow(s))
	for _, op := range []string{">=", "<=", "==", "≥", "≤", ">", "<", "="} {
		if strings.HasPrefix(s, op) {
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s[len(op):]), "%")), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("阈值「%s」的数值无法识别", s)
			}
			return &inspection.Threshold{Op: op, Value: v}, nil
		}
	}
	return nil, fmt.Errorf("阈值「%s」无法识别（例如 >= 95、<= 3）", s)
}

// splitList reads a list cell: one entry per line; a cell on one line may
// separate entries with ；or ;.
func splitList(s string) []string {
	var parts []string
	if strings.Contains(s, "\n") {
		parts = strings.Split(s, "\n")
	} else {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' })
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
