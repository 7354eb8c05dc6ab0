// Package pdf writes the 检查记录表: one inspection record on A4 paper,
// with every section and item, results, values, notes and evidence
// photos, scores, 一票否决 findings, corrective actions, signatures, the
// amendment history of a corrected record, and a footer that matches each
// printed page to the data (record id and content digest).
//
// It takes domain values and an io.Writer; it reads no database. Photos
// come from a function the caller passes in. Only this package imports
// gofpdf (archived upstream), so the PDF library can be replaced here.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jung-kurt/gofpdf"
)

// Document is everything one printed record needs.
type Document struct {
	Record inspection.Record
	// Actions are the corrective actions (整改) opened by this inspection.
	Actions []inspection.CorrectiveAction
	// Chain is the amendment chain the record belongs to, oldest first:
	// the original and every correction, including Record itself. Nil (or
	// a single record) when the record was never corrected.
	Chain []inspection.Record
	// Photo returns a stored photo (JPEG or PNG) by its SHA-256; used for
	// evidence photos and drawn signatures. Nil prints placeholders.
	Photo func(sha string) ([]byte, error)
	// PrintedAt is printed in the footer and decides which actions are
	// overdue. Zero means now.
	PrintedAt time.Time
	// Office is the printing office, printed under the title (optional).
	Office string
}

// Write renders doc as a PDF to w with the bundled font.
func Write(w io.Writer, doc Document) error {
	fo, err := DefaultFont()
	if err != nil {
		return err
	}
	return fo.Write(w, doc)
}

// Write renders doc as a PDF to w.
func (fo *Font) Write(w io.Writer, doc Document) error {
	p, err := fo.newPrinter(doc.PrintedAt)
	if err != nil {
		return err
	}
	if err := p.document(&doc, 0); err != nil {
		return err
	}
	return p.output(w)
}

// Page geometry, in millimetres.
const (
	pageW      = 210.0
	pageH      = 297.0
	marginL    = 15.0
	marginR    = 15.0
	marginT    = 14.0
	contentW   = pageW - marginL - marginR
	bottom     = pageH - 19.0 // content stops here; the footer is below
	footerY    = pageH - 15.0
	bodySize   = 9.0
	smallSize  = 7.5
	lineFactor = 1.45 // line height as a multiple of the font size
	padX       = 1.5
	padY       = 1.2
)

type rgb struct{ r, g, b int }

var (
	black     = rgb{0, 0, 0}
	gray      = rgb{110, 110, 110}
	red       = rgb{190, 20, 20}
	green     = rgb{0, 110, 60}
	rule      = rgb{140, 140, 140}
	headFill  = rgb{225, 228, 232}
	secFill   = rgb{240, 242, 245}
	vetoFill  = rgb{253, 236, 236}
	watermark = rgb{248, 214, 214}
)

// printer lays out one or several documents in one gofpdf document.
type printer struct {
	f  *gofpdf.Fpdf
	fo *Font
	at time.Time

	doc       *Document
	next      *Document // the document whose first page is being added
	nextIndex int
	combined  bool
	docIndex  int
	firstPage int    // the document's first page in the file
	alias     string // stands for the document's page count
	y         float64
	repeat    func() // redraws a table header after a page break
	images    map[string]*gofpdf.ImageInfoType
	badImages map[string]string // sha → why it cannot be shown
}

func (fo *Font) newPrinter(at time.Time) (*printer, error) {
	if at.IsZero() {
		at = time.Now()
	}
	f := newDoc()
	if err := fo.install(f); err != nil {
		return nil, err
	}
	markUsed(f, "0123456789")
	p := &printer{f: f, fo: fo, at: at, images: map[string]*gofpdf.ImageInfoType{}, badImages: map[string]string{}}
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetCreator("家园巡检", true)
	f.SetProducer("家园巡检", true)
	f.SetHeaderFuncMode(p.header, false)
	f.SetFooterFunc(p.footer)
	return p, nil
}

