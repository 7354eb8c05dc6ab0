package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// scoringFingerprints: for each reportSummaryVersion, the fingerprint of
// how the program scores (scoringFingerprint). report_summaries keeps
// score cards worked out by an earlier run of the program and trusts them
// while their blob's version is the program's; this is what makes a
// change to the scoring without a new version fail a test.
var scoringFingerprints = map[int]string{
	1: "073a9142789d104cb7c79aa7d64de8461f2f3e8fea070738df4a0985f1cef829",
}

// scoringFingerprint scores 400 records of the default template with
// answers drawn from a fixed seed (every result, values on both sides of
// thresholds, choices, 不适用, missing answers) and hashes every item's
// Evaluate and every record's ScoreCard.
func scoringFingerprint(t *testing.T) string {
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	results := []inspection.Result{inspection.Unanswered, inspection.Pass, inspection.Fail, inspection.NA}
	h := sha256.New()
	enc := json.NewEncoder(h)
	for range 400 {
		answers := map[string]inspection.Answer{}
		for _, it := range tpl.Items() {
			if rng.IntN(10) == 0 {
				continue // not answered at all
			}
			a := inspection.Answer{InspectionID: "rec", ItemCode: it.Code, Result: results[rng.IntN(len(results))]}
			if it.Kind == inspection.KindNumber && rng.IntN(4) > 0 {
				v := float64(rng.IntN(120))
				if it.Threshold != nil && rng.IntN(2) == 0 {
					v = it.Threshold.Value + float64(rng.IntN(3)-1)
				}
				a.Value = &v
			}
			for _, o := range it.Options {
				if rng.IntN(2) == 0 {
					a.Choices = append(a.Choices, o)
				}
			}
			answers[it.Code] = a
			if err := enc.Encode([]any{it.Code, inspection.Evaluate(it, a)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := enc.Encode(inspection.Score(tpl, answers)); err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestReportSummaryVersionGuardsScoring: inspection.Score and Evaluate
// score as they did when reportSummaryVersion got its number. If this
// fails, the scoring (or the score card) changed: bump
// reportSummaryVersion in store/report_summary.go, so that every cached
// 汇总表 row is worked out again, and record the new fingerprint above.
func TestReportSummaryVersionGuardsScoring(t *testing.T) {
	got := scoringFingerprint(t)
	want, ok := scoringFingerprints[reportSummaryVersion]
	if !ok || want != got {
		t.Fatalf("the scoring's fingerprint is %s, but reportSummaryVersion %d was given to %q: the scoring changed — bump "+
			"reportSummaryVersion (store/report_summary.go) and add {%d: %q} to scoringFingerprints", got, reportSummaryVersion,
			want, reportSummaryVersion+1, got)
	}
}
