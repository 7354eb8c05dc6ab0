package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// The city-scale generator's city: the demo's ten districts and two more
// counties, so that a city has twelve.
var genDistricts = append(append([]district(nil), districts...),
	district{"永泰县", 4, []string{"樟城镇", "城峰镇", "清凉镇", "嵩口镇"},
		[]string{"解放路", "城关路", "塔山路", "青云路"}},
	district{"罗源县", 4, []string{"凤山镇", "松山镇", "起步镇", "碧里乡"},
		[]string{"滨河路", "罗川路", "凤山路", "起步大道"}},
)

// GenDistricts lists the generated city's districts (县（市）区).
func GenDistricts() []string {
	out := make([]string, len(genDistricts))
	for i, d := range genDistricts {
		out[i] = d.name
	}
	return out
}

// Surnames and given names the generator combines for inspectors beyond
// the demo's thirty (a city at scale 4 has about 120).
var (
	genSurnames   = []string{"陈", "林", "黄", "张", "吴", "王", "郑", "刘", "李", "杨", "许", "何", "蔡", "谢", "罗", "翁", "江", "潘", "叶", "苏", "魏", "朱", "方", "施", "余", "卢", "高", "游", "池", "周"}
	genGivenNames = []string{"建国", "秀兰", "志华", "丽娟", "文斌", "海燕", "国平", "晓红", "明亮", "雪梅", "俊杰", "婷婷", "振宇", "静怡",
		"家豪", "美玲", "宏伟", "慧敏", "天明", "春花", "立新", "玉珍", "子涵", "思远", "永福", "桂英", "德顺", "晓东", "金凤", "伟强"}
)

// genPlan is the city drawn from the seed: communities, and each district's
// team of inspectors.
type genPlan struct {
	seed        uint64
	scale       float64
	tpl         *inspection.Template
	tplRow      store.Row
	now         time.Time
	start       time.Time // the first day of the inspection period
	communities []genCommunity
	teams       map[string][]string
	cityDevice  string
}

type genCommunity struct {
	index int
	c     inspection.Community
	row   store.Row
}

// Scale 1 is a city of 5,000 communities.
const genCommunitiesPerScale = 5000

// genPeriod is how far back the inspection history goes.
const genPeriodDays = 730

func newGenPlan(seed uint64, scale float64, now time.Time, tpl *inspection.Template) (*genPlan, error) {
	p := &genPlan{seed: seed, scale: scale, tpl: tpl, now: now, teams: map[string][]string{}}
	p.start = dayStart(now).AddDate(0, 0, -genPeriodDays)
	p.cityDevice = genDevice(seed, "市房管局")
	r := newRand(seed ^ 0x67656e63697479) // "gencity"
	n := max(len(genDistricts), int(math.Round(genCommunitiesPerScale*scale)))

	// The template, installed by the city bureau before the period.
	body, err := inspection.MarshalTemplate(tpl)
	if err != nil {
		return nil, err
	}
	at := p.start.AddDate(0, 0, -30)
	p.tplRow = store.Row{Entity: "templates", Values: []any{fmt.Sprintf("%s@%d", tpl.ID, tpl.Version), tpl.ID, int64(tpl.Version), tpl.Name,
		tpl.CommunityType, string(body), genVersion(at, 0, p.cityDevice), "", p.cityDevice, genOfficeActor, formatTime(at)}}

	// Teams: about thirty inspectors per scale unit, by the districts' sizes.
	total := 0
	for _, d := range genDistricts {
		total += d.weight
	}
	next := 0
	used := map[string]bool{}
	for _, d := range genDistricts {
		size := max(2, int(math.Round(30*scale*float64(d.weight)/float64(total))))
		for k := 0; k < size; k++ {
			name := genInspectorName(next, used)
			next++
			p.teams[d.name] = append(p.teams[d.name], name)
		}
	}

	// Communities, listed by the city bureau in the weeks before the period.
	cp := newCityPlan(r)
	cp.used = map[string]bool{showcaseName: true}
	courts := map[string]int{}
	for i := 0; i < n; i++ {
		c := p.community(cp, courts, i)
		at := p.start.AddDate(0, 0, -28).Add(time.Duration(i) * 10 * time.Second)
		c.ID = genUUID(r, at)
		v := genVersion(at, 0, p.cityDevice)
		row := store.Row{Entity: "communities", Values: []any{c.ID, c.Name, c.District, c.Street, c.Community, c.Address, c.PropertyCompany,
			int64(c.Households), c.Type, c.Committee, floatOrNil(c.Satisfaction), floatOrNil(c.ComplaintRate), v, "", p.cityDevice, genOfficeActor, formatTime(at)}}
		p.communities = append(p.communities, genCommunity{index: i, c: c, row: row})
	}
	return p, nil
}

