package exchange

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// The hostile corpus: testdata/hostile/*.jypkg, committed, regenerated
// with
//
//	go test ./exchange -run TestHostileCorpus -update-hostile
//
// base.jypkg is a valid package (a community, a draft with notes and a
// photo; its templates left out and its database vacuumed to 512-byte
// pages to keep the files small) signed by hostileTrusted, and so is
// finalized.jypkg (a finalized inspection). Every other file is an attack
// on one of them. TestHostileCorpus imports both into a fresh office that
// trusts hostileTrusted and has revoked hostileRevoked, then every attack: each must be refused
// (held, for a signer the office does not know) with the message of its
// kind, and the office's records must be identical before and after
// (store.RecordDigest). Messages differ between kinds, so a person reading
// one knows what was wrong.

var updateHostile = flag.Bool("update-hostile", false, "regenerate exchange/testdata/hostile")

var (
	hostileTrusted = ed25519.NewKeyFromSeed(bytes.Repeat([]byte("T"), ed25519.SeedSize))
	hostileRevoked = ed25519.NewKeyFromSeed(bytes.Repeat([]byte("R"), ed25519.SeedSize))
	hostileUnknown = ed25519.NewKeyFromSeed(bytes.Repeat([]byte("U"), ed25519.SeedSize))
)

const hostileDir = "testdata/hostile"

// hostileCase is one file of the corpus and what importing it must say.
type hostileCase struct {
	file     string
	kind     string // cases of one kind share a message
	status   Status
	want     error  // errors.Is
	fragment string // in the message
	limits   Limits // the import's limits (zero: the defaults)
}

func hostileCases() []hostileCase {
	cases := []hostileCase{
		{file: "newer-format", kind: "newer format", status: StatusRefused, want: ErrNewerFormat, fragment: "本程序支持的数据包格式版本"},
		// Re-signed by an unknown key: naming that key, it is held (never
		// merged until a person enrols the key after comparing
		// fingerprints); claiming the trusted device, the signature does not
		// verify — which no reader can tell from a damaged signature.
		{file: "resigned-unknown-key", kind: "re-signed by an unknown key", status: StatusHeld, want: ErrHeld, fragment: "由未登记的设备"},
		{file: "forged-signature", kind: "forged signature", status: StatusRefused, want: ErrBadSignature, fragment: "签名校验失败，文件可能被篡改"},
		{file: "revoked-signer", kind: "signed by a revoked device", status: StatusRefused, want: ErrRevoked, fragment: "已吊销的设备"},
		{file: "trigger-planted", kind: "trigger planted", status: StatusRefused, want: ErrHostile, fragment: "trigger"},
		{file: "view-planted", kind: "view planted", status: StatusRefused, want: ErrHostile, fragment: "view"},
		{file: "corrupted-page", kind: "corrupted page", status: StatusRefused, want: ErrHostile, fragment: "内含数据库已损坏"},
		{file: "photo-hash-mismatch", kind: "photo bytes not matching their hash", status: StatusRefused, want: ErrRefused, fragment: "摘要不符"},
		{file: "finalized-different-content", kind: "finalized record with different content", status: StatusRefused, want: ErrRefused, fragment: "签字定稿的检查记录不能被另一份内容不同的定稿覆盖"},
		{file: "oversized-db-size", kind: "declared database size oversized", status: StatusRefused, want: ErrTooLarge, fragment: "声明的数据库大小"},
		{file: "oversized-header-size", kind: "declared header size oversized", status: StatusRefused, want: ErrNotPackage, fragment: "数据包头长度"},
		{file: "oversized-cell", kind: "oversized field", status: StatusRefused, want: ErrTooLarge, fragment: "有超长字段", limits: Limits{MaxText: 4 << 10}},
		// One bit flipped in each region of the file.
		{file: "flip-magic", kind: "bit flipped: magic", status: StatusRefused, want: ErrNotPackage, fragment: "文件开头不是数据包标识"},
		{file: "flip-format", kind: "bit flipped: format version", status: StatusRefused, want: ErrNotPackage, fragment: "无法识别"},
		{file: "flip-header-size", kind: "bit flipped: header size", status: StatusRefused, want: ErrBadSignature, fragment: "文件不完整"},
		{file: "flip-header-size-high", kind: "bit flipped: header size", status: StatusRefused, want: ErrNotPackage, fragment: "数据包头长度"},
		{file: "flip-header", kind: "bit flipped: header", status: StatusRefused, want: ErrBadSignature, fragment: "签名校验失败，文件可能被篡改"},
		{file: "flip-db-size", kind: "bit flipped: database size", status: StatusRefused, want: ErrBadSignature, fragment: "文件不完整"},
		{file: "flip-db", kind: "bit flipped: database", status: StatusRefused, want: ErrBadSignature, fragment: "签名校验失败，文件可能被篡改"},
		{file: "flip-trailer", kind: "bit flipped: trailer", status: StatusRefused, want: ErrBadSignature, fragment: "签名区标识不对"},
		{file: "flip-signature", kind: "bit flipped: signature", status: StatusRefused, want: ErrBadSignature, fragment: "签名校验失败，文件可能被篡改"},
		{file: "appended-byte", kind: "bytes after the signature", status: StatusRefused, want: ErrBadSignature, fragment: "签名之后还有多余的数据"},
	}
	for _, off := range []string{"0", "5", "12"} {
		cases = append(cases, hostileCase{file: "truncated-" + off, kind: "truncated in the first 16 bytes", status: StatusRefused, want: ErrNotPackage, fragment: "文件开头不是数据包标识"})
	}
	for _, off := range []string{"header", "db-size", "db-start", "db-middle", "db-end", "trailer", "signature"} {
		cases = append(cases, hostileCase{file: "truncated-" + off, kind: "truncated", status: StatusRefused, want: ErrBadSignature, fragment: "文件不完整"})
	}
	return cases
}

