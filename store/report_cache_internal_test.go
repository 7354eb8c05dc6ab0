package store

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// TestReportBlobRoundTrip encodes random answers and decodes them back
// exactly (nil and empty lists kept apart), and decodes every truncation
// and many mutations of a blob, with a fixed-up checksum too, without a
// panic: each gives an error or answers that encode to the same blob.
func TestReportBlobRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	strs := []string{"", "符合", "a", "门禁\n损坏", "\x00", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
	list := func() []string {
		switch rng.IntN(3) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		l := make([]string, 1+rng.IntN(3))
		for i := range l {
			l[i] = strs[rng.IntN(len(strs))]
		}
		return l
	}
	results := []inspection.Result{inspection.Unanswered, inspection.Pass, inspection.Fail, inspection.NA}
	for round := range 300 {
		answers := map[string]inspection.Answer{}
		for i := range rng.IntN(50) {
			code := string(rune('A'+i%26)) + string(rune('0'+i/26))
			a := inspection.Answer{InspectionID: "rec", ItemCode: code, Result: results[rng.IntN(4)], Choices: list(),
				Text: strs[rng.IntN(len(strs))], Note: strs[rng.IntN(len(strs))], Photos: list()}
			if rng.IntN(2) == 0 {
				v := rng.NormFloat64() * 100
				a.Value = &v
			}
			answers[code] = a
		}
		blob, err := encodeReportAnswers(answers)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeReportAnswers("rec", blob)
		if err != nil || !reflect.DeepEqual(got, answers) || !sameAnswers(got, answers) {
			t.Fatalf("round %d: %v\n got %+v\nwant %+v", round, err, got, answers)
		}
		for n := range len(blob) {
			if _, err := decodeReportAnswers("rec", blob[:n]); err == nil {
				t.Fatalf("round %d: a blob cut to %d of %d bytes decoded", round, n, len(blob))
			}
		}
		for range 50 {
			bad := bytes.Clone(blob)
			bad[rng.IntN(len(bad)-4)] ^= byte(1 + rng.IntN(255))
			if _, err := decodeReportAnswers("rec", bad); err == nil {
				t.Fatalf("round %d: a changed blob passed its checksum", round)
			}
			// With the checksum made right, the structure checks must hold.
			body := bad[:len(bad)-4]
			binary.LittleEndian.PutUint32(bad[len(bad)-4:], crc32.Checksum(body, crcTable))
			if got, err := decodeReportAnswers("rec", bad); err == nil {
				again, err := encodeReportAnswers(got)
				if err != nil || !bytes.Equal(again, bad) {
					t.Fatalf("round %d: a changed blob decoded to answers that encode differently", round)
				}
			}
		}
	}
}
