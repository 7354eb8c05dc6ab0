package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// The bulk-load path: generated data (store/demo's city-scale generator,
// jiayuanctl gen) written in one transaction per batch instead of one per
// answer. The rows carry their own versions, devices, people and times
// (as rows arriving in a package do) and are written in multi-row
// INSERTs; each row gets one audit entry ("create", the row read back from
// the table, chained like every other entry), so Verify passes and the
// data exports, merges and prints like data entered in the app. The local
// score cache is computed from the rows, the clock is moved past every
// version, and version vectors (Row.Clock) that hold more than the row's
// own version are kept in row_clocks.

// BulkBatch is one transaction of LoadBulk: rows in reference order
// (communities, templates, inspections, answers, corrective actions; a
// row's references in this batch or an earlier one) and photos.
type BulkBatch struct {
	Rows   []Row
	Photos []Photo
}

// BulkCounts is what LoadBulk wrote.
type BulkCounts struct {
	Rows   int
	Photos int
}

// bulkRowsPerStatement bounds a multi-row INSERT: SQLite allows 32,766
// parameters; answers have 14 columns.
const bulkRowsPerStatement = 200

// LoadBulk writes a batch of new records in one transaction (committed
// before it returns). Every row must be new to the file; a row whose id
// exists is an error and nothing of the batch is written.
func (db *DB) LoadBulk(ctx context.Context, b BulkBatch) (BulkCounts, error) {
	var counts BulkCounts
	byEntity := map[string][]Row{}
	maxVersion := ""
	for _, r := range b.Rows {
		if travelling[r.Entity] == nil {
			return counts, fmt.Errorf("%w：未知的数据表 %s", inspection.ErrInvalid, r.Entity)
		}
		if len(r.Values) != len(travelling[r.Entity]) {
			return counts, fmt.Errorf("%w：数据表 %s 的列数不符", inspection.ErrInvalid, r.Entity)
		}
		byEntity[r.Entity] = append(byEntity[r.Entity], r)
		for _, v := range r.Clock.With(r.Version()) {
			maxVersion = max(maxVersion, v)
		}
	}
	l := &bulkLoader{db: db, ctx: ctx, stmts: map[string]*sql.Stmt{}, tpls: map[string]*inspection.Template{}}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		l.tx = tx
		defer l.closeStmts()
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&l.prevHash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		for _, e := range Entities {
			rows := byEntity[e]
			for start := 0; start < len(rows); start += bulkRowsPerStatement {
				if err := l.chunk(e, rows[start:min(start+bulkRowsPerStatement, len(rows))]); err != nil {
					return err
				}
			}
			counts.Rows += len(rows)
		}
		if counts.Photos, err = l.photos(b.Photos); err != nil {
			return err
		}
		if err := l.scores(byEntity["inspections"], byEntity["answers"]); err != nil {
			return err
		}
		if maxVersion != "" {
			_, err = tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('hlc_last', ?)
				ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value)`, maxVersion)
		}
		return err
	})
	if err != nil {
		return BulkCounts{}, diskFull(err)
	}
	db.ObserveVersion(maxVersion)
	return counts, nil
}

type bulkLoader struct {
	db       *DB
	ctx      context.Context
	tx       *sql.Tx
	prevHash string
	stmts    map[string]*sql.Stmt
	tpls     map[string]*inspection.Template
}

func (l *bulkLoader) stmt(key, query string) (*sql.Stmt, error) {
	if s, ok := l.stmts[key]; ok {
		return s, nil
	}
	s, err := l.tx.PrepareContext(l.ctx, query)
	if err != nil {
		return nil, err
	}
	l.stmts[key] = s
	return s, nil
}

func (l *bulkLoader) closeStmts() {
	for _, s := range l.stmts {
		s.Close()
	}
}

// values returns "(?, …), (?, …)" for n rows of k columns.
func values(n, k int) string {
	one := "(?" + strings.Repeat(", ?", k-1) + ")"
	return one + strings.Repeat(", "+one, n-1)
}

// chunk inserts rows of one entity, reads them back and audits them.
func (l *bulkLoader) chunk(entity string, rows []Row) error {
	names := columnNames(entity)
	if entity == "communities" {
		names = append(names, "initials")
	}
	ins, err := l.stmt(fmt.Sprintf("ins:%s:%d", entity, len(rows)),
		`INSERT INTO `+entity+`(`+strings.Join(names, ", ")+`) VALUES `+values(len(rows), len(names)))
	if err != nil {
		return err
	}
	args := make([]any, 0, len(rows)*len(names))
	ids := make([]any, len(rows))
	for i, r := range rows {
		args = append(args, r.Values...)
		if entity == "communities" {
			args = append(args, Initials(r.Str("name")))
		}
		ids[i] = r.ID()
	}
	if _, err := ins.ExecContext(l.ctx, args...); err != nil {
		return fmt.Errorf("无法写入 %s：%w", entity, err)
	}
	for _, r := range rows {
		if r.Clock.With(r.Version()).onlyOwn(r.Version()) {
			continue
		}
		if _, err := l.tx.ExecContext(l.ctx, `INSERT INTO row_clocks(entity, entity_id, clock) VALUES (?, ?, ?)`,
			entity, r.ID(), r.Clock.With(r.Version()).String()); err != nil {
			return err
		}
	}
	// The audit holds exactly what is stored: read the rows back.
	sel, err := l.stmt(fmt.Sprintf("snaps:%s:%d", entity, len(rows)),
		`SELECT * FROM `+entity+` WHERE id IN (?`+strings.Repeat(", ?", len(rows)-1)+`)`)
	if err != nil {
		return err
	}
	q, err := sel.QueryContext(l.ctx, ids...)
	if err != nil {
		return err
	}
	snaps := make(map[string]string, len(rows))
	for q.Next() {
		js, err := rowJSON(q)
		if err != nil {
			q.Close()
			return err
		}
		snaps[jsonField(js, "id")] = js
	}
	q.Close()
	if err := q.Err(); err != nil {
		return err
	}
	aud, err := l.stmt(fmt.Sprintf("audit:%d", len(rows)), `INSERT INTO audit_log(at, device_id, actor, entity, entity_id, action, old, new, prev_hash, hash)
		VALUES `+values(len(rows), 10))
	if err != nil {
		return err
	}
	args = args[:0]
	for _, r := range rows {
		newState, ok := snaps[r.ID()]
		if !ok {
			return fmt.Errorf("写入后读不到 %s %s", entity, r.ID())
		}
		at, device, actor := r.Str("updated_at"), r.Str("device_id"), r.Str("actor")
		h := auditHash(l.prevHash, at, device, actor, entity, r.ID(), actionCreate, "", newState)
		args = append(args, at, device, actor, entity, r.ID(), actionCreate, "", newState, l.prevHash, h)
		l.prevHash = h
	}
	_, err = aud.ExecContext(l.ctx, args...)
	return err
}

// photos stores the batch's photos (a photo already here is kept).
func (l *bulkLoader) photos(photos []Photo) (int, error) {
	const per = 100
	n := 0
	for start := 0; start < len(photos); start += per {
		chunk := photos[start:min(start+per, len(photos))]
		s, err := l.stmt(fmt.Sprintf("photos:%d", len(chunk)), `INSERT INTO photos(sha256, mime, width, height, data, created_at)
			VALUES `+values(len(chunk), 6)+` ON CONFLICT(sha256) DO NOTHING`)
		if err != nil {
			return n, err
		}
		args := make([]any, 0, len(chunk)*6)
		at := formatTime(l.db.now())
		for _, p := range chunk {
			mime := p.Mime
			if mime == "" {
				mime = "image/jpeg"
			}
			args = append(args, p.SHA256, mime, p.Width, p.Height, p.Data, at)
		}
		res, err := s.ExecContext(l.ctx, args...)
		if err != nil {
			return n, fmt.Errorf("无法保存照片：%w", err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// scores fills the local score cache of the batch's inspections from the
// batch's answers (an inspection's answers travel with it).
func (l *bulkLoader) scores(inspections, answers []Row) error {
	if len(inspections) == 0 {
		return nil
	}
	byInspection := map[string]map[string]inspection.Answer{}
	for _, r := range answers {
		a, err := rowAnswer(r)
		if err != nil {
			return err
		}
		m := byInspection[a.InspectionID]
		if m == nil {
			m = map[string]inspection.Answer{}
			byInspection[a.InspectionID] = m
		}
		m[a.ItemCode] = a
	}
	const per = 200
	for start := 0; start < len(inspections); start += per {
		chunk := inspections[start:min(start+per, len(inspections))]
		s, err := l.stmt(fmt.Sprintf("scores:%d", len(chunk)), `INSERT INTO inspection_scores(inspection_id, score, defined, vetoes, judged, scorable)
			VALUES `+values(len(chunk), 6))
		if err != nil {
			return err
		}
		args := make([]any, 0, len(chunk)*6)
		for _, r := range chunk {
			ver, _ := r.Get("template_version").(int64)
			key := templateRowID(r.Str("template_id"), int(ver))
			tpl := l.tpls[key]
			if tpl == nil {
				if tpl, err = l.db.templateTx(l.ctx, l.tx, r.Str("template_id"), int(ver)); err != nil {
					return err
				}
				l.tpls[key] = tpl
			}
			card := inspection.Score(tpl, byInspection[r.ID()])
			args = append(args, r.ID(), card.Total, card.Defined, len(card.Vetoes), card.Judged, card.Scorable)
		}
		if _, err := s.ExecContext(l.ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// rowAnswer converts a travelling answer row to the domain value.
func rowAnswer(r Row) (inspection.Answer, error) {
	a := inspection.Answer{InspectionID: r.Str("inspection_id"), ItemCode: r.Str("item_code"), Result: inspection.Result(r.Str("result")),
		Text: r.Str("text"), Note: r.Str("note")}
	if v, ok := r.Get("value").(float64); ok {
		a.Value = &v
	}
	if err := jsonUnmarshal(r.Str("choices"), &a.Choices); err != nil {
		return a, fmt.Errorf("检查项 %s 的选项数据损坏：%w", a.ItemCode, err)
	}
	if err := jsonUnmarshal(r.Str("photos"), &a.Photos); err != nil {
		return a, fmt.Errorf("检查项 %s 的照片数据损坏：%w", a.ItemCode, err)
	}
	return a, nil
}

// templateTx reads a template inside a write transaction (it may have
// arrived in the same batch), through the cache once committed.
func (db *DB) templateTx(ctx context.Context, tx *sql.Tx, id string, version int) (*inspection.Template, error) {
	rowID := templateRowID(id, version)
	db.tplMu.Lock()
	t, ok := db.templates[rowID]
	db.tplMu.Unlock()
	if ok {
		return t, nil
	}
	var body string
	err := tx.QueryRowContext(ctx, `SELECT body FROM templates WHERE id = ?`, rowID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("模板 %s 第 %d 版：%w", id, version, inspection.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return inspection.ParseTemplate([]byte(body))
}
