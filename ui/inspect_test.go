package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// TestChecklistScoreAndVeto taps through a checklist on a real data file:
// answers change the live score, a fee rate below 95 raises the veto
// banner, and the database holds every answer.
func TestChecklistScoreAndVeto(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	s := startInspection(t, u, "怡乐花园")
	id := s.rec.Inspection.ID

	if s.total.Text != "总分 —" || s.veto.Visible() {
		t.Fatalf("fresh checklist: total %q, veto shown %v", s.total.Text, s.veto.Visible())
	}
	c := card(t, s, "1.1")
	test.Tap(c.pass)
	if got := storedAnswer(t, db, id, "1.1").Result; got != inspection.Pass {
		t.Errorf("1.1 stored %q, want pass", got)
	}
	if s.total.Text != "总分 100.0" {
		t.Errorf("after one pass total = %q", s.total.Text)
	}
	if !c.evidence.Visible() {
		t.Error("1.1 needs an evidence photo: no warning")
	}
	test.Tap(card(t, s, "3.1").fail)
	if !strings.HasPrefix(s.total.Text, "总分 ") || s.total.Text == "总分 100.0" {
		t.Errorf("a failed item leaves total %q", s.total.Text)
	}
	if s.veto.Visible() {
		t.Error("veto banner without a veto item failing")
	}

	// 11.2 物业费收费率 93 % (≥ 95, veto).
	fee := card(t, s, "11.2")
	if s.section != 10 {
		t.Errorf("11.2 shown in section index %d", s.section)
	}
	test.Type(fee.value, "93")
	if a := storedAnswer(t, db, id, "11.2"); a.Value == nil || *a.Value != 93 {
		t.Fatalf("11.2 stored %+v, want 93", a.Value)
	}
	if !s.veto.Visible() || !strings.Contains(s.vetoText.Text, "物业费收费率") || !strings.Contains(s.vetoText.Text, "93") {
		t.Errorf("veto banner shown %v: %q", s.veto.Visible(), s.vetoText.Text)
	}
	if fee.verdict.Text != "→ 不符合" {
		t.Errorf("verdict %q", fee.verdict.Text)
	}
	sec := s.rec.Score.Sections[10]
	if sec.Failed != 1 || !sec.HasApplicable || sec.Score != 0 {
		t.Errorf("section 11 score %+v", sec)
	}

	// Back above the threshold: the banner goes.
	fee.value.SetText("")
	test.Type(fee.value, "96.5")
	if a := storedAnswer(t, db, id, "11.2"); a.Value == nil || *a.Value != 96.5 {
		t.Fatalf("11.2 stored %v, want 96.5", a.Value)
	}
	if s.veto.Visible() {
		t.Errorf("veto banner still shown: %q", s.vetoText.Text)
	}
}

func TestInvalidNumberIsMarkedAndNotSaved(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	s := startInspection(t, u, "怡乐花园")
	id := s.rec.Inspection.ID
	fee := card(t, s, "11.2")
	test.Type(fee.value, "98")

	for _, typed := range []string{"9x", "120", "-3"} {
		fee.value.SetText(typed)
		if !fee.valueErr.Visible() || !strings.Contains(fee.valueErr.Text, "未保存") {
			t.Errorf("%q: no red message (%q)", typed, fee.valueErr.Text)
		}
		if fee.value.Validate() == nil {
			t.Errorf("%q: entry not marked invalid", typed)
		}
		if a := storedAnswer(t, db, id, "11.2"); a.Value == nil || *a.Value != 98 {
			t.Errorf("%q: stored value changed to %v", typed, a.Value)
		}
	}
	fee.value.SetText("９７．５") // full-width digits from a Chinese IME
	if fee.valueErr.Visible() {
		t.Errorf("full-width number refused: %s", fee.valueErr.Text)
	}
	if a := storedAnswer(t, db, id, "11.2"); a.Value == nil || *a.Value != 97.5 {
		t.Errorf("stored %v, want 97.5", a.Value)
	}
}

func TestKeyboardAnswersAndMoves(t *testing.T) {
	db, _ := openTestDB(t)
	u := newTestUI(t, db)
	s := startInspection(t, u, "怡乐花园")
	id := s.rec.Inspection.ID
	s.goTo("3.1")
	first := s.cards[s.current]
	if first.item.Code != "3.1" {
		t.Fatalf("current %s", first.item.Code)
	}
	u.window.Canvas().Focus(first)
	first.TypedRune('1')
	first.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if got := s.cards[s.current].item.Code; got != "3.2" {
		t.Fatalf("↓ moved to %s", got)
	}
	s.cards[s.current].TypedRune('2')
	s.cards[s.current].TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	s.cards[s.current].TypedRune('3')
	for code, want := range map[string]inspection.Result{"3.1": inspection.Pass, "3.2": inspection.Fail, "3.3": inspection.NA} {
		if got := storedAnswer(t, db, id, code).Result; got != want {
			t.Errorf("%s stored %q, want %q", code, got, want)
		}
	}
	// Pressing the same answer again clears it.
	s.cards[s.current].TypedRune('3')
	if got := storedAnswer(t, db, id, "3.3").Result; got != inspection.Unanswered {
		t.Errorf("3.3 after a second 3: %q", got)
	}
	// ↑ from the first item goes to the previous section's last item.
	s.goTo("3.1")
	s.cards[s.current].TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp})
	if got := s.cards[s.current].item.Code; got != "2.4" {
		t.Errorf("↑ from 3.1 went to %s", got)
	}
	s.nextUnanswered()
	if got := s.cards[s.current].item.Code; got != "3.3" {
		t.Errorf("下一个未填项 after 2.4 went to %s", got)
	}
}

