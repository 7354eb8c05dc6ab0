package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Issue is a problem found in a workbook, named the way a spreadsheet
// user finds it: sheet and cell (小区名单!C7), with the reason in Chinese.
type Issue struct {
	Sheet  string
	Cell   string // "C7"; "" when it concerns a whole row or sheet
	Row    int    // the Excel row number; 0 for the sheet
	Reason string
}

func (i Issue) String() string {
	switch {
	case i.Cell != "":
		return fmt.Sprintf("%s!%s：%s", i.Sheet, i.Cell, i.Reason)
	case i.Row > 0:
		return fmt.Sprintf("%s!第%d行：%s", i.Sheet, i.Row, i.Reason)
	case i.Sheet != "":
		return fmt.Sprintf("%s：%s", i.Sheet, i.Reason)
	}
	return i.Reason
}

func (i Issue) Error() string { return i.String() }

// Row is one parsed data row of an import.
type Row[T any] struct {
	Line   int // the Excel row number
	Value  T
	Action string  // what applying does: 新增, 更新, 不变 (set by matching)
	Issues []Issue // errors: a row with issues is not written
}

// OK reports whether the row can be written.
func (r Row[T]) OK() bool { return len(r.Issues) == 0 }

// Preview is an import read and checked, before anything is written.
type Preview[T any] struct {
	Kind    string // 小区名单, 满意度/投诉率, 联络员名单
	Sheet   string // the sheet read
	Header  int    // the header's row number
	Columns []ColumnMatch
	Rows    []Row[T]
	// Problems concern the file as a whole (no header, a required column
	// missing); they block the import whatever the caller chooses.
	Problems []Issue
	// Warnings are worth showing but do not block (a column not used, a
	// value interpreted).
	Warnings []Issue
}

// ColumnMatch tells which header cell was taken for a field.
type ColumnMatch struct {
	Field  string // the field's Chinese name
	Header string // the header text in the file
	Column string // "C"
}

// Errors lists every problem: of the file, then of each row.
func (p *Preview[T]) Errors() []Issue {
	out := append([]Issue(nil), p.Problems...)
	for _, r := range p.Rows {
		out = append(out, r.Issues...)
	}
	return out
}

// BadRows counts the rows with errors.
func (p *Preview[T]) BadRows() int {
	n := 0
	for _, r := range p.Rows {
		if !r.OK() {
			n++
		}
	}
	return n
}

// Good lists the rows without errors.
func (p *Preview[T]) Good() []Row[T] {
	var out []Row[T]
	for _, r := range p.Rows {
		if r.OK() {
			out = append(out, r)
		}
	}
	return out
}

// ErrHasErrors: an import was applied while its preview still has errors.
var ErrHasErrors = errors.New("导入文件有错误，未写入任何数据")

// Apply writes a previewed import with save, which must write all it is
// given or nothing (one transaction). While errors remain nothing is
// written, unless skipBad is set: then the good rows are written and the
// bad ones left out. File-level problems always block.
func Apply[T any](ctx context.Context, p *Preview[T], skipBad bool, save func(context.Context, []Row[T]) error) (int, error) {
	if len(p.Problems) > 0 {
		return 0, fmt.Errorf("%w：%s", ErrHasErrors, p.Problems[0])
	}
	if bad := p.BadRows(); bad > 0 && !skipBad {
		errs := p.Errors()
		return 0, fmt.Errorf("%w：共 %d 行有错误，例如 %s（可选择跳过错误行）", ErrHasErrors, bad, errs[0])
	}
	good := p.Good()
	if len(good) == 0 {
		return 0, nil
	}
	if err := save(ctx, good); err != nil {
		return 0, err
	}
	return len(good), nil
}

// field describes a column an import looks for.
type field struct {
	key      string
	label    string   // the canonical Chinese header
	synonyms []string // other headers accepted (normalised before comparing)
	required bool
}

// sheetData is a sheet read into memory: values as shown (formatted) and
// raw, with merged cells filled in.
type sheetData struct {
	f         *excelize.File
	name      string
	shown     [][]string
	raw       [][]string
	header    int            // 0-based row index of the header
	cols      map[string]int // field key → 0-based column
	mergedTop map[[2]int]bool
}

// openBook opens a workbook for import with size limits against zip
// bombs.
func openWorkbook(r io.Reader) (*excelize.File, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: unzipSizeLimit, UnzipXMLSizeLimit: unzipXMLLimit})
	if err != nil {
		return nil, fmt.Errorf("无法打开 Excel 文件（需要 .xlsx 格式；.xls 请先另存为 .xlsx）：%w", err)
	}
	return f, nil
}

