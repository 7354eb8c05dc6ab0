package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// ExportContent chooses what a package carries.
type ExportContent string

// Contents. The same format serves every direction; only the selection
// differs.
const (
	// ContentAll: every record (inspector → district, district → city).
	ContentAll ExportContent = "all"
	// ContentReference: communities, templates and assignments (office →
	// inspector).
	ContentReference ExportContent = "reference"
)

// ExportOptions select the rows of a package.
type ExportOptions struct {
	// Office names the receiver. With an office, the package carries only
	// what changed here since the last export to it (all of it the first
	// time), and photos already sent to it are left out.
	Office string
	// Full sends everything even when Office has had packages before.
	Full    bool
	Content ExportContent
}

// ExportSet is what a package will carry.
type ExportSet struct {
	Rows        []Row
	Photos      []string // SHA-256 digests, sorted
	Incremental bool
	Since       time.Time // the previous export to the office (incremental only)
	AuditSeq    int64     // the audit log's high-water mark the rows reflect
}

// ExportRows selects the rows and photos of a package in one consistent
// read. Whatever the selection, a package is self-contained for what it
// carries: an inspection brings its community and template (and the
// inspection it amends), a finalized inspection all the answers it was
// signed with, an answer or corrective action its inspection.
func (db *DB) ExportRows(ctx context.Context, opts ExportOptions) (ExportSet, error) {
	var set ExportSet
	if opts.Content == "" {
		opts.Content = ContentAll
	}
	if opts.Content != ContentAll && opts.Content != ContentReference {
		return set, fmt.Errorf("%w：导出内容「%s」无法识别（可用 all、reference）", inspection.ErrInvalid, opts.Content)
	}
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return set, err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_log`).Scan(&set.AuditSeq); err != nil {
		return set, err
	}
	since := int64(-1)
	if opts.Office != "" && !opts.Full {
		var seq sql.NullInt64
		var at sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT audit_seq, created_at FROM exports WHERE office = ? ORDER BY audit_seq DESC LIMIT 1`,
			opts.Office).Scan(&seq, &at)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return set, err
		}
		if seq.Valid {
			since, set.Incremental, set.Since = seq.Int64, true, parseTime(at.String)
		}
	}
	entities := Entities
	if opts.Content == ContentReference {
		entities = []string{"communities", "templates", "assignments"}
	}
	all := map[string]map[string]Row{}
	for _, e := range entities {
		if all[e], err = loadRows(ctx, tx, e); err != nil {
			return set, err
		}
	}
	chosen, err := changedSince(ctx, tx, since, all)
	if err != nil {
		return set, err
	}
	closeOver(chosen, all)
	for _, e := range entities {
		for _, id := range sortedKeys(chosen[e]) {
			set.Rows = append(set.Rows, all[e][id])
		}
	}
	set.Photos, err = photosToSend(ctx, tx, set.Rows, opts)
	return set, err
}

func loadRows(ctx context.Context, tx *sql.Tx, entity string) (map[string]Row, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+strings.Join(columnNames(entity), ", ")+`,
		(SELECT clock FROM row_clocks WHERE entity = ? AND entity_id = id) FROM `+entity, entity)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := len(travelling[entity])
	out := map[string]Row{}
	for rows.Next() {
		vals := make([]any, n+1)
		ptrs := make([]any, n+1)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		norm, err := NormalizeRow(entity, vals[:n])
		if err != nil {
			return nil, err
		}
		r := Row{Entity: entity, Values: norm, Clock: Clock{}}
		if s, ok := vals[n].(string); ok {
			if r.Clock, err = ParseClock(s); err != nil {
				return nil, err
			}
		}
		r.Clock = r.Clock.With(r.Version())
		out[r.ID()] = r
	}
	return out, rows.Err()
}

