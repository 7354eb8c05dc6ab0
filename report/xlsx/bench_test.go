package xlsx_test

import (
	"fmt"
	"io"
	"iter"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
)

// syntheticCity yields n communities, each with a finalized record of the
// default template (every item answered, some failing), built in memory.
func syntheticCity(tpl *inspection.Template, n int) iter.Seq2[xlsx.Result, error] {
	return func(yield func(xlsx.Result, error) bool) {
		for i := 0; i < n; i++ {
			c := inspection.Community{ID: fmt.Sprint(i), Name: fmt.Sprintf("小区%05d", i), District: fmt.Sprintf("第%d区", i%13),
				Street: "东街街道", Address: "某路1号", PropertyCompany: "某物业服务有限公司", Households: 500 + i%700, Type: "商品房"}
			answers := map[string]inspection.Answer{}
			for j, it := range tpl.Items() {
				a := inspection.Answer{ItemCode: it.Code}
				switch it.Kind {
				case inspection.KindCheck:
					a.Result = inspection.Pass
					if (i+j)%17 == 0 {
						a.Result, a.Note = inspection.Fail, "发现问题，需要整改"
					}
				case inspection.KindNumber:
					v := 90 + float64((i+j)%10)
					a.Value = &v
				case inspection.KindChoice:
					a.Choices = it.Options[:1]
				case inspection.KindText:
					a.Text = "情况良好"
				}
				answers[it.Code] = a
			}
			rec := &inspection.Record{Community: c, Template: tpl, Answers: answers,
				Inspection: inspection.Inspection{ID: fmt.Sprint("r", i), StartedAt: time.Date(2024, 8, 20, 9, 0, 0, 0, time.UTC),
					Status: inspection.Finalized, TemplateID: tpl.ID, TemplateVersion: tpl.Version, Inspectors: []string{"检查员"}}}
			rec.Score = inspection.Score(tpl, answers)
			if !yield(xlsx.Result{Community: c, Record: rec}, nil) {
				return
			}
		}
	}
}

// BenchmarkSummary5000 writes the summary of 5,000 communities × 46 items
// and reports the peak heap seen while writing.
func BenchmarkSummary5000(b *testing.B) {
	tpl, _ := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var peak atomic.Uint64
		done := make(chan struct{})
		go func() {
			var m runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
				}
			}
		}()
		if err := xlsx.WriteSummary(io.Discard, syntheticCity(tpl, 5000), xlsx.SummaryOptions{Template: tpl}); err != nil {
			b.Fatal(err)
		}
		close(done)
		b.ReportMetric(float64(peak.Load())/(1<<20), "peakMB")
	}
}
