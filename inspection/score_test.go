package inspection

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func f(v float64) *float64 { return &v }

// smallTemplate: section A (weight 3) with a check, a veto check and a
// fee-rate number ≥ 95 (veto); section B (weight 1) with a choice and a
// text; section Z (weight 0) with one check.
func smallTemplate() *Template {
	return &Template{ID: "t", Version: 1, Name: "测试", Sections: []Section{
		{Code: "A", Title: "甲", Weight: 3, Items: []Item{
			{Code: "a1", Text: "环境整洁", Kind: KindCheck, Weight: 1},
			{Code: "a2", Text: "消防车通道畅通", Kind: KindCheck, Weight: 1, Veto: true},
			{Code: "a3", Text: "物业费收费率", Kind: KindNumber, Unit: "%", Threshold: &Threshold{Op: ">=", Value: 95}, Veto: true, Weight: 2, Metric: MetricFeeRate},
		}},
		{Code: "B", Title: "乙", Weight: 1, Items: []Item{
			{Code: "b1", Text: "生活服务", Kind: KindChoice, Options: []string{"养老", "托幼", "家政"}, Multiple: true, MinSelected: 2, Weight: 1},
			{Code: "b2", Text: "说明", Kind: KindText},
		}},
		{Code: "Z", Title: "零", Weight: 0, Items: []Item{
			{Code: "z1", Text: "零权重章节的项", Kind: KindCheck, Weight: 1},
		}},
	}}
}

func TestThresholdBoundaries(t *testing.T) {
	cases := []struct {
		op   string
		lim  float64
		v    float64
		want bool
	}{
		{">=", 95, 94.99, false},
		{">=", 95, 95.00, true},
		{">=", 95, 95.01, true},
		{">", 95, 95, false},
		{"<=", 5, 5, true},
		{"<", 5, 5, false},
		{"==", 1, 1, true},
		{"≥", 95, 94.999999, false},
		{"??", 1, 1, false},
	}
	for _, c := range cases {
		if got := (Threshold{Op: c.op, Value: c.lim}).Passes(c.v); got != c.want {
			t.Errorf("%v %s %v: got %v want %v", c.v, c.op, c.lim, got, c.want)
		}
	}
}

func TestScore(t *testing.T) {
	tpl := smallTemplate()
	if err := tpl.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		answers    map[string]Answer
		total      float64
		defined    bool
		sectionA   float64
		vetoes     []string
		failed     []string
		judged     int
		hasApplicA bool
	}{
		{
			name: "all pass, fee exactly 95",
			answers: map[string]Answer{
				"a1": {Result: Pass}, "a2": {Result: Pass}, "a3": {Value: f(95)},
				"b1": {Choices: []string{"养老", "家政"}}, "z1": {Result: Fail},
			},
			total: 100, defined: true, sectionA: 100, judged: 5, hasApplicA: true,
			failed: []string{"z1"},
		},
		{
			name: "fee 94.99 is a veto and weighs 2",
			answers: map[string]Answer{
				"a1": {Result: Pass}, "a2": {Result: Pass}, "a3": {Value: f(94.99)},
				"b1": {Choices: []string{"养老", "家政"}},
			},
			// A: passed 2 of 4 weight = 50; B: 100 → (3×50 + 1×100)/4 = 62.5
			total: 62.5, defined: true, sectionA: 50, judged: 4, hasApplicA: true,
			vetoes: []string{"a3"}, failed: []string{"a3"},
		},
		{
			name: "not applicable leaves the denominator",
			answers: map[string]Answer{
				"a1": {Result: NA}, "a2": {Result: Fail}, "a3": {Result: NA},
				"b1": {Choices: []string{"养老"}},
			},
			// A: 0 of 1 → 0; B: one chosen < 2 → fail → 0
			total: 0, defined: true, sectionA: 0, judged: 4, hasApplicA: true,
			vetoes: []string{"a2"}, failed: []string{"a2", "b1"},
		},
		{
			name: "everything not applicable",
			answers: map[string]Answer{
				"a1": {Result: NA}, "a2": {Result: NA}, "a3": {Result: NA}, "b1": {Result: NA}, "z1": {Result: NA},
			},
			total: 0, defined: false, judged: 5,
		},
		{
			name:    "nothing answered",
			answers: map[string]Answer{},
			defined: false,
		},
		{
			name: "zero-weight section does not move the total",
			answers: map[string]Answer{
				"a1": {Result: Pass}, "z1": {Result: Fail},
			},
			total: 100, defined: true, sectionA: 100, judged: 2, hasApplicA: true, failed: []string{"z1"},
		},
		{
			name: "choice with nothing chosen but marked 不符合 fails",
			answers: map[string]Answer{
				"b1": {Result: Fail},
			},
			total: 0, defined: true, judged: 1, failed: []string{"b1"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			card := Score(tpl, c.answers)
			if card.Defined != c.defined {
				t.Fatalf("defined = %v, want %v", card.Defined, c.defined)
			}
			if math.Abs(card.Total-c.total) > 1e-9 {
				t.Errorf("total = %v, want %v", card.Total, c.total)
			}
			if card.Sections[0].HasApplicable != c.hasApplicA {
				t.Errorf("section A has applicable = %v", card.Sections[0].HasApplicable)
			}
			if math.Abs(card.Sections[0].Score-c.sectionA) > 1e-9 {
				t.Errorf("section A = %v, want %v", card.Sections[0].Score, c.sectionA)
			}
			var vetoes []string
			for _, v := range card.Vetoes {
				vetoes = append(vetoes, v.ItemCode)
				if v.Reason == "" {
					t.Errorf("veto %s without a reason", v.ItemCode)
				}
			}
			if strings.Join(vetoes, ",") != strings.Join(c.vetoes, ",") {
				t.Errorf("vetoes = %v, want %v", vetoes, c.vetoes)
			}
			if strings.Join(card.Failed, ",") != strings.Join(c.failed, ",") {
				t.Errorf("failed = %v, want %v", card.Failed, c.failed)
			}
			if card.Judged != c.judged || card.Scorable != 5 {
				t.Errorf("judged %d of %d, want %d of 5", card.Judged, card.Scorable, c.judged)
			}
		})
	}
}

