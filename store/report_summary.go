package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"reflect"
	"sort"
	"unicode/utf8"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// The 汇总表's cache (table report_summaries, migration 0010): for a
// finalized inspection, what a row of the 汇总表 needs, worked out once —
// each answer's code, result, value, choices and text, sorted by code,
// and the record's inspection.Score — in one small blob keyed by the
// inspection's content digest, like report_answers (report_cache.go),
// whose rules it follows: an entry is written only from answers that hash,
// with the inspection, to its digest; read only when its digest is the
// inspection's; a blob that fails its checksum, does not decode or has
// another format is ignored, the record read as without it, and the entry
// written again. The score also depends on the record's template (its id
// and version are in the digest, and a stored template version never
// changes) and on the program's scoring: reportSummaryVersion, the blob's
// first byte, changes whenever inspection.Score or what is kept changes,
// so an entry of another version is never trusted.
//
// With it the 汇总表 reads ~1.2 KB a record instead of report_answers'
// ~2 KB (notes and photo digests), builds no answer map and computes no
// score (docs/PERFORMANCE.md, round 6).

// reportSummaryVersion is the first byte of every summary blob: bump it
// when inspection.Score, inspection.Evaluate or the blob's content change.
const reportSummaryVersion = 1

// encodeReportSummary encodes answers (sorted by item code) and the score
// they were given:
//
//	version byte; uvarint count, then per answer: string code, byte
//	result (as in encodeReportAnswers), byte 0 or 1 and, for 1, 8 bytes
//	of the value, list choices, string text; then the score: list-count
//	sections, each string code, string title, 4 floats (weight, passed
//	weight, applicable weight, score), byte has-applicable, uvarints
//	passed, failed, na, unanswered; float total, byte defined; list-count
//	vetoes, each strings item code, section, text, reason; uvarints
//	scorable, judged; list failed; last, 4 bytes CRC-32C of all before.
//
// Strings and lists as in encodeReportAnswers; a list-count is a uvarint,
// 0 for nil, else 1 + the length; a float is 8 bytes IEEE 754,
// little-endian.
func encodeReportSummary(answers map[string]inspection.Answer, sc inspection.ScoreCard) ([]byte, error) {
	codes := make([]string, 0, len(answers))
	size := 64
	for c, a := range answers {
		codes = append(codes, c)
		size += 16 + len(c) + len(a.Text)
		for _, s := range a.Choices {
			size += 2 + len(s)
		}
	}
	sort.Strings(codes)
	b := make([]byte, 0, size+len(sc.Sections)*64)
	b = append(b, reportSummaryVersion)
	uv := func(n int) { b = binary.AppendUvarint(b, uint64(n)) }
	str := func(s string) { b = append(binary.AppendUvarint(b, uint64(len(s))), s...) }
	f64 := func(v float64) { b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v)) }
	flag := func(v bool) {
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	count := func(isNil bool, n int) {
		if isNil {
			b = append(b, 0)
		} else {
			uv(n + 1)
		}
	}
	list := func(l []string) {
		count(l == nil, len(l))
		for _, s := range l {
			str(s)
		}
	}
	uv(len(codes))
	for _, c := range codes {
		a := answers[c]
		if a.ItemCode != c {
			return nil, fmt.Errorf("%w：检查项 %s 的编号不一致", errBadReportBlob, c)
		}
		str(c)
		r := resultByte(a.Result)
		if r < 0 {
			return nil, fmt.Errorf("%w：检查项 %s 的结果「%s」无法识别", errBadReportBlob, c, a.Result)
		}
		b = append(b, byte(r))
		flag(a.Value != nil)
		if a.Value != nil {
			f64(*a.Value)
		}
		list(a.Choices)
		str(a.Text)
	}
	count(sc.Sections == nil, len(sc.Sections))
	for _, s := range sc.Sections {
		str(s.Code)
		str(s.Title)
		f64(s.Weight)
		f64(s.PassedWeight)
		f64(s.ApplicableWeight)
		f64(s.Score)
		flag(s.HasApplicable)
		uv(s.Passed)
		uv(s.Failed)
		uv(s.NA)
		uv(s.Unanswered)
	}
	f64(sc.Total)
	flag(sc.Defined)
	count(sc.Vetoes == nil, len(sc.Vetoes))
	for _, v := range sc.Vetoes {
		str(v.ItemCode)
		str(v.Section)
		str(v.Text)
		str(v.Reason)
	}
	uv(sc.Scorable)
	uv(sc.Judged)
	list(sc.Failed)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable)), nil
}

// resultByte is a result's byte in the blobs (-1 for an unknown one).
func resultByte(r inspection.Result) int {
	for i, x := range reportResults {
		if x == r {
			return i
		}
	}
	return -1
}

// blobReader reads the fields of a blob; any error sticks (bad).
type blobReader struct {
	body []byte
	s    string // one copy of body; every string read is a slice of it
	p    int
	bad  bool
}

// uv reads a length or a count: at most the blob's length.
func (r *blobReader) uv() int { return r.uvMax(uint64(len(r.body))) }

// num reads a number (a tally of the score card).
func (r *blobReader) num() int { return r.uvMax(math.MaxInt32) }

func (r *blobReader) uvMax(max uint64) int {
	if r.bad {
		return 0
	}
	v, n := binary.Uvarint(r.body[r.p:])
	if n <= 0 || v > max || n > 1 && r.body[r.p+n-1] == 0 { // the last: not the shortest encoding
		r.bad = true
		return 0
	}
	r.p += n
	return int(v)
}

func (r *blobReader) byte1() byte {
	if r.bad || r.p >= len(r.body) {
		r.bad = true
		return 0
	}
	r.p++
	return r.body[r.p-1]
}

