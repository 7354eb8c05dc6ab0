package store

// Assignments (检查任务): the office's list of who inspects which community
// by when. The stored status is open or cancelled; the shown state (done,
// in progress, overdue) is derived from the inspections by
// inspection.Assignment.State. See docs/OFFICE.md.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

const assignmentCols = `id, community_id, inspector, due_date, template_id, template_version, note, status, assigned_by,
	assigned_at, cancelled_at, cancelled_by, version, base_version, device_id, actor, updated_at`

func scanAssignment(s scanner) (inspection.Assignment, error) {
	var a inspection.Assignment
	var due, status, assignedAt, updated string
	var cancelled sql.NullString
	err := s.Scan(&a.ID, &a.CommunityID, &a.Inspector, &due, &a.TemplateID, &a.TemplateVersion, &a.Note, &status,
		&a.AssignedBy, &assignedAt, &cancelled, &a.CancelledBy, &a.Version, &a.BaseVersion, &a.DeviceID, &a.Actor, &updated)
	a.DueDate, _ = time.ParseInLocation(dateLayout, due, time.Local)
	a.Status = inspection.AssignmentStatus(status)
	a.AssignedAt, a.UpdatedAt = parseTime(assignedAt), parseTime(updated)
	if cancelled.Valid {
		t := parseTime(cancelled.String)
		a.CancelledAt = &t
	}
	return a, err
}

// AssignmentView is an assignment with its community and its state at the
// store's clock; Fulfilled is the finalized inspection that made it done.
type AssignmentView struct {
	inspection.Assignment
	Community inspection.Community
	State     inspection.AssignmentState
	Fulfilled *inspection.Inspection
}

// AssignmentFilter narrows Assignments. Inspector matches the name after
// inspection.NormalizeName.
type AssignmentFilter struct {
	Inspector   string
	District    string
	CommunityID string
	// Open keeps the assignments still to do (pending, in progress,
	// overdue); Overdue only the overdue ones.
	Open    bool
	Overdue bool
	// Cancelled includes cancelled assignments (left out otherwise).
	Cancelled bool
}

// Assignments lists assignments by due date, then community name, with
// their state at the store's clock.
func (db *DB) Assignments(ctx context.Context, f AssignmentFilter) ([]AssignmentView, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var where []string
	var args []any
	if f.Inspector != "" {
		where, args = append(where, "a.inspector = ?"), append(args, inspection.NormalizeName(f.Inspector))
	}
	if f.District != "" {
		where, args = append(where, "c.district = ?"), append(args, f.District)
	}
	if f.CommunityID != "" {
		where, args = append(where, "a.community_id = ?"), append(args, f.CommunityID)
	}
	if !f.Cancelled || f.Open || f.Overdue {
		where = append(where, "a.status = 'open'")
	}
	q := `SELECT ` + prefixCols("a.", assignmentCols) + `, ` + prefixCols("c.", communityCols) +
		` FROM assignments a JOIN communities c ON c.id = a.community_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := tx.QueryContext(ctx, q+" ORDER BY a.due_date, c.name, a.inspector, a.id", args...)
	if err != nil {
		return nil, err
	}
	var out []AssignmentView
	communities := map[string]bool{}
	for rows.Next() {
		var v AssignmentView
		v.Assignment, v.Community, err = scanAssignmentAndCommunity(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		communities[v.CommunityID] = true
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ins, err := inspectionsOf(ctx, tx, sortedKeys(communities))
	if err != nil {
		return nil, err
	}
	now := db.now()
	kept := out[:0]
	for _, v := range out {
		v.State = v.Assignment.State(ins[v.CommunityID], now)
		v.Fulfilled = v.Assignment.FulfilledBy(ins[v.CommunityID])
		switch {
		case f.Overdue && v.State != inspection.StateOverdue:
			continue
		case f.Open && (v.State == inspection.StateDone || v.State == inspection.StateCancelled):
			continue
		}
		kept = append(kept, v)
	}
	return kept, nil
}

// prefixCols qualifies a column list with a table alias.
func prefixCols(prefix, cols string) string {
	fields := strings.Split(cols, ",")
	for i, f := range fields {
		fields[i] = prefix + strings.TrimSpace(f)
	}
	return strings.Join(fields, ", ")
}

func scanAssignmentAndCommunity(rows *sql.Rows) (inspection.Assignment, inspection.Community, error) {
	var a inspection.Assignment
	var c inspection.Community
	cols, err := rows.Columns()
	if err != nil {
		return a, c, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return a, c, err
	}
	n := len(strings.Split(assignmentCols, ","))
	if a, err = scanAssignment(valueScanner(vals[:n])); err != nil {
		return a, c, err
	}
	c, err = scanCommunity(valueScanner(vals[n:]))
	return a, c, err
}

// valueScanner replays values already read, through database/sql's
// conversions, into Scan's destinations.
type valueScanner []any

func (v valueScanner) Scan(dest ...any) error {
	if len(dest) != len(v) {
		return fmt.Errorf("store: %d values for %d destinations", len(v), len(dest))
	}
	for i, d := range dest {
		if err := convertAssign(d, v[i]); err != nil {
			return err
		}
	}
	return nil
}

func convertAssign(dest, src any) error {
	switch d := dest.(type) {
	case *string:
		switch s := src.(type) {
		case string:
			*d = s
		case []byte:
			*d = string(s)
		case nil:
			*d = ""
		default:
			*d = fmt.Sprint(s)
		}
	case *int:
		n, _ := src.(int64)
		*d = int(n)
	case *sql.NullString:
		return d.Scan(src)
	case *sql.NullFloat64:
		return d.Scan(src)
	default:
		return fmt.Errorf("store: cannot scan into %T", dest)
	}
	return nil
}

// inspectionsOf reads the inspections (id, community, inspectors, start,
// status) of the communities, by community.
func inspectionsOf(ctx context.Context, q querier, communityIDs []string) (map[string][]inspection.Inspection, error) {
	out := map[string][]inspection.Inspection{}
	for len(communityIDs) > 0 {
		batch := communityIDs[:min(len(communityIDs), 500)]
		communityIDs = communityIDs[len(batch):]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, `SELECT id, community_id, inspectors, started_at, status FROM inspections
			WHERE community_id IN (?`+strings.Repeat(", ?", len(batch)-1)+`) ORDER BY started_at, id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var in inspection.Inspection
			var inspectors, started, status string
			if err := rows.Scan(&in.ID, &in.CommunityID, &inspectors, &started, &status); err != nil {
				rows.Close()
				return nil, err
			}
			_ = json.Unmarshal([]byte(inspectors), &in.Inspectors)
			in.StartedAt, in.Status = parseTime(started), inspection.Status(status)
			out[in.CommunityID] = append(out[in.CommunityID], in)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Assignment reads one assignment with its state.
func (db *DB) Assignment(ctx context.Context, id string) (AssignmentView, error) {
	var v AssignmentView
	a, err := scanAssignment(db.read.QueryRowContext(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("检查任务 %s：%w", id, inspection.ErrNotFound)
	}
	if err != nil {
		return v, err
	}
	all, err := db.Assignments(ctx, AssignmentFilter{CommunityID: a.CommunityID, Cancelled: true})
	if err != nil {
		return v, err
	}
	for _, v := range all {
		if v.ID == id {
			return v, nil
		}
	}
	return v, fmt.Errorf("检查任务 %s：%w", id, inspection.ErrNotFound)
}

// AddAssignment records a new assignment (a new UUIDv7, status open; who
// and when are the store's actor and clock) after checking it and that
// its community (and template, when one is given) exists.
func (db *DB) AddAssignment(ctx context.Context, a inspection.Assignment) (inspection.Assignment, error) {
	a.Inspector, a.Note = inspection.NormalizeName(a.Inspector), strings.TrimSpace(a.Note)
	a.Status = inspection.AssignmentOpen
	if err := a.Validate(); err != nil {
		return a, err
	}
	a.ID = uuid.Must(uuid.NewV7()).String()
	err := db.inChange(ctx, func(ch *change) error {
		if err := assignmentRefs(ctx, ch.tx, a); err != nil {
			return err
		}
		_, err := ch.tx.ExecContext(ctx, `INSERT INTO assignments(`+assignmentCols+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, NULL, '', ?, '', ?, ?, ?)`,
			a.ID, a.CommunityID, a.Inspector, a.DueDate.Format(dateLayout), a.TemplateID, a.TemplateVersion, a.Note,
			ch.actor, formatTime(ch.at), ch.version, ch.device, ch.actor, formatTime(ch.at))
		if err != nil {
			return fmt.Errorf("无法保存检查任务：%w", err)
		}
		return ch.audit(ctx, "assignments", a.ID, actionCreate, "")
	})
	if err != nil {
		return a, err
	}
	return scanAssignment(db.read.QueryRowContext(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE id = ?`, a.ID))
}

func assignmentRefs(ctx context.Context, q querier, a inspection.Assignment) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM communities WHERE id = ?`, a.CommunityID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("小区 %s：%w", a.CommunityID, inspection.ErrNotFound)
	}
	if a.TemplateID != "" {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM templates WHERE template_id = ? AND template_version = ?`,
			a.TemplateID, a.TemplateVersion).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("检查模板 %s 第%d版：%w", a.TemplateID, a.TemplateVersion, inspection.ErrNotFound)
		}
	}
	return nil
}

// UpdateAssignment saves the editable fields of an open assignment: the
// inspector, due date, template and note.
func (db *DB) UpdateAssignment(ctx context.Context, a inspection.Assignment) (inspection.Assignment, error) {
	a.Inspector, a.Note = inspection.NormalizeName(a.Inspector), strings.TrimSpace(a.Note)
	a.Status = inspection.AssignmentOpen
	if err := a.Validate(); err != nil {
		return a, err
	}
	err := db.inChange(ctx, func(ch *change) error {
		old, err := db.openAssignment(ctx, ch, a.ID)
		if err != nil {
			return err
		}
		if err := assignmentRefs(ctx, ch.tx, a); err != nil {
			return err
		}
		_, err = ch.tx.ExecContext(ctx, `UPDATE assignments SET community_id = ?, inspector = ?, due_date = ?, template_id = ?,
			template_version = ?, note = ?, base_version = version, version = ?, device_id = ?, actor = ?, updated_at = ?
			WHERE id = ?`, a.CommunityID, a.Inspector, a.DueDate.Format(dateLayout), a.TemplateID, a.TemplateVersion, a.Note,
			ch.version, ch.device, ch.actor, formatTime(ch.at), a.ID)
		if err != nil {
			return fmt.Errorf("无法保存检查任务：%w", err)
		}
		return ch.audit(ctx, "assignments", a.ID, actionUpdate, old)
	})
	if err != nil {
		return a, err
	}
	return scanAssignment(db.read.QueryRowContext(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE id = ?`, a.ID))
}

// openAssignment snapshots an assignment that exists and is not cancelled.
func (db *DB) openAssignment(ctx context.Context, ch *change, id string) (string, error) {
	old, err := snapshot(ctx, ch.tx, "assignments", id)
	if err != nil {
		return "", err
	}
	if old == "" {
		return "", fmt.Errorf("检查任务 %s：%w", id, inspection.ErrNotFound)
	}
	var status string
	if err := ch.tx.QueryRowContext(ctx, `SELECT status FROM assignments WHERE id = ?`, id).Scan(&status); err != nil {
		return "", err
	}
	if status != string(inspection.AssignmentOpen) {
		return "", fmt.Errorf("%w：检查任务已取消", inspection.ErrInvalid)
	}
	return old, nil
}

// CancelAssignment cancels an open assignment; the row stays, with who
// cancelled it and when.
func (db *DB) CancelAssignment(ctx context.Context, id string) error {
	return db.inChange(ctx, func(ch *change) error {
		old, err := db.openAssignment(ctx, ch, id)
		if err != nil {
			return err
		}
		_, err = ch.tx.ExecContext(ctx, `UPDATE assignments SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?,
			base_version = version, version = ?, device_id = ?, actor = ?, updated_at = ? WHERE id = ?`,
			formatTime(ch.at), ch.actor, ch.version, ch.device, ch.actor, formatTime(ch.at), id)
		if err != nil {
			return fmt.Errorf("无法取消检查任务：%w", err)
		}
		return ch.audit(ctx, "assignments", id, actionUpdate, old)
	})
}

// InspectorNames are the names used before: the inspectors of
// assignments and of inspections, most used first.
func (db *DB) InspectorNames(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT inspector FROM assignments
		UNION ALL SELECT j.value FROM inspections i, json_each(i.inspectors) j WHERE json_valid(i.inspectors)`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	count := map[string]int{}
	for rows.Next() {
		var n sql.NullString
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		if name := inspection.NormalizeName(n.String); name != "" {
			count[name]++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names := sortedKeys(count)
	sort.SliceStable(names, func(i, j int) bool { return count[names[i]] > count[names[j]] })
	return names, nil
}
