package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += 7 {
		for x := 0; x < w; x += 5 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestOpenReopenKeepsDeviceAndRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	// A path with spaces, Chinese and URI-special characters must open.
	path := filepath.Join(t.TempDir(), "数据 文件?#%", "巡检.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dev := db.Device()
	if len(dev.ID) != 16 || dev.ID != store.DeviceID(dev.PublicKey) {
		t.Fatalf("device id %q", dev.ID)
	}
	db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("file not at the given path: %v", err)
	}
	db, err = store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if db.Device().ID != dev.ID {
		t.Errorf("device changed on reopen: %s → %s", dev.ID, db.Device().ID)
	}
	db.Close()

	// Open a copy under a plain name with a bare driver, as the sqlite3
	// shell would, and pretend a newer program migrated it.
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "plain.db")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (99, 'future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = store.Open(ctx, path, store.Options{})
	if !errors.Is(err, store.ErrNewerSchema) || !strings.Contains(err.Error(), "99") {
		t.Fatalf("newer schema: %v", err)
	}
}

func TestCommunitiesAddEditSearch(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	yl := addCommunity(t, db, "怡乐花园", "鼓楼区")
	addCommunity(t, db, "金山碧水", "仓山区")
	addCommunity(t, db, "50%_小区", "仓山区")
	if yl.ID == "" || yl.Version == "" || yl.DeviceID != db.Device().ID || yl.Actor != "测试员" {
		t.Fatalf("revision not filled: %+v", yl)
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"ylhy", []string{"怡乐花园"}},
		{"YLHY", []string{"怡乐花园"}},
		{"乐花", []string{"怡乐花园"}},
		{"jsbs", []string{"金山碧水"}},
		{"仓山区某路", []string{"50%_小区", "金山碧水"}},
		{"50%", []string{"50%_小区"}},
		{"%", []string{"50%_小区"}},
		{"_", []string{"50%_小区"}},
		{"不存在", nil},
	}
	for _, c := range cases {
		list, err := db.ListCommunities(ctx, store.CommunityFilter{Query: c.query})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, x := range list {
			names = append(names, x.Name)
		}
		if strings.Join(names, ",") != strings.Join(c.want, ",") {
			t.Errorf("search %q = %v, want %v", c.query, names, c.want)
		}
	}
	yl.Households = 1200
	yl.Name = "怡乐花园（一期）"
	edited, err := db.UpdateCommunity(ctx, yl)
	if err != nil {
		t.Fatal(err)
	}
	if edited.BaseVersion != yl.Version || edited.Version <= yl.Version {
		t.Errorf("versions: base %s (want %s), new %s", edited.BaseVersion, yl.Version, edited.Version)
	}
	got, err := db.Community(ctx, yl.ID)
	if err != nil || got.Households != 1200 || got.Name != "怡乐花园（一期）" {
		t.Errorf("reread: %+v %v", got, err)
	}
	if _, err := db.UpdateCommunity(ctx, inspection.Community{ID: "nope", Name: "x", District: "y"}); !errors.Is(err, inspection.ErrNotFound) {
		t.Errorf("update missing: %v", err)
	}
	if _, err := db.AddCommunity(ctx, inspection.Community{Name: ""}); !errors.Is(err, inspection.ErrInvalid) {
		t.Errorf("add invalid: %v", err)
	}
	trail, err := db.AuditTrail(ctx, "communities", yl.ID)
	if err != nil || len(trail) != 2 || trail[1].Action != "update" || !strings.Contains(trail[1].Old, "怡乐花园") {
		t.Errorf("audit trail: %+v %v", trail, err)
	}
}