// readSheet reads a sheet, filling every cell of a merged range with the
// range's value (a district written once for several rows applies to all
// of them).
func readSheet(f *excelize.File, name string) (*sheetData, error) {
	shown, err := f.GetRows(name)
	if err != nil {
		return nil, fmt.Errorf("无法读取工作表「%s」：%w", name, err)
	}
	raw, err := f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("无法读取工作表「%s」：%w", name, err)
	}
	sd := &sheetData{f: f, name: name, shown: shown, raw: raw, mergedTop: map[[2]int]bool{}}
	merges, err := f.GetMergeCells(name)
	if err != nil {
		return nil, fmt.Errorf("无法读取工作表「%s」的合并单元格：%w", name, err)
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		// A merge reaching far beyond the data is cut to the data.
		r2 = min(r2, len(shown))
		c2 = min(c2, c1+200)
		topShown, topRaw := sd.at(shown, r1-1, c1-1), sd.at(raw, r1-1, c1-1)
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				if r == r1 && c == c1 {
					continue
				}
				sd.put(&sd.shown, r-1, c-1, topShown)
				sd.put(&sd.raw, r-1, c-1, topRaw)
			}
		}
		if r2 > r1 {
			sd.mergedTop[[2]int{r1 - 1, c1 - 1}] = true
		}
	}
	return sd, nil
}

func (sd *sheetData) at(rows [][]string, r, c int) string {
	if r < 0 || r >= len(rows) || c < 0 || c >= len(rows[r]) {
		return ""
	}
	return rows[r][c]
}

func (sd *sheetData) put(rows *[][]string, r, c int, v string) {
	for len(*rows) <= r {
		*rows = append(*rows, nil)
	}
	for len((*rows)[r]) <= c {
		(*rows)[r] = append((*rows)[r], "")
	}
	(*rows)[r][c] = v
}

