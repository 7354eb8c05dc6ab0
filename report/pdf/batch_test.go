package pdf_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
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
