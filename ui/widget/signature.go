// Package widget holds 家园巡检's custom Fyne widgets: the signature pad
// that inspectors and the property company's representative sign on.
package widget

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Signature is a pad to sign on with the mouse (press and drag), a pen or
// a finger (touch). Strokes are drawn with canvas lines and exported as a
// PNG with PNG.
type Signature struct {
	widget.BaseWidget

	// Hint is shown on the empty pad, e.g. 「请在此处签名」.
	Hint string
	// OnChanged is called after every finished stroke and after Clear.
	OnChanged func()

	mu       sync.Mutex
	strokes  [][]fyne.Position
	drawing  bool // a stroke is in progress
	disabled bool
}

var (
	_ fyne.Draggable      = (*Signature)(nil)
	_ desktop.Mouseable   = (*Signature)(nil)
	_ mobile.Touchable    = (*Signature)(nil)
	_ fyne.Disableable    = (*Signature)(nil)
	_ fyne.WidgetRenderer = (*signatureRenderer)(nil)
)

// NewSignature returns an empty pad.
func NewSignature(hint string) *Signature {
	s := &Signature{Hint: hint}
	s.ExtendBaseWidget(s)
	return s
}

// MinSize is large enough to sign a Chinese name.
func (s *Signature) MinSize() fyne.Size {
	s.ExtendBaseWidget(s)
	return fyne.NewSize(360, 140)
}

// IsEmpty reports whether nothing has been drawn.
func (s *Signature) IsEmpty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.strokes) == 0
}

// Clear wipes the pad.
func (s *Signature) Clear() {
	s.mu.Lock()
	s.strokes, s.drawing = nil, false
	s.mu.Unlock()
	s.Refresh()
	s.changed()
}

// Strokes returns a copy of the strokes, in widget coordinates.
func (s *Signature) Strokes() [][]fyne.Position {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]fyne.Position, len(s.strokes))
	for i, st := range s.strokes {
		out[i] = append([]fyne.Position(nil), st...)
	}
	return out
}

// Disable stops the pad taking strokes (a signed record).
func (s *Signature) Disable() { s.disabled = true; s.Refresh() }

// Enable lets the pad take strokes again.
func (s *Signature) Enable() { s.disabled = false; s.Refresh() }

// Disabled reports whether the pad takes strokes.
func (s *Signature) Disabled() bool { return s.disabled }

func (s *Signature) begin(p fyne.Position) {
	if s.disabled {
		return
	}
	s.mu.Lock()
	s.strokes = append(s.strokes, []fyne.Position{s.clamp(p)})
	s.drawing = true
	s.mu.Unlock()
	s.Refresh()
}

func (s *Signature) extend(p fyne.Position) {
	if s.disabled {
		return
	}
	s.mu.Lock()
	if !s.drawing || len(s.strokes) == 0 {
		s.mu.Unlock()
		return
	}
	last := &s.strokes[len(s.strokes)-1]
	*last = append(*last, s.clamp(p))
	s.mu.Unlock()
	s.Refresh()
}

func (s *Signature) end() {
	s.mu.Lock()
	was := s.drawing
	s.drawing = false
	s.mu.Unlock()
	if was {
		s.changed()
	}
}

func (s *Signature) changed() {
	if s.OnChanged != nil {
		s.OnChanged()
	}
}

func (s *Signature) clamp(p fyne.Position) fyne.Position {
	sz := s.Size()
	return fyne.NewPos(float32(math.Max(0, math.Min(float64(p.X), float64(sz.Width)))),
		float32(math.Max(0, math.Min(float64(p.Y), float64(sz.Height)))))
}

// Dragged extends the stroke (mouse drag, or touch move); a drag that did
// not start with a press starts its stroke where the drag began.
func (s *Signature) Dragged(e *fyne.DragEvent) {
	s.mu.Lock()
	drawing := s.drawing
	s.mu.Unlock()
	if !drawing {
		s.begin(e.Position.Subtract(e.Dragged))
	}
	s.extend(e.Position)
}

// DragEnd finishes the stroke.
func (s *Signature) DragEnd() { s.end() }

// MouseDown starts a stroke (a click alone leaves a dot).
func (s *Signature) MouseDown(e *desktop.MouseEvent) {
	if e.Button == desktop.MouseButtonPrimary {
		s.begin(e.Position)
	}
}

// MouseUp finishes the stroke.
func (s *Signature) MouseUp(*desktop.MouseEvent) { s.end() }

// TouchDown starts a stroke.
func (s *Signature) TouchDown(e *mobile.TouchEvent) { s.begin(e.Position) }

