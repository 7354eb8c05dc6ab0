package demo

// The city-scale generator (jiayuanctl gen): a whole city's records for
// benchmarks — at scale 1, 12 districts, 5,000 communities, about 20,000
// inspections over two years (most passing, a few veto failures, drafts in
// progress, amendments), 100,000 small photos and the corrective actions
// the store would have opened and re-checked — written through
// store.LoadBulk, one transaction per batch of communities, instead of one
// store call per answer as Populate does (which would take hours).
//
// Deterministic from the seed: ids, versions, names, answers and photo
// bytes. Each community's history is drawn from its own random source, so
// a district's or an inspector's share of the city (GenOptions.District,
// .Inspector) is generated alone with exactly the same records (the
// inspector's corrective actions as the inspector's device knows them),
// which is what the merge benchmarks import.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jiayuan-inspect/jiayuan/assets"
	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// GenOptions tune Generate.
type GenOptions struct {
	Seed  uint64
	Scale float64 // 1 is a city of 5,000 communities (default 1)
	// Now is "today" (default DefaultNow); the history covers the two
	// years before it.
	Now time.Time
	// District, when set, generates only that district's communities and
	// their records: what the district office's file holds.
	District string
	// Inspector, when set, generates only the inspections that inspector
	// led, their communities, and the corrective actions as that
	// inspector's device knows them.
	Inspector string
	// Workers draw photos in parallel (default GOMAXPROCS).
	Workers int
	// Progress, when set, is called after each batch with the communities
	// done and in all.
	Progress func(done, total int)
}

// GenSummary counts what Generate wrote and how long it took.
type GenSummary struct {
	Districts   int
	Inspectors  int
	Communities int
	Inspections int // all, amendments included
	Finalized   int
	Drafts      int
	Amendments  int
	Vetoed      int
	Answers     int
	Actions     int
	Photos      int
	Attachments int
	Rows        int // rows written (each with one audit entry)
	Elapsed     time.Duration
	PhotoCPU    time.Duration // drawing and encoding photos, summed over workers
	LoadTime    time.Duration // in store.LoadBulk
}

// ErrGenFilter: the district or inspector asked for is not in the city.
var ErrGenFilter = errors.New("生成的城市中没有该县（市）区或检查员")

// GenTeams returns each district's inspectors at a scale and seed.
func GenTeams(seed uint64, scale float64) (map[string][]string, error) {
	tpl, err := inspection.ParseTemplate(assets.DefaultTemplateJSON)
	if err != nil {
		return nil, err
	}
	p, err := newGenPlan(seed, normScale(scale), DefaultNow, tpl)
	if err != nil {
		return nil, err
	}
	return p.teams, nil
}

func normScale(s float64) float64 {
	if s <= 0 {
		return 1
	}
	return s
}

// genBatch is how many communities go in one transaction.
const genBatch = 50

