package ui

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// itemCard is one checklist item: its text and guidance, the answer
// widgets for its kind, the note with quick phrases and recently used
// notes, and its photos. It takes the keyboard focus: 1/2/3 answer
// 符合/不符合/不适用, ↓/↑ and Tab move to the next or previous item.
type itemCard struct {
	widget.BaseWidget
	s     *inspectScreen
	item  inspection.Item
	index int

	current bool
	focused bool
	border  *canvas.Rectangle

	title    *widget.Label
	tags     *fyne.Container
	guidance *widget.Label

	pass, fail, na *widget.Button // check items (fail, na also for others)
	value          *autoEntry     // number items
	valueErr       *widget.Label
	verdict        *widget.Label // what the value decides
	choices        *widget.CheckGroup
	radio          *widget.RadioGroup
	text           *autoEntry // text items
	note           *autoEntry
	phrases        *fyne.Container
	phraseButtons  []*widget.Button
	photoBox       *fyne.Container
	addPhoto       *widget.Button
	thumbs         []*thumbnail
	evidence       *widget.Label

	summary, noteText       *widget.Label // a signed record shows its answer as text
	updating                bool          // widgets are being set from the stored answer
	valueSave, noteSave     debouncer
	textSave                debouncer
	lastValue, lastNote     string
	lastText                string
	recentLoaded            bool
	body                    fyne.CanvasObject
	answerRow, phraseHolder *fyne.Container
}

func newItemCard(s *inspectScreen, it inspection.Item, index int) *itemCard {
	c := &itemCard{s: s, item: it, index: index}
	c.valueSave.delay, c.noteSave.delay, c.textSave.delay = s.u.debounce, s.u.debounce, s.u.debounce
	c.border = canvas.NewRectangle(color.Transparent)
	c.border.StrokeWidth = 2
	c.border.CornerRadius = 6

	c.title = widget.NewLabel(it.Code + "  " + it.Text)
	c.title.TextStyle.Bold = true
	c.title.Wrapping = fyne.TextWrapWord
	c.tags = container.NewHBox()
	if it.Veto {
		c.tags.Add(tag(lang.L("一票否决"), widget.DangerImportance))
	}
	if it.Evidence {
		c.tags.Add(tag(lang.L("需佐证照片"), widget.WarningImportance))
	}
	if !it.Scored() {
		c.tags.Add(tag(lang.L("记录项，不计分"), widget.LowImportance))
	}
	c.guidance = widget.NewLabel(it.Guidance)
	c.guidance.Wrapping = fyne.TextWrapWord
	c.guidance.Importance = widget.MediumImportance
	c.guidance.SizeName = theme.SizeNameCaptionText
	if it.Guidance == "" {
		c.guidance.Hide()
	}

	c.answerRow = container.NewHBox()
	c.fail = widget.NewButton(lang.L("不符合")+" (2)", func() { c.setResult(inspection.Fail) })
	c.na = widget.NewButton(lang.L("不适用")+" (3)", func() { c.setResult(inspection.NA) })
	switch it.Kind {
	case inspection.KindCheck:
		c.pass = widget.NewButton(lang.L("符合")+" (1)", func() { c.setResult(inspection.Pass) })
		c.answerRow.Objects = []fyne.CanvasObject{c.pass, c.fail, c.na}
	case inspection.KindNumber:
		c.value = newAutoEntry(false)
		c.value.SetPlaceHolder(lang.L("数值"))
		c.value.Validator = func(text string) error {
			_, err := parseNumber(it, text)
			return err
		}
		c.value.OnChanged = func(string) { c.valueChanged() }
		c.value.OnSubmitted = func(string) { c.valueSave.flush() }
		c.value.onFocusLost = c.valueSave.flush
		c.verdict = widget.NewLabel("")
		unit := widget.NewLabel(it.Unit)
		req := widget.NewLabel("")
		if it.Threshold != nil {
			req.SetText(fmt.Sprintf(lang.L("要求 %s%s"), it.Threshold.String(), it.Unit))
		}
		c.answerRow.Objects = []fyne.CanvasObject{
			container.NewGridWrap(fyne.NewSize(140, c.value.MinSize().Height), c.value), unit, req, c.verdict, c.na,
		}
		c.valueErr = widget.NewLabel("")
		c.valueErr.Importance = widget.DangerImportance
		c.valueErr.Hide()
	case inspection.KindChoice:
		if it.Multiple {
			c.choices = widget.NewCheckGroup(it.Options, func([]string) { c.choicesChanged() })
			c.choices.Horizontal = true
			c.answerRow.Add(c.choices)
		} else {
			c.radio = widget.NewRadioGroup(it.Options, func(string) { c.choicesChanged() })
			c.radio.Horizontal = true
			c.answerRow.Add(c.radio)
		}
		if it.Scored() {
			c.answerRow.Add(c.fail)
			c.fail.SetText(lang.L("均未开展（不符合）") + " (2)")
		}
		c.answerRow.Add(c.na)
	case inspection.KindText:
		c.text = newAutoEntry(true)
		c.text.SetMinRowsVisible(2)
		c.text.SetPlaceHolder(lang.L("填写情况"))
		c.text.OnChanged = func(string) { c.textChanged() }
		c.text.onFocusLost = c.textSave.flush
		c.answerRow.Objects = nil
	}

	c.note = newAutoEntry(false)
	c.note.SetPlaceHolder(lang.L("备注（可点下方常用语）"))
	c.note.OnChanged = func(string) { c.noteChanged() }
	c.note.OnSubmitted = func(string) { c.noteSave.flush() }
	c.note.onFocusLost = c.noteSave.flush
	c.phrases = container.NewGridWithColumns(4)
	c.phraseHolder = container.NewVBox(c.phrases)
	c.setPhrases(nil)

	c.addPhoto = widget.NewButtonWithIcon(lang.L("添加照片"), theme.ContentAddIcon(), func() { s.choosePhotos(it.Code) })
	c.photoBox = container.NewHBox()
	c.evidence = widget.NewLabel(lang.L("需佐证：请添加现场照片（可拖放到此处）"))
	c.evidence.Importance = widget.WarningImportance
	c.evidence.Hide()

	parts := []fyne.CanvasObject{
		container.NewBorder(nil, nil, nil, c.tags, c.title),
		c.guidance,
	}
	if s.readOnly {
		// A signed record: what was recorded, as text.
		c.summary = widget.NewLabel("")
		c.summary.Wrapping = fyne.TextWrapWord
		c.summary.TextStyle.Bold = true
		c.noteText = widget.NewLabel("")
		c.noteText.Wrapping = fyne.TextWrapWord
		parts = append(parts, c.summary, c.noteText, container.NewHBox(c.photoBox, c.evidence))
		c.body = container.NewVBox(parts...)
		c.ExtendBaseWidget(c)
		c.update()
		return c
	}
	if c.text != nil {
		parts = append(parts, c.text)
	} else {
		parts = append(parts, c.answerRow)
	}
	if c.valueErr != nil {
		parts = append(parts, c.valueErr)
	}
	parts = append(parts,
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("备注")), nil, c.note),
		c.phraseHolder,
		container.NewHBox(c.photoBox, c.addPhoto, c.evidence),
	)
	c.body = container.NewVBox(parts...)
	c.ExtendBaseWidget(c)
	c.update()
	c.loadRecent()
	return c
}

