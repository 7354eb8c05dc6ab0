package xlsx

import (
	"fmt"
	"io"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/xuri/excelize/v2"
)

// ActionRow is one corrective action with what the list shows about it.
type ActionRow struct {
	Action      inspection.CorrectiveAction
	Community   inspection.Community
	ItemText    string    // the item's text in the inspection's template
	InspectedAt time.Time // when the inspection that opened it started
}

// ActionsSheet is the sheet name of the corrective-action list.
const ActionsSheet = "整改清单"

// WriteActions writes the 整改清单: every corrective action with its
// community, item, problem, responsible party, due date and status as of
// at (逾期 computed, highlighted), and re-check result.
func WriteActions(w io.Writer, rows []ActionRow, title string, at time.Time) error {
	return WriteActionsFrom(w, func(start func(int) error, row func(ActionRow) error) error {
		if err := start(len(rows)); err != nil {
			return err
		}
		for _, r := range rows {
			if err := row(r); err != nil {
				return err
			}
		}
		return nil
	}, title, at)
}

// WriteActionsFrom is WriteActions for rows that are read as they are
// written (store.EachActionSheetRow): read calls start with their number
// (the title gives it), then row with each of them in order, and returns
// what stopped it. Each row is written as it comes.
func WriteActionsFrom(w io.Writer, read func(start func(total int) error, row func(ActionRow) error) error, title string, at time.Time) error {
	if at.IsZero() {
		at = time.Now()
	}
	if title == "" {
		title = "“美好家园”检查问题整改清单"
	}
	f, st, err := newBook(ActionsSheet)
	if err != nil {
		return err
	}
	defer f.Close()
	sw, err := f.NewStreamWriter(ActionsSheet)
	if err != nil {
		return err
	}
	cols := []struct {
		label string
		width float64
	}{
		{"序号", 6}, {"县（市）区", 10}, {"街道（乡镇）", 12}, {"小区名称", 20}, {"检查项", 8}, {"检查内容", 30},
		{"问题描述", 40}, {"责任单位", 24}, {"整改期限", 11}, {"状态", 8}, {"逾期天数", 8}, {"复查结果", 9},
		{"检查日期", 11}, {"检查记录编号", 38}, {"备注", 24},
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
	text := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.text, Value: clip(s)} }
	wrap := func(s string) excelize.Cell { return excelize.Cell{StyleID: st.wrap, Value: clip(s)} }
	total, n, started := 0, 0, false
	start := func(t int) error {
		if started {
			return fmt.Errorf("整改清单的行数给了两次")
		}
		started, total = true, t
		first := make([]any, len(cols))
		first[0] = excelize.Cell{StyleID: st.title, Value: fmt.Sprintf("%s（截至 %s，共 %d 项）", title, at.Format("2006-01-02"), total)}
		if err := sw.SetRow("A1", first, excelize.RowOpts{Height: 30}); err != nil {
			return err
		}
		sw.MergeCell("A1", cellName(len(cols), 1))
		head := make([]any, len(cols))
		for i, c := range cols {
			head[i] = excelize.Cell{StyleID: st.header, Value: c.label}
		}
		return sw.SetRow("A2", head, excelize.RowOpts{Height: 24})
	}
	// One row's cells, reused: the stream writer copies them out at once.
	var cells [15]excelize.Cell
	line := make([]any, len(cells))
	for i := range cells {
		line[i] = &cells[i]
	}
	row := func(r ActionRow) error {
		if !started {
			return fmt.Errorf("整改清单的行数未知")
		}
		i := n
		n++
		a := r.Action
		status := a.EffectiveStatus(at)
		statusCell := text(status.Label())
		overdue := excelize.Cell{StyleID: st.int}
		if status == inspection.ActionOverdue {
			statusCell = excelize.Cell{StyleID: st.fail, Value: status.Label()}
			y, m, d := a.DueDate.Date()
			due := time.Date(y, m, d, 0, 0, 0, 0, at.Location())
			overdue.Value = int(at.Sub(due).Hours() / 24)
		}
		due := excelize.Cell{StyleID: st.date}
		if !a.DueDate.IsZero() {
			due.Value = a.DueDate.Format("2006-01-02")
			due.StyleID = st.text
		}
		recheck := ""
		if a.RecheckResult != "" {
			recheck = a.RecheckResult.Label()
		}
		inspected := ""
		if !r.InspectedAt.IsZero() {
			inspected = r.InspectedAt.Format("2006-01-02")
		}
		cells = [...]excelize.Cell{
			{StyleID: st.int, Value: i + 1}, text(r.Community.District), text(r.Community.Street), text(r.Community.Name),
			text(a.ItemCode), wrap(r.ItemText), wrap(a.Problem), wrap(a.Responsible), due, statusCell, overdue, text(recheck),
			text(inspected), text(a.InspectionID), wrap(a.Note),
		}
		return sw.SetRow(cellName(1, i+3), line)
	}
	if err := read(start, row); err != nil {
		return err
	}
	if !started || n != total {
		return fmt.Errorf("整改清单应有 %d 项，实际写出 %d 项", total, n)
	}
	noStripes := false
	if err := sw.AddTable(&excelize.Table{Range: "A2:" + cellName(len(cols), max(n+2, 3)), Name: "Actions", ShowRowStripes: &noStripes}); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return save(f, w, title, at)
}
