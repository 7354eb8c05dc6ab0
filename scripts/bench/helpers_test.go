package bench_test

import (
	"context"
	"database/sql"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jiayuan-inspect/jiayuan/store"
)

// need returns an environment variable or skips the benchmark.
func need(b *testing.B, key string) string {
	b.Helper()
	v := os.Getenv(key)
	if v == "" {
		b.Skipf("%s is not set (scripts/bench.sh sets it)", key)
	}
	return v
}

// openCity opens the generated city read-write (the store has no
// read-only mode; the benchmarks only read).
func openCity(b *testing.B) *store.DB {
	b.Helper()
	db, err := store.Open(context.Background(), need(b, "JIAYUAN_BENCH_DB"), store.Options{Actor: "性能测试"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// rawDB opens a file with database/sql and the given pragmas.
func rawDB(b *testing.B, path string, pragmas ...string) *sql.DB {
	b.Helper()
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode()+"&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	b.Cleanup(func() { db.Close() })
	return db
}

// heapPeak samples the Go heap in use until stopped.
type heapPeak struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func startHeapPeak() *heapPeak {
	runtime.GC()
	h := &heapPeak{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		var m runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > h.peak.Load() {
				h.peak.Store(m.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) mb() float64 {
	close(h.stop)
	<-h.done
	return float64(h.peak.Load()) / (1 << 20)
}

// measure runs op once per benchmark iteration and reports the median
// and 99th percentile durations, and the peak heap; per divides each
// duration (a batch of 500 records reports per record).
// It also reports the median CPU time of the process per operation
// (cpu-ms/op: user + system, every goroutine), which the load of a
// shared machine disturbs less than the wall time.
func measure(b *testing.B, per int, op func(i int)) {
	b.Helper()
	var cpu []time.Duration
	measureTimed(b, per, func(i int) time.Duration {
		c := cpuTime()
		t := time.Now()
		op(i)
		d := time.Since(t)
		cpu = append(cpu, (cpuTime()-c)/time.Duration(max(per, 1)))
		return d
	})
	slices.Sort(cpu)
	b.ReportMetric(float64(cpu[(len(cpu)-1)/2].Microseconds())/1000, "cpu-ms/op")
}

// measureAfter is measure with setup run, untimed, before each operation.
func measureAfter(b *testing.B, setup func(), op func(i int)) {
	b.Helper()
	var cpu []time.Duration
	measureTimed(b, 1, func(i int) time.Duration {
		setup()
		c := cpuTime()
		t := time.Now()
		op(i)
		d := time.Since(t)
		cpu = append(cpu, cpuTime()-c)
		return d
	})
	slices.Sort(cpu)
	b.ReportMetric(float64(cpu[(len(cpu)-1)/2].Microseconds())/1000, "cpu-ms/op")
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// measureTimed is measure for operations that time themselves (their
// setup excluded).
func measureTimed(b *testing.B, per int, op func(i int) time.Duration) {
	b.Helper()
	var d []time.Duration
	h := startHeapPeak()
	i := 0
	for b.Loop() {
		d = append(d, op(i)/time.Duration(max(per, 1)))
		i++
	}
	peak := h.mb()
	slices.Sort(d)
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	b.ReportMetric(ms(d[(len(d)-1)/2]), "med-ms/op")
	b.ReportMetric(ms(d[min(len(d)-1, len(d)*99/100)]), "p99-ms/op")
	b.ReportMetric(peak, "peak-heap-MB")
}

// copyFile copies a closed data file.
func copyFile(b *testing.B, from, to string) {
	b.Helper()
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}
