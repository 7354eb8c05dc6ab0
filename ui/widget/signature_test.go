package widget

import (
	"bytes"
	"image/png"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

func TestSignatureDrawExportClear(t *testing.T) {
	test.NewTempApp(t)
	s := NewSignature("请在此处签名")
	w := test.NewWindow(s)
	defer w.Close()
	w.Resize(fyne.NewSize(400, 160))
	if !s.IsEmpty() {
		t.Fatal("a new pad is not empty")
	}
	changed := 0
	s.OnChanged = func() { changed++ }

	// Mouse: press, drag, release.
	s.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(20, 80)}, Button: desktop.MouseButtonPrimary})
	s.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(120, 60)}, Dragged: fyne.NewDelta(100, -20)})
	s.MouseUp(&desktop.MouseEvent{})
	// A drag without a press (touch): the stroke starts where it began.
	test.Drag(w.Canvas(), fyne.NewPos(200, 100), 80, 10)
	strokes := s.Strokes()
	if len(strokes) != 2 || len(strokes[0]) != 2 || len(strokes[1]) != 2 || strokes[0][1] != fyne.NewPos(120, 60) {
		t.Fatalf("strokes %v", strokes)
	}
	if changed != 2 {
		t.Errorf("OnChanged called %d times, want 2", changed)
	}

	data, err := s.PNG(720, 280)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 720 || b.Dy() != 280 {
		t.Errorf("image %v", b)
	}
	dark := 0
	for y := 0; y < 280; y++ {
		for x := 0; x < 720; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x4000 {
				dark++
			}
		}
	}
	if dark < 200 {
		t.Errorf("only %d ink pixels", dark)
	}
	if r, g, b, _ := img.At(710, 10).RGBA(); r != 0xffff || g != 0xffff || b != 0xffff {
		t.Error("the background is not white")
	}

	s.Clear()
	if !s.IsEmpty() || changed != 3 {
		t.Errorf("after Clear: empty %v, changed %d", s.IsEmpty(), changed)
	}
	s.Disable()
	test.Drag(w.Canvas(), fyne.NewPos(50, 50), 40, 0)
	if !s.IsEmpty() {
		t.Error("a disabled pad took a stroke")
	}
}
