// Command assignfixture adds assignments (检查任务) in every state to a
// demo data file, for the screenshots of 检查任务 (scripts/screenshots.sh):
// one done (a correction of a finalized inspection, finalized now), one
// in progress (a new draft by the assignee), pending ones, overdue ones
// and a cancelled one. It prints the id of the community whose detail
// shows its assignments best.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

func main() {
	dbPath := flag.String("db", "", "the office's (demo) data file")
	flag.Parse()
	if *dbPath == "" {
		log.Fatal("usage: assignfixture --db OFFICE.db")
	}
	id, err := run(context.Background(), *dbPath)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id)
}

func run(ctx context.Context, dbPath string) (string, error) {
	db, err := store.Open(ctx, dbPath, store.Options{Actor: "陈科长"})
	if err != nil {
		return "", err
	}
	defer db.Close()
	final, err := db.ListInspections(ctx, store.InspectionFilter{Status: inspection.Finalized})
	if err != nil {
		return "", err
	}
	drafts, err := db.ListInspections(ctx, store.InspectionFilter{Status: inspection.Draft})
	if err != nil {
		return "", err
	}
	coms, err := db.ListCommunities(ctx, store.CommunityFilter{})
	if err != nil {
		return "", err
	}
	if len(final) == 0 || len(drafts) == 0 || len(coms) < 10 {
		return "", fmt.Errorf("not a demo file: %d finalized, %d drafts, %d communities", len(final), len(drafts), len(coms))
	}
	now := time.Now()
	day := func(d int) time.Time { return time.Date(now.Year(), now.Month(), now.Day()+d, 0, 0, 0, 0, time.Local) }
	used := map[string]bool{}
	add := func(communityID, who string, due int, note string) (inspection.Assignment, error) {
		used[communityID] = true
		return db.AddAssignment(ctx, inspection.Assignment{CommunityID: communityID, Inspector: who, DueDate: day(due), Note: note})
	}

	// Done: the assignee corrects and finalizes a visit.
	f := final[0]
	if _, err := add(f.CommunityID, f.Inspectors[0], 7, "复查消防通道整改情况"); err != nil {
		return "", err
	}
	am, err := db.AmendInspection(ctx, f.ID, "复查后更正")
	if err != nil {
		return "", err
	}
	if _, err := db.FinalizeInspection(ctx, am.ID, []inspection.Signature{{Name: f.Inspectors[0], Role: "检查员"}}); err != nil {
		return "", err
	}
	// In progress: the assignee starts a new visit.
	var d store.InspectionSummary
	for _, x := range drafts {
		if !used[x.CommunityID] {
			d = x
			break
		}
	}
	if _, err := add(d.CommunityID, d.Inspectors[0], 3, ""); err != nil {
		return "", err
	}
	if _, err := db.StartInspection(ctx, d.CommunityID, d.TemplateID, d.TemplateVersion, d.Inspectors); err != nil {
		return "", err
	}
	// Pending, overdue and cancelled ones, to two inspectors.
	i := 0
	next := func() string {
		for used[coms[i].ID] {
			i++
		}
		return coms[i].ID
	}
	showcase := next()
	for _, a := range []struct {
		who  string
		due  int
		note string
	}{
		{"张伟", -3, "上月投诉较多，重点看电梯维保记录"},
		{"张伟", 5, ""},
		{"卢佳", 12, "新交付小区，首次检查"},
		{"卢佳", -1, ""},
		{"张伟", 20, ""},
	} {
		if _, err := add(next(), a.who, a.due, a.note); err != nil {
			return "", err
		}
	}
	// The showcase community: one pending, one cancelled.
	if _, err := add(showcase, "卢佳", 9, "与街道办联合检查"); err != nil {
		return "", err
	}
	c, err := add(showcase, "张伟", 9, "")
	if err != nil {
		return "", err
	}
	if err := db.CancelAssignment(ctx, c.ID); err != nil {
		return "", err
	}
	return showcase, nil
}
