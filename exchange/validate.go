package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// validator checks every row of a package as the data file would have
// written it. References may point into the package or at the local data
// file (db, nil when there is none).
type validator struct {
	ctx       context.Context
	db        *store.DB
	byID      map[string]map[string]store.Row
	answersOf map[string]map[string]inspection.Answer // inspection id → item code → answer
	templates map[string]*inspection.Template
	checked   map[string]inspection.Inspection // inspections already checked
	unknown   int                              // references not checked: no data file to look in
}

// errUnchecked marks a reference that could not be looked up because
// there is no data file (inspect-package without --db).
var errUnchecked = errors.New("引用未检查")

func newValidator(ctx context.Context, db *store.DB) *validator {
	v := &validator{ctx: ctx, db: db, byID: map[string]map[string]store.Row{},
		answersOf: map[string]map[string]inspection.Answer{}, templates: map[string]*inspection.Template{},
		checked: map[string]inspection.Inspection{}}
	for _, e := range store.Entities {
		v.byID[e] = map[string]store.Row{}
	}
	return v
}

// check validates one row, counting references it could not check.
func (v *validator) check(r store.Row) error {
	err := v.row(r)
	if errors.Is(err, errUnchecked) {
		v.unknown++
	} else if err != nil {
		return fmt.Errorf("%w：%s %.40q：%w", ErrHostile, store.EntityLabel(r.Entity), r.ID(), err)
	}
	return nil
}

func (v *validator) checkDigest(r store.Row) error {
	if err := v.finalizedDigest(r); err != nil && !errors.Is(err, errUnchecked) {
		return fmt.Errorf("%w：检查记录 %s：%w", ErrHostile, r.ID(), err)
	}
	return nil
}

// validatePackage checks every row of a package, reading the rows from its
// database one at a time (see checkedSource).
// It returns how many references it could not check (only without a data
// file).
func validatePackage(ctx context.Context, db *store.DB, c *contents) (int, error) {
	v := newValidator(ctx, db)
	src := checkedSourceOf(ctx, v, c)
	for _, e := range formatEntities(c.format) {
		if err := src(e, func(store.Row) error { return nil }); err != nil {
			return v.unknown, err
		}
	}
	return v.unknown, nil
}

// checkedSource streams a package's rows as store.Package.Rows wants them,
// each checked before it is yielded: the merge reads and
// validates the package in one pass, in its transaction, so a row that
// fails leaves the data file as it was. Only the communities, templates
// and inspections are held (references point at them; they are checked
// and yielded once all of their entity is read), and the answers of one
// inspection at a time: a finalized inspection's content digest is
// checked before the next inspection's first answer is yielded, and at
// the end of the answers before the stream returns (the merge writes an
// inspection's answers once the stream has moved past them).
func checkedSource(ctx context.Context, db *store.DB, c *contents) func(entity string, yield func(store.Row) error) error {
	return checkedSourceOf(ctx, newValidator(ctx, db), c)
}

func checkedSourceOf(ctx context.Context, v *validator, c *contents) func(entity string, yield func(store.Row) error) error {
	var inspections []store.Row
	return func(entity string, yieldRow func(store.Row) error) error {
		if _, ok := c.counts[entity]; !ok {
			return nil
		}
		// A row checked is rendered for the audit log here, on the reading
		// goroutine, instead of by the merge (store.Row.Audit).
		yield := func(r store.Row) error {
			if v.db != nil {
				r.Audit = v.db.AuditLine(ctx, r)
			}
			return yieldRow(r)
		}
		switch entity {
		case "communities", "templates", "inspections":
			var held []store.Row
			err := c.each(ctx, entity, func(r store.Row) error {
				v.byID[entity][r.ID()] = r
				held = append(held, r)
				return nil
			})
			if err != nil {
				return err
			}
			for _, r := range held {
				if err := v.check(r); err != nil {
					return err
				}
			}
			if entity == "inspections" {
				inspections = held
			}
			for _, r := range held {
				if err := yield(r); err != nil {
					return err
				}
			}
			return nil
		case "answers":
			if c.startPhotos != nil {
				c.startPhotos() // hashed beside the answers (checkPhotosAhead)
			}
			digested := map[string]bool{}
			cur := ""
			flush := func() error {
				digested[cur] = true
				if r, ok := v.byID["inspections"][cur]; ok {
					if err := v.checkDigest(r); err != nil {
						return err
					}
				}
				delete(v.answersOf, cur)
				return nil
			}
			err := c.each(ctx, "answers", func(r store.Row) error {
				if id := r.Str("inspection_id"); id != cur {
					if err := flush(); err != nil {
						return err
					}
					cur = id
				}
				if err := v.check(r); err != nil {
					return err
				}
				return yield(r)
			})
			if err == nil {
				err = flush()
			}
			if err != nil {
				return err
			}
			for _, r := range inspections {
				if !digested[r.ID()] {
					if err := v.checkDigest(r); err != nil {
						return err
					}
				}
			}
			return nil
		}
		return c.each(ctx, entity, func(r store.Row) error {
			if err := v.check(r); err != nil {
				return err
			}
			return yield(r)
		})
	}
}

