package ui

import (
	"fmt"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// barChart is a bar chart drawn with Fyne canvas objects: vertical bars
// (optionally stacked, one colour per series, with a legend) with the
// labels under them, or horizontal bars with the labels on their left.
type barChart struct {
	widget.BaseWidget
	title      string
	labels     []string
	series     [][]float64 // series[s][i]: the value of series s at label i
	names      []string    // series names for the legend
	colors     []color.Color
	horizontal bool
	// minHeight is the chart's minimum height.
	minHeight float32
}

// Chart colours: calm, distinguishable, readable on white.
var (
	chartBlue   = color.NRGBA{R: 0x2f, G: 0x6f, B: 0xb5, A: 0xff}
	chartGreen  = color.NRGBA{R: 0x3b, G: 0x9a, B: 0x5a, A: 0xff}
	chartOrange = color.NRGBA{R: 0xe0, G: 0x8a, B: 0x1e, A: 0xff}
	chartGrey   = color.NRGBA{R: 0xb0, G: 0xb4, B: 0xba, A: 0xff}
	chartRed    = color.NRGBA{R: 0xc8, G: 0x3c, B: 0x32, A: 0xff}
	chartAxis   = color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
)

func newBarChart(title string, horizontal bool) *barChart {
	c := &barChart{title: title, horizontal: horizontal, minHeight: 220}
	c.ExtendBaseWidget(c)
	return c
}

// set replaces the data and redraws.
func (c *barChart) set(labels []string, names []string, colors []color.Color, series ...[]float64) {
	c.labels, c.names, c.colors, c.series = labels, names, colors, series
	c.Refresh()
}

// total is the stacked value at label i.
func (c *barChart) total(i int) float64 {
	t := 0.0
	for _, s := range c.series {
		if i < len(s) {
			t += s[i]
		}
	}
	return t
}

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barChartRenderer{c: c}
	r.rebuild()
	return r
}

type barChartRenderer struct {
	c       *barChart
	objects []fyne.CanvasObject
	size    fyne.Size
}

func (r *barChartRenderer) Destroy() {}

func (r *barChartRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *barChartRenderer) MinSize() fyne.Size {
	h := r.c.minHeight
	if r.c.horizontal {
		h = max(h, float32(len(r.c.labels))*22+60)
	}
	return fyne.NewSize(320, h)
}

func (r *barChartRenderer) Refresh() {
	r.rebuild()
	canvas.Refresh(r.c)
}

func (r *barChartRenderer) Layout(size fyne.Size) {
	if size != r.size {
		r.size = size
		r.rebuild()
	}
}

func text(s string, size float32, col color.Color, bold bool) *canvas.Text {
	t := canvas.NewText(s, col)
	t.TextSize = size
	t.TextStyle.Bold = bold
	return t
}

