package exchange

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jiayuan-inspect/jiayuan/inspection"
	"github.com/jiayuan-inspect/jiayuan/store"
)

// The order-independence property: three devices edit at random,
// including concurrent edits of the same communities, drafts, corrective
// actions and conflict resolutions, and swap packages now and then. Then
// fresh installations import the devices' final packages, plus an early
// one, in every order: all end with the same records and the same open
// conflicts.

func seeds() []uint64 {
	if s := os.Getenv("JIAYUAN_ORDER_SEEDS"); s != "" {
		var out []uint64
		for _, f := range strings.Split(s, ",") {
			n, _ := strconv.ParseUint(f, 10, 64)
			out = append(out, n)
		}
		return out
	}
	return []uint64{1, 2, 3}
}

func TestImportOrderIndependent(t *testing.T) {
	for _, seed := range seeds() {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { orderIndependence(t, seed) })
	}
}

func orderIndependence(t *testing.T, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 99))
	devs := []*device{newDevice(t, "A"), newDevice(t, "B"), newDevice(t, "C")}
	trustAll(t, devs...)
	w := &world{t: t, rng: rng, devs: devs, photo: testJPEG(t, 40, 30, uint8(seed))}
	for i := 0; i < 4; i++ {
		devs[0].community(fmt.Sprintf("共享小区%d", i), "鼓楼区")
	}
	shared := devs[0].export(ExportOptions{})
	devs[1].importOK(shared)
	devs[2].importOK(shared)

	var early string
	for round := 0; round < 6; round++ {
		for _, d := range devs {
			for k := 0; k < 6; k++ {
				w.randomEdit(d)
			}
			w.liaisonEdit(d)
		}
		from, to := devs[rng.IntN(3)], devs[rng.IntN(3)]
		if from != to {
			to.importOK(from.export(ExportOptions{}))
		}
		if round == 2 {
			early = devs[rng.IntN(3)].export(ExportOptions{})
		}
	}
	pkgs := []string{early}
	for _, d := range devs {
		pkgs = append(pkgs, d.export(ExportOptions{}))
	}

	var want, wantConflicts string
	var wantDump []string
	n := 0
	// One observer installation, copied so that every order starts from
	// the same file (same device key, same local template version).
	base := newDevice(t, "observer")
	trustAll(t, append([]*device{base}, devs...)...)
	base.db.Close()
	for _, order := range permutations(len(pkgs)) {
		obs := base.copyTo(fmt.Sprintf("observer%d", n))
		n++
		for _, i := range order {
			obs.importOK(pkgs[i])
		}
		obs.verify()
		got, gotConflicts := obs.digest(), openConflicts(t, obs.db)
		if want == "" {
			want, wantConflicts, wantDump = got, gotConflicts, dumpRecords(t, obs)
			t.Logf("seed %d: %d edits applied; open conflicts after all imports by table: %v", seed, w.applied, conflictTables(gotConflicts))
			if strings.Count(gotConflicts, "\n") == 0 {
				t.Errorf("the scenario made no conflicts: the test proves little")
			}
			continue
		}
		if got != want {
			t.Fatalf("order %v: records differ from order %v:\n%s", order, permutations(len(pkgs))[0], diffLines(wantDump, dumpRecords(t, obs)))
		}
		if gotConflicts != wantConflicts {
			t.Fatalf("order %v: open conflicts differ:\n%s\nwant:\n%s", order, gotConflicts, wantConflicts)
		}
	}
	_ = ctx
}

