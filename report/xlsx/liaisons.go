package xlsx

import (
	"fmt"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Liaison is one row of the liaison list (联络员名单), attachment 2 of the
// seed: inspection.Liaison (the id and revision are not written).
type Liaison = inspection.Liaison

// LiaisonsSheet is the sheet name of the liaison list.
const LiaisonsSheet = "联络员名单"

// WriteLiaisons writes 附件2「“美好家园”活动联络员名单」 in the form the
// plan asks for: 序号, 县（市）区, 单位, 处（科）室, 姓名, 职务, 手机, 办公电话,
// 电子邮箱, 备注. Phone numbers are text, so leading zeros and long mobile
// numbers survive.
func WriteLiaisons(w io.Writer, ls []Liaison, at time.Time) error {
	f, st, err := newBook(LiaisonsSheet)
	if err != nil {
		return err
	}
	defer f.Close()
	cols := []struct {
		label string
		width float64
	}{{"序号", 6}, {"县（市）区", 12}, {"单位", 28}, {"处（科）室", 14}, {"姓名", 10}, {"职务", 14}, {"手机", 14}, {"办公电话", 15}, {"电子邮箱", 22}, {"备注", 20}}
	sh := LiaisonsSheet
	f.SetCellValue(sh, "A1", "附件2")
	f.SetCellValue(sh, "A2", "“美好家园”活动联络员名单")
	f.MergeCell(sh, "A2", cellName(len(cols), 2))
	f.SetCellStyle(sh, "A2", "A2", st.title)
	f.SetRowHeight(sh, 2, 32)
	for i, c := range cols {
		f.SetCellValue(sh, cellName(i+1, 3), c.label)
		f.SetColWidth(sh, colName(i+1), colName(i+1), c.width)
	}
	f.SetCellStyle(sh, "A3", cellName(len(cols), 3), st.header)
	for i, l := range ls {
		r := i + 4
		vals := []string{"", l.District, l.Unit, l.Department, l.Name, l.Title, l.Mobile, l.OfficePhone, l.Email, l.Note}
		f.SetCellInt(sh, cellName(1, r), int64(i+1))
		for j := 1; j < len(vals); j++ {
			// SetCellStr keeps numbers-as-text (phones) as text.
			if err := f.SetCellStr(sh, cellName(j+1, r), clip(vals[j])); err != nil {
				return err
			}
		}
	}
	if len(ls) > 0 {
		f.SetCellStyle(sh, "A4", cellName(len(cols), len(ls)+3), st.text)
	}
	f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 3, TopLeftCell: "A4", ActivePane: "bottomLeft"})
	if err := f.AutoFilter(sh, "A3:"+cellName(len(cols), max(len(ls)+3, 4)), nil); err != nil {
		return err
	}
	return save(f, w, fmt.Sprintf("联络员名单（%d 人）", len(ls)), at)
}

var liaisonFields = []field{
	{key: "seq", label: "序号", synonyms: []string{"编号", "no", "序"}},
	{key: "district", label: "县（市）区", synonyms: []string{"县(市、区)", "县市区", "县区", "区县", "所属区县", "区", "地区"}},
	{key: "unit", label: "单位", synonyms: []string{"单位名称", "工作单位", "所在单位", "报送单位", "部门单位"}, required: true},
	{key: "department", label: "处（科）室", synonyms: []string{"处室", "科室", "部门", "所在处室", "所在科室", "内设机构"}},
	{key: "name", label: "姓名", synonyms: []string{"联络员", "联络员姓名", "联系人", "人员姓名"}, required: true},
	{key: "title", label: "职务", synonyms: []string{"职务/职称", "职务(职称)", "职位", "职称"}},
	{key: "mobile", label: "手机", synonyms: []string{"手机号码", "手机号", "移动电话", "联系手机", "手机号码(必填)"}},
	{key: "office", label: "办公电话", synonyms: []string{"办公室电话", "座机", "固定电话", "办公座机", "联系电话", "电话"}},
	{key: "email", label: "电子邮箱", synonyms: []string{"邮箱", "email", "e-mail", "电子邮件"}},
	{key: "note", label: "备注", synonyms: []string{"说明"}},
}