func TestNotesQuickPhrasesAndPhotos(t *testing.T) {
	db, tpl := openTestDB(t)
	u := newTestUI(t, db)
	s := startInspection(t, u, "怡乐花园")
	id := s.rec.Inspection.ID
	it, _ := tpl.Item("8.1")
	c := card(t, s, "8.1")
	if len(c.phraseButtons) < len(it.Phrases) {
		t.Fatalf("%d phrase buttons for %d phrases", len(c.phraseButtons), len(it.Phrases))
	}
	test.Tap(c.phraseButtons[0])
	test.Tap(c.phraseButtons[1])
	want := it.Phrases[0] + "；" + it.Phrases[1]
	if got := storedAnswer(t, db, id, "8.1").Note; got != want {
		t.Errorf("note %q, want %q", got, want)
	}
	test.Type(c.note, "，楼道堆放杂物")
	if got := storedAnswer(t, db, id, "8.1").Note; got != want+"，楼道堆放杂物" {
		t.Errorf("typed note stored as %q", got)
	}

	// The note is offered as a recent note in the next inspection.
	u.closeInspection()
	s2 := startInspection(t, u, "金山碧水")
	c2 := card(t, s2, "8.1")
	found := false
	for _, b := range c2.phraseButtons {
		found = found || strings.Contains(b.Text, "楼道堆放杂物")
	}
	if !found {
		t.Error("the recently used note is not offered")
	}

	// Photos: attach, thumbnail, remove.
	if _, err := db.AttachPhoto(context.Background(), s2.rec.Inspection.ID, "1.1", testJPEG(t), false); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/现场.jpg"
	if err := writeFile(path, testJPEG(t)); err != nil {
		t.Fatal(err)
	}
	s2.attachFiles("13.1", []string{path})
	c13 := card(t, s2, "13.1")
	if len(c13.thumbs) != 1 {
		t.Fatalf("13.1 shows %d thumbnails", len(c13.thumbs))
	}
	sha := c13.thumbs[0].sha
	if got := storedAnswer(t, db, s2.rec.Inspection.ID, "13.1").Photos; len(got) != 1 || got[0] != sha {
		t.Errorf("stored photos %v", got)
	}
	s2.removePhoto("13.1", sha)
	if got := storedAnswer(t, db, s2.rec.Inspection.ID, "13.1").Photos; len(got) != 0 {
		t.Errorf("after delete: %v", got)
	}
	if len(c13.thumbs) != 0 {
		t.Errorf("after delete %d thumbnails", len(c13.thumbs))
	}
}

// TestStoreErrorRevertsWidget: when the store refuses a change (here the
// inspection was finalized meanwhile), the card goes back to what is
// stored and the change is not shown as saved.
func TestStoreErrorRevertsWidget(t *testing.T) {
	db, tpl := openTestDB(t)
	u := newTestUI(t, db)
	s := startInspection(t, u, "怡乐花园")
	id := s.rec.Inspection.ID
	answerAllPassing(t, db, tpl, id)
	if _, err := db.FinalizeInspection(context.Background(), id, []inspection.Signature{{Name: "张三", Role: "检查员"}}); err != nil {
		t.Fatal(err)
	}
	c := card(t, s, "3.1")
	test.Tap(c.fail)
	if s.saved.Text != "保存失败" {
		t.Errorf("status %q, want 保存失败", s.saved.Text)
	}
	if got := storedAnswer(t, db, id, "3.1").Result; got != inspection.Pass {
		t.Errorf("stored %q", got)
	}
	if c.fail.Importance == c.pass.Importance {
		t.Error("the card does not show the stored answer")
	}
	fee := card(t, s, "11.2")
	fee.value.SetText("90")
	if fee.value.Text != "" {
		// The store refused; the entry shows the stored value again.
		if a := s.rec.Answers["11.2"]; a.Value != nil && fee.value.Text != inspection.FormatNumber(*a.Value) {
			t.Errorf("entry shows %q after a refused save", fee.value.Text)
		}
	}
}
