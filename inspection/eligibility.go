package inspection

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Eligibility for 「美好家园」 (section 三 of the programme's plan, as read in
// docs/OFFICE.md): a community is eligible when its latest finalized
// inspection has every veto item passed, its fee collection is at least
// 95 %, and its satisfaction is in the city's top 5 % or its complaint rate
// in the city's bottom 5 %. This file holds the rule, the percentiles and
// the pick limits as pure functions; the store gathers the figures.

// FeeRateMin is the fee collection rate (%) a community needs (第十一条：
// 物业费收费率不低于95%). 95.00 passes, 94.99 fails.
const FeeRateMin = 95

// CutShare is the share of the city that counts as its top (satisfaction)
// or bottom (complaint rate): 5 %.
const CutShare = 0.05

// SmallCity is the number of communities below which the 5 % cut is
// rounded up to one community and the reason says so.
const SmallCity = 20

// Source says where a figure came from.
type Source string

// Figure sources. Imported figures (the office's survey, entered with
// store.SetCommunityFigures) take precedence over values recorded in the
// inspection.
const (
	SourceNone       Source = ""
	SourceImported   Source = "imported"   // 导入数据
	SourceInspection Source = "inspection" // 检查记录
)

// Label is the source's Chinese name.
func (s Source) Label() string {
	switch s {
	case SourceImported:
		return "导入数据"
	case SourceInspection:
		return "检查记录"
	}
	return "无"
}

// Figure is a value and where it came from; Value is nil when unknown.
type Figure struct {
	Value  *float64
	Source Source
}

// Known reports whether the figure has a value.
func (f Figure) Known() bool { return f.Value != nil }

// Candidate is what eligibility needs to know about one community.
type Candidate struct {
	CommunityID string
	// Inspected is true when the community has a finalized inspection;
	// Vetoes and FeeRate come from the latest one (an amendment that was
	// finalized replaces what it corrects).
	Inspected bool
	Vetoes    []VetoFinding
	// FeeItem is the code of the fee-rate item, so that a failed fee veto
	// is not reported twice.
	FeeItem       string
	FeeRate       Figure
	Satisfaction  Figure
	ComplaintRate Figure
}

// FiguresOf picks a community's satisfaction and complaint rate (imported
// figures first, else the values recorded in its latest finalized
// inspection) and its fee rate (from the inspection only; the office
// imports no fee rates). rec may be nil.
func FiguresOf(c Community, rec *Record) (sat, comp, fee Figure, feeItem string) {
	sat = Figure{Value: c.Satisfaction, Source: SourceImported}
	comp = Figure{Value: c.ComplaintRate, Source: SourceImported}
	if rec == nil || rec.Template == nil {
		if sat.Value == nil {
			sat.Source = SourceNone
		}
		if comp.Value == nil {
			comp.Source = SourceNone
		}
		return sat, comp, fee, ""
	}
	recorded := func(m Metric) (*float64, string) {
		it, ok := rec.Template.MetricItem(m)
		if !ok {
			return nil, ""
		}
		a, ok := rec.Answers[it.Code]
		if !ok || a.Result == NA || a.Value == nil || math.IsNaN(*a.Value) {
			return nil, it.Code
		}
		v := *a.Value
		return &v, it.Code
	}
	if sat.Value == nil {
		sat.Value, _ = recorded(MetricSatisfaction)
		sat.Source = sourceOf(sat.Value)
	}
	if comp.Value == nil {
		comp.Value, _ = recorded(MetricComplaintRate)
		comp.Source = sourceOf(comp.Value)
	}
	var v *float64
	v, feeItem = recorded(MetricFeeRate)
	fee = Figure{Value: v, Source: sourceOf(v)}
	return sat, comp, fee, feeItem
}

func sourceOf(v *float64) Source {
	if v == nil {
		return SourceNone
	}
	return SourceInspection
}

// CandidateOf builds the candidate of a community from its latest
// finalized inspection (nil when it has none).
func CandidateOf(c Community, rec *Record) Candidate {
	sat, comp, fee, feeItem := FiguresOf(c, rec)
	cand := Candidate{CommunityID: c.ID, Satisfaction: sat, ComplaintRate: comp, FeeRate: fee, FeeItem: feeItem}
	if rec != nil {
		cand.Inspected = true
		cand.Vetoes = rec.Score.Vetoes
	}
	return cand
}

// EligibilityStatus is the outcome of the eligibility rule.
type EligibilityStatus string

// Eligibility outcomes. 数据不足 means nothing disqualifies the community
// but a figure the rule needs is missing, so it cannot be picked yet.
const (
	StatusEligible     EligibilityStatus = "eligible"     // 符合条件
	StatusIneligible   EligibilityStatus = "ineligible"   // 不符合条件
	StatusInsufficient EligibilityStatus = "insufficient" // 数据不足
	StatusUninspected  EligibilityStatus = "uninspected"  // 未检查
)

// Label is the outcome's Chinese name.
func (s EligibilityStatus) Label() string {
	switch s {
	case StatusEligible:
		return "符合条件"
	case StatusIneligible:
		return "不符合条件"
	case StatusInsufficient:
		return "数据不足"
	case StatusUninspected:
		return "未检查"
	}
	return string(s)
}

// Placing is a community's place in the city for one figure.
type Placing struct {
	Rank  int // 1 = best; tied values share a rank; 0 when the figure is unknown
	Of    int // communities with the figure
	Cut   int // ranks up to Cut are in the top (bottom) 5 %
	InCut bool
}

// Verdict is the eligibility of one community with its reasons, in
// Chinese, in the order the rule checks them.
type Verdict struct {
	CommunityID string
	Status      EligibilityStatus
	Reasons     []string
	// Failures are the reasons that disqualify (also in Reasons).
	Failures                 []string
	Satisfaction, Complaint  Placing
	SatisfactionValue, Rate  Figure
	FeeRate                  Figure
	SatisfactionOK, RateOK   bool
	FeeOK, NoVeto, Inspected bool
	MissingFigures           []string // 满意度和投诉率, 物业费收费率
}

// Eligible reports whether the community may be picked.
func (v Verdict) Eligible() bool { return v.Status == StatusEligible }

// CutSize is how many places count as the top (or bottom) 5 % of n
// communities: ⌈5 % × n⌉, at least 1 (0 when n is 0). Computed in
// integers: n = 20 gives 1, n = 21 gives 2, n = 400 gives 20.
func CutSize(n int) int {
	if n <= 0 {
		return 0
	}
	return max(1, (n+19)/20)
}

// figureKey compares figures at two decimals, the precision they are
// reported with, so 95.5 and 95.50 are a tie.
func figureKey(v float64) int64 { return int64(math.Round(v * 100)) }

// placings ranks the known values (higher is better when desc): each
// value's rank is 1 + the number of strictly better values, so ties share
// a rank and all of them are in the cut when their shared rank is.
func placings(vals map[string]float64, desc bool) map[string]Placing {
	keys := make([]int64, 0, len(vals))
	for _, v := range vals {
		keys = append(keys, figureKey(v))
	}
	sort.Slice(keys, func(i, j int) bool {
		if desc {
			return keys[i] > keys[j]
		}
		return keys[i] < keys[j]
	})
	n := len(keys)
	cut := CutSize(n)
	out := make(map[string]Placing, n)
	for id, v := range vals {
		k := figureKey(v)
		better := sort.Search(n, func(i int) bool {
			if desc {
				return keys[i] <= k
			}
			return keys[i] >= k
		})
		rank := better + 1
		out[id] = Placing{Rank: rank, Of: n, Cut: cut, InCut: rank <= cut}
	}
	return out
}

// Judge applies the rule to every candidate. The percentiles are computed
// over all the candidates that have the figure, so pass every community
// of the city (not one district) and filter afterwards.
func Judge(cands []Candidate) map[string]Verdict {
	sats, rates := map[string]float64{}, map[string]float64{}
	for _, c := range cands {
		if c.Satisfaction.Known() {
			sats[c.CommunityID] = *c.Satisfaction.Value
		}
		if c.ComplaintRate.Known() {
			rates[c.CommunityID] = *c.ComplaintRate.Value
		}
	}
	satPlace, ratePlace := placings(sats, true), placings(rates, false)
	out := make(map[string]Verdict, len(cands))
	for _, c := range cands {
		out[c.CommunityID] = judge(c, satPlace[c.CommunityID], ratePlace[c.CommunityID])
	}
	return out
}

func pct(v float64) string { return FormatNumber(math.Round(v*100) / 100) }

func cutText(p Placing, top bool) string {
	word := "前"
	if !top {
		word = "后"
	}
	if p.Of < SmallCity {
		return fmt.Sprintf("参与比较的小区不足%d个（%d个），按%s1名计", SmallCity, p.Of, word)
	}
	return fmt.Sprintf("全市%s5%%为%s%d名", word, word, p.Cut)
}

func judge(c Candidate, sp, rp Placing) Verdict {
	v := Verdict{CommunityID: c.CommunityID, Satisfaction: sp, Complaint: rp,
		SatisfactionValue: c.Satisfaction, Rate: c.ComplaintRate, FeeRate: c.FeeRate, Inspected: c.Inspected}
	fail := func(format string, a ...any) {
		s := fmt.Sprintf(format, a...)
		v.Reasons = append(v.Reasons, s)
		v.Failures = append(v.Failures, s)
	}
	ok := func(format string, a ...any) { v.Reasons = append(v.Reasons, fmt.Sprintf(format, a...)) }
	missing := false

	// 1. The latest finalized inspection and its veto items.
	feeVetoed := false
	if !c.Inspected {
		fail("未检查：没有已定稿的检查记录")
	} else if len(c.Vetoes) > 0 {
		for _, f := range c.Vetoes {
			fail("一票否决：%s %s", f.ItemCode, f.Reason)
			if f.ItemCode == c.FeeItem && c.FeeItem != "" {
				feeVetoed = true
			}
		}
	} else {
		v.NoVeto = true
		ok("一票否决项全部符合")
	}

	// 2. Fee collection.
	switch {
	case !c.Inspected:
	case !c.FeeRate.Known():
		missing = true
		v.MissingFigures = append(v.MissingFigures, "物业费收费率")
		fail("数据不足：检查记录中没有物业费收费率")
	case *c.FeeRate.Value >= FeeRateMin:
		v.FeeOK = true
		ok("物业费收费率 %s%%（不低于%d%%）", pct(*c.FeeRate.Value), FeeRateMin)
	case !feeVetoed:
		fail("物业费收费率 %s%%，低于%d%%", pct(*c.FeeRate.Value), FeeRateMin)
	}

	// 3. Satisfaction in the top 5 % or complaint rate in the bottom 5 %.
	var notes []string
	if c.Satisfaction.Known() {
		v.SatisfactionOK = sp.InCut
		verb := "未进入"
		if sp.InCut {
			verb = "位于"
		}
		notes = append(notes, fmt.Sprintf("满意度 %s%%（%s），全市第%d名/共%d个，%s全市前5%%（%s）",
			pct(*c.Satisfaction.Value), c.Satisfaction.Source.Label(), sp.Rank, sp.Of, verb, cutText(sp, true)))
	}
	if c.ComplaintRate.Known() {
		v.RateOK = rp.InCut
		verb := "未进入"
		if rp.InCut {
			verb = "位于"
		}
		notes = append(notes, fmt.Sprintf("投诉率 %s件/百户（%s），由低到高全市第%d名/共%d个，%s全市后5%%（%s）",
			pct(*c.ComplaintRate.Value), c.ComplaintRate.Source.Label(), rp.Rank, rp.Of, verb, cutText(rp, false)))
	}
	switch {
	case v.SatisfactionOK || v.RateOK:
		for _, n := range notes {
			ok("%s", n)
		}
	case !c.Satisfaction.Known() && !c.ComplaintRate.Known():
		missing = true
		v.MissingFigures = append(v.MissingFigures, "满意度和投诉率")
		fail("数据不足：缺满意度和投诉率")
	default:
		for _, n := range notes {
			ok("%s", n)
		}
		switch {
		case !c.Satisfaction.Known():
			missing = true
			v.MissingFigures = append(v.MissingFigures, "满意度")
			fail("投诉率未进入全市后5%%，且缺满意度（数据不足）")
		case !c.ComplaintRate.Known():
			missing = true
			v.MissingFigures = append(v.MissingFigures, "投诉率")
			fail("满意度未进入全市前5%%，且缺投诉率（数据不足）")
		default:
			fail("满意度未进入全市前5%%，投诉率也未进入全市后5%%")
		}
	}

	definite := 0
	for _, f := range v.Failures {
		if !strings.Contains(f, "数据不足") {
			definite++
		}
	}
	switch {
	case !c.Inspected:
		v.Status = StatusUninspected
	case definite > 0:
		v.Status = StatusIneligible
	case missing:
		v.Status = StatusInsufficient
	default:
		v.Status = StatusEligible
	}
	return v
}

// Standing is one community's line in a ranking.
type Standing struct {
	Community    Community
	Score        float64
	ScoreDefined bool
	Verdict      Verdict
	// Rank among the eligible communities of the list, by score (tied
	// scores, at one decimal, share a rank); 0 for the others.
	Rank int
}

// RankStandings orders a list for a ranking: eligible communities first by
// total score (highest first, tied scores share a rank), then the others
// by status (数据不足, 不符合条件, 未检查) and score. Names break ties.
func RankStandings(list []Standing) {
	order := map[EligibilityStatus]int{StatusEligible: 0, StatusInsufficient: 1, StatusIneligible: 2, StatusUninspected: 3}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if oa, ob := order[a.Verdict.Status], order[b.Verdict.Status]; oa != ob {
			return oa < ob
		}
		if a.ScoreDefined != b.ScoreDefined {
			return a.ScoreDefined
		}
		if sa, sb := scoreKey(a.Score), scoreKey(b.Score); sa != sb {
			return sa > sb
		}
		if a.Community.District != b.Community.District {
			return a.Community.District < b.Community.District
		}
		return a.Community.Name < b.Community.Name
	})
	rank := 0
	for i := range list {
		list[i].Rank = 0
		if !list[i].Verdict.Eligible() {
			continue
		}
		if i == 0 || scoreKey(list[i].Score) != scoreKey(list[i-1].Score) {
			rank = i + 1
		}
		list[i].Rank = rank
	}
}

