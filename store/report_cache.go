package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// The report cache (table report_answers, migration 0009): for a
// finalized inspection, its answers as the reports read them, in one
// compact blob, keyed by the inspection's content digest. The 汇总表 of a
// city reads the latest record of every community; reading their
// ~230,000 answer rows through SQLite cost more than writing the
// workbook, and at 80,000 communities those rows lie scattered in a file
// larger than the page cache (docs/PERFORMANCE.md, round 4).
//
// A finalized record never changes (a correction is a new record), and
// its content digest is the SHA-256 of exactly what the blob holds (each
// answer's code, result, value, choices, text, note and photos) together
// with the inspection's own fields. An entry is written only when the
// answers it was made from hash, with the inspection, to the inspection's
// digest, and read only when its digest equals the inspection's: so an
// entry is either the signed content of the record or it is not used.
// A blob that fails its checksum or does not decode is ignored (the
// answers are read from their table, as without the cache) and written
// again. The table is derived and local: it never travels in packages,
// is not audited, and deleting its rows loses nothing.

// reportBlobVersion is the first byte of every blob.
const reportBlobVersion = 1

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// errBadReportBlob is a blob that cannot be decoded.
var errBadReportBlob = errors.New("报表缓存数据损坏")

// encodeReportAnswers encodes answers, sorted by item code:
//
//	version byte, uvarint count, then per answer: string code, byte
//	result (0 unanswered, 1 pass, 2 fail, 3 na), byte 0 or 1 and, for 1,
//	8 bytes of the value (IEEE 754, little-endian), list choices, string
//	text, string note, list photos; last, 4 bytes CRC-32C of all before.
//
// A string is a uvarint length and its bytes; a list is a uvarint (0 for
// nil, else 1 + its length) and its strings.
func encodeReportAnswers(answers map[string]inspection.Answer) ([]byte, error) {
	codes := make([]string, 0, len(answers))
	size := 8
	for c, a := range answers {
		codes = append(codes, c)
		size += 32 + len(c) + len(a.Text) + len(a.Note)
		for _, s := range a.Choices {
			size += 2 + len(s)
		}
		for _, s := range a.Photos {
			size += 2 + len(s)
		}
	}
	sort.Strings(codes)
	b := make([]byte, 0, size)
	b = append(b, reportBlobVersion)
	b = binary.AppendUvarint(b, uint64(len(codes)))
	str := func(s string) { b = append(binary.AppendUvarint(b, uint64(len(s))), s...) }
	list := func(l []string) {
		if l == nil {
			b = append(b, 0)
			return
		}
		b = binary.AppendUvarint(b, uint64(len(l))+1)
		for _, s := range l {
			str(s)
		}
	}
	for _, c := range codes {
		a := answers[c]
		if a.ItemCode != c {
			return nil, fmt.Errorf("%w：检查项 %s 的编号不一致", errBadReportBlob, c)
		}
		str(c)
		switch a.Result {
		case inspection.Unanswered:
			b = append(b, 0)
		case inspection.Pass:
			b = append(b, 1)
		case inspection.Fail:
			b = append(b, 2)
		case inspection.NA:
			b = append(b, 3)
		default:
			return nil, fmt.Errorf("%w：检查项 %s 的结果「%s」无法识别", errBadReportBlob, c, a.Result)
		}
		if a.Value == nil {
			b = append(b, 0)
		} else {
			b = binary.LittleEndian.AppendUint64(append(b, 1), math.Float64bits(*a.Value))
		}
		list(a.Choices)
		str(a.Text)
		str(a.Note)
		list(a.Photos)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable)), nil
}

var reportResults = [4]inspection.Result{inspection.Unanswered, inspection.Pass, inspection.Fail, inspection.NA}

