package store

import (
	"context"
	"crypto/sha1"
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

// answerNamespace makes answer ids deterministic: the same item of the same
// inspection has the same id on every device, so files merge row by row.
var answerNamespace = uuid.MustParse("6f1c2a55-3f7e-4c1b-9d7a-4a8e2b1c0d11")

// answerID is uuid.NewSHA1(answerNamespace, inspection id + NUL + item
// code) (a UUIDv5), hashed from a buffer on the stack: an import computes
// one per answer.
func answerID(inspectionID, itemCode string) string {
	var buf [160]byte
	b := append(append(append(append(buf[:0], answerNamespace[:]...), inspectionID...), 0), itemCode...)
	sum := sha1.Sum(b)
	var id uuid.UUID
	copy(id[:], sum[:])
	id[6] = id[6]&0x0f | 5<<4 // version 5
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id.String()
}

const inspectionCols = `id, community_id, template_id, template_version, inspectors, started_at, status, finalized_at,
	signatures, amends_id, amend_reason, version, base_version, device_id, actor, updated_at`

// scanInspection reads the inspectionCols of a row, then extra columns
// into extra.
func scanInspection(s scanner, extra ...any) (inspection.Inspection, error) {
	var in inspection.Inspection
	var inspectors, started, status, sigs, updated string
	var finalized, amends sql.NullString
	err := s.Scan(append([]any{&in.ID, &in.CommunityID, &in.TemplateID, &in.TemplateVersion, &inspectors, &started, &status, &finalized,
		&sigs, &amends, &in.AmendReason, &in.Version, &in.BaseVersion, &in.DeviceID, &in.Actor, &updated}, extra...)...)
	if err != nil {
		return in, err
	}
	in.Status = inspection.Status(status)
	in.StartedAt, in.UpdatedAt = parseTime(started), parseTime(updated)
	if finalized.Valid {
		t := parseTime(finalized.String)
		in.FinalizedAt = &t
	}
	in.AmendsID = amends.String
	if in.Inspectors, err = stringList(inspectors); err != nil {
		return in, fmt.Errorf("检查记录 %s 的检查人员数据损坏：%w", in.ID, err)
	}
	if in.Signatures, err = signatureList(sigs); err != nil {
		return in, fmt.Errorf("检查记录 %s 的签字数据损坏：%w", in.ID, err)
	}
	return in, nil
}

// signatureList decodes a JSON array of signatures as json.Unmarshal into
// a []inspection.Signature does. The array json.Marshal writes (the keys
// name, role, image_sha, signed_at in that order, strings without
// escapes) is read directly; anything else goes through encoding/json.
// Decoding every record's signatures with encoding/json was a tenth of
// reading the 汇总表's records from the report cache.
func signatureList(s string) ([]inspection.Signature, error) {
	switch s {
	case "[]":
		return []inspection.Signature{}, nil
	case "null":
		return nil, nil
	}
	if out, ok := plainSignatures(s); ok {
		return out, nil
	}
	var out []inspection.Signature
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

// plainSignatures reads s if it is exactly what json.Marshal writes for a
// non-empty []inspection.Signature whose strings need no escapes.
func plainSignatures(s string) ([]inspection.Signature, bool) {
	if len(s) < 2 || s[0] != '[' {
		return nil, false
	}
	p := 1
	ok := true
	lit := func(l string) {
		if ok && strings.HasPrefix(s[p:], l) {
			p += len(l)
		} else {
			ok = false
		}
	}
	str := func() string {
		if !ok || p >= len(s) || s[p] != '"' {
			ok = false
			return ""
		}
		end := strings.IndexByte(s[p+1:], '"')
		if end < 0 {
			ok = false
			return ""
		}
		v := s[p+1 : p+1+end]
		if strings.IndexByte(v, '\\') >= 0 || !plainListItem(v) {
			ok = false
			return ""
		}
		p += end + 2
		return v
	}
	out := make([]inspection.Signature, 0, strings.Count(s, `{"name":`))
	for {
		var g inspection.Signature
		lit(`{"name":`)
		g.Name = str()
		lit(`,"role":`)
		g.Role = str()
		lit(`,"image_sha":`)
		g.ImageSHA = str()
		lit(`,"signed_at":`)
		from := p
		str()
		if !ok || g.SignedAt.UnmarshalJSON([]byte(s[from:p])) != nil {
			return nil, false
		}
		lit(`}`)
		if !ok || p >= len(s) {
			return nil, false
		}
		out = append(out, g)
		switch {
		case s[p] == ']' && p == len(s)-1:
			return out, true
		case s[p] == ',':
			p++
		default:
			return nil, false
		}
	}
}

const answerCols = `inspection_id, item_code, result, value, choices, text, note, photos`

// scanAnswer reads an answer of answerCols. The lists of choices and
// photos are decoded without encoding/json when they are plain
// (stringList: it took a third of reading a city's answers; the usual
// lists are [] and a few hex digests).
func scanAnswer(s scanner) (inspection.Answer, error) {
	var a inspection.Answer
	var result, choices, photos string
	var value sql.NullFloat64
	if err := s.Scan(&a.InspectionID, &a.ItemCode, &result, &value, &choices, &a.Text, &a.Note, &photos); err != nil {
		return a, err
	}
	a.Result = inspection.Result(result)
	if value.Valid {
		a.Value = &value.Float64
	}
	var err error
	if a.Choices, err = stringList(choices); err != nil {
		return a, fmt.Errorf("检查项 %s 的选项数据损坏：%w", a.ItemCode, err)
	}
	if a.Photos, err = stringList(photos); err != nil {
		return a, fmt.Errorf("检查项 %s 的照片数据损坏：%w", a.ItemCode, err)
	}
	return a, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if s == "null" {
		return "[]"
	}
	return s
}

// StartInspection opens a new draft inspection of a community with a
// template version.
func (db *DB) StartInspection(ctx context.Context, communityID, templateID string, templateVersion int, inspectors []string) (inspection.Inspection, error) {
	var in inspection.Inspection
	if _, err := db.Template(ctx, templateID, templateVersion); err != nil {
		return in, err
	}
	var names []string
	for _, n := range inspectors {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return in, fmt.Errorf("%w：请至少填写一名检查人员", inspection.ErrInvalid)
	}
	err := db.inChange(ctx, func(ch *change) error {
		var exists int
		if err := ch.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM communities WHERE id = ?`, communityID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return fmt.Errorf("小区 %s：%w", communityID, inspection.ErrNotFound)
		}
		in = inspection.Inspection{
			ID: uuid.Must(uuid.NewV7()).String(), CommunityID: communityID, TemplateID: templateID, TemplateVersion: templateVersion,
			Inspectors: names, StartedAt: ch.at, Status: inspection.Draft,
		}
		return db.insertInspection(ctx, ch, &in, actionCreate)
	})
	return in, err
}

func (db *DB) insertInspection(ctx context.Context, ch *change, in *inspection.Inspection, action string) error {
	in.Revision = inspection.Revision{Version: ch.version, DeviceID: ch.device, Actor: ch.actor, UpdatedAt: ch.at}
	var amends any
	if in.AmendsID != "" {
		amends = in.AmendsID
	}
	_, err := ch.tx.ExecContext(ctx, `INSERT INTO inspections(`+inspectionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, '', ?, ?, ?)`,
		in.ID, in.CommunityID, in.TemplateID, in.TemplateVersion, jsonText(in.Inspectors), formatTime(in.StartedAt), string(in.Status),
		jsonText(in.Signatures), amends, in.AmendReason, in.Version, in.DeviceID, in.Actor, formatTime(in.UpdatedAt))
	if err != nil {
		return fmt.Errorf("无法保存检查记录：%w", err)
	}
	if err := ch.audit(ctx, "inspections", in.ID, action, ""); err != nil {
		return err
	}
	return db.rescore(ctx, ch.tx, in.ID)
}

// InspectionRecord is inspection.Record (kept as a name for callers of the store).
type InspectionRecord = inspection.Record

// Inspection reads one inspection with its community, template, answers
// and score.
func (db *DB) Inspection(ctx context.Context, id string) (InspectionRecord, error) {
	var rec InspectionRecord
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rec, err
	}
	defer tx.Rollback()
	rec.Inspection, err = scanInspection(tx.QueryRowContext(ctx, `SELECT `+inspectionCols+` FROM inspections WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return rec, fmt.Errorf("检查记录 %s：%w", id, inspection.ErrNotFound)
	}
	if err != nil {
		return rec, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT content_digest FROM inspections WHERE id = ?`, id).Scan(&rec.ContentDigest); err != nil {
		return rec, err
	}
	rec.Community, err = scanCommunity(tx.QueryRowContext(ctx, `SELECT `+communityCols+` FROM communities WHERE id = ?`, rec.Inspection.CommunityID))
	if err != nil {
		return rec, fmt.Errorf("检查记录 %s 的小区：%w", id, err)
	}
	rec.Answers, err = loadAnswers(ctx, tx, id)
	if err != nil {
		return rec, err
	}
	rec.Template, err = db.Template(ctx, rec.Inspection.TemplateID, rec.Inspection.TemplateVersion)
	if err != nil {
		return rec, err
	}
	rec.Score = inspection.Score(rec.Template, rec.Answers)
	return rec, nil
}

type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

func loadAnswers(ctx context.Context, q querier, inspectionID string) (map[string]inspection.Answer, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+answerCols+` FROM answers WHERE inspection_id = ?`, inspectionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]inspection.Answer{}
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, err
		}
		out[a.ItemCode] = a
	}
	return out, rows.Err()
}

// rescore recomputes the local score cache of one inspection.
func (db *DB) rescore(ctx context.Context, tx *sql.Tx, inspectionID string) error {
	var tplID string
	var tplVer int
	if err := tx.QueryRowContext(ctx, `SELECT template_id, template_version FROM inspections WHERE id = ?`, inspectionID).Scan(&tplID, &tplVer); err != nil {
		return err
	}
	tpl, err := db.Template(ctx, tplID, tplVer)
	if err != nil {
		return err
	}
	answers, err := loadAnswers(ctx, tx, inspectionID)
	if err != nil {
		return err
	}
	card := inspection.Score(tpl, answers)
	_, err = tx.ExecContext(ctx, `INSERT INTO inspection_scores(inspection_id, score, defined, vetoes, judged, scorable)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(inspection_id) DO UPDATE SET score = excluded.score, defined = excluded.defined,
		vetoes = excluded.vetoes, judged = excluded.judged, scorable = excluded.scorable`,
		inspectionID, card.Total, card.Defined, len(card.Vetoes), card.Judged, card.Scorable)
	return err
}

// draftFor loads an inspection for a change, refusing a finalized one.
func draftFor(ctx context.Context, tx *sql.Tx, id string) (inspection.Inspection, error) {
	in, err := scanInspection(tx.QueryRowContext(ctx, `SELECT `+inspectionCols+` FROM inspections WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, fmt.Errorf("检查记录 %s：%w", id, inspection.ErrNotFound)
	}
	if err != nil {
		return in, err
	}
	if in.Status == inspection.Finalized {
		return in, fmt.Errorf("检查记录 %s：%w", id, inspection.ErrFinalized)
	}
	return in, nil
}

// modifyAnswer is the autosave: it loads the answer (or a blank one),
// applies fn, validates against the item, stores it and the audit entry,
// and refreshes the score — all in one transaction committed before it
// returns.
func (db *DB) modifyAnswer(ctx context.Context, inspectionID, itemCode string, fn func(a *inspection.Answer)) (inspection.Answer, error) {
	var a inspection.Answer
	err := db.inChange(ctx, func(ch *change) error {
		var err error
		a, err = db.modifyAnswerTx(ctx, ch, inspectionID, itemCode, fn)
		return err
	})
	return a, err
}

func (db *DB) modifyAnswerTx(ctx context.Context, ch *change, inspectionID, itemCode string, fn func(a *inspection.Answer)) (inspection.Answer, error) {
	in, err := draftFor(ctx, ch.tx, inspectionID)
	if err != nil {
		return inspection.Answer{}, err
	}
	tpl, err := db.Template(ctx, in.TemplateID, in.TemplateVersion)
	if err != nil {
		return inspection.Answer{}, err
	}
	item, ok := tpl.Item(itemCode)
	if !ok {
		return inspection.Answer{}, fmt.Errorf("%w：模板 %s 第 %d 版中没有检查项 %s", inspection.ErrNotFound, tpl.ID, tpl.Version, itemCode)
	}
	id := answerID(inspectionID, itemCode)
	old, err := snapshot(ctx, ch.tx, "answers", id)
	if err != nil {
		return inspection.Answer{}, err
	}
	a := inspection.Answer{InspectionID: inspectionID, ItemCode: itemCode}
	var base string
	if old != "" {
		if a, err = scanAnswer(ch.tx.QueryRowContext(ctx, `SELECT `+answerCols+` FROM answers WHERE id = ?`, id)); err != nil {
			return a, err
		}
		if err := ch.tx.QueryRowContext(ctx, `SELECT version FROM answers WHERE id = ?`, id).Scan(&base); err != nil {
			return a, err
		}
	}
	fn(&a)
	a.Note = strings.TrimRight(a.Note, " \t\r\n")
	if err := inspection.ValidateAnswer(item, a); err != nil {
		return a, err
	}
	var value any
	if a.Value != nil {
		value = *a.Value
	}
	_, err = ch.tx.ExecContext(ctx, `INSERT INTO answers(id, `+answerCols+`, version, base_version, device_id, actor, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET result = excluded.result, value = excluded.value, choices = excluded.choices,
		text = excluded.text, note = excluded.note, photos = excluded.photos, version = excluded.version,
		base_version = excluded.base_version, device_id = excluded.device_id, actor = excluded.actor, updated_at = excluded.updated_at`,
		id, a.InspectionID, a.ItemCode, string(a.Result), value, jsonText(a.Choices), a.Text, a.Note, jsonText(a.Photos),
		ch.version, base, ch.device, ch.actor, formatTime(ch.at))
	if err != nil {
		return a, fmt.Errorf("无法保存检查项 %s：%w", itemCode, err)
	}
	action := actionUpdate
	if old == "" {
		action = actionCreate
	}
	if err := ch.audit(ctx, "answers", id, action, old); err != nil {
		return a, err
	}
	return a, db.rescore(ctx, ch.tx, inspectionID)
}

// SetAnswer records the judgement, value, choices, text and note of one
// item (photos are kept; see AttachPhoto). It is committed before it
// returns.
func (db *DB) SetAnswer(ctx context.Context, a inspection.Answer) (inspection.Answer, error) {
	return db.modifyAnswer(ctx, a.InspectionID, a.ItemCode, func(cur *inspection.Answer) {
		photos := cur.Photos
		*cur = a
		cur.Photos = photos
	})
}

// SetResult records 符合 / 不符合 / 不适用 (or clears it).
func (db *DB) SetResult(ctx context.Context, inspectionID, itemCode string, r inspection.Result) (inspection.Answer, error) {
	return db.modifyAnswer(ctx, inspectionID, itemCode, func(a *inspection.Answer) { a.Result = r })
}

// SetValue records a measured value (nil clears it).
func (db *DB) SetValue(ctx context.Context, inspectionID, itemCode string, v *float64) (inspection.Answer, error) {
	return db.modifyAnswer(ctx, inspectionID, itemCode, func(a *inspection.Answer) {
		a.Value = v
		if a.Result != inspection.NA {
			a.Result = inspection.Unanswered
		}
	})
}

// SetChoices records the chosen options of a choice item.
func (db *DB) SetChoices(ctx context.Context, inspectionID, itemCode string, choices []string) (inspection.Answer, error) {
	return db.modifyAnswer(ctx, inspectionID, itemCode, func(a *inspection.Answer) { a.Choices = choices })
}

// SetNote records the note of an item.
func (db *DB) SetNote(ctx context.Context, inspectionID, itemCode, note string) (inspection.Answer, error) {
	return db.modifyAnswer(ctx, inspectionID, itemCode, func(a *inspection.Answer) { a.Note = note })
}

// SetText records the text of a text item.
func (db *DB) SetText(ctx context.Context, inspectionID, itemCode, text string) (inspection.Answer, error) {
	return db.modifyAnswer(ctx, inspectionID, itemCode, func(a *inspection.Answer) { a.Text = text })
}

// ActionDueDays is how long a corrective action is given by default.
const ActionDueDays = 30

// FinalizeInspection signs off an inspection: it checks that every scored
// item is judged and evidence attached, records the signatures, fixes the
// content digest and opens a corrective action (整改) for every failed
// item. Afterwards every change returns ErrFinalized.
func (db *DB) FinalizeInspection(ctx context.Context, id string, signatures []inspection.Signature) (InspectionRecord, error) {
	err := db.inChange(ctx, func(ch *change) error {
		in, err := draftFor(ctx, ch.tx, id)
		if err != nil {
			return err
		}
		tpl, err := db.Template(ctx, in.TemplateID, in.TemplateVersion)
		if err != nil {
			return err
		}
		answers, err := loadAnswers(ctx, ch.tx, id)
		if err != nil {
			return err
		}
		var sigs []inspection.Signature
		for _, s := range signatures {
			s.Name = strings.TrimSpace(s.Name)
			if s.Name == "" {
				continue
			}
			if s.SignedAt.IsZero() {
				s.SignedAt = ch.at
			}
			s.SignedAt = s.SignedAt.Truncate(time.Millisecond)
			sigs = append(sigs, s)
		}
		if err := inspection.CheckFinalizable(tpl, answers, sigs); err != nil {
			return err
		}
		old, err := snapshot(ctx, ch.tx, "inspections", id)
		if err != nil {
			return err
		}
		at := ch.at.Truncate(time.Millisecond)
		in.Status, in.FinalizedAt, in.Signatures = inspection.Finalized, &at, sigs
		digest := inspection.ContentDigest(in, answers)
		_, err = ch.tx.ExecContext(ctx, `UPDATE inspections SET status = 'finalized', finalized_at = ?, signatures = ?, content_digest = ?,
			base_version = version, version = ?, device_id = ?, actor = ?, updated_at = ? WHERE id = ?`,
			formatTime(at), jsonText(sigs), digest, ch.version, ch.device, ch.actor, formatTime(ch.at), id)
		if err != nil {
			return err
		}
		if err := ch.audit(ctx, "inspections", id, actionFinalize, old); err != nil {
			return err
		}
		return db.openActions(ctx, ch, in, tpl, answers)
	})
	if err != nil {
		return InspectionRecord{}, err
	}
	return db.Inspection(ctx, id)
}

// openActions creates a corrective action for each failed item. For an
// amendment (更正) the original's open actions are carried over: an item
// that still fails keeps its action (moved to the amendment, due date
// kept); one that no longer fails had been judged in error, so its action
// is cancelled (已撤销), not counted as rectified. Otherwise it is a
// re-check (回头看): open actions of earlier inspections of the community
// whose item is judged now are closed (pass) or marked 整改中 (fail).
func (db *DB) openActions(ctx context.Context, ch *change, in inspection.Inspection, tpl *inspection.Template, answers map[string]inspection.Answer) error {
	var responsible string
	if err := ch.tx.QueryRowContext(ctx, `SELECT property_company FROM communities WHERE id = ?`, in.CommunityID).Scan(&responsible); err != nil {
		return err
	}
	card := inspection.Score(tpl, answers)
	problems := map[string]string{}
	for _, code := range card.Failed {
		item, _ := tpl.Item(code)
		problems[code] = item.Text
		if n := strings.TrimSpace(answers[code].Note); n != "" {
			problems[code] += "：" + n
		}
	}
	if in.AmendsID != "" {
		carried, err := openActionsOf(ctx, ch.tx, `inspection_id = ?`, in.AmendsID)
		if err != nil {
			return err
		}
		for _, o := range carried {
			if problem, stillFails := problems[o.code]; stillFails {
				delete(problems, o.code)
				err = updateAction(ctx, ch, o.id, `inspection_id = ?, problem = ?`, in.ID, problem)
			} else {
				err = updateAction(ctx, ch, o.id, `status = 'cancelled', note = ?`, "更正记录 "+in.ID+" 中该项不再判定为不符合")
			}
			if err != nil {
				return err
			}
		}
	}
	due := ch.at.AddDate(0, 0, ActionDueDays)
	for _, code := range card.Failed {
		problem, open := problems[code]
		if !open {
			continue // carried over from the amended original
		}
		act := inspection.CorrectiveAction{
			ID: uuid.Must(uuid.NewV7()).String(), InspectionID: in.ID, CommunityID: in.CommunityID, ItemCode: code,
			Problem: problem, Responsible: responsible, DueDate: due, Status: inspection.ActionOpen,
		}
		if err := insertAction(ctx, ch, act); err != nil {
			return err
		}
	}
	if in.AmendsID != "" {
		return nil // a correction of the same visit is not a re-check
	}
	earlier, err := openActionsOf(ctx, ch.tx, `community_id = ? AND inspection_id <> ?`, in.CommunityID, in.ID)
	if err != nil {
		return err
	}
	for _, o := range earlier {
		item, ok := tpl.Item(o.code)
		if !ok {
			continue
		}
		r := inspection.Evaluate(item, answers[o.code])
		if r != inspection.Pass && r != inspection.Fail {
			continue
		}
		status := inspection.ActionInProgress
		if r == inspection.Pass {
			status = inspection.ActionDone
		}
		if err := updateAction(ctx, ch, o.id, `status = ?, recheck_inspection_id = ?, recheck_result = ?`, string(status), in.ID, string(r)); err != nil {
			return err
		}
	}
	return nil
}

type openAction struct{ id, code string }

// openActionsOf lists the actions matching where that are neither done nor
// cancelled.
func openActionsOf(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]openAction, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, item_code FROM corrective_actions
		WHERE `+where+` AND status NOT IN ('done', 'cancelled') ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []openAction
	for rows.Next() {
		var o openAction
		if err := rows.Scan(&o.id, &o.code); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// updateAction sets columns of one action (set is "col = ?, …"), bumps its
// version and writes the audit entry.
func updateAction(ctx context.Context, ch *change, id, set string, args ...any) error {
	old, err := snapshot(ctx, ch.tx, "corrective_actions", id)
	if err != nil {
		return err
	}
	args = append(args, ch.version, ch.device, ch.actor, formatTime(ch.at), id)
	if _, err := ch.tx.ExecContext(ctx, `UPDATE corrective_actions SET `+set+`,
		base_version = version, version = ?, device_id = ?, actor = ?, updated_at = ? WHERE id = ?`, args...); err != nil {
		return err
	}
	return ch.audit(ctx, "corrective_actions", id, actionUpdate, old)
}

// AmendInspection starts a correction (更正) of a finalized inspection: a
// new draft that points at the original and starts with its answers. The
// original stays as it was and readable.
func (db *DB) AmendInspection(ctx context.Context, originalID, reason string) (inspection.Inspection, error) {
	var in inspection.Inspection
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return in, fmt.Errorf("%w：请填写更正原因", inspection.ErrInvalid)
	}
	err := db.inChange(ctx, func(ch *change) error {
		orig, err := scanInspection(ch.tx.QueryRowContext(ctx, `SELECT `+inspectionCols+` FROM inspections WHERE id = ?`, originalID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("检查记录 %s：%w", originalID, inspection.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if orig.Status != inspection.Finalized {
			return fmt.Errorf("%w：检查记录尚未定稿，可直接修改，无需更正", inspection.ErrInvalid)
		}
		in = inspection.Inspection{
			ID: uuid.Must(uuid.NewV7()).String(), CommunityID: orig.CommunityID, TemplateID: orig.TemplateID,
			TemplateVersion: orig.TemplateVersion, Inspectors: orig.Inspectors, StartedAt: ch.at, Status: inspection.Draft,
			AmendsID: orig.ID, AmendReason: reason,
		}
		if err := db.insertInspection(ctx, ch, &in, actionAmend); err != nil {
			return err
		}
		answers, err := loadAnswers(ctx, ch.tx, orig.ID)
		if err != nil {
			return err
		}
		codes := make([]string, 0, len(answers))
		for c := range answers {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, c := range codes {
			a := answers[c]
			if _, err := db.modifyAnswerTx(ctx, ch, in.ID, c, func(cur *inspection.Answer) {
				*cur = a
				cur.InspectionID = in.ID
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return in, err
}

// InspectionFilter narrows ListInspections.
type InspectionFilter struct {
	CommunityID string
	District    string
	Status      inspection.Status
}

// InspectionSummary is one line of an inspection list.
type InspectionSummary struct {
	inspection.Inspection
	CommunityName string
	District      string
	Score         float64
	ScoreDefined  bool
	Vetoes        int
	Judged        int
	Scorable      int
}

// ListInspections lists inspections, newest first.
func (db *DB) ListInspections(ctx context.Context, f InspectionFilter) ([]InspectionSummary, error) {
	var where []string
	var args []any
	if f.CommunityID != "" {
		where, args = append(where, "i.community_id = ?"), append(args, f.CommunityID)
	}
	if f.District != "" {
		where, args = append(where, "c.district = ?"), append(args, f.District)
	}
	if f.Status != "" {
		where, args = append(where, "i.status = ?"), append(args, string(f.Status))
	}
	cols := strings.ReplaceAll("i."+strings.ReplaceAll(inspectionCols, ", ", ", i."), "\n\ti.", "\n\t")
	q := `SELECT ` + cols + `, c.name, c.district, COALESCE(s.score, 0), COALESCE(s.defined, 0), COALESCE(s.vetoes, 0),
		COALESCE(s.judged, 0), COALESCE(s.scorable, 0)
		FROM inspections i JOIN communities c ON c.id = i.community_id
		LEFT JOIN inspection_scores s ON s.inspection_id = i.id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY i.started_at DESC, i.id"
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InspectionSummary
	for rows.Next() {
		var s InspectionSummary
		var err error
		s.Inspection, err = scanInspection(rows, &s.CommunityName, &s.District, &s.Score, &s.ScoreDefined, &s.Vetoes, &s.Judged, &s.Scorable)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
