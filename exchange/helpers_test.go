package exchange

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

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// clock is a settable test clock moving one second per reading, so merge
// order never depends on the machine's wall clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(start time.Time) *clock { return &clock{t: start} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

var t0 = time.Date(2024, 8, 20, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// device is one installation in a test: its data file and its clock.
type device struct {
	t    testing.TB
	db   *store.DB
	path string
	name string
}

func newDevice(t testing.TB, name string) *device {
	t.Helper()
	return newDeviceAt(t, name, t0)
}

func newDeviceAt(t testing.TB, name string, start time.Time) *device {
	t.Helper()
	path := filepath.Join(t.TempDir(), name, "jiayuan.db")
	db, err := store.Open(context.Background(), path, store.Options{Now: newClock(start).Now, Actor: name + "操作员", DeviceName: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SaveTemplate(context.Background(), defaultTemplate(t)); err != nil {
		t.Fatal(err)
	}
	return &device{t: t, db: db, path: path, name: name}
}

// copyTo opens a copy of the device's (closed) data file under a new name.
func (d *device) copyTo(name string) *device {
	d.t.Helper()
	body, err := os.ReadFile(d.path)
	if err != nil {
		d.t.Fatal(err)
	}
	path := filepath.Join(d.t.TempDir(), name, "jiayuan.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		d.t.Fatal(err)
	}
	if err := os.WriteFile(path, body, 0o600); err != nil {
		d.t.Fatal(err)
	}
	db, err := store.Open(context.Background(), path, store.Options{Now: newClock(t0.Add(time.Hour)).Now, Actor: name})
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() { db.Close() })
	return &device{t: d.t, db: db, path: path, name: name}
}

func defaultTemplate(t testing.TB) *inspection.Template {
	t.Helper()
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// trust makes each device trust the others.
func trustAll(t testing.TB, devs ...*device) {
	t.Helper()
	for _, a := range devs {
		for _, b := range devs {
			if a != b {
				if _, err := a.db.TrustDevice(context.Background(), b.db.Device().PublicKey, b.name); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

func (d *device) community(name, district string) inspection.Community {
	d.t.Helper()
	c, err := d.db.AddCommunity(context.Background(), inspection.Community{Name: name, District: district, Street: "东街街道",
		Address: "福州市" + district + "某路1号", PropertyCompany: "福建美家物业服务有限公司", Households: 800, Type: "商品房"})
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

func (d *device) start(communityID string) inspection.Inspection {
	d.t.Helper()
	tpl := defaultTemplate(d.t)
	in, err := d.db.StartInspection(context.Background(), communityID, tpl.ID, tpl.Version, []string{d.name + "检查员"})
	if err != nil {
		d.t.Fatal(err)
	}
	return in
}

// answerAll judges every item (all pass, fee rate as given), with photo
// on every evidence item.
func (d *device) answerAll(inspectionID string, fee float64, photo []byte) {
	d.t.Helper()
	ctx := context.Background()
	for _, it := range defaultTemplate(d.t).Items() {
		var err error
		switch it.Kind {
		case inspection.KindCheck:
			_, err = d.db.SetResult(ctx, inspectionID, it.Code, inspection.Pass)
		case inspection.KindNumber:
			v := 98.0
			switch {
			case it.Metric == inspection.MetricFeeRate:
				v = fee
			case it.Metric == inspection.MetricComplaintRate:
				v = 0.5
			case it.Threshold != nil:
				v = it.Threshold.Value + 1
			}
			_, err = d.db.SetValue(ctx, inspectionID, it.Code, &v)
		case inspection.KindChoice:
			_, err = d.db.SetChoices(ctx, inspectionID, it.Code, it.Options[:1])
		case inspection.KindText:
			_, err = d.db.SetText(ctx, inspectionID, it.Code, "情况良好")
		}
		if err != nil {
			d.t.Fatalf("%s: %v", it.Code, err)
		}
		if it.Evidence && photo != nil {
			if _, err := d.db.AttachPhoto(ctx, inspectionID, it.Code, photo, false); err != nil {
				d.t.Fatalf("photo %s: %v", it.Code, err)
			}
		}
	}
}

func (d *device) finalize(inspectionID string) {
	d.t.Helper()
	if _, err := d.db.FinalizeInspection(context.Background(), inspectionID, []inspection.Signature{{Name: d.name + "检查员", Role: "检查员"}}); err != nil {
		d.t.Fatal(err)
	}
}

// finished makes a community with a finalized inspection and returns it.
func (d *device) finished(name, district string, fee float64, photo []byte) inspection.Inspection {
	d.t.Helper()
	c := d.community(name, district)
	in := d.start(c.ID)
	d.answerAll(in.ID, fee, photo)
	d.finalize(in.ID)
	return in
}

func (d *device) export(opts ExportOptions) string {
	d.t.Helper()
	path := filepath.Join(d.t.TempDir(), d.name+"-"+time.Now().Format("150405.000000")+Extension)
	if _, err := Export(context.Background(), d.db, path, opts); err != nil {
		d.t.Fatal(err)
	}
	return path
}

func (d *device) importOK(path string) Result {
	d.t.Helper()
	res := ImportFile(context.Background(), d.db, path, ImportOptions{})
	if res.Status != StatusMerged {
		d.t.Fatalf("import %s into %s: %s %s (%v)", filepath.Base(path), d.name, res.Status, res.Message, res.Err)
	}
	return res
}

func (d *device) digest() string {
	d.t.Helper()
	s, err := d.db.RecordDigest(context.Background())
	if err != nil {
		d.t.Fatal(err)
	}
	return s
}

func (d *device) verify() {
	d.t.Helper()
	rep, err := d.db.Verify(context.Background())
	if err != nil {
		d.t.Fatal(err)
	}
	if !rep.OK() {
		d.t.Fatalf("%s: verify: %v", d.name, rep.Problems)
	}
}

func testJPEG(t testing.TB, w, h int, seed uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += 3 {
		for x := 0; x < w; x += 3 {
			img.Set(x, y, color.RGBA{uint8(x) + seed, uint8(y) ^ seed, 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