// missing reports a reference found nowhere: an error with a data file,
// errUnchecked without one.
func (v *validator) missing(format string, a ...any) error {
	if v.db == nil {
		return errUnchecked
	}
	return fmt.Errorf("%w："+format, append([]any{store.ErrMissingReference}, a...)...)
}

func (v *validator) row(r store.Row) error {
	if err := revision(r); err != nil {
		return err
	}
	switch r.Entity {
	case "communities":
		return v.community(r)
	case "templates":
		_, err := v.templateRow(r)
		return err
	case "inspections":
		_, err := v.inspection(r)
		return err
	case "answers":
		return v.answer(r)
	case "corrective_actions":
		return v.action(r)
	case "liaisons":
		return liaison(r)
	case "picks":
		return v.pick(r)
	case "assignments":
		return v.assignment(r)
	}
	return fmt.Errorf("未知的数据表")
}

// revision checks the bookkeeping every row carries.
func revision(r store.Row) error {
	ver := r.Version()
	if !store.ValidVersion(ver) {
		return fmt.Errorf("版本号 %.40q 不合法", ver)
	}
	if b := r.Str("base_version"); b != "" && !store.ValidVersion(b) {
		return fmt.Errorf("基础版本号 %.40q 不合法", b)
	}
	if r.Str("device_id") != store.VersionDevice(ver) {
		return fmt.Errorf("设备编号与版本号不符")
	}
	if r.Clock[store.VersionDevice(ver)] != ver {
		return fmt.Errorf("版本向量不含本行版本")
	}
	if _, err := parseTime(r.Str("updated_at")); err != nil {
		return err
	}
	if utf8.RuneCountInString(r.Str("actor")) > 100 {
		return fmt.Errorf("修改人姓名过长")
	}
	for _, s := range r.Values {
		if t, ok := s.(string); ok && !utf8.ValidString(t) {
			return fmt.Errorf("含有非 UTF-8 文字")
		}
	}
	return nil
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02T15:04:05.000Z07:00", s)
	if err != nil {
		t, err = time.Parse(time.RFC3339Nano, s)
	}
	if err != nil {
		return t, fmt.Errorf("时间 %.40q 无法识别", s)
	}
	return t, nil
}

