package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// Generated evidence photos: small (160×120) JPEGs of a residential block,
// drawn from the seed and the photo's number (community, visit photo), so
// every photo differs (its number is also drawn as a strip of blocks) and
// the same number gives the same bytes in every file generated from the
// seed — a photo in a district's package is the one in the city's file.

const genPhotoW, genPhotoH = 160, 120

// genPhotoID names one generated photo.
type genPhotoID struct {
	community int
	n         int // the community's n-th photo
}

func genPhoto(seed uint64, id genPhotoID) (store.Photo, error) {
	r := rand.New(rand.NewPCG(seed^0x70686f746f, uint64(id.community)<<16|uint64(id.n)))
	img := image.NewRGBA(image.Rect(0, 0, genPhotoW, genPhotoH))
	pal := palette[r.IntN(photoCount)]
	sky, ground := pal[0], pal[1]
	jitter := func(c color.RGBA) color.RGBA {
		j := func(v uint8) uint8 { return uint8(max(0, min(255, int(v)+r.IntN(41)-20))) }
		return color.RGBA{j(c.R), j(c.G), j(c.B), 255}
	}
	sky, ground = jitter(sky), jitter(ground)
	horizon := 70 + r.IntN(30)
	for y := 0; y < genPhotoH; y++ {
		var c color.RGBA
		if y < horizon {
			c = mix(sky, color.RGBA{255, 255, 255, 255}, float64(y)/float64(horizon)*0.6)
		} else {
			c = mix(ground, color.RGBA{40, 40, 40, 255}, float64(y-horizon)/float64(genPhotoH-horizon)*0.5)
		}
		row := img.Pix[y*img.Stride : y*img.Stride+genPhotoW*4]
		for x := 0; x < genPhotoW; x++ {
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = c.R, c.G, c.B, 255
		}
	}
	// One to three buildings with windows.
	for b := 0; b < 1+r.IntN(3); b++ {
		bx, bw := r.IntN(genPhotoW-40), 30+r.IntN(50)
		by := 10 + r.IntN(horizon-20)
		wall := jitter(color.RGBA{uint8(150 + r.IntN(80)), uint8(140 + r.IntN(80)), uint8(120 + r.IntN(100)), 255})
		fill(img, image.Rect(bx, by, bx+bw, horizon+6), wall)
		win := color.RGBA{uint8(50 + r.IntN(40)), uint8(80 + r.IntN(40)), uint8(120 + r.IntN(40)), 255}
		for y := by + 5; y+7 < horizon; y += 11 {
			for x := bx + 4; x+6 < bx+bw; x += 10 {
				fill(img, image.Rect(x, y, x+6, y+7), win)
			}
		}
	}
	// A notice board (公示牌), a fire lane marking or bins, somewhere.
	nx := r.IntN(genPhotoW - 40)
	switch r.IntN(3) {
	case 0:
		fill(img, image.Rect(nx, horizon-28, nx+36, horizon-4), color.RGBA{200, 40, 40, 255})
		fill(img, image.Rect(nx+3, horizon-25, nx+33, horizon-7), color.RGBA{250, 245, 235, 255})
		for k := 0; k < 3; k++ {
			fill(img, image.Rect(nx+5, horizon-22+k*5, nx+31-k*6, horizon-20+k*5), color.RGBA{60, 60, 60, 255})
		}
	case 1:
		fill(img, image.Rect(0, horizon+12, genPhotoW, horizon+16), color.RGBA{230, 200, 40, 255})
		fill(img, image.Rect(nx, horizon+17, nx+34, horizon+20), color.RGBA{230, 200, 40, 255})
	default:
		for k, c := range []color.RGBA{{40, 120, 60, 255}, {60, 90, 170, 255}, {190, 50, 50, 255}, {110, 110, 110, 255}} {
			fill(img, image.Rect(nx+k*9, horizon+4, nx+k*9+7, horizon+16), c)
		}
	}
	// The photo's number as 32 blocks of 3×3 along the bottom edge.
	code := uint32(id.community)<<8 ^ uint32(id.n)
	for bit := 0; bit < 32; bit++ {
		c := color.RGBA{30, 30, 30, 255}
		if code>>bit&1 == 1 {
			c = color.RGBA{240, 240, 240, 255}
		}
		fill(img, image.Rect(4+bit*4, genPhotoH-5, 7+bit*4, genPhotoH-2), c)
	}
	var buf bytes.Buffer
	buf.Grow(6 << 10)
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75}); err != nil {
		return store.Photo{}, err
	}
	sum := sha256.Sum256(buf.Bytes())
	return store.Photo{SHA256: hex.EncodeToString(sum[:]), Mime: "image/jpeg", Width: genPhotoW, Height: genPhotoH, Data: buf.Bytes()}, nil
}
