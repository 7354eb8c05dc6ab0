package inspection

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"time"
)

// ContentDigest is the SHA-256 (hex) of what an inspection says: its
// community, template, inspectors, signatures and every answer, without
// bookkeeping (versions, devices). It is fixed when the inspection is
// finalized and printed in the PDF footer, so a paper page can be matched
// to the data.
func ContentDigest(in Inspection, answers map[string]Answer) string {
	type ans struct {
		Code    string   `json:"c"`
		Result  Result   `json:"r"`
		Value   *float64 `json:"v"`
		Choices []string `json:"ch"`
		Text    string   `json:"t"`
		Note    string   `json:"n"`
		Photos  []string `json:"p"`
	}
	codes := make([]string, 0, len(answers))
	for c := range answers {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	list := make([]ans, 0, len(codes))
	for _, c := range codes {
		a := answers[c]
		list = append(list, ans{c, a.Result, a.Value, a.Choices, a.Text, a.Note, a.Photos})
	}
	var fin string
	if in.FinalizedAt != nil {
		fin = in.FinalizedAt.UTC().Format(time.RFC3339)
	}
	doc := struct {
		ID, Community, Template string
		TemplateVersion         int
		Inspectors              []string
		Started, Finalized      string
		Signatures              []Signature
		Amends, Reason          string
		Answers                 []ans
	}{in.ID, in.CommunityID, in.TemplateID, in.TemplateVersion, in.Inspectors,
		in.StartedAt.UTC().Format(time.RFC3339), fin, append([]Signature(nil), in.Signatures...), in.AmendsID, in.AmendReason, list}
	for i := range doc.Signatures {
		doc.Signatures[i].SignedAt = doc.Signatures[i].SignedAt.UTC().Truncate(time.Second)
	}
	b, _ := json.Marshal(doc)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
