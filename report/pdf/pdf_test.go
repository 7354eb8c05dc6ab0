package pdf_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/pdf"
)

// keep writes a test PDF to $JIAYUAN_KEEP_PDF (if set) so that a person
// can look at it.
func keep(t testing.TB, name string, data []byte) {
	if dir := os.Getenv("JIAYUAN_KEEP_PDF"); dir != "" {
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
}

func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed", name)
	}
	return p
}

// pdfText extracts the text with poppler's pdftotext.
func pdfText(t testing.TB, data []byte) string {
	t.Helper()
	return pdfTextMode(t, data, "-layout")
}

func pdfTextMode(t testing.TB, data []byte, mode string) string {
	t.Helper()
	cmd := exec.Command(tool(t, "pdftotext"), mode, "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func pdfPages(t testing.TB, data []byte) int {
	t.Helper()
	cmd := exec.Command(tool(t, "pdfinfo"), "-")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("pdfinfo: no page count in %s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func qpdfCheck(t testing.TB, data []byte) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "check.pdf")
	os.WriteFile(f, data, 0o644)
	out, err := exec.Command(tool(t, "qpdf"), "--check", f).CombinedOutput()
	if err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

func render(t testing.TB, doc pdf.Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pdf.Write(&b, doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// squash removes the spaces pdftotext puts between CJK glyphs and line
// breaks, so that phrases can be searched.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func TestFinalizedVetoRecord(t *testing.T) {
	db := openDB(t)
	id := makeRecord(t, db, recordOpts{Veto: true, Finalize: true, Photos: 4})
	doc := document(t, db, id)
	data := render(t, doc)
	keep(t, "veto.pdf", data)
	qpdfCheck(t, data)
	pages := pdfPages(t, data)
	text := pdfText(t, data)
	flat := squash(text)
	for _, want := range []string{
		"怡乐花园", "鼓楼区/东街街道/南营社区", "福建美家物业服务有限公司", "林晓梅、陈建国",
		"一票否决", "不具备“美好家园”小区评选资格", "东侧消防车通道被私家车占用",
		"物业费收费率为93.5%，未达到≥95%（一票否决）",
		"实测值：98.5%", "已选：养老、快递收发", "不适用", "整改事项",
		"记录编号" + id, "内容摘要" + doc.Record.ContentDigest[:12],
		"第1页共" + strconv.Itoa(pages) + "页", "第" + strconv.Itoa(pages) + "页共" + strconv.Itoa(pages) + "页",
		"物业服务企业代表", "王物业",
	} {
		if !strings.Contains(flat, squash(want)) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	raw := squash(pdfTextMode(t, data, "-raw")) // in drawing order: a cell's lines together
	for _, it := range doc.Record.Template.Items() {
		want := it.Code + squash(it.Text)
		if it.Veto {
			want = it.Code + "否决项" + squash(it.Text)
		}
		if !strings.Contains(raw, want) {
			t.Errorf("PDF text lacks item %s %s", it.Code, it.Text)
		}
	}
	if strings.Contains(flat, "草稿") {
		t.Error("a finalized record is labelled 草稿")
	}
	if pages < 3 {
		t.Errorf("only %d pages for a record with photos", pages)
	}
	t.Logf("finalized record with %d photos: %d pages, %d KB", 4+13, pages, len(data)/1024)
}

func TestDraftWithoutPhotosIsSmall(t *testing.T) {
	db := openDB(t)
	id := makeRecord(t, db, recordOpts{NoPhotos: true})
	data := render(t, document(t, db, id))
	keep(t, "draft.pdf", data)
	qpdfCheck(t, data)
	flat := squash(pdfText(t, data))
	for _, want := range []string{"草稿（未定稿）", "无内容摘要", "需佐证照片：未附", "检查人员（签字）"} {
		if !strings.Contains(flat, want) {
			t.Errorf("draft PDF text lacks %q", want)
		}
	}
	if strings.Contains(flat, "一票否决：") {
		t.Error("a record without veto findings shows one")
	}
	// The whole font is 4.6 MB; subset, a record is a few tens of KB.
	if len(data) > 80<<10 {
		t.Errorf("draft without photos is %d KB; the font is not subset?", len(data)>>10)
	}
	t.Logf("draft without photos: %d pages, %d KB", pdfPages(t, data), len(data)>>10)
}

func TestHostileText(t *testing.T) {
	db := openDB(t)
	id := makeRecord(t, db, recordOpts{LongNotes: true, Finalize: true})
	doc := document(t, db, id)
	// A data value that looks like the page-count placeholder must print
	// as is (private-use characters are dropped), not be replaced.
	doc.Record.Community.Name = "怡乐\ue000花园{nb}"
	data := render(t, doc)
	keep(t, "hostile.pdf", data)
	qpdfCheck(t, data)
	flat := squash(pdfText(t, data))
	for _, want := range []string{"怡乐花园{nb}", "第60条", "□", "supercalifragilisticexpialidocious"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func TestMissingAndBrokenPhotos(t *testing.T) {
	db := openDB(t)
	id := makeRecord(t, db, recordOpts{Finalize: true})
	doc := document(t, db, id)
	calls := 0
	doc.Photo = func(sha string) ([]byte, error) {
		calls++
		switch calls % 3 {
		case 0:
			return nil, inspection.ErrNotFound
		case 1:
			return []byte("\xff\xd8\xff garbage"), nil
		}
		return photo(10, 4000, 0), nil // extremely tall
	}
	data := render(t, doc)
	keep(t, "broken-photos.pdf", data)
	qpdfCheck(t, data)
	flat := squash(pdfText(t, data))
	for _, want := range []string{"照片缺失", "照片无法识别"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks placeholder %q", want)
		}
	}
}

func TestAmendmentHistory(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	id := makeRecord(t, db, recordOpts{Finalize: true})
	am, err := db.AmendInspection(ctx, id, "物业费收费率录入错误，按财务报表更正")
	if err != nil {
		t.Fatal(err)
	}
	v := 96.2
	if _, err := db.SetValue(ctx, am.ID, "11.2", &v); err != nil {
		t.Fatal(err)
	}
	orig, corr := document(t, db, id), document(t, db, am.ID)
	chain := []inspection.Record{orig.Record, corr.Record}
	corr.Chain, orig.Chain = chain, chain
	data := render(t, corr)
	keep(t, "amended.pdf", data)
	flat := squash(pdfText(t, data))
	for _, want := range []string{"更正记录", "本记录更正了2024-08-2009:01定稿的记录" + id, "更正原因：物业费收费率录入错误，按财务报表更正",
		"11.2物业费收费率：98.5%符合→96.2%符合", "原始记录", "（本记录）"} {
		if !strings.Contains(flat, squash(want)) {
			t.Errorf("amended PDF lacks %q", want)
		}
	}
	flat = squash(pdfText(t, render(t, orig)))
	if !strings.Contains(flat, "本记录已被更正，以最新的更正记录"+am.ID+"为准") {
		t.Error("the original does not say it was corrected")
	}
}

func TestParseFontRefusesUnusableFonts(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":     nil,
		"ttc":       append([]byte("ttcf\x00\x01\x00\x00"), make([]byte, 64)...),
		"cff":       append([]byte("OTTO"), make([]byte, 64)...),
		"garbage":   []byte("this is not a font at all"),
		"truncated": append([]byte("\x00\x01\x00\x00\x00\x10"), make([]byte, 30)...),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := pdf.ParseFont(data)
			if err == nil || !strings.Contains(err.Error(), "字体") {
				t.Fatalf("ParseFont(%s) = %v, want a font error", name, err)
			}
		})
	}
}

// TestOnePageRecordSize: a short one-page Chinese record without photos
// stays a few tens of KB (the 4.6 MB font is subset to the glyphs used).
func TestOnePageRecordSize(t *testing.T) {
	tpl := &inspection.Template{ID: "mini", Version: 1, Name: "老旧小区简易检查", Sections: []inspection.Section{
		{Code: "1", Title: "环境与设施", Weight: 1, Items: []inspection.Item{
			{Code: "1.1", Text: "小区环境整洁", Kind: inspection.KindCheck, Weight: 1},
			{Code: "1.2", Text: "无违章搭建", Kind: inspection.KindCheck, Weight: 1},
			{Code: "1.3", Text: "无占用、堵塞消防车通道现象", Kind: inspection.KindCheck, Weight: 1, Veto: true},
		}}}}
	answers := map[string]inspection.Answer{
		"1.1": {ItemCode: "1.1", Result: inspection.Pass},
		"1.2": {ItemCode: "1.2", Result: inspection.Fail, Note: "顶楼有违章搭建"},
		"1.3": {ItemCode: "1.3", Result: inspection.Pass},
	}
	rec := inspection.Record{Template: tpl, Answers: answers, Score: inspection.Score(tpl, answers),
		Community:  inspection.Community{Name: "南营小区", District: "鼓楼区"},
		Inspection: inspection.Inspection{ID: "01900000-0000-7000-8000-000000000001", Status: inspection.Draft, Inspectors: []string{"林晓梅"}}}
	data := render(t, pdf.Document{Record: rec})
	keep(t, "one-page.pdf", data)
	if n := pdfPages(t, data); n != 1 {
		t.Errorf("%d pages", n)
	}
	if len(data) > 60<<10 {
		t.Errorf("one-page record is %d KB", len(data)>>10)
	}
	t.Logf("one-page record without photos: %d KB", len(data)>>10)
}
