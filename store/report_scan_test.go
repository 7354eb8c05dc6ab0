package store

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
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

// TestSignatureListAsJSON checks the decoder of an inspection's signatures
// against encoding/json: signatures as json.Marshal writes them (plain,
// with escapes, in several time zones), then each of them cut and with
// one byte changed, and hand-written odd cases. The same signatures (time
// zones included) for valid input, an error for invalid input.
func TestSignatureListAsJSON(t *testing.T) {
	cases := []string{`[]`, `null`, ``, `[`, `[{}]`, `[{"name":"a"}]`, `{"name":"a"}`,
		`[{"name":"a","role":"b","image_sha":"","signed_at":"2024-01-02T03:04:05+08:00"} ]`,
		`[{"Name":"a","role":"b","image_sha":"","signed_at":"2024-01-02T03:04:05+08:00"}]`,
		`[{"name":"a","role":"b","image_sha":"","signed_at":"2024-01-02T03:04:05+08:00","x":1}]`,
		`[{"name":"a","role":"b","image_sha":"","signed_at":"2024-01-02 03:04:05"}]`,
		`[{"name":"a","role":"b","image_sha":"","signed_at":"2024-01-02T03:04:05+08:00"},]`,
		`[{"name":"a","name":"c","role":"b","image_sha":"","signed_at":"2024-01-02T03:04:05Z"}]`,
		`[{"name":"a","role":"b","image_sha":"","signed_at":null}]`,
	}
	r := rand.New(rand.NewPCG(3, 4))
	plain := []string{"刘洋", "检查员", "a", " ", "3f79bb7b", "物业服务企业代表"}
	odd := []string{`"`, `\`, "\n", "\x01", "\xff", "<", "&", "\u2028", "/"} // escaped or replaced by json.Marshal
	text := func() string {
		s := ""
		for range r.IntN(4) {
			if r.IntN(40) == 0 {
				s += odd[r.IntN(len(odd))]
			} else {
				s += plain[r.IntN(len(plain))]
			}
		}
		return s
	}
	zones := []*time.Location{time.UTC, time.Local, time.FixedZone("", 8*3600), time.FixedZone("CST", 8*3600), time.FixedZone("", -5*3600-1800)}
	for range 4000 {
		sigs := make([]inspection.Signature, r.IntN(4))
		for i := range sigs {
			at := time.Unix(r.Int64N(2e9), r.Int64N(3)*int64(r.IntN(1e9))).In(zones[r.IntN(len(zones))])
			sigs[i] = inspection.Signature{Name: text(), Role: text(), ImageSHA: text(), SignedAt: at}
		}
		b, err := json.Marshal(sigs)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		cases = append(cases, s, s[:r.IntN(len(s)+1)])
		m := []byte(s)
		const bytes = `"{}[],:\ a0Z+`
		m[r.IntN(len(m))] = bytes[r.IntN(len(bytes))]
		cases = append(cases, string(m))
	}
	fast := 0
	for _, s := range cases {
		var want []inspection.Signature
		werr := json.Unmarshal([]byte(s), &want)
		got, err := signatureList(s)
		if (werr != nil) != (err != nil) {
			t.Fatalf("%q: error %v, encoding/json says %v", s, err, werr)
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %#v, encoding/json gives %#v", s, got, want)
		}
		if _, ok := plainSignatures(s); ok {
			fast++
		}
	}
	if fast < 2000 {
		t.Fatalf("only %d of %d inputs read directly: the test no longer covers the direct reading", fast, len(cases))
	}
}
