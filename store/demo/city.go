package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// The demo city is fictional but shaped like a Fujian provincial capital:
// its districts, streets (街道 and 镇), roads and communities carry names of
// the kind found there.

type district struct {
	name    string
	weight  int      // share of the city's communities
	streets []string // 街道（乡镇）
	roads   []string
}

var districts = []district{
	{"鼓楼区", 14, []string{"东街街道", "南街街道", "安泰街道", "华大街道", "温泉街道", "鼓东街道", "鼓西街道", "五凤街道", "洪山镇"},
		[]string{"五四路", "湖东路", "杨桥路", "工业路", "华林路", "铜盘路", "西二环路", "古田路", "乌山路", "北大路"}},
	{"台江区", 11, []string{"瀛洲街道", "后洲街道", "义洲街道", "新港街道", "上海街道", "苍霞街道", "宁化街道", "鳌峰街道"},
		[]string{"六一中路", "八一七中路", "江滨西大道", "国货西路", "长汀街", "达江路", "鳌峰路", "五一中路"}},
	{"仓山区", 14, []string{"对湖街道", "上渡街道", "下渡街道", "临江街道", "三叉街街道", "金山街道", "盖山镇", "城门镇", "建新镇"},
		[]string{"则徐大道", "金山大道", "浦上大道", "南江滨西大道", "首山路", "建新北路", "盘屿路", "福湾路"}},
	{"晋安区", 13, []string{"茶园街道", "王庄街道", "象园街道", "鼓山镇", "新店镇", "岳峰镇"},
		[]string{"福马路", "福新中路", "连江北路", "岳峰路", "长乐北路", "化工路", "秀峰路", "鼓山路"}},
	{"马尾区", 6, []string{"罗星街道", "马尾镇", "亭江镇", "琅岐镇"},
		[]string{"江滨东大道", "儒江东路", "君竹路", "沿山西路", "马江路"}},
	{"长乐区", 8, []string{"吴航街道", "航城街道", "营前街道", "首占镇", "金峰镇"},
		[]string{"郑和中路", "会堂路", "胜利路", "首占大道", "航城大道"}},
	{"闽侯县", 10, []string{"甘蔗街道", "上街镇", "南屿镇", "荆溪镇", "南通镇"},
		[]string{"闽侯大道", "学府南路", "乌龙江大道", "荆溪大道", "江滨路"}},
	{"连江县", 6, []string{"凤城镇", "敖江镇", "琯头镇", "东湖镇"},
		[]string{"滨江大道", "丹凤东路", "江滨南路", "通江路"}},
	{"福清市", 10, []string{"玉屏街道", "龙山街道", "音西街道", "宏路街道", "阳下街道"},
		[]string{"清昌大道", "福清大道", "一拂路", "龙江路", "东大路"}},
	{"闽清县", 4, []string{"梅城镇", "白樟镇", "云龙乡"},
		[]string{"台山路", "解放大街", "梅溪路"}},
}

// 社区 names; each street gets a few of them.
var shequNames = []string{"东湖", "西湖", "南门", "北门", "温泉", "华林", "丽景", "江滨", "金山", "湖前", "铜盘", "屏西",
	"洪山", "凤湖", "鳌峰", "三坊", "朱紫", "光禄", "文儒", "福屿", "琴亭", "茶亭", "建新", "盖山", "阳岐", "后坂", "排下",
	"福光", "鹤林", "象峰", "秀峰", "远洋", "连潘", "前横", "东门", "杨桥", "乌山", "双抛", "瀛洲", "龙津", "苍霞", "帮洲",
	"凤坂", "螺洲", "桥南", "观音井", "梅峰", "新权", "树兜", "斗池", "新店", "岭头", "琯尾", "鹭岭", "航华", "郑和"}

// The names of well-known developments; each is used at most once.
var brandedNames = []struct{ name, company string }{
	{"阳光城·翡丽湾", "阳光智博物业服务有限公司"},
	{"融侨锦江", "福建融侨物业服务有限公司"},
	{"三盛果岸", "三盛物业服务有限公司"},
	{"建发央著", "建发物业服务有限公司"},
	{"金山碧水", "福建金山物业服务有限公司"},
	{"世茂云图", "世茂物业服务有限公司"},
	{"正荣润城", "正荣物业服务有限公司"},
	{"融信江南", "融信物业服务有限公司"},
	{"阳光城·丽景湾", "阳光智博物业服务有限公司"},
	{"中庚香山", "中庚物业服务有限公司"},
	{"金辉优步大道", "金辉物业服务有限公司"},
	{"建发·玺院", "建发物业服务有限公司"},
	{"福泰苑", "福建福泰物业服务有限公司"},
	{"融侨观邸", "福建融侨物业服务有限公司"},
}

