package pdf

import (
	"strings"
	"unicode"
)

// pageTotalAlias stands for the page count until the file is written. It
// is a private-use character, which clean removes from every text taken
// from the data, so no note can collide with it.
const pageTotalAlias = "\ue000"

// clean makes text from the data printable: line breaks normalised, tabs
// as spaces, control and private-use characters dropped, and characters
// the font has no glyph for (emoji, rare characters outside the BMP)
// replaced by □ so that nothing silently disappears.
func (fo *Font) clean(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune('\n')
		case r == '\r', r == '\t', r == '\u3000' && !fo.Has(r):
			b.WriteRune(' ')
		case unicode.IsControl(r), unicode.Is(unicode.Co, r), r == '\ufeff', r == '\u200b', r == '\u200d', r == '\ufe0f':
		case unicode.Is(unicode.Mn, r) && !fo.Has(r):
		case !fo.Has(r):
			b.WriteRune('□')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// oneLine flattens text to a single line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// noLineStart are characters that must not begin a line (Chinese
// typesetting rules, 避头点); noLineEnd must not end one.
const (
	noLineStart = "，。、；：！？）」』》〉】〕”’,.;:!?)]}%…—·"
	noLineEnd   = "（「『《〈【〔“‘([{"
)

// wrap breaks text into lines no wider than width (mm) at size (pt). CJK
// text breaks between any two characters, Latin words and numbers only at
// spaces unless a word is wider than the line, and closing punctuation
// never starts a line. Explicit line breaks are kept.
func (fo *Font) wrap(text string, size, width float64) []string {
	if text == "" {
		return nil
	}
	unit := size / 72 * 25.4 / 1000 // mm per 1/1000 em
	max := width / unit
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		rs := []rune(strings.TrimRight(para, " "))
		if len(rs) == 0 {
			lines = append(lines, "")
			continue
		}
		for len(rs) > 0 {
			w, n := 0.0, 0
			for n < len(rs) {
				cw := float64(fo.width[rs[n]&0xFFFF])
				if w+cw > max && n > 0 {
					break
				}
				w += cw
				n++
			}
			if n < len(rs) {
				n = breakAt(rs, n)
			}
			line := strings.TrimRight(string(rs[:n]), " ")
			lines = append(lines, line)
			rs = rs[n:]
			for len(rs) > 0 && rs[0] == ' ' {
				rs = rs[1:]
			}
		}
	}
	return lines
}

// breakAt moves a break before rs[n] back so that no word is cut and no
// line starts with closing punctuation; it always keeps at least one rune.
func breakAt(rs []rune, n int) int {
	ok := func(i int) bool { // may the line break before rs[i]?
		if i <= 0 || i >= len(rs) {
			return i > 0
		}
		prev, next := rs[i-1], rs[i]
		if strings.ContainsRune(noLineStart, next) || strings.ContainsRune(noLineEnd, prev) {
			return false
		}
		if isWordRune(prev) && isWordRune(next) {
			return false
		}
		return true
	}
	for i := n; i > 0 && i > n-24; i-- {
		if ok(i) {
			return i
		}
	}
	// A long word or a run of punctuation: hang the punctuation if
	// possible, otherwise cut.
	if n+1 < len(rs) && strings.ContainsRune(noLineStart, rs[n]) {
		return n + 1
	}
	return n
}

func isWordRune(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_' || r == '/' || r == '@')
}

// textWidth is the width of s in mm at size pt.
func (fo *Font) textWidth(s string, size float64) float64 {
	w := 0
	for _, r := range s {
		w += int(fo.width[r&0xFFFF])
	}
	return float64(w) * size / 72 * 25.4 / 1000
}
