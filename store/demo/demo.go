// Package demo fills a 家园巡检 data file with a city's worth of made-up but
// realistic data, for demonstrations, screenshots and benchmarks: the
// districts, streets and communities of a fictional Fujian city, the default
// 「美好家园」 template, and inspections in every state — finalized (some
// with a veto failure, some with failed items that became corrective
// actions), drafts in progress, amendments, and communities not yet
// inspected.
//
// Everything goes through the store's public API, so the data is exactly
// what the app would have written (audit log, versions, scores, actions)
// and store.DB.Verify passes. The content is deterministic: the same seed
// gives the same communities, answers and scores (ids, which are UUIDs,
// differ).
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// ErrNotEmpty: Populate refuses a data file that already holds communities,
// so that demo data never mixes with real records.
var ErrNotEmpty = errors.New("数据文件中已有数据，演示数据只能写入新建的或空的数据文件")

// DefaultCommunities is the size of the app's demo city.
const DefaultCommunities = 120

// DefaultNow is the demo's default "today": 2024-09-10, in the middle of
// the programme's inspection period (the work report is due on 9月23日).
var DefaultNow = time.Date(2024, 9, 10, 18, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Options tune Populate. The zero value makes the app's demo.
type Options struct {
	// Seed makes the content: the same seed gives the same data.
	Seed uint64
	// Communities is how many communities to make (default
	// DefaultCommunities).
	Communities int
	// Now is the demo's "today" (default DefaultNow). Inspections are
	// scheduled in the eight weeks before it, drafts in the last few days.
	Now time.Time
	// Clock, when the store was opened with Clock.Now as its clock, lets
	// Populate date the records by that schedule. Without it (or when the
	// file already holds a template, whose version the demo must not
	// predate) the records carry the store's own time.
	Clock *Clock
}

// Summary counts what Populate made.
type Summary struct {
	Communities int
	Uninspected int // communities with no inspection
	Finalized   int // finalized original inspections
	Vetoed      int // of which failed a veto item
	Drafts      int // inspections in progress
	Amendments  int // finalized corrections (更正) of earlier inspections
	Actions     int // corrective actions (整改) opened
	Photos      int // distinct photos stored
	Attachments int // photos attached to answers
}

// IsEmpty reports whether the data file holds no communities.
func IsEmpty(ctx context.Context, db *store.DB) (bool, error) {
	list, err := db.ListCommunities(ctx, store.CommunityFilter{Limit: 1})
	if err != nil {
		return false, err
	}
	return len(list) == 0, nil
}

// Populate installs the default template and fills the data file with the
// demo city. It refuses a file that already holds communities
// (ErrNotEmpty). Changes are recorded under the inspectors' names; the
// store's actor is restored afterwards.
func Populate(ctx context.Context, db *store.DB, opts Options) (Summary, error) {
	var sum Summary
	if opts.Communities < 0 {
		return sum, fmt.Errorf("%w：小区数量不能为负数（%d）", inspection.ErrInvalid, opts.Communities)
	}
	if opts.Communities == 0 {
		opts.Communities = DefaultCommunities
	}
	if opts.Now.IsZero() {
		opts.Now = DefaultNow
	}
	empty, err := IsEmpty(ctx, db)
	if err != nil {
		return sum, err
	}
	if !empty {
		return sum, fmt.Errorf("%w：%s", ErrNotEmpty, db.Path())
	}
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		return sum, err
	}
	clock := opts.Clock
	if clock != nil {
		stored, err := db.Templates(ctx)
		if err != nil {
			return sum, err
		}
		if len(stored) > 0 {
			clock = nil // the file has a history already: keep its time
		}
	}
	defer clock.release()
	prevActor := db.Actor()
	defer db.SetActor(prevActor)

	p := newPlanner(opts, tpl)
	clock.advance(p.start.Add(-24 * time.Hour))
	db.SetActor("市房管局管理员")
	if err := db.SaveTemplate(ctx, tpl); err != nil {
		return sum, fmt.Errorf("无法安装默认检查模板：%w", err)
	}

	// Communities first, as the office would import its list.
	ids := make([]string, len(p.communities))
	for i, c := range p.communities {
		saved, err := db.AddCommunity(ctx, c)
		if err != nil {
			return sum, err
		}
		ids[i] = saved.ID
	}
	sum.Communities = len(ids)

	// Then the visits, in the order they happened.
	r := &runner{db: db, tpl: tpl, clock: clock, now: opts.Now, ids: ids, photos: &photoSet{}, shas: map[string]bool{}, stored: map[int]string{},
		inspectionIDs: map[int]string{}}
	for _, ev := range p.events() {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if err := r.run(ctx, p, ev); err != nil {
			return sum, err
		}
	}
	for _, ip := range p.inspections {
		switch {
		case ip.finalize:
			sum.Finalized++
			if ip.veto {
				sum.Vetoed++
			}
		default:
			sum.Drafts++
		}
		if ip.amend != nil {
			sum.Amendments++
		}
	}
	sum.Uninspected = sum.Communities - len(p.inspections)
	actions, err := db.ListActions(ctx, store.ActionFilter{})
	if err != nil {
		return sum, err
	}
	sum.Actions = len(actions)
	sum.Photos, sum.Attachments = len(r.shas), r.attachments
	return sum, nil
}

