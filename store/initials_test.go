package store

import (
	"testing"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// TestInitialsTableMatchesPinyin checks the generated table against the
// library it was made from: every rune that go-pinyin gives an initial
// (and every other Han rune, which must give none) and some mixed names.
func TestInitialsTableMatchesPinyin(t *testing.T) {
	args := pinyin.NewArgs()
	args.Style = pinyin.FirstLetter
	want := func(name string) string { // Initials as it was, with the library
		var b []rune
		for _, r := range name {
			switch {
			case unicode.Is(unicode.Han, r):
				if p := pinyin.Pinyin(string(r), args); len(p) > 0 && len(p[0]) > 0 {
					b = append(b, []rune(p[0][0])...)
				}
			case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
				b = append(b, unicode.ToLower(r))
			}
		}
		return string(b)
	}
	withInitial, bad := 0, 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.Is(unicode.Han, r) {
			if r >= unicode.MaxASCII && Initials(string(r)) != "" {
				t.Errorf("%U (not Han): initials %q", r, Initials(string(r)))
			}
			continue
		}
		got, w := Initials(string(r)), want(string(r))
		if got != w {
			if bad++; bad <= 20 {
				t.Errorf("%U %c: Initials %q, go-pinyin %q", r, r, got, w)
			}
		}
		if w != "" {
			withInitial++
		}
	}
	if bad > 0 {
		t.Fatalf("%d runes differ from go-pinyin: run go generate ./store", bad)
	}
	if len(pinyin.PinyinDict) < withInitial || withInitial < 40000 {
		t.Errorf("%d Han runes with an initial, go-pinyin's dictionary has %d entries", withInitial, len(pinyin.PinyinDict))
	}
	for _, name := range []string{"怡乐花园", "A区3号", "鼓楼区·五四路 12 号", "𠀀𠀁", "Ünïcödé 〇 乐乐", ""} {
		if got, w := Initials(name), want(name); got != w {
			t.Errorf("Initials(%q) = %q, go-pinyin %q", name, got, w)
		}
	}
	if got := Initials("怡乐花园"); got != "ylhy" {
		t.Errorf("Initials(怡乐花园) = %q, want ylhy", got)
	}
}
