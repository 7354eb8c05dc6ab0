package inspection

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Kind is how an item is answered.
type Kind string

// Item kinds.
const (
	KindCheck  Kind = "check"  // 符合 / 不符合 / 不适用
	KindNumber Kind = "number" // a measured value with a unit and an optional threshold
	KindChoice Kind = "choice" // one or several of fixed options
	KindText   Kind = "text"   // free text, never scored
)

// Label is the kind's Chinese name.
func (k Kind) Label() string {
	switch k {
	case KindCheck:
		return "判定"
	case KindNumber:
		return "数值"
	case KindChoice:
		return "选项"
	case KindText:
		return "文字"
	}
	return string(k)
}

// Metric names an item whose value the office uses beyond the score
// (eligibility and city-wide percentiles).
type Metric string

// Known metrics.
const (
	MetricNone          Metric = ""
	MetricSatisfaction  Metric = "satisfaction"   // 业主满意度, %
	MetricComplaintRate Metric = "complaint_rate" // 投诉率, complaints per 100 households in 12 months
	MetricFeeRate       Metric = "fee_rate"       // 物业费收费率, %
)

func (m Metric) valid() bool {
	switch m {
	case MetricNone, MetricSatisfaction, MetricComplaintRate, MetricFeeRate:
		return true
	}
	return false
}

// Threshold decides whether a number item passes: the value must satisfy
// Op against Value, e.g. {">=", 95}.
type Threshold struct {
	Op    string  `json:"op"`
	Value float64 `json:"value"`
}

// Passes reports whether v satisfies the threshold. The comparison is exact:
// for ">= 95", 94.99 fails and 95.00 passes.
func (t Threshold) Passes(v float64) bool {
	switch t.Op {
	case ">=", "≥":
		return v >= t.Value
	case ">":
		return v > t.Value
	case "<=", "≤":
		return v <= t.Value
	case "<":
		return v < t.Value
	case "==", "=":
		return v == t.Value
	}
	return false
}

// String renders the threshold as printed on forms, e.g. "≥ 95".
func (t Threshold) String() string {
	op := t.Op
	switch op {
	case ">=":
		op = "≥"
	case "<=":
		op = "≤"
	case "==":
		op = "="
	}
	return op + " " + FormatNumber(t.Value)
}

func (t Threshold) validOp() bool {
	switch t.Op {
	case ">=", "≥", ">", "<=", "≤", "<", "==", "=":
		return true
	}
	return false
}

// FormatNumber prints a number without trailing zeros (95, 93.5).
func FormatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Item is one thing an inspector judges on site.
type Item struct {
	Code      string     `json:"code"`
	Text      string     `json:"text"`
	Kind      Kind       `json:"kind"`
	Unit      string     `json:"unit,omitempty"`
	Threshold *Threshold `json:"threshold,omitempty"`
	// Options of a choice item; Multiple allows several; MinSelected > 0
	// makes the item scored: it passes when at least that many are chosen.
	Options     []string `json:"options,omitempty"`
	Multiple    bool     `json:"multiple,omitempty"`
	MinSelected int      `json:"min_selected,omitempty"`
	// Veto (一票否决): failing this item makes the community ineligible
	// whatever its score.
	Veto     bool    `json:"veto,omitempty"`
	Weight   float64 `json:"weight"`
	Guidance string  `json:"guidance,omitempty"`
	// Evidence: a photo is required when the item is judged (not when 不适用).
	Evidence bool `json:"evidence,omitempty"`
	// Phrases are quick phrases (常用语) offered for the note.
	Phrases []string `json:"phrases,omitempty"`
	Metric  Metric   `json:"metric,omitempty"`
}

// Scored reports whether the item counts in the score: check items, number
// items with a threshold, choice items with MinSelected. Text items and
// number items without a threshold are recorded but not scored.
func (it Item) Scored() bool {
	switch it.Kind {
	case KindCheck:
		return true
	case KindNumber:
		return it.Threshold != nil
	case KindChoice:
		return it.MinSelected > 0
	}
	return false
}

// Section groups items under one of the programme's requirements.
type Section struct {
	Code   string  `json:"code"`
	Title  string  `json:"title"`
	Weight float64 `json:"weight"`
	Items  []Item  `json:"items"`
}

// Template is a versioned checklist. Districts refine the default one for
// different types of community; an inspection records the id and version
// it used.
type Template struct {
	ID            string    `json:"id"`
	Version       int       `json:"version"`
	Name          string    `json:"name"`
	CommunityType string    `json:"community_type"`
	Description   string    `json:"description,omitempty"`
	Sections      []Section `json:"sections"`
}

// Item finds an item by code.
func (t *Template) Item(code string) (Item, bool) {
	for _, s := range t.Sections {
		for _, it := range s.Items {
			if it.Code == code {
				return it, true
			}
		}
	}
	return Item{}, false
}

// SectionOf returns the section that holds the item code.
func (t *Template) SectionOf(code string) (Section, bool) {
	for _, s := range t.Sections {
		for _, it := range s.Items {
			if it.Code == code {
				return s, true
			}
		}
	}
	return Section{}, false
}

// Items lists every item in order.
func (t *Template) Items() []Item {
	var out []Item
	for _, s := range t.Sections {
		out = append(out, s.Items...)
	}
	return out
}