// decodeReportAnswers decodes a blob of encodeReportAnswers into the
// answers of inspection id. Its strings share one copy of the blob.
func decodeReportAnswers(id string, blob []byte) (map[string]inspection.Answer, error) {
	if len(blob) < 6 || blob[0] != reportBlobVersion {
		return nil, errBadReportBlob
	}
	body := blob[:len(blob)-4]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(blob[len(blob)-4:]) {
		return nil, errBadReportBlob
	}
	s := string(body) // one copy; every string below is a slice of it
	p := 1
	bad := false
	uv := func() int {
		if bad {
			return 0
		}
		v, n := binary.Uvarint(body[p:])
		if n <= 0 || v > uint64(len(body)) {
			bad = true
			return 0
		}
		p += n
		return int(v)
	}
	byte1 := func() byte {
		if bad || p >= len(body) {
			bad = true
			return 0
		}
		p++
		return body[p-1]
	}
	str := func() string {
		n := uv()
		if bad || n > len(body)-p {
			bad = true
			return ""
		}
		p += n
		v := s[p-n : p]
		if !utf8.ValidString(v) {
			bad = true
		}
		return v
	}
	list := func() []string {
		n := uv()
		if n == 0 || bad {
			return nil
		}
		if n-1 > len(body)-p {
			bad = true
			return nil
		}
		l := make([]string, n-1)
		for i := range l {
			l[i] = str()
		}
		return l
	}
	count := uv()
	if bad || count > len(body) {
		return nil, errBadReportBlob
	}
	out := make(map[string]inspection.Answer, count)
	values := make([]float64, 0, count) // one allocation for the answers' values
	prev := ""
	for i := 0; i < count && !bad; i++ {
		a := inspection.Answer{InspectionID: id}
		a.ItemCode = str()
		if r := byte1(); int(r) < len(reportResults) {
			a.Result = reportResults[r]
		} else {
			bad = true
		}
		switch byte1() {
		case 0:
		case 1:
			if len(body)-p < 8 {
				bad = true
				break
			}
			values = append(values, math.Float64frombits(binary.LittleEndian.Uint64(body[p:])))
			p += 8
			a.Value = &values[len(values)-1]
		default:
			bad = true
		}
		a.Choices = list()
		a.Text = str()
		a.Note = str()
		a.Photos = list()
		if i > 0 && a.ItemCode <= prev {
			bad = true
		}
		prev = a.ItemCode
		out[a.ItemCode] = a
	}
	if bad || p != len(body) {
		return nil, errBadReportBlob
	}
	return out, nil
}

// reportCacheEntry is what to store for a record: its blob of
// report_answers and its blob of report_summaries (report_summary.go),
// each when not nil.
type reportCacheEntry struct {
	id, digest    string
	blob, summary []byte
}

// cacheableAnswers returns the entry for a finalized record whose answers
// were just read from the answers table, or false when they do not hash,
// with the inspection, to its content digest (then the record is read
// from its answers every time, as before the cache).
func cacheableAnswers(rec *InspectionRecord) (reportCacheEntry, bool) {
	in := rec.Inspection
	if in.Status != inspection.Finalized || rec.ContentDigest == "" || inspection.ContentDigest(in, rec.Answers) != rec.ContentDigest {
		return reportCacheEntry{}, false
	}
	blob, err := encodeReportAnswers(rec.Answers)
	if err != nil {
		return reportCacheEntry{}, false
	}
	return reportCacheEntry{id: in.ID, digest: rec.ContentDigest, blob: blob}, true
}

