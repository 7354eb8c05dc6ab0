package ui

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/jiayuan-inspect/jiayuan/exchange"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// finishedInspection makes a signed-off inspection (with photos) of a
// community in db.
func finishedInspection(t *testing.T, db *store.DB, tpl *inspection.Template, communityID string) string {
	t.Helper()
	ctx := context.Background()
	in, err := db.StartInspection(ctx, communityID, tpl.ID, tpl.Version, []string{"张三"})
	if err != nil {
		t.Fatal(err)
	}
	answerAllPassing(t, db, tpl, in.ID)
	if _, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "张三", Role: "检查员"}}); err != nil {
		t.Fatal(err)
	}
	return in.ID
}

// TestExportThenImportThroughScreens exports from one data file with
// 导出数据包 and imports the file into another with 导入数据包: the
// unknown signer is held, trusted from the screen, and the records
// arrive; a damaged copy is refused with its name; a second import is a
// duplicate.
func TestExportThenImportThroughScreens(t *testing.T) {
	ctx := context.Background()
	dbA, tpl := openTestDB(t)
	inspectionID := finishedInspection(t, dbA, tpl, communityID(t, dbA, "怡乐花园"))
	dir := t.TempDir()
	path := filepath.Join(dir, "家园巡检_鼓楼区_2024-09-10.jypkg")

	// 导出数据包 on device A.
	uA := newTestUI(t, dbA)
	uA.prefs.SetUnit("鼓楼区住建局")
	uA.selectExchange()
	uA.exchange.show(ScreenExport)
	ex := uA.exchange.export
	ex.office.SetText("市住建局")
	if !strings.Contains(ex.officeNote.Text, "首次导出") {
		t.Errorf("office note = %q, want a first export", ex.officeNote.Text)
	}
	for _, want := range []string{"小区 3", "检查记录 1", "照片 1"} {
		if !strings.Contains(ex.summary.Text, want) {
			t.Errorf("summary %q lacks %q", ex.summary.Text, want)
		}
	}
	if got := ex.defaultFileName(); got != "家园巡检_鼓楼区住建局_2024-09-10.jypkg" {
		t.Errorf("default file name = %q", got)
	}
	ex.exportTo(path)
	if !strings.Contains(ex.result.Text, "已导出") || ex.result.Hidden {
		t.Fatalf("export result = %q", ex.result.Text)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ex.officeNote.Text, "上次导出给该单位") || ex.scope.Disabled() {
		t.Errorf("after the export the office note says %q (scope disabled %v)", ex.officeNote.Text, ex.scope.Disabled())
	}
	if !strings.Contains(ex.summary.Text, "没有变化") {
		t.Errorf("incremental summary right after an export = %q", ex.summary.Text)
	}
	if offices := uA.prefs.Offices(); len(offices) != 1 || offices[0].Name != "市住建局" {
		t.Errorf("remembered offices = %+v", offices)
	}
	uA.exchange.show(ScreenHistory)
	if h := uA.exchange.history; len(h.exports) != 1 || h.exports[0].Office != "市住建局" || h.exports[0].PhotoCount != 1 {
		t.Errorf("export history = %+v", h.exports)
	}

	// A damaged copy.
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body[len(body)/2] ^= 0x40
	bad := filepath.Join(dir, "损坏的数据包.jypkg")
	if err := os.WriteFile(bad, body, 0o600); err != nil {
		t.Fatal(err)
	}

	// 导入数据包 on device B.
	dbB, _ := openTestDB(t)
	uB := newTestUI(t, dbB)
	uB.selectExchange()
	uB.exchange.show(ScreenImport)
	im := uB.exchange.imports
	im.addFiles([]string{path, bad, path})
	if len(im.queued) != 2 || im.start.Disabled() {
		t.Fatalf("queued %v (start disabled %v)", im.queued, im.start.Disabled())
	}
	test.Tap(im.start)
	if len(im.results) != 2 {
		t.Fatalf("%d results, want 2", len(im.results))
	}
	held, refused := im.results[0], im.results[1]
	if held.res.Status != exchange.StatusHeld || held.status.Text != "待确认：签名设备未登记" || held.trust.Hidden {
		t.Fatalf("first file: %s %q (trust hidden %v)", held.res.Status, held.status.Text, held.trust.Hidden)
	}
	if fp := store.Fingerprint(dbA.Device().PublicKey); !strings.Contains(held.signer.Text, fp) {
		t.Errorf("held result shows %q, not the signer's fingerprint %s", held.signer.Text, fp)
	}
	if refused.res.Status != exchange.StatusRefused || !strings.Contains(refused.message.Text, "损坏的数据包.jypkg") {
		t.Errorf("damaged file: %s %q", refused.res.Status, refused.message.Text)
	}
	if !strings.Contains(im.summary.Text, "待确认 1，已拒绝 1") {
		t.Errorf("summary = %q", im.summary.Text)
	}
	if n, _ := dbB.ListCommunities(ctx, store.CommunityFilter{}); len(n) != 3 {
		t.Fatalf("held package changed the data file: %d communities", len(n))
	}

	test.Tap(held.trust)
	if held.res.Status != exchange.StatusMerged || held.status.Text != "已导入" {
		t.Fatalf("after trusting: %s %q %q", held.res.Status, held.status.Text, held.message.Text)
	}
	if !strings.Contains(held.counts.Text, "新增") || held.res.New == 0 || held.res.Photos != 1 {
		t.Errorf("counts = %q (%+v)", held.counts.Text, held.res)
	}
	if devs, _ := dbB.TrustedDevices(ctx); len(devs) != 1 || devs[0].ID != dbA.Device().ID {
		t.Errorf("trusted devices = %+v", devs)
	}
	if _, err := dbB.Inspection(ctx, inspectionID); err != nil {
		t.Errorf("the inspection did not arrive: %v", err)
	}
	if n, _ := dbB.ListCommunities(ctx, store.CommunityFilter{}); len(n) != 6 {
		t.Errorf("%d communities after the import, want 6", len(n))
	}

	// The same file again: a duplicate, nothing changed.
	im.addFiles([]string{path})
	test.Tap(im.start)
	if len(im.results) != 1 || im.results[0].res.Status != exchange.StatusDuplicate || im.results[0].status.Text != "重复，未作改动" {
		t.Fatalf("second import: %+v", im.results[0].res)
	}
	uB.exchange.show(ScreenHistory)
	if h := uB.exchange.history; len(h.imports) != 1 || h.imports[0].SignerID != dbA.Device().ID {
		t.Errorf("import history = %+v", h.imports)
	}
}

