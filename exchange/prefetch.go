package exchange

import (
	"errors"
	"fmt"
	"sync"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// prefetchBatch is how many rows the reader hands to the merge at a time;
// prefetchDepth how many batches it may be ahead. The merge writes new
// answers 2,000 at a time (store's insertRows) and takes no row while it
// does; the reader can then read a whole next chunk only when it may be
// that far ahead. With 4 batches (1,024 rows) the two took turns for half
// of each chunk instead of overlapping (the merge waited ~130 ms for rows
// per 1,000-inspection import); 16 batches are about 4 MB of rows.
const (
	prefetchBatch = 256
	prefetchDepth = 16
)

// rowBatch is what the reading goroutine sends: rows of one entity, the
// end of that entity (done), or the error that stopped it.
type rowBatch struct {
	entity string
	rows   []store.Row
	done   bool
	err    error
}

// prefetch reads and checks a package's rows on a goroutine of its own,
// entity after entity in store.Entities order (the order the merge asks
// for them), at most prefetchDepth batches ahead of the merge, so that on
// a machine with a second core reading and checking the package overlap
// writing the rows. The merge sees exactly what src yields, in the same
// order, and src's error where src stopped: each row is checked before
// the merge gets it, as without the goroutine. stop ends the goroutine
// (when the merge stopped early) and waits for it; it must be called
// before the package's database is closed.
func prefetch(src func(entity string, yield func(store.Row) error) error) (rows func(entity string, yield func(store.Row) error) error, stop func()) {
	ch := make(chan rowBatch, prefetchDepth)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	errStopped := errors.New("已停止读取")
	send := func(b rowBatch) error {
		select {
		case ch <- b:
			return nil
		case <-quit:
			return errStopped
		}
	}
	started := false
	start := func() {
		started = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(ch)
			for _, e := range store.Entities {
				batch := make([]store.Row, 0, prefetchBatch)
				err := src(e, func(r store.Row) error {
					batch = append(batch, r)
					if len(batch) < prefetchBatch {
						return nil
					}
					err := send(rowBatch{entity: e, rows: batch})
					batch = make([]store.Row, 0, prefetchBatch)
					return err
				})
				if errors.Is(err, errStopped) {
					return
				}
				// The rows read before an error reach the merge first, as
				// they would without the goroutine.
				if len(batch) > 0 && send(rowBatch{entity: e, rows: batch}) != nil {
					return
				}
				if err != nil {
					send(rowBatch{entity: e, err: err})
					return
				}
				if send(rowBatch{entity: e, done: true}) != nil {
					return
				}
			}
		}()
	}
	next := 0 // index in store.Entities of the entity the merge may ask for
	failed := error(nil)
	rows = func(entity string, yield func(store.Row) error) error {
		if failed != nil {
			return failed
		}
		for next < len(store.Entities) && store.Entities[next] != entity {
			next++ // an entity the merge does not ask for: its rows are skipped below
		}
		if next == len(store.Entities) {
			return fmt.Errorf("数据包行按意外的顺序读取（%s）", entity)
		}
		next++
		if !started {
			start()
		}
		for {
			b, ok := <-ch
			if !ok {
				failed = fmt.Errorf("数据包读取意外结束（%s）", entity)
				return failed
			}
			switch {
			case b.err != nil:
				failed = b.err
				return failed
			case b.entity != entity:
				continue // an entity skipped by the merge
			case b.done:
				return nil
			}
			for _, r := range b.rows {
				if err := yield(r); err != nil {
					return err
				}
			}
		}
	}
	stop = func() {
		close(quit)
		wg.Wait()
	}
	return rows, stop
}