// normHeader makes header text comparable: full-width to half-width, no
// spaces, line breaks, asterisks (required marks) or colons, brackets
// unified, lower case.
func normHeader(s string) string {
	s = narrow(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '*', r == ':', r == '★':
		case r == '【' || r == '[':
			b.WriteRune('(')
		case r == '】' || r == ']':
			b.WriteRune(')')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

var parenthetical = regexp.MustCompile(`\([^()]*\)`)

// matchField finds the field a header names: exactly, or once the
// parenthetical parts are dropped (户数(户) → 户数).
func matchField(fields []field, header string) (string, bool) {
	h := normHeader(header)
	if h == "" {
		return "", false
	}
	try := func(h string) (string, bool) {
		for _, f := range fields {
			if normHeader(f.label) == h {
				return f.key, true
			}
			for _, s := range f.synonyms {
				if normHeader(s) == h {
					return f.key, true
				}
			}
		}
		return "", false
	}
	if k, ok := try(h); ok {
		return k, true
	}
	if stripped := parenthetical.ReplaceAllString(h, ""); stripped != h && stripped != "" {
		return try(stripped)
	}
	return "", false
}

// findHeader looks in the first rows of a sheet for the row that names
// the most fields; it must name every required field.
func (sd *sheetData) findHeader(fields []field) ([]ColumnMatch, []string) {
	bestRow, bestCount := -1, 0
	var bestCols map[string]int
	for r := 0; r < len(sd.shown) && r < headerSearchRow; r++ {
		cols := map[string]int{}
		for c, v := range sd.shown[r] {
			if k, ok := matchField(fields, v); ok {
				if _, dup := cols[k]; !dup {
					cols[k] = c
				}
			}
		}
		if len(cols) > bestCount {
			bestRow, bestCount, bestCols = r, len(cols), cols
		}
	}
	var missing []string
	for _, f := range fields {
		if _, ok := bestCols[f.key]; f.required && !ok {
			missing = append(missing, "「"+f.label+"」")
		}
	}
	if bestRow < 0 {
		bestCols = map[string]int{}
	}
	sd.header, sd.cols = bestRow, bestCols
	var matches []ColumnMatch
	for _, f := range fields {
		if c, ok := bestCols[f.key]; ok {
			matches = append(matches, ColumnMatch{Field: f.label, Header: strings.TrimSpace(sd.shown[bestRow][c]), Column: colName(c + 1)})
		}
	}
	return matches, missing
}

// pickSheet chooses the sheet whose header names every required field,
// preferring one whose name looks right.
func pickSheet(f *excelize.File, fields []field, preferred ...string) (*sheetData, []ColumnMatch, []Issue) {
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, []Issue{{Reason: "工作簿中没有工作表"}}
	}
	order := make([]string, 0, len(sheets))
	for _, p := range preferred {
		for _, s := range sheets {
			if strings.Contains(normHeader(s), normHeader(p)) {
				order = append(order, s)
			}
		}
	}
	order = append(order, sheets...)
	var firstMissing []Issue
	tried := map[string]bool{}
	for _, name := range order {
		if tried[name] {
			continue
		}
		tried[name] = true
		sd, err := readSheet(f, name)
		if err != nil {
			firstMissing = append(firstMissing, Issue{Sheet: name, Reason: err.Error()})
			continue
		}
		matches, missing := sd.findHeader(fields)
		if len(missing) == 0 {
			return sd, matches, nil
		}
		if firstMissing == nil {
			reason := "没有找到表头：需要列 " + strings.Join(missing, "、")
			if sd.header >= 0 {
				reason = fmt.Sprintf("第%d行像是表头，但缺少列 %s", sd.header+1, strings.Join(missing, "、"))
			} else if len(sd.shown) == 0 {
				reason = "工作表是空的"
			}
			firstMissing = []Issue{{Sheet: name, Cell: "A1", Reason: reason + "（列名可用常见同义词，见说明）"}}
		}
	}
	return nil, nil, firstMissing
}

// cell is one value of a data row.
type cell struct {
	sd    *sheetData
	row   int // 0-based
	col   int // 0-based, -1 when the column is absent
	shown string
	raw   string
}

func (sd *sheetData) cell(row int, key string) cell {
	c, ok := sd.cols[key]
	if !ok {
		return cell{sd: sd, row: row, col: -1}
	}
	return cell{sd: sd, row: row, col: c, shown: sd.at(sd.shown, row, c), raw: sd.at(sd.raw, row, c)}
}

func (c cell) name() string {
	if c.col < 0 {
		return ""
	}
	return cellName(c.col+1, c.row+1)
}

func (c cell) issue(format string, a ...any) Issue {
	return Issue{Sheet: c.sd.name, Cell: c.name(), Row: c.row + 1, Reason: fmt.Sprintf(format, a...)}
}

// text is the cell's text as written (full-width characters are kept:
// （一期） is text, not a typo), spaces trimmed, line breaks kept only when
// multiline. A formula without
// a cached result (a file written by a program that does not calculate)
// is calculated.
func (c cell) text(multiline bool) string {
	s := c.shown
	if s == "" && c.col >= 0 {
		if formula, _ := c.sd.f.GetCellFormula(c.sd.name, c.name()); formula != "" {
			if v, err := c.sd.f.CalcCellValue(c.sd.name, c.name()); err == nil {
				s = v
			}
		}
	}
	if !multiline {
		s = strings.Join(strings.Fields(s), " ")
	} else {
		lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
		for i := range lines {
			lines[i] = strings.TrimSpace(lines[i])
		}
		s = strings.TrimSpace(strings.Join(lines, "\n"))
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' {
			return -1
		}
		return r
	}, s)
}

// limited is text no longer than max characters, or an issue.
func (c cell) limited(label string, max int, issues *[]Issue) string {
	s := c.text(false)
	if n := utf8.RuneCountInString(s); n > max {
		*issues = append(*issues, c.issue("%s过长（%d 个字，最多 %d 个）", label, n, max))
		return ""
	}
	return s
}

// narrow turns full-width ASCII (１２３，ＡＢＣ) and the ideographic space
// into their half-width forms.
func narrow(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E || r == 0x3000 }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

// number parses a number as people type it in spreadsheets: full-width
// digits, thousands separators, a trailing unit or percent sign. pct
// reports a percent sign (or a percentage cell format).
func (c cell) number() (v float64, pct bool, ok bool, empty bool) {
	t := narrow(c.text(false))
	if t == "" {
		return 0, false, false, true
	}
	// A percentage-formatted cell shows "95.5%" and holds 0.955.
	if strings.HasSuffix(strings.TrimSpace(c.shown), "%") {
		if rv, err := strconv.ParseFloat(strings.TrimSpace(c.raw), 64); err == nil && !math.IsNaN(rv) && !math.IsInf(rv, 0) {
			return rv * 100, true, true, false
		}
	}
	if rv, err := strconv.ParseFloat(strings.TrimSpace(c.raw), 64); err == nil && !math.IsNaN(rv) && !math.IsInf(rv, 0) && c.raw != "" {
		return rv, false, true, false
	}
	s := strings.ReplaceAll(t, ",", "")
	s = strings.ReplaceAll(s, "，", "")
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "%") {
		pct = true
		s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	s = strings.TrimRightFunc(s, func(r rune) bool { return r > 0x2E80 || r == '/' }) // 户, 件/百户
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, false, false
	}
	return v, pct, true, false
}

