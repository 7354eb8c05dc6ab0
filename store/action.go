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

const actionCols = `id, inspection_id, community_id, item_code, problem, responsible, due_date, status,
	recheck_inspection_id, recheck_result, note, version, base_version, device_id, actor, updated_at`

const dateLayout = "2006-01-02"

func scanAction(s scanner) (inspection.CorrectiveAction, error) {
	var a inspection.CorrectiveAction
	var due, status, recheck, updated string
	err := s.Scan(&a.ID, &a.InspectionID, &a.CommunityID, &a.ItemCode, &a.Problem, &a.Responsible, &due, &status,
		&a.RecheckInspectionID, &recheck, &a.Note, &a.Version, &a.BaseVersion, &a.DeviceID, &a.Actor, &updated)
	a.DueDate, _ = time.ParseInLocation(dateLayout, due, time.Local)
	a.Status, a.RecheckResult, a.UpdatedAt = inspection.ActionStatus(status), inspection.Result(recheck), parseTime(updated)
	return a, err
}

func insertAction(ctx context.Context, ch *change, a inspection.CorrectiveAction) error {
	_, err := ch.tx.ExecContext(ctx, `INSERT INTO corrective_actions(`+actionCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`,
		a.ID, a.InspectionID, a.CommunityID, a.ItemCode, a.Problem, a.Responsible, a.DueDate.Format(dateLayout), string(a.Status),
		a.RecheckInspectionID, string(a.RecheckResult), a.Note, ch.version, ch.device, ch.actor, formatTime(ch.at))
	if err != nil {
		return fmt.Errorf("无法保存整改事项：%w", err)
	}
	return ch.audit(ctx, "corrective_actions", a.ID, actionCreate, "")
}

// ActionFilter narrows ListActions.
type ActionFilter struct {
	CommunityID  string
	InspectionID string
	District     string
	OpenOnly     bool // neither done nor cancelled
}

// where renders the filter over corrective_actions a joined with
// communities c: " WHERE …" (or "") and its arguments.
func (f ActionFilter) where() (string, []any) {
	var where []string
	var args []any
	if f.CommunityID != "" {
		where, args = append(where, "a.community_id = ?"), append(args, f.CommunityID)
	}
	if f.InspectionID != "" {
		where, args = append(where, "a.inspection_id = ?"), append(args, f.InspectionID)
	}
	if f.District != "" {
		where, args = append(where, "c.district = ?"), append(args, f.District)
	}
	if f.OpenOnly {
		where = append(where, "a.status NOT IN ('done', 'cancelled')")
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// actionColsA is actionCols qualified with the alias a.
var actionColsA = "a." + strings.ReplaceAll(strings.ReplaceAll(actionCols, "\n\t", " "), ", ", ", a.")

// ListActions lists corrective actions by due date.
func (db *DB) ListActions(ctx context.Context, f ActionFilter) ([]inspection.CorrectiveAction, error) {
	where, args := f.where()
	q := `SELECT ` + actionColsA + ` FROM corrective_actions a JOIN communities c ON c.id = a.community_id`
	q += where + " ORDER BY a.due_date, a.id"
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inspection.CorrectiveAction
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateAction saves the editable fields of a corrective action: the
// responsible party, due date, status and note.
func (db *DB) UpdateAction(ctx context.Context, a inspection.CorrectiveAction) (inspection.CorrectiveAction, error) {
	switch a.Status {
	case inspection.ActionOpen, inspection.ActionInProgress, inspection.ActionDone, inspection.ActionCancelled:
	default:
		return a, fmt.Errorf("%w：整改状态「%s」无法识别", inspection.ErrInvalid, a.Status)
	}
	if a.DueDate.IsZero() {
		return a, fmt.Errorf("%w：请填写整改期限", inspection.ErrInvalid)
	}
	err := db.inChange(ctx, func(ch *change) error {
		var exists int
		if err := ch.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM corrective_actions WHERE id = ?`, a.ID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return fmt.Errorf("整改事项 %s：%w", a.ID, inspection.ErrNotFound)
		}
		err := updateAction(ctx, ch, a.ID, `responsible = ?, due_date = ?, status = ?, note = ?`,
			strings.TrimSpace(a.Responsible), a.DueDate.Format(dateLayout), string(a.Status), a.Note)
		if err != nil {
			return err
		}
		a, err = scanAction(ch.tx.QueryRowContext(ctx, `SELECT `+actionCols+` FROM corrective_actions WHERE id = ?`, a.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return inspection.ErrNotFound
		}
		return err
	})
	return a, err
}
