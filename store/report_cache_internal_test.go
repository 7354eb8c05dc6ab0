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

// TestReportSummaryBlobRoundTrip: summary blobs (report_summary.go) of
// random answers and score cards decode back exactly — the answers sorted
// by code without notes or photos, the score card field for field, nil
// and empty lists kept apart — and every truncation, every changed byte
// and a blob of another format version are refused; with the checksum
// fixed up, a changed blob either fails its structure checks or decodes
// to what encodes to it.
func TestReportSummaryBlobRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
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
	str := func() string { return strs[rng.IntN(len(strs))] }
	f := func() float64 { return rng.NormFloat64() * 100 }
	results := []inspection.Result{inspection.Unanswered, inspection.Pass, inspection.Fail, inspection.NA}
	for round := range 300 {
		answers := map[string]inspection.Answer{}
		for i := range rng.IntN(50) {
			code := string(rune('A'+i%26)) + string(rune('0'+i/26))
			a := inspection.Answer{InspectionID: "rec", ItemCode: code, Result: results[rng.IntN(4)], Choices: list(),
				Text: str(), Note: str(), Photos: list()}
			if rng.IntN(2) == 0 {
				v := f()
				a.Value = &v
			}
			answers[code] = a
		}
		var sc inspection.ScoreCard
		if n := rng.IntN(5); n > 0 {
			sc.Sections = make([]inspection.SectionScore, n-1)
			for i := range sc.Sections {
				sc.Sections[i] = inspection.SectionScore{Code: str(), Title: str(), Weight: f(), PassedWeight: f(), ApplicableWeight: f(),
					Score: f(), HasApplicable: rng.IntN(2) == 0, Passed: rng.IntN(300), Failed: rng.IntN(3), NA: rng.IntN(200), Unanswered: rng.IntN(5)}
			}
		}
		sc.Total, sc.Defined = f(), rng.IntN(2) == 0
		if n := rng.IntN(4); n > 0 {
			sc.Vetoes = make([]inspection.VetoFinding, n-1)
			for i := range sc.Vetoes {
				sc.Vetoes[i] = inspection.VetoFinding{ItemCode: str(), Section: str(), Text: str(), Reason: str()}
			}
		}
		sc.Scorable, sc.Judged, sc.Failed = rng.IntN(1000), rng.IntN(1000), list()
		blob, err := encodeReportSummary(answers, sc)
		if err != nil {
			t.Fatal(err)
		}
		got, gotSC, err := decodeReportSummary("rec", blob)
		if err != nil || !reflect.DeepEqual(got, summaryAnswers(answers)) || !reflect.DeepEqual(gotSC, sc) {
			t.Fatalf("round %d: %v\n got %+v %+v\nwant %+v %+v", round, err, got, gotSC, summaryAnswers(answers), sc)
		}
		for i, a := range got {
			if want := answers[a.ItemCode]; a.Note != "" || a.Photos != nil || (want.Value == nil) != (a.Value == nil) {
				t.Fatalf("round %d: answer %d is %+v (from %+v)", round, i, a, want)
			}
		}
		for n := range len(blob) {
			if _, _, err := decodeReportSummary("rec", blob[:n]); err == nil {
				t.Fatalf("round %d: a blob cut to %d of %d bytes decoded", round, n, len(blob))
			}
		}
		other := bytes.Clone(blob)
		other[0] = reportSummaryVersion + 1
		binary.LittleEndian.PutUint32(other[len(other)-4:], crc32.Checksum(other[:len(other)-4], crcTable))
		if _, _, err := decodeReportSummary("rec", other); err == nil {
			t.Fatalf("round %d: a blob of another format version decoded", round)
		}
		for range 50 {
			bad := bytes.Clone(blob)
			bad[rng.IntN(len(bad)-4)] ^= byte(1 + rng.IntN(255))
			if _, _, err := decodeReportSummary("rec", bad); err == nil {
				t.Fatalf("round %d: a changed blob passed its checksum", round)
			}
			body := bad[:len(bad)-4]
			binary.LittleEndian.PutUint32(bad[len(bad)-4:], crc32.Checksum(body, crcTable))
			if got, gotSC, err := decodeReportSummary("rec", bad); err == nil {
				m := map[string]inspection.Answer{}
				for _, a := range got {
					m[a.ItemCode] = a
				}
				again, err := encodeReportSummary(m, gotSC)
				if err != nil || !bytes.Equal(again, bad) {
					t.Fatalf("round %d: a changed blob decoded to a summary that encodes differently: %v\n%x\n%x", round, err, again, bad)
				}
			}
		}
	}
}