// Generate writes the generated city (or a district's or an inspector's
// share of it) into an empty data file.
func Generate(ctx context.Context, db *store.DB, opts GenOptions) (GenSummary, error) {
	t0 := time.Now()
	var sum GenSummary
	if opts.Scale < 0 || math.IsNaN(opts.Scale) || math.IsInf(opts.Scale, 0) {
		return sum, fmt.Errorf("%w：规模必须为正数（%v）", inspection.ErrInvalid, opts.Scale)
	}
	opts.Scale = normScale(opts.Scale)
	if opts.Now.IsZero() {
		opts.Now = DefaultNow
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
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
	p, err := newGenPlan(opts.Seed, opts.Scale, opts.Now, tpl)
	if err != nil {
		return sum, err
	}
	if err := p.checkFilter(opts); err != nil {
		return sum, err
	}
	for _, t := range p.teams {
		sum.Inspectors += len(t)
	}
	sum.Districts = len(genDistricts)
	if opts.District != "" || opts.Inspector != "" {
		sum.Districts = 1
	}

	// A producer draws batches (photos on the workers) while the store
	// writes the previous one.
	type batch struct {
		b     store.BulkBatch
		stats GenSummary
		done  int
		err   error
	}
	out := make(chan batch, 2)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var photoCPU atomic.Int64
	go func() {
		defer close(out)
		first := true
		for start := 0; start < len(p.communities); start += genBatch {
			var bt batch
			var specs []genPhotoID
			if first {
				bt.b.Rows = append(bt.b.Rows, p.tplRow)
				first = false
			}
			var hs []*genHistory
			for _, gc := range p.communities[start:min(start+genBatch, len(p.communities))] {
				if opts.District != "" && gc.c.District != opts.District {
					continue
				}
				if h := p.history(gc, opts.Inspector, &specs); h != nil {
					hs = append(hs, h)
				}
			}
			bt.done = min(start+genBatch, len(p.communities))
			bt.b.Photos, bt.err = drawPhotos(ctx, opts.Seed, specs, opts.Workers, &photoCPU)
			shas := make(map[genPhotoID]string, len(specs))
			for i, id := range specs {
				shas[id] = bt.b.Photos[i].SHA256
			}
			for _, h := range hs {
				if bt.err == nil {
					bt.err = p.emit(h, shas, &bt.b, &bt.stats)
				}
			}
			select {
			case out <- bt:
			case <-ctx.Done():
				return
			}
			if bt.err != nil {
				return
			}
		}
	}()
	var load time.Duration
	for bt := range out {
		if bt.err != nil {
			return sum, bt.err
		}
		t := time.Now()
		c, err := db.LoadBulk(ctx, bt.b)
		load += time.Since(t)
		if err != nil {
			return sum, err
		}
		sum.add(bt.stats)
		sum.Rows += c.Rows
		sum.Photos += c.Photos
		if opts.Progress != nil {
			opts.Progress(bt.done, len(p.communities))
		}
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	sum.Elapsed, sum.LoadTime, sum.PhotoCPU = time.Since(t0), load, time.Duration(photoCPU.Load())
	return sum, nil
}

func (s *GenSummary) add(o GenSummary) {
	s.Communities += o.Communities
	s.Inspections += o.Inspections
	s.Finalized += o.Finalized
	s.Drafts += o.Drafts
	s.Amendments += o.Amendments
	s.Vetoed += o.Vetoed
	s.Answers += o.Answers
	s.Actions += o.Actions
	s.Attachments += o.Attachments
}

func (p *genPlan) checkFilter(opts GenOptions) error {
	if opts.District != "" {
		if _, ok := p.teams[opts.District]; !ok {
			return fmt.Errorf("%w：%s", ErrGenFilter, opts.District)
		}
	}
	if opts.Inspector != "" {
		for _, team := range p.teams {
			for _, n := range team {
				if n == opts.Inspector {
					return nil
				}
			}
		}
		return fmt.Errorf("%w：%s", ErrGenFilter, opts.Inspector)
	}
	return nil
}

// drawPhotos draws the batch's photos on workers; the order is the specs'.
func drawPhotos(ctx context.Context, seed uint64, specs []genPhotoID, workers int, cpu *atomic.Int64) ([]store.Photo, error) {
	photos := make([]store.Photo, len(specs))
	errs := make([]error, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			t := time.Now()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(specs) || ctx.Err() != nil {
					break
				}
				if photos[i], errs[w] = genPhoto(seed, specs[i]); errs[w] != nil {
					break
				}
			}
			cpu.Add(int64(time.Since(t)))
		}(w)
	}
	wg.Wait()
	return photos, errors.Join(errs...)
}

// A visit (inspection) of a community's history.
type genVisit struct {
	id         string
	ip         *inspectionPlan
	at         time.Time // started
	finalAt    time.Time // finalized (zero for a draft)
	amendOf    *genVisit // the original, for an amendment
	reason     string
	community  string
	answers    map[string]inspection.Answer
	answerAt   map[string]time.Time
	photoRefs  map[string][]genPhotoID // item code -> photos, digests filled in once drawn
	photos     []genPhotoID
	device     string
	veto       bool
	lead       string
	inspectors []string
}

// genHistory is one community's visits that the filter keeps.
type genHistory struct {
	gc     genCommunity
	visits []*genVisit
}

