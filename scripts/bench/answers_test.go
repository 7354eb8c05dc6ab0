package bench_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// answerRows is the size of the 答题明细 the benchmarks write: the first
// communities in list order whose latest records hold at least this many
// answers (a district and a half at scale 1).
const answerRows = 50_000

// latestAnswers yields every community with its latest finalized record
// (store.LatestResults, as jiayuanctl xlsx answers does) until the
// records yielded hold answerRows answers.
func latestAnswers(db *store.DB) iter.Seq2[xlsx.Result, error] {
	return func(yield func(xlsx.Result, error) bool) {
		stop := errors.New("stop")
		n := 0
		err := db.LatestResults(context.Background(), store.ReportFilter{}, func(r store.CommunityResult) error {
			if n >= answerRows || !yield(xlsx.Result{Community: r.Community, Record: r.Record}, nil) {
				return stop
			}
			if r.Record != nil {
				n += len(r.Record.Answers)
			}
			return nil
		})
		if err != nil && err != stop {
			yield(xlsx.Result{}, err)
		}
	}
}

func writeAnswers(b *testing.B, results iter.Seq2[xlsx.Result, error], w io.Writer) {
	if err := xlsx.WriteAnswers(w, results, xlsx.AnswersOptions{Title: "“美好家园”检查答题明细"}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkExcelAnswers is the 答题明细 of 50,000 answers, read from the
// data file and written.
func BenchmarkExcelAnswers(b *testing.B) {
	db := openCity(b)
	measure(b, 1, func(int) { writeAnswers(b, latestAnswers(db), io.Discard) })
}

// BenchmarkExcelAnswersWrite is the writing alone: the records read
// before timing.
func BenchmarkExcelAnswersWrite(b *testing.B) {
	db := openCity(b)
	var results []xlsx.Result
	for r, err := range latestAnswers(db) {
		if err != nil {
			b.Fatal(err)
		}
		results = append(results, r)
	}
	seq := func(yield func(xlsx.Result, error) bool) {
		for _, r := range results {
			if !yield(r, nil) {
				return
			}
		}
	}
	measure(b, 1, func(int) { writeAnswers(b, seq, io.Discard) })
}

// BenchmarkExcelAnswersBaseline writes the cells of the same 答题明细
// (read back from one made before timing) with a bare StreamWriter.
func BenchmarkExcelAnswersBaseline(b *testing.B) {
	db := openCity(b)
	var book bytes.Buffer
	writeAnswers(b, latestAnswers(db), &book)
	cells := sheetCells(b, book.Bytes(), xlsx.AnswersSheet)
	book.Reset()
	measure(b, 1, func(int) { streamCells(b, xlsx.AnswersSheet, cells, io.Discard) })
	b.ReportMetric(float64(len(cells)), "rows")
}