// TestNotTrustingLeavesPackageOut: 不信任 imports nothing.
func TestNotTrustingLeavesPackageOut(t *testing.T) {
	dbA, _ := openTestDB(t)
	path := filepath.Join(t.TempDir(), "a.jypkg")
	if _, err := exchange.Export(context.Background(), dbA, path, exchange.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	dbB, _ := openTestDB(t)
	u := newTestUI(t, dbB)
	im := u.exchange.imports
	im.addFiles([]string{path})
	test.Tap(im.start)
	v := im.results[0]
	test.Tap(v.distrust)
	if v.status.Text != "未信任，未导入" || !v.trust.Hidden {
		t.Errorf("after 不信任: %q (trust hidden %v)", v.status.Text, v.trust.Hidden)
	}
	if devs, _ := dbB.TrustedDevices(context.Background()); len(devs) != 0 {
		t.Errorf("trusted devices = %+v", devs)
	}
}

// TestConflictResolvedFromScreen: two devices edit the same community
// before exchanging; 冲突处理 shows both versions with the community's
// name and the differing field, and taking the other version is stored
// and audited.
func TestConflictResolvedFromScreen(t *testing.T) {
	ctx := context.Background()
	dbA, _ := openTestDB(t)
	dbB, _ := openTestDB(t)
	for _, p := range [][2]*store.DB{{dbA, dbB}, {dbB, dbA}} {
		if _, err := p[0].TrustDevice(ctx, p[1].Device().PublicKey, "对方"); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	move := func(from, to *store.DB, name string) exchange.Result {
		t.Helper()
		path := filepath.Join(dir, name)
		if _, err := exchange.Export(ctx, from, path, exchange.ExportOptions{}); err != nil {
			t.Fatal(err)
		}
		res := exchange.ImportFile(ctx, to, path, exchange.ImportOptions{})
		if res.Status != exchange.StatusMerged {
			t.Fatalf("%s: %s", name, res.Message)
		}
		return res
	}
	move(dbA, dbB, "a1.jypkg")
	id := communityID(t, dbA, "怡乐花园")
	for db, company := range map[*store.DB]string{dbA: "甲物业公司", dbB: "乙物业公司"} {
		c, err := db.Community(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		c.PropertyCompany = company
		if _, err := db.UpdateCommunity(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if res := move(dbB, dbA, "b1.jypkg"); res.Conflicts != 1 {
		t.Fatalf("conflicts = %d, want 1", res.Conflicts)
	}

	u := newTestUI(t, dbA)
	u.selectExchange()
	u.exchange.show(ScreenConflicts)
	s := u.exchange.conflicts
	if len(s.items) != 1 {
		t.Fatalf("%d conflicts listed, want 1", len(s.items))
	}
	if !strings.Contains(s.items[0].Title, "怡乐花园") {
		t.Errorf("title = %q, want the community's name", s.items[0].Title)
	}
	s.list.Select(0)
	if s.editor.Hidden || s.takeOther.Disabled() {
		t.Fatal("the conflict is not shown, or cannot be resolved")
	}
	var differing []string
	for _, r := range s.fieldRows {
		if r.diff.Differs {
			differing = append(differing, r.diff.Label)
			if r.background.FillColor == color.Transparent {
				t.Errorf("field %s differs but is not highlighted", r.diff.Label)
			}
		}
	}
	if strings.Join(differing, ",") != "物业服务企业" {
		t.Errorf("differing fields = %v, want 物业服务企业", differing)
	}
	current := s.items[0].Current
	other := s.items[0].Row
	want := "乙物业公司"
	if strings.Contains(current, "乙物业公司") {
		want = "甲物业公司" // the rule picked B's version; take A's
	}
	if !strings.Contains(other, want) {
		t.Fatalf("other version %s lacks %s", other, want)
	}

	test.Tap(s.takeOther)
	c, err := dbA.Community(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if c.PropertyCompany != want {
		t.Errorf("property company = %q, want %q (the other version)", c.PropertyCompany, want)
	}
	if len(s.items) != 0 || !strings.Contains(s.empty.Text, "没有待处理") {
		t.Errorf("after resolving, %d conflicts listed (%q)", len(s.items), s.empty.Text)
	}
	trail, err := dbA.AuditTrail(ctx, "communities", id)
	if err != nil {
		t.Fatal(err)
	}
	if last := trail[len(trail)-1]; last.Action != "resolve" || !strings.Contains(last.New, want) {
		t.Errorf("last audit entry = %s %s", last.Action, last.New)
	}
	test.Tap(s.showAll)
	if len(s.items) != 1 || !strings.Contains(conflictStateText(s.items[0].Conflict), "已采用另一版本") {
		t.Errorf("resolved conflicts: %+v", s.items)
	}
}

// TestDevicesScreen enrols a device by its pasted key, shows its
// fingerprint, revokes it, and shows this device's keys.
func TestDevicesScreen(t *testing.T) {
	ctx := context.Background()
	db, _ := openTestDB(t)
	other, _ := openTestDB(t)
	u := newTestUI(t, db)
	u.selectExchange()
	u.exchange.show(ScreenDevices)
	s := u.exchange.devices
	if s.ownFingerprint.Text != store.Fingerprint(db.Device().PublicKey) {
		t.Errorf("own fingerprint = %q", s.ownFingerprint.Text)
	}
	if pub, err := exchange.ParsePublicKey(s.ownKey.Text); err != nil || !pub.Equal(db.Device().PublicKey) {
		t.Errorf("own key %q does not read back: %v", s.ownKey.Text, err)
	}

	s.enrolKey.SetText("not a key")
	if !s.enrol.Disabled() || !strings.Contains(s.enrolPrint.Text, "无法识别") {
		t.Errorf("a bad key: %q (enrol disabled %v)", s.enrolPrint.Text, s.enrol.Disabled())
	}
	pub := other.Device().PublicKey
	s.enrolName.SetText("李四的笔记本")
	s.enrolKey.SetText(exchange.PublicKeyText(pub))
	if !strings.Contains(s.enrolPrint.Text, store.Fingerprint(pub)) || s.enrol.Disabled() {
		t.Errorf("preview = %q", s.enrolPrint.Text)
	}
	test.Tap(s.enrol)
	if len(s.devices) != 1 || s.devices[0].Name != "李四的笔记本" || s.revokes[s.devices[0].ID] == nil {
		t.Fatalf("devices = %+v", s.devices)
	}
	if lvl, _ := db.DeviceTrust(ctx, pub); lvl != store.Trusted {
		t.Errorf("trust = %v", lvl)
	}
	s.revoke(s.devices[0].ID)
	if s.devices[0].RevokedAt == nil || len(s.revokes) != 0 {
		t.Errorf("not revoked: %+v", s.devices[0])
	}
	if !strings.Contains(s.count.Text, "已吊销 1") {
		t.Errorf("count = %q", s.count.Text)
	}

	if !strings.Contains(s.recipient.Text, "尚未生成") || s.makeRecipient.Hidden {
		t.Errorf("recipient before making it: %q", s.recipient.Text)
	}
	test.Tap(s.makeRecipient)
	if !strings.HasPrefix(s.recipient.Text, "age1") || s.copyRecipient.Hidden {
		t.Errorf("recipient = %q", s.recipient.Text)
	}
	if _, err := exchange.ParseRecipient(s.recipient.Text); err != nil {
		t.Error(err)
	}
}

// TestExportEncryptedToOffice: a package encrypted to an office's key from
// the screen is readable there and nowhere else; the key is remembered
// with the office.
func TestExportEncryptedToOffice(t *testing.T) {
	ctx := context.Background()
	office, _ := openTestDB(t)
	recipient, err := exchange.OfficeRecipient(ctx, office)
	if err != nil {
		t.Fatal(err)
	}
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	ex := u.exchange.export
	ex.office.SetText("鼓楼区住建局")
	test.Tap(ex.encrypt)
	if ex.checkRecipient() {
		t.Error("an empty key was accepted")
	}
	ex.recipient.SetText("age1nonsense")
	if ex.checkRecipient() {
		t.Error("a bad key was accepted")
	}
	ex.recipient.SetText(recipient)
	if !ex.checkRecipient() {
		t.Fatalf("the office's key was refused: %q", ex.recipientNote.Text)
	}
	path := filepath.Join(t.TempDir(), "enc.jypkg")
	ex.exportTo(path)
	if !strings.Contains(ex.result.Text, "已加密") {
		t.Fatalf("result = %q", ex.result.Text)
	}
	if info := exchange.Inspect(ctx, office, path, exchange.Limits{}); !info.Valid || !info.Encrypted {
		t.Errorf("the office cannot read it: %+v", info)
	}
	if info := exchange.Inspect(ctx, nil, path, exchange.Limits{}); info.Valid {
		t.Error("readable without the office's key")
	}
	if o := u.prefs.Offices(); len(o) != 1 || o[0].Recipient != recipient {
		t.Errorf("remembered = %+v", o)
	}
	// Choosing the office again fills in its key.
	ex.encrypt.SetChecked(false)
	ex.recipient.SetText("")
	ex.office.SetText("")
	ex.office.SetText("鼓楼区住建局")
	if ex.recipient.Text != recipient || !ex.encrypt.Checked {
		t.Errorf("the remembered key was not filled in: %q", ex.recipient.Text)
	}
}

// TestDroppedPackagesAreQueued: package files dropped on the window, from
// whatever tab, are queued in 导入数据包; other files are not.
func TestDroppedPackagesAreQueued(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	u.tabs.SelectIndex(0)
	dir := t.TempDir()
	u.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(filepath.Join(dir, "a.jypkg")),
		storage.NewFileURI(filepath.Join(dir, "b.JYPKG")), storage.NewFileURI(filepath.Join(dir, "photo.jpg"))})
	if u.tabs.Selected().Content != u.exchange.content || u.exchange.tabs.Selected().Content != u.exchange.imports.content {
		t.Error("dropping packages did not show 导入数据包")
	}
	if q := u.exchange.imports.queued; len(q) != 2 {
		t.Errorf("queued %v, want the two packages", q)
	}
	if !strings.Contains(u.exchange.imports.start.Text, "2") {
		t.Errorf("start button = %q", u.exchange.imports.start.Text)
	}
}
