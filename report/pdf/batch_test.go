package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/pdf"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func TestFileName(t *testing.T) {
	at := time.Date(2024, 8, 20, 9, 0, 0, 0, time.UTC)
	rec := func(name, id string, st inspection.Status) inspection.Record {
		return inspection.Record{Community: inspection.Community{Name: name},
			Inspection: inspection.Inspection{ID: id, StartedAt: at, Status: st}}
	}
	id := "01912345-6789-7abc-8def-0123456789ab"
	for _, tc := range []struct {
		rec  inspection.Record
		want string
	}{
		{rec("怡乐花园", id, inspection.Finalized), "怡乐花园_20240820_456789ab.pdf"},
		{rec("怡乐花园", id, inspection.Draft), "怡乐花园_20240820_456789ab_草稿.pdf"},
		{rec(`../../etc/passwd`, id, inspection.Finalized), "etc_passwd_20240820_456789ab.pdf"},
		{rec(`A/B\C:D*E?F"G<H>I|J`, id, inspection.Finalized), "A_B_C_D_E_F_G_H_I_J_20240820_456789ab.pdf"},
		{rec(" 怡乐花园（一期）. ", id, inspection.Finalized), "怡乐花园（一期）_20240820_456789ab.pdf"},
		{rec("\x00\ue000😀", id, inspection.Finalized), "小区_20240820_456789ab.pdf"},
		{rec(strings.Repeat("长", 300), "../x", inspection.Finalized), strings.Repeat("长", 40) + "_20240820_x.pdf"},
	} {
		if got := pdf.FileName(tc.rec); got != tc.want {
			t.Errorf("FileName(%q) = %q, want %q", tc.rec.Community.Name, got, tc.want)
		}
	}
}

func loader(db *store.DB, t testing.TB) pdf.Loader {
	return func(ctx context.Context, id string) (pdf.Document, error) {
		rec, err := db.Inspection(ctx, id)
		if err != nil {
			return pdf.Document{}, err
		}
		acts, err := db.ListActions(ctx, store.ActionFilter{InspectionID: id})
		if err != nil {
			return pdf.Document{}, err
		}
		return pdf.Document{Record: rec, Actions: acts, Photo: func(sha string) ([]byte, error) { return db.Photo(ctx, sha) }}, nil
	}
}

