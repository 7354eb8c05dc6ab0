package store

import (
	"errors"
	"slices"
	"testing"
)

// TestReadAhead: values come in order; produce's error comes after the
// values it sent; consume's error stops produce (its send says false)
// and wins; readAhead returns only once produce has.
func TestReadAhead(t *testing.T) {
	batches := [][]int{{1, 2, 3}, {4}, {5, 6}}
	var got []int
	errProduce := errors.New("produce")
	err := readAhead(1, func(send func([]int) bool) error {
		for _, b := range batches {
			if !send(b) {
				t.Error("send said stop to a consumer that never failed")
			}
		}
		return errProduce
	}, func(v int) error { got = append(got, v); return nil })
	if !errors.Is(err, errProduce) || !slices.Equal(got, []int{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("got %v, %v", got, err)
	}

	errConsume := errors.New("consume")
	stopped, returned := false, false
	got = nil
	err = readAhead(1, func(send func([]int) bool) error {
		defer func() { returned = true }()
		for i := 0; ; i++ {
			if !send([]int{i}) {
				stopped = true
				return errProduce
			}
		}
	}, func(v int) error {
		got = append(got, v)
		if v == 2 {
			return errConsume
		}
		return nil
	})
	if !errors.Is(err, errConsume) || !stopped || !returned || !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("got %v, %v; producer stopped %v, returned %v", got, err, stopped, returned)
	}
}