// distinctKinds are the attacks the issue names; each must have a message
// no other has.
var distinctKinds = []string{"truncated", "bit flipped: database", "re-signed by an unknown key", "signed by a revoked device",
	"newer format", "trigger planted", "view planted", "corrupted page", "photo bytes not matching their hash",
	"finalized record with different content", "declared database size oversized", "declared header size oversized", "oversized field"}

func TestHostileCorpus(t *testing.T) {
	if *updateHostile {
		generateHostile(t)
	}
	ctx := context.Background()
	office := newDevice(t, "office")
	if _, err := office.db.TrustDevice(ctx, hostileTrusted.Public().(ed25519.PublicKey), "区局"); err != nil {
		t.Fatal(err)
	}
	revoked := hostileRevoked.Public().(ed25519.PublicKey)
	if _, err := office.db.TrustDevice(ctx, revoked, "丢失的笔记本"); err != nil {
		t.Fatal(err)
	}
	if err := office.db.RevokeDevice(ctx, store.DeviceID(revoked)); err != nil {
		t.Fatal(err)
	}
	office.importOK(filepath.Join(hostileDir, "base"+Extension))
	office.importOK(filepath.Join(hostileDir, "finalized"+Extension))
	before := office.digest()

	byKind := map[string]string{}
	var total int64
	for _, c := range hostileCases() {
		path := filepath.Join(hostileDir, c.file+Extension)
		st, err := os.Stat(path)
		if err != nil {
			t.Fatalf("%s missing (go test ./exchange -run TestHostileCorpus -update-hostile): %v", path, err)
		}
		total += st.Size()
		res := ImportFile(ctx, office.db, path, ImportOptions{Limits: c.limits})
		if res.Status != c.status || !errors.Is(res.Err, c.want) {
			t.Errorf("%s: want %s %v, got %s: %s", c.file, c.status, c.want, res.Status, res.Message)
			continue
		}
		if !strings.Contains(res.Message, c.fragment) || !strings.Contains(res.Message, filepath.Base(path)) {
			t.Errorf("%s: message lacks %q or the file name: %s", c.file, c.fragment, res.Message)
		}
		if got := office.digest(); got != before {
			t.Fatalf("%s: the office's records changed", c.file)
		}
		msg := strings.ReplaceAll(res.Message, filepath.Base(path), "F")
		if prev, ok := byKind[c.kind]; !ok || len(msg) < len(prev) {
			byKind[c.kind] = msg
		}
		t.Logf("%-28s %s", c.file, res.Message)
	}
	office.verify()
	seen := map[string]string{}
	for _, k := range distinctKinds {
		msg, ok := byKind[k]
		if !ok {
			t.Errorf("no case of kind %q", k)
			continue
		}
		if other, dup := seen[msg]; dup {
			t.Errorf("kinds %q and %q give the same message: %s", k, other, msg)
		}
		seen[msg] = k
	}
	t.Logf("%d hostile files, %d KB in all", len(hostileCases()), total>>10)
}