const genOfficeActor = "市房管局管理员"

func genInspectorName(k int, used map[string]bool) string {
	for ; ; k += 7 {
		var n string
		if k < len(inspectorNames) {
			n = inspectorNames[k]
		} else {
			j := k - len(inspectorNames)
			n = genSurnames[j%len(genSurnames)] + genGivenNames[(j/len(genSurnames)+j)%len(genGivenNames)]
			if j >= len(genSurnames)*len(genGivenNames) {
				n += fmt.Sprint(j / (len(genSurnames) * len(genGivenNames)))
			}
		}
		if !used[n] {
			used[n] = true
			return n
		}
	}
}

func (p *genPlan) pickDistrict(r *rand.Rand) district {
	total := 0
	for _, d := range genDistricts {
		total += d.weight
	}
	n := r.IntN(total)
	for _, d := range genDistricts {
		if n < d.weight {
			return d
		}
		n -= d.weight
	}
	return genDistricts[0]
}

// community draws the i-th community as the demo does (the demo's name
// lists, types, households, committees and figures), in twelve districts,
// with names kept unique however large the city: after a few tries a
// name gets a phase (二期) and then a court number.
func (p *genPlan) community(cp *cityPlan, courts map[string]int, i int) inspection.Community {
	r := cp.r
	d := p.pickDistrict(r)
	if i < len(genDistricts) {
		d = genDistricts[i] // every district has at least one community
	}
	typ := cp.pickType()
	var name, company string
	switch {
	case i == 0:
		typ, name = "商品房", showcaseName
	default:
		name, company = genName(cp, courts, typ)
	}
	street := pick(r, d.streets)
	c := inspection.Community{Name: name, District: d.name, Street: street, Community: cp.shequOf(street),
		Address: fmt.Sprintf("%s%s%d号", d.name, pick(r, d.roads), 1+r.IntN(480)), Type: typ}
	fillFacts(r, d, company, &c)
	return c
}

func genName(cp *cityPlan, courts map[string]int, typ string) (name, company string) {
	r := cp.r
	if typ == "商品房" && cp.branded < len(brandedNames) && chance(r, 0.02) {
		b := brandedNames[cp.branded]
		cp.branded++
		if !cp.used[b.name] {
			cp.used[b.name] = true
			return b.name, b.company
		}
	}
	parts := namesByType[typ]
	phases := []string{"二期", "三期", "北区", "南区", "东区", "西区"}
	var base string
	for attempt := 0; attempt < 16; attempt++ {
		base = pick(r, parts.prefixes) + pick(r, parts.suffixes)
		n := base
		if attempt >= 8 {
			n += phases[r.IntN(len(phases))]
		}
		if !cp.used[n] && !strings.Contains(store.Initials(n), "ylhy") {
			cp.used[n] = true
			return n, ""
		}
	}
	for {
		// The showcase's name (怡乐花园, "ylhy") never gets a court: a
		// search for its initials finds it alone.
		for strings.Contains(store.Initials(base), "ylhy") {
			base = pick(r, parts.prefixes) + pick(r, parts.suffixes)
		}
		courts[base]++
		n := fmt.Sprintf("%s%d号院", base, courts[base])
		if !cp.used[n] {
			cp.used[n] = true
			return n, ""
		}
	}
}

// genDevice is the made-up device id of a person or office: 16 hex
// digits from the seed and the name (the generated records carry the
// devices they would have been entered on).
func genDevice(seed uint64, name string) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seed)
	sum := sha256.Sum256(append(b[:], name...))
	return hex.EncodeToString(sum[:8])
}

// genVersion renders a version as the store's clock does.
func genVersion(at time.Time, counter int, device string) string {
	return fmt.Sprintf("%013d-%05d-%s", at.UnixMilli(), counter, device)
}

// genUUID draws a UUIDv7 for time at from r, so ids follow from the seed.
func genUUID(r *rand.Rand, at time.Time) string {
	var u uuid.UUID
	ms := uint64(at.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	binary.BigEndian.PutUint64(u[8:], r.Uint64())
	binary.BigEndian.PutUint16(u[6:], uint16(r.Uint32()))
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

const genTimeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(t time.Time) string { return t.Format(genTimeLayout) }

func floatOrNil(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