func newDoc() *gofpdf.Fpdf {
	f := gofpdf.New("P", "mm", "A4", "")
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(false, 0)
	f.SetCompression(true)
	f.SetCreationDate(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	f.SetModificationDate(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	return f
}

// markUsed adds characters to the font subset that only appear through an
// alias replaced at output (the page count).
func markUsed(f *gofpdf.Fpdf, chars string) {
	m := fontsOf(f)
	for _, k := range m.MapKeys() {
		def := reflect.New(m.Type().Elem()).Elem()
		def.Set(m.MapIndex(k)) // a copy that shares the map of used runes
		used := unexported(def.FieldByName("usedRunes"))
		for _, r := range chars {
			used.SetMapIndex(reflectInt(int(r)), reflectInt(int(r)))
		}
	}
}

func (p *printer) output(w io.Writer) error {
	if err := p.f.Error(); err != nil {
		return fmt.Errorf("生成 PDF 失败：%w", err)
	}
	var buf bytes.Buffer
	if err := p.f.Output(&buf); err != nil {
		if strings.Contains(err.Error(), "undefined font") {
			return fmt.Errorf("%w：%v", ErrFont, err)
		}
		return fmt.Errorf("生成 PDF 失败：%w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// document lays out one record, starting on a new page.
func (p *printer) document(doc *Document, index int) error {
	if doc.Record.Template == nil {
		return errors.New("检查记录缺少模板，无法打印")
	}
	p.repeat = nil
	if !p.combined {
		r := doc.Record
		p.f.SetTitle(p.fo.clean(r.Community.Name+" 检查记录表"), true)
		p.f.SetSubject(p.fo.clean(r.Template.Name), true)
		p.f.SetAuthor(p.fo.clean(strings.Join(r.Inspection.Inspectors, "、")), true)
	}
	// The previous document's last footer is drawn during AddPage, before
	// the header switches to this document.
	p.next, p.nextIndex = doc, index
	p.f.AddPage()
	p.y = marginT
	p.titleBlock()
	p.facts()
	p.amendments()
	p.summary()
	p.items()
	p.sectionScores()
	p.actions()
	p.signatures()
	p.f.RegisterAlias(p.alias, fmt.Sprint(p.f.PageNo()-p.firstPage+1))
	return p.f.Error()
}

// aliasFor is a placeholder for document i's page count, made of
// private-use characters (which clean strips from data) and closed at both
// ends so that no alias is a prefix of another.
func aliasFor(i int) string {
	var b strings.Builder
	b.WriteString(pageTotalAlias)
	for _, c := range fmt.Sprintf("%x", i) {
		v := c - '0'
		if c >= 'a' {
			v = c - 'a' + 10
		}
		b.WriteRune(0xE010 + v)
	}
	b.WriteString(pageTotalAlias)
	return b.String()
}

// ---- page furniture ----

func (p *printer) header() {
	if p.next != nil {
		p.doc, p.docIndex, p.next = p.next, p.nextIndex, nil
		p.alias = aliasFor(p.docIndex)
		p.firstPage = p.f.PageNo()
	}
	if p.doc == nil {
		return
	}
	r := &p.doc.Record
	if r.Inspection.Status != inspection.Finalized {
		// Watermark first, so the page's content is drawn over it.
		p.f.TransformBegin()
		p.f.TransformRotate(35, pageW/2, pageH/2)
		p.color(watermark)
		p.f.SetFont(fontFamily, "", 64)
		label := "草稿 未定稿"
		p.f.Text(pageW/2-p.fo.textWidth(label, 64)/2, pageH/2+8, label)
		p.f.TransformEnd()
	}
	if p.f.PageNo() > p.firstPage {
		p.color(gray)
		p.f.SetFont(fontFamily, "", smallSize)
		left := p.fo.clean(oneLine(r.Community.Name)) + " · 检查记录表（续）"
		p.f.Text(marginL, marginT-4, p.fit(left, smallSize, contentW-40))
		status := "已定稿"
		if r.Inspection.Status != inspection.Finalized {
			status = "草稿（未定稿）"
		}
		p.f.Text(pageW-marginR-p.fo.textWidth(status, smallSize), marginT-4, status)
		p.stroke(rule)
		p.f.SetLineWidth(0.2)
		p.f.Line(marginL, marginT-2.5, pageW-marginR, marginT-2.5)
	}
	p.color(black)
}

func (p *printer) footer() {
	if p.doc == nil {
		return
	}
	r := &p.doc.Record
	p.stroke(rule)
	p.f.SetLineWidth(0.2)
	p.f.Line(marginL, footerY-3.5, pageW-marginR, footerY-3.5)
	p.f.SetFont(fontFamily, "", smallSize)
	p.color(gray)
	p.f.Text(marginL, footerY, "记录编号 "+p.fo.clean(r.Inspection.ID))
	digest := "内容摘要 " + shortDigest(r.ContentDigest)
	if r.Inspection.Status != inspection.Finalized || r.ContentDigest == "" {
		digest = "草稿（未定稿）：无内容摘要"
		p.color(red)
	}
	p.f.Text(marginL+70, footerY, digest)
	p.color(black)
	p.f.SetFont(fontFamily, "", bodySize)
	page := fmt.Sprintf("第 %d 页 共 %s 页", p.f.PageNo()-p.firstPage+1, p.alias)
	p.f.Text(pageW-marginR-30, footerY, page)
	p.f.SetFont(fontFamily, "", 6.5)
	p.color(gray)
	p.f.Text(marginL, footerY+4, "家园巡检打印于 "+p.at.Format("2006-01-02 15:04")+
		"。内容摘要为定稿内容的 SHA-256 前 12 位，可与数据文件核对。")
	p.color(black)
}

func shortDigest(d string) string {
	if len(d) > 12 {
		return d[:12]
	}
	return d
}

// ---- drawing helpers ----

func (p *printer) color(c rgb)  { p.f.SetTextColor(c.r, c.g, c.b) }
func (p *printer) stroke(c rgb) { p.f.SetDrawColor(c.r, c.g, c.b) }
func (p *printer) fill(c rgb)   { p.f.SetFillColor(c.r, c.g, c.b) }

func lineH(size float64) float64 { return size * lineFactor * 25.4 / 72 }

// baseline is the text baseline in a line box of height h starting at top.
func baseline(top, size float64) float64 {
	em := size * 25.4 / 72
	return top + (lineH(size)-em)/2 + em*0.86
}

// text draws one line at (x, top).
func (p *printer) text(x, top, size float64, c rgb, s string) {
	p.f.SetFont(fontFamily, "", size)
	p.color(c)
	p.f.Text(x, baseline(top, size), s)
}

// bold draws one line in a faux bold (the font has no bold face).
func (p *printer) bold(x, top, size float64, c rgb, s string) {
	p.f.SetTextRenderingMode(2)
	p.stroke(c)
	p.f.SetLineWidth(size * 0.012)
	p.text(x, top, size, c, s)
	p.f.SetTextRenderingMode(0)
}

// fit shortens s with an ellipsis to width.
func (p *printer) fit(s string, size, width float64) string {
	if p.fo.textWidth(s, size) <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && p.fo.textWidth(string(rs)+"…", size) > width {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

func (p *printer) newPage() {
	p.f.AddPage()
	p.y = marginT + 1
	if p.repeat != nil {
		p.repeat()
	}
}

// need starts a new page unless h millimetres fit on this one.
func (p *printer) need(h float64) {
	if p.y+h > bottom {
		p.newPage()
	}
}

// heading is a section heading of the form.
// follow is the height of what must stay on the page with the heading.
func (p *printer) heading(s string, follow float64) {
	p.repeat = nil
	p.need(lineH(11) + 3.5 + follow)
	p.y += 2.5
	p.fill(black)
	p.f.Rect(marginL, p.y+1, 1.2, lineH(11)-2, "F")
	p.bold(marginL+3, p.y, 11, black, s)
	p.y += lineH(11) + 1
}

// cell is one cell of a table row: lines of text in one colour.
type cell struct {
	lines []string
	color rgb
	size  float64
	align byte // 'L', 'C' or 'R'
	bold  bool
}

// tcell wraps text to fit a column.
func (p *printer) tcell(s string, width, size float64, c rgb) cell {
	return cell{lines: p.fo.wrap(p.fo.clean(s), size, width-2*padX), color: c, size: size, align: 'L'}
}

// row draws a table row with borders. A row taller than the page is split
// across pages line by line; a row that fits is never split.
func (p *printer) row(widths []float64, cells []cell, fill *rgb) {
	size := bodySize
	for _, c := range cells {
		if c.size > size {
			size = c.size
		}
	}
	lh := lineH(size)
	n := rowLines(cells)
	height := rowHeight(cells)
	if p.y+height > bottom && height <= bottom-marginT-20 {
		p.newPage()
	}
	start := 0
	for start < n {
		room := int((bottom - p.y - 2*padY) / lh)
		if room < 2 && start+room < n {
			p.newPage()
			continue
		}
		end := n
		if start+room < n {
			end = start + room
		}
		h := float64(end-start)*lh + 2*padY
		x := marginL
		if fill != nil {
			p.fill(*fill)
			p.f.Rect(marginL, p.y, sum(widths), h, "F")
		}
		for i, c := range cells {
			w := widths[i]
			p.stroke(rule)
			p.f.SetLineWidth(0.2)
			p.f.Rect(x, p.y, w, h, "D")
			for j := start; j < end && j < len(c.lines); j++ {
				line := c.lines[j]
				tx := x + padX
				switch c.align {
				case 'C':
					tx = x + (w-p.fo.textWidth(line, c.size))/2
				case 'R':
					tx = x + w - padX - p.fo.textWidth(line, c.size)
				}
				top := p.y + padY + float64(j-start)*lh + (lh-lineH(c.size))/2
				if c.bold {
					p.bold(tx, top, c.size, c.color, line)
				} else {
					p.text(tx, top, c.size, c.color, line)
				}
			}
			x += w
		}
		p.y += h
		start = end
		if start < n {
			p.newPage()
		}
	}
	p.color(black)
}

func rowLines(cells []cell) int {
	n := 1
	for _, c := range cells {
		n = max(n, len(c.lines))
	}
	return n
}

func rowHeight(cells []cell) float64 {
	size := bodySize
	for _, c := range cells {
		size = maxf(size, c.size)
	}
	return float64(rowLines(cells))*lineH(size) + 2*padY
}

func sum(ws []float64) float64 {
	t := 0.0
	for _, w := range ws {
		t += w
	}
	return t
}

// paragraph draws wrapped text across the content width.
func (p *printer) paragraph(s string, size float64, c rgb, indent float64) {
	lh := lineH(size)
	for _, line := range p.fo.wrap(p.fo.clean(s), size, contentW-indent) {
		p.need(lh)
		p.text(marginL+indent, p.y, size, c, line)
		p.y += lh
	}
}

// ---- the form ----

func (p *printer) titleBlock() {
	r := &p.doc.Record
	title := "“共建美好家园”小区检查记录表"
	p.bold(pageW/2-p.fo.textWidth(title, 16)/2, p.y, 16, black, title)
	p.y += lineH(16) + 0.5
	sub := p.fo.clean(oneLine(r.Template.Name))
	if p.doc.Office != "" {
		sub = p.fo.clean(oneLine(p.doc.Office)) + " · " + sub
	}
	sub = p.fit(sub, bodySize, contentW)
	p.text(pageW/2-p.fo.textWidth(sub, bodySize)/2, p.y, bodySize, gray, sub)
	if r.Inspection.Status != inspection.Finalized {
		label := "草稿（未定稿）"
		w := p.fo.textWidth(label, 10) + 4
		p.stroke(red)
		p.f.SetLineWidth(0.5)
		p.f.Rect(pageW-marginR-w, marginT-1, w, lineH(10)+1, "D")
		p.bold(pageW-marginR-w+2, marginT-0.5, 10, red, label)
	}
	p.y += lineH(bodySize) + 2
}

func (p *printer) facts() {
	r := &p.doc.Record
	c := r.Community
	in := r.Inspection
	widths4 := []float64{24, 66, 24, 66}
	widths2 := []float64{24, 156}
	label := func(s string) cell { return cell{lines: []string{s}, color: gray, size: bodySize, align: 'L'} }
	pair := func(l1, v1, l2, v2 string) {
		p.row(widths4, []cell{label(l1), p.tcell(v1, 66, bodySize, black), label(l2), p.tcell(v2, 66, bodySize, black)}, nil)
	}
	wide := func(l, v string) {
		p.row(widths2, []cell{label(l), p.tcell(v, 156, bodySize, black)}, nil)
	}
	kind := c.Type
	if c.Households > 0 {
		kind = strings.TrimSpace(fmt.Sprintf("%s（%d 户）", c.Type, c.Households))
	}
	nameCell := p.tcell(c.Name, 66, 10.5, black)
	nameCell.bold = true
	p.row(widths4, []cell{label("小区名称"), nameCell, label("小区类型"), p.tcell(orDash(kind), 66, bodySize, black)}, nil)
	area := joinNonEmpty(" / ", c.District, c.Street, c.Community)
	wide("所属区域", orDash(area))
	wide("小区地址", orDash(c.Address))
	pair("物业服务企业", orDash(c.PropertyCompany), "自治组织", orDash(c.Committee))
	fin := "未定稿"
	if in.FinalizedAt != nil {
		fin = in.FinalizedAt.Format("2006-01-02 15:04")
	}
	pair("检查时间", in.StartedAt.Format("2006-01-02 15:04"), "定稿时间", fin)
	wide("检查人员", orDash(strings.Join(in.Inspectors, "、")))
	wide("检查模板", fmt.Sprintf("%s（编号 %s，第 %d 版；适用：%s）", r.Template.Name, in.TemplateID, in.TemplateVersion, orDash(r.Template.CommunityType)))
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}

// amendments prints the record's place in its amendment chain.
func (p *printer) amendments() {
	r := &p.doc.Record
	chain := p.doc.Chain
	if r.Inspection.AmendsID == "" && len(chain) <= 1 {
		return
	}
	p.heading("更正记录", 3*lineH(bodySize))
	pos := -1
	for i := range chain {
		if chain[i].Inspection.ID == r.Inspection.ID {
			pos = i
		}
	}
	if r.Inspection.AmendsID != "" {
		var orig *inspection.Record
		for i := range chain {
			if chain[i].Inspection.ID == r.Inspection.AmendsID {
				orig = &chain[i]
			}
		}
		s := "本记录更正了"
		if orig != nil && orig.Inspection.FinalizedAt != nil {
			s += " " + orig.Inspection.FinalizedAt.Format("2006-01-02 15:04") + " 定稿的"
		}
		s += "记录 " + r.Inspection.AmendsID + "。更正原因：" + orDash(r.Inspection.AmendReason)
		p.paragraph(s, bodySize, black, 0)
		if orig != nil {
			if changes := changedItems(orig, r); len(changes) > 0 {
				p.paragraph("更正内容："+strings.Join(changes, "；"), bodySize, black, 0)
			} else {
				p.paragraph("更正内容：检查项结果与原记录相同。", bodySize, gray, 0)
			}
		}
	}
	if pos >= 0 && pos < len(chain)-1 {
		latest := chain[len(chain)-1].Inspection
		p.paragraph("注意：本记录已被更正，以最新的更正记录 "+latest.ID+" 为准。", bodySize, red, 0)
	}
	if len(chain) > 1 {
		p.y += 1
		widths := []float64{10, 64, 28, 30, 48}
		head := func() {
			p.row(widths, []cell{hcell("序"), hcell("记录编号"), hcell("状态"), hcell("定稿时间"), hcell("更正原因")}, &headFill)
		}
		head()
		p.repeat = head
		for i, c := range chain {
			status := c.Inspection.Status.Label()
			var fill *rgb
			if c.Inspection.ID == r.Inspection.ID {
				status += "\n（本记录）"
				fill = &secFill
			}
			fin := "—"
			if c.Inspection.FinalizedAt != nil {
				fin = c.Inspection.FinalizedAt.Format("2006-01-02 15:04")
			}
			reason := "原始记录"
			if c.Inspection.AmendsID != "" {
				reason = c.Inspection.AmendReason
			}
			p.row(widths, []cell{
				{lines: []string{fmt.Sprint(i + 1)}, color: black, size: bodySize, align: 'C'},
				p.tcell(c.Inspection.ID, 64, smallSize, black),
				p.tcell(status, 28, bodySize, black),
				p.tcell(fin, 30, bodySize, black),
				p.tcell(reason, 48, bodySize, black),
			}, fill)
		}
		p.repeat = nil
	}
}

func hcell(s string) cell {
	return cell{lines: []string{s}, color: black, size: bodySize, align: 'C'}
}

// changedItems lists the items whose answer differs between two records.
func changedItems(from, to *inspection.Record) []string {
	var out []string
	for _, it := range to.Template.Items() {
		a, b := from.Answers[it.Code], to.Answers[it.Code]
		was, now := answerText(it, a), answerText(it, b)
		if was == now && a.Note == b.Note && strings.Join(a.Photos, ",") == strings.Join(b.Photos, ",") {
			continue
		}
		s := it.Code + " " + it.Text + "："
		switch {
		case was != now:
			s += was + " → " + now
		case a.Note != b.Note:
			s += "备注已修改"
		default:
			s += "照片已修改"
		}
		out = append(out, s)
	}
	return out
}

// answerText is the short form of an answer: result, value or choices.
func answerText(it inspection.Item, a inspection.Answer) string {
	var parts []string
	if a.Value != nil {
		parts = append(parts, inspection.FormatNumber(*a.Value)+it.Unit)
	}
	if len(a.Choices) > 0 {
		parts = append(parts, strings.Join(a.Choices, "、"))
	}
	if t := strings.TrimSpace(a.Text); t != "" {
		parts = append(parts, "“"+oneLine(t)+"”")
	}
	r := inspection.Evaluate(it, a)
	if a.Result == inspection.NA {
		r = inspection.NA
	}
	if r != inspection.Unanswered || len(parts) == 0 {
		parts = append(parts, r.Label())
	}
	return strings.Join(parts, " ")
}

func (p *printer) summary() {
	r := &p.doc.Record
	card := r.Score
	var passed, failed, na, unanswered int
	for _, s := range card.Sections {
		passed += s.Passed
		failed += s.Failed
		na += s.NA
		unanswered += s.Unanswered
	}
	p.heading("检查结论", lineH(14)+2*lineH(bodySize))
	total := "—"
	if card.Defined {
		total = fmt.Sprintf("%.1f 分", card.Total)
	}
	p.need(lineH(14) + 2*lineH(bodySize))
	p.text(marginL, p.y+0.5, bodySize, gray, "总分")
	p.bold(marginL+9, p.y, 14, black, total)
	stats := fmt.Sprintf("计分项 %d 项，已判定 %d 项：符合 %d 项，不符合 %d 项，不适用 %d 项", card.Scorable, card.Judged, passed, failed, na)
	if unanswered > 0 {
		stats += fmt.Sprintf("，未填写 %d 项", unanswered)
	}
	p.text(marginL+12+p.fo.textWidth(total, 14), p.y+0.5, bodySize, black, stats)
	p.y += lineH(14)
	note := "得分 = 各章节“已判定且适用的计分项中符合项的权重占比”按章节权重加权；不适用项不计入分母。"
	if !card.Defined {
		note = "没有适用的计分项，总分无法计算。"
	}
	if r.Inspection.Status != inspection.Finalized && !card.Complete() {
		note += "本记录尚未填写完整，得分仅反映已判定的项目。"
	}
	p.paragraph(note, smallSize, gray, 0)
	p.y += 1.5
	p.vetoBox()
}

// vetoBox prints the 一票否决 findings prominently.
func (p *printer) vetoBox() {
	card := p.doc.Record.Score
	if len(card.Vetoes) == 0 {
		veto := 0
		for _, it := range p.doc.Record.Template.Items() {
			if it.Veto {
				veto++
			}
		}
		if veto > 0 {
			p.paragraph(fmt.Sprintf("一票否决项：共 %d 项，均未发现不符合。", veto), bodySize, green, 0)
		}
		return
	}
	title := fmt.Sprintf("一票否决：%d 项不符合，该小区不具备“美好家园”小区评选资格", len(card.Vetoes))
	var lines []string
	for _, v := range card.Vetoes {
		for i, l := range p.fo.wrap(p.fo.clean(v.ItemCode+"（"+v.Section+"）"+v.Reason), bodySize, contentW-10) {
			if i == 0 {
				l = "● " + l
			} else {
				l = "   " + l
			}
			lines = append(lines, l)
		}
	}
	lh := lineH(bodySize)
	h := lineH(11) + float64(len(lines))*lh + 4
	if h > bottom-marginT {
		h = bottom - marginT
	}
	p.need(h)
	top := p.y
	p.fill(vetoFill)
	p.stroke(red)
	p.f.SetLineWidth(0.6)
	p.f.Rect(marginL, top, contentW, h, "FD")
	p.y += 1.5
	p.bold(marginL+3, p.y, 11, red, p.fit(title, 11, contentW-6))
	p.y += lineH(11)
	for _, l := range lines {
		if p.y+lh > bottom {
			p.newPage()
		}
		p.text(marginL+4, p.y, bodySize, red, l)
		p.y += lh
	}
	p.y = maxf(p.y, top+h) + 2
	p.f.SetLineWidth(0.2)
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

var itemWidths = []float64{14, 78, 18, 70}

func (p *printer) itemHeader() {
	p.row(itemWidths, []cell{hcell("编号"), hcell("检查内容"), hcell("结果"), hcell("记录与备注")}, &headFill)
}

func (p *printer) items() {
	r := &p.doc.Record
	p.heading("检查项目", 30)
	scores := map[string]inspection.SectionScore{}
	for _, s := range r.Score.Sections {
		scores[s.Code] = s
	}
	p.need(3 * lineH(bodySize) * 2)
	p.itemHeader()
	p.repeat = p.itemHeader
	for si, s := range r.Template.Sections {
		sc := scores[s.Code]
		title := chineseNumber(si+1) + "、" + s.Title
		info := fmt.Sprintf("权重 %s", inspection.FormatNumber(s.Weight))
		if sc.HasApplicable {
			info += fmt.Sprintf(" · 得分 %.1f", sc.Score)
		} else {
			info += " · 得分 —"
		}
		// Keep the section title with its first item (and that item's
		// first line of photos).
		if len(s.Items) > 0 {
			first := s.Items[0]
			p.need(lineH(bodySize) + 2*padY + p.itemHeight(first, r.Answers[first.Code]))
		}
		tc := p.tcell(title, 130, bodySize, black)
		tc.bold = true
		ic := cell{lines: []string{info}, color: gray, size: bodySize, align: 'R'}
		p.row([]float64{130, 50}, []cell{tc, ic}, &secFill)
		for _, it := range s.Items {
			p.item(it, r.Answers[it.Code])
		}
	}
	p.repeat = nil
}

// itemHeight is the height of an item's row and its first line of photos.
func (p *printer) itemHeight(it inspection.Item, a inspection.Answer) float64 {
	h := rowHeight(p.itemCells(it, a))
	if len(a.Photos) > 0 {
		h += p.photoLineHeight(a.Photos[:min(photoPerLine, len(a.Photos))])
	}
	return h
}

func (p *printer) item(it inspection.Item, a inspection.Answer) {
	cells := p.itemCells(it, a)
	if len(a.Photos) > 0 {
		// Keep the item with its first line of photos.
		p.need(p.itemHeight(it, a))
	}
	p.row(itemWidths, cells, nil)
	if len(a.Photos) > 0 {
		p.photos(it.Code, a.Photos)
	}
}

func (p *printer) itemCells(it inspection.Item, a inspection.Answer) []cell {
	code := cell{lines: []string{it.Code}, color: black, size: bodySize, align: 'C'}
	if it.Veto {
		code.lines = append(code.lines, "否决项")
		code.color = black
	}
	content := p.tcell(it.Text, itemWidths[1], bodySize, black)
	res := inspection.Evaluate(it, a)
	if a.Result == inspection.NA {
		res = inspection.NA
	}
	var label string
	col := black
	switch {
	case res == inspection.Pass:
		label, col = "符合", green
	case res == inspection.Fail:
		label, col = "不符合", red
	case res == inspection.NA:
		label, col = "不适用", gray
	case !it.Scored() && inspection.Answered(it, a):
		label, col = "已记录", black
	case !it.Scored():
		label, col = "未记录", gray
	default:
		label, col = "未填写", gray
	}
	result := cell{lines: []string{label}, color: col, size: bodySize, align: 'C', bold: res == inspection.Fail}
	if it.Veto && res == inspection.Fail {
		result.lines = append(result.lines, "一票否决")
	}
	var rec []string
	switch it.Kind {
	case inspection.KindNumber:
		v := "未填写"
		if a.Value != nil {
			v = inspection.FormatNumber(*a.Value) + " " + it.Unit
		}
		s := "实测值：" + strings.TrimSpace(v)
		if it.Threshold != nil {
			s += "（要求 " + it.Threshold.String() + " " + it.Unit + "）"
		} else if it.Metric == inspection.MetricSatisfaction || it.Metric == inspection.MetricComplaintRate {
			s += "（全市排名由局汇总后判定）"
		}
		rec = append(rec, s)
	case inspection.KindChoice:
		s := "已选：" + orDash(strings.Join(a.Choices, "、"))
		if it.MinSelected > 0 {
			s += fmt.Sprintf("（至少 %d 项）", it.MinSelected)
		}
		rec = append(rec, s)
	case inspection.KindText:
		if t := strings.TrimSpace(a.Text); t != "" {
			rec = append(rec, t)
		}
	}
	if n := strings.TrimSpace(a.Note); n != "" {
		rec = append(rec, "备注："+n)
	}
	if len(a.Photos) > 0 {
		rec = append(rec, fmt.Sprintf("佐证照片 %d 张（见下）", len(a.Photos)))
	} else if it.Evidence && res != inspection.NA {
		rec = append(rec, "需佐证照片：未附")
	}
	record := p.tcell(strings.Join(rec, "\n"), itemWidths[3], bodySize, black)
	return []cell{code, content, result, record}
}

// chineseNumber writes 1–99 as 一 … 九十九.
func chineseNumber(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return fmt.Sprint(n)
	case n < 10:
		return digits[n]
	case n < 20:
		s := "十"
		if n%10 > 0 {
			s += digits[n%10]
		}
		return s
	default:
		s := digits[n/10] + "十"
		if n%10 > 0 {
			s += digits[n%10]
		}
		return s
	}
}

func (p *printer) sectionScores() {
	r := &p.doc.Record
	tableH := float64(len(r.Score.Sections)+2) * (lineH(bodySize) + 2*padY)
	p.heading("章节得分", tableH)
	widths := []float64{12, 68, 20, 20, 20, 20, 20}
	head := func() {
		p.row(widths, []cell{hcell("序"), hcell("章节"), hcell("权重"), hcell("符合"), hcell("不符合"), hcell("不适用"), hcell("得分")}, &headFill)
	}
	// The table fits on a page: keep it together.
	p.need(tableH)
	head()
	p.repeat = head
	num := func(s string, c rgb) cell { return cell{lines: []string{s}, color: c, size: bodySize, align: 'C'} }
	for i, s := range r.Score.Sections {
		score := "—"
		if s.HasApplicable {
			score = fmt.Sprintf("%.1f", s.Score)
		}
		failCol := black
		if s.Failed > 0 {
			failCol = red
		}
		p.row(widths, []cell{num(fmt.Sprint(i+1), black), p.tcell(s.Title, 68, bodySize, black), num(inspection.FormatNumber(s.Weight), black),
			num(fmt.Sprint(s.Passed), black), num(fmt.Sprint(s.Failed), failCol), num(fmt.Sprint(s.NA), black), num(score, black)}, nil)
	}
	total := "—"
	if r.Score.Defined {
		total = fmt.Sprintf("%.1f", r.Score.Total)
	}
	tc := cell{lines: []string{"总分"}, color: black, size: bodySize, align: 'R', bold: true}
	p.row([]float64{160, 20}, []cell{tc, {lines: []string{total}, color: black, size: bodySize, align: 'C', bold: true}}, &secFill)
	p.repeat = nil
}

func (p *printer) actions() {
	acts := p.doc.Actions
	r := &p.doc.Record
	if len(acts) == 0 {
		if r.Inspection.Status == inspection.Finalized && len(r.Score.Failed) == 0 {
			return
		}
		p.heading("整改事项", 2*lineH(bodySize))
		if r.Inspection.Status != inspection.Finalized {
			p.paragraph("定稿后将为每个不符合项生成整改事项（默认期限 30 天，责任单位为物业服务企业）。", bodySize, gray, 0)
		} else {
			p.paragraph("无。", bodySize, gray, 0)
		}
		return
	}
	p.heading(fmt.Sprintf("整改事项（%d 项）", len(acts)), 2*(lineH(bodySize)+2*padY))
	widths := []float64{14, 76, 40, 24, 26}
	head := func() {
		p.row(widths, []cell{hcell("编号"), hcell("问题"), hcell("责任单位"), hcell("整改期限"), hcell("状态")}, &headFill)
	}
	p.need(4 * lineH(bodySize))
	head()
	p.repeat = head
	for _, a := range acts {
		st := a.EffectiveStatus(p.at)
		col := black
		if st == inspection.ActionOverdue {
			col = red
		}
		status := st.Label()
		if a.RecheckResult != "" {
			status += "\n复查：" + a.RecheckResult.Label()
		}
		due := "—"
		if !a.DueDate.IsZero() {
			due = a.DueDate.Format("2006-01-02")
		}
		p.row(widths, []cell{
			{lines: []string{a.ItemCode}, color: black, size: bodySize, align: 'C'},
			p.tcell(a.Problem, 76, bodySize, black),
			p.tcell(orDash(a.Responsible), 40, bodySize, black),
			{lines: []string{due}, color: col, size: bodySize, align: 'C'},
			p.tcell(status, 26, bodySize, col),
		}, nil)
	}
	p.repeat = nil
}

func (p *printer) signatures() {
	in := p.doc.Record.Inspection
	p.heading("签字确认", lineH(bodySize)+2*padY+18)
	if len(in.Signatures) == 0 {
		lh := lineH(bodySize)
		p.need(6 * lh)
		for _, role := range []string{"检查人员（签字）", "物业服务企业代表（签字）", "业委会（物管会）代表（签字）"} {
			p.y += lh * 0.8
			p.text(marginL, p.y, bodySize, black, role+"：")
			p.stroke(black)
			p.f.Line(marginL+50, p.y+lh-0.5, marginL+110, p.y+lh-0.5)
			p.text(marginL+115, p.y, bodySize, black, "日期：")
			p.f.Line(marginL+126, p.y+lh-0.5, marginL+165, p.y+lh-0.5)
			p.y += lh
		}
		return
	}
	widths := []float64{40, 36, 62, 42}
	head := func() {
		p.row(widths, []cell{hcell("身份"), hcell("姓名"), hcell("签名"), hcell("签字时间")}, &headFill)
	}
	p.need(lineH(bodySize) + 20)
	head()
	p.repeat = head
	const sigH = 16.0
	for _, s := range in.Signatures {
		h := sigH + 2
		p.need(h)
		top := p.y
		p.stroke(rule)
		p.f.SetLineWidth(0.2)
		x := marginL
		for _, w := range widths {
			p.f.Rect(x, top, w, h, "D")
			x += w
		}
		mid := top + (h-lineH(bodySize))/2
		p.text(marginL+padX, mid, bodySize, black, p.fit(p.fo.clean(orDash(s.Role)), bodySize, widths[0]-2*padX))
		p.text(marginL+widths[0]+padX, mid, bodySize, black, p.fit(p.fo.clean(s.Name), bodySize, widths[1]-2*padX))
		sx := marginL + widths[0] + widths[1]
		if s.ImageSHA != "" {
			p.image(s.ImageSHA, sx+2, top+1, widths[2]-4, sigH, false)
		} else {
			p.text(sx+padX, mid, smallSize, gray, "（未手写签名）")
		}
		at := "—"
		if !s.SignedAt.IsZero() {
			at = s.SignedAt.Format("2006-01-02 15:04")
		}
		p.text(sx+widths[2]+padX, mid, bodySize, black, at)
		p.y += h
	}
	p.repeat = nil
}