// history draws one community's visits; it returns nil when the filter
// keeps none of them, and adds the photos they took to specs.
func (p *genPlan) history(gc genCommunity, inspector string, specs *[]genPhotoID) *genHistory {
	r := newRand(p.seed ^ (uint64(gc.index)+1)*0x9e3779b97f4a7c15)
	pl := &planner{r: r, tpl: p.tpl, now: p.now}
	c := gc.c
	team := p.teams[c.District]
	var visits []*genVisit
	photoN := 0
	newVisit := func(at time.Time) *genVisit {
		first := r.IntN(len(team))
		v := &genVisit{id: genUUID(r, at), at: at, lead: team[first], inspectors: []string{team[first]}, community: c.ID}
		if len(team) > 1 && chance(r, 0.6) {
			v.inspectors = append(v.inspectors, team[(first+1)%len(team)])
		}
		v.device = genDevice(p.seed, v.lead)
		return v
	}
	// 88 % of the communities were inspected, two to seven times over the
	// two years; a community's latest visit is sometimes still a draft.
	if gc.index == 0 || chance(r, 0.88) {
		k := 2 + r.IntN(6)
		var starts []time.Time
		for i := 0; i < k; i++ {
			starts = append(starts, pl.workTime(p.start, genPeriodDays-8))
		}
		sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
		draftLast := gc.index != 0 && chance(r, 0.10)
		for i, at := range starts {
			v := newVisit(at)
			ip := &inspectionPlan{inspectors: v.inspectors, representative: pick(r, representativeNames), start: at}
			n := 3 + r.IntN(5) // photos taken on the visit, each serving several items
			for j := 0; j < n; j++ {
				v.photos = append(v.photos, genPhotoID{gc.index, photoN})
				photoN++
			}
			if draftLast && i == len(starts)-1 {
				ip.start = pl.workTime(dayStart(p.now).AddDate(0, 0, -6), 7)
				v.at = ip.start
				ip.answers = pl.draftAnswers(c)
			} else {
				ip.finalize = true
				v.veto = gc.index != 0 && chance(r, 0.06)
				kind := noVeto
				if v.veto {
					kind = anyVeto
				}
				ip.answers = pl.answers(c, kind, gc.index != 0)
				v.finalAt = at.Add(ip.duration())
			}
			v.ip = ip
			v.answers, v.answerAt, v.photoRefs = map[string]inspection.Answer{}, map[string]time.Time{}, map[string][]genPhotoID{}
			for j, ap := range ip.answers {
				a := ap.answer
				a.InspectionID = v.id
				a.Photos = nil
				for q := range ap.photos {
					v.photoRefs[a.ItemCode] = append(v.photoRefs[a.ItemCode], v.photos[(j+q)%len(v.photos)])
				}
				v.answers[a.ItemCode] = a
				v.answerAt[a.ItemCode] = v.at.Add(ap.offset)
			}
			visits = append(visits, v)
			// Now and then a finalized record is corrected a few days later.
			if ip.finalize && chance(r, 0.03) {
				am := pl.amendment(ip)
				a := newVisit(am.at)
				a.lead, a.inspectors, a.device = v.lead, v.inspectors, v.device
				a.amendOf, a.reason, a.ip = v, am.reason, ip
				a.answers, a.answerAt, a.photoRefs = map[string]inspection.Answer{}, map[string]time.Time{}, v.photoRefs
				for code, ans := range v.answers {
					ans.InspectionID = a.id
					a.answers[code], a.answerAt[code] = ans, am.at
				}
				for _, ch := range am.changes {
					ans := ch.answer
					ans.InspectionID = a.id
					a.answers[ans.ItemCode], a.answerAt[ans.ItemCode] = ans, am.at.Add(ch.offset)
				}
				a.finalAt = am.at.Add(time.Duration(len(am.changes)+10) * time.Minute)
				visits = append(visits, a)
			}
		}
	}
	if inspector != "" {
		kept := visits[:0]
		for _, v := range visits {
			if v.lead == inspector {
				kept = append(kept, v)
			}
		}
		visits = kept
		if len(visits) == 0 {
			return nil
		}
	}
	sort.SliceStable(visits, func(i, j int) bool { return visits[i].at.Before(visits[j].at) })
	for _, v := range visits {
		if v.amendOf == nil {
			*specs = append(*specs, v.photos...)
		}
	}
	return &genHistory{gc: gc, visits: visits}
}

