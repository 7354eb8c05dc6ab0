package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// reportLatency adds the median and 99th percentile of the per-operation
// durations to the benchmark's output (p50-ns/op, p99-ns/op).
func reportLatency(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	if len(d) == 0 {
		return
	}
	b.ReportMetric(float64(d[len(d)/2].Nanoseconds()), "p50-ns/op")
	b.ReportMetric(float64(d[len(d)*99/100].Nanoseconds()), "p99-ns/op")
}

// BenchmarkAutosave is one autosave: SetNote on an item of a draft
// inspection of the default template (validate, upsert, audit entry,
// rescore), committed with synchronous=FULL.
func BenchmarkAutosave(b *testing.B) {
	ctx := context.Background()
	db, _ := openTest(b)
	tpl := defaultTemplate(b)
	c := addCommunity(b, db, "怡乐花园", "鼓楼区")
	in, err := db.StartInspection(ctx, c.ID, tpl.ID, tpl.Version, []string{"张三"})
	if err != nil {
		b.Fatal(err)
	}
	items := tpl.Items()
	// Half the items answered, as mid-way through a visit.
	for _, it := range items[:len(items)/2] {
		if it.Kind == inspection.KindCheck {
			db.SetResult(ctx, in.ID, it.Code, inspection.Pass)
		}
	}
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := db.SetNote(ctx, in.ID, items[i%len(items)].Code, fmt.Sprintf("备注 %d", i)); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, d)
}

// BenchmarkBareInsertCommit is the baseline: a single-row INSERT in its
// own transaction on a file opened with the same pragmas.
func BenchmarkBareInsertCommit(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bare.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		tx, err := raw.Begin()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO t(note) VALUES (?)`, fmt.Sprintf("备注 %d", i)); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, d)
}
