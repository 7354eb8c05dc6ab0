package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
)

// photoCount is how many distinct evidence pictures the demo draws; they
// are reused across inspections (the store keeps each once).
const photoCount = 12

// photoSet draws the demo's evidence pictures on first use.
type photoSet struct {
	jpegs [photoCount][]byte
}

// get returns picture i (mod photoCount) as a JPEG.
func (s *photoSet) get(i int) ([]byte, error) {
	i %= photoCount
	if s.jpegs[i] == nil {
		var b bytes.Buffer
		if err := jpeg.Encode(&b, drawPhoto(i), &jpeg.Options{Quality: 80}); err != nil {
			return nil, err
		}
		s.jpegs[i] = b.Bytes()
	}
	return s.jpegs[i], nil
}

// Sky and ground colours of the pictures, one pair each.
var palette = [photoCount][2]color.RGBA{
	{{135, 190, 235, 255}, {96, 140, 80, 255}},
	{{250, 200, 150, 255}, {120, 110, 100, 255}},
	{{170, 205, 230, 255}, {150, 150, 150, 255}},
	{{200, 220, 250, 255}, {80, 120, 70, 255}},
	{{230, 230, 240, 255}, {170, 120, 90, 255}},
	{{120, 170, 220, 255}, {110, 110, 120, 255}},
	{{255, 220, 180, 255}, {90, 130, 90, 255}},
	{{190, 210, 230, 255}, {140, 100, 80, 255}},
	{{160, 200, 240, 255}, {130, 140, 110, 255}},
	{{240, 210, 200, 255}, {100, 100, 100, 255}},
	{{150, 180, 210, 255}, {70, 110, 60, 255}},
	{{220, 235, 245, 255}, {160, 140, 120, 255}},
}

// drawPhoto draws a 256×192 picture of a residential block: a sky-to-ground
// gradient, a sun, a building with windows and a notice board, arranged
// differently for each i.
func drawPhoto(i int) image.Image {
	const w, h = 256, 192
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	sky, ground := palette[i%photoCount][0], palette[i%photoCount][1]
	horizon := 120 + (i*7)%32
	for y := 0; y < h; y++ {
		var c color.RGBA
		if y < horizon {
			c = mix(sky, color.RGBA{255, 255, 255, 255}, float64(y)/float64(horizon)*0.6)
		} else {
			c = mix(ground, color.RGBA{40, 40, 40, 255}, float64(y-horizon)/float64(h-horizon)*0.5)
		}
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	// The sun.
	cx, cy, rad := 30+(i*53)%190, 24+(i*17)%32, 11+i%3*3
	for y := cy - rad; y <= cy+rad; y++ {
		for x := cx - rad; x <= cx+rad; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= rad*rad && image.Pt(x, y).In(img.Rect) {
				img.SetRGBA(x, y, color.RGBA{255, 230, 120, 255})
			}
		}
	}
	// A building with a grid of windows.
	bx, bw := 20+(i*37)%120, 72+(i*13)%48
	by := 45 + (i*11)%40
	wall := color.RGBA{uint8(200 - i*8), uint8(190 - i*5), uint8(170 + i*6), 255}
	fill(img, image.Rect(bx, by, bx+bw, horizon+10), wall)
	for y := by + 10; y+12 < horizon; y += 20 {
		for x := bx + 8; x+12 < bx+bw; x += 18 {
			fill(img, image.Rect(x, y, x+10, y+12), color.RGBA{70, 100, 140, 255})
		}
	}
	// A notice board (公示牌) on posts.
	nx := (bx + bw + 20 + i*9) % (w - 70)
	fill(img, image.Rect(nx+8, horizon-10, nx+12, horizon+30), color.RGBA{90, 90, 90, 255})
	fill(img, image.Rect(nx+48, horizon-10, nx+52, horizon+30), color.RGBA{90, 90, 90, 255})
	fill(img, image.Rect(nx, horizon-45, nx+60, horizon-8), color.RGBA{200, 40, 40, 255})
	fill(img, image.Rect(nx+4, horizon-41, nx+56, horizon-12), color.RGBA{250, 245, 235, 255})
	for k := 0; k < 3; k++ {
		fill(img, image.Rect(nx+8, horizon-36+k*8, nx+52-k*10, horizon-33+k*8), color.RGBA{60, 60, 60, 255})
	}
	return img
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}
