package store

import "sort"

// head is one known version of a record that nothing else known includes:
// the current row, the losing row of an open conflict, or an incoming row.
type head struct {
	row        Row
	clock      Clock // includes the row's own version
	conflictID string
	current    bool
}

func (h *head) version() string { return h.row.Version() }

// pin names the version that must win whatever its place in the order: a
// finalized inspection, or the answer a finalized inspection was signed
// with. absent (with set) means no row may exist.
type pin struct {
	set     bool
	version string
}

// outcome is the new state of one record: the winning row (nil: no row)
// and the losing heads, ordered by version.
type outcome struct {
	winner *head
	losers []head
}

// resolve computes the heads of a record after adding incoming (nil when
// only a pin changed) to the existing heads (the current row and open
// conflicts).
//
// The result depends only on the set of versions ever seen, not on the
// order they arrived in: a version included in another one (by version
// vector) is dropped, the remaining heads are the maximal elements, and
// the winner among them is the pinned one or else the highest version.
// sameContent (may be nil) drops a losing head whose content equals the
// winner's, for records whose versions differ only in bookkeeping.
func resolve(existing []head, incoming *head, p pin, sameContent func(a, b Row) bool) outcome {
	pool := make([]head, 0, len(existing)+1)
	seen := map[string]bool{}
	add := func(h head) {
		if !seen[h.version()] {
			seen[h.version()] = true
			pool = append(pool, h)
		}
	}
	for _, h := range existing {
		add(h)
	}
	if incoming != nil {
		add(*incoming)
	}

	var pinned *head
	if p.set && p.version != "" {
		for i := range pool {
			if pool[i].version() == p.version {
				h := pool[i]
				pinned = &h
			}
		}
	}
	rest := pool[:0:0]
	for _, h := range pool {
		if pinned != nil && (h.version() == pinned.version() || pinned.clock.Covers(h.clock)) {
			continue
		}
		rest = append(rest, h)
	}
	heads := maximal(rest)

	var out outcome
	switch {
	case p.set:
		out.winner, out.losers = pinned, heads
	case len(heads) > 0:
		w := 0
		for i := range heads {
			if heads[i].version() > heads[w].version() {
				w = i
			}
		}
		winner := heads[w]
		out.winner = &winner
		out.losers = append(heads[:w:w], heads[w+1:]...)
	}
	if out.winner != nil && sameContent != nil {
		kept := out.losers[:0:0]
		for _, l := range out.losers {
			if !sameContent(out.winner.row, l.row) {
				kept = append(kept, l)
			}
		}
		out.losers = kept
	}
	sort.Slice(out.losers, func(i, j int) bool { return out.losers[i].version() < out.losers[j].version() })
	return out
}

// maximal keeps the heads no other head includes. Of two heads that
// include each other (only a forged clock can do that) the higher version
// stays.
func maximal(pool []head) []head {
	var out []head
	for i, h := range pool {
		dominated := false
		for j, o := range pool {
			if i == j || !o.clock.Covers(h.clock) {
				continue
			}
			if !h.clock.Covers(o.clock) || o.version() > h.version() {
				dominated = true
				break
			}
		}
		if !dominated {
			out = append(out, h)
		}
	}
	return out
}
