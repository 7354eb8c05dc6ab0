package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/pdf"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
	"github.com/jung-kurt/gofpdf"
	"github.com/xuri/excelize/v2"
)

// Keystrokes of the community search: a name typed character by
// character, its pinyin initials, and a few common words.
var keystrokes = []string{"怡", "怡乐", "怡乐花", "怡乐花园", "y", "yl", "ylh", "ylhy", "花园", "新村", "鼓楼", "jsh", "xc", "5号"}

// BenchmarkSearchList is one keystroke in the 小区列表 search box: the
// list query the screen runs (store.ListCommunityRows: matching
// communities with their latest inspection, score and open actions).
func BenchmarkSearchList(b *testing.B) {
	db := openCity(b)
	ctx := context.Background()
	measure(b, 1, func(i int) {
		if _, err := db.ListCommunityRows(ctx, store.CommunityRowFilter{Query: keystrokes[i%len(keystrokes)]}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSearchFilter is one keystroke as the 小区列表 runs it now: the
// whole list is read once (ListCommunityRows with no filter, before the
// timing) and each keystroke filters it in memory
// (store.FilterCommunityRows). ListCommunityRows (BenchmarkSearchList) is
// the query behind it, run when the data changes.
func BenchmarkSearchFilter(b *testing.B) {
	db := openCity(b)
	all, err := db.ListCommunityRows(context.Background(), store.CommunityRowFilter{})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	measure(b, 1, func(i int) {
		n += len(store.FilterCommunityRows(all, store.CommunityRowFilter{Query: keystrokes[i%len(keystrokes)]}))
	})
	if n == 0 && len(all) > 0 {
		b.Fatal("no keystroke matched anything")
	}
}

// BenchmarkSearchChangeMark is the check the 小区列表 makes in the
// background after a keystroke (store.ChangeMark: has the file changed
// since the list was read?).
func BenchmarkSearchChangeMark(b *testing.B) {
	db := openCity(b)
	ctx := context.Background()
	measure(b, 1, func(int) {
		if _, err := db.ChangeMark(ctx); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSearchCommunities is the same keystroke through
// store.ListCommunities (the communities alone; jiayuanctl list).
func BenchmarkSearchCommunities(b *testing.B) {
	db := openCity(b)
	ctx := context.Background()
	measure(b, 1, func(i int) {
		if _, err := db.ListCommunities(ctx, store.CommunityFilter{Query: keystrokes[i%len(keystrokes)]}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSearchBaseline reads every community's searchable columns in
// one plain SELECT: the table scan no search can avoid.
func BenchmarkSearchBaseline(b *testing.B) {
	raw := rawDB(b, need(b, "JIAYUAN_BENCH_DB"), "query_only(1)")
	measure(b, 1, func(int) {
		rows, err := raw.Query(`SELECT id, name, district, street, community, address, initials FROM communities`)
		if err != nil {
			b.Fatal(err)
		}
		var f [7]string
		for rows.Next() {
			if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]); err != nil {
				b.Fatal(err)
			}
		}
		rows.Close()
	})
}

func defaultTemplate(b *testing.B, db *store.DB) *inspection.Template {
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		b.Fatal(err)
	}
	if tpl, err = db.Template(context.Background(), tpl.ID, tpl.Version); err != nil {
		b.Fatal(err)
	}
	return tpl
}

// writeSummary is jiayuanctl xlsx summary: every community with its latest
// finalized inspection, streamed into the 汇总表.
func writeSummary(b *testing.B, db *store.DB, tpl *inspection.Template, w io.Writer) {
	ctx := context.Background()
	results := func(yield func(xlsx.Result, error) bool) {
		stop := fmt.Errorf("stop")
		err := db.LatestResults(ctx, store.ReportFilter{Summary: true}, func(r store.CommunityResult) error {
			if !yield(xlsx.Result{Community: r.Community, Record: r.Record, Answers: r.Answers}, nil) {
				return stop
			}
			return nil
		})
		if err != nil && err != stop {
			yield(xlsx.Result{}, err)
		}
	}
	if err := xlsx.WriteSummary(w, results, xlsx.SummaryOptions{Title: "“美好家园”小区检查汇总表", Template: tpl}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkExcelSummary is the city's 汇总表 (one row per community, one
// column per item), read from the data file and written.
func BenchmarkExcelSummary(b *testing.B) {
	db := openCity(b)
	tpl := defaultTemplate(b, db)
	measure(b, 1, func(int) { writeSummary(b, db, tpl, io.Discard) })
}

// BenchmarkExcelSummaryCold is the first 汇总表 after the upgrade that
// brought the report cache (store/report_cache.go, migration 0009): the
// caches (report_answers and report_summaries, migration 0010) are emptied
// before each run (not timed), so every record is read
// from its answers, checked against its content digest and stored in the
// cache on the way. BenchmarkExcelSummary's first run does the same when
// the city's cache is empty; its median is the steady state.
func BenchmarkExcelSummaryCold(b *testing.B) {
	db := openCity(b)
	tpl := defaultTemplate(b, db)
	raw := rawDB(b, need(b, "JIAYUAN_BENCH_DB"), "busy_timeout(10000)")
	measureAfter(b, func() {
		if _, err := raw.Exec(`DELETE FROM report_answers; DELETE FROM report_summaries`); err != nil {
			b.Fatal(err)
		}
	}, func(int) { writeSummary(b, db, tpl, io.Discard) })
}

// BenchmarkExcelSummaryRead is the reading alone: every community with
// its latest finalized record, scored (store.LatestResults), as the 汇总表
// reads them, with nothing written.
func BenchmarkExcelSummaryRead(b *testing.B) {
	db := openCity(b)
	n := 0
	measure(b, 1, func(int) {
		err := db.LatestResults(context.Background(), store.ReportFilter{Summary: true}, func(r store.CommunityResult) error {
			if r.Record != nil {
				n++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	})
	if n == 0 {
		b.Fatal("no records read")
	}
}

// BenchmarkExcelSummaryWrite is the writing alone: the results read from
// the data file before timing.
func BenchmarkExcelSummaryWrite(b *testing.B) {
	db := openCity(b)
	tpl := defaultTemplate(b, db)
	var results []xlsx.Result
	err := db.LatestResults(context.Background(), store.ReportFilter{Summary: true}, func(r store.CommunityResult) error {
		results = append(results, xlsx.Result{Community: r.Community, Record: r.Record, Answers: r.Answers})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	seq := func(yield func(xlsx.Result, error) bool) {
		for _, r := range results {
			if !yield(r, nil) {
				return
			}
		}
	}
	measure(b, 1, func(int) {
		if err := xlsx.WriteSummary(io.Discard, seq, xlsx.SummaryOptions{Title: "“美好家园”小区检查汇总表", Template: tpl}); err != nil {
			b.Fatal(err)
		}
	})
}

// sheetCells reads back every cell of a sheet, numbers as numbers.
func sheetCells(b *testing.B, book []byte, sheet string) [][]any {
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		b.Fatal(err)
	}
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, len(r))
		for j, s := range r {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				out[i][j] = v
			} else {
				out[i][j] = s
			}
		}
	}
	return out
}

// streamCells is the baseline: excelize's StreamWriter writing the cells,
// with no styles, widths, merges or logic.
func streamCells(b *testing.B, sheet string, cells [][]any, w io.Writer) {
	streamCellsZip(b, sheet, cells, w, false)
}

// streamCellsZip is streamCells, with the parts deflated as report/xlsx
// deflates them (level 2) when sameZip, at excelize's default (6) if not.
func streamCellsZip(b *testing.B, sheet string, cells [][]any, w io.Writer, sameZip bool) {
	f := excelize.NewFile()
	defer f.Close()
	if sameZip {
		f.SetZipWriter(xlsx.NewZipWriter)
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		b.Fatal(err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		b.Fatal(err)
	}
	for i, r := range cells {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if _, err := f.WriteTo(w); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkExcelSummaryBaseline writes the cells of the same 汇总表 (read
// back from one made before timing) with a bare StreamWriter.
func BenchmarkExcelSummaryBaseline(b *testing.B) { summaryBaseline(b, false) }

// BenchmarkExcelSummaryBaselineSameZip is BenchmarkExcelSummaryBaseline
// deflating at our workbooks' level (2) instead of excelize's default.
func BenchmarkExcelSummaryBaselineSameZip(b *testing.B) { summaryBaseline(b, true) }

func summaryBaseline(b *testing.B, sameZip bool) {
	db := openCity(b)
	var book bytes.Buffer
	writeSummary(b, db, defaultTemplate(b, db), &book)
	cells := sheetCells(b, book.Bytes(), xlsx.SummarySheet)
	book.Reset()
	measure(b, 1, func(int) { streamCellsZip(b, xlsx.SummarySheet, cells, io.Discard, sameZip) })
	b.ReportMetric(float64(len(cells)), "rows")
}

// actionRows is what jiayuanctl xlsx actions collects (cmd/jiayuanctl's
// actionRows, which is in package main): every corrective action with its
// community, its item's text and when the inspection started.
func actionRows(b *testing.B, db *store.DB) []xlsx.ActionRow {
	list, err := db.ActionSheetRows(context.Background(), store.ActionFilter{})
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]xlsx.ActionRow, len(list))
	for i, r := range list {
		rows[i] = xlsx.ActionRow{Action: r.Action, Community: r.Community, ItemText: r.ItemText, InspectedAt: r.InspectedAt}
	}
	return rows
}

// BenchmarkExcelActions is the city's 整改清单: every corrective action,
// read and written as jiayuanctl xlsx actions does (each row written as
// it is read: store.EachActionSheetRow into xlsx.WriteActionsFrom).
func BenchmarkExcelActions(b *testing.B) {
	db := openCity(b)
	read := func(start func(int) error, row func(xlsx.ActionRow) error) error {
		return db.EachActionSheetRow(context.Background(), store.ActionFilter{}, start, func(r store.ActionSheetRow) error {
			return row(xlsx.ActionRow{Action: r.Action, Community: r.Community, ItemText: r.ItemText, InspectedAt: r.InspectedAt})
		})
	}
	measure(b, 1, func(int) {
		if err := xlsx.WriteActionsFrom(io.Discard, read, "", demo.DefaultNow); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkExcelActionsTab is the 报表 tab's 整改清单 of the whole file
// with the status choice 未完成 (ui/reports.go exportActions): the rows
// counted with the scope's filter, then read and written one by one
// (store.EachScopeActionRow into xlsx.WriteActionsFrom).
func BenchmarkExcelActionsTab(b *testing.B) {
	db := openCity(b)
	ctx := context.Background()
	measure(b, 1, func(int) {
		err := xlsx.WriteActionsFrom(io.Discard, func(start func(int) error, row func(xlsx.ActionRow) error) error {
			return db.EachScopeActionRow(ctx, store.ReportScope{}, store.ActionsOpen, demo.DefaultNow, start, func(r store.ActionSheetRow) error {
				return row(xlsx.ActionRow{Action: r.Action, Community: r.Community, ItemText: r.ItemText, InspectedAt: r.InspectedAt})
			})
		}, "", demo.DefaultNow)
		if err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkExcelActionsWrite is the writing alone (rows collected before
// timing).
func BenchmarkExcelActionsWrite(b *testing.B) {
	db := openCity(b)
	rows := actionRows(b, db)
	measure(b, 1, func(int) {
		if err := xlsx.WriteActions(io.Discard, rows, "", demo.DefaultNow); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(float64(len(rows)), "rows")
}

// BenchmarkExcelActionsBaseline writes the same 整改清单 cells with a bare
// StreamWriter.
func BenchmarkExcelActionsBaseline(b *testing.B) { actionsBaseline(b, false) }

// BenchmarkExcelActionsBaselineSameZip is BenchmarkExcelActionsBaseline
// deflating at our workbooks' level (2).
func BenchmarkExcelActionsBaselineSameZip(b *testing.B) { actionsBaseline(b, true) }

func actionsBaseline(b *testing.B, sameZip bool) {
	db := openCity(b)
	var book bytes.Buffer
	if err := xlsx.WriteActions(&book, actionRows(b, db), "", demo.DefaultNow); err != nil {
		b.Fatal(err)
	}
	cells := sheetCells(b, book.Bytes(), xlsx.ActionsSheet)
	book.Reset()
	measure(b, 1, func(int) { streamCellsZip(b, xlsx.ActionsSheet, cells, io.Discard, sameZip) })
	b.ReportMetric(float64(len(cells)), "rows")
}

// batchSize is how many records the PDF batch prints.
const batchSize = 500

func batchIDs(b *testing.B, db *store.DB) []string {
	ids, err := db.FinalizedInspectionIDs(context.Background(), "", true)
	if err != nil {
		b.Fatal(err)
	}
	if len(ids) > batchSize {
		ids = ids[:batchSize]
	}
	return ids
}

// loader is jiayuanctl pdf's printLoader.
func loader(db *store.DB) pdf.Loader {
	return func(ctx context.Context, id string) (pdf.Document, error) {
		rec, acts, chain, err := db.PrintData(ctx, id)
		if err != nil {
			return pdf.Document{}, err
		}
		return pdf.Document{Record: rec, Actions: acts, Chain: chain, PrintedAt: demo.DefaultNow,
			Photo: func(sha string) ([]byte, error) { return db.Photo(ctx, sha) }}, nil
	}
}

// BenchmarkPDFBatch prints 500 latest finalized records (one per
// community) into a folder, one file each, as jiayuanctl pdf --all
// --latest does; reported per record.
func BenchmarkPDFBatch(b *testing.B) {
	db := openCity(b)
	ids := batchIDs(b, db)
	fo, err := pdf.DefaultFont()
	if err != nil {
		b.Fatal(err)
	}
	defer func() { b.ReportMetric(float64(len(ids)), "records") }()
	measure(b, len(ids), func(i int) {
		dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
		if _, err := fo.WriteFolder(context.Background(), dir, ids, loader(db), nil); err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(dir)
	})
}

// BenchmarkPDFBatchBaseline loads the same 500 records the same way and
// draws their texts and photos with plain gofpdf (the font added per
// document, as a plain program would), one file each.
func BenchmarkPDFBatchBaseline(b *testing.B) {
	db := openCity(b)
	ids := batchIDs(b, db)
	load := loader(db)
	ctx := context.Background()
	measure(b, len(ids), func(i int) {
		dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
		os.MkdirAll(dir, 0o755)
		for k, id := range ids {
			doc, err := load(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			f, err := os.Create(filepath.Join(dir, strconv.Itoa(k)+".pdf"))
			if err != nil {
				b.Fatal(err)
			}
			plainPDF(b, doc, f)
			f.Close()
		}
		os.RemoveAll(dir)
	})
}

func plainPDF(b *testing.B, doc pdf.Document, w io.Writer) {
	f := gofpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes("cjk", "", assets.FontTTF)
	f.SetFont("cjk", "", 9)
	f.AddPage()
	rec := doc.Record
	f.MultiCell(180, 6, rec.Community.Name+" "+rec.Community.Address+" "+rec.Inspection.StartedAt.Format("2006-01-02"), "", "L", false)
	seen := map[string]bool{}
	for _, it := range rec.Template.Items() {
		a := rec.Answers[it.Code]
		f.MultiCell(180, 5, it.Code+" "+it.Text+" "+a.Result.Label()+" "+a.Note, "1", "L", false)
		for _, sha := range a.Photos {
			if seen[sha] {
				continue
			}
			seen[sha] = true
			data, err := doc.Photo(sha)
			if err != nil {
				b.Fatal(err)
			}
			f.RegisterImageOptionsReader(sha, gofpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(data))
			if f.GetY() > 230 {
				f.AddPage()
			}
			f.ImageOptions(sha, 15, f.GetY(), 40, 0, true, gofpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		}
	}
	for _, s := range rec.Inspection.Signatures {
		f.MultiCell(180, 5, s.Role+" "+s.Name, "", "L", false)
	}
	if err := f.Output(w); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSearchWholeList is the 小区列表 with an empty search box: every
// community with its latest inspection (what the screen shows at start).
func BenchmarkSearchWholeList(b *testing.B) {
	db := openCity(b)
	ctx := context.Background()
	measure(b, 1, func(int) {
		if _, err := db.ListCommunityRows(ctx, store.CommunityRowFilter{}); err != nil {
			b.Fatal(err)
		}
	})
}
