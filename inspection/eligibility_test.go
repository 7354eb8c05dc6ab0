package inspection_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

func f(v float64) *float64 { return &v }

func imported(v float64) inspection.Figure {
	return inspection.Figure{Value: f(v), Source: inspection.SourceImported}
}

// passing is a candidate that meets every condition except, perhaps, the
// percentiles (which depend on the others).
func passing(id string, sat, rate *float64) inspection.Candidate {
	c := inspection.Candidate{CommunityID: id, Inspected: true, FeeItem: "11.2",
		FeeRate: inspection.Figure{Value: f(97), Source: inspection.SourceInspection}}
	if sat != nil {
		c.Satisfaction = imported(*sat)
	}
	if rate != nil {
		c.ComplaintRate = imported(*rate)
	}
	return c
}

// crowd is n communities with mediocre figures (satisfaction 80, complaint
// rate 5), ids c1..cn.
func crowd(n int) []inspection.Candidate {
	var out []inspection.Candidate
	for i := 1; i <= n; i++ {
		out = append(out, passing(fmt.Sprintf("c%d", i), f(80), f(5)))
	}
	return out
}

func TestCutSize(t *testing.T) {
	for _, tc := range []struct{ n, want int }{
		{0, 0}, {1, 1}, {19, 1}, {20, 1}, {21, 2}, {40, 2}, {41, 3}, {100, 5}, {101, 6}, {400, 20}, {600, 30},
	} {
		if got := inspection.CutSize(tc.n); got != tc.want {
			t.Errorf("CutSize(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

func TestJudge(t *testing.T) {
	veto := []inspection.VetoFinding{{ItemCode: "8.4", Text: "无占用、堵塞消防车通道现象", Reason: "「无占用、堵塞消防车通道现象」判定为不符合（一票否决）"}}
	feeVeto := []inspection.VetoFinding{{ItemCode: "11.2", Text: "物业费收费率", Reason: "物业费收费率为 94.99%，未达到 ≥ 95%（一票否决）"}}
	for _, tc := range []struct {
		name    string
		cands   []inspection.Candidate // the one judged is "x"
		status  inspection.EligibilityStatus
		reasons []string // each must appear in some reason
		absent  []string // none may appear
	}{
		{
			name:    "top satisfaction, fee 95.00 passes",
			cands:   append(crowd(30), func() inspection.Candidate { c := passing("x", f(99), nil); c.FeeRate.Value = f(95.00); return c }()),
			status:  inspection.StatusEligible,
			reasons: []string{"一票否决项全部符合", "物业费收费率 95%（不低于95%）", "满意度 99%（导入数据），全市第1名/共31个，位于全市前5%（全市前5%为前2名）"},
		},
		{
			name:    "fee 94.99 fails",
			cands:   append(crowd(30), func() inspection.Candidate { c := passing("x", f(99), nil); c.FeeRate.Value = f(94.99); return c }()),
			status:  inspection.StatusIneligible,
			reasons: []string{"物业费收费率 94.99%，低于95%"},
		},
		{
			name: "a failed fee veto is reported once",
			cands: append(crowd(30), func() inspection.Candidate {
				c := passing("x", f(99), nil)
				c.FeeRate.Value, c.Vetoes = f(94.99), feeVeto
				return c
			}()),
			status:  inspection.StatusIneligible,
			reasons: []string{"一票否决：11.2 物业费收费率为 94.99%"},
			absent:  []string{"低于95%", "一票否决项全部符合"},
		},
		{
			name:    "veto failure disqualifies whatever the figures",
			cands:   append(crowd(30), func() inspection.Candidate { c := passing("x", f(100), f(0)); c.Vetoes = veto; return c }()),
			status:  inspection.StatusIneligible,
			reasons: []string{"一票否决：8.4", "满意度 100%"},
		},
		{
			name:    "lowest complaint rate alone qualifies",
			cands:   append(crowd(30), passing("x", f(70), f(0.1))),
			status:  inspection.StatusEligible,
			reasons: []string{"投诉率 0.1件/百户（导入数据），由低到高全市第1名/共31个，位于全市后5%", "满意度 70%（导入数据），全市第31名/共31个，未进入全市前5%"},
		},
		{
			name:    "neither figure in the cut",
			cands:   append(crowd(30), passing("a", f(95), f(1)), passing("b", f(94), f(2)), passing("x", f(85), f(4))),
			status:  inspection.StatusIneligible,
			reasons: []string{"满意度未进入全市前5%，投诉率也未进入全市后5%"},
		},
		{
			// 40 communities: the cut is 2. Three tie for second place at
			// 95: all three share rank 2 and are in; the one at 94.9 (rank
			// 5) is out.
			name: "ties at the cut are all in",
			cands: append(crowd(35), passing("top", f(99), nil), passing("x", f(95), nil), passing("t2", f(95.00), nil),
				passing("t3", f(95), nil), passing("y", f(94.9), nil)),
			status:  inspection.StatusEligible,
			reasons: []string{"全市第2名/共40个，位于全市前5%（全市前5%为前2名）"},
		},
		{
			name:    "just below the tie is out (数据不足 without a complaint rate)",
			cands:   append(crowd(35), passing("top", f(99), nil), passing("t1", f(95), nil), passing("t2", f(95), nil), passing("t3", f(95), nil), passing("x", f(94.9), nil)),
			status:  inspection.StatusInsufficient,
			reasons: []string{"全市第5名/共40个，未进入全市前5%（全市前5%为前2名）", "缺投诉率（数据不足）"},
		},
		{
			name:    "a tie for first among few: both in",
			cands:   []inspection.Candidate{passing("x", f(90), nil), passing("b", f(90), nil), passing("c", f(80), nil)},
			status:  inspection.StatusEligible,
			reasons: []string{"全市第1名/共3个，位于全市前5%（参与比较的小区不足20个（3个），按前1名计）"},
		},
		{
			name:    "fewer than 20: second place is out",
			cands:   []inspection.Candidate{passing("a", f(99), f(3)), passing("x", f(98), f(4))},
			status:  inspection.StatusIneligible,
			reasons: []string{"参与比较的小区不足20个（2个），按前1名计", "按后1名计"},
		},
		{
			name:    "exactly 20: the cut is 1 and no small-city note",
			cands:   append(crowd(19), passing("x", f(99), nil)),
			status:  inspection.StatusEligible,
			reasons: []string{"全市第1名/共20个，位于全市前5%（全市前5%为前1名）"},
			absent:  []string{"不足20个"},
		},
		{
			name:    "one community alone is first",
			cands:   []inspection.Candidate{passing("x", f(60), f(9))},
			status:  inspection.StatusEligible,
			reasons: []string{"全市第1名/共1个", "按前1名计"},
		},
		{
			name:    "no figures at all: 数据不足",
			cands:   append(crowd(30), passing("x", nil, nil)),
			status:  inspection.StatusInsufficient,
			reasons: []string{"数据不足：缺满意度和投诉率"},
		},
		{
			name:    "no fee rate: 数据不足",
			cands:   append(crowd(30), func() inspection.Candidate { c := passing("x", f(99), nil); c.FeeRate = inspection.Figure{}; return c }()),
			status:  inspection.StatusInsufficient,
			reasons: []string{"数据不足：检查记录中没有物业费收费率"},
		},
		{
			name:    "a missing figure with a definite failure is 不符合",
			cands:   append(crowd(30), func() inspection.Candidate { c := passing("x", nil, nil); c.Vetoes = veto; return c }()),
			status:  inspection.StatusIneligible,
			reasons: []string{"一票否决：8.4", "数据不足：缺满意度和投诉率"},
		},
		{
			name:    "never inspected: imported figures still rank but it is not eligible",
			cands:   append(crowd(30), inspection.Candidate{CommunityID: "x", Satisfaction: imported(100)}),
			status:  inspection.StatusUninspected,
			reasons: []string{"未检查：没有已定稿的检查记录", "全市第1名"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := inspection.Judge(tc.cands)["x"]
			if !ok {
				t.Fatal("no verdict for x")
			}
			all := strings.Join(v.Reasons, "\n")
			if v.Status != tc.status {
				t.Errorf("status %s, want %s; reasons:\n%s", v.Status, tc.status, all)
			}
			for _, want := range tc.reasons {
				if !strings.Contains(all, want) {
					t.Errorf("no reason with %q in:\n%s", want, all)
				}
			}
			for _, no := range tc.absent {
				if strings.Contains(all, no) {
					t.Errorf("reason with %q in:\n%s", no, all)
				}
			}
			if v.Eligible() != (tc.status == inspection.StatusEligible) {
				t.Errorf("Eligible() = %v", v.Eligible())
			}
			if !v.Eligible() && len(v.Failures) == 0 {
				t.Error("not eligible without a failure")
			}
		})
	}
}

// TestJudgeInspectedFigures: the values recorded in the inspection count
// when nothing was imported, and imported figures win over them.
func TestJudgeInspectedFigures(t *testing.T) {
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	rec := &inspection.Record{Template: tpl, Answers: map[string]inspection.Answer{
		"2.1":  {ItemCode: "2.1", Value: f(91)},
		"2.2":  {ItemCode: "2.2", Result: inspection.NA},
		"11.2": {ItemCode: "11.2", Value: f(96.5)},
	}}
	sat, comp, fee, feeItem := inspection.FiguresOf(inspection.Community{}, rec)
	if sat.Source != inspection.SourceInspection || *sat.Value != 91 || comp.Known() || *fee.Value != 96.5 || feeItem != "11.2" {
		t.Errorf("from the inspection: %+v %+v %+v %s", sat, comp, fee, feeItem)
	}
	sat, comp, _, _ = inspection.FiguresOf(inspection.Community{Satisfaction: f(88), ComplaintRate: f(1.5)}, rec)
	if sat.Source != inspection.SourceImported || *sat.Value != 88 || comp.Source != inspection.SourceImported {
		t.Errorf("imported first: %+v %+v", sat, comp)
	}
	sat, _, fee, _ = inspection.FiguresOf(inspection.Community{}, nil)
	if sat.Known() || fee.Known() || sat.Source != inspection.SourceNone {
		t.Errorf("without a record: %+v %+v", sat, fee)
	}
}

func TestRankStandings(t *testing.T) {
	st := func(name string, score float64, status inspection.EligibilityStatus) inspection.Standing {
		return inspection.Standing{Community: inspection.Community{Name: name}, Score: score, ScoreDefined: true,
			Verdict: inspection.Verdict{Status: status}}
	}
	list := []inspection.Standing{
		st("丙", 88, inspection.StatusEligible), st("甲", 99, inspection.StatusIneligible), st("乙", 92.04, inspection.StatusEligible),
		st("丁", 92.0, inspection.StatusEligible), st("戊", 70, inspection.StatusInsufficient), st("己", 0, inspection.StatusUninspected),
	}
	list[5].ScoreDefined = false
	inspection.RankStandings(list)
	var got []string
	for _, s := range list {
		got = append(got, fmt.Sprintf("%s%d", s.Community.Name, s.Rank))
	}
	if g := strings.Join(got, " "); g != "丁1 乙1 丙3 戊0 甲0 己0" {
		t.Errorf("ranking: %s", g)
	}
}

func TestCheckPick(t *testing.T) {
	ok := inspection.Verdict{Status: inspection.StatusEligible}
	names := map[string]string{"a": "甲小区", "b": "乙小区", "c": "丙小区", "z": "丁小区"}
	dp := func(id, district string) inspection.Pick {
		return inspection.Pick{ID: "p" + id, Level: inspection.LevelDistrict, CommunityID: id, District: district}
	}
	cp := func(id string) inspection.Pick {
		return inspection.Pick{ID: "cp" + id, Level: inspection.LevelCity, CommunityID: id, District: "鼓楼区"}
	}
	typical := func(p inspection.Pick) inspection.Pick {
		p.Typical, p.Introduction, p.ID = true, "党建引领，业委会运行规范", p.ID+"t"
		return p
	}
	var tenCity []inspection.Pick
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("k%d", i)
		tenCity = append(tenCity, dp(id, "区"+id), cp(id))
	}
	for _, tc := range []struct {
		name    string
		active  []inspection.Pick
		p       inspection.Pick
		v       inspection.Verdict
		wantErr error
		msg     string
	}{
		{"first district pick", nil, dp("a", "鼓楼区"), ok, nil, ""},
		{"second district pick", []inspection.Pick{dp("a", "鼓楼区")}, dp("b", "鼓楼区"), ok, nil, ""},
		{"third district pick", []inspection.Pick{dp("a", "鼓楼区"), dp("b", "鼓楼区")}, dp("c", "鼓楼区"), ok, inspection.ErrPickLimit,
			"鼓楼区已选树区级「美好家园」2个（「甲小区」、「乙小区」），每个县（市）区最多2个"},
		{"other district unaffected", []inspection.Pick{dp("a", "鼓楼区"), dp("b", "鼓楼区")}, dp("c", "台江区"), ok, nil, ""},
		{"the same pick twice", []inspection.Pick{dp("a", "鼓楼区")}, dp("a", "鼓楼区"), ok, inspection.ErrPickLimit, "「甲小区」已是区级「美好家园」"},
		{"ineligible", nil, dp("a", "鼓楼区"), inspection.Verdict{Status: inspection.StatusIneligible, Failures: []string{"一票否决：8.4 消防车通道"}},
			inspection.ErrNotEligible, "「甲小区」不符合条件：一票否决：8.4 消防车通道"},
		{"数据不足", nil, dp("a", "鼓楼区"), inspection.Verdict{Status: inspection.StatusInsufficient, Failures: []string{"数据不足：缺满意度和投诉率"}},
			inspection.ErrNotEligible, "数据不足"},
		{"typical needs an introduction", []inspection.Pick{dp("a", "鼓楼区")},
			inspection.Pick{Level: inspection.LevelDistrict, CommunityID: "a", District: "鼓楼区", Typical: true}, ok, inspection.ErrPickLimit, "需要填写小区情况介绍"},
		{"typical must be a pick", nil, typical(dp("a", "鼓楼区")), ok, inspection.ErrPickLimit, "「甲小区」尚未选为区级「美好家园」"},
		{"typical of a pick", []inspection.Pick{dp("a", "鼓楼区")}, typical(dp("a", "鼓楼区")), ok, nil, ""},
		{"second typical in a district", []inspection.Pick{dp("a", "鼓楼区"), dp("b", "鼓楼区"), typical(dp("a", "鼓楼区"))},
			typical(dp("b", "鼓楼区")), ok, inspection.ErrPickLimit, "鼓楼区已推荐典型案例「甲小区」，每个县（市）区只推荐1个"},
		{"city pick must be a district pick", nil, cp("a"), ok, inspection.ErrPickLimit, "「甲小区」不是区级「美好家园」"},
		{"city pick of a district pick", []inspection.Pick{dp("a", "鼓楼区")}, cp("a"), ok, nil, ""},
		{"tenth city pick", append(tenCity[:18:18], dp("z", "台江区")), cp("z"), ok, nil, ""},
		{"eleventh city pick", append(tenCity[:20:20], dp("z", "台江区")), cp("z"), ok, inspection.ErrPickLimit, "已选树市级「美好家园」10个，最多10个"},
		{"city typical", []inspection.Pick{dp("a", "鼓楼区"), cp("a")}, typical(cp("a")), ok, nil, ""},
		{"second city typical", []inspection.Pick{dp("a", "鼓楼区"), cp("a"), typical(cp("a")), dp("b", "鼓楼区"), cp("b")},
			typical(cp("b")), ok, inspection.ErrPickLimit, "市级只推荐1个"},
		{"bad level", nil, inspection.Pick{Level: "province", CommunityID: "a"}, ok, inspection.ErrInvalid, "级别「province」无法识别"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := inspection.CheckPick(tc.active, tc.p, tc.v, names)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if probs := inspection.PickProblems(append(tc.active, tc.p), names); len(probs) > 0 {
					t.Errorf("allowed, yet the result has problems: %v", probs)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) || !strings.Contains(fmt.Sprint(err), tc.msg) {
				t.Errorf("got %v, want %v with %q", err, tc.wantErr, tc.msg)
			}
		})
	}
}

func TestCheckUnpickAndProblems(t *testing.T) {
	d := inspection.Pick{ID: "1", Level: inspection.LevelDistrict, CommunityID: "a", District: "鼓楼区"}
	dt := inspection.Pick{ID: "2", Level: inspection.LevelDistrict, CommunityID: "a", District: "鼓楼区", Typical: true}
	c := inspection.Pick{ID: "3", Level: inspection.LevelCity, CommunityID: "a", District: "鼓楼区"}
	if err := inspection.CheckUnpick([]inspection.Pick{d, dt}, d, "甲"); !errors.Is(err, inspection.ErrPickLimit) || !strings.Contains(err.Error(), "请先撤销典型案例") {
		t.Errorf("unpick with a typical case: %v", err)
	}
	if err := inspection.CheckUnpick([]inspection.Pick{d, c}, d, "甲"); !errors.Is(err, inspection.ErrPickLimit) || !strings.Contains(err.Error(), "请先撤销市级选树") {
		t.Errorf("unpick with a city pick: %v", err)
	}
	if err := inspection.CheckUnpick([]inspection.Pick{d, dt, c}, dt, "甲"); err != nil {
		t.Errorf("unpick the typical case: %v", err)
	}
	// After a merge: three district picks in one district, a city pick
	// whose district pick was withdrawn.
	names := map[string]string{"a": "甲", "b": "乙", "x": "丙"}
	merged := []inspection.Pick{d, {ID: "4", Level: inspection.LevelDistrict, CommunityID: "b", District: "鼓楼区"},
		{ID: "5", Level: inspection.LevelDistrict, CommunityID: "x", District: "鼓楼区"},
		{ID: "6", Level: inspection.LevelCity, CommunityID: "q", District: "台江区"}}
	got := strings.Join(inspection.PickProblems(merged, names), "；")
	for _, want := range []string{"鼓楼区区级「美好家园」3个，超过2个", "市级「美好家园」「」不是区级「美好家园」"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems %q lack %q", got, want)
		}
	}
}

func TestReminders(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct {
		now        time.Time
		aug, sep   int
		augS, sepS string
	}{
		{time.Date(2024, 9, 10, 18, 0, 0, 0, cst), -26, 13, "已过 26 天", "还有 13 天"},
		{time.Date(2024, 8, 15, 23, 59, 0, 0, cst), 0, 39, "今天截止", "还有 39 天"},
		{time.Date(2024, 8, 14, 0, 1, 0, 0, cst), 1, 40, "还有 1 天", "还有 40 天"},
	} {
		r := inspection.Reminders(2024, tc.now)
		if r[0].DaysLeft != tc.aug || r[1].DaysLeft != tc.sep || r[0].Describe() != tc.augS || r[1].Describe() != tc.sepS {
			t.Errorf("%s: %+v %s %s", tc.now, r, r[0].Describe(), r[1].Describe())
		}
	}
}
