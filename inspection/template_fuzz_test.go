package inspection_test

import (
	"bytes"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// FuzzParseTemplate: a template file comes from a district (by package or
// Excel), so ParseTemplate must never panic, and a template it accepts
// must validate, answer lookups for each of its items and survive its own
// JSON form unchanged. Seeds: the default template (below) and
// testdata/fuzz/FuzzParseTemplate/ (small templates and broken ones).
func FuzzParseTemplate(f *testing.F) {
	f.Add(assets.DefaultTemplateJSON)
	f.Add([]byte(`{"id":"t","version":1,"name":"小","sections":[{"code":"1","title":"章","weight":1,` +
		`"items":[{"code":"1.1","text":"项","kind":"number","weight":1,"threshold":{"op":">=","value":95},"veto":true}]}]}`))
	f.Add([]byte(`{"id":"t","version":1,"name":"小","sections":[]}`))
	f.Add([]byte(`{"id":"t","version":1e400}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := inspection.ParseTemplate(data)
		if err != nil {
			if tpl != nil {
				t.Fatal("a template and an error")
			}
			return
		}
		if err := tpl.Validate(); err != nil {
			t.Fatalf("parsed but does not validate: %v", err)
		}
		for _, it := range tpl.Items() {
			if _, ok := tpl.Item(it.Code); !ok {
				t.Fatalf("item %s not found by its code", it.Code)
			}
			if _, ok := tpl.SectionOf(it.Code); !ok {
				t.Fatalf("item %s has no section", it.Code)
			}
			_ = it.Scored()
			if it.Threshold != nil {
				_ = it.Threshold.String()
			}
		}
		js, err := inspection.MarshalTemplate(tpl)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := inspection.ParseTemplate(js)
		if err != nil {
			t.Fatalf("does not survive its JSON form: %v\n%s", err, js)
		}
		js2, _ := inspection.MarshalTemplate(back)
		if !bytes.Equal(js, js2) {
			t.Fatalf("JSON form not stable:\n%s\n%s", js, js2)
		}
	})
}
