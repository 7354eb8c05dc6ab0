package xlsx

import (
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/xuri/excelize/v2"
)

// AnswersSheet is the sheet name of the answer-level export (答题明细).
const AnswersSheet = "答题明细"

// AnswersOptions shape the answer-level export.
type AnswersOptions struct {
	// Title heads the sheet, e.g. "鼓楼区“美好家园”检查答题明细".
	Title string
	// At is when the table is made (printed in the title).
	At time.Time
}

// The columns of the 答题明细, in order.
var answerCols = []struct {
	label string
	width float64
}{
	{"序号", 8}, {"县（市）区", 10}, {"街道（乡镇）", 12}, {"社区", 10}, {"小区名称", 20}, {"检查日期", 11},
	{"检查人员", 14}, {"记录状态", 9}, {"章节", 18}, {"检查项", 7}, {"检查内容", 36}, {"一票否决项", 9},
	{"结果", 8}, {"数值", 9}, {"单位", 8}, {"选择/填写内容", 20}, {"备注", 30}, {"照片数", 7}, {"检查记录编号", 38},
}

// maxSheetRows is how many rows a sheet can hold (a variable for the
// tests).
var maxSheetRows = excelize.TotalRows

// answerItem is an item of a template with the label of its section.
type answerItem struct {
	section string
	item    inspection.Item
}

// WriteAnswers writes the 答题明细: one row per answered item of every
// record in results (communities without a record have no rows), with the
// community, the visit (date, inspectors, 草稿/已完成/已更正), the section
// and item, the result (符合/不符合/不适用; 不计分 for items that are only
// recorded), the value and unit, the choices or text, the note, whether
// the item is a veto item (一票否决项) and how many photos back it. Items
// follow each record's own template. The header is frozen and filterable
// and failing results are highlighted, so an office can filter a
// district's answers in Excel. Rows are streamed: memory does not grow
// with the number of records.
//
// A sheet holds at most 1,048,576 rows; a larger export is refused with
// a message (export one district at a time).
func WriteAnswers(w io.Writer, results iter.Seq2[Result, error], o AnswersOptions) error {
	if o.At.IsZero() {
		o.At = time.Now()
	}
	if o.Title == "" {
		o.Title = "“美好家园”检查答题明细"
	}
	f, st, err := newBook(AnswersSheet)
	if err != nil {
		return err
	}
	defer f.Close()
	sw, err := f.NewStreamWriter(AnswersSheet)
	if err != nil {
		return err
	}
	nCols := len(answerCols)
	for i, c := range answerCols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	first := make([]any, nCols)
	first[0] = excelize.Cell{StyleID: st.title, Value: fmt.Sprintf("%s（制表时间 %s）", o.Title, o.At.Format("2006-01-02 15:04"))}
	if err := sw.SetRow("A1", first, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", cellName(nCols, 1)); err != nil {
		return err
	}
	head := make([]any, nCols)
	for i, c := range answerCols {
		head[i] = excelize.Cell{StyleID: st.header, Value: c.label}
	}
	if err := sw.SetRow("A2", head, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}

	items := map[*inspection.Template][]answerItem{}
	// One row's cells, reused: the stream writer copies them out at once.
	cells := make([]excelize.Cell, nCols)
	row := make([]any, nCols)
	for i := range cells {
		row[i] = &cells[i]
	}
	text := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.text, Value: clip(s)} }
	wrap := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.wrap, Value: clip(s)} }
	empty := excelize.Cell{StyleID: st.text}
	r := 2 // the last row written
	for res, err := range results {
		if err != nil {
			return err
		}
		rec := res.Record
		if rec == nil || rec.Template == nil || len(rec.Answers) == 0 {
			continue
		}
		list, ok := items[rec.Template]
		if !ok {
			list = templateItems(rec.Template)
			items[rec.Template] = list
		}
		c := res.Community
		in := rec.Inspection
		status := "已完成"
		switch {
		case in.Status == inspection.Draft:
			status = "草稿"
		case in.AmendsID != "":
			status = "已更正"
		}
		// The cells that are the same on every row of the record.
		district, street, community, name := text(c.District), text(c.Street), text(c.Community), text(c.Name)
		date, inspectors := text(in.StartedAt.Format("2006-01-02")), text(strings.Join(in.Inspectors, "、"))
		statusCell, id := text(status), text(in.ID)
		for _, ai := range list {
			it := ai.item
			a, ok := rec.Answers[it.Code]
			if !ok || !answered(a) {
				continue
			}
			if r >= maxSheetRows {
				return fmt.Errorf("答题明细超过 Excel 一个工作表的上限（%d 行），请按县（市）区分别导出", maxSheetRows)
			}
			r++
			res := inspection.Evaluate(it, a)
			result := text(resultLabel(it, a, res))
			if res == inspection.Fail {
				result = excelize.Cell{StyleID: st.fail, Value: result.Value}
			}
			veto := empty
			if it.Veto {
				veto = text("是")
			}
			value, unit := excelize.Cell{StyleID: st.number}, empty
			if it.Kind == inspection.KindNumber {
				if a.Value != nil {
					value.Value = *a.Value
					if res == inspection.Fail {
						value.StyleID = st.failNum
					}
				}
				unit = text(it.Unit)
			}
			content := empty
			switch {
			case len(a.Choices) > 0:
				content = wrap(strings.Join(a.Choices, "、"))
			case a.Text != "":
				content = wrap(a.Text)
			}
			photos := excelize.Cell{StyleID: st.int}
			if len(a.Photos) > 0 {
				photos.Value = len(a.Photos)
			}
			note := empty
			if a.Note != "" {
				note = wrap(a.Note)
			}
			cells[0] = excelize.Cell{StyleID: st.int, Value: r - 2}
			cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7] = district, street, community, name, date, inspectors, statusCell
			cells[8], cells[9], cells[10], cells[11] = text(ai.section), text(it.Code), wrap(it.Text), veto
			cells[12], cells[13], cells[14], cells[15], cells[16], cells[17], cells[18] = result, value, unit, content, note, photos, id
			if err := sw.SetRow(cellName(1, r), row); err != nil {
				return err
			}
		}
	}
	// A table over the header and the rows gives the filter buttons
	// (an autofilter cannot be added to a streamed sheet).
	noStripes := false
	if err := sw.AddTable(&excelize.Table{Range: "A2:" + cellName(nCols, max(r, 3)), Name: "Answers", ShowRowStripes: &noStripes}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return save(f, w, o.Title, o.At)
}

// templateItems lists a template's items in order with their section's
// label ("3. 消防安全").
func templateItems(tpl *inspection.Template) []answerItem {
	var out []answerItem
	for si, s := range tpl.Sections {
		label := fmt.Sprintf("%d. %s", si+1, s.Title)
		for _, it := range s.Items {
			out = append(out, answerItem{section: label, item: it})
		}
	}
	return out
}

// answered reports whether an answer holds anything: a result, a value,
// choices, text, a note or photos.
func answered(a inspection.Answer) bool {
	return a.Result != inspection.Unanswered || a.Value != nil || len(a.Choices) > 0 || a.Text != "" || a.Note != "" || len(a.Photos) > 0
}

// resultLabel is the 结果 column: 符合 / 不符合 / 不适用 for scored items
// (a number against its threshold, a choice against its minimum),
// 未填写 when a scored item has no result yet, 不计分 for items that are
// only recorded (text, a number without a threshold).
func resultLabel(it inspection.Item, a inspection.Answer, res inspection.Result) string {
	if a.Result == inspection.NA {
		return inspection.NA.Label()
	}
	if !it.Scored() {
		return "不计分"
	}
	return res.Label()
}