func (r *blobReader) flag() bool {
	switch r.byte1() {
	case 0:
		return false
	case 1:
		return true
	}
	r.bad = true
	return false
}

func (r *blobReader) f64() float64 {
	if r.bad || len(r.body)-r.p < 8 {
		r.bad = true
		return 0
	}
	r.p += 8
	return math.Float64frombits(binary.LittleEndian.Uint64(r.body[r.p-8:]))
}

func (r *blobReader) str() string {
	n := r.uv()
	if r.bad || n > len(r.body)-r.p {
		r.bad = true
		return ""
	}
	r.p += n
	v := r.s[r.p-n : r.p]
	if !utf8.ValidString(v) {
		r.bad = true
	}
	return v
}

// count reads a list-count: -1 for nil, else the length (at most max,
// which bounds what a corrupted count can make us allocate).
func (r *blobReader) count(max int) int {
	n := r.uv()
	if r.bad || n == 0 {
		return -1
	}
	if n-1 > max {
		r.bad = true
		return -1
	}
	return n - 1
}

func (r *blobReader) list() []string {
	n := r.count(len(r.body) - r.p)
	if n < 0 {
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = r.str()
	}
	return l
}

// decodeReportSummary decodes a blob of encodeReportSummary: the answers
// of inspection id sorted by item code (no notes, no photos) and the
// score.
func decodeReportSummary(id string, blob []byte) ([]inspection.Answer, inspection.ScoreCard, error) {
	var sc inspection.ScoreCard
	if len(blob) < 6 || blob[0] != reportSummaryVersion {
		return nil, sc, errBadReportBlob
	}
	body := blob[:len(blob)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(blob[len(blob)-4:]) {
		return nil, sc, errBadReportBlob
	}
	r := &blobReader{body: body, s: string(body), p: 1}
	n := r.uv()
	if r.bad || n > len(body)/4 {
		return nil, sc, errBadReportBlob
	}
	out := make([]inspection.Answer, n)
	values := make([]float64, 0, n) // one allocation for the answers' values
	for i := 0; i < n && !r.bad; i++ {
		a := &out[i]
		a.InspectionID = id
		a.ItemCode = r.str()
		if k := r.byte1(); int(k) < len(reportResults) {
			a.Result = reportResults[k]
		} else {
			r.bad = true
		}
		if r.flag() {
			values = append(values, r.f64())
			a.Value = &values[len(values)-1]
		}
		a.Choices = r.list()
		a.Text = r.str()
		if i > 0 && a.ItemCode <= out[i-1].ItemCode {
			r.bad = true
		}
	}
	if ns := r.count(len(body) / 16); ns >= 0 {
		sc.Sections = make([]inspection.SectionScore, ns)
		for i := range sc.Sections {
			s := &sc.Sections[i]
			s.Code, s.Title = r.str(), r.str()
			s.Weight, s.PassedWeight, s.ApplicableWeight, s.Score = r.f64(), r.f64(), r.f64(), r.f64()
			s.HasApplicable = r.flag()
			s.Passed, s.Failed, s.NA, s.Unanswered = r.num(), r.num(), r.num(), r.num()
		}
	}
	sc.Total = r.f64()
	sc.Defined = r.flag()
	if nv := r.count(len(body) / 4); nv >= 0 {
		sc.Vetoes = make([]inspection.VetoFinding, nv)
		for i := range sc.Vetoes {
			v := &sc.Vetoes[i]
			v.ItemCode, v.Section, v.Text, v.Reason = r.str(), r.str(), r.str(), r.str()
		}
	}
	sc.Scorable, sc.Judged = r.num(), r.num()
	sc.Failed = r.list()
	if r.bad || r.p != len(body) {
		return nil, inspection.ScoreCard{}, errBadReportBlob
	}
	return out, sc, nil
}

// summaryAnswers is what a summary blob keeps of answers, sorted by code:
// no notes, no photos.
func summaryAnswers(answers map[string]inspection.Answer) []inspection.Answer {
	out := make([]inspection.Answer, 0, len(answers))
	for _, a := range answers {
		a.Note, a.Photos = "", nil
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ItemCode < out[j].ItemCode })
	return out
}

// verifyReportSummaries checks every valid entry of the 汇总表's cache
// against the answers it stands for and the score they give with the
// record's template (Verify).
func (db *DB) verifyReportSummaries(ctx context.Context, tx *sql.Tx, rep *VerifyReport) error {
	rows, err := tx.QueryContext(ctx, `SELECT s.inspection_id, s.summary, i.template_id, i.template_version FROM report_summaries s
		JOIN inspections i ON i.id = s.inspection_id AND i.content_digest = s.content_digest ORDER BY s.inspection_id`)
	if err != nil {
		return err
	}
	type entry struct {
		id, tpl string
		version int
		blob    []byte
	}
	var list []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.blob, &e.tpl, &e.version); err != nil {
			rows.Close()
			return err
		}
		list = append(list, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	const msg = "汇总表缓存与检查记录的答案或得分不符（派生数据，不影响记录；下次出汇总表时会按答案重建）"
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.id
	}
	return answersInBatches(ctx, tx, ids, func(i int, answers map[string]inspection.Answer) error {
		e := list[i]
		got, sc, err := decodeReportSummary(e.id, e.blob)
		ok := err == nil && reflect.DeepEqual(got, summaryAnswers(answers))
		if ok {
			tpl, err := db.Template(ctx, e.tpl, e.version)
			ok = err == nil && reflect.DeepEqual(sc, inspection.Score(tpl, answers))
		}
		if !ok {
			rep.Problems = append(rep.Problems, Problem{Entity: "report_summaries", EntityID: e.id, Message: msg})
		}
		return nil
	})
}
