package xlsx

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// The columns of a community list, with the headers offices commonly use.
var communityFields = []field{
	{key: "seq", label: "序号", synonyms: []string{"编号", "no", "no.", "序"}},
	{key: "name", label: "小区名称", synonyms: []string{"小区", "小区名", "项目名称", "项目", "楼盘名称", "楼盘", "住宅小区", "住宅小区名称", "小区(项目)名称", "名称"}, required: true},
	{key: "district", label: "县（市）区", synonyms: []string{"县(市、区)", "县市区", "县区", "区县", "区(县)", "所属区县", "所属县区", "所在区", "所属区", "区", "辖区", "行政区", "区域", "县(市)区名称"}, required: true},
	{key: "street", label: "街道（乡镇）", synonyms: []string{"街道", "乡镇", "乡镇(街道)", "街道办", "所属街道", "所在街道", "街道办事处"}},
	{key: "community", label: "社区", synonyms: []string{"社区(村)", "所属社区", "所在社区", "居委会", "社区居委会"}},
	{key: "address", label: "地址", synonyms: []string{"小区地址", "详细地址", "坐落", "坐落位置", "位置", "项目地址"}},
	{key: "company", label: "物业服务企业", synonyms: []string{"物业公司", "物业企业", "物业服务企业名称", "物业服务公司", "物业管理单位", "物业服务单位", "物业管理公司", "物业"}},
	{key: "households", label: "户数", synonyms: []string{"总户数", "住户数", "房屋户数", "户数(户)"}},
	{key: "type", label: "小区类型", synonyms: []string{"类型", "房屋类型", "项目类型", "小区性质"}},
	{key: "committee", label: "业委会", synonyms: []string{"业主委员会", "自治组织", "业委会情况", "业委会(物管会)", "是否成立业委会"}},
	{key: "satisfaction", label: "满意度", synonyms: []string{"业主满意度", "满意度(%)", "物业服务满意度"}},
	{key: "complaint", label: "投诉率", synonyms: []string{"投诉率(件/百户)", "物业投诉率", "每百户投诉量"}},
}

// Limits on community facts read from a file.
const (
	maxNameRunes  = 100
	maxFieldRunes = 200
)

// ReadCommunities reads a 小区名单: the header is found by its Chinese
// column names (see communityFields for the synonyms), in any of the
// first rows and any sheet; merged cells apply to every row they cover;
// blank rows and a 合计 line are skipped; numbers may be text, full-width
// or carry a unit. Nothing is written: the preview lists every problem.
// Call MatchCommunities to mark which rows update existing communities.
func ReadCommunities(r io.Reader) (*Preview[inspection.Community], error) {
	return readList(r, sheetImport[inspection.Community]{
		kind: "小区名单", fields: communityFields, sheets: []string{"小区", "名单"}, totalCols: []string{"name", "seq"},
		row: readCommunity,
	})
}

// readCommunity reads one row of a 小区名单.
func readCommunity(sd *sheetData, r int, p *Preview[inspection.Community], seen dupRows) Row[inspection.Community] {
	row := Row[inspection.Community]{Line: r + 1, Action: "新增"}
	c := &row.Value
	name := sd.cell(r, "name")
	c.Name = name.limited("小区名称", maxNameRunes, &row.Issues)
	if c.Name == "" && len(row.Issues) == 0 {
		row.Issues = append(row.Issues, name.issue("小区名称为空"))
	}
	d := sd.cell(r, "district")
	c.District = d.limited("县（市）区", 50, &row.Issues)
	if c.District == "" && c.Name != "" {
		row.Issues = append(row.Issues, d.issue("县（市）区为空"))
	}
	c.Street = sd.cell(r, "street").limited("街道", 50, &row.Issues)
	c.Community = sd.cell(r, "community").limited("社区", 50, &row.Issues)
	c.Address = sd.cell(r, "address").limited("地址", maxFieldRunes, &row.Issues)
	c.PropertyCompany = sd.cell(r, "company").limited("物业服务企业", maxFieldRunes, &row.Issues)
	c.Type = sd.cell(r, "type").limited("小区类型", 20, &row.Issues)
	c.Committee = sd.cell(r, "committee").limited("业委会", 50, &row.Issues)
	hc := sd.cell(r, "households")
	if v, _, ok, empty := hc.number(); !empty {
		switch {
		case !ok:
			row.Issues = append(row.Issues, hc.issue("户数「%s」不是数字", hc.text(false)))
		case v < 0 || v != math.Trunc(v) || v > 1e6:
			row.Issues = append(row.Issues, hc.issue("户数「%s」应为不超过 100 万的非负整数", hc.text(false)))
		default:
			c.Households = int(v)
		}
	}
	c.Satisfaction = percentValue(sd.cell(r, "satisfaction"), "满意度", &row.Issues, &p.Warnings)
	c.ComplaintRate = rateValue(sd.cell(r, "complaint"), &row.Issues)
	if c.Name != "" && c.District != "" {
		seen.check(communityKey(c.Name, c.District), r, name, &row.Issues, "与第%d行重复（同一县（市）区的同名小区）")
	}
	if len(row.Issues) == 0 {
		if err := c.Validate(); err != nil {
			row.Issues = append(row.Issues, Issue{Sheet: sd.name, Row: r + 1, Reason: err.Error()})
		}
	}
	return row
}

