package pdf_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/report/pdf"
	"github.com/jung-kurt/gofpdf"
)

// BenchmarkRecord10Photos prints a finalized record with 10 photos on
// item 1.1 (plus the evidence photos of the other items: 22 in all).
func BenchmarkRecord10Photos(b *testing.B) {
	db := openDB(b)
	id := makeRecord(b, db, recordOpts{Finalize: true, Photos: 10, Veto: true})
	doc := document(b, db, id)
	photos := map[string][]byte{}
	for _, a := range doc.Record.Answers {
		for _, sha := range a.Photos {
			photos[sha], _ = doc.Photo(sha)
		}
	}
	for _, s := range doc.Record.Inspection.Signatures {
		if s.ImageSHA != "" {
			photos[s.ImageSHA], _ = doc.Photo(s.ImageSHA)
		}
	}
	doc.Photo = func(sha string) ([]byte, error) { return photos[sha], nil } // no database in the loop
	fo, err := pdf.DefaultFont()
	if err != nil {
		b.Fatal(err)
	}
	var size int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := fo.Write(&buf, doc); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1024, "KB")
}

// BenchmarkPlainGofpdf is the baseline: gofpdf writing the same texts and
// photos without our layout, adding the font the ordinary way (parsed per
// document).
func BenchmarkPlainGofpdf(b *testing.B) {
	db := openDB(b)
	id := makeRecord(b, db, recordOpts{Finalize: true, Photos: 10, Veto: true})
	doc := document(b, db, id)
	var texts []string
	var imgs [][]byte
	for _, it := range doc.Record.Template.Items() {
		a := doc.Record.Answers[it.Code]
		texts = append(texts, it.Code+" "+it.Text+" "+a.Result.Label()+" "+a.Note)
		for _, sha := range a.Photos {
			data, _ := doc.Photo(sha)
			imgs = append(imgs, data)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := gofpdf.New("P", "mm", "A4", "")
		f.AddUTF8FontFromBytes("cjk", "", assets.FontTTF)
		f.SetFont("cjk", "", 9)
		f.AddPage()
		for _, s := range texts {
			f.MultiCell(180, 5, s, "1", "L", false)
		}
		for j, img := range imgs {
			name := string(rune('a' + j))
			f.RegisterImageOptionsReader(name, gofpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(img))
			if f.GetY() > 230 {
				f.AddPage()
			}
			f.ImageOptions(name, 15, f.GetY(), 50, 0, true, gofpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		}
		if err := f.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