// Communities of each type are named from their own lists.
var namesByType = map[string]struct{ prefixes, suffixes []string }{
	"商品房": {
		[]string{"金山", "福泰", "融侨", "三盛", "阳光", "金辉", "正祥", "榕城", "江滨", "闽江", "鼓山", "西湖", "屏山",
			"香榭", "丽景", "锦绣", "碧水", "翠湖", "怡景", "书香", "紫阳", "榕郡", "金域", "御景", "滨江", "名仕", "左海",
			"温泉", "五凤", "湖滨", "东方", "海峡", "水韵", "梅峰", "华林", "盛世", "天元", "君临", "橄榄", "凤凰", "榕发",
			"怡乐", "嘉和", "恒力", "华润", "中海", "龙湖", "保利", "美伦", "聚龙"},
		[]string{"花园", "苑", "家园", "公寓", "府", "湾", "城", "华庭", "雅居", "名城", "山庄", "公馆", "嘉园", "首府",
			"一品", "里", "广场", "新城"},
	},
	"老旧小区": {
		[]string{"东门", "西门", "南门", "北门", "铜盘", "屏西", "湖前", "杨桥", "洪山", "福屿", "琴亭", "茶亭", "象园",
			"岳峰", "鳌峰", "五四北", "省直机关", "电业局", "粮食局", "水利局", "纺织厂", "化工厂", "邮电", "教师", "铁路",
			"树兜", "斗池", "梅峰", "新权", "观音井"},
		[]string{"新村", "小区", "宿舍", "里", "坊"},
	},
	"安置房": {
		[]string{"福湾", "阳岐", "胪雷", "凤坂", "新店", "浦下", "螺洲", "盖山", "建新", "首山", "后坂", "林浦", "鹤林",
			"琯尾", "岭头", "帝封江", "龙腰", "洪塘"},
		[]string{"安置小区", "新苑", "家园", "新城", "佳园"},
	},
	"保障性住房": {
		[]string{"福湾", "连潘", "前横", "鹤林", "浦上", "象园", "秀峰", "航华"},
		[]string{"公租房", "保障房小区", "人才公寓"},
	},
}

// Property service companies that are not a developer's own.
var companies = []string{
	"福建永安物业服务有限公司", "榕城佳园物业服务有限公司", "福建左海物业服务有限公司", "闽都安居物业服务有限公司",
	"嘉和物业服务有限公司", "福建恒通物业服务有限公司", "鑫城物业服务有限公司", "福建华闽物业服务有限公司",
	"万家物业服务有限公司", "福建宜居物业服务有限公司", "东方物业服务有限公司", "福建润泽物业服务有限公司",
	"仁和物业服务有限公司", "福建锦程物业服务有限公司", "安泰物业服务有限公司", "福建正祥物业服务有限公司",
	"和美物业服务有限公司", "福建乐居物业服务有限公司", "福建闽江物业服务有限公司", "海峡物业服务有限公司",
}

// Old communities without a company are often looked after by the street's
// own service centre or a state-owned company.
var publicCompanies = []string{"城投物业服务有限公司", "国有资产物业服务有限公司", "安居物业服务有限公司"}

// Inspectors of the district housing bureaux and representatives of the
// property companies who sign the records.
var inspectorNames = []string{"张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "黄磊", "赵敏", "吴强", "周婷", "林峰", "郑华",
	"陈建明", "林晓燕", "黄志强", "郑丽芳", "吴秀英", "何俊", "罗琳", "许文博", "谢雨桐", "游金水", "卢佳", "高翔",
	"翁晓丹", "蔡志远", "江海燕", "潘国庆", "叶青", "苏明辉"}

var representativeNames = []string{"林国栋", "陈美玲", "王建华", "郑晓东", "黄丽君", "刘志勇", "吴海燕", "张小燕", "蔡文杰",
	"翁秀琴", "江涛", "潘玉兰", "魏建平", "朱丽萍", "方志诚", "施雅琴", "池永福", "余晓华"}

// The community every demo holds exactly once, so that a search for
// "ylhy" (its pinyin initials) can be shown.
const showcaseName = "怡乐花园"

// pick returns a random element of list.
func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// round1 rounds to one decimal, round2 to two.
func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// cityPlan draws the communities of the city. The first one is always the
// showcase 怡乐花园 in 鼓楼区.
type cityPlan struct {
	r        *rand.Rand
	used     map[string]bool
	branded  int
	shequ    map[string][]string // street → its 社区
	district []string            // one per community, in order
}

