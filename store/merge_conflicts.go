package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// Conflict is a version of a record that lost to a concurrent version
// when packages were merged. The current row is the winner; a person
// keeps it or takes the other version.
type Conflict struct {
	ID       string
	Entity   string // communities, templates, inspections, answers, corrective_actions
	EntityID string
	// Version and Row are the losing version and its columns as JSON.
	Version string
	Row     string
	// Current is the record as it is now (JSON of the travelling columns,
	// "" when no row exists: an answer a finalized inspection does not
	// have).
	Current        string
	CurrentVersion string
	DetectedAt     time.Time
	PackageID      string
	ResolvedAt     *time.Time
	Resolution     string // kept_current | took_other | superseded
	ResolvedBy     string
}

// Keep is a person's choice when resolving a conflict.
type Keep string

// Choices.
const (
	KeepCurrent Keep = "current" // the version in use now (the winner)
	KeepOther   Keep = "other"   // the losing version kept in the conflict
)

// Conflicts lists conflicts, open ones first, each by record and version.
func (db *DB) Conflicts(ctx context.Context, openOnly bool) ([]Conflict, error) {
	q := `SELECT id FROM conflicts`
	if openOnly {
		q += ` WHERE resolved_at IS NULL`
	}
	q += ` ORDER BY resolved_at IS NOT NULL, entity, entity_id, version`
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Conflict, 0, len(ids))
	for _, id := range ids {
		c, err := db.Conflict(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Conflict reads one conflict with the record's current state.
func (db *DB) Conflict(ctx context.Context, id string) (Conflict, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Conflict{}, err
	}
	defer tx.Rollback()
	return loadConflict(ctx, tx, id)
}

func loadConflict(ctx context.Context, tx *sql.Tx, id string) (Conflict, error) {
	var c Conflict
	var detected string
	var resolved sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT id, entity, entity_id, version, row, detected_at, package_id, resolved_at, resolution, resolved_by
		FROM conflicts WHERE id = ?`, id).Scan(&c.ID, &c.Entity, &c.EntityID, &c.Version, &c.Row, &detected, &c.PackageID,
		&resolved, &c.Resolution, &c.ResolvedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("冲突 %s：%w", id, inspection.ErrNotFound)
	}
	if err != nil {
		return c, err
	}
	if travelling[c.Entity] == nil {
		return c, fmt.Errorf("冲突 %s 的数据表 %s 无法识别", id, c.Entity)
	}
	c.DetectedAt = parseTime(detected)
	if resolved.Valid {
		t := parseTime(resolved.String)
		c.ResolvedAt = &t
	}
	cur, err := currentHead(ctx, tx, c.Entity, c.EntityID)
	if err != nil {
		return c, err
	}
	if cur != nil {
		c.Current, c.CurrentVersion = cur.row.JSON(), cur.version()
	}
	return c, nil
}

func currentHead(ctx context.Context, tx *sql.Tx, entity, id string) (*head, error) {
	return scanCurrent(tx.QueryRowContext(ctx, `SELECT `+strings.Join(columnNames(entity), ", ")+`,
		(SELECT clock FROM row_clocks WHERE entity = ?1 AND entity_id = ?2) FROM `+entity+` WHERE id = ?2`, entity, id), entity)
}

// ResolveConflict records a person's choice. Keeping the current version
// or taking the other one writes a new version of the record that
// includes both, so the choice travels in later packages and settles the
// same conflict elsewhere; the audit log records it (action "resolve").
// A finalized inspection, and the answers it was signed with, cannot be
// replaced: only KeepCurrent is allowed (corrections are amendments).
func (db *DB) ResolveConflict(ctx context.Context, id string, keep Keep) error {
	if keep != KeepCurrent && keep != KeepOther {
		return fmt.Errorf("%w：请选择保留当前版本或另一版本", inspection.ErrInvalid)
	}
	var touchedTemplate string
	err := db.inChange(ctx, func(ch *change) error {
		c, err := loadConflict(ctx, ch.tx, id)
		if err != nil {
			return err
		}
		if c.ResolvedAt != nil {
			return fmt.Errorf("%w：该冲突已于 %s 处理", inspection.ErrInvalid, c.ResolvedAt.Format("2006-01-02 15:04"))
		}
		m := &merger{db: db, ctx: ctx, tx: ch.tx, ch: ch, pkg: &Package{}, stmts: map[string]*sql.Stmt{},
			rescore: map[string]bool{}, templatesTouched: map[string]bool{}, templates: map[string]*inspection.Template{}}
		defer m.closeStmts()
		if err := ch.tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&m.prevHash); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := m.resolve(c, keep); err != nil {
			return err
		}
		for tid := range m.templatesTouched {
			touchedTemplate = tid
		}
		resolution := "kept_current"
		if keep == KeepOther {
			resolution = "took_other"
		}
		_, err = ch.tx.ExecContext(ctx, `UPDATE conflicts SET resolved_at = ?, resolution = ?, resolved_by = ? WHERE id = ?`,
			formatTime(ch.at), resolution, ch.actor, id)
		return err
	})
	if touchedTemplate != "" {
		db.tplMu.Lock()
		delete(db.templates, touchedTemplate)
		db.tplMu.Unlock()
	}
	return err
}

func (m *merger) resolve(c Conflict, keep Keep) error {
	loser, err := rowFromJSON(c.Entity, c.Row)
	if err != nil {
		return err
	}
	var clock string
	if err := m.tx.QueryRowContext(m.ctx, `SELECT clock FROM conflicts WHERE id = ?`, c.ID).Scan(&clock); err != nil {
		return err
	}
	if loser.Clock, err = ParseClock(clock); err != nil {
		return err
	}
	cur, err := m.current(c.Entity, c.EntityID)
	if err != nil {
		return err
	}
	frozen, err := m.frozen(c.Entity, cur, loser)
	if err != nil {
		return err
	}
	if frozen {
		if keep == KeepOther {
			return fmt.Errorf("%w（冲突 %s）", inspection.ErrFinalized, c.ID)
		}
		// The signed content stays as it is; the choice is recorded.
		old, err := m.snapshot(c.Entity, c.EntityID)
		if err != nil {
			return err
		}
		return m.audit(c.Entity, c.EntityID, actionResolve, old)
	}
	chosen := loser
	base := ""
	clockAll := loser.Clock.With(loser.Version())
	if cur != nil {
		base = cur.version()
		clockAll = clockAll.Join(cur.clock)
		if keep == KeepCurrent {
			chosen = cur.row
		}
	}
	vals := append([]any{}, chosen.Values...)
	for name, v := range map[string]any{"version": m.ch.version, "base_version": base, "device_id": m.ch.device,
		"actor": m.ch.actor, "updated_at": formatTime(m.ch.at)} {
		vals[columnIndex(c.Entity, name)] = v
	}
	row := Row{Entity: c.Entity, Values: vals}
	winner := &head{row: row, clock: clockAll.With(m.ch.version)}
	old := ""
	if cur != nil {
		if old, err = m.snapshot(c.Entity, c.EntityID); err != nil {
			return err
		}
	}
	if err := m.upsert(row); err != nil {
		return err
	}
	if err := m.saveClock(c.Entity, c.EntityID, winner); err != nil {
		return err
	}
	m.noteTouched(c.Entity, c.EntityID, cur, winner)
	if err := m.audit(c.Entity, c.EntityID, actionResolve, old); err != nil {
		return err
	}
	for _, id := range sortedKeys(m.rescore) {
		if err := m.rescoreInspections([]string{id}); err != nil {
			return err
		}
	}
	return nil
}

// frozen reports whether the record belongs to a finalized inspection:
// the inspection itself or one of its answers.
func (m *merger) frozen(entity string, cur *head, loser Row) (bool, error) {
	switch entity {
	case "inspections":
		return cur != nil && cur.row.Str("status") == string(inspection.Finalized), nil
	case "answers":
		st, _, err := m.inspectionStatus(loser.Str("inspection_id"))
		return st == string(inspection.Finalized), err
	}
	return false, nil
}
