package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/jiayuan-inspect/jiayuan/inspection"
)

// SetLatestResultsChunk sets how many communities LatestResults reads at a
// time, until the test ends.
func SetLatestResultsChunk(t interface{ Cleanup(func()) }, n int) {
	old := latestResultsChunk
	latestResultsChunk = n
	t.Cleanup(func() { latestResultsChunk = old })
}

// LatestResultsAllAtOnce is LatestResults as it was before it read a chunk
// of communities at a time (the whole city's latest inspections and
// answers first): the reference its results must still match.
func (db *DB) LatestResultsAllAtOnce(ctx context.Context, f ReportFilter, fn func(CommunityResult) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	where, args := "", []any{}
	if f.District != "" {
		where, args = " WHERE c.district = ?", append(args, f.District)
	}
	latest := `SELECT id, community_id FROM (SELECT i.id, i.community_id, ROW_NUMBER() OVER (
			PARTITION BY i.community_id ORDER BY i.finalized_at DESC, i.id DESC) AS n
		FROM inspections i JOIN communities c ON c.id = i.community_id` + where + ` AND i.status = 'finalized') WHERE n = 1`
	if where == "" {
		latest = strings.Replace(latest, " AND i.status", " WHERE i.status", 1)
	}
	cols := strings.ReplaceAll("i."+strings.ReplaceAll(inspectionCols, ", ", ", i."), "\n\ti.", "\n\t")
	rows, err := tx.QueryContext(ctx, `SELECT `+cols+`, i.content_digest FROM inspections i
		WHERE i.id IN (SELECT id FROM (`+latest+`))`, args...)
	if err != nil {
		return err
	}
	byCommunity := map[string]*InspectionRecord{}
	byID := map[string]*InspectionRecord{}
	for rows.Next() {
		rec := &InspectionRecord{Answers: map[string]inspection.Answer{}}
		if rec.Inspection, err = scanInspection(rows, &rec.ContentDigest); err != nil {
			rows.Close()
			return err
		}
		byCommunity[rec.Inspection.CommunityID] = rec
		byID[rec.Inspection.ID] = rec
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT `+answerCols+` FROM answers WHERE inspection_id IN (SELECT id FROM (`+latest+`))`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if rec := byID[a.InspectionID]; rec != nil {
			rec.Answers[a.ItemCode] = a
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT `+strings.ReplaceAll("c."+strings.ReplaceAll(communityCols, ", ", ", c."), "\n\tc.", "\n\t")+
		` FROM communities c`+where+` ORDER BY c.district, c.street, c.name, c.id`, args...)
	if err != nil {
		return err
	}
	var list []inspection.Community
	for rows.Next() {
		c, err := scanCommunity(rows)
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
	for _, c := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		res := CommunityResult{Community: c}
		if rec := byCommunity[c.ID]; rec != nil {
			rec.Community = c
			if rec.Template, err = db.Template(ctx, rec.Inspection.TemplateID, rec.Inspection.TemplateVersion); err != nil {
				return err
			}
			rec.Score = inspection.Score(rec.Template, rec.Answers)
			res.Record = rec
		}
		if err := fn(res); err != nil {
			return err
		}
	}
	return nil
}

// SummaryInspection is what a record read with ReportFilter.Summary keeps
// of its inspection.
func SummaryInspection(in inspection.Inspection) inspection.Inspection { return summaryInspection(in) }

// SummaryAnswers is what a record read with ReportFilter.Summary gives of
// its answers (CommunityResult.Answers).
func SummaryAnswers(answers map[string]inspection.Answer) []inspection.Answer {
	return summaryAnswers(answers)
}

// SummaryCommunity is what a record read with ReportFilter.Summary keeps
// of its community
// (summaryCommunityCols: no version fields).
func SummaryCommunity(c inspection.Community) inspection.Community {
	c.Revision = inspection.Revision{}
	return c
}