func TestVetoReasonNamesTheValue(t *testing.T) {
	card := Score(smallTemplate(), map[string]Answer{"a3": {Value: f(93.5)}})
	if len(card.Vetoes) != 1 {
		t.Fatalf("vetoes: %+v", card.Vetoes)
	}
	want := "物业费收费率为 93.5%，未达到 ≥ 95%（一票否决）"
	if card.Vetoes[0].Reason != want {
		t.Errorf("reason = %q, want %q", card.Vetoes[0].Reason, want)
	}
}

func TestCheckFinalizable(t *testing.T) {
	tpl := smallTemplate()
	tpl.Sections[0].Items[0].Evidence = true
	all := map[string]Answer{
		"a1": {Result: Pass, Photos: []string{"abc"}}, "a2": {Result: Pass}, "a3": {Value: f(99)},
		"b1": {Choices: []string{"养老", "托幼"}}, "z1": {Result: NA},
	}
	sig := []Signature{{Name: "张三", Role: "检查员", SignedAt: time.Now()}}
	if err := CheckFinalizable(tpl, all, sig); err != nil {
		t.Fatalf("complete inspection refused: %v", err)
	}
	if err := CheckFinalizable(tpl, all, nil); !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "签字") {
		t.Errorf("no signature: %v", err)
	}
	noPhoto := map[string]Answer{}
	for k, v := range all {
		noPhoto[k] = v
	}
	noPhoto["a1"] = Answer{Result: Pass}
	delete(noPhoto, "a2")
	err := CheckFinalizable(tpl, noPhoto, sig)
	if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "a1 环境整洁：缺少佐证照片") ||
		!strings.Contains(err.Error(), "a2 消防车通道畅通：未填写") {
		t.Errorf("missing photo and answer: %v", err)
	}
	// Evidence is not needed for 不适用.
	noPhoto["a1"] = Answer{Result: NA}
	noPhoto["a2"] = Answer{Result: Pass}
	if err := CheckFinalizable(tpl, noPhoto, sig); err != nil {
		t.Errorf("N/A without photo refused: %v", err)
	}
}

func TestValidateAnswer(t *testing.T) {
	tpl := smallTemplate()
	item := func(code string) Item { it, _ := tpl.Item(code); return it }
	cases := []struct {
		name string
		code string
		a    Answer
		ok   bool
	}{
		{"check pass", "a1", Answer{Result: Pass}, true},
		{"unknown result", "a1", Answer{Result: "maybe"}, false},
		{"number value", "a3", Answer{Value: f(96)}, true},
		{"number NaN", "a3", Answer{Value: f(math.NaN())}, false},
		{"number Inf", "a3", Answer{Value: f(math.Inf(1))}, false},
		{"thresholded number judged by hand", "a3", Answer{Result: Pass}, false},
		{"choice ok", "b1", Answer{Choices: []string{"养老"}}, true},
		{"choice unknown option", "b1", Answer{Choices: []string{"洗车"}}, false},
		{"choice duplicate", "b1", Answer{Choices: []string{"养老", "养老"}}, false},
		{"value on a check", "a1", Answer{Value: f(1)}, false},
		{"long note", "a1", Answer{Note: strings.Repeat("长", 2001)}, false},
		{"text judged", "b2", Answer{Result: Pass}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateAnswer(item(c.code), c.a)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("not ErrInvalid: %v", err)
			}
		})
	}
}

func TestEffectiveStatus(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	due := time.Date(2024, 9, 10, 0, 0, 0, 0, loc)
	a := CorrectiveAction{DueDate: due, Status: ActionOpen}
	if s := a.EffectiveStatus(time.Date(2024, 9, 10, 23, 59, 0, 0, loc)); s != ActionOpen {
		t.Errorf("on the due day: %s", s)
	}
	if s := a.EffectiveStatus(time.Date(2024, 9, 11, 0, 0, 0, 0, loc)); s != ActionOverdue {
		t.Errorf("the day after: %s", s)
	}
	a.Status = ActionDone
	if s := a.EffectiveStatus(time.Date(2025, 1, 1, 0, 0, 0, 0, loc)); s != ActionDone {
		t.Errorf("done stays done: %s", s)
	}
}