func scoreKey(v float64) int64 { return int64(math.Round(v * 10)) }

// Picks (选树): section 四（二） and 五（五） of the plan.

// PickLevel is who picks: a district office or the city.
type PickLevel string

// Pick levels.
const (
	LevelDistrict PickLevel = "district" // 区级（县（市）区房管局选树）
	LevelCity     PickLevel = "city"     // 市级
)

// Label is the level's Chinese name.
func (l PickLevel) Label() string {
	switch l {
	case LevelDistrict:
		return "区级"
	case LevelCity:
		return "市级"
	}
	return string(l)
}

// Valid reports whether l is a known level.
func (l PickLevel) Valid() bool { return l == LevelDistrict || l == LevelCity }

// Pick limits.
const (
	MaxDistrictPicks = 2  // 每个县（市）区选树「美好家园」小区1至2个
	MaxCityPicks     = 10 // 市级「美好家园」小区不超过10个
	MaxTypical       = 1  // 每个县（市）区推荐1个典型案例；市局向省厅推荐1个
)

// ErrPickLimit: a pick would exceed a limit, or breaks a rule of picking
// (the wrapped message says which).
var ErrPickLimit = errors.New("不符合选树规定")

// ErrNotEligible: the community does not meet the 「美好家园」 requirements.
var ErrNotEligible = errors.New("该小区不符合「美好家园」条件")