// ReadLiaisons reads a 联络员名单 (attachment 2). 单位 and 姓名 are
// required; a mobile number is checked (11 digits starting with 1) and
// normalised, an office phone kept as written. A liaison is identified by
// unit and name; the district, when the sheet has no column for it, is
// taken from the unit's name (鼓楼区住建局 → 鼓楼区) or left empty.
func ReadLiaisons(r io.Reader) (*Preview[Liaison], error) {
	return readList(r, sheetImport[Liaison]{
		kind: "联络员名单", fields: liaisonFields, sheets: []string{"联络员"}, totalCols: []string{"seq", "unit"},
		row: readLiaison,
	})
}

// readLiaison reads one row of a 联络员名单.
func readLiaison(sd *sheetData, r int, p *Preview[Liaison], seen dupRows) Row[Liaison] {
	row := Row[Liaison]{Line: r + 1, Action: "新增"}
	l := &row.Value
	unit, name := sd.cell(r, "unit"), sd.cell(r, "name")
	l.Unit = unit.limited("单位", 100, &row.Issues)
	l.Name = name.limited("姓名", 30, &row.Issues)
	if l.Unit == "" {
		row.Issues = append(row.Issues, unit.issue("单位为空"))
	}
	if l.Name == "" {
		row.Issues = append(row.Issues, name.issue("姓名为空"))
	}
	l.District = sd.cell(r, "district").limited("县（市）区", 50, &row.Issues)
	if l.District == "" {
		l.District = districtOf(l.Unit)
	}
	l.Department = sd.cell(r, "department").limited("处（科）室", 50, &row.Issues)
	l.Title = sd.cell(r, "title").limited("职务", 50, &row.Issues)
	mc := sd.cell(r, "mobile")
	if m := mc.text(false); m != "" {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			if r == ' ' || r == '-' {
				return -1
			}
			return 'x'
		}, strings.TrimPrefix(strings.TrimPrefix(m, "+86"), "86-"))
		if len(digits) == 11 && digits[0] == '1' && !strings.Contains(digits, "x") {
			l.Mobile = digits
		} else if len(m) <= 40 {
			l.Mobile = m
			p.Warnings = append(p.Warnings, mc.issue("手机号码「%s」不是 11 位手机号，按原样保存", m))
		} else {
			row.Issues = append(row.Issues, mc.issue("手机号码过长"))
		}
	}
	l.OfficePhone = sd.cell(r, "office").limited("办公电话", 40, &row.Issues)
	l.Email = sd.cell(r, "email").limited("电子邮箱", 100, &row.Issues)
	l.Note = sd.cell(r, "note").limited("备注", maxFieldRunes, &row.Issues)
	if l.Unit != "" && l.Name != "" {
		seen.check(normHeader(l.Unit)+"\x00"+normHeader(l.Name), r, name, &row.Issues, "与第%d行重复（同一单位的同名联络员）")
	}
	return row
}

// districtOf guesses the district from a unit's name: the text up to and
// including the first 区, 县 or 市 after a place name of two or more
// characters (鼓楼区住建局 → 鼓楼区; 福清市房管局 → 福清市).
func districtOf(unit string) string {
	rs := []rune(unit)
	for i := 2; i < len(rs) && i < 8; i++ {
		if rs[i] == '区' || rs[i] == '县' || rs[i] == '市' {
			return string(rs[:i+1])
		}
	}
	return ""
}

// MatchLiaisons marks the rows that update a liaison already on the list
// (same unit and name), or change nothing.
func MatchLiaisons(p *Preview[Liaison], existing []Liaison) {
	byKey := map[string]Liaison{}
	for _, l := range existing {
		byKey[normHeader(l.Unit)+"\x00"+normHeader(l.Name)] = l
	}
	for i := range p.Rows {
		row := &p.Rows[i]
		if !row.OK() {
			continue
		}
		old, ok := byKey[normHeader(row.Value.Unit)+"\x00"+normHeader(row.Value.Name)]
		switch {
		case !ok:
			row.Action = "新增"
		case old.SameContent(row.Value):
			row.Action = "不变"
		default:
			row.Action = "更新"
		}
	}
}
