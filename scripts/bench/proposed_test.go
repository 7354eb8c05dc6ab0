package bench_test

// Prototypes of fixes for what the benchmarks found slow in other
// engineers' code, measured on the same data so the report can show
// before and after (docs/PERFORMANCE.md, "Findings"). They are not used
// by the program.

import (
	"context"
	"database/sql"
	"io"
	"os"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/report/xlsx"
	"github.com/jiayuan-inspect/jiayuan/store"
	"github.com/jiayuan-inspect/jiayuan/store/demo"
)

// communityRowsQuery is store.ListCommunityRows with the latest inspection
// and the open actions looked up per matching community through the
// indexes inspections_community(community_id, started_at) and
// corrective_actions_open(community_id, status), instead of numbering
// every inspection of the city (ROW_NUMBER over a materialized CTE) on
// every keystroke.
const communityRowsQuery = `SELECT c.id, c.name, c.district, c.street, c.address, c.property_company, c.type, c.households,
	COALESCE(l.id, ''), COALESCE(l.started_at, ''), COALESCE(s.score, 0), COALESCE(s.defined, 0), COALESCE(s.vetoes, 0),
	(SELECT COUNT(*) FROM corrective_actions a WHERE a.community_id = c.id AND a.status <> 'done') AS open_actions, l.status
FROM communities c
LEFT JOIN inspections l ON l.id = (SELECT i.id FROM inspections i WHERE i.community_id = c.id ORDER BY i.started_at DESC, i.id DESC LIMIT 1)
LEFT JOIN inspection_scores s ON s.inspection_id = l.id
WHERE (c.name LIKE ? ESCAPE '\' OR c.address LIKE ? ESCAPE '\' OR c.street LIKE ? ESCAPE '\'
	OR c.community LIKE ? ESCAPE '\' OR c.initials LIKE ? ESCAPE '\')
ORDER BY c.district, c.street, c.name, c.id`

// BenchmarkSearchListProposed is BenchmarkSearchList's keystroke with
// communityRowsQuery (same rows, same columns).
func BenchmarkSearchListProposed(b *testing.B) {
	raw := rawDB(b, need(b, "JIAYUAN_BENCH_DB"), "query_only(1)")
	measure(b, 1, func(i int) {
		q := keystrokes[i%len(keystrokes)]
		like := "%" + q + "%"
		rows, err := raw.Query(communityRowsQuery, like, like, like, like, like)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var r store.CommunityRow
			var at string
			var status sql.NullString
			if err := rows.Scan(&r.ID, &r.Name, &r.District, &r.Street, &r.Address, &r.PropertyCompany, &r.Type, &r.Households,
				&r.LatestID, &at, &r.Score, &r.ScoreDefined, &r.Vetoes, &r.OpenActions, &status); err != nil {
				b.Fatal(err)
			}
		}
		rows.Close()
	})
}

// TestSearchListProposedSameRows checks the prototype against the store's
// query on a generated city (when one is named).
func TestSearchListProposedSameRows(t *testing.T) {
	path := os.Getenv("JIAYUAN_BENCH_DB")
	if path == "" {
		t.Skip("JIAYUAN_BENCH_DB is not set")
	}
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range keystrokes {
		want, err := db.ListCommunityRows(context.Background(), store.CommunityRowFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		like := "%" + q + "%"
		rows, err := raw.Query(communityRowsQuery, like, like, like, like, like)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var id, lid string
			var x [13]any
			if err := rows.Scan(&id, &x[0], &x[1], &x[2], &x[3], &x[4], &x[5], &x[6], &lid, &x[7], &x[8], &x[9], &x[10], &x[11], &x[12]); err != nil {
				t.Fatal(err)
			}
			got = append(got, id+" "+lid)
		}
		rows.Close()
		if len(got) != len(want) {
			t.Fatalf("%q: %d rows, store has %d", q, len(got), len(want))
		}
		for i, w := range want {
			if got[i] != w.ID+" "+w.LatestID {
				t.Fatalf("%q row %d: %s, store has %s %s", q, i, got[i], w.ID, w.LatestID)
			}
		}
	}
}

// actionRowsProposed collects the 整改清单 rows with three queries (the
// actions, the communities, the inspections' start times) instead of
// loading every inspection with all its answers (cmd/jiayuanctl's
// actionRows: one db.Inspection per inspection, all kept in a map).
func actionRowsProposed(b *testing.B, db *store.DB, raw *sql.DB, tpl *inspection.Template) []xlsx.ActionRow {
	ctx := context.Background()
	acts, err := db.ListActions(ctx, store.ActionFilter{})
	if err != nil {
		b.Fatal(err)
	}
	communities := map[string]inspection.Community{}
	list, err := db.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range list {
		communities[c.ID] = c
	}
	started := map[string]time.Time{}
	rows, err := raw.Query(`SELECT id, started_at FROM inspections WHERE id IN (SELECT inspection_id FROM corrective_actions)`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id, at string
		if err := rows.Scan(&id, &at); err != nil {
			b.Fatal(err)
		}
		started[id], _ = time.Parse("2006-01-02T15:04:05.000Z07:00", at)
	}
	rows.Close()
	out := make([]xlsx.ActionRow, 0, len(acts))
	for _, a := range acts {
		row := xlsx.ActionRow{Action: a, Community: communities[a.CommunityID], InspectedAt: started[a.InspectionID]}
		if it, ok := tpl.Item(a.ItemCode); ok { // the generated city has one template
			row.ItemText = it.Text
		}
		out = append(out, row)
	}
	return out
}

// BenchmarkExcelActionsProposed is BenchmarkExcelActions with
// actionRowsProposed.
func BenchmarkExcelActionsProposed(b *testing.B) {
	db := openCity(b)
	raw := rawDB(b, need(b, "JIAYUAN_BENCH_DB"), "query_only(1)")
	tpl := defaultTemplate(b, db)
	measure(b, 1, func(int) {
		if err := xlsx.WriteActions(io.Discard, actionRowsProposed(b, db, raw, tpl), "", demo.DefaultNow); err != nil {
			b.Fatal(err)
		}
	})
}