func tag(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabel(text)
	l.Importance = imp
	l.SizeName = theme.SizeNameCaptionText
	return l
}

func (c *itemCard) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 6
	return widget.NewSimpleRenderer(container.NewStack(bg, c.border, container.NewPadded(c.body)))
}

// answer is the stored answer of the item.
func (c *itemCard) answer() inspection.Answer {
	a := c.s.rec.Answers[c.item.Code]
	a.InspectionID, a.ItemCode = c.s.rec.Inspection.ID, c.item.Code
	return a
}

// update sets every widget from the stored answer.
func (c *itemCard) update() {
	c.updating = true
	defer func() { c.updating = false }()
	a := c.answer()
	r := inspection.Evaluate(c.item, a)
	if c.item.Kind == inspection.KindCheck {
		r = a.Result
	}
	mark := func(b *widget.Button, on bool, imp widget.Importance) {
		if b == nil {
			return
		}
		if on {
			b.Importance = imp
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	mark(c.pass, a.Result == inspection.Pass, widget.SuccessImportance)
	mark(c.fail, a.Result == inspection.Fail, widget.DangerImportance)
	mark(c.na, a.Result == inspection.NA, widget.HighImportance)

	if c.value != nil {
		text := ""
		if a.Value != nil {
			text = inspection.FormatNumber(*a.Value)
		}
		// Text still being typed (a save is pending) is left alone.
		if _, err := parseNumber(c.item, c.value.Text); c.valueSave.pending == nil && (err != nil || !sameNumber(c.value.Text, a.Value)) {
			c.value.SetText(text)
		}
		c.lastValue = text
		c.valueErr.Hide()
		c.value.SetValidationError(nil)
		switch {
		case a.Result == inspection.NA:
			c.verdict.SetText("→ " + lang.L("不适用"))
			c.verdict.Importance = widget.HighImportance
		case c.item.Threshold != nil && a.Value != nil:
			c.verdict.SetText("→ " + resultLabel(r))
			c.verdict.Importance = widget.SuccessImportance
			if r == inspection.Fail {
				c.verdict.Importance = widget.DangerImportance
			}
		default:
			c.verdict.SetText("")
		}
		c.verdict.Refresh()
	}
	if c.choices != nil {
		c.choices.SetSelected(a.Choices)
	}
	if c.radio != nil {
		sel := ""
		if len(a.Choices) > 0 {
			sel = a.Choices[0]
		}
		c.radio.SetSelected(sel)
	}
	if c.text != nil && c.textSave.pending == nil && c.text.Text != a.Text {
		c.text.SetText(a.Text)
	}
	c.lastText = a.Text
	if c.noteSave.pending == nil && c.note.Text != a.Note {
		c.note.SetText(a.Note)
	}
	c.lastNote = a.Note
	c.updatePhotos(a.Photos)
	if c.summary != nil {
		c.summary.SetText(answerSummary(c.item, a))
		switch inspection.Evaluate(c.item, a) {
		case inspection.Pass:
			c.summary.Importance = widget.SuccessImportance
		case inspection.Fail:
			c.summary.Importance = widget.DangerImportance
		default:
			c.summary.Importance = widget.MediumImportance
		}
		c.summary.Refresh()
		c.noteText.SetText(lang.L("备注") + "：" + a.Note)
		c.noteText.Hidden = a.Note == ""
	}
	if needsEvidence(c.item, a) {
		c.evidence.Show()
	} else {
		c.evidence.Hide()
	}
	c.refreshBorder()
}

// answerSummary is a recorded answer in words, for a signed record.
func answerSummary(it inspection.Item, a inspection.Answer) string {
	r := inspection.Evaluate(it, a)
	switch it.Kind {
	case inspection.KindNumber:
		if a.Result == inspection.NA {
			return lang.L("结果：") + lang.L("不适用")
		}
		if a.Value == nil {
			return lang.L("结果：") + lang.L("未填写")
		}
		out := lang.L("数值：") + inspection.FormatNumber(*a.Value) + it.Unit
		if it.Threshold != nil {
			out += fmt.Sprintf(lang.L("（要求 %s%s）"), it.Threshold.String(), it.Unit) + " → " + resultLabel(r)
		}
		return out
	case inspection.KindChoice:
		if a.Result == inspection.NA {
			return lang.L("结果：") + lang.L("不适用")
		}
		out := lang.L("选项：") + strings.Join(a.Choices, "、")
		if len(a.Choices) == 0 {
			out = lang.L("选项：") + lang.L("无")
		}
		if it.Scored() {
			out += " → " + resultLabel(r)
		}
		return out
	case inspection.KindText:
		return lang.L("情况：") + a.Text
	}
	return lang.L("结果：") + resultLabel(a.Result)
}

func sameNumber(text string, v *float64) bool {
	if v == nil {
		return strings.TrimSpace(text) == ""
	}
	p, err := parseNumber(inspection.Item{}, text)
	return err == nil && p != nil && *p == *v
}

// setResult records 符合/不符合/不适用; choosing the result already
// recorded clears it.
func (c *itemCard) setResult(r inspection.Result) {
	if c.s.readOnly {
		return
	}
	c.s.current = c.index
	c.s.focusCurrent()
	a := c.answer()
	if a.Result == r {
		r = inspection.Unanswered
	}
	switch c.item.Kind {
	case inspection.KindNumber, inspection.KindText:
		if r != inspection.NA && r != inspection.Unanswered {
			return // a number's value decides; text is not judged
		}
	case inspection.KindChoice:
		if r == inspection.Pass {
			return
		}
	}
	code := c.item.Code
	id := c.s.rec.Inspection.ID
	c.s.save(code, func(ctx context.Context) (inspection.Answer, error) {
		return c.s.u.db.SetResult(ctx, id, code, r)
	})
}

func (c *itemCard) valueChanged() {
	if c.updating {
		return
	}
	v, err := parseNumber(c.item, c.value.Text)
	if err != nil {
		c.valueSave.stop()
		c.valueErr.SetText(err.Error() + lang.L("（未保存）"))
		c.valueErr.Show()
		c.value.SetValidationError(err)
		return
	}
	c.valueErr.Hide()
	c.value.SetValidationError(nil)
	code, id := c.item.Code, c.s.rec.Inspection.ID
	c.valueSave.call(func() {
		stored := c.answer().Value
		if (v == nil && stored == nil) || (v != nil && stored != nil && *v == *stored) {
			return
		}
		c.s.save(code, func(ctx context.Context) (inspection.Answer, error) {
			return c.s.u.db.SetValue(ctx, id, code, v)
		})
	})
}

func (c *itemCard) choicesChanged() {
	if c.updating || c.s.readOnly {
		return
	}
	var sel []string
	if c.choices != nil {
		sel = append(sel, c.choices.Selected...)
	} else if c.radio.Selected != "" {
		sel = []string{c.radio.Selected}
	}
	code, id := c.item.Code, c.s.rec.Inspection.ID
	c.s.current = c.index
	c.s.save(code, func(ctx context.Context) (inspection.Answer, error) {
		a, err := c.s.u.db.SetChoices(ctx, id, code, sel)
		if err == nil && len(sel) > 0 && a.Result == inspection.Fail {
			a, err = c.s.u.db.SetResult(ctx, id, code, inspection.Unanswered)
		}
		return a, err
	})
}

func (c *itemCard) textChanged() {
	if c.updating {
		return
	}
	text, code, id := c.text.Text, c.item.Code, c.s.rec.Inspection.ID
	c.textSave.call(func() {
		if text == c.answer().Text {
			return
		}
		c.s.save(code, func(ctx context.Context) (inspection.Answer, error) {
			return c.s.u.db.SetText(ctx, id, code, text)
		})
	})
}

func (c *itemCard) noteChanged() {
	if c.updating {
		return
	}
	note, code, id := c.note.Text, c.item.Code, c.s.rec.Inspection.ID
	c.noteSave.call(func() {
		if note == c.answer().Note {
			return
		}
		c.s.save(code, func(ctx context.Context) (inspection.Answer, error) {
			return c.s.u.db.SetNote(ctx, id, code, note)
		})
	})
}

// flush saves what is being typed now.
func (c *itemCard) flush() {
	c.valueSave.flush()
	c.noteSave.flush()
	c.textSave.flush()
}

// addPhrase puts a quick phrase in the note (appended after what is
// there) and saves it.
func (c *itemCard) addPhrase(p string) {
	if c.s.readOnly {
		return
	}
	note := strings.TrimSpace(c.note.Text)
	switch {
	case note == "":
		note = p
	case strings.Contains(note, p):
		return
	default:
		note += "；" + p
	}
	c.note.SetText(note) // OnChanged schedules the save
	c.note.CursorColumn = utf8.RuneCountInString(note)
	c.note.Refresh()
	c.noteSave.flush()
}

// loadRecent adds the notes recently written for this item in any
// inspection to the quick phrases.
func (c *itemCard) loadRecent() {
	code := c.item.Code
	if r, ok := c.s.recent[code]; ok {
		c.setPhrases(r)
		return
	}
	c.s.u.async(func() {
		notes, err := c.s.u.db.RecentNotes(c.s.u.ctx, code, 4)
		fyne.Do(func() {
			if err != nil {
				return // quick phrases still work without them
			}
			c.s.recent[code] = notes
			c.setPhrases(notes)
		})
	})
}

func (c *itemCard) setPhrases(recent []string) {
	c.phrases.Objects, c.phraseButtons = nil, nil
	seen := map[string]bool{}
	add := func(p, label string) {
		if seen[p] || strings.TrimSpace(p) == "" {
			return
		}
		seen[p] = true
		b := widget.NewButton(truncateRunes(label, 14), func() { c.addPhrase(p) })
		b.Importance = widget.MediumImportance
		c.phraseButtons = append(c.phraseButtons, b)
		c.phrases.Add(b)
	}
	for _, p := range c.item.Phrases {
		add(p, p)
	}
	for _, p := range recent {
		for _, part := range strings.Split(p, "；") {
			add(part, lang.L("最近：")+part)
		}
	}
	if len(c.phraseButtons) == 0 {
		c.phraseHolder.Hide()
	} else {
		c.phraseHolder.Show()
	}
	c.phrases.Refresh()
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// updatePhotos shows a thumbnail per photo.
func (c *itemCard) updatePhotos(shas []string) {
	if len(c.thumbs) == len(shas) {
		same := true
		for i, t := range c.thumbs {
			same = same && t.sha == shas[i]
		}
		if same {
			return
		}
	}
	c.thumbs = nil
	c.photoBox.Objects = nil
	for _, sha := range shas {
		t := newThumbnail(sha, func(sha string) { c.showPhoto(sha) })
		c.thumbs = append(c.thumbs, t)
		c.photoBox.Add(t)
		c.s.photo(sha, t.setResource)
	}
	c.photoBox.Refresh()
}

// showPhoto opens a photo full size, with 删除 for a draft.
func (c *itemCard) showPhoto(sha string) {
	c.s.photo(sha, func(r fyne.Resource) {
		img := canvas.NewImageFromResource(r)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(880, 560))
		var d dialog.Dialog
		closeBtn := widget.NewButton(lang.L("关闭"), func() { d.Hide() })
		del := widget.NewButtonWithIcon(lang.L("删除照片"), theme.DeleteIcon(), func() {
			dialog.NewConfirm(lang.L("删除照片"), lang.L("从此检查项中删除这张照片？"), func(ok bool) {
				if ok {
					d.Hide()
					c.s.removePhoto(c.item.Code, sha)
				}
			}, c.s.u.window).Show()
		})
		del.Importance = widget.DangerImportance
		if c.s.readOnly {
			del.Hide()
		}
		info := widget.NewLabel(c.item.Code + " " + c.item.Text)
		info.Truncation = fyne.TextTruncateEllipsis
		d = dialog.NewCustomWithoutButtons(lang.L("照片"),
			container.NewBorder(nil, container.NewBorder(nil, nil, info, container.NewHBox(del, closeBtn)), nil, nil, img), c.s.u.window)
		d.Show()
	})
}

// Focus and keys.

func (c *itemCard) setCurrent(on bool) {
	c.current = on
	c.refreshBorder()
}

func (c *itemCard) refreshBorder() {
	switch {
	case c.focused || c.current:
		c.border.StrokeColor = theme.Color(theme.ColorNamePrimary)
	case len(c.s.rec.Score.Vetoes) > 0 && c.item.Veto && inspection.Evaluate(c.item, c.answer()) == inspection.Fail:
		c.border.StrokeColor = theme.Color(theme.ColorNameError)
	default:
		c.border.StrokeColor = theme.Color(theme.ColorNameSeparator)
	}
	c.border.Refresh()
}

func (c *itemCard) FocusGained() {
	c.focused = true
	c.s.current = c.index
	for _, o := range c.s.cards {
		o.setCurrent(o == c)
	}
}

func (c *itemCard) FocusLost() {
	c.focused = false
	c.refreshBorder()
}

// TypedRune answers with 1 (符合), 2 (不符合) and 3 (不适用).
func (c *itemCard) TypedRune(r rune) {
	switch r {
	case '1', '１':
		if c.item.Kind == inspection.KindCheck {
			c.setResult(inspection.Pass)
		}
	case '2', '２':
		if c.item.Kind == inspection.KindCheck || (c.item.Kind == inspection.KindChoice && c.item.Scored()) {
			c.setResult(inspection.Fail)
		}
	case '3', '３':
		if c.item.Kind != inspection.KindText {
			c.setResult(inspection.NA)
		}
	}
}

// TypedKey moves between items with ↓/↑ and Tab/Shift+Tab.
func (c *itemCard) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyDown, fyne.KeyTab:
		c.s.move(1)
	case fyne.KeyUp:
		c.s.move(-1)
	case fyne.KeyReturn, fyne.KeyEnter:
		c.s.u.window.Canvas().Focus(c.note)
	}
}

// AcceptsTab keeps Tab for moving between items.
func (c *itemCard) AcceptsTab() bool { return true }

func (c *itemCard) Tapped(*fyne.PointEvent) {
	c.s.current = c.index
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c); cv != nil {
		cv.Focus(c)
	}
}

// thumbnail is a small photo that opens the full view when tapped.
type thumbnail struct {
	widget.BaseWidget
	sha   string
	img   *canvas.Image
	onTap func(sha string)
}

func newThumbnail(sha string, onTap func(string)) *thumbnail {
	t := &thumbnail{sha: sha, onTap: onTap, img: canvas.NewImageFromResource(nil)}
	t.img.FillMode = canvas.ImageFillContain
	t.img.SetMinSize(fyne.NewSize(96, 72))
	t.ExtendBaseWidget(t)
	return t
}

func (t *thumbnail) setResource(r fyne.Resource) {
	t.img.Resource = r
	t.img.Refresh()
}

func (t *thumbnail) Tapped(*fyne.PointEvent) { t.onTap(t.sha) }

func (t *thumbnail) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))
	return widget.NewSimpleRenderer(container.NewStack(bg, t.img))
}
