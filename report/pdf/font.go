package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jung-kurt/gofpdf"
)

// fontFamily is the family name the CJK font is registered under.
const fontFamily = "cjk"

// ErrFont: the font cannot be used to write a PDF.
var ErrFont = errors.New("PDF 字体无法使用")

// Font is the CJK TrueType font, parsed once. Parsing the 4.6 MB font takes
// about as long as writing a one-page record, so a batch parses it once
// and every document gets a copy of the parsed tables (gofpdf subsets the
// font per document when it writes the file). A Font is safe for
// concurrent use.
type Font struct {
	def   reflect.Value // gofpdf's fontDefType of the prototype document
	key   reflect.Value // its key in the fonts map
	width []uint16      // advance width by rune (0: no glyph), in 1/1000 em
}

var defaultFont = sync.OnceValues(func() (*Font, error) { return ParseFont(assets.FontTTF) })

// DefaultFont is the bundled font (assets.FontTTF), parsed on first use and
// then shared by every document of the process.
func DefaultFont() (*Font, error) { return defaultFont() }

// ParseFont checks and parses a TrueType font with glyf outlines. A
// TrueType collection (.ttc) or a CFF-flavoured OpenType font (.otf) is
// refused here: gofpdf would print an error to stdout, keep going and fail
// only when writing the file, with "undefined font".
func ParseFont(ttf []byte) (*Font, error) {
	fo, err := parseFont(ttf)
	if err != nil {
		return nil, err
	}
	// The copy must behave exactly like a font added the ordinary way.
	if err := fo.selfTest(ttf); err != nil {
		return nil, err
	}
	return fo, nil
}

func parseFont(ttf []byte) (fo *Font, err error) {
	if len(ttf) < 12 {
		return nil, fmt.Errorf("%w：字体文件为空或已损坏", ErrFont)
	}
	switch string(ttf[:4]) {
	case "ttcf":
		return nil, fmt.Errorf("%w：这是 TrueType 字体集合（.ttc），请提取其中一个字体为 .ttf", ErrFont)
	case "OTTO":
		return nil, fmt.Errorf("%w：这是 CFF 轮廓的 OpenType 字体（.otf），PDF 需要 TrueType（glyf）轮廓的 .ttf", ErrFont)
	case "\x00\x01\x00\x00", "true":
	default:
		return nil, fmt.Errorf("%w：不是 TrueType 字体文件", ErrFont)
	}
	defer func() {
		// The parser indexes the file without bounds checks: a truncated
		// font panics.
		if r := recover(); r != nil {
			fo, err = nil, fmt.Errorf("%w：字体文件已损坏（%v）", ErrFont, r)
		}
	}()
	proto := gofpdf.New("P", "mm", "A4", "")
	proto.AddUTF8FontFromBytes(fontFamily, "", ttf)
	if err := proto.Error(); err != nil {
		return nil, fmt.Errorf("%w：%v", ErrFont, err)
	}
	// gofpdf reports some parse failures only on stdout: check that the
	// font really is there.
	proto.SetFont(fontFamily, "", 10)
	if err := proto.Error(); err != nil {
		return nil, fmt.Errorf("%w：字体未能加载（%v）", ErrFont, err)
	}
	m := fontsOf(proto)
	if m.Len() != 1 {
		return nil, fmt.Errorf("%w：字体未能加载", ErrFont)
	}
	fo = &Font{key: m.MapKeys()[0]}
	fo.def = m.MapIndex(fo.key)
	cw, ok := fo.def.FieldByName("Cw").Interface().([]int)
	if !ok || len(cw) < 0x10000 {
		return nil, fmt.Errorf("%w：字体缺少字符宽度表", ErrFont)
	}
	fo.width = make([]uint16, 0x10000)
	for r := range fo.width {
		if w := cw[r]; w > 0 && w < 0xFFFF {
			fo.width[r] = uint16(w)
		}
	}
	if !fo.Has('中') || !fo.Has('A') {
		return nil, fmt.Errorf("%w：字体不含中文字形", ErrFont)
	}
	return fo, nil
}

// Has reports whether the font has a glyph for r.
func (fo *Font) Has(r rune) bool {
	return r >= 0 && r < 0x10000 && fo.width[r] > 0
}

// install gives document f its own copy of the parsed font: the parsed
// tables are shared read-only; the reader position, the subsetting state
// and the set of used characters are the document's own.
func (fo *Font) install(f *gofpdf.Fpdf) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w：无法复制已解析的字体（%v）", ErrFont, r)
		}
	}()
	def := reflect.New(fo.def.Type()).Elem()
	def.Set(fo.def)
	utf := unexported(def.FieldByName("utf8File"))
	utfCopy := reflect.New(utf.Type().Elem())
	utfCopy.Elem().Set(utf.Elem())
	reader := unexported(utfCopy.Elem().FieldByName("fileReader"))
	readerCopy := reflect.New(reader.Type().Elem())
	readerCopy.Elem().Set(reader.Elem())
	unexported(readerCopy.Elem().FieldByName("readerPosition")).SetInt(0)
	reader.Set(readerCopy)
	utf.Set(utfCopy)
	used := unexported(def.FieldByName("usedRunes"))
	usedCopy := reflect.MakeMapWithSize(used.Type(), used.Len())
	for it := used.MapRange(); it.Next(); {
		usedCopy.SetMapIndex(it.Key(), it.Value())
	}
	used.Set(usedCopy)
	fontsOf(f).SetMapIndex(fo.key, def)
	return f.Error()
}

// selfTest writes the same short text with a font added the ordinary way
// and with the shared copy; the files must be identical.
func (fo *Font) selfTest(ttf []byte) error {
	write := func(add func(f *gofpdf.Fpdf) error) ([]byte, error) {
		f := newDoc()
		if err := add(f); err != nil {
			return nil, err
		}
		f.AddPage()
		f.SetFont(fontFamily, "", 12)
		f.Text(20, 20, "检查记录表 第 1 页 共 "+pageTotalAlias+" 页 ABC 123")
		var b bytes.Buffer
		err := f.Output(&b)
		return b.Bytes(), err
	}
	plain, err := write(func(f *gofpdf.Fpdf) error { f.AddUTF8FontFromBytes(fontFamily, "", ttf); return f.Error() })
	if err != nil {
		return fmt.Errorf("%w：%v", ErrFont, err)
	}
	for i := 0; i < 2; i++ { // twice: the shared tables must not change
		shared, err := write(fo.install)
		if err != nil {
			return fmt.Errorf("%w：%v", ErrFont, err)
		}
		if !bytes.Equal(plain, shared) {
			return fmt.Errorf("%w：复制的字体与直接加载的字体输出不一致", ErrFont)
		}
	}
	return nil
}

// fontsOf is the document's (unexported) map of fonts.
func fontsOf(f *gofpdf.Fpdf) reflect.Value {
	return unexported(reflect.ValueOf(f).Elem().FieldByName("fonts"))
}

// unexported makes an unexported field settable. gofpdf is archived at
// v1.16.2 (pinned in go.mod), so its layout does not move; ParseFont's
// self-test would catch it if it did.
func unexported(v reflect.Value) reflect.Value {
	if !v.IsValid() {
		panic("gofpdf 内部结构不符")
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}