// storeReportCache writes entries in one short write transaction. The
// caller ignores its error: the cache only saves time.
func (db *DB) storeReportCache(ctx context.Context, entries []reportCacheEntry) error {
	if len(entries) == 0 {
		return nil
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := prepareCacheUpsert(ctx, tx, "report_answers", "answers")
	if err != nil {
		return err
	}
	defer st.Close()
	sum, err := prepareCacheUpsert(ctx, tx, "report_summaries", "summary")
	if err != nil {
		return err
	}
	defer sum.Close()
	for _, e := range entries {
		if e.blob != nil {
			if _, err := st.ExecContext(ctx, e.id, e.digest, e.blob); err != nil {
				return err
			}
		}
		if e.summary != nil {
			if _, err := sum.ExecContext(ctx, e.id, e.digest, e.summary); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// prepareCacheUpsert prepares the write of one entry (id, content digest,
// blob) into a report cache table, kept only while the record is the
// finalized one of that digest.
func prepareCacheUpsert(ctx context.Context, tx *sql.Tx, table, blobCol string) (*sql.Stmt, error) {
	return tx.PrepareContext(ctx, `INSERT INTO `+table+`(inspection_id, content_digest, `+blobCol+`)
		SELECT id, ?2, ?3 FROM inspections WHERE id = ?1 AND content_digest = ?2 AND status = 'finalized'
		ON CONFLICT(inspection_id) DO UPDATE SET content_digest = excluded.content_digest, `+blobCol+` = excluded.`+blobCol)
}

// ReportCacheSize is how many records the report cache holds and how many
// of them match their record's content digest (the others are stale and
// are replaced when a report reads their record).
func (db *DB) ReportCacheSize(ctx context.Context) (entries, valid int, err error) {
	return db.cacheSize(ctx, "report_answers")
}

// ReportSummaryCacheSize is ReportCacheSize for the 汇总表's cache
// (report_summary.go).
func (db *DB) ReportSummaryCacheSize(ctx context.Context) (entries, valid int, err error) {
	return db.cacheSize(ctx, "report_summaries")
}

func (db *DB) cacheSize(ctx context.Context, table string) (entries, valid int, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(r.content_digest = i.content_digest), 0)
		FROM `+table+` r LEFT JOIN inspections i ON i.id = r.inspection_id`).Scan(&entries, &valid)
	return entries, valid, err
}

// verifyReportCache checks every valid entry of the report cache against
// the answers it stands for (Verify).
func verifyReportCache(ctx context.Context, tx *sql.Tx, rep *VerifyReport) error {
	rows, err := tx.QueryContext(ctx, `SELECT r.inspection_id, r.answers FROM report_answers r
		JOIN inspections i ON i.id = r.inspection_id AND i.content_digest = r.content_digest ORDER BY r.inspection_id`)
	if err != nil {
		return err
	}
	type entry struct {
		id   string
		blob []byte
	}
	var list []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.blob); err != nil {
			rows.Close()
			return err
		}
		list = append(list, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	const msg = "报表缓存与检查记录的答案不符（派生数据，不影响记录；下次出报表时会按答案重建）"
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.id
	}
	return answersInBatches(ctx, tx, ids, func(i int, answers map[string]inspection.Answer) error {
		e := list[i]
		if got, err := decodeReportAnswers(e.id, e.blob); err != nil || !sameAnswers(got, answers) {
			rep.Problems = append(rep.Problems, Problem{Entity: "report_answers", EntityID: e.id, Message: msg})
		}
		return nil
	})
}

// answersInBatches reads the answers of the inspections ids from the
// answers table, 500 inspections at a time, and calls fn with the index
// in ids of each inspection and its answers, in the order of ids (the
// report caches' checks in Verify).
func answersInBatches(ctx context.Context, tx *sql.Tx, ids []string, fn func(i int, answers map[string]inspection.Answer) error) error {
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		args := make([]any, len(batch))
		byID := make(map[string]*InspectionRecord, len(batch))
		for i, id := range batch {
			args[i] = id
			byID[id] = &InspectionRecord{Answers: map[string]inspection.Answer{}}
		}
		if err := readAnswers(ctx, tx, args, byID); err != nil {
			return err
		}
		for i, id := range batch {
			if err := fn(start+i, byID[id].Answers); err != nil {
				return err
			}
		}
	}
	return nil
}

// sameAnswers compares two records' answers field by field (nil and
// empty lists differ, as they do in the content digest).
func sameAnswers(a, b map[string]inspection.Answer) bool {
	if len(a) != len(b) {
		return false
	}
	eqList := func(x, y []string) bool {
		if (x == nil) != (y == nil) || len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok || x.InspectionID != y.InspectionID || x.ItemCode != y.ItemCode || x.Result != y.Result ||
			(x.Value == nil) != (y.Value == nil) || (x.Value != nil && math.Float64bits(*x.Value) != math.Float64bits(*y.Value)) ||
			!eqList(x.Choices, y.Choices) || x.Text != y.Text || x.Note != y.Note || !eqList(x.Photos, y.Photos) {
			return false
		}
	}
	return true
}

// reportCacheBatch is how many entries LatestResults collects before
// writing them (memory stays bounded at any city size).
const reportCacheBatch = 2000

// fillReportCache stores entries, best effort: waiting at most a few
// seconds for the write connection (an import may hold it), and ignoring
// failures (a full disk, a read-only file): the report is not affected,
// the next one reads those records from their answers again.
func (db *DB) fillReportCache(ctx context.Context, entries []reportCacheEntry) {
	if len(entries) == 0 || ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_ = db.storeReportCache(ctx, entries)
}
