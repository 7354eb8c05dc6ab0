package exchange

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// resign rewrites a valid package: its database is changed by mutate (nil:
// unchanged), then it is signed again with key, whose device the receiver
// trusts. Only the content checks can catch what mutate plants.
func resign(t *testing.T, src string, key ed25519.PrivateKey, format uint32, mutate func(db *sql.DB, path string)) string {
	t.Helper()
	dir := t.TempDir()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	env, err := readEnvelope(f, filepath.Join(dir, "in.db"), 1<<30)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	pub := key.Public().(ed25519.PublicKey)
	h := env.Header
	h.PackageID, h.SignerKey, h.SignerID, h.SignerName = uuid.Must(uuid.NewV7()).String(), pub, store.DeviceID(pub), "测试签名"
	db, err := sql.Open("sqlite", env.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"package_id": h.PackageID, "signer_id": h.SignerID} {
		if _, err := db.Exec(`UPDATE package_meta SET value = ? WHERE key = ?`, v, k); err != nil {
			t.Fatal(err)
		}
	}
	if mutate != nil {
		mutate(db, env.DBPath)
	}
	db.Close()
	body, err := os.Open(env.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	st, _ := body.Stat()
	out := filepath.Join(dir, "resigned"+Extension)
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := writeEnvelope(w, h, body, st.Size(), func(m []byte) []byte { return ed25519.Sign(key, m) }); err != nil {
		t.Fatal(err)
	}
	if format != FormatVersion {
		var v [4]byte
		binary.BigEndian.PutUint32(v[:], format)
		if _, err := w.WriteAt(v[:], 8); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// hostileSetup gives a receiver that trusts a test key, and a valid
// package from another device to tamper with.
func hostileSetup(t *testing.T) (*device, string, ed25519.PrivateKey) {
	t.Helper()
	a, office := newDevice(t, "inspector"), newDevice(t, "office")
	a.finished("怡乐花园", "鼓楼区", 98, testJPEG(t, 64, 48, 7))
	in := a.start(a.community("金山小区", "仓山区").ID)
	if _, err := a.db.SetNote(context.Background(), in.ID, "1.1", "草稿备注"); err != nil {
		t.Fatal(err)
	}
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := office.db.TrustDevice(context.Background(), pub, "测试签名"); err != nil {
		t.Fatal(err)
	}
	return office, a.export(ExportOptions{}), key
}

// mustRefuse imports path and checks that it is refused, with the file
// named in a Chinese message, and that the data file did not change.
func mustRefuse(t *testing.T, d *device, path string, want error) Result {
	t.Helper()
	before := d.digest()
	res := ImportFile(context.Background(), d.db, path, ImportOptions{})
	if res.Status != StatusRefused || !errors.Is(res.Err, ErrRefused) {
		t.Fatalf("%s: want refused, got %s: %s", filepath.Base(path), res.Status, res.Message)
	}
	if want != nil && !errors.Is(res.Err, want) {
		t.Fatalf("%s: want %v, got %v", filepath.Base(path), want, res.Err)
	}
	if !strings.Contains(res.Message, filepath.Base(path)) || !strings.Contains(res.Message, "已拒绝导入") {
		t.Fatalf("message does not name the file: %s", res.Message)
	}
	if d.digest() != before {
		t.Fatalf("%s: a refused package changed the data file", filepath.Base(path))
	}
	return res
}

func TestHostileContentRefused(t *testing.T) {
	office, pkg, key := hostileSetup(t)
	exec := func(stmts ...string) func(*sql.DB, string) {
		return func(db *sql.DB, _ string) {
			for _, s := range stmts {
				if _, err := db.Exec(s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
		}
	}
	cases := []struct {
		name   string
		mutate func(*sql.DB, string)
		want   error
	}{
		{"trigger", exec(`CREATE TRIGGER evil AFTER INSERT ON answers BEGIN DELETE FROM communities; END`), ErrHostile},
		{"view", exec(`CREATE VIEW evil AS SELECT * FROM communities`), ErrHostile},
		{"view shadowing a table", exec(`ALTER TABLE communities RENAME TO c2`, `CREATE VIEW communities AS SELECT * FROM c2`), ErrHostile},
		{"extra table", exec(`CREATE TABLE extra (x TEXT)`), ErrHostile},
		{"extra column", exec(`ALTER TABLE answers ADD COLUMN extra TEXT`), ErrHostile},
		{"extra index", exec(`CREATE INDEX extra ON answers(note)`), ErrHostile},
		{"huge row", exec(`UPDATE answers SET note = printf('%.*c', 3000000, 'x') WHERE rowid = (SELECT MIN(rowid) FROM answers)`), ErrTooLarge},
		{"corrupted page", corruptPage, ErrHostile},
		{"not a uuid", exec(`UPDATE communities SET id = '../../etc/passwd' WHERE rowid = 1`), ErrHostile},
		{"bad enum", exec(`UPDATE inspections SET status = 'deleted' WHERE status = 'draft'`), ErrHostile},
		{"answer id forged", exec(`UPDATE answers SET item_code = '1.2' WHERE item_code = '1.1' AND note = '草稿备注'`), ErrHostile},
		{"answer invalid for its item", exec(`UPDATE answers SET value = 5 WHERE item_code = '1.1'`), ErrHostile},
		{"finalized content altered", exec(`UPDATE answers SET note = '改过' WHERE inspection_id IN (SELECT id FROM inspections WHERE status = 'finalized') AND rowid = (SELECT MIN(rowid) FROM answers)`), ErrHostile},
		{"photo bytes altered", exec(`UPDATE photos SET data = CAST('not the photo' AS BLOB)`), ErrRefused},
		{"photo missing", exec(`DELETE FROM photos`), store.ErrMissingReference},
		{"template broken", exec(`UPDATE templates SET body = '{"id": 1}'`), ErrHostile},
		{"clock forged", exec(`UPDATE communities SET clock = '{"zz":"1"}'`), ErrHostile},
		{"meta mismatch", exec(`UPDATE package_meta SET value = 'other' WHERE key = 'package_id'`), ErrHostile},
		// The package says its rows are in rowid order (row_order), but they are not.
		{"answers out of their declared order", exec(`UPDATE answers SET rowid = -rowid`), ErrHostile},
		{"communities out of their declared order", exec(`UPDATE communities SET rowid = -rowid`), ErrHostile},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustRefuse(t, office, resign(t, pkg, key, FormatVersion, c.mutate), c.want)
			t.Log(res.Message)
		})
	}
	t.Run("control: re-signed but unchanged merges", func(t *testing.T) {
		office.importOK(resign(t, pkg, key, FormatVersion, nil))
		office.verify()
	})
	t.Run("control: rows in another order, none declared (a package written before row_order), merges the same", func(t *testing.T) {
		base := newDevice(t, "区局-新")
		if _, err := base.db.TrustDevice(context.Background(), key.Public().(ed25519.PublicKey), "测试签名"); err != nil {
			t.Fatal(err)
		}
		base.db.Close()
		inOrder, shuffled := base.copyTo("按序"), base.copyTo("无序")
		inOrder.importOK(resign(t, pkg, key, FormatVersion, nil))
		shuffled.importOK(resign(t, pkg, key, FormatVersion, exec(`DELETE FROM package_meta WHERE key = 'row_order'`,
			`UPDATE answers SET rowid = -rowid`, `UPDATE communities SET rowid = -rowid`, `UPDATE inspections SET rowid = -rowid`)))
		shuffled.verify()
		if shuffled.digest() != inOrder.digest() {
			t.Errorf("the package read sorted by SQLite gave other records than in its declared rowid order")
		}
	})
}

// corruptPage overwrites the middle of the last page with garbage (the
// file header and page count stay right, so only SQLite's checks see it).
func corruptPage(db *sql.DB, path string) {
	var pageSize, pages int64
	db.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	db.QueryRow(`PRAGMA page_count`).Scan(&pages)
	db.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	garbage := []byte(strings.Repeat("\xde\xad\xbe\xef", 64))
	for p := int64(2); p <= pages; p++ {
		f.WriteAt(garbage, (p-1)*pageSize+8)
	}
}

func TestFlippedByteRefused(t *testing.T) {
	a, office := newDevice(t, "inspector"), newDevice(t, "office")
	a.finished("怡乐花园", "鼓楼区", 98, testJPEG(t, 64, 48, 3))
	trustAll(t, a, office)
	pkg := a.export(ExportOptions{})
	body, err := os.ReadFile(pkg)
	if err != nil {
		t.Fatal(err)
	}
	hsize := int(binary.BigEndian.Uint32(body[12:16]))
	var offsets []int
	for i := 0; i < 16+hsize+8; i++ { // magic, version, header, db size: every byte
		offsets = append(offsets, i)
	}
	dbStart, dbEnd := 16+hsize+8, len(body)-68
	for i := 0; i < 300; i++ { // the database, spread over its whole length
		offsets = append(offsets, dbStart+i*(dbEnd-dbStart)/300)
	}
	offsets = append(offsets, dbStart+100, dbEnd-1)
	for i := dbEnd; i < len(body); i++ { // trailer and signature: every byte
		offsets = append(offsets, i)
	}
	dir := t.TempDir()
	before := office.digest()
	for _, off := range offsets {
		flipped := append([]byte{}, body...)
		flipped[off] ^= 0xff
		path := filepath.Join(dir, "flipped"+Extension)
		if err := os.WriteFile(path, flipped, 0o600); err != nil {
			t.Fatal(err)
		}
		res := ImportFile(context.Background(), office.db, path, ImportOptions{})
		if res.Status != StatusRefused {
			t.Fatalf("byte %d of %d flipped: %s %s", off, len(body), res.Status, res.Message)
		}
	}
	if office.digest() != before {
		t.Fatal("a refused package changed the data file")
	}
	// Truncated and extended files too.
	for _, b := range [][]byte{body[:len(body)-1], body[:len(body)/2], append(append([]byte{}, body...), 0)} {
		path := filepath.Join(dir, "cut"+Extension)
		os.WriteFile(path, b, 0o600)
		mustRefuse(t, office, path, ErrBadSignature)
	}
	t.Logf("%d single-byte flips over a %d-byte package: all refused", len(offsets), len(body))
	res := ImportFile(context.Background(), office.db, pkg, ImportOptions{})
	if res.Status != StatusMerged {
		t.Fatalf("the intact package: %s", res.Message)
	}
}

func TestNewerFormatRefused(t *testing.T) {
	office, pkg, key := hostileSetup(t)
	res := mustRefuse(t, office, resign(t, pkg, key, FormatVersion+1, nil), ErrNewerFormat)
	if want := fmt.Sprintf("本程序支持的数据包格式版本 %d，该文件为 %d", FormatVersion, FormatVersion+1); !strings.Contains(res.Message, want) {
		t.Fatalf("message: %s", res.Message)
	}
	t.Log(res.Message)
}

func TestRevokedSignerRefused(t *testing.T) {
	ctx := context.Background()
	a, office := newDevice(t, "inspector"), newDevice(t, "office")
	a.finished("怡乐花园", "鼓楼区", 98, testJPEG(t, 32, 32, 1))
	trustAll(t, a, office)
	first := a.export(ExportOptions{})
	office.importOK(first)
	if err := office.db.RevokeDevice(ctx, a.db.Device().ID); err != nil {
		t.Fatal(err)
	}
	a.finished("金山小区", "仓山区", 97, testJPEG(t, 32, 32, 2))
	res := mustRefuse(t, office, a.export(ExportOptions{}), ErrRevoked)
	t.Log(res.Message)
	info := Inspect(ctx, office.db, first, Limits{})
	if info.Trust != store.TrustRevoked.String() || !info.Valid {
		t.Fatalf("inspect: %+v", info)
	}
}

func TestOwnPackageTrusted(t *testing.T) {
	a := newDevice(t, "inspector")
	a.finished("怡乐花园", "鼓楼区", 98, testJPEG(t, 32, 32, 1))
	res := a.importOK(a.export(ExportOptions{}))
	if res.New+res.Updated+res.Conflicts != 0 {
		t.Fatalf("own package changed something: %+v", res)
	}
}