// niceMax rounds the axis maximum up to 1, 2 or 5 × a power of ten.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// rebuild makes the canvas objects for the current size and data.
func (r *barChartRenderer) rebuild() {
	c := r.c
	size := r.size
	if size.Width <= 0 || size.Height <= 0 {
		size = r.MinSize()
	}
	fg := theme.Color(theme.ColorNameForeground)
	small := theme.CaptionTextSize()
	var objs []fyne.CanvasObject
	title := text(c.title, theme.TextSize(), fg, true)
	title.Move(fyne.NewPos(4, 0))
	objs = append(objs, title)
	top := title.MinSize().Height + 6

	// Legend, on the title's line at the right.
	if len(c.names) > 1 {
		x := size.Width
		for i := len(c.names) - 1; i >= 0; i-- {
			t := text(c.names[i], small, fg, false)
			x -= t.MinSize().Width + 4
			t.Move(fyne.NewPos(x, 3))
			sw := canvas.NewRectangle(c.colors[i%len(c.colors)])
			x -= 14
			sw.Move(fyne.NewPos(x, 6))
			sw.Resize(fyne.NewSize(10, 10))
			x -= 10
			objs = append(objs, sw, t)
		}
	}
	n := len(c.labels)
	if n == 0 {
		t := text("暂无数据", theme.TextSize(), chartAxis, false)
		t.Move(fyne.NewPos(8, top+20))
		r.objects = append(objs, t)
		return
	}
	maxV := 0.0
	for i := 0; i < n; i++ {
		maxV = math.Max(maxV, c.total(i))
	}
	axisMax := niceMax(maxV)

	if c.horizontal {
		labelW := float32(0)
		for _, l := range c.labels {
			labelW = max(labelW, text(l, small, fg, false).MinSize().Width)
		}
		labelW = min(labelW+8, size.Width*0.55)
		valueW := float32(40)
		barArea := size.Width - labelW - valueW
		rowH := (size.Height - top) / float32(n)
		barH := min(rowH*0.7, 20)
		for i, l := range c.labels {
			y := top + float32(i)*rowH
			lt := text(l, small, fg, false)
			lt.Move(fyne.NewPos(2, y+(rowH-lt.MinSize().Height)/2))
			objs = append(objs, lt)
			x := labelW
			for s, vals := range c.series {
				if i >= len(vals) || vals[i] <= 0 {
					continue
				}
				w := float32(vals[i]/axisMax) * barArea
				bar := canvas.NewRectangle(c.colors[s%len(c.colors)])
				bar.Move(fyne.NewPos(x, y+(rowH-barH)/2))
				bar.Resize(fyne.NewSize(w, barH))
				objs = append(objs, bar)
				x += w
			}
			vt := text(formatCount(c.total(i)), small, fg, false)
			vt.Move(fyne.NewPos(x+4, y+(rowH-vt.MinSize().Height)/2))
			objs = append(objs, vt)
		}
		axis := canvas.NewLine(chartAxis)
		axis.Position1, axis.Position2 = fyne.NewPos(labelW, top), fyne.NewPos(labelW, size.Height)
		r.objects = append(objs, axis)
		return
	}

	labelH := text("国", small, fg, false).MinSize().Height + 4
	axisW := float32(34)
	plotH := size.Height - top - labelH - 14 // room for the value on top
	plotTop := top + 14
	slot := (size.Width - axisW) / float32(n)
	barW := min(slot*0.7, 48)
	base := plotTop + plotH
	// Grid lines and the axis scale at 0, ½ and the maximum.
	for _, frac := range []float64{0, 0.5, 1} {
		y := base - float32(frac)*plotH
		line := canvas.NewLine(color.NRGBA{R: 0xe0, G: 0xe0, B: 0xe0, A: 0xff})
		if frac == 0 {
			line.StrokeColor = chartAxis
		}
		line.Position1, line.Position2 = fyne.NewPos(axisW, y), fyne.NewPos(size.Width, y)
		lt := text(formatCount(axisMax*frac), small, chartAxis, false)
		lt.Move(fyne.NewPos(axisW-lt.MinSize().Width-4, y-lt.MinSize().Height/2))
		objs = append(objs, line, lt)
	}
	for i, l := range c.labels {
		x := axisW + float32(i)*slot + (slot-barW)/2
		y := base
		for s, vals := range c.series {
			if i >= len(vals) || vals[i] <= 0 {
				continue
			}
			h := float32(vals[i]/axisMax) * plotH
			bar := canvas.NewRectangle(c.colors[s%len(c.colors)])
			bar.Move(fyne.NewPos(x, y-h))
			bar.Resize(fyne.NewSize(barW, h))
			objs = append(objs, bar)
			y -= h
		}
		if t := c.total(i); t > 0 {
			vt := text(formatCount(t), small, fg, false)
			vt.Move(fyne.NewPos(x+(barW-vt.MinSize().Width)/2, y-vt.MinSize().Height))
			objs = append(objs, vt)
		}
		lt := text(l, small, fg, false)
		if w := lt.MinSize().Width; w > slot {
			lt.Text = shorten(l, slot, small)
		}
		lt.Move(fyne.NewPos(axisW+float32(i)*slot+(slot-lt.MinSize().Width)/2, base+3))
		objs = append(objs, lt)
	}
	r.objects = objs
}

// shorten cuts s so that it fits width at size.
func shorten(s string, width, size float32) string {
	rs := []rune(s)
	for len(rs) > 1 {
		rs = rs[:len(rs)-1]
		if fyne.MeasureText(string(rs)+"…", size, fyne.TextStyle{}).Width <= width {
			return string(rs) + "…"
		}
	}
	return string(rs)
}

func formatCount(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%.1f", v)
}
