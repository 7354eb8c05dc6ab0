package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// conflictsScreen is 冲突处理: the versions of records that lost to a
// concurrent version when packages were merged. The chosen conflict shows
// both versions side by side, field by field, the differing fields
// highlighted and ids shown as names; a person keeps the current version
// or takes the other one (the store records the choice in the audit log
// and makes it travel).
type conflictsScreen struct {
	u *App
	x *exchangeTab

	showAll  *widget.Check
	count    *widget.Label
	list     *widget.List
	items    []conflictItem
	selected int
	loads    newest

	heading    *widget.Label
	detail     *widget.Label
	fields     *fyne.Container
	help       *widget.Label
	keep       *widget.Button
	takeOther  *widget.Button
	frozenNote *widget.Label
	editor     *fyne.Container
	empty      *widget.Label
	fieldRows  []*fieldRow // the rows now shown, for tests

	content fyne.CanvasObject
}

// conflictItem is a conflict with what a person needs to judge it.
type conflictItem struct {
	store.Conflict
	Title  string
	Fields []fieldDiff
	// Frozen: the record belongs to a signed-off inspection, so only the
	// current version can be kept.
	Frozen bool
}

// fieldDiff is one field of the two versions.
type fieldDiff struct {
	Label          string
	Current, Other string
	Differs        bool
}