// blankRow reports whether a data row has nothing in the columns read
// (ignoring a sequence number).
func (sd *sheetData) blankRow(r int, keys []string) bool {
	for _, k := range keys {
		if k == "seq" {
			continue
		}
		if c := sd.cell(r, k); strings.TrimSpace(narrow(c.shown)) != "" || strings.TrimSpace(c.raw) != "" {
			return false
		}
	}
	return true
}

// dataRows is the range of data rows after the header, with a limit.
func (sd *sheetData) dataRows() (from, to int, issue *Issue) {
	from, to = sd.header+1, len(sd.shown)
	if to-from > MaxRows {
		return from, from + MaxRows, &Issue{Sheet: sd.name, Reason: fmt.Sprintf("数据超过 %d 行，只读取前 %d 行", MaxRows, MaxRows)}
	}
	return from, to, nil
}

// isTotalRow recognises a 合计/小计 line at the end of a list.
func isTotalRow(s string) bool {
	s = normHeader(s)
	return s == "合计" || s == "小计" || s == "总计" || s == "填表说明" || strings.HasPrefix(s, "注:") || strings.HasPrefix(s, "备注:")
}

func keysOf(fields []field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.key
	}
	return out
}

// unusedColumns warns about header cells that no field took.
func (sd *sheetData) unusedColumns() []Issue {
	if sd.header < 0 {
		return nil
	}
	used := map[int]bool{}
	for _, c := range sd.cols {
		used[c] = true
	}
	var names []string
	for c, v := range sd.shown[sd.header] {
		if v = strings.TrimSpace(v); v != "" && !used[c] {
			names = append(names, "「"+v+"」")
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []Issue{{Sheet: sd.name, Row: sd.header + 1, Reason: "以下列未使用：" + strings.Join(names, "、")}}
}

// sheetImport is what one list importer (小区名单, 满意度/投诉率, 联络员名单)
// adds to the frame they share in readList.
type sheetImport[T any] struct {
	kind      string   // the preview's kind, e.g. 小区名单
	fields    []field  // the columns looked for
	sheets    []string // words of the sheet names tried first
	totalCols []string // columns where 合计/小计 marks a total line
	// header, if not nil, checks the header found (a column that is
	// not required alone but needed with others) before any row is read.
	header func(sd *sheetData) *Issue
	// row reads data row r (0-based); dup tells whether a row's key was
	// seen before, and on which line.
	row func(sd *sheetData, r int, p *Preview[T], seen dupRows) Row[T]
}

// dupRows remembers the line each row key was first seen on.
type dupRows map[string]int

// check notes key for line r+1 and adds an issue on c, with the first
// line's number in format, when key was seen before. An empty key (the
// row lacks what identifies it) is not checked.
func (d dupRows) check(key string, r int, c cell, issues *[]Issue, format string) {
	if key == "" {
		return
	}
	if first, dup := d[key]; dup {
		*issues = append(*issues, c.issue(format, first))
		return
	}
	d[key] = r + 1
}

// readList is the frame of the list importers: open the workbook, find the
// sheet by its header, read every data row that is not blank or a total
// line, and say when the header has no data under it.
func readList[T any](r io.Reader, im sheetImport[T]) (*Preview[T], error) {
	f, err := openWorkbook(r)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p := &Preview[T]{Kind: im.kind}
	sd, matches, problems := pickSheet(f, im.fields, im.sheets...)
	if problems != nil {
		p.Problems = problems
		return p, nil
	}
	if im.header != nil {
		if issue := im.header(sd); issue != nil {
			p.Problems = append(p.Problems, *issue)
			return p, nil
		}
	}
	p.Sheet, p.Header, p.Columns = sd.name, sd.header+1, matches
	p.Warnings = append(p.Warnings, sd.unusedColumns()...)
	from, to, limit := sd.dataRows()
	if limit != nil {
		p.Problems = append(p.Problems, *limit)
	}
	keys := keysOf(im.fields)
	seen := dupRows{}
rows:
	for r := from; r < to; r++ {
		if sd.blankRow(r, keys) {
			continue
		}
		for _, k := range im.totalCols {
			if isTotalRow(sd.cell(r, k).text(false)) {
				continue rows
			}
		}
		p.Rows = append(p.Rows, im.row(sd, r, p, seen))
	}
	if len(p.Rows) == 0 && len(p.Problems) == 0 {
		p.Problems = append(p.Problems, Issue{Sheet: sd.name, Row: sd.header + 1, Reason: "表头下没有数据"})
	}
	return p, nil
}
