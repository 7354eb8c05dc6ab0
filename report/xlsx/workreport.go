package xlsx

import (
	"fmt"
	"io"
	"iter"
	"sort"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/xuri/excelize/v2"
)

// DefaultPassScore is the total score a community needs, with no 一票否决
// finding, to count as 达标 in the work-report figures.
const DefaultPassScore = 80

// DistrictFigures are one district's work-report figures.
type DistrictFigures struct {
	District    string
	Communities int
	Inspected   int // with a finalized inspection
	Passed      int // inspected, no veto finding, total ≥ the pass score
	Vetoed      int // inspected with at least one veto finding
	ScoreSum    float64
	Scored      int
	// Picks are filled by the caller when selection has been made
	// (区级/市级「美好家园」); -1 when unknown.
	DistrictPicks int
	CityPicks     int
	// Eligible counts the communities that meet the 「美好家园」
	// requirements (inspection.Judge), filled by ApplySelection; -1 when
	// unknown.
	Eligible int
}

// AverageScore of the inspected communities with a defined score.
func (d DistrictFigures) AverageScore() float64 {
	if d.Scored == 0 {
		return 0
	}
	return d.ScoreSum / float64(d.Scored)
}

// ItemFailure counts how many inspected communities failed an item.
type ItemFailure struct {
	Code, Text, Section string
	Failed, Judged      int
}

// WorkReport holds the figures the plan's work report asks for (工作报告,
// due 9月23日): communities inspected, passed, picked, and the main problems
// by item.
type WorkReport struct {
	Districts  []DistrictFigures
	Total      DistrictFigures
	TopFailing []ItemFailure // most failed first
	PassScore  float64
	// Picks lists the 「美好家园」 communities and typical cases picked
	// (ApplySelection); nil when selection is not reported.
	Picks []PickLine
	// Suggestions is the office's 存在问题及建议 text.
	Suggestions string
}

// PickLine is one pick as the work report lists it.
type PickLine struct {
	Kind         string // 区级「美好家园」, 区级典型案例, 市级「美好家园」, 市级典型案例
	District     string
	Name         string
	Score        float64
	ScoreDefined bool
	PickedBy     string
	PickedAt     time.Time
	Introduction string
	City         bool // a city-level pick
	Typical      bool
}

// ApplySelection adds the office's selection to the figures: the eligible
// communities per district and the picks (「美好家园」 picks are counted
// per district; typical cases are listed, not counted).
func (r *WorkReport) ApplySelection(eligible map[string]int, picks []PickLine) {
	r.Picks = append([]PickLine{}, picks...)
	if r.Picks == nil {
		r.Picks = []PickLine{}
	}
	r.Total.Eligible, r.Total.DistrictPicks, r.Total.CityPicks = 0, 0, 0
	for i := range r.Districts {
		d := &r.Districts[i]
		d.Eligible, d.DistrictPicks, d.CityPicks = eligible[d.District], 0, 0
		r.Total.Eligible += d.Eligible
		for _, p := range picks {
			if p.District != d.District || p.Typical {
				continue
			}
			if p.City {
				d.CityPicks++
				r.Total.CityPicks++
			} else {
				d.DistrictPicks++
				r.Total.DistrictPicks++
			}
		}
	}
}

