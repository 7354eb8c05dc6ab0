package store_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo/demotest"
)

var summaryFilter = store.ReportFilter{Summary: true}

// sameSummaries fails unless got, read with ReportFilter.Summary, are
// want's communities with the same records as the 汇总表 reads them (the
// inspection's shown fields, digest, template, score; the answers sorted
// in a list, without notes or photos; no answer map; the community
// without its version fields), and the same
// 汇总表, values and styles, cell by cell.
func sameSummaries(t *testing.T, what string, got, want []store.CommunityResult) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d communities, want %d", what, len(got), len(want))
	}
	var tpl *inspection.Template
	for i := range got {
		g, w := got[i], want[i]
		if !reflect.DeepEqual(g.Community, store.SummaryCommunity(w.Community)) || (g.Record == nil) != (w.Record == nil) {
			t.Fatalf("%s: community %d differs: %+v vs %+v", what, i, g.Community.Name, w.Community.Name)
		}
		if g.Record == nil {
			if g.Answers != nil {
				t.Fatalf("%s: %s has no record but %d answers", what, g.Community.Name, len(g.Answers))
			}
			continue
		}
		tpl = w.Record.Template
		if !reflect.DeepEqual(g.Record.Inspection, store.SummaryInspection(w.Record.Inspection)) {
			t.Fatalf("%s: inspection of %s:\n got %+v\nwant %+v", what, g.Community.Name, g.Record.Inspection, store.SummaryInspection(w.Record.Inspection))
		}
		if g.Record.ContentDigest != w.Record.ContentDigest || g.Record.Template != w.Record.Template ||
			!reflect.DeepEqual(g.Record.Community, store.SummaryCommunity(w.Record.Community)) {
			t.Fatalf("%s: record of %s differs", what, g.Community.Name)
		}
		if !reflect.DeepEqual(g.Record.Score, w.Record.Score) {
			t.Fatalf("%s: score of %s:\n got %+v\nwant %+v", what, g.Community.Name, g.Record.Score, w.Record.Score)
		}
		if g.Record.Answers != nil || g.Answers == nil {
			t.Fatalf("%s: %s: %d answers in a map, list nil %v", what, g.Community.Name, len(g.Record.Answers), g.Answers == nil)
		}
		if wa := store.SummaryAnswers(w.Record.Answers); !reflect.DeepEqual(g.Answers, wa) {
			t.Fatalf("%s: answers of %s:\n got %+v\nwant %+v", what, g.Community.Name, g.Answers, wa)
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

// TestReportSummaryCacheSameResults: reading for the 汇总表
// (ReportFilter.Summary, report_summary.go) gives what reading the answers
// gives — the same records, scores and 汇总表, values and styles — on a
// generated city and on the demo: with no cache, with the 汇总表's cache
// filled, filled from the report cache alone, with stale, corrupted and
// foreign-format entries (read in full and written again), with an answer
// changed behind the program's back (the cache keeps the signed content;
// Verify names the entry), and emptied.
func TestReportSummaryCacheSameResults(t *testing.T) {
	t.Run("generated", func(t *testing.T) {
		db, path := demotest.Generated(t, 12)
		store.SetLatestResultsChunk(t, 7)
		checkSummaryCache(t, db, path)
	})
	t.Run("demo", func(t *testing.T) {
		db := demotest.City(t, 40)
		checkSummaryCache(t, db, db.Path())
	})
}

func checkSummaryCache(t *testing.T, db *store.DB, path string) {
	ctx := context.Background()
	want := collect(t, db.LatestResultsAllAtOnce, store.ReportFilter{})
	records, vetoes := 0, 0
	district := ""
	for _, r := range want {
		if r.Record != nil {
			records++
			vetoes += len(r.Record.Score.Vetoes)
			district = r.Community.District
		}
	}
	if records < 10 || vetoes == 0 {
		t.Fatalf("only %d communities have a finalized record, with %d veto findings", records, vetoes)
	}
	if n, _ := cacheSize(t, db.ReportSummaryCacheSize); n != 0 {
		t.Fatalf("the 汇总表's cache holds %d entries before any report", n)
	}
	// No cache at all: read from the answers, both caches filled.
	sameSummaries(t, "filling", collect(t, db.LatestResults, summaryFilter), want)
	for _, count := range []func(context.Context) (int, int, error){db.ReportSummaryCacheSize, db.ReportCacheSize} {
		if n, valid := cacheSize(t, count); n != records || valid != records {
			t.Fatalf("after the first 汇总表 a cache holds %d entries (%d valid), want one per record (%d)", n, valid, records)
		}
	}
	sameSummaries(t, "cached", collect(t, db.LatestResults, summaryFilter), want)
	wantD := collect(t, db.LatestResultsAllAtOnce, store.ReportFilter{District: district})
	sameSummaries(t, "cached, one district", collect(t, db.LatestResults, store.ReportFilter{District: district, Summary: true}), wantD)
	// The other reports still read everything.
	sameResults(t, "not for the 汇总表, with its cache filled", collect(t, db.LatestResults, store.ReportFilter{}), want)
	if rep, err := db.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("Verify with the caches filled: %v %v", err, rep.Problems)
	}

	raw := rawOpen(t, path)
	// Filled again from the report cache alone (what the first 汇总表
	// after the upgrade to migration 0010 does).
	rawExec(t, raw, `DELETE FROM report_summaries`)
	sameSummaries(t, "from the report cache", collect(t, db.LatestResults, summaryFilter), want)
	if n, valid := cacheSize(t, db.ReportSummaryCacheSize); n != records || valid != records {
		t.Fatalf("filled from the report cache: %d entries (%d valid), want %d", n, valid, records)
	}

	var ids []string
	for _, r := range want {
		if r.Record != nil && len(ids) < 5 {
			ids = append(ids, r.Record.Inspection.ID)
		}
	}
	// A stale entry, a changed byte, a blob cut short, one byte, and
	// another format version.
	rawExec(t, raw, `UPDATE report_summaries SET content_digest = 'stale' WHERE inspection_id = ?`, ids[0])
	rawExec(t, raw, `UPDATE report_summaries SET summary = CAST(substr(summary, 1, 20) || 'x' || substr(summary, 22) AS BLOB) WHERE inspection_id = ?`, ids[1])
	rawExec(t, raw, `UPDATE report_summaries SET summary = substr(summary, 1, length(summary) / 2) WHERE inspection_id = ?`, ids[2])
	rawExec(t, raw, `UPDATE report_summaries SET summary = X'01' WHERE inspection_id = ?`, ids[3])
	rawExec(t, raw, `UPDATE report_summaries SET summary = CAST(X'7F' || substr(summary, 2) AS BLOB) WHERE inspection_id = ?`, ids[4])
	if _, valid := cacheSize(t, db.ReportSummaryCacheSize); valid != records-1 {
		t.Fatalf("%d valid entries with one stale, want %d", valid, records-1)
	}
	sameSummaries(t, "stale and corrupted entries", collect(t, db.LatestResults, summaryFilter), want)
	var good int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM report_summaries s JOIN inspections i ON i.id = s.inspection_id
		AND i.content_digest = s.content_digest WHERE s.inspection_id IN (?, ?, ?, ?, ?) AND length(s.summary) > 10
		AND substr(s.summary, 1, 1) = X'01'`, ids[0], ids[1], ids[2], ids[3], ids[4]).Scan(&good); err != nil {
		t.Fatal(err)
	}
	if good != 5 {
		t.Fatalf("%d of the 5 spoiled entries were written again, want 5", good)
	}
	if rep, err := db.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("Verify after the entries were written again: %v %v", err, rep.Problems)
	}
	sameSummaries(t, "after rewriting them", collect(t, db.LatestResults, summaryFilter), want)

	// An answer changed behind the program's back (its result, which
	// the score depends on): the 汇总表 keeps the signed content, and
	// Verify names the entry.
	if n := rawExec(t, raw, `UPDATE answers SET result = CASE result WHEN 'pass' THEN 'fail' ELSE 'pass' END, text = text || '（改）'
		WHERE inspection_id = ? AND item_code = (SELECT MIN(item_code) FROM answers WHERE inspection_id = ?)`, ids[0], ids[0]); n != 1 {
		t.Fatalf("changed %d answers", n)
	}
	sameSummaries(t, "an answer changed behind the program's back", collect(t, db.LatestResults, summaryFilter), want)
	rep, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, p := range rep.Problems {
		if p.Entity == "report_summaries" && p.EntityID == ids[0] && strings.Contains(p.Message, "汇总表缓存") {
			named = true
		}
	}
	if !named {
		t.Fatalf("Verify did not name the 汇总表's cache entry: %v", rep.Problems)
	}
	// With both caches emptied, the changed record no longer hashes to
	// its digest: it is shown as read, and not cached.
	rawExec(t, raw, `DELETE FROM report_summaries`)
	rawExec(t, raw, `DELETE FROM report_answers`)
	got := collect(t, db.LatestResults, summaryFilter)
	if n, valid := cacheSize(t, db.ReportSummaryCacheSize); n != records-1 || valid != records-1 {
		t.Fatalf("with one record changed: %d entries (%d valid), want %d", n, valid, records-1)
	}
	for _, r := range got {
		if r.Record != nil && r.Record.Inspection.ID == ids[0] {
			i := slices.IndexFunc(r.Answers, func(a inspection.Answer) bool { return strings.HasSuffix(a.Text, "（改）") })
			if i < 0 {
				t.Fatal("the changed answer is not shown once the caches are empty")
			}
		}
	}
	rawExec(t, raw, `UPDATE answers SET result = CASE result WHEN 'pass' THEN 'fail' ELSE 'pass' END, text = replace(text, '（改）', '')
		WHERE inspection_id = ? AND text LIKE '%（改）'`, ids[0])
	sameSummaries(t, "refilled", collect(t, db.LatestResults, summaryFilter), want)
	if n, valid := cacheSize(t, db.ReportSummaryCacheSize); n != records || valid != records {
		t.Fatalf("refilled: %d entries (%d valid), want %d", n, valid, records)
	}
}

// TestReportSummaryCacheWriteFailureHarmless: when the 汇总表's cache
// cannot be written, the 汇总表 is still right; once it can be, it fills.
func TestReportSummaryCacheWriteFailureHarmless(t *testing.T) {
	db := demotest.City(t, 30)
	want := collect(t, db.LatestResultsAllAtOnce, store.ReportFilter{})
	raw := rawOpen(t, db.Path())
	rawExec(t, raw, `CREATE TRIGGER no_summaries BEFORE INSERT ON report_summaries BEGIN SELECT RAISE(ABORT, 'refused'); END`)
	for range 2 {
		sameSummaries(t, "cache refused", collect(t, db.LatestResults, summaryFilter), want)
	}
	if n, _ := cacheSize(t, db.ReportSummaryCacheSize); n != 0 {
		t.Fatalf("%d entries written through a refusing trigger", n)
	}
	rawExec(t, raw, `DROP TRIGGER no_summaries`)
	sameSummaries(t, "cache allowed again", collect(t, db.LatestResults, summaryFilter), want)
	if n, valid := cacheSize(t, db.ReportSummaryCacheSize); n == 0 || n != valid {
		t.Fatalf("after the trigger went, %d entries (%d valid)", n, valid)
	}
}
