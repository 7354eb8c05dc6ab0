package inspection

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Result is the judgement of one item.
type Result string

// Results. The zero value means "not answered yet".
const (
	Unanswered Result = ""
	Pass       Result = "pass" // 符合
	Fail       Result = "fail" // 不符合
	NA         Result = "na"   // 不适用
)

// Label is the result's Chinese name as printed on the form.
func (r Result) Label() string {
	switch r {
	case Pass:
		return "符合"
	case Fail:
		return "不符合"
	case NA:
		return "不适用"
	}
	return "未填写"
}

// Valid reports whether r is one of the known results.
func (r Result) Valid() bool {
	switch r {
	case Unanswered, Pass, Fail, NA:
		return true
	}
	return false
}

// Status is where an inspection stands.
type Status string

// Statuses: a draft is edited freely; a finalized inspection is signed and
// never changes again.
const (
	Draft     Status = "draft"
	Finalized Status = "finalized"
)

// Label is the status's Chinese name.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "检查中"
	case Finalized:
		return "已完成"
	}
	return string(s)
}

// Revision is the bookkeeping every record row carries so that files from
// several devices can be merged: the record's version (a hybrid logical
// clock, totally ordered as a string), the version it was edited from, and
// who changed it where and when.
type Revision struct {
	Version     string    `json:"version"`
	BaseVersion string    `json:"base_version"`
	DeviceID    string    `json:"device_id"`
	Actor       string    `json:"actor"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Community is a residential community (小区).
type Community struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	District        string `json:"district"`  // 县（市）区
	Street          string `json:"street"`    // 街道（乡镇）
	Community       string `json:"community"` // 社区
	Address         string `json:"address"`
	PropertyCompany string `json:"property_company"`
	Households      int    `json:"households"`
	Type            string `json:"type"`      // 商品房、老旧小区、安置房 …
	Committee       string `json:"committee"` // 业主委员会 / 临时物业管理委员会 / 无
	// Satisfaction (%) and ComplaintRate (per 100 households, 12 months)
	// as imported from the office's figures; nil when unknown.
	Satisfaction  *float64 `json:"satisfaction"`
	ComplaintRate *float64 `json:"complaint_rate"`
	Revision
}

// CommunityTypes are the usual kinds of community; others are allowed.
var CommunityTypes = []string{"商品房", "老旧小区", "安置房", "保障性住房", "单位自管房", "其他"}

// Validate checks a community before it is stored.
func (c *Community) Validate() error {
	var problems []string
	c.Name = strings.TrimSpace(c.Name)
	c.District = strings.TrimSpace(c.District)
	if c.Name == "" {
		problems = append(problems, "小区名称不能为空")
	}
	if utf8.RuneCountInString(c.Name) > 100 {
		problems = append(problems, "小区名称不能超过100个字")
	}
	if c.District == "" {
		problems = append(problems, "所属县（市）区不能为空")
	}
	if c.Households < 0 {
		problems = append(problems, "户数不能为负数")
	}
	if c.Satisfaction != nil && !inRange(*c.Satisfaction, 0, 100) {
		problems = append(problems, "满意度应在 0 到 100 之间")
	}
	if c.ComplaintRate != nil && !inRange(*c.ComplaintRate, 0, math.MaxFloat64) {
		problems = append(problems, "投诉率不能为负数")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w：%s", ErrInvalid, strings.Join(problems, "；"))
	}
	return nil
}

func inRange(v, lo, hi float64) bool {
	return !math.IsNaN(v) && v >= lo && v <= hi
}

// Answer is what the inspector recorded for one item.
type Answer struct {
	InspectionID string   `json:"inspection_id"`
	ItemCode     string   `json:"item_code"`
	Result       Result   `json:"result"`
	Value        *float64 `json:"value"`
	Choices      []string `json:"choices"`
	Text         string   `json:"text"`
	Note         string   `json:"note"`
	// Photos are SHA-256 digests (hex) of the evidence photos, in order.
	Photos []string `json:"photos"`
}

// Signature is one person's sign-off of an inspection.
type Signature struct {
	Name string `json:"name"`
	Role string `json:"role"` // 检查员、物业服务企业代表、业委会代表 …
	// ImageSHA is the digest of the drawn signature image (a photo record),
	// empty when only the name was typed.
	ImageSHA string    `json:"image_sha"`
	SignedAt time.Time `json:"signed_at"`
}

// Inspection is one visit to one community with one template.
type Inspection struct {
	ID              string      `json:"id"`
	CommunityID     string      `json:"community_id"`
	TemplateID      string      `json:"template_id"`
	TemplateVersion int         `json:"template_version"`
	Inspectors      []string    `json:"inspectors"`
	StartedAt       time.Time   `json:"started_at"`
	Status          Status      `json:"status"`
	FinalizedAt     *time.Time  `json:"finalized_at"`
	Signatures      []Signature `json:"signatures"`
	// AmendsID is the inspection this one corrects (更正), empty for an
	// original; AmendReason says why.
	AmendsID    string `json:"amends_id"`
	AmendReason string `json:"amend_reason"`
	Revision
}

// ValidateAnswer checks an answer against its item: the result fits the
// kind, numbers are finite, choices are among the options.
func ValidateAnswer(it Item, a Answer) error {
	var problems []string
	if !a.Result.Valid() {
		problems = append(problems, fmt.Sprintf("结果「%s」无法识别", a.Result))
	}
	switch it.Kind {
	case KindNumber:
		if a.Value != nil && (math.IsNaN(*a.Value) || math.IsInf(*a.Value, 0)) {
			problems = append(problems, "数值不是有效数字")
		}
		if a.Result == Pass || a.Result == Fail {
			if it.Threshold != nil {
				problems = append(problems, "带阈值的数值题由数值自动判定，不能直接选择符合/不符合")
			}
		}
	case KindChoice:
		opts := map[string]bool{}
		for _, o := range it.Options {
			opts[o] = true
		}
		seen := map[string]bool{}
		for _, c := range a.Choices {
			if !opts[c] {
				problems = append(problems, fmt.Sprintf("选项「%s」不在可选范围内", c))
			}
			if seen[c] {
				problems = append(problems, fmt.Sprintf("选项「%s」重复", c))
			}
			seen[c] = true
		}
		if !it.Multiple && len(a.Choices) > 1 {
			problems = append(problems, "此题为单选")
		}
	case KindText:
		if a.Result == Pass || a.Result == Fail {
			problems = append(problems, "文字题不作符合/不符合判定")
		}
	}
	if it.Kind != KindNumber && a.Value != nil {
		problems = append(problems, "只有数值题可以填写数值")
	}
	if it.Kind != KindChoice && len(a.Choices) > 0 {
		problems = append(problems, "只有选项题可以选择选项")
	}
	if utf8.RuneCountInString(a.Note) > 2000 || utf8.RuneCountInString(a.Text) > 2000 {
		problems = append(problems, "备注不能超过2000字")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w：检查项 %s：%s", ErrInvalid, it.Code, strings.Join(problems, "；"))
	}
	return nil
}

// ActionStatus is where a corrective action (整改) stands.
type ActionStatus string

// Corrective-action statuses. Overdue is never stored: it is computed from
// the due date and the clock by EffectiveStatus.
const (
	ActionOpen       ActionStatus = "open"        // 待整改
	ActionInProgress ActionStatus = "in_progress" // 整改中
	ActionDone       ActionStatus = "done"        // 已整改
	ActionCancelled  ActionStatus = "cancelled"   // 已撤销: an amendment found the item did not fail
	ActionOverdue    ActionStatus = "overdue"     // 逾期
)

// Label is the status's Chinese name.
func (s ActionStatus) Label() string {
	switch s {
	case ActionOpen:
		return "待整改"
	case ActionInProgress:
		return "整改中"
	case ActionDone:
		return "已整改"
	case ActionCancelled:
		return "已撤销"
	case ActionOverdue:
		return "逾期"
	}
	return string(s)
}

// CorrectiveAction is the follow-up of a failed item.
type CorrectiveAction struct {
	ID           string       `json:"id"`
	InspectionID string       `json:"inspection_id"`
	CommunityID  string       `json:"community_id"`
	ItemCode     string       `json:"item_code"`
	Problem      string       `json:"problem"`
	Responsible  string       `json:"responsible"`
	DueDate      time.Time    `json:"due_date"` // a date; the action is overdue from the day after
	Status       ActionStatus `json:"status"`
	// RecheckInspectionID is the later inspection (回头看) that re-judged
	// the item; RecheckResult its result there.
	RecheckInspectionID string `json:"recheck_inspection_id"`
	RecheckResult       Result `json:"recheck_result"`
	Note                string `json:"note"`
	Revision
}

// EffectiveStatus is the status as shown: an action not done whose due
// date has passed (in the clock's location) is overdue.
func (a CorrectiveAction) EffectiveStatus(now time.Time) ActionStatus {
	if a.Status == ActionDone || a.Status == ActionCancelled {
		return a.Status
	}
	if !a.DueDate.IsZero() {
		y, m, d := a.DueDate.Date()
		endOfDue := time.Date(y, m, d, 0, 0, 0, 0, now.Location()).AddDate(0, 0, 1)
		if !now.Before(endOfDue) {
			return ActionOverdue
		}
	}
	return a.Status
}

// Record is an inspection with everything needed to show or print it: its
// community, template, answers by item code, score and, once finalized,
// the content digest.
type Record struct {
	Inspection Inspection
	Community  Community
	Template   *Template
	Answers    map[string]Answer
	Score      ScoreCard
	// ContentDigest is fixed at finalization ("" for a draft).
	ContentDigest string
}

// Liaison is one person on the liaison list (联络员名单), attachment 2 of
// the seed: who in each district office answers for the programme.
type Liaison struct {
	ID          string `json:"id"`
	District    string `json:"district"`     // 县（市）区
	Unit        string `json:"unit"`         // 单位
	Department  string `json:"department"`   // 处（科）室
	Name        string `json:"name"`         // 姓名
	Title       string `json:"title"`        // 职务
	Mobile      string `json:"mobile"`       // 手机
	OfficePhone string `json:"office_phone"` // 办公电话
	Email       string `json:"email"`
	Note        string `json:"note"` // 备注
	Revision
}

// SameContent reports whether two liaisons say the same, ignoring the id
// and bookkeeping.
func (l Liaison) SameContent(o Liaison) bool {
	l.ID, l.Revision = o.ID, o.Revision
	return l == o
}
