package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// Queries for printing and Excel (report/pdf, report/xlsx): batch loading
// of records, the amendment chain, the liaison list, and the all-or-nothing
// writes of the Excel imports.

// PrintData is what the printed record of an inspection needs: the record,
// the corrective actions it opened, and its amendment chain (oldest first,
// the record itself included; one element when it was never corrected).
func (db *DB) PrintData(ctx context.Context, id string) (InspectionRecord, []inspection.CorrectiveAction, []InspectionRecord, error) {
	rec, err := db.Inspection(ctx, id)
	if err != nil {
		return rec, nil, nil, err
	}
	acts, err := db.ListActions(ctx, ActionFilter{InspectionID: id})
	if err != nil {
		return rec, nil, nil, err
	}
	ids, err := db.AmendmentChain(ctx, id)
	if err != nil {
		return rec, nil, nil, err
	}
	chain := make([]InspectionRecord, 0, len(ids))
	for _, cid := range ids {
		if cid == id {
			chain = append(chain, rec)
			continue
		}
		r, err := db.Inspection(ctx, cid)
		if err != nil {
			return rec, nil, nil, err
		}
		chain = append(chain, r)
	}
	return rec, acts, chain, nil
}

// AmendmentChain lists the ids of the records linked to id by corrections
// (更正), oldest first: back through amends_id to the original, then every
// later correction in the order started.
func (db *DB) AmendmentChain(ctx context.Context, id string) ([]string, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	root := id
	seen := map[string]bool{id: true}
	for {
		var amends sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT amends_id FROM inspections WHERE id = ?`, root).Scan(&amends)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("检查记录 %s：%w", root, inspection.ErrNotFound)
		}
		if err != nil {
			return nil, err
		}
		if !amends.Valid || amends.String == "" || seen[amends.String] {
			break
		}
		root = amends.String
		seen[root] = true
	}
	return queryStrings(ctx, tx, `WITH RECURSIVE chain(id, started_at) AS (
			SELECT id, started_at FROM inspections WHERE id = ?
			UNION SELECT i.id, i.started_at FROM inspections i JOIN chain c ON i.amends_id = c.id)
		SELECT id FROM chain ORDER BY started_at, id`, root)
}

// ReportFilter narrows the communities of a report.
type ReportFilter struct {
	District string // "" for every district
	// Summary reads only what the 汇总表 shows (report/xlsx.WriteSummary):
	// each record's answers come in CommunityResult.Answers, sorted by
	// item code, without notes or photos; Record.Answers is nil;
	// Record.Inspection has only the fields summaryInspectionCols names
	// (no signatures, versions, device), the Community (in the result and
	// the record) those summaryCommunityCols names (no version fields); the
	// score is the record's as always. Most records are then read from the 汇总表's cache
	// (report_summary.go): no answer map built, no score computed.
	Summary bool
}

// CommunityResult is one community with its latest finalized inspection
// (Record nil when it has none).
type CommunityResult struct {
	Community inspection.Community
	Record    *InspectionRecord
	// Answers are the record's answers sorted by item code, without notes
	// or photos, when the filter asked for Summary (else nil).
	Answers []inspection.Answer
}

// latestResultsChunk is how many communities LatestResults reads at a
// time (a variable for the tests).
var latestResultsChunk = 500

// LatestResults calls fn for every community (ordered by district, street
// and name) with its latest finalized inspection, scored. It reads in one
// read transaction: the communities, then their latest inspections and
// answers a chunk of communities at a time, so memory stays that of a
// chunk (reading the whole city's answers first took 850 MB of heap at
// 20,000 communities; docs/PERFORMANCE.md). The next chunk is read while
// fn is called with the current one.
func (db *DB) LatestResults(ctx context.Context, f ReportFilter, fn func(CommunityResult) error) error {
	defer RoomyGC(reportGCPercent)() // the caller's writing included: it runs inside fn
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	where, args := "", []any{}
	if f.District != "" {
		where, args = " WHERE c.district = ?", append(args, f.District)
	}
	ccols, scan := strings.ReplaceAll("c."+strings.ReplaceAll(communityCols, ", ", ", c."), "\n\tc.", "\n\t"), scanCommunity
	if f.Summary {
		ccols, scan = summaryCommunityCols, scanSummaryCommunity
	}
	// Sorted here rather than by ORDER BY: the same order (TEXT columns
	// compare byte by byte in SQLite as in Go) without SQLite's sorter,
	// which cost ~8 ms of a city's 汇总表.
	rows, err := tx.QueryContext(ctx, `SELECT `+ccols+` FROM communities c`+where, args...)
	if err != nil {
		return err
	}
	var list []inspection.Community
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			rows.Close()
			return err
		}
		list = append(list, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortFunc(list, func(a, b inspection.Community) int {
		return cmp.Or(strings.Compare(a.District, b.District), strings.Compare(a.Street, b.Street),
			strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	cols := strings.ReplaceAll("i."+strings.ReplaceAll(inspectionCols, ", ", ", i."), "\n\ti.", "\n\t")
	// The next chunk (records, answers, scores) is read while fn gets the
	// current one, so reading overlaps whatever fn does with the rows
	// (writing a workbook): at most three chunks are in memory.
	return readAhead(1, func(send func([]CommunityResult) bool) error {
		// Records read from their answers go into the report cache a
		// few thousand at a time (best effort: a failure there only
		// costs time next time).
		var fill []reportCacheEntry
		defer func() { db.fillReportCache(ctx, fill) }()
		for len(list) > 0 {
			chunk := list[:min(latestResultsChunk, len(list))]
			list = list[len(chunk):]
			res, entries, err := db.latestChunk(ctx, tx, cols, chunk, f.Summary)
			if err != nil {
				return err
			}
			if !send(res) {
				return nil
			}
			if fill = append(fill, entries...); len(fill) >= reportCacheBatch {
				db.fillReportCache(ctx, fill)
				fill = nil
			}
		}
		return nil
	}, func(r CommunityResult) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(r)
	})
}

// latestChunk reads the latest finalized records of a chunk of
// communities, scored, in the chunk's order, and the report cache entries
// of those read without their cache entry. The latest record of each
// community is one seek in the index inspections_community_finalized
// (migration 0010; a window function numbering every finalized inspection
// of the chunk cost ~40 ms of a 汇总表's CPU at 5,000 communities).
func (db *DB) latestChunk(ctx context.Context, tx *sql.Tx, cols string, chunk []inspection.Community, summary bool) ([]CommunityResult, []reportCacheEntry, error) {
	ids := make([]any, len(chunk))
	for i, c := range chunk {
		ids[i] = c.ID
	}
	latest := `SELECT (SELECT l.id FROM inspections l WHERE l.community_id = c.id AND l.status = 'finalized'
		ORDER BY l.finalized_at DESC, l.id DESC LIMIT 1) FROM communities c WHERE c.id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
	if summary {
		return db.latestSummaryChunk(ctx, tx, cols, latest, ids, chunk)
	}
	byCommunity, fill, _, err := latestRecords(ctx, tx, cols, latest, ids)
	if err != nil {
		return nil, nil, err
	}
	out := make([]CommunityResult, len(chunk))
	for i, c := range chunk {
		out[i].Community = c
		if rec := byCommunity[c.ID]; rec != nil {
			rec.Community = c
			if rec.Template, err = db.Template(ctx, rec.Inspection.TemplateID, rec.Inspection.TemplateVersion); err != nil {
				return nil, nil, err
			}
			rec.Score = inspection.Score(rec.Template, rec.Answers)
			out[i].Record = rec
		}
	}
	return out, fill, nil
}

// summaryCommunityCols are the community's fields a record read with
// ReportFilter.Summary has: all but the version fields (version,
// base_version, device_id, actor, updated_at), which no report shows;
// five columns fewer for each of a city's communities.
const summaryCommunityCols = `c.id, c.name, c.district, c.street, c.community, c.address, c.property_company, c.households,
	c.type, c.committee, c.satisfaction, c.complaint_rate`

// scanSummaryCommunity reads the summaryCommunityCols of a row.
func scanSummaryCommunity(s scanner) (inspection.Community, error) {
	var c inspection.Community
	var sat, cr sql.NullFloat64
	err := s.Scan(&c.ID, &c.Name, &c.District, &c.Street, &c.Community, &c.Address, &c.PropertyCompany, &c.Households,
		&c.Type, &c.Committee, &sat, &cr)
	if sat.Valid {
		c.Satisfaction = &sat.Float64
	}
	if cr.Valid {
		c.ComplaintRate = &cr.Float64
	}
	return c, err
}

// summaryInspectionCols are the inspection's fields the 汇总表 shows
// (ReportFilter.Summary): summaryInspection keeps the same of a record
// read in full.
const summaryInspectionCols = `i.id, i.community_id, i.template_id, i.template_version, i.inspectors, i.started_at, i.status,
	i.finalized_at, i.amends_id, i.content_digest`

// summaryInspection is in with only the fields of summaryInspectionCols.
func summaryInspection(in inspection.Inspection) inspection.Inspection {
	return inspection.Inspection{ID: in.ID, CommunityID: in.CommunityID, TemplateID: in.TemplateID, TemplateVersion: in.TemplateVersion,
		Inspectors: in.Inspectors, StartedAt: in.StartedAt, Status: in.Status, FinalizedAt: in.FinalizedAt, AmendsID: in.AmendsID}
}

// latestSummaryChunk is latestChunk for ReportFilter.Summary. First the
// records' 汇总表 fields with their entry in report_summaries, when it is
// there for the record's content digest; a record whose entry is there
// and decodes is done (its answers sorted, its score given). The others
// are read as latestRecords reads any record (answers from report_answers
// or the answers table), scored, and their entries written
// (report_answers when read from the table, report_summaries) when their
// answers are the content the digest signs.
func (db *DB) latestSummaryChunk(ctx context.Context, tx *sql.Tx, cols, latest string, ids []any, chunk []inspection.Community) ([]CommunityResult, []reportCacheEntry, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+summaryInspectionCols+`, s.summary FROM inspections i
		LEFT JOIN report_summaries s ON s.inspection_id = i.id AND s.content_digest = i.content_digest AND i.content_digest <> ''
		WHERE i.id IN (`+latest+`)`, ids...)
	if err != nil {
		return nil, nil, err
	}
	type cached struct {
		rec     *InspectionRecord
		answers []inspection.Answer
	}
	byCommunity := map[string]cached{}
	var missing []any
	for rows.Next() {
		rec := &InspectionRecord{}
		in := &rec.Inspection
		var inspectors, started, status string
		var finalized, amends sql.NullString
		var sum sql.RawBytes // valid until Next; decoding copies it
		if err := rows.Scan(&in.ID, &in.CommunityID, &in.TemplateID, &in.TemplateVersion, &inspectors, &started, &status,
			&finalized, &amends, &rec.ContentDigest, &sum); err != nil {
			rows.Close()
			return nil, nil, err
		}
		in.Status = inspection.Status(status)
		if sum == nil || in.Status != inspection.Finalized {
			missing = append(missing, in.ID)
			continue
		}
		answers, score, err := decodeReportSummary(in.ID, sum)
		if err != nil {
			missing = append(missing, in.ID)
			continue
		}
		in.StartedAt = parseTime(started)
		if finalized.Valid {
			t := parseTime(finalized.String)
			in.FinalizedAt = &t
		}
		in.AmendsID = amends.String
		if in.Inspectors, err = stringList(inspectors); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("检查记录 %s 的检查人员数据损坏：%w", in.ID, err)
		}
		rec.Score = score
		byCommunity[in.CommunityID] = cached{rec, answers}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var full map[string]*InspectionRecord
	var fill []reportCacheEntry
	var fromTable map[string]bool
	if len(missing) > 0 {
		if full, fill, fromTable, err = latestRecords(ctx, tx, cols, "?"+strings.Repeat(", ?", len(missing)-1), missing); err != nil {
			return nil, nil, err
		}
	}
	hashed := make(map[string]bool, len(fill))
	for _, e := range fill {
		hashed[e.id] = true
	}
	out := make([]CommunityResult, len(chunk))
	for i, c := range chunk {
		out[i].Community = c
		var rec *InspectionRecord
		if cr, ok := byCommunity[c.ID]; ok {
			rec, out[i].Answers = cr.rec, cr.answers
		} else if rec = full[c.ID]; rec == nil {
			continue
		}
		rec.Community = c
		if rec.Template, err = db.Template(ctx, rec.Inspection.TemplateID, rec.Inspection.TemplateVersion); err != nil {
			return nil, nil, err
		}
		out[i].Record = rec
		if out[i].Answers != nil {
			continue
		}
		// Read in full: scored, cached when its answers are the signed
		// content (from report_answers, or hashed to the digest).
		rec.Score = inspection.Score(rec.Template, rec.Answers)
		id := rec.Inspection.ID
		if rec.Inspection.Status == inspection.Finalized && (!fromTable[id] || hashed[id]) {
			if b, err := encodeReportSummary(rec.Answers, rec.Score); err == nil {
				fill = append(fill, reportCacheEntry{id: id, digest: rec.ContentDigest, summary: b})
			}
		}
		out[i].Answers = summaryAnswers(rec.Answers)
		rec.Answers = nil
		rec.Inspection = summaryInspection(rec.Inspection)
	}
	return out, fill, nil
}