func newCityPlan(r *rand.Rand) *cityPlan {
	return &cityPlan{r: r, used: map[string]bool{showcaseName: true}, shequ: map[string][]string{}}
}

func (p *cityPlan) pickDistrict() district {
	total := 0
	for _, d := range districts {
		total += d.weight
	}
	n := p.r.IntN(total)
	for _, d := range districts {
		if n < d.weight {
			return d
		}
		n -= d.weight
	}
	return districts[0]
}

func (p *cityPlan) shequOf(street string) string {
	list, ok := p.shequ[street]
	if !ok {
		n := 2 + p.r.IntN(3)
		seen := map[string]bool{}
		for len(list) < n {
			s := pick(p.r, shequNames)
			if !seen[s] {
				seen[s] = true
				list = append(list, s+"社区")
			}
		}
		p.shequ[street] = list
	}
	return pick(p.r, list)
}

func (p *cityPlan) pickType() string {
	switch x := p.r.Float64(); {
	case x < 0.70:
		return "商品房"
	case x < 0.87:
		return "老旧小区"
	case x < 0.97:
		return "安置房"
	default:
		return "保障性住房"
	}
}

// name draws an unused community name of the type; the company is set for
// the developments that have their own.
func (p *cityPlan) name(typ string) (name, company string) {
	if typ == "商品房" && p.branded < len(brandedNames) && chance(p.r, 0.12) {
		b := brandedNames[p.branded]
		p.branded++
		if !p.used[b.name] {
			p.used[b.name] = true
			return b.name, b.company
		}
	}
	parts := namesByType[typ]
	for attempt := 0; ; attempt++ {
		n := pick(p.r, parts.prefixes) + pick(p.r, parts.suffixes)
		switch {
		case attempt > 60: // a very large city: number the courts
			n += fmt.Sprintf("%d号院", attempt-60)
		case attempt > 20:
			n += []string{"二期", "三期", "北区", "南区", "东区", "西区"}[attempt%6]
		}
		if p.used[n] || strings.Contains(store.Initials(n), "ylhy") {
			continue
		}
		p.used[n] = true
		return n, ""
	}
}

// community draws the i-th community (0 is the showcase).
func (p *cityPlan) community(i int) inspection.Community {
	r := p.r
	d := p.pickDistrict()
	typ := p.pickType()
	var name, company string
	if i == 0 {
		d, typ, name = districts[0], "商品房", showcaseName
	} else {
		name, company = p.name(typ)
	}
	street := pick(r, d.streets)
	c := inspection.Community{
		Name:      name,
		District:  d.name,
		Street:    street,
		Community: p.shequOf(street),
		Address:   fmt.Sprintf("%s%s%d号", d.name, pick(r, d.roads), 1+r.IntN(480)),
		Type:      typ,
	}
	fillFacts(r, d, company, &c)
	return c
}

// fillFacts draws a community's households, property company (unless
// given), owners' organisation and the office's figures, in the same order
// for the demo and the city generator so both stay deterministic.
func fillFacts(r *rand.Rand, d district, company string, c *inspection.Community) {
	switch c.Type {
	case "商品房":
		c.Households = 300 + r.IntN(2701)
	case "老旧小区":
		c.Households = 120 + r.IntN(681)
	case "安置房":
		c.Households = 500 + r.IntN(2001)
	default:
		c.Households = 200 + r.IntN(801)
	}
	switch {
	case company != "":
	case c.Type == "老旧小区" && chance(r, 0.4):
		short := []rune(d.name)
		company = string(short[:len(short)-1]) + pick(r, publicCompanies) // 鼓楼区 → 鼓楼城投…
	default:
		company = pick(r, companies)
	}
	c.PropertyCompany = company
	x := r.Float64()
	switch {
	case c.Type == "老旧小区" && x < 0.15, c.Type != "老旧小区" && x < 0.55:
		c.Committee = "业主委员会"
	case c.Type == "老旧小区" && x < 0.60, c.Type != "老旧小区" && x < 0.78:
		c.Committee = "临时物业管理委员会"
	default:
		c.Committee = "无"
	}
	// Most communities have the office's figures; better-run ones (with an
	// owners' committee) tend to do better.
	bonus := 0.0
	if c.Committee == "业主委员会" {
		bonus = 4
	}
	if y := r.Float64(); y < 0.85 {
		s := round1(math.Min(99.5, 70+bonus+r.Float64()*(29.5-bonus)))
		c.Satisfaction = &s
		if y < 0.80 {
			cr := round2(0.1 + math.Pow(r.Float64(), 2)*7.9)
			c.ComplaintRate = &cr
		}
	}
}
