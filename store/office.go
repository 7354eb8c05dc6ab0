package store

// The office's work: every community's latest result with its
// eligibility (the rule itself is inspection.Judge), rankings, and the
// picks (选树) with their limits. See docs/OFFICE.md.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// OfficeResult is one community with its latest finalized inspection
// (nil when it has none) and its eligibility verdict.
type OfficeResult struct {
	Community inspection.Community
	Record    *InspectionRecord
	Verdict   inspection.Verdict
}

// Standing makes the ranking line of the result.
func (r OfficeResult) Standing() inspection.Standing {
	s := inspection.Standing{Community: r.Community, Verdict: r.Verdict}
	if r.Record != nil && r.Record.Score.Defined {
		s.Score, s.ScoreDefined = r.Record.Score.Total, true
	}
	return s
}

// OfficeFilter narrows a ranking. Eligibility is always judged over the
// whole city (the percentiles are city-wide); the filter only chooses the
// lines shown.
type OfficeFilter struct {
	District string
	Type     string // 小区类型
	Street   string
}

func (f OfficeFilter) keep(c inspection.Community) bool {
	return (f.District == "" || c.District == f.District) && (f.Type == "" || c.Type == f.Type) &&
		(f.Street == "" || c.Street == f.Street)
}

// latestFinalizedQuery selects, per community, the id of its latest
// finalized inspection. An inspection corrected by a finalized amendment
// (更正) is superseded and left out; "latest" is by the time of the visit
// (the started_at of the chain's original record), then by finalization,
// so the correction of an old visit finalized late does not replace a
// newer visit.
const latestFinalizedQuery = `WITH RECURSIVE chain(id, root) AS (
		SELECT id, id FROM inspections WHERE amends_id IS NULL OR amends_id = ''
		UNION ALL SELECT i.id, c.root FROM inspections i JOIN chain c ON i.amends_id = c.id
	), ranked AS (
		SELECT i.id, i.community_id, ROW_NUMBER() OVER (PARTITION BY i.community_id
			ORDER BY r.started_at DESC, i.finalized_at DESC, i.id DESC) AS n
		FROM inspections i JOIN chain c ON c.id = i.id JOIN inspections r ON r.id = c.root
		WHERE i.status = 'finalized' AND NOT EXISTS (
			SELECT 1 FROM inspections a WHERE a.amends_id = i.id AND a.status = 'finalized')
	) SELECT id FROM ranked WHERE n = 1`

