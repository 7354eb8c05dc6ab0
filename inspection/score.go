package inspection

import (
	"fmt"
	"strings"
)

// Evaluate decides the result of one item from its answer:
//   - 不适用 given by the inspector always stands;
//   - check items take the inspector's judgement;
//   - number items with a threshold pass or fail by the value;
//   - choice items with MinSelected pass when enough options are chosen
//     (an explicit 不符合 with nothing chosen also counts);
//   - text items and unthresholded numbers are not scored (Unanswered).
func Evaluate(it Item, a Answer) Result {
	if a.Result == NA {
		return NA
	}
	switch it.Kind {
	case KindCheck:
		return a.Result
	case KindNumber:
		if it.Threshold == nil || a.Value == nil {
			return Unanswered
		}
		if it.Threshold.Passes(*a.Value) {
			return Pass
		}
		return Fail
	case KindChoice:
		if it.MinSelected <= 0 {
			return Unanswered
		}
		if len(a.Choices) == 0 {
			if a.Result == Fail {
				return Fail
			}
			return Unanswered
		}
		if len(a.Choices) >= it.MinSelected {
			return Pass
		}
		return Fail
	}
	return Unanswered
}

// Answered reports whether the inspector has recorded anything that
// completes the item (a judgement, a value, a choice or text).
func Answered(it Item, a Answer) bool {
	if a.Result == NA {
		return true
	}
	switch it.Kind {
	case KindNumber:
		return a.Value != nil
	case KindText:
		return strings.TrimSpace(a.Text) != ""
	case KindChoice:
		return len(a.Choices) > 0 || a.Result == Fail
	}
	return a.Result != Unanswered
}

// SectionScore is one section's result.
type SectionScore struct {
	Code   string
	Title  string
	Weight float64
	// PassedWeight and ApplicableWeight are sums of item weights over the
	// judged, applicable items; Score = 100 × Passed / Applicable.
	PassedWeight     float64
	ApplicableWeight float64
	Score            float64
	// HasApplicable is false when no judged item in the section counts
	// (all 不适用, all unanswered, or all weights zero).
	HasApplicable bool
	Passed        int
	Failed        int
	NA            int
	Unanswered    int
}

// VetoFinding is a failed veto item (一票否决).
type VetoFinding struct {
	ItemCode string
	Section  string
	Text     string
	Reason   string
}

// ScoreCard is the score of a set of answers against a template.
type ScoreCard struct {
	Sections []SectionScore
	// Total = Σ section weight × section score / Σ weights of sections that
	// have applicable items. Defined is false when nothing applies.
	Total   float64
	Defined bool
	Vetoes  []VetoFinding
	// Scorable is the number of scored items; Judged how many of them have
	// a result (pass, fail or 不适用).
	Scorable int
	Judged   int
	// Failed lists the codes of failed items in template order.
	Failed []string
}

// Score computes per-section and total scores. 不适用 items leave the
// denominator, and so do unanswered ones: while inspecting, the score is
// that of what has been judged so far (Judged/Scorable tells progress).
func Score(t *Template, answers map[string]Answer) ScoreCard {
	var card ScoreCard
	if len(t.Sections) > 0 {
		card.Sections = make([]SectionScore, 0, len(t.Sections))
	}
	var weighted, weights float64
	for _, s := range t.Sections {
		ss := SectionScore{Code: s.Code, Title: s.Title, Weight: s.Weight}
		for _, it := range s.Items {
			if !it.Scored() {
				continue
			}
			card.Scorable++
			a := answers[it.Code]
			switch r := Evaluate(it, a); r {
			case Pass:
				ss.Passed++
				ss.PassedWeight += it.Weight
				ss.ApplicableWeight += it.Weight
			case Fail:
				ss.Failed++
				ss.ApplicableWeight += it.Weight
				card.Failed = append(card.Failed, it.Code)
				if it.Veto {
					card.Vetoes = append(card.Vetoes, VetoFinding{
						ItemCode: it.Code, Section: s.Title, Text: it.Text, Reason: vetoReason(it, a),
					})
				}
			case NA:
				ss.NA++
			default:
				ss.Unanswered++
			}
		}
		card.Judged += ss.Passed + ss.Failed + ss.NA
		if ss.ApplicableWeight > 0 {
			ss.HasApplicable = true
			ss.Score = 100 * ss.PassedWeight / ss.ApplicableWeight
			weighted += s.Weight * ss.Score
			weights += s.Weight
		}
		card.Sections = append(card.Sections, ss)
	}
	if weights > 0 {
		card.Total = weighted / weights
		card.Defined = true
	}
	return card
}

// Complete reports whether every scored item has been judged.
func (c ScoreCard) Complete() bool { return c.Judged == c.Scorable }

func vetoReason(it Item, a Answer) string {
	if it.Kind == KindNumber && it.Threshold != nil && a.Value != nil {
		return fmt.Sprintf("%s为 %s%s，未达到 %s%s（一票否决）",
			it.Text, FormatNumber(*a.Value), it.Unit, it.Threshold.String(), it.Unit)
	}
	reason := fmt.Sprintf("「%s」判定为不符合（一票否决）", it.Text)
	if n := strings.TrimSpace(a.Note); n != "" {
		reason += "：" + n
	}
	return reason
}

// Missing lists, in template order, what keeps an inspection from being
// finalized: scored items not judged, and evidence photos not attached.
func Missing(t *Template, answers map[string]Answer) []string {
	var out []string
	for _, s := range t.Sections {
		for _, it := range s.Items {
			a := answers[it.Code]
			if it.Scored() && !Answered(it, a) {
				out = append(out, fmt.Sprintf("%s %s：未填写", it.Code, it.Text))
				continue
			}
			if it.Evidence && a.Result != NA && Answered(it, a) && len(a.Photos) == 0 {
				out = append(out, fmt.Sprintf("%s %s：缺少佐证照片", it.Code, it.Text))
			}
		}
	}
	return out
}

// CheckFinalizable returns ErrIncomplete naming what is missing, or nil.
func CheckFinalizable(t *Template, answers map[string]Answer, signatures []Signature) error {
	missing := Missing(t, answers)
	signed := false
	for _, s := range signatures {
		if strings.TrimSpace(s.Name) != "" {
			signed = true
		}
	}
	if !signed {
		missing = append(missing, "至少需要一名检查人员签字")
	}
	if len(missing) == 0 {
		return nil
	}
	const show = 8
	list := missing
	more := ""
	if len(list) > show {
		more = fmt.Sprintf("等共 %d 项", len(missing))
		list = list[:show]
	}
	return fmt.Errorf("%w：%s%s", ErrIncomplete, strings.Join(list, "；"), more)
}