// percentValue reads a percentage (0–100): "95.5", "95.5%", a percent
// cell (0.955 shown as 95.5%); a bare fraction ≤ 1 is taken as a share
// and multiplied by 100, with a warning.
func percentValue(c cell, label string, issues, warnings *[]Issue) *float64 {
	v, pct, ok, empty := c.number()
	if empty {
		return nil
	}
	if !ok {
		*issues = append(*issues, c.issue("%s「%s」不是数字", label, c.text(false)))
		return nil
	}
	if !pct && v > 0 && v <= 1 {
		v *= 100
		*warnings = append(*warnings, c.issue("%s %s 按 %s%% 处理", label, c.text(false), inspection.FormatNumber(v)))
	}
	if v < 0 || v > 100 {
		*issues = append(*issues, c.issue("%s「%s」应在 0 到 100 之间", label, c.text(false)))
		return nil
	}
	v = math.Round(v*1e6) / 1e6
	return &v
}

// rateValue reads a complaint rate (complaints per 100 households, ≥ 0).
func rateValue(c cell, issues *[]Issue) *float64 {
	v, _, ok, empty := c.number()
	if empty {
		return nil
	}
	if !ok || v < 0 || v > 1e6 {
		*issues = append(*issues, c.issue("投诉率「%s」应为非负数（件/百户）", c.text(false)))
		return nil
	}
	v = math.Round(v*1e6) / 1e6
	return &v
}

// communityKey identifies a community by name and district, ignoring
// spaces and full-/half-width differences.
func communityKey(name, district string) string {
	return normHeader(name) + "\x00" + normHeader(district)
}

// MatchCommunities marks the rows that name an existing community (same
// name and district): the row updates it (更新), keeping the existing
// value of every field the file leaves empty, or changes nothing (不变).
func MatchCommunities(p *Preview[inspection.Community], existing []inspection.Community) {
	byKey := map[string]inspection.Community{}
	for _, c := range existing {
		byKey[communityKey(c.Name, c.District)] = c
	}
	for i := range p.Rows {
		row := &p.Rows[i]
		if !row.OK() {
			continue
		}
		old, ok := byKey[communityKey(row.Value.Name, row.Value.District)]
		if !ok {
			row.Action = "新增"
			continue
		}
		merged := mergeCommunity(old, row.Value)
		row.Value = merged
		if sameFacts(old, merged) {
			row.Action = "不变"
		} else {
			row.Action = "更新"
		}
	}
}

func mergeCommunity(old, in inspection.Community) inspection.Community {
	out := old
	set := func(dst *string, v string) {
		if strings.TrimSpace(v) != "" {
			*dst = v
		}
	}
	set(&out.Street, in.Street)
	set(&out.Community, in.Community)
	set(&out.Address, in.Address)
	set(&out.PropertyCompany, in.PropertyCompany)
	set(&out.Type, in.Type)
	set(&out.Committee, in.Committee)
	if in.Households > 0 {
		out.Households = in.Households
	}
	if in.Satisfaction != nil {
		out.Satisfaction = in.Satisfaction
	}
	if in.ComplaintRate != nil {
		out.ComplaintRate = in.ComplaintRate
	}
	return out
}

func sameFacts(a, b inspection.Community) bool {
	eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Name == b.Name && a.District == b.District && a.Street == b.Street && a.Community == b.Community &&
		a.Address == b.Address && a.PropertyCompany == b.PropertyCompany && a.Households == b.Households &&
		a.Type == b.Type && a.Committee == b.Committee && eq(a.Satisfaction, b.Satisfaction) && eq(a.ComplaintRate, b.ComplaintRate)
}

// Summary of a preview for people: how many rows of each action.
func (p *Preview[T]) Summary() string {
	counts := map[string]int{}
	for _, r := range p.Rows {
		if r.OK() {
			counts[r.Action]++
		}
	}
	s := fmt.Sprintf("%s：工作表「%s」，表头在第 %d 行，共 %d 行数据", p.Kind, p.Sheet, p.Header, len(p.Rows))
	for _, a := range []string{"新增", "更新", "不变"} {
		if counts[a] > 0 {
			s += fmt.Sprintf("，%s %d", a, counts[a])
		}
	}
	if bad := p.BadRows(); bad > 0 {
		s += fmt.Sprintf("，有错误 %d 行", bad)
	}
	return s
}
