package exchange

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPhotosCopiedInSQLite checks the photos of an import, copied from the
// package inside SQLite (store.Package.DBFile): stored with the right
// bytes and counted once; a photo already here is skipped (not counted,
// not rewritten) but still checked against its digest, so a package whose
// copy of it does not match is refused and the data file is unchanged; a
// package whose photo is missing while a row uses it is refused.
func TestPhotosCopiedInSQLite(t *testing.T) {
	ctx := context.Background()
	a, office := newDevice(t, "A"), newDevice(t, "office")
	trustAll(t, a, office)
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := office.db.TrustDevice(ctx, pub, "重签设备"); err != nil {
		t.Fatal(err)
	}
	p1, p2 := testJPEG(t, 48, 32, 21), testJPEG(t, 48, 32, 22)
	a.finished("怡乐花园", "鼓楼区", 98, p1)
	a.finished("金山小区", "仓山区", 97, p2)
	base := a.export(ExportOptions{})

	shas := map[string][]byte{} // A's photos as A stored them
	adb, err := sql.Open("sqlite", a.path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := adb.Query(`SELECT sha256, data FROM photos`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sha string
		var data []byte
		if err := rows.Scan(&sha, &data); err != nil {
			t.Fatal(err)
		}
		shas[sha] = data
	}
	rows.Close()
	adb.Close()
	if len(shas) != 2 {
		t.Fatalf("A has %d photos, want 2", len(shas))
	}

	res := office.importOK(base)
	if res.Photos != 2 {
		t.Fatalf("photos stored: %d, want 2", res.Photos)
	}
	for sha, p := range shas {
		got, err := office.db.Photo(ctx, sha)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, p) {
			t.Fatalf("photo %.12s: %d bytes stored, want the %d sent", sha, len(got), len(p))
		}
	}

	// The same content as a new package: both photos are here already.
	again := office.importOK(resign(t, base, key, FormatVersion, nil))
	if again.Photos != 0 {
		t.Fatalf("photos stored again: %d, want 0", again.Photos)
	}

	before := office.digest()
	tamper := func(t *testing.T, q string) func(*sql.DB, string) {
		return func(db *sql.DB, _ string) {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		name, q, want string
		office        bool // the office (which has both photos) refuses it too
	}{
		{"bytes of a photo already here changed", `UPDATE photos SET data = CAST(CAST('x' AS BLOB) || data AS BLOB) WHERE rowid = (SELECT MIN(rowid) FROM photos)`, "摘要不符", true},
		{"a photo a row uses taken out", `DELETE FROM photos WHERE rowid = (SELECT MIN(rowid) FROM photos)`, "既不在数据包中", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			fresh := newDevice(t, "fresh")
			if _, err := fresh.db.TrustDevice(ctx, pub, "重签设备"); err != nil {
				t.Fatal(err)
			}
			freshBefore := fresh.digest()
			bad := resign(t, base, key, FormatVersion, tamper(t, c.q))
			devs := []*device{fresh}
			if c.office {
				devs = append(devs, office)
			}
			for _, d := range devs {
				r := ImportFile(ctx, d.db, bad, ImportOptions{})
				if r.Status != StatusRefused || !strings.Contains(r.Message, c.want) {
					t.Fatalf("%s: %s %s, want refused with %q", d.name, r.Status, r.Message, c.want)
				}
				d.verify()
			}
			if office.digest() != before || fresh.digest() != freshBefore {
				t.Fatal("records changed although the package was refused")
			}
			for sha, p := range shas {
				if got, err := office.db.Photo(ctx, sha); err != nil || !bytes.Equal(got, p) {
					t.Fatalf("office's photo %.12s changed (%v)", sha, err)
				}
				if _, err := fresh.db.Photo(ctx, sha); err == nil {
					t.Fatalf("photo %.12s stored by a refused import", sha)
				}
			}
		})
	}
}

// TestExportWritesAnswersInMergeOrder checks that a package's answers are
// stored in the order the merge reads them (inspection, then id), so that
// the merge copies them from the package in runs of rowids (store's
// copyChunk) instead of binding every value.
func TestExportWritesAnswersInMergeOrder(t *testing.T) {
	a := newDevice(t, "A")
	for i, n := range []string{"怡乐花园", "金山小区", "三坊七巷"} {
		a.finished(n, "鼓楼区", 97+float64(i), testJPEG(t, 48, 32, uint8(30+i)))
	}
	f, err := os.Open(a.export(ExportOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	env, err := readEnvelope(f, filepath.Join(t.TempDir(), "in.db"), 1<<30)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", env.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT inspection_id || ' ' || id FROM answers ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if len(keys) < 3*40 {
		t.Fatalf("%d answers in the package", len(keys))
	}
	if !slices.IsSorted(keys) {
		t.Fatal("the package's answers are not stored in (inspection_id, id) order")
	}
}
