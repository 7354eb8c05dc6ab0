package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// wrapText breaks s into lines of at most width cells (a Chinese
// character takes two), at spaces where it can, so that a label shows it
// without needing a width from its container.
func wrapText(s string, width int) string {
	var out strings.Builder
	for i, para := range strings.Split(s, "\n") {
		if i > 0 {
			out.WriteByte('\n')
		}
		cells, lineStart := 0, out.Len()
		for _, r := range para {
			w := 1
			if r > 0x2E80 {
				w = 2
			}
			if cells+w > width && out.Len() > lineStart {
				out.WriteByte('\n')
				lineStart, cells = out.Len(), 0
				if r == ' ' {
					continue
				}
			}
			out.WriteRune(r)
			cells += w
		}
	}
	return out.String()
}

// formatScore prints a score with one decimal, or — when undefined.
func formatScore(v float64, defined bool) string {
	if !defined {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02")
}

func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// statusLabel is a community status in the UI language.
func statusLabel(s store.CommunityStatus) string {
	switch s {
	case store.StatusUninspected:
		return lang.L("未检查")
	case store.StatusInProgress:
		return lang.L("检查中")
	case store.StatusDone:
		return lang.L("已完成")
	case store.StatusNeedsActions:
		return lang.L("待整改")
	}
	return lang.L("全部状态")
}

func statusImportance(s store.CommunityStatus) widget.Importance {
	switch s {
	case store.StatusInProgress:
		return widget.HighImportance
	case store.StatusDone:
		return widget.SuccessImportance
	case store.StatusNeedsActions:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

func resultLabel(r inspection.Result) string {
	switch r {
	case inspection.Pass:
		return lang.L("符合")
	case inspection.Fail:
		return lang.L("不符合")
	case inspection.NA:
		return lang.L("不适用")
	}
	return lang.L("未填写")
}

func inspectionStatusLabel(s inspection.Status) string {
	if s == inspection.Finalized {
		return lang.L("已完成")
	}
	return lang.L("检查中")
}

func actionStatusLabel(s inspection.ActionStatus) string {
	switch s {
	case inspection.ActionOpen:
		return lang.L("待整改")
	case inspection.ActionInProgress:
		return lang.L("整改中")
	case inspection.ActionDone:
		return lang.L("已整改")
	case inspection.ActionOverdue:
		return lang.L("逾期")
	}
	return string(s)
}

// parseNumber reads a measured value as typed on site: full-width digits
// and a trailing % are accepted ("９３．５％" is 93.5). Empty text means
// "no value" (nil). The value must be finite and not negative, and a
// percentage at most 100.
func parseNumber(it inspection.Item, text string) (*float64, error) {
	s := strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．' || r == '。':
			return '.'
		case r == '－':
			return '-'
		case r == '％' || r == '%' || unicode.IsSpace(r):
			return -1
		}
		return r
	}, text)
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, fmt.Errorf("%s", lang.L("请输入数字，例如 95 或 93.5"))
	}
	if v < 0 {
		return nil, fmt.Errorf("%s", lang.L("数值不能为负数"))
	}
	if it.Unit == "%" && v > 100 {
		return nil, fmt.Errorf("%s", lang.L("百分比应在 0 到 100 之间"))
	}
	return &v, nil
}

// autoEntry is an Entry that tells when it loses focus (to save what was
// typed at once) and gives up focus on Escape.
type autoEntry struct {
	widget.Entry
	onFocusLost func()
}

func newAutoEntry(multiLine bool) *autoEntry {
	e := &autoEntry{}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

func (e *autoEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.onFocusLost != nil {
		e.onFocusLost()
	}
}

func (e *autoEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
			c.Unfocus()
		}
		return
	}
	e.Entry.TypedKey(ev)
}

// debouncer calls a function once typing has paused.
type debouncer struct {
	delay   time.Duration
	timer   *time.Timer
	pending func()
}

// call runs f on the UI goroutine after the delay, replacing a call not
// yet made; with no delay it runs f at once.
func (d *debouncer) call(f func()) {
	d.stop()
	if d.delay <= 0 {
		f()
		return
	}
	d.pending = f
	d.timer = time.AfterFunc(d.delay, func() { fyne.Do(d.flush) })
}

// flush runs the pending call now, if any.
func (d *debouncer) flush() {
	f := d.pending
	d.stop()
	if f != nil {
		f()
	}
}

func (d *debouncer) stop() {
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	d.pending = nil
}