// generateHostile rewrites the corpus.
func generateHostile(t *testing.T) {
	ctx := context.Background()
	os.RemoveAll(hostileDir)
	if err := os.MkdirAll(hostileDir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, body []byte) {
		if err := os.WriteFile(filepath.Join(hostileDir, name+Extension), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// base: a community and a draft with a few notes and a photo.
	a := newDevice(t, "inspector")
	draft := a.start(a.community("金山小区", "仓山区").ID)
	for _, code := range []string{"1.1", "3.1", "8.1"} {
		if _, err := a.db.SetNote(ctx, draft.ID, code, "草稿备注"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.db.AttachPhoto(ctx, draft.ID, "1.1", testJPEG(t, 12, 8, 5), false); err != nil {
		t.Fatal(err)
	}
	shrink := func(db *sql.DB, _ string) {
		for _, s := range []string{`DELETE FROM templates`, `PRAGMA page_size = 512`, `VACUUM`} {
			if _, err := db.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
	}
	base := resign(t, a.export(ExportOptions{}), hostileTrusted, FormatVersion, shrink)
	body := read(base)
	write("base", body)

	// finalized: two copies of one device diverge; one finalizes the
	// inspection as it is, the other changes an answer first.
	b := newDevice(t, "inspector2")
	in := b.start(b.community("怡乐花园", "鼓楼区").ID)
	b.answerAll(in.ID, 98, testJPEG(t, 8, 8, 1))
	b.db.Close()
	b2 := b.copyTo("inspector2-copy")
	b = b.copyTo("inspector2-main")
	b.finalize(in.ID)
	b2.answerAll(in.ID, 96.5, nil)
	b2.finalize(in.ID)
	write("finalized", read(resign(t, b.export(ExportOptions{}), hostileTrusted, FormatVersion, shrink)))
	write("finalized-different-content", read(resign(t, b2.export(ExportOptions{}), hostileTrusted, FormatVersion, shrink)))

	exec := func(stmts ...string) func(*sql.DB, string) {
		return func(db *sql.DB, _ string) {
			for _, s := range stmts {
				if _, err := db.Exec(s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
		}
	}
	write("newer-format", read(resign(t, base, hostileTrusted, 9, nil)))
	write("resigned-unknown-key", read(resign(t, base, hostileUnknown, FormatVersion, exec(`UPDATE communities SET name = '篡改后的小区'`))))
	write("revoked-signer", read(resign(t, base, hostileRevoked, FormatVersion, nil)))
	write("trigger-planted", read(resign(t, base, hostileTrusted, FormatVersion,
		exec(`CREATE TRIGGER planted AFTER INSERT ON communities BEGIN DELETE FROM communities; END`))))
	write("view-planted", read(resign(t, base, hostileTrusted, FormatVersion, exec(`CREATE VIEW planted AS SELECT * FROM communities`))))
	write("corrupted-page", read(resign(t, base, hostileTrusted, FormatVersion, corruptPage)))
	write("photo-hash-mismatch", read(resign(t, base, hostileTrusted, FormatVersion,
		exec(`UPDATE photos SET data = CAST(upper(CAST(data AS TEXT)) || 'x' AS BLOB) WHERE rowid = (SELECT MIN(rowid) FROM photos)`))))
	write("oversized-cell", read(resign(t, base, hostileTrusted, FormatVersion,
		exec(`UPDATE communities SET address = printf('%.5000c', '长') WHERE rowid = (SELECT MIN(rowid) FROM communities)`))))

	// Signed by an unknown key, still naming the trusted device.
	forged := append([]byte{}, body...)
	digest := sha256.Sum256(forged[:len(forged)-68])
	copy(forged[len(forged)-64:], ed25519.Sign(hostileUnknown, append([]byte(signedPrefix), digest[:]...)))
	write("forged-signature", forged)

	hsize := int(binary.BigEndian.Uint32(body[12:16]))
	dbSizeAt := 16 + hsize
	dbStart, dbEnd := dbSizeAt+8, len(body)-68
	with := func(at int, mutate func([]byte)) []byte {
		b := append([]byte{}, body...)
		mutate(b[at:])
		return b
	}
	write("oversized-db-size", with(dbSizeAt, func(b []byte) { binary.BigEndian.PutUint64(b, 1<<40) }))
	write("oversized-header-size", with(12, func(b []byte) { binary.BigEndian.PutUint32(b, 0x00ff_ffff) }))

	flip := func(at int, bit byte) []byte { return with(at, func(b []byte) { b[0] ^= bit }) }
	write("flip-magic", flip(0, 0x01))
	write("flip-format", flip(8, 0x80))
	write("flip-header-size", flip(15, 0x01))
	write("flip-header-size-high", flip(13, 0x10))
	// A digit of the creation time: the header still parses, the
	// signature no longer matches.
	created := bytes.Index(body[16:dbSizeAt], []byte(`"created_at":"2`)) + 16 + len(`"created_at":"`)
	write("flip-header", flip(created+3, 0x01))
	write("flip-db-size", flip(dbSizeAt+7, 0x01))
	write("flip-db", flip(dbStart+(dbEnd-dbStart)/2, 0x10))
	write("flip-trailer", flip(dbEnd, 0x01))
	write("flip-signature", flip(len(body)-1, 0x01))
	write("appended-byte", append(append([]byte{}, body...), 0))

	for _, off := range []int{0, 5, 12} {
		write(fmt.Sprint("truncated-", off), body[:off])
	}
	for name, off := range map[string]int{"header": 16 + hsize/2, "db-size": dbSizeAt + 4, "db-start": dbStart + 50,
		"db-middle": (dbStart + dbEnd) / 2, "db-end": dbEnd - 1, "trailer": dbEnd + 2, "signature": len(body) - 1} {
		write("truncated-"+name, body[:off])
	}
	t.Logf("corpus written to %s (base package %d bytes)", hostileDir, len(body))
}