func newConflictsScreen(u *App, x *exchangeTab) *conflictsScreen {
	s := &conflictsScreen{u: u, x: x, selected: -1}
	s.showAll = widget.NewCheck(lang.L("显示已处理的冲突"), func(bool) { s.reload() })
	s.count = widget.NewLabel("")
	s.list = widget.NewList(
		func() int { return len(s.items) },
		func() fyne.CanvasObject {
			title, sub := widget.NewLabel(""), widget.NewLabel("")
			title.TextStyle.Bold = true
			title.Truncation = fyne.TextTruncateEllipsis
			sub.SizeName = theme.SizeNameCaptionText
			sub.Importance = widget.MediumImportance
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(title, sub)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := s.items[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(c.Title)
			box.Objects[1].(*widget.Label).SetText(conflictStateText(c.Conflict))
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) { s.choose(id) }

	s.heading = widget.NewLabel("")
	s.heading.TextStyle.Bold = true
	s.heading.Wrapping = fyne.TextWrapWord
	s.detail = caption("")
	s.fields = container.NewVBox()
	s.help = caption(lang.L("两台设备在交换数据之前各自修改了同一条记录。程序按规则暂时采用了「当前版本」，另一版本保存在这里，不会丢失。请核对后选择保留哪一个；您的选择记入审计日志，并随下次导出的数据包带给其他单位。"))
	s.keep = widget.NewButtonWithIcon(lang.L("保留当前版本"), theme.ConfirmIcon(), func() { s.resolve(store.KeepCurrent) })
	s.keep.Importance = widget.HighImportance
	s.takeOther = widget.NewButtonWithIcon(lang.L("采用另一版本"), theme.ViewRefreshIcon(), func() { s.resolve(store.KeepOther) })
	s.frozenNote = caption(lang.L("这是已签字定稿的检查记录，不能被另一版本替换；如需更正，请对原记录做更正。"))
	s.frozenNote.Importance = widget.WarningImportance
	head := newFieldRow(fieldDiff{Label: lang.L("字段"), Current: lang.L("当前版本（正在使用）"), Other: lang.L("另一版本（未采用）")})
	for _, l := range []*widget.Label{head.label, head.current, head.other} {
		l.TextStyle.Bold = true
	}
	// The choice stays in view below the fields, which scroll.
	s.editor = container.NewBorder(container.NewVBox(s.heading, s.detail, head.box, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), s.help, container.NewHBox(s.keep, s.takeOther), s.frozenNote),
		nil, nil, container.NewVScroll(s.fields))
	s.editor.Hide()
	s.empty = widget.NewLabel(lang.L("选择左侧的冲突进行处理。"))

	left := container.NewBorder(container.NewHBox(s.showAll, s.count), nil, nil, nil, s.list)
	right := container.NewPadded(container.NewStack(s.empty, s.editor))
	split := container.NewHSplit(left, right)
	split.Offset = 0.32
	s.content = split
	return s
}

// reload lists the conflicts (open ones, or all) with names for ids.
func (s *conflictsScreen) reload() {
	openOnly := !s.showAll.Checked
	var items []conflictItem
	s.loads.load(s.u, func(ctx context.Context) (err error) {
		items, err = loadConflictItems(ctx, s.u.db, openOnly)
		return err
	}, func() {
		keepID := ""
		if s.selected >= 0 && s.selected < len(s.items) {
			keepID = s.items[s.selected].ID
		}
		s.items = items
		s.count.SetText(fmt.Sprintf(lang.L("%d 条"), len(items)))
		s.list.UnselectAll()
		s.selected = -1
		s.editor.Hide()
		s.empty.Show()
		if len(items) == 0 {
			s.empty.SetText(lang.L("没有待处理的冲突。"))
		} else {
			s.empty.SetText(lang.L("选择左侧的冲突进行处理。"))
		}
		s.list.Refresh()
		sel := -1
		for i, it := range items {
			if it.ID == keepID || (sel < 0 && it.ResolvedAt == nil) {
				sel = i
			}
		}
		if sel >= 0 {
			s.list.Select(sel)
		}
	})
}

func loadConflictItems(ctx context.Context, db *store.DB, openOnly bool) ([]conflictItem, error) {
	cs, err := db.Conflicts(ctx, openOnly)
	if err != nil {
		return nil, err
	}
	n := newRecordNamer(ctx, db)
	out := make([]conflictItem, 0, len(cs))
	for _, c := range cs {
		it, err := n.conflict(c)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func conflictStateText(c store.Conflict) string {
	if c.ResolvedAt == nil {
		return fmt.Sprintf(lang.L("待处理 · 发现于 %s"), formatDateTime(c.DetectedAt))
	}
	return fmt.Sprintf(lang.L("%s · %s %s"), resolutionLabel(c.Resolution), formatDateTime(*c.ResolvedAt), c.ResolvedBy)
}

func resolutionLabel(r string) string {
	switch r {
	case "kept_current":
		return lang.L("已保留当前版本")
	case "took_other":
		return lang.L("已采用另一版本")
	case "superseded":
		return lang.L("已被更新的版本取代")
	}
	return r
}

// choose shows conflict i side by side.
func (s *conflictsScreen) choose(i int) {
	if i < 0 || i >= len(s.items) {
		return
	}
	s.selected = i
	c := s.items[i]
	s.heading.SetText(c.Title)
	detail := fmt.Sprintf(lang.L("发现于 %s，导入数据包 %s 时"), formatDateTime(c.DetectedAt), shortID(c.PackageID))
	if c.ResolvedAt != nil {
		detail += "\n" + conflictStateText(c.Conflict)
	}
	s.detail.SetText(detail)
	s.fields.RemoveAll()
	s.fieldRows = nil
	for _, f := range c.Fields {
		r := newFieldRow(f)
		s.fieldRows = append(s.fieldRows, r)
		s.fields.Add(r.box)
	}
	open := c.ResolvedAt == nil
	s.keep.Enable()
	s.takeOther.Enable()
	if !open {
		s.keep.Disable()
		s.takeOther.Disable()
	}
	if c.Frozen {
		s.takeOther.Disable()
		s.frozenNote.Show()
	} else {
		s.frozenNote.Hide()
	}
	s.empty.Hide()
	s.editor.Show()
	s.editor.Refresh()
}

// resolve records the choice for the selected conflict.
func (s *conflictsScreen) resolve(keep store.Keep) {
	if s.selected < 0 || s.selected >= len(s.items) {
		return
	}
	id := s.items[s.selected].ID
	s.keep.Disable()
	s.takeOther.Disable()
	s.u.busy(lang.L("正在保存…"), func(ctx context.Context) error {
		return s.u.db.ResolveConflict(ctx, id, keep)
	}, func(err error) {
		if err != nil {
			s.u.showError(err)
			s.choose(s.selected)
			return
		}
		s.reload()
		s.u.communities.reload()
	})
}

// fieldRow is one field of both versions; a differing field is
// highlighted.
type fieldRow struct {
	diff                  fieldDiff
	label, current, other *widget.Label
	background            *canvas.Rectangle
	box                   *fyne.Container
}

func newFieldRow(f fieldDiff) *fieldRow {
	r := &fieldRow{diff: f, label: widget.NewLabel(f.Label), current: widget.NewLabel(f.Current), other: widget.NewLabel(f.Other)}
	r.label.Importance = widget.MediumImportance
	r.current.Wrapping = fyne.TextWrapWord
	r.other.Wrapping = fyne.TextWrapWord
	r.background = canvas.NewRectangle(color.Transparent)
	if f.Differs {
		r.background.FillColor = highlightColor()
		r.label.TextStyle.Bold = true
		r.label.Importance = widget.WarningImportance
		r.current.TextStyle.Bold = true
		r.other.TextStyle.Bold = true
	}
	name := container.NewGridWrap(fyne.NewSize(130, r.label.MinSize().Height), r.label)
	r.box = container.NewStack(r.background, container.NewBorder(nil, nil, name, nil, container.NewGridWithColumns(2, r.current, r.other)))
	return r
}

// highlightColor is the warning colour, faint enough to read text on.
func highlightColor() color.Color {
	r, g, b, _ := theme.Color(theme.ColorNameWarning).RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x38}
}

func shortID(id string) string {
	if len(id) > 13 {
		return id[:13] + "…"
	}
	return id
}

// recordNamer turns a conflict's rows into what a person reads: names for
// ids, labels for codes. It caches what it looks up.
type recordNamer struct {
	ctx         context.Context
	db          *store.DB
	communities map[string]string
	inspections map[string]*store.InspectionRecord
	devices     map[string]string
}

func newRecordNamer(ctx context.Context, db *store.DB) *recordNamer {
	n := &recordNamer{ctx: ctx, db: db, communities: map[string]string{}, inspections: map[string]*store.InspectionRecord{},
		devices: map[string]string{db.Device().ID: lang.L("本机")}}
	if ds, err := db.TrustedDevices(ctx); err == nil {
		for _, d := range ds {
			n.devices[d.ID] = d.Name
		}
	}
	return n
}

func (n *recordNamer) community(id string) string {
	if name, ok := n.communities[id]; ok {
		return name
	}
	name := id
	if c, err := n.db.Community(n.ctx, id); err == nil {
		name = c.Name
	}
	n.communities[id] = name
	return name
}

func (n *recordNamer) record(id string) *store.InspectionRecord {
	if r, ok := n.inspections[id]; ok {
		return r
	}
	var rec *store.InspectionRecord
	if r, err := n.db.Inspection(n.ctx, id); err == nil {
		rec = &r
	}
	n.inspections[id] = rec
	return rec
}

// inspection names an inspection by its community and start date.
func (n *recordNamer) inspection(id string) string {
	if id == "" {
		return ""
	}
	r := n.record(id)
	if r == nil {
		return id
	}
	return fmt.Sprintf(lang.L("%s %s 的检查"), r.Community.Name, formatDate(r.Inspection.StartedAt))
}

func (n *recordNamer) item(inspectionID, code string) string {
	if r := n.record(inspectionID); r != nil && r.Template != nil {
		if it, ok := r.Template.Item(code); ok {
			return code + " " + it.Text
		}
	}
	return code
}

// conflict describes a conflict: its title, both versions field by field,
// and whether only the current version may be kept.
func (n *recordNamer) conflict(c store.Conflict) (conflictItem, error) {
	it := conflictItem{Conflict: c}
	other, err := decodeRow(c.Row)
	if err != nil {
		return it, fmt.Errorf("冲突 %s 的另一版本无法读取：%w", c.ID, err)
	}
	current := map[string]any{}
	if c.Current != "" {
		if current, err = decodeRow(c.Current); err != nil {
			return it, fmt.Errorf("冲突 %s 的当前版本无法读取：%w", c.ID, err)
		}
	}
	row := other
	if c.Current != "" {
		row = current
	}
	it.Title = n.title(c.Entity, row)
	for _, col := range store.TravelColumns(c.Entity) {
		switch col.Name {
		case "id", "version", "base_version":
			continue
		}
		cur, oth := n.value(c.Entity, col.Name, current[col.Name]), n.value(c.Entity, col.Name, other[col.Name])
		if c.Current == "" {
			cur = lang.L("（无此记录）")
		}
		it.Fields = append(it.Fields, fieldDiff{Label: fieldLabel(c.Entity, col.Name), Current: cur, Other: oth,
			Differs: rawText(current[col.Name]) != rawText(other[col.Name]) && col.Name != "device_id" && col.Name != "actor" && col.Name != "updated_at"})
	}
	switch c.Entity {
	case "inspections":
		it.Frozen = str(current["status"]) == string(inspection.Finalized)
	case "answers":
		if r := n.record(str(other["inspection_id"])); r != nil {
			it.Frozen = r.Inspection.Status == inspection.Finalized
		}
	}
	return it, nil
}

func decodeRow(s string) (map[string]any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func rawText(v any) string {
	if v == nil {
		return "\x00null"
	}
	return fmt.Sprint(v)
}

// title says which record a conflict is about, by names.
func (n *recordNamer) title(entity string, row map[string]any) string {
	switch entity {
	case "communities":
		return fmt.Sprintf(lang.L("小区「%s」的基本信息"), str(row["name"]))
	case "templates":
		return fmt.Sprintf(lang.L("检查模板「%s」第 %s 版"), str(row["name"]), rawText(row["template_version"]))
	case "inspections":
		return fmt.Sprintf(lang.L("检查记录：%s"), n.inspection(str(row["id"])))
	case "answers":
		return fmt.Sprintf(lang.L("%s，第 %s 项"), n.inspection(str(row["inspection_id"])), n.item(str(row["inspection_id"]), str(row["item_code"])))
	case "corrective_actions":
		return fmt.Sprintf(lang.L("整改事项：%s，第 %s 项"), n.community(str(row["community_id"])), str(row["item_code"]))
	case "liaisons":
		return fmt.Sprintf(lang.L("联络员：%s %s"), str(row["unit"]), str(row["name"]))
	case "picks":
		return fmt.Sprintf(lang.L("选树推荐：%s"), n.community(str(row["community_id"])))
	case "assignments":
		return fmt.Sprintf(lang.L("检查任务：%s，%s"), n.community(str(row["community_id"])), str(row["inspector"]))
	}
	return entityName(entity) + " " + str(row["id"])
}

// value shows a field's value as a person reads it.
func (n *recordNamer) value(entity, field string, v any) string {
	if v == nil {
		return "—"
	}
	s, isText := v.(string)
	if isText && s == "" {
		return lang.L("（空）")
	}
	switch field {
	case "community_id":
		return n.community(s)
	case "inspection_id", "amends_id", "recheck_inspection_id":
		return n.inspection(s)
	case "device_id":
		if name := n.devices[s]; name != "" {
			return name + "（" + s + "）"
		}
		return s
	case "status":
		if entity == "inspections" {
			return inspectionStatusLabel(inspection.Status(s))
		}
		if inspection.ActionStatus(s) == inspection.ActionCancelled {
			return lang.L("已撤销")
		}
		return actionStatusLabel(inspection.ActionStatus(s))
	case "result", "recheck_result":
		return resultLabel(inspection.Result(s))
	case "started_at", "finalized_at", "updated_at", "picked_at", "withdrawn_at", "deleted_at":
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return formatDateTime(t)
		}
	case "inspectors", "choices":
		var list []string
		if json.Unmarshal([]byte(s), &list) == nil {
			if len(list) == 0 {
				return lang.L("（空）")
			}
			return strings.Join(list, lang.L("、"))
		}
	case "photos":
		var list []string
		if json.Unmarshal([]byte(s), &list) == nil {
			var short []string
			for _, p := range list {
				short = append(short, shortID(p))
			}
			return fmt.Sprintf(lang.L("%d 张"), len(list)) + " " + strings.Join(short, " ")
		}
	case "signatures":
		var sigs []inspection.Signature
		if json.Unmarshal([]byte(s), &sigs) == nil {
			var names []string
			for _, g := range sigs {
				names = append(names, g.Role+" "+g.Name)
			}
			return strings.Join(names, lang.L("、"))
		}
	case "body":
		return fmt.Sprintf(lang.L("（模板内容 %d 字节）"), len(s))
	case "typical":
		if rawText(v) == "1" {
			return lang.L("是")
		}
		return lang.L("否")
	case "level":
		if s == "city" {
			return lang.L("市级")
		}
		return lang.L("区级")
	case "households":
		return rawText(v)
	}
	if num, ok := v.(json.Number); ok {
		if f, err := num.Float64(); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
	}
	return fmt.Sprint(v)
}

// fieldLabel is a travelling column's name in the UI language.
func fieldLabel(entity, field string) string {
	switch field {
	case "name":
		if entity == "liaisons" {
			return lang.L("姓名")
		}
		return lang.L("名称")
	case "district":
		return lang.L("所属区")
	case "street":
		return lang.L("街道")
	case "community":
		return lang.L("社区")
	case "address":
		return lang.L("地址")
	case "property_company":
		return lang.L("物业服务企业")
	case "households":
		return lang.L("户数")
	case "type":
		return lang.L("小区类型")
	case "committee":
		return lang.L("业主组织")
	case "satisfaction":
		return lang.L("满意度")
	case "complaint_rate":
		return lang.L("投诉率")
	case "template_id":
		return lang.L("模板编号")
	case "template_version":
		return lang.L("模板版本")
	case "community_type":
		return lang.L("适用类型")
	case "body":
		return lang.L("模板内容")
	case "community_id":
		return lang.L("小区")
	case "inspectors":
		return lang.L("检查人员")
	case "started_at":
		return lang.L("开始时间")
	case "status":
		return lang.L("状态")
	case "finalized_at":
		return lang.L("定稿时间")
	case "signatures":
		return lang.L("签字")
	case "amends_id":
		return lang.L("更正的记录")
	case "amend_reason":
		return lang.L("更正原因")
	case "content_digest":
		return lang.L("内容摘要")
	case "inspection_id":
		return lang.L("检查记录")
	case "item_code":
		return lang.L("检查项")
	case "result":
		return lang.L("结果")
	case "value":
		return lang.L("数值")
	case "choices":
		return lang.L("选项")
	case "text":
		return lang.L("文字")
	case "note":
		if entity == "corrective_actions" {
			return lang.L("整改情况")
		}
		return lang.L("备注")
	case "photos":
		return lang.L("照片")
	case "problem":
		return lang.L("问题")
	case "responsible":
		return lang.L("责任单位")
	case "due_date":
		return lang.L("整改期限")
	case "recheck_inspection_id":
		return lang.L("复查记录")
	case "recheck_result":
		return lang.L("复查结果")
	case "unit":
		return lang.L("单位")
	case "department":
		return lang.L("处（科）室")
	case "title":
		return lang.L("职务")
	case "mobile":
		return lang.L("手机")
	case "office_phone":
		return lang.L("办公电话")
	case "email":
		return lang.L("电子邮箱")
	case "level":
		return lang.L("推荐级别")
	case "typical":
		return lang.L("典型案例")
	case "introduction":
		return lang.L("小区情况介绍")
	case "picked_by":
		return lang.L("推荐人")
	case "picked_at":
		return lang.L("推荐时间")
	case "withdrawn_at":
		return lang.L("撤回时间")
	case "withdrawn_by":
		return lang.L("撤回人")
	case "deleted_at":
		return lang.L("删除时间")
	case "deleted_by":
		return lang.L("删除人")
	case "device_id":
		return lang.L("设备")
	case "actor":
		return lang.L("修改人")
	case "updated_at":
		return lang.L("修改时间")
	}
	return field
}
