package inspection_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

func TestDefaultTemplate(t *testing.T) {
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatalf("default template: %v", err)
	}
	if len(tpl.Sections) != 13 {
		t.Errorf("sections = %d, want the seed's 13 requirements", len(tpl.Sections))
	}
	var weights float64
	for _, s := range tpl.Sections {
		weights += s.Weight
	}
	if weights != 100 {
		t.Errorf("section weights sum to %v, want 100", weights)
	}
	for _, m := range []inspection.Metric{inspection.MetricSatisfaction, inspection.MetricComplaintRate, inspection.MetricFeeRate} {
		if _, ok := tpl.MetricItem(m); !ok {
			t.Errorf("no item carries metric %s", m)
		}
	}
	fee, _ := tpl.MetricItem(inspection.MetricFeeRate)
	if !fee.Veto || fee.Threshold == nil || fee.Threshold.Value != 95 {
		t.Errorf("fee rate item: %+v", fee)
	}
	vetoes := map[string]bool{}
	for _, it := range tpl.Items() {
		if it.Veto {
			vetoes[it.Text] = true
		}
	}
	for _, want := range []string{"未发生较大安全事故", "无占用、堵塞消防车通道现象", "物业服务企业1年内无行政处罚记录", "物业费收费率"} {
		if !vetoes[want] {
			t.Errorf("%q should be a veto item", want)
		}
	}
	// Round trip through JSON keeps the template.
	data, err := inspection.MarshalTemplate(tpl)
	if err != nil {
		t.Fatal(err)
	}
	back, err := inspection.ParseTemplate(data)
	if err != nil || len(back.Items()) != len(tpl.Items()) {
		t.Fatalf("round trip: %v", err)
	}
}

func TestTemplateValidateNamesEachProblem(t *testing.T) {
	cases := []struct {
		name string
		json string
		want []string
	}{
		{"empty", `{}`, []string{"模板编号为空", "版本号必须是正整数", "模板名称为空", "没有任何章节"}},
		{"unknown field", `{"id":"x","version":1,"name":"n","sections":[],"colour":"red"}`, []string{"无法读取模板文件", "colour"}},
		{"bad json", `{"id":`, []string{"无法读取模板文件"}},
		{"item problems", `{"id":"x","version":1,"name":"n","sections":[{"code":"1","title":"甲","weight":-1,"items":[
			{"code":"1.1","text":"a","kind":"check","weight":1},
			{"code":"1.1","text":"b","kind":"check","weight":1},
			{"code":"1.3","text":"","kind":"numbr","weight":1},
			{"code":"1.4","text":"c","kind":"number","threshold":{"op":"~","value":1},"weight":1},
			{"code":"1.5","text":"d","kind":"text","veto":true,"weight":1},
			{"code":"1.6","text":"e","kind":"choice","options":["x","x"],"min_selected":3,"weight":1},
			{"code":"1.7","text":"f","kind":"check","metric":"fee_rate","weight":1}
		]}]}`, []string{
			"第1章「甲」：章节权重必须是非负数",
			"第1章「甲」第2项（1.1）：检查项编号 1.1 与第1章「甲」重复",
			"第1章「甲」第3项（1.3）：检查内容为空",
			"类型「numbr」无法识别",
			"阈值比较符「~」无法识别",
			"（1.5）：一票否决项必须可判定",
			"选项「x」重复",
			"至少选择数 3 超出选项个数 2",
			"（1.7）：指标「fee_rate」只能用于数值题",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := inspection.ParseTemplate([]byte(c.json))
			if !errors.Is(err, inspection.ErrInvalidTemplate) {
				t.Fatalf("err = %v, want ErrInvalidTemplate", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestCommunityValidate(t *testing.T) {
	neg := -1.0
	c := inspection.Community{Name: "  ", District: "", Households: -3, ComplaintRate: &neg}
	err := c.Validate()
	if !errors.Is(err, inspection.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	for _, w := range []string{"小区名称不能为空", "县（市）区不能为空", "户数不能为负数", "投诉率不能为负数"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("missing %q in %v", w, err)
		}
	}
	ok := inspection.Community{Name: " 怡乐花园 ", District: "鼓楼区"}
	if err := ok.Validate(); err != nil || ok.Name != "怡乐花园" {
		t.Errorf("valid community: %v %q", err, ok.Name)
	}
}
