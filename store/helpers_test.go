package store_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// fakeClock is a settable clock that moves one second per reading, so
// tests do not depend on the wall clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 8, 20, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func defaultTemplate(t testing.TB) *inspection.Template {
	t.Helper()
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// openTest opens a fresh data file in t.TempDir() with the default
// template installed.
func openTest(t testing.TB) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := store.Open(context.Background(), path, store.Options{Now: newClock().Now, Actor: "测试员"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SaveTemplate(context.Background(), defaultTemplate(t)); err != nil {
		t.Fatal(err)
	}
	return db, path
}

func addCommunity(t testing.TB, db *store.DB, name, district string) inspection.Community {
	t.Helper()
	c, err := db.AddCommunity(context.Background(), inspection.Community{
		Name: name, District: district, Street: "东街街道", Address: "福州市" + district + "某路1号",
		PropertyCompany: "福建美家物业服务有限公司", Households: 800, Type: "商品房",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func fp(v float64) *float64 { return &v }

// answerAll judges every item of the default template: all pass, fee rate
// as given, with a photo on every evidence item.
func answerAll(t testing.TB, db *store.DB, tpl *inspection.Template, inspectionID string, fee float64, photo []byte) {
	t.Helper()
	ctx := context.Background()
	for _, it := range tpl.Items() {
		var err error
		switch it.Kind {
		case inspection.KindCheck:
			_, err = db.SetResult(ctx, inspectionID, it.Code, inspection.Pass)
		case inspection.KindNumber:
			v := 98.0
			if it.Metric == inspection.MetricFeeRate {
				v = fee
			} else if it.Metric == inspection.MetricComplaintRate {
				v = 0.5
			} else if it.Threshold != nil {
				v = it.Threshold.Value + 1
			}
			_, err = db.SetValue(ctx, inspectionID, it.Code, &v)
		case inspection.KindChoice:
			_, err = db.SetChoices(ctx, inspectionID, it.Code, it.Options[:1])
		case inspection.KindText:
			_, err = db.SetText(ctx, inspectionID, it.Code, "情况良好")
		}
		if err != nil {
			t.Fatalf("%s: %v", it.Code, err)
		}
		if it.Evidence {
			if _, err := db.AttachPhoto(ctx, inspectionID, it.Code, photo, false); err != nil {
				t.Fatalf("photo %s: %v", it.Code, err)
			}
		}
	}
}
