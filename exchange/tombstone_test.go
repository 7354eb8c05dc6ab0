package exchange

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

func liaisonNames(t *testing.T, d *device) []string {
	t.Helper()
	ls, err := d.db.Liaisons(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		out = append(out, l.Name)
	}
	slices.Sort(out)
	return out
}

// TestLiaisonDeletionTravels: a deleted liaison travels as a tombstone:
// the receiver drops the person from its list, the same package again is a
// duplicate, the deletion and the creation arrive in either order with the
// same result, saving the person again brings them back everywhere, and a
// deletion racing an edit is a conflict, settled the same on both sides.
func TestLiaisonDeletionTravels(t *testing.T) {
	ctx := context.Background()
	a, b, c := newDevice(t, "区局"), newDevice(t, "检查员"), newDevice(t, "市局")
	trustAll(t, a, b, c)
	wang := store.Liaison{District: "鼓楼区", Unit: "鼓楼区住建局", Name: "王五", Mobile: "13800000001"}
	zhao := store.Liaison{District: "鼓楼区", Unit: "东街街道办事处", Name: "赵六", Mobile: "13800000002"}
	if _, _, err := a.db.SaveLiaisons(ctx, []store.Liaison{wang, zhao}); err != nil {
		t.Fatal(err)
	}
	p1 := a.export(ExportOptions{Office: "检查员"})
	b.importOK(p1)
	if err := a.db.DeleteLiaison(ctx, store.LiaisonID(wang.Unit, wang.Name)); err != nil {
		t.Fatal(err)
	}
	if got := liaisonNames(t, a); !slices.Equal(got, []string{"赵六"}) {
		t.Fatalf("after deleting here: %v", got)
	}
	p2 := a.export(ExportOptions{Office: "检查员"})
	if info := Inspect(ctx, nil, p2, Limits{}); !info.Incremental || info.Counts["liaisons"] != 1 {
		t.Fatalf("the deletion's package: %+v", info)
	}
	if res := b.importOK(p2); res.Updated != 1 {
		t.Errorf("deletion import: %+v", res)
	}
	if got := liaisonNames(t, b); !slices.Equal(got, []string{"赵六"}) {
		t.Fatalf("the deletion did not travel: %v", got)
	}
	if r := ImportFile(ctx, b.db, p2, ImportOptions{}); r.Status != StatusDuplicate {
		t.Errorf("second import: %s", r.Status)
	}
	// The deletion first, then the creation: the same as the other order.
	c.importOK(p2)
	c.importOK(p1)
	if got := liaisonNames(t, c); !slices.Equal(got, []string{"赵六"}) {
		t.Fatalf("deletion before creation: %v", got)
	}
	if !sameLiaisonRows(t, b, c) {
		t.Errorf("the deletion and the creation in the two orders differ")
	}

	// Saving the person again brings them back, and that travels too.
	if added, _, err := a.db.SaveLiaisons(ctx, []store.Liaison{wang}); err != nil || added != 1 {
		t.Fatalf("saving a deleted person again: added %d, %v", added, err)
	}
	b.importOK(a.export(ExportOptions{Office: "检查员"}))
	if got := liaisonNames(t, b); !slices.Equal(got, []string{"王五", "赵六"}) {
		t.Fatalf("the person did not come back: %v", got)
	}

	// A deletion racing an edit: a conflict, the same winner on both sides.
	if err := a.db.DeleteLiaison(ctx, store.LiaisonID(zhao.Unit, zhao.Name)); err != nil {
		t.Fatal(err)
	}
	zhao.Mobile = "13900000009"
	if _, _, err := b.db.SaveLiaisons(ctx, []store.Liaison{zhao}); err != nil {
		t.Fatal(err)
	}
	pa, pb := a.export(ExportOptions{Office: "检查员"}), b.export(ExportOptions{Office: "区局"})
	ra, rb := b.importOK(pa), a.importOK(pb)
	if ra.Conflicts != 1 || rb.Conflicts != 1 {
		t.Errorf("delete vs edit: conflicts %d and %d, want 1 each", ra.Conflicts, rb.Conflicts)
	}
	if !sameLiaisonRows(t, a, b) {
		t.Errorf("delete vs edit settled differently")
	}
	for _, d := range []*device{a, b, c} {
		d.verify()
	}
}

func sameLiaisonRows(t *testing.T, x, y *device) bool {
	t.Helper()
	rows := func(d *device) string {
		db, err := sql.Open("sqlite", fileDSN(d.path, "mode=ro"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var s string
		if err := db.QueryRow(`SELECT group_concat(id || deleted_by || COALESCE(deleted_at, '-') || mobile || version, ';')
			FROM (SELECT * FROM liaisons ORDER BY id)`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	return rows(x) == rows(y)
}

// TestFormat2PackageStillRead: a format-2 package (liaisons without the
// tombstone columns) is read, its liaisons standing.
func TestFormat2PackageStillRead(t *testing.T) {
	ctx := context.Background()
	a, office := newDevice(t, "检查员"), newDevice(t, "区局")
	if _, _, err := a.db.SaveLiaisons(ctx, []store.Liaison{{District: "鼓楼区", Unit: "鼓楼区住建局", Name: "王五"}}); err != nil {
		t.Fatal(err)
	}
	pkg := a.export(ExportOptions{})
	pub, key, _ := ed25519.GenerateKey(rand.Reader)
	dir := t.TempDir()
	f, err := os.Open(pkg)
	if err != nil {
		t.Fatal(err)
	}
	env, err := readEnvelope(f, filepath.Join(dir, "in.db"), 1<<30)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", env.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	var v2 string
	for _, s := range packageDDL(2) {
		if strings.HasPrefix(s, "CREATE TABLE liaisons ") {
			v2 = s
		}
	}
	for _, q := range []string{`ALTER TABLE liaisons DROP COLUMN deleted_at`, `ALTER TABLE liaisons DROP COLUMN deleted_by`,
		`PRAGMA writable_schema = ON`, `UPDATE sqlite_master SET sql = '` + v2 + `' WHERE name = 'liaisons'`,
		`PRAGMA writable_schema = OFF`, `UPDATE package_meta SET value = '2' WHERE key = 'format'`,
		`UPDATE package_meta SET value = '` + store.DeviceID(pub) + `' WHERE key = 'signer_id'`, `VACUUM`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()
	h := env.Header
	h.Format, h.SignerKey, h.SignerID = 2, pub, store.DeviceID(pub)
	body, err := os.Open(env.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	st, _ := body.Stat()
	out := filepath.Join(dir, "v2"+Extension)
	w, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeEnvelope(w, h, body, st.Size(), func(m []byte) []byte { return ed25519.Sign(key, m) }); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if info := Inspect(ctx, nil, out, Limits{}); !info.Valid || info.Format != 2 || info.Counts["liaisons"] != 1 {
		t.Fatalf("format-2 package: %+v", info)
	}
	if _, err := office.db.TrustDevice(ctx, pub, "旧版区局"); err != nil {
		t.Fatal(err)
	}
	office.importOK(out)
	if got := liaisonNames(t, office); !slices.Equal(got, []string{"王五"}) {
		t.Fatalf("liaisons from a format-2 package: %v", got)
	}
	office.verify()
}
