package exchange

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// synthPackage writes a district-sized package without going through a
// data file: n finalized inspections, each of its own community, every
// item of the default template answered, photosPer small photos each
// (distinct), signed by key. It is what a district sends the city, made
// in seconds instead of tens of thousands of autosaves.
func synthPackage(t testing.TB, dir string, key ed25519.PrivateKey, n, photosPer int) string {
	t.Helper()
	ctx := context.Background()
	pub := key.Public().(ed25519.PublicKey)
	dev := store.DeviceID(pub)
	tpl := defaultTemplate(t)
	body, err := inspection.MarshalTemplate(tpl)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 9, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	counter := 0
	next := func() (string, string) {
		counter++
		at := base.Add(time.Duration(counter) * time.Millisecond)
		return fmt.Sprintf("%013d-%05d-%s", at.UnixMilli(), 0, dev), at.Format("2006-01-02T15:04:05.000Z07:00")
	}
	row := func(entity string, vals ...any) store.Row {
		v, at := next()
		vals = append(vals, v, "", dev, "合成数据", at)
		norm, err := store.NormalizeRow(entity, vals)
		if err != nil {
			t.Fatal(err)
		}
		return store.Row{Entity: entity, Values: norm, Clock: store.Clock{dev: v}}
	}
	rows := []store.Row{row("templates", fmt.Sprintf("%s@%d", tpl.ID, tpl.Version), tpl.ID, int64(tpl.Version), tpl.Name, tpl.CommunityType, string(body))}
	var photos []store.Photo
	var evidence []inspection.Item
	for _, it := range tpl.Items() {
		if it.Evidence {
			evidence = append(evidence, it)
		}
	}
	for i := 0; i < n; i++ {
		cid, iid := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
		rows = append(rows, row("communities", cid, fmt.Sprintf("合成小区%04d", i), "鼓楼区", "东街街道", "", "某路1号", "某物业", int64(500+i),
			"商品房", "", nil, nil))
		answers := map[string]inspection.Answer{}
		var shas []string
		for p := 0; p < photosPer; p++ {
			ph := synthPhoto(t, i*photosPer+p)
			photos = append(photos, ph)
			shas = append(shas, ph.SHA256)
		}
		for k, it := range tpl.Items() {
			a := inspection.Answer{InspectionID: iid, ItemCode: it.Code, Choices: []string{}, Photos: []string{}}
			switch it.Kind {
			case inspection.KindCheck:
				a.Result = inspection.Pass
			case inspection.KindNumber:
				v := 98.0
				if it.Threshold != nil {
					v = it.Threshold.Value + 1
				}
				a.Value = &v
			case inspection.KindChoice:
				a.Choices = it.Options[:1]
			case inspection.KindText:
				a.Text = "情况良好"
			}
			for p := k; p < len(shas); p += len(tpl.Items()) {
				a.Photos = append(a.Photos, shas[p])
			}
			answers[it.Code] = a
		}
		// Photos beyond one per item go on the evidence items.
		for p := len(tpl.Items()); p < len(shas); p++ {
			it := evidence[p%len(evidence)]
			a := answers[it.Code]
			a.Photos = append(a.Photos, shas[p])
			answers[it.Code] = a
		}
		started := base.Add(time.Duration(i) * time.Minute)
		fin := started.Add(time.Hour)
		in := inspection.Inspection{ID: iid, CommunityID: cid, TemplateID: tpl.ID, TemplateVersion: tpl.Version, Inspectors: []string{"合成检查员"},
			StartedAt: started, Status: inspection.Finalized, FinalizedAt: &fin,
			Signatures: []inspection.Signature{{Name: "合成检查员", Role: "检查员", SignedAt: fin}}}
		sigs, _ := json.Marshal(in.Signatures)
		inspectors, _ := json.Marshal(in.Inspectors)
		rows = append(rows, row("inspections", iid, cid, tpl.ID, int64(tpl.Version), string(inspectors),
			started.Format("2006-01-02T15:04:05.000Z07:00"), "finalized", fin.Format("2006-01-02T15:04:05.000Z07:00"), string(sigs), nil, "",
			inspection.ContentDigest(in, answers)))
		for _, it := range tpl.Items() {
			a := answers[it.Code]
			choices, _ := json.Marshal(a.Choices)
			ps, _ := json.Marshal(a.Photos)
			var value any
			if a.Value != nil {
				value = *a.Value
			}
			rows = append(rows, row("answers", store.AnswerID(iid, it.Code), iid, it.Code, string(a.Result), value, string(choices), a.Text,
				a.Note, string(ps)))
		}
	}
	h := Header{Format: FormatVersion, PackageID: uuid.Must(uuid.NewV7()).String(), CreatedAt: base, SignerID: dev, SignerName: "合成区局",
		SignerKey: pub, Content: "all", Counts: map[string]int{}}
	for _, r := range rows {
		h.Counts[r.Entity]++
	}
	h.Counts["photos"] = len(photos)
	dbPath := filepath.Join(dir, "synth.db")
	err = buildDB(ctx, dbPath, h, rows, len(photos), func(fn func(store.Photo) error) error {
		for _, p := range photos {
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(dbPath)
	out := filepath.Join(dir, fmt.Sprintf("district-%d%s", n, Extension))
	if _, err := writePackageFile(out, dbPath, h, func(m []byte) []byte { return ed25519.Sign(key, m) }, nil); err != nil {
		t.Fatal(err)
	}
	return out
}

// synthPhoto is a small distinct JPEG (a few hundred bytes).
func synthPhoto(t testing.TB, i int) store.Photo {
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	for b := 0; b < 16; b++ { // each of the low 16 bits of i a 4×4 block, black or white
		v := uint8(0)
		if i>>b&1 == 1 {
			v = 255
		}
		for y := 0; y < 4; y++ {
			for x := 0; x < 4; x++ {
				img.SetGray((b%4)*4+x, (b/4)%4*4+y, color.Gray{Y: v})
			}
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b.Bytes())
	return store.Photo{SHA256: hex.EncodeToString(sum[:]), Mime: "image/jpeg", Width: 16, Height: 16, Data: b.Bytes()}
}