// OfficeResults judges every community of the city and returns those the
// filter keeps, in district, street and name order. Everything is read in
// one read transaction with four queries.
func (db *DB) OfficeResults(ctx context.Context, f OfficeFilter) ([]OfficeResult, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cols := strings.ReplaceAll("i."+strings.ReplaceAll(inspectionCols, ", ", ", i."), "\n\ti.", "\n\t")
	byCommunity, fill, _, err := latestRecords(ctx, tx, cols, latestFinalizedQuery, nil)
	if err != nil {
		return nil, err
	}
	db.fillReportCache(ctx, fill)
	rows, err := tx.QueryContext(ctx, `SELECT `+communityCols+` FROM communities ORDER BY district, street, name, id`)
	if err != nil {
		return nil, err
	}
	var all []OfficeResult
	for rows.Next() {
		c, err := scanCommunity(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, OfficeResult{Community: c})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cands := make([]inspection.Candidate, len(all))
	for i := range all {
		if rec := byCommunity[all[i].Community.ID]; rec != nil {
			rec.Community = all[i].Community
			if rec.Template, err = db.Template(ctx, rec.Inspection.TemplateID, rec.Inspection.TemplateVersion); err != nil {
				return nil, err
			}
			rec.Score = inspection.Score(rec.Template, rec.Answers)
			all[i].Record = rec
		}
		cands[i] = inspection.CandidateOf(all[i].Community, all[i].Record)
	}
	verdicts := inspection.Judge(cands)
	out := all[:0]
	for _, r := range all {
		if !f.keep(r.Community) {
			continue
		}
		r.Verdict = verdicts[r.Community.ID]
		out = append(out, r)
	}
	return out, nil
}

// Ranking is the ranked list of the communities the filter keeps:
// eligible ones first by total score, the others below with their reasons.
func (db *DB) Ranking(ctx context.Context, f OfficeFilter) ([]inspection.Standing, error) {
	res, err := db.OfficeResults(ctx, f)
	if err != nil {
		return nil, err
	}
	list := make([]inspection.Standing, len(res))
	for i, r := range res {
		list[i] = r.Standing()
	}
	inspection.RankStandings(list)
	return list, nil
}

// Verdict judges one community (against the whole city).
func (db *DB) Verdict(ctx context.Context, communityID string) (inspection.Verdict, inspection.Community, error) {
	res, err := db.OfficeResults(ctx, OfficeFilter{})
	if err != nil {
		return inspection.Verdict{}, inspection.Community{}, err
	}
	for _, r := range res {
		if r.Community.ID == communityID {
			return r.Verdict, r.Community, nil
		}
	}
	return inspection.Verdict{}, inspection.Community{}, fmt.Errorf("小区 %s：%w", communityID, inspection.ErrNotFound)
}

// Picks.

var pickNamespace = uuid.MustParse("3d0f6a2e-8c41-4b7a-9e35-1f27c5d8a604")

// PickID is the id of a pick, the same on every device: a UUIDv5 of its
// level, community and kind.
func PickID(level inspection.PickLevel, communityID string, typical bool) string {
	kind := "pick"
	if typical {
		kind = "typical"
	}
	return uuid.NewSHA1(pickNamespace, []byte(string(level)+"\x00"+communityID+"\x00"+kind)).String()
}

const pickCols = `id, level, community_id, district, typical, introduction, picked_by, picked_at, withdrawn_at, withdrawn_by,
	version, base_version, device_id, actor, updated_at`

func scanPick(s scanner) (inspection.Pick, error) {
	var p inspection.Pick
	var level, pickedAt, updated string
	var typical int
	var withdrawn sql.NullString
	err := s.Scan(&p.ID, &level, &p.CommunityID, &p.District, &typical, &p.Introduction, &p.PickedBy, &pickedAt, &withdrawn,
		&p.WithdrawnBy, &p.Version, &p.BaseVersion, &p.DeviceID, &p.Actor, &updated)
	p.Level, p.Typical = inspection.PickLevel(level), typical == 1
	p.PickedAt, p.UpdatedAt = parseTime(pickedAt), parseTime(updated)
	if withdrawn.Valid {
		t := parseTime(withdrawn.String)
		p.WithdrawnAt = &t
	}
	return p, err
}

// PickFilter narrows Picks.
type PickFilter struct {
	Level       inspection.PickLevel // "" for both
	District    string
	CommunityID string
	// Withdrawn includes withdrawn picks.
	Withdrawn bool
}

func queryPicks(ctx context.Context, q querier, f PickFilter) ([]inspection.Pick, error) {
	var where []string
	var args []any
	if f.Level != "" {
		where, args = append(where, "level = ?"), append(args, string(f.Level))
	}
	if f.District != "" {
		where, args = append(where, "district = ?"), append(args, f.District)
	}
	if f.CommunityID != "" {
		where, args = append(where, "community_id = ?"), append(args, f.CommunityID)
	}
	if !f.Withdrawn {
		where = append(where, "withdrawn_at IS NULL")
	}
	query := `SELECT ` + pickCols + ` FROM picks`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY level DESC, district, typical, picked_at, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []inspection.Pick
	for rows.Next() {
		p, err := scanPick(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Picks lists picks: district ones first, by district, then the city's.
func (db *DB) Picks(ctx context.Context, f PickFilter) ([]inspection.Pick, error) {
	return queryPicks(ctx, db.read, f)
}

// PickRequest asks for one pick.
type PickRequest struct {
	CommunityID  string
	Level        inspection.PickLevel
	Typical      bool
	Introduction string // required for a typical case
}

// Pick records a pick after checking that the community is eligible and
// that the limits hold (inspection.CheckPick): errors wrap
// inspection.ErrNotEligible or inspection.ErrPickLimit with a message that
// names the reason. Who and when are the store's actor and clock. A pick
// withdrawn earlier is picked again (same record).
func (db *DB) Pick(ctx context.Context, req PickRequest) (inspection.Pick, error) {
	var p inspection.Pick
	verdict, com, err := db.Verdict(ctx, req.CommunityID)
	if err != nil {
		return p, err
	}
	req.Introduction = strings.TrimSpace(req.Introduction)
	err = db.inChange(ctx, func(ch *change) error {
		active, err := queryPicks(ctx, ch.tx, PickFilter{})
		if err != nil {
			return err
		}
		names, err := pickNames(ctx, ch.tx, active, com)
		if err != nil {
			return err
		}
		p = inspection.Pick{ID: PickID(req.Level, req.CommunityID, req.Typical), Level: req.Level, CommunityID: com.ID,
			District: com.District, Typical: req.Typical, Introduction: req.Introduction}
		if err := inspection.CheckPick(active, p, verdict, names); err != nil {
			return err
		}
		old, err := snapshot(ctx, ch.tx, "picks", p.ID)
		if err != nil {
			return err
		}
		if old == "" {
			_, err = ch.tx.ExecContext(ctx, `INSERT INTO picks(`+pickCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?, '', ?, ?, ?)`,
				p.ID, string(p.Level), p.CommunityID, p.District, boolInt(p.Typical), p.Introduction, ch.actor, formatTime(ch.at),
				ch.version, ch.device, ch.actor, formatTime(ch.at))
			if err != nil {
				return fmt.Errorf("无法保存选树：%w", err)
			}
			return ch.audit(ctx, "picks", p.ID, actionCreate, "")
		}
		_, err = ch.tx.ExecContext(ctx, `UPDATE picks SET district = ?, introduction = ?, picked_by = ?, picked_at = ?,
			withdrawn_at = NULL, withdrawn_by = '', base_version = version, version = ?, device_id = ?, actor = ?, updated_at = ?
			WHERE id = ?`, p.District, p.Introduction, ch.actor, formatTime(ch.at), ch.version, ch.device, ch.actor, formatTime(ch.at), p.ID)
		if err != nil {
			return fmt.Errorf("无法保存选树：%w", err)
		}
		return ch.audit(ctx, "picks", p.ID, actionUpdate, old)
	})
	if err != nil {
		return p, err
	}
	return scanPick(db.read.QueryRowContext(ctx, `SELECT `+pickCols+` FROM picks WHERE id = ?`, p.ID))
}

// Unpick withdraws a standing pick (the row stays, with who withdrew it
// and when). A 「美好家园」 pick that is also the typical case, or a district
// pick that the city picked, must have those withdrawn first
// (inspection.ErrPickLimit). Withdrawing a pick that does not stand is
// inspection.ErrNotFound.
func (db *DB) Unpick(ctx context.Context, communityID string, level inspection.PickLevel, typical bool) error {
	if !level.Valid() {
		return fmt.Errorf("%w：级别「%s」无法识别（区级 district 或 市级 city）", inspection.ErrInvalid, level)
	}
	id := PickID(level, communityID, typical)
	return db.inChange(ctx, func(ch *change) error {
		active, err := queryPicks(ctx, ch.tx, PickFilter{CommunityID: communityID})
		if err != nil {
			return err
		}
		var target *inspection.Pick
		for i := range active {
			if active[i].ID == id {
				target = &active[i]
			}
		}
		var name string
		if err := ch.tx.QueryRowContext(ctx, `SELECT name FROM communities WHERE id = ?`, communityID).Scan(&name); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("小区 %s：%w", communityID, inspection.ErrNotFound)
			}
			return err
		}
		kind := inspection.Pick{Level: level, Typical: typical}.Kind()
		if target == nil {
			return fmt.Errorf("「%s」不是%s，无需撤销：%w", name, kind, inspection.ErrNotFound)
		}
		if err := inspection.CheckUnpick(active, *target, name); err != nil {
			return err
		}
		old, err := snapshot(ctx, ch.tx, "picks", id)
		if err != nil {
			return err
		}
		_, err = ch.tx.ExecContext(ctx, `UPDATE picks SET withdrawn_at = ?, withdrawn_by = ?, base_version = version, version = ?,
			device_id = ?, actor = ?, updated_at = ? WHERE id = ?`,
			formatTime(ch.at), ch.actor, ch.version, ch.device, ch.actor, formatTime(ch.at), id)
		if err != nil {
			return fmt.Errorf("无法撤销选树：%w", err)
		}
		return ch.audit(ctx, "picks", id, actionUpdate, old)
	})
}

// PickProblems lists what breaks the limits among the standing picks
// (possible after packages from two offices were merged).
func (db *DB) PickProblems(ctx context.Context) ([]string, error) {
	return pickProblems(ctx, db.read)
}

func pickProblems(ctx context.Context, q querier) ([]string, error) {
	active, err := queryPicks(ctx, q, PickFilter{})
	if err != nil {
		return nil, err
	}
	names, err := pickNames(ctx, q, active, inspection.Community{})
	if err != nil {
		return nil, err
	}
	return inspection.PickProblems(active, names), nil
}

// pickNames maps the communities of the picks (and extra) to their names.
func pickNames(ctx context.Context, q querier, picks []inspection.Pick, extra inspection.Community) (map[string]string, error) {
	names := map[string]string{}
	if extra.ID != "" {
		names[extra.ID] = extra.Name
	}
	for _, p := range picks {
		if _, ok := names[p.CommunityID]; ok {
			continue
		}
		var n string
		err := q.QueryRowContext(ctx, `SELECT name FROM communities WHERE id = ?`, p.CommunityID).Scan(&n)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		names[p.CommunityID] = n
	}
	return names, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Programme year and work-report text (local settings of the office).

const (
	settingYear        = "office.year"
	settingSuggestions = "office.suggestions"
)

// ProgrammeYear is the year of the plan's dates (8月15日, 9月23日): the one
// set with SetProgrammeYear, else the year of the newest inspection, else
// the clock's year.
func (db *DB) ProgrammeYear(ctx context.Context) (int, error) {
	if s, err := db.Setting(ctx, settingYear); err != nil {
		return 0, err
	} else if s != "" {
		var y int
		if _, err := fmt.Sscan(s, &y); err == nil && y > 2000 && y < 3000 {
			return y, nil
		}
	}
	var started sql.NullString
	if err := db.read.QueryRowContext(ctx, `SELECT MAX(started_at) FROM inspections`).Scan(&started); err != nil {
		return 0, err
	}
	if started.Valid && started.String != "" {
		if t := parseTime(started.String); !t.IsZero() {
			return t.Year(), nil
		}
	}
	return db.now().Year(), nil
}

// SetProgrammeYear sets the year of the plan's dates (0 goes back to the
// default).
func (db *DB) SetProgrammeYear(ctx context.Context, year int) error {
	if year != 0 && (year < 2000 || year > 2999) {
		return fmt.Errorf("%w：年份「%d」无效", inspection.ErrInvalid, year)
	}
	v := ""
	if year != 0 {
		v = fmt.Sprint(year)
	}
	return db.SetSetting(ctx, settingYear, v)
}

// Reminders are the plan's dates of the programme year, with days left by
// the store's clock.
func (db *DB) Reminders(ctx context.Context) ([]inspection.Reminder, error) {
	y, err := db.ProgrammeYear(ctx)
	if err != nil {
		return nil, err
	}
	return inspection.Reminders(y, db.now()), nil
}

// ReportSuggestions is the 存在问题及建议 text of the work report, kept in
// this data file.
func (db *DB) ReportSuggestions(ctx context.Context) (string, error) {
	return db.Setting(ctx, settingSuggestions)
}

// SetReportSuggestions saves the 存在问题及建议 text.
func (db *DB) SetReportSuggestions(ctx context.Context, text string) error {
	if len([]rune(text)) > 10000 {
		return fmt.Errorf("%w：建议不能超过10000字", inspection.ErrInvalid)
	}
	return db.SetSetting(ctx, settingSuggestions, text)
}

// Corrective actions as the office follows them.

// OfficeAction is a corrective action with its community and its status
// as of the store's clock.
type OfficeAction struct {
	ActionRow
	Effective   inspection.ActionStatus
	DaysOverdue int
}

// OfficeActionFilter narrows OfficeActions.
type OfficeActionFilter struct {
	District string
	Status   inspection.ActionStatus // "" for all; ActionOverdue for the overdue ones
	OpenOnly bool                    // neither done nor cancelled
}

// OfficeActions lists corrective actions with their effective status by
// the store's clock (逾期 is never stored), overdue ones counted in days.
func (db *DB) OfficeActions(ctx context.Context, f OfficeActionFilter) ([]OfficeAction, error) {
	rows, err := db.ListActionRows(ctx, ActionFilter{District: f.District})
	if err != nil {
		return nil, err
	}
	now := db.now()
	var out []OfficeAction
	for _, r := range rows {
		a := OfficeAction{ActionRow: r, Effective: r.EffectiveStatus(now)}
		if a.Effective == inspection.ActionOverdue {
			y, m, d := r.DueDate.Date()
			due := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
			a.DaysOverdue = int(now.Sub(due).Hours() / 24)
		}
		if f.Status != "" && a.Effective != f.Status {
			continue
		}
		if f.OpenOnly && (r.Status == inspection.ActionDone || r.Status == inspection.ActionCancelled) {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// MarkActionDone records a corrective action as 已整改 with a note (what
// was done), as the office confirms it without a new inspection.
func (db *DB) MarkActionDone(ctx context.Context, id, note string) (inspection.CorrectiveAction, error) {
	acts, err := db.ListActions(ctx, ActionFilter{})
	if err != nil {
		return inspection.CorrectiveAction{}, err
	}
	var match []inspection.CorrectiveAction
	for _, a := range acts {
		if a.ID == id {
			match = []inspection.CorrectiveAction{a}
			break
		}
		if len(id) >= 8 && strings.HasPrefix(a.ID, id) {
			match = append(match, a)
		}
	}
	if len(match) > 1 {
		return inspection.CorrectiveAction{}, fmt.Errorf("%w：编号开头「%s」对应 %d 个整改事项，请写完整编号", inspection.ErrInvalid, id, len(match))
	}
	if len(match) == 1 {
		a := match[0]
		if a.Status == inspection.ActionCancelled {
			return a, fmt.Errorf("%w：整改事项已撤销，不能标记为已整改", inspection.ErrInvalid)
		}
		a.Status = inspection.ActionDone
		if n := strings.TrimSpace(note); n != "" {
			if a.Note != "" {
				a.Note += "\n"
			}
			a.Note += n
		}
		return db.UpdateAction(ctx, a)
	}
	return inspection.CorrectiveAction{}, fmt.Errorf("整改事项 %s：%w", id, inspection.ErrNotFound)
}

// actionDelete is the audit action of a deletion (a liaison's tombstone).
const actionDelete = "delete"

// DeleteLiaison removes a liaison from the list. The row stays as a
// tombstone (deleted_at, deleted_by, a new version), so the deletion
// travels in packages like an edit; saving the person again (SaveLiaisons)
// brings them back. The audit log keeps what the row was.
func (db *DB) DeleteLiaison(ctx context.Context, id string) error {
	return db.inChange(ctx, func(ch *change) error {
		old, err := snapshot(ctx, ch.tx, "liaisons", id)
		if err != nil {
			return err
		}
		res, err := ch.tx.ExecContext(ctx, `UPDATE liaisons SET deleted_at = ?, deleted_by = ?, base_version = version, version = ?,
			device_id = ?, actor = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL`,
			formatTime(ch.at), ch.actor, ch.version, ch.device, ch.actor, formatTime(ch.at), id)
		if err != nil {
			return fmt.Errorf("无法删除联络员：%w", err)
		}
		if n, _ := res.RowsAffected(); old == "" || n == 0 {
			return fmt.Errorf("联络员 %s：%w", id, inspection.ErrNotFound)
		}
		return ch.audit(ctx, "liaisons", id, actionDelete, old)
	})
}
