package xlsx

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/xuri/excelize/v2"
)

// Result is one community and its latest finalized inspection (nil when
// it was never inspected).
type Result struct {
	Community inspection.Community
	Record    *inspection.Record
	// Answers, when not nil, are the record's answers sorted by item code
	// (what store.ReportFilter.Summary reads): WriteSummary then reads
	// them instead of Record.Answers, which may be nil, and takes
	// Record.Score as given. It needs no notes or photos. Only
	// WriteSummary reads Answers.
	Answers []inspection.Answer
}

// SummaryOptions shape the summary table.
type SummaryOptions struct {
	// Title heads the sheet, e.g. "鼓楼区“美好家园”小区检查汇总表".
	Title string
	// Template gives the item columns. Records made with another template
	// (or version) are matched by item code; missing items stay empty.
	Template *inspection.Template
	// At is when the table is made (printed under the title).
	At time.Time
}

// Summary sheet names.
const (
	SummarySheet = "汇总表"
	NotesSheet   = "说明"
)

// The fixed columns of the summary, before the items.
var summaryFacts = []struct {
	label string
	width float64
}{
	{"序号", 6}, {"县（市）区", 10}, {"街道（乡镇）", 12}, {"社区", 10}, {"小区名称", 20}, {"地址", 24},
	{"物业服务企业", 22}, {"户数", 7}, {"小区类型", 9}, {"检查状态", 9}, {"检查日期", 11}, {"检查人员", 14},
	{"检查模板", 12}, {"满意度（%）", 9}, {"投诉率（件/百户）", 10}, {"物业费收费率（%）", 10},
}

// frozenCols keeps 序号 … 小区名称 visible when scrolling right.
const frozenCols = 5