// MetricItem returns the item that carries metric m.
func (t *Template) MetricItem(m Metric) (Item, bool) {
	for _, s := range t.Sections {
		for _, it := range s.Items {
			if it.Metric == m {
				return it, true
			}
		}
	}
	return Item{}, false
}

// Validate checks the template and returns every problem found, each naming
// the section and item, joined and wrapped in ErrInvalidTemplate.
func (t *Template) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if strings.TrimSpace(t.ID) == "" {
		add("模板编号为空")
	}
	if t.Version < 1 {
		add("模板版本号必须是正整数（现为 %d）", t.Version)
	}
	if strings.TrimSpace(t.Name) == "" {
		add("模板名称为空")
	}
	if len(t.Sections) == 0 {
		add("模板没有任何章节")
	}
	sectionCodes := map[string]bool{}
	itemCodes := map[string]string{}
	metrics := map[Metric]string{}
	scoredItems := 0
	for si, s := range t.Sections {
		where := fmt.Sprintf("第%d章「%s」", si+1, s.Title)
		if strings.TrimSpace(s.Code) == "" {
			add("%s：章节编号为空", where)
		} else if sectionCodes[s.Code] {
			add("%s：章节编号 %s 重复", where, s.Code)
		}
		sectionCodes[s.Code] = true
		if strings.TrimSpace(s.Title) == "" {
			add("%s：章节标题为空", where)
		}
		if s.Weight < 0 || math.IsNaN(s.Weight) || math.IsInf(s.Weight, 0) {
			add("%s：章节权重必须是非负数（现为 %v）", where, s.Weight)
		}
		if len(s.Items) == 0 {
			add("%s：章节下没有检查项", where)
		}
		for ii, it := range s.Items {
			iw := fmt.Sprintf("%s第%d项", where, ii+1)
			if it.Code != "" {
				iw += "（" + it.Code + "）"
			}
			if strings.TrimSpace(it.Code) == "" {
				add("%s：检查项编号为空", iw)
			} else if prev, dup := itemCodes[it.Code]; dup {
				add("%s：检查项编号 %s 与%s重复", iw, it.Code, prev)
			} else {
				itemCodes[it.Code] = where
			}
			if strings.TrimSpace(it.Text) == "" {
				add("%s：检查内容为空", iw)
			}
			if it.Weight < 0 || math.IsNaN(it.Weight) || math.IsInf(it.Weight, 0) {
				add("%s：权重必须是非负数（现为 %v）", iw, it.Weight)
			}
			switch it.Kind {
			case KindCheck, KindText:
			case KindNumber:
				if it.Threshold != nil && !it.Threshold.validOp() {
					add("%s：阈值比较符「%s」无法识别（可用 >=、>、<=、<、==）", iw, it.Threshold.Op)
				}
				if it.Threshold != nil && (math.IsNaN(it.Threshold.Value) || math.IsInf(it.Threshold.Value, 0)) {
					add("%s：阈值不是有效数字", iw)
				}
			case KindChoice:
				if len(it.Options) == 0 {
					add("%s：选项题没有选项", iw)
				}
				seen := map[string]bool{}
				for _, o := range it.Options {
					if strings.TrimSpace(o) == "" {
						add("%s：选项为空", iw)
					} else if seen[o] {
						add("%s：选项「%s」重复", iw, o)
					}
					seen[o] = true
				}
				if it.MinSelected < 0 || it.MinSelected > len(it.Options) {
					add("%s：至少选择数 %d 超出选项个数 %d", iw, it.MinSelected, len(it.Options))
				}
				if it.MinSelected > 1 && !it.Multiple {
					add("%s：单选题的至少选择数不能大于 1", iw)
				}
			case "":
				add("%s：类型为空（应为 check、number、choice 或 text）", iw)
			default:
				add("%s：类型「%s」无法识别（应为 check、number、choice 或 text）", iw, it.Kind)
			}
			if it.Kind != KindChoice && (len(it.Options) > 0 || it.MinSelected != 0) {
				add("%s：只有选项题可以设置选项", iw)
			}
			if it.Kind != KindNumber && it.Threshold != nil {
				add("%s：只有数值题可以设置阈值", iw)
			}
			if it.Veto && !it.Scored() {
				add("%s：一票否决项必须可判定（判定题、带阈值的数值题或设置了至少选择数的选项题）", iw)
			}
			if !it.Metric.valid() {
				add("%s：指标「%s」无法识别", iw, it.Metric)
			} else if it.Metric != MetricNone {
				if it.Kind != KindNumber {
					add("%s：指标「%s」只能用于数值题", iw, it.Metric)
				}
				if prev, dup := metrics[it.Metric]; dup {
					add("%s：指标「%s」已在 %s 使用", iw, it.Metric, prev)
				}
				metrics[it.Metric] = it.Code
			}
			if it.Scored() {
				scoredItems++
			}
		}
	}
	if len(t.Sections) > 0 && scoredItems == 0 {
		add("模板没有任何计分的检查项")
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w：%w", ErrInvalidTemplate, errors.Join(errs...))
}

// ParseTemplate reads a template from its JSON form and validates it.
// Unknown fields are refused so that a typo in a district's file is named.
func ParseTemplate(data []byte) (*Template, error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var t Template
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%w：无法读取模板文件：%v", ErrInvalidTemplate, err)
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

// MarshalTemplate writes the template in its JSON form.
func MarshalTemplate(t *Template) ([]byte, error) {
	return json.MarshalIndent(t, "", "  ")
}