// Pick is one selection: a 「美好家园」 community (Typical false) or a
// typical case (典型案例, with its introduction), at district or city
// level. A withdrawn pick stays on record with WithdrawnAt set.
type Pick struct {
	ID           string     `json:"id"`
	Level        PickLevel  `json:"level"`
	CommunityID  string     `json:"community_id"`
	District     string     `json:"district"`
	Typical      bool       `json:"typical"`
	Introduction string     `json:"introduction"`
	PickedBy     string     `json:"picked_by"`
	PickedAt     time.Time  `json:"picked_at"`
	WithdrawnAt  *time.Time `json:"withdrawn_at"`
	WithdrawnBy  string     `json:"withdrawn_by"`
	Revision
}

// Active reports whether the pick stands.
func (p Pick) Active() bool { return p.WithdrawnAt == nil }

// Kind is the pick's Chinese name: 区级「美好家园」, 市级典型案例 …
func (p Pick) Kind() string {
	if p.Typical {
		return p.Level.Label() + "典型案例"
	}
	return p.Level.Label() + "「美好家园」"
}

// MaxIntroduction is the longest introduction of a typical case, in
// characters.
const MaxIntroduction = 5000

// CheckPick decides whether p may be added to the active picks: the
// community is eligible (v), the level's limits hold, a city pick is a
// district pick, a typical case is one of the level's picks and has an
// introduction. names gives community names for messages.
func CheckPick(active []Pick, p Pick, v Verdict, names map[string]string) error {
	if !p.Level.Valid() {
		return fmt.Errorf("%w：级别「%s」无法识别（区级 district 或 市级 city）", ErrInvalid, p.Level)
	}
	name := names[p.CommunityID]
	if name == "" {
		name = p.CommunityID
	}
	if !v.Eligible() {
		why := strings.Join(v.Failures, "；")
		if why == "" {
			why = v.Status.Label()
		}
		if strings.HasPrefix(why, v.Status.Label()) {
			return fmt.Errorf("%w：「%s」%s", ErrNotEligible, name, why)
		}
		return fmt.Errorf("%w：「%s」%s：%s", ErrNotEligible, name, v.Status.Label(), why)
	}
	for _, a := range active {
		if a.CommunityID == p.CommunityID && a.Level == p.Level && a.Typical == p.Typical {
			return fmt.Errorf("%w：「%s」已是%s", ErrPickLimit, name, a.Kind())
		}
	}
	has := func(level PickLevel, typical bool) bool {
		for _, a := range active {
			if a.CommunityID == p.CommunityID && a.Level == level && a.Typical == typical {
				return true
			}
		}
		return false
	}
	count := func(level PickLevel, typical bool, district string) []string {
		var out []string
		for _, a := range active {
			if a.Level == level && a.Typical == typical && (district == "" || a.District == district) {
				n := names[a.CommunityID]
				if n == "" {
					n = a.CommunityID
				}
				out = append(out, "「"+n+"」")
			}
		}
		return out
	}
	if p.Typical {
		if strings.TrimSpace(p.Introduction) == "" {
			return fmt.Errorf("%w：推荐典型案例需要填写小区情况介绍", ErrPickLimit)
		}
		if len([]rune(p.Introduction)) > MaxIntroduction {
			return fmt.Errorf("%w：典型案例介绍不能超过%d字", ErrInvalid, MaxIntroduction)
		}
		if !has(p.Level, false) {
			return fmt.Errorf("%w：典型案例须从%s「美好家园」小区中推荐，「%s」尚未选为%s「美好家园」",
				ErrPickLimit, p.Level.Label(), name, p.Level.Label())
		}
	}
	switch {
	case p.Level == LevelDistrict && !p.Typical:
		if got := count(LevelDistrict, false, p.District); len(got) >= MaxDistrictPicks {
			return fmt.Errorf("%w：%s已选树区级「美好家园」%d个（%s），每个县（市）区最多%d个；请先撤销其中一个",
				ErrPickLimit, p.District, len(got), strings.Join(got, "、"), MaxDistrictPicks)
		}
	case p.Level == LevelDistrict && p.Typical:
		if got := count(LevelDistrict, true, p.District); len(got) >= MaxTypical {
			return fmt.Errorf("%w：%s已推荐典型案例%s，每个县（市）区只推荐%d个；请先撤销",
				ErrPickLimit, p.District, strings.Join(got, "、"), MaxTypical)
		}
	case p.Level == LevelCity && !p.Typical:
		if !has(LevelDistrict, false) {
			return fmt.Errorf("%w：市级「美好家园」须从各县（市）区选树的小区中产生，「%s」不是区级「美好家园」", ErrPickLimit, name)
		}
		if got := count(LevelCity, false, ""); len(got) >= MaxCityPicks {
			return fmt.Errorf("%w：已选树市级「美好家园」%d个，最多%d个；请先撤销其中一个", ErrPickLimit, len(got), MaxCityPicks)
		}
	case p.Level == LevelCity && p.Typical:
		if got := count(LevelCity, true, ""); len(got) >= MaxTypical {
			return fmt.Errorf("%w：已向省厅推荐典型案例%s，市级只推荐%d个；请先撤销", ErrPickLimit, strings.Join(got, "、"), MaxTypical)
		}
	}
	return nil
}

