package ui

import (
	"context"

	"fyne.io/fyne/v2"
)

// newest reloads a screen in the background and keeps only the newest
// answer: when a reload starts before an earlier one has finished, the
// earlier one's result is dropped.
type newest struct{ seq int }

// load runs read on a background goroutine; then, on the main goroutine
// and only if no later load has started meanwhile, show (read's error,
// if any, is shown to the person instead). read keeps what it reads in
// variables of the caller that show uses.
func (n *newest) load(u *App, read func(ctx context.Context) error, show func()) {
	n.loadOr(u, read, show, u.showError)
}

// drop drops the answer of a load still running (the screen now shows
// something else).
func (n *newest) drop() { n.seq++ }

// loadOr is load with fail, not a dialog, for read's error (a screen
// that shows it in a label of its own).
func (n *newest) loadOr(u *App, read func(ctx context.Context) error, show func(), fail func(error)) {
	n.seq++
	seq := n.seq
	u.async(func() {
		err := read(u.ctx)
		fyne.Do(func() {
			if seq != n.seq {
				return
			}
			if err != nil {
				fail(err)
				return
			}
			show()
		})
	})
}