// BuildWorkReport counts the figures from every community's latest
// result. Items are counted by code across templates; their text is
// taken from tpl when it has the code.
func BuildWorkReport(results iter.Seq2[Result, error], tpl *inspection.Template, passScore float64) (WorkReport, error) {
	if passScore <= 0 {
		passScore = DefaultPassScore
	}
	rep := WorkReport{PassScore: passScore, Total: DistrictFigures{District: "合计", DistrictPicks: -1, CityPicks: -1, Eligible: -1}}
	byDistrict := map[string]*DistrictFigures{}
	items := map[string]*ItemFailure{}
	for res, err := range results {
		if err != nil {
			return rep, err
		}
		d := byDistrict[res.Community.District]
		if d == nil {
			d = &DistrictFigures{District: res.Community.District, DistrictPicks: -1, CityPicks: -1, Eligible: -1}
			byDistrict[res.Community.District] = d
		}
		for _, f := range []*DistrictFigures{d, &rep.Total} {
			f.Communities++
		}
		rec := res.Record
		if rec == nil {
			continue
		}
		vetoed := len(rec.Score.Vetoes) > 0
		passed := !vetoed && rec.Score.Defined && rec.Score.Total >= passScore
		for _, f := range []*DistrictFigures{d, &rep.Total} {
			f.Inspected++
			if vetoed {
				f.Vetoed++
			}
			if passed {
				f.Passed++
			}
			if rec.Score.Defined {
				f.ScoreSum += rec.Score.Total
				f.Scored++
			}
		}
		for _, s := range rec.Template.Sections {
			for _, it := range s.Items {
				if !it.Scored() {
					continue
				}
				r := inspection.Evaluate(it, rec.Answers[it.Code])
				if r != inspection.Pass && r != inspection.Fail {
					continue
				}
				f := items[it.Code]
				if f == nil {
					f = &ItemFailure{Code: it.Code, Text: it.Text, Section: s.Title}
					if tpl != nil {
						if ti, ok := tpl.Item(it.Code); ok {
							f.Text = ti.Text
							if ts, ok := tpl.SectionOf(it.Code); ok {
								f.Section = ts.Title
							}
						}
					}
					items[it.Code] = f
				}
				f.Judged++
				if r == inspection.Fail {
					f.Failed++
				}
			}
		}
	}
	for _, d := range byDistrict {
		rep.Districts = append(rep.Districts, *d)
	}
	sort.Slice(rep.Districts, func(i, j int) bool { return rep.Districts[i].District < rep.Districts[j].District })
	for _, f := range items {
		if f.Failed > 0 {
			rep.TopFailing = append(rep.TopFailing, *f)
		}
	}
	sort.Slice(rep.TopFailing, func(i, j int) bool {
		a, b := rep.TopFailing[i], rep.TopFailing[j]
		if a.Failed != b.Failed {
			return a.Failed > b.Failed
		}
		return codeLess(a.Code, b.Code)
	})
	return rep, nil
}

// codeLess orders item codes numerically part by part (2.10 after 2.9).
func codeLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] != pb[i] {
			var x, y int
			_, ex := fmt.Sscan(pa[i], &x)
			_, ey := fmt.Sscan(pb[i], &y)
			if ex == nil && ey == nil && x != y {
				return x < y
			}
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}

// Work-report sheet name.
const WorkReportSheet = "工作报告数据"

// TopItems is how many failing items the work report lists and charts.
const TopItems = 10

