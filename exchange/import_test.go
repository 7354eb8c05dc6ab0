package exchange

import (
	"context"
	"errors"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/store"
)

func TestImportHeldThenTrustedThenIdempotent(t *testing.T) {
	ctx := context.Background()
	a, office := newDevice(t, "inspectorA"), newDevice(t, "office")
	in := a.finished("怡乐花园", "鼓楼区", 98, testJPEG(t, 64, 48, 1))
	pkg := a.export(ExportOptions{})

	res := ImportFile(ctx, office.db, pkg, ImportOptions{})
	if res.Status != StatusHeld || !errors.Is(res.Err, ErrHeld) || res.Fingerprint != store.Fingerprint(a.db.Device().PublicKey) {
		t.Fatalf("unknown signer: %+v", res)
	}
	before := office.digest()
	signer, err := ReadSigner(ctx, office.db, pkg, Limits{})
	if err != nil || signer.Trust != store.TrustUnknown || signer.ID != a.db.Device().ID {
		t.Fatalf("signer %+v %v", signer, err)
	}
	if _, err := office.db.TrustDevice(ctx, signer.PublicKey, signer.Name); err != nil {
		t.Fatal(err)
	}
	if office.digest() != before {
		t.Fatal("a held package changed the data file")
	}

	res = office.importOK(pkg)
	if res.New == 0 || res.Photos == 0 || res.Conflicts != 0 {
		t.Fatalf("first import: %+v", res)
	}
	office.verify()
	rec, err := office.db.Inspection(ctx, in.ID)
	if err != nil || rec.ContentDigest == "" || len(rec.Answers) == 0 {
		t.Fatalf("imported inspection: %v %+v", err, rec.Inspection)
	}
	after := office.digest()

	again := ImportFile(ctx, office.db, pkg, ImportOptions{})
	if again.Status != StatusDuplicate || again.Err != nil {
		t.Fatalf("second import: %+v", again)
	}
	if office.digest() != after {
		t.Fatal("second import changed records")
	}
	imports, _ := office.db.Imports(ctx)
	if len(imports) != 1 {
		t.Fatalf("imports recorded: %d", len(imports))
	}
	t.Log(res.Message)
	t.Log(again.Message)
}