func TestWriteFolder(t *testing.T) {
	db := openDB(t)
	ids := []string{
		makeRecord(t, db, recordOpts{Name: "怡乐花园", Finalize: true}),
		makeRecord(t, db, recordOpts{Name: "金山/碧水:湾*", Finalize: true, Veto: true}),
		makeRecord(t, db, recordOpts{Name: "怡乐花园", Finalize: true}),
	}
	fo, err := pdf.DefaultFont()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "打印 输出")
	var mu sync.Mutex
	var seen []int
	res, err := fo.WriteFolder(context.Background(), dir, ids, loader(db, t), func(done, total int, name string) {
		mu.Lock()
		defer mu.Unlock()
		if total != len(ids) {
			t.Errorf("progress total %d", total)
		}
		seen = append(seen, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 3 || len(seen) != 3 || seen[2] != 3 {
		t.Fatalf("files %v, progress %v", res.Files, seen)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Fatalf("folder holds %d entries, want 3 (no temporary files left)", len(entries))
	}
	for _, f := range res.Files {
		if filepath.Dir(f) != dir {
			t.Errorf("file %s escaped the folder", f)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		qpdfCheck(t, data)
	}
	if !strings.Contains(res.Files[1], "金山_碧水_湾_") {
		t.Errorf("unsafe name not cleaned: %s", res.Files[1])
	}
}

func TestWriteFolderReportsFailuresAndKeepsGoing(t *testing.T) {
	db := openDB(t)
	good := makeRecord(t, db, recordOpts{Finalize: true, NoPhotos: false})
	fo, _ := pdf.DefaultFont()
	dir := t.TempDir()
	res, err := fo.WriteFolder(context.Background(), dir, []string{"no-such-id", good}, loader(db, t), nil)
	if err == nil || !errors.Is(err, inspection.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound inside", err)
	}
	if len(res.Files) != 1 || len(res.Failed) != 1 || res.Failed[0].ID != "no-such-id" {
		t.Fatalf("result %+v", res)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err = fo.WriteFolder(ctx, t.TempDir(), []string{good}, loader(db, t), nil)
	if !errors.Is(err, context.Canceled) || len(res.Files) != 0 {
		t.Fatalf("cancelled batch: %v, %+v", err, res)
	}
}

func TestWriteCombined(t *testing.T) {
	db := openDB(t)
	names := []string{"怡乐花园", "金山碧水湾", "南湖小区"}
	var ids []string
	for i, n := range names {
		ids = append(ids, makeRecord(t, db, recordOpts{Name: n, Finalize: i != 1, Veto: i == 2, NoPhotos: i == 1}))
	}
	fo, _ := pdf.DefaultFont()
	var b bytes.Buffer
	calls := 0
	if err := fo.WriteCombined(context.Background(), &b, ids, loader(db, t), func(done, total int, name string) { calls++ }); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	keep(t, "combined.pdf", data)
	qpdfCheck(t, data)
	if calls != 3 {
		t.Errorf("progress called %d times", calls)
	}
	pages := pdfPages(t, data)
	// Every page's footer must name the record on that page, and each
	// record counts its own pages.
	docPages := map[string]int{}
	f := filepath.Join(t.TempDir(), "c.pdf")
	os.WriteFile(f, data, 0o644)
	for pg := 1; pg <= pages; pg++ {
		out, err := exec.Command("pdftotext", "-f", itoa(pg), "-l", itoa(pg), "-layout", f, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		flat := squash(string(out))
		found := 0
		for i, id := range ids {
			if strings.Contains(flat, "记录编号"+id) {
				found++
				if !strings.Contains(flat, names[i]) {
					t.Errorf("page %d: footer of %s but no %s on the page", pg, id, names[i])
				}
				docPages[id]++
				if !strings.Contains(flat, "第"+itoa(docPages[id])+"页共") {
					t.Errorf("page %d: not numbered as page %d of its record", pg, docPages[id])
				}
			}
		}
		if found != 1 {
			t.Errorf("page %d carries %d record footers", pg, found)
		}
	}
	text := squash(pdfText(t, data))
	for _, id := range ids {
		n := docPages[id]
		if !strings.Contains(text, "第"+itoa(n)+"页共"+itoa(n)+"页") {
			t.Errorf("record %s: no 第 %d 页 共 %d 页", id, n, n)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestWriteVolumes: five records two to a volume make three files named
// -第N册, each record in one of them, progress counted over all; a record
// that fails in the last volume, or a cancel, leaves no volume at all.
func TestWriteVolumes(t *testing.T) {
	db := openDB(t)
	names := []string{"怡乐花园", "金山碧水湾", "南湖小区", "东方家园", "西湖新村"}
	var ids []string
	for _, n := range names {
		ids = append(ids, makeRecord(t, db, recordOpts{Name: n, NoPhotos: true}))
	}
	fo, _ := pdf.DefaultFont()
	dir := t.TempDir()
	out := filepath.Join(dir, "鼓楼区检查记录表.pdf")
	var last, calls int
	files, err := fo.WriteVolumes(context.Background(), out, ids, 2, loader(db, t), func(done, total int, name string) {
		calls++
		if done != last+1 || total != len(ids) {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{pdf.VolumeName(out, 1), pdf.VolumeName(out, 2), pdf.VolumeName(out, 3)}
	if !slices.Equal(files, want) || filepath.Base(want[1]) != "鼓楼区检查记录表-第2册.pdf" {
		t.Fatalf("files %q, want %q", files, want)
	}
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := squash(pdfText(t, data))
		for j, n := range names {
			if in := strings.Contains(text, n); in != (j/2 == i) {
				t.Errorf("%s: %s in it %v", filepath.Base(f), n, in)
			}
		}
	}
	if calls != len(ids) {
		t.Errorf("progress called %d times", calls)
	}

	// One record: the file itself, no volume number.
	one := filepath.Join(dir, "一份.pdf")
	if files, err := fo.WriteVolumes(context.Background(), one, ids[:1], 2, loader(db, t), nil); err != nil || !slices.Equal(files, []string{one}) {
		t.Fatalf("one record: %q, %v", files, err)
	}

	// The last record fails: the two volumes already written go too.
	dir2 := t.TempDir()
	bad := append(slices.Clone(ids[:4]), "no-such-record")
	if files, err := fo.WriteVolumes(context.Background(), filepath.Join(dir2, "x.pdf"), bad, 2, loader(db, t), nil); err == nil || files != nil {
		t.Fatalf("failing record: %q, %v", files, err)
	}
	// A cancel in the second volume.
	ctx, cancel := context.WithCancel(context.Background())
	_, err = fo.WriteVolumes(ctx, filepath.Join(dir2, "y.pdf"), ids, 2, loader(db, t), func(done, _ int, _ string) {
		if done == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if left, _ := os.ReadDir(dir2); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}
