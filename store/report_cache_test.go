package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo/demotest"
	"github.com/xuri/excelize/v2"
)

type readFunc func(context.Context, store.ReportFilter, func(store.CommunityResult) error) error

// collect reads every community's result.
func collect(t *testing.T, read readFunc, f store.ReportFilter) []store.CommunityResult {
	t.Helper()
	var out []store.CommunityResult
	if err := read(context.Background(), f, func(r store.CommunityResult) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// summaryCells writes the 汇总表 of results (their records' answers from
// the map, or from the list when read with ReportFilter.Summary) and reads
// every cell back with its style.
func summaryCells(t *testing.T, tpl *inspection.Template, results []store.CommunityResult) [][]string {
	t.Helper()
	seq := func(yield func(xlsx.Result, error) bool) {
		for _, r := range results {
			if !yield(xlsx.Result{Community: r.Community, Record: r.Record, Answers: r.Answers}, nil) {
				return
			}
		}
	}
	var b bytes.Buffer
	at := time.Date(2024, 9, 11, 10, 0, 0, 0, time.Local)
	if err := xlsx.WriteSummary(&b, iter.Seq2[xlsx.Result, error](seq), xlsx.SummaryOptions{Template: tpl, At: at}); err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.GetRows(xlsx.SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	for r, row := range rows {
		for c := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			style, err := wb.GetCellStyle(xlsx.SummarySheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			rows[r][c] += fmt.Sprintf(" ·%d", style)
		}
	}
	return rows
}

// sameResults fails unless got and want are the same communities with
// the same records, answer for answer, and the same 汇总表 cell by cell.
func sameResults(t *testing.T, what string, got, want []store.CommunityResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d communities, want %d", what, len(got), len(want))
	}
	var tpl *inspection.Template
	for i := range got {
		g, w := got[i], want[i]
		if !reflect.DeepEqual(g.Community, w.Community) || (g.Record == nil) != (w.Record == nil) {
			t.Fatalf("%s: community %d differs: %+v vs %+v", what, i, g.Community.Name, w.Community.Name)
		}
		if g.Record == nil {
			continue
		}
		tpl = w.Record.Template
		if !reflect.DeepEqual(g.Record.Inspection, w.Record.Inspection) || g.Record.ContentDigest != w.Record.ContentDigest ||
			!reflect.DeepEqual(g.Record.Score, w.Record.Score) {
			t.Fatalf("%s: record of %s differs", what, g.Community.Name)
		}
		if !reflect.DeepEqual(g.Record.Answers, w.Record.Answers) {
			for code, a := range w.Record.Answers {
				if !reflect.DeepEqual(g.Record.Answers[code], a) {
					t.Fatalf("%s: %s item %s: %+v, want %+v", what, g.Community.Name, code, g.Record.Answers[code], a)
				}
			}
			t.Fatalf("%s: answers of %s differ (%d vs %d)", what, g.Community.Name, len(g.Record.Answers), len(w.Record.Answers))
		}
	}
	if tpl == nil {
		t.Fatalf("%s: no community has a record", what)
	}
	gc, wc := summaryCells(t, tpl, got), summaryCells(t, tpl, want)
	if len(gc) < 3 || len(gc) != len(wc) {
		t.Fatalf("%s: %d rows in the 汇总表, want %d", what, len(gc), len(wc))
	}
	for i := range gc {
		if !slices.Equal(gc[i], wc[i]) {
			t.Fatalf("%s: 汇总表 row %d:\n got %q\nwant %q", what, i+1, gc[i], wc[i])
		}
	}
}

// rawOpen opens the data file behind the program's back.
func rawOpen(t *testing.T, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func rawExec(t *testing.T, raw *sql.DB, q string, args ...any) int64 {
	t.Helper()
	res, err := raw.Exec(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	n, _ := res.RowsAffected()
	return n
}

// cacheSize is what count (DB.ReportCacheSize, DB.ReportSummaryCacheSize)
// says: entries, and those valid.
func cacheSize(t *testing.T, count func(context.Context) (int, int, error)) (int, int) {
	t.Helper()
	n, valid, err := count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n, valid
}

// TestReportCacheSameResults: the report cache gives exactly what reading
// the answers gives — the same records and the same 汇总表, values and
// styles — on a generated city and on the demo, after filling it, with a
// stale entry (digest mismatch) and with corrupted blobs, and it is
// really read (an answer changed behind the program's back shows the
// signed content, and Verify names the entry).
func TestReportCacheSameResults(t *testing.T) {
	t.Run("generated", func(t *testing.T) {
		db, path := demotest.Generated(t, 11)
		store.SetLatestResultsChunk(t, 7)
		checkReportCache(t, db, path)
	})
	t.Run("demo", func(t *testing.T) {
		db := demotest.City(t, 40)
		checkReportCache(t, db, db.Path())
	})
}

func checkReportCache(t *testing.T, db *store.DB, path string) {
	ctx := context.Background()
	want := collect(t, db.LatestResultsAllAtOnce, store.ReportFilter{})
	records := 0
	district := ""
	for _, r := range want {
		if r.Record != nil {
			records++
			district = r.Community.District
		}
	}
	if records < 10 {
		t.Fatalf("only %d communities have a finalized record", records)
	}
	if n, _ := cacheSize(t, db.ReportCacheSize); n != 0 {
		t.Fatalf("the cache holds %d entries before any report", n)
	}
	// First report: read from the answers, the cache filled.
	sameResults(t, "filling", collect(t, db.LatestResults, store.ReportFilter{}), want)
	if n, valid := cacheSize(t, db.ReportCacheSize); n != records || valid != records {
		t.Fatalf("after the first report the cache holds %d entries (%d valid), want one per record (%d)", n, valid, records)
	}
	// From the cache.
	sameResults(t, "cached", collect(t, db.LatestResults, store.ReportFilter{}), want)
	wantD := collect(t, db.LatestResultsAllAtOnce, store.ReportFilter{District: district})
	sameResults(t, "cached, one district", collect(t, db.LatestResults, store.ReportFilter{District: district}), wantD)
	if rep, err := db.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("Verify with the cache filled: %v %v", err, rep.Problems)
	}

	raw := rawOpen(t, path)
	var ids []string
	for _, r := range want {
		if r.Record != nil && len(ids) < 4 {
			ids = append(ids, r.Record.Inspection.ID)
		}
	}
	// A stale entry (its digest is not the record's), a blob with a bad
	// checksum, one cut short, and one that is not a blob at all.
	rawExec(t, raw, `UPDATE report_answers SET content_digest = 'stale' WHERE inspection_id = ?`, ids[0])
	rawExec(t, raw, `UPDATE report_answers SET answers = CAST(substr(answers, 1, 20) || 'x' || substr(answers, 22) AS BLOB) WHERE inspection_id = ?`, ids[1])
	rawExec(t, raw, `UPDATE report_answers SET answers = substr(answers, 1, length(answers) / 2) WHERE inspection_id = ?`, ids[2])
	rawExec(t, raw, `UPDATE report_answers SET answers = X'01' WHERE inspection_id = ?`, ids[3])
	if _, valid := cacheSize(t, db.ReportCacheSize); valid != records-1 {
		t.Fatalf("%d valid entries with one stale, want %d", valid, records-1)
	}
	sameResults(t, "stale and corrupted entries", collect(t, db.LatestResults, store.ReportFilter{}), want)
	var good int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM report_answers r JOIN inspections i ON i.id = r.inspection_id
		AND i.content_digest = r.content_digest WHERE r.inspection_id IN (?, ?, ?, ?) AND length(r.answers) > 10`,
		ids[0], ids[1], ids[2], ids[3]).Scan(&good); err != nil {
		t.Fatal(err)
	}
	if good != 4 {
		t.Fatalf("%d of the 4 spoiled entries were written again, want 4", good)
	}
	sameResults(t, "after rewriting them", collect(t, db.LatestResults, store.ReportFilter{}), want)

	// An answer changed behind the program's back: the cache keeps the
	// signed content (the record's digest still names it), and Verify
	// names both the answer and the cache entry.
	if n := rawExec(t, raw, `UPDATE answers SET note = note || '（改）' WHERE inspection_id = ? AND item_code = (
		SELECT MIN(item_code) FROM answers WHERE inspection_id = ?)`, ids[0], ids[0]); n != 1 {
		t.Fatalf("changed %d answers", n)
	}
	sameResults(t, "an answer changed behind the program's back", collect(t, db.LatestResults, store.ReportFilter{}), want)
	rep, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, p := range rep.Problems {
		if p.Entity == "report_answers" && p.EntityID == ids[0] && strings.Contains(p.Message, "报表缓存") {
			named = true
		}
	}
	if !named {
		t.Fatalf("Verify did not name the cache entry: %v", rep.Problems)
	}
	// Emptied, the cache fills again and gives the same.
	rawExec(t, raw, `DELETE FROM report_answers`)
	rawExec(t, raw, `UPDATE answers SET note = replace(note, '（改）', '') WHERE inspection_id = ?`, ids[0])
	sameResults(t, "refilled", collect(t, db.LatestResults, store.ReportFilter{}), want)
	if n, valid := cacheSize(t, db.ReportCacheSize); n != records || valid != records {
		t.Fatalf("refilled: %d entries (%d valid), want %d", n, valid, records)
	}
}

// TestReportCacheOfficeResults: the office's results (which read the same
// records) fill and use the cache and judge as without it.
func TestReportCacheOfficeResults(t *testing.T) {
	ctx := context.Background()
	db := demotest.City(t, 30)
	before, err := db.OfficeResults(ctx, store.OfficeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n, valid := cacheSize(t, db.ReportCacheSize)
	if n == 0 || n != valid {
		t.Fatalf("OfficeResults left %d entries (%d valid)", n, valid)
	}
	after, err := db.OfficeResults(ctx, store.OfficeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatal("OfficeResults differ once the cache is filled")
	}
}

// TestReportCacheWriteFailureHarmless: when the cache cannot be written
// (here a trigger refuses every row), the reports are still right and
// nothing is cached; once it can be, the next report fills it.
func TestReportCacheWriteFailureHarmless(t *testing.T) {
	db := demotest.City(t, 30)
	want := collect(t, db.LatestResultsAllAtOnce, store.ReportFilter{})
	raw := rawOpen(t, db.Path())
	rawExec(t, raw, `CREATE TRIGGER no_cache BEFORE INSERT ON report_answers BEGIN SELECT RAISE(ABORT, 'refused'); END`)
	for range 2 {
		sameResults(t, "cache refused", collect(t, db.LatestResults, store.ReportFilter{}), want)
	}
	if n, _ := cacheSize(t, db.ReportCacheSize); n != 0 {
		t.Fatalf("%d entries written through a refusing trigger", n)
	}
	rawExec(t, raw, `DROP TRIGGER no_cache`)
	sameResults(t, "cache allowed again", collect(t, db.LatestResults, store.ReportFilter{}), want)
	if n, valid := cacheSize(t, db.ReportCacheSize); n == 0 || n != valid {
		t.Fatalf("after the trigger went, %d entries (%d valid)", n, valid)
	}
}
