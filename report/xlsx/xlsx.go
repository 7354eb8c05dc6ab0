// Package xlsx writes and reads the Excel workbooks of the programme's
// paperwork: the summary table (汇总表), the corrective-action list
// (整改清单), the liaison list (联络员名单, attachment 2 of the plan), the
// work-report figures with a native chart, and the template workbook; and
// it reads community lists, satisfaction and complaint figures, liaison
// lists and templates back, each into a Preview that names every problem
// as Sheet!Cell before anything is written.
//
// It takes and returns domain values and works on io.Reader/io.Writer; it
// reads no database. Callers pass what the store holds (existing
// communities to match against) and a save function to apply a preview.
package xlsx

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Limits on what is read back, against hostile or broken files.
const (
	MaxRows         = 100_000   // data rows per sheet
	MaxCellRunes    = 2_000     // characters in one cell that is kept
	unzipSizeLimit  = 256 << 20 // a workbook that unzips larger is refused
	unzipXMLLimit   = 128 << 20
	headerSearchRow = 30 // the header must be within the first rows
)

// styles are the cell styles of an exported workbook.
type styles struct {
	title, group, header, text, wrap, number, int, score, fail, failNum, na, warn, note, date int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var firstErr error
	add := func(st *excelize.Style) int {
		id, err := f.NewStyle(st)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return id
	}
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	font := &excelize.Font{Family: "宋体", Size: 10}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Vertical: "center"}
	wrap := &excelize.Alignment{Vertical: "center", WrapText: true}
	s.title = add(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 16, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	s.group = add(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 10, Bold: true}, Alignment: center, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}})
	s.header = add(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 10, Bold: true}, Alignment: center, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}})
	s.text = add(&excelize.Style{Font: font, Alignment: left, Border: border})
	s.wrap = add(&excelize.Style{Font: font, Alignment: wrap, Border: border})
	s.number = add(&excelize.Style{Font: font, Alignment: left, Border: border, CustomNumFmt: ptr("0.##")})
	s.int = add(&excelize.Style{Font: font, Alignment: left, Border: border, NumFmt: 1})
	s.score = add(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Border: border, NumFmt: 2})
	s.fail = add(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Color: "9C0006", Bold: true}, Alignment: center, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}})
	s.failNum = add(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Color: "9C0006", Bold: true}, Alignment: center, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}, CustomNumFmt: ptr("0.##")})
	s.na = add(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Color: "808080"}, Alignment: center, Border: border})
	s.warn = add(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Color: "9C5700"}, Alignment: wrap, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFEB9C"}}})
	s.note = add(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 9, Color: "595959"}, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	s.date = add(&excelize.Style{Font: font, Alignment: left, Border: border, CustomNumFmt: ptr("yyyy-mm-dd")})
	return s, firstErr
}

func ptr[T any](v T) *T { return &v }

// cellName is the A1 name of (col, row), both from 1.
func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

func colName(col int) string {
	n, _ := excelize.ColumnNumberToName(col)
	return n
}

// clip keeps a cell value within what Excel accepts (32,767 characters).
func clip(s string) string {
	const max = 32000
	if len(s) <= max {
		return s
	}
	b := []byte(s[:max])
	for !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return string(b) + "…"
}

// width estimates a column width (in Excel character units) for text:
// CJK characters count double.
func width(s string) float64 {
	w := 0.0
	for _, line := range strings.Split(s, "\n") {
		lw := 0.0
		for _, r := range line {
			if r > 0x2E80 {
				lw += 2
			} else {
				lw++
			}
		}
		if lw > w {
			w = lw
		}
	}
	return w
}

// save writes the workbook to w with document properties set.
func save(f *excelize.File, w io.Writer, title string, at time.Time) error {
	if at.IsZero() {
		at = time.Now()
	}
	f.SetDocProps(&excelize.DocProperties{
		Title: title, Creator: "家园巡检", Created: at.UTC().Format(time.RFC3339), Modified: at.UTC().Format(time.RFC3339),
	})
	f.SetZipWriter(NewZipWriter)
	if err := f.Write(w); err != nil {
		return fmt.Errorf("无法写入 Excel 文件：%w", err)
	}
	return nil
}

// zipLevel is the deflate level of the workbooks' parts: level 2 deflates
// at level 1's speed, the files 14–21 % larger than at archive/zip's
// default 6 (docs/PERFORMANCE.md, round 5).
const zipLevel = 2

// NewZipWriter is the workbooks' zip writer (for excelize's
// SetZipWriter): archive/zip with its parts deflated at level 2. The
// benchmarks give it to their bare StreamWriter too, to compare like with
// like.
func NewZipWriter(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, zipLevel)
	})
	return zw
}

// newBook makes a workbook whose first sheet is called name.
func newBook(name string) (*excelize.File, styles, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return nil, styles{}, err
	}
	st, err := newStyles(f)
	return f, st, err
}