// changedSince picks the rows whose audit entries come after seq (every
// row when seq < 0).
func changedSince(ctx context.Context, tx *sql.Tx, seq int64, all map[string]map[string]Row) (map[string]map[string]bool, error) {
	chosen := map[string]map[string]bool{}
	for e, rows := range all {
		chosen[e] = map[string]bool{}
		if seq < 0 {
			for id := range rows {
				chosen[e][id] = true
			}
		}
	}
	if seq < 0 {
		return chosen, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT entity, entity_id, CASE WHEN entity_id = '' AND action = ? THEN new ELSE '' END
		FROM audit_log WHERE seq > ?`, actionImportBatch, seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	choose := func(e, id string) {
		if _, ok := all[e][id]; ok {
			chosen[e][id] = true
		}
	}
	for rows.Next() {
		var e, id, batch string
		if err := rows.Scan(&e, &id, &batch); err != nil {
			return nil, err
		}
		if batch != "" {
			batchStates(batch, func(rid, _ string) { choose(e, rid) })
		}
		choose(e, id)
	}
	return chosen, rows.Err()
}

// closeOver adds what the chosen rows need, until nothing more is added.
func closeOver(chosen map[string]map[string]bool, all map[string]map[string]Row) {
	add := func(e, id string) bool {
		if _, ok := all[e][id]; !ok || chosen[e][id] {
			return false
		}
		chosen[e][id] = true
		return true
	}
	answersOf := map[string][]string{}
	for id, a := range all["answers"] {
		answersOf[a.Str("inspection_id")] = append(answersOf[a.Str("inspection_id")], id)
	}
	for grew := true; grew; {
		grew = false
		for id := range chosen["answers"] {
			grew = add("inspections", all["answers"][id].Str("inspection_id")) || grew
		}
		for id := range chosen["corrective_actions"] {
			a := all["corrective_actions"][id]
			grew = add("inspections", a.Str("inspection_id")) || grew
			grew = add("communities", a.Str("community_id")) || grew
		}
		for id := range chosen["picks"] {
			grew = add("communities", all["picks"][id].Str("community_id")) || grew
		}
		for id := range chosen["assignments"] {
			grew = add("communities", all["assignments"][id].Str("community_id")) || grew
		}
		for id := range chosen["inspections"] {
			in := all["inspections"][id]
			grew = add("communities", in.Str("community_id")) || grew
			tv, _ := in.Get("template_version").(int64)
			grew = add("templates", templateRowID(in.Str("template_id"), int(tv))) || grew
			if am := in.Str("amends_id"); am != "" {
				grew = add("inspections", am) || grew
			}
			if in.Str("status") == string(inspection.Finalized) {
				for _, aid := range answersOf[id] {
					grew = add("answers", aid) || grew
				}
			}
		}
	}
}

func photosToSend(ctx context.Context, tx *sql.Tx, rows []Row, opts ExportOptions) ([]string, error) {
	refs := map[string]bool{}
	for _, r := range rows {
		for _, sha := range PhotoRefs(r) {
			refs[sha] = true
		}
	}
	if opts.Office != "" && !opts.Full {
		sent, err := tx.QueryContext(ctx, `SELECT sha256 FROM exported_photos WHERE office = ?`, opts.Office)
		if err != nil {
			return nil, err
		}
		defer sent.Close()
		for sent.Next() {
			var sha string
			if err := sent.Scan(&sha); err != nil {
				return nil, err
			}
			delete(refs, sha)
		}
		if err := sent.Err(); err != nil {
			return nil, err
		}
	}
	var out []string
	for _, sha := range sortedKeys(refs) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM photos WHERE sha256 = ?`, sha).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, sha)
		}
	}
	return out, nil
}

// ExportPhotos reads the given photos one at a time.
func (db *DB) ExportPhotos(ctx context.Context, shas []string, fn func(Photo) error) error {
	for _, sha := range shas {
		var p Photo
		err := db.read.QueryRowContext(ctx, `SELECT sha256, mime, width, height, data FROM photos WHERE sha256 = ?`, sha).
			Scan(&p.SHA256, &p.Mime, &p.Width, &p.Height, &p.Data)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("照片 %s：%w", sha, inspection.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// ExportRecord is one package written.
type ExportRecord struct {
	PackageID string
	Office    string
	Full      bool
	AuditSeq  int64
	CreatedAt time.Time
	FileName  string
	Rows      int
	Photos    []string // the photos sent (when recording an export)
	// PhotoCount is how many photos the package carried (as listed by
	// Exports).
	PhotoCount int
}

// RecordExport notes a package written for an office, so the next
// incremental export to it starts from there.
func (db *DB) RecordExport(ctx context.Context, rec ExportRecord) error {
	if rec.Office == "" {
		return nil
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO exports(package_id, office, full, audit_seq, created_at, file_name, rows, photos)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, rec.PackageID, rec.Office, rec.Full, rec.AuditSeq, formatTime(rec.CreatedAt),
			rec.FileName, rec.Rows, len(rec.Photos))
		if err != nil {
			return err
		}
		for _, sha := range rec.Photos {
			if _, err := tx.ExecContext(ctx, `INSERT INTO exported_photos(office, sha256) VALUES (?, ?) ON CONFLICT DO NOTHING`,
				rec.Office, sha); err != nil {
				return err
			}
		}
		return nil
	})
}

// Exports lists the packages written for offices, newest first.
func (db *DB) Exports(ctx context.Context) ([]ExportRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT package_id, office, full, audit_seq, created_at, file_name, rows, photos FROM exports
		ORDER BY audit_seq DESC, created_at DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExportRecord
	for rows.Next() {
		var r ExportRecord
		var created string
		if err := rows.Scan(&r.PackageID, &r.Office, &r.Full, &r.AuditSeq, &created, &r.FileName, &r.Rows, &r.PhotoCount); err != nil {
			return nil, err
		}
		r.CreatedAt = parseTime(created)
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordDigest is a SHA-256 over every travelling record (all columns that
// travel, versions included) and every photo, independent of how and in
// which order they arrived. Two installations that hold the same records
// have the same digest.
func (db *DB) RecordDigest(ctx context.Context) (string, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	h := sha256.New()
	for _, e := range Entities {
		rows, err := loadRows(ctx, tx, e)
		if err != nil {
			return "", err
		}
		for _, id := range sortedKeys(rows) {
			r := rows[id]
			fmt.Fprintf(h, "%s %s %s\n", e, r.JSON(), r.Clock)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT sha256, mime, width, height, data FROM photos ORDER BY sha256`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var sha, mime string
		var w, hgt int
		var data []byte
		if err := rows.Scan(&sha, &mime, &w, &hgt, &data); err != nil {
			return "", err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(h, "photo %s %s %d %d %x\n", sha, mime, w, hgt, sum)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
