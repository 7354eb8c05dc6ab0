package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// Shares of the communities in each state; the counts are rounded so that
// even a small demo has every state.
const (
	shareFinalized = 0.55
	shareDraft     = 0.15
	shareVeto      = 0.08 // of the finalized
	shareAmended   = 0.08 // of the finalized
	// modelsPerDistrict is how many finalized communities of each district
	// are made models (no complaints, no veto finding), so that every
	// district has communities eligible for 「美好家园」.
	modelsPerDistrict = 3
)

// planner draws the whole demo before anything is written, from one random
// source, so the content depends on the seed alone.
type planner struct {
	r           *rand.Rand
	tpl         *inspection.Template
	now         time.Time
	start       time.Time // the first day of the inspection period
	communities []inspection.Community
	inspections []*inspectionPlan
}

// inspectionPlan is one inspection to make.
type inspectionPlan struct {
	community      int // index into planner.communities
	inspectors     []string
	representative string // 物业服务企业代表 who signs
	start          time.Time
	answers        []answerPlan
	finalize       bool
	veto           bool
	model          bool // a model community (no complaints, eligible)
	amend          *amendPlan
}

// answerPlan is one answer: what SetAnswer records, the photos attached
// after it (indexes into the photo set) and when, from the start.
type answerPlan struct {
	answer inspection.Answer
	photos []int
	offset time.Duration
}

// amendPlan is a correction (更正) of a finalized inspection.
type amendPlan struct {
	at      time.Time
	reason  string
	changes []answerPlan
}

func (ip *inspectionPlan) duration() time.Duration {
	if len(ip.answers) == 0 {
		return 10 * time.Minute
	}
	return ip.answers[len(ip.answers)-1].offset + 8*time.Minute
}

func (ip *inspectionPlan) signatures() []inspection.Signature {
	var sigs []inspection.Signature
	for _, n := range ip.inspectors {
		sigs = append(sigs, inspection.Signature{Name: n, Role: "检查员"})
	}
	return append(sigs, inspection.Signature{Name: ip.representative, Role: "物业服务企业代表"})
}

