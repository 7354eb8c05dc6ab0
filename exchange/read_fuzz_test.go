package exchange

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// The package reader is fuzzed at two depths:
//
//   - FuzzReadPackage: the whole file as it arrives (envelope, header,
//     sizes, trailer, signature). Seeds: a valid package and every file of
//     the hostile corpus (testdata/hostile/), plus testdata/fuzz/.
//   - FuzzPackageDatabase: the SQLite database inside, signed again with a
//     fixed test key after mutation, so the fuzzer gets past the signature
//     to the database checks (header by hand, quick_check, schema, cell
//     sizes, every row's validation, photos).
//
// Both run Inspect (the reader and validator without a data file): it
// must not panic, must leave no temporary file behind, and a package it
// calls valid must have a signature that verifies.

// fuzzKey signs the databases FuzzPackageDatabase builds.
var fuzzKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x5a}, ed25519.SeedSize))

const fuzzPackageID = "01920000-0000-7000-8000-000000000001"

// privateTemp points the reader's temporary folders at a fresh directory
// for the fuzz run and returns a check that it is empty again.
func privateTemp(f *testing.F) func(t *testing.T) {
	dir := f.TempDir()
	old, had := os.LookupEnv("TMPDIR")
	os.Setenv("TMPDIR", dir)
	f.Cleanup(func() {
		if had {
			os.Setenv("TMPDIR", old)
		} else {
			os.Unsetenv("TMPDIR")
		}
	})
	return func(t *testing.T) {
		left, _ := os.ReadDir(dir)
		for _, e := range left {
			if strings.HasPrefix(e.Name(), "jiayuan-") {
				t.Fatalf("temporary %s left behind", e.Name())
			}
		}
	}
}

// seedPackage exports a small real package: a finalized inspection with a
// photo, a draft with a note, communities and the template.
func seedPackage(f *testing.F) string {
	a := newDevice(f, "inspector")
	a.finished("怡乐花园", "鼓楼区", 98, testJPEG(f, 16, 12, 7))
	in := a.start(a.community("金山小区", "仓山区").ID)
	if _, err := a.db.SetNote(context.Background(), in.ID, "1.1", "草稿备注"); err != nil {
		f.Fatal(err)
	}
	return a.export(ExportOptions{})
}

func FuzzReadPackage(f *testing.F) {
	pkg := seedPackage(f)
	body, err := os.ReadFile(pkg)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add(body[:len(body)/2])
	f.Add([]byte(magic))
	hostile, _ := filepath.Glob(filepath.Join("testdata", "hostile", "*"+Extension))
	for _, p := range hostile {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	clean := privateTemp(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4<<20 {
			return
		}
		path := filepath.Join(dir, "fuzz"+Extension)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		info := Inspect(context.Background(), nil, path, Limits{MaxFileSize: 8 << 20})
		if info.Valid == (info.Problem != "") {
			t.Fatalf("valid=%v with problem %q", info.Valid, info.Problem)
		}
		if info.Valid && !bytes.Equal(data, body) {
			// Only bytes signed by a device key can be valid: check the
			// signature independently of the reader.
			checkSigned(t, data)
		}
		clean(t)
	})
}

// checkSigned verifies data's signature by hand.
func checkSigned(t *testing.T, data []byte) {
	env, err := readEnvelope(bytes.NewReader(data), filepath.Join(t.TempDir(), "db"), 8<<20)
	if err != nil {
		t.Fatalf("Inspect called it valid, the envelope reader refuses it: %v", err)
	}
	if !ed25519.Verify(ed25519.PublicKey(env.Header.SignerKey), append([]byte(signedPrefix), env.Digest[:]...), env.Signature) {
		t.Fatal("valid without a verifying signature")
	}
}

// packageDB cuts the database out of a package and rewrites its meta for
// the fixed fuzz key and package id.
func packageDB(f *testing.F, pkg string) []byte {
	in, err := os.Open(pkg)
	if err != nil {
		f.Fatal(err)
	}
	defer in.Close()
	dbPath := filepath.Join(f.TempDir(), "seed.db")
	if _, err := readEnvelope(in, dbPath, 1<<30); err != nil {
		f.Fatal(err)
	}
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		f.Fatal(err)
	}
	pub := fuzzKey.Public().(ed25519.PublicKey)
	for k, v := range map[string]string{"package_id": fuzzPackageID, "signer_id": store.DeviceID(pub)} {
		if _, err := db.Exec(`UPDATE package_meta SET value = ? WHERE key = ?`, v, k); err != nil {
			f.Fatal(err)
		}
	}
	db.Close()
	b, err := os.ReadFile(dbPath)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// signDB wraps a database in a package signed with the fuzz key.
func signDB(t testing.TB, db []byte, path string) {
	pub := fuzzKey.Public().(ed25519.PublicKey)
	h := Header{Format: FormatVersion, PackageID: fuzzPackageID, CreatedAt: t0, SignerID: store.DeviceID(pub),
		SignerName: "模糊测试", SignerKey: pub, Content: "all", Counts: map[string]int{}}
	var b bytes.Buffer
	if err := writeEnvelope(&b, h, bytes.NewReader(db), int64(len(db)), func(m []byte) []byte { return ed25519.Sign(fuzzKey, m) }); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func FuzzPackageDatabase(f *testing.F) {
	seed := packageDB(f, seedPackage(f))
	f.Add(seed)
	clean := privateTemp(f)
	dir := f.TempDir()
	path := filepath.Join(dir, "fuzz"+Extension)
	signDB(f, seed, path)
	if info := Inspect(context.Background(), nil, path, Limits{}); !info.Valid {
		f.Fatalf("the seed is not valid: %s", info.Problem)
	}
	f.Fuzz(func(t *testing.T, db []byte) {
		if len(db) > 4<<20 {
			return
		}
		signDB(t, db, path)
		info := Inspect(context.Background(), nil, path, Limits{MaxFileSize: 8 << 20})
		if info.Valid == (info.Problem != "") {
			t.Fatalf("valid=%v with problem %q", info.Valid, info.Problem)
		}
		clean(t)
	})
}
