package xlsx_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func openDB(t testing.TB) *store.DB {
	t.Helper()
	ck := &clock{t: time.Date(2024, 8, 20, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "测试 数据.db"), store.Options{Now: ck.Now, Actor: "测试员"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveTemplate(context.Background(), tpl); err != nil {
		t.Fatal(err)
	}
	return db
}

// photo makes a JPEG test picture of w×h pixels with a gradient and a
// diagonal, so scaling mistakes are visible in rendered pages.
func photo(w, h int, tint uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), tint, uint8(y * 255 / h), 255})
		}
	}
	for i := 0; i < min(w, h); i++ {
		for d := -3; d <= 3; d++ {
			img.Set(i*w/min(w, h)+d, i*h/min(w, h), color.White)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes()
}

// signature makes a transparent PNG with a scribble, as the signature pad
// would.
func signature() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 600, 200))
	for x := 40; x < 560; x++ {
		y := 100 + int(50*float64((x%120)-60)/60)
		for d := -2; d <= 2; d++ {
			img.Set(x, y+d, color.NRGBA{0, 0, 80, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

type recordOpts struct {
	name      string
	district  string
	veto      bool // fail 8.4 and fee rate below 95
	photos    int  // photos on item 1.1 (evidence items get one each anyway)
	finalize  bool
	longNotes bool
	noPhotos  bool // no evidence photos at all (a draft)
}

// makeRecord fills an inspection of a new community through the store API
// and returns its id.
func makeRecord(t testing.TB, db *store.DB, o recordOpts) string {
	t.Helper()
	ctx := context.Background()
	if o.name == "" {
		o.name = "怡乐花园"
	}
	if o.district == "" {
		o.district = "鼓楼区"
	}
	c, err := db.AddCommunity(ctx, inspection.Community{
		Name: o.name, District: o.district, Street: "东街街道", Community: "南营社区",
		Address: "福州市" + o.district + "东街88号", PropertyCompany: "福建美家物业服务有限公司",
		Households: 860, Type: "商品房", Committee: "业主委员会",
	})
	if err != nil {
		t.Fatal(err)
	}
	in, err := db.StartInspection(ctx, c.ID, "meihao-2024", 1, []string{"林晓梅", "陈建国"})
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := db.Template(ctx, "meihao-2024", 1)
	pic := [][]byte{photo(1200, 900, 40), photo(900, 1200, 160), photo(1600, 500, 220)}
	n := 0
	for _, it := range tpl.Items() {
		a := inspection.Answer{InspectionID: in.ID, ItemCode: it.Code}
		switch it.Kind {
		case inspection.KindCheck:
			a.Result = inspection.Pass
			switch {
			case it.Code == "8.4" && o.veto:
				a.Result, a.Note = inspection.Fail, "东侧消防车通道被私家车占用，现场拍照留证"
			case it.Code == "10.1" || it.Code == "8.1":
				a.Result, a.Note = inspection.Fail, "2号楼灭火器过期；楼道堆放杂物"
			case it.Code == "9.3":
				a.Result = inspection.NA
			}
		case inspection.KindNumber:
			v := 98.5
			switch it.Metric {
			case inspection.MetricFeeRate:
				if o.veto {
					v = 93.5
				}
			case inspection.MetricComplaintRate:
				v = 0.8
			}
			if it.Code == "10.9" {
				v = 2
			}
			a.Value = &v
		case inspection.KindChoice:
			a.Choices = []string{"养老", "快递收发"}
		case inspection.KindText:
			a.Text = "情况良好"
		}
		if o.longNotes && it.Code == "5.2" {
			long := ""
			for i := 0; i < 60; i++ {
				long += fmt.Sprintf("第%d条：业委会会议记录不规范，需补充签到表和表决结果公示；", i+1)
			}
			a.Note = long
		}
		if o.longNotes && it.Code == "1.1" {
			a.Note = "Emoji 😀 与生僻字 𠮷 和制表符\t以及 ASCII words: supercalifragilisticexpialidocious-and-a-very-long-url-https://example.com/a/b/c/d/e/f/g"
		}
		if _, err := db.SetAnswer(ctx, a); err != nil {
			t.Fatalf("%s: %v", it.Code, err)
		}
		if it.Evidence && !o.noPhotos {
			k := 1
			if it.Code == "1.1" {
				k = max(o.photos, 1)
			}
			for i := 0; i < k; i++ {
				if _, err := db.AttachPhoto(ctx, in.ID, it.Code, pic[(n+i)%len(pic)], false); err != nil {
					t.Fatal(err)
				}
			}
			n++
		}
	}
	if o.finalize {
		sig, err := db.StorePhoto(ctx, signature())
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.FinalizeInspection(ctx, in.ID, []inspection.Signature{
			{Name: "林晓梅", Role: "检查员", ImageSHA: sig.SHA256},
			{Name: "陈建国", Role: "检查员"},
			{Name: "王物业", Role: "物业服务企业代表", ImageSHA: sig.SHA256},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return in.ID
}
