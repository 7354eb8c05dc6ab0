package store

// Queries the desktop screens need: the community list with each
// community's latest inspection, streets for the filter, recently used
// notes for the quick phrases, and corrective actions with their
// community's name.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// CommunityStatus is where a community stands, as the list shows it.
type CommunityStatus string

// Community statuses, from its latest inspection and its open corrective
// actions: a draft in progress wins (检查中), then open actions (待整改),
// then a finalized inspection (已完成); no inspection at all is 未检查.
const (
	StatusAll          CommunityStatus = ""
	StatusUninspected  CommunityStatus = "uninspected"  // 未检查
	StatusInProgress   CommunityStatus = "in_progress"  // 检查中
	StatusDone         CommunityStatus = "done"         // 已完成
	StatusNeedsActions CommunityStatus = "needs_action" // 待整改
)

// Label is the status's Chinese name.
func (s CommunityStatus) Label() string {
	switch s {
	case StatusUninspected:
		return "未检查"
	case StatusInProgress:
		return "检查中"
	case StatusDone:
		return "已完成"
	case StatusNeedsActions:
		return "待整改"
	}
	return "全部"
}

// CommunityStatuses lists the statuses in the order filters offer them.
var CommunityStatuses = []CommunityStatus{StatusUninspected, StatusInProgress, StatusDone, StatusNeedsActions}

// CommunityRow is one line of the community list: the community's facts
// that the list shows and its latest inspection.
type CommunityRow struct {
	ID              string
	Name            string
	District        string
	Street          string
	Community       string // 社区 (residents' committee area), searched but not shown
	Address         string
	PropertyCompany string
	Type            string
	Households      int
	Status          CommunityStatus
	// Latest inspection (empty LatestID when never inspected).
	LatestID     string
	LatestAt     time.Time
	Score        float64
	ScoreDefined bool
	Vetoes       int
	// OpenActions counts corrective actions not yet done.
	OpenActions int
	// Initials are the stored pinyin initials of the name (Initials), for
	// FilterCommunityRows.
	Initials string
}

// CommunityRowFilter narrows ListCommunityRows. Query matches like
// CommunityFilter.Query (name, address, street, community, pinyin
// initials of the name). FilterCommunityRows applies the same filter in
// memory.
type CommunityRowFilter struct {
	District string
	Street   string
	Status   CommunityStatus
	Query    string
}

