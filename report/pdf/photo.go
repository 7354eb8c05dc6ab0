package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	_ "image/png" // drawn signatures and screenshots may be PNG
	"reflect"

	"github.com/jung-kurt/gofpdf"
)

func reflectInt(i int) reflect.Value { return reflect.ValueOf(i) }

// imageInfo registers a photo once per file. JPEGs are embedded as they
// are (no re-encoding: fast, and the print keeps the stored quality);
// other formats are decoded and re-encoded as JPEG. A photo that cannot
// be fetched or read is not an error: the page shows a placeholder saying
// why, and the rest of the record prints.
func (p *printer) imageInfo(sha string) (*gofpdf.ImageInfoType, string) {
	if info, ok := p.images[sha]; ok {
		return info, ""
	}
	if why, ok := p.badImages[sha]; ok {
		return nil, why
	}
	info, why := p.register(sha)
	if info == nil {
		p.badImages[sha] = why
		return nil, why
	}
	p.images[sha] = info
	return info, ""
}

func (p *printer) register(sha string) (*gofpdf.ImageInfoType, string) {
	if p.doc.Photo == nil {
		return nil, "照片未随记录提供"
	}
	data, err := p.doc.Photo(sha)
	if err != nil || len(data) == 0 {
		return nil, "照片缺失"
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "照片无法识别"
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || float64(cfg.Width)*float64(cfg.Height) > 60e6 {
		return nil, "照片尺寸异常"
	}
	ok := format == "jpeg" && (cfg.ColorModel == color.YCbCrModel || cfg.ColorModel == color.GrayModel || cfg.ColorModel == color.CMYKModel)
	if !ok {
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, "照片已损坏"
		}
		// Flatten transparency onto white: JPEG has no alpha.
		flat := image.NewRGBA(img.Bounds())
		draw.Draw(flat, flat.Bounds(), image.White, image.Point{}, draw.Src)
		draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Over)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, flat, &jpeg.Options{Quality: 85}); err != nil {
			return nil, "照片无法转换"
		}
		data = buf.Bytes()
	}
	info := p.f.RegisterImageOptionsReader(sha, gofpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(data))
	if err := p.f.Error(); err != nil || info == nil {
		// Checked above, so this should not happen; keep the document.
		p.f.ClearError()
		return nil, "照片无法嵌入"
	}
	return info, ""
}

// fitBox scales an image of size (iw, ih) into (w, h), keeping its aspect
// ratio.
func fitBox(iw, ih, w, h float64) (float64, float64) {
	if iw <= 0 || ih <= 0 {
		return w, h
	}
	s := w / iw
	if ih*s > h {
		s = h / ih
	}
	return iw * s, ih * s
}

// image draws a photo fitted into the box (x, y, w, h), centred
// horizontally when center is set, or a placeholder.
func (p *printer) image(sha string, x, y, w, h float64, center bool) {
	info, why := p.imageInfo(sha)
	if info == nil {
		p.placeholder(sha, why, x, y, w, h)
		return
	}
	dw, dh := fitBox(info.Width(), info.Height(), w, h)
	dx := x
	if center {
		dx = x + (w-dw)/2
	}
	p.f.ImageOptions(sha, dx, y+(h-dh)/2, dw, dh, false, gofpdf.ImageOptions{ImageType: "JPG"}, 0, "")
}

func (p *printer) placeholder(sha, why string, x, y, w, h float64) {
	p.stroke(rule)
	p.f.SetDashPattern([]float64{1, 1}, 0)
	p.f.Rect(x, y, w, h, "D")
	p.f.SetDashPattern(nil, 0)
	msg := p.fit(why, smallSize, w-2)
	p.text(x+(w-p.fo.textWidth(msg, smallSize))/2, y+h/2-lineH(smallSize), smallSize, gray, msg)
	id := p.fit(shortDigest(p.fo.clean(sha)), smallSize, w-2)
	p.text(x+(w-p.fo.textWidth(id, smallSize))/2, y+h/2, smallSize, gray, id)
}

// Photo layout: up to three per line under the item, each at most
// photoMaxH high, never split across pages.
const (
	photoPerLine = 3
	photoGap     = 4.0
	photoMaxH    = 52.0
	captionH     = 4.0
)

func photoBoxW() float64 {
	return (contentW - itemWidths[0] - 2*padX - photoGap*(photoPerLine-1)) / photoPerLine
}

// photoSizes is the drawn size of each photo of a line, and the tallest.
func (p *printer) photoSizes(shas []string) ([][2]float64, float64) {
	boxW := photoBoxW()
	sizes := make([][2]float64, len(shas))
	lineMax := 0.0
	for i, sha := range shas {
		w, h := boxW, photoMaxH*0.6
		if info, _ := p.imageInfo(sha); info != nil {
			w, h = fitBox(info.Width(), info.Height(), boxW, photoMaxH)
		}
		sizes[i] = [2]float64{w, h}
		lineMax = maxf(lineMax, h)
	}
	return sizes, lineMax
}

func (p *printer) photoLineHeight(shas []string) float64 {
	_, h := p.photoSizes(shas)
	return h + captionH + 2*padY
}

// photos draws an item's evidence photos in lines of up to three, inside
// the item table. A line that does not fit on the page starts a new page
// (the table header is repeated); a photo keeps its aspect ratio and is
// never larger than its box, so it cannot overflow the page.
func (p *printer) photos(code string, shas []string) {
	left := marginL + itemWidths[0]
	areaW := contentW - itemWidths[0]
	boxW := photoBoxW()
	for start := 0; start < len(shas); start += photoPerLine {
		end := min(start+photoPerLine, len(shas))
		sizes, lineMax := p.photoSizes(shas[start:end])
		rowH := lineMax + captionH + 2*padY
		p.need(rowH)
		top := p.y
		p.stroke(rule)
		p.f.SetLineWidth(0.2)
		p.f.Rect(marginL, top, itemWidths[0], rowH, "D")
		p.f.Rect(left, top, areaW, rowH, "D")
		p.text(marginL+(itemWidths[0]-p.fo.textWidth("照片", smallSize))/2, top+padY, smallSize, gray, "照片")
		x := left + padX
		for i, sha := range shas[start:end] {
			w, h := sizes[i][0], sizes[i][1]
			p.image(sha, x+(boxW-w)/2, top+padY+(lineMax-h), w, h, true)
			caption := fmt.Sprintf("%s 照片 %d/%d", code, start+i+1, len(shas))
			caption = p.fit(p.fo.clean(caption), smallSize, boxW)
			p.text(x+(boxW-p.fo.textWidth(caption, smallSize))/2, top+padY+lineMax+0.3, smallSize, gray, caption)
			x += boxW + photoGap
		}
		p.y = top + rowH
	}
}
