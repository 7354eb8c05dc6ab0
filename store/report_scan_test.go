package store

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestStringListAsJSON checks the reports' decoder of choices and photos
// against encoding/json: the same lists for valid input, an error for
// invalid input.
func TestStringListAsJSON(t *testing.T) {
	cases := []string{
		`[]`, `null`, `["a"]`, `["养老","快递收发"]`, `["` + "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea" + `","ab"]`,
		`[""]`, `["",""]`, `["a b"]`, `[ "a" ]`, `["a\"b"]`, `["\u517b"]`, `["a\nb"]`, `["a","b",]`, `["a",]`, `[,"a"]`,
		`["a""b"]`, `["a"`, `"a"]`, `[1]`, `["a",1]`, `[null]`, ``, `[`, `]`, `["` + "\xff" + `"]`, `["` + "\x01" + `"]`,
		`{"a":1}`, `["a"] `, `["a"],`, `["a",,"b"]`, `["x","y","z"]`, `["a\\"]`, `["\/"]`,
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{`"`, `,`, `[`, `]`, `a`, `养`, `\`, ` `, `1`, "\x00", "\xe5"}
	for range 20000 {
		b := "["
		for range r.IntN(8) {
			b += alphabet[r.IntN(len(alphabet))]
		}
		if r.IntN(2) == 0 {
			b += "]"
		}
		cases = append(cases, b)
	}
	for _, s := range cases {
		var want []string
		werr := json.Unmarshal([]byte(s), &want)
		got, err := stringList(s)
		if (werr != nil) != (err != nil) {
			t.Fatalf("%q: error %v, encoding/json says %v", s, err, werr)
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %#v, encoding/json gives %#v", s, got, want)
		}
	}
}
