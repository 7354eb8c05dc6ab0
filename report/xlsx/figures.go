package xlsx

import (
	"io"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// Figure is one community's satisfaction and complaint figures as the
// office imports them; CommunityID is set by MatchFigures.
type Figure struct {
	Name, District string
	Satisfaction   *float64 // %
	ComplaintRate  *float64 // complaints per 100 households, 12 months
	CommunityID    string
}

var figureFields = []field{
	{key: "seq", label: "序号", synonyms: []string{"编号", "no", "序"}},
	communityFields[1], communityFields[2],
	{key: "satisfaction", label: "满意度", synonyms: []string{"业主满意度", "满意度(%)", "物业服务满意度", "满意率", "测评满意度"}},
	{key: "complaint", label: "投诉率", synonyms: []string{"投诉率(件/百户)", "物业投诉率", "每百户投诉量", "每百户投诉件数", "百户投诉率"}},
}

// ReadFigures reads satisfaction (满意度) and complaint-rate (投诉率)
// figures per community, matched later by name and district
// (MatchFigures). A row needs at least one of the two figures.
func ReadFigures(r io.Reader) (*Preview[Figure], error) {
	return readList(r, sheetImport[Figure]{
		kind: "满意度/投诉率", fields: figureFields, sheets: []string{"满意度", "投诉"}, totalCols: []string{"name", "seq"},
		header: func(sd *sheetData) *Issue {
			_, s := sd.cols["satisfaction"]
			_, c := sd.cols["complaint"]
			if !s && !c {
				return &Issue{Sheet: sd.name, Row: sd.header + 1, Reason: "缺少「满意度」或「投诉率」列"}
			}
			return nil
		},
		row: readFigure,
	})
}

// readFigure reads one row of a 满意度/投诉率 sheet.
func readFigure(sd *sheetData, r int, p *Preview[Figure], seen dupRows) Row[Figure] {
	row := Row[Figure]{Line: r + 1, Action: "更新"}
	v := &row.Value
	name := sd.cell(r, "name")
	v.Name = name.limited("小区名称", maxNameRunes, &row.Issues)
	if v.Name == "" && len(row.Issues) == 0 {
		row.Issues = append(row.Issues, name.issue("小区名称为空"))
	}
	d := sd.cell(r, "district")
	v.District = d.limited("县（市）区", 50, &row.Issues)
	if v.District == "" {
		row.Issues = append(row.Issues, d.issue("县（市）区为空"))
	}
	v.Satisfaction = percentValue(sd.cell(r, "satisfaction"), "满意度", &row.Issues, &p.Warnings)
	v.ComplaintRate = rateValue(sd.cell(r, "complaint"), &row.Issues)
	if v.Satisfaction == nil && v.ComplaintRate == nil && len(row.Issues) == 0 {
		row.Issues = append(row.Issues, Issue{Sheet: sd.name, Row: r + 1, Reason: "满意度和投诉率都为空"})
	}
	if v.Name != "" && v.District != "" {
		seen.check(communityKey(v.Name, v.District), r, name, &row.Issues, "与第%d行重复")
	}
	return row
}

// MatchFigures finds each row's community by name and district. A row
// naming no known community is an error (import the community list
// first); one whose figures equal the stored ones is 不变.
func MatchFigures(p *Preview[Figure], existing []inspection.Community) {
	byKey := map[string]inspection.Community{}
	for _, c := range existing {
		byKey[communityKey(c.Name, c.District)] = c
	}
	eq := func(x, y *float64) bool { return x == nil || (y != nil && *x == *y) }
	for i := range p.Rows {
		row := &p.Rows[i]
		if !row.OK() {
			continue
		}
		c, ok := byKey[communityKey(row.Value.Name, row.Value.District)]
		if !ok {
			row.Issues = append(row.Issues, Issue{Sheet: p.Sheet, Row: row.Line,
				Reason: "小区「" + row.Value.Name + "」（" + row.Value.District + "）不在小区名单中，请先导入小区名单或核对名称"})
			continue
		}
		row.Value.CommunityID = c.ID
		if eq(row.Value.Satisfaction, c.Satisfaction) && eq(row.Value.ComplaintRate, c.ComplaintRate) {
			row.Action = "不变"
		}
	}
}