// ListCommunityRows lists communities with their latest inspection,
// ordered by district, street and name. One query, for the whole list.
func (db *DB) ListCommunityRows(ctx context.Context, f CommunityRowFilter) ([]CommunityRow, error) {
	var where []string
	var args []any
	if f.District != "" {
		where, args = append(where, "c.district = ?"), append(args, f.District)
	}
	if f.Street != "" {
		where, args = append(where, "c.street = ?"), append(args, f.Street)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		where = append(where, `(c.name LIKE ? ESCAPE '\' OR c.address LIKE ? ESCAPE '\' OR c.street LIKE ? ESCAPE '\'
			OR c.community LIKE ? ESCAPE '\' OR c.initials LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like, "%"+escapeLike(strings.ToLower(q))+"%")
	}
	// The latest inspection and the open actions are looked up per
	// matching community through the indexes inspections_community_latest
	// (community_id, started_at, id, status: no sort for the tie-break, and
	// l is read from the index alone, hence INDEXED BY) and
	// corrective_actions_open: numbering every inspection of the city
	// (ROW_NUMBER over all of them) took 80–150 ms per keystroke at 5,000
	// communities and 0.9 s at 20,000. The status is worked out here rather
	// than in an outer query, which made SQLite count each community's
	// open actions twice (docs/PERFORMANCE.md).
	q := `SELECT c.id, c.name, c.district, c.street, c.community, c.address, c.property_company, c.type, c.households,
			COALESCE(l.id, ''), COALESCE(l.started_at, ''), COALESCE(s.score, 0), COALESCE(s.defined, 0),
			COALESCE(s.vetoes, 0),
			(SELECT COUNT(*) FROM corrective_actions a WHERE a.community_id = c.id AND a.status IN ('open', 'in_progress')),
			COALESCE(l.status, ''), c.initials
		FROM communities c
		LEFT JOIN inspections l INDEXED BY inspections_community_latest ON l.community_id = c.id
			AND l.id = (SELECT i.id FROM inspections i WHERE i.community_id = c.id ORDER BY i.started_at DESC, i.id DESC LIMIT 1)
		LEFT JOIN inspection_scores s ON s.inspection_id = l.id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += ` ORDER BY c.district, c.street, c.name, c.id`
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CommunityRow
	for rows.Next() {
		var r CommunityRow
		var at, lstatus string
		if err := rows.Scan(&r.ID, &r.Name, &r.District, &r.Street, &r.Community, &r.Address, &r.PropertyCompany, &r.Type,
			&r.Households, &r.LatestID, &at, &r.Score, &r.ScoreDefined, &r.Vetoes, &r.OpenActions, &lstatus,
			&r.Initials); err != nil {
			return nil, err
		}
		switch {
		case r.LatestID == "":
			r.Status = StatusUninspected
		case lstatus == string(inspection.Draft):
			r.Status = StatusInProgress
		case r.OpenActions > 0:
			r.Status = StatusNeedsActions
		default:
			r.Status = StatusDone
		}
		if f.Status != StatusAll && r.Status != f.Status {
			continue
		}
		if at != "" {
			r.LatestAt = parseTime(at)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Streets lists the streets of a district ("" for every district) that
// have communities, in order.
func (db *DB) Streets(ctx context.Context, district string) ([]string, error) {
	q := `SELECT DISTINCT street FROM communities WHERE street <> ''`
	var args []any
	if district != "" {
		q += " AND district = ?"
		args = append(args, district)
	}
	return db.strings(ctx, q+" ORDER BY street", args...)
}

// RecentNotes lists the notes most recently written for an item in any
// inspection, newest first, without repeats, at most limit.
func (db *DB) RecentNotes(ctx context.Context, itemCode string, limit int) ([]string, error) {
	if limit <= 0 {
		limit = 5
	}
	return db.strings(ctx, `SELECT note FROM answers WHERE item_code = ? AND TRIM(note) <> ''
		GROUP BY note ORDER BY MAX(updated_at) DESC, note LIMIT ?`, itemCode, limit)
}

func (db *DB) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	return queryStrings(ctx, db.read, q, args...)
}

// queryStrings runs a query of one text column and returns its values.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ActionRow is a corrective action with the name and district of its
// community, for the 整改 list.
type ActionRow struct {
	inspection.CorrectiveAction
	CommunityName string
	District      string
}

// ListActionRows lists corrective actions like ListActions, with their
// community's name, ordered by due date.
func (db *DB) ListActionRows(ctx context.Context, f ActionFilter) ([]ActionRow, error) {
	where, args := f.where()
	q := `SELECT ` + actionColsA + `, c.name, c.district FROM corrective_actions a JOIN communities c ON c.id = a.community_id`
	q += where + " ORDER BY a.due_date, c.name, a.item_code, a.id"
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ActionRow
	for rows.Next() {
		var r ActionRow
		var err error
		r.CorrectiveAction, err = scanAction(rowScanner{rows, []any{&r.CommunityName, &r.District}})
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// rowScanner scans a row's leading columns into the caller's
// destinations and its trailing columns into extra.
type rowScanner struct {
	rows  *sql.Rows
	extra []any
}

func (r rowScanner) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra...)...) }

// AddCommunities stores several new communities in one transaction (an
// imported list, a benchmark city): all or none. Each is validated first;
// the first invalid one is named and nothing is stored.
func (db *DB) AddCommunities(ctx context.Context, cs []inspection.Community) error {
	for i := range cs {
		if err := cs[i].Validate(); err != nil {
			return fmt.Errorf("第%d个小区「%s」：%w", i+1, cs[i].Name, err)
		}
	}
	return db.inChange(ctx, func(ch *change) error {
		stmt, err := ch.tx.PrepareContext(ctx, `INSERT INTO communities(`+communityCols+`, initials)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cs {
			if c.ID == "" {
				c.ID = uuid.Must(uuid.NewV7()).String()
			}
			_, err := stmt.ExecContext(ctx, c.ID, c.Name, c.District, c.Street, c.Community, c.Address, c.PropertyCompany,
				c.Households, c.Type, c.Committee, nullFloat(c.Satisfaction), nullFloat(c.ComplaintRate),
				ch.version, "", ch.device, ch.actor, formatTime(ch.at), Initials(c.Name))
			if err != nil {
				return fmt.Errorf("无法保存小区「%s」：%w", c.Name, err)
			}
			if err := ch.audit(ctx, "communities", c.ID, actionCreate, ""); err != nil {
				return err
			}
		}
		return nil
	})
}
