package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// testClock moves one second per reading from a fixed start, so versions
// and scores do not depend on the wall clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// openTestDB opens a real data file in t.TempDir() with the default
// template and a few communities.
func openTestDB(t *testing.T) (*store.DB, *inspection.Template) {
	t.Helper()
	ctx := context.Background()
	clock := &testClock{t: time.Date(2024, 9, 2, 9, 0, 0, 0, time.Local)}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "ui.db"), store.Options{Now: clock.Now, Actor: "测试员"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	for _, c := range []inspection.Community{
		{Name: "怡乐花园", District: "鼓楼区", Street: "东街街道", Address: "福州市鼓楼区怡乐路1号", PropertyCompany: "福建美家物业服务有限公司", Households: 860, Type: "商品房", Committee: "业主委员会"},
		{Name: "金山碧水", District: "仓山区", Street: "金山街道", Address: "福州市仓山区金山大道8号", PropertyCompany: "融信物业", Households: 1200, Type: "商品房"},
		{Name: "三坊七巷小区", District: "鼓楼区", Street: "南街街道", Address: "福州市鼓楼区南后街", Households: 300, Type: "老旧小区"},
	} {
		if _, err := db.AddCommunity(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	return db, tpl
}

// newTestUI builds the real window over db with background work run
// inline, so a test sees every result as soon as its action returns.
func newTestUI(t *testing.T, db *store.DB) *App {
	t.Helper()
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme())
	u := newApp(a, Options{DB: db})
	u.async = func(f func()) { f() }
	u.debounce = 0
	u.busyDelay = time.Hour
	u.now = func() time.Time { return time.Date(2024, 9, 10, 12, 0, 0, 0, time.Local) }
	u.build()
	u.start()
	u.window.Resize(fyne.NewSize(1180, 760))
	t.Cleanup(func() { u.window.Close() })
	return u
}

func communityID(t *testing.T, db *store.DB, name string) string {
	t.Helper()
	rows, err := db.ListCommunityRows(context.Background(), store.CommunityRowFilter{Query: name})
	if err != nil || len(rows) != 1 {
		t.Fatalf("community %s: %d rows, %v", name, len(rows), err)
	}
	return rows[0].ID
}

// startInspection starts an inspection of a community through the
// detail screen's 开始检查 dialog and returns its checklist.
func startInspection(t *testing.T, u *App, name string) *inspectScreen {
	t.Helper()
	u.showCommunity(communityID(t, u.db, name))
	test.Tap(u.community.start)
	d := u.community.startDialog
	if d == nil {
		t.Fatal("开始检查 opened no dialog")
	}
	d.inspectors.SetText("张三、李四")
	test.Tap(d.ok)
	if u.inspect == nil {
		t.Fatalf("no checklist opened; dialog says %q", d.errLabel.Text)
	}
	return u.inspect
}

// card finds the card of an item, showing its section.
func card(t *testing.T, s *inspectScreen, code string) *itemCard {
	t.Helper()
	s.goTo(code)
	for _, c := range s.cards {
		if c.item.Code == code {
			return c
		}
	}
	t.Fatalf("item %s not shown", code)
	return nil
}

func storedAnswer(t *testing.T, db *store.DB, inspectionID, code string) inspection.Answer {
	t.Helper()
	rec, err := db.Inspection(context.Background(), inspectionID)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Answers[code]
}

// answerAllPassing answers every item through the store: checks pass,
// numbers meet their thresholds, one option chosen, evidence attached.
func answerAllPassing(t *testing.T, db *store.DB, tpl *inspection.Template, id string) {
	t.Helper()
	ctx := context.Background()
	photo := testJPEG(t)
	for _, it := range tpl.Items() {
		var err error
		switch it.Kind {
		case inspection.KindCheck:
			_, err = db.SetResult(ctx, id, it.Code, inspection.Pass)
		case inspection.KindNumber:
			v := 98.0
			if it.Metric == inspection.MetricComplaintRate {
				v = 0.5
			}
			_, err = db.SetValue(ctx, id, it.Code, &v)
		case inspection.KindChoice:
			_, err = db.SetChoices(ctx, id, it.Code, it.Options[:max(1, it.MinSelected)])
		case inspection.KindText:
			_, err = db.SetText(ctx, id, it.Code, "情况良好")
		}
		if err != nil {
			t.Fatalf("%s: %v", it.Code, err)
		}
		if it.Evidence {
			if _, err := db.AttachPhoto(ctx, id, it.Code, photo, false); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func testJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{R: uint8(x * 4), G: uint8(y * 5), B: 120, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }
