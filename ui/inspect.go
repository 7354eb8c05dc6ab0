package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/pdf"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// inspectScreen is 检查: the checklist of one inspection. Sections are a
// list with their scores; the items of the chosen section are cards with
// guidance, answer buttons, notes with quick phrases and photos. Every
// change is saved by the store at once (no save button); the scores and
// the veto banner follow live. A finalized inspection is shown read-only
// with 「更正」.
type inspectScreen struct {
	u        *App
	rec      inspection.Record
	readOnly bool

	heading      *widget.Label
	meta         *widget.Label
	saved        *widget.Label
	total        *widget.Label
	progress     *widget.ProgressBar
	progressText *widget.Label
	evidenceNote *widget.Label
	veto         *fyne.Container // the 一票否决 banner, hidden when no veto item fails
	vetoText     *widget.Label
	banner       *widget.Label // finalized / amendment notice

	next, search, printBtn, finalize, amend, close *widget.Button

	sections     *widget.List
	section      int
	sectionTitle *widget.Label
	items        *fyne.Container
	scroll       *container.Scroll
	cards        []*itemCard
	current      int // index in cards of the item the keys answer

	lastPDF string // the last record printed (tests read it)

	photos map[string]fyne.Resource // decoded thumbnails by digest
	recent map[string][]string      // recently used notes by item code

	content fyne.CanvasObject
}

func newInspectScreen(u *App, rec inspection.Record) *inspectScreen {
	if rec.Answers == nil {
		rec.Answers = map[string]inspection.Answer{}
	}
	s := &inspectScreen{
		u: u, rec: rec, readOnly: rec.Inspection.Status == inspection.Finalized,
		photos: map[string]fyne.Resource{}, recent: map[string][]string{},
	}
	s.heading = widget.NewLabel(rec.Community.Name)
	s.heading.TextStyle.Bold = true
	s.heading.SizeName = theme.SizeNameSubHeadingText
	s.meta = widget.NewLabel(fmt.Sprintf(lang.L("检查人员：%s · 开始：%s · 模板：%s（v%d）"),
		strings.Join(rec.Inspection.Inspectors, "、"), formatDateTime(rec.Inspection.StartedAt), rec.Template.Name, rec.Template.Version))
	s.meta.Importance = widget.MediumImportance
	s.meta.Truncation = fyne.TextTruncateEllipsis
	s.saved = widget.NewLabel(lang.L("每项修改即时保存"))
	s.saved.Importance = widget.MediumImportance
	s.total = widget.NewLabel("")
	s.total.TextStyle.Bold = true
	s.total.SizeName = theme.SizeNameSubHeadingText
	s.progress = widget.NewProgressBar()
	s.progress.TextFormatter = func() string { return "" }
	s.progressText = widget.NewLabel("")
	s.evidenceNote = widget.NewLabel("")
	s.evidenceNote.Importance = widget.WarningImportance
	s.vetoText = widget.NewLabel("")
	s.vetoText.Importance = widget.DangerImportance
	s.vetoText.TextStyle.Bold = true
	s.vetoText.Wrapping = fyne.TextWrapWord
	vetoBg := canvas.NewRectangle(color.NRGBA{R: 0xfd, G: 0xe8, B: 0xe8, A: 0xff})
	vetoBg.StrokeColor = color.NRGBA{R: 0xd3, G: 0x2f, B: 0x2f, A: 0xff}
	vetoBg.StrokeWidth = 1
	vetoBg.CornerRadius = 4
	s.veto = container.NewStack(vetoBg, container.NewPadded(s.vetoText))
	s.banner = widget.NewLabel("")
	s.banner.Importance = widget.SuccessImportance
	s.banner.Wrapping = fyne.TextWrapWord
	s.banner.Hide()

	s.next = widget.NewButtonWithIcon(lang.L("下一个未填项"), theme.MediaSkipNextIcon(), s.nextUnanswered)
	s.search = widget.NewButtonWithIcon(lang.L("搜索"), theme.SearchIcon(), s.showSearch)
	s.printBtn = widget.NewButtonWithIcon(lang.L("打印"), theme.DocumentPrintIcon(), s.print)
	s.finalize = widget.NewButtonWithIcon(lang.L("完成并签名"), theme.ConfirmIcon(), s.openFinalize)
	s.finalize.Importance = widget.HighImportance
	s.amend = widget.NewButtonWithIcon(lang.L("更正"), theme.DocumentCreateIcon(), s.showAmend)
	s.close = widget.NewButtonWithIcon(lang.L("关闭"), theme.CancelIcon(), u.closeInspection)
	if s.readOnly {
		s.finalize.Hide()
		s.next.Hide()
		s.saved.Hide()
		s.banner.SetText(fmt.Sprintf(lang.L("已签字定稿（%s），内容不可修改；如需更正请点「更正」。内容摘要 %s"),
			formatDateTime(derefTime(rec.Inspection.FinalizedAt)), shortDigest(rec.ContentDigest)))
		s.banner.Show()
	} else {
		s.amend.Hide()
		if rec.Inspection.AmendsID != "" {
			s.banner.SetText(fmt.Sprintf(lang.L("这是一份更正记录。更正原因：%s"), rec.Inspection.AmendReason))
			s.banner.Importance = widget.WarningImportance
			s.banner.Show()
		}
	}

	s.sections = widget.NewList(
		func() int { return len(s.rec.Template.Sections) },
		func() fyne.CanvasObject { return newSectionRowView() },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*sectionRowView).set(s, id) },
	)
	s.sections.OnSelected = func(id widget.ListItemID) {
		if id != s.section {
			s.showSection(id, 0)
		}
	}
	s.sectionTitle = widget.NewLabel("")
	s.sectionTitle.TextStyle.Bold = true
	s.items = container.NewVBox()
	s.scroll = container.NewVScroll(s.items)

	buttons := container.NewHBox(s.next, s.search, s.printBtn, s.amend, s.finalize, s.close)
	scoreLine := container.NewBorder(nil, nil, s.total, s.evidenceNote,
		container.NewBorder(nil, nil, nil, s.progressText, container.NewCenter(container.NewGridWrap(fyne.NewSize(260, 8), s.progress))))
	header := container.NewVBox(
		container.NewBorder(nil, nil, s.heading, buttons),
		container.NewBorder(nil, nil, nil, s.saved, s.meta),
		scoreLine,
		s.veto,
		s.banner,
	)
	right := container.NewBorder(s.sectionTitle, nil, nil, nil, s.scroll)
	split := container.NewHSplit(s.sections, right)
	split.Offset = 0.24
	s.content = container.NewBorder(header, nil, nil, nil, split)

	s.updateScore()
	s.sections.Select(0)
	s.showSection(0, 0)
	return s
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func shortDigest(d string) string {
	if len(d) > 16 {
		return d[:16]
	}
	return d
}

// showSection shows the items of section i and makes item j current.
func (s *inspectScreen) showSection(i, j int) {
	if i < 0 || i >= len(s.rec.Template.Sections) {
		return
	}
	s.section = i
	sec := s.rec.Template.Sections[i]
	s.cards = nil
	s.items.Objects = nil
	for k, it := range sec.Items {
		c := newItemCard(s, it, k)
		s.cards = append(s.cards, c)
		s.items.Add(c)
	}
	s.items.Refresh()
	s.updateSectionTitle()
	s.sections.Select(i)
	s.scroll.ScrollToTop()
	s.current = max(0, min(j, len(s.cards)-1))
	s.focusCurrent()
}

func (s *inspectScreen) updateSectionTitle() {
	sec := s.rec.Template.Sections[s.section]
	ss := s.rec.Score.Sections[s.section]
	s.sectionTitle.SetText(fmt.Sprintf(lang.L("第%s章 %s　得分 %s　已判定 %d/%d"), sec.Code, sec.Title,
		formatScore(ss.Score, ss.HasApplicable), ss.Passed+ss.Failed+ss.NA, ss.Passed+ss.Failed+ss.NA+ss.Unanswered))
}

// focusCurrent gives the keyboard focus to the current item card and
// scrolls it into view.
func (s *inspectScreen) focusCurrent() {
	if s.current < 0 || s.current >= len(s.cards) {
		return
	}
	c := s.cards[s.current]
	for _, o := range s.cards {
		o.setCurrent(o == c)
	}
	if cv := s.u.window.Canvas(); cv != nil && s.u.activeInspect() == s {
		cv.Focus(c)
	}
	s.scrollTo(c)
}

func (s *inspectScreen) scrollTo(c *itemCard) {
	y := c.Position().Y
	h := s.scroll.Size().Height
	off := s.scroll.Offset.Y
	if y < off || y+c.Size().Height > off+h {
		s.scroll.ScrollToOffset(fyne.NewPos(0, y-8))
	}
}

// move makes the item d places away current, crossing into the next or
// previous section at the ends.
func (s *inspectScreen) move(d int) {
	n := s.current + d
	switch {
	case n >= 0 && n < len(s.cards):
		s.current = n
		s.focusCurrent()
	case n >= len(s.cards) && s.section+1 < len(s.rec.Template.Sections):
		s.showSection(s.section+1, 0)
	case n < 0 && s.section > 0:
		s.showSection(s.section-1, len(s.rec.Template.Sections[s.section-1].Items)-1)
	}
}

// typedRune and typedKey handle keys when no widget has the focus.
func (s *inspectScreen) typedRune(r rune) {
	if s.current < len(s.cards) {
		s.cards[s.current].TypedRune(r)
	}
}

func (s *inspectScreen) typedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyDown, fyne.KeyTab:
		s.move(1)
	case fyne.KeyUp:
		s.move(-1)
	}
}

// goTo shows the item with the code.
func (s *inspectScreen) goTo(code string) {
	for i, sec := range s.rec.Template.Sections {
		for j, it := range sec.Items {
			if it.Code == code {
				if i == s.section {
					s.current = j
					s.focusCurrent()
				} else {
					s.showSection(i, j)
				}
				return
			}
		}
	}
}

// nextUnanswered goes to the first item after the current one that has no
// answer yet, wrapping around.
func (s *inspectScreen) nextUnanswered() {
	var codes []string
	for _, it := range s.rec.Template.Items() {
		codes = append(codes, it.Code)
	}
	start := 0
	if s.current < len(s.cards) {
		cur := s.cards[s.current].item.Code
		for i, c := range codes {
			if c == cur {
				start = i + 1
			}
		}
	}
	for k := range codes {
		code := codes[(start+k)%len(codes)]
		it, _ := s.rec.Template.Item(code)
		if !inspection.Answered(it, s.rec.Answers[code]) {
			s.goTo(code)
			return
		}
	}
	s.u.info(lang.L("提示"), lang.L("所有检查项均已填写，可以「完成并签名」。"))
}

// save runs a store change of one item in the background, in order with
// the others. On success the stored answer replaces the shown one and the
// scores follow; on error the message is shown and the card goes back to
// the stored answer.
func (s *inspectScreen) save(code string, op func(ctx context.Context) (inspection.Answer, error)) {
	s.saved.SetText(lang.L("正在保存…"))
	s.u.write(func() {
		a, err := op(s.u.ctx)
		fyne.Do(func() {
			if err != nil {
				s.saved.SetText(lang.L("保存失败"))
				s.u.showError(err)
				s.revert(code)
				return
			}
			s.stored(code, a)
		})
	})
}

// revert shows the stored answer of an item again, read back from the
// store (the change was refused).
func (s *inspectScreen) revert(code string) {
	s.u.async(func() {
		rec, err := s.u.db.Inspection(s.u.ctx, s.rec.Inspection.ID)
		fyne.Do(func() {
			if err == nil {
				if a, ok := rec.Answers[code]; ok {
					s.rec.Answers[code] = a
				} else {
					delete(s.rec.Answers, code)
				}
				s.updateScore()
			}
			s.refreshItem(code)
		})
	})
}

// stored takes a saved answer into the screen.
func (s *inspectScreen) stored(code string, a inspection.Answer) {
	s.rec.Answers[code] = a
	s.updateScore()
	s.refreshItem(code)
	s.saved.SetText(fmt.Sprintf(lang.L("已保存 %s"), s.u.now().Format("15:04:05")))
}

func (s *inspectScreen) refreshItem(code string) {
	for _, c := range s.cards {
		if c.item.Code == code {
			c.update()
		}
	}
}

// updateScore recomputes the scores from the answers and shows them.
func (s *inspectScreen) updateScore() {
	card := inspection.Score(s.rec.Template, s.rec.Answers)
	s.rec.Score = card
	s.total.SetText(lang.L("总分 ") + formatScore(card.Total, card.Defined))
	if card.Scorable > 0 {
		s.progress.SetValue(float64(card.Judged) / float64(card.Scorable))
	}
	s.progressText.SetText(fmt.Sprintf(lang.L("已判定 %d/%d"), card.Judged, card.Scorable))
	missingEvidence := 0
	for _, it := range s.rec.Template.Items() {
		if needsEvidence(it, s.rec.Answers[it.Code]) {
			missingEvidence++
		}
	}
	if missingEvidence > 0 {
		s.evidenceNote.SetText(fmt.Sprintf(lang.L("%d 项需补佐证照片"), missingEvidence))
		s.evidenceNote.Show()
	} else {
		s.evidenceNote.Hide()
	}
	if len(card.Vetoes) > 0 {
		var lines []string
		for _, v := range card.Vetoes {
			lines = append(lines, v.ItemCode+" "+v.Reason)
		}
		s.vetoText.SetText(lang.L("一票否决：") + "\n" + strings.Join(lines, "\n"))
		s.veto.Show()
	} else {
		s.vetoText.SetText("")
		s.veto.Hide()
	}
	s.sections.Refresh()
	if s.sectionTitle != nil && len(s.rec.Score.Sections) > s.section {
		s.updateSectionTitle()
	}
}

// needsEvidence: a judged evidence item without a photo.
func needsEvidence(it inspection.Item, a inspection.Answer) bool {
	return it.Evidence && a.Result != inspection.NA && inspection.Answered(it, a) && len(a.Photos) == 0
}

// Photos.

// photo returns a stored photo as a resource, loading it once.
func (s *inspectScreen) photo(sha string, then func(fyne.Resource)) {
	if r, ok := s.photos[sha]; ok {
		then(r)
		return
	}
	s.u.async(func() {
		data, err := s.u.db.Photo(s.u.ctx, sha)
		fyne.Do(func() {
			if err != nil {
				s.u.showError(err)
				return
			}
			r := fyne.NewStaticResource(sha+".jpg", data)
			s.photos[sha] = r
			then(r)
		})
	})
}

// attachFiles reads image files and attaches them to an item.
func (s *inspectScreen) attachFiles(code string, paths []string) {
	if s.readOnly || len(paths) == 0 {
		return
	}
	var infos []store.PhotoInfo
	s.u.busy(lang.L("正在处理照片…"), func(ctx context.Context) error {
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("%s：%w", filepath.Base(p), err)
			}
			info, err := s.u.db.AttachPhoto(ctx, s.rec.Inspection.ID, code, data, false)
			if err != nil {
				return fmt.Errorf("%s：%w", filepath.Base(p), err)
			}
			infos = append(infos, info)
		}
		return nil
	}, func(err error) {
		a := s.rec.Answers[code]
		a.InspectionID, a.ItemCode = s.rec.Inspection.ID, code
		for _, info := range infos {
			if !contains(a.Photos, info.SHA256) {
				a.Photos = append(a.Photos, info.SHA256)
			}
		}
		if len(infos) > 0 {
			s.stored(code, a)
		}
		if err != nil {
			s.u.showError(err)
		}
	})
}

func (s *inspectScreen) removePhoto(code, sha string) {
	s.save(code, func(ctx context.Context) (inspection.Answer, error) {
		if err := s.u.db.RemovePhoto(ctx, s.rec.Inspection.ID, code, sha); err != nil {
			return inspection.Answer{}, err
		}
		a := s.rec.Answers[code]
		var kept []string
		for _, p := range a.Photos {
			if p != sha {
				kept = append(kept, p)
			}
		}
		a.Photos = kept
		return a, nil
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// choosePhotos opens the file dialog for an item's photos.
func (s *inspectScreen) choosePhotos(code string) {
	s.u.showFileOpen([]string{".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"}, "", func(path string) {
		s.attachFiles(code, []string{path})
	})
}

// dropped attaches image files dropped on the window to the item under
// the pointer, or the current item.
func (s *inspectScreen) dropped(pos fyne.Position, uris []fyne.URI) {
	if s.readOnly {
		s.u.info(lang.L("提示"), lang.L("检查记录已定稿，不能再添加照片。"))
		return
	}
	var target *itemCard
	drv := fyne.CurrentApp().Driver()
	for _, c := range s.cards {
		p := drv.AbsolutePositionForObject(c)
		if pos.X >= p.X && pos.Y >= p.Y && pos.X < p.X+c.Size().Width && pos.Y < p.Y+c.Size().Height {
			target = c
		}
	}
	if target == nil && s.current < len(s.cards) {
		target = s.cards[s.current]
	}
	if target == nil {
		return
	}
	var paths []string
	for _, u := range uris {
		switch strings.ToLower(u.Extension()) {
		case ".jpg", ".jpeg", ".png":
			paths = append(paths, u.Path())
		}
	}
	if len(paths) == 0 {
		s.u.info(lang.L("提示"), lang.L("只能添加 JPG 或 PNG 照片。"))
		return
	}
	s.attachFiles(target.item.Code, paths)
}

// Search, print, finalize, amend.

// searchDialog finds items by code or text (Ctrl+F).
type searchDialog struct {
	entry   *widget.Entry
	list    *widget.List
	matches []inspection.Item
	dialog  dialog.Dialog
}

func (s *inspectScreen) showSearch() {
	d := &searchDialog{}
	all := s.rec.Template.Items()
	d.matches = all
	d.entry = widget.NewEntry()
	d.entry.SetPlaceHolder(lang.L("输入编号或关键字，例如 11.2 或 消防"))
	d.list = widget.NewList(
		func() int { return len(d.matches) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			it := d.matches[id]
			o.(*widget.Label).SetText(it.Code + "  " + it.Text + "  · " + resultLabel(inspection.Evaluate(it, s.rec.Answers[it.Code])))
		},
	)
	pick := func(id int) {
		if id >= 0 && id < len(d.matches) {
			d.dialog.Hide()
			s.goTo(d.matches[id].Code)
		}
	}
	d.list.OnSelected = pick
	d.entry.OnChanged = func(q string) {
		q = strings.TrimSpace(q)
		d.matches = nil
		for _, it := range all {
			if q == "" || strings.Contains(it.Code, q) || strings.Contains(it.Text, q) || strings.Contains(it.Guidance, q) {
				d.matches = append(d.matches, it)
			}
		}
		d.list.Refresh()
	}
	d.entry.OnSubmitted = func(string) { pick(0) }
	d.dialog = dialog.NewCustom(lang.L("搜索检查项"), lang.L("关闭"), container.NewBorder(d.entry, nil, nil, nil, d.list), s.u.window)
	d.dialog.Resize(fyne.NewSize(720, 480))
	d.dialog.Show()
	s.u.window.Canvas().Focus(d.entry)
}

// print writes the 检查记录表 as a PDF next to the data file (folder
// 检查记录表) and offers to open the folder (Ctrl+P).
func (s *inspectScreen) print() {
	s.flushAll()
	id := s.rec.Inspection.ID
	var path string
	s.u.busy(lang.L("正在生成 PDF…"), func(ctx context.Context) error {
		var err error
		path, err = writeRecordPDF(ctx, s.u.db, id, s.u.prefs.Unit(), s.u.now())
		return err
	}, func(err error) {
		if err != nil {
			s.u.showError(err)
			return
		}
		s.lastPDF = path
		open := widget.NewButtonWithIcon(lang.L("打开所在文件夹"), theme.FolderOpenIcon(), func() {
			if err := s.u.fyneApp.OpenURL(&url.URL{Scheme: "file", Path: filepath.Dir(path)}); err != nil {
				s.u.showError(err)
			}
		})
		dialog.NewCustom(lang.L("打印"), lang.L("关闭"), container.NewVBox(
			widget.NewLabel(wrapText(fmt.Sprintf(lang.L("PDF 已保存：%s"), path), 60)), open), s.u.window).Show()
	})
}

// writeRecordPDF prints an inspection, with its corrective actions and
// the records it corrects, to a PDF file in the folder 检查记录表 next to
// the data file, and returns the file's path.
func writeRecordPDF(ctx context.Context, db *store.DB, id, office string, now time.Time) (string, error) {
	rec, err := db.Inspection(ctx, id)
	if err != nil {
		return "", err
	}
	actions, err := db.ListActions(ctx, store.ActionFilter{InspectionID: id})
	if err != nil {
		return "", err
	}
	chain := []inspection.Record{rec}
	for prev := rec.Inspection.AmendsID; prev != ""; {
		r, err := db.Inspection(ctx, prev)
		if err != nil {
			return "", err
		}
		chain = append([]inspection.Record{r}, chain...)
		prev = r.Inspection.AmendsID
	}
	doc := pdf.Document{Record: rec, Actions: actions, Chain: chain, PrintedAt: now, Office: office,
		Photo: func(sha string) ([]byte, error) { return db.Photo(ctx, sha) }}
	dir := filepath.Join(filepath.Dir(db.Path()), "检查记录表")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	name := fmt.Sprintf("检查记录表_%s_%s_%s.pdf", safeName(rec.Community.Name), rec.Inspection.StartedAt.Local().Format("20060102"), id[len(id)-8:])
	path := filepath.Join(dir, name)
	f, err := os.CreateTemp(dir, ".print-*.pdf")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if err := pdf.Write(f, doc); err != nil {
		f.Close()
		return "", fmt.Errorf("生成 PDF 失败：%w", err)
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(f.Name(), path)
}

// safeName keeps a community's name usable as part of a file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '_'
		}
		return r
	}, s)
}

func (s *inspectScreen) openFinalize() {
	if s.readOnly {
		s.u.info(lang.L("提示"), lang.L("检查记录已定稿。"))
		return
	}
	s.flushAll()
	s.u.showFinalize(newFinalizeScreen(s.u, s))
}

// flushAll saves what is being typed now.
func (s *inspectScreen) flushAll() {
	for _, c := range s.cards {
		c.flush()
	}
}

// amendDialog asks why a finalized inspection is corrected.
type amendDialog struct {
	reason   *widget.Entry
	errLabel *widget.Label
	ok       *widget.Button
	dialog   dialog.Dialog
}

func (s *inspectScreen) showAmend() {
	d := &amendDialog{}
	d.reason = widget.NewMultiLineEntry()
	d.reason.SetPlaceHolder(lang.L("例如：物业费收费率数据有误，经核实应为 96%"))
	d.reason.SetMinRowsVisible(3)
	d.errLabel = widget.NewLabel("")
	d.errLabel.Importance = widget.DangerImportance
	d.errLabel.Hide()
	cancel := widget.NewButton(lang.L("取消"), func() { d.dialog.Hide() })
	d.ok = widget.NewButton(lang.L("新建更正记录"), func() {
		if strings.TrimSpace(d.reason.Text) == "" {
			d.errLabel.SetText(lang.L("请填写更正原因"))
			d.errLabel.Show()
			return
		}
		var in inspection.Inspection
		s.u.busy(lang.L("正在新建更正记录…"), func(ctx context.Context) error {
			var err error
			in, err = s.u.db.AmendInspection(ctx, s.rec.Inspection.ID, d.reason.Text)
			return err
		}, func(err error) {
			if err != nil {
				d.errLabel.SetText(wrapText(err.Error(), 56))
				d.errLabel.Show()
				return
			}
			d.dialog.Hide()
			s.u.openInspection(in.ID)
		})
	})
	d.ok.Importance = widget.HighImportance
	body := container.NewVBox(
		widget.NewLabel(wrapText(lang.L("原记录保持不变；更正记录从原记录的内容开始，修改后重新签字定稿。"), 56)),
		widget.NewLabel(lang.L("更正原因")), d.reason, d.errLabel,
		container.NewHBox(layout.NewSpacer(), cancel, d.ok))
	d.dialog = dialog.NewCustomWithoutButtons(lang.L("更正"), body, s.u.window)
	d.dialog.Resize(fyne.NewSize(560, 0))
	d.dialog.Show()
}

// sectionRowView is one section in the list: title, score and progress.
type sectionRowView struct {
	widget.BaseWidget
	title, score *widget.Label
}

func newSectionRowView() *sectionRowView {
	r := &sectionRowView{title: widget.NewLabel(""), score: widget.NewLabel("")}
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.score.Alignment = fyne.TextAlignTrailing
	r.ExtendBaseWidget(r)
	return r
}

func (r *sectionRowView) set(s *inspectScreen, i int) {
	sec := s.rec.Template.Sections[i]
	r.title.SetText(sec.Code + " " + sec.Title)
	if i >= len(s.rec.Score.Sections) {
		return
	}
	ss := s.rec.Score.Sections[i]
	vetoed := false
	for _, v := range s.rec.Score.Vetoes {
		if v.Section == sec.Title {
			vetoed = true
		}
	}
	judged, all := ss.Passed+ss.Failed+ss.NA, ss.Passed+ss.Failed+ss.NA+ss.Unanswered
	r.score.SetText(fmt.Sprintf("%s  %d/%d", formatScore(ss.Score, ss.HasApplicable), judged, all))
	switch {
	case vetoed:
		r.score.Importance = widget.DangerImportance
	case all > 0 && judged == all:
		r.score.Importance = widget.SuccessImportance
	default:
		r.score.Importance = widget.MediumImportance
	}
	r.score.Refresh()
}

func (r *sectionRowView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, r.score, r.title))
}

// inspectHomeScreen is the 检查 tab when no checklist is open: the
// inspections in progress, to continue one.
type inspectHomeScreen struct {
	u      *App
	hint   *widget.Label
	drafts *fyne.Container
	opens  []*widget.Button

	content fyne.CanvasObject
}

func newInspectHomeScreen(u *App) *inspectHomeScreen {
	s := &inspectHomeScreen{u: u}
	s.hint = widget.NewLabel(lang.L("在「小区列表」中选择小区后点「开始检查」，或继续下面进行中的检查："))
	s.drafts = container.NewVBox()
	s.content = container.NewBorder(s.hint, nil, nil, nil, container.NewVScroll(s.drafts))
	return s
}

func (s *inspectHomeScreen) reload() {
	s.u.async(func() {
		drafts, err := s.u.db.ListInspections(s.u.ctx, store.InspectionFilter{Status: inspection.Draft})
		fyne.Do(func() {
			if err != nil {
				if !errors.Is(err, context.Canceled) {
					s.u.showError(err)
				}
				return
			}
			s.drafts.Objects, s.opens = nil, nil
			if len(drafts) == 0 {
				s.drafts.Add(widget.NewLabel(lang.L("没有进行中的检查。")))
			}
			for _, d := range drafts {
				id := d.ID
				open := widget.NewButton(lang.L("继续检查"), func() { s.u.openInspection(id) })
				s.opens = append(s.opens, open)
				text := fmt.Sprintf(lang.L("%s（%s）· %s · 已判定 %d/%d · 得分 %s"), d.CommunityName, d.District,
					formatDate(d.StartedAt), d.Judged, d.Scorable, formatScore(d.Score, d.ScoreDefined))
				s.drafts.Add(container.NewBorder(nil, nil, nil, open, widget.NewLabel(text)))
			}
			s.drafts.Refresh()
		})
	})
}
