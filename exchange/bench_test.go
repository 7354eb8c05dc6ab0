package exchange

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// benchInspections is the size of the district package: 100 inspections
// by default, 1,000 (45,000 answers, 20,000 photos) with
// JIAYUAN_BENCH_FULL=1.
func benchInspections() int {
	if os.Getenv("JIAYUAN_BENCH_FULL") != "" {
		return 1000
	}
	return 100
}

// BenchmarkMergeDistrictPackage imports a district package into an empty
// office data file three ways in the same run and reports each and the
// ratios:
//
//	import  ImportFile: signature, hostile-input checks, validation of
//	        every row, backup (VACUUM INTO), merge, audit, scores
//	merge   MergePackage alone (rows already read and validated)
//	raw     ATTACH the package's database and INSERT … SELECT the same
//	        rows and photos into the same tables in one transaction, with
//	        the data file's durability settings (WAL, synchronous=FULL)
//
// import-cpu-ms and raw-cpu-ms are the process's CPU time (user + system,
// every thread) during the import and the raw copy.
func BenchmarkMergeDistrictPackage(b *testing.B) {
	ctx := context.Background()
	n := benchInspections()
	dir := b.TempDir()
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	pkg := synthPackage(b, dir, key, n, 20)

	empty := newDevice(b, "empty-office")
	if _, err := empty.db.TrustDevice(ctx, pub, "区局"); err != nil {
		b.Fatal(err)
	}
	empty.db.Close()

	var imp, merge, raw, impCPU, rawCPU time.Duration
	var counts store.MergeCounts
	iter := 0
	for b.Loop() {
		iter++
		d := empty.copyTo("import")
		start, cpu := time.Now(), cpuTime()
		res := ImportFile(ctx, d.db, pkg, ImportOptions{})
		imp += time.Since(start)
		impCPU += cpuTime() - cpu
		if res.Status != StatusMerged {
			b.Fatal(res.Message)
		}
		d.db.Close()

		d = empty.copyTo("merge")
		p, cleanup := readForMerge(b, d.db, pkg)
		start = time.Now()
		c, err := d.db.MergePackage(ctx, p, nil)
		merge += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		counts = c
		cleanup()
		d.db.Close()

		d = empty.copyTo("raw")
		d.db.Close()
		rw, rc := rawInsertSelect(b, d.path, pkg)
		raw += rw
		rawCPU += rc
	}
	per := func(d time.Duration) float64 { return float64(d.Milliseconds()) / float64(iter) }
	b.ReportMetric(per(imp), "import-ms/op")
	b.ReportMetric(per(merge), "merge-ms/op")
	b.ReportMetric(per(raw), "raw-ms/op")
	b.ReportMetric(float64(imp)/float64(raw), "import/raw")
	b.ReportMetric(float64(merge)/float64(raw), "merge/raw")
	b.ReportMetric(per(impCPU), "import-cpu-ms/op")
	b.ReportMetric(per(rawCPU), "raw-cpu-ms/op")
	b.ReportMetric(float64(impCPU)/float64(rawCPU), "import/raw-cpu")
	b.Logf("%d inspections: %d rows new, %d photos; per run import %.0f ms, merge %.0f ms, raw INSERT…SELECT %.0f ms",
		n, counts.New, counts.Photos, per(imp), per(merge), per(raw))
}

// readForMerge does what Import does before merging (the photos are
// copied from the package's database, as Import has them copied).
func readForMerge(b *testing.B, db *store.DB, pkg string) (store.Package, func()) {
	ctx := context.Background()
	o, err := openPackage(pkg, nil, Limits{}.withDefaults(), "")
	if err != nil {
		b.Fatal(err)
	}
	c, err := o.checkContents(ctx, Limits{}.withDefaults())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := validatePackage(ctx, db, c); err != nil {
		b.Fatal(err)
	}
	h := o.env.Header
	p := store.Package{ID: h.PackageID, Digest: hex.EncodeToString(o.env.Digest[:]), FileName: filepath.Base(pkg), SignerID: h.SignerID,
		SignerName: h.SignerName, CreatedAt: h.CreatedAt, Rows: c.source(ctx), RowCount: c.rowCount(), PhotoCount: c.counts["photos"], DBFile: o.env.DBPath,
		PhotosChecked: c.checkPhotosAhead(ctx)}
	return p, func() { c.close(); o.close() }
}

// rawInsertSelect copies the package's rows with INSERT … SELECT into the
// data file at path and returns how long that took, in wall and in CPU
// time.
func rawInsertSelect(b *testing.B, path, pkg string) (wall, cpu time.Duration) {
	o, err := openPackage(pkg, nil, Limits{}.withDefaults(), "")
	if err != nil {
		b.Fatal(err)
	}
	defer o.close()
	db, err := sql.Open("sqlite", fileDSN(path, pragma("journal_mode(WAL)"), pragma("synchronous(FULL)"), pragma("foreign_keys(1)"))+"&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	start, cpu0 := time.Now(), cpuTime()
	if _, err := db.Exec(`ATTACH DATABASE ? AS p`, o.env.DBPath); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range store.Entities {
		cols := strings.Join(columnNames(e), ", ")
		q := `INSERT INTO main.` + e + `(` + cols + `) SELECT ` + cols + ` FROM p.` + e
		if e == "templates" {
			q += ` WHERE true ON CONFLICT DO NOTHING`
		}
		if _, err := tx.Exec(q); err != nil {
			b.Fatal(e, err)
		}
	}
	if _, err := tx.Exec(`INSERT INTO main.photos(sha256, mime, width, height, data, created_at)
		SELECT sha256, mime, width, height, data, '2024-09-01T09:00:00.000+08:00' FROM p.photos`); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start), cpuTime() - cpu0
}
