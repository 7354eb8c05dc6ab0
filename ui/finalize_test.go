package ui

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func TestFinalizeSignAndAmend(t *testing.T) {
	db, tpl := openTestDB(t)
	u := newTestUI(t, db)
	s := startInspection(t, u, "怡乐花园")
	id := s.rec.Inspection.ID

	// Incomplete: the missing items are listed, signing is refused.
	s.openFinalize()
	f := u.finalize
	if f == nil {
		t.Fatal("完成并签名 opened nothing")
	}
	if len(f.missingBtns) == 0 || !strings.Contains(f.summary.Text, "未完成") {
		t.Fatalf("missing list: %d, %q", len(f.missingBtns), f.summary.Text)
	}
	test.Tap(f.sign)
	if !f.errLabel.Visible() || !strings.Contains(f.errLabel.Text, "请检查人员签名") {
		t.Errorf("refusal %q", f.errLabel.Text)
	}
	test.Tap(f.missingBtns[0]) // jumps to the item
	if u.finalize != nil || u.inspect.cards[u.inspect.current].item.Code != "1.1" {
		t.Error("the missing line does not jump to 1.1")
	}

	// Everything answered; 11.2 fails (a corrective action follows).
	answerAllPassing(t, db, tpl, id)
	v := 92.0
	if _, err := db.SetValue(context.Background(), id, "11.2", &v); err != nil {
		t.Fatal(err)
	}
	u.openInspection(id)
	u.inspect.openFinalize()
	f = u.finalize
	if len(f.missingBtns) != 0 {
		t.Fatalf("still missing %d", len(f.missingBtns))
	}
	f.propertyRep.SetText("赵物业")
	w := test.NewWindow(f.padInspect)
	defer w.Close()
	w.Resize(fyne.NewSize(400, 160))
	test.Drag(w.Canvas(), fyne.NewPos(30, 80), 120, 20)
	if f.padInspect.IsEmpty() {
		t.Fatal("dragging on the pad drew nothing")
	}
	if p := f.problems(); len(p) != 0 {
		t.Fatalf("problems %v", p)
	}
	f.finalize()

	rec, err := db.Inspection(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Inspection.Status != inspection.Finalized || len(rec.Inspection.Signatures) != 3 {
		t.Fatalf("stored %s with %d signatures", rec.Inspection.Status, len(rec.Inspection.Signatures))
	}
	sig := rec.Inspection.Signatures[0]
	if sig.Name != "张三" || sig.ImageSHA == "" {
		t.Errorf("first signature %+v", sig)
	}
	if _, err := db.Photo(context.Background(), sig.ImageSHA); err != nil {
		t.Errorf("signature image: %v", err)
	}
	if rep := rec.Inspection.Signatures[2]; rep.Role != roleProperty || rep.Name != "赵物业" || rep.ImageSHA != "" {
		t.Errorf("representative %+v", rep)
	}

	// Read-only afterwards, with 更正.
	s = u.inspect
	if !s.readOnly || !s.amend.Visible() || s.finalize.Visible() {
		t.Fatalf("after signing: readOnly %v amend %v", s.readOnly, s.amend.Visible())
	}
	if c := card(t, s, "3.1"); c.summary == nil || c.summary.Text != "结果：符合" {
		t.Error("a signed record does not show its answers as text")
	}
	if c := card(t, s, "11.2"); !strings.Contains(c.summary.Text, "92%") || !strings.Contains(c.summary.Text, "不符合") {
		t.Errorf("11.2 shows %q", c.summary.Text)
	}
	acts, _ := db.ListActionRows(context.Background(), store.ActionFilter{InspectionID: id})
	if len(acts) != 1 || acts[0].ItemCode != "11.2" {
		t.Errorf("actions %+v", acts)
	}

	// Ctrl+P prints the signed record to a PDF next to the data file.
	s.print()
	data, err := os.ReadFile(s.lastPDF)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF")) {
		t.Errorf("print wrote %q: %d bytes, %v", s.lastPDF, len(data), err)
	}

	// 更正: a new draft that starts from the original.
	s.showAmend()
	amended, err := db.AmendInspection(context.Background(), id, "收费率数据有误")
	if err != nil {
		t.Fatal(err)
	}
	u.openInspection(amended.ID)
	if u.inspect.readOnly || !u.inspect.banner.Visible() || !strings.Contains(u.inspect.banner.Text, "收费率数据有误") {
		t.Errorf("amendment screen: readOnly %v banner %q", u.inspect.readOnly, u.inspect.banner.Text)
	}
}

func TestActionsListOverdueAndEdit(t *testing.T) {
	db, tpl := openTestDB(t)
	u := newTestUI(t, db)
	ctx := context.Background()
	in, err := db.StartInspection(ctx, communityID(t, db, "金山碧水"), tpl.ID, tpl.Version, []string{"李四"})
	if err != nil {
		t.Fatal(err)
	}
	answerAllPassing(t, db, tpl, in.ID)
	if _, err := db.SetResult(ctx, in.ID, "8.4", inspection.Fail); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: "李四", Role: "检查员"}}); err != nil {
		t.Fatal(err)
	}
	// Opened 2024-09-02 + 30 days; the screen's clock says 2024-11-01.
	u.now = func() time.Time { return time.Date(2024, 11, 1, 9, 0, 0, 0, time.Local) }
	u.tabs.SelectIndex(2)
	s := u.actions
	s.reload()
	if len(s.rows) != 1 {
		t.Fatalf("%d actions listed", len(s.rows))
	}
	s.filter.SetSelected("逾期")
	if len(s.rows) != 1 {
		t.Fatalf("逾期 filter lists %d", len(s.rows))
	}
	s.list.Select(0)
	if !s.editor.Visible() || !strings.Contains(s.heading.Text, "逾期") {
		t.Errorf("editor %v %q", s.editor.Visible(), s.heading.Text)
	}
	s.responsible.SetText("融信物业 王经理")
	s.status.SetSelected("已整改")
	acts, _ := db.ListActionRows(ctx, store.ActionFilter{})
	if acts[0].Responsible != "融信物业 王经理" || acts[0].Status != inspection.ActionDone {
		t.Errorf("stored %+v", acts[0].CorrectiveAction)
	}
	s.filter.SetSelected("逾期")
	if len(s.rows) != 0 {
		t.Error("a done action is still overdue")
	}
	// The community list shows it is no longer waiting for action.
	u.showCommunities()
	for _, r := range u.communities.rows {
		if r.Name == "金山碧水" && r.Status != store.StatusDone {
			t.Errorf("金山碧水 status %s", r.Status)
		}
	}
}
