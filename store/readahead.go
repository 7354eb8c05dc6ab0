package store

// readAhead calls produce on a goroutine of its own and consume, on the
// caller's goroutine, with every value of the batches produce sends, in
// order, at most depth batches behind: reading (produce, in a read
// transaction) overlaps whatever consume does with the rows (writing a
// workbook). send reports false once consume has failed; produce should
// then return. readAhead returns consume's first error, else produce's,
// and only after produce has returned, so produce may use a transaction
// the caller ends afterwards.
func readAhead[T any](depth int, produce func(send func([]T) bool) error, consume func(T) error) error {
	next := make(chan []T, depth)
	done := make(chan struct{})
	produced := make(chan error, 1)
	go func() {
		defer close(next)
		produced <- produce(func(b []T) bool {
			select {
			case next <- b:
				return true
			case <-done:
				return false
			}
		})
	}()
	var err error
batches:
	for b := range next {
		for _, v := range b {
			if err = consume(v); err != nil {
				break batches
			}
		}
	}
	close(done)
	if perr := <-produced; err == nil {
		err = perr
	}
	return err
}