// latestRecords reads the inspections whose ids the query latest selects
// (with args), with their answers, by community. A finalized record's
// answers come from the report cache when it holds them for the record's
// content digest (report_cache.go), else from the answers table; fill
// holds the cache entries of the latter that hash to their digest;
// fromTable the ids of the latter.
func latestRecords(ctx context.Context, tx *sql.Tx, cols, latest string, args []any) (byCommunity map[string]*InspectionRecord, fill []reportCacheEntry, fromTable map[string]bool, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+cols+`, i.content_digest, r.answers FROM inspections i
		LEFT JOIN report_answers r ON r.inspection_id = i.id AND r.content_digest = i.content_digest AND i.content_digest <> ''
		WHERE i.id IN (`+latest+`)`, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	byCommunity = map[string]*InspectionRecord{}
	byID := map[string]*InspectionRecord{}
	var ids []any
	for rows.Next() {
		rec := &InspectionRecord{}
		var blob sql.RawBytes // valid until Next; decoding copies it
		if rec.Inspection, err = scanInspection(rows, &rec.ContentDigest, &blob); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		byCommunity[rec.Inspection.CommunityID] = rec
		if blob != nil && rec.Inspection.Status == inspection.Finalized {
			if rec.Answers, err = decodeReportAnswers(rec.Inspection.ID, blob); err == nil {
				continue
			}
		}
		rec.Answers = make(map[string]inspection.Answer, 48) // the default template has 46 items
		byID[rec.Inspection.ID] = rec
		ids = append(ids, rec.Inspection.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}
	// The answers by the ids just read, 500 at a time, rather than by
	// latest again (SQLite would number the inspections a second time).
	for len(ids) > 0 {
		batch := ids[:min(500, len(ids))]
		ids = ids[len(batch):]
		if err := readAnswers(ctx, tx, batch, byID); err != nil {
			return nil, nil, nil, err
		}
	}
	fromTable = make(map[string]bool, len(byID))
	for id, rec := range byID {
		fromTable[id] = true
		if e, ok := cacheableAnswers(rec); ok {
			fill = append(fill, e)
		}
	}
	return byCommunity, fill, fromTable, nil
}

// readAnswers reads the answers of the inspections ids into their records.
func readAnswers(ctx context.Context, tx *sql.Tx, ids []any, byID map[string]*InspectionRecord) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+answerCols+` FROM answers WHERE inspection_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return err
		}
		if rec := byID[a.InspectionID]; rec != nil {
			rec.Answers[a.ItemCode] = a
		}
	}
	return rows.Err()
}

// stringList decodes a JSON array of strings as json.Unmarshal into a
// []string does: compact arrays of strings without escapes through
// PlainStringList, anything else through encoding/json.
func stringList(s string) ([]string, error) {
	if s == "null" {
		return nil, nil
	}
	if l, ok := PlainStringList(s); ok {
		return l, nil
	}
	return slowStringList(s)
}

// plainListItem reports whether v, between quotes, is a JSON string
// that decodes to itself: valid UTF-8, no control characters.
func plainListItem(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 {
			return false
		}
	}
	return utf8.ValidString(v)
}

func slowStringList(s string) ([]string, error) {
	var out []string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

// FinalizedInspectionIDs lists the finalized inspections of a district
// ("" for all), oldest first: what batch printing prints. latestOnly keeps
// the latest finalized inspection of each community.
func (db *DB) FinalizedInspectionIDs(ctx context.Context, district string, latestOnly bool) ([]string, error) {
	q := `SELECT i.id, i.community_id FROM inspections i JOIN communities c ON c.id = i.community_id
		WHERE i.status = 'finalized' AND (? = '' OR c.district = ?)`
	if latestOnly {
		q = `SELECT id, community_id FROM (SELECT i.id, i.community_id, i.finalized_at, ROW_NUMBER() OVER (
			PARTITION BY i.community_id ORDER BY i.finalized_at DESC, i.id DESC) AS n
			FROM inspections i JOIN communities c ON c.id = i.community_id
			WHERE i.status = 'finalized' AND (? = '' OR c.district = ?)) WHERE n = 1`
	}
	rows, err := db.read.QueryContext(ctx, `SELECT q.id FROM (`+q+`) q JOIN communities c ON c.id = q.community_id
		JOIN inspections i ON i.id = q.id ORDER BY c.district, c.street, c.name, i.finalized_at, i.id`, district, district)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Liaison is inspection.Liaison.
type Liaison = inspection.Liaison

var liaisonNamespace = uuid.MustParse("0b6f3c9e-5a4d-4e71-8c2a-7d9e1f3b5a60")

// LiaisonID is the id of the liaison with this unit and name, the same on
// every device.
func LiaisonID(unit, name string) string {
	return uuid.NewSHA1(liaisonNamespace, []byte(strings.TrimSpace(unit)+"\x00"+strings.TrimSpace(name))).String()
}

const liaisonCols = `id, district, unit, department, name, title, mobile, office_phone, email, note,
	version, base_version, device_id, actor, updated_at`

// Liaisons lists the liaisons of a district ("" for all) by district,
// unit and name.
func (db *DB) Liaisons(ctx context.Context, district string) ([]Liaison, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+liaisonCols+` FROM liaisons WHERE (? = '' OR district = ?) AND deleted_at IS NULL
		ORDER BY district, unit, name, id`, district, district)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Liaison
	for rows.Next() {
		var l Liaison
		var updated string
		if err := rows.Scan(&l.ID, &l.District, &l.Unit, &l.Department, &l.Name, &l.Title, &l.Mobile, &l.OfficePhone,
			&l.Email, &l.Note, &l.Version, &l.BaseVersion, &l.DeviceID, &l.Actor, &updated); err != nil {
			return nil, err
		}
		l.UpdatedAt = parseTime(updated)
		out = append(out, l)
	}
	return out, rows.Err()
}

// SaveLiaisons adds or updates liaisons in one transaction, all or none.
// A liaison is identified by unit and name (LiaisonID); an unchanged one
// is left alone.
func (db *DB) SaveLiaisons(ctx context.Context, ls []Liaison) (added, updated int, err error) {
	for i, l := range ls {
		if strings.TrimSpace(l.Unit) == "" || strings.TrimSpace(l.Name) == "" {
			return 0, 0, fmt.Errorf("%w：第%d个联络员缺少单位或姓名", inspection.ErrInvalid, i+1)
		}
	}
	err = db.inChange(ctx, func(ch *change) error {
		for _, l := range ls {
			l.Unit, l.Name = strings.TrimSpace(l.Unit), strings.TrimSpace(l.Name)
			l.ID = LiaisonID(l.Unit, l.Name)
			old, err := snapshot(ctx, ch.tx, "liaisons", l.ID)
			if err != nil {
				return err
			}
			vals := []any{l.District, l.Unit, l.Department, l.Name, l.Title, l.Mobile, l.OfficePhone, l.Email, l.Note}
			if old == "" {
				_, err = ch.tx.ExecContext(ctx, `INSERT INTO liaisons(`+liaisonCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`,
					append(append([]any{l.ID}, vals...), ch.version, ch.device, ch.actor, formatTime(ch.at))...)
				if err != nil {
					return fmt.Errorf("无法保存联络员「%s」：%w", l.Name, err)
				}
				added++
				if err := ch.audit(ctx, "liaisons", l.ID, actionCreate, ""); err != nil {
					return err
				}
				continue
			}
			var deleted bool // a tombstone (DeleteLiaison): saving the person again brings them back
			if err := ch.tx.QueryRowContext(ctx, `SELECT deleted_at IS NOT NULL FROM liaisons WHERE id = ?`, l.ID).Scan(&deleted); err != nil {
				return err
			}
			res, err := ch.tx.ExecContext(ctx, `UPDATE liaisons SET district = ?, unit = ?, department = ?, name = ?, title = ?,
				mobile = ?, office_phone = ?, email = ?, note = ?, deleted_at = NULL, deleted_by = '', base_version = version,
				version = ?, device_id = ?, actor = ?, updated_at = ? WHERE id = ? AND (deleted_at IS NOT NULL OR NOT (district = ?
				AND unit = ? AND department = ? AND name = ? AND title = ? AND mobile = ? AND office_phone = ? AND email = ? AND note = ?))`,
				append(append(append(vals, ch.version, ch.device, ch.actor, formatTime(ch.at)), l.ID), vals...)...)
			if err != nil {
				return fmt.Errorf("无法保存联络员「%s」：%w", l.Name, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				action := actionUpdate
				if deleted {
					added, action = added+1, actionCreate
				} else {
					updated++
				}
				if err := ch.audit(ctx, "liaisons", l.ID, action, old); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return added, updated, nil
}

// ImportCommunities stores an imported community list in one
// transaction, all or none: add are new communities, update are existing
// ones (by id) with their new facts.
func (db *DB) ImportCommunities(ctx context.Context, add, update []inspection.Community) error {
	for i := range add {
		if err := add[i].Validate(); err != nil {
			return fmt.Errorf("小区「%s」：%w", add[i].Name, err)
		}
		if add[i].ID == "" {
			add[i].ID = uuid.Must(uuid.NewV7()).String()
		}
	}
	for i := range update {
		if err := update[i].Validate(); err != nil {
			return fmt.Errorf("小区「%s」：%w", update[i].Name, err)
		}
	}
	return db.inChange(ctx, func(ch *change) error {
		for _, c := range add {
			_, err := ch.tx.ExecContext(ctx, `INSERT INTO communities(`+communityCols+`, initials)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)`,
				c.ID, c.Name, c.District, c.Street, c.Community, c.Address, c.PropertyCompany, c.Households, c.Type, c.Committee,
				nullFloat(c.Satisfaction), nullFloat(c.ComplaintRate), ch.version, ch.device, ch.actor, formatTime(ch.at), Initials(c.Name))
			if err != nil {
				return fmt.Errorf("无法保存小区「%s」：%w", c.Name, err)
			}
			if err := ch.audit(ctx, "communities", c.ID, actionCreate, ""); err != nil {
				return err
			}
		}
		for _, c := range update {
			if err := updateCommunityTx(ctx, ch, c); err != nil {
				return err
			}
		}
		return nil
	})
}

func updateCommunityTx(ctx context.Context, ch *change, c inspection.Community) error {
	old, err := snapshot(ctx, ch.tx, "communities", c.ID)
	if err != nil {
		return err
	}
	if old == "" {
		return fmt.Errorf("小区 %s：%w", c.ID, inspection.ErrNotFound)
	}
	res, err := ch.tx.ExecContext(ctx, `UPDATE communities SET name = ?, district = ?, street = ?, community = ?, address = ?,
		property_company = ?, households = ?, type = ?, committee = ?, satisfaction = ?, complaint_rate = ?, initials = ?,
		base_version = version, version = ?, device_id = ?, actor = ?, updated_at = ?
		WHERE id = ? AND NOT (name = ? AND district = ? AND street = ? AND community = ? AND address = ? AND property_company = ?
		AND households = ? AND type = ? AND committee = ? AND satisfaction IS ? AND complaint_rate IS ?)`,
		c.Name, c.District, c.Street, c.Community, c.Address, c.PropertyCompany, c.Households, c.Type, c.Committee,
		nullFloat(c.Satisfaction), nullFloat(c.ComplaintRate), Initials(c.Name), ch.version, ch.device, ch.actor, formatTime(ch.at),
		c.ID, c.Name, c.District, c.Street, c.Community, c.Address, c.PropertyCompany, c.Households, c.Type, c.Committee,
		nullFloat(c.Satisfaction), nullFloat(c.ComplaintRate))
	if err != nil {
		return fmt.Errorf("无法保存小区「%s」：%w", c.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // unchanged
	}
	return ch.audit(ctx, "communities", c.ID, actionUpdate, old)
}

// CommunityFigures are the satisfaction and complaint figures of one
// community as the office imports them; nil leaves a figure unchanged.
type CommunityFigures struct {
	CommunityID   string
	Satisfaction  *float64
	ComplaintRate *float64
}

// SetCommunityFigures stores imported figures in one transaction, all or
// none, and returns how many communities changed.
func (db *DB) SetCommunityFigures(ctx context.Context, figs []CommunityFigures) (int, error) {
	changed := 0
	err := db.inChange(ctx, func(ch *change) error {
		for _, f := range figs {
			c, err := scanCommunity(ch.tx.QueryRowContext(ctx, `SELECT `+communityCols+` FROM communities WHERE id = ?`, f.CommunityID))
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("小区 %s：%w", f.CommunityID, inspection.ErrNotFound)
			}
			if err != nil {
				return err
			}
			if f.Satisfaction != nil {
				c.Satisfaction = f.Satisfaction
			}
			if f.ComplaintRate != nil {
				c.ComplaintRate = f.ComplaintRate
			}
			if err := c.Validate(); err != nil {
				return fmt.Errorf("小区「%s」：%w", c.Name, err)
			}
			var n int
			if err := ch.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM communities WHERE id = ? AND satisfaction IS ? AND complaint_rate IS ?`,
				c.ID, nullFloat(c.Satisfaction), nullFloat(c.ComplaintRate)).Scan(&n); err != nil {
				return err
			}
			if n == 1 {
				continue
			}
			if err := updateCommunityTx(ctx, ch, c); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return changed, nil
}

// ActionSheetRow is one line of the 整改清单 (report/xlsx.WriteActions):
// a corrective action with its community, the item's text in the template
// of the inspection that opened it, and when that inspection started.
type ActionSheetRow struct {
	Action      inspection.CorrectiveAction
	Community   inspection.Community
	ItemText    string
	InspectedAt time.Time
}

// ActionSheetRows lists the corrective actions like ListActions (same
// filter, same order) with what the 整改清单 shows about each
// (EachActionSheetRow, collected). Loading each inspection with all its
// answers instead took 14 s and 580 MB for a city of 5,000 communities
// (docs/PERFORMANCE.md).
func (db *DB) ActionSheetRows(ctx context.Context, f ActionFilter) ([]ActionSheetRow, error) {
	var out []ActionSheetRow
	err := db.EachActionSheetRow(ctx, f, func(n int) error {
		out = make([]ActionSheetRow, 0, n)
		return nil
	}, func(r ActionSheetRow) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// countActionSheetRows counts the rows of eachActionSheetRow: all of
// them in SQL when keep is nil, else those keep accepts, each seen with
// what keep may look at, read and parsed as the rows are.
func countActionSheetRows(ctx context.Context, tx *sql.Tx, where string, args []any, communities map[string]inspection.Community, keep func(ActionSheetRow) bool) (int, error) {
	var total int
	if keep == nil {
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM corrective_actions a JOIN communities c ON c.id = a.community_id`+where, args...).Scan(&total)
		return total, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.community_id, a.due_date, a.status, i.started_at
		FROM corrective_actions a JOIN communities c ON c.id = a.community_id
		LEFT JOIN inspections i ON i.id = a.inspection_id`+where, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var r ActionSheetRow
		var due, status string
		var started sql.NullString
		if err := rows.Scan(&r.Action.CommunityID, &due, &status, &started); err != nil {
			return 0, err
		}
		r.Action.DueDate, _ = time.ParseInLocation(dateLayout, due, time.Local) // as scanAction
		r.Action.Status = inspection.ActionStatus(status)
		r.Community = communities[r.Action.CommunityID]
		r.InspectedAt = parseTime(started.String)
		if keep(r) {
			total++
		}
	}
	return total, rows.Err()
}

// actionSheetBatch is how many rows EachActionSheetRow hands over at a
// time.
const actionSheetBatch = 256

// EachActionSheetRow calls start with the number of rows ActionSheetRows
// gives for f, then fn with each of them in the same order, all read in
// one read transaction: the count, the communities concerned, then the
// actions with their inspection's start and template, sorted by due date.
// The actions are read on a goroutine, a batch ahead of fn, so a caller
// that writes them (the 整改清单) overlaps reading with writing.
func (db *DB) EachActionSheetRow(ctx context.Context, f ActionFilter, start func(total int) error, fn func(ActionSheetRow) error) error {
	return db.eachActionSheetRow(ctx, f, nil, start, fn)
}

// eachActionSheetRow is EachActionSheetRow giving only the rows keep
// accepts (all of them when keep is nil). keep sees a row's community,
// InspectedAt, and its action's status and due date: the count is made
// from those alone, in the same read transaction, before any row is read.
func (db *DB) eachActionSheetRow(ctx context.Context, f ActionFilter, keep func(ActionSheetRow) bool, start func(total int) error, fn func(ActionSheetRow) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	where, args := f.where()
	from := ` FROM corrective_actions a JOIN communities c ON c.id = a.community_id` + where
	communities := map[string]inspection.Community{}
	rows, err := tx.QueryContext(ctx, `SELECT `+communityCols+` FROM communities WHERE id IN (SELECT a.community_id`+from+`)`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		c, err := scanCommunity(rows)
		if err != nil {
			rows.Close()
			return err
		}
		communities[c.ID] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	total, err := countActionSheetRows(ctx, tx, where, args, communities, keep)
	if err != nil {
		return err
	}
	if err := start(total); err != nil {
		return err
	}
	// The actions are read a batch ahead of fn.
	n := 0
	err = readAhead(2, func(send func([]ActionSheetRow) bool) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+actionColsA+`, i.id, i.started_at, i.template_id, i.template_version
			FROM corrective_actions a JOIN communities c ON c.id = a.community_id
			LEFT JOIN inspections i ON i.id = a.inspection_id`+where+` ORDER BY a.due_date, a.id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		type tplKey struct {
			id      string
			version int64
		}
		tpls := map[tplKey]*inspection.Template{}
		b := make([]ActionSheetRow, 0, actionSheetBatch)
		for rows.Next() {
			var r ActionSheetRow
			var iid, started, tid sql.NullString
			var tver sql.NullInt64
			r.Action, err = scanAction(rowScanner{rows, []any{&iid, &started, &tid, &tver}})
			if err != nil {
				return err
			}
			if !iid.Valid {
				return fmt.Errorf("整改事项 %s 的检查记录 %s：%w", r.Action.ID, r.Action.InspectionID, inspection.ErrNotFound)
			}
			r.InspectedAt = parseTime(started.String)
			r.Community = communities[r.Action.CommunityID]
			if keep != nil && !keep(r) {
				continue
			}
			k := tplKey{tid.String, tver.Int64}
			tpl, ok := tpls[k]
			if !ok {
				if tpl, err = db.Template(ctx, k.id, int(k.version)); err != nil {
					return err
				}
				tpls[k] = tpl
			}
			if it, ok := tpl.Item(r.Action.ItemCode); ok {
				r.ItemText = it.Text
			}
			if b = append(b, r); len(b) == actionSheetBatch {
				if !send(b) {
					return nil
				}
				b = make([]ActionSheetRow, 0, actionSheetBatch)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(b) > 0 {
			send(b)
		}
		return nil
	}, func(r ActionSheetRow) error {
		n++
		return fn(r)
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if n != total {
		return fmt.Errorf("整改清单读出 %d 项，计数为 %d 项（数据在读取时改变？请重试）", n, total)
	}
	return nil
}