// CheckUnpick decides whether the active pick p may be withdrawn: a
// 「美好家园」 pick that is also the level's typical case, or a district pick
// that the city has picked, must have those withdrawn first.
func CheckUnpick(active []Pick, p Pick, name string) error {
	for _, a := range active {
		if a.CommunityID != p.CommunityID || a.ID == p.ID {
			continue
		}
		switch {
		case !p.Typical && a.Level == p.Level && a.Typical:
			return fmt.Errorf("%w：「%s」是%s，请先撤销典型案例", ErrPickLimit, name, a.Kind())
		case p.Level == LevelDistrict && !p.Typical && a.Level == LevelCity:
			return fmt.Errorf("%w：「%s」已选为%s，请先撤销市级选树", ErrPickLimit, name, a.Kind())
		}
	}
	return nil
}

// PickProblems lists what in a set of active picks breaks the limits —
// possible after merging packages from two offices that picked at the same
// time. Each message is in Chinese.
func PickProblems(active []Pick, names map[string]string) []string {
	var out []string
	perDistrict := map[string]int{}
	typicalPerDistrict := map[string]int{}
	city, cityTypical := 0, 0
	isPick := map[string]bool{}
	for _, a := range active {
		isPick[string(a.Level)+"\x00"+a.CommunityID+"\x00"+fmt.Sprint(a.Typical)] = true
	}
	for _, a := range active {
		switch {
		case a.Level == LevelDistrict && !a.Typical:
			perDistrict[a.District]++
		case a.Level == LevelDistrict:
			typicalPerDistrict[a.District]++
		case !a.Typical:
			city++
			if !isPick[string(LevelDistrict)+"\x00"+a.CommunityID+"\x00false"] {
				out = append(out, fmt.Sprintf("市级「美好家园」「%s」不是区级「美好家园」", names[a.CommunityID]))
			}
		default:
			cityTypical++
		}
		if a.Typical && !isPick[string(a.Level)+"\x00"+a.CommunityID+"\x00false"] {
			out = append(out, fmt.Sprintf("%s「%s」不是%s「美好家园」", a.Kind(), names[a.CommunityID], a.Level.Label()))
		}
	}
	districts := make([]string, 0, len(perDistrict)+len(typicalPerDistrict))
	seen := map[string]bool{}
	for d := range perDistrict {
		districts, seen[d] = append(districts, d), true
	}
	for d := range typicalPerDistrict {
		if !seen[d] {
			districts = append(districts, d)
		}
	}
	sort.Strings(districts)
	for _, d := range districts {
		if n := perDistrict[d]; n > MaxDistrictPicks {
			out = append(out, fmt.Sprintf("%s区级「美好家园」%d个，超过%d个", d, n, MaxDistrictPicks))
		}
		if n := typicalPerDistrict[d]; n > MaxTypical {
			out = append(out, fmt.Sprintf("%s典型案例%d个，超过%d个", d, n, MaxTypical))
		}
	}
	if city > MaxCityPicks {
		out = append(out, fmt.Sprintf("市级「美好家园」%d个，超过%d个", city, MaxCityPicks))
	}
	if cityTypical > MaxTypical {
		out = append(out, fmt.Sprintf("市级典型案例%d个，超过%d个", cityTypical, MaxTypical))
	}
	return out
}