// WriteSummary writes the 汇总表: one row per community with its facts,
// each item's result, section scores, total score, 一票否决 findings and
// a first check of the selection data (数据不足 when satisfaction or
// complaint rate, or the fee rate, is missing). The header is frozen and
// filterable, failing cells are highlighted. Rows are streamed, so a city
// of thousands of communities does not build up in memory.
func WriteSummary(w io.Writer, results iter.Seq2[Result, error], o SummaryOptions) error {
	if o.Template == nil {
		return errors.New("汇总表需要一个检查模板来确定检查项列")
	}
	if o.At.IsZero() {
		o.At = time.Now()
	}
	if o.Title == "" {
		o.Title = "“美好家园”小区检查汇总表"
	}
	f, st, err := newBook(SummarySheet)
	if err != nil {
		return err
	}
	defer f.Close()
	sw, err := f.NewStreamWriter(SummarySheet)
	if err != nil {
		return err
	}
	tpl := o.Template
	items := tpl.Items()
	nFacts := len(summaryFacts)
	firstItem := nFacts + 1
	firstSection := firstItem + len(items)
	totalCol := firstSection + len(tpl.Sections)
	vetoCol := totalCol + 1
	checkCol := vetoCol + 1
	lastCol := checkCol

	for i, c := range summaryFacts {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetColWidth(firstItem, firstSection-1, 9); err != nil {
		return err
	}
	if err := sw.SetColWidth(firstSection, totalCol, 8); err != nil {
		return err
	}
	sw.SetColWidth(vetoCol, vetoCol, 40)
	sw.SetColWidth(checkCol, checkCol, 28)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: frozenCols, YSplit: 3, TopLeftCell: cellName(frozenCols+1, 4), ActivePane: "bottomRight"}); err != nil {
		return err
	}

	// Row 1: title; row 2: column groups; row 3: column names.
	title := fmt.Sprintf("%s（模板：%s 第 %d 版；制表时间 %s）", o.Title, tpl.Name, tpl.Version, o.At.Format("2006-01-02 15:04"))
	row := make([]any, lastCol)
	row[0] = excelize.Cell{StyleID: st.title, Value: title}
	if err := sw.SetRow("A1", row, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	sw.MergeCell("A1", cellName(lastCol, 1))
	groups := make([]any, lastCol)
	for i := range groups {
		groups[i] = excelize.Cell{StyleID: st.group}
	}
	groups[0] = excelize.Cell{StyleID: st.group, Value: "小区基本情况"}
	col := firstItem
	for si, s := range tpl.Sections {
		groups[col-1] = excelize.Cell{StyleID: st.group, Value: fmt.Sprintf("%d. %s", si+1, s.Title)}
		col += len(s.Items)
	}
	groups[firstSection-1] = excelize.Cell{StyleID: st.group, Value: "章节得分"}
	groups[totalCol-1] = excelize.Cell{StyleID: st.group, Value: "结果"}
	if err := sw.SetRow("A2", groups, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	sw.MergeCell("A2", cellName(nFacts, 2))
	col = firstItem
	for _, s := range tpl.Sections {
		if len(s.Items) > 1 {
			sw.MergeCell(cellName(col, 2), cellName(col+len(s.Items)-1, 2))
		}
		col += len(s.Items)
	}
	if len(tpl.Sections) > 1 {
		sw.MergeCell(cellName(firstSection, 2), cellName(totalCol-1, 2))
	}
	sw.MergeCell(cellName(totalCol, 2), cellName(lastCol, 2))
	head := make([]any, 0, lastCol)
	for _, c := range summaryFacts {
		head = append(head, excelize.Cell{StyleID: st.header, Value: c.label})
	}
	for _, it := range items {
		label := it.Code + " " + it.Text
		if it.Veto {
			label += "【否决】"
		}
		head = append(head, excelize.Cell{StyleID: st.header, Value: label})
	}
	for si, s := range tpl.Sections {
		head = append(head, excelize.Cell{StyleID: st.header, Value: fmt.Sprintf("%d. %s（%s）", si+1, s.Title, inspection.FormatNumber(s.Weight))})
	}
	head = append(head, excelize.Cell{StyleID: st.header, Value: "总分"},
		excelize.Cell{StyleID: st.header, Value: "一票否决项"},
		excelize.Cell{StyleID: st.header, Value: "评选初审"})
	if err := sw.SetRow("A3", head, excelize.RowOpts{Height: 96}); err != nil {
		return err
	}

	r := 4
	n := 0
	rows := newSummaryRows(tpl, items, st)
	for res, err := range results {
		if err != nil {
			return err
		}
		n++
		if err := sw.SetRow(cellName(1, r), rows.build(n, res)); err != nil {
			return err
		}
		r++
	}
	// A table over the header and the rows gives the filter buttons
	// (an autofilter cannot be added to a streamed sheet).
	noStripes := false
	if err := sw.AddTable(&excelize.Table{Range: "A3:" + cellName(lastCol, max(r-1, 4)), Name: "Summary", ShowRowStripes: &noStripes}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := summaryNotes(f, st, tpl, n); err != nil {
		return err
	}
	return save(f, w, o.Title, o.At)
}

// summaryRows builds the rows of the 汇总表. One row's cells are reused
// (the stream writer copies them out at once), and what depends only on
// a record's template is worked out once per template.
type summaryRows struct {
	tpl    *inspection.Template
	items  []inspection.Item
	byCode []int // indexes of items, sorted by item code
	st     styles
	cells  []excelize.Cell
	row    []any // &cells[i]
	tpls   map[*inspection.Template]*tplFacts
	ans    []*inspection.Answer // by column: the row's answer to the item (nil: none)
	copies []inspection.Answer  // answers copied out of Record.Answers
}

// tplFacts is what a row needs to know about a record's template.
type tplFacts struct {
	has            []bool // by column: whether it has the report template's item
	fee, sat, comp metricItem
}

// metricItem is the item of a record's template holding a metric.
type metricItem struct {
	code string // "" if none
	col  int    // its column among the report template's items, -1 if none
}

func newSummaryRows(tpl *inspection.Template, items []inspection.Item, st styles) *summaryRows {
	n := len(summaryFacts) + len(items) + len(tpl.Sections) + 3
	r := &summaryRows{tpl: tpl, items: items, st: st, cells: make([]excelize.Cell, n), row: make([]any, n),
		tpls: map[*inspection.Template]*tplFacts{}, byCode: make([]int, len(items)),
		ans: make([]*inspection.Answer, len(items)), copies: make([]inspection.Answer, len(items))}
	for i := range r.cells {
		r.row[i] = &r.cells[i]
	}
	for i := range r.byCode {
		r.byCode[i] = i
	}
	sort.SliceStable(r.byCode, func(i, j int) bool { return items[r.byCode[i]].Code < items[r.byCode[j]].Code })
	return r
}

// answers finds the answer of a result's record to each item (r.ans).
func (r *summaryRows) answers(res Result) {
	clear(r.ans)
	if res.Record == nil {
		return
	}
	if l := res.Answers; l != nil {
		// Both sorted by code: one merge (most records answer exactly
		// the report template's items: one comparison each).
		j := 0
		for _, i := range r.byCode {
			code := r.items[i].Code
			if j < len(l) && l[j].ItemCode == code {
				r.ans[i] = &l[j]
				j++
				continue
			}
			for j < len(l) && l[j].ItemCode < code {
				j++
			}
			if j < len(l) && l[j].ItemCode == code {
				r.ans[i] = &l[j]
				j++
			}
		}
		return
	}
	for i, it := range r.items {
		if a, ok := res.Record.Answers[it.Code]; ok {
			r.copies[i] = a
			r.ans[i] = &r.copies[i]
		}
	}
}

// answer is the answer of a result's record to the item code.
func answer(res Result, code string) (inspection.Answer, bool) {
	if l := res.Answers; l != nil {
		i := sort.Search(len(l), func(i int) bool { return l[i].ItemCode >= code })
		if i < len(l) && l[i].ItemCode == code {
			return l[i], true
		}
		return inspection.Answer{}, false
	}
	a, ok := res.Record.Answers[code]
	return a, ok
}

func (r *summaryRows) facts(t *inspection.Template) *tplFacts {
	if f, ok := r.tpls[t]; ok {
		return f
	}
	codes := map[string]bool{}
	for _, it := range t.Items() {
		codes[it.Code] = true
	}
	f := &tplFacts{has: make([]bool, len(r.items))}
	for i, it := range r.items {
		f.has[i] = codes[it.Code]
	}
	metric := func(m inspection.Metric) metricItem {
		mi := metricItem{col: -1}
		if it, ok := t.MetricItem(m); ok {
			mi.code = it.Code
			for i, rit := range r.items {
				if rit.Code == it.Code {
					mi.col = i
					break
				}
			}
		}
		return mi
	}
	f.fee, f.sat, f.comp = metric(inspection.MetricFeeRate), metric(inspection.MetricSatisfaction), metric(inspection.MetricComplaintRate)
	r.tpls[t] = f
	return f
}

// build fills the row of the n-th community and returns it.
func (r *summaryRows) build(n int, res Result) []any {
	st, tpl := r.st, r.tpl
	c := res.Community
	rec := res.Record
	k := 0
	put := func(style int, v any) {
		r.cells[k] = excelize.Cell{StyleID: style, Value: v}
		k++
	}
	text := func(s string) { put(st.text, clip(s)) }
	num := func(v *float64) {
		if v == nil {
			put(st.number, nil)
		} else {
			put(st.number, *v)
		}
	}
	status, date, inspectors, tplName := "未检查", "", "", ""
	var fee *float64
	var tf *tplFacts
	sat, comp := c.Satisfaction, c.ComplaintRate
	r.answers(res)
	if rec != nil {
		tf = r.facts(rec.Template)
		status = "已检查"
		date = rec.Inspection.StartedAt.Format("2006-01-02")
		inspectors = strings.Join(rec.Inspection.Inspectors, "、")
		tplName = rec.Inspection.TemplateID + " 第" + strconv.Itoa(rec.Inspection.TemplateVersion) + "版"
		if rec.Inspection.AmendsID != "" {
			status = "已检查（更正）"
		}
		metric := func(m metricItem) *float64 {
			if m.col >= 0 {
				if a := r.ans[m.col]; a != nil && a.Result != inspection.NA {
					return a.Value
				}
			} else if m.code != "" {
				if a, ok := answer(res, m.code); ok && a.Result != inspection.NA {
					return a.Value
				}
			}
			return nil
		}
		fee = metric(tf.fee)
		if sat == nil {
			sat = metric(tf.sat)
		}
		if comp == nil {
			comp = metric(tf.comp)
		}
	}
	put(st.int, n)
	text(c.District)
	text(c.Street)
	text(c.Community)
	text(c.Name)
	text(c.Address)
	text(c.PropertyCompany)
	if c.Households > 0 {
		put(st.int, c.Households)
	} else {
		put(st.int, nil)
	}
	text(c.Type)
	text(status)
	text(date)
	text(inspectors)
	text(tplName)
	num(sat)
	num(comp)
	num(fee)
	for i, it := range r.items {
		r.cells[k] = itemCell(it, rec != nil, tf != nil && tf.has[i], r.ans[i], st)
		k++
	}
	for _, s := range tpl.Sections {
		var sc *inspection.SectionScore
		if rec != nil {
			for i := range rec.Score.Sections {
				if rec.Score.Sections[i].Code == s.Code {
					sc = &rec.Score.Sections[i]
					break
				}
			}
		}
		switch {
		case sc == nil || !sc.HasApplicable:
			put(st.score, nil)
		case sc.Failed > 0:
			put(st.failNum, round1(sc.Score))
		default:
			put(st.score, round1(sc.Score))
		}
	}
	if rec != nil && rec.Score.Defined {
		put(st.score, round1(rec.Score.Total))
	} else {
		put(st.score, nil)
	}
	if rec != nil && len(rec.Score.Vetoes) > 0 {
		vetoes := make([]string, len(rec.Score.Vetoes))
		for i, v := range rec.Score.Vetoes {
			vetoes[i] = v.ItemCode + " " + v.Reason
		}
		put(st.fail, clip(strings.Join(vetoes, "\n")))
	} else {
		text("")
	}
	check, warn := initialCheck(rec, sat, comp, fee)
	if warn {
		put(st.warn, check)
	} else {
		put(st.wrap, check)
	}
	return r.row[:k]
}

func round1(v float64) float64 {
	return float64(int64(v*10+0.5)) / 10
}

// initialCheck is the summary's first look at selection: the veto
// findings, and whether the figures that selection needs are there.
// Eligibility proper (city-wide percentiles, picks) is decided elsewhere.
func initialCheck(rec *inspection.Record, sat, comp, fee *float64) (string, bool) {
	if rec == nil {
		return "未检查", true
	}
	var parts []string
	if n := len(rec.Score.Vetoes); n > 0 {
		parts = append(parts, fmt.Sprintf("一票否决（%d 项）", n))
	}
	var missing []string
	if sat == nil && comp == nil {
		missing = append(missing, "满意度或投诉率")
	}
	if fee == nil {
		missing = append(missing, "物业费收费率")
	}
	if len(missing) > 0 {
		parts = append(parts, "数据不足：缺"+strings.Join(missing, "、"))
	}
	if !rec.Score.Complete() {
		parts = append(parts, fmt.Sprintf("有 %d 项未判定", rec.Score.Scorable-rec.Score.Judged))
	}
	if len(parts) == 0 {
		return "无否决项，待满意度/投诉率全市排名", false
	}
	return strings.Join(parts, "；"), true
}

// itemCell is an item's result in the summary: 符合 / 不符合 / 不适用, the
// value of a number item, the choices of a choice item, the text of a
// text item. Failing cells are highlighted. hasRec is whether the
// community has a record, has whether its template has the item, a its
// answer (nil when none).
func itemCell(it inspection.Item, hasRec, has bool, ap *inspection.Answer, st styles) excelize.Cell {
	if !hasRec {
		return excelize.Cell{StyleID: st.na}
	}
	if !has {
		return excelize.Cell{StyleID: st.na, Value: "（模板无此项）"}
	}
	if ap == nil {
		return excelize.Cell{StyleID: st.na}
	}
	a := *ap
	res := inspection.Evaluate(it, a)
	if a.Result == inspection.NA {
		return excelize.Cell{StyleID: st.na, Value: "不适用"}
	}
	style := st.na
	if res == inspection.Fail {
		style = st.fail
	} else {
		style = st.text
	}
	switch it.Kind {
	case inspection.KindNumber:
		if a.Value == nil {
			return excelize.Cell{StyleID: style}
		}
		if res == inspection.Fail {
			return excelize.Cell{StyleID: st.failNum, Value: *a.Value}
		}
		return excelize.Cell{StyleID: st.number, Value: *a.Value}
	case inspection.KindChoice:
		v := strings.Join(a.Choices, "、")
		if v == "" && res == inspection.Fail {
			v = "不符合"
		}
		return excelize.Cell{StyleID: style, Value: clip(v)}
	case inspection.KindText:
		return excelize.Cell{StyleID: style, Value: clip(a.Text)}
	}
	if res == inspection.Unanswered {
		return excelize.Cell{StyleID: st.na}
	}
	return excelize.Cell{StyleID: style, Value: boxedLabel(res)}
}

// The labels of the item cells, each boxed once (a string put in a cell's
// Value allocates).
var labelPass, labelFail, labelNA, labelNone any = inspection.Pass.Label(), inspection.Fail.Label(), inspection.NA.Label(), inspection.Unanswered.Label()

// boxedLabel is r.Label() in a cell's Value.
func boxedLabel(r inspection.Result) any {
	switch r {
	case inspection.Pass:
		return labelPass
	case inspection.Fail:
		return labelFail
	case inspection.NA:
		return labelNA
	}
	return labelNone
}

func summaryNotes(f *excelize.File, st styles, tpl *inspection.Template, n int) error {
	if _, err := f.NewSheet(NotesSheet); err != nil {
		return err
	}
	notes := []string{
		"说明",
		fmt.Sprintf("1. 本表共 %d 个小区，每个小区取最近一次已定稿的检查记录；未检查的小区也列出。", n),
		fmt.Sprintf("2. 检查项列按模板「%s」第 %d 版；用其他模板检查的小区按检查项编号对应。", tpl.Name, tpl.Version),
		"3. 红色底纹为不符合（数值题为未达到阈值）；灰色为不适用或未填写。",
		"4. 得分 = 各章节已判定且适用的计分项中符合项的权重占比，按章节权重加权；不适用项不计入分母。",
		"5. 满意度、投诉率优先取导入的数据，没有时取检查时记录的数值；是否位于全市前5%（投诉率后5%）由市局汇总全部小区后计算。",
		"6. “评选初审”只列一票否决和缺少的数据，不代替评选结果。",
	}
	for i, s := range notes {
		style := st.note
		if i == 0 {
			style = st.title
		}
		if err := f.SetCellValue(NotesSheet, cellName(1, i+1), s); err != nil {
			return err
		}
		f.SetCellStyle(NotesSheet, cellName(1, i+1), cellName(1, i+1), style)
	}
	return f.SetColWidth(NotesSheet, "A", "A", 110)
}