func TestInspectionLifecycle(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	tpl := defaultTemplate(t)
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	if _, err := db.StartInspection(ctx, c.ID, tpl.ID, tpl.Version, nil); !errors.Is(err, inspection.ErrInvalid) {
		t.Errorf("no inspectors: %v", err)
	}
	if _, err := db.StartInspection(ctx, "missing", tpl.ID, tpl.Version, []string{"张三"}); !errors.Is(err, inspection.ErrNotFound) {
		t.Errorf("missing community: %v", err)
	}
	in, err := db.StartInspection(ctx, c.ID, tpl.ID, tpl.Version, []string{"张三", " 李四 ", ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Inspectors) != 2 || in.Status != inspection.Draft {
		t.Fatalf("started: %+v", in)
	}

	// Unknown item, bad value.
	if _, err := db.SetResult(ctx, in.ID, "99.9", inspection.Pass); !errors.Is(err, inspection.ErrNotFound) {
		t.Errorf("unknown item: %v", err)
	}
	if _, err := db.SetChoices(ctx, in.ID, "4.2", []string{"洗车"}); !errors.Is(err, inspection.ErrInvalid) {
		t.Errorf("bad choice: %v", err)
	}

	// Finalizing too early names what is missing.
	if _, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "张三"}}); !errors.Is(err, inspection.ErrIncomplete) ||
		!strings.Contains(err.Error(), "1.1") {
		t.Errorf("early finalize: %v", err)
	}

	photo := testJPEG(t, 800, 600)
	answerAll(t, db, tpl, in.ID, 93.5, photo)
	if _, err := db.SetResult(ctx, in.ID, "8.1", inspection.Fail); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetNote(ctx, in.ID, "8.1", "楼道堆放杂物  \n"); err != nil {
		t.Fatal(err)
	}
	rec, err := db.Inspection(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Answers["8.1"].Note != "楼道堆放杂物" {
		t.Errorf("note = %q", rec.Answers["8.1"].Note)
	}
	if !rec.Score.Complete() || len(rec.Score.Vetoes) != 1 || rec.Score.Vetoes[0].ItemCode != "11.2" {
		t.Fatalf("score: complete=%v vetoes=%+v", rec.Score.Complete(), rec.Score.Vetoes)
	}

	if _, err := db.FinalizeInspection(ctx, in.ID, nil); !errors.Is(err, inspection.ErrIncomplete) || !strings.Contains(err.Error(), "签字") {
		t.Errorf("finalize without signature: %v", err)
	}
	fin, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "张三", Role: "检查员"}, {Name: "王五", Role: "物业服务企业代表"}})
	if err != nil {
		t.Fatal(err)
	}
	if fin.Inspection.Status != inspection.Finalized || fin.Inspection.FinalizedAt == nil || len(fin.ContentDigest) != 64 {
		t.Fatalf("finalized: %+v digest %q", fin.Inspection, fin.ContentDigest)
	}
	if d := inspection.ContentDigest(fin.Inspection, fin.Answers); d != fin.ContentDigest {
		t.Errorf("digest recomputed %s, stored %s", d, fin.ContentDigest)
	}

	// Afterwards every change is refused.
	v := 99.0
	for name, try := range map[string]func() error{
		"result":  func() error { _, err := db.SetResult(ctx, in.ID, "1.1", inspection.Fail); return err },
		"value":   func() error { _, err := db.SetValue(ctx, in.ID, "11.2", &v); return err },
		"note":    func() error { _, err := db.SetNote(ctx, in.ID, "1.1", "改"); return err },
		"photo":   func() error { _, err := db.AttachPhoto(ctx, in.ID, "1.1", photo, false); return err },
		"unphoto": func() error { return db.RemovePhoto(ctx, in.ID, "1.1", fin.Answers["1.1"].Photos[0]) },
		"finalize": func() error {
			_, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "x"}})
			return err
		},
	} {
		if err := try(); !errors.Is(err, inspection.ErrFinalized) {
			t.Errorf("%s after finalize: %v", name, err)
		}
	}

	// Failed items became corrective actions, due in 30 days.
	acts, err := db.ListActions(ctx, store.ActionFilter{InspectionID: in.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 2 || acts[0].Responsible != "福建美家物业服务有限公司" {
		t.Fatalf("actions: %+v", acts)
	}
	codes := acts[0].ItemCode + "," + acts[1].ItemCode
	if codes != "8.1,11.2" && codes != "11.2,8.1" {
		t.Errorf("action items %s", codes)
	}
	for _, a := range acts {
		if a.ItemCode == "8.1" && a.Problem != "小区环境整洁：楼道堆放杂物" {
			t.Errorf("problem %q", a.Problem)
		}
	}

	// An amendment is a new record that starts from the original's answers.
	if _, err := db.AmendInspection(ctx, in.ID, ""); !errors.Is(err, inspection.ErrInvalid) {
		t.Errorf("amend without reason: %v", err)
	}
	am, err := db.AmendInspection(ctx, in.ID, "收费率数据录入错误")
	if err != nil {
		t.Fatal(err)
	}
	if am.AmendsID != in.ID || am.Status != inspection.Draft || am.ID == in.ID {
		t.Fatalf("amendment: %+v", am)
	}
	fixed := 96.0
	if _, err := db.SetValue(ctx, am.ID, "11.2", &fixed); err != nil {
		t.Fatal(err)
	}
	amRec, err := db.FinalizeInspection(ctx, am.ID, []inspection.Signature{{Name: "张三"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(amRec.Score.Vetoes) != 0 || len(amRec.Score.Failed) != 1 {
		t.Errorf("amended score %v vetoes %v failed %v", amRec.Score.Total, amRec.Score.Vetoes, amRec.Score.Failed)
	}
	orig, err := db.Inspection(ctx, in.ID)
	if err != nil || *orig.Answers["11.2"].Value != 93.5 || orig.ContentDigest != fin.ContentDigest {
		t.Errorf("original changed: %v %v", err, orig.Answers["11.2"].Value)
	}
	// The correction is not a re-check: the fee-rate action was an error
	// and is cancelled (not counted as rectified); 8.1 still fails, so its
	// action moves to the amendment with its due date, and no duplicate.
	all, _ := db.ListActions(ctx, store.ActionFilter{CommunityID: c.ID})
	if len(all) != 2 {
		t.Fatalf("actions after amendment: %+v", all)
	}
	for _, a := range all {
		switch a.ItemCode {
		case "11.2":
			if a.Status != inspection.ActionCancelled || a.InspectionID != in.ID || a.RecheckInspectionID != "" {
				t.Errorf("fee-rate action: %+v", a)
			}
		case "8.1":
			if a.Status != inspection.ActionOpen || a.InspectionID != am.ID || !a.DueDate.Equal(acts[0].DueDate) {
				t.Errorf("carried action: %+v", a)
			}
		}
	}
	if open, _ := db.ListActions(ctx, store.ActionFilter{CommunityID: c.ID, OpenOnly: true}); len(open) != 1 {
		t.Errorf("open actions: %+v", open)
	}
	// The other lists agree: a cancelled action is not open.
	if rows, _ := db.ListActionRows(ctx, store.ActionFilter{CommunityID: c.ID, OpenOnly: true}); len(rows) != 1 {
		t.Errorf("open action rows: %+v", rows)
	}
	if rows, _ := db.ActionSheetRows(ctx, store.ActionFilter{CommunityID: c.ID, OpenOnly: true}); len(rows) != 1 {
		t.Errorf("open action sheet rows: %+v", rows)
	}

	// A later visit (回头看) that finds 8.1 fixed closes its action.
	again, err := db.StartInspection(ctx, c.ID, tpl.ID, tpl.Version, []string{"李四"})
	if err != nil {
		t.Fatal(err)
	}
	answerAll(t, db, tpl, again.ID, 97, photo)
	if _, err := db.FinalizeInspection(ctx, again.ID, []inspection.Signature{{Name: "李四"}}); err != nil {
		t.Fatal(err)
	}
	all, _ = db.ListActions(ctx, store.ActionFilter{CommunityID: c.ID})
	for _, a := range all {
		if a.ItemCode == "8.1" && (a.Status != inspection.ActionDone || a.RecheckInspectionID != again.ID || a.RecheckResult != inspection.Pass) {
			t.Errorf("action after re-check: %+v", a)
		}
	}
	list, err := db.ListInspections(ctx, store.InspectionFilter{CommunityID: c.ID})
	if err != nil || len(list) != 3 || list[0].ID != again.ID || list[0].Score != 100 || !list[0].ScoreDefined || list[2].Vetoes != 1 {
		t.Errorf("list: %+v %v", list, err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Errorf("verify after lifecycle: %+v %v", rep.Problems, err)
	}
}

func TestPhotos(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	tpl := defaultTemplate(t)
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	in, _ := db.StartInspection(ctx, c.ID, tpl.ID, tpl.Version, []string{"张三"})

	big := testJPEG(t, 4000, 1000)
	info, err := db.AttachPhoto(ctx, in.ID, "1.1", big, false)
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != store.MaxPhotoEdge || info.Height != 400 {
		t.Errorf("resized to %dx%d", info.Width, info.Height)
	}
	tall := testJPEG(t, 900, 2400)
	info2, err := db.AttachPhoto(ctx, in.ID, "1.1", tall, true)
	if err != nil || info2.Height != store.MaxPhotoEdge || info2.Width != 600 {
		t.Fatalf("tall: %+v %v", info2, err)
	}
	// The same photo again is stored once and listed once.
	if _, err := db.AttachPhoto(ctx, in.ID, "1.1", big, false); err != nil {
		t.Fatal(err)
	}
	rec, _ := db.Inspection(ctx, in.ID)
	if got := rec.Answers["1.1"].Photos; len(got) != 2 || got[0] != info.SHA256 {
		t.Errorf("photos %v", got)
	}
	data, err := db.Photo(ctx, info.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != store.MaxPhotoEdge {
		t.Errorf("stored photo: %v", err)
	}
	if err := db.RemovePhoto(ctx, in.ID, "1.1", info.SHA256); err != nil {
		t.Fatal(err)
	}
	rec, _ = db.Inspection(ctx, in.ID)
	if got := rec.Answers["1.1"].Photos; len(got) != 1 || got[0] != info2.SHA256 {
		t.Errorf("after remove %v", got)
	}

	// A stored photo can serve another item without being decoded again.
	if err := db.AttachStoredPhoto(ctx, in.ID, "8.4", info2.SHA256); err != nil {
		t.Fatal(err)
	}
	if err := db.AttachStoredPhoto(ctx, in.ID, "8.4", "0000"); !errors.Is(err, inspection.ErrNotFound) {
		t.Errorf("unknown digest: %v", err)
	}
	rec, _ = db.Inspection(ctx, in.ID)
	if got := rec.Answers["8.4"].Photos; len(got) != 1 || got[0] != info2.SHA256 {
		t.Errorf("stored photo on 8.4: %v", got)
	}

	// A transparent PNG signature is flattened onto white, not black.
	sig := image.NewNRGBA(image.Rect(0, 0, 200, 80))
	for x := 20; x < 180; x++ {
		sig.Set(x, 40, color.NRGBA{0, 0, 0, 255})
	}
	var pb bytes.Buffer
	png.Encode(&pb, sig)
	si, err := db.StorePhoto(ctx, pb.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	data, _ = db.Photo(ctx, si.SHA256)
	simg, _ := jpeg.Decode(bytes.NewReader(data))
	if r, _, _, _ := simg.At(5, 5).RGBA(); r < 0xf000 {
		t.Errorf("transparent background became %v", simg.At(5, 5))
	}

	for name, bad := range map[string][]byte{
		"not an image": []byte("这不是照片"),
		"truncated":    big[:len(big)/3],
		"empty":        nil,
	} {
		if _, err := db.AttachPhoto(ctx, in.ID, "1.1", bad, false); !errors.Is(err, inspection.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A decompression bomb: a tiny PNG whose header claims 20000×20000 pixels.
	var bb bytes.Buffer
	png.Encode(&bb, image.NewGray(image.Rect(0, 0, 1, 1)))
	bomb := bb.Bytes()
	binary.BigEndian.PutUint32(bomb[16:], 20000) // IHDR width
	binary.BigEndian.PutUint32(bomb[20:], 20000) // IHDR height
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
	if _, err := db.AttachPhoto(ctx, in.ID, "1.1", bomb, false); !errors.Is(err, inspection.ErrInvalid) || !strings.Contains(err.Error(), "像素过多") {
		t.Errorf("bomb: %v", err)
	}
}

func TestVerifyNamesTamperedRecord(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	tpl := defaultTemplate(t)
	c := addCommunity(t, db, "怡乐花园", "鼓楼区")
	in, _ := db.StartInspection(ctx, c.ID, tpl.ID, tpl.Version, []string{"张三"})
	a, err := db.SetResult(ctx, in.ID, "8.4", inspection.Fail)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SaveLiaisons(ctx, []inspection.Liaison{{District: "鼓楼区", Unit: "鼓楼区住建局", Name: "林晓", Mobile: "13800000000"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := db.Verify(ctx)
	if err != nil || !rep.OK() || rep.AuditEntries < 5 {
		t.Fatalf("clean verify: %+v %v", rep, err)
	}
	cases := []struct {
		name   string
		sql    string
		entity string
	}{
		{"answer changed with the sqlite3 shell", `UPDATE answers SET result = 'pass' WHERE item_code = '8.4'`, "answers"},
		{"row inserted behind the back", `INSERT INTO communities(id, name, district, version, device_id, actor, updated_at) VALUES ('fake', '假小区', '鼓楼区', 'v', 'd', 'a', 't')`, "communities"},
		{"liaison's phone changed behind the back", `UPDATE liaisons SET mobile = '13999999999'`, "liaisons"},
		{"audit entry edited", `UPDATE audit_log SET actor = '别人' WHERE seq = 2`, "communities"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			tx, _ := raw.Begin()
			if _, err := tx.Exec(c.sql); err != nil {
				t.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			rep, err := db.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatal("tampering not detected")
			}
			found := false
			for _, p := range rep.Problems {
				if p.Entity == c.entity {
					found = true
				}
			}
			if !found {
				t.Errorf("problems %v do not name %s", rep.Problems, c.entity)
			}
		})
	}
	_ = a
}

func TestVersionsAreOrderedWithAFrozenClock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	frozen := newClock().Now()
	db, err := store.Open(ctx, path, store.Options{Now: func() time.Time { return frozen }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var last string
	for i := 0; i < 5; i++ {
		c, err := db.AddCommunity(ctx, inspection.Community{Name: "小区", District: "区"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Version <= last {
			t.Fatalf("version %s not after %s", c.Version, last)
		}
		last = c.Version
	}
	db.Close()
	// The clock survives a restart even if the wall clock went back.
	earlier := frozen.Add(-time.Hour)
	db2, err := store.Open(ctx, path, store.Options{Now: func() time.Time { return earlier }})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	c, _ := db2.AddCommunity(ctx, inspection.Community{Name: "小区", District: "区"})
	if c.Version <= last {
		t.Errorf("after restart with an earlier clock: %s not after %s", c.Version, last)
	}
}
