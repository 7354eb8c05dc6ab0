package bench_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/exchange"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// The merge: a district's package imported into an empty office file.

func emptyOffice(b *testing.B, pkg string) string {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "office.db")
	db, err := store.Open(ctx, path, store.Options{Actor: "市房管局", DeviceName: "市局"})
	if err != nil {
		b.Fatal(err)
	}
	s, err := exchange.ReadSigner(ctx, db, pkg, exchange.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.TrustDevice(ctx, s.PublicKey, s.Name); err != nil {
		b.Fatal(err)
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkMergeImport is jiayuanctl import of a district's package into
// an office file holding nothing yet: signature and hostile-input checks,
// validation of every row, the backup, the merge with an audit entry per
// row, photos, scores.
func BenchmarkMergeImport(b *testing.B) {
	ctx := context.Background()
	pkg := need(b, "JIAYUAN_BENCH_PKG")
	empty := emptyOffice(b, pkg)
	dir := b.TempDir()
	var rows int
	measureTimed(b, 1, func(i int) time.Duration {
		path := filepath.Join(dir, fmt.Sprintf("office-%d.db", i))
		copyFile(b, empty, path)
		db, err := store.Open(ctx, path, store.Options{Actor: "市房管局"})
		if err != nil {
			b.Fatal(err)
		}
		t := time.Now()
		res := exchange.ImportFile(ctx, db, pkg, exchange.ImportOptions{TempDir: dir})
		d := time.Since(t)
		if res.Status != exchange.StatusMerged {
			b.Fatal(res.Message)
		}
		rows = res.New
		db.Close()
		os.RemoveAll(filepath.Join(dir, "backups"))
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(path + s)
		}
		return d
	})
	b.ReportMetric(float64(rows), "rows")
}

// BenchmarkMergeBaseline copies the same rows and photos from the data
// file the package was exported from into an empty office file with
// ATTACH and INSERT … SELECT, in one transaction, same pragmas.
func BenchmarkMergeBaseline(b *testing.B) {
	src := need(b, "JIAYUAN_BENCH_PKGDB")
	empty := emptyOffice(b, need(b, "JIAYUAN_BENCH_PKG"))
	dir := b.TempDir()
	measureTimed(b, 1, func(i int) time.Duration {
		path := filepath.Join(dir, fmt.Sprintf("raw-%d.db", i))
		copyFile(b, empty, path)
		raw := rawDB(b, path, "journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)")
		if err := raw.Ping(); err != nil {
			b.Fatal(err)
		}
		t := time.Now()
		if _, err := raw.Exec(`ATTACH DATABASE ? AS p`, "file:"+src+"?mode=ro"); err != nil {
			b.Fatal(err)
		}
		tx, err := raw.Begin()
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range store.Entities {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM p.sqlite_master WHERE type = 'table' AND name = ?`, e).Scan(&n); err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				continue // a table newer than the generated file: nothing to copy
			}
			// Columns newer than the generated file (liaisons.deleted_at,
			// deleted_by) keep their defaults.
			have := map[string]bool{}
			rows, err := tx.Query(`SELECT name FROM pragma_table_info(?, 'p')`, e)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				var n string
				if err := rows.Scan(&n); err != nil {
					b.Fatal(err)
				}
				have[n] = true
			}
			rows.Close()
			var names []string
			for _, c := range store.TravelColumns(e) {
				if have[c.Name] {
					names = append(names, c.Name)
				}
			}
			cols := strings.Join(names, ", ")
			if _, err := tx.Exec(`INSERT INTO main.` + e + `(` + cols + `) SELECT ` + cols + ` FROM p.` + e); err != nil {
				b.Fatal(e, err)
			}
		}
		if _, err := tx.Exec(`INSERT INTO main.photos(sha256, mime, width, height, data, created_at)
			SELECT sha256, mime, width, height, data, created_at FROM p.photos`); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		d := time.Since(t)
		raw.Close()
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(path + s)
		}
		return d
	})
}