// WriteWorkReport writes the figures: a table by district (communities,
// inspected, coverage, 达标, 一票否决, average score, and picks when known),
// the items most often failed, a draft paragraph for the report, and two
// native Excel charts (inspected and 达标 by district; the top failing
// items).
func WriteWorkReport(w io.Writer, rep WorkReport, title string, at time.Time) error {
	if at.IsZero() {
		at = time.Now()
	}
	if title == "" {
		title = "“共建美好家园”活动工作报告数据"
	}
	f, st, err := newBook(WorkReportSheet)
	if err != nil {
		return err
	}
	defer f.Close()
	sh := WorkReportSheet
	set := func(cell string, v any, style int) {
		f.SetCellValue(sh, cell, v)
		f.SetCellStyle(sh, cell, cell, style)
	}
	picks := rep.Total.DistrictPicks >= 0 || rep.Total.CityPicks >= 0
	eligible := rep.Total.Eligible >= 0
	head := []string{"县（市）区", "小区总数", "已检查", "检查覆盖率", fmt.Sprintf("达标（无否决且≥%s分）", inspection.FormatNumber(rep.PassScore)), "一票否决", "平均得分"}
	if eligible {
		head = append(head, "符合“美好家园”条件")
	}
	if picks {
		head = append(head, "区级“美好家园”", "市级“美好家园”")
	}
	set("A1", fmt.Sprintf("%s（截至 %s）", title, at.Format("2006-01-02")), st.title)
	f.MergeCell(sh, "A1", cellName(len(head), 1))
	f.SetRowHeight(sh, 1, 30)
	set("A3", "一、各县（市）区检查情况", st.group)
	f.MergeCell(sh, "A3", cellName(len(head), 3))
	for i, h := range head {
		set(cellName(i+1, 4), h, st.header)
	}
	f.SetRowHeight(sh, 4, 30)
	row := 5
	writeFigures := func(d DistrictFigures, style int) {
		vals := []any{d.District, d.Communities, d.Inspected, ratio(d.Inspected, d.Communities), d.Passed, d.Vetoed, round1(d.AverageScore())}
		if eligible {
			vals = append(vals, d.Eligible)
		}
		if picks {
			vals = append(vals, pickValue(d.DistrictPicks), pickValue(d.CityPicks))
		}
		for i, v := range vals {
			set(cellName(i+1, row), v, style)
		}
		f.SetCellStyle(sh, cellName(4, row), cellName(4, row), st.percent(f))
		f.SetCellStyle(sh, cellName(7, row), cellName(7, row), st.score)
		row++
	}
	firstDistrictRow := row
	for _, d := range rep.Districts {
		writeFigures(d, st.text)
	}
	lastDistrictRow := row - 1
	writeFigures(rep.Total, st.header)

	row += 1
	set(cellName(1, row), "二、主要问题（不符合小区数最多的检查项）", st.group)
	f.MergeCell(sh, cellName(1, row), cellName(len(head), row))
	row++
	for i, h := range []string{"排名", "检查项", "检查内容", "章节", "不符合小区数", "已判定小区数", "不符合率"} {
		set(cellName(i+1, row), h, st.header)
	}
	row++
	top := rep.TopFailing
	if len(top) > TopItems {
		top = top[:TopItems]
	}
	firstItemRow := row
	for i, it := range top {
		vals := []any{i + 1, it.Code, it.Text, it.Section, it.Failed, it.Judged, ratio(it.Failed, it.Judged)}
		for j, v := range vals {
			style := st.text
			if j == 2 {
				style = st.wrap
			}
			set(cellName(j+1, row), v, style)
		}
		f.SetCellStyle(sh, cellName(7, row), cellName(7, row), st.percent(f))
		row++
	}
	lastItemRow := row - 1
	if len(top) == 0 {
		set(cellName(1, row), "没有不符合的检查项。", st.note)
		row++
	}

	section := 3
	numerals := []string{"", "一", "二", "三", "四", "五", "六"}
	if rep.Picks != nil {
		row++
		set(cellName(1, row), numerals[section]+"、“美好家园”选树情况", st.group)
		f.MergeCell(sh, cellName(1, row), cellName(len(head), row))
		section++
		row++
		for i, h := range []string{"类别", "县（市）区", "小区名称", "总分", "选树人", "选树时间", "典型案例介绍"} {
			set(cellName(i+1, row), h, st.header)
		}
		row++
		for _, p := range rep.Picks {
			score := any("—")
			if p.ScoreDefined {
				score = round1(p.Score)
			}
			vals := []any{p.Kind, p.District, p.Name, score, p.PickedBy, p.PickedAt.Format("2006-01-02 15:04"), p.Introduction}
			for j, v := range vals {
				style := st.text
				if j == 6 {
					style = st.wrap
				}
				set(cellName(j+1, row), v, style)
			}
			row++
		}
		if len(rep.Picks) == 0 {
			set(cellName(1, row), "尚未选树。", st.note)
			row++
		}
	}
	if s := strings.TrimSpace(rep.Suggestions); s != "" {
		row++
		set(cellName(1, row), numerals[section]+"、存在问题及建议", st.group)
		f.MergeCell(sh, cellName(1, row), cellName(len(head), row))
		section++
		row++
		set(cellName(1, row), s, st.note)
		f.MergeCell(sh, cellName(1, row), cellName(len(head), row))
		f.SetRowHeight(sh, row, float64(min(400, 20+15*strings.Count(s, "\n")+15*len([]rune(s))/60)))
		row++
	}

	row++
	set(cellName(1, row), numerals[section]+"、报告参考文字", st.group)
	f.MergeCell(sh, cellName(1, row), cellName(len(head), row))
	row++
	set(cellName(1, row), reportText(rep, top, at), st.note)
	f.MergeCell(sh, cellName(1, row), cellName(len(head), row))
	f.SetRowHeight(sh, row, 90)

	widths := []float64{16, 12, 40, 16, 14, 16, 24, 14, 14, 14}
	for i, wd := range widths[:max(len(head), 7)] {
		f.SetColWidth(sh, colName(i+1), colName(i+1), wd)
	}

	// Charts, to the right of the tables.
	if lastDistrictRow >= firstDistrictRow {
		err := f.AddChart(sh, cellName(len(head)+2, 3), &excelize.Chart{
			Type: excelize.Col,
			Series: []excelize.ChartSeries{
				{Name: fmt.Sprintf("'%s'!$C$4", sh), Categories: absRange(sh, 1, firstDistrictRow, lastDistrictRow), Values: absRange(sh, 3, firstDistrictRow, lastDistrictRow)},
				{Name: fmt.Sprintf("'%s'!$E$4", sh), Categories: absRange(sh, 1, firstDistrictRow, lastDistrictRow), Values: absRange(sh, 5, firstDistrictRow, lastDistrictRow)},
			},
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "各县（市）区已检查与达标小区数"}}},
			Legend:    excelize.ChartLegend{Position: "bottom"},
			Dimension: excelize.ChartDimension{Width: 560, Height: 300},
		})
		if err != nil {
			return fmt.Errorf("无法添加图表：%w", err)
		}
	}
	if len(top) > 0 {
		err := f.AddChart(sh, cellName(len(head)+2, 20), &excelize.Chart{
			Type: excelize.Bar,
			Series: []excelize.ChartSeries{
				{Name: fmt.Sprintf("'%s'!$E$%d", sh, firstItemRow-1), Categories: absRange(sh, 2, firstItemRow, lastItemRow), Values: absRange(sh, 5, firstItemRow, lastItemRow)},
			},
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "主要问题：不符合小区数"}}},
			Legend:    excelize.ChartLegend{Position: "none"},
			YAxis:     excelize.ChartAxis{ReverseOrder: true},
			Dimension: excelize.ChartDimension{Width: 560, Height: 340},
		})
		if err != nil {
			return fmt.Errorf("无法添加图表：%w", err)
		}
	}
	return save(f, w, title, at)
}

