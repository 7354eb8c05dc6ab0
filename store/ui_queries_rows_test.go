package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo/demotest"
)

// oldCommunityRowsQuery is ListCommunityRows' query before it looked up
// each community's latest inspection through the index (it numbered every
// inspection of the city on each keystroke): the reference the rows must
// still match.
const oldCommunityRowsQuery = `WITH latest AS (
		SELECT i.community_id, i.id, i.status, i.started_at, s.score, s.defined, s.vetoes,
			ROW_NUMBER() OVER (PARTITION BY i.community_id ORDER BY i.started_at DESC, i.id DESC) AS rn
		FROM inspections i LEFT JOIN inspection_scores s ON s.inspection_id = i.id
	), acts AS (
		SELECT community_id, COUNT(*) AS n FROM corrective_actions WHERE status NOT IN ('done', 'cancelled') GROUP BY community_id
	), rows AS (
		SELECT c.id, c.name, c.district, c.street, c.community, c.address, c.property_company, c.type, c.households,
			COALESCE(l.id, ''), COALESCE(l.started_at, ''), COALESCE(l.score, 0), COALESCE(l.defined, 0),
			COALESCE(l.vetoes, 0), COALESCE(a.n, 0) AS open_actions,
			CASE WHEN l.id IS NULL THEN 'uninspected'
				WHEN l.status = 'draft' THEN 'in_progress'
				WHEN COALESCE(a.n, 0) > 0 THEN 'needs_action'
				ELSE 'done' END AS status, c.initials
		FROM communities c
		LEFT JOIN latest l ON l.community_id = c.id AND l.rn = 1
		LEFT JOIN acts a ON a.community_id = c.id
		WHERE (? = '' OR c.district = ?) AND (? = '' OR c.street = ?)
			AND (? = '' OR c.name LIKE ? ESCAPE '\' OR c.address LIKE ? ESCAPE '\' OR c.street LIKE ? ESCAPE '\'
				OR c.community LIKE ? ESCAPE '\' OR c.initials LIKE ? ESCAPE '\')
		ORDER BY c.district, c.street, c.name, c.id)
	SELECT * FROM rows WHERE (? = '' OR status = ?)`

// The former query selected neither the community nor the initials (the
// list did not need them until FilterCommunityRows); they are compared
// too.

// TestListCommunityRowsSameAsBefore compares ListCommunityRows with the
// former query on a generated city, for every status and several
// district, street and search filters.
func TestListCommunityRowsSameAsBefore(t *testing.T) {
	ctx := context.Background()
	db, path := demotest.Generated(t, 7)
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	all, err := db.ListCommunityRows(ctx, store.CommunityRowFilter{})
	if err != nil {
		t.Fatal(err)
	}
	filters := []store.CommunityRowFilter{{}, {Query: "花园"}, {Query: "h"}, {Query: "路"}, {Query: "无此小区"}}
	if len(all) > 0 {
		filters = append(filters, store.CommunityRowFilter{District: all[0].District},
			store.CommunityRowFilter{District: all[0].District, Street: all[0].Street},
			store.CommunityRowFilter{Query: all[len(all)/2].Name[:3]})
	}
	seen := map[store.CommunityStatus]bool{}
	for _, f0 := range filters {
		for _, st := range append([]store.CommunityStatus{store.StatusAll}, store.CommunityStatuses...) {
			f := f0
			f.Status = st
			got, err := db.ListCommunityRows(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want := oldRows(t, raw, f)
			if len(got) != len(want) {
				t.Fatalf("%+v: %d rows, the former query gives %d", f, len(got), len(want))
			}
			for i := range got {
				seen[got[i].Status] = true
				if g := fmt.Sprintf("%+v", got[i]); g != want[i] {
					t.Fatalf("%+v row %d:\n got %s\nwant %s", f, i, g, want[i])
				}
			}
		}
	}
	for _, st := range store.CommunityStatuses {
		if !seen[st] {
			t.Errorf("no row has status %s: the comparison does not cover it", st)
		}
	}
}

func oldRows(t *testing.T, raw *sql.DB, f store.CommunityRowFilter) []string {
	t.Helper()
	q := strings.TrimSpace(f.Query)
	like, lower := "", ""
	if q != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
		like, lower = "%"+esc.Replace(q)+"%", "%"+esc.Replace(strings.ToLower(q))+"%"
	}
	rows, err := raw.Query(oldCommunityRowsQuery, f.District, f.District, f.Street, f.Street,
		q, like, like, like, like, lower, string(f.Status), string(f.Status))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r store.CommunityRow
		var at, status string
		if err := rows.Scan(&r.ID, &r.Name, &r.District, &r.Street, &r.Community, &r.Address, &r.PropertyCompany, &r.Type,
			&r.Households, &r.LatestID, &at, &r.Score, &r.ScoreDefined, &r.Vetoes, &r.OpenActions, &status, &r.Initials); err != nil {
			t.Fatal(err)
		}
		if at != "" {
			if r.LatestAt, err = time.Parse("2006-01-02T15:04:05.000Z07:00", at); err != nil {
				r.LatestAt, _ = time.Parse(time.RFC3339Nano, at)
			}
		}
		r.Status = store.CommunityStatus(status)
		out = append(out, fmt.Sprintf("%+v", r))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