func checkUUID(what, s string) error {
	if u, err := uuid.Parse(s); err != nil || u.String() != s {
		return fmt.Errorf("%s %.40q 不是规范的 UUID", what, s)
	}
	return nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

func (v *validator) community(r store.Row) error {
	if err := checkUUID("编号", r.ID()); err != nil {
		return err
	}
	c := inspection.Community{Name: r.Str("name"), District: r.Str("district"), Households: int(r.Get("households").(int64))}
	c.Satisfaction, _ = floatPtr(r.Get("satisfaction"))
	c.ComplaintRate, _ = floatPtr(r.Get("complaint_rate"))
	if c.Name != strings.TrimSpace(c.Name) || c.District != strings.TrimSpace(c.District) {
		return fmt.Errorf("名称或所属区首尾有空白")
	}
	return c.Validate()
}

func floatPtr(x any) (*float64, bool) {
	f, ok := x.(float64)
	if !ok {
		return nil, false
	}
	return &f, true
}

func (v *validator) templateRow(r store.Row) (*inspection.Template, error) {
	if t, ok := v.templates[r.ID()]; ok {
		return t, nil
	}
	t, err := inspection.ParseTemplate([]byte(r.Str("body")))
	if err != nil {
		return nil, err
	}
	ver, _ := r.Get("template_version").(int64)
	switch {
	case t.ID != r.Str("template_id") || int64(t.Version) != ver:
		return nil, fmt.Errorf("模板内容中的编号或版本与记录不符")
	case r.ID() != fmt.Sprintf("%s@%d", t.ID, t.Version):
		return nil, fmt.Errorf("模板记录编号应为 %s@%d", t.ID, t.Version)
	case r.Str("name") != t.Name || r.Str("community_type") != t.CommunityType:
		return nil, fmt.Errorf("模板名称或适用类型与内容不符")
	}
	v.templates[r.ID()] = t
	return t, nil
}

// template finds a template version in the package or the data file.
func (v *validator) template(id string, version int64) (*inspection.Template, error) {
	rowID := fmt.Sprintf("%s@%d", id, version)
	if r, ok := v.byID["templates"][rowID]; ok {
		return v.templateRow(r)
	}
	if v.db != nil {
		if t, err := v.db.Template(v.ctx, id, int(version)); err == nil {
			return t, nil
		} else if !errors.Is(err, inspection.ErrNotFound) {
			return nil, err
		}
	}
	return nil, v.missing("检查模板 %s 第 %d 版既不在数据包中，也不在本机", id, version)
}

func (v *validator) hasCommunity(id string) error {
	if _, ok := v.byID["communities"][id]; ok {
		return nil
	}
	if v.db != nil {
		if _, err := v.db.Community(v.ctx, id); err == nil {
			return nil
		}
	}
	return v.missing("小区 %.40q 既不在数据包中，也不在本机", id)
}

// inspectionOf finds an inspection's row values (community, template) in
// the package or the data file.
func (v *validator) inspectionOf(id string) (inspection.Inspection, error) {
	if in, ok := v.checked[id]; ok {
		return in, nil
	}
	if r, ok := v.byID["inspections"][id]; ok {
		in, err := v.inspection(r)
		if err == nil {
			v.checked[id] = in
		}
		return in, err
	}
	if v.db != nil {
		if rec, err := v.db.Inspection(v.ctx, id); err == nil {
			return rec.Inspection, nil
		}
	}
	return inspection.Inspection{}, v.missing("检查记录 %.40q 既不在数据包中，也不在本机", id)
}

// inspection checks an inspection row and returns it as the domain type.
func (v *validator) inspection(r store.Row) (inspection.Inspection, error) {
	var in inspection.Inspection
	if err := checkUUID("编号", r.ID()); err != nil {
		return in, err
	}
	in.ID, in.CommunityID, in.TemplateID = r.ID(), r.Str("community_id"), r.Str("template_id")
	ver, _ := r.Get("template_version").(int64)
	in.TemplateVersion = int(ver)
	in.Status, in.AmendsID, in.AmendReason = inspection.Status(r.Str("status")), r.Str("amends_id"), r.Str("amend_reason")
	var err error
	if in.StartedAt, err = parseTime(r.Str("started_at")); err != nil {
		return in, err
	}
	if err := strictJSON(r.Str("inspectors"), &in.Inspectors); err != nil {
		return in, fmt.Errorf("检查人员：%w", err)
	}
	if err := strictJSON(r.Str("signatures"), &in.Signatures); err != nil {
		return in, fmt.Errorf("签字：%w", err)
	}
	for _, s := range in.Signatures {
		if s.ImageSHA != "" && !isHex64(s.ImageSHA) {
			return in, fmt.Errorf("签字图片摘要不合法")
		}
	}
	switch in.Status {
	case inspection.Draft:
		if r.Get("finalized_at") != nil || r.Str("content_digest") != "" {
			return in, fmt.Errorf("未定稿的记录带有定稿时间或摘要")
		}
	case inspection.Finalized:
		t, err := parseTime(r.Str("finalized_at"))
		if err != nil {
			return in, fmt.Errorf("定稿时间：%w", err)
		}
		in.FinalizedAt = &t
		if !isHex64(r.Str("content_digest")) || len(in.Signatures) == 0 {
			return in, fmt.Errorf("已定稿的记录缺少内容摘要或签字")
		}
	default:
		return in, fmt.Errorf("状态「%.20s」无法识别", in.Status)
	}
	if err := v.hasCommunity(in.CommunityID); err != nil {
		return in, err
	}
	if _, err := v.template(in.TemplateID, ver); err != nil {
		return in, err
	}
	if in.AmendsID != "" {
		if err := checkUUID("被更正记录编号", in.AmendsID); err != nil {
			return in, err
		}
		if in.AmendsID == in.ID {
			return in, fmt.Errorf("记录不能更正自己")
		}
		if _, ok := v.byID["inspections"][in.AmendsID]; !ok && v.db != nil {
			if _, err := v.db.Inspection(v.ctx, in.AmendsID); err != nil {
				return in, fmt.Errorf("%w：被更正的检查记录 %s 既不在数据包中，也不在本机", store.ErrMissingReference, in.AmendsID)
			}
		}
	}
	return in, nil
}

func strictJSON(s string, v any) error {
	if p, ok := v.(*[]string); ok { // most choice and photo lists: what the decoder gives, without it
		if list, ok := store.PlainStringList(s); ok {
			*p = list
			return nil
		}
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("数据无法解析")
	}
	if dec.More() {
		return fmt.Errorf("数据后有多余内容")
	}
	return nil
}

func (v *validator) answer(r store.Row) error {
	a := inspection.Answer{InspectionID: r.Str("inspection_id"), ItemCode: r.Str("item_code"), Result: inspection.Result(r.Str("result")),
		Text: r.Str("text"), Note: r.Str("note")}
	a.Value, _ = floatPtr(r.Get("value"))
	if r.ID() != store.AnswerID(a.InspectionID, a.ItemCode) {
		return fmt.Errorf("答案编号与检查记录、检查项不符")
	}
	if err := strictJSON(r.Str("choices"), &a.Choices); err != nil {
		return fmt.Errorf("选项：%w", err)
	}
	if err := strictJSON(r.Str("photos"), &a.Photos); err != nil {
		return fmt.Errorf("照片：%w", err)
	}
	for _, p := range a.Photos {
		if !isHex64(p) {
			return fmt.Errorf("照片摘要不合法")
		}
	}
	in, err := v.inspectionOf(a.InspectionID)
	if err != nil {
		return err
	}
	tpl, err := v.template(in.TemplateID, int64(in.TemplateVersion))
	if err != nil {
		return err
	}
	item, ok := tpl.Item(a.ItemCode)
	if !ok {
		return fmt.Errorf("模板 %s 第 %d 版中没有检查项 %.20q", tpl.ID, tpl.Version, a.ItemCode)
	}
	if err := inspection.ValidateAnswer(item, a); err != nil {
		return err
	}
	if v.answersOf[a.InspectionID] == nil {
		v.answersOf[a.InspectionID] = map[string]inspection.Answer{}
	}
	v.answersOf[a.InspectionID][a.ItemCode] = a
	return nil
}

func (v *validator) action(r store.Row) error {
	if err := checkUUID("编号", r.ID()); err != nil {
		return err
	}
	switch inspection.ActionStatus(r.Str("status")) {
	case inspection.ActionOpen, inspection.ActionInProgress, inspection.ActionDone, inspection.ActionCancelled:
	default:
		return fmt.Errorf("整改状态「%.20s」无法识别", r.Str("status"))
	}
	if res := inspection.Result(r.Str("recheck_result")); !res.Valid() {
		return fmt.Errorf("复查结果「%.20s」无法识别", res)
	}
	if _, err := time.Parse("2006-01-02", r.Str("due_date")); err != nil {
		return fmt.Errorf("整改期限「%.20s」无法识别", r.Str("due_date"))
	}
	if err := v.hasCommunity(r.Str("community_id")); err != nil {
		return err
	}
	_, err := v.inspectionOf(r.Str("inspection_id"))
	return err
}

// liaison checks a row of the liaison list: its id is derived from its
// unit and name (so the same person entered on two devices is one record),
// which must be given without surrounding blanks.
func liaison(r store.Row) error {
	unit, name := r.Str("unit"), r.Str("name")
	switch {
	case unit == "" || name == "":
		return fmt.Errorf("缺少单位或姓名")
	case unit != strings.TrimSpace(unit) || name != strings.TrimSpace(name):
		return fmt.Errorf("单位或姓名首尾有空白")
	case r.ID() != store.LiaisonID(unit, name):
		return fmt.Errorf("联络员编号与单位、姓名不符")
	}
	for _, f := range []string{"district", "department", "title", "mobile", "office_phone", "email", "deleted_by"} {
		if utf8.RuneCountInString(r.Str(f)) > 200 {
			return fmt.Errorf("%s 过长", f)
		}
	}
	if d := r.Get("deleted_at"); d != nil {
		if _, err := parseTime(d.(string)); err != nil {
			return fmt.Errorf("删除时间：%w", err)
		}
	} else if r.Str("deleted_by") != "" {
		return fmt.Errorf("未删除的联络员带有删除人")
	}
	return nil
}

// pick checks a pick (选树): level and kind, its id derived from them and
// the community, which must be in the package or here; the times and the
// length of a typical case's introduction.
func (v *validator) pick(r store.Row) error {
	if err := checkUUID("编号", r.ID()); err != nil {
		return err
	}
	level := inspection.PickLevel(r.Str("level"))
	if !level.Valid() {
		return fmt.Errorf("推荐级别「%.20s」无法识别", level)
	}
	typical, _ := r.Get("typical").(int64)
	if typical != 0 && typical != 1 {
		return fmt.Errorf("典型案例标记 %d 不合法", typical)
	}
	if r.ID() != store.PickID(level, r.Str("community_id"), typical == 1) {
		return fmt.Errorf("推荐编号与级别、小区、类别不符")
	}
	if utf8.RuneCountInString(r.Str("introduction")) > inspection.MaxIntroduction {
		return fmt.Errorf("典型案例介绍超过 %d 字", inspection.MaxIntroduction)
	}
	if _, err := parseTime(r.Str("picked_at")); err != nil {
		return fmt.Errorf("推荐时间：%w", err)
	}
	if w := r.Get("withdrawn_at"); w != nil {
		if _, err := parseTime(w.(string)); err != nil {
			return fmt.Errorf("撤回时间：%w", err)
		}
	}
	return v.hasCommunity(r.Str("community_id"))
}

// assignment checks a 检查任务: a UUID id, the stored status, what a
// person may type (inspection.Assignment.Validate), the dates and the
// community.
func (v *validator) assignment(r store.Row) error {
	if err := checkUUID("编号", r.ID()); err != nil {
		return err
	}
	due, err := time.Parse("2006-01-02", r.Str("due_date"))
	if err != nil {
		return fmt.Errorf("完成期限「%.20s」无法识别", r.Str("due_date"))
	}
	tv, _ := r.Get("template_version").(int64)
	if tv < 0 || tv > 1<<31 {
		return fmt.Errorf("模板版本 %d 不合法", tv)
	}
	a := inspection.Assignment{CommunityID: r.Str("community_id"), Inspector: r.Str("inspector"), DueDate: due,
		TemplateID: r.Str("template_id"), TemplateVersion: int(tv), Note: r.Str("note"),
		Status: inspection.AssignmentStatus(r.Str("status"))}
	if !a.Status.Valid() {
		return fmt.Errorf("任务状态「%.20s」无法识别", a.Status)
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if utf8.RuneCountInString(r.Str("assigned_by")) > 100 || utf8.RuneCountInString(r.Str("cancelled_by")) > 100 {
		return fmt.Errorf("分派人或取消人姓名过长")
	}
	if _, err := parseTime(r.Str("assigned_at")); err != nil {
		return fmt.Errorf("分派时间：%w", err)
	}
	c := r.Get("cancelled_at")
	if c != nil {
		if _, err := parseTime(c.(string)); err != nil {
			return fmt.Errorf("取消时间：%w", err)
		}
	}
	if (c != nil) != (a.Status == inspection.AssignmentCancelled) {
		return fmt.Errorf("取消时间与任务状态不符")
	}
	return v.hasCommunity(a.CommunityID)
}

// finalizedDigest checks that a finalized inspection in the package comes
// with exactly the answers it was signed with.
func (v *validator) finalizedDigest(r store.Row) error {
	if r.Str("status") != string(inspection.Finalized) {
		return nil
	}
	in, err := v.inspection(r)
	if err != nil {
		return err
	}
	answers := v.answersOf[in.ID]
	if answers == nil {
		answers = map[string]inspection.Answer{}
	}
	if inspection.ContentDigest(in, answers) != r.Str("content_digest") {
		return fmt.Errorf("已定稿记录的内容与其内容摘要不符（数据包须带上定稿时的全部答案）")
	}
	return nil
}