func absRange(sheet string, col, from, to int) string {
	return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sheet, colName(col), from, colName(col), to)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func pickValue(n int) any {
	if n < 0 {
		return "—"
	}
	return n
}

// percent is a percentage style, made on first use.
func (s *styles) percent(f *excelize.File) int {
	id, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10}, NumFmt: 10,
		Alignment: &excelize.Alignment{Vertical: "center"},
		Border: []excelize.Border{{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
			{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1}}})
	return id
}

func reportText(rep WorkReport, top []ItemFailure, at time.Time) string {
	t := rep.Total
	s := fmt.Sprintf("截至%s，纳入统计的住宅小区共 %d 个，已完成检查 %d 个（覆盖率 %.1f%%），其中 %d 个无一票否决项且得分不低于 %s 分，%d 个存在一票否决项",
		at.Format("2006年1月2日"), t.Communities, t.Inspected, 100*ratio(t.Inspected, t.Communities), t.Passed,
		inspection.FormatNumber(rep.PassScore), t.Vetoed)
	if t.Scored > 0 {
		s += fmt.Sprintf("，平均得分 %.1f 分", t.AverageScore())
	}
	s += "。"
	if t.Eligible >= 0 {
		s += fmt.Sprintf("经初审，%d 个小区符合“美好家园”小区要求", t.Eligible)
		if t.DistrictPicks >= 0 {
			s += fmt.Sprintf("，各县（市）区选树区级“美好家园”小区 %d 个", t.DistrictPicks)
		}
		if t.CityPicks > 0 {
			s += fmt.Sprintf("，市级“美好家园”小区 %d 个", t.CityPicks)
		}
		s += "。"
	}
	if len(top) > 0 {
		var parts []string
		for _, it := range top[:min(3, len(top))] {
			parts = append(parts, fmt.Sprintf("“%s”（%d 个小区不符合）", it.Text, it.Failed))
		}
		s += "存在的主要问题集中在" + strings.Join(parts, "、") + "。"
	}
	return s
}

// OfficeLine is one community of the office's results: its latest result
// and whether it meets the 「美好家园」 requirements (inspection.Judge).
type OfficeLine struct {
	Result
	Eligible bool
}

// BuildOfficeReport counts the work report of the office's results and
// adds its selection: the eligible communities per district and the
// standing picks of these communities (picks of other communities are left
// out, so a district's report lists its own).
func BuildOfficeReport(lines []OfficeLine, picks []inspection.Pick, tpl *inspection.Template, passScore float64) (WorkReport, error) {
	rep, err := BuildWorkReport(func(yield func(Result, error) bool) {
		for _, l := range lines {
			if !yield(l.Result, nil) {
				return
			}
		}
	}, tpl, passScore)
	if err != nil {
		return rep, err
	}
	eligible := map[string]int{}
	byID := map[string]OfficeLine{}
	for _, l := range lines {
		byID[l.Community.ID] = l
		if l.Eligible {
			eligible[l.Community.District]++
		}
	}
	var out []PickLine
	for _, p := range picks {
		l, ok := byID[p.CommunityID]
		if !ok || !p.Active() {
			continue
		}
		pl := PickLine{Kind: p.Kind(), District: p.District, Name: l.Community.Name, PickedBy: p.PickedBy, PickedAt: p.PickedAt,
			Introduction: p.Introduction, City: p.Level == inspection.LevelCity, Typical: p.Typical}
		if l.Record != nil && l.Record.Score.Defined {
			pl.Score, pl.ScoreDefined = l.Record.Score.Total, true
		}
		out = append(out, pl)
	}
	rep.ApplySelection(eligible, out)
	return rep, nil
}