func newPlanner(opts Options, tpl *inspection.Template) *planner {
	p := &planner{r: newRand(opts.Seed), tpl: tpl, now: opts.Now}
	p.start = dayStart(opts.Now).AddDate(0, 0, -56)
	city := newCityPlan(p.r)
	for i := 0; i < opts.Communities; i++ {
		p.communities = append(p.communities, city.community(i))
	}
	p.planInspections()
	return p
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// planInspections decides each community's state and draws its visits.
func (p *planner) planInspections() {
	n := len(p.communities)
	nFinal := int(math.Round(shareFinalized * float64(n)))
	nDraft := int(math.Round(shareDraft * float64(n)))
	if n >= 3 {
		nFinal, nDraft = max(nFinal, 1), max(nDraft, 1)
	}
	// The showcase (the first finalized) never fails a veto item.
	nVeto := max(0, min(nFinal-1, max(1, int(math.Round(shareVeto*float64(nFinal))))))
	nAmend := min(nFinal, max(1, int(math.Round(shareAmended*float64(nFinal)))))

	// States by a shuffle; the showcase community (index 0) is always among
	// the finalized ones and passes.
	order := p.r.Perm(n)
	for i, c := range order {
		if c == 0 {
			order[0], order[i] = order[i], order[0]
			break
		}
	}
	// Districts have their own inspectors: two or three each.
	teams := map[string][]string{}
	next := p.r.IntN(len(inspectorNames))
	for _, d := range districts {
		size := 2 + p.r.IntN(2)
		for k := 0; k < size; k++ {
			teams[d.name] = append(teams[d.name], inspectorNames[next%len(inspectorNames)])
			next++
		}
	}
	// Each district has a few model communities (示范小区) with no
	// complaint in twelve months: they tie for the city's lowest complaint
	// rate, so they are all in its bottom 5 % and, with no veto finding and
	// the fee rate met, eligible. The showcase is one of them.
	models := map[string]int{}
	for k, ci := range order[:min(n, nFinal+nDraft)] {
		c := p.communities[ci]
		model := k < nFinal && (k == 0 || k > nVeto) && models[c.District] < modelsPerDistrict
		if model {
			models[c.District]++
			zero, sat := 0.0, round1(92+p.r.Float64()*7.5)
			p.communities[ci].ComplaintRate, p.communities[ci].Satisfaction = &zero, &sat
			c = p.communities[ci]
		}
		ip := &inspectionPlan{community: ci, finalize: k < nFinal, model: model, representative: pick(p.r, representativeNames)}
		team := teams[c.District]
		first := p.r.IntN(len(team))
		ip.inspectors = []string{team[first]}
		if chance(p.r, 0.6) {
			ip.inspectors = append(ip.inspectors, team[(first+1)%len(team)])
		}
		if ip.finalize {
			ip.veto = k >= 1 && k <= nVeto
			ip.start = p.workTime(p.start, 54)
			v := noVeto
			switch {
			case k == 1 && ip.veto:
				v = feeVeto // amended below: a fee rate entered wrongly
			case ip.veto:
				v = anyVeto
			}
			ip.answers = p.answers(c, v, k > 0)
		} else {
			ip.start = p.workTime(dayStart(p.now).AddDate(0, 0, -6), 7)
			ip.answers = p.draftAnswers(c)
		}
		p.inspections = append(p.inspections, ip)
	}
	// Amendments: the first corrects a veto finding (a fee rate entered
	// wrongly, say), the others are among the finalized without one.
	var targets []int
	if nVeto > 0 {
		targets = append(targets, 1)
	}
	for k := nVeto + 1; k < nFinal; k++ {
		targets = append(targets, k)
	}
	for _, k := range targets[:min(nAmend, len(targets))] {
		p.inspections[k].amend = p.amendment(p.inspections[k])
	}
	// One community collects no property fee (a self-managed old estate):
	// its fee rate is 不适用, so the office lacks the figure (数据不足).
	for k := nFinal - 1; k > nVeto; k-- {
		ip := p.inspections[k]
		if ip.amend != nil || ip.model {
			continue
		}
		for i := range ip.answers {
			if it, _ := p.tpl.Item(ip.answers[i].answer.ItemCode); it.Metric == inspection.MetricFeeRate {
				ip.answers[i].answer = inspection.Answer{ItemCode: it.Code, Result: inspection.NA, Note: "业主自管，未收取物业费"}
			}
		}
		break
	}
}

// workTime draws a working-day time between from and from + days, during
// office hours.
func (p *planner) workTime(from time.Time, days int) time.Time {
	for {
		d := from.AddDate(0, 0, p.r.IntN(days))
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		t := d.Add(8*time.Hour + 30*time.Minute + time.Duration(p.r.IntN(6*60))*time.Minute)
		if t.After(p.now.Add(-3 * time.Hour)) {
			continue
		}
		return t
	}
}

// negativeWords mark the quick phrases that describe a problem (used as the
// note of a failed item); the others describe a good state.
var negativeWords = []string{"未", "不", "缺", "损坏", "过期", "混", "被", "松动", "脱落", "堆放", "飞线", "故障",
	"无演练", "无挡水", "无记录", "届满", "有违章", "有垃圾", "有车辆", "停放电动车"}

func isNegative(phrase string) bool {
	if strings.HasPrefix(phrase, "未发现") {
		return false
	}
	for _, w := range negativeWords {
		if strings.Contains(phrase, w) {
			return true
		}
	}
	return false
}

func phrases(it inspection.Item, negative bool) []string {
	var out []string
	for _, ph := range it.Phrases {
		if isNegative(ph) == negative {
			out = append(out, ph)
		}
	}
	return out
}

// Notes for failed veto items whose template has no quick phrase for it.
var vetoNotes = []struct{ match, note string }{
	{"安全事故", "2024年6月发生电梯困人致伤事故，已由市场监管部门调查处理"},
	{"行政处罚", "2024年4月因消防设施维护不到位被区消防救援大队罚款"},
	{"舆情", "因停车收费调整引发业主网络投诉，造成较大舆情"},
}

func failNote(r *rand.Rand, it inspection.Item) string {
	if neg := phrases(it, true); len(neg) > 0 {
		return pick(r, neg)
	}
	for _, v := range vetoNotes {
		if strings.Contains(it.Text, v.match) {
			return v.note
		}
	}
	return "现场检查发现问题，已要求限期整改"
}

// vetoKind says which veto item, if any, an inspection fails.
type vetoKind int

const (
	noVeto  vetoKind = iota
	anyVeto          // mostly a blocked fire lane or a low fee rate
	feeVeto          // the fee rate
)

// answers draws the answers of a finalized inspection: mostly 符合, a few
// failed ordinary items (with notes from the item's quick phrases), and a
// failed veto item of the kind asked. Ordinary failures are left out when
// mayFail is false.
func (p *planner) answers(c inspection.Community, veto vetoKind, mayFail bool) []answerPlan {
	r := p.r
	items := p.tpl.Items()
	fails := map[string]bool{}
	if mayFail {
		var candidates []string
		for _, it := range items {
			if it.Veto || !it.Scored() || it.Kind == inspection.KindChoice {
				continue
			}
			if it.Kind == inspection.KindCheck && len(phrases(it, true)) == 0 {
				continue
			}
			candidates = append(candidates, it.Code)
		}
		k := 0
		switch x := r.Float64(); {
		case x < 0.40:
		case x < 0.70:
			k = 1
		case x < 0.88:
			k = 2
		case x < 0.96:
			k = 3
		default:
			k = 4
		}
		for _, j := range r.Perm(len(candidates))[:min(k, len(candidates))] {
			fails[candidates[j]] = true
		}
	}
	if veto != noVeto {
		// Mostly a blocked fire lane or a low fee rate, now and then an
		// administrative penalty or a safety accident.
		var lane, fee, other []string
		for _, it := range items {
			switch {
			case !it.Veto:
			case it.Metric == inspection.MetricFeeRate:
				fee = append(fee, it.Code)
			case strings.Contains(it.Text, "消防车通道"):
				lane = append(lane, it.Code)
			default:
				other = append(other, it.Code)
			}
		}
		groups := [][]string{lane, fee, other}
		weights := []float64{0.45, 0.35, 0.20}
		if veto == feeVeto {
			weights = []float64{0, 1, 0}
		}
		x := r.Float64()
		for g, w := range weights {
			if (x < w || g == len(groups)-1) && len(groups[g]) > 0 {
				fails[pick(r, groups[g])] = true
				break
			}
			x -= w
		}
	}
	old := c.Type == "老旧小区"
	var out []answerPlan
	offset := time.Duration(0)
	for idx, it := range items {
		offset += time.Duration(45+r.IntN(90)) * time.Second
		a := inspection.Answer{ItemCode: it.Code}
		fail := fails[it.Code]
		switch it.Kind {
		case inspection.KindCheck:
			a.Result = inspection.Pass
			switch {
			case fail:
				a.Result, a.Note = inspection.Fail, failNote(r, it)
			case strings.Contains(it.Text, "电梯") && old && chance(r, 0.7):
				a.Result, a.Note = inspection.NA, "多层住宅，未安装电梯"
			case strings.Contains(it.Text, "业委会") && c.Committee == "无":
				a.Result, a.Note = inspection.NA, "尚未成立业委会或临时物管会"
			case strings.Contains(it.Text, "业主委员会") && c.Committee == "无":
				a.Result, a.Note = inspection.Fail, "尚未成立业委会或临时物管会，街道正在指导筹备"
			case strings.Contains(it.Text, "无障碍出入口") && old && chance(r, 0.3):
				a.Result, a.Note = inspection.NA, "小区无独立公共服务设施"
			case chance(r, 0.2):
				if pos := phrases(it, false); len(pos) > 0 {
					a.Note = pick(r, pos)
				}
			}
		case inspection.KindNumber:
			a.Value, a.Note = p.number(it, c, fail)
		case inspection.KindChoice:
			n := 1 + r.IntN(min(3, len(it.Options)))
			for _, j := range choose(r, len(it.Options), n) {
				a.Choices = append(a.Choices, it.Options[j])
			}
			if chance(r, 0.3) && len(it.Phrases) > 0 {
				a.Note = pick(r, it.Phrases)
			}
		case inspection.KindText:
			a.Text = "情况良好"
			if len(it.Phrases) > 0 {
				a.Text = pick(r, it.Phrases)
			}
		}
		if a.Result == inspection.Unanswered && a.Value == nil && len(a.Choices) == 0 && a.Text == "" && a.Note == "" {
			continue // nothing to record (a figure the office does not have)
		}
		ap := answerPlan{answer: a, offset: offset}
		if it.Evidence && a.Result != inspection.NA {
			ph := idx
			if a.Result == inspection.Fail {
				ph += photoCount / 2
			}
			ap.photos = []int{ph}
			if chance(r, 0.1) {
				ap.photos = append(ap.photos, ph+3)
			}
		}
		out = append(out, ap)
	}
	return out
}

// number draws the value of a number item: the community's figures for
// satisfaction and complaints, the fee rate (below 95 % when it is to fail)
// and small counts for the rest.
func (p *planner) number(it inspection.Item, c inspection.Community, fail bool) (*float64, string) {
	r := p.r
	note := ""
	if pos := phrases(it, false); len(pos) > 0 && chance(r, 0.5) {
		note = pos[0]
	}
	var v float64
	switch it.Metric {
	case inspection.MetricSatisfaction:
		if c.Satisfaction == nil {
			return nil, "暂无测评数据"
		}
		v = *c.Satisfaction
	case inspection.MetricComplaintRate:
		if c.ComplaintRate == nil {
			return nil, ""
		}
		v = *c.ComplaintRate
	case inspection.MetricFeeRate:
		v = round1(95 + r.Float64()*4.8)
		if fail {
			v = round1(90 + r.Float64()*4.9)
			note = "部分业主长期欠缴物业费，" + pick(r, []string{"依据物业企业收费台账", "依据财务报表"})
		}
	default:
		v = float64(1 + r.IntN(4))
		if it.Threshold != nil {
			v = math.Max(v, it.Threshold.Value)
			if fail {
				v = it.Threshold.Value - 1
				note = "上月未按要求开展安全生产自查"
			}
		}
	}
	return &v, note
}

// choose picks n of 0..size-1 at random and returns them in order (the
// store keeps choices as given, and the form lists them in option order).
func choose(r *rand.Rand, size, n int) []int {
	picked := r.Perm(size)[:n]
	sort.Ints(picked)
	return picked
}

// draftAnswers draws a draft in progress: the first part of the checklist,
// some evidence photos still to take.
func (p *planner) draftAnswers(c inspection.Community) []answerPlan {
	all := p.answers(c, noVeto, true)
	n := int(float64(len(all)) * (0.2 + 0.6*p.r.Float64()))
	out := all[:max(1, n)]
	for i := range out {
		if len(out[i].photos) > 0 && chance(p.r, 0.3) {
			out[i].photos = nil
		}
	}
	return out
}

// amendment draws the correction of a finalized inspection: a fee rate
// entered wrongly, a failure found on review to be a mistake, or a problem
// found after the visit.
func (p *planner) amendment(ip *inspectionPlan) *amendPlan {
	r := p.r
	a := &amendPlan{at: ip.start.Add(time.Duration(1+r.IntN(5)) * 24 * time.Hour).Add(time.Duration(r.IntN(120)) * time.Minute)}
	if latest := p.now.Add(-2 * time.Hour); a.at.After(latest) {
		a.at = latest
	}
	if end := ip.start.Add(ip.duration() + time.Hour); a.at.Before(end) {
		a.at = end
	}
	step := func() time.Duration { return time.Duration(1+len(a.changes)) * 2 * time.Minute }
	for _, ap := range ip.answers {
		it, _ := p.tpl.Item(ap.answer.ItemCode)
		if it.Metric == inspection.MetricFeeRate && ap.answer.Value != nil && it.Threshold != nil && !it.Threshold.Passes(*ap.answer.Value) {
			v := round1(95 + r.Float64()*2)
			fixed := ap.answer
			fixed.Value, fixed.Note = &v, "按物业服务企业财务报表核实更正"
			a.reason = fmt.Sprintf("物业费收费率误录为 %s%%，经核对财务报表应为 %s%%",
				inspection.FormatNumber(*ap.answer.Value), inspection.FormatNumber(v))
			a.changes = append(a.changes, answerPlan{answer: fixed, offset: step()})
			return a
		}
	}
	for _, ap := range ip.answers {
		it, _ := p.tpl.Item(ap.answer.ItemCode)
		if ap.answer.Result == inspection.Fail && !it.Veto && it.Kind == inspection.KindCheck {
			fixed := ap.answer
			fixed.Result, fixed.Note = inspection.Pass, "经复核，检查当日已整改到位，原判定有误"
			a.reason = fmt.Sprintf("「%s」误判为不符合，经复核更正", it.Text)
			a.changes = append(a.changes, answerPlan{answer: fixed, offset: step()})
			return a
		}
	}
	// Nothing to take back: a problem reported after the visit.
	for _, ap := range ip.answers {
		it, _ := p.tpl.Item(ap.answer.ItemCode)
		if it.Kind == inspection.KindCheck && !it.Veto && !it.Evidence && ap.answer.Result == inspection.Pass && len(phrases(it, true)) > 0 && chance(r, 0.3) {
			fixed := ap.answer
			fixed.Result, fixed.Note = inspection.Fail, failNote(r, it)
			a.reason = "业主反映情况经核实属实，补充检查意见"
			a.changes = append(a.changes, answerPlan{answer: fixed, offset: step()})
			return a
		}
	}
	a.reason = "补充检查意见"
	return a
}