// maxDelay is how late a visit may start when the one before it ran long.
const maxDelay = 3 * time.Hour

// runner carries out the planned visits through the store API.
type runner struct {
	db            *store.DB
	tpl           *inspection.Template
	clock         *Clock
	now           time.Time
	ids           []string       // community ids by plan index
	inspectionIDs map[int]string // inspection ids by plan index
	photos        *photoSet
	stored        map[int]string // picture index -> digest once stored
	shas          map[string]bool
	attachments   int
}

func (r *runner) run(ctx context.Context, p *planner, ev event) error {
	ip := p.inspections[ev.inspection]
	c := p.communities[ip.community]
	if ev.amend {
		return r.amend(ctx, r.inspectionIDs[ev.inspection], ip, c)
	}
	// The clock only goes forward: when the previous visit ran past this
	// one's start, this one starts late, unless that would push it far or
	// past "today" (a very large demo has many visits a day: they overlap).
	start := ip.start
	if late := r.clock.behind(start); late < maxDelay && !start.Add(late+ip.duration()).After(r.now) {
		start = start.Add(late)
	}
	r.clock.advance(start)
	r.db.SetActor(ip.inspectors[0])
	in, err := r.db.StartInspection(ctx, r.ids[ip.community], r.tpl.ID, r.tpl.Version, ip.inspectors)
	if err != nil {
		return fmt.Errorf("小区「%s」：%w", c.Name, err)
	}
	r.inspectionIDs[ev.inspection] = in.ID
	if err := r.answer(ctx, in.ID, start, ip.answers); err != nil {
		return fmt.Errorf("小区「%s」：%w", c.Name, err)
	}
	if !ip.finalize {
		return nil
	}
	r.clock.advance(start.Add(ip.duration()))
	if _, err := r.db.FinalizeInspection(ctx, in.ID, ip.signatures()); err != nil {
		return fmt.Errorf("小区「%s」：%w", c.Name, err)
	}
	return nil
}

func (r *runner) amend(ctx context.Context, originalID string, ip *inspectionPlan, c inspection.Community) error {
	a := ip.amend
	r.clock.advance(a.at)
	r.db.SetActor(ip.inspectors[0])
	in, err := r.db.AmendInspection(ctx, originalID, a.reason)
	if err != nil {
		return fmt.Errorf("小区「%s」的更正：%w", c.Name, err)
	}
	if err := r.answer(ctx, in.ID, a.at, a.changes); err != nil {
		return fmt.Errorf("小区「%s」的更正：%w", c.Name, err)
	}
	r.clock.advance(a.at.Add(time.Duration(len(a.changes)+10) * time.Minute))
	if _, err := r.db.FinalizeInspection(ctx, in.ID, ip.signatures()); err != nil {
		return fmt.Errorf("小区「%s」的更正：%w", c.Name, err)
	}
	return nil
}

// answer records the planned answers, one store call per answer and one
// per photo, as an inspector walking the checklist would.
func (r *runner) answer(ctx context.Context, inspectionID string, start time.Time, answers []answerPlan) error {
	for i, ap := range answers {
		r.clock.advance(start.Add(ap.offset))
		a := ap.answer
		a.InspectionID = inspectionID
		if _, err := r.db.SetAnswer(ctx, a); err != nil {
			return err
		}
		for j, ph := range ap.photos {
			r.clock.advance(start.Add(ap.offset + time.Duration(j+1)*15*time.Second))
			if err := r.attach(ctx, inspectionID, a.ItemCode, ph); err != nil {
				return fmt.Errorf("检查项 %s 的照片：%w", answers[i].answer.ItemCode, err)
			}
			r.attachments++
		}
	}
	return nil
}

// attach puts picture ph on an item: stored (decoded and resized) the
// first time, attached by digest afterwards.
func (r *runner) attach(ctx context.Context, inspectionID, itemCode string, ph int) error {
	ph %= photoCount
	if sha, ok := r.stored[ph]; ok {
		return r.db.AttachStoredPhoto(ctx, inspectionID, itemCode, sha)
	}
	data, err := r.photos.get(ph)
	if err != nil {
		return err
	}
	info, err := r.db.AttachPhoto(ctx, inspectionID, itemCode, data, false)
	if err != nil {
		return err
	}
	r.stored[ph] = info.SHA256
	r.shas[info.SHA256] = true
	return nil
}

// event is one visit: an inspection session or the amendment of one.
type event struct {
	at         time.Time
	inspection int // index into planner.inspections
	amend      bool
}

// events lists the visits in time order (ties in plan order).
func (p *planner) events() []event {
	var evs []event
	for i, ip := range p.inspections {
		evs = append(evs, event{at: ip.start, inspection: i})
		if ip.amend != nil {
			evs = append(evs, event{at: ip.amend.at, inspection: i, amend: true})
		}
	}
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].at.Before(evs[b].at) })
	return evs
}

// newRand is the demo's random source: PCG seeded from the seed alone.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x6a69617975616e)) // "jiayuan"
}