// emit appends a community's rows: the community, its inspections and
// answers (photos by digest), and its corrective actions.
func (p *genPlan) emit(h *genHistory, shas map[genPhotoID]string, b *store.BulkBatch, st *GenSummary) error {
	c, visits := h.gc.c, h.visits
	b.Rows = append(b.Rows, h.gc.row)
	st.Communities++
	acts := &genActions{p: p, c: c, byID: map[string]*genAction{}}
	events := make([]*genVisit, 0, len(visits))
	for _, v := range visits {
		for code, refs := range v.photoRefs {
			a := v.answers[code]
			a.Photos = nil
			for _, id := range refs {
				a.Photos = append(a.Photos, shas[id])
			}
			v.answers[code] = a
		}
		if err := p.visitRows(v, b, st); err != nil {
			return fmt.Errorf("小区「%s」：%w", c.Name, err)
		}
		if !v.finalAt.IsZero() {
			events = append(events, v)
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].finalAt.Before(events[j].finalAt) })
	for _, v := range events {
		acts.finalize(v)
	}
	actions := acts.rows()
	b.Rows = append(b.Rows, actions...)
	st.Actions += len(actions)
	return nil
}

// visitRows appends an inspection's row and its answers' rows.
func (p *genPlan) visitRows(v *genVisit, b *store.BulkBatch, st *GenSummary) error {
	tpl := p.tpl
	codes := make([]string, 0, len(v.answers))
	for code, a := range v.answers {
		it, ok := tpl.Item(code)
		if !ok {
			return fmt.Errorf("模板中没有检查项 %s", code)
		}
		if a.Choices == nil {
			a.Choices = []string{}
		}
		if a.Photos == nil {
			a.Photos = []string{}
		}
		v.answers[code] = a
		if err := inspection.ValidateAnswer(it, a); err != nil {
			return err
		}
		codes = append(codes, code)
	}
	sort.Strings(codes)
	in := inspection.Inspection{ID: v.id, CommunityID: v.community, TemplateID: tpl.ID, TemplateVersion: tpl.Version,
		Inspectors: v.inspectors, StartedAt: v.at.Truncate(time.Millisecond), Status: inspection.Draft, Signatures: []inspection.Signature{}}
	if v.amendOf != nil {
		in.AmendsID, in.AmendReason = v.amendOf.id, v.reason
	}
	created := genVersion(v.at, 0, v.device)
	version, base, updated := created, "", v.at
	var finalized any
	digest := ""
	if !v.finalAt.IsZero() {
		at := v.finalAt.Truncate(time.Millisecond)
		sigs := v.ip.signatures()
		for i := range sigs {
			sigs[i].SignedAt = at
		}
		if err := inspection.CheckFinalizable(tpl, v.answers, sigs); err != nil {
			return err
		}
		in.Status, in.FinalizedAt, in.Signatures = inspection.Finalized, &at, sigs
		digest = inspection.ContentDigest(in, v.answers)
		version, base, updated = genVersion(at, 0, v.device), created, at
		finalized = formatTime(at)
		st.Finalized++
		if v.amendOf != nil {
			st.Amendments++
		}
		if len(inspection.Score(tpl, v.answers).Vetoes) > 0 {
			st.Vetoed++
		}
	} else {
		st.Drafts++
	}
	st.Inspections++
	var amends any
	if in.AmendsID != "" {
		amends = in.AmendsID
	}
	b.Rows = append(b.Rows, store.Row{Entity: "inspections", Values: []any{in.ID, in.CommunityID, in.TemplateID, int64(in.TemplateVersion),
		jsonString(in.Inspectors), formatTime(in.StartedAt), string(in.Status), finalized, jsonString(in.Signatures), amends, in.AmendReason,
		digest, version, base, v.device, v.lead, formatTime(updated)}})
	for _, code := range codes {
		a := v.answers[code]
		var value any
		if a.Value != nil {
			value = *a.Value
		}
		at := v.answerAt[code]
		b.Rows = append(b.Rows, store.Row{Entity: "answers", Values: []any{store.AnswerID(v.id, code), v.id, code, string(a.Result), value,
			jsonString(a.Choices), a.Text, a.Note, jsonString(a.Photos), genVersion(at, 0, v.device), "", v.device, v.lead, formatTime(at)}})
		st.Answers++
		st.Attachments += len(a.Photos)
	}
	return nil
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Corrective actions, opened and re-checked as store.FinalizeInspection
// does, replayed over a community's finalized visits in order.
type genActions struct {
	p     *genPlan
	c     inspection.Community
	byID  map[string]*genAction
	order []string
}

type genAction struct {
	a       inspection.CorrectiveAction
	version string
	base    string
	device  string
	actor   string
	at      time.Time
	clock   store.Clock
}

var genActionNamespace = uuid.MustParse("0d4c1a6e-27f5-4a4b-9c61-3e1f2b7a9d55")

func (g *genActions) touch(act *genAction, v *genVisit, at time.Time) {
	ver := genVersion(at, 1, v.device)
	if act.version != "" {
		act.base = act.version
	}
	act.version, act.device, act.actor, act.at = ver, v.device, v.lead, at
	if act.clock == nil {
		act.clock = store.Clock{}
	}
	act.clock = act.clock.With(ver)
}

func (g *genActions) finalize(v *genVisit) {
	tpl := g.p.tpl
	card := inspection.Score(tpl, v.answers)
	problems := map[string]string{}
	for _, code := range card.Failed {
		it, _ := tpl.Item(code)
		problems[code] = it.Text
		if n := v.answers[code].Note; n != "" {
			problems[code] += "：" + n
		}
	}
	open := func(pred func(a *genAction) bool) []*genAction {
		var out []*genAction
		for _, id := range g.order {
			a := g.byID[id]
			if a.a.Status != inspection.ActionDone && a.a.Status != inspection.ActionCancelled && pred(a) {
				out = append(out, a)
			}
		}
		return out
	}
	at := v.finalAt.Truncate(time.Millisecond)
	if v.amendOf != nil {
		for _, a := range open(func(a *genAction) bool { return a.a.InspectionID == v.amendOf.id }) {
			if problem, still := problems[a.a.ItemCode]; still {
				delete(problems, a.a.ItemCode)
				a.a.InspectionID, a.a.Problem = v.id, problem
			} else {
				a.a.Status, a.a.Note = inspection.ActionCancelled, "更正记录 "+v.id+" 中该项不再判定为不符合"
			}
			g.touch(a, v, at)
		}
	}
	for _, code := range card.Failed {
		problem, ok := problems[code]
		if !ok {
			continue
		}
		id := uuid.NewSHA1(genActionNamespace, []byte(v.id+"\x00"+code)).String()
		a := &genAction{a: inspection.CorrectiveAction{ID: id, InspectionID: v.id, CommunityID: g.c.ID, ItemCode: code, Problem: problem,
			Responsible: g.c.PropertyCompany, DueDate: at.AddDate(0, 0, store.ActionDueDays), Status: inspection.ActionOpen}}
		g.touch(a, v, at)
		g.byID[id] = a
		g.order = append(g.order, id)
	}
	if v.amendOf != nil {
		return
	}
	for _, a := range open(func(a *genAction) bool { return a.a.InspectionID != v.id }) {
		it, ok := tpl.Item(a.a.ItemCode)
		if !ok {
			continue
		}
		res := inspection.Evaluate(it, v.answers[a.a.ItemCode])
		if res != inspection.Pass && res != inspection.Fail {
			continue
		}
		a.a.Status = inspection.ActionInProgress
		if res == inspection.Pass {
			a.a.Status = inspection.ActionDone
		}
		a.a.RecheckInspectionID, a.a.RecheckResult = v.id, res
		g.touch(a, v, at)
	}
}

func (g *genActions) rows() []store.Row {
	out := make([]store.Row, 0, len(g.order))
	for _, id := range g.order {
		ga := g.byID[id]
		a := ga.a
		clock := ga.clock
		if len(clock) <= 1 {
			clock = nil
		}
		out = append(out, store.Row{Entity: "corrective_actions", Clock: clock, Values: []any{a.ID, a.InspectionID, a.CommunityID, a.ItemCode,
			a.Problem, a.Responsible, a.DueDate.Format("2006-01-02"), string(a.Status), a.RecheckInspectionID, string(a.RecheckResult), a.Note,
			ga.version, ga.base, ga.device, ga.actor, formatTime(ga.at)}})
	}
	return out
}