// TouchUp finishes the stroke.
func (s *Signature) TouchUp(*mobile.TouchEvent) { s.end() }

// TouchCancel finishes the stroke.
func (s *Signature) TouchCancel(*mobile.TouchEvent) { s.end() }

// Image renders the signature in black on white at w×h pixels, scaled
// from the pad's size.
func (s *Signature) Image(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	sz := s.Size()
	if sz.Width <= 0 || sz.Height <= 0 {
		sz = s.MinSize()
	}
	sx, sy := float64(w)/float64(sz.Width), float64(h)/float64(sz.Height)
	radius := math.Max(1.5, 1.6*math.Min(sx, sy))
	ink := color.RGBA{A: 0xff}
	for _, st := range s.Strokes() {
		for i := range st {
			a := st[i]
			b := a
			if i+1 < len(st) {
				b = st[i+1]
			}
			stampLine(img, float64(a.X)*sx, float64(a.Y)*sy, float64(b.X)*sx, float64(b.Y)*sy, radius, ink)
		}
	}
	return img
}

// PNG encodes Image(w, h).
func (s *Signature) PNG(w, h int) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, s.Image(w, h)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// stampLine draws a round-ended thick line by stamping discs along it.
func stampLine(img *image.RGBA, x0, y0, x1, y1, r float64, c color.RGBA) {
	n := int(math.Ceil(math.Hypot(x1-x0, y1-y0)/(r/2))) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		cx, cy := x0+(x1-x0)*t, y0+(y1-y0)*t
		for y := int(cy - r); y <= int(cy+r)+1; y++ {
			for x := int(cx - r); x <= int(cx+r)+1; x++ {
				if (float64(x)-cx)*(float64(x)-cx)+(float64(y)-cy)*(float64(y)-cy) <= r*r &&
					image.Pt(x, y).In(img.Rect) {
					img.SetRGBA(x, y, c)
				}
			}
		}
	}
}

// CreateRenderer draws the pad: a white sheet with a baseline, the hint
// while empty, and the strokes as lines.
func (s *Signature) CreateRenderer() fyne.WidgetRenderer {
	s.ExtendBaseWidget(s)
	r := &signatureRenderer{
		s:        s,
		bg:       canvas.NewRectangle(color.White),
		baseline: canvas.NewLine(color.NRGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff}),
		hint:     canvas.NewText(s.Hint, color.NRGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}),
	}
	r.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.bg.StrokeWidth = 1
	r.hint.TextSize = theme.TextSize()
	r.Refresh()
	return r
}

type signatureRenderer struct {
	s        *Signature
	bg       *canvas.Rectangle
	baseline *canvas.Line
	hint     *canvas.Text
	lines    []fyne.CanvasObject
}

func (r *signatureRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.baseline.Position1 = fyne.NewPos(16, size.Height*0.75)
	r.baseline.Position2 = fyne.NewPos(size.Width-16, size.Height*0.75)
	hs := r.hint.MinSize()
	r.hint.Move(fyne.NewPos((size.Width-hs.Width)/2, size.Height*0.75-hs.Height-4))
	r.hint.Resize(hs)
}

func (r *signatureRenderer) MinSize() fyne.Size { return r.s.MinSize() }

func (r *signatureRenderer) Refresh() {
	strokes := r.s.Strokes()
	ink := color.NRGBA{R: 0x10, G: 0x10, B: 0x30, A: 0xff}
	if r.s.disabled {
		ink = color.NRGBA{R: 0x60, G: 0x60, B: 0x70, A: 0xff}
	}
	r.lines = r.lines[:0]
	for _, st := range strokes {
		if len(st) == 1 {
			dot := canvas.NewCircle(ink)
			dot.Move(st[0].SubtractXY(1.5, 1.5))
			dot.Resize(fyne.NewSize(3, 3))
			r.lines = append(r.lines, dot)
			continue
		}
		for i := 1; i < len(st); i++ {
			l := canvas.NewLine(ink)
			l.StrokeWidth = 2.5
			l.Position1, l.Position2 = st[i-1], st[i]
			r.lines = append(r.lines, l)
		}
	}
	r.hint.Text = r.s.Hint
	if len(strokes) == 0 && !r.s.disabled {
		r.hint.Show()
	} else {
		r.hint.Hide()
	}
	r.bg.Refresh()
	r.hint.Refresh()
	r.Layout(r.s.Size())
	canvas.Refresh(r.s)
}

func (r *signatureRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.bg, r.baseline, r.hint}, r.lines...)
}

func (r *signatureRenderer) Destroy() {}
