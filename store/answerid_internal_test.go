package store

import (
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestAnswerIDIsUUIDv5: the stack-hashed answer id is the UUIDv5 every
// device computes with uuid.NewSHA1, for short and long inputs (a long one
// does not fit the stack buffer).
func TestAnswerIDIsUUIDv5(t *testing.T) {
	for _, c := range [][2]string{
		{"01832f43-8e20-74e6-960c-72209767e8a0", "1.1"},
		{"01832f43-8e20-74e6-960c-72209767e8a0", "13.12"},
		{"", ""},
		{"x", "检查项"},
		{strings.Repeat("长", 100), strings.Repeat("y", 300)},
	} {
		want := uuid.NewSHA1(answerNamespace, []byte(c[0]+"\x00"+c[1])).String()
		if got := answerID(c[0], c[1]); got != want {
			t.Errorf("answerID(%.20q, %.20q) = %s, want %s", c[0], c[1], got, want)
		}
	}
}

// TestPlainStringList: what the fast path accepts it decodes as
// encoding/json does; anything else is left to encoding/json.
func TestPlainStringList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		ok   bool
	}{
		{`[]`, []string{}, true},
		{`["a"]`, []string{"a"}, true},
		{`["4f163ee2","检查",""]`, []string{"4f163ee2", "检查", ""}, true},
		{`["a<b&c>"]`, nil, false},
		{`["a\"b"]`, nil, false},
		{`["a\\nb"]`, nil, false},
		{`["a", "b"]`, nil, false},
		{`["a",]`, nil, false},
		{`["a"`, nil, false},
		{`[1]`, nil, false},
		{`null`, nil, false},
		{"[\"\xff\"]", nil, false},
		{"[\"a\tb\"]", nil, false},
		{``, nil, false},
	} {
		got, ok := PlainStringList(c.in)
		if ok != c.ok || (ok && strings.Join(got, "\x00") != strings.Join(c.want, "\x00")) || (ok && got == nil) {
			t.Errorf("PlainStringList(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok {
			var viaJSON []string
			if err := jsonUnmarshal(c.in, &viaJSON); err != nil || strings.Join(viaJSON, "\x00") != strings.Join(got, "\x00") || len(viaJSON) != len(got) {
				t.Errorf("PlainStringList(%q) = %q, encoding/json %q (%v)", c.in, got, viaJSON, err)
			}
		}
	}
}