// Reminder is one of the plan's deadlines (五（五）).
type Reminder struct {
	Date     time.Time
	Title    string
	DaysLeft int // negative once the date has passed
}

// Reminders are the plan's dates in year y relative to now: 8月15日
// (实施方案和联络员名单) and 9月23日 (工作报告及典型案例). Days are counted
// in now's location, date to date.
func Reminders(year int, now time.Time) []Reminder {
	loc := now.Location()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	mk := func(m time.Month, d int, title string) Reminder {
		date := time.Date(year, m, d, 0, 0, 0, 0, loc)
		days := int(math.Round(date.Sub(today).Hours() / 24))
		return Reminder{Date: date, Title: title, DaysLeft: days}
	}
	return []Reminder{
		mk(time.August, 15, "报送具体实施方案和联络员名单"),
		mk(time.September, 23, "报送工作报告并推荐1个「美好家园」典型案例"),
	}
}

// Describe says how far the reminder is: 「还有 5 天」, 「今天截止」, 「已过 3 天」.
func (r Reminder) Describe() string {
	switch {
	case r.DaysLeft > 0:
		return fmt.Sprintf("还有 %d 天", r.DaysLeft)
	case r.DaysLeft == 0:
		return "今天截止"
	}
	return fmt.Sprintf("已过 %d 天", -r.DaysLeft)
}