func openConflicts(t testing.TB, db *store.DB) string {
	t.Helper()
	cs, err := db.Conflicts(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range cs {
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s\n", c.ID, c.Entity, c.EntityID, c.Version, c.Row))
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}

func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// world drives random edits.
type world struct {
	t       *testing.T
	rng     *rand.Rand
	devs    []*device
	photo   []byte
	applied int
	created map[string]*device // inspection id → the device that started it
}

func (w *world) pick(n int) int { return w.rng.IntN(n) }

// liaisonEdit saves or deletes one of three people of the liaison list,
// so deletions (tombstones) race edits and re-creations.
func (w *world) liaisonEdit(d *device) {
	ctx := context.Background()
	name := []string{"王五", "赵六", "周七"}[w.pick(3)]
	l := store.Liaison{District: "鼓楼区", Unit: "鼓楼区住建局", Name: name, Mobile: fmt.Sprintf("138%08d", w.pick(1000))}
	var err error
	if w.pick(3) == 0 {
		if err = d.db.DeleteLiaison(ctx, store.LiaisonID(l.Unit, l.Name)); errors.Is(err, inspection.ErrNotFound) {
			err = nil // not on this device's list (yet, or any more)
		}
	} else {
		_, _, err = d.db.SaveLiaisons(ctx, []store.Liaison{l})
	}
	if err != nil {
		w.t.Fatalf("%s: liaison edit: %v", d.name, err)
	}
	w.applied++
}

func (w *world) randomEdit(d *device) {
	ctx := context.Background()
	if w.created == nil {
		w.created = map[string]*device{}
	}
	var err error
	switch r := w.pick(100); {
	case r < 8:
		_, err = d.db.AddCommunity(ctx, inspection.Community{Name: fmt.Sprintf("%s新小区%d", d.name, w.pick(1000)), District: "台江区"})
	case r < 30:
		cs, _ := d.db.ListCommunities(ctx, store.CommunityFilter{})
		if len(cs) > 0 {
			c := cs[w.pick(len(cs))]
			c.PropertyCompany = fmt.Sprintf("%s改的物业%d", d.name, w.pick(1000))
			c.Households = w.pick(3000)
			_, err = d.db.UpdateCommunity(ctx, c)
		}
	case r < 40:
		cs, _ := d.db.ListCommunities(ctx, store.CommunityFilter{})
		if len(cs) > 0 {
			in := d.start(cs[w.pick(len(cs))].ID)
			w.created[in.ID] = d
		}
	case r < 72:
		drafts, _ := d.db.ListInspections(ctx, store.InspectionFilter{Status: inspection.Draft})
		if len(drafts) > 0 {
			in := drafts[w.pick(len(drafts))]
			items := defaultTemplate(w.t).Items()
			it := items[w.pick(len(items))]
			_, err = d.db.SetNote(ctx, in.ID, it.Code, fmt.Sprintf("%s的备注%d", d.name, w.pick(1000)))
		}
	case r < 80:
		drafts, _ := d.db.ListInspections(ctx, store.InspectionFilter{Status: inspection.Draft})
		for _, in := range drafts {
			if w.created[in.ID] == d {
				d.answerAll(in.ID, 90+float64(w.pick(10)), w.photo)
				_, err = d.db.FinalizeInspection(ctx, in.ID, []inspection.Signature{{Name: d.name + "检查员"}})
				break
			}
		}
	case r < 90:
		acts, _ := d.db.ListActions(ctx, store.ActionFilter{})
		if len(acts) > 0 {
			a := acts[w.pick(len(acts))]
			a.Note = fmt.Sprintf("%s跟进%d", d.name, w.pick(1000))
			a.Status = []inspection.ActionStatus{inspection.ActionOpen, inspection.ActionInProgress, inspection.ActionDone}[w.pick(3)]
			_, err = d.db.UpdateAction(ctx, a)
		}
	case r < 96:
		cs, _ := d.db.Conflicts(ctx, true)
		if len(cs) > 0 {
			err = d.db.ResolveConflict(ctx, cs[w.pick(len(cs))].ID, []store.Keep{store.KeepCurrent, store.KeepOther}[w.pick(2)])
		}
	default:
		fin, _ := d.db.ListInspections(ctx, store.InspectionFilter{Status: inspection.Finalized})
		if len(fin) > 0 {
			var am inspection.Inspection
			am, err = d.db.AmendInspection(ctx, fin[w.pick(len(fin))].ID, "更正测试")
			if err == nil {
				w.created[am.ID] = d
			}
		}
	}
	if err == nil {
		w.applied++
	}
}

// dumpRecords lists every travelling row, for a readable diff when digests differ.
func dumpRecords(t testing.TB, d *device) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+d.path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	for _, e := range store.Entities {
		rows, err := db.Query(`SELECT ` + strings.Join(columnNames(e), ", ") + `, COALESCE((SELECT clock FROM row_clocks WHERE entity = '` + e + `' AND entity_id = id), '') FROM ` + e + ` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			n := len(columnNames(e)) + 1
			vals := make([]any, n)
			ptrs := make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			out = append(out, fmt.Sprintf("%s %v", e, vals))
		}
		rows.Close()
	}
	return out
}

func diffLines(a, b []string) string {
	in := map[string]int{}
	for _, s := range a {
		in[s]++
	}
	for _, s := range b {
		in[s]--
	}
	var out []string
	for s, n := range in {
		if n > 0 {
			out = append(out, "- "+s)
		} else if n < 0 {
			out = append(out, "+ "+s)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func conflictTables(lines string) map[string]int {
	out := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
		if f := strings.Fields(l); len(f) > 1 {
			out[f[1]]++
		}
	}
	return out
}
