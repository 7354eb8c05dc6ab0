package exchange

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// readAll collects what rows yields, entity by entity in store.Entities
// order, as the merge asks for them.
func readAll(t *testing.T, rows func(string, func(store.Row) error) error) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, e := range store.Entities {
		err := rows(e, func(r store.Row) error {
			out[e] = append(out[e], r.ID()+" "+r.Version()+" "+fmt.Sprint(r.Values))
			return nil
		})
		if err != nil {
			t.Fatal(e, err)
		}
	}
	return out
}

// TestPrefetchYieldsWhatTheSourceYields: the merge gets the same rows in
// the same order, checked, whether they are read on its goroutine or
// ahead of it.
func TestPrefetchYieldsWhatTheSourceYields(t *testing.T) {
	ctx := context.Background()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	pkg := synthPackage(t, t.TempDir(), key, 30, 1) // 30 inspections: several batches of answers
	o, err := openPackage(pkg, nil, Limits{}.withDefaults(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer o.close()
	c, err := o.checkContents(ctx, Limits{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	want := readAll(t, checkedSource(ctx, nil, c))
	rows, stop := prefetch(checkedSource(ctx, nil, c))
	got := readAll(t, rows)
	stop()
	if len(want["answers"]) < 2*prefetchBatch {
		t.Fatalf("only %d answers: too few to need several batches", len(want["answers"]))
	}
	for _, e := range store.Entities {
		if !slices.Equal(got[e], want[e]) {
			t.Errorf("%s: prefetched %d rows, read directly %d, or in another order", e, len(got[e]), len(want[e]))
		}
	}
}

// fakeSource yields n rows of each entity and fails at row failAt of
// failIn (failAt < 0: never).
func fakeSource(n int, failIn string, failAt int) func(string, func(store.Row) error) error {
	return func(entity string, yield func(store.Row) error) error {
		for i := range n {
			if entity == failIn && i == failAt {
				return fmt.Errorf("%w：第 %d 行", ErrHostile, i)
			}
			if err := yield(store.Row{Entity: entity, Values: []any{fmt.Sprintf("%s-%04d", entity, i)}}); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestPrefetchStopsWhereTheSourceStops: the rows before a failing row
// reach the merge, then the error, and nothing after it.
func TestPrefetchStopsWhereTheSourceStops(t *testing.T) {
	const n, failAt = 700, 600
	rows, stop := prefetch(fakeSource(n, "answers", failAt))
	defer stop()
	var seen []string
	var gotErr error
	for _, e := range store.Entities {
		err := rows(e, func(r store.Row) error {
			seen = append(seen, r.ID())
			return nil
		})
		if err != nil {
			gotErr = err
			if e != "answers" {
				t.Fatalf("the error came with %s, not answers", e)
			}
			break
		}
	}
	if !errors.Is(gotErr, ErrHostile) {
		t.Fatalf("error %v, want the source's", gotErr)
	}
	if want := 3*n + failAt; len(seen) != want {
		t.Fatalf("the merge saw %d rows before the error, want %d", len(seen), want)
	}
	if last := seen[len(seen)-1]; last != fmt.Sprintf("answers-%04d", failAt-1) {
		t.Fatalf("last row before the error %s", last)
	}
}

// TestPrefetchStopsWhenTheMergeStops: a merge that gives up early (its
// yield fails) gets its own error back, and stop ends the reader.
func TestPrefetchStopsWhenTheMergeStops(t *testing.T) {
	rows, stop := prefetch(fakeSource(5000, "", -1))
	mergeErr := errors.New("merge failed")
	n := 0
	err := rows("communities", func(store.Row) error {
		if n++; n == 10 {
			return mergeErr
		}
		return nil
	})
	if !errors.Is(err, mergeErr) {
		t.Fatalf("error %v, want the merge's", err)
	}
	done := make(chan struct{})
	go func() { stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("stop did not end the reading goroutine")
	}
}
