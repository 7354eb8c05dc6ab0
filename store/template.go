package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

func templateRowID(id string, version int) string { return fmt.Sprintf("%s@%d", id, version) }

// TemplateInfo names a stored template version.
type TemplateInfo struct {
	ID            string
	Version       int
	Name          string
	CommunityType string
}

// SaveTemplate stores a template version. A version, once stored, never
// changes: saving the same id and version with other content is refused
// (make a new version instead); saving identical content is a no-op.
func (db *DB) SaveTemplate(ctx context.Context, t *inspection.Template) error {
	if err := t.Validate(); err != nil {
		return err
	}
	body, err := inspection.MarshalTemplate(t)
	if err != nil {
		return err
	}
	rowID := templateRowID(t.ID, t.Version)
	return db.inChange(ctx, func(ch *change) error {
		var existing string
		err := ch.tx.QueryRowContext(ctx, `SELECT body FROM templates WHERE id = ?`, rowID).Scan(&existing)
		switch {
		case err == nil && existing == string(body):
			return nil
		case err == nil:
			return fmt.Errorf("%w：模板 %s 第 %d 版已存在且内容不同，请提高版本号后再保存", inspection.ErrInvalidTemplate, t.ID, t.Version)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = ch.tx.ExecContext(ctx, `INSERT INTO templates(id, template_id, template_version, name, community_type, body,
			version, base_version, device_id, actor, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?)`,
			rowID, t.ID, t.Version, t.Name, t.CommunityType, string(body), ch.version, ch.device, ch.actor, formatTime(ch.at))
		if err != nil {
			return err
		}
		return ch.audit(ctx, "templates", rowID, actionCreate, "")
	})
}

// Template reads a template version (parsed once and cached: versions
// never change).
func (db *DB) Template(ctx context.Context, id string, version int) (*inspection.Template, error) {
	rowID := templateRowID(id, version)
	db.tplMu.Lock()
	t, ok := db.templates[rowID]
	db.tplMu.Unlock()
	if ok {
		return t, nil
	}
	var body string
	err := db.read.QueryRowContext(ctx, `SELECT body FROM templates WHERE id = ?`, rowID).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("检查模板 %s 第 %d 版：%w", id, version, inspection.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	t, err = inspection.ParseTemplate([]byte(body))
	if err != nil {
		return nil, err
	}
	db.tplMu.Lock()
	db.templates[rowID] = t
	db.tplMu.Unlock()
	return t, nil
}

// Templates lists the stored templates, newest version of each id first.
func (db *DB) Templates(ctx context.Context) ([]TemplateInfo, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT template_id, template_version, name, community_type FROM templates
		ORDER BY template_id, template_version DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TemplateInfo
	for rows.Next() {
		var ti TemplateInfo
		if err := rows.Scan(&ti.ID, &ti.Version, &ti.Name, &ti.CommunityType); err != nil {
			return nil, err
		}
		out = append(out, ti)
	}
	return out, rows.Err()
}
